"""Sentences an analyst can paste into a report: why an account or an indicator is listed.

Every sentence names the indicator, counts and UTC times (``2026-10-25 07:12:03Z``), and marks
seeds ``(seed)``. Log strings go in verbatim (user-agents are quoted); escaping is the job of
whatever renders them (the HTML report escapes, the terminal table prints text only).

>>> span({"count": 3, "first_seen": "2026-10-25T07:12:03Z", "last_seen": "2026-10-25T09:00:00Z"})
'3 times between 2026-10-25 07:12:03Z and 2026-10-25 09:00:00Z'
>>> span({"count": 1, "first_seen": "2026-10-25T07:12:03Z", "last_seen": "2026-10-25T07:12:03Z"})
'once at 2026-10-25 07:12:03Z'
"""

from __future__ import annotations

import networkx as nx

from zimgraph.pivot.attribute import AccountFinding, Attribution, Lead
from zimgraph.pivot.facts import FAILURE, LOGIN, edges, iso, kind_of, value_of, when

KIND_WORD = {"ip": "IP", "ua": "user-agent", "device": "device", "sha1": "attachment", "sender": "sender",
             "account": "account", "session": "amavis session"}


def moment(value: str | None) -> str:
    """``2026-10-25 07:12:03Z`` from an ISO string."""
    text = iso(when(value))
    return text.replace("T", " ") if text else "an unknown time"


def span(data: dict) -> str:
    count = int(data.get("count") or 1)
    first, last = moment(data.get("first_seen")), moment(data.get("last_seen"))
    if count == 1 or first == last:
        return f"once at {first}" if count == 1 else f"{count} times at {first}"
    return f"{count} times between {first} and {last}"


def name(node: str, result: Attribution) -> str:
    """An indicator as written in a sentence, ``(seed)`` marked."""
    kind, value = kind_of(node), value_of(node)
    text = f"'{value}'" if kind == "ua" else value
    lead = result.leads.get(node)
    if lead and lead.role == "seed":
        return f"{text} (seed)"
    return text


def account_why(graph: nx.MultiDiGraph, finding: AccountFinding, result: Attribution) -> list[str]:
    """Why an account has its verdict, strongest evidence first."""
    out: list[str] = []
    if finding.seed:
        out.append("named as a seed by the analyst")
    first_login = finding.first_login()
    for ip, key, data in sorted(finding.logins, key=lambda t: (t[2].get("first_seen") or "", t[0])):
        protocols = ", ".join(data.get("protocols") or []) or "unknown protocol"
        role = "" if ip in result.leads and result.leads[ip].role == "seed" else " (attacker infrastructure)"
        if key == "LOGGED_IN":
            out.append(f"logged in from {name(ip, result)}{role} over {protocols} {span(data)}")
        else:
            out.append(f"mailbox used from {name(ip, result)}{role} over {protocols} {span(data)}")
    for device, data in finding.devices:
        out.append(f"synced the attacker's ActiveSync device {value_of(device)} {span(data)}")
    fails = [(ip, d) for ip, _, d in finding.failures]
    if fails:
        total = sum(int(d.get("count") or 1) for _, d in fails)
        firsts = sorted(moment(d.get("first_seen")) for _, d in fails)
        ips = ", ".join(sorted({name(ip, result) for ip, _ in fails}))
        before = ""
        if first_login:
            early = [d for _, d in fails if (when(d.get("first_seen")) or first_login) < first_login]
            before = " before the first success" if early else ""
        what = "password-spray failures" if any(result.leads[ip].role in ("seed", "spray", "spray-login")
                                                for ip, _ in fails if ip in result.leads) else "authentication failures"
        out.append(f"{total} {what} from {ips}{before} (first at {firsts[0]})")
    for indicator, message, data in sorted(finding.mail, key=lambda t: (t[2].get("first_seen") or "", t[0])):
        what = _mail_words(graph, indicator)
        tail = " before the first attacker login" if first_login and (when(data.get("first_seen")) or first_login) <= first_login else ""
        out.append(f"received {what} at {moment(data.get('first_seen'))}{tail}")
    if finding.verdict == "targeted":
        out.append("no successful login from attacker infrastructure in the evidence")
    return out


def _mail_words(graph: nx.MultiDiGraph, indicator: str) -> str:
    attrs = graph.nodes[indicator] if indicator in graph else {}
    if kind_of(indicator) == "sha1":
        names = attrs.get("names") or []
        label = f"'{names[0]}' " if names else ""
        return f"the attacker's attachment {label}(sha1 {value_of(indicator)})"
    if kind_of(indicator) == "sender":
        return f"mail from the attacker's sender {value_of(indicator)}"
    return f"the message scanned in amavis session {value_of(indicator)}"


def lead_why(graph: nx.MultiDiGraph, lead: Lead, result: Attribution) -> list[str]:
    """Why an indicator is attributed to the attacker."""
    node, f = lead.node, lead.facts
    parent = name(lead.parent, result) if lead.parent else "the seed"
    kind = kind_of(node)
    out: list[str] = []
    if lead.role == "spray":
        out.append(f"password spraying: authentication failures against {f['targets']} accounts it never logged "
                   f"into, {f['shared']} of them also attacked by {parent}")
    elif lead.role == "spray-login":
        out.append(f"password spraying against {len(_failed(graph, node, result))} accounts, and logged into "
                   f"the flagged account {value_of(lead.parent)}")
    elif lead.role == "ua-login":
        out.append(f"used the attacker's user-agent {parent}; logged into {f['new_accounts']} account(s) "
                   "for the first time after the seed was first seen")
    elif lead.role == "device-login":
        out.append(f"used the attacker's ActiveSync device {value_of(lead.parent)}")
    elif lead.role == "phishing-login":
        out.append(f"logged into {f['accounts']} recipients of {name(f['mail'], result)} for the first time after "
                   "the seed was first seen")
    elif lead.role == "ua":
        out.append(f"used by attacker infrastructure {parent}; rare: at most a few accounts used it before the seed was first seen")
    elif lead.role == "device":
        out.append(f"ActiveSync device used from attacker infrastructure {parent}")
    elif lead.role == "sha1":
        out.append(f"attachment delivered to {f['recipients']} accounts, {f['victims']} of which were logged into "
                   "from attacker infrastructure afterwards")
    elif lead.role == "sender":
        out.append(f"sent the attacker's attachment {value_of(lead.parent)}")
    else:
        out.append(f"linked to {parent}")
    if kind == "ip":
        logins = list(edges(graph, node, LOGIN))
        fails = list(edges(graph, node, FAILURE))
        if logins:
            out.append(f"logged into {len({a for a, _, _ in logins})} account(s), "
                       f"{sum(int(d.get('count') or 1) for _, _, d in logins)} logins, first at "
                       f"{min(moment(d.get('first_seen')) for _, _, d in logins)}")
        if fails:
            out.append(f"{sum(int(d.get('count') or 1) for _, _, d in fails)} authentication failures against "
                       f"{len({a for a, _, _ in fails})} account(s), first at {min(moment(d.get('first_seen')) for _, _, d in fails)}")
    return out


def _failed(graph, ip, result):
    return {a for a, _, _ in edges(graph, ip, FAILURE)}
