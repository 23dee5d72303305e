"""Reading evidence: compression by magic bytes, bad bytes, corrupt archives, record framing."""

import bz2
import gzip
import hashlib
import lzma

import pytest

from zimgraph.ingest.framing import MAX_RECORD_LINES, ORPHAN_CONTINUATION, BadLine, Record, frame_records
from zimgraph.ingest.reader import EvidenceError, EvidenceReader, head_lines

LINES = [f"2026-11-12 10:00:{i % 60:02d},000 INFO  [t] [name=a@b;] soap - X elapsed={i}" for i in range(5000)]
TEXT = ("\n".join(LINES) + "\n").encode()


def read_all(path):
    reader = EvidenceReader(path)
    lines = list(reader.lines())
    return reader, lines


@pytest.mark.parametrize("name, data", [
    ("plain.log", TEXT),
    ("rotated.log.1", gzip.compress(TEXT, mtime=0)),   # gzip with a misleading name
    ("b.log.bz2", bz2.compress(TEXT)),
    ("x.log.xz", lzma.compress(TEXT)),
])
def test_compression_by_magic_bytes_and_hash_of_raw_file(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    reader, lines = read_all(path)
    assert lines == LINES
    assert reader.sha256 == hashlib.sha256(data).hexdigest() and reader.size == len(data)
    assert reader.error is None


def test_truncated_gzip_recovers_lines_and_reports(tmp_path):
    data = gzip.compress(TEXT * 20, mtime=0)
    path = tmp_path / "mailbox.log.2026-11-12.gz"
    path.write_bytes(data[: len(data) // 2])
    reader, lines = read_all(path)
    assert reader.error and "corrupt or truncated gzip" in reader.error
    assert 1000 < len(lines) < 5000 * 20
    assert lines[:100] == LINES[:100]
    assert reader.sha256 == hashlib.sha256(data[: len(data) // 2]).hexdigest()


def test_garbage_after_gzip_header_is_an_error_not_a_crash(tmp_path):
    path = tmp_path / "zimbra.log.2.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00" + b"\xff" * 5000)
    reader, lines = read_all(path)
    assert reader.error and lines == []


def test_binary_latin1_crlf_and_empty_lines(tmp_path):
    path = tmp_path / "mixed.log"
    path.write_bytes(b"ok line\r\n" + b"bin\x00\x01\x02ary\n" + "caf\xe9 latin-1".encode("latin-1") + b"\n"
                     + b"\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\n" + b"\n" + b"last without newline")
    reader, lines = read_all(path)
    assert lines[0] == "ok line"
    assert isinstance(lines[1], BadLine) and lines[1].reason == "binary data (NUL bytes)"
    assert lines[2] == "café latin-1" and reader.latin1_lines == 1
    assert isinstance(lines[3], BadLine) and lines[3].reason == "binary data (not text)"
    assert lines[4] == "" and lines[5] == "last without newline"
    assert len(lines) == 6


def test_over_long_line_is_rejected_and_following_lines_survive(tmp_path):
    path = tmp_path / "long.log"
    path.write_bytes(b"first\n" + b"A" * (3 << 20) + b"\nafter\n")
    _, lines = read_all(path)
    assert lines[0] == "first"
    assert isinstance(lines[1], BadLine) and "longer than 1 MiB" in lines[1].reason
    assert lines[2:] == ["after"]


def test_empty_file(tmp_path):
    path = tmp_path / "empty.log"
    path.write_bytes(b"")
    reader, lines = read_all(path)
    assert lines == [] and reader.sha256 == hashlib.sha256(b"").hexdigest()


def test_zip_archive_is_refused_with_advice(tmp_path):
    path = tmp_path / "logs.zip"
    path.write_bytes(b"PK\x03\x04rest")
    with pytest.raises(EvidenceError, match="extract them first"):
        EvidenceReader(path)


def test_evidence_is_not_modified(tmp_path):
    path = tmp_path / "mailbox.log.gz"
    path.write_bytes(gzip.compress(TEXT, mtime=0))
    before = (path.stat().st_mtime_ns, path.read_bytes())
    read_all(path)
    head_lines(path)
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


def test_log4j_framing_groups_stack_traces_and_sets_aside_orphans():
    lines = ["\tat orphan(From.java:1)", "2026-11-12 10:00:00,000 WARN [t] [] x - boom", "java.lang.X: y",
             "", "\tat a(B.java:2)", "2026-11-12 10:00:01,000 INFO [t] [] x - ok", ""]
    records = list(map(Record._make, frame_records(iter(lines), "log4j")))
    assert [(r.line, r.n_lines) for r in records] == [(1, 1), (2, 4), (6, 2)]
    assert records[0].text is ORPHAN_CONTINUATION
    assert records[1].text.endswith("\tat a(B.java:2)")


def test_log4j_framing_bounds_huge_payloads():
    lines = ["2026-11-12 10:00:00,000 DEBUG [t] [] sync -"] + ["<x/>"] * (MAX_RECORD_LINES + 500)
    [record] = list(map(Record._make, frame_records(iter(lines), "log4j")))
    assert record.n_lines == MAX_RECORD_LINES + 501
    assert record.text.count("\n") == MAX_RECORD_LINES - 1


def test_syslog_framing_rejoins_amavis_continuations_across_other_lines():
    first = "Mar 15 09:16:42 mail amavis[10050]: (10050-10) Passed CLEAN {RelayedOutbound}, <a@b> -> <c@d>, Queue-ID: 9B3..."
    other = "Mar 15 09:16:42 mail postfix/qmgr[4054]: 9B378160D71: removed"
    cont = "Mar 15 09:16:42 mail amavis[10050]: (10050-10) ...78160D71, Message-ID: <x@y>, mail_id: LTo, Hits: -, 12 ms"
    records = list(map(Record._make, frame_records(iter([first, other, cont]), "syslog")))
    assert [(r.line, r.n_lines) for r in records] == [(2, 1), (1, 2)]
    assert records[1].text.endswith("Queue-ID: 9B378160D71, Message-ID: <x@y>, mail_id: LTo, Hits: -, 12 ms")


def test_syslog_framing_keeps_an_unfinished_continuation():
    first = "Mar 15 09:16:42 mail amavis[10050]: (10050-10) Passed CLEAN ..."
    [record] = list(map(Record._make, frame_records(iter([first]), "syslog")))
    assert record.text.endswith("Passed CLEAN ") and record.n_lines == 1
