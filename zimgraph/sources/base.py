"""What every parser shares: the parse context, the ignore marker and the parse error.

A source module exposes ``parse(record, ctx)`` which returns a list of event dicts
(keys from :data:`zimgraph.events.PARSER_COLUMNS`, ``ts`` as UTC epoch milliseconds),
or an :class:`Ignored` with a short, low-cardinality reason (counted in the manifest),
or raises :class:`ParseError` (the record goes to the case's rejects with the reason).
No other exception may escape a parser.

>>> Ignored("blank line").reason
'blank line'
"""

from __future__ import annotations

from typing import Final

import datetime as dt
from dataclasses import dataclass, field

from zimgraph.clock import LocalClock, SyslogYear


class ParseError(ValueError):
    """The record cannot be parsed; the message says why (it becomes the reject reason)."""


class Ignored:
    """A record that was read and deliberately not turned into an event."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"Ignored({self.reason!r})"


BLANK: Final = Ignored("blank line")


@dataclass
class ParseContext:
    """Per-file state a parser may read: the clock of the node's zone, the syslog year.

    ``state`` is scratch space for a parser that must remember something across the
    records of one file (kept small).
    """

    clock: LocalClock = field(default_factory=LocalClock)
    years: SyslogYear = field(default_factory=lambda: SyslogYear(dt.date.today()))
    node: str = ""
    state: dict = field(default_factory=dict)

    @classmethod
    def for_tests(cls, zone: str = "UTC", *, year: int = 2026) -> "ParseContext":
        """A context with a fixed zone and syslog year (first line in ``year``)."""
        return cls(clock=LocalClock(zone), years=SyslogYear(dt.date(year, 12, 31), forced=year))
