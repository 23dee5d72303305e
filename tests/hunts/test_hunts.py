"""Each hunt on small tables: real sample lines through the real parsers where they exist."""

from __future__ import annotations

from tests.hunts.tables import case, message, parsed
from tests.sources.samples import sample_lines
from zimgraph.hunts import attachments, auth, new_client, phishing, post_compromise, smtp_abuse, spoofing, web
from zimgraph.sources import amavis
from zimgraph.sources.base import ParseContext


def soap_failure(ts, account, ip, n, soap_id=None, source="mailbox"):
    return {"ts": ts, "event": "auth", "outcome": "failure", "account": account, "client_ip": ip, "protocol": "soap",
            "soap_id": soap_id or f"s{n}", "source": source, "file": f"{source}.log", "line": n}


def login(ts, account, ip, n, ua="Firefox", protocol="soap", event="auth", **more):
    return {"ts": ts, "event": event, "outcome": "success", "account": account, "client_ip": ip, "protocol": protocol,
            "user_agent": ua, "source": "audit", "file": "audit.log", "line": n, **more}


def test_sample_soap_failures_of_one_smtp_check_spray_and_copies_fold():
    lines = sample_lines("mailbox.log")
    rows = [parsed("mailbox", line, file="mailbox.log", number=i) for i, line in enumerate(lines[:7], 1)
            if "authentication failed" in line]
    rows += [{**rows[0], "source": "audit", "file": "audit.log", "line": 99}]        # the audit copy of one failure
    found = auth.bruteforce(case(rows), spray_accounts=3)
    [spray] = [f for f in found if f.title.startswith("Password spraying")]
    assert spray.ips == ["192.168.7.15"]
    assert {"toto.tata", "toto.titi", "toto.tete"} <= set(spray.accounts)
    assert next(d for d in spray.details if d["account"] == "toto.tata")["account_exists"] is False
    assert not auth.bruteforce(case(rows), spray_accounts=5)     # below the threshold: nothing
    from zimgraph.hunts.attempts import login_attempts
    folded = login_attempts(case(rows).events)
    assert len(folded[folded["client_ip"] == "192.168.7.101"]) == 1                    # mailbox + audit = one attempt


def test_sample_postfix_sasl_failures_without_account_count_per_ip():
    line = next(l for l in sample_lines("mail.log") if "SASL LOGIN authentication failed: authentication failure" in l)
    base = parsed("zimbra_syslog", line, file="mail.log", number=41)
    rows = [{**base, "ts": base["ts"] + k * 60_000, "line": 41 + k} for k in range(12)]
    [found] = auth.bruteforce(case(rows))
    assert found.severity == "medium" and "account not logged" in found.title and found.count == 12


def test_success_after_spraying_is_critical_and_a_typo_at_home_is_not_reported():
    rows = [soap_failure(f"2026-10-25 01:{k:02d}", f"user{k}@example.gov", "203.0.113.45", k) for k in range(8)]
    rows += [login("2026-10-25 01:30", "user3@example.gov", "203.0.113.45", 50)]
    rows += [login("2026-10-24 09:00", "bob@example.gov", "82.64.1.2", 60),
             soap_failure("2026-10-25 09:00", "bob@example.gov", "82.64.1.2", 61),
             login("2026-10-25 09:01", "bob@example.gov", "82.64.1.2", 62)]
    [found] = auth.success_after_failures(case(rows))
    assert (found.severity, found.accounts, found.ips) == ("critical", ["user3@example.gov"], ["203.0.113.45"])
    assert {"file": "audit.log", "line": 50} in found.evidence


def test_lockout_of_a_user_mistyping_is_low_and_of_an_unknown_ip_medium():
    def scenario(ip):
        rows = [login("2026-10-24 09:00", "bob@example.gov", "192.0.2.10", 1)]
        rows += [soap_failure(f"2026-10-25 08:{k:02d}", "bob@example.gov", ip, 10 + k) for k in range(10)]
        rows += [{"ts": "2026-10-25 08:11", "event": "lockout", "outcome": "lockout", "account": "bob@example.gov",
                  "client_ip": ip, "source": "audit", "file": "audit.log", "line": 30}]
        return auth.lockouts(case(rows))
    [benign] = scenario("192.0.2.10")
    [hostile] = scenario("198.51.100.9")
    assert (benign.severity, hostile.severity) == ("low", "medium")
    assert hostile.ips == ["198.51.100.9"] and {"file": "audit.log", "line": 30} in hostile.evidence


def test_logins_filters_by_ip_account_and_user_agent():
    rows = [login("2026-10-25 10:00", "a@example.gov", "198.51.100.61", 1, ua="ZimbraWebClient - FF91"),
            login("2026-10-25 11:00", "b@example.gov", "198.51.100.61", 2, ua="Thunderbird", protocol="imap",
                  event="imap_login"),
            login("2026-10-25 12:00", "a@example.gov", "192.0.2.10", 3)]
    assert auth.logins(case(rows)) == []
    by_ip = auth.logins(case(rows), ip="198.51.100.61")
    assert [f.accounts for f in by_ip] == [["a@example.gov"], ["b@example.gov"]]
    [by_ua] = auth.logins(case(rows), ua="ff91")
    assert by_ua.details[0]["client_ip"] == "198.51.100.61" and by_ua.details[0]["logins"] == 1


def spam_tag(fragment: str) -> dict:
    """tests/score/required of a real SPAM-TAG line, through the amavis parser."""
    [event] = amavis.parse_message(fragment, ParseContext.for_tests())
    return {"tests": [t.split("=")[0] for t in event["tests"].split(",")], "score": event["score"],
            "required": event.get("required")}


def test_spoofing_own_domain_from_outside_and_the_delivered_subset():
    tag = spam_tag(next(l for l in sample_lines("amavis.msg-fragments.log") if l.startswith("SPAM-TAG")))
    rows = [message(message_key="m/1", sender="dg@example.gov", spf="fail", **tag),
            message(message_key="m/2", sender="dg@example.gov", spf="softfail", delivered=[], blocked=True),
            message(message_key="m/3", sender="x@partner.example.org", spf="softfail"),
            message(message_key="m/4", sender="dg@example.gov", sasl_username="dg@example.gov", account="dg@example.gov",
                    direction="outbound", spf=None)]
    found = spoofing.spoofing(case(message_rows=rows))
    assert [(f.severity, f.count) for f in found] == [("high", 2), ("low", 1)]
    assert found[0].details[0]["score"] == tag["score"] and found[0].details[0]["required"] == tag["required"]
    delivered = spoofing.spoofing_delivered(case(message_rows=rows))
    assert [(f.severity, f.count) for f in delivered] == [("high", 1), ("low", 1)]


def test_phishing_rules_are_matched_by_name():
    rows = [message(message_key="m/1", sender="f@bad.example.com", tests=["URI_PHISH", "HTML_MESSAGE"]),
            message(message_key="m/2", sender="g@bad.example.com", tests=["MY_RULE"], delivered=[]),
            message(message_key="m/3", tests=["BAYES_00"])]
    found = phishing.phishing_rules(case(message_rows=rows), rules="MY_RULE")
    assert [(f.senders, f.severity) for f in found] == [(["f@bad.example.com"], "high"), (["g@bad.example.com"], "medium")]
    assert len(phishing.phishing_rules(case(message_rows=rows))) == 1


def test_attachments_risky_and_spread_ranked_by_risk():
    html = {"part": "p3", "name": "Facture.html", "content_type": "text/html", "size": 100, "sha1": "a" * 40}
    pdf = {"part": "p3", "name": "Veille.pdf", "content_type": "application/pdf", "size": 100, "sha1": "b" * 40}
    rows = [message(message_key=f"m/h{k}", sender="f@new.example.com", spf="none", tests=["URI_PHISH"], score=8.0,
                    attachments=[html], recipients=[f"u{k}@example.gov"], delivered=[f"u{k}@example.gov"]) for k in range(3)]
    rows += [message(message_key=f"m/p{k}", sender="news@old.example.org", spf="pass", dkim="pass", attachments=[pdf],
                     recipients=[f"u{j}@example.gov" for j in range(30)], first_seen=f"2026-10-2{k} 08:00")
             for k in range(3)]
    rows += [message(message_key="m/x", sender="news@old.example.org", first_seen="2026-10-01 08:00")]
    c = case(message_rows=rows)
    assert {f.sha1[0] for f in attachments.attachments(c)} == {"a" * 40, "b" * 40}
    [risky] = attachments.suspicious_attachments(c)
    assert risky.sha1 == ["a" * 40] and risky.severity == "high"
    spread = sorted(attachments.attachment_spread(c), key=lambda f: -f.score)
    assert [f.sha1[0] for f in spread] == ["a" * 40, "b" * 40]
    assert (spread[0].severity, spread[1].severity) == ("high", "low")


def test_web_attacks_from_real_access_log_lines_and_a_webshell():
    lines = [l for l in sample_lines("access_log") if "mboximport" in l][:2]
    rows = [parsed("access_log", line.replace("[attacker_ip]", "198.51.100.77").replace("[snipped]", ""),
                   file="access_log", number=i) for i, line in enumerate(lines, 1)]
    shell = {**rows[0], "url": "/public/jsp/x.jsp?cmd=id", "status": "200", "line": 9}
    c = case(rows + [shell])
    [attack] = web.web_attacks(c)
    assert attack.ips == ["198.51.100.77"] and attack.severity == "high"
    [found] = web.webshell(c)
    assert found.severity == "critical" and found.title.endswith("/public/jsp/x.jsp")
    assert found.evidence == [{"file": "access_log", "line": 9}]


def test_post_compromise_after_a_new_ip_is_critical():
    rows = [login("2026-10-24 08:00", "a@example.gov", "82.64.1.2", 1),
            login("2026-10-26 08:00", "a@example.gov", "198.51.100.61", 2),
            {"ts": "2026-10-26 08:01", "event": "prefs_change", "outcome": "success", "account": "a@example.gov",
             "client_ip": "198.51.100.61", "detail": "zimbraPrefMailForwardingAddress", "file": "mailbox.log", "line": 3},
            {"ts": "2026-10-26 08:02", "event": "soap", "outcome": "success", "account": "a@example.gov",
             "client_ip": "82.64.1.2", "soap_request": "ModifyFilterRulesRequest", "file": "mailbox.log", "line": 4}]
    [found] = post_compromise.post_compromise(case(rows))
    assert found.severity == "critical"
    assert [(d["action"], d["suspicious_login"]) for d in found.details] == [("forwarding", True), ("filter-rules", False)]


def test_smtp_abuse_fan_out_and_new_sending_ip():
    rows = [message(message_key=f"m/{k}", sender="a@example.gov", sender_internal=True, account="a@example.gov",
                    sasl_username="a@example.gov", direction="outbound", client_ip="203.0.113.9",
                    recipients=[f"x{k}{j}@drop.example.com" for j in range(6)], first_seen=f"2026-10-26 10:0{k}")
            for k in range(2)]
    events = [login("2026-10-24 08:00", "a@example.gov", "82.64.1.2", 1), login("2026-10-26 12:00", "z@example.gov", "1.1.1.1", 2)]
    [found] = smtp_abuse.smtp_abuse(case(events, rows))
    assert found.severity == "high" and {"volume", "new-sending-ip"} <= {d["issue"] for d in found.details}


def test_new_client_one_unknown_ip_on_two_accounts_is_high_a_nat_is_low():
    rows = [login("2026-10-24 08:00", f"u{k}@example.gov", "192.0.2.10", k) for k in range(6)]
    rows += [login("2026-10-24 09:00", "a@example.gov", "82.64.1.2", 10), login("2026-10-24 09:00", "b@example.gov", "82.64.1.3", 11),
             login("2026-10-26 09:00", "a@example.gov", "198.51.100.61", 12),
             login("2026-10-26 09:05", "b@example.gov", "198.51.100.61", 13),
             login("2026-10-26 09:10", "a@example.gov", "192.0.2.10", 14)]
    found = {f.accounts[0]: f for f in new_client.new_client(case(rows))}
    assert found["a@example.gov"].severity == "high" and found["a@example.gov"].ips == ["198.51.100.61"]
    assert any(d["shared_gateway"] and d["severity"] == "low" for d in found["a@example.gov"].details)
