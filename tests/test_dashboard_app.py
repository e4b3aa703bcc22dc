"""The dashboard's pages (dashboard/app.py), rendered in-process with solara.render (no browser).

Widgets are found by type and by the classes the pages give them; text fields are
edited the way the browser does it (set ``v_model``, then the "keyup.enter" event
that solara.InputText listens to). Background tasks (sweeps, the demonstration, Play)
run in threads: the tests poll for their result with a generous timeout, and assert
what happened (counts, states), never how long it took.
"""

from __future__ import annotations

import html
import shutil
import threading
import time

import ipyvuetify as v
import pytest
import solara
from dashboard_helpers import classes, page_renderer, switch_language
from dashboard_helpers import wait_for as poll

from ibusim.dashboard import app, designer, sweeps, views
from ibusim.dashboard.session import ROLES, Session
from ibusim.dashboard.widgets import LangCookie, LiveChart
from ibusim.experiments.sweep import load_results
from ibusim.i18n import gettext
from ibusim.model.outputs import fmt
from ibusim.model.parameters import PARAMS
from ibusim.model.scenarios import load
from ibusim.model.targets import load as load_targets

SMALL = "20000"  # mothers: a full run in about half a second
WAIT_S = 180  # for background work: generous, as both cores may be busy (the tests never assert durations)


# ---------------------------------------------------------------- helpers
def texts(rc, cls: str) -> list[str]:
    """Text of every solara.Text / Html widget with the class ``cls``."""
    return ["".join(map(str, w.children)) for w in rc.find(v.Html).widgets if cls in classes(w)]


def alerts(rc, cls: str) -> list[str]:
    return ["".join(map(str, w.children)) for w in rc.find(v.Alert).widgets if cls in classes(w)]


def field(rc, name: str) -> v.TextField:
    """The text field of parameter ``name``: on a programme card, or found with the Advanced search."""
    found = [w for w in rc.find(v.TextField).widgets if f"param-{name}" in classes(w)]
    if not found:
        (modes,) = [w for w in rc.find(v.BtnToggle).widgets if "role-buttons" in classes(w)]
        modes.v_model = 1  # Advanced
        (search,) = [w for w in rc.find(v.TextField).widgets if "advanced-search" in classes(w)]
        search.v_model = name
        found = [w for w in rc.find(v.TextField).widgets if f"param-{name}" in classes(w)]
    assert len(found) == 1, name
    return found[0]


def labelled(rc, label: str, kind=v.TextField):
    found = [w for w in rc.find(kind).widgets if w.label == label]
    assert found, label
    return found[0]


def enter(widget: v.TextField, text: str) -> None:
    """Type ``text`` and press Enter."""
    widget.v_model = text
    widget.fire_event("keyup.enter", None)


def click(rc, label: str) -> None:
    rc.find(v.Btn, children=[label]).widget.click()


def toggle_play_once(rc) -> None:
    """Click Play/Pause exactly once, retrying only the search for the button while the tree is in flux.

    Known issue: while the play thread re-renders the page, the label can lag behind the
    playing state (it may still say Play); the click toggles the state either way.

    The click sets the playing state before it re-renders; a re-render that meets a tree the play
    thread is rebuilding may raise, but the state is set, so the click must not be repeated (a
    second click would toggle it back, and the run would play on to its end).
    """
    clicked = []

    def once():
        if not clicked:
            (button,) = [w for w in rc.find(v.Btn).widgets if w.children in (["Play"], ["Pause"])]
            clicked.append(button)
            try:
                button.click()
            except (AssertionError, IndexError, AttributeError, ValueError):
                pass  # the re-render the click started met a tree in flux; the state is set
        return True

    wait_for(once, what="a click on Play/Pause")


def pause(rc, session, settle: float = 1.0) -> int:
    """Pause a playing run and return the week it stopped at.

    Click Pause once; then, under the session's lock (which waits for a step in flight, and the play
    loop checks Pause under it before each step), note the week and check it holds for ``settle``
    seconds. If it moved, the click went to a button a re-render had just replaced (its handler gone):
    click again. Bounded by WAIT_S.
    """
    deadline = time.monotonic() + WAIT_S
    while True:
        toggle_play_once(rc)
        with session.lock:
            week = session.model.week
        time.sleep(settle)
        with session.lock:
            if session.model.week == week:
                return week
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {WAIT_S} s waiting for the run to pause")


def markdown(rc) -> str:
    """The HTML of every solara.Markdown on the page, unescaped."""
    return "\n".join(
        html.unescape(w.template)
        for w in rc.find(v.VuetifyTemplate).widgets
        if type(w) is v.VuetifyTemplate and isinstance(w.template, str)
    )


def wait_for(predicate, timeout: float = WAIT_S, what: str = "condition"):
    """Poll ``predicate`` until it is truthy (tests/dashboard_helpers.py), by default for :data:`WAIT_S`."""
    return poll(predicate, timeout, what)


def open_tab(rc, name: str) -> None:
    rc.find(v.Tabs).widget.v_model = app.TABS.index(name)


def week_text(rc) -> str:
    (text,) = texts(rc, "run-progress")
    return text


@pytest.fixture
def render():
    """A function giving (rc, session): a Page with its own session, closed at the end of the test.

    ``small=True`` gives the session a 20,000-mother model (applied) so that runs are fast.
    """
    renderer = page_renderer()
    render_page = next(renderer)
    yield lambda small=True: render_page({"n_mothers": int(SMALL)} if small else None)
    next(renderer, None)


@pytest.fixture
def sweep_folder(monkeypatch, tmp_path):
    """Sweeps write under tmp_path/results instead of ./results."""
    monkeypatch.setattr(sweeps, "RESULTS", tmp_path / "results")
    return tmp_path / "results"


# ---------------------------------------------------------------- the page
def test_four_tabs(render):
    rc, _ = render()
    assert [w.children[0] for w in rc.find(v.Tab).widgets] == list(app.TABS)
    assert app.TABS == ("Programme design", "Sweep vs observed", "Communication", "About")
    assert rc.find(v.Tabs).widget.v_model == 0


def test_step_advances_the_week(render):
    rc, s = render()
    n = s.model.n_weeks
    assert week_text(rc).startswith(f"Week 0 of {n} (2020-04-01)")
    click(rc, "Step")
    assert week_text(rc).startswith(f"Week 1 of {n} (2020-04-08)")
    click(rc, "Step")
    assert week_text(rc).startswith(f"Week 2 of {n}")
    assert s.model.week == 2 and "finished" not in week_text(rc)


def test_run_to_end_shows_finished_and_the_cards_show_the_summary(render):
    rc, s = render()
    click(rc, "Run to end")
    assert s.finished
    assert week_text(rc).endswith(": finished")
    assert rc.find(v.Btn, children=["Step"]).widget.disabled
    summary = s.model.summary()
    targets = load_targets()
    cards = {
        next(c for c in classes(w) if c.startswith("target-") and c != "target-card"): w
        for w in rc.find(v.Card).widgets
        if "target-card" in classes(w)
    }
    assert sorted(cards) == sorted(f"target-{n}" for n in targets)
    for name, t in targets.items():
        card = cards[f"target-{name}"]
        sim = float(summary[t.summary])
        shown = [w for w in rc.find(v.Html).widgets if "card-simulated" in classes(w) and w in _descendants(card)]
        assert len(shown) == 1
        assert shown[0].children == [fmt(sim, t.unit)], name
        verdict = [w for w in _descendants(card) if isinstance(w, v.Html) and "card-verdict" in classes(w)]
        assert verdict[0].children == ["inside band" if t.inside(sim) else "outside band"], name
        assert ("#e8f5e9" if t.inside(sim) else "#ffebee") in card.style_


def _descendants(widget) -> list:
    out, todo = [], [widget]
    while todo:
        w = todo.pop()
        out.append(w)
        todo.extend(reversed([c for c in getattr(w, "children", []) or [] if not isinstance(c, str)]))
    return out


def test_numbers_on_the_cards_are_formatted_for_the_reader():
    assert app.card_number(15123.4, "mothers", "en") == "15,123"
    assert app.card_number(15123.4, "mothers", "id") == "15.123"
    assert app.card_number(0.912, "share of paying enrollees", "id") == "91,2%"
    assert app.card_number(float("nan"), "share", "en") == "-"


def test_an_edited_field_shows_the_pending_notice_until_reset(render):
    rc, s = render()
    assert alerts(rc, "pending-notice") == []
    enter(field(rc, "enrol_rate"), "0.1")
    assert s.form["enrol_rate"] == 0.1
    (notice,) = alerts(rc, "pending-notice")
    assert "Weekly chance a member applies to a paid class" in notice and "Reset" in notice  # its plain label
    assert s.model.p["enrol_rate"] != 0.1
    click(rc, "Reset")
    assert alerts(rc, "pending-notice") == []
    assert s.model.p["enrol_rate"] == 0.1 and s.model.week == 0
    assert week_text(rc).startswith("Week 0 of")


def test_a_new_seed_is_pending(render):
    rc, s = render()
    enter(labelled(rc, "Seed"), "42")
    assert s.seed == 42
    (notice,) = alerts(rc, "pending-notice")
    assert notice == "Edits pending: press Reset to apply (seed)"
    click(rc, "Reset")
    assert alerts(rc, "pending-notice") == [] and s.applied_seed == 42


def test_a_bad_value_is_refused_and_the_page_still_works(render):
    rc, s = render()
    model = s.model
    enter(field(rc, "enrol_rate"), "abc")
    assert "enrol_rate" in s.errors and s.form["enrol_rate"] == model.p["enrol_rate"]
    assert alerts(rc, "pending-notice")
    click(rc, "Reset")
    (msg,) = alerts(rc, "form-message")
    assert msg == f"fix 1 field(s) first: {s.errors['enrol_rate']}"
    assert s.errors["enrol_rate"].startswith("enrol_rate: abc is not read")
    assert s.model is model
    click(rc, "Step")  # the page still renders and steps the old model
    assert week_text(rc).startswith("Week 1 of")
    enter(field(rc, "enrol_rate"), "0.2")
    assert s.errors == {}
    click(rc, "Reset")
    assert alerts(rc, "form-message") == [] and alerts(rc, "pending-notice") == []
    assert s.model.p["enrol_rate"] == 0.2


def test_a_bad_value_shows_its_message_on_the_field(render):
    rc, s = render()
    enter(field(rc, "enrol_rate"), "abc")
    f = field(rc, "enrol_rate")
    assert f.error is True
    assert f.messages == [s.errors["enrol_rate"]]
    assert f.messages[0].startswith("enrol_rate: abc is not read")


def test_choosing_a_preset_shows_its_values_in_the_fields(render):
    rc, s = render()
    before = field(rc, "dropout_rate").v_model
    labelled(rc, "Preset", v.Select).v_model = "Baseline"
    assert s.source == "baseline" and s.form["dropout_rate"] != float(before)
    assert field(rc, "dropout_rate").v_model == s.text("dropout_rate")


def test_pending_notice_for_a_bad_field_does_not_blame_the_seed(render):
    rc, s = render()
    enter(field(rc, "enrol_rate"), "abc")
    (notice,) = alerts(rc, "pending-notice")
    assert s.seed == s.applied_seed
    assert "seed" not in notice


# ---------------------------------------------------------------- target cards
CARD = {
    "name": "registered",
    "label": "Registrations",
    "observed": 15000.0,
    "low": 13500.0,
    "high": 16500.0,
    "quote": "Sejak 2020, telah terdaftar 15ribu ibu",
    "unit": "mothers",
    "final": True,
    "pending": False,
}


@pytest.mark.parametrize(
    "simulated,inside,pending,colour,number,verdict",
    [
        (15000.0, True, False, "#e8f5e9", "15,000", "inside band"),
        (9000.0, False, False, "#ffebee", "9,000", "outside band"),
        (float("nan"), False, True, "#f5f5f5", "-", "not yet"),  # e.g. completion at week 0: no figure yet
        (float("nan"), False, True, "#f5f5f5", "after the survey", "not yet"),  # a survey figure before the survey
    ],
)
def test_target_card_colour_and_text(simulated, inside, pending, colour, number, verdict):
    card = {**CARD, "simulated": simulated, "inside": inside, "pending": pending}
    if number == "after the survey":
        card["unit"] = "share of respondents"
    _, rc = solara.render(app.TargetCard(card), handle_error=False)
    try:
        w = rc.find(v.Card).widget
        assert f"background:{colour}" in w.style_.replace(" ", "")
        assert {"target-card", "target-registered"} <= set(classes(w))
        assert texts(rc, "card-simulated") == [number]
        assert texts(rc, "card-verdict") == [verdict]
    finally:
        rc.close()


def test_target_card_says_so_far_before_the_end():
    card = {**CARD, "simulated": 9000.0, "inside": False, "final": False}
    _, rc = solara.render(app.TargetCard(card), handle_error=False)
    try:
        assert texts(rc, "card-verdict") == ["outside band (so far)"]
    finally:
        rc.close()


# ---------------------------------------------------------------- sessions
def test_each_render_has_its_own_model(render):
    rc1, s1 = render(small=False)
    rc2, s2 = render(small=False)
    assert s1 is not s2 and s1.model is not s2.model
    click(rc1, "Step")
    assert week_text(rc1).startswith("Week 1 of") and week_text(rc2).startswith("Week 0 of")
    assert s1.model.week == 1 and s2.model.week == 0
    enter(field(rc2, "enrol_rate"), "0.1")
    assert s1.form["enrol_rate"] != 0.1 and alerts(rc1, "pending-notice") == []


def live_charts(rc) -> list[LiveChart]:
    return list(rc.find(LiveChart).widgets)


def test_one_step_sends_each_chart_its_new_rows_once_and_never_re_embeds(render):
    """What keeps a step fast (benchmarks/dashboard_speed.py measures how fast).

    Per Step click each live chart of the Programme design tab gets its data once (one redraw in the browser, a Vega
    changeset) and its spec never changes (no re-embedding), and the rows are those of the new week.
    """
    rc, s = render()
    charts = live_charts(rc)
    assert len(charts) == len(views.DESIGN_SERIES)
    updates = {"values": [0] * len(charts), "spec": [0] * len(charts)}
    for i, chart in enumerate(charts):
        for trait in updates:
            chart.observe(
                lambda change, i=i: updates[change["name"]].__setitem__(i, updates[change["name"]][i] + 1), trait
            )
    rows0 = [len(c.values) for c in charts]
    steps = 5
    for week in range(1, steps + 1):
        click(rc, "Step")
        assert updates["values"] == [week] * len(charts), f"chart updates after {week} steps: {updates}"
    assert updates["spec"] == [0] * len(charts)
    assert live_charts(rc) == charts  # the same widgets, updated in place
    assert [len(c.values) for c in charts] == [r * (steps + 1) for r in rows0]  # one row per series and week
    assert week_text(rc).startswith(f"Week {steps} of") and s.model.week == steps


# ---------------------------------------------------------------- sweep vs observed
def _no_run(*args, **kwargs):
    raise AssertionError("the sweep ran")


@pytest.mark.parametrize("case", ["same factor twice", "levels 1", "levels x", "replications 0"])
def test_sweep_form_errors_are_one_line_and_run_nothing(render, sweep_folder, monkeypatch, case):
    monkeypatch.setattr(sweeps, "run_in_background", _no_run)
    rc, s = render()
    open_tab(rc, "Sweep vs observed")
    if case == "same factor twice":
        labelled(rc, "Second parameter (optional)", v.Select).v_model = "follow_rate"
        words = ["two different parameters"]
    elif case.startswith("levels"):
        enter(labelled(rc, "levels"), case.split()[1])
        words = ["follow_rate", "levels", "2-12"]
    else:
        enter(labelled(rc, "Replications"), "0")
        words = ["replications", "1-20"]
    click(rc, "Run sweep")
    (msg,) = wait_for(lambda: alerts(rc, "sweep-error"), what="the sweep-error alert")
    assert "\n" not in msg
    for w in words:
        assert w in msg
    assert not sweep_folder.exists()
    assert texts(rc, "sweep-done") == [] and texts(rc, "sweep-progress") == []


def test_a_tiny_sweep_through_the_page(render, sweep_folder):
    rc, s = render()
    s.set_value("n_mothers", "3000")  # fast runs: the sweep takes the form as it is
    s.set_value("end", "2020-12")
    open_tab(rc, "Sweep vs observed")
    assert labelled(rc, "Parameter", v.Select).v_model == "follow_rate"
    enter(labelled(rc, "low"), "0.02")
    enter(labelled(rc, "high"), "0.04")
    enter(labelled(rc, "levels"), "2")
    enter(labelled(rc, "Replications"), "1")
    click(rc, "Run sweep")
    (done,) = wait_for(lambda: texts(rc, "sweep-done"), what="the sweep to finish")
    try:
        assert alerts(rc, "sweep-error") == []
        (folder,) = sweep_folder.iterdir()
        assert folder.name.startswith("dashboard-sweep-")
        assert done.startswith("2 runs in ") and str(folder) in done
        assert texts(rc, "sweep-progress") == ["2 of 2 runs"]
        res = load_results(folder)
        assert sorted(res["follow_rate"]) == [0.02, 0.04]
        spec = (folder / "spec.toml").read_text()
        assert "n_mothers = 3000" in spec and 'end = "2020-12"' in spec
        charts = [w for w in rc.find(v.VuetifyTemplate).widgets if type(w).__name__ == "LiveChart"]
        titles = {w.spec["title"]["text"] for w in charts}
        assert "Share of runs with every target inside its band" in titles
    finally:
        shutil.rmtree(sweep_folder)


# ---------------------------------------------------------------- communication
def test_communication_page_shows_the_monitors_and_the_demonstration(render):
    rc, s = render()
    s.step(60)  # a window with people in it (the tab is drawn when opened)
    open_tab(rc, "Communication")
    monitors = [w for w in rc.find(v.Card).widgets if "comm-monitor" in classes(w)]
    assert len(monitors) == 3
    shown = [[d.children[0] for d in _descendants(w) if isinstance(d, v.Html)] for w in monitors]
    last = s.frame().iloc[-1]
    assert sorted(shown) == sorted(
        [
            ["degree centralisation", f"{last['comm_centralisation']:.2f}"],
            ["density", f"{last['comm_density']:.4f}"],
            ["pattern", str(last["comm_pattern"])],
        ]
    )
    text = markdown(rc)
    assert "week 60." in text
    assert "wheel" in text and "Bavelas" in text  # the guided explanation
    assert not texts(rc, "network-monitors")  # the demonstration waits for the class's prediction
    click(rc, "Run the demonstration")
    (demo,) = wait_for(lambda: texts(rc, "network-monitors"), what="the demonstration")
    assert demo.startswith("pattern: wheel;")
    (consequences,) = texts(rc, "demo-consequences")  # the pattern's consequences, from model/interaction.py
    assert consequences.startswith(f"By week {views.DEMO_WEEKS}: community ties formed ")
    assert "opportunities received through ties" in consequences and "share of them dormant" in consequences
    click(rc, "Draw the current window")
    snaps = wait_for(
        lambda: len(texts(rc, "network-monitors")) == 2 and texts(rc, "network-monitors"),
        what="the snapshot of the current window",
    )
    assert all(t.startswith("pattern: ") for t in snaps)
    charts = {w.spec["title"]["text"] for w in rc.find(v.VuetifyTemplate).widgets if type(w).__name__ == "LiveChart"}
    assert {c.title for c in views.communication_charts(s.frame())} <= charts


# ---------------------------------------------------------------- about
def test_about_shows_every_observed_figure_with_its_quote(render):
    rc, _ = render()
    open_tab(rc, "About")
    text = markdown(rc)
    md = app.about_markdown()
    for t in load_targets().values():
        assert t.quote in md and t.quote in text, t.name
        assert t.label in md and t.label in text, t.name
    assert "How to cite" in text


def test_tabs_are_lazy(render):
    rc, _ = render()
    assert not [w for w in rc.find(v.Select).widgets if w.label == "Parameter"]
    open_tab(rc, "Sweep vs observed")
    assert [w for w in rc.find(v.Select).widgets if w.label == "Parameter"]


# ---------------------------------------------------------------- play
def test_play_advances_until_paused(render):
    """Play steps the model in the background; Pause stops it.

    Once a step in flight has finished (it holds the session's lock), no further step starts.
    """
    rc, s = render()
    click(rc, "Play")
    wait_for(lambda: s.model.week >= 6, what="weeks to pass while playing")
    # the play thread re-renders the page meanwhile: read the tree with wait_for (it retries a tree in flux);
    # the buttons' labels and disabled states can lag while it plays (see toggle_play_once), so they are not checked
    stopped = pause(rc, s)
    wait_for(lambda: rc.find(v.Btn, children=["Play"]).widgets, what="the Play button back")
    wait_for(lambda: week_text(rc).startswith(f"Week {stopped} of"), what="the week text to catch up")
    assert s.model.week == stopped
    wait_for(lambda: not rc.find(v.Btn, children=["Step"]).widget.disabled, what="Step enabled again")


def test_renders_while_playing_show_one_consistent_week(render):
    """Play steps the model in its thread while the page re-renders.

    Every render reads one moment of the model: Play steps two weeks at a time under the
    session's lock, so a chart only ever gets the rows of an even week (a read mid-step once
    failed with "Length of values (47) does not match length of index (45)"); after Pause the
    week text, the cards and every chart show the same week.
    """
    rc, s = render()
    rows_seen = []
    chart = live_charts(rc)[0]  # Registrations: one series, one row per week
    chart.observe(lambda change: rows_seen.append(len(change["new"])), "values")  # no tree reads in a render
    click(rc, "Play")
    wait_for(lambda: s.model.week >= 30, what="30 weeks of playing")
    pause(rc, s)  # the tree may be in flux
    wait_for(lambda: rc.find(v.Btn, children=["Play"]).widgets, what="the Play button back")
    with s.lock:
        week = s.model.week
    assert rows_seen and rows_seen == sorted(rows_seen), rows_seen  # renders may skip frames under load
    assert all((rows - 1) % app.PLAY_WEEKS == 0 for rows in rows_seen), rows_seen  # weeks 0, 2, 4, ...
    wait_for(lambda: week_text(rc).startswith(f"Week {week} of"), what="the week text to catch up")
    wait_for(lambda: len(live_charts(rc)[0].values) == week + 1, what="the charts to catch up")


def test_a_snapshot_waits_for_a_step_in_flight():
    """Session.snapshot() reads the model under the lock the stepping thread holds.

    A snapshot asked for during a step is of the week after it, with as many weekly rows as weeks.
    """
    s = Session()
    s.set_value("n_mothers", "2000")
    s.reset()
    model = s.model
    inside, release = threading.Event(), threading.Event()
    real_step = model.step

    def slow_step():
        inside.set()
        assert release.wait(WAIT_S)
        real_step()

    model.step = slow_step
    stepper = threading.Thread(target=s.step, args=(1,))
    stepper.start()
    assert inside.wait(WAIT_S)  # the step has begun and holds the lock
    snaps = []
    reader = threading.Thread(target=lambda: snaps.append(s.snapshot()))
    reader.start()
    reader.join(0.5)
    blocked = reader.is_alive()  # still waiting for the step (a reader that got in mid-step would be done)
    release.set()
    stepper.join(WAIT_S)
    reader.join(WAIT_S)
    assert blocked, "the snapshot did not wait for the step in flight"
    (snap,) = snaps
    assert snap.week == 1 and len(snap.frame) == 2 and list(snap.frame.index) == [0, 1]


def test_play_stops_by_itself_at_the_end(render):
    rc, s = render()
    s.step(s.model.n_weeks - 3)
    click(rc, "Play")
    wait_for(lambda: s.finished, what="the end of the run")
    wait_for(lambda: week_text(rc).endswith(": finished"), what="the finished text")
    wait_for(lambda: rc.find(v.Btn, children=["Play"]).widget.disabled, what="a disabled Play button")


def test_sweep_parameter_choice_proposes_a_range_around_the_current_form(render):
    """Choosing a parameter proposes low/high around the form's value at that moment (after a preset change too).

    A second parameter can be chosen and set back to (none).
    """
    rc, s = render()
    open_tab(rc, "Sweep vs observed")
    s.choose_preset("baseline")  # the form changes after the tab first rendered
    first = labelled(rc, "Parameter", v.Select)
    first.v_model = "dropout_rate"
    low, high = sweeps.default_range("dropout_rate", s.form["dropout_rate"])
    wait_for(lambda: labelled(rc, "low").v_model == low, what="the proposed low value")
    assert labelled(rc, "high").v_model == high
    second = labelled(rc, "Second parameter (optional)", v.Select)
    second.v_model = "follow_rate"
    wait_for(
        lambda: len([w for w in rc.find(v.TextField).widgets if w.label == "low"]) == 2,
        what="the second parameter's range",
    )
    labelled(rc, "Second parameter (optional)", v.Select).v_model = "(none)"
    wait_for(
        lambda: len([w for w in rc.find(v.TextField).widgets if w.label == "low"]) == 1,
        what="the second parameter gone",
    )


# ---------------------------------------------------------------- language, numbers, designer (issue 12)
ID = gettext("id")


@pytest.mark.parametrize(
    "cookies,headers,lang",
    [
        ({"ibusim_lang": "id"}, {"accept-language": ["en-US,en;q=0.9"]}, "id"),  # the choice made before wins
        (None, {"accept-language": ["id-ID,id;q=0.9,en;q=0.8"]}, "id"),  # else the browser's language
        ({"ibusim_lang": "fr"}, {"Accept-Language": ["en-GB"]}, "en"),  # a bad cookie is ignored
        (None, None, "en"),
        ({}, {"accept-language": ["fr-FR"]}, "en"),
    ],
)
def test_the_first_language_is_the_remembered_choice_else_the_browsers(cookies, headers, lang):
    assert app.initial_language(cookies, headers) == lang


def test_the_language_switch_translates_the_design_tab_and_is_remembered(render):
    rc, s = render()
    (cookie,) = rc.find(LangCookie).widgets
    assert cookie.lang == "" and cookie.name == app.LANG_COOKIE  # nothing chosen yet: nothing written
    assert "Run to end" in [w.children[0] for w in rc.find(v.Btn).widgets if w.children]
    switch_language(rc, "Bahasa Indonesia")
    assert s.lang == "id" and cookie.lang == "id"
    assert [w.children[0] for w in rc.find(v.Tab).widgets] == [ID(t) for t in app.TABS]
    buttons = [w.children[0] for w in rc.find(v.Btn).widgets if w.children and isinstance(w.children[0], str)]
    for english in ("Reset", "Step", "Play", "Run to end", "Revert to preset", "Clear pending edits", "Advanced"):
        assert ID(english) != english and ID(english) in buttons, english
    assert "Run to end" not in buttons
    assert texts(rc, "run-progress")[0].startswith("Minggu ke-0")
    assert set(texts(rc, "card-verdict")) == {ID("not yet")}
    switch_language(rc, "English")
    assert s.lang == "en" and cookie.lang == "en" and texts(rc, "run-progress")[0].startswith("Week 0")


def test_a_price_typed_the_indonesian_way_is_read_as_written(render):
    rc, s = render()
    switch_language(rc, "Bahasa Indonesia")
    enter(field(rc, "kembali_diri_price"), "500.000")
    assert s.form["kembali_diri_price"] == 500000.0 and s.errors == {}
    assert field(rc, "kembali_diri_price").v_model == "Rp 500.000"  # shown back as typed, reads back the same
    switch_language(rc, "English")
    assert field(rc, "kembali_diri_price").v_model == "Rp 500,000"
    enter(field(rc, "kembali_diri_price"), "500.000")  # ambiguous for an English reader: refused, not misread
    assert s.form["kembali_diri_price"] == 500000.0 and "kembali_diri_price" in s.errors
    assert field(rc, "kembali_diri_price").error is True
    switch_language(rc, "Bahasa Indonesia")
    enter(field(rc, "ibu_pebisnis_financial_effect"), "45%")  # under Advanced; a share typed as a percentage
    assert s.form["ibu_pebisnis_financial_effect"] == 0.45
    assert field(rc, "ibu_pebisnis_financial_effect").v_model == "45%"


def test_the_sweep_form_reads_numbers_as_its_reader_types_them(render, sweep_folder, monkeypatch):
    """On the Indonesian page 0,02 is two hundredths; a language switch rewrites the typed range for the new reader."""
    seen = []
    monkeypatch.setattr(sweeps, "run_in_background", lambda spec, *a, **k: seen.append(spec) or {"error": "stop"})
    rc, s = render()
    switch_language(rc, "Bahasa Indonesia")
    open_tab(rc, "Sweep vs observed")
    low, high = sweeps.default_range("follow_rate", s.form["follow_rate"], "id")
    wait_for(lambda: labelled(rc, ID("low")).v_model == low, what="the range written the Indonesian way")
    assert "," in low or low.isdigit()
    enter(labelled(rc, ID("low")), "0,02")
    enter(labelled(rc, ID("high")), "0,04")
    enter(labelled(rc, ID("levels")), "2")
    click(rc, ID("Run sweep"))
    wait_for(lambda: seen, what="the spec handed to the runner")
    assert [(f.low, f.high, f.levels) for f in seen[0].factors] == [(0.02, 0.04, 2)]
    switch_language(rc, "English")
    wait_for(lambda: labelled(rc, "low").v_model == "0.02", what="the typed low rewritten for an English reader")
    assert labelled(rc, "high").v_model == "0.04"
    enter(labelled(rc, "low"), "0,02")  # an Indonesian decimal on the English page: refused, never misread
    click(rc, "Run sweep")
    (msg,) = wait_for(lambda: [a for a in alerts(rc, "sweep-error") if a != "stop"], what="the refusal")
    assert "follow_rate" in msg and "\n" not in msg and len(seen) == 1


def test_revert_to_preset_and_clear_pending_edits(render):
    rc, s = render()
    applied = dict(s.applied)
    enter(field(rc, "ibu_pebisnis_places"), "40")
    enter(field(rc, "kembali_diri_price"), "abc")
    assert alerts(rc, "pending-notice")
    click(rc, "Clear pending edits")
    assert s.form == applied and s.errors == {} and alerts(rc, "pending-notice") == []
    assert field(rc, "ibu_pebisnis_places").v_model == s.text("ibu_pebisnis_places")
    labelled(rc, "Preset", v.Select).v_model = "IbuSibuk"
    enter(field(rc, "jika_ibu_menjadi_places"), "10")
    click(rc, "Revert to preset")
    assert s.form == load("ibusibuk") and s.pending  # the preset chosen, pending until Reset
    click(rc, "Reset")
    assert s.applied == load("ibusibuk") | {"n_mothers": s.form["n_mothers"]} or s.applied == s.form


def test_a_programme_card_opens_and_closes_its_programme(render):
    rc, s = render()
    places = s.form["ibu_pebisnis_places"]
    assert places > 0

    def switch():
        (w,) = [w for w in rc.find(v.Switch).widgets if "switch-ibu_pebisnis" in classes(w)]
        return w

    switch().v_model = False
    assert s.form["ibu_pebisnis_places"] == 0
    assert not [w for w in rc.find(v.TextField).widgets if "param-ibu_pebisnis_price" in classes(w)]
    switch().v_model = True
    assert s.form["ibu_pebisnis_places"] == places  # back to the preset's places
    (free,) = [w for w in rc.find(v.Switch).widgets if "switch-free_class" in classes(w)]
    free.v_model = False
    assert s.form["free_class"] is False


def test_the_free_class_and_the_scholarship_are_programme_cards_not_advanced():
    assert {"free_class", "scholarship_batches", "ibu_pebisnis_price"} <= designer.DESIGNER_PARAMS
    assert not {"free_class", "scholarship_batches"} & set(designer.advanced_params())
    assert sorted(designer.DESIGNER_PARAMS | set(designer.advanced_params())) == sorted(PARAMS)


def test_the_advanced_search_shows_only_the_matching_fields(render):
    rc, s = render()
    (modes,) = [w for w in rc.find(v.BtnToggle).widgets if "role-buttons" in classes(w)]
    modes.v_model = 1
    assert not [w for w in rc.find(v.TextField).widgets if any(c.startswith("param-") for c in classes(w))]
    (search,) = [w for w in rc.find(v.TextField).widgets if "advanced-search" in classes(w)]
    search.v_model = "price sens"
    shown = [c for w in rc.find(v.TextField).widgets for c in classes(w) if c.startswith("param-")]
    assert shown == ["param-price_sensitivity"]
    assert designer.search("PRICE_sensitivity", "id") == ["price_sensitivity"]
    assert designer.search("zzz", "en") == []


@pytest.mark.parametrize(
    "state,final,colour,verdict,observed_line",
    [
        ("not_yet", False, "#f5f5f5", "not yet", True),
        ("outside", False, app.SO_FAR_OUTSIDE, "outside band (so far)", True),
        ("outside", True, "#ffebee", "outside band", True),
        ("no_figure", True, "#f5f5f5", "no observed figure for this community", False),
        ("closed", True, "#f5f5f5", "empty: no paid class open", True),
    ],
)
def test_target_card_states(state, final, colour, verdict, observed_line):
    card = {**CARD, "simulated": 9000.0, "inside": False, "pending": state == "not_yet"}
    card |= {"state": state, "final": final, "start": "2021-01-01", "label": "Mothers registered since {start}"}
    _, rc = solara.render(app.TargetCard(card, "en"), handle_error=False)
    try:
        w = rc.find(v.Card).widget
        assert f"background:{colour}" in w.style_.replace(" ", "")
        assert texts(rc, "card-verdict") == [verdict]
        all_text = " ".join("".join(map(str, t.children)) for t in rc.find(v.Html).widgets)
        assert "Mothers registered since January 2021" in all_text and "2020" not in all_text
        assert ("IPM observed" in all_text) == observed_line
    finally:
        rc.close()


def test_an_ibusibuk_run_never_shows_ipm_figures_as_failures(render):
    rc, s = render()
    labelled(rc, "Preset", v.Select).v_model = "IbuSibuk"
    s.form["n_mothers"] = int(SMALL)
    click(rc, "Reset")
    click(rc, "Run to end")
    verdicts = texts(rc, "card-verdict")
    assert verdicts and set(verdicts) == {"no observed figure for this community"}
    assert not [w for w in rc.find(v.Card).widgets if "#ffebee" in (w.style_ or "")]


def test_the_advanced_groups_are_the_planners_roles():
    mothers = designer.search("", "en", "Mothers")
    assert mothers and all(PARAMS[n].group in ROLES["Mothers"] for n in mothers)
    assert "free_class" not in mothers  # on the programme cards now
    assert set(designer.search("rate", "en", "Admins")) <= set(designer.search("rate", "en"))


def test_field_hints_write_the_allowed_range_as_the_reader_does():
    assert "Rp 0" in designer.field_hint("kembali_diri_price", "id") and "Rp 100.000.000" in designer.field_hint(
        "kembali_diri_price", "id"
    )
    assert "Rp 100,000,000" in designer.field_hint("kembali_diri_price", "en")
    assert "100%" in designer.field_hint("kembali_diri_financial_effect", "id")
    on_card = designer.field_hint("kembali_diri_places", "en", on_card=True)
    assert not on_card.startswith("Kembali Diri:")  # the card already names the programme
    for name in PARAMS:  # every parameter has a hint in both languages, its sentences ended and begun
        for lang in ("id", "en"):
            hint = designer.field_hint(name, lang)
            assert hint and hint.endswith(".") and ".." not in hint, (name, lang, hint)
    # the help's sentence ends before the allowed values begin, with a capital (it ran on: "closed) From",
    # "cohort. a month written")
    assert "(0 = programme closed). From 0" in designer.field_hint("kembali_diri_places", "en", on_card=True)
    assert "first cohort. A month written YYYY-MM" in designer.field_hint("kembali_diri_start", "en", on_card=True)
    assert "pertama. Bulan ditulis TTTT-BB" in designer.field_hint("kembali_diri_start", "id", on_card=True)
