"""Login sessions: what a client did after logging in, joined across proxying mailstores."""

import pandas as pd

from tests.correlate.events import table
from zimgraph.casedata import load_case
from zimgraph.correlate.sessions import login_sessions
from zimgraph.correlate.topology import Topology

T0 = pd.Timestamp("2026-10-24T08:00:00Z")
TOPO = Topology(frozenset({"x.gov"}), {"10.0.0.10": "proxy", "10.0.1.12": "mailstore"})


def row(minutes, line, **fields):
    return dict(ts=T0 + pd.Timedelta(minutes=minutes), file="mailbox.log", line=line, **fields)


def test_failures_login_and_actions_in_order_then_a_new_session_after_the_gap():
    events = table([
        row(0, 1, event="auth", outcome="failure", account="bob@x.gov", client_ip="203.0.113.9"),
        row(1, 2, event="auth", outcome="failure", account="bob@x.gov", client_ip="203.0.113.9"),
        row(2, 3, event="auth", outcome="success", account="bob@x.gov", client_ip="203.0.113.9",
            user_agent="ZimbraWebClient - FF91 (Win)"),
        row(3, 4, event="soap", outcome="success", account="bob@x.gov", client_ip="203.0.113.9",
            soap_request="ModifyPrefsRequest"),
        row(4, 5, event="mta_send", outcome="success", account="bob@x.gov", client_ip="203.0.113.9",
            message_id="<m1@x.gov>"),
        row(95, 6, event="soap", outcome="success", account="bob@x.gov", client_ip="203.0.113.9",
            soap_request="SearchRequest"),
    ])
    first, second = login_sessions(events, TOPO).to_dict("records")
    assert first["login"] == "mailbox.log:3" and first["failures_before"] == 2
    assert list(first["actions"]) == ["auth", "ModifyPrefsRequest", "mta_send"]
    assert list(first["messages_sent"]) == ["<m1@x.gov>"] and first["events"] == 3
    assert second["login"] is None and list(second["actions"]) == ["SearchRequest"]
    assert first["session_id"] != second["session_id"] and first["session_id"].startswith("s")


def test_a_proxied_copy_inherits_the_real_client_by_soap_id():
    events = table([
        row(0, 1, event="soap", outcome="success", account="bob@x.gov", client_ip="198.51.100.23",
            user_agent="python-requests/2.31.0", soap_id="7a1", soap_request="GetInfoRequest"),
        # the same request logged by the mailstore it was proxied to: the peer is a mailstore
        row(0, 2, event="soap", outcome="success", account=None, client_ip="10.0.1.12", soap_id="7a1",
            soap_request="GetInfoRequest"),
    ])
    [session] = login_sessions(events, TOPO).to_dict("records")
    assert session["client_ip"] == "198.51.100.23" and session["events"] == 2


def test_infrastructure_is_never_a_session_client():
    events = table([row(0, 1, event="auth", outcome="success", account="bob@x.gov", client_ip="10.0.0.10")])
    assert login_sessions(events, TOPO).empty


def test_example_attacker_session_shows_the_post_compromise_sequence(example_case):
    truth, case_dir = example_case
    sessions = load_case(case_dir).sessions
    attacker = sessions[sessions["client_ip"].isin(truth["attacker_ips"])]
    assert set(attacker["account"]) == set(truth["compromised_accounts"])
    sequences = [list(a) for a in attacker["actions"]]
    assert any(s.index("ModifyPrefsRequest") < s.index("ModifyFilterRulesRequest") < s.index("SendMsgRequest")
               for s in sequences if {"ModifyPrefsRequest", "ModifyFilterRulesRequest", "SendMsgRequest"} <= set(s))
