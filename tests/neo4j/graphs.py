"""A small hand-built case graph that follows docs/model.md: one of every node kind and edge triple.

The story: 198.51.100.7 sprays alice and bob, gets into alice (after failures), sends from her
mailbox with a rogue ActiveSync device; an external sender phishes bob and carol with one
attachment; the proxy 10.0.0.5 (infrastructure) touches everyone.
"""

from __future__ import annotations

import networkx as nx

ATTACKER_IP = "198.51.100.7"
PROXY_IP = "10.0.0.5"
OFFICE_IP = "192.0.2.10"
SHA1 = "a" * 40
PHISHER = "billing@evil.example"


def node(g, kind, value, **attrs):
    prefix = {"Account": "account", "IP": "ip", "UserAgent": "ua", "Sender": "sender", "Attachment": "sha1",
              "AmavisSession": "session", "Device": "device", "Message": "message"}[kind]
    node_id = f"{prefix}:{value}"
    g.add_node(node_id, kind=kind, value=value, first_seen=attrs.pop("first_seen", "2026-10-24T08:00:00Z"),
               last_seen=attrs.pop("last_seen", "2026-10-25T20:00:00Z"), count=attrs.pop("count", 1), **attrs)
    return node_id


def edge(g, src, dst, rel, *, count=1, first="2026-10-24T09:00:00Z", last="2026-10-24T09:00:00Z",
         protocols=(), outcomes=()):
    g.add_edge(src, dst, key=rel, type=rel, count=count, first_seen=first, last_seen=last,
               protocols=sorted(protocols), outcomes=sorted(outcomes), evidence=[f"mailbox.log:{len(g.edges) + 1}"])


def small_case_graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    alice = node(g, "Account", "alice@example.gov", internal=True, count=40)
    bob = node(g, "Account", "bob@example.gov", internal=True)
    carol = node(g, "Account", "carol@example.gov", internal=True)
    attacker = node(g, "IP", ATTACKER_IP, infrastructure=False, role=None, count=30)
    office = node(g, "IP", OFFICE_IP, infrastructure=False, role=None)
    proxy = node(g, "IP", PROXY_IP, infrastructure=True, role="proxy")
    curl = node(g, "UserAgent", "python-requests/2.31")
    browser = node(g, "UserAgent", "Mozilla/5.0 (Windows NT 10.0)")
    phisher = node(g, "Sender", PHISHER, internal_domain=False)
    outsider = node(g, "Sender", "drop@exfil.example", internal_domain=False)
    attachment = node(g, "Attachment", SHA1, names=["invoice.zip"], content_types=["application/zip"], size=2048)
    session = node(g, "AmavisSession", "mta01/12345-01")
    device = node(g, "Device", "ANDROIDC0FFEE", device_type="Android")
    phish = node(g, "Message", "mta01/4F1A2", message_id="<p1@evil.example>", direction="inbound",
                 verdict="CLEAN", score=2.5, spf="fail")
    exfil = node(g, "Message", "mta01/4F1B3", message_id="<x1@example.gov>", direction="outbound",
                 verdict="CLEAN", score=0.1, spf=None)
    for account in (alice, bob):
        edge(g, attacker, account, "AUTH_FAILED", count=12, protocols=["soap"], outcomes=["failure"])
    edge(g, attacker, alice, "LOCKED_OUT")
    edge(g, attacker, alice, "LOGGED_IN", first="2026-10-24T09:30:00Z", protocols=["soap"], outcomes=["success"])
    edge(g, attacker, alice, "ACCESSED", count=5, protocols=["soap"])
    edge(g, office, alice, "LOGGED_IN", protocols=["imap"], outcomes=["success"])
    edge(g, office, carol, "LOGGED_IN", protocols=["imap"], outcomes=["success"])
    for account in (alice, bob, carol):
        edge(g, proxy, account, "LOGGED_IN", protocols=["imap"], outcomes=["success"])
    edge(g, alice, curl, "USED_UA")
    edge(g, attacker, curl, "USED_UA")
    edge(g, carol, browser, "USED_UA")
    edge(g, alice, device, "SYNCED", first="2026-10-24T10:00:00Z", protocols=["activesync"])
    edge(g, attacker, device, "USED_DEVICE", protocols=["activesync"])
    edge(g, phisher, phish, "SENT")
    edge(g, alice, exfil, "SENT", first="2026-10-24T10:05:00Z")
    edge(g, attacker, exfil, "SUBMITTED")
    edge(g, curl, exfil, "SUBMITTED")
    edge(g, phish, bob, "DELIVERED_TO")
    edge(g, phish, carol, "DELIVERED_TO")
    edge(g, exfil, outsider, "ADDRESSED_TO")
    edge(g, phish, attachment, "CARRIED")
    edge(g, exfil, attachment, "CARRIED")
    edge(g, phish, session, "SCANNED_AS")
    return g
