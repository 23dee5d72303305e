"""Web hunts over the nginx proxy and Jetty access logs: web-attacks and webshell.

``web-attacks``: per client IP, requests to known Zimbra exploit paths (mboximport, Autodiscover
XXE, ``/service/proxy?target=`` SSRF, JSPs under ``/public/`` or ``/zimbraAdmin/``, the ``lbfums``
upload), injection patterns in the decoded path and query (SQL, traversal/LFI, command, template),
scanners (many requests, mostly errors, many distinct paths) and unusual methods.
``webshell``: successful (2xx) requests to those exploit paths — each needs a look on the server.

The same request is often logged by the proxy and by the mailbox's Jetty: counts are of distinct
(second, client, method, URL) requests; the evidence keeps both lines.

>>> classify("/service/zimlet/res/..%2f..%2f..%2fetc%2fpasswd")
['traversal']
>>> classify("/public/jsp/Startup1_3.jsp?cmd=id")
['exploit-path', 'command']
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import numpy as np
import pandas as pd

from zimgraph.hunts.context import external_ip, infrastructure_ips
from zimgraph.hunts.finding import Finding, distinct, from_events, iso

#: known exploit paths of Zimbra (matched on the decoded path and query, case-insensitive)
EXPLOIT_PATHS = re.compile(r"""(?ix)
    /service/extension/backup/mboximport            # CVE-2022-27925 / 37042: zip upload to a webshell
  | /autodiscover/autodiscover\.(?:xml|json)        # CVE-2019-9670 XXE
  | /service/proxy\?.*\btarget=                     # CVE-2019-9621 SSRF
  | (?:^|/)(?:zimbra/)?public/[^?]*\.jsp\b          # JSPs dropped under the public webapp
  | /zimbraadmin/[^?]*\.jsp\b                       # JSPs under the admin webapp
  | /service/upload\?.*\blbfums\b                   # upload servlet abuse
""")
#: injection patterns (decoded twice); the name is the kind reported
INJECTIONS = {
    "sql": re.compile(r"(?ix) \bunion\b.{0,40}\bselect\b | '\s*or\s*'?[\w]*'?\s*=\s*'?[\w]* | \bsleep\s*\(\d | "
                      r"\bbenchmark\s*\( | information_schema | ;\s*(?:drop|select|insert|update)\s"),
    "traversal": re.compile(r"(?ix) \.\.[/\\] | /etc/(?:passwd|shadow|hosts) | /proc/self/ | win\.ini | "
                            r"localconfig\.xml | [?&][a-z_]*=(?:file|php|zip|expect)://"),
    "command": re.compile(r"(?ix) (?:[;|`]|\$\(|&&|[?&](?:cmd|exec|command|c)=)\s*"
                          r"(?:cat|id|whoami|uname|wget|curl|nc|bash|sh|python|perl|powershell|nslookup|ls)\b"),
    "template": re.compile(r"(?ix) \$\{[^}]*\} | \#\{[^}]*\} | \{\{[^}]*\}\} | %\{[^}]*\} | \$\{jndi:"),
    "xss": re.compile(r"(?ix) <\s*script | \bon(?:error|load)\s*= | javascript:"),
}
#: methods a Zimbra client sends (HTTP, WebDAV/CalDAV, ActiveSync)
NORMAL_METHODS = ("GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PROPFIND", "PROPPATCH", "REPORT",
                  "MKCOL", "MKCALENDAR", "MOVE", "COPY", "LOCK", "UNLOCK", "ACL")


def classify(url: str) -> list[str]:
    """Kinds of attack a URL matches: ``exploit-path`` and the injection kinds."""
    decoded = unquote(unquote(url))
    kinds = ["exploit-path"] if EXPLOIT_PATHS.search(decoded) else []
    return kinds + [name for name, pattern in INJECTIONS.items() if pattern.search(decoded)]


_CACHE: dict = {"events": None, "rows": None}


def _http(case) -> pd.DataFrame:
    """HTTP requests from outside, with ``kinds`` (comma-separated attack kinds), ``path``, ``code``
    and ``request`` (an id shared by the proxy's and the mailbox's line of one request). Cached
    for the same events table (both web hunts read it)."""
    events = case.events
    if _CACHE["events"] is events:
        return _CACHE["rows"]
    rows = events[(events["event"] == "http") & external_ip(events["client_ip"], infrastructure_ips(case))]
    rows = rows[["ts", "file", "line", "source", "client_ip", "user_agent", "method", "url", "status", "account"]]
    codes, uniques = pd.factorize(rows["url"].fillna(""))
    kinds = np.array([",".join(classify(url)) for url in uniques] or [""], dtype=object)   # per distinct URL
    paths = np.array([url.partition("?")[0] for url in uniques] or [""], dtype=object)
    second = rows["ts"].to_numpy(dtype="datetime64[s]").astype("int64")
    request = pd.DataFrame({"s": second, "ip": rows["client_ip"].to_numpy(), "m": rows["method"].to_numpy(),
                            "u": codes}).groupby(["s", "ip", "m", "u"], sort=False, dropna=False).ngroup().to_numpy()
    rows = rows.assign(url=np.asarray(uniques, dtype=object)[codes] if len(uniques) else rows["url"],
                       kinds=kinds[codes], path=paths[codes], request=request,
                       code=pd.to_numeric(rows["status"], errors="coerce").fillna(0).astype("int64"))
    _CACHE.update(events=events, rows=rows)
    return rows


def web_attacks(case, *, scanner_requests: int = 20, scanner_error_rate: float = 0.5,
                scanner_paths: int = 15) -> list[Finding]:
    """Exploit paths, injections, scanners and unusual methods, one finding per client IP.

    High when an exploit path or an injection was requested; medium for a scanner (at least
    ``scanner_requests`` requests, ``scanner_error_rate`` of them 4xx/5xx, ``scanner_paths``
    distinct paths); low for unusual methods alone.
    """
    rows = _http(case)
    if rows.empty:
        return []
    attacks = rows[rows["kinds"] != ""]
    odd = rows[~rows["method"].fillna("GET").str.upper().isin(NORMAL_METHODS)]
    unique = rows.drop_duplicates("request")
    stats = unique.assign(error=unique["code"] >= 400).groupby("client_ip").agg(
        requests=("request", "size"), errors=("error", "sum"), paths=("path", "nunique"))
    scanners = stats[(stats["requests"] >= scanner_requests) & (stats["paths"] >= scanner_paths)
                     & (stats["errors"] >= scanner_error_rate * stats["requests"])]
    findings = []
    for ip in sorted(set(attacks["client_ip"]) | set(scanners.index) | set(odd["client_ip"])):
        hits = attacks[attacks["client_ip"] == ip]
        weird = odd[odd["client_ip"] == ip]
        is_scanner = ip in scanners.index
        kinds = sorted({k for ks in hits["kinds"] for k in ks.split(",")})
        severity = "high" if len(hits) else "medium" if is_scanner else "low"
        parts = []
        if len(hits):
            parts.append(f"{hits['request'].nunique()} attack requests ({', '.join(kinds)})")
        if is_scanner:
            s = scanners.loc[ip]
            parts.append(f"scanner: {int(s['requests'])} requests, {int(s['errors'])} errors, {int(s['paths'])} distinct paths")
        if len(weird):
            parts.append(f"unusual methods {', '.join(distinct(weird['method']))}")
        mine = rows[rows["client_ip"] == ip]
        evidence_rows = mine if is_scanner else pd.concat([hits, weird])
        shown = pd.concat([hits, weird]).drop_duplicates("request").sort_values(["ts", "file", "line"], kind="stable")
        details = [{"ts": iso(r.ts), "method": r.method, "url": r.url, "status": r.status, "kinds": r.kinds.split(",") if r.kinds else ["method"],
                    "user_agent": r.user_agent, "file": r.file, "line": int(r.line)} for r in shown.itertuples()]
        if is_scanner and not details:
            details = [{"path": p, "requests": int(n)} for p, n in mine.drop_duplicates("request")["path"].value_counts().sort_index().items()]
        successes = hits[(hits["code"] >= 200) & (hits["code"] < 300)]
        if len(successes):
            parts.append(f"{successes['request'].nunique()} answered 2xx (see webshell)")
        findings.append(from_events(
            evidence_rows, hunt="web-attacks", severity=severity, count=int(mine["request"].nunique()),
            score=float(hits["request"].nunique() * 10 + is_scanner * 5 + len(weird)), ips=[ip], accounts=[],
            user_agents=mine["user_agent"],
            title=f"Web attacks from {ip}" if len(hits) else f"Web scanner {ip}" if is_scanner else f"Unusual HTTP methods from {ip}",
            summary=f"{ip}: " + "; ".join(parts), details=details))
    return findings


def webshell(case) -> list[Finding]:
    """Successful (2xx) requests to exploit paths: a dropped JSP answering, an mboximport upload
    accepted, the SSRF proxy answering. One finding per path; each needs a server-side look."""
    rows = _http(case)
    if rows.empty:
        return []
    hits = rows[rows["kinds"].str.contains("exploit-path", regex=False) & (rows["code"] >= 200) & (rows["code"] < 300)]
    findings = []
    for path, group in hits.groupby("path", sort=True):
        queries = distinct(group["url"])
        findings.append(from_events(
            group, hunt="webshell", severity="critical", count=int(group["request"].nunique()), accounts=[],
            score=float(group["request"].nunique()),
            title=f"Successful requests to {path}",
            summary=(f"{group['request'].nunique()} request(s) to {path} answered 2xx from "
                     f"{', '.join(distinct(group['client_ip']))}: look for the file on the mailstores "
                     f"(e.g. /opt/zimbra/jetty/webapps/) and at what it ran"),
            details=[{"url": url, "requests": int((group["url"] == url).sum())} for url in queries]))
    return findings
