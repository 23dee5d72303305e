"""Authentication hunts: bruteforce, lockouts, success-after-failures and logins.

All four read :func:`zimgraph.hunts.attempts.login_attempts` (one row per attempt, every
protocol: SOAP, IMAP, POP3, ActiveSync, SMTP AUTH through postfix SASL and the mailbox's
``oproto=smtp`` checks). The platform's own IPs (proxy, mailstores, MTAs) are never reported
as the source of an attack.

>>> sorted(KNOWN_PROTOCOLS)[:3]
['activesync', 'imap', 'pop3']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zimgraph.hunts.attempts import login_attempts, rolling_count
from zimgraph.hunts.context import external_ip, infrastructure_ips
from zimgraph.hunts.finding import Finding, distinct, from_events, iso

KNOWN_PROTOCOLS = frozenset({"soap", "imap", "pop3", "activesync", "smtp", "zsync"})


# ----------------------------------------------------------------------------------------------
# shared pieces
# ----------------------------------------------------------------------------------------------

def _split(case):
    """(failures, successes) from external or unknown IPs; successes need an account and an IP."""
    attempts = login_attempts(case.events)
    infra = infrastructure_ips(case)
    not_infra = attempts["client_ip"].isna() | external_ip(attempts["client_ip"], infra)
    failures = attempts[(attempts["outcome"] == "failure") & not_infra]
    successes = attempts[(attempts["outcome"] == "success") & attempts["account"].notna()
                         & external_ip(attempts["client_ip"], infra)]
    return failures, successes


def _new_pair_flags(rows: pd.DataFrame, key: str, item: str, window: pd.Timedelta) -> pd.Series:
    """True where ``item`` had not been seen with ``key`` within ``window`` before (distinct-in-window)."""
    pair = rows.groupby([key, item], sort=False, dropna=False).ngroup().to_numpy()
    ms = rows["ts"].to_numpy(dtype="datetime64[ms]").astype("int64")
    order = np.lexsort((ms, pair))
    pair_o, ms_o = pair[order], ms[order]
    same = np.zeros(len(order), dtype=bool)
    same[1:] = pair_o[1:] == pair_o[:-1]
    gap = np.full(len(order), np.iinfo("int64").max)
    gap[1:] = ms_o[1:] - ms_o[:-1]
    fresh = np.empty(len(order), dtype=bool)
    fresh[order] = ~(same & (gap < window / pd.Timedelta(milliseconds=1)))
    return pd.Series(fresh & rows[item].notna().to_numpy(), index=rows.index)


def _peak(rows: pd.DataFrame, key: str, window: pd.Timedelta, weights: pd.Series | None = None) -> pd.Series:
    """Per row (sorted by key, ts): rows (or weight sum) of the same key within ``window``."""
    values = rolling_count(rows[key], rows["ts"], window,
                           None if weights is None else weights.to_numpy(dtype="int64"))
    return pd.Series(values, index=rows.index)


def _account_table(rows: pd.DataFrame) -> list[dict]:
    """One detail row per account: attempts, first, last, protocols, unknown account."""
    label = rows["account"].fillna("(account not logged)")
    out = []
    for account, group in rows.groupby(label, sort=True):
        out.append({"account": account, "attempts": len(group), "first": iso(group["ts"].min()),
                    "last": iso(group["ts"].max()), "protocols": distinct(group["protocol"]),
                    "account_exists": not bool(group["unknown_account"].any())})
    return out


def _known_clients(successes: pd.DataFrame) -> pd.Series:
    """First successful login time of each (client_ip, account) pair."""
    return successes.groupby(["client_ip", "account"], sort=False)["ts"].min()


# ----------------------------------------------------------------------------------------------
# bruteforce
# ----------------------------------------------------------------------------------------------

def bruteforce(case, *, window_minutes: int = 60, spray_accounts: int = 5, guess_failures: int = 10) -> list[Finding]:
    """Authentication failures by IP, by account and by IP × account over sliding windows.

    Spraying: one IP failing against at least ``spray_accounts`` accounts within the window (high).
    Guessing: at least ``guess_failures`` failures against one account within the window, from
    one IP or spread over several (medium; low when every IP had logged in to it before).
    """
    failures, successes = _split(case)
    window = pd.Timedelta(minutes=window_minutes)
    findings: list[Finding] = []
    with_ip = failures[failures["client_ip"].notna()].sort_values(["client_ip", "ts"], kind="stable")
    sprayers: set[str] = set()
    if not with_ip.empty:
        peak = _spray_peaks(failures, window, successes)
        sprayers = set(peak[peak >= spray_accounts].index)
        logged_in = successes[successes["client_ip"].isin(sprayers)]
        for ip in sorted(sprayers):
            rows = with_ip[with_ip["client_ip"] == ip]
            accounts = rows["account"].dropna()
            unknown = rows.loc[rows["unknown_account"], "account"].nunique()
            later = logged_in[(logged_in["client_ip"] == ip) & (logged_in["ts"] > rows["ts"].min())]
            then = f"; then logged in to {', '.join(distinct(later['account']))}" if len(later) else ""
            findings.append(from_events(
                rows, hunt="bruteforce", severity="high", score=float(peak[ip]),
                title=f"Password spraying from {ip}: {accounts.nunique()} accounts",
                summary=(f"{len(rows)} failed logins from {ip} against {accounts.nunique()} accounts "
                         f"({unknown} that do not exist) over {', '.join(distinct(rows['protocol']))}; "
                         f"up to {int(peak[ip])} accounts within {window_minutes} min{then}"),
                details=_account_table(rows)))
    # guessing: many failures against one account (sprayers' rows are reported above)
    guesses = failures[failures["account"].notna() & ~failures["client_ip"].isin(sprayers)]
    guesses = guesses.sort_values(["account", "ts"], kind="stable")
    if not guesses.empty:
        peak = _peak(guesses, "account", window).groupby(guesses["account"]).max()
        known = _known_clients(successes)
        for account in sorted(peak[peak >= guess_failures].index):
            rows = guesses[guesses["account"] == account]
            ips = distinct(rows["client_ip"])
            first_fail = rows["ts"].min()
            familiar = all((ip, account) in known.index and known[(ip, account)] < first_fail for ip in ips) and ips
            spread = f"from {len(ips)} IPs" if len(ips) != 1 else f"from {ips[0]}" if ips else "(client IP not logged)"
            findings.append(from_events(
                rows, hunt="bruteforce", severity="low" if familiar else "medium", score=float(peak[account]),
                title=f"Password guessing against {account} {spread}",
                summary=(f"{len(rows)} failed logins for {account} {spread}, up to {int(peak[account])} within "
                         f"{window_minutes} min" + ("; every IP had logged in to this account before" if familiar else "")),
                details=[{"client_ip": ip, "attempts": int((rows["client_ip"] == ip).sum())} for ip in ips]))
    # failures that name no account (postfix SASL without the account): per IP
    anonymous = failures[failures["account"].isna() & failures["client_ip"].notna() & ~failures["client_ip"].isin(sprayers)]
    anonymous = anonymous.sort_values(["client_ip", "ts"], kind="stable")
    if not anonymous.empty:
        peak = _peak(anonymous, "client_ip", window).groupby(anonymous["client_ip"]).max()
        for ip in sorted(peak[peak >= guess_failures].index):
            rows = anonymous[anonymous["client_ip"] == ip]
            findings.append(from_events(
                rows, hunt="bruteforce", severity="medium", score=float(peak[ip]),
                title=f"Repeated authentication failures from {ip} (account not logged)",
                summary=f"{len(rows)} failures from {ip} over {', '.join(distinct(rows['protocol']))}, "
                        f"up to {int(peak[ip])} within {window_minutes} min"))
    return findings


# ----------------------------------------------------------------------------------------------
# lockouts
# ----------------------------------------------------------------------------------------------

def lockouts(case, *, window_minutes: int = 60, spray_accounts: int = 5) -> list[Finding]:
    """Account lockouts, with the IPs whose failures caused them (within the window before).

    Medium when a cause is unfamiliar (never logged in to the account before) or a sprayer,
    low when every cause is a client the account used before (a user mistyping).
    """
    events = case.events
    locks = events[events["event"] == "lockout"].sort_values(["ts", "file", "line"], kind="stable")
    if locks.empty:
        return []
    failures, successes = _split(case)
    window = pd.Timedelta(minutes=window_minutes)
    known = _known_clients(successes)
    spray_ips = _spraying_ips(failures, window, spray_accounts, successes)
    findings = []
    for account, group in locks.groupby("account", sort=True):
        causes = []
        for ts in group["ts"]:
            before = failures[(failures["account"] == account) & (failures["ts"] <= ts) & (failures["ts"] > ts - window)]
            causes.append(before)
        caused = pd.concat(causes).drop_duplicates(["file", "line"]) if causes else failures.iloc[:0]
        ips = sorted(set(distinct(caused["client_ip"])) | set(distinct(group["client_ip"])))
        first = caused["ts"].min() if len(caused) else group["ts"].min()
        familiar = bool(ips) and all((ip, account) in known.index and known[(ip, account)] < first for ip in ips)
        hostile = sorted(set(ips) & spray_ips)
        severity = "medium" if hostile or not familiar else "low"
        rows = pd.concat([group, caused]) if len(caused) else group
        why = (f"; {', '.join(hostile)} also sprayed other accounts" if hostile
               else "; every IP had logged in to the account before (likely the user)" if familiar else "")
        findings.append(from_events(
            rows, hunt="lockouts", severity=severity, count=len(group), ips=ips, accounts=[account],
            title=f"{account} locked out {len(group)} time(s)",
            summary=f"{len(group)} lockout(s) of {account} after {len(caused)} failed logins from {', '.join(ips) or 'unknown IPs'}{why}",
            details=[{"lockout": iso(ts), "client_ip": ip, "file": f, "line": int(n)}
                     for ts, ip, f, n in zip(group["ts"], group["client_ip"], group["file"], group["line"])]))
    return findings


def _spraying_ips(failures: pd.DataFrame, window: pd.Timedelta, spray_accounts: int,
                  successes: pd.DataFrame | None = None) -> set[str]:
    """IPs that failed against ``spray_accounts`` accounts within ``window`` (see :func:`_spray_peaks`)."""
    peak = _spray_peaks(failures, window, successes)
    return set(peak[peak >= spray_accounts].index)


def _spray_peaks(failures: pd.DataFrame, window: pd.Timedelta, successes: pd.DataFrame | None = None) -> pd.Series:
    """Per IP, the most accounts it failed against within ``window``, counting only accounts it never
    logged in to: users behind an office NAT who mistype then log in are not a spray."""
    with_ip = failures[failures["client_ip"].notna()].sort_values(["client_ip", "ts"], kind="stable")
    if with_ip.empty:
        return pd.Series(dtype="int64")
    fresh = _new_pair_flags(with_ip, "client_ip", "account", window)
    if successes is not None and len(successes):
        won = pd.MultiIndex.from_frame(successes[["client_ip", "account"]].drop_duplicates())
        fresh &= ~pd.MultiIndex.from_frame(with_ip[["client_ip", "account"]]).isin(won)
    return _peak(with_ip, "client_ip", window, fresh.astype("int64")).groupby(with_ip["client_ip"]).max()


# ----------------------------------------------------------------------------------------------
# success-after-failures
# ----------------------------------------------------------------------------------------------

def success_after_failures(case, *, lookback_hours: int = 24, min_failures: int = 3,
                           spray_accounts: int = 5) -> list[Finding]:
    """Successful logins preceded by failures: the likely moment of compromise.

    For each successful login of an account from an IP, within ``lookback_hours`` before it:
    the IP failed against ``spray_accounts`` or more accounts (critical: spraying then success);
    the IP failed ``min_failures`` times on this account (high; low when this IP had logged in to
    the account before the failures, or when ``spray_accounts`` or more accounts log in from it: a
    shared gateway such as the office NAT, where failures are typos); the account failed ``min_failures`` times from other IPs and this IP is new to it (medium).
    """
    failures, successes = _split(case)
    # only logins from an IP, or to an account, that failed somewhere can follow failures
    successes = successes[successes["client_ip"].isin(failures["client_ip"].dropna().unique())
                          | successes["account"].isin(failures["account"].dropna().unique())]
    if failures.empty or successes.empty:
        return []
    window = pd.Timedelta(hours=lookback_hours)
    both = pd.concat([failures[failures["client_ip"].notna()].assign(_fail=1), successes.assign(_fail=0)])
    both = both.sort_values(["client_ip", "ts", "_fail"], ascending=[True, True, False], kind="stable")
    peaks = _spray_peaks(failures, pd.Timedelta(hours=1), successes)
    both["ip_failures"] = _peak(both, "client_ip", window, both["_fail"])
    # a sprayer (peak over one hour) that failed within the lookback before this login
    both["ip_accounts"] = both["client_ip"].map(peaks).fillna(0).astype("int64").where(both["ip_failures"] > 0, 0)
    both["_pair"] = both.groupby(["client_ip", "account"], sort=False, dropna=False).ngroup()
    both = both.sort_values(["_pair", "ts", "_fail"], ascending=[True, True, False], kind="stable")
    both["pair_failures"] = _peak(both, "_pair", window, both["_fail"])
    per_account = pd.concat([failures[failures["account"].notna()].assign(_fail=1), successes.assign(_fail=0)])
    per_account = per_account.sort_values(["account", "ts", "_fail"], ascending=[True, True, False], kind="stable")
    per_account["account_failures"] = _peak(per_account, "account", window, per_account["_fail"])
    wins = both[both["_fail"] == 0].join(per_account.loc[per_account["_fail"] == 0, ["account_failures"]], how="left")
    wins["other_failures"] = wins["account_failures"] - wins["pair_failures"]
    hit = wins[(wins["ip_accounts"] >= spray_accounts) | (wins["pair_failures"] >= min_failures)
               | (wins["other_failures"] >= min_failures)]
    if hit.empty:
        return []
    known = _known_clients(successes)
    # an address many accounts log in from (office NAT, VPN, carrier gateway): failures there are typos
    gateway_accounts = successes.groupby("client_ip")["account"].nunique()
    findings = []
    for (ip, account), group in hit.sort_values("ts", kind="stable").groupby(["client_ip", "account"], sort=True):
        first = group.iloc[0]
        prior = failures[(failures["ts"] <= first["ts"]) & (failures["ts"] > first["ts"] - window)
                         & ((failures["client_ip"] == ip) | (failures["account"] == account))]
        if first["ip_accounts"] < spray_accounts and first["pair_failures"] < min_failures \
                and known.get((ip, account), first["ts"]) < prior["ts"].min():
            continue    # failures elsewhere, then the account's usual client: the user, not the attacker
        if first["ip_accounts"] >= spray_accounts:
            severity, why = "critical", f"{ip} had sprayed {int(first['ip_accounts'])} accounts (within an hour)"
        elif first["pair_failures"] >= min_failures:
            pair_first_fail = prior.loc[(prior["client_ip"] == ip) & (prior["account"] == account), "ts"].min()
            familiar = (ip, account) in known.index and known[(ip, account)] < pair_first_fail
            gateway = int(gateway_accounts.get(ip, 0))
            severity = "low" if familiar or gateway >= spray_accounts else "high"
            why = f"{int(first['pair_failures'])} failed logins for {account} from {ip}" + \
                  (" (an IP the account used before)" if familiar else
                   f" (a shared gateway: {gateway} accounts log in from it)" if gateway >= spray_accounts else "")
        else:
            severity, why = "medium", f"{int(first['other_failures'])} failed logins for {account} from other IPs"
        later = successes[(successes["client_ip"] == ip) & (successes["account"] == account)]
        rows = pd.concat([prior, later[later["ts"] >= first["ts"]]])
        findings.append(from_events(
            rows, hunt="success-after-failures", severity=severity, accounts=[account], ips=[ip],
            score=float(first["ip_accounts"] * 10 + first["pair_failures"]), count=len(later[later["ts"] >= first["ts"]]),
            user_agents=later["user_agent"],
            title=f"{account} logged in from {ip} after failures",
            summary=(f"{account} logged in from {ip} over {first['protocol']} at {iso(first['ts'])} after {why} "
                     f"in the {lookback_hours} h before; {len(later[later['ts'] >= first['ts']])} successful login(s) from there since"),
            details=[{"ts": iso(r.ts), "outcome": r.outcome, "account": r.account, "client_ip": r.client_ip,
                      "protocol": r.protocol, "user_agent": r.user_agent, "file": r.file, "line": int(r.line)}
                     for r in rows.sort_values(["ts", "file", "line"], kind="stable").itertuples()]))
    return findings


# ----------------------------------------------------------------------------------------------
# logins
# ----------------------------------------------------------------------------------------------

def logins(case, *, ip: str = "", account: str = "", ua: str = "") -> list[Finding]:
    """Every successful login matching ``ip``, ``account`` and/or ``ua`` (a user-agent substring,
    case-insensitive): one finding per account, one detail row per protocol × IP × user-agent ×
    device with the count and the first and last time. Nothing without a filter."""
    if not (ip or account or ua):
        return []
    attempts = login_attempts(case.events)
    rows = attempts[(attempts["outcome"] == "success") & attempts["account"].notna()]
    if ip:
        rows = rows[rows["client_ip"] == ip]
    if account:
        rows = rows[rows["account"] == account.lower()]
    if ua:
        rows = rows[rows["user_agent"].fillna("").str.lower().str.contains(ua.lower(), regex=False)]
    asked = ", ".join(f"{name} {value}" for name, value in (("IP", ip), ("account", account), ("user-agent", ua)) if value)
    findings = []
    for name, group in rows.groupby("account", sort=True):
        table = (group.assign(user_agent=group["user_agent"].fillna(""), device_id=group["device_id"].fillna(""),
                              client_ip=group["client_ip"].fillna(""))
                 .groupby(["protocol", "client_ip", "user_agent", "device_id"], sort=True)["ts"]
                 .agg(["count", "min", "max"]).reset_index())
        details = [{"protocol": r.protocol, "client_ip": r.client_ip, "user_agent": r.user_agent,
                    "device_id": r.device_id, "logins": int(r.count), "first": iso(r.min), "last": iso(r.max)}
                   for r in table.itertuples()]
        findings.append(from_events(
            group, hunt="logins", severity="info", title=f"Successful logins of {name} ({asked})",
            summary=f"{len(group)} successful logins of {name} matching {asked} over "
                    f"{', '.join(distinct(group['protocol']))} from {group['client_ip'].nunique()} IP(s)",
            details=details))
    return findings
