"""A generated case-shaped graph of any size, for the caps and the browser load test."""

from __future__ import annotations

import random

import networkx as nx


def big_graph(nodes: int, *, seed: int = 7) -> nx.MultiDiGraph:
    """IPs spraying accounts, accounts with user-agents and messages: about ``nodes`` nodes."""
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    accounts = [f"account:user{i:05d}@example.gov" for i in range(nodes // 4)]
    ips = [f"ip:198.51.{i // 250}.{i % 250 + 1}" for i in range(nodes // 4)]
    agents = [f"ua:agent-{i}" for i in range(nodes // 20)]
    messages = [f"message:mta01/{i:010X}" for i in range(nodes - len(accounts) - len(ips) - len(agents))]
    for node in accounts + ips + agents + messages:
        kind = {"account": "Account", "ip": "IP", "ua": "UserAgent", "message": "Message"}[node.split(":")[0]]
        g.add_node(node, kind=kind, value=node.split(":", 1)[1], count=rng.randint(1, 50),
                   first_seen="2026-10-24T08:00:00.000Z", last_seen="2026-10-25T08:00:00.000Z")

    def edge(u, v, key):
        g.add_edge(u, v, key=key, type=key, count=rng.randint(1, 30), first_seen="2026-10-24T08:00:00.000Z",
                   last_seen="2026-10-25T08:00:00.000Z", evidence=["mailbox.log:1"])

    for ip in ips:
        for account in rng.sample(accounts, 3):
            edge(ip, account, rng.choice(["LOGGED_IN", "AUTH_FAILED"]))
        edge(ip, rng.choice(agents), "USED_UA")
    for account in accounts:
        edge(account, rng.choice(agents), "USED_UA")
    for message in messages:
        edge(rng.choice(accounts), message, "SENT")
        edge(message, rng.choice(accounts), "DELIVERED_TO")
    return g
