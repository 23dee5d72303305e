"""Hunts: named detections over a case's events and messages (DESIGN.md section 7).

>>> from zimgraph.hunts import HUNTS, run_hunts
>>> "bruteforce" in HUNTS and callable(run_hunts)
True
"""

from zimgraph.hunts.finding import SEVERITIES, Finding
from zimgraph.hunts.registry import HUNTS, HuntError, run_hunts

__all__ = ["HUNTS", "SEVERITIES", "Finding", "HuntError", "run_hunts"]
