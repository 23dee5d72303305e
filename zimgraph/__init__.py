"""zimgraph: graph-based correlation and pivot engine for Zimbra compromise investigations."""

__version__ = "0.1.0"


def load_case(folder, **overrides):
    """Open a case folder: ``.events``, ``.topology``, ``.messages``, ``.sessions``, ``.graph``."""
    from zimgraph.casedata import load_case as _load_case   # lazy: ingest workers never import it
    return _load_case(folder, **overrides)


def build_graph(events, messages=None, **options):
    """Build the evidence graph from an events table (see :func:`zimgraph.graph.build.build_graph`)."""
    from zimgraph.graph.build import build_graph as _build_graph
    return _build_graph(events, messages, **options)
