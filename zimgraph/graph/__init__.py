"""The evidence graph: build it from a case, count it, export it (docs/model.md)."""

from zimgraph.graph.build import build_graph
from zimgraph.graph.model import EDGE_TYPES, NODE_KINDS, kind_of, node_id

__all__ = ["build_graph", "EDGE_TYPES", "NODE_KINDS", "kind_of", "node_id"]
