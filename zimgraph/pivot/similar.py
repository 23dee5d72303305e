"""Pattern comparison (``pivot --similar``): accounts that behave like the compromised ones after login.

The attacker's *pattern* is read from the compromised accounts' login sessions (``sessions``
table, docs/model.md) opened from the attacker's IPs: the ordered post-login requests that change
the mailbox's behaviour or send mail (:data:`MARKERS`, e.g. ModifyPrefs → ModifyFilterRules →
SendMsg), and the user-agent families. Another account is *related* when one of its sessions
contains the same marker sequence and lasts at most ``minutes`` — whatever IP it came from — or when it sent
an attachment with the same name or the same size as the attacker's sends (``messages`` table).
A shared user-agent family alone is not enough (benign users share browsers, and the attacker's
UA may be common); it is added to the reasons when it also matches.

>>> ua_family("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:91.0) Gecko/20100101 Firefox/91.0")
'Firefox/91'
>>> ua_family("ZimbraWebClient - FF91 (Win)/10.1.4_GA_4200"), ua_family("python-requests/2.31.0")
('ZimbraWebClient - FF91 (Win)', 'python-requests')
>>> marker_sequence(["auth", "GetInfoRequest", "ModifyPrefsRequest", "prefs_change", "ModifyFilterRulesRequest",
...                  "SendMsgRequest", "SendMsgRequest"])
('ModifyPrefs', 'ModifyFilterRules', 'SendMsg')
"""

from __future__ import annotations

import re

import pandas as pd

#: requests that change how a mailbox behaves or send mail: the attacker's post-login footprint
MARKERS = ("ModifyPrefs", "ModifyFilterRules", "ModifyOutgoingFilterRules", "CreateDataSource", "ModifyDataSource",
           "ModifyIdentity", "CreateIdentity", "CreateSignature", "ModifySignature", "SendMsg", "SendMail",
           "CreateMountpoint", "FolderAction", "ExportMailbox")
_MARKER_SET = set(MARKERS)
_BROWSER = re.compile(r"(Firefox|Chrome|Edg|Safari|Opera|OPR|Thunderbird)/(\d+)")


def ua_family(ua: str | None) -> str | None:
    """A user-agent without its minor versions: the browser and major version, or the client name."""
    if not ua:
        return None
    if ua.startswith("ZimbraWebClient"):
        return ua.rsplit("/", 1)[0].strip()
    found = _BROWSER.findall(ua)
    if found:
        product, major = found[-1]
        return f"{product}/{major}"
    return re.split(r"[/ ]", ua, maxsplit=1)[0]


def marker_sequence(actions) -> tuple[str, ...]:
    """The session's marker requests in order, consecutive repeats collapsed, ``Request`` dropped."""
    out: list[str] = []
    for action in list(actions if actions is not None else []):
        name = str(action).removesuffix("Request")
        if name in _MARKER_SET and (not out or out[-1] != name):
            out.append(name)
    return tuple(out)


def _contains(sequence: tuple[str, ...], pattern: tuple[str, ...]) -> bool:
    """``pattern`` is a subsequence of ``sequence``."""
    it = iter(sequence)
    return all(step in it for step in pattern)


def similar_accounts(sessions: pd.DataFrame, messages: pd.DataFrame | None, *, compromised: set[str],
                     attacker_ips: set[str], minutes: float = 15.0) -> dict[str, list[str]]:
    """``{account: [reason, ...]}`` for accounts (not in ``compromised``) that behave like the attacker."""
    if sessions is None or sessions.empty or not compromised:
        return {}
    mine = sessions[sessions["account"].isin(compromised) & sessions["client_ip"].isin(attacker_ips)]
    patterns: dict[tuple[str, ...], str] = {}
    families: set[str] = set()
    for row in mine.itertuples(index=False):
        seq = marker_sequence(row.actions)
        if len(seq) >= 2 and _minutes(row) <= minutes:
            patterns.setdefault(seq, row.account)
        for ua in list(row.user_agents if row.user_agents is not None else []) + [row.user_agent]:
            if isinstance(ua, str) and ua_family(ua):
                families.add(ua_family(ua))
    reasons: dict[str, list[str]] = {}
    others = sessions[~sessions["account"].isin(compromised)]
    for row in others.sort_values(["account", "start"]).itertuples(index=False):
        seq = marker_sequence(row.actions)
        for pattern, example in sorted(patterns.items()):
            if _contains(seq, pattern) and _minutes(row) <= minutes:
                uas = [u for u in list(row.user_agents if row.user_agents is not None else []) if isinstance(u, str)]
                same_ua = sorted({ua_family(u) for u in uas} & families)
                text = (f"session from {row.client_ip} at {_when(row.start)}: {' → '.join(pattern)} within "
                        f"{_minutes(row):.0f} min, as compromised {example} did"
                        + (f"; same user-agent family {same_ua[0]}" if same_ua else ""))
                reasons.setdefault(row.account, []).append(text)
                break
    if messages is not None and not messages.empty:
        sent = messages[messages["account"].isin(compromised) & messages["login_ip"].isin(attacker_ips)]
        names, sizes = set(), set()
        for atts in sent["attachments"]:
            for att in list(atts if atts is not None else []):
                if att.get("name"):
                    names.add(att["name"])
                if att.get("size"):
                    sizes.add(int(att["size"]))
        if names or sizes:
            rest = messages[messages["account"].notna() & ~messages["account"].isin(compromised)]
            for row in rest.sort_values(["account", "first_seen"]).itertuples(index=False):
                for att in list(row.attachments if row.attachments is not None else []):
                    if att.get("name") in names or (att.get("size") and int(att["size"]) in sizes):
                        reasons.setdefault(row.account, []).append(
                            f"sent attachment '{att.get('name')}' ({att.get('size')} bytes) at {_when(row.first_seen)}, "
                            "same name or size as the attacker's sends")
                        break
    return {account: sorted(set(texts)) for account, texts in sorted(reasons.items())}


def _minutes(row) -> float:
    try:
        return max(0.0, (row.end - row.start).total_seconds() / 60)
    except (TypeError, AttributeError):
        return 0.0


def _when(value) -> str:
    return pd.Timestamp(value).tz_convert("UTC").strftime("%Y-%m-%d %H:%M:%SZ") if value is not None else "?"


def add_similar(result: dict, sessions: pd.DataFrame, messages: pd.DataFrame | None, *, minutes: float = 15.0) -> dict:
    """Add the similar accounts to a pivot result: new ones as ``related``, reasons appended to listed ones."""
    compromised = {a["account"] for a in result["accounts"] if a["verdict"] == "compromised"}
    attacker_ips = {s["value"] for s in result["seeds"] if s["kind"] == "ip"}
    attacker_ips |= {i["value"] for i in result["indicators"] if i["kind"] == "ip"}
    found = similar_accounts(sessions, messages, compromised=compromised, attacker_ips=attacker_ips, minutes=minutes)
    listed = {a["account"]: a for a in result["accounts"]}
    for account, reasons in found.items():
        if account in listed:
            listed[account]["why"] = listed[account]["why"] + [f"similar: {r}" for r in reasons]
            continue
        result["accounts"].append({"account": account, "verdict": "related", "score": 0.2, "why": reasons,
                                   "paths": [], "first_seen": None, "last_seen": None, "cluster": None})
    order = {"compromised": 0, "targeted": 1, "related": 2}
    result["accounts"].sort(key=lambda a: (order[a["verdict"]], -a["score"], a["account"]))
    result["similar"] = {"minutes": minutes, "accounts": len(found)}
    return result
