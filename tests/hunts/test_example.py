"""On the generated example (seed 1): every attack reported by the hunt that should report it,
and the benign traps never at high or critical severity."""

from __future__ import annotations

from zimgraph.hunts import run_hunts

SERIOUS = ("critical", "high")


def of(findings, hunt, severities=None):
    return [f for f in findings if f.hunt == hunt and (severities is None or f.severity in severities)]


def test_spraying_ips_and_sprayed_accounts(example):
    truth, _, _, findings = example
    spraying = [f for f in of(findings, "bruteforce", SERIOUS) if f.title.startswith("Password spraying")]
    ips = {ip for f in spraying for ip in f.ips}
    assert {"203.0.113.45", "198.51.100.23", "203.0.113.77"} <= ips
    assert truth["traps"]["second_campaign"]["ips"][0] in ips           # a real (unrelated) spray, reported too
    assert set(truth["sprayed_accounts"]) <= {a for f in spraying for a in f.accounts}
    assert truth["office_nat_ip"] not in ips and not ips & set(truth["carrier_ips"])


def test_success_after_failures_names_the_sprayed_compromised_accounts(example):
    truth, _, _, findings = example
    hits = of(findings, "success-after-failures", ("critical",))
    pairs = {(f.accounts[0], f.ips[0]) for f in hits}
    assert {a for a, _ in pairs} <= set(truth["compromised_accounts"]) and len({a for a, _ in pairs}) >= 2
    assert {ip for _, ip in pairs} <= set(truth["attacker_ips"]) and len({ip for _, ip in pairs}) >= 2
    assert all(f.evidence and f.first_seen <= f.last_seen for f in hits)


def test_lockout_account_is_reported_and_the_benign_one_is_not_serious(example):
    truth, _, _, findings = example
    locks = of(findings, "lockouts")
    assert {f.accounts[0] for f in locks} == set(truth["lockout_accounts"])
    assert truth["office_nat_ip"] in locks[0].ips
    assert all(f.severity not in SERIOUS for f in locks)                 # a user mistyping at the office


def test_phishing_file_ranked_above_the_newsletter(example):
    truth, _, _, findings = example
    phish, news = truth["phishing"]["sha1"], truth["traps"]["newsletter"]["sha1"]
    assert any(phish in f.sha1 for f in of(findings, "attachments"))
    assert [f.severity for f in of(findings, "suspicious-attachments") if phish in f.sha1] == ["high"]
    assert not any(news in f.sha1 for f in of(findings, "suspicious-attachments"))
    spread = of(findings, "attachment-spread")
    order = [f.sha1[0] for f in spread]
    assert order.index(phish) < order.index(news)
    [phish_f] = [f for f in spread if phish in f.sha1]
    [news_f] = [f for f in spread if news in f.sha1]
    assert phish_f.severity in SERIOUS and news_f.severity not in SERIOUS
    assert set(truth["phishing"]["recipients"]) == set(phish_f.accounts)


def test_phishing_rules_report_the_campaign(example):
    truth, _, _, findings = example
    assert truth["phishing"]["sender"] in {s for f in of(findings, "phishing-rules", SERIOUS) for s in f.senders}


def test_spoofed_messages_and_the_delivered_ones(example):
    truth, _, _, findings = example
    spoofed = truth["spoofing"]["messages"]
    reported = {d["message_id"] for f in of(findings, "spoofing", SERIOUS) for d in f.details}
    assert {f"<{m['message_id']}>" for m in spoofed} <= reported
    delivered = {d["message_id"] for f in of(findings, "spoofing-delivered", SERIOUS) for d in f.details}
    assert delivered == {f"<{m['message_id']}>" for m in spoofed if m["delivered"]}
    assert {ip for f in of(findings, "spoofing", SERIOUS) for ip in f.ips} == set(truth["spoofing"]["ips"])


def test_web_attack_ips_and_webshell_paths(example):
    truth, _, _, findings = example
    assert set(truth["web_attacks"]["ips"]) <= {ip for f in of(findings, "web-attacks", SERIOUS) for ip in f.ips}
    shells = of(findings, "webshell", ("critical",))
    paths = {f.title.rsplit(" ", 1)[1] for f in shells}
    assert set(truth["web_attacks"]["webshell_paths"]) <= paths
    assert {ip for f in shells for ip in f.ips} <= set(truth["web_attacks"]["ips"])


def test_post_compromise_actions_of_every_compromised_account(example):
    truth, _, _, findings = example
    acting = of(findings, "post-compromise", SERIOUS)
    assert {f.accounts[0] for f in acting} == set(truth["compromised_accounts"])
    for f in acting:
        actions = {d["action"] for d in f.details}
        assert {"forwarding", "filter-rules", "send-burst"} <= actions, f.title
        assert set(f.ips) & set(truth["attacker_ips"])
    [elise] = [f for f in acting if f.accounts[0] == truth["traps"]["attacker_device_account"]]
    assert any(d["action"] == "new-device" and truth["attacker_device_ids"][0] in d["what"] for d in elise.details)


def test_new_clients_and_smtp_abuse_point_at_the_attackers(example):
    truth, _, _, findings = example
    serious = of(findings, "new-client", SERIOUS)
    assert {f.accounts[0] for f in serious} == set(truth["compromised_accounts"])
    assert {a for f in of(findings, "smtp-abuse", SERIOUS) for a in f.accounts} <= set(truth["compromised_accounts"])


def test_benign_traps_are_never_serious(example):
    truth, _, _, findings = example
    serious = [f for f in findings if f.severity in SERIOUS]
    benign_ips = {truth["office_nat_ip"], *truth["carrier_ips"], *truth["proxy_ips"], *truth["mailstore_ips"]}
    for f in serious:
        if f.hunt in ("bruteforce", "lockouts", "new-client", "web-attacks", "success-after-failures"):
            assert not set(f.ips) & benign_ips, (f.hunt, f.title)
    news = truth["traps"]["newsletter"]
    assert not [f for f in serious if news["sha1"] in f.sha1 or news["sender"] in f.senders]
    benign_ua_accounts = set(truth["traps"]["attacker_ua_benign_accounts"])
    assert not [f for f in serious if f.hunt in ("new-client", "post-compromise") and set(f.accounts) & benign_ua_accounts]


def test_every_finding_has_evidence_and_the_contract_fields(example):
    _, _, _, findings = example
    for f in findings:
        doc = f.to_json()
        for key in ("hunt", "title", "severity", "summary", "count", "first_seen", "last_seen", "accounts", "ips",
                    "user_agents", "senders", "sha1", "sessions", "evidence"):
            assert key in doc
        assert doc["evidence"], f.title
        assert all(set(ref) == {"file", "line"} and ref["line"] >= 1 for ref in doc["evidence"])


def test_results_are_deterministic(example):
    _, _, case, findings = example
    again = run_hunts(case)
    assert [f.to_json() for f in again] == [f.to_json() for f in findings]
