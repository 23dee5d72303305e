#!/usr/bin/env python3
"""Time ``pivot`` on a synthetic evidence graph of about 1 million edges (docs/model.md shape).

    python bench/pivot_speed.py [--edges 1000000] [--repeat 5] [--seed 1] [--algorithms evidence ...]

The graph: accounts with home IPs (logins and mailbox access), office NATs and carrier gateways
shared by hundreds of accounts (with history), infrastructure IPs, common and rare user-agents,
ActiveSync devices, inbound mail (sender → message → accounts, attachments, amavis sessions) with a
newsletter to everyone; then one campaign: a spraying seed IP, a second sprayer, a login-only IP
with the attacker's browser, a device and a phishing attachment. Prints the build time (not part
of the target), then the pivot time from the seed IP for each algorithm (median of ``--repeat``)
and the answer's size. Target (issue 4): under 2 s on this machine.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zimgraph.pivot import ALGORITHMS, pivot  # noqa: E402

DAY0, DAY1 = "2026-10-24T08:00:00Z", "2026-10-25T01:00:00Z"


def build(target_edges: int, seed: int) -> tuple[nx.MultiDiGraph, str, set[str]]:
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    scale = target_edges / 1_000_000
    n_accounts = int(22_600 * scale) or 100
    accounts = [f"account:user{i}@example.gov" for i in range(n_accounts)]
    g.add_nodes_from(((a, {"kind": "Account", "value": a[8:], "internal": True}) for a in accounts))

    def ip(value: str, **attrs) -> str:
        node = f"ip:{value}"
        if node not in g:
            g.add_node(node, kind="IP", value=value, infrastructure=attrs.get("infrastructure", False),
                       role=attrs.get("role"))
        return node

    edges = []

    def add(u, v, key, count=1, first=DAY0, last="2026-10-26T18:00:00Z"):
        edges.append((u, v, key, {"type": key, "count": count, "first_seen": first, "last_seen": last,
                                  "protocols": ["soap"], "outcomes": [], "evidence": []}))

    infra = [ip(f"10.0.0.{i}", infrastructure=True, role="proxy") for i in range(1, 5)]
    nats = [ip(f"192.0.2.{i}") for i in range(1, 21)]
    carriers = [ip(f"100.64.0.{i}") for i in range(1, 51)]
    uas = [f"ua:Browser/{i}" for i in range(200)]
    for u in uas:
        g.add_node(u, kind="UserAgent", value=u[3:])
    for i, a in enumerate(accounts):
        for k in range(2):
            home = ip(f"{rng.randint(11, 99)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}")
            add(home, a, "LOGGED_IN", rng.randint(1, 30))
            add(home, a, "ACCESSED", rng.randint(1, 300))
            add(home, uas[i % 37], "USED_UA", 5)
        nat = nats[i % len(nats)]
        add(nat, a, "LOGGED_IN", 20), add(nat, a, "ACCESSED", 200)
        car = carriers[i % len(carriers)]
        add(car, a, "LOGGED_IN", 10), add(car, a, "ACCESSED", 50)
        for k in range(3):
            add(a, uas[(i + k * 11) % 37], "USED_UA", 20)
        if i % 4 == 0:
            dev = f"device:dev{i}"
            g.add_node(dev, kind="Device", value=dev[7:])
            add(a, dev, "SYNCED", 30), add(car, dev, "USED_DEVICE", 30)
    for px in infra:
        for u in uas[:37]:
            add(px, u, "USED_UA", 1000)
    senders = [f"sender:news{i}@partner.example.org" for i in range(2000)]
    for s in senders:
        g.add_node(s, kind="Sender", value=s[7:])
    n_messages = int(136_000 * scale)
    for m in range(n_messages):
        msg = f"message:mta01/{m:010X}"
        g.add_node(msg, kind="Message", value=msg[8:])
        add(senders[m % len(senders)], msg, "SENT")
        add(ip(f"198.18.{(m // 250) % 256}.{m % 250 + 1}"), msg, "SUBMITTED")
        session = f"session:{m:05d}-01"
        g.add_node(session, kind="AmavisSession", value=session[8:])
        add(msg, session, "SCANNED_AS")
        for r in rng.sample(accounts, rng.choice([1, 1, 2, 3])):
            add(msg, r, "DELIVERED_TO")
        if m % 5 == 0:
            sha = f"sha1:{rng.getrandbits(160):040x}"
            g.add_node(sha, kind="Attachment", value=sha[5:], names=["doc.pdf"])
            add(msg, sha, "CARRIED")
    news = "sha1:" + "b" * 40
    g.add_node(news, kind="Attachment", value=news[5:], names=["newsletter.pdf"])
    for k in range(0, n_accounts, 50):
        msg = f"message:mta01/NEWS{k}"
        g.add_node(msg, kind="Message", value=msg[8:])
        add(senders[0], msg, "SENT"), add(msg, news, "CARRIED")
        for r in accounts[k:k + 50]:
            add(msg, r, "DELIVERED_TO")
    # the campaign
    seed, spray2, login_only = ip("203.0.113.45"), ip("198.51.100.23"), ip("198.51.100.61")
    victims = set(rng.sample(accounts, 30))
    sprayed = rng.sample(accounts, 2000)
    for a in sprayed:
        add(seed, a, "AUTH_FAILED", 2, DAY1, "2026-10-25T03:00:00Z")
    for a in sprayed[:1000]:
        add(spray2, a, "AUTH_FAILED", 2, "2026-10-25T02:00:00Z", "2026-10-25T04:00:00Z")
    ff91 = "ua:Firefox/91 attacker"
    g.add_node(ff91, kind="UserAgent", value=ff91[3:])
    add(seed, ff91, "USED_UA", 10, DAY1), add(login_only, ff91, "USED_UA", 10, DAY1)
    for k, a in enumerate(sorted(victims)):
        src = (seed, spray2, login_only)[k % 3]
        add(src, a, "LOGGED_IN", 2, "2026-10-25T06:00:00Z", "2026-10-25T09:00:00Z")
    g.add_edges_from(edges)
    return g, seed, victims


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--edges", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--algorithms", nargs="+", default=list(ALGORITHMS), choices=ALGORITHMS)
    a = p.parse_args(argv)
    started = time.perf_counter()
    g, seed, victims = build(a.edges, a.seed)
    print(f"graph: {g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges, built in "
          f"{time.perf_counter() - started:.1f} s (not timed below)")
    for algorithm in a.algorithms:
        times, out = [], None
        for _ in range(a.repeat):
            t = time.perf_counter()
            out = pivot(g, [seed], algorithm=algorithm)
            times.append(time.perf_counter() - t)
        got = {f"account:{x['account']}" for x in out["accounts"] if x["verdict"] == "compromised"}
        print(f"pivot --algorithm {algorithm:<8} median {statistics.median(times):.3f} s (min {min(times):.3f}, "
              f"max {max(times):.3f}); {len(out['accounts'])} accounts, {len(got)} compromised "
              f"({len(got & victims)}/{len(victims)} planted), {len(out['indicators'])} indicators")
    return 0


if __name__ == "__main__":
    sys.exit(main())
