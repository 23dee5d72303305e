"""Hosted domains and infrastructure addresses, learned from the events with reasons."""

from tests.correlate.events import events_from_lines, table
from zimgraph.correlate.topology import learn_topology

AUDIT = [
    # a proxied login: ip= is the proxy, oip the client chain
    "2026-10-25 09:00:05,000 INFO  [qtp1-13:https://mail.example.gov/service/soap/AuthRequest] "
    "[ip=10.0.0.10;oip=203.0.113.9;ua=python-requests/2.31.0;] security - cmd=Auth; account=alice@example.gov; protocol=soap;",
    # an attacker's guess at a domain that is not hosted here
    "2026-10-25 09:00:06,000 WARN  [qtp1-14:https://mail.example.gov/service/soap/AuthRequest] "
    "[ip=10.0.0.10;oip=203.0.113.9;ua=python-requests/2.31.0;] security - cmd=Auth; account=ceo@evil.test; "
    "protocol=soap; error=authentication failed for [ceo@evil.test], account not found;",
]


def test_domains_come_from_successes_not_from_guesses():
    topo = learn_topology(events_from_lines("audit", AUDIT))
    assert topo.internal_domains == {"example.gov"}
    assert topo.is_internal_address("Bob@EXAMPLE.gov") and not topo.is_internal_address("ceo@evil.test")


def test_proxy_and_loopback_are_infrastructure_with_reasons():
    topo = learn_topology(events_from_lines("audit", AUDIT))
    assert topo.infrastructure == {"10.0.0.10": "proxy"}
    assert topo.is_infrastructure("10.0.0.10") and topo.is_infrastructure("127.0.0.1")
    assert topo.is_infrastructure("::1") and not topo.is_infrastructure("203.0.113.9")
    assert "proxy_ip" in topo.reasons["10.0.0.10"][0]


def test_lmtp_relays_and_nginx_upstreams_are_mailstores():
    events = table([
        dict(ts=0, source="zimbra_syslog", event="msg_sent", protocol="lmtp", status="sent",
             recipient="bob@agency.example.gov", relay="mbx01.example.gov[10.0.1.11]:7025"),
        dict(ts=0, source="nginx_access", event="http", client_ip="198.51.100.4", relay="10.0.1.12:8080, 10.0.1.13:8080"),
    ])
    topo = learn_topology(events)
    assert topo.infrastructure == {"10.0.1.11": "mailstore", "10.0.1.12": "mailstore", "10.0.1.13": "mailstore"}
    assert topo.internal_domains == {"agency.example.gov"}


def test_overrides_replace_the_learned_domains_and_add_addresses():
    topo = learn_topology(events_from_lines("audit", AUDIT), internal_domains=["@Corp.Example"],
                          infrastructure_ips=["192.0.2.250"])
    assert topo.internal_domains == {"corp.example"}
    assert topo.infrastructure["192.0.2.250"] == "override"


def test_json_round_trip():
    topo = learn_topology(events_from_lines("audit", AUDIT))
    assert type(topo).from_json(topo.to_json()) == topo
