"""Every library query, executed on the embedded engine against the generated example case,
with results checked against ground_truth.json (or against the graph itself, computed in Python)."""

import pytest

from zimgraph.casedata import load_case
from zimgraph.query.library import find_query, list_queries
from zimgraph.query.run import bind_params, run_embedded

TESTED = set()


@pytest.fixture(scope="module")
def case(example_case):
    truth, folder = example_case
    graph = load_case(folder).graph
    return truth, folder, graph


def run(case, name, **params):
    TESTED.add(name)
    _, folder, _ = case
    query = find_query(name)
    result = run_embedded(query, bind_params(query, {k: str(v) for k, v in params.items()}),
                          case_dir=folder, case_name=folder.name)
    return result.records()


def spray_ips(truth):
    """The attacker IPs that sprayed (every attacker IP but the login-only one of the forged-XFF trap)."""
    login_only = truth["traps"]["forged_xff"]["oip"].split(",")[-1].strip()
    return sorted(set(truth["attacker_ips"]) - {login_only}), login_only


def test_logins_from_the_attacker_ips_are_exactly_the_compromised_accounts(case):
    truth = case[0]
    reached = set()
    for ip in truth["attacker_ips"]:
        rows = run(case, "logins-from-ip", ip=ip)
        assert rows, ip
        reached |= {r["account"] for r in rows}
    assert reached == set(truth["compromised_accounts"])
    _, login_only = spray_ips(truth)
    # the forged X-Forwarded-For login is credited to its real client, not to the office NAT in front of it
    assert {r["account"] for r in run(case, "logins-from-ip", ip=login_only)} \
        == set(truth["phishing"]["compromised_recipients"])
    assert truth["traps"]["forged_xff"]["account"] in {r["account"] for r in run(case, "logins-from-ip", ip=login_only)}
    assert run(case, "logins-from-ip", ip=truth["traps"]["second_campaign"]["ips"][0]) == []


def test_failures_then_success_finds_the_spray_ips_and_nothing_else(case):
    truth = case[0]
    rows = run(case, "failures-then-success-per-ip")
    sprayers, _ = spray_ips(truth)
    assert sorted(r["ip"] for r in rows) == sprayers
    got_in = {a for r in rows for a in r["logged_in_to"]}
    assert got_in <= set(truth["compromised_accounts"]) and got_in
    for row in rows:
        assert row["failed_accounts"] >= 5 and row["failures"] >= row["failed_accounts"]
        assert row["first_failure"] < row["first_login"] or row["logged_in_to"]
        assert row["logged_in_to"] == sorted(row["logged_in_to"])     # lists come back sorted


def test_attachment_recipients_are_the_phishing_recipients(case):
    phishing = case[0]["phishing"]
    rows = run(case, "attachment-recipients", sha1=phishing["sha1"])
    assert sorted({r["recipient"] for r in rows}) == sorted(phishing["recipients"])
    assert {r["sender"] for r in rows} == {phishing["sender"]}
    assert {r["message_id"].strip("<>") for r in rows} == set(phishing["message_ids"])


def test_attachments_in_many_messages_are_the_campaign_and_the_newsletter(case):
    truth = case[0]
    rows = {r["sha1"]: r for r in run(case, "attachments-in-many-messages")}
    assert set(rows) == {truth["phishing"]["sha1"], truth["traps"]["newsletter"]["sha1"]}
    phish = rows[truth["phishing"]["sha1"]]
    assert phish["names"] == [truth["phishing"]["filename"]] and phish["senders"] == [truth["phishing"]["sender"]]
    assert phish["recipients"] == len(truth["phishing"]["recipients"])
    assert rows[truth["traps"]["newsletter"]["sha1"]]["senders"] == [truth["traps"]["newsletter"]["sender"]]


def test_spf_failures_delivered_include_every_delivered_spoof(case):
    truth = case[0]
    rows = run(case, "spf-fail-delivered")
    own_domain = {r["message_id"].strip("<>"): r for r in rows if r["own_domain_sender"]}
    delivered = {m["message_id"]: m for m in truth["spoofing"]["messages"] if m["delivered"]}
    assert set(own_domain) == set(delivered)
    for message_id, row in own_domain.items():
        assert row["delivered_to"] == [delivered[message_id]["recipient"]]
        assert row["sender"] == delivered[message_id]["sender"] and row["client_ip"] in truth["spoofing"]["ips"]
    assert all(r["spf"] in ("fail", "softfail") for r in rows)


def test_accounts_sending_an_attachment(case, tmp_path):
    """In the example nobody forwarded a file on (checked against the graph); the hand-built graph has one."""
    truth, _, graph = case
    assert run(case, "accounts-sending-attachment", sha1=truth["phishing"]["sha1"]) == []
    senders_of_files = {u for u, m, k in graph.edges(keys=True) if k == "SENT" and graph.nodes[u]["kind"] == "Account"
                        and any(kk == "CARRIED" for _, _, kk in graph.out_edges(m, keys=True))}
    assert senders_of_files == set()
    from tests.neo4j.graphs import ATTACKER_IP, SHA1, small_case_graph
    query = find_query("accounts-sending-attachment")
    rows = run_embedded(query, bind_params(query, {"sha1": SHA1}), case_dir=tmp_path, case_name="small",
                        graph=small_case_graph()).records()
    assert rows == [{"account": "alice@example.gov", "message_id": "<x1@example.gov>", "sent": "2026-10-24T08:00:00Z",
                     "client_ip": ATTACKER_IP, "user_agent": "python-requests/2.31",
                     "recipients": ["drop@exfil.example"]}]


def test_indicators_shared_by_compromised_accounts(case):
    truth = case[0]
    compromised = truth["compromised_accounts"]
    rows = run(case, "indicators-shared-by-compromised", accounts=",".join(compromised))
    by_value = {r["indicator"]: r for r in rows}
    _, login_only = spray_ips(truth)
    assert by_value[login_only]["compromised"] == sorted(truth["phishing"]["compromised_recipients"])
    assert by_value[login_only]["other_accounts"] == 0           # the attacker's IP: nobody else
    # the attacker's browser UA ties every compromised account together, and also the two trap accounts
    browser = next(ua for ua in truth["attacker_user_agents"] if ua.startswith("ZimbraWebClient"))
    assert by_value[browser]["compromised"] == sorted(compromised)
    assert by_value[browser]["other_accounts"] == len(truth["traps"]["attacker_ua_benign_accounts"])
    assert all(len(r["compromised"]) >= 2 for r in rows)
    assert not set(by_value) & set(truth["proxy_ips"] + truth["mailstore_ips"] + truth["mta_ips"])
    assert [r["other_accounts"] for r in rows] == sorted(r["other_accounts"] for r in rows)


def test_accounts_sharing_indicators_with_a_seed_account(case):
    truth = case[0]
    seed = truth["traps"]["attacker_device_account"]
    rows = run(case, "accounts-sharing-indicators-with-account", account=seed)
    accounts = {r["account"] for r in rows}
    assert seed not in accounts
    assert set(truth["compromised_accounts"]) - {seed} <= accounts
    assert set(truth["traps"]["attacker_ua_benign_accounts"]) <= accounts     # same browser: flagged, for the analyst
    assert truth["office_nat_ip"] not in {r["indicator"] for r in rows}       # the NAT is a hub: left out
    assert all(r["shared_with"] <= 9 for r in rows)


def test_paths_from_a_seed_ip_avoid_infrastructure(case):
    truth, _, graph = case
    _, login_only = spray_ips(truth)
    rows = run(case, "paths-from-ip", ip=login_only)
    hops = {r["account"]: r["hops"] for r in rows}
    assert {a for a, h in hops.items() if h == 1} == set(truth["phishing"]["compromised_recipients"])
    assert set(hops.values()) <= {1, 3}
    assert len(run(case, "paths-from-ip", ip=login_only, max_hops=1)) == 2
    # the office NAT and carrier gateways are hubs: crossing them would reach their many users
    through_hubs = {r["account"] for r in run(case, "paths-from-ip", ip=login_only, max_accounts=10_000)}
    assert set(hops) < through_hubs
    # through the proxy every account would be 3 hops away; without it only those sharing a client IP or device are
    proxy_neighbours = {graph.nodes[v]["value"] for _, v, k in graph.out_edges(f"ip:{truth['proxy_ips'][0]}", keys=True)
                        if k == "LOGGED_IN"}
    assert rows and not (proxy_neighbours and set(hops) >= proxy_neighbours | set(truth["accounts"]))


def test_activesync_devices_per_account_and_accounts_per_device(case):
    truth = case[0]
    victim, device = truth["traps"]["attacker_device_account"], truth["attacker_device_ids"][0]
    rows = run(case, "devices-per-account", account=victim)
    assert device in {r["device"] for r in rows}
    mine = next(r for r in rows if r["device"] == device)
    assert set(mine["ips"]) <= set(truth["attacker_ips"]) and mine["ips"]
    per_device = run(case, "accounts-per-device", device=device)
    assert [(r["device"], r["accounts"]) for r in per_device] == [(device, [victim])]
    every = run(case, "accounts-per-device")
    assert {r["device"] for r in every} <= set(truth["device_ids"])
    assert {r["device"] for r in every} >= {device}
    assert len(run(case, "devices-per-account")) >= len(every)


def test_post_compromise_actions_show_the_attackers_mail_and_device(case):
    truth = case[0]
    victim = truth["traps"]["attacker_device_account"]
    first_login = min(r["first_seen"] for ip in truth["attacker_ips"]
                      for r in run(case, "logins-from-ip", ip=ip) if r["account"] == victim)
    rows = run(case, "post-compromise-actions", account=victim, since=first_login)
    actions = {(r["action"], r["what"]) for r in rows}
    assert ("SYNCED", truth["attacker_device_ids"][0]) in actions
    assert any(action == "LOGGED_IN" and what in truth["attacker_ips"] for action, what in actions)
    sent = [r for r in rows if r["action"] == "SENT"]
    assert sent and all(r["recipients"] for r in sent)
    assert all(r["last_seen"] >= first_login for r in rows)
    assert [r["first_seen"] for r in rows] == sorted(r["first_seen"] for r in rows)
    device_last = next(r["last_seen"] for r in rows if r["action"] == "SYNCED")
    later = run(case, "post-compromise-actions", account=victim, since=device_last[:16] + ":59.999Z")
    assert ("SYNCED", truth["attacker_device_ids"][0]) not in {(r["action"], r["what"]) for r in later}
    assert len(later) < len(rows)
    assert run(case, "post-compromise-actions", account=victim, since="2099-01-01T00:00:00Z") == []


def test_every_library_query_was_run_above():
    """Runs last in this module: a new query file without an example test fails here."""
    assert {q.name for q in list_queries()} <= TESTED
