"""The graph's vocabulary: node kinds, their id prefixes, and the typed edges (docs/model.md).

>>> node_id("IP", "203.0.113.9"), kind_of("account:bob@example.gov")
('ip:203.0.113.9', 'Account')
"""

from __future__ import annotations

#: kind -> (id prefix, what it is)
NODE_KINDS: dict[str, tuple[str, str]] = {
    "Account": ("account", "a mailbox account (canonical lower-case address or bare name)"),
    "IP": ("ip", "a client address (infrastructure addresses are marked and never clients)"),
    "UserAgent": ("ua", "a client-supplied user-agent / IMAP ID / ActiveSync device UA"),
    "Sender": ("sender", "an address that is not an authenticated account (external, or own-domain from outside)"),
    "Attachment": ("sha1", "a MIME part by SHA-1, with the file names seen"),
    "AmavisSession": ("session", "an amavis scan session (pid-seq id)"),
    "Device": ("device", "an ActiveSync device (DeviceID)"),
    "Message": ("message", "one stitched message (message_key)"),
}
PREFIX_TO_KIND = {prefix: kind for kind, (prefix, _doc) in NODE_KINDS.items()}

#: edge type -> (source kinds, target kind, meaning)
EDGE_TYPES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "LOGGED_IN": (("IP",), "Account", "authentication success (every protocol) or ActiveSync request"),
    "AUTH_FAILED": (("IP",), "Account", "authentication failure (every protocol)"),
    "LOCKED_OUT": (("IP",), "Account", "the account was locked out after this client's failures"),
    "ACCESSED": (("IP",), "Account", "SOAP/IMAP/mailbox activity of the logged-in account"),
    "USED_UA": (("Account", "IP"), "UserAgent", "records carrying that user-agent"),
    "SYNCED": (("Account",), "Device", "ActiveSync device of the account"),
    "USED_DEVICE": (("IP",), "Device", "ActiveSync device seen from that address"),
    "SENT": (("Account", "Sender"), "Message", "the real sender of the message"),
    "SUBMITTED": (("IP", "UserAgent"), "Message", "first-hop client, or login IP/UA of a webmail/EAS send"),
    "DELIVERED_TO": (("Message",), "Account", "delivered to an internal mailbox"),
    "ADDRESSED_TO": (("Message",), "Sender", "external recipient"),
    "CARRIED": (("Message",), "Attachment", "the message carried that file"),
    "SCANNED_AS": (("Message",), "AmavisSession", "amavis session that scanned the message"),
}


def node_id(kind: str, value: str) -> str:
    """The node id ``prefix:value`` of a node of ``kind``."""
    return f"{NODE_KINDS[kind][0]}:{value}"


def kind_of(node: str) -> str:
    """The kind of a node id (``ip:1.2.3.4`` → ``IP``)."""
    return PREFIX_TO_KIND[node.split(":", 1)[0]]
