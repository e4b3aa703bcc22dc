"""The dashboard's phone polish in Chromium (issue 12): 390x844 and 1024x768, in Indonesian and in English.

In each of the four pairings, on one page load:

* the app bar's title is the whole translated title, inside the screen's width and not cut (it was
  "ibu..." at 390 px, squeezed by the page's own title "ibusim");
* the scenario file button reads only "Open scenario (.toml)" (no "(0)"), visible, inside the width and
  uncovered;
* Solara's English "This website runs on Solara" is not shown (it lay over the bottom-right controls);
* in Decide, the A/B comparison's parameter picker shows its whole label (it was cut at 1024 px) and the
  "to" of the true/false parameter reads "tidak" / "no" (it read a raw ``false``); both inside the width
  and uncovered.

Screenshots of the whole page, looked at when the layout changes: ``tests/artifacts/polish-<width>-<lang>.png``.
Waits are on visible conditions, never fixed sleeps; no page errors.
"""

from __future__ import annotations

import pytest
from browser_helpers import LAPTOP, PHONE, PLACE, open_page, outside_width, tall_screenshot

from ibusim.i18n import gettext
from ibusim.model.parameters import text

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips (or fails in CI) every test here
    expect = None

# its box, and whether its text is cut (wider or taller than the box that shows it)
CUT = "el => ({scroll: el.scrollWidth, client: el.clientWidth, scrollH: el.scrollHeight, clientH: el.clientHeight})"


def placed(page, selector: str, width: int) -> dict:
    """``selector`` (one element) visible, inside the width and uncovered; its box."""
    control = page.locator(selector)
    expect(control).to_have_count(1)
    expect(control).to_be_visible()
    box = control.evaluate(PLACE, width)
    assert box["width"] > 0 and box["left"] >= -1 and box["right"] <= width + 1, (selector, box)
    assert box["inside"], f"{selector}: covered by {box['hit']}"
    return box


def not_cut(page, selector: str) -> None:
    sizes = page.locator(selector).evaluate(CUT)
    assert sizes["scroll"] <= sizes["client"] + 1 and sizes["scrollH"] <= sizes["clientH"] + 1, (selector, sizes)


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("size", [PHONE, LAPTOP], ids=lambda s: f"{s[0]}x{s[1]}")
def test_title_upload_button_and_a_b_picker_fit(page, page_errors, dashboard_url, screenshot, size, lang):
    width = size[0]
    _ = gettext(lang)
    open_page(page, dashboard_url, size, lang)
    # the title: whole, in the app bar, inside the width
    title = page.locator(".v-toolbar__title")
    expect(title).to_have_text(_("ibusim: online empowerment communities for mothers"))
    placed(page, ".v-toolbar__title", width)
    not_cut(page, ".v-toolbar__title")
    bar, box = page.locator(".v-app-bar").bounding_box(), title.bounding_box()
    assert bar["y"] - 1 <= box["y"] and box["y"] + box["height"] <= bar["y"] + bar["height"] + 1, (bar, box)
    # the scenario file button: its label only
    expect(page.locator(".file-picker-btn")).to_have_text(_("Open scenario (.toml)"))
    placed(page, ".file-picker-btn", width)
    # Solara's English banner is not shown
    expect(page.get_by_text("This website runs on")).to_be_hidden()
    # Decide: the A/B picker and its "to"
    page.locator(".mode-buttons .v-btn", has_text=_("Decide")).click()
    picker = page.locator(".comparison-panel .ab-param")
    expect(picker).to_be_visible()
    label = text("free_class", "label", lang)
    # an autocomplete shows the chosen item in its input: all of it, not cut at the input's edge
    expect(picker.locator("input[type=text]")).to_have_value(f"{label} (free_class)")
    not_cut(page, ".comparison-panel .ab-param input[type=text]")
    placed(page, ".comparison-panel .ab-param .v-input__slot", width)
    expect(page.locator(".comparison-panel .ab-value .v-select__selection")).to_have_text(_("no"))
    placed(page, ".comparison-panel .ab-value .v-input__slot", width)
    for selector in (".v-input", ".v-btn"):
        assert outside_width(page, f".comparison-panel {selector}", width) == [], selector
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width + 1  # nothing to scroll sideways
    tall_screenshot(page, screenshot, f"polish-{width}-{lang}")
    assert not page_errors, page_errors
