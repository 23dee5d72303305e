"""Open an HTML file in real headless Chromium (Debian's, driven by Playwright) and watch it.

Records console errors, uncaught exceptions and every network request; saves a screenshot into
``test-artifacts/`` (or ``$ZIMGRAPH_ARTIFACTS``).
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ARTIFACTS = Path(os.environ.get("ZIMGRAPH_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("chromium is not installed: run 'bash scripts/test.sh' (it installs Debian's chromium)")


@dataclass
class Visit:
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    seconds_to_draw: float = 0.0
    screenshot: Path | None = None
    facts: dict = field(default_factory=dict)


def visit(html: Path, *, screenshot: str, evaluate: dict[str, str] | None = None,
          viewport=(1500, 1100), timeout_ms: int = 30_000, before_screenshot=None) -> Visit:
    """Load ``html``, wait for the graph to be drawn and stable, run ``evaluate`` JS expressions."""
    from playwright.sync_api import sync_playwright

    result = Visit()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            page.on("console", lambda m: result.errors.append(f"console.{m.type}: {m.text}")
                    if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: result.errors.append(f"uncaught: {e}"))
            page.on("request", lambda r: result.requests.append(r.url))
            page.on("dialog", lambda d: (result.dialogs.append(d.message), d.dismiss()))
            started = time.monotonic()
            page.goto(html.resolve().as_uri())
            page.wait_for_selector("body[data-graph-drawn=yes]", timeout=timeout_ms)
            result.seconds_to_draw = time.monotonic() - started
            page.wait_for_selector("body[data-graph-stable=yes]", timeout=timeout_ms)
            for name, expression in (evaluate or {}).items():
                result.facts[name] = page.evaluate(expression)
            if before_screenshot:
                before_screenshot(page)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            result.screenshot = ARTIFACTS / screenshot
            page.screenshot(path=str(result.screenshot), full_page=False)
        finally:
            browser.close()
    return result
