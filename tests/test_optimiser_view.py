"""The optimiser panel's fields (dashboard/optimiser_view.py), in this process: what a typed number is read as.

The budget and the threshold show, under the field, the number as the page read it (``Dibaca sebagai
Rp 650.000.000``) or the one line saying why it is refused, and then Run is disabled: a number the page
cannot read starts nothing. When the page's language changes, the numbers already typed are written the
new reader's way. The panel is rendered with solara.render; nothing here runs the optimiser (the run itself
is tested in tests/test_optimise.py and, in Chromium, tests/browser/test_decision_panels.py).
"""

from __future__ import annotations

import ipyvuetify as v
import pytest
import solara

from ibusim.dashboard import optimiser_view as ov
from ibusim.dashboard.session import Session

TINY = {"n_mothers": 2000, "end": "2020-12"}


@pytest.mark.parametrize(
    ("lang", "text", "line"),
    [
        ("id", "Rp 650.000.000", "Dibaca sebagai Rp 650.000.000"),
        ("id", "650000000", "Dibaca sebagai Rp 650.000.000"),
        ("en", "Rp 650,000,000", "Read as Rp 650,000,000"),
        ("en", "650000000", "Read as Rp 650,000,000"),
    ],
)
def test_a_budget_is_shown_back_as_the_reader_writes_it(lang, text, line):
    assert ov.field_reading(lambda: ov.read_budget(text, lang), "money", lang) == (line, False)


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("text", ["650.000,000.5", "abc", ""])
def test_a_budget_the_page_cannot_read_is_one_line_naming_the_field(lang, text):
    line, bad = ov.field_reading(lambda: ov.read_budget(text, lang), "money", lang)
    assert bad
    assert "\n" not in line and line.strip() == line and line
    assert line.startswith({"id": "Anggaran", "en": "Budget" if not text else "Yearly budget"}[lang]), line


def test_the_indonesian_way_on_an_english_page_is_refused_not_misread():
    line, bad = ov.field_reading(lambda: ov.read_budget("Rp 650.000.000", "en"), "money", "en")
    assert bad and line.startswith("Yearly budget: "), line


def test_a_threshold_is_read_as_its_goal_counts_it():
    assert ov.field_reading(lambda: ov.read_threshold("15.000", "registered", "id"), "count", "id") == (
        "Dibaca sebagai 15.000",
        False,
    )
    assert ov.field_reading(lambda: ov.read_threshold("91%", "completion", "en"), "share", "en") == (
        "Read as 91%",
        False,
    )
    line, bad = ov.field_reading(lambda: ov.read_threshold("91", "completion", "id"), "share", "id")
    assert bad and line.startswith("Ambang: "), line  # a share above 1 without %


@pytest.mark.parametrize(
    ("text", "old", "new", "kind", "out"),
    [
        ("Rp 500,000,000", "en", "id", "money", "Rp 500.000.000"),
        ("Rp 650.000.000", "id", "en", "money", "Rp 650,000,000"),
        ("15,000", "en", "id", "count", "15.000"),
        ("91,5%", "id", "en", "share", "91.5%"),
        ("abc", "en", "id", "money", "abc"),  # unreadable: left as typed, refused with its reason
        ("500.000", "en", "id", "money", "500.000"),  # ambiguous in English: not guessed
    ],
)
def test_a_typed_number_is_rewritten_for_the_new_language(text, old, new, kind, out):
    assert ov.retype(text, old, new, kind) == out


def fields(rc) -> dict[str, v.TextField]:
    return {w.label: w for w in rc.find(v.TextField).widgets}


def run_button(rc) -> v.Btn:
    return next(w for w in rc.find(v.Btn).widgets if "optimise-run" in (w.class_ or ""))


def test_an_unreadable_budget_disables_run_and_says_why_in_one_line():
    session = Session(changes=TINY, lang="id")
    _, rc = solara.render(ov.OptimiserPanel(session), handle_error=False)
    try:
        budget = fields(rc)["Anggaran tahunan (Rp)"]
        assert budget.v_model == "Rp 500.000.000" and not budget.error
        assert budget.messages == ["Dibaca sebagai Rp 500.000.000"]
        assert not run_button(rc).disabled
        for bad in ("650.000,000.5", "abc"):
            budget.v_model = bad
            budget = fields(rc)["Anggaran tahunan (Rp)"]
            assert budget.error and len(budget.messages) == 1  # one line, naming the field
            assert budget.messages[0].startswith("Anggaran tahunan: ") and "\n" not in budget.messages[0]
            assert run_button(rc).disabled  # starts nothing
        budget.v_model = "Rp 650.000.000"
        budget = fields(rc)["Anggaran tahunan (Rp)"]
        assert not budget.error and budget.messages == ["Dibaca sebagai Rp 650.000.000"]
        assert not run_button(rc).disabled
        assert not rc.find(v.ProgressLinear).widgets and not rc.find(v.Card).widgets  # nothing was started
    finally:
        rc.close()


def test_the_typed_numbers_follow_the_pages_language():
    session = Session(changes=TINY, lang="en")
    lang = solara.reactive("en")

    @solara.component
    def Page():
        session.lang = lang.value
        ov.OptimiserPanel(session, lang.value)

    _, rc = solara.render(Page(), handle_error=False)
    try:
        fields(rc)["Yearly budget (Rp)"].v_model = "Rp 650,000,000"
        lang.set("id")
        shown = fields(rc)
        assert shown["Anggaran tahunan (Rp)"].v_model == "Rp 650.000.000"  # not refused as 650,000 in Indonesian
        assert shown["Ambang"].v_model == "15.000"
        assert not shown["Anggaran tahunan (Rp)"].error
        assert not run_button(rc).disabled
    finally:
        rc.close()


class FakeClock:
    """A clock the test moves by hand (seconds)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_of_run_reports_redraws_the_bar_twice_first_and_last():
    shown, clock = [], FakeClock()
    progress = ov.throttled(lambda done, total: shown.append((done, total)), every=0.25, clock=clock)
    for done in range(201):  # the optimiser reports 0 of 200, then each run as it ends: all at once here
        progress(done, 200)
    assert shown == [(0, 200), (200, 200)]


def test_reports_are_passed_on_once_per_interval_in_order_and_the_last_always():
    shown, clock = [], FakeClock()
    progress = ov.throttled(lambda done, total: shown.append((done, total)), every=0.25, clock=clock)
    for done in range(101):  # a run ends every 0.1 s for 10 s
        progress(done, 100)
        clock.now += 0.1
    counts = [d for d, _ in shown]
    assert counts[0] == 0 and counts[-1] == 100
    assert counts == sorted(counts) and len(set(counts)) == len(counts)
    assert 30 <= len(shown) <= 36  # about every third (0.3 s apart: the first report at least 0.25 s after)
    gaps = {b - a for a, b in zip(counts, counts[1:-1])}
    assert gaps == {3}, gaps  # never two within 0.25 s


def test_a_zero_interval_passes_every_report_on():
    shown = []
    progress = ov.throttled(lambda done, total: shown.append(done), every=0.0, clock=FakeClock())
    for done in range(5):
        progress(done, 4)
    assert shown == [0, 1, 2, 3, 4]


def test_the_panel_run_reports_the_optimisers_runs_throttled(tmp_path, monkeypatch):
    # the whole path the panel takes (ov.run, optimise's progress callback), sequential and tiny: the bar is
    # told the start and the end, and not each of the runs that ended within a quarter of a second
    monkeypatch.setattr(ov, "RESULTS", tmp_path)
    monkeypatch.setattr(ov, "EXECUTOR", "sequential")
    monkeypatch.setattr(ov, "PROGRESS_EVERY_S", 3600.0)  # no run takes an hour: all but the first and last skip
    session = Session(changes={"n_mothers": 600, "end": "2020-05"})
    calls = []
    res = ov.run(session, "Rp 1,000,000,000,000", "registered", "0", lambda d, t: calls.append((d, t)), draws=2)
    assert res.info["budget"] == 1e12 and ov.posterior_folder(session) is None
    total = calls[-1][1]
    assert total == len(res.runs) > 2, (total, len(res.runs))
    assert calls == [(0, total), (total, total)]
