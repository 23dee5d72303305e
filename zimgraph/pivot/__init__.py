"""Pivot from seed indicators to the accounts the attacker got into, his other indicators, and why.

``pivot(graph, seeds, ...)`` (see :mod:`zimgraph.pivot.run`) returns the DESIGN.md §7 object. The
algorithms are plain functions usable on their own: :func:`expand` (bounded typed expansion),
:func:`hub_test` (hub suppression), :func:`personalized_pagerank` (seeded ranking),
:func:`attribute` (the evidence rules and verdicts), :func:`cluster_accounts` (campaigns) and
:func:`similar_accounts` (pattern comparison, ``--similar``).
"""

from zimgraph.pivot.attribute import attribute
from zimgraph.pivot.clusters import cluster_accounts
from zimgraph.pivot.expand import expand, hub_test
from zimgraph.pivot.rank import personalized_pagerank
from zimgraph.pivot.run import ALGORITHMS, PivotError, parse_time, pivot
from zimgraph.pivot.seeds import Seed, SeedError, parse_seed, read_seeds_file, resolve_seeds

__all__ = ["ALGORITHMS", "PivotError", "Seed", "SeedError", "attribute", "cluster_accounts", "expand", "hub_test",
           "parse_seed", "parse_time", "personalized_pagerank", "pivot", "read_seeds_file", "resolve_seeds"]
