#!/usr/bin/env python3
"""Screenshot of a zimgraph report for the docs (headless Chromium via Playwright, test extra).

    .venv/bin/python scripts/screenshot.py cases/example/report.html docs/report.png
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.report.browser import visit  # noqa: E402


def main() -> None:
    report, out = Path(sys.argv[1]), Path(sys.argv[2])
    result = visit(report, screenshot=out.name, viewport=(1400, 1500))
    if result.errors or len(result.requests) != 1:
        sys.exit(f"the report did not load cleanly: {result.errors or result.requests}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(result.screenshot.read_bytes())
    print(f"{out} ({out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
