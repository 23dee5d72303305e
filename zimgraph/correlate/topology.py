"""What the evidence says about the platform itself: hosted mail domains and infrastructure IPs.

A pivot must not walk through the proxy, the mailstores or the MTAs, and a message from
``dg@example.gov`` means something else when ``example.gov`` is hosted here. Both facts are
learned from the events, said with their reasons, and overridable by the analyst.

>>> import pandas as pd
>>> events = pd.DataFrame({"source": ["audit", "zimbra_syslog"], "event": ["auth", "msg_sent"],
...     "outcome": ["success", "success"], "account": ["bob@example.gov", None],
...     "recipient": [None, "bob@example.gov"], "client_ip": ["203.0.113.9", None],
...     "proxy_ip": ["10.0.0.10", None], "relay": [None, "mbx01[10.0.1.11]:7025"],
...     "protocol": ["soap", "lmtp"]})
>>> topo = learn_topology(events)
>>> sorted(topo.internal_domains), topo.infrastructure["10.0.0.10"], topo.infrastructure["10.0.1.11"]
(['example.gov'], 'proxy', 'mailstore')
>>> topo.is_infrastructure("203.0.113.9"), topo.is_infrastructure("127.0.0.1")
(False, True)
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass, field

import pandas as pd

# "mbx01.example.gov[10.0.1.11]:7025"   "127.0.0.1[127.0.0.1]:10026"   "10.0.1.11:8080, 10.0.1.12:8080"
RELAY_IP = re.compile(r"""
    \[(?P<bracketed>[0-9A-Fa-f:.]+)\]      # postfix relay=host[ip]:port
    | (?P<bare>\d{1,3}(?:\.\d{1,3}){3})    # nginx $upstream_addr ip:port (IPv4)
    """, re.VERBOSE)

# postscreen "CONNECT from [ip]:port to [10.0.2.21]:25" -> detail "CONNECT to [10.0.2.21]:25": the MTA's own address
LISTEN_ADDRESS = re.compile(r"""
    CONNECT\ to\ \[(?P<ip>[0-9A-Fa-f:.]+)\]:\d+
    """, re.VERBOSE)

#: the ports of Zimbra's content-filter loop (amavis in 10024/10026/10032, re-injection 10025/10030)
CONTENT_FILTER_PORTS = frozenset({"10024", "10025", "10026", "10030", "10032"})

ROLES = ("loopback", "proxy", "mailstore", "mta", "override")


@dataclass(frozen=True)
class Topology:
    """Hosted domains and infrastructure IPs, with the reason each was recognised."""

    internal_domains: frozenset[str] = frozenset()
    infrastructure: dict[str, str] = field(default_factory=dict)   # ip -> role
    reasons: dict[str, list[str]] = field(default_factory=dict)    # ip -> why

    def is_infrastructure(self, ip: str | None) -> bool:
        """True for loopback and every recognised proxy/mailstore/MTA address."""
        if not ip:
            return False
        return ip in self.infrastructure or is_loopback(ip)

    def role(self, ip: str | None) -> str | None:
        if not ip:
            return None
        return self.infrastructure.get(ip) or ("loopback" if is_loopback(ip) else None)

    def is_internal_address(self, address: str | None) -> bool:
        """True when the address's domain is hosted here (``x@Example.GOV`` → ``example.gov``)."""
        if not address or "@" not in address:
            return False
        return address.rsplit("@", 1)[1].lower() in self.internal_domains

    def to_json(self) -> dict:
        return {"internal_domains": sorted(self.internal_domains),
                "infrastructure": dict(sorted(self.infrastructure.items())),
                "sources": {ip: sorted(why) for ip, why in sorted(self.reasons.items())}}

    @classmethod
    def from_json(cls, data: dict) -> "Topology":
        return cls(frozenset(data.get("internal_domains", ())), dict(data.get("infrastructure", {})),
                   {ip: list(why) for ip, why in data.get("sources", {}).items()})

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, sort_keys=True)


def is_loopback(ip: str) -> bool:
    """True for 127.0.0.0/8 and ::1 (False for anything that is not an address)."""
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def _column(events: pd.DataFrame, name: str) -> pd.Series:
    if name in events.columns:
        return events[name]
    return pd.Series([None] * len(events), index=events.index, dtype="object")


def learn_topology(events: pd.DataFrame, *, internal_domains: list[str] | None = None,
                   infrastructure_ips: list[str] | None = None) -> Topology:
    """Learn hosted domains and infrastructure IPs from the events.

    * internal domains: domains of accounts with a *successful* mailbox/audit/sync record (an
      attacker's failed guess at ``x@evil.test`` teaches nothing) and of recipients delivered over
      LMTP (mailboxd's ``lmtp`` lines, postfix ``relay=...:7025 status=sent``) — or
      exactly ``internal_domains`` when given;
    * ``proxy``: every ``proxy_ip`` (the ``ip=`` of a proxied request, the nginx peer);
    * ``mailstore``: postfix LMTP relays and nginx upstreams;
    * ``mta``: the client address of mailboxd's LMTP sessions (the MTA delivering to the store) and
      the address postscreen accepts connections on;
    * ``override``: ``infrastructure_ips`` given by the analyst.
    """
    reasons: dict[str, set[str]] = {}
    roles: dict[str, str] = {}

    def mark(ip: str | None, role: str, why: str) -> None:
        if not ip:
            return
        reasons.setdefault(ip, set()).add(why)
        # the first, most specific role wins: override > mailstore > mta > proxy
        order = {"override": 0, "mailstore": 1, "mta": 2, "proxy": 3, "loopback": 4}
        if ip not in roles or order[role] < order[roles[ip]]:
            roles[ip] = role

    for ip in _column(events, "proxy_ip").dropna().unique():
        mark(str(ip), "proxy", "relays client requests (proxy_ip / ip= of proxied requests)")

    relay = _column(events, "relay")
    protocol = _column(events, "protocol")
    lmtp = relay[(protocol == "lmtp").fillna(False) & relay.notna()]
    for value in lmtp.unique():
        for m in RELAY_IP.finditer(str(value)):
            mark(m["bracketed"] or m["bare"], "mailstore", "receives mail over LMTP (postfix relay=...:7025)")
    source = _column(events, "source")
    upstream = relay[(source == "nginx_access").fillna(False) & relay.notna()]
    for value in upstream.unique():
        for m in RELAY_IP.finditer(str(value)):
            mark(m["bracketed"] or m["bare"], "mailstore", "nginx upstream (serves proxied requests)")

    client_ip = _column(events, "client_ip")
    lmtp_clients = client_ip[(source == "mailbox").fillna(False) & (protocol == "lmtp").fillna(False)]
    for ip in lmtp_clients.dropna().unique():
        mark(str(ip), "mta", "delivers mail to mailboxd over LMTP")

    detail = _column(events, "detail")
    connects = detail[(_column(events, "event") == "smtp_connect").fillna(False)
                      & detail.str.startswith("CONNECT to [").fillna(False)]
    for value in connects.unique():
        m = LISTEN_ADDRESS.search(str(value))
        if m:
            mark(m["ip"], "mta", "MTA listening address (postscreen CONNECT ... to [ip]:port)")

    for ip in infrastructure_ips or ():
        mark(ip, "override", "declared with --infra-ip")

    for ip in list(roles):
        if is_loopback(ip):
            roles[ip], reasons[ip] = "loopback", {"loopback address"}

    if internal_domains:
        domains = frozenset(d.lower().lstrip("@") for d in internal_domains)
    else:
        domains = _learn_domains(events)
    return Topology(domains, roles, {ip: sorted(why) for ip, why in reasons.items()})


def _learn_domains(events: pd.DataFrame) -> frozenset[str]:
    source = _column(events, "source")
    outcome = _column(events, "outcome")
    account = _column(events, "account")
    hosted = source.isin(["mailbox", "audit", "sync"]).fillna(False) & (outcome == "success").fillna(False)
    names = set(account[hosted].dropna().unique())
    event = _column(events, "event")
    names |= set(_column(events, "recipient")[(event == "lmtp_delivery").fillna(False)].dropna().unique())
    # postfix delivered it to a mailstore over LMTP: the domain is hosted here
    lmtp_sent = ((event == "msg_sent").fillna(False) & (_column(events, "protocol") == "lmtp").fillna(False)
                 & (_column(events, "status") == "sent").fillna(False))
    names |= set(_column(events, "recipient")[lmtp_sent].dropna().unique())
    domains = set()
    for name in names:
        for address in str(name).split(","):
            if "@" in address:
                domains.add(address.rsplit("@", 1)[1].strip().lower())
    return frozenset(domains)
