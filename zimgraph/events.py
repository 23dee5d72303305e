"""The normalized event table: its columns, their Arrow types, and the closed event vocabulary.

Every parser returns plain ``dict`` events whose keys are names from :data:`COLUMNS`.
The ingest pipeline adds ``node``, ``source``, ``file`` and ``line`` itself and turns
``ts`` (integer milliseconds since the epoch, UTC) into a tz-aware UTC timestamp.

Columns are only ever added, never renamed (DESIGN.md section 4).

>>> "client_ip" in COLUMNS and "auth" in EVENT_KINDS
True
"""

from __future__ import annotations

import pyarrow as pa

STRING = pa.string()
INT = pa.int64()
FLOAT = pa.float64()

# name -> (arrow type, meaning)
COLUMNS: dict[str, tuple[pa.DataType, str]] = {
    "ts": (pa.timestamp("ms", tz="UTC"), "when it happened, UTC"),
    "node": (STRING, "collection node (first folder under the PATH given, or --node)"),
    "source": (STRING, "log source name, e.g. mailbox, audit, zimbra_syslog"),
    "file": (STRING, "evidence file path as given on the command line"),
    "line": (INT, "1-based line number of the record's first line in the (decompressed) file"),
    "lines": (INT, "number of physical lines the record spans (stack traces, continuations)"),
    "event": (STRING, "closed vocabulary, see EVENT_KINDS"),
    "outcome": (STRING, "success / failure / lockout / unlock / ... see OUTCOMES"),
    "account": (STRING, "canonical account (lower-case address or bare name)"),
    "account_typed": (STRING, "the account name as the client typed it, when it differs"),
    "auth_account": (STRING, "authenticated account when it differs from the target (aname: delegation)"),
    "client_ip": (STRING, "the real client: last element of oip, else ip"),
    "client_port": (STRING, "client source port when logged"),
    "proxy_ip": (STRING, "TCP peer that relayed the request (ip when oip exists, proxy address)"),
    "forwarded_for": (STRING, "the full X-Forwarded-For/oip chain as logged (client-controlled)"),
    "via": (STRING, "IMAP/POP proxy chain (client-controlled first element)"),
    "user_agent": (STRING, "client-supplied user-agent / IMAP ID / device UA"),
    "protocol": (STRING, "soap, imap, pop3, zsync, smtp, http, lmtp, ..."),
    "device_id": (STRING, "ActiveSync DeviceID"),
    "device_type": (STRING, "ActiveSync DeviceType"),
    "sender": (STRING, "envelope sender (lower-case address)"),
    "recipient": (STRING, "recipient address; several are joined with ','"),
    "message_id": (STRING, "RFC 822 Message-ID with angle brackets"),
    "queue_id": (STRING, "postfix queue id"),
    "queued_as": (STRING, "next queue id after re-injection"),
    "amavis_id": (STRING, "amavis session id (pid-seq)"),
    "mail_id": (STRING, "amavis mail_id"),
    "sha1": (STRING, "SHA-1 of an attachment part (amavis >= 2.11)"),
    "filename": (STRING, "attachment or upload file name"),
    "size": (INT, "size in bytes"),
    "content_type": (STRING, "MIME type"),
    "verdict": (STRING, "amavis content category (CLEAN, SPAM, INFECTED, ...), AV signature, policy action"),
    "score": (FLOAT, "spam score (Hits / score=)"),
    "required": (FLOAT, "spam threshold (required=)"),
    "tests": (STRING, "SpamAssassin rules hit, 'RULE=score,...'"),
    "method": (STRING, "HTTP method"),
    "url": (STRING, "HTTP URL or path with query"),
    "status": (STRING, "HTTP status, postfix delivery status (sent/bounced/deferred), DSN"),
    "soap_request": (STRING, "SOAP request name, e.g. AuthRequest"),
    "soap_id": (STRING, "soapId (joins one request across proxying mailstores)"),
    "helo": (STRING, "SMTP HELO/EHLO name"),
    "relay": (STRING, "postfix relay (next hop)"),
    "host": (STRING, "host name written by the log (syslog host, nginx server)"),
    "program": (STRING, "syslog program or log4j category"),
    "level": (STRING, "log level (INFO, WARN, ...)"),
    "thread": (STRING, "log4j thread name (carries the request URL)"),
    "detail": (STRING, "the rest of the message, reason or free text"),
}

COLUMN_NAMES = tuple(COLUMNS)
#: columns a parser may set (the pipeline owns the others)
PARSER_COLUMNS = frozenset(COLUMN_NAMES) - {"node", "source", "file", "line", "lines"}

SCHEMA = pa.schema([pa.field(name, typ) for name, (typ, _doc) in COLUMNS.items()])

# The closed event vocabulary: every parser's `event` value is one of these keys.
EVENT_KINDS: dict[str, str] = {
    "auth": "authentication attempt (audit cmd=Auth, SoapEngine auth failure, saslauthd)",
    "admin_auth": "admin console authentication (cmd=AdminAuth)",
    "lockout": "account locked out after too many failures",
    "unlock": "account re-activated from lockout",
    "admin_change": "admin-side change in audit.log (ModifyAccount, SetPassword, DelegateAuth, ...)",
    "soap": "a SOAP request handled by mailboxd",
    "imap_login": "IMAP login (success or failure)",
    "pop_login": "POP3 login (success or failure)",
    "imap": "other IMAP/POP session line",
    "lmtp_delivery": "mailboxd accepted a message over LMTP",
    "mailbox_op": "mailbox operation: add, move, delete, copy, empty",
    "mta_send": "mailboxd handed a message to the MTA (webmail/SOAP/EAS send)",
    "filter_action": "mail filter action (redirect, discard, reply, notify)",
    "prefs_change": "preference attributes changed (ModifyPrefs)",
    "datasource": "external account / data source activity",
    "upload": "file uploaded to mailboxd",
    "error": "error record (exception, stack trace)",
    "log": "other mailboxd line kept for context",
    "sync": "ActiveSync request",
    "sync_device": "ActiveSync device summary (device user-agent)",
    "http": "HTTP request (nginx proxy or Jetty access_log)",
    "proxy_error": "nginx error_log / mail proxy line",
    "smtp_connect": "SMTP connection (postscreen/smtpd connect)",
    "smtp_client": "postfix accepted a message from a client (queue id assigned)",
    "smtp_auth": "SMTP AUTH (SASL) success or failure",
    "smtp_reject": "postfix refused a message or recipient (NOQUEUE reject)",
    "msg_received": "postfix cleanup/qmgr: message-id or envelope sender of a queued message",
    "msg_sent": "postfix delivery attempt to a next hop (smtp/lmtp/virtual/local)",
    "msg_bounce": "postfix bounce / non-delivery notification",
    "amavis_verdict": "amavis main verdict line (Passed/Blocked)",
    "amavis_check": "amavis Checking: / ESMTP session start",
    "amavis_fwd": "amavis forwarded (FWD/SEND) the message back to postfix",
    "amavis_part": "amavis MIME part (name, type, size, SHA-1)",
    "amavis_banned": "amavis banned part (p.path BANNED)",
    "spam_tag": "SpamAssassin verdict (SPAM-TAG / spam_scan)",
    "av_hit": "virus found (clamd FOUND, amavis run_av / virus_scan)",
    "av_update": "ClamAV signature update status",
    "policy": "cbpolicyd decision (quota, access control)",
    "spamtrain": "zmtrainsa spam/ham training run",
    "convert": "convertd line",
    "service": "daemon status line kept for context",
}

OUTCOMES = ("success", "failure", "lockout", "unlock", "reject", "defer", "bounce", "info")
