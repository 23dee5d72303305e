"""Ingest evidence into a case: discovery, reading, parsing in parallel, the case folder."""

from zimgraph.ingest.case import Case, CaseError, load_events
from zimgraph.ingest.discover import DiscoveryError
from zimgraph.ingest.run import IngestSummary, ingest

__all__ = ["Case", "CaseError", "DiscoveryError", "IngestSummary", "ingest", "load_events"]
