"""audit.log: authentications, lockouts and admin changes (logger zimbra.security).

Same log4j layout as mailbox.log; the message is ``key=value;`` pairs separated by one
space, ``;`` doubled inside values (FORMATS.md 2). ``account=`` is the canonical name,
the bracketed name in ``error=`` is what the client typed.

>>> ctx = ParseContext.for_tests()
>>> [ev] = parse("2018-04-01 16:04:25,145 WARN  [Pop3SSLServer-400] [ip=1.1.1.1;oip=1.9.9.9;] security - "
...              "cmd=Auth; account=admin@domain.tek; protocol=pop3; error=authentication failed for [Admin], invalid password;", ctx)
>>> ev["event"], ev["outcome"], ev["account"], ev["account_typed"], ev["client_ip"], ev["proxy_ip"], ev["detail"]
('auth', 'failure', 'admin@domain.tek', 'Admin', '1.9.9.9', '1.1.1.1', 'invalid password')
"""

from __future__ import annotations

from typing import Final

import re

from zimgraph.sources import log4j
from zimgraph.sources.base import BLANK, Ignored, ParseContext

NAME: Final = "audit"
FILENAMES: Final = ("audit.log", "imapd-audit.log")
FRAMING: Final = "log4j"

# cmd=Auth; account=pepe@domain.com; protocol=soap;
# cmd=Auth; account=admin@domain.tek; protocol=pop3; error=authentication failed for [admin@domain.tek], invalid password;
AUDIT_PAIR: Final = re.compile(r"""
    (?P<key>[A-Za-z_]+)=(?P<value>(?:[^;]|;;)*);\s?     # 'k=v;' with ';;' escaping
    """, re.VERBOSE)

# authentication failed for [contabilidad@maquinet.cl], invalid password
AUTH_FAILED: Final = re.compile(r"""
    authentication\ failed\ for\ \[(?P<typed>[^\]]*)\](?:[,.]\s*(?:Reason:\s*)?(?P<reason>.*?))?\.?$
    """, re.VERBOSE)

_ADMIN_TARGET_KEYS: Final = ("name", "accountName", "account", "id", "accountId")


def sniff(line: str) -> bool:
    """An audit.log line: log4j header and the security category."""
    return " security - " in line and log4j.RECORD_START.match(line) is not None


def parse_pairs(message: str) -> dict[str, str]:
    """``cmd=Auth; account=x; protocol=soap;`` → dict (repeated keys joined with ',').

    >>> parse_pairs("cmd=ModifyAccount; name=a@b; zimbraMailForwardingAddress=x@evil;; y;")["zimbraMailForwardingAddress"]
    'x@evil; y'
    """
    pairs: dict[str, str] = {}
    for m in AUDIT_PAIR.finditer(message):
        value = m["value"].replace(";;", ";")
        key = m["key"]
        pairs[key] = f"{pairs[key]},{value}" if key in pairs else value
    return pairs


def parse(record: str, ctx: ParseContext) -> list[dict] | Ignored:
    if not record.strip():
        return BLANK
    rec = log4j.parse_record(record, ctx)
    return parse_security(rec)


def parse_security(rec: log4j.Log4jRecord) -> list[dict] | Ignored:
    """Events of one parsed ``security`` record (also used for such lines in mailbox.log)."""
    event = {"ts": rec.ts, "level": rec.level, "program": rec.category or None}
    event.update(log4j.attribution(rec.context))
    url = log4j.thread_url(rec.thread)
    if url:
        event["url"] = url
    message = rec.message
    if "=" not in message:
        if "authentication failed for" in message:
            return [_auth_failure(event, message, "soap")]
        if "lockout" in message.lower():
            return Ignored("audit: lockout bookkeeping")
        return Ignored("audit: free text")
    pairs = parse_pairs(message)
    cmd = pairs.get("cmd", "")
    context_account = event.get("account")
    if "account" in pairs:
        event["account"] = pairs["account"].strip().lower()
    protocol = pairs.get("protocol")
    if event.get("protocol") != "smtp" and protocol:   # oproto=smtp: the MTA checking SMTP AUTH
        event["protocol"] = protocol
    error, info = pairs.get("error"), pairs.get("info")
    if cmd in ("Auth", "AdminAuth", "PreAuth", "SSOAuth"):
        event["event"] = "admin_auth" if cmd == "AdminAuth" else "auth"
        if cmd != "Auth":
            event["detail"] = f"cmd={cmd}"
        if error and "lockout" in error and "too many" in error:
            event.update(event="lockout", outcome="lockout", detail=error)
        elif error:
            _auth_failure(event, error, protocol)
        elif info and "re-activated" in info:
            event.update(event="unlock", outcome="unlock", detail=info)
        else:
            event["outcome"] = "success"
            mode = pairs.get("mode")
            if mode:
                event["detail"] = f"mode={mode}"
        return [event]
    if not cmd:
        return Ignored("audit: no cmd")
    # admin-side change: the context name is the admin acting, the pairs name the target
    event["event"] = "admin_change"
    event["outcome"] = "failure" if error else "success"
    target = next((pairs[k] for k in _ADMIN_TARGET_KEYS if k in pairs), None)
    if target:
        event["account"] = target.strip().lower()
        if context_account and context_account != event["account"]:
            event["auth_account"] = context_account
    event["detail"] = message
    return [event]


def _auth_failure(event: dict, error: str, protocol: str | None) -> dict:
    event["event"] = event.get("event", "auth")
    event["outcome"] = "failure"
    m = AUTH_FAILED.search(error)
    if m is not None:
        typed = m["typed"].strip()
        if typed.lower() != event.get("account"):
            event["account_typed"] = typed
        event.setdefault("account", typed.lower())
        event["detail"] = (m["reason"] or "").strip() or error
    else:
        event["detail"] = error
    if protocol and "protocol" not in event:
        event["protocol"] = protocol
    return event
