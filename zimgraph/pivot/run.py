"""The pivot: seeds in, the DESIGN.md §7 object out (``seeds``, ``accounts``, ``indicators``, ``clusters``).

:func:`pivot` resolves the seeds, fixes the *anchor* (the seeds' first sighting in the window),
chooses the hub thresholds from the size of the case, runs one algorithm and scores the result
with a personalised PageRank from the seeds. Algorithms (compared by ``bench/pivot_eval.py``):

* ``evidence`` (default) — hub suppression, time awareness and the evidence rules of
  :mod:`zimgraph.pivot.attribute`; verdicts as the analyst would give them.
* ``khop`` — plain bounded typed expansion; every IP reached is taken as the attacker's.
* ``hub`` — the same expansion, never through hubs (infrastructure, NAT, carriers, newsletters).
* ``ppr`` — hub-suppressed expansion ranked by personalised PageRank; IPs scoring at least
  ``ppr_cutoff`` of the best non-seed IP are taken as the attacker's.

>>> from zimgraph.pivot.facts import tiny_graph
>>> out = pivot(tiny_graph(), ["ip:203.0.113.9"])
>>> [(a["account"], a["verdict"], a["paths"]) for a in out["accounts"]]
[('a@x.gov', 'compromised', [['ip:203.0.113.9', 'account:a@x.gov']])]
>>> out["indicators"], [c["accounts"] for c in out["clusters"]]
([], [['a@x.gov']])
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import networkx as nx

from zimgraph.console import user_error
from zimgraph.pivot.attribute import VERDICT_ORDER, AccountFinding, Attribution, Lead, attribute
from zimgraph.pivot.clusters import cluster_accounts
from zimgraph.pivot.expand import DEFAULT_HOPS, expand, hub_test
from zimgraph.pivot.explain import account_why, lead_why
from zimgraph.pivot.facts import (FAILURE, INDICATOR_KINDS, LOGIN, Window, account_population,
                                  accounts_sharing, edges, iso, kind_of, node_first_seen, value_of, when)
from zimgraph.pivot.rank import personalized_pagerank
from zimgraph.pivot.seeds import Seed, parse_seed, resolve_seeds

ALGORITHMS = ("evidence", "khop", "hub", "ppr")
_ROLE_BASE = {"spray": 0.75, "spray-login": 0.75, "device-login": 0.75, "ua-login": 0.7, "phishing-login": 0.7,
              "device": 0.7, "sha1": 0.65, "sender": 0.6, "ua": 0.55, "reached": 0.3}
_VERDICT_BASE = {"compromised": 0.7, "targeted": 0.4, "related": 0.1}


@user_error
class PivotError(ValueError):
    """A pivot option the analyst can correct (time window, algorithm)."""


def parse_time(text: str | None, *, option: str = "--since") -> dt.datetime | None:
    """An ISO 8601 date or date-time; naive values are UTC.

    >>> parse_time("2026-10-25T07:00").isoformat(), parse_time("2026-10-25").isoformat()
    ('2026-10-25T07:00:00+00:00', '2026-10-25T00:00:00+00:00')
    """
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        raise PivotError(f"{option} {text!r} is not a time: write e.g. {option} 2026-10-25T07:00Z (UTC by default)") from None
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


def pivot(graph: nx.MultiDiGraph, seeds: Iterable[Seed | str], *, since: dt.datetime | None = None,
          until: dt.datetime | None = None, algorithm: str = "evidence", hub_accounts: int | None = None,
          mail_hub_accounts: int | None = None, max_ua_accounts: int | None = None, depth: int = 3,
          hops: dict[str, int] | None = None, ppr_cutoff: float = 0.2) -> dict:
    """Pivot from the seeds; returns the JSON-ready result (sorted, deterministic)."""
    if algorithm not in ALGORITHMS:
        raise PivotError(f"unknown pivot algorithm {algorithm!r}: choose one of {', '.join(ALGORITHMS)}")
    if since and until and since > until:
        raise PivotError("--since is after --until: swap them")
    seeds = [parse_seed(s) if isinstance(s, str) else s for s in seeds]
    resolved = resolve_seeds(graph, seeds)
    seed_nodes = sorted({n for nodes in resolved.values() for n in nodes})
    window = Window(since, until)
    # the attack's first sighting; an account seed says nothing about when the attack began
    firsts = [t for t in (node_first_seen(graph, n, window=window) for n in seed_nodes if kind_of(n) != "account") if t]
    anchor = min(firsts, default=None)
    population = account_population(graph)
    hub_accounts = hub_accounts or max(5, min(50, math.ceil(0.1 * population)))
    mail_hub_accounts = mail_hub_accounts or max(hub_accounts, math.ceil(0.5 * population))
    max_ua_accounts = max_ua_accounts or max(3, math.ceil(0.05 * population))
    stop = hub_test(graph, hub_accounts=hub_accounts, anchor=anchor, mail_hub_accounts=mail_hub_accounts,
                    keep=seed_nodes)
    hops = hops or DEFAULT_HOPS

    rarity = _rarity(graph)
    if algorithm == "evidence":
        result = attribute(graph, seed_nodes, stop=stop, anchor=anchor, window=window,
                           max_ua_accounts=max_ua_accounts)
    else:
        result = _reach(graph, seed_nodes, algorithm=algorithm, stop=stop, window=window, depth=depth, hops=hops,
                        anchor=anchor, ppr_cutoff=ppr_cutoff, rarity=rarity)
    # scores: a walk restarting at the seeds over the evidence found (indicators, accounts, the links between)
    evidence = set(result.leads) | set(result.accounts)
    evidence |= {n for lead in result.leads.values() for n in lead.via}
    evidence |= {n for f in result.accounts.values() for n in f.via} | {m for f in result.accounts.values()
                                                                        for _, m, _ in f.mail}
    scores = personalized_pagerank(graph, seed_nodes, nodes=evidence, rarity=rarity, window=window)
    return _assemble(graph, resolved, result, scores, window=window, anchor=anchor, algorithm=algorithm,
                     settings={"hub_accounts": hub_accounts, "mail_hub_accounts": mail_hub_accounts,
                               "max_ua_accounts": max_ua_accounts, "accounts_in_case": population})


def _rarity(graph: nx.MultiDiGraph):
    """How many accounts share a node (indicators only; others count 1), memoised for one pivot."""
    cache: dict[str, int] = {}

    def rarity(node: str) -> int:
        if node not in cache:
            cache[node] = len(accounts_sharing(graph, node)) if kind_of(node) in INDICATOR_KINDS else 1
        return cache[node]
    return rarity


def _reach(graph, seed_nodes, *, algorithm, stop, window, depth, hops, anchor, ppr_cutoff, rarity) -> Attribution:
    """The baselines: every IP reached (or scored high enough) is taken as the attacker's."""
    steps = expand(graph, seed_nodes, hops=hops, depth=depth, window=window,
                   stop=None if algorithm == "khop" else stop)
    leads = {}
    for node, step in steps.items():
        if kind_of(node) not in INDICATOR_KINDS or (algorithm != "khop" and node not in seed_nodes and stop(node)):
            continue
        role = "seed" if node in seed_nodes else "reached"
        leads[node] = Lead(node, role, step.parent)
    if algorithm == "ppr":
        scores = personalized_pagerank(graph, seed_nodes, nodes=steps, window=window, rarity=rarity)
        others = [scores[n] for n in leads if kind_of(n) == "ip" and leads[n].role != "seed"]
        best = max(others, default=0.0)
        leads = {n: lead for n, lead in leads.items()
                 if lead.role == "seed" or kind_of(n) != "ip" or scores[n] >= ppr_cutoff * best}
    accounts: dict[str, AccountFinding] = {}
    for ip in sorted(n for n in leads if kind_of(n) == "ip"):
        for acct, key, d in edges(graph, ip, LOGIN, window=window):
            found = accounts.setdefault(acct, AccountFinding(acct, "compromised", ip))
            found.verdict = "compromised"
            found.logins.append((ip, key, d))
        for acct, key, d in edges(graph, ip, FAILURE, window=window):
            accounts.setdefault(acct, AccountFinding(acct, "targeted", ip)).failures.append((ip, key, d))
    for node in seed_nodes:
        if kind_of(node) == "account":
            accounts[node] = AccountFinding(node, "compromised", node, seed=True)
            leads[node] = Lead(node, "seed")
    result = Attribution(leads, accounts, anchor, 1)
    # paths: the expansion tree (parent pointers)
    for lead in leads.values():
        if lead.role != "seed":
            lead.parent = steps[lead.node].parent if lead.node in steps else None
            via = []
            while lead.parent is not None and lead.parent not in leads and lead.parent in steps:
                via.append(lead.parent)
                lead.parent = steps[lead.parent].parent
            lead.via = tuple(reversed(via))
    return result


def _assemble(graph, resolved, result: Attribution, scores, *, window, anchor, algorithm, settings) -> dict:
    seed_nodes = {n for nodes in resolved.values() for n in nodes}
    best_account = max((scores.get(a, 0.0) for a in result.accounts), default=0.0) or 1.0
    touched: dict[str, list[str]] = {}
    accounts = []
    for account, finding in result.accounts.items():
        indicators = sorted({ip for ip, _, _ in finding.logins} | {ip for ip, _, _ in finding.failures}
                            | {d for d, _ in finding.devices} | {m for m, _, _ in finding.mail})
        touched[account] = indicators or [finding.parent]
        score = _VERDICT_BASE[finding.verdict] + 0.3 * scores.get(account, 0.0) / best_account
        paths = _account_paths(result, finding)
        times = [when(d.get("first_seen")) for _, _, d in finding.logins + finding.failures + finding.mail] + \
                [when(d.get("first_seen")) for _, d in finding.devices]
        lasts = [when(d.get("last_seen")) for _, _, d in finding.logins + finding.failures + finding.mail] + \
                [when(d.get("last_seen")) for _, d in finding.devices]
        accounts.append({"account": value_of(account), "verdict": finding.verdict, "score": round(min(score, 1.0), 3),
                         "why": account_why(graph, finding, result) if algorithm == "evidence" else _reach_why(finding, result),
                         "paths": paths,
                         "first_seen": iso(min((t for t in times if t), default=None)),
                         "last_seen": iso(max((t for t in lasts if t), default=None))})
    accounts.sort(key=lambda a: (VERDICT_ORDER[a["verdict"]], -a["score"], a["account"]))
    clusters = cluster_accounts(touched)
    cluster_of = {value_of(a): c["id"] for c in clusters for a in c["accounts"]}
    for entry in accounts:
        entry["cluster"] = cluster_of.get(entry["account"])
    best_lead = max((scores.get(n, 0.0) for n in result.leads if n not in seed_nodes), default=0.0) or 1.0
    indicators = []
    for node, lead in result.leads.items():
        if node in seed_nodes or kind_of(node) not in INDICATOR_KINDS:
            continue
        score = _ROLE_BASE.get(lead.role, 0.3) + 0.25 * scores.get(node, 0.0) / best_lead
        attrs = graph.nodes[node]
        indicators.append({"kind": kind_of(node), "value": value_of(node), "score": round(min(score, 1.0), 3),
                           "role": lead.role, "why": lead_why(graph, lead, result) if algorithm == "evidence"
                           else [f"reached from {result.path(node)[0]} in {len(result.path(node)) - 1} step(s)"],
                           "paths": [list(shortcut(result.path(node)))], "accounts_sharing": len(accounts_sharing(graph, node)),
                           "first_seen": attrs.get("first_seen"), "last_seen": attrs.get("last_seen")})
    indicators.sort(key=lambda i: (-i["score"], i["kind"], i["value"]))
    for cluster in clusters:
        members = [a for a in accounts if a["cluster"] == cluster["id"]]
        cluster["accounts"] = [value_of(a) for a in cluster["accounts"]]
        cluster["compromised"] = sum(a["verdict"] == "compromised" for a in members)
        firsts = [a["first_seen"] for a in members if a["first_seen"]]
        lasts = [a["last_seen"] for a in members if a["last_seen"]]
        cluster["first_seen"], cluster["last_seen"] = min(firsts, default=None), max(lasts, default=None)
    return {
        "seeds": [{"seed": str(seed), "kind": seed.kind, "value": seed.value, "nodes": nodes,
                   "first_seen": iso(min((t for t in (node_first_seen(graph, n, window=window) for n in nodes) if t),
                                         default=None))}
                  for seed, nodes in sorted(resolved.items())],
        "window": {"since": iso(window.since), "until": iso(window.until)},
        "anchor": iso(anchor),
        "algorithm": algorithm,
        "settings": settings,
        "accounts": accounts,
        "indicators": indicators,
        "clusters": clusters,
    }


def _account_paths(result: Attribution, finding: AccountFinding, *, limit: int = 3) -> list[list[str]]:
    """The shortest distinct paths from a seed to the account, through the indicators touching it."""
    account = finding.account
    direct = {ip for ip, _, _ in finding.logins + finding.failures} | {d for d, _ in finding.devices}
    candidates = {tuple(result.path(account))}
    candidates |= {tuple(result.path(node)) + (account,) for node in direct if node in result.leads}
    candidates |= {tuple(result.path(node)) + (message, account) for node, message, _ in finding.mail
                   if node in result.leads}
    clean = {shortcut(p) for p in candidates}
    return [list(p) for p in sorted(clean, key=lambda p: (len(p), p))[:limit]]


def shortcut(path) -> tuple[str, ...]:
    """A path that comes back to a node it went through is cut short there (a walk → a path).

    >>> shortcut(["ip:1", "account:a", "message:m", "sha1:x", "message:m", "account:b"])
    ('ip:1', 'account:a', 'message:m', 'account:b')
    """
    out: list[str] = []
    for node in path:
        if node in out:
            del out[out.index(node) + 1:]
        else:
            out.append(node)
    return tuple(out)


def _reach_why(finding: AccountFinding, result: Attribution) -> list[str]:
    path = result.path(finding.account)
    verb = "logged in from" if finding.logins else "failed logins from"
    ips = sorted({ip for ip, _, _ in finding.logins or finding.failures})
    return [f"{verb} {', '.join(value_of(i) for i in ips)}, reached from {path[0]} in {len(path) - 1} step(s)"]
