"""amavis (amavisd-new) messages from zimbra.log: verdicts, sessions, forwards, parts, AV and spam hits.

``parse_message(message, ctx)`` gets what follows ``amavis[pid]: ``, e.g.
``(02526-20) Passed CLEAN {RelayedOutbound}, ...``. The ``(am_id)`` prefix goes to
``amavis_id``; an alert mark ``(!)`` / ``(!!)`` after it is stripped, the message is parsed
as usual and the mark is put in front of ``detail``; a marked line that yields no event is
kept as a ``service`` event (level WARN / ERROR, detail = the text) instead of being ignored.

Long lines. amavis splits a log line longer than ``$logline_maxlen`` (:data:`LOGLINE_MAXLEN`,
980 characters counted from the ``(`` of the id) into several syslog lines: every part but
the last ends with ``...``, and each continuation reads ``(<am_id>) ...<rest>`` (an alert
mark may sit before the ``...``: ``(<am_id>) (!)...<rest>``). :data:`CONTINUATION` matches a
continuation message and captures ``id``, ``mark`` and ``rest``; re-join as
``first[:-3] + rest`` (per syslog pid) before calling :func:`parse_message`. A continuation
that reaches :func:`parse_message` unjoined is ignored ("amavis: continuation fragment").

Events and conventions:

* ``Passed|Blocked CCAT[ (detail)][ {actions}], [banks ][LOCAL ][ip]:port [orig ip] <s> -> <r>,<r2>, Name: value, ...``
  -> ``amavis_verdict``: outcome "success" (Passed) or "reject" (Blocked), ``verdict`` = CCAT
  (CLEAN, SPAM, INFECTED, BANNED, BAD-HEADER, ...), ``client_ip`` = the originating (second
  bracket) address when logged, else the first; ``proxy_ip`` = the first (connecting MTA) when
  it differs; ``queue_id`` (Queue-ID), ``queued_as``, ``message_id``, ``mail_id``, ``score``
  (Hits, "-" -> None), ``size``, ``tests`` (verbose template ``Tests: [...]``); ``detail``
  keeps the CCAT detail (virus names, banned parts), ``{actions}``, policy banks, LOCAL,
  quarantine, Resent-Message-ID, dkim_sd/dkim_new, Subject, From, User-Agent, X-Mailer,
  autolearn. Fields after the recipients are located by their ``, Name: `` tokens (first
  occurrence wins, values in ``<>``, ``""`` and ``[]`` are skipped over), so every one of them
  is optional and the 2.6-era forms parse too.
* ``Checking: MAILID [banks] [ip] <s> -> <r>`` -> ``amavis_check`` (mail_id, client_ip).
* ``ESMTP :10026 /path/amavis-...-PID-XXX: <s> -> <r> [SIZE=N] Received: ...`` (also
  ``ESMTP::10024``, ``LMTP::10024``, ``SMTP:[127.0.0.1]:10024``) -> ``amavis_check``,
  ``detail`` = ``ESMTP :10026 /path/...`` as logged: the temp dir carries the amavis child pid
  that clamd ``FOUND`` lines repeat.
* ``MAILID FWD from <s> -> <r>, BODY=... queued as QID``, old ``FWD via SMTP: ...`` and
  ``CHILD(PARENT) SEND from <> -> <r>, ... queued as QID`` -> ``amavis_fwd`` with ``queued_as``;
  for SEND (a notification) ``mail_id`` is the parent message's id so it joins the session,
  and ``detail`` starts with ``SEND notification CHILD:``.
* ``pNNN 1/2 Content-Type: type[, enc], size: N[ B][, SHA1 digest: HEX][, name: file]`` and the
  container form ``p003 1 Content-Type: multipart/alternative`` -> ``amavis_part``
  (content_type, size, filename, sha1; ``detail`` = part id and placement, plus any digest
  that is not SHA-1, e.g. ``SHA-256 digest: ...``).
* ``p.path BANNED:1 <rcpt>: "P=..,M=..,N=name | ...", matching_key="..."`` -> ``amavis_banned``
  (filename from the last ``N=``, content_type from its ``M=``, detail = the part path).
* ``run_av (scanner): /path INFECTED: Name``, ``virus_scan: (Name), detected by N scanners: X``
  and ``Turning AV infection into a spam report: score=S, AV:Name=S`` -> ``av_hit`` with
  ``verdict`` = the signature name(s), comma-joined.
* ``SPAM-TAG, <f> -> <r>, Yes|No, score=|hits=... required=... tests=[...]``, the old
  ``SPAM, <f> -> <r>, Yes, score=... tag2=...`` and ``spam_scan: score=... tests=[...]`` ->
  ``spam_tag``: score, required (required= or tag2=), tests normalised to ``RULE=score,...``,
  verdict "Yes"/"No".
* TIMING, SpamAssassin diagnostics, startup/config lines, quarantine bookkeeping, BAD HEADER /
  check_header details (the verdict's BAD-HEADER CCAT carries the finding), OS_fingerprint and
  the rest are ignored with a few fixed reasons.

>>> ctx = ParseContext.for_tests()
>>> [ev] = parse_message("(11463-01) Checking: wJaUl1M0hUI2 [209.85.210.173] <A@gmail.com> -> <b@x.xyz>", ctx)
>>> (ev["event"], ev["amavis_id"], ev["mail_id"], ev["client_ip"], ev["sender"])
('amavis_check', '11463-01', 'wJaUl1M0hUI2', '209.85.210.173', 'a@gmail.com')
"""

from __future__ import annotations

from typing import Final

import re

from zimgraph.normalize import canonical_address, canonical_ip
from zimgraph.sources.base import Ignored, ParseContext, ParseError

#: amavis' default ``$logline_maxlen``: a longer line is split, see :data:`CONTINUATION`
LOGLINE_MAXLEN: Final = 980

# --- grammar ------------------------------------------------------------------------------

# (02526-20) ...TIMING [total 5808 ms] - SMTP greeting: 5 (0%)0, ...
# (02526-20) (!)...rest of a long warning
CONTINUATION: Final = re.compile(r"""
    \((?P<id>[^()\s]+)\)\ (?P<mark>\(!{1,2}\))?\.\.\.(?P<rest>.*)$
    """, re.VERBOSE | re.DOTALL)

# (02526-20)     (4051607-09)     (15345-18-2)
SESSION_ID: Final = re.compile(r"""\((?P<id>\d+(?:-\d+)+)\)\ ?""", re.VERBOSE)

# Passed CLEAN {RelayedInbound}, [209.85.210.173]:44683 [209.85.210.173] <tubui16091999@gmail.com> -> <admin@tubui.xyz>, Queue-ID: E511C160D75, Message-ID: <CAJVV1btF7DS2PPVxuC8hY12W8N89_YXa5rP6S1enx4ckcW5_vw@mail.gmail.com>, mail_id: wJaUl1M0hUI2, Hits: -, size: 2569, queued_as: 30056160D76, dkim_sd=20210112:gmail.com, 260 ms
# Blocked INFECTED (Porcupine.Phishing.55542.UNOFFICIAL) {DiscardedInbound,Quarantined}, [192.168.0.1]:1434 [192.168.0.1] <someone1@something1.com> -> <someon2@something2.com>, quarantine: 2/virus-26W2lJY63nCZ, Queue-ID: 83B741009CD35, ...
# Passed CLEAN, [127.0.0.1] <some-account@gmail.com> -> <test.djoven@icecrown.es>, Message-ID: <CAHOKk5t...@mail.gmail.com>, Hits: -5.947
VERDICT: Final = re.compile(r"""
    (?P<action>Passed|Blocked)
    (?:\ (?P<ccat>[A-Z][A-Z0-9-]*))?
    (?:\ \((?P<ccat_detail>.*?)\)(?=(?:\ \{[^}]*\})?,\ [^<]*<[^>]*>\ ->\ ))?
    (?:\ \{(?P<actions>[^}]*)\})?
    ,\ (?P<client>[^<]*)
    <(?P<sender>[^>]*)>\ ->\ (?P<rcpts><[^>]*>(?:,<[^>]*>)*)
    (?P<fields>.*)$
    """, re.VERBOSE | re.DOTALL)

# , Queue-ID: E511C160D75    , Hits: -    , dkim_sd=20210112:gmail.com    , Subject: "Re: xxxxxx"
FIELD: Final = re.compile(r"""
    ,\ (?P<key>[A-Za-z][\w-]*)(?::\ |=)
    (?P<value>(?:[^,<"\[]+|<[^>]*>|"[^"]*"|\[[^\]]*\])*)
    """, re.VERBOSE)

# <e.e@ugent.be>,<m.m@ugent.be>      (one address of a recipient list)
ANGLED: Final = re.compile(r"""<(?P<address>[^>]*)>""", re.VERBOSE)

# [209.85.210.173]:44683     [IPv6:2001:630:d0:f102:230:48ff:fe77:96e]
BRACKET: Final = re.compile(r"""\[(?P<ip>[^\]]*)\](?::(?P<port>\d+))?$""", re.VERBOSE)

# Checking: 2mwr_Uo4Q4fX ORIGINATING/MYNETS [103.124.94.220] <admin@tubui.xyz> -> <tubui16091999@gmail.com>
CHECKING: Final = re.compile(r"""
    Checking:\ (?:(?P<mail_id>[^\s\[<]\S*)\ )?(?P<client>[^<]*)
    <(?P<sender>[^>]*)>\ ->\ (?P<rcpts><[^>]*>(?:,<[^>]*>)*)
    """, re.VERBOSE)

# ESMTP :10026 /opt/zimbra/data/amavisd/tmp/amavis-20220315T050001-02526-WK1FJfLF: <admin@tubui.xyz> -> <tubui16091999@gmail.com> Received: from mail.tubui.xyz ...
# SMTP:[127.0.0.1]:10024 /var/spool/amavis/tmp/amavis-20070119T144757-09086: <from@example.com> -> <to@sample.net>,<recip@sample.net> SIZE=2500000 Received: ...
SESSION: Final = re.compile(r"""
    (?P<head>(?P<proto>ESMTP|LMTP|SMTP)\ ?:\S*\ (?P<dir>/\S*?))
    :\ <(?P<sender>[^>]*)>\ ->\ (?P<rcpts><[^>]*>(?:,<[^>]*>)*)
    (?:\ SIZE=(?P<size>\d+))?
    """, re.VERBOSE)

# 2mwr_Uo4Q4fX FWD from <admin@tubui.xyz> -> <tubui16091999@gmail.com>, BODY=7BIT 250 2.0.0 from MTA(smtp:[127.0.0.1]:10030): 250 2.0.0 Ok: queued as 9B378160D71
# FWD from <admin@domainname.com> -> <mukeshkumar76@hotmail.com>,BODY=7BIT 250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as E6806280D72
# yMQxchA40B3f(BVbKQQ9S3o7N) SEND from <postmaster@arthas.icecrown.es> -> <issues@icecrown.es>, ENVID=AM.yMQxchA40B3f.20230218T103130Z@arthas.icecrown.es 250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as AA4D5FEF71
FORWARD: Final = re.compile(r"""
    (?:(?P<mail_id>[\w+/-]+)(?:\((?P<parent>[\w+/-]+)\))?\ )?
    (?P<kind>FWD|SEND)\ (?:from|via\ [^<]*?)\ ?
    <(?P<sender>[^>]*)>\ ->\ (?P<rcpts><[^>]*>(?:,<[^>]*>)*)
    ,?\ ?(?P<reply>.*)$
    """, re.VERBOSE | re.DOTALL)

# ... 250 2.0.0 Ok: queued as 9B378160D71
QUEUED_AS: Final = re.compile(r"""queued\ as\ (?P<qid>[0-9A-Za-z]+)""", re.VERBOSE)

# ... BODY=7BIT 250 2.0.0 from MTA(...)       (first SMTP reply code of a FWD/SEND reply)
REPLY_CODE: Final = re.compile(r"""(?P<code>[245])(?<=\b[245])\d\d\ """, re.VERBOSE)

# p002 1/2 Content-Type: application/octet-stream, size: 3045836 B, name: abc.pdf
# p003 1/2 Content-Type: application/pdf, base64, size: 84172, SHA1 digest: 3f786850e387550fdab836ed7e6dc881de23001b, name: invoice.pdf   (>= 2.11, RECONSTRUCTED)
# p003 1 Content-Type: multipart/alternative
PART: Final = re.compile(r"""
    (?P<part>p\d+)\ (?P<place>[\d/]+)\ Content-Type:\ (?P<ctype>[^,]*)
    (?:,\ (?P<enc>[^,]*)(?=,\ size:))?
    (?:,\ size:\ (?P<size>\d+)(?:\ B)?)?
    (?:,\ (?P<algo>[\w-]+)\ digest:\ (?P<digest>[0-9A-Fa-f]*))?
    (?:,\ name:\ ?(?P<name>.*))?$
    """, re.VERBOSE | re.DOTALL)

# p.path BANNED:1 test.djoven@icecrown.es: "P=p004,L=1,M=multipart/mixed | P=p003,L=1/2,M=application/x-shellscript,T=asc,N=sample-script.sh", matching_key="(?^i:\\.sh$)"
BANNED: Final = re.compile(r"""
    p\.path(?:\ BANNED:(?P<result>\S+))?\ (?P<rcpt>[^"]*?):\ "(?P<path>.*?)"
    (?:,\ matching_key="(?P<key>.*)")?$
    """, re.VERBOSE | re.DOTALL)

# M=application/x-shellscript      (MIME type attribute inside one p.path component)
PATH_MIME: Final = re.compile(r"""(?:^|,)M=(?P<mime>[^,]*)""", re.VERBOSE)

# ,A=U,A=C      (trailing attribute flags after the name in a p.path component)
PATH_ATTRS: Final = re.compile(r"""(?:,A=[A-Za-z])+$""", re.VERBOSE)

# run_av (ClamAV-clamd): /var/lib/amavis/tmp/amavis-20120815T191147-02869/parts INFECTED: Eicar-Test-Signature
# run_av (NAI McAfee AntiVirus (uvscan)): INFECTED: W32/Zhelatin.gen!eml, W32/Zhelatin.gen!eml
RUN_AV: Final = re.compile(r"""
    (?:run|ask)_av\ \((?P<scanner>.*?)\):\ (?:(?P<path>/\S*)\ )?INFECTED:\ (?P<names>.*)$
    """, re.VERBOSE | re.DOTALL)

# virus_scan: (Eicar-Test-Signature), detected by 1 scanners: ClamAV-clamd
VIRUS_SCAN: Final = re.compile(r"""
    virus_scan:\ \((?P<names>.*)\),\ (?P<rest>detected\ by\ .*)$
    """, re.VERBOSE | re.DOTALL)

# Turning AV infection into a spam report: score=4.1, AV:Sanesecurity.ScamL.375.UNOFFICIAL=4.1
AV_TO_SPAM: Final = re.compile(r"""
    Turning\ AV\ infection\ into\ a\ spam\ report:\ score=(?P<score>-?[\d.]+),\ (?P<names>.*)$
    """, re.VERBOSE | re.DOTALL)

# SPAM-TAG, <from@example.com> -> <to@sample.net>, No, score=-0.069 tagged_above=-10 required=6.31 tests=[BAYES_00=-2.599, FROM_ENDS_IN_NUMS=2.53]
# SPAM, <from@example.com> -> <to@sample.com>, Yes, score=17.709 tag=-10 tag2=6.31 kill=6.31 tests=[AWL=-0.678, BAYES_99=4], autolearn=spam, quarantine Cc4+GUJhgpqh (spam-quarantine)
SPAM_TAG: Final = re.compile(r"""
    (?P<kind>SPAM-TAG|SPAM),\ <(?P<sender>[^>]*)>\ ->\ (?P<rcpts>.*?),\ (?P<flag>Yes|No),\ (?P<rest>.*)$
    """, re.VERBOSE | re.DOTALL)

# score=17.709    hits=6.159
# (a word boundary is checked by a look-behind after the literal, not by a leading \b: a pattern
# that starts with literal text lets the regex engine skip ahead instead of trying every
# position, 4.4 -> 0.4 µs for KEYWORD on a spam_scan line; same matches)
SCORE: Final = re.compile(r"""(?:score(?<=\bscore)|hits(?<=\bhits))=(?P<value>-?\d+(?:\.\d+)?)""", re.VERBOSE)

# required=6.31   tag2=6.31
REQUIRED: Final = re.compile(r"""(?:required(?<=\brequired)|tag2(?<=\btag2))=(?P<value>-?\d+(?:\.\d+)?)""", re.VERBOSE)

# tests=[BAYES_00=-2.599, FROM_ENDS_IN_NUMS=2.53]     tests=BAYES_99=3.5, FUZZY_CPILL=0.518
TESTS: Final = re.compile(r"""tests(?<=\btests)=(?:\[(?P<bracketed>[^\]]*)\]|(?P<bare>.*))""", re.VERBOSE | re.DOTALL)

# BAYES_99=3.5     AV:Sanesecurity.Phishing.Bank.2666.UNOFFICIAL=4.1     MANGLED_TAKE
RULE: Final = re.compile(r"""[\w.:+-]+(?:=-?\d+(?:\.\d+)?)?""", re.VERBOSE)

# autolearn=spam     recips=1
KEYWORD: Final = re.compile(r"""(?P<key>autolearn(?<=\bautolearn)|recips(?<=\brecips))=(?P<value>[\w-]+)""", re.VERBOSE)

#: verdict-line fields copied into detail as "Name: value"
_DETAIL_FIELDS: Final = ("quarantine", "Resent-Message-ID", "dkim_sd", "dkim_new", "Subject", "From",
                  "User-Agent", "X-Mailer", "autolearn")

IGNORED_CONTINUATION: Final = Ignored("amavis: continuation fragment")
IGNORED_TIMING: Final = Ignored("amavis: timing")
IGNORED_SA: Final = Ignored("amavis: SpamAssassin diagnostics")
IGNORED_STARTUP: Final = Ignored("amavis: startup/config")
IGNORED_QUARANTINE: Final = Ignored("amavis: quarantine bookkeeping")
IGNORED_HEADER: Final = Ignored("amavis: header check detail")
IGNORED_FINGERPRINT: Final = Ignored("amavis: OS fingerprint")
IGNORED_BANNED_TRACE: Final = Ignored("amavis: banned-check trace")
IGNORED_SCANNER: Final = Ignored("amavis: scanner status")
IGNORED_OTHER: Final = Ignored("amavis: other")

_IGNORED_PREFIXES: Final[tuple[tuple[tuple[str, ...], Ignored], ...]] = (
    (("TIMING",), IGNORED_TIMING),
    (("SA info", "SA warn", "SA dbg", "SA error", "_WARN: "), IGNORED_SA),
    (("extra modules loaded", "starting.", "config files read", "Net::Server", "Found ",
      "No decoder", "No ext program", "No primary", "No secondary", "No $", "Using ",
      "Module ", "Internal decoder", "socket module", "SpamAssassin loaded", "Creating db",
      "BerkeleyDB", "after_chroot_init", "SA version"), IGNORED_STARTUP),
    (("checking/creating quarantine", "local delivery:", "Quarantine", "do_notify_and_quarantine"),
     IGNORED_QUARANTINE),
    (("BAD HEADER", "check_header:"), IGNORED_HEADER),
    (("OS_fingerprint",), IGNORED_FINGERPRINT),
)


# --- entry point --------------------------------------------------------------------------

def parse_message(message: str, ctx: ParseContext) -> list[dict] | Ignored:
    """Events for one amavis message (the text after ``amavis[pid]: ``).

    >>> ctx = ParseContext.for_tests()
    >>> [ev] = parse_message("(02869-03) virus_scan: (Eicar-Test-Signature), detected by 1 "
    ...                      "scanners: ClamAV-clamd", ctx)
    >>> (ev["event"], ev["verdict"], ev["amavis_id"])
    ('av_hit', 'Eicar-Test-Signature', '02869-03')
    >>> parse_message("(02526-20) ...ms, rest of a long line", ctx)
    Ignored('amavis: continuation fragment')
    """
    amavis_id = None
    body = message
    if body.startswith("("):
        m = SESSION_ID.match(body)
        if m is not None:
            amavis_id = m["id"]
            body = body[m.end():]
    mark = None
    if body.startswith("(!"):
        mark = "(!!)" if body.startswith("(!!)") else "(!)" if body.startswith("(!)") else None
        body = body[len(mark):].lstrip(" ") if mark else body
    if body.startswith("..."):
        return IGNORED_CONTINUATION
    result = _dispatch(body)
    if isinstance(result, Ignored):
        if mark is None:
            return result
        error = mark == "(!!)"
        result = [_event(event="service", outcome="failure" if error else "info",
                         level="ERROR" if error else "WARN", detail=body.strip() or None)]
        mark = None                                       # the level already says it
    for ev in result:
        if amavis_id is not None:
            ev["amavis_id"] = amavis_id
        if mark is not None:
            ev["detail"] = f"{mark} {ev['detail']}" if ev.get("detail") else mark
    return result


def _dispatch(body: str) -> list[dict] | Ignored:
    """The event(s) for one message body (id and alert mark removed)."""
    if body.startswith(("Passed", "Blocked")):
        return _verdict(body)
    if body.startswith("Checking: "):
        return _checking(body)
    if body[:1] == "p" and body[1:4].isdigit() and body[4:5] == " ":   # p003 1/2 Content-Type: …
        return _part(body)
    if body.startswith("p.path"):
        return _banned(body)
    if " FWD " in body or " SEND from " in body or body.startswith(("FWD ", "SEND from ")):
        m = FORWARD.match(body)
        if m is not None:
            return _forward(m)
    if body.startswith(("ESMTP", "LMTP", "SMTP")):
        return _session(body)
    if body.startswith(("run_av (", "ask_av (")):
        return _run_av(body)
    if body.startswith("virus_scan: ("):
        return _virus_scan(body)
    if body.startswith(("SPAM-TAG, ", "SPAM, ")):
        return _spam_tag(body)
    if body.startswith("spam_scan: "):
        return _spam_scan(body)
    if body.startswith("Turning AV infection"):
        return _av_to_spam(body)
    for prefixes, reason in _IGNORED_PREFIXES:
        if body.startswith(prefixes):
            return reason
    return IGNORED_OTHER


# --- helpers ------------------------------------------------------------------------------

def _event(**fields) -> dict:
    """An event dict without the unset (None) fields."""
    return {key: value for key, value in fields.items() if value is not None}


def _recipients(text: str) -> str | None:
    """'<a@x>,<B@y>' -> 'a@x,b@y' (a bare 'x@y>' as logged by old SPAM lines is accepted)."""
    found = ANGLED.findall(text) if "<" in text else text.split(",")
    joined = ",".join(canonical_address(r) for r in found if r.strip())
    return joined or None


def _float(text: str | None) -> float | None:
    """First token of ``text`` as a float; None for '-' or anything unparsable."""
    if not text:
        return None
    try:
        return float(text.split(None, 1)[0])
    except (ValueError, IndexError):
        return None


def _int(text: str | None) -> int | None:
    """First token of ``text`` as an int; None when it is not a number."""
    token = text.split(None, 1)[0] if text and text.strip() else ""
    return int(token) if token.isdecimal() else None


def _client(text: str) -> tuple[str | None, str | None, str | None, list[str]]:
    """(client_ip, proxy_ip, client_port, [banks, LOCAL]) from ``[banks ][LOCAL ][ip]:port [orig]``.

    The second bracket is the originating client from the Received trace; the first the MTA
    that connected to amavis.
    """
    brackets: list[tuple[str, str | None]] = []
    words: list[str] = []
    for token in text.split():
        m = BRACKET.match(token) if token.startswith("[") else None
        if m is not None:
            brackets.append((canonical_ip(m["ip"]), m["port"]))
        else:
            words.append(token)
    if not brackets:
        return None, None, None, words
    first_ip, first_port = brackets[0]
    if len(brackets) == 1 or brackets[1][0] == first_ip:
        return first_ip or None, None, first_port, words
    return brackets[1][0] or None, first_ip or None, None, words


def _tests(text: str | None) -> str | None:
    """'BAYES_00=-2.599, FROM_X=2.53' -> 'BAYES_00=-2.599,FROM_X=2.53'."""
    if not text:
        return None
    rules = [item.strip() for item in text.split(",")]
    return ",".join(rule for rule in rules if rule) or None


def _bare_tests(text: str) -> str | None:
    """Unbracketed ``tests=A=1, B=2, autolearn=...``: the leading rule items only."""
    rules = []
    for item in text.split(","):
        item = item.strip()
        if not RULE.fullmatch(item):
            break
        rules.append(item)
    return ",".join(rules) or None


def _names(items: list[str]) -> str | None:
    """Unique signature names, in order, comma-joined."""
    seen: dict[str, None] = {}
    for name in items:
        name = name.strip()
        if name:
            seen.setdefault(name, None)
    return ",".join(seen) or None


# --- one function per line shape ----------------------------------------------------------

def _verdict(body: str) -> list[dict]:
    m = VERDICT.match(body)
    if m is None:
        raise ParseError("amavis: Passed/Blocked line without '<sender> -> <recipients>'")
    fields: dict[str, str] = {}
    tail = m["fields"]
    if tail.startswith(" "):                              # '<rcpt> Message-ID: ...' (no comma)
        tail = "," + tail
    for key, value in FIELD.findall(tail):                # tuples: no match objects
        fields.setdefault(key, value.strip())
    client_ip, proxy_ip, port, words = _client(m["client"])
    detail = []
    if m["ccat_detail"] is not None:
        detail.append(f"({m['ccat_detail']})")
    if m["actions"] is not None:
        detail.append("{" + m["actions"] + "}")
    detail.extend(words)
    detail.extend(f"{key}: {fields[key]}" for key in _DETAIL_FIELDS if fields.get(key))
    tests = fields.get("Tests")
    return [_event(event="amavis_verdict",
                   outcome="success" if m["action"] == "Passed" else "reject",
                   verdict=m["ccat"], sender=canonical_address(m["sender"]),
                   recipient=_recipients(m["rcpts"]), client_ip=client_ip, proxy_ip=proxy_ip,
                   client_port=port, queue_id=fields.get("Queue-ID") or None,
                   message_id=fields.get("Message-ID") or None,
                   mail_id=fields.get("mail_id") or None,
                   score=_float(fields.get("Hits")), size=_int(fields.get("size")),
                   queued_as=(fields.get("queued_as") or "").split(",")[0].strip() or None,
                   tests=_tests(tests.strip("[]")) if tests else None,
                   detail=", ".join(detail) or None)]


def _checking(body: str) -> list[dict]:
    m = CHECKING.match(body)
    if m is None:
        raise ParseError("amavis: Checking: line without '<sender> -> <recipients>'")
    client_ip, proxy_ip, port, words = _client(m["client"])
    return [_event(event="amavis_check", outcome="info", mail_id=m["mail_id"],
                   sender=canonical_address(m["sender"]), recipient=_recipients(m["rcpts"]),
                   client_ip=client_ip, proxy_ip=proxy_ip, client_port=port,
                   detail=" ".join(words) or None)]


def _session(body: str) -> list[dict] | Ignored:
    m = SESSION.match(body)
    if m is None:
        if " -> " in body and ": <" in body:
            raise ParseError("amavis: SMTP/LMTP session line with unexpected shape")
        return IGNORED_OTHER                              # e.g. 'SMTP shutdown: ...'
    return [_event(event="amavis_check", outcome="info",
                   protocol="lmtp" if m["proto"] == "LMTP" else "smtp",
                   sender=canonical_address(m["sender"]), recipient=_recipients(m["rcpts"]),
                   size=int(m["size"]) if m["size"] else None, detail=m["head"])]


def _forward(m: re.Match) -> list[dict]:
    reply = m["reply"].strip()
    queued = QUEUED_AS.search(reply) if "queued as" in reply else None
    code = REPLY_CODE.search(reply)
    if queued is not None or (code is not None and code["code"] == "2"):
        outcome = "success"
    elif code is not None:
        outcome = "defer" if code["code"] == "4" else "reject"
    else:
        outcome = "info"
    mail_id, parent = m["mail_id"], m["parent"]
    if parent is not None:
        detail = f"{m['kind']} notification {mail_id}: {reply}"
        mail_id = parent
    else:
        detail = reply if m["kind"] == "FWD" else f"SEND: {reply}"
    return [_event(event="amavis_fwd", outcome=outcome, mail_id=mail_id,
                   sender=canonical_address(m["sender"]), recipient=_recipients(m["rcpts"]),
                   queued_as=queued["qid"] if queued else None, detail=detail or None)]


def _part(body: str) -> list[dict] | Ignored:
    if " Content-Type: " not in body:
        return IGNORED_OTHER
    m = PART.match(body)
    if m is None:
        raise ParseError("amavis: MIME part line with unexpected fields")
    detail = f"{m['part']} {m['place']}"
    sha1 = None
    if m["algo"] is not None:
        if m["algo"].upper().replace("-", "") == "SHA1" and len(m["digest"]) == 40:
            sha1 = m["digest"].lower()
        else:
            detail = f"{detail}, {m['algo']} digest: {m['digest']}"
    name = (m["name"] or "").strip()
    return [_event(event="amavis_part", outcome="info", content_type=m["ctype"].strip() or None,
                   size=int(m["size"]) if m["size"] else None, filename=name or None,
                   sha1=sha1, detail=detail)]


def _banned(body: str) -> list[dict] | Ignored:
    m = BANNED.match(body)
    if m is None:
        raise ParseError("amavis: p.path line without 'recipient: \"path\"'")
    if m["result"] is None:
        return IGNORED_BANNED_TRACE                       # level 3: every part, not banned
    path = m["path"]
    leaf = path.rsplit(" | ", 1)[-1]
    mime = PATH_MIME.search(leaf)
    at = leaf.find(",N=")
    tail = leaf[2:] if leaf.startswith("N=") else leaf[at + 3:] if at >= 0 else None
    # decoded name first, the raw (MIME-encoded) one second; attribute flags after them
    name = PATH_ATTRS.sub("", tail).split(",N=", 1)[0] or None if tail is not None else None
    detail = path if m["key"] is None else f'{path}, matching_key="{m["key"]}"'
    return [_event(event="amavis_banned", outcome="info", verdict="BANNED",
                   recipient=_recipients(m["rcpt"]) if m["rcpt"].strip() else None,
                   filename=name, content_type=(mime["mime"] or None) if mime else None,
                   detail=detail)]


def _run_av(body: str) -> list[dict] | Ignored:
    if "INFECTED: " not in body:
        return IGNORED_SCANNER
    m = RUN_AV.match(body)
    if m is None:
        raise ParseError("amavis: run_av INFECTED line with unexpected shape")
    where = f"{m['scanner']} {m['path']}" if m["path"] else m["scanner"]
    return [_event(event="av_hit", outcome="info", verdict=_names(m["names"].split(", ")),
                   detail=where)]


def _virus_scan(body: str) -> list[dict]:
    m = VIRUS_SCAN.match(body)
    if m is None:
        raise ParseError("amavis: virus_scan line without 'detected by'")
    return [_event(event="av_hit", outcome="info", verdict=_names(m["names"].split(", ")),
                   detail=m["rest"])]


def _av_to_spam(body: str) -> list[dict] | Ignored:
    m = AV_TO_SPAM.match(body)
    if m is None:
        return IGNORED_OTHER
    names = [item.strip().removeprefix("AV:").rsplit("=", 1)[0] for item in m["names"].split(",")]
    return [_event(event="av_hit", outcome="info", verdict=_names(names),
                   score=_float(m["score"]), detail="AV infection turned into a spam score")]


def _spam_tag(body: str) -> list[dict]:
    m = SPAM_TAG.match(body)
    if m is None:
        raise ParseError("amavis: SPAM/SPAM-TAG line without '<sender> -> <recipients>, Yes|No'")
    rest = m["rest"]
    score, required = SCORE.search(rest), REQUIRED.search(rest)
    detail = [m["kind"]] + [f"{k['key']}={k['value']}" for k in KEYWORD.finditer(rest)]
    return [_event(event="spam_tag", outcome="info", verdict=m["flag"],
                   sender=canonical_address(m["sender"]), recipient=_recipients(m["rcpts"]),
                   score=float(score["value"]) if score else None,
                   required=float(required["value"]) if required else None,
                   tests=_rule_list(rest), detail=", ".join(detail))]


def _spam_scan(body: str) -> list[dict] | Ignored:
    score = SCORE.search(body)
    if score is None:
        return IGNORED_SCANNER                            # e.g. 'not wasting time on SA, ...'
    detail = ["spam_scan"] + [f"{k['key']}={k['value']}" for k in KEYWORD.finditer(body)]
    return [_event(event="spam_tag", outcome="info", score=float(score["value"]),
                   tests=_rule_list(body), detail=", ".join(detail))]


def _rule_list(text: str) -> str | None:
    m = TESTS.search(text)
    if m is None:
        return None
    if m["bracketed"] is not None:
        return _tests(m["bracketed"])
    return _bare_tests(m["bare"])
