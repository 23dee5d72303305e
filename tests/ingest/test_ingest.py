"""Ingest end to end: the case folder, accounting, idempotency, time, damaged evidence."""

import datetime as dt
import gzip
import hashlib
import json
import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor

import pandas as pd
import pytest

from zimgraph.clock import TimeZoneError
from zimgraph.ingest import Case, DiscoveryError, ingest, load_events
from zimgraph.ingest import run as run_module

MAILBOX = [
    "2026-10-25 02:50:00,000 INFO  [qtp1-1:https://mail.example.gov/service/soap/AuthRequest] [name=a@example.gov;oip=203.0.113.9;ua=python-requests/2.31;] soap - AuthRequest elapsed=3",
    "2026-10-25 02:59:59,000 INFO  [qtp1-2:https://mail.example.gov/service/soap/SearchRequest] [name=a@example.gov;mid=3;oip=203.0.113.9;ua=python-requests/2.31;] soap - SearchRequest elapsed=3",
    "2026-10-25 02:01:00,000 INFO  [qtp1-3:https://mail.example.gov/service/soap/SendMsgRequest] [name=a@example.gov;mid=3;oip=203.0.113.9;ua=python-requests/2.31;] soap - SendMsgRequest elapsed=3",
    "2026-10-25 02:30:00,000 WARN  [qtp1-4:https://mail.example.gov/service/soap/] [name=a@example.gov;mid=3;] SoapEngine - handler exception",
    "com.zimbra.common.service.ServiceException: system failure",
    "\tat com.zimbra.X(X.java:1)",
    "2026-10-25 03:10:00,000 INFO  [qtp1-5:https://mail.example.gov/service/soap/AuthRequest] [oip=198.51.100.7;] SoapEngine - handler exception: authentication failed for [Ghost], account not found",
]
AUDIT = [
    "2026-10-25 02:50:00,000 INFO  [qtp1-1:https://mail.example.gov/service/soap/AuthRequest] [name=a@example.gov;oip=203.0.113.9;ua=python-requests/2.31;] security - cmd=Auth; account=a@example.gov; protocol=soap;",
    "2026-10-25 02:51:00,000 INFO  [t] [name=a@example.gov;] security - Suppressed password lockout.",
]
ZIMBRA_LOG = [
    "Dec 31 23:59:58 mta01 postfix/smtpd[1]: connect from unknown[203.0.113.9]",
    "Dec 31 23:59:59 mta01 postfix/smtpd[1]: warning: unknown[203.0.113.9]: SASL LOGIN authentication failed: authentication failure",
    "Jan  1 00:00:01 mta01 postfix/smtpd[1]: 680141B80946: client=unknown[203.0.113.9], sasl_method=LOGIN, sasl_username=a@example.gov",
    "Jan  1 00:00:02 mta01 zmconfigd[9]: Watchdog: service antivirus status is OK.",
]


def write(path, lines, *, compress=False, mtime=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    if mtime is not None:
        stamp = dt.datetime.fromisoformat(mtime).timestamp()
        os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def collection(tmp_path):
    root = tmp_path / "collection"
    write(root / "mbx01" / "opt/zimbra/log" / "mailbox.log", MAILBOX)
    write(root / "mbx01" / "opt/zimbra/log" / "audit.log.2026-10-25.gz", AUDIT, compress=True)
    write(root / "mta01" / "var/log" / "zimbra.log", ZIMBRA_LOG, mtime="2027-01-01T06:00:00+00:00")
    write(root / "mta01" / "var/log" / "notes.txt", ["collected by J. Doe", "nothing else"])
    return root


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_case_folder_manifest_and_accounting(collection, tmp_path):
    case_dir = tmp_path / "case"
    summary = ingest([str(collection)], str(case_dir), default_zone="Europe/Paris")
    manifest = json.loads((case_dir / "manifest.json").read_text())
    assert manifest == summary.manifest
    files = {os.path.basename(f["path"]): f for f in manifest["files"]}
    assert set(files) == {"mailbox.log", "audit.log.2026-10-25.gz", "zimbra.log"}
    for name, entry in files.items():
        path = next(collection.rglob(name))
        assert entry["sha256"] == sha256(path) and entry["size"] == path.stat().st_size
        assert entry["lines_read"] == entry["lines_parsed"] + entry["lines_ignored"] + entry["lines_rejected"]
    assert files["mailbox.log"]["node"] == "mbx01" and files["zimbra.log"]["node"] == "mta01"
    assert files["mailbox.log"]["lines_read"] == 7 and files["mailbox.log"]["events"] == 5
    assert files["audit.log.2026-10-25.gz"]["ignored_by_reason"] == {"audit: lockout bookkeeping": 1}
    assert files["zimbra.log"]["ignored_by_reason"]["syslog: program not analysed"] == 1
    assert manifest["skipped"] == [{"path": os.path.relpath(collection / "mta01/var/log/notes.txt"),
                                    "node": "mta01", "reason": "content not recognised"}]
    assert manifest["totals"]["accounting_ok"] is True
    events = load_events(case_dir)
    assert len(events) == manifest["totals"]["events"]
    assert str(events["ts"].dtype).startswith("timestamp[ms, tz=UTC]")


def test_time_zone_dst_and_year_rollover(collection, tmp_path):
    case_dir = tmp_path / "case"
    summary = ingest([str(collection)], str(case_dir), default_zone="Europe/Paris")
    events = load_events(case_dir)
    mailbox = events[events["file"].str.endswith("mailbox.log")].sort_values("line")
    assert [t.isoformat() for t in mailbox["ts"]] == [
        "2026-10-25T00:50:00+00:00", "2026-10-25T00:59:59+00:00",      # first pass (CEST)
        "2026-10-25T01:01:00+00:00", "2026-10-25T01:30:00+00:00",      # second pass (CET)
        "2026-10-25T02:10:00+00:00"]
    mta = events[events["node"] == "mta01"].sort_values("line")
    local = [t.tz_convert("Europe/Paris") for t in mta["ts"]]
    assert [t.strftime("%Y-%m-%d %H:%M:%S") for t in local] == [
        "2026-12-31 23:59:58", "2026-12-31 23:59:59", "2027-01-01 00:00:01", "2027-01-01 00:00:01"]
    text = "\n".join(summary.manifest["assumptions"])
    assert "node mbx01: times without an offset read as Europe/Paris (--tz Europe/Paris)" in text
    assert "syslog year from file modification time (2027-01-01): first line in 2026, 1 Dec→Jan rollover(s)" in text
    assert "4 record(s) in a repeated DST hour, placed by line order" in text


def test_default_time_zone_is_said_not_guessed(collection, tmp_path):
    summary = ingest([str(collection)], str(tmp_path / "case"))
    assert any("DEFAULT: no --tz or --node-tz given" in a for a in summary.manifest["assumptions"])


def test_node_tz_overrides_tz(collection, tmp_path):
    summary = ingest([str(collection)], str(tmp_path / "case"), default_zone="Europe/Paris",
                     node_zones={"mta01": "UTC"})
    zones = {f["node"]: f["tz"] for f in summary.manifest["files"]}
    assert zones == {"mbx01": "Europe/Paris", "mta01": "UTC"}


def test_forced_year(collection, tmp_path):
    ingest([str(collection)], str(tmp_path / "case"), year=2019)
    mta = load_events(tmp_path / "case")
    assert sorted({t.year for t in mta[mta["node"] == "mta01"]["ts"]}) == [2019, 2020]


def test_reingest_is_idempotent_and_a_new_node_appends(collection, tmp_path):
    case_dir = tmp_path / "case"
    ingest([str(collection / "mbx01")], str(case_dir), default_zone="Europe/Paris", node="mbx01")
    first = json.loads((case_dir / "manifest.json").read_text())
    parts = {p.name: p.stat().st_mtime_ns for p in (case_dir / "events.parquet").iterdir()}
    again = ingest([str(collection / "mbx01")], str(case_dir), default_zone="Europe/Paris", node="mbx01")
    assert again.parsed == [] and len(again.reused) == 2
    second = json.loads((case_dir / "manifest.json").read_text())
    first.pop("updated"), second.pop("updated")
    assert first == second
    assert {p.name: p.stat().st_mtime_ns for p in (case_dir / "events.parquet").iterdir()} == parts
    grown = ingest([str(collection / "mta01")], str(case_dir), default_zone="Europe/Paris", node="mta01")
    assert len(grown.parsed) == 1
    events = load_events(case_dir)
    assert set(events["node"]) == {"mbx01", "mta01"}
    # the same files seen under another node name replace their earlier entries and parts
    ingest([str(collection)], str(case_dir), default_zone="Europe/Paris", node="renamed")
    assert set(load_events(case_dir)["node"]) == {"renamed"}
    assert len(list((case_dir / "events.parquet").iterdir())) == 3


def test_changed_time_zone_reparses(collection, tmp_path):
    case_dir = tmp_path / "case"
    ingest([str(collection)], str(case_dir), default_zone="UTC")
    summary = ingest([str(collection)], str(case_dir), default_zone="Europe/Paris")
    assert len(summary.parsed) == 3


def test_corrupt_gzip_is_reported_and_the_rest_ingested(collection, tmp_path):
    many = MAILBOX[:3] * 3000
    data = gzip.compress(("\n".join(many) + "\n").encode(), mtime=0)
    broken = collection / "mbx01" / "opt/zimbra/log" / "mailbox.log.2026-10-24.gz"
    broken.write_bytes(data[: len(data) // 2])
    summary = ingest([str(collection)], str(tmp_path / "case"), default_zone="Europe/Paris")
    entry = next(f for f in summary.manifest["files"] if f["path"].endswith("2026-10-24.gz"))
    assert "corrupt or truncated gzip" in entry["error"]
    assert 0 < entry["lines_read"] < len(many)
    assert summary.manifest["totals"]["errors"] == 1
    assert {os.path.basename(f["path"]) for f in summary.manifest["files"] if not f.get("error")} == \
        {"mailbox.log", "audit.log.2026-10-25.gz", "zimbra.log"}


def test_binary_and_latin1_lines_rejected_or_decoded_with_file_and_line(collection, tmp_path):
    path = collection / "mbx01" / "opt/zimbra/log" / "mailbox.log"
    path.write_bytes(path.read_bytes() + b"\x00\x01garbage\x00\n"
                     + "2026-10-25 04:00:00,000 INFO  [t] [name=caf\xe9@example.gov;] soap - GetInfoRequest elapsed=1\n".encode("latin-1")
                     + b"2026-10-25 04:00:01,000 INFO  [tru")
    case_dir = tmp_path / "case"
    summary = ingest([str(collection)], str(case_dir), default_zone="Europe/Paris")
    entry = next(f for f in summary.manifest["files"] if f["path"].endswith("mailbox.log"))
    assert entry["latin1_lines"] == 1 and entry["lines_read"] == 10
    rejects = [json.loads(line) for line in (case_dir / "rejects.jsonl").read_text().splitlines()]
    assert [(r["line"], r["reason"]) for r in rejects] == [
        (8, "binary data (NUL bytes)"), (10, "truncated or malformed log4j header (no context block)")]
    assert rejects[0]["file"] == entry["path"]
    events = load_events(case_dir)
    assert "café@example.gov" in set(events["account"].dropna())
    assert entry["lines_read"] == entry["lines_parsed"] + entry["lines_ignored"] + entry["lines_rejected"]


def test_worker_pool_gives_the_same_case_as_one_process(collection, tmp_path, monkeypatch):
    ingest([str(collection)], str(tmp_path / "one"), default_zone="Europe/Paris", workers=1)
    monkeypatch.setattr(run_module, "IN_PROCESS_BYTES", 0)
    for name in run_module.WORKER_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    ticks = []
    ingest([str(collection)], str(tmp_path / "pool"), default_zone="Europe/Paris", workers=2,
           progress=lambda lines, raw: ticks.append(lines))
    one, pool = load_events(tmp_path / "one"), load_events(tmp_path / "pool")
    pd.testing.assert_frame_equal(one.drop(columns="file"), pool.drop(columns="file"))
    assert sum(ticks) == sum(f["lines_read"] for f in Case(tmp_path / "pool").manifest()["files"])
    # the workers' settings stay out of the caller's environment
    assert not set(run_module.WORKER_ENVIRONMENT) & set(os.environ)


def test_workers_get_their_environment_and_the_caller_keeps_its_own(monkeypatch):
    monkeypatch.delenv("POLARS_MAX_THREADS", raising=False)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "3")          # a caller's own value wins
    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
        with run_module._worker_environment():
            seen = [pool.submit(os.getenv, name) for name in ("POLARS_MAX_THREADS", "OPENBLAS_NUM_THREADS")]
        assert [future.result() for future in seen] == ["1", "3"]
    assert "POLARS_MAX_THREADS" not in os.environ and os.environ["OPENBLAS_NUM_THREADS"] == "3"


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(DiscoveryError, match="no such file or folder: .*nope"):
        ingest([str(tmp_path / "nope")], str(tmp_path / "case"))


def test_unknown_zone_is_a_clear_error(collection, tmp_path):
    with pytest.raises(TimeZoneError, match="Europe/Paris"):
        ingest([str(collection)], str(tmp_path / "case"), default_zone="CEST")


def test_empty_file_is_listed_with_zero_lines(tmp_path):
    write(tmp_path / "ev" / "mbx01" / "audit.log", [])
    (tmp_path / "ev" / "mbx01" / "audit.log").write_bytes(b"")
    summary = ingest([str(tmp_path / "ev")], str(tmp_path / "case"))
    [entry] = summary.manifest["files"]
    assert (entry["source"], entry["lines_read"], entry["events"], entry["recognised_by"]) == \
        ("audit", 0, 0, "name (no readable content)")
    assert len(load_events(tmp_path / "case")) == 0


def test_a_second_copy_of_the_same_file_is_not_counted_twice(collection, tmp_path):
    copy = collection / "mbx01" / "backup" / "mailbox.log"
    copy.parent.mkdir()
    copy.write_bytes((collection / "mbx01" / "opt/zimbra/log/mailbox.log").read_bytes())
    summary = ingest([str(collection)], str(tmp_path / "case"), default_zone="Europe/Paris")
    dupes = [f for f in summary.manifest["files"] if f.get("duplicate_of")]
    assert len(dupes) == 1
    assert summary.manifest["totals"]["duplicates"] == 1
    assert len(load_events(tmp_path / "case")) == summary.manifest["totals"]["events"]


def test_a_case_folder_inside_the_evidence_is_not_ingested(collection):
    case_dir = collection / "case"
    ingest([str(collection)], str(case_dir), default_zone="Europe/Paris")
    again = ingest([str(collection)], str(case_dir), default_zone="Europe/Paris")
    assert again.parsed == []
    assert [s["path"].rsplit("/", 1)[-1] for s in again.skipped] == ["notes.txt"]
    assert all("/case/" not in f["abs_path"] for f in again.manifest["files"])
