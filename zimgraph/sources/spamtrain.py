"""spamtrain.log: the output of the cron job ``zmtrainsa >> spamtrain.log`` (FORMATS.md 6).

No public line was found: the shapes are RECONSTRUCTED from ``zmtrainsa`` (zm-core-utils).
zmtrainsa's own lines are ``<YYYYmmddHHMMSS> <text>`` (``timestampit``, local time)::

    20261112230001 Starting spam/ham extraction from system accounts.
    20261112230005 Starting spamassassin spam training for alice@example.com using folder junk

and between them come raw, untimed lines from zmspamextract / sa-learn::

    Learned tokens from 3 message(s) (3 message(s) examined)

Every line is a ``spamtrain`` event with the text in ``detail``; untimed lines get the last
timestamp seen in the file (``ctx.state``), lines before any are Ignored. A per-user
training line (``zmtrainsa <user> spam|ham [folder]``) fills ``account``; a line starting
with ``ERROR``/``Error`` has level ``ERROR`` and outcome ``failure``.
"""

from __future__ import annotations

from typing import Final

import re

from zimgraph.sources.base import BLANK, Ignored, ParseContext, ParseError

NAME: Final = "spamtrain"
FILENAMES: Final = ("spamtrain.log",)
FRAMING: Final = "line"

# 20261112230001 Starting spam/ham extraction from system accounts.        (RECONSTRUCTED)
STAMPED: Final = re.compile(r"""
    (?P<year>\d{4})(?P<mo>\d\d)(?P<d>\d\d)(?P<h>\d\d)(?P<mi>\d\d)(?P<s>\d\d)\ (?P<text>.*)$
    """, re.VERBOSE | re.ASCII)

# Starting spamassassin spam training for alice@example.com using folder junk   (RECONSTRUCTED)
USER_TRAINING: Final = re.compile(r"""
    (?:Starting|Finished)\ (?:spamassassin|dspam)\ (?:spam|ham|innocent)\ training
    \ for\ (?P<user>\S+)\ using\ folder\ 
    """, re.VERBOSE | re.ASCII)

# Learned tokens from 3 message(s) (3 message(s) examined)                 (RECONSTRUCTED)
_SA_LEARN: Final = "Learned tokens from "
_STATE: Final = "spamtrain.ts"


def sniff(line: str) -> bool:
    """A zmtrainsa ``timestampit`` line or an sa-learn summary."""
    if line.startswith(_SA_LEARN):
        return True
    m = STAMPED.match(line)
    return m is not None and m["text"].startswith(("Starting ", "Finished ", "Cleanup skipped"))


def parse(record: str, ctx: ParseContext) -> list[dict] | Ignored:
    """One spamtrain.log line -> one ``spamtrain`` event.

    >>> ctx = ParseContext.for_tests()
    >>> [ev] = parse("20261112230001 Starting spam/ham extraction from system accounts.", ctx)
    >>> [ev2] = parse("Learned tokens from 3 message(s) (3 message(s) examined)", ctx)
    >>> ev["ts"] == ev2["ts"] == 1794524401000, ev2["detail"]
    (True, 'Learned tokens from 3 message(s) (3 message(s) examined)')
    """
    if not record or record.isspace():
        return BLANK
    m = STAMPED.match(record) if record[:1].isdigit() else None
    ts: int | None
    if m is not None:
        try:
            ts = ctx.clock.local_ms(int(m["year"]), int(m["mo"]), int(m["d"]),
                                    int(m["h"]), int(m["mi"]), int(m["s"]))
        except (ValueError, OverflowError):
            raise ParseError("impossible date in zmtrainsa timestamp") from None
        ctx.state[_STATE] = ts
        text = m["text"].strip()
    else:
        ts = ctx.state.get(_STATE)
        if ts is None:
            return Ignored("spamtrain: line before the first timestamp")
        text = record.strip()
    failed = text.startswith(("ERROR", "Error"))
    user = USER_TRAINING.match(text) if text.startswith(("Starting ", "Finished ")) else None
    return [{
        "ts": ts,
        "event": "spamtrain",
        "program": "zmtrainsa",
        "outcome": "failure" if failed else None,
        "level": "ERROR" if failed else None,
        "account": user["user"].lower() if user is not None else None,
        "detail": text or None,
    }]
