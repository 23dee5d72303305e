"""zimgraph: graph-based correlation and pivot engine for Zimbra compromise investigations."""

__version__ = "0.1.0"
