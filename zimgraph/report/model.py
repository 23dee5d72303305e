"""What the investigation report says, computed from the case, the hunt findings and the pivot.

Pure data (dicts and lists of strings) for the template: the executive summary, accounts with
verdicts, findings by severity with their evidence, each compromised account's attacker
sessions, the IOC list (also written as CSV) and the assumptions the numbers rest on.

>>> ioc_rows({"seeds": [{"kind": "ip", "value": "203.0.113.9"}], "accounts": [], "indicators": [
...     {"kind": "UserAgent", "value": "python-requests/2.31", "score": 0.8, "why": ["used by the seed IP"]}]})
[{'type': 'ip', 'value': '203.0.113.9', 'score': 1.0, 'why': 'seed'}, {'type': 'user-agent', 'value': 'python-requests/2.31', 'score': 0.8, 'why': 'used by the seed IP'}]
"""

from __future__ import annotations

import csv
import io
from collections import Counter

import pandas as pd

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
#: pivot/seed kinds -> IOC type names
IOC_TYPES = {"ip": "ip", "IP": "ip", "ua": "user-agent", "UserAgent": "user-agent", "device": "device",
             "Device": "device", "sha1": "sha1", "Attachment": "sha1", "sender": "sender", "Sender": "sender",
             "account": "account", "Account": "account", "session": "amavis-session",
             "AmavisSession": "amavis-session", "domain": "domain", "Message": "message"}
EVIDENCE_PER_FINDING = 8


def ioc_rows(pivot: dict) -> list[dict]:
    """Seeds, then the pivot's indicators (highest score first), one row per distinct value."""
    rows: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for seed in pivot.get("seeds", []):
        key = (IOC_TYPES.get(seed.get("kind"), str(seed.get("kind"))), str(seed.get("value")))
        if key not in seen:
            seen.add(key)
            rows.append({"type": key[0], "value": key[1], "score": 1.0, "why": "seed"})
    for indicator in pivot.get("indicators", []):
        key = (IOC_TYPES.get(indicator.get("kind"), str(indicator.get("kind"))), str(indicator.get("value")))
        if key in seen:
            continue
        seen.add(key)
        why = indicator.get("why") or []
        rows.append({"type": key[0], "value": key[1], "score": round(float(indicator.get("score") or 0), 3),
                     "why": "; ".join(why) if isinstance(why, list) else str(why)})
    return rows


def iocs_csv(rows: list[dict]) -> str:
    """The IOC list as CSV; a value a spreadsheet would run as a formula is quoted with a leading '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["type", "value", "score", "why"])
    for row in rows:
        writer.writerow([_cell(row["type"]), _cell(row["value"]), row["score"], _cell(row["why"])])
    return out.getvalue()


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _attacker_values(pivot: dict, kind_names: tuple[str, ...]) -> list[str]:
    values = [str(s["value"]) for s in pivot.get("seeds", []) if s.get("kind") in kind_names]
    values += [str(i["value"]) for i in pivot.get("indicators", []) if i.get("kind") in kind_names]
    return list(dict.fromkeys(values))


def _collapse(actions) -> str:
    """``['auth', 'SearchRequest', 'SearchRequest', 'SendMsgRequest']`` → ``auth → SearchRequest ×2 → SendMsgRequest``."""
    out: list[list] = []
    for action in actions:
        name = str(action).removesuffix("Request")
        if out and out[-1][0] == name:
            out[-1][1] += 1
        else:
            out.append([name, 1])
    return " → ".join(name if count == 1 else f"{name} ×{count}" for name, count in out)


def _iso(value) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    return pd.Timestamp(value).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def report_model(case, *, findings: list[dict], pivot: dict, iocs_file: str,
                 evidence_lines: dict[str, str] | None = None, seed_note: str | None = None) -> dict:
    """Everything the report page shows (see the module docstring)."""
    evidence_lines = evidence_lines or {}
    accounts = sorted(pivot.get("accounts", []), key=lambda a: (-float(a.get("score") or 0), a["account"]))
    compromised = [a for a in accounts if a.get("verdict") == "compromised"]
    attacker_ips = _attacker_values(pivot, ("ip", "IP"))
    attacker_uas = _attacker_values(pivot, ("ua", "UserAgent"))
    attacker_devices = _attacker_values(pivot, ("device", "Device"))

    sessions = case.sessions
    ip_set, ua_set = set(attacker_ips), set(attacker_uas)
    timelines, stamps = [], []
    for account in compromised:
        mine = sessions[(sessions["account"] == account["account"])
                        & (sessions["client_ip"].isin(ip_set) | sessions["user_agent"].isin(ua_set)).fillna(False)]
        rows = []
        for s in mine.sort_values("start").to_dict("records"):
            stamps += [s["start"], s["end"]]
            rows.append({"start": _iso(s["start"]), "end": _iso(s["end"]), "client_ip": s["client_ip"],
                         "user_agent": s["user_agent"], "actions": _collapse(list(s["actions"])),
                         "messages": len(s["messages_sent"]), "login": s["login"]})
        timelines.append({"account": account["account"], "sessions": rows})

    graph = case.graph
    for ip in attacker_ips:
        node = f"ip:{ip}"
        if node in graph:
            for _u, _v, data in graph.out_edges(node, data=True):
                if data.get("type") in ("LOGGED_IN", "AUTH_FAILED", "ACCESSED", "LOCKED_OUT"):
                    stamps += [pd.Timestamp(data["first_seen"]), pd.Timestamp(data["last_seen"])]
    stamps = [pd.Timestamp(s) for s in stamps if s is not None]

    ordered = sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.get("severity"), 9), f.get("hunt", ""),
                                               f.get("title", "")))
    shown_findings = []
    for f in ordered:
        indicators = [(label, list(f.get(key) or [])[:20]) for label, key in
                      (("accounts", "accounts"), ("IPs", "ips"), ("user-agents", "user_agents"),
                       ("senders", "senders"), ("SHA-1", "sha1"), ("sessions", "sessions")) if f.get(key)]
        evidence = []
        for ref in list(f.get("evidence") or [])[:EVIDENCE_PER_FINDING]:
            text = f"{ref['file']}:{ref['line']}" if isinstance(ref, dict) else str(ref)
            evidence.append({"ref": text, "line": evidence_lines.get(text)})
        shown_findings.append({**{k: f.get(k) for k in ("hunt", "title", "severity", "summary", "count",
                                                         "first_seen", "last_seen")},
                               "indicators": indicators, "evidence": evidence})

    # low and info findings (every attachment seen, every new client...) are listed by hunt, not spelled out
    serious = [f for f in shown_findings if f["severity"] in ("critical", "high", "medium")]
    minor: dict[str, list[dict]] = {}
    for f in shown_findings:
        if f["severity"] not in ("critical", "high", "medium"):
            minor.setdefault(f["hunt"], []).append(f)
    minor_groups = [{"hunt": hunt, "count": len(items), "severities": dict(Counter(f["severity"] for f in items)),
                     "titles": [f"{f['severity']}: {f['title']}" for f in items]} for hunt, items in sorted(minor.items())]
    vectors = _initial_access(compromised, findings)
    manifest = case.manifest
    totals = manifest.get("totals", {})
    assumptions = list(manifest.get("assumptions", []))
    assumptions.append(f"{totals.get('lines_read', 0):,} lines read = {totals.get('lines_parsed', 0):,} in events + "
                       f"{totals.get('lines_ignored', 0):,} ignored + {totals.get('lines_rejected', 0):,} rejected "
                       f"(rejected lines with file and line in rejects.jsonl)")
    topology = case.topology
    assumptions.append("hosted domains: " + (", ".join(sorted(topology.internal_domains)) or "none found"))
    assumptions.append("infrastructure, never counted as a client: " + (
        ", ".join(f"{ip} ({role})" for ip, role in sorted(topology.infrastructure.items())) or "none found"))
    assumptions.append("all times are UTC")
    return {
        "accounts": accounts, "compromised": compromised,
        "targeted": [a for a in accounts if a.get("verdict") == "targeted"],
        "attacker_ips": attacker_ips, "attacker_uas": attacker_uas, "attacker_devices": attacker_devices,
        "first_activity": _iso(min(stamps)) if stamps else None,
        "last_activity": _iso(max(stamps)) if stamps else None,
        "vectors": vectors, "seeds": [s.get("seed") or f"{s.get('kind')}:{s.get('value')}" for s in pivot.get("seeds", [])],
        "seed_note": seed_note, "findings": serious, "minor_findings": minor_groups,
        "findings_by_severity": dict(Counter(f.get("severity") for f in findings)),
        "timelines": timelines, "iocs": ioc_rows(pivot), "iocs_file": iocs_file, "assumptions": assumptions,
    }


def _initial_access(compromised: list[dict], findings: list[dict]) -> list[str]:
    """The initial-access vectors the evidence supports, in words, with the accounts concerned."""
    names = {a["account"] for a in compromised}
    by_hunt: dict[str, set[str]] = {}
    for f in findings:
        if f.get("severity") in ("critical", "high", "medium"):
            by_hunt.setdefault(f.get("hunt", ""), set()).update(set(f.get("accounts") or []) & names)
    vectors = []
    sprayed = by_hunt.get("success-after-failures", set()) | by_hunt.get("bruteforce", set())
    if sprayed:
        vectors.append(f"password guessing / spraying: {len(sprayed)} compromised account(s) logged in after "
                       f"failures ({', '.join(sorted(sprayed))})")
    phished = (by_hunt.get("suspicious-attachments", set()) | by_hunt.get("attachment-spread", set())
               | by_hunt.get("phishing-rules", set()))
    if phished:
        vectors.append(f"phishing: {len(phished)} compromised account(s) received the suspicious attachment or "
                       f"phishing-rule mail ({', '.join(sorted(phished))})")
    if any(f.get("hunt") == "webshell" and f.get("severity") in ("critical", "high") for f in findings):
        vectors.append("web exploitation: successful requests to exploit/webshell paths (see the webshell finding)")
    return vectors
