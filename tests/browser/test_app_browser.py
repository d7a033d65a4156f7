"""The Streamlit app in a real browser (see conftest.py): every page, downloads, the
read-only console, graph drawing, no request leaving localhost, and the timings of
docs/performance.md."""

from __future__ import annotations

import csv
import io
import time

import pytest

pytestmark = pytest.mark.browser

FIND_PARTNERS_BUDGET_S = 2.0
GRAPH_SETTLE_BUDGET_S = 3.0


def graph_frame(page):
    """The frame drawing a vis-network graph, once its layout has settled."""
    page.wait_for_selector("iframe")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for f in page.frames:
            try:
                if f.evaluate("() => document.body && document.body.hasAttribute('data-settled')"):
                    return f
            except Exception:  # frame navigating
                pass
        time.sleep(0.05)
    raise AssertionError("no graph settled within 30 s")


def test_overview(page, ui):
    page.goto(page.rox_url)
    page.get_by_text("Nodes by label").wait_for()
    ui.wait_idle(page)
    page.get_by_text("Regions on the map").wait_for()
    page.locator("[data-testid='stVegaLiteChart'], .vega-embed").first.wait_for()
    ui.screenshot(page, "01-overview")
