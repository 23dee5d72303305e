"""The per-record loop: every record's lines counted once, parser bugs contained."""

from zimgraph.ingest.framing import BadLine
from zimgraph.ingest.loop import RecordLoop
from zimgraph.sources.base import Ignored, ParseContext, ParseError


def fake_parse(text, ctx):
    if text == "two":
        return [{"ts": 2, "event": "log"}, {"ts": 1, "event": "log"}]
    if text == "bad column":
        return [{"ts": 1, "event": "log"}, {"ts": 1, "event": "log", "no_such_column": "x"}]
    if text == "bug":
        raise ValueError("oops")
    if text == "broken":
        raise ParseError("broken line")
    if text == "no ts":
        return [{"event": "log"}]
    return Ignored("not used")


def run(records):
    rejected = []
    loop = RecordLoop(fake_parse, ParseContext.for_tests(), lambda *args: rejected.append(args))
    assert loop.run(iter(records), 1000, 10_000) is False
    return loop, rejected


def test_accounting_of_each_outcome():
    records = [(1, 2, "two"), (3, 1, "bad column"), (4, 1, "bug"), (5, 1, "broken"), (6, 1, "no ts"),
               (7, 1, "other"), (8, 1, BadLine("binary data (NUL bytes)", "x\x00")),
               (9, 1, Ignored("continuation of a record from an earlier file"))]
    loop, rejected = run(records)
    columns, line, lines = loop.take_batch()
    assert columns["ts"] == [2, 1] and columns["event"] == ["log", "log"]
    assert line == [1, 1] and lines == [2, 2]
    assert (loop.lines_parsed, loop.event_count, loop.first_ts, loop.last_ts) == (2, 2, 1, 2)
    assert [(r[0], r[2]) for r in rejected] == [
        (3, "parser error: unknown column ['no_such_column']"), (4, "parser error: ValueError: oops"),
        (5, "broken line"), (6, "no timestamp for this record"), (8, "binary data (NUL bytes)")]
    assert loop.parser_errors == 2
    assert loop.ignored == {"not used": 1, "continuation of a record from an earlier file": 1}
    assert loop.last_line == 9
    assert loop.lines_parsed + sum(loop.ignored.values()) + sum(r[1] for r in rejected) == 9


def test_stops_for_a_full_batch_and_resumes():
    records = iter([(n, 1, "two") for n in range(1, 6)])
    loop = RecordLoop(fake_parse, ParseContext.for_tests(), lambda *args: None)
    assert loop.run(records, 4, 10_000) is True
    assert len(loop.take_batch()[1]) == 4
    assert loop.run(records, 4, 10_000) is True
    assert len(loop.take_batch()[1]) == 4
    assert loop.run(records, 4, 10_000) is False
    assert len(loop.take_batch()[1]) == 2 and loop.event_count == 10


def sparse_parse(text, ctx):
    n = int(text)
    event = {"ts": n, "event": "log"}
    if n % 3 == 0:
        event["account"] = f"user{n}"
    if n == 4:
        event["size"] = 4
    return [event]


def test_columns_are_padded_where_events_have_no_value():
    loop = RecordLoop(sparse_parse, ParseContext.for_tests(), lambda *args: None)
    loop.run(iter([(n, 1, str(n)) for n in range(1, 7)]), 1000, 10_000)
    columns, line, _ = loop.take_batch()
    assert columns["account"] == [None, None, "user3", None, None, "user6"]
    assert columns["size"] == [None, None, None, 4, None, None]
    assert all(len(column) == len(line) == 6 for column in columns.values())
    assert loop.take_batch() == ({}, [], [])


def test_a_record_with_an_unknown_column_stores_none_of_its_events():
    def parse(text, ctx):
        return [{"ts": 1, "account": "a"}, {"ts": 2, "bogus": "x"}]
    rejected = []
    loop = RecordLoop(parse, ParseContext.for_tests(), lambda *args: rejected.append(args))
    loop.run(iter([(1, 1, "x")]), 1000, 10_000)
    columns, line, _ = loop.take_batch()
    assert line == [] and all(column == [] for column in columns.values())
    assert rejected[0][2] == "parser error: unknown column ['bogus']"
