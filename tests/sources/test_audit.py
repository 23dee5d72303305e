"""audit.log: every line of the real sample, lockouts, admin changes, SMTP AUTH through SOAP."""

from hypothesis import given, strategies as st

from zimgraph.sources import audit
from zimgraph.sources.base import Ignored, ParseContext, ParseError

CTX = ParseContext.for_tests()


def one(line):
    events = audit.parse(line, CTX)
    assert isinstance(events, list) and len(events) == 1, events
    return events[0]


def test_every_sample_line_is_an_auth_event(samples):
    lines = (samples / "audit.log").read_text().splitlines()
    events = [one(line) for line in lines]
    assert [e["outcome"] for e in events] == ["success"] * 5 + ["failure"] + ["success"] * 2
    assert [e["protocol"] for e in events] == ["soap", "pop3", "pop3", "pop3", "soap", "pop3", "soap", "zsync"]
    assert events[3]["client_ip"] == "200.111.128.196" and events[3]["proxy_ip"] == "172.16.0.3"
    assert events[6]["url"] == "https://192.168.15.15:7071/service/admin/soap/"   # admin console
    zsync = events[7]
    assert zsync["client_ip"] == "5.6.7.8" and zsync["forwarded_for"] == "1.2.3.4, 5.6.7.8"
    assert zsync["user_agent"] == "BlueMail 1.140.103 (20466)(...le2bw6) devip=1.2.3.4 ZPZB/74"
    assert zsync["soap_id"] == "56847ec2"


def test_lockout_and_reactivation():
    lock = one("2026-11-12 10:00:00,000 INFO  [qtp1-1:https://m/service/soap/AuthRequest] [name=bob@example.gov;oip=203.0.113.9;] "
               "security - cmd=Auth; account=bob@example.gov; error=account lockout due to too many failed logins;")
    assert (lock["event"], lock["outcome"], lock["client_ip"]) == ("lockout", "lockout", "203.0.113.9")
    unlock = one("2026-11-12 11:00:00,000 INFO  [qtp1-1:https://m/service/soap/AuthRequest] [name=bob@example.gov;oip=10.0.0.5;] "
                 "security - cmd=Auth; account=bob@example.gov; info=account re-activated from lockout status upon successful login;")
    assert (unlock["event"], unlock["outcome"]) == ("unlock", "unlock")


def test_smtp_auth_checked_by_mta_is_protocol_smtp():
    e = one("2021-03-03 19:53:06,536 WARN  [qtp93314457-589:smtp://smtp.test.fr:7073/service/admin/soap/] "
            "[name=tata@test.fr;oip=192.168.7.15;oport=41496;oproto=smtp;soapId=688cb582;] security - "
            "cmd=Auth; account=tata@test.fr; protocol=soap; error=authentication failed for [tata], invalid password;")
    assert (e["protocol"], e["outcome"], e["account"], e["account_typed"], e["detail"]) == \
        ("smtp", "failure", "tata@test.fr", "tata", "invalid password")
    assert e["client_port"] == "41496"


def test_admin_change_keeps_every_attribute_and_the_actor():
    e = one("2026-11-12 10:00:00,000 INFO  [qtp1-1:https://m:7071/service/admin/soap/ModifyAccountRequest] "
            "[name=admin@example.gov;oip=203.0.113.9;] security - cmd=ModifyAccount; name=victim@example.gov; "
            "zimbraPrefMailForwardingAddress=drop@evil.example;")
    assert e["event"] == "admin_change" and e["account"] == "victim@example.gov"
    assert e["auth_account"] == "admin@example.gov"
    assert "zimbraPrefMailForwardingAddress=drop@evil.example" in e["detail"]


def test_admin_auth_removed_in_later_versions_still_read():
    e = one("2015-01-01 10:00:00,000 INFO  [qtp1-1:https://m:7071/service/admin/soap/] [ua=zmprov/8.6.0_GA_1229;] "
            "security - cmd=AdminAuth; account=zimbra;")
    assert (e["event"], e["outcome"], e["account"]) == ("admin_auth", "success", "zimbra")


def test_additional_logging_line_account_not_found():
    e = one("2026-11-12 10:00:00,000 INFO  [qtp1-1:https://m/service/soap/AuthRequest] [oip=203.0.113.9;] security - "
            "Error occurred during authentication: authentication failed for [ghost@example.gov]. Reason: account not found.")
    assert (e["event"], e["outcome"], e["account"], e["detail"]) == ("auth", "failure", "ghost@example.gov", "account not found")


def test_free_text_is_ignored_with_reason():
    out = audit.parse("2026-11-12 10:00:00,000 INFO  [t] [name=a@b;] security - Suppressed password lockout.", CTX)
    assert isinstance(out, Ignored) and out.reason == "audit: lockout bookkeeping"


@given(st.text())
def test_property_only_parse_errors(text):
    try:
        audit.parse(text, CTX)
    except ParseError:
        pass
