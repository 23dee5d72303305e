"""zimbra.log / mail.log / maillog: the MTA's syslog (postfix, amavis, saslauthd, cbpolicyd).

The header is parsed by :mod:`zimgraph.sources.syslog`; the message goes to the module
of its program. Syslog copies of mailbox.log lines (``mailboxd:`` via local0, or rsyslog
imfile ``mailboxlog 2018-09-18 00:21:18,787 INFO …``) are read with the mailbox parser.

>>> ctx = ParseContext.for_tests("UTC", year=2016)
>>> [client, auth] = parse("Jan  5 16:49:17 wmmw postfix/smtpd[13110]: 680141B80946: client=212095007065.public.telering.at"
...                        "[212.95.7.65], sasl_method=LOGIN, sasl_username=michel.grenier", ctx)
>>> auth["event"], auth["account"], auth["client_ip"], auth["host"], auth["program"]
('smtp_auth', 'michel.grenier', '212.95.7.65', 'wmmw', 'postfix/smtpd')
"""

from __future__ import annotations

from typing import Final

from zimgraph.sources import amavis, cbpolicyd, log4j, mailbox, postfix, saslauthd, syslog
from zimgraph.sources.base import BLANK, Ignored, ParseContext, ParseError

NAME: Final = "zimbra_syslog"
FILENAMES: Final = ("zimbra.log", "mail.log", "maillog", "mail", "zimbra-stats.log")
FRAMING: Final = "syslog"

_MAILBOXD_PROGRAMS: Final = ("mailboxd", "mailboxlog", "mailbox", "zimbramailbox")

sniff = syslog.looks_like_syslog


def parse(record: str, ctx: ParseContext) -> list[dict] | Ignored:
    if not record.strip():
        return BLANK
    header = syslog.parse_header(record, ctx)
    program = header.program
    message = header.message
    if program.startswith("postfix"):
        result = postfix.parse_message(program, message, ctx)
    elif program in ("amavis", "amavisd"):
        result = amavis.parse_message(message, ctx)
    elif program == "saslauthd":
        result = saslauthd.parse_message(message, ctx)
    elif program == "cbpolicyd":
        result = cbpolicyd.parse_message(message, ctx)
    elif program in _MAILBOXD_PROGRAMS:
        return _mailboxd_copy(header, ctx)
    else:
        return Ignored("syslog: program not analysed")
    if isinstance(result, Ignored):
        return result
    for event in result:
        event["ts"] = header.ts
        event["host"] = header.host
        event["program"] = program
    return result


def _mailboxd_copy(header: syslog.SyslogHeader, ctx: ParseContext) -> list[dict] | Ignored:
    """A mailbox.log line forwarded through syslog, with or without its own timestamp."""
    message = header.message
    if log4j.RECORD_START.match(message):
        events = mailbox.parse(message, ctx)
    else:
        # mailboxd: INFO  [thread] [context] category - message   (no own timestamp)
        stamp = "1970-01-01 00:00:00,000 "
        try:
            rec = log4j.parse_record(stamp + message.lstrip(), None)
        except ParseError:
            return Ignored("syslog: mailboxd line not in log4j layout")
        rec.ts = header.ts
        events = mailbox.parse_record(rec)
    if isinstance(events, Ignored):
        return events
    for event in events:
        event["host"] = header.host
    return events
