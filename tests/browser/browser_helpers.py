"""Helpers shared by the browser tests (tests/browser/test_*.py): import them from here, not from another test file.

* :data:`ACCEPT` (the ``Accept-Language`` a browser in each language sends), :data:`WEEK_0` (the design
  tab's first line in each language), :data:`PHONE` and :data:`LAPTOP` (the two screen sizes);
* :func:`open_page` opens the dashboard at a screen size in a language and waits for week 0;
* :func:`enter` types into a Solara text field and commits it (retried: a late re-render loses the text);
* :func:`outside_width` lists the visible elements that stick out of the screen's width; :data:`PLACE`
  (a script for ``locator.evaluate``) gives an element's box and whether something else covers its centre;
* :func:`tall_screenshot` saves the whole page (the dashboard scrolls inside its own container).
"""

from __future__ import annotations

from pathlib import Path

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips (or fails in CI) every browser test
    expect = None

ACCEPT = {"id": "id-ID,id;q=0.9,en;q=0.5", "en": "en-US,en;q=0.9"}
WEEK_0 = {"id": "Minggu ke-0 dari", "en": "Week 0 of"}
PHONE, LAPTOP = (390, 844), (1024, 768)
FIRST_RENDER_MS = 180_000  # the first page of a server imports the model: slow on a busy machine
ENTER_ATTEMPTS = 4
ENTER_CHECK_MS = 20_000  # per attempt of enter()
# an element scrolled into view: its box, and whether the element at its centre is it (or inside it)
PLACE = """(el, width) => {
    el.scrollIntoView({block: 'center', inline: 'nearest'});
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {left: r.left, right: r.right, width: r.width, height: r.height, inside: !!hit && el.contains(hit),
            hit: hit ? `${hit.tagName}.${hit.className}` : null};
}"""


def enter(locator, text: str, then=None) -> None:
    """Type into a Solara text field and commit it (Solara inputs update on Enter or blur).

    A field re-rendered by the server between the typing and the Enter (a late answer to an
    earlier action) loses the text; so the entry is repeated until ``then`` (a locator
    assertion, default: the field shows ``text``) holds, a few times before failing.
    Entering the same text twice is harmless, so the retry is safe.
    """
    check = then or (lambda: expect(locator).to_have_value(text, timeout=ENTER_CHECK_MS))
    for attempt in range(ENTER_ATTEMPTS):
        locator.fill(text)
        locator.press("Enter")
        try:
            check()
            return
        except AssertionError:
            if attempt == ENTER_ATTEMPTS - 1:
                raise


def open_page(page, url: str, size: tuple[int, int], lang: str) -> None:
    """The dashboard at ``size`` in a browser asking for ``lang`` first (``Accept-Language``), at week 0."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.set_extra_http_headers({"Accept-Language": ACCEPT[lang]})
    page.goto(url)
    expect(page.locator(".run-progress")).to_contain_text(WEEK_0[lang], timeout=FIRST_RENDER_MS)


def outside_width(page, selector: str, width: int) -> list[str]:
    """Visible elements matching ``selector`` that stick out of the screen's width (text and box)."""
    return page.locator(selector).evaluate_all(
        """(els, width) => els.filter(e => e.offsetParent !== null).map(e => {
               const r = e.getBoundingClientRect();
               return (r.left < -1 || r.right > width + 1 || r.width < 1)
                   ? `${(e.innerText || e.className).slice(0, 40)} [${Math.round(r.left)}, ${Math.round(r.right)}]`
                   : null; }).filter(x => x)""",
        width,
    )


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
