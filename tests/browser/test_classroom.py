"""The classroom mode of the Communication tab in Chromium, on a phone (390x844), in Bahasa Indonesia.

The browser asks for Indonesian (its ``Accept-Language`` header, as a phone set to Indonesian sends it).
At week 0 the tab says what to do first and draws no empty chart; a class predicts both settings of the
demonstration, runs it, and reads its prediction beside what the model measured. Every control of the
lesson lies inside the phone's width. Screenshot: ``tests/artifacts/classroom-390-id.png``.
"""

from __future__ import annotations

from browser_helpers import tall_screenshot

from ibusim.i18n import gettext

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips (or fails in CI) every test here
    expect = None

PHONE = {"width": 390, "height": 844}
FIRST_RENDER_MS = 180_000  # the first page of a worker's server imports the model: slow on a busy machine
LONG_MS = 240_000  # the demonstration (two three-year runs) when both cores are busy
TRACEBACK = "Traceback (most recent call last)"
_ = gettext("id")


def choose(page, select_class: str, index: int, label: str) -> None:
    """Pick ``label`` in the ``index``-th Vuetify select with class ``select_class`` (its menu opens at the body)."""
    page.locator(f".{select_class}").nth(index).locator(".v-select__slot").click()
    menu = page.locator(".v-menu__content.menuable__content__active")
    menu.get_by_text(label, exact=True).click()
    expect(page.locator(f".{select_class}").nth(index)).to_contain_text(label)
    expect(menu).to_have_count(0)


OVERFLOWING = """() => {
    // scroll every container back to its left edge, then list the outermost elements of the open tab that
    // stick out of the window (a wide chart may scroll inside its own .scroll-x box)
    for (const e of document.querySelectorAll('*')) { if (e.scrollLeft) e.scrollLeft = 0; }
    window.scrollTo(0, window.scrollY);
    const w = window.innerWidth, out = [];
    const bad = e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.left < -1 || r.right > w + 1); };
    for (const e of document.querySelectorAll('.v-window-item--active *')) {
        if (e.closest('.scroll-x') || !bad(e) || (e.parentElement && bad(e.parentElement))) continue;
        const r = e.getBoundingClientRect();
        const name = `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`;
        out.push(`${name} ${Math.round(r.left)}-${Math.round(r.right)}: ${e.innerText.slice(0, 60)}`);
    }
    return out;
}"""


def inside_width(locator, width: int) -> None:
    """``locator`` lies within the page's width, with the page scrolled to its left edge."""
    locator.scroll_into_view_if_needed()
    locator.page.evaluate(OVERFLOWING)
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (str(locator), box)


def nothing_sticks_out(page) -> None:
    """No element of the open tab lies beyond the phone's width (no sideways scrolling, nothing cut off)."""
    out = page.evaluate(OVERFLOWING)
    assert out == [], "\n".join(out)


def test_classroom_on_a_phone_in_indonesian(page, dashboard_server, screenshot):
    page.set_viewport_size(PHONE)
    page.set_extra_http_headers({"Accept-Language": "id-ID,id;q=0.9,en;q=0.5"})
    page.goto(dashboard_server.url)
    tab = page.locator(".v-tabs >> nth=0").locator(":scope > .v-tabs-bar [role=tab]").nth(2)  # Communication
    tab.wait_for(state="visible", timeout=FIRST_RENDER_MS)
    tab.click()

    # week 0: what to do first, and no empty chart
    guidance = page.locator(".week0-guidance")
    expect(guidance).to_contain_text(_("Nothing has run yet: start here"), timeout=FIRST_RENDER_MS)
    expect(guidance).to_contain_text("Jalankan demonstrasi")
    expect(page.locator(".comm-empty")).to_have_text(
        _("No week has run yet: its charts appear after Step or Run to end.")
    )
    expect(page.locator(".ibusim-live-chart")).to_have_count(0)
    expect(page.locator(".network-monitors")).to_have_count(0)  # nothing runs before the class predicts
    inside_width(page.locator(".week0-guidance"), PHONE["width"])
    nothing_sticks_out(page)

    # predict: admins lead a wheel, highly centralised (right); peers talk a chain of medium centralisation (wrong)
    choose(page, "predict-pattern", 0, "roda")
    choose(page, "predict-level", 0, "tinggi (0,5 atau lebih)")
    choose(page, "predict-pattern", 1, "rantai")
    choose(page, "predict-level", 1, "sedang (0,2 sampai 0,5)")
    for cls in ("predict-pattern", "predict-level"):
        for i in range(2):
            inside_width(page.locator(f".{cls}").nth(i), PHONE["width"])
    run = page.get_by_role("button", name=_("Run the demonstration"), exact=True)
    inside_width(run, PHONE["width"])
    inside_width(page.get_by_role("button", name=_("Worksheet to print (HTML)")), PHONE["width"])

    # run, then compare
    run.click()
    verdicts = page.locator(".comparison-verdict")
    expect(verdicts).to_have_count(2, timeout=LONG_MS)
    expect(verdicts.nth(0)).to_have_text(_("Right"))
    expect(verdicts.nth(1)).to_have_text(_("Not this time"))
    cards = page.locator(".comparison-card")
    expect(cards.nth(0)).to_contain_text("Perkiraan kalian: roda, tinggi (0,5 atau lebih)")
    expect(cards.nth(1)).to_contain_text("Perkiraan kalian: rantai, sedang (0,2 sampai 0,5)")
    expect(cards.nth(1)).to_contain_text("Hasil ukur model: semua saluran, rendah (di bawah 0,2)")
    expect(cards.nth(1)).to_contain_text("Pola rantai, lingkaran atau Y")  # why a tidy chain is not measured
    for i in range(2):
        inside_width(cards.nth(i), PHONE["width"])
    monitors = page.locator(".network-monitors")
    expect(monitors).to_have_count(1)
    expect(monitors).to_contain_text("pola: roda; sentralisasi derajat 1,00;")
    expect(page.locator(".demo-consequences")).to_contain_text("ikatan komunitas terbentuk")

    # the other setting's network, in the same page
    page.get_by_role("button", name=_("Peers talk"), exact=True).click()
    expect(monitors).to_contain_text("pola: semua saluran;")

    nothing_sticks_out(page)
    body = page.locator("body").inner_text()
    assert TRACEBACK not in body, body[:3000]
    tall_screenshot(page, screenshot, "classroom-390-id")
