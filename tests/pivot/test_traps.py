"""One test per trap the example generator plants (examples/generate.py → ground_truth.json traps)."""

from tests.pivot.graphs import (CARRIER, FF91, IVAN_HOME, NAT, NEWS_SENDER, NEWS_SHA1, SECOND, SEED, SETTINGS, acct,
                                campaign, edge)
from zimgraph.pivot import pivot


def listed(out):
    return {a["account"].split("@")[0]: a["verdict"] for a in out["accounts"]}


def values(out):
    return {f"{i['kind']}:{i['value']}" for i in out["indicators"]}


def test_compromised_user_also_on_the_office_nat():
    out = pivot(campaign(), [SEED], **SETTINGS)
    assert listed(out)["alice"] == "compromised"
    assert NAT not in values(out)
    assert "frank" not in listed(out)  # only shares the NAT with alice


def test_forged_forwarded_for_in_the_example(example_pivots):
    truth, results = example_pivots
    forged = truth["traps"]["forged_xff"]
    for result in results.values():
        assert listed_full(result)[forged["account"]] == "compromised"
        assert truth["office_nat_ip"] not in {i["value"] for i in result["indicators"]}


def listed_full(out):
    return {a["account"]: a["verdict"] for a in out["accounts"]}


def test_attacker_user_agent_used_by_a_benign_user():
    g = campaign()
    out = pivot(g, [SEED], **SETTINGS)
    assert FF91 in values(out) and "ivan" not in listed(out) and IVAN_HOME not in values(out)
    # even when the benign user's first login falls after the seed's first sighting
    g.remove_edge(IVAN_HOME, acct("ivan"), key="LOGGED_IN")
    edge(g, IVAN_HOME, acct("ivan"), "LOGGED_IN", "2026-10-25 12:00", "2026-10-26 17:00", 6)
    out = pivot(g, [SEED], **SETTINGS)
    assert "ivan" not in listed(out) and IVAN_HOME not in values(out)


def test_carrier_gateway_shared_by_many():
    out = pivot(campaign(), [SEED], **SETTINGS)
    assert CARRIER not in values(out)
    assert listed(out)["gina"] == "targeted" and listed(out)["hank"] == "targeted"


def test_newsletter_sent_to_everyone():
    out = pivot(campaign(), [SEED], **SETTINGS)
    assert NEWS_SHA1 not in values(out) and NEWS_SENDER not in values(out)
    assert "ivan" not in listed(out)  # only received the newsletter


def test_benign_lockout_from_the_office():
    out = pivot(campaign(), [SEED], **SETTINGS)
    assert "frank" not in listed(out)


def test_second_unrelated_campaign_on_the_same_accounts():
    out = pivot(campaign(), [SEED], **SETTINGS)
    assert SECOND not in values(out)
    # the same spraying within hours of the seed's is the same campaign: the time rule separates them
    g = campaign()
    for name in ("hank", "gina", "bob", "carol", "erin"):
        g.remove_edge(SECOND, acct(name), key="AUTH_FAILED")
        edge(g, SECOND, acct(name), "AUTH_FAILED", "2026-10-25 02:30", "2026-10-25 03:00", 1, ("imap",))
    assert SECOND in values(pivot(g, [SEED], **SETTINGS))


def test_no_trap_leaks_in_the_example(example_pivots):
    truth, results = example_pivots
    hubs = {truth["office_nat_ip"], *truth["carrier_ips"], *truth["proxy_ips"], *truth["mailstore_ips"],
            *truth["mta_ips"], *truth["traps"]["second_campaign"]["ips"]}
    traps = truth["traps"]
    for seed, result in results.items():
        found = {i["value"] for i in result["indicators"]}
        assert not found & hubs, seed
        assert not {traps["newsletter"]["sha1"], traps["newsletter"]["sender"]} & found, seed
        verdict = listed_full(result)
        for account in traps["attacker_ua_benign_accounts"] + truth["lockout_accounts"]:
            assert verdict.get(account) != "compromised", (seed, account)
        assert verdict[traps["compromised_also_from_office_nat"]] == "compromised"
