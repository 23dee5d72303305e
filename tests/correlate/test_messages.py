"""Message stitching: real zimbra.log chains, the traps of queue-id chaining, the example scenario."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.correlate.events import concat, events_from_lines, table
from zimgraph.casedata import load_case
from zimgraph.correlate.messages import stitch_messages
from zimgraph.correlate.topology import Topology, learn_topology


@pytest.fixture
def tubui(samples):
    """The two complete flows at the top of samples/zimbra.log (ZCS, outbound then inbound)."""
    lines = (samples / "zimbra.log").read_text(encoding="utf-8").splitlines()[:57]
    events = events_from_lines("zimbra_syslog", lines, year=2022)
    return stitch_messages(events, learn_topology(events)).set_index("message_id")


def test_outbound_chain_through_10026_10030_10032_10025_is_one_message(tubui):
    m = tubui.loc["<556380065.11.1647310600386.JavaMail.zimbra@tubui.xyz>"]
    assert list(m["queue_ids"]) == ["7663A160D70", "9B378160D71", "1EF3E160D70"]
    assert list(m["amavis_ids"]) == ["02526-20", "10050-10"]
    assert list(m["mail_ids"]) == ["2mwr_Uo4Q4fX", "LTo-eHGIVjxE"]
    assert m["direction"] == "outbound" and m["from_mailstore"]
    # submitted by the mailstore itself: no external client
    assert pd.isna(m["client_ip"])
    assert [dict(d) for d in m["deliveries"]] == [
        {"recipient": "tubui16091999@gmail.com", "status": "sent",
         "relay": "gmail-smtp-in.l.google.com[172.217.194.26]:25"}]
    assert m["verdict"] == "CLEAN" and not m["blocked"]


def test_inbound_chain_through_10024_10025_is_one_message(tubui):
    m = tubui.loc["<CAJVV1btF7DS2PPVxuC8hY12W8N89_YXa5rP6S1enx4ckcW5_vw@mail.gmail.com>"]
    assert list(m["queue_ids"]) == ["E511C160D75", "30056160D76"]
    assert list(m["amavis_ids"]) == ["11463-01"]
    assert m["client_ip"] == "209.85.210.173" and m["client_name"] == "mail-pf1-f173.google.com"
    assert m["sender"] == "tubui16091999@gmail.com"
    assert list(m["delivered"]) == ["admin@tubui.xyz"]
    assert m["direction"] == "inbound"          # tubui.xyz is hosted: postfix delivered it over LMTP
    assert m["message_key"] == "n1/E511C160D75"


def test_the_sample_has_exactly_these_two_messages(tubui):
    assert len(tubui) == 2


def _flow(rows):
    base = {"node": "mta01", "source": "zimbra_syslog", "file": "zimbra.log"}
    return table([{**base, "line": i, "ts": pd.Timestamp("2026-10-24T08:00:00Z") + pd.Timedelta(seconds=i), **row}
                  for i, row in enumerate(rows, 1)])


def test_a_remote_servers_queued_as_is_not_followed():
    """'status=sent (250 2.0.0 Ok: queued as X)' from relay=mx...:25 is the REMOTE queue id."""
    events = _flow([
        dict(event="smtp_client", queue_id="AAA", client_ip="198.51.100.7"),
        dict(event="msg_sent", queue_id="AAA", queued_as="BBB", recipient="x@remote.test", status="sent",
             relay="mx.remote.test[192.0.2.25]:25", detail="250 2.0.0 Ok: queued as BBB"),
        dict(event="smtp_client", queue_id="BBB", client_ip="203.0.113.80"),
    ])
    messages = stitch_messages(events, Topology())
    assert sorted(messages["message_key"]) == ["mta01/AAA", "mta01/BBB"]


def test_a_recycled_amavis_id_is_a_new_session():
    """pid-seq ids come back after the child restarts: an hour apart they are two messages."""
    events = _flow([
        dict(event="amavis_verdict", outcome="success", amavis_id="02526-20", queue_id="AAA", verdict="CLEAN"),
        dict(event="amavis_part", amavis_id="02526-20", sha1="a" * 40, filename="one.pdf", content_type="application/pdf"),
    ])
    later = _flow([
        dict(event="amavis_verdict", outcome="success", amavis_id="02526-20", queue_id="CCC", verdict="CLEAN"),
        dict(event="amavis_part", amavis_id="02526-20", sha1="b" * 40, filename="two.pdf", content_type="application/pdf"),
    ])
    later["ts"] = later["ts"] + pd.Timedelta(hours=1)
    later["line"] = later["line"] + 10
    messages = stitch_messages(concat(events, later), Topology()).set_index("message_key")
    assert [a["name"] for a in messages.loc["mta01/AAA", "attachments"]] == ["one.pdf"]
    assert [a["name"] for a in messages.loc["mta01/CCC", "attachments"]] == ["two.pdf"]


def test_clamd_found_is_tied_to_the_session_through_the_temp_dir(samples):
    syslog = events_from_lines("zimbra_syslog", [
        "Jun  3 13:38:48 mta01 amavis[8980]: (08980-01) ESMTP :10024 /opt/zimbra/data/amavisd/tmp/"
        "amavis-20200603T133848-08980-BGyhxkrX: <a@ext.test> -> <b@example.gov> SIZE=1013 Received: from x",
        "Jun  3 13:38:51 mta01 amavis[8980]: (08980-01) Blocked INFECTED (Win.Trojan.Hacktool-1505) {DiscardedInbound}, "
        "[198.51.100.9]:4444 [198.51.100.9] <a@ext.test> -> <b@example.gov>, Queue-ID: 4F1A2B3C4D, "
        "Message-ID: <v1@ext.test>, mail_id: KJ4-dVrsFRMe, Hits: -, size: 1013, 365 ms",
    ], year=2020, node="mta01")
    clamd = events_from_lines("clamd", [
        "Wed Jun  3 13:38:51 2020 -> /opt/zimbra/data/amavisd/tmp/amavis-20200603T133848-08980-BGyhxkrX/parts/p006: "
        "Win.Trojan.Hacktool-1505 FOUND"], node="mta01")
    [m] = stitch_messages(concat(syslog, clamd), Topology()).to_dict("records")
    assert m["blocked"] and m["verdict"] == "INFECTED"
    assert list(m["viruses"]) == ["Win.Trojan.Hacktool-1505"]
    assert any(ref.startswith("clamd.log:") for ref in m["evidence"])
    assert m["deliveries"] == [] or all(d["status"] != "sent" for d in m["deliveries"])


def test_spf_dkim_dmarc_come_from_the_rules():
    events = _flow([
        dict(event="amavis_verdict", outcome="success", amavis_id="1-1", queue_id="AAA", verdict="CLEAN",
             sender="dg@example.gov", recipient="x@example.gov"),
        dict(event="spam_tag", amavis_id="1-1", score=4.2, required=5.0,
             tests="SPF_PASS=-0.001,SPF_HELO_FAIL=0.9,DKIM_INVALID=0.1,DMARC_REJECT=2"),
    ])
    [m] = stitch_messages(events, Topology(frozenset({"example.gov"}))).to_dict("records")
    assert (m["spf"], m["dkim"], m["dmarc"]) == ("fail", "fail", "fail")
    assert (m["score"], m["required"]) == (4.2, 5.0)
    assert m["sender_internal"] and m["account"] is None   # own domain from outside: not the account


def test_example_scenario_stitches_exactly_the_messages_sent(example_case):
    truth, case_dir = example_case
    messages = load_case(case_dir).messages
    assert len(messages) == truth["messages"]["total"]
    assert messages["message_key"].is_unique
    # re-injection never inflates: no queue id appears in two messages
    queue_ids = [q for ids in messages["queue_ids"] for q in ids]
    assert len(queue_ids) == len(set(queue_ids))


def test_example_phishing_messages_carry_hash_and_recipients(example_case):
    truth, case_dir = example_case
    phishing = truth["phishing"]
    messages = load_case(case_dir).messages
    mine = messages[messages["message_id"].isin([f"<{m}>" for m in phishing["message_ids"]])]
    assert len(mine) == len(phishing["message_ids"])
    for attachments in mine["attachments"]:
        assert {(a["sha1"], a["name"]) for a in attachments} == {(phishing["sha1"], phishing["filename"])}
    recipients = sorted(r for rcpts in mine["recipients"] for r in rcpts)
    assert recipients == sorted(phishing["recipients"])
    assert set(mine["sender"]) == {phishing["sender"]}
    assert set(mine["direction"]) == {"inbound"} and set(mine["client_ip"]) == {phishing["sender_ip"]}


def test_example_webmail_sends_of_compromised_accounts_carry_the_login(example_case):
    truth, case_dir = example_case
    messages = load_case(case_dir).messages
    attacker = messages[messages["login_ip"].isin(truth["attacker_ips"])]
    assert len(attacker) >= 3
    assert set(attacker["account"]) <= set(truth["compromised_accounts"])
    assert set(attacker["login_user_agent"]) <= set(truth["attacker_user_agents"])
    assert attacker["from_mailstore"].all() and set(attacker["login_protocol"]) <= {"soap", "activesync"}
    assert all(ref and ":" in ref for ref in attacker["login_evidence"])


def test_example_spoofed_own_domain_mail_is_not_attributed_to_the_account(example_case):
    truth, case_dir = example_case
    messages = load_case(case_dir).messages.set_index("message_id")
    for spoof in truth["spoofing"]["messages"]:
        m = messages.loc[f"<{spoof['message_id']}>"]
        assert m["sender"] == spoof["sender"] and m["sender_internal"]
        assert pd.isna(m["account"]) and not m["from_mailstore"] and m["direction"] == "inbound"
        assert (spoof["recipient"] in list(m["delivered"])) == spoof["delivered"]
