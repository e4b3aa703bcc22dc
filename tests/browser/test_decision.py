"""Decide (dashboard/decision.py) in Chromium on a phone's screen (390x844): a tiny A/B comparison.

A planner opens "Decide", asks for 2 seeds and runs A (the form) against B (no free entry
class). The table shows A, B and the difference B - A for every outcome on the first screen's
width: no pages, no column pushed out of sight. Screenshot: ``tests/artifacts/decision-390.png``.
The run folder the comparison made is removed afterwards.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from browser_helpers import enter

from ibusim.dashboard.decision import OUTCOMES, SERIES

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect
except ImportError:  # conftest skips (or fails in CI) every test here
    expect = None
    PlaywrightError = Exception

ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 390, "height": 844}
FIRST_RENDER_MS = 180_000  # the first page of a server imports the model: slow on a busy machine
LONG_MS = 240_000  # four runs at the default scale: minutes when both cores are busy


def test_a_tiny_comparison_shows_the_difference_on_a_phone(page, page_errors, dashboard_server, screenshot):
    page.set_viewport_size(PHONE)
    page.goto(dashboard_server.url)
    expect(page.locator(".run-progress")).to_contain_text("Week 0 of", timeout=FIRST_RENDER_MS)
    page.get_by_role("button", name="Decide", exact=True).click()
    panel = page.locator(".comparison-panel")
    expect(panel).to_be_visible()
    picker = panel.get_by_role("textbox", name="B changes")  # the searchable picker: typing filters it
    picker.click()
    picker.fill("free_class_")
    options = page.get_by_role("option")
    expect(options.first).to_contain_text("free_class_")
    assert all("free_class_" in t for t in options.all_inner_texts())
    picker.fill("")
    picker.press("Escape")
    enter(panel.get_by_label("Seeds", exact=True), "2")
    created = None
    try:
        panel.get_by_role("button", name="Run A/B", exact=True).click()
        table = panel.locator(".ab-table")
        expect(table).to_be_visible(timeout=LONG_MS)
        folder = panel.locator(".ab-folder").inner_text()
        m = re.search(r"(results/dashboard-ab-[0-9-]+)", folder)
        assert m, folder
        created = ROOT / m.group(1)
        expect(panel.locator(".ab-error")).to_have_count(0)

        head = table.locator(".ab-head-3")
        expect(head).to_have_text("Difference B - A")
        diffs = table.locator("td.ab-diff")
        expect(diffs).to_have_count(len(OUTCOMES))  # every outcome, on one page
        # the difference column is inside the screen's width, with nothing to scroll sideways
        scroll = panel.locator(".ab-scroll")
        assert scroll.evaluate("e => e.scrollWidth <= e.clientWidth && e.scrollLeft === 0")
        # every difference cell and its header inside the phone's width, read in one pass in the page (a late
        # re-render may replace the table's elements between two separate reads)
        page.wait_for_function(
            """([n, width]) => {
                const cells = [...document.querySelectorAll('.comparison-panel .ab-table .ab-head-3, '
                    + '.comparison-panel .ab-table td.ab-diff')];
                return cells.length === n + 1 && cells.every(e => {
                    const r = e.getBoundingClientRect();
                    return r.width > 0 && r.left >= 0 && r.right <= width;
                });
            }""",
            arg=[len(OUTCOMES), PHONE["width"]],
            timeout=LONG_MS,
        )
        registered = table.locator(".ab-row-registered td.ab-diff").inner_text()
        assert registered.startswith("-"), registered  # fewer registrations without the free entry class
        completion = table.locator(".ab-row-volunteer_share td.ab-a").inner_text()
        assert re.match(r"\d{1,3}(\.\d)?%", completion), completion  # a percentage, not a fraction
        charts = panel.locator(".ibusim-live-chart")
        expect(charts).to_have_count(len(SERIES))
        page.wait_for_function(  # every fan chart has drawn its rows
            "() => [...document.querySelectorAll('.comparison-panel .ibusim-live-chart')]"
            ".every(e => e.dataset.rows !== undefined && Number(e.dataset.rows) > 0)"
        )
        assert not page_errors, page_errors
        for attempt in range(5):  # a late re-render may replace the table between finding it and scrolling
            try:
                table.scroll_into_view_if_needed()
                break
            except PlaywrightError:
                if attempt == 4:
                    raise
        screenshot("decision-390")
    finally:
        if created is not None and created.is_dir():
            shutil.rmtree(created)
