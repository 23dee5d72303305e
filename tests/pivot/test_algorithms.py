"""The pivot's algorithms on a small hand-built campaign (tests/pivot/graphs.py): exact answers."""

import datetime as dt

from tests.pivot.graphs import (CARRIER, DEVICE, FF91, IVAN_HOME, LOGIN_ONLY, NAT, NEWS_SHA1, PHISH_SENDER, PHISH_SHA1,
                                PROXY, SEED, SETTINGS, SPRAY2, SPRAY_UA, acct, campaign, edge)
from zimgraph.pivot import cluster_accounts, expand, hub_test, personalized_pagerank, pivot
from zimgraph.pivot.facts import when

ANCHOR = when("2026-10-25T01:00:00Z")


def verdicts(out):
    return [(a["account"].split("@")[0], a["verdict"]) for a in out["accounts"]]


def indicators(out):
    return {f"{i['kind']}:{i['value']}" for i in out["indicators"]}


def test_verdicts_and_order_from_the_spraying_seed():
    out = pivot(campaign(), [SEED], **SETTINGS)
    assert verdicts(out) == [("alice", "compromised"), ("bob", "compromised"), ("carol", "compromised"),
                             ("dave", "compromised"), ("erin", "targeted"), ("admin", "targeted"),
                             ("hank", "targeted"), ("gina", "targeted")]
    assert indicators(out) == {DEVICE, SPRAY2, LOGIN_ONLY, FF91, SPRAY_UA, PHISH_SHA1, PHISH_SENDER}
    assert out["anchor"] == "2026-10-25T01:00:00Z"


def test_every_account_has_a_path_from_the_seed_over_real_edges():
    g = campaign()
    out = pivot(g, [SEED], **SETTINGS)
    for entry in out["accounts"]:
        assert entry["paths"], entry["account"]
        for path in entry["paths"]:
            assert path[0] == SEED and path[-1] == f"account:{entry['account']}"
            for u, v in zip(path, path[1:]):
                assert g.has_edge(u, v) or g.has_edge(v, u), (u, v)


def test_why_sentences_give_counts_times_and_the_seed():
    out = pivot(campaign(), [SEED], **SETTINGS)
    alice = next(a for a in out["accounts"] if a["account"] == "alice@x.gov")
    assert alice["why"][0] == ("logged in from 203.0.113.45 (seed) over soap 3 times between "
                               "2026-10-25 01:40:00Z and 2026-10-25 09:30:00Z")
    assert any(s.startswith("2 password-spray failures from 203.0.113.45 (seed) before the first success")
               for s in alice["why"])
    erin = next(a for a in out["accounts"] if a["account"] == "erin@x.gov")
    assert erin["why"][-1] == "no successful login from attacker infrastructure in the evidence"


def test_phishing_seed_finds_the_login_ip_and_the_rest_of_the_campaign():
    out = pivot(campaign(), [PHISH_SHA1], **SETTINGS)
    assert {a for a, v in verdicts(out) if v == "compromised"} == {"alice", "bob", "carol", "dave"}
    assert {a for a, v in verdicts(out) if v == "targeted"} == {"admin", "erin", "gina", "hank"}
    lead = next(i for i in out["indicators"] if i["value"] == "198.51.100.61")
    assert lead["role"] == "phishing-login"


def test_receiving_the_phishing_alone_is_targeted():
    g = campaign()
    g.remove_node(LOGIN_ONLY)
    out = pivot(g, [PHISH_SHA1], **SETTINGS)
    assert all(v == "targeted" for _, v in verdicts(out))


def test_since_and_until_limit_the_evidence():
    g = campaign()
    early = pivot(g, [SEED], until=when("2026-10-25T08:30:00Z"), **SETTINGS)
    assert {a for a, v in verdicts(early) if v == "compromised"} == {"alice", "bob"}
    # from 09:00 the spraying is out of the window: bob (got in by the second sprayer at 03:00) is not found
    late = pivot(g, [SEED], since=when("2026-10-25T09:00:00Z"), **SETTINGS)
    assert {a for a, v in verdicts(late) if v == "compromised"} == {"alice", "carol", "dave"}
    assert late["anchor"] == "2026-10-25T09:00:00Z"


def test_plain_khop_drowns_in_the_nat_and_hub_suppression_does_not():
    g = campaign()
    khop = pivot(g, [SEED], algorithm="khop", **SETTINGS)
    hub = pivot(g, [SEED], algorithm="hub", **SETTINGS)
    assert NAT in indicators(khop) and NAT not in indicators(hub)
    assert "frank" in dict(verdicts(khop)) and "frank" not in dict(verdicts(hub))


def test_expand_respects_per_type_budgets_and_depth():
    g = campaign()
    reached = expand(g, [SEED], hops={"AUTH_FAILED": 1}, depth=3)
    assert set(reached) == {SEED} | {acct(n) for n in ("alice", "bob", "carol", "dave", "erin")} | {"account:admin@x.gov"}
    reached = expand(g, [SEED], hops={"LOGGED_IN": 2}, depth=2)
    assert set(reached) == {SEED, acct("alice"), NAT}
    assert reached[NAT].parent == acct("alice") and reached[NAT].edge == "LOGGED_IN"


def test_hubs_are_infrastructure_and_shared_indicators_with_history():
    g = campaign()
    stop = hub_test(g, hub_accounts=5, anchor=ANCHOR, mail_hub_accounts=7, keep=[SEED])
    assert stop(PROXY) and stop(NAT) and stop(CARRIER) and stop(NEWS_SHA1)
    assert not stop(SEED) and not stop(SPRAY2) and not stop(PHISH_SHA1) and not stop(acct("alice"))
    # a new IP logging into many accounts after the anchor has no benign history: not a hub
    for n in ("alice", "bob", "carol", "dave", "erin", "frank"):
        edge(g, "ip:203.0.113.99", acct(n), "LOGGED_IN", "2026-10-25 12:00")
    assert not hub_test(g, hub_accounts=5, anchor=ANCHOR)("ip:203.0.113.99")


def test_pagerank_prefers_rare_links_and_is_deterministic():
    g = campaign()
    scores = personalized_pagerank(g, [SEED], rarity=lambda n: 50 if n == NAT else 1)
    assert abs(sum(scores.values()) - 1) < 1e-9
    assert scores == personalized_pagerank(g, [SEED], rarity=lambda n: 50 if n == NAT else 1)
    assert scores[acct("alice")] > scores[acct("erin")] > scores[acct("frank")]


def test_clusters_split_unrelated_campaigns():
    g = campaign()
    for n in ("gina", "hank", "ivan"):
        edge(g, "ip:198.51.100.200", acct(n), "AUTH_FAILED", "2026-10-25 05:00")
    edge(g, "ip:198.51.100.200", acct("ivan"), "LOGGED_IN", "2026-10-25 05:30")
    out = pivot(g, [SEED, "ip:198.51.100.200"], **SETTINGS)
    assert [sorted(c["accounts"])[:2] for c in out["clusters"]][:1] == [["admin@x.gov", "alice@x.gov"]]
    assert cluster_accounts({"account:a": ["ip:1"], "account:b": ["ip:2"]})[1]["accounts"] == ["account:b"]


def test_account_seed_is_compromised_and_finds_the_spraying_ip():
    out = pivot(campaign(), ["account:bob@x.gov"], **SETTINGS)
    assert dict(verdicts(out))["bob"] == "compromised"
    assert SPRAY2 in indicators(out) and NAT not in indicators(out) and CARRIER not in indicators(out)


def test_ua_and_device_seeds():
    out = pivot(campaign(), [f"device:{DEVICE.split(':', 1)[1]}"], **SETTINGS)
    assert dict(verdicts(out))["alice"] == "compromised" and SEED in indicators(out)
    out = pivot(campaign(), [SPRAY_UA], **SETTINGS)
    assert {a for a, v in verdicts(out) if v == "compromised"} == {"alice", "bob", "carol", "dave"}
    assert IVAN_HOME not in indicators(out)


def test_time_parsing_defaults_to_utc():
    from zimgraph.pivot import parse_time
    assert parse_time("2026-10-25 07:00") == dt.datetime(2026, 10, 25, 7, tzinfo=dt.timezone.utc)
    assert parse_time("2026-10-25T09:00+02:00") == dt.datetime(2026, 10, 25, 7, tzinfo=dt.timezone.utc)
