"""clamd.log: the ClamAV daemon that amavis calls for every MIME part (FORMATS.md 6).

Each line is ``<ctime> -> <message>`` in local time (day space-padded)::

    Wed Jun  3 13:38:51 2020 -> /opt/zimbra/data/amavisd/tmp/amavis-20200603T133848-08980-BGyhxkrX/parts/p006: Win.Trojan.Hacktool-1505 FOUND

A ``FOUND`` line is an ``av_hit``: ``verdict`` = signature, ``filename`` = the scanned path
as written. amavis scans its per-message temp folder ``amavis-<YYYYmmddTHHMMSS>-<pid>[-<rand>]``
and names parts ``pNNN`` like its own ``p.path``; so ``detail`` carries
``amavis_pid=08980; amavis_part=p006; amavis_tmp=amavis-...`` (the pid as amavis writes it in
its ``(08980-01)`` log ids; the session sequence is unknown here, so no ``amavis_id``). With
``ExtendedDetectionInfo`` the signature is followed by ``(md5:size)``: ``size`` gets the size,
``detail`` the ``md5=``.

``SelfCheck: Database status OK.`` (every few minutes) is ignored; every other line
(start, version, database loading/reload, warnings, errors) is a ``service`` event with the
message in ``detail`` (``level`` WARNING/ERROR when the message says so).

:func:`ctime_ms` is shared with :mod:`zimgraph.sources.freshclam`.
"""

from __future__ import annotations

from typing import Final

import re

from zimgraph.clock import MONTHS
from zimgraph.sources.base import BLANK, Ignored, ParseContext, ParseError

NAME: Final = "clamd"
FILENAMES: Final = ("clamd.log",)
FRAMING: Final = "line"

# Wed Jun  3 13:38:51 2020 -> SelfCheck: Database status OK.
LINE: Final = re.compile(r"""
    (?P<wday>[A-Z][a-z]{2})\ (?P<mon>[A-Z][a-z]{2})\ (?P<day>[\ \d]?\d)\ 
    (?P<h>\d\d):(?P<mi>\d\d):(?P<s>\d\d)\ (?P<year>\d{4})\ ->\ (?P<msg>.*)$
    """, re.VERBOSE | re.ASCII)

# /opt/zimbra/data/amavisd/tmp/amavis-20200603T133848-08980-BGyhxkrX/parts/p006: Win.Trojan.Hacktool-1505 FOUND
# /var/lib/amavis/tmp/amavis-20070604T223858-21685/parts/p001: HTML.Phishing.Bank-1092 FOUND
# RECONSTRUCTED (ExtendedDetectionInfo): /tmp/x/p002: Eicar-Signature(44d88612fea8a8f36de82e1278abb02f:68) FOUND
FOUND: Final = re.compile(r"""
    (?P<path>.+):\ (?P<sig>\S+?)(?:\((?P<md5>[0-9a-f]{32}|[0-9a-f]{64}):(?P<size>\d+)\))?\ FOUND$
    """, re.VERBOSE | re.ASCII)

# .../amavis-20200603T133848-08980-BGyhxkrX/parts/p006
AMAVIS_TMP: Final = re.compile(r"""
    (?P<dir>amavis-\d{8}T\d{6}-(?P<pid>\d+)(?:-[A-Za-z0-9]+)?)/parts/(?P<part>p\d+)
    """, re.VERBOSE | re.ASCII)

# freshclam messages, for freshclam logs written with LogTime (they are not clamd's)
_FRESHCLAM_HINTS: Final = ("ClamAV update process", "database is up-to-date", "is up to date (",
                    " updated (version")


def sniff(line: str) -> bool:
    """``<ctime> -> <message>`` that is not a freshclam message."""
    if " -> " not in line or LINE.match(line) is None:
        return False
    return not any(hint in line for hint in _FRESHCLAM_HINTS)


def ctime_ms(m: re.Match, ctx: ParseContext) -> int:
    """UTC ms of the ``mon day h mi s year`` groups of a ctime (``Wed Jun  3 13:38:51 2020``), local time.

    Raises ParseError for an unknown month or an impossible date.
    """
    month = MONTHS.get(m["mon"])
    if month is None:
        raise ParseError("unknown month name in ctime timestamp")
    try:
        return ctx.clock.local_ms(int(m["year"]), month, int(m["day"]),
                                  int(m["h"]), int(m["mi"]), int(m["s"]))
    except (ValueError, OverflowError):
        raise ParseError("impossible date in ctime timestamp") from None


def _level(msg: str) -> str | None:
    if msg.startswith(("WARNING", "LibClamAV Warning")) or msg.endswith(" WARNING"):
        return "WARNING"
    if msg.startswith(("ERROR", "LibClamAV Error")) or msg.endswith(" ERROR"):
        return "ERROR"
    return None


def parse(record: str, ctx: ParseContext) -> list[dict] | Ignored:
    """One clamd line -> ``av_hit`` (FOUND), ``service``, or Ignored (SelfCheck OK).

    >>> line = ("Wed Jun  3 13:38:51 2020 -> /tmp/amavis-20200603T133848-08980-BGyhxkrX"
    ...         "/parts/p006: Win.Trojan.Hacktool-1505 FOUND")
    >>> [ev] = parse(line, ParseContext.for_tests("Europe/Paris"))
    >>> ev["ts"], ev["verdict"]
    (1591184331000, 'Win.Trojan.Hacktool-1505')
    >>> ev["detail"]
    'amavis_pid=08980; amavis_part=p006; amavis_tmp=amavis-20200603T133848-08980-BGyhxkrX'
    """
    m = LINE.match(record)
    if m is None:
        if not record or record.isspace():
            return BLANK
        raise ParseError("not a clamd line (no '<ctime> -> ' prefix)")
    msg = m["msg"]
    if msg.endswith(" FOUND"):
        f = FOUND.match(msg)
        if f is not None:
            path, md5, size = f["path"], f["md5"], f["size"]
            a = AMAVIS_TMP.search(path)
            detail = (f"amavis_pid={a['pid']}; amavis_part={a['part']}; amavis_tmp={a['dir']}"
                      if a is not None else "")
            if md5:
                detail = f"{detail}; md5={md5}" if detail else f"md5={md5}"
            return [{
                "ts": ctime_ms(m, ctx),
                "event": "av_hit",
                "program": "clamd",
                "verdict": f["sig"],
                "filename": path,
                "size": int(size) if size else None,
                "detail": detail or None,
            }]
    if msg.startswith("SelfCheck: Database status OK"):
        return Ignored("clamd: SelfCheck database status OK")
    return [{
        "ts": ctime_ms(m, ctx),
        "event": "service",
        "program": "clamd",
        "level": _level(msg),
        "detail": msg or None,
    }]
