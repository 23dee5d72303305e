"""What hunts read from a case besides the tables: the platform's own IPs and domains.

A case is a :class:`zimgraph.casedata.CaseData` (``events``, ``messages``, ``sessions``,
``topology``); hunts also accept any object with those attributes (tests build small ones).
A missing ``topology`` means no infrastructure IP and no internal domain is known.

>>> from types import SimpleNamespace
>>> topo = SimpleNamespace(internal_domains=frozenset({"example.gov"}), infrastructure={"10.0.0.10": "proxy"})
>>> sorted(infrastructure_ips(SimpleNamespace(topology=topo)))
['10.0.0.10', '127.0.0.1', '::1']
>>> is_internal_address("dg@example.gov", frozenset({"example.gov"}))
True
"""

from __future__ import annotations

import pandas as pd

LOOPBACK = frozenset({"127.0.0.1", "::1"})


def infrastructure_ips(case) -> frozenset[str]:
    """The platform's own addresses (proxy, mailstores, MTAs, loopback): never an attacker."""
    topology = getattr(case, "topology", None)
    known = getattr(topology, "infrastructure", None) or {}
    return frozenset(known) | LOOPBACK


def internal_domains(case) -> frozenset[str]:
    topology = getattr(case, "topology", None)
    return frozenset(d.lower() for d in (getattr(topology, "internal_domains", None) or ()))


def is_internal_address(address: str, domains: frozenset[str]) -> bool:
    """An address in one of the platform's own mail domains (or a sub-domain of one)."""
    domain = address.rpartition("@")[2].lower()
    return bool(domain) and any(domain == d or domain.endswith("." + d) for d in domains)


def external_ip(values: pd.Series, infrastructure: frozenset[str]) -> pd.Series:
    """Boolean mask: a client IP that is present and not the platform's own."""
    return values.notna() & ~values.isin(list(infrastructure))


def evidence_span(events: pd.DataFrame) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """First and last event time of the evidence (None for an empty table)."""
    if events.empty:
        return None, None
    return events["ts"].min(), events["ts"].max()
