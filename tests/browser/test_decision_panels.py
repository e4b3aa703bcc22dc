"""Decide's budget optimiser and forecast panels in Chromium, on a phone (390x844) and a laptop (1024x768).

Issue 12, requirements 4 and 5: every control of the two panels (the optimiser's budget, goal,
threshold and Run; the forecast's posterior, draws, counterfactual and Run) is visible, inside the
screen's width, not covered by anything else (the element at its centre is the control or inside it)
and clickable, in Indonesian and in English.

The full flow runs twice (phone in Indonesian, laptop in English; the other two pairings check the
layout only, to keep the slow runs few):

* the budget typed as the reader writes it (``Rp 650.000.000`` / ``Rp 650,000,000``) is read as 650
  million: the line under the field shows it back, and the optimiser's folder records 650000000; an
  ambiguous or bad value (``650.000,000.5``, ``abc``) shows one line under the field and starts nothing
  (Run disabled, no progress, no results, no folder);
* a tiny optimisation (the panel has no size control: it runs 17 designs x 8 draws on the form's
  design, so the test makes the form's design tiny through Advanced, 2,000 mothers to December 2020,
  as a planner could) shows its progress, then three proposals, each with the probability of reaching
  the goal as a percentage and the yearly cost in Rupiah, as the reader writes them;
* a tiny forecast (2 posterior draws, 2,000 mothers) shows 2024 (fitted) to 2027 with an interval in
  every cell, its figures labelled in the page's language, and its fan charts drawn.

Screenshots of the whole page, looked at when the layout changes:
``tests/artifacts/decision-panels-<width>-<lang>[-results].png``. The folders the runs made are removed.
Waits are on visible conditions, never fixed sleeps; no page errors.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from browser_helpers import LAPTOP, PHONE, PLACE, enter, open_page, outside_width, tall_screenshot

from ibusim.dashboard.decision import FIGURE_LABELS
from ibusim.experiments import forecast as forecast_mod
from ibusim.experiments.optimise import DEFAULT_BEST, load_optimisation
from ibusim.i18n import gettext
from ibusim.numbers import format_number

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips (or fails in CI) every test here
    expect = None

ROOT = Path(__file__).resolve().parents[2]
FIRST_RENDER_MS = 180_000  # the first page of a server imports the model: slow on a busy machine
LONG_MS = 300_000  # 136 tiny runs, or 2 runs to 2027, while other work keeps both cores busy
BUDGET = 650_000_000
TYPED_BUDGET = {"id": "Rp 650.000.000", "en": "Rp 650,000,000"}
BAD_BUDGETS = ("650.000,000.5", "abc")
TINY_MOTHERS = {"id": "2.000", "en": "2,000"}
TINY_END = "2020-06"  # the optimiser's designs run to here: about 15 ms each
DRAWS = "2"  # the forecast's smallest number of draws
PERCENT = {"id": r"\d{1,3}(,\d)?%", "en": r"\d{1,3}(\.\d)?%"}
RUPIAH = {"id": "Rp\u00a0" + r"\d{1,3}(\.\d{3})+", "en": "Rp\u00a0" + r"\d{1,3}(,\d{3})+"}  # kept together

# every control of each panel: (name, the control's outer element, the element a click goes to)
CONTROLS = {
    "optimiser": (
        ("budget", ".optimiser .optimise-budget", ".optimiser .optimise-budget input"),
        ("goal", ".optimiser .goal", ".optimiser .goal .v-input__slot"),
        ("threshold", ".optimiser .optimise-threshold", ".optimiser .optimise-threshold input"),
        ("run", ".optimiser .optimise-run", ".optimiser .optimise-run"),
    ),
    "forecast": (
        ("posterior", ".forecast-panel .fc-posterior", ".forecast-panel .fc-posterior .v-input__slot"),
        ("draws", ".forecast-panel .fc-draws", ".forecast-panel .fc-draws input"),
        (
            "counterfactual",
            ".forecast-panel .fc-counterfactual .v-input",
            ".forecast-panel .fc-counterfactual .v-input--selection-controls__input",
        ),
        ("run", ".forecast-panel .fc-run", ".forecast-panel .fc-run"),
    ),
}


def decide(page, lang: str):
    """Decide mode; its optimiser and forecast panels."""
    page.locator(".mode-buttons .v-btn", has_text=gettext(lang)("Decide")).click()
    optimiser, forecast = page.locator(".optimiser"), page.locator(".forecast-panel")
    expect(optimiser).to_be_visible()
    expect(forecast).to_be_visible()
    return optimiser, forecast


def check_controls(page, width: int) -> None:
    """Every control of both panels on the screen, inside its width, uncovered and clickable."""
    for panel, controls in CONTROLS.items():
        for name, outer, target in controls:
            control = page.locator(outer)
            expect(control).to_have_count(1)
            expect(control).to_be_visible()
            box = control.evaluate(PLACE, width)
            assert box["width"] > 0 and box["height"] > 0, (panel, name, box)
            assert box["left"] >= -1 and box["right"] <= width + 1, (panel, name, box)
            assert box["inside"], f"{panel} {name}: covered by {box['hit']}"
            page.locator(target).click(trial=True)  # visible, stable, enabled and receiving the click
    for selector in (".v-input", ".v-btn"):
        for panel in (".optimiser", ".forecast-panel"):
            assert outside_width(page, f"{panel} {selector}", width) == [], (panel, selector)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width + 1  # nothing to scroll sideways


def make_design_tiny(page, lang: str, end: str | None = None) -> None:
    """2,000 mothers (and the run's end at ``end``) typed into Advanced, as a planner would: pending edits."""
    _ = gettext(lang)
    page.locator(".role-buttons .v-btn", has_text=_("Advanced")).click()
    search = page.locator(".advanced-search input")
    expect(search).to_be_visible()
    for name, value in (("n_mothers", TINY_MOTHERS[lang]), ("end", end)):
        if value is None:
            continue
        search.fill(name)
        field = page.locator(f".advanced-picker .param-{name} input")
        expect(field).to_be_visible()
        enter(field, value)
    expect(page.locator(".pending-notice")).to_be_visible()


def folders(pattern: str) -> set[Path]:
    return set((ROOT / "results").glob(pattern))


def english_left(text: str, words: tuple[str, ...]) -> list[str]:
    """The English words among ``words`` that ``text`` (an Indonesian page's) still shows."""
    return [w for w in words if re.search(rf"\b{re.escape(w)}\b", text)]


@pytest.mark.parametrize(("size", "lang"), [(PHONE, "en"), (LAPTOP, "id")], ids=["390-en", "1024-id"])
def test_every_control_of_the_two_panels_is_on_screen(page, page_errors, dashboard_url, screenshot, size, lang):
    open_page(page, dashboard_url, size, lang)
    decide(page, lang)
    check_controls(page, size[0])
    tall_screenshot(page, screenshot, f"decision-panels-{size[0]}-{lang}")
    assert not page_errors, page_errors


@pytest.mark.parametrize(("size", "lang"), [(PHONE, "id"), (LAPTOP, "en")], ids=["390-id", "1024-en"])
def test_a_budget_as_the_reader_types_it_and_a_tiny_optimisation(
    page, page_errors, dashboard_url, screenshot, size, lang
):
    _ = gettext(lang)
    open_page(page, dashboard_url, size, lang)
    optimiser, _forecast = decide(page, lang)
    check_controls(page, size[0])
    field = optimiser.locator(".optimise-budget")
    budget = field.locator("input")
    line = field.locator(".v-messages__message")
    run = optimiser.locator(".optimise-run")
    read_as = _("Read as {value}").format(value=format_number(BUDGET, lang, "money"))

    budget.fill(TYPED_BUDGET[lang])
    expect(line).to_have_text(read_as)  # 650 million, written back as the reader writes it
    expect(run).to_be_enabled()
    before = folders("dashboard-optimise-*")
    bad = BAD_BUDGETS + (("Rp 650.000.000",) if lang == "en" else ())  # the Indonesian way, on an English page
    for text in bad:
        budget.fill(text)
        expect(line).to_have_count(1)
        expect(line).to_contain_text(_("Yearly budget") + ": ")
        message = line.inner_text()
        assert "\n" not in message.strip() and read_as not in message, (text, message)
        expect(field).to_have_class(re.compile(r"\berror--text\b"))
        expect(run).to_be_disabled()  # starts nothing
    assert optimiser.locator(".optimise-progress, .optimise-done, .optimise-proposal").count() == 0
    assert folders("dashboard-optimise-*") == before

    make_design_tiny(page, lang, end=TINY_END)  # the form's design (Advanced, beside Decide): tiny runs
    budget.fill(TYPED_BUDGET[lang])
    expect(line).to_have_text(read_as)
    expect(run).to_be_enabled()
    created = None
    try:
        run.click()
        progress = optimiser.locator(".optimise-progress")
        expect(progress).to_be_visible()
        expect(progress).to_have_text(re.compile(_("{done} of {total} runs").format(done=r"\d+", total=r"\d+")))
        done = optimiser.locator(".optimise-done")
        expect(done).to_be_visible(timeout=LONG_MS)
        expect(optimiser.locator(".optimise-error")).to_have_count(0)
        folder = optimiser.locator(".optimise-folder").inner_text()
        m = re.search(r"(results/dashboard-optimise-[0-9-]+)", folder)
        assert m, folder
        created = ROOT / m.group(1)
        info = load_optimisation(created).info
        assert info["budget"] == BUDGET  # what the optimiser was given: 650 million
        assert info["changes"]["n_mothers"] == 2000 and info["changes"]["end"] == TINY_END

        cards = optimiser.locator(".optimise-proposal")
        expect(cards).to_have_count(DEFAULT_BEST)
        goal = _("Mothers registered")
        for text in cards.all_inner_texts():
            assert re.search(PERCENT[lang], text), text  # the probability of reaching the goal
            assert re.search(_("Yearly cost: **{cost}**").replace("**", "").format(cost=RUPIAH[lang]), text), text
            assert goal in text, text
        if lang == "id":
            assert english_left(optimiser.inner_text(), ("chance", "goal", "Yearly", "cost", "runs", "Proposal")) == []
        assert not page_errors, page_errors
        tall_screenshot(page, screenshot, f"decision-panels-{size[0]}-{lang}-optimiser")
    finally:
        if created is not None and created.is_dir():
            shutil.rmtree(created)


@pytest.mark.parametrize(("size", "lang"), [(PHONE, "id"), (LAPTOP, "en")], ids=["390-id", "1024-en"])
def test_a_tiny_forecast_shows_2025_to_2027_with_intervals(page, page_errors, dashboard_url, screenshot, size, lang):
    _ = gettext(lang)
    open_page(page, dashboard_url, size, lang)
    make_design_tiny(page, lang)  # 2,000 mothers, to the observed end (2024): the forecast's first year
    _optimiser, forecast = decide(page, lang)
    forecast.locator(".fc-draws input").fill(DRAWS)
    created = None
    try:
        forecast.locator(".fc-run").click()
        expect(forecast.locator(".fc-progress")).to_be_visible()
        table = forecast.locator(".fc-table")
        expect(table).to_be_visible(timeout=LONG_MS)
        expect(forecast.locator(".fc-error")).to_have_count(0)
        folder = forecast.locator(".fc-folder").inner_text()
        m = re.search(r"(results/dashboard-forecast-[0-9-]+)", folder)
        assert m, folder
        created = ROOT / m.group(1)

        head = [t.strip() for t in table.locator("thead th").all_inner_texts()]
        assert head == [_("{year} (fitted)").format(year=2024), "2025", "2026", "2027"], head
        rows = table.locator("tr.fc-row")
        expect(rows).to_have_count(len(forecast_mod.FIGURES))  # one variant: the design
        # a late re-render may rebuild the cells (median first, interval after) even after they all showed both:
        # read every cell in the one snapshot of the page where each shows its median and its interval
        snapshot = page.wait_for_function(
            """figs => {
                const rows = figs.map(f => [...document.querySelectorAll(
                    `.forecast-panel tr.fc-row-${f} td.fc-cell`)].map(e => e.innerText.trim()));
                return rows.every(r => r.length > 0 && r.every(t => t.includes('\\n'))) ? rows : null;
            }""",
            arg=list(forecast_mod.FIGURES),
            timeout=30_000,
        ).json_value()
        for fig, cells in zip(forecast_mod.FIGURES, snapshot):
            label = table.locator(f"tr.fc-label-{fig}").inner_text().strip()
            assert label == _(FIGURE_LABELS[fig]), (fig, label)
            assert len(cells) == 4, (fig, cells)
            for cell in cells:
                _median, interval = cell.strip().split("\n", 1)
                assert re.fullmatch(r"\S+ -\s+\S+", interval.strip()), (fig, cell)  # the 90% interval
        # 2027 in sight: nothing to scroll sideways, every year's header and cell inside the screen's width
        assert forecast.locator(".fc-scroll").evaluate("e => e.scrollWidth <= e.clientWidth")
        assert outside_width(page, ".forecast-panel .fc-table th, .forecast-panel .fc-table td.fc-cell", size[0]) == []
        over = forecast.locator(".fc-over")
        expect(over).to_have_count(1)  # a late re-render may show the old line beside the new one for a moment
        over = over.inner_text()
        assert "results/calibration-ipm" in over and "_" not in over.replace("calibration-ipm", ""), over
        charts = forecast.locator(".ibusim-live-chart")
        expect(charts).to_have_count(len(forecast_mod.SERIES))
        page.wait_for_function(
            "() => [...document.querySelectorAll('.forecast-panel .ibusim-live-chart')]"
            ".every(e => e.dataset.rows !== undefined && Number(e.dataset.rows) > 0)"
        )
        if lang == "id":
            words = ("fitted", "particles", "parameters", "Registrations", "Registered", "members", "Volunteers")
            assert english_left(forecast.inner_text(), words) == []
        assert not page_errors, page_errors
        tall_screenshot(page, screenshot, f"decision-panels-{size[0]}-{lang}-forecast")
    finally:
        if created is not None and created.is_dir():
            shutil.rmtree(created)
