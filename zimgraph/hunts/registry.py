"""The hunts by name (a contract), their one-line descriptions and parameters, and :func:`run_hunts`.

>>> sorted(HUNTS)[:3]
['attachment-spread', 'attachments', 'bruteforce']
>>> [p.name for p in HUNTS["logins"].params]
['ip', 'account', 'ua']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from zimgraph.console import user_error
from zimgraph.hunts import attachments, auth, new_client, phishing, post_compromise, smtp_abuse, spoofing, web
from zimgraph.hunts.finding import Finding


@user_error
class HuntError(ValueError):
    """An unknown hunt or parameter (the message lists the valid ones)."""


user_error(new_client.GeoIPError)


@dataclass(frozen=True)
class Param:
    name: str
    type: type
    default: Any
    help: str


@dataclass(frozen=True)
class Hunt:
    name: str
    function: Callable[..., list[Finding]]
    description: str
    params: tuple[Param, ...] = ()


WINDOW = Param("window_minutes", int, 60, "sliding window, minutes")
SPRAY = Param("spray_accounts", int, 5, "distinct accounts failed from one IP within an hour that make it a sprayer")
BASELINE = Param("baseline_fraction", float, 0.33, "leading fraction of the evidence's time span used as the baseline")

HUNTS: dict[str, Hunt] = {hunt.name: hunt for hunt in (
    Hunt("spoofing", spoofing.spoofing,
         "messages failing SPF/DKIM/DMARC, and own-domain senders arriving from outside unauthenticated"),
    Hunt("spoofing-delivered", spoofing.spoofing_delivered,
         "the spoofing suspects that were still delivered to a mailbox"),
    Hunt("bruteforce", auth.bruteforce,
         "authentication failures by IP, account and IP x account: password spraying and guessing, every protocol",
         (WINDOW, SPRAY, Param("guess_failures", int, 10, "failures against one account within the window"))),
    Hunt("lockouts", auth.lockouts, "account lockouts with the IPs whose failures caused them", (WINDOW, SPRAY)),
    Hunt("success-after-failures", auth.success_after_failures,
         "successful logins preceded by failures from the same IP or for the same account: the moment of compromise",
         (Param("lookback_hours", int, 24, "how far back failures count"),
          Param("min_failures", int, 3, "failures for the account before the login"), SPRAY)),
    Hunt("logins", auth.logins,
         "every successful login of --ip, --account and/or --ua (user-agent substring): protocol, user-agent, time",
         (Param("ip", str, "", "client IP"), Param("account", str, "", "account"),
          Param("ua", str, "", "user-agent substring (case-insensitive)"))),
    Hunt("attachments", attachments.attachments,
         "every attachment seen by amavis: name, SHA-1, size, type, sessions, sender, recipients"),
    Hunt("suspicious-attachments", attachments.suspicious_attachments,
         "attachments with risky extensions or types (html, js, exe, iso, img, lnk, macro Office, double extensions)"),
    Hunt("attachment-spread", attachments.attachment_spread,
         "identical files across many messages, ranked by risk (type, phishing rules, SPF/DKIM, sender novelty)",
         (Param("min_messages", int, 2, "messages carrying the same file"),
          Param("min_recipients", int, 5, "or recipients of the same file"))),
    Hunt("phishing-rules", phishing.phishing_rules,
         "messages where SpamAssassin phishing rules fired (names matching PHISH, plus --rules), with session details",
         (Param("rules", str, ",".join(phishing.EXTRA_RULES), "more rule names, comma-separated"),)),
    Hunt("web-attacks", web.web_attacks,
         "nginx/Jetty requests to Zimbra exploit paths, injections, scanners and unusual methods, per client IP",
         (Param("scanner_requests", int, 20, "requests from one IP to call it a scanner"),
          Param("scanner_error_rate", float, 0.5, "share of 4xx/5xx answers for a scanner"),
          Param("scanner_paths", int, 15, "distinct paths for a scanner"))),
    Hunt("webshell", web.webshell, "successful (2xx) requests to exploit paths: JSP webshells, mboximport, SSRF"),
    Hunt("post-compromise", post_compromise.post_compromise,
         "forwarding, filter rules, data sources, send bursts, exports, mass deletes, new devices, delegation, admin logins",
         (Param("burst_recipients", int, 20, "recipients within the burst window"),
          Param("burst_sends", int, 10, "sends within the burst window"),
          Param("burst_minutes", int, 60, "burst window, minutes"),
          Param("mass_ops", int, 100, "deletes/moves within an hour"), BASELINE, SPRAY)),
    Hunt("smtp-abuse", smtp_abuse.smtp_abuse,
         "SASL-authenticated sending with abnormal volume or fan-out, cbpolicyd quota hits, new sending IPs",
         (WINDOW, Param("max_recipients", int, 10, "recipients within the window"),
          Param("max_messages", int, 20, "messages within the window"), BASELINE, SPRAY)),
    Hunt("new-client", new_client.new_client,
         "successful logins from an IP, user-agent or device new to the account (after the baseline)",
         (BASELINE, Param("shared_accounts", int, 5, "accounts behind one IP in the baseline that make it a gateway"),
          SPRAY, Param("geoip", str, "", "MaxMind .mmdb file for country/ASN (optional)"))),
)}


def all_params() -> dict[str, Param]:
    """Every parameter name of every hunt (one meaning, type and default per name)."""
    out: dict[str, Param] = {}
    for hunt in HUNTS.values():
        for param in hunt.params:
            out.setdefault(param.name, param)
    return out


def resolve(names: list[str] | None) -> list[Hunt]:
    """The hunts named (all of them, in registry order, when none)."""
    if not names:
        return list(HUNTS.values())
    unknown = [n for n in names if n not in HUNTS]
    if unknown:
        raise HuntError(f"unknown hunt {', '.join(map(repr, unknown))}: one of {', '.join(sorted(HUNTS))} "
                        "(zimgraph hunt --list describes them)")
    return [HUNTS[n] for n in dict.fromkeys(names)]


def run_hunts(case, names: list[str] | None = None, params: dict[str, Any] | None = None) -> list[Finding]:
    """Run the named hunts (all by default) on ``case``; ``params`` (name → value) go to every
    hunt that takes them. Findings are ordered by severity, hunt name, score and title.

    >>> from types import SimpleNamespace
    >>> import pandas as pd
    >>> from zimgraph.events import COLUMN_NAMES
    >>> empty = SimpleNamespace(events=pd.DataFrame(columns=list(COLUMN_NAMES)), messages=None, topology=None)
    >>> run_hunts(empty, ["bruteforce", "webshell"])
    []
    """
    hunts = resolve(names)
    params = dict(params or {})
    known = all_params()
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise HuntError(f"unknown hunt parameter {', '.join(unknown)}: one of {', '.join(sorted(known))}")
    findings: list[Finding] = []
    for hunt in hunts:
        accepted = {p.name: p.type(params[p.name]) for p in hunt.params if p.name in params and params[p.name] is not None}
        findings.extend(hunt.function(case, **accepted))
    return sorted(findings, key=Finding.sort_key)
