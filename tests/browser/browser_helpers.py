"""Helpers shared by the browser tests (tests/browser/test_*.py)."""

from __future__ import annotations

from pathlib import Path


def tall_screenshot(page, screenshot, name: str) -> Path:
    """The whole page.

    The dashboard scrolls inside its own container, so ``full_page`` alone captures only the first screen; grow the
    viewport to the content for the shot.
    """
    extra = page.evaluate("""() => {
        let best = null;
        for (const e of document.querySelectorAll('*')) {
            const s = getComputedStyle(e);
            if ((s.overflowY === 'auto' || s.overflowY === 'scroll') && e.scrollHeight > e.clientHeight
                && (!best || e.clientHeight > best.clientHeight)) { best = e; }
        }
        return best ? best.scrollHeight - best.clientHeight : 0;
    }""")
    size = page.viewport_size
    height = min(size["height"] + int(extra) + 40, 8000)
    page.set_viewport_size({"width": size["width"], "height": height})
    try:
        page.wait_for_function("h => window.innerHeight === h", arg=height)  # laid out at the new size
        return screenshot(name)
    finally:
        page.set_viewport_size(size)
