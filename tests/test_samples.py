"""Every real sample file is parsed: each line is in an event, ignored with a reason, or rejected.

The counts below were checked line by line against ../shared/formats/samples. No complete,
well-formed line is rejected: every sample line is real, so the expected rejects are zero.
"""

import pytest

from zimgraph.ingest import ingest

#            file: (source, lines read, lines in events, ignored, rejected, events)
EXPECTED = {
    "access_log": ("access_log", 2, 2, 0, 0, 2),
    "audit.log": ("audit", 8, 8, 0, 0, 8),
    "cbpolicyd.log": ("cbpolicyd", 13, 2, 11, 0, 2),
    "clamd.log": ("clamd", 9, 7, 2, 0, 7),
    "freshclam.log": ("freshclam", 14, 10, 4, 0, 10),
    "mail.log": ("zimbra_syslog", 77, 64, 13, 0, 67),
    "mailbox-stacktrace.log": ("mailbox", 9, 9, 0, 0, 1),       # one record: cut header + trace
    "mailbox.log": ("mailbox", 29, 26, 3, 0, 26),
    "mailbox.syslog-forwarded.log": ("zimbra_syslog", 1, 1, 0, 0, 1),
    "sync.log": ("sync", 63, 16, 47, 0, 3),                     # DEBUG XML payloads are ignored
    "zimbra.log": ("zimbra_syslog", 106, 76, 30, 0, 76),
}
# message parts without syslog header (logwatch test data): not log files, so not ingested;
# every line is read with the message parsers in tests/sources/test_amavis.py and test_postfix.py
FRAGMENTS = ("amavis.msg-fragments.log", "postfix.msg-fragments.log")


@pytest.fixture(scope="module")
def sample_case(tmp_path_factory):
    from tests.conftest import SAMPLES
    if not SAMPLES.is_dir():
        pytest.skip(f"the shared format samples are not beside the checkout ({SAMPLES})")
    case = tmp_path_factory.mktemp("samples") / "case"
    return ingest([str(SAMPLES)], str(case), year=2026).manifest


def test_every_sample_file_is_accounted_for(sample_case, samples):
    files = {entry["path"].rsplit("/", 1)[-1]: entry for entry in sample_case["files"]}
    skipped = {entry["path"].rsplit("/", 1)[-1] for entry in sample_case["skipped"]}
    on_disk = {p.name for p in samples.iterdir() if p.is_file()}
    assert on_disk == set(files) | skipped
    assert skipped == {"SOURCES.md", *FRAGMENTS}
    got = {name: (e["source"], e["lines_read"], e["lines_parsed"], e["lines_ignored"], e["lines_rejected"],
                  e["events"]) for name, e in files.items()}
    assert got == EXPECTED
    for entry in files.values():
        assert entry["lines_read"] == sum(1 for _ in open(entry["abs_path"], encoding="utf-8"))
    assert sample_case["totals"]["accounting_ok"]
