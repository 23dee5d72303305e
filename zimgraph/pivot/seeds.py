"""Seeds: the known-bad indicators a pivot starts from, written ``KIND:VALUE``.

Kinds are the graph's node kinds (``ip``, ``account``, ``ua``, ``sender``, ``sha1``, ``session``,
``device``) plus ``domain`` (every sender address or recipient address of that mail domain).
Values are canonicalised the way the graph canonicalises them (lower case for addresses and
hashes). A seed absent from the case is a user error naming the closest values present.

>>> parse_seed("ip:203.0.113.9")
Seed(kind='ip', value='203.0.113.9')
>>> parse_seed("account:Alice@Example.gov")
Seed(kind='account', value='alice@example.gov')
>>> parse_seed("ua:python-requests/2.31.0").node
'ua:python-requests/2.31.0'
>>> try:
...     parse_seed("mac:00:11")
... except SeedError as exc:
...     print(exc)
unknown seed kind 'mac' in 'mac:00:11': write KIND:VALUE with KIND one of ip, account, ua, sender, sha1, session, device, domain (e.g. --seed ip:203.0.113.9)
"""

from __future__ import annotations

import difflib
import ipaddress
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from zimgraph.console import user_error

KINDS = ("ip", "account", "ua", "sender", "sha1", "session", "device", "domain")
#: kinds whose values are compared in lower case (the graph stores them so)
_LOWER = {"account", "sender", "sha1", "domain"}
EXAMPLE = "--seed ip:203.0.113.9"


@user_error
class SeedError(ValueError):
    """A seed the analyst can correct: bad syntax, unknown kind, or absent from the case."""


@dataclass(frozen=True, order=True)
class Seed:
    kind: str
    value: str

    @property
    def node(self) -> str:
        """The graph node id (``domain`` seeds have none: see :func:`resolve_seeds`)."""
        return f"{self.kind}:{self.value}"

    def __str__(self) -> str:
        return self.node


def parse_seed(text: str) -> Seed:
    """Parse one ``KIND:VALUE`` seed (surrounding blanks ignored)."""
    text = text.strip()
    kind, sep, value = text.partition(":")
    kind, value = kind.strip().lower(), value.strip()
    if not sep or not value:
        raise SeedError(f"seed {text!r} has no value: write KIND:VALUE, e.g. {EXAMPLE}")
    if kind not in KINDS:
        raise SeedError(f"unknown seed kind {kind!r} in {text!r}: write KIND:VALUE with KIND one of "
                        f"{', '.join(KINDS)} (e.g. {EXAMPLE})")
    if kind in _LOWER:
        value = value.lower()
    if kind == "ip":
        try:
            value = str(ipaddress.ip_address(value))
        except ValueError:
            raise SeedError(f"{value!r} is not an IP address: write e.g. {EXAMPLE}") from None
    return Seed(kind, value)


def read_seeds_file(path: str | Path) -> list[Seed]:
    """Seeds from a file, one ``KIND:VALUE`` per line; blank lines and ``#`` comments skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise SeedError(f"cannot read the seeds file {path}: {exc.strerror}; "
                        "write one KIND:VALUE per line") from None
    return [parse_seed(line) for line in lines if line.strip() and not line.lstrip().startswith("#")]


def resolve_seeds(graph: nx.MultiDiGraph, seeds: list[Seed]) -> dict[Seed, list[str]]:
    """Map each seed to the graph nodes it names; raise :class:`SeedError` for an absent seed.

    ``domain:D`` names every ``sender:`` node whose address is ``…@D`` (senders of that domain and
    external recipients there).

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("ip:203.0.113.9", kind="IP", value="203.0.113.9")
    >>> g.add_node("sender:x@evil.example", kind="Sender", value="x@evil.example")
    >>> resolve_seeds(g, [parse_seed("domain:evil.example"), parse_seed("ip:203.0.113.9")])
    {Seed(kind='domain', value='evil.example'): ['sender:x@evil.example'], Seed(kind='ip', value='203.0.113.9'): ['ip:203.0.113.9']}
    >>> try:
    ...     resolve_seeds(g, [parse_seed("ip:203.0.113.8")])
    ... except SeedError as exc:
    ...     print(exc)
    seed ip:203.0.113.8 is not in this case; closest present: ip:203.0.113.9
    """
    out: dict[Seed, list[str]] = {}
    for seed in seeds:
        if seed.kind == "domain":
            suffix = "@" + seed.value
            nodes = sorted(n for n in graph if n.startswith("sender:") and n.endswith(suffix))
        else:
            nodes = [seed.node] if seed.node in graph else []
        if not nodes:
            raise SeedError(_absent_message(graph, seed))
        out[seed] = nodes
    return out


def _absent_message(graph: nx.MultiDiGraph, seed: Seed) -> str:
    if seed.kind == "domain":
        prefix = "sender:"
        present = sorted({n.rsplit("@", 1)[-1] for n in graph if n.startswith(prefix) and "@" in n})
    else:
        prefix = seed.kind + ":"
        present = sorted(n[len(prefix):] for n in graph if n.startswith(prefix))
    close = difflib.get_close_matches(seed.value, present, n=3, cutoff=0.5)
    if not close and seed.kind == "ip":  # same network first
        head = seed.value.rsplit(".", 1)[0] + "."
        close = [p for p in present if p.startswith(head)][:3]
    hint = (f"closest present: {', '.join(f'{seed.kind}:{c}' for c in close)}" if close
            else f"no {seed.kind} value close to it ({len(present)} {seed.kind} values in the case)")
    return f"seed {seed} is not in this case; {hint}"
