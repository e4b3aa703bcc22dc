"""The shareable report (experiments/share.py) laid out by Chromium on a phone and a laptop.

Here, not in tests/test_share.py, because it drives the session's browser (the ``browser``
fixture): a second playwright in the same process fails ("Sync API inside the asyncio loop")
once a browser test has started the first, which pytest-xdist's work stealing can arrange.
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("width", [390, 1024])
def test_the_page_fits_a_phone_and_a_laptop(browser, report_id, comparison, width, tmp_path):
    """Nothing wider than the screen, text large enough, every table cell on screen."""
    context = browser.new_context(viewport={"width": width, "height": 844})
    try:
        page = context.new_page()
        for name, report in (("design", report_id), ("comparison", comparison)):
            (tmp_path / f"{name}.html").write_text(report, encoding="utf-8")
            page.goto((tmp_path / f"{name}.html").as_uri())
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            right = page.evaluate(
                "Math.max(...[...document.querySelectorAll('td, th, svg, .param')]"
                ".map(e => e.getBoundingClientRect().right))"
            )
            assert right <= width, name
            size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
            small = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.small')).fontSize)")
            assert size >= 16 and small >= 13, name
    finally:
        context.close()
