"""The case graph and the case's name, as the Neo4j exporter and the query runner take them.

>>> case_name_of("/cases/acme-2026/")
'acme-2026'
"""

from __future__ import annotations

from pathlib import Path


def case_name_of(case_dir) -> str:
    """The name nodes of this case carry in ``case_name``: the case folder's name."""
    return Path(case_dir).resolve().name


def load_case_graph(case_dir):
    """The case's evidence graph (``zimgraph.casedata.load_case(dir).graph``, cached by the case)."""
    from zimgraph.casedata import load_case
    return load_case(case_dir).graph
