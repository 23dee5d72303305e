"""Authentication attempts: one row per login attempt, whatever logs wrote it how many times.

One SOAP login failure is written by mailbox.log (SoapEngine) and audit.log with the same soapId;
one IMAP login by mailbox.log and audit.log a millisecond apart; one SMTP AUTH failure by postfix
(client IP, no account), saslauthd (account, no IP) and the mailbox's admin SOAP check (both).
:func:`login_attempts` folds these copies into one attempt, so that counts are attempts, not lines,
and keeps the evidence of the copy it keeps (the others are a ``zimgraph show`` away).

ActiveSync requests are successful logins too (each request authenticates), with their device.

>>> import pandas as pd
>>> ev = pd.DataFrame({"ts": pd.to_datetime(["2026-10-25 01:00:00.001", "2026-10-25 01:00:00.002"], utc=True),
...     "event": ["auth", "auth"], "outcome": ["failure", "failure"], "account": ["a@d", "a@d"],
...     "client_ip": ["203.0.113.9"] * 2, "protocol": ["soap"] * 2, "soap_id": ["77", "77"],
...     "source": ["audit", "mailbox"], "file": ["audit.log", "mailbox.log"], "line": [1, 2]})
>>> len(login_attempts(ev))
1
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: event kinds that are authentication attempts (with outcome success / failure)
ATTEMPT_EVENTS = ("auth", "admin_auth", "imap_login", "pop_login", "smtp_auth", "sync")
#: copies of one attempt are at most this far apart
SAME_ATTEMPT = pd.Timedelta(seconds=2)
#: failure reasons that mean the account does not exist
UNKNOWN_ACCOUNT = r"(?i)account not found|no such (?:account|user)|unknown user"

COLUMNS = ["ts", "event", "outcome", "account", "client_ip", "user_agent", "protocol", "device_id",
           "auth_account", "detail", "source", "file", "line"]

_CACHE: dict = {"events": None, "attempts": None}


def login_attempts(events: pd.DataFrame) -> pd.DataFrame:
    """Deduplicated authentication attempts, ordered by time.

    Columns: ``ts``, ``event``, ``outcome`` (``success``/``failure``), ``account`` (null when only
    the IP is known), ``client_ip`` (null when only the account is known), ``user_agent``,
    ``protocol``, ``device_id``, ``auth_account``, ``detail``, ``source``, ``file``, ``line``,
    ``unknown_account`` (the server said the account does not exist). The last result is cached
    for the same events table (every hunt asks for it).
    """
    if _CACHE["events"] is events:
        return _CACHE["attempts"]
    result = _build(events)
    _CACHE.update(events=events, attempts=result)
    return result


def _build(events: pd.DataFrame) -> pd.DataFrame:
    mask = events["event"].isin(ATTEMPT_EVENTS) & events["outcome"].isin(["success", "failure"])
    rows = events.loc[mask, [c for c in COLUMNS + ["soap_id"] if c in events.columns]].copy()
    for column in COLUMNS + ["soap_id"]:
        if column not in rows.columns:
            rows[column] = pd.Series(pd.NA, index=rows.index, dtype="string")
    rows["protocol"] = rows["protocol"].fillna(rows["event"])
    rows.loc[rows["event"] == "sync", "protocol"] = "activesync"
    has_account, has_ip = rows["account"].notna(), rows["client_ip"].notna()
    is_sync = (rows["event"] == "sync").to_numpy()      # one line per ActiveSync request: nothing to fold
    full = pd.concat([_collapse(rows[has_account & has_ip & ~is_sync]), rows[has_account & has_ip & is_sync]])
    ip_only = _unmatched(rows[~has_account & has_ip], full, by="client_ip")
    account_only = _unmatched(rows[has_account & ~has_ip], full, by="account")
    out = pd.concat([full, ip_only, account_only], ignore_index=True)
    out = out.sort_values(["ts", "file", "line"], kind="stable").reset_index(drop=True)
    out["unknown_account"] = out["detail"].fillna("").str.contains(UNKNOWN_ACCOUNT, regex=True)
    return out[COLUMNS + ["unknown_account"]]


def _collapse(rows: pd.DataFrame) -> pd.DataFrame:
    """Keep one row per attempt: same account, IP, outcome, protocol and soapId within 2 s."""
    if rows.empty:
        return rows
    key = ["account", "client_ip", "outcome", "protocol", "soap_id"]
    rows = rows.assign(soap_id=rows["soap_id"].fillna(""))
    group = rows.groupby(key, sort=False, dropna=False).ngroup().to_numpy()
    order = np.lexsort((rows["line"].to_numpy(), rows["ts"].to_numpy(dtype="datetime64[ms]").astype("int64"), group))
    rows, group = rows.iloc[order], group[order]
    same_key = np.zeros(len(rows), dtype=bool)
    same_key[1:] = group[1:] == group[:-1]
    ts = rows["ts"].to_numpy(dtype="datetime64[ms]").astype("int64")
    close = np.zeros(len(rows), dtype=bool)
    close[1:] = (ts[1:] - ts[:-1]) <= SAME_ATTEMPT // pd.Timedelta(milliseconds=1)
    # a copy joins the attempt before it; a long run of rapid attempts stays one per soapId
    return rows[~(same_key & close)]


def _unmatched(partial: pd.DataFrame, full: pd.DataFrame, *, by: str) -> pd.DataFrame:
    """Rows that know only the IP (or only the account) and have no fuller copy within 2 s."""
    if partial.empty:
        return partial
    partial = _collapse_partial(partial, by)
    if full.empty:
        return partial
    left = partial.assign(_row=np.arange(len(partial)), _key=partial[by].astype(str),
                          _ts=partial["ts"].astype("datetime64[ms, UTC]")).sort_values("_ts", kind="stable")
    right = full[[by, "ts"]].assign(_key=full[by].astype(str), _ts=full["ts"].astype("datetime64[ms, UTC]"),
                                    _hit=True)[["_key", "_ts", "_hit"]].sort_values("_ts", kind="stable")
    joined = pd.merge_asof(left[["_row", "_key", "_ts"]], right, on="_ts", by="_key",
                           tolerance=SAME_ATTEMPT, direction="nearest")
    keep = joined.loc[joined["_hit"].isna(), "_row"].to_numpy()
    return partial.iloc[np.sort(keep)]


def _collapse_partial(rows: pd.DataFrame, by: str) -> pd.DataFrame:
    return _collapse(rows.assign(account=rows["account"].fillna(""), client_ip=rows["client_ip"].fillna(""))) \
        .assign(account=lambda d: d["account"].replace("", pd.NA), client_ip=lambda d: d["client_ip"].replace("", pd.NA))


def rolling_count(keys: pd.Series, ts: pd.Series, window: pd.Timedelta, weights: np.ndarray | None = None) -> np.ndarray:
    """For each row, how many rows (or the sum of ``weights``) with the same key fall in
    ``(ts - window, ts]``; rows must be sorted by (key, ts). Vectorised with one searchsorted.

    >>> t = pd.Series(pd.to_datetime(["2026-01-01 00:00", "2026-01-01 00:30", "2026-01-01 02:00"], utc=True))
    >>> rolling_count(pd.Series(["a", "a", "a"]), t, pd.Timedelta(hours=1)).tolist()
    [1, 2, 1]
    """
    codes = pd.factorize(keys)[0].astype("int64")
    ms = ts.to_numpy(dtype="datetime64[ms]").astype("int64")
    ms = ms - (ms.min() if len(ms) else 0)
    span = int(ms.max()) + int(window / pd.Timedelta(milliseconds=1)) + 2 if len(ms) else 1
    combined = codes * span + ms
    if len(combined) > 1 and not (np.diff(combined) >= 0).all():
        raise ValueError("rolling_count: rows must be sorted by key, then time")
    start = np.searchsorted(combined, combined - int(window / pd.Timedelta(milliseconds=1)), side="right")
    if weights is None:
        return np.arange(len(combined)) - start + 1
    cumulative = np.concatenate([[0], np.cumsum(weights)])
    return cumulative[np.arange(len(combined)) + 1] - cumulative[start]
