"""The evidence graph from small event tables: exact nodes and edges, aggregation, the traps."""

from __future__ import annotations

import pandas as pd

from tests.correlate.events import events_from_lines, table
from zimgraph.casedata import load_case
from zimgraph.correlate.topology import Topology
from zimgraph.graph.build import build_graph

TOPO = Topology(frozenset({"example.gov"}), {"10.0.0.10": "proxy"})
T0 = pd.Timestamp("2026-10-24T08:00:00Z")


def at(seconds, line, **fields):
    return dict(ts=T0 + pd.Timedelta(seconds=seconds), file="audit.log", line=line, **fields)


def test_exact_nodes_edges_counts_and_first_last_seen():
    events = table([
        at(0, 1, event="auth", outcome="failure", account="bob@example.gov", client_ip="203.0.113.9",
           proxy_ip="10.0.0.10", protocol="soap", user_agent="python-requests/2.31"),
        at(60, 2, event="auth", outcome="failure", account="bob@example.gov", client_ip="203.0.113.9",
           proxy_ip="10.0.0.10", protocol="imap", user_agent="python-requests/2.31"),
        at(120, 3, event="auth", outcome="success", account="bob@example.gov", client_ip="203.0.113.9",
           proxy_ip="10.0.0.10", protocol="soap", user_agent="python-requests/2.31"),
        at(180, 4, event="sync", outcome="success", account="bob@example.gov", client_ip="203.0.113.9",
           proxy_ip="10.0.0.10", protocol="activesync", device_id="androidc1873361592", device_type="Android"),
    ])
    g = build_graph(events, topology=TOPO)
    assert set(g.nodes) == {"ip:203.0.113.9", "account:bob@example.gov", "ua:python-requests/2.31",
                            "device:androidc1873361592", "ip:10.0.0.10"}
    assert set(g.edges(keys=True)) == {
        ("ip:203.0.113.9", "account:bob@example.gov", "AUTH_FAILED"),
        ("ip:203.0.113.9", "account:bob@example.gov", "LOGGED_IN"),
        ("ip:203.0.113.9", "ua:python-requests/2.31", "USED_UA"),
        ("account:bob@example.gov", "ua:python-requests/2.31", "USED_UA"),
        ("account:bob@example.gov", "device:androidc1873361592", "SYNCED"),
        ("ip:203.0.113.9", "device:androidc1873361592", "USED_DEVICE"),
    }
    failed = g.edges["ip:203.0.113.9", "account:bob@example.gov", "AUTH_FAILED"]
    assert (failed["count"], failed["first_seen"], failed["last_seen"]) == (
        2, "2026-10-24T08:00:00.000Z", "2026-10-24T08:01:00.000Z")
    assert failed["protocols"] == ["imap", "soap"] and failed["outcomes"] == ["failure"]
    assert failed["evidence"] == ["audit.log:1", "audit.log:2"]
    logged_in = g.edges["ip:203.0.113.9", "account:bob@example.gov", "LOGGED_IN"]
    assert logged_in["count"] == 2 and logged_in["protocols"] == ["activesync", "soap"]
    # the account's own user-agent edge ignores the failed guesses
    assert g.edges["account:bob@example.gov", "ua:python-requests/2.31", "USED_UA"]["count"] == 1
    assert g.nodes["ip:10.0.0.10"] | {} == {"kind": "IP", "value": "10.0.0.10", "infrastructure": True,
                                          "role": "proxy", "private": True, "count": 0,
                                          "first_seen": None, "last_seen": None}
    assert g.nodes["device:androidc1873361592"]["device_type"] == "Android"
    assert g.nodes["account:bob@example.gov"]["internal"] is True
    assert g.nodes["ip:203.0.113.9"]["count"] == 4


def test_the_proxy_is_never_a_login_client():
    """A login logged without oip (direct to the mailstore from the proxy) has the proxy as ip=."""
    events = table([at(0, 1, event="auth", outcome="success", account="bob@example.gov", client_ip="10.0.0.10",
                       protocol="imap")])
    g = build_graph(events, topology=TOPO)
    assert not any(k == "LOGGED_IN" for _u, _v, k in g.edges(keys=True))
    assert g.degree("ip:10.0.0.10") == 0


def test_the_forged_first_element_of_an_oip_chain_never_becomes_the_client():
    events = events_from_lines("audit", [
        "2026-10-25 09:00:05,000 INFO  [qtp1-13:https://mail.example.gov/service/soap/AuthRequest] "
        "[ip=10.0.0.10;oip=192.0.2.10, 198.51.100.61;ua=ZimbraWebClient - FF91 (Win)/10.1.4_GA_4200;] "
        "security - cmd=Auth; account=oceane.bertrand@agency.example.gov; protocol=soap;"])
    g = build_graph(events, topology=Topology(frozenset({"agency.example.gov"}), {"10.0.0.10": "proxy"}))
    assert ("ip:198.51.100.61", "account:oceane.bertrand@agency.example.gov", "LOGGED_IN") in g.edges(keys=True)
    assert "ip:192.0.2.10" not in g
    assert not any(k == "LOGGED_IN" for u, _v, k in g.edges(keys=True) if u == "ip:10.0.0.10")


def test_messages_link_sender_recipients_attachment_and_session():
    events = table([
        dict(ts=T0, node="mta01", source="zimbra_syslog", file="zimbra.log", line=1, event="smtp_client",
             queue_id="AAA", client_ip="203.0.113.120"),
        dict(ts=T0, node="mta01", source="zimbra_syslog", file="zimbra.log", line=2, event="amavis_verdict",
             outcome="success", amavis_id="1-1", queue_id="AAA", verdict="CLEAN", message_id="<p1@ext.test>",
             sender="facturation@ext.test", recipient="bob@example.gov,eve@other.test"),
        dict(ts=T0, node="mta01", source="zimbra_syslog", file="zimbra.log", line=3, event="amavis_part",
             amavis_id="1-1", sha1="4" * 40, filename="Facture.html", content_type="text/html", size=18234),
        dict(ts=T0, node="mta01", source="zimbra_syslog", file="zimbra.log", line=4, event="msg_sent",
             queue_id="AAA", recipient="bob@example.gov", status="sent", relay="mbx01[10.0.1.11]:7025",
             protocol="lmtp"),
    ])
    g = build_graph(events, topology=TOPO)
    message = "message:mta01/AAA"
    assert set(g.edges(keys=True)) >= {
        ("sender:facturation@ext.test", message, "SENT"), ("ip:203.0.113.120", message, "SUBMITTED"),
        (message, "account:bob@example.gov", "DELIVERED_TO"), (message, "sender:eve@other.test", "ADDRESSED_TO"),
        (message, "sha1:" + "4" * 40, "CARRIED"), (message, "session:1-1", "SCANNED_AS")}
    assert g.nodes["sha1:" + "4" * 40]["names"] == ["Facture.html"]
    assert g.nodes[message]["message_id"] == "<p1@ext.test>"


def test_same_events_same_graph():
    events = table([at(i, i, event="auth", outcome="success" if i % 3 else "failure", account=f"u{i % 4}@example.gov",
                       client_ip=f"203.0.113.{i % 5}", protocol="soap") for i in range(40)])
    a, b = build_graph(events, topology=TOPO), build_graph(events.sample(frac=1, random_state=3), topology=TOPO)
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert sorted(a.edges(keys=True, data=True)) == sorted(b.edges(keys=True, data=True))


def test_example_webmail_send_links_account_login_ip_and_user_agent(example_case):
    """A message a compromised account sent from webmail hangs on the account and on the login that sent it."""
    truth, case_dir = example_case
    case = load_case(case_dir)
    g = case.graph
    sent = case.messages[case.messages["login_ip"].isin(truth["attacker_ips"])].iloc[0]
    message = "message:" + sent["message_key"]
    assert ("account:" + sent["account"], message, "SENT") in g.edges(keys=True)
    assert ("ip:" + sent["login_ip"], message, "SUBMITTED") in g.edges(keys=True)
    assert ("ua:" + sent["login_user_agent"], message, "SUBMITTED") in g.edges(keys=True)
    assert ("ip:" + sent["login_ip"], "account:" + sent["account"], "LOGGED_IN") in g.edges(keys=True)
    edge = g.edges["ip:" + sent["login_ip"], message, "SUBMITTED"]
    assert edge["evidence"] == [sent["login_evidence"]] and "mailbox.log" in edge["evidence"][0]


def test_example_infrastructure_is_marked_and_never_logs_in(example_case):
    truth, case_dir = example_case
    g = load_case(case_dir).graph
    for ip in truth["proxy_ips"] + truth["mailstore_ips"]:
        assert g.nodes["ip:" + ip]["infrastructure"], ip
        assert not [k for _u, _v, k in g.out_edges("ip:" + ip, keys=True)], ip
    logins = {u for u, _v, k in g.edges(keys=True) if k == "LOGGED_IN"}
    assert not any(g.nodes[u]["infrastructure"] for u in logins)
    compromised = {v for u, v, k in g.edges(keys=True)
                   if k == "LOGGED_IN" and u.split(":", 1)[1] in truth["attacker_ips"]}
    assert compromised == {"account:" + a for a in truth["compromised_accounts"]}
