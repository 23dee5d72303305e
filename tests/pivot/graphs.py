"""Small hand-built evidence graphs (docs/model.md shape) for the pivot tests."""

from __future__ import annotations

import networkx as nx

KINDS = {"ip": "IP", "account": "Account", "ua": "UserAgent", "sender": "Sender", "sha1": "Attachment",
         "session": "AmavisSession", "device": "Device", "message": "Message"}
DAY0, DAY1 = "2026-10-24", "2026-10-25"


def node(g: nx.MultiDiGraph, node_id: str, **attrs) -> str:
    kind, value = node_id.split(":", 1)
    if node_id not in g:
        g.add_node(node_id, kind=KINDS[kind], value=value, **({"infrastructure": False} if kind == "ip" else {}),
                   **({"internal": True} if kind == "account" else {}))
    g.nodes[node_id].update(attrs)
    return node_id


def edge(g: nx.MultiDiGraph, u: str, v: str, kind: str, first: str, last: str | None = None, count: int = 1,
         protocols: tuple[str, ...] = ("soap",)) -> None:
    """One aggregated edge; times are 'YYYY-MM-DD HH:MM' UTC."""
    node(g, u), node(g, v)
    iso = lambda t: t.replace(" ", "T") + ":00Z"  # noqa: E731
    g.add_edge(u, v, key=kind, type=kind, count=count, first_seen=iso(first), last_seen=iso(last or first),
               protocols=list(protocols), outcomes=[], evidence=[f"mailbox.log:{abs(hash((u, v, kind))) % 9999}"])
    for n, t in ((u, iso(first)), (v, iso(last or first))):
        attrs = g.nodes[n]
        attrs["first_seen"] = min(attrs.get("first_seen") or t, iso(first))
        attrs["last_seen"] = max(attrs.get("last_seen") or t, iso(last or first))


def mail(g, message: str, sender: str, sha1: str, recipients: list[str], when: str, name: str = "file.html") -> None:
    edge(g, sender, message, "SENT", when)
    edge(g, message, sha1, "CARRIED", when)
    g.nodes[sha1]["names"] = [name]
    for r in recipients:
        edge(g, message, r, "DELIVERED_TO", when)


SEED = "ip:203.0.113.45"
NAT, CARRIER, PROXY = "ip:192.0.2.10", "ip:100.64.0.1", "ip:10.0.0.10"
SPRAY2, LOGIN_ONLY, SECOND = "ip:198.51.100.23", "ip:198.51.100.61", "ip:198.51.100.150"
FF91, SPRAY_UA, COMMON_UA = "ua:Firefox/91 attacker", "ua:python-requests/2.31.0", "ua:Chrome/129 everyone"
DEVICE = "device:androidc1873361592"
PHISH_SHA1, NEWS_SHA1 = "sha1:" + "a" * 40, "sha1:" + "b" * 40
PHISH_SENDER, NEWS_SENDER = "sender:facture@evil.example", "sender:lettre@veille.example.org"
IVAN_HOME = "ip:90.12.1.1"


def acct(name: str) -> str:
    return f"account:{name}@x.gov"


def campaign() -> nx.MultiDiGraph:
    """One campaign with every trap; the expected answers are in test_algorithms.py."""
    g = nx.MultiDiGraph()
    node(g, PROXY, infrastructure=True, role="proxy")
    names = ["alice", "bob", "carol", "dave", "erin", "frank", "gina", "hank", "ivan"]
    for name in names:
        node(g, acct(name))
        edge(g, acct(name), COMMON_UA, "USED_UA", f"{DAY0} 08:00", "2026-10-26 18:00", 30)
    edge(g, PROXY, COMMON_UA, "USED_UA", f"{DAY0} 00:00", "2026-10-26 23:00", 900)
    # office NAT and carrier gateway: many accounts, long before the attack
    for name in ("alice", "bob", "carol", "dave", "erin", "frank"):
        edge(g, NAT, acct(name), "LOGGED_IN", f"{DAY0} 07:30", "2026-10-26 17:00", 40)
    for name in ("bob", "carol", "gina", "hank", "erin"):
        edge(g, CARRIER, acct(name), "LOGGED_IN", f"{DAY0} 06:00", "2026-10-26 21:00", 25, ("activesync",))
    # the seed sprays, gets into alice, uses python-requests, Firefox 91 and a device
    for name in ("alice", "bob", "carol", "dave", "erin", "admin"):
        edge(g, SEED, acct(name), "AUTH_FAILED", f"{DAY1} 01:00", f"{DAY1} 01:30", 2)
    edge(g, SEED, acct("alice"), "LOGGED_IN", f"{DAY1} 01:40", f"{DAY1} 09:30", 3)
    edge(g, SEED, SPRAY_UA, "USED_UA", f"{DAY1} 01:00", f"{DAY1} 01:40", 12)
    edge(g, acct("alice"), SPRAY_UA, "USED_UA", f"{DAY1} 01:40")
    edge(g, SEED, FF91, "USED_UA", f"{DAY1} 06:00", f"{DAY1} 09:30", 20)
    edge(g, SEED, DEVICE, "USED_DEVICE", f"{DAY1} 06:30", f"{DAY1} 09:50", 6, ("activesync",))
    edge(g, acct("alice"), DEVICE, "SYNCED", f"{DAY1} 06:30", f"{DAY1} 09:50", 6, ("activesync",))
    # a second spraying IP of the same campaign, an hour later: gets into bob
    for name in ("bob", "carol", "dave", "erin", "admin", "hank"):
        edge(g, SPRAY2, acct(name), "AUTH_FAILED", f"{DAY1} 02:00", f"{DAY1} 02:30", 2, ("imap",))
    edge(g, SPRAY2, acct("bob"), "LOGGED_IN", f"{DAY1} 03:00", count=1, protocols=("imap",))
    # a login-only IP with the attacker's browser: carol and dave, who had received the phishing
    edge(g, LOGIN_ONLY, FF91, "USED_UA", f"{DAY1} 09:00", f"{DAY1} 10:00", 8)
    edge(g, LOGIN_ONLY, acct("carol"), "LOGGED_IN", f"{DAY1} 09:00")
    edge(g, LOGIN_ONLY, acct("dave"), "LOGGED_IN", f"{DAY1} 10:00")
    # trap: a benign user with the attacker's browser, from home, since before the attack
    edge(g, acct("ivan"), FF91, "USED_UA", f"{DAY0} 09:00", "2026-10-26 17:00", 15)
    edge(g, IVAN_HOME, FF91, "USED_UA", f"{DAY0} 09:00", "2026-10-26 17:00", 15)
    edge(g, IVAN_HOME, acct("ivan"), "LOGGED_IN", f"{DAY0} 09:00", "2026-10-26 17:00", 6)
    # trap: benign lockout from the office NAT
    edge(g, NAT, acct("frank"), "AUTH_FAILED", f"{DAY1} 08:00", f"{DAY1} 08:05", 10)
    edge(g, NAT, acct("frank"), "LOCKED_OUT", f"{DAY1} 08:05")
    # phishing the day before (5 recipients), newsletter to everyone
    mail(g, "message:mta01/PH1", PHISH_SENDER, PHISH_SHA1, [acct(n) for n in ("carol", "dave", "erin", "gina", "hank")],
         f"{DAY0} 13:06", "Facture_2026.html")
    mail(g, "message:mta01/NL1", NEWS_SENDER, NEWS_SHA1, [acct(n) for n in names], f"{DAY0} 10:12", "Veille.pdf")
    # trap: an unrelated campaign the next evening, on some of the same accounts
    for name in ("hank", "gina", "bob", "carol", "erin"):
        edge(g, SECOND, acct(name), "AUTH_FAILED", f"{DAY1} 22:30", f"{DAY1} 23:00", 1, ("imap",))
    return g


SETTINGS = {"hub_accounts": 5, "mail_hub_accounts": 7, "max_ua_accounts": 1}
