"""Clustering the flagged accounts into campaigns by the rare attacker indicators they share.

Two flagged accounts are in the same cluster when one attacker indicator touched both directly
(a login or failures from the same IP, the same device, the same phishing attachment or sender),
or through a chain of such accounts: the connected components of the bipartite graph of flagged
accounts and attacker indicators (hubs are never indicators, so the office NAT joins nothing).

>>> cluster_accounts({"account:a": ["ip:1"], "account:b": ["ip:1", "sha1:x"], "account:c": ["ip:9"]})
[{'id': 1, 'accounts': ['account:a', 'account:b'], 'indicators': ['ip:1', 'sha1:x']}, {'id': 2, 'accounts': ['account:c'], 'indicators': ['ip:9']}]
"""

from __future__ import annotations


def cluster_accounts(touched_by: dict[str, list[str]]) -> list[dict]:
    """``touched_by``: account → attacker indicators touching it. Largest cluster first, then by name."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for account, indicators in touched_by.items():
        find(account)
        for indicator in indicators:
            a, b = find(account), find(indicator)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[str, dict[str, set]] = {}
    for account, indicators in touched_by.items():
        group = groups.setdefault(find(account), {"accounts": set(), "indicators": set()})
        group["accounts"].add(account)
        group["indicators"].update(indicators)
    ordered = sorted(groups.values(), key=lambda g: (-len(g["accounts"]), min(g["accounts"])))
    return [{"id": i, "accounts": sorted(g["accounts"]), "indicators": sorted(g["indicators"])}
            for i, g in enumerate(ordered, 1)]
