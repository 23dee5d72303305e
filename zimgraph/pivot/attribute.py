"""Attribution: from the seeds to the attacker's other indicators and the accounts he touched.

A fixpoint over evidence rules, each one a sentence an analyst would accept:

* **login** — an account with a login (``LOGGED_IN``/``ACCESSED``) from attacker infrastructure, or
  an ActiveSync sync by the attacker's device, is *compromised*; one with only failures from it
  (``AUTH_FAILED``/``LOCKED_OUT``) is *targeted*; one that received the attacker's attachment or
  mail from his sender is *targeted* unless a login from his infrastructure follows.
* **spray** — an IP with failures against at least ``min_spray`` accounts it never logged into
  is attacker infrastructure when at least ``min_overlap`` of its targets were also attacked by a
  known attacker IP within ``spray_window`` of it (another campaign days later is not his), or
  when it logged into a flagged account.
* **user-agent** — a user-agent used by attacker infrastructure is the attacker's when it is rare
  (used by at most ``max_ua_accounts`` accounts before the seed's first sighting); an IP using it
  is attacker infrastructure when it also sprays, logged into two accounts it had never used
  before (first login after the anchor minus ``grace``), or made such a login into a flagged account.
* **device** — an ActiveSync device used from attacker infrastructure is the attacker's; an IP
  using his device is his.
* **phishing** — an attachment delivered to at least ``min_campaign`` accounts (and fewer than the
  mail-hub share: not a newsletter) of which two or more were compromised afterwards is the
  attacker's, and so is its sender; an IP that logged into two of its recipients for the first
  time after the anchor is attacker infrastructure.

Hubs (see :func:`zimgraph.pivot.expand.hub_test`) are never attacker indicators and never followed.
Every conclusion keeps its *parent* (the attacker node it came from) and the *via* node linking
them, so that each account has a path of node ids back to a seed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import networkx as nx

from zimgraph.pivot.facts import (ANY_TIME, FAILURE, LOGIN, Window, accounts_sharing, edges, kind_of, when)

VERDICT_ORDER = {"compromised": 0, "targeted": 1, "related": 2}


@dataclass
class Lead:
    """An attacker indicator and how it was found."""
    node: str
    role: str                     # seed, spray, ua-login, device-login, phishing-login, ua, device, sha1, sender
    parent: str | None = None     # attacker node or flagged account it was derived from
    via: tuple[str, ...] = ()     # the nodes linking parent and this one (shared account, message …)
    facts: dict = field(default_factory=dict)


@dataclass
class AccountFinding:
    """One account the attacker touched, with the edges that say so."""
    account: str
    verdict: str
    parent: str                                          # the attacker node that flagged it
    via: tuple[str, ...] = ()                            # nodes between parent and the account (a message)
    logins: list[tuple[str, str, dict]] = field(default_factory=list)     # (ip, type, edge)
    failures: list[tuple[str, str, dict]] = field(default_factory=list)
    devices: list[tuple[str, dict]] = field(default_factory=list)
    mail: list[tuple[str, str, dict]] = field(default_factory=list)       # (indicator, message, delivery edge)
    seed: bool = False

    def first_login(self) -> dt.datetime | None:
        times = [when(d.get("first_seen")) for _, _, d in self.logins] + [when(d.get("first_seen")) for _, d in self.devices]
        return min((t for t in times if t), default=None)


@dataclass
class Attribution:
    leads: dict[str, Lead]
    accounts: dict[str, AccountFinding]
    anchor: dt.datetime | None
    rounds: int

    def path(self, node: str) -> list[str]:
        """Node ids from a seed to ``node`` (an attacker indicator or a flagged account)."""
        return trace(node, self.leads, self.accounts)


def trace(node: str, leads: dict[str, Lead], accounts: dict[str, AccountFinding]) -> list[str]:
    """Follow the parents back to a seed: the path of node ids, seed first (cycles cut)."""
    chain: list[str] = []
    seen: set[str] = set()
    current: str | None = node
    while current is not None and current not in seen:
        seen.add(current)
        chain.append(current)
        step = leads.get(current) or accounts.get(current)
        if step is None or (isinstance(step, Lead) and step.role == "seed") or getattr(step, "seed", False):
            break
        chain.extend(reversed(step.via))
        current = step.parent
    return list(reversed(chain))


def attribute(graph: nx.MultiDiGraph, seeds: Iterable[str], *, stop: Callable[[str], bool],
              anchor: dt.datetime | None, window: Window = ANY_TIME, min_spray: int = 5, min_overlap: int = 3,
              max_ua_accounts: int = 3, min_campaign: int = 5, grace: dt.timedelta = dt.timedelta(hours=1),
              spray_window: dt.timedelta = dt.timedelta(hours=6), max_rounds: int = 6) -> Attribution:
    """Run the evidence rules from the seed nodes to a fixpoint (at most ``max_rounds`` rounds).

    >>> from zimgraph.pivot.facts import tiny_graph, when
    >>> from zimgraph.pivot.expand import hub_test
    >>> g = tiny_graph()
    >>> result = attribute(g, ["ip:203.0.113.9"], anchor=when("2026-10-25T03:00:00Z"),
    ...                    stop=hub_test(g, hub_accounts=2, anchor=when("2026-10-25T03:00:00Z")))
    >>> {a: f.verdict for a, f in result.accounts.items()}, result.path("account:a@x.gov")
    ({'account:a@x.gov': 'compromised'}, ['ip:203.0.113.9', 'account:a@x.gov'])
    """
    state = _State(graph, stop, anchor, window, min_spray, min_overlap, max_ua_accounts, min_campaign, grace)
    state.spray_window = spray_window
    for seed in sorted(set(seeds)):
        state.leads[seed] = Lead(seed, "seed")
        if kind_of(seed) == "account":
            state.accounts[seed] = AccountFinding(seed, "compromised", seed, seed=True)
    rounds = 0
    while rounds < max_rounds:
        rounds += 1
        before = (len(state.leads), sum(f.verdict == "compromised" for f in state.accounts.values()))
        state.round()
        if (len(state.leads), sum(f.verdict == "compromised" for f in state.accounts.values())) == before:
            break
    return Attribution(state.leads, state.accounts, anchor, rounds)


class _State:
    def __init__(self, graph, stop, anchor, window, min_spray, min_overlap, max_ua_accounts, min_campaign, grace):
        self.g, self.stop, self.anchor, self.window = graph, stop, anchor, window
        self.min_spray, self.min_overlap, self.max_ua, self.min_campaign = min_spray, min_overlap, max_ua_accounts, min_campaign
        self.since_new = anchor - grace if anchor else None
        self.leads: dict[str, Lead] = {}
        self.accounts: dict[str, AccountFinding] = {}
        self._edges: dict[tuple, list] = {}

    # -- cached graph reads ----------------------------------------------------------------------
    def e(self, node: str, types: tuple[str, ...], reverse: bool = False) -> list[tuple[str, str, dict]]:
        key = (node, types, reverse)
        if key not in self._edges:
            self._edges[key] = list(edges(self.g, node, types, reverse=reverse, window=self.window))
        return self._edges[key]

    def failed_only(self, ip: str) -> set[str]:
        """Accounts this IP failed against and never logged into."""
        logged = {a for a, _, _ in self.e(ip, LOGIN)}
        return {a for a, _, _ in self.e(ip, FAILURE)} - logged

    def new_logins(self, ip: str) -> set[str]:
        """Accounts this IP logged into for the first time after the anchor (minus grace)."""
        return {a for a, _, d in self.e(ip, LOGIN)
                if self.since_new is None or (when(d.get("first_seen")) or self.since_new) >= self.since_new}

    def add_lead(self, node: str, role: str, parent: str | None, via: tuple[str, ...] = (), **facts) -> None:
        if node not in self.leads and not self.stop(node):
            self.leads[node] = Lead(node, role, parent, via, facts)

    def flag(self, account: str, verdict: str, parent: str, via: tuple[str, ...] = ()) -> AccountFinding:
        found = self.accounts.get(account)
        if found is None:
            found = self.accounts[account] = AccountFinding(account, verdict, parent, via)
        elif VERDICT_ORDER[verdict] < VERDICT_ORDER[found.verdict]:
            found.verdict = verdict
            if account not in trace(parent, self.leads, self.accounts):
                found.parent, found.via = parent, via
        return found

    # -- one round --------------------------------------------------------------------------------
    def round(self) -> None:
        leads = sorted(self.leads.values(), key=lambda lead: lead.node)
        for finding in self.accounts.values():   # recomputed from the current leads
            finding.logins, finding.failures, finding.devices, finding.mail = [], [], [], []
        for lead in leads:
            kind = kind_of(lead.node)
            if kind == "ip":
                self.ip_touches(lead.node)
            elif kind == "device":
                for acct, _, d in self.e(lead.node, ("SYNCED",), reverse=True):
                    self.flag(acct, "compromised", lead.node).devices.append((lead.node, d))
            elif kind in ("sha1", "sender", "session"):
                self.mail_touches(lead.node)
        for lead in leads:
            kind = kind_of(lead.node)
            if kind == "ip":
                self.from_ip(lead.node)
            elif kind == "ua":
                self.ips_using(lead.node, "ua-login")
            elif kind == "device":
                self.ips_using(lead.node, "device-login")
            elif kind == "account":
                self.candidate_ips(lead.node)
        for account, finding in sorted(self.accounts.items()):
            if finding.verdict == "compromised":
                self.candidate_ips(account)
                self.candidate_mail(account)
            elif finding.mail:
                self.candidate_ips(account)

    def ip_touches(self, ip: str) -> None:
        for acct, key, d in self.e(ip, LOGIN):
            self.flag(acct, "compromised", ip).logins.append((ip, key, d))
        for acct, key, d in self.e(ip, FAILURE):
            self.flag(acct, "targeted", ip).failures.append((ip, key, d))

    def mail_touches(self, node: str) -> None:
        kind = kind_of(node)
        if kind == "sha1":
            messages = [m for m, _, _ in self.e(node, ("CARRIED",), reverse=True)]
        elif kind == "sender":
            messages = [m for m, _, _ in self.e(node, ("SENT",))]
        else:  # an amavis session: the message it scanned
            messages = [m for m, _, _ in self.e(node, ("SCANNED_AS",), reverse=True)]
        for message in messages:
            for acct, _, d in self.e(message, ("DELIVERED_TO",)):
                self.flag(acct, "targeted", node, (message,)).mail.append((node, message, d))
            if kind == "session":
                for other, _, _ in self.e(message, ("SENT",), reverse=True):
                    if other.startswith("sender:"):
                        self.add_lead(other, "sender", node, (message,))
                for sha1, _, _ in self.e(message, ("CARRIED",)):
                    self.add_lead(sha1, "sha1", node, (message,))
            if kind == "sender":
                for sha1, _, _ in self.e(message, ("CARRIED",)):
                    self.add_lead(sha1, "sha1", node, (message,))

    def from_ip(self, ip: str) -> None:
        """User-agents and devices of attacker infrastructure; IPs spraying the same accounts."""
        for ua, _, d in self.e(ip, ("USED_UA",)):
            if ua not in self.leads and not self.stop(ua) and self.ua_is_rare(ua):
                self.add_lead(ua, "ua", ip, count=d.get("count"))
        for device, _, d in self.e(ip, ("USED_DEVICE",)):
            self.add_lead(device, "device", ip, count=d.get("count"))
        targets = self.failed_only(ip)
        for acct in sorted(targets):
            for other, _, _ in self.e(acct, FAILURE, reverse=True):
                if other in self.leads or self.stop(other):
                    continue
                theirs = self.failed_only(other)
                if len(theirs) < self.min_spray:
                    continue
                shared = {a for a in theirs & targets if self.close_in_time(ip, other, a)}
                if len(shared) >= self.min_overlap:
                    self.add_lead(other, "spray", ip, (min(shared),), targets=len(theirs), shared=len(shared))

    def close_in_time(self, ip: str, other: str, account: str) -> bool:
        """Both IPs failed against the account within ``spray_window`` of each other (same campaign)."""
        spans = []
        for source in (ip, other):
            data = [d for a, _, d in self.e(source, FAILURE) if a == account]
            starts = [when(d.get("first_seen")) for d in data if d.get("first_seen")]
            ends = [when(d.get("last_seen")) for d in data if d.get("last_seen")]
            if not starts or not ends:
                return True
            spans.append((min(starts), max(ends)))
        (a0, a1), (b0, b1) = spans
        return a0 - self.spray_window <= b1 and b0 - self.spray_window <= a1

    def ua_is_rare(self, ua: str) -> bool:
        users = {a for a, _, d in edges(self.g, ua, ("USED_UA",), reverse=True)
                 if a.startswith("account:") and (self.anchor is None or (when(d.get("first_seen")) or self.anchor) < self.anchor)}
        return len(users) <= self.max_ua

    def flagged(self, account: str) -> bool:
        return account in self.accounts

    def ips_using(self, indicator: str, role: str) -> None:
        """IPs using an attacker user-agent or device that also act like the attacker."""
        types = ("USED_UA",) if role == "ua-login" else ("USED_DEVICE",)
        for ip, _, _ in self.e(indicator, types, reverse=True):
            if not ip.startswith("ip:") or ip in self.leads or self.stop(ip):
                continue
            new = self.new_logins(ip)
            sprays = len(self.failed_only(ip)) >= self.min_spray
            if role == "device-login" or sprays or len(new) >= 2 or any(self.flagged(a) for a in new):
                self.add_lead(ip, role, indicator, (), new_accounts=len(new))

    def candidate_ips(self, account: str) -> None:
        """Other IPs that logged into a flagged account: spraying ones, or new to two phished accounts."""
        for ip, _, _ in self.e(account, LOGIN, reverse=True):
            if ip in self.leads or self.stop(ip):
                continue
            if len(self.failed_only(ip)) >= self.min_spray:
                self.add_lead(ip, "spray-login", account)
                continue
            phished = sorted(a for a in self.new_logins(ip) if self.accounts.get(a) and self.accounts[a].mail)
            if len(phished) >= 2:
                self.add_lead(ip, "phishing-login", phished[0], (), accounts=len(phished),
                              mail=self.accounts[phished[0]].mail[0][0])

    def candidate_mail(self, account: str) -> None:
        """Attachments a compromised account received before its compromise, sent to a campaign."""
        first = self.accounts[account].first_login()
        for message, _, d in self.e(account, ("DELIVERED_TO",), reverse=True):
            if first is not None and (when(d.get("first_seen")) or first) > first:
                continue
            for sha1, _, _ in self.e(message, ("CARRIED",)):
                if sha1 in self.leads or self.stop(sha1):
                    continue
                recipients = accounts_sharing(self.g, sha1)
                if len(recipients) < self.min_campaign:
                    continue
                victims = sorted(a for a in recipients if self.accounts.get(a) and self.accounts[a].verdict == "compromised"
                                 and self.received_before_login(a, sha1))
                if len(victims) >= 2:
                    self.add_lead(sha1, "sha1", victims[0], (message,) if victims[0] == account else
                                  (self.message_to(victims[0], sha1),), recipients=len(recipients), victims=len(victims))
                    for sender, _, _ in self.e(message, ("SENT",), reverse=True):
                        if sender.startswith("sender:"):
                            self.add_lead(sender, "sender", sha1, (message,))

    def message_to(self, account: str, sha1: str) -> str:
        """A message carrying ``sha1`` delivered to the account."""
        for message, _, _ in self.e(sha1, ("CARRIED",), reverse=True):
            if any(a == account for a, _, _ in self.e(message, ("DELIVERED_TO",))):
                return message
        return sha1

    def received_before_login(self, account: str, sha1: str) -> bool:
        first = self.accounts[account].first_login()
        for message, _, _ in self.e(sha1, ("CARRIED",), reverse=True):
            for acct, _, d in self.e(message, ("DELIVERED_TO",)):
                if acct == account and (first is None or (when(d.get("first_seen")) or first) <= first):
                    return True
        return False
