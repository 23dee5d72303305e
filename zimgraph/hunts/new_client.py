"""new-client: successful logins from an IP, user-agent or ActiveSync device an account had not
used before.

The baseline is the earlier part of the evidence (``baseline_fraction`` of its time span): what
each account used then is familiar; what appears afterwards is new. An IP that many accounts
used during the baseline (office NAT, carrier gateway, VPN), or any address of the carrier-grade
NAT range 100.64.0.0/10, is a shared gateway: a new account behind it is not news. With ``geoip`` (a MaxMind ``.mmdb`` file, needs the ``maxminddb``
package) the details carry country and ASN.

>>> from types import SimpleNamespace
>>> import pandas as pd
>>> ts = pd.to_datetime(["2026-10-24 08:00", "2026-10-26 09:00"], utc=True)
>>> ev = pd.DataFrame({"ts": ts, "event": ["auth", "auth"], "outcome": ["success"] * 2,
...     "account": ["a@d"] * 2, "client_ip": ["192.0.2.7", "198.51.100.9"], "protocol": ["soap"] * 2,
...     "user_agent": ["Firefox", "Firefox"], "source": ["audit"] * 2, "file": ["audit.log"] * 2, "line": [1, 2]})
>>> [f.title for f in new_client(SimpleNamespace(events=ev, topology=None))]
['a@d: new IP 198.51.100.9']
"""

from __future__ import annotations

import ipaddress

import pandas as pd

from zimgraph.hunts.attempts import login_attempts
from zimgraph.hunts.auth import _spraying_ips
from zimgraph.hunts.context import external_ip, infrastructure_ips
from zimgraph.hunts.finding import SEVERITY_RANK, Finding, distinct, from_events, iso


class GeoIPError(Exception):
    """The --geoip database cannot be used (the message says what to do)."""


def baseline_cut(events: pd.DataFrame, fraction: float) -> pd.Timestamp | None:
    """The end of the baseline: ``fraction`` of the evidence's time span after its start."""
    if events.empty:
        return None
    start, end = events["ts"].min(), events["ts"].max()
    return start + (end - start) * fraction


def successful_logins(case) -> pd.DataFrame:
    """Successful logins from outside the platform, with an account."""
    attempts = login_attempts(case.events)
    return attempts[(attempts["outcome"] == "success") & attempts["account"].notna()
                    & external_ip(attempts["client_ip"], infrastructure_ips(case))]


def familiar_ips(case, *, baseline_fraction: float = 0.33) -> tuple[pd.Timestamp | None, pd.Series]:
    """(baseline end, ``account\\0ip`` keys of the logins during the baseline)."""
    logins = successful_logins(case)
    cut = baseline_cut(case.events, baseline_fraction)
    early = logins[logins["ts"] < cut] if cut is not None else logins.iloc[:0]
    return cut, _pair_key(early, "client_ip").drop_duplicates()


def _pair_key(rows: pd.DataFrame, column: str) -> pd.Series:
    return rows["account"].astype(str) + "\x00" + rows[column].fillna("").astype(str)


def new_client(case, *, baseline_fraction: float = 0.33, shared_accounts: int = 5,
               spray_accounts: int = 5, geoip: str = "") -> list[Finding]:
    """Logins after the baseline from an IP, user-agent or device new to the account.

    Per account: high when a new IP also logged in to another account that never used it before
    (one unknown address, several accounts) or sprayed passwords; medium for a new IP with a new
    user-agent, or a new device; low for a new IP or user-agent alone, a shared gateway, or an
    account with no baseline to compare with.
    """
    logins = successful_logins(case)
    cut = baseline_cut(case.events, baseline_fraction)
    if logins.empty or cut is None:
        return []
    early, late = logins[logins["ts"] < cut], logins[logins["ts"] >= cut]
    shared = early.groupby("client_ip")["account"].nunique()
    shared = set(shared[shared >= shared_accounts].index)
    # RFC 6598 shared address space: carrier-grade NAT, one address for many subscribers
    shared |= {ip for ip in logins["client_ip"].dropna().unique() if _is_cgnat(ip)}
    has_baseline = set(early["account"])
    late = late.assign(**{f"new_{kind}": ~_pair_key(late, column).isin(_pair_key(early, column).unique())
                          & (late[column].fillna("") != "")
                          for kind, column in (("ip", "client_ip"), ("ua", "user_agent"), ("device", "device_id"))})
    fresh = late[late["new_ip"] | late["new_ua"] | late["new_device"]]
    if fresh.empty:
        return []
    # one unknown address logging in to several accounts that never used it
    new_ip_rows = fresh[fresh["new_ip"] & ~fresh["client_ip"].isin(shared)]
    multi = new_ip_rows.groupby("client_ip")["account"].nunique()
    multi = set(multi[multi >= 2].index)
    hostile = _spraying_ips(_failures(case), pd.Timedelta(hours=1), spray_accounts, logins)
    lookup = _geoip_reader(geoip) if geoip else None
    findings = []
    for account, rows in fresh.groupby("account", sort=True):
        details, severities = [], []
        for (ip, ua, device), group in rows.groupby([rows["client_ip"], rows["user_agent"].fillna(""),
                                                     rows["device_id"].fillna("")], sort=True):
            first = group.iloc[0]
            what = [name for name, flag in (("IP", first["new_ip"]), ("user-agent", first["new_ua"]),
                                            ("device", first["new_device"])) if flag]
            severity = _severity(first, ip, account in has_baseline, shared, multi, hostile)
            severities.append(severity)
            row = {"new": what, "client_ip": ip, "user_agent": ua, "device_id": device,
                   "protocols": distinct(group["protocol"]), "logins": len(group),
                   "first": iso(group["ts"].min()), "last": iso(group["ts"].max()), "severity": severity,
                   "shared_gateway": ip in shared, "other_new_accounts": ip in multi, "sprayed": ip in hostile}
            if lookup:
                row.update(lookup(ip))
            details.append(row)
        severity = min(severities, key=SEVERITY_RANK.__getitem__)
        # the finding's indicators are the clients at its severity; the others stay in the details
        top = {(d["client_ip"], d["user_agent"], d["device_id"]) for d in details if d["severity"] == severity}
        keys = zip(rows["client_ip"], rows["user_agent"].fillna(""), rows["device_id"].fillna(""))
        rows = rows[[key in top for key in keys]]
        new_ips = distinct(rows.loc[rows["new_ip"], "client_ip"])
        label = (f"new IP {', '.join(new_ips[:3])}" + (" …" if len(new_ips) > 3 else "")) if new_ips else \
            "new user-agent/device"
        findings.append(from_events(
            rows, hunt="new-client", severity=severity, accounts=[account],
            score=float(sum(4 - SEVERITY_RANK[s] for s in severities)),
            title=f"{account}: {label}",
            summary=(f"{account} logged in {len(rows)} time(s) after {iso(cut)} from {len(top)} {severity}-severity "
                     f"client(s) of {len(details)} not seen in the baseline"
                     + ("" if account in has_baseline else " (no login in the baseline to compare with)")),
            details=details))
    return findings


_CGNAT = ipaddress.ip_network("100.64.0.0/10")


def _is_cgnat(ip: str) -> bool:
    """True for an address of the carrier-grade NAT range 100.64.0.0/10 (RFC 6598).

    >>> _is_cgnat("100.66.140.9"), _is_cgnat("198.51.100.23")
    (True, False)
    """
    try:
        return ipaddress.ip_address(ip) in _CGNAT
    except ValueError:
        return False


def _severity(first, ip: str, baselined: bool, shared: set, multi: set, hostile: set) -> str:
    if ip in hostile or (first["new_ip"] and ip in multi):
        return "high"
    if not baselined or ip in shared:
        return "low"
    if first["new_device"] or (first["new_ip"] and first["new_ua"]):
        return "medium"
    return "low"


def _failures(case) -> pd.DataFrame:
    attempts = login_attempts(case.events)
    return attempts[(attempts["outcome"] == "failure")
                    & external_ip(attempts["client_ip"], infrastructure_ips(case))]


def _geoip_reader(path: str):
    """A function ip → {"country", "asn", "as_org"} from a MaxMind database (City/Country/ASN)."""
    try:
        import maxminddb
    except ImportError:
        raise GeoIPError("--geoip needs the maxminddb package: pip install 'zimgraph[geoip]'") from None
    try:
        reader = maxminddb.open_database(path)
    except (OSError, ValueError) as exc:
        raise GeoIPError(f"--geoip {path}: not a readable MaxMind database ({exc})") from None

    def lookup(ip: str) -> dict:
        try:
            record = reader.get(ip) or {}
        except ValueError:
            record = {}
        country = (record.get("country") or record.get("registered_country") or {}).get("iso_code")
        return {"country": country, "asn": record.get("autonomous_system_number"),
                "as_org": record.get("autonomous_system_organization")}
    return lookup
