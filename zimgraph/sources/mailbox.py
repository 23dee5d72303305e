"""mailbox.log: what mailboxd did — SOAP requests, logins, deliveries, sends, mailbox operations.

log4j layout (see :mod:`zimgraph.sources.log4j`); this module reads the message after
``<category> - `` (FORMATS.md 1.6). Lines with no investigative value and no account
are ignored with a reason; WARN/ERROR records with a stack trace become one ``error``
event.

>>> ctx = ParseContext.for_tests()
>>> [ev] = parse("2021-03-03 19:51:53,762 INFO  [qtp93314457-324:smtp://smtp.test.fr:7073/service/admin/soap/] "
...              "[oip=192.168.7.15;oport=57752;oproto=smtp;soapId=688cb579;] SoapEngine - handler exception: "
...              "authentication failed for [toto.tata], account not found", ctx)
>>> ev["event"], ev["outcome"], ev["protocol"], ev["account"], ev["client_ip"], ev["detail"]
('auth', 'failure', 'smtp', 'toto.tata', '192.168.7.15', 'account not found')
"""

from __future__ import annotations

from typing import Final

import re

from zimgraph.normalize import canonical_address
from zimgraph.sources import audit, log4j, sync
from zimgraph.sources.base import BLANK, Ignored, ParseContext

NAME: Final = "mailbox"
FILENAMES: Final = ("mailbox.log", "imapd.log")
FRAMING: Final = "log4j"

# soap - SearchRequest elapsed=2
# soap - (batch) GetMsgRequest elapsed=3
# soap - GetInfoRequest proxy=mbx02.example.gov,elapsed=12
SOAP_REQUEST: Final = re.compile(r"""
    (?P<batch>\(batch\)\ )?(?P<request>[A-Za-z]+(?:Request)?)
    (?:\ proxy=(?P<proxy>[^,\s]+),?)?\ ?elapsed=(?P<elapsed>\d+)
    """, re.VERBOSE)

# imap - user djd123@sjtu.edu.cn authenticated, mechanism=LOGIN
# pop - user user1@mydomain.com authenticated, mechanism=PLAIN [TLS]
LOGIN_OK: Final = re.compile(r"""
    user\ (?P<account>\S+)\ authenticated(?:,\ mechanism=(?P<mechanism>\S+))?(?P<tls>\ \[TLS\])?
    """, re.VERBOSE)

# imap - authentication failed for [user1] (invalid password)          RECONSTRUCTED (ImapHandler)
# account - authentication failed for user1 (no such account)          (PlainAuthenticator)
# SoapEngine - handler exception: authentication failed for [toto@test.fr], invalid password
LOGIN_FAILED: Final = re.compile(r"""
    authentication\ failed\ for\ (?:\[(?P<typed>[^\]]*)\]|(?P<bare>\S+))
    (?:,\ ?|\ \(|\.\s*(?:Reason:\s*)?)?(?P<reason>[^)]*?)\)?\.?$
    """, re.VERBOSE)

# lmtp - Delivering message: size=4096 bytes, nrcpts=1, sender=user4@mydomain.com, msgid=<421926844.25781.2504914800041.JavaMail.zimbra@mydomain.com>
LMTP_DELIVERY: Final = re.compile(r"""
    Delivering\ message(?:\ started|\ completed)?:\ size=(?P<size>\d+|unspecified)(?:\ bytes)?,
    \ nrcpts=(?P<nrcpts>\d+),\ sender=(?P<sender>[^,]*),\ msgid=(?P<msgid><[^>]*>|\S*)
    """, re.VERBOSE)

# mailop - Adding Message: id=54479, Message-ID=<XXXX@email.android.com>, parentId=-1, folderId=2, folderName=Inbox.
# mailop - Adding Message: id=N, sender=<addr>, Message-ID=<…>, parentId=…, folderId=…, folderName=… acct=<uuid>.   (10.1+)
ADDING_MESSAGE: Final = re.compile(r"""
    Adding\ (?P<type>\w+):\ id=(?P<id>\d+)(?:,\ sender=(?P<sender>[^,]*))?
    (?:,\ Message-ID=(?P<msgid><[^>]*>|[^,]*))?.*?(?:folderName=(?P<folder>[^,]*?))?(?:\ acct=\S*)?\.?$
    """, re.VERBOSE)

# smtp - Sending message to MTA at localhost: Message-ID=<1.2.JavaMail.zimbra@d>, replyType=r, size=1234, sender=a@d, nrcpts=2, to=x@e, to=y@f    RECONSTRUCTED
MTA_SEND: Final = re.compile(r"""
    Sending\ message\ to\ MTA\ at\ (?P<relay>[^:]+):\ Message-ID=(?P<msgid><[^>]*>|[^,]*)(?P<fields>.*)$
    """, re.VERBOSE)
# one ", key=value" of the fields that follow: , uploads=[a, b], nrcpts=2, to=x@e
MTA_SEND_FIELD: Final = re.compile(r",\ (?P<key>[a-zA-Z]+)=(?P<value>\[[^\]]*\]|[^,]*)", re.VERBOSE)

# FileUploadServlet - Received plain: Upload: { accountId=…, time=…, size=4269535, uploadId=…, name=Oct-2017.zip, path=/opt/zimbra/data/tmp/upload/upload__…tmp }
UPLOAD: Final = re.compile(r"""
    Upload:\ \{.*?\bsize=(?P<size>\d+).*?\bname=(?P<name>.*?),\ path=
    """, re.VERBOSE)

# filter - Redirecting message to evil@example.net.
FILTER_REDIRECT: Final = re.compile(r"Redirecting\ message\ to\ (?P<target>\S+?)\.?$", re.VERBOSE)

# account - Setting Preference attributes: [zimbraPrefMailForwardingAddress, zimbraPrefMailLocalDeliveryDisabled]
PREFS: Final = re.compile(r"Setting\ Preference\ attributes\s*:\s*\[(?P<attrs>.*)\]", re.VERBOSE)

_MAILOP_VERBS: Final = ("moving", "Moving", "Deleting", "Copying", "Performing IMAP copy", "Emptying",
                 "Adding", "Renaming", "Creating", "Purging")
_ERROR_LEVELS: Final = frozenset({"WARN", "ERROR", "FATAL"})


def sniff(line: str) -> bool:
    """A log4j line (mailbox.log is the generic log4j source; audit/sync are more specific)."""
    return log4j.RECORD_START.match(line) is not None and " [" in line


def parse(record: str, ctx: ParseContext) -> list[dict] | Ignored:
    if not record.strip():
        return BLANK
    return parse_record(log4j.parse_record(record, ctx))


def parse_record(rec: log4j.Log4jRecord) -> list[dict] | Ignored:
    """Events of one parsed mailboxd record."""
    category = rec.category
    if category == "security":
        return audit.parse_security(rec)
    if category == "sync":
        return sync.parse_sync_record(rec)
    message = rec.message
    event = {"ts": rec.ts, "level": rec.level, "program": category or None}
    event.update(log4j.attribution(rec.context))
    url = log4j.thread_url(rec.thread)
    if url:
        event["url"] = url
    if not rec.complete:
        event.update(event="error" if rec.rest else "log", thread=rec.thread or None,
                     detail="header read leniently (cut or malformed)")
        return [event]
    handler = _HANDLERS.get(category)
    if handler is not None:
        result = handler(event, message)
        if result is not None:
            return result
    if "authentication failed for" in message:
        return [_login_failed(event, message, "soap")]
    if rec.level in _ERROR_LEVELS or rec.rest:
        first_exception = rec.rest.lstrip().split("\n", 1)[0][:500] if rec.rest else ""
        event.update(event="error", thread=rec.thread or None,
                     detail=f"{message} | {first_exception}" if first_exception else message)
        return [event]
    if "account" in event:
        event.update(event="log", detail=message)
        return [event]
    return Ignored("mailbox: line without account, not analysed")


def _soap(event: dict, message: str) -> list[dict] | Ignored | None:
    m = SOAP_REQUEST.match(message)
    if m is None:
        return None
    event.update(event="soap", soap_request=m["request"], outcome="success")
    event.setdefault("protocol", "soap")
    if m["proxy"]:
        event["detail"] = f"proxy={m['proxy']}"
        event["relay"] = m["proxy"]
    elif m["batch"]:
        event["detail"] = "batch"
    return [event]


def _soap_engine(event: dict, message: str) -> list[dict] | None:
    if "authentication failed for" in message:
        return [_login_failed(event, message, "soap")]
    return None


def _login_failed(event: dict, message: str, protocol: str) -> dict:
    event["event"] = event.get("event", "auth")
    event["outcome"] = "failure"
    event.setdefault("protocol", protocol)
    m = LOGIN_FAILED.search(message)
    if m is None:
        event["detail"] = message
        return event
    typed = (m["typed"] if m["typed"] is not None else m["bare"] or "").strip()
    if event.get("account") and typed.lower() != event["account"]:
        event["account_typed"] = typed
    else:
        event["account"] = typed.lower()
        if typed != typed.lower():
            event["account_typed"] = typed
    event["detail"] = m["reason"].strip() or message
    return event


def _imap_pop(kind: str, protocol: str):
    def handle(event: dict, message: str) -> list[dict] | Ignored:
        event["protocol"] = protocol
        if "authenticated" in message:
            m = LOGIN_OK.match(message)
            if m is not None:
                event.update(event=kind, outcome="success", account=m["account"].lower(),
                             detail=f"mechanism={m['mechanism']}{' TLS' if m['tls'] else ''}")
                return [event]
        if "authentication failed" in message:
            event["event"] = kind
            return [_login_failed(event, message, protocol)]
        return Ignored(f"mailbox: {protocol} session line")
    return handle


def _account(event: dict, message: str) -> list[dict] | None:
    m = PREFS.search(message)
    if m is not None:
        event.update(event="prefs_change", outcome="success", detail=m["attrs"])
        return [event]
    if "authentication failed for" in message:
        return [_login_failed(event, message, "soap")]
    return None


def _lmtp(event: dict, message: str) -> list[dict] | Ignored | None:
    m = LMTP_DELIVERY.search(message)
    if m is not None:
        size = m["size"]
        event.update(event="lmtp_delivery", outcome="success", protocol="lmtp",
                     sender=canonical_address(m["sender"]), message_id=m["msgid"] or None,
                     size=int(size) if size.isdigit() else None)
        if "account" in event:
            event["recipient"] = event["account"]
        return [event]
    if message.startswith("rejecting message"):
        event.update(event="lmtp_delivery", outcome="reject", protocol="lmtp", detail=message)
        return [event]
    return Ignored("mailbox: lmtp session line")


def _mailop(event: dict, message: str) -> list[dict] | None:
    if not message.startswith(_MAILOP_VERBS):
        return None
    event.update(event="mailbox_op", outcome="success", detail=message)
    m = ADDING_MESSAGE.match(message)
    if m is not None:
        event["message_id"] = m["msgid"] or None
        if m["sender"]:
            event["sender"] = canonical_address(m["sender"])
    return [event]


def _smtp(event: dict, message: str) -> list[dict] | None:
    m = MTA_SEND.match(message)
    if m is None:
        return None
    event.update(event="mta_send", outcome="success", protocol="smtp",
                 relay=m["relay"], message_id=m["msgid"] or None)
    recipients, details = [], []
    for field in MTA_SEND_FIELD.finditer(m["fields"]):
        key, value = field["key"], field["value"].strip()
        if key == "to":
            recipients.append(canonical_address(value))
        elif key == "sender":
            event["sender"] = canonical_address(value)
        elif key == "size" and value.isdigit():
            event["size"] = int(value)
        else:
            details.append(f"{key}={value}")
    if recipients:
        event["recipient"] = ",".join(recipients)
    if details:
        event["detail"] = ", ".join(details)
    if "sender" not in event and "account" in event:
        event["sender"] = event["account"]
    return [event]


def _filter(event: dict, message: str) -> list[dict] | None:
    event.update(event="filter_action", outcome="success", detail=message)
    m = FILTER_REDIRECT.match(message)
    if m is not None:
        event["recipient"] = canonical_address(m["target"])
    return [event]


def _datasource(event: dict, message: str) -> list[dict]:
    event.update(event="datasource", outcome="success", detail=message)
    return [event]


def _upload(event: dict, message: str) -> list[dict] | None:
    m = UPLOAD.search(message)
    if m is None:
        return None
    event.update(event="upload", outcome="success", filename=m["name"], size=int(m["size"]))
    return [event]


def _mailbox(event: dict, message: str) -> list[dict] | None:
    if message.startswith(("Emptying", "Deleting", "Purging")):
        event.update(event="mailbox_op", outcome="success", detail=message)
        return [event]
    return None


_HANDLERS: Final = {
    "soap": _soap,
    "SoapEngine": _soap_engine,
    "imap": _imap_pop("imap_login", "imap"),
    "pop": _imap_pop("pop_login", "pop3"),
    "account": _account,
    "lmtp": _lmtp,
    "mailop": _mailop,
    "smtp": _smtp,
    "filter": _filter,
    "datasource": _datasource,
    "FileUploadServlet": _upload,
    "mailbox": _mailbox,
}
