"""The ibusim dashboard (Solara). Start it with ``ibusim dashboard``.

Four tabs:

* **Programme design** (community planners): controls generated from the parameter
  declarations, grouped by role, presets and scenario files, seed, reset / step /
  play / run to end, live series with the observed bands, target cards, and "Decide"
  (dashboard/decision.py): an A/B comparison of two designs over common seeds or a posterior, and a forecast;
* **Sweep vs observed** (researchers): one or two parameters swept in the
  background with the experiments package, each target against the parameter with
  its observed band, the region where every target lands inside;
* **Communication** (teachers), a classroom mode (dashboard/classroom.py): guidance at
  week 0, a guided explanation, predict-then-run with the "admins lead" vs "peers talk"
  demonstration, a printable worksheet; one chart per kind of interactivity, by channel,
  the current window's network, centralisation and density;
* **About**: the model, the observed figures with their quotes, how to cite.

Each browser session builds its own :class:`~ibusim.dashboard.session.Session` (model and
form) inside the page, so two users never share a model. The Play loop steps that model
in a background thread; a render reads it through one ``Session.snapshot()`` under the
session's lock, so the week, the cards and the charts always show the same week. Plain Solara components
are used rather than Mesa's SolaraViz: SolaraViz's parameter panel cannot show a
validation message next to a field, group controls by role or hold edits pending
until a reset, and its module-level model would be shared between sessions.
"""

from __future__ import annotations

import time
from pathlib import Path

import ipywidgets
import solara

from ibusim.i18n import gettext
from ibusim.model.outputs import fmt
from ibusim.model.parameters import PARAMS, ParameterError
from ibusim.model.patterns import PATTERNS
from ibusim.model.targets import load as load_targets

from . import charts, classroom, decision, sweeps, views
from .session import PRESETS, ROLES, Session, role_params
from .widgets import LiveChart

# let a field's help text wrap instead of running into the next field
CSS = """
.v-text-field__details, .v-messages, .v-messages__wrapper { min-height: auto !important; height: auto !important; }
.v-messages__message { line-height: 1.25 !important; white-space: normal !important; }
.v-text-field { margin-bottom: 4px; margin-top: 10px; }
.role-buttons { flex-wrap: wrap; }
"""
TABS = ("Programme design", "Sweep vs observed", "Communication", "About")
PLAY_WEEKS = 2  # weeks per frame while playing
PLAY_PAUSE = 0.05  # seconds between frames
SETTLE_POLLS = 40  # pauses (2 s) Play waits for its frame on the page before it asks again
SETTLE_TRIES = 10  # requests for one frame before Play goes on without it


# ------------------------------------------------------------------ shared pieces
@solara.component
def ChartView(chart: charts.Chart, png=None):
    """A chart drawn by the browser (Vega-Lite), with a PNG download drawn by matplotlib.

    ``png``: a callable giving the PNG bytes when the button is pressed. Pass one that
    stays the same between renders for charts that change every step (FileDownload
    restarts its worker whenever its data argument changes).
    """
    with solara.Column(gap="0px", style={"min-width": "350px"}):
        spec, values = charts.vega(chart)
        LiveChart.element(spec=spec, values=values)
        solara.FileDownload(
            png or (lambda: charts.png(chart)), filename=chart.filename, label="PNG", mime_type="image/png"
        )


def _fmt(x: float, unit: str) -> str:
    """A figure on a target card: the catalogue's format (model/outputs.py); a survey figure before the survey."""
    return "after the survey" if x != x else fmt(x, unit)


@solara.component
def TargetCard(card: dict):
    """Simulated vs observed for one target, green when inside the band."""
    inside = card["inside"]
    colour = "#e8f5e9" if inside else ("#f5f5f5" if card["pending"] else "#ffebee")
    verdict = "inside band" if inside else ("not yet measured" if card["pending"] else "outside band")
    if not card["final"] and not card["pending"]:
        verdict += " (so far)"
    with solara.Card(
        style={"background": colour, "width": "190px", "margin": "4px"},
        classes=["target-card", f"target-{card['name']}"],
    ):
        solara.Text(card["label"], style={"font-size": "0.8em", "font-weight": "bold"})
        solara.Text(
            _fmt(card["simulated"], card["unit"]),
            classes=["card-simulated"],
            style={"font-size": "1.5em", "display": "block"},
        )
        solara.Text(
            f"observed {_fmt(card['observed'], card['unit'])} "
            f"(band {_fmt(card['low'], card['unit'])}-{_fmt(card['high'], card['unit'])})",
            style={"font-size": "0.75em", "display": "block"},
        )
        solara.Text(verdict, classes=["card-verdict"], style={"font-size": "0.75em"})


@solara.component
def ParamField(session: Session, name: str, on_change, text: str, error: str | None):
    """One control generated from a parameter declaration.

    Label with the unit, the help text and the allowed values under it, or the validation message in its place when
    the text is not allowed.

    ``text`` and ``error`` (what the field shows) are arguments so that the field re-renders when
    they change: reacton re-renders a child only when its arguments change.
    """
    p = PARAMS[name]
    label = f"{name} ({p.unit})" if p.unit else name
    hint = f"{p.help} {p.allowed}; {p.provenance}."

    def set_text(text):
        session.set_value(name, text if text is not None else "")
        on_change()

    if p.type == "bool":
        solara.Checkbox(
            label=f"{label}: {p.help}",
            value=bool(session.form[name]),
            on_value=lambda v: (session.set_value(name, bool(v)), on_change()),
        )
    elif p.type == "choice":
        solara.Select(
            label=label,
            values=list(p.choices),
            value=session.form[name],
            on_value=lambda v: (session.set_value(name, v), on_change()),
            dense=True,
        )
    else:
        solara.InputText(
            label,
            value=text,
            on_value=set_text,
            error=error or False,
            message=error or hint,
            dense=True,
            classes=[f"param-{name}"],
        )


# ------------------------------------------------------------------ programme design
@solara.component
def Buttons(
    session: Session,
    run_v: solara.Reactive,
    form_v: solara.Reactive,
    playing: solara.Reactive,
    is_playing: bool,
    shown: dict | None = None,
):
    """Reset / step / play / run to end (re-rendered on every step; the fields are not).

    The playing state is read here, at render time, not only taken from the caller: a render
    started by the play thread before a Pause can commit after the Pause's own render, and the
    play loop's last render (after it stops) then shows the state as it is. ``shown`` records
    what the last render pass put on the page (playing, week), so the play loop can tell that
    its frame got through.
    """
    _ = run_v.value
    is_playing = playing.value
    state = (is_playing, session.model.week)

    def record_shown():  # an effect: it runs once the render pass has put this on the page
        if shown is not None:
            shown["state"] = state

    solara.use_effect(record_shown, None)

    # the session's methods take its lock; reactives are set outside it (see Session)
    def reset():
        playing.set(False)
        session.reset()
        run_v.set(run_v.value + 1)
        form_v.set(form_v.value + 1)

    def step():
        session.step(1)
        run_v.set(run_v.value + 1)

    def run_to_end():
        playing.set(False)
        session.run_to_end()
        run_v.set(run_v.value + 1)

    with solara.Row(gap="4px"):
        solara.Button("Reset", on_click=reset, color="primary")
        solara.Button("Step", on_click=step, disabled=session.finished or is_playing)
        solara.Button(
            "Pause" if is_playing else "Play",
            on_click=lambda: playing.set(not playing.value),
            disabled=session.finished,
        )
        solara.Button("Run to end", on_click=run_to_end, disabled=session.finished)


@solara.component
def Notices(session: Session, form_v: solara.Reactive):
    """The pending-edits notice (naming the fields) and the form-wide message."""
    _ = form_v.value
    if session.pending:
        names = [*session.errors, *(n for n in session.edited if n not in session.errors)]
        if session.seed != session.applied_seed and "seed" not in names:
            names.append("seed")
        what = ", ".join(names[:6]) + ("..." if len(names) > 6 else "")
        solara.Warning(f"Edits pending: press Reset to apply ({what})", classes=["pending-notice"], dense=True)
    if session.message:
        solara.Error(session.message, classes=["form-message"], dense=True)


@solara.component
def Controls(
    session: Session,
    form_v: solara.Reactive,
    run_v: solara.Reactive,
    playing: solara.Reactive,
    is_playing: bool,
    shown: dict | None = None,
):
    """Presets, scenario files, seed, the buttons and the parameter fields of one role."""
    role, set_role = solara.use_state("Programmes")
    file_message, set_file_message = solara.use_state("")
    _ = form_v.value  # re-render when the form changes
    bump = lambda: form_v.set(form_v.value + 1)  # noqa: E731

    def preset(label):
        session.choose_preset(PRESETS[label])
        bump()

    def load_file(name: str, data: bytes):
        err = session.load_scenario(data, name)
        set_file_message(err or f"loaded {name}: press Reset to apply")
        bump()

    def on_file(info):  # dropped on the zone
        load_file(info["name"], info["data"])

    def on_upload(files):  # chosen with the button
        if files:
            load_file(files[0]["name"], bytes(files[0]["content"]))

    with solara.Column(gap="6px"):
        solara.Select(
            label="Preset",
            values=list(PRESETS),
            value=next((k for k, v in PRESETS.items() if v == session.source), None),
            on_value=preset,
        )
        solara.FileDrop(label="Drop a scenario .toml here to load it", on_file=on_file, lazy=False)
        ipywidgets.FileUpload.element(
            accept=".toml",
            multiple=False,
            description="Open scenario (.toml)",
            on_value=on_upload,
            layout={"width": "auto"},
        )
        if file_message:
            (solara.Error if file_message.startswith("scenario file") else solara.Info)(
                file_message, classes=["file-message"], dense=True
            )
        solara.FileDownload(
            session.scenario_toml, filename="scenario.toml", label="Save scenario (.toml)", mime_type="application/toml"
        )
        with solara.Row():
            solara.InputText(
                "Seed",
                value=session.text("seed"),
                on_value=lambda t: (session.set_seed(t or ""), bump()),
                error=session.errors.get("seed") or False,
                message=session.errors.get("seed"),
                dense=True,
            )
            solara.Button("New seed", on_click=lambda: (session.new_seed(), bump()), text=True)
        Notices(session, form_v)
        Buttons(session, run_v, form_v, playing, is_playing, shown)
        solara.ToggleButtonsSingle(
            value=role, values=list(ROLES), on_value=set_role, dense=True, classes=["role-buttons"]
        )
        with solara.Column(gap="2px", style={"max-height": "480px", "overflow-y": "auto"}):
            for name in role_params(role):
                ParamField(session, name, bump, session.text(name), session.errors.get(name)).key(f"{role}-{name}")


@solara.component
def RunView(session: Session, run_v: solara.Reactive):
    """The current run: week, CSV download, target cards and the live design charts (one snapshot)."""
    _ = run_v.value
    snap = session.snapshot()  # one moment of the model, even while Play steps it

    def png_of(title):  # drawn from the model's state at the time of the click
        return lambda: charts.png(next(c for c in views.design_charts(session.frame()) if c.title == title))

    pngs = solara.use_memo(lambda: {row[0]: png_of(row[0]) for row in views.DESIGN_SERIES}, [])
    with solara.Column(gap="6px"):
        with solara.Row(style={"align-items": "center"}):
            solara.Text(
                f"Week {snap.week} of {snap.n_weeks} ({snap.date})" + (": finished" if snap.finished else ""),
                classes=["run-progress"],
            )
            solara.FileDownload(
                session.csv,
                filename=f"ibusim-seed{snap.applied_seed}.csv",
                label="CSV of this run",
                mime_type="text/csv",
            )
        with solara.Row(style={"flex-wrap": "wrap"}, gap="0px"):
            for card in snap.cards:
                TargetCard(card).key(card["name"])
        with solara.Row(style={"flex-wrap": "wrap"}):
            for chart in views.design_charts(snap.frame):
                ChartView(chart, pngs[chart.title]).key(chart.title)


@solara.component
def DesignPage(session: Session, form_v: solara.Reactive, run_v: solara.Reactive):
    """The Programme design tab: controls on the left, the run (or Decide: A/B and forecast) on the right."""
    playing = solara.use_memo(lambda: solara.reactive(False), [])
    shown = solara.use_memo(dict, [])  # what the buttons last showed (Buttons)

    def show(done) -> None:
        """Ask for a render and wait until the buttons have shown what ``done`` wants; bounded.

        Waiting for each frame keeps Play from outrunning the page: a render requested while
        another thread renders is left to that thread, which renders again for every new request,
        so unthrottled frames could keep it (a click's handler, say Pause's) busy until the run
        ends. And a request that meets a render pass just past its last check is dropped, so the
        request is repeated until the page shows it.
        """
        for _ in range(SETTLE_TRIES):
            run_v.set(run_v.value + 1)
            for _ in range(SETTLE_POLLS):
                if done(shown.get("state", (None, -1))):
                    return
                time.sleep(PLAY_PAUSE)

    def play_loop():
        while True:
            with session.lock:  # Pause takes effect before the next step: no step starts after it
                if not playing.value:
                    break
                session.step(PLAY_WEEKS)
                week, done = session.model.week, session.finished
            if done:
                playing.set(False)
                break
            show(lambda state: state[1] >= week or not playing.value)  # this frame is on the page
            time.sleep(PLAY_PAUSE)
        # the last render, once stopped: no render from the loop comes after it
        show(lambda state: state == (False, session.model.week) or playing.value)

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)
    mode, set_mode = solara.use_state("Single run")
    with solara.Columns([2, 5]):
        # playing.value as an argument: the buttons re-render with it whichever thread renders
        Controls(session, form_v, run_v, playing, playing.value, shown)
        with solara.Column():
            solara.ToggleButtonsSingle(value=mode, values=["Single run", "Decide"], on_value=set_mode)
            if mode == "Single run":
                RunView(session, run_v)
            else:  # decision support: the A/B comparison and the forecast (dashboard/decision.py)
                decision.ComparisonPanel(session, session.lang)
                decision.ForecastPanel(session, session.lang)


# ------------------------------------------------------------------ sweep vs observed
@solara.component
def FactorInputs(session: Session, label: str, factor: dict, set_factor, optional: bool):
    """A parameter to sweep, with its range and levels.

    Choosing one proposes a range around the form's current value (see sweeps.default_range).
    """
    names = sweeps.sweepable()
    values = (["(none)"] if optional else []) + names

    def choose(n):
        if n == "(none)":
            set_factor({"levels": factor.get("levels", "3")})
            return
        lo, hi = sweeps.default_range(n, session.form[n])
        set_factor({**factor, "name": n, "low": lo, "high": hi})

    with solara.Row():
        solara.Select(label=label, values=values, value=factor.get("name") or "(none)", on_value=choose)
        if factor.get("name") and PARAMS[factor["name"]].type != "bool":
            solara.InputText("low", value=factor["low"], on_value=lambda v: set_factor({**factor, "low": v}))
            solara.InputText("high", value=factor["high"], on_value=lambda v: set_factor({**factor, "high": v}))
            solara.InputText(
                "levels", value=str(factor["levels"]), on_value=lambda v: set_factor({**factor, "levels": v})
            )


@solara.component
def SweepPage(session: Session):
    """The Sweep vs observed tab: one or two parameters swept in the background against the targets."""

    def initial(name):
        lo, hi = sweeps.default_range(name, session.form[name])
        return {"name": name, "low": lo, "high": hi, "levels": "5"}

    f1, set_f1 = solara.use_state(initial("follow_rate"))
    f2, set_f2 = solara.use_state({"levels": "3"})
    reps, set_reps = solara.use_state("2")
    error, set_error = solara.use_state("")
    progress, set_progress = solara.use_state(None)
    result, set_result = solara.use_state(None)

    def run():
        factors = [dict(f) for f in (f1, f2) if f.get("name")]
        try:
            n = int(reps)
        except ValueError:
            n = reps
        try:
            spec = sweeps.build_spec(factors, session.changes(), n, session.seed)
        except (ValueError, ParameterError) as e:  # SpecError is a ValueError
            set_error(str(e))
            return
        set_error("")
        folder = sweeps.new_folder()
        set_progress({"total": len(spec.points()) * spec.replications, "done": 0, "failed": 0})
        out = sweeps.run_in_background(spec, folder, set_progress)
        if "error" in out:
            set_error(out["error"])
            return
        from ibusim.experiments.sweep import load_results

        set_result(
            {
                "folder": folder,
                "results": load_results(folder),
                "factors": [f.name for f in spec.factors],
                "spec": spec.source,
            }
        )

    task = solara.lab.use_task(run, dependencies=None, raise_error=False)
    with solara.Column():
        solara.Markdown(
            "Sweep one or two parameters over a grid (the other parameters as in the "
            "Programme design form), several replications per point. Each target is "
            "plotted against the parameter with its observed band; green shading marks "
            "values where at least half the runs land **every** target inside its band."
        )
        FactorInputs(session, "Parameter", f1, set_f1, optional=False)
        FactorInputs(session, "Second parameter (optional)", f2, set_f2, optional=True)
        with solara.Row():
            solara.InputText("Replications", value=reps, on_value=set_reps)
            solara.Button("Run sweep", on_click=task, disabled=task.pending, color="primary")
        if error:
            solara.Error(error, classes=["sweep-error"])
        if task.error:
            solara.Error(f"the sweep failed: {task.exception}", classes=["sweep-error"])
        if progress:
            total = max(progress.get("total", 1), 1)
            done = progress.get("done", 0) + progress.get("failed", 0)
            eta = progress.get("eta_s")
            solara.ProgressLinear(100 * done / total)
            solara.Text(
                f"{done} of {total} runs"
                + (f", about {eta:.0f} s left" if eta and task.pending else "")
                + (f", {progress['failed']} failed" if progress.get("failed") else ""),
                classes=["sweep-progress"],
            )
        if result is not None and not task.pending:
            res = result["results"]
            folder = Path(result["folder"])
            with solara.Row():
                solara.FileDownload(
                    lambda: res.to_csv(index=False).encode(),
                    filename="sweep.csv",
                    label="Results (CSV)",
                    mime_type="text/csv",
                )
                solara.FileDownload(lambda: _parquet(folder), filename="sweep.parquet", label="Results (Parquet)")
                solara.FileDownload(result["spec"].encode(), filename="spec.toml", label="Spec (TOML)")
            solara.Text(
                f"{len(res)} runs in {folder}; rerun it with: ibusim sweep {folder}/spec.toml", classes=["sweep-done"]
            )
            with solara.Row(style={"flex-wrap": "wrap"}):
                for chart in views.sweep_charts(res, result["factors"]):
                    ChartView(chart).key(chart.title)


def _parquet(folder: Path) -> bytes:
    import io

    from ibusim.experiments.sweep import load_results

    buf = io.BytesIO()
    load_results(folder).to_parquet(buf, index=False)
    return buf.getvalue()


# ------------------------------------------------------------------ communication
@solara.component
def NetworkView(snap: dict, title: str, lang: str = "en"):
    """A communication network snapshot drawn, with its monitors under it."""
    with solara.Column(gap="2px", style={"max-width": "100%"}):
        # the network is drawn 420 px wide (charts.vega): on a phone it scrolls in its own box, not the page
        with solara.Column(classes=["scroll-x"], style={"max-width": "100%", "overflow-x": "auto"}):
            ChartView(views.network_chart(snap, title))
        solara.Text(views.monitors_text(snap, lang), classes=["network-monitors"])


@solara.component
def SettingTitle(text: str):
    """A card's heading that wraps between words (a Vuetify card title breaks inside them on a phone)."""
    solara.Text(text, style={"font-size": "1.15em", "font-weight": "500", "display": "block", "margin-bottom": "6px"})


@solara.component
def PredictionForm(predictions: dict, set_predictions, lang: str):
    """For each setting of the demonstration: the pattern and the centralisation the class expects."""
    _ = gettext(lang)
    patterns = {classroom.pattern_label(p, lang): p for p in PATTERNS}
    levels = {classroom.level_label(lv, lang): lv for lv in classroom.LEVELS}

    def choose(setting, what, value):
        set_predictions({**predictions, setting: {**predictions.get(setting, {}), what: value}})

    with solara.Row(style={"flex-wrap": "wrap"}, gap="0px"):  # one card per setting, side by side when wide
        for setting in classroom.SETTINGS:
            chosen = predictions.get(setting, {})
            with solara.Card(
                classes=["prediction-card"], style={"margin": "4px", "flex": "1 1 320px", "max-width": "100%"}
            ):
                SettingTitle(_(classroom.SETTING_NAMES[setting]))
                solara.Select(
                    _("Pattern you expect"),
                    values=list(patterns),
                    value=next((k for k, v in patterns.items() if v == chosen.get("pattern")), None),
                    on_value=lambda label, s=setting: choose(s, "pattern", patterns[label]),
                    classes=["predict-pattern"],
                )
                solara.Select(
                    _("Centralisation you expect"),
                    values=list(levels),
                    value=next((k for k, v in levels.items() if v == chosen.get("level")), None),
                    on_value=lambda label, s=setting: choose(s, "level", levels[label]),
                    classes=["predict-level"],
                )


@solara.component
def ComparisonView(predictions: dict, results: dict, lang: str):
    """The class's prediction beside what the model measured, per setting: right or wrong, and why."""
    _ = gettext(lang)
    with solara.Row(style={"flex-wrap": "wrap"}, gap="0px"):  # one card per setting, side by side when wide
        for setting in classroom.SETTINGS:
            chosen = predictions.get(setting, {})
            snap = results[setting]
            with solara.Card(
                classes=["comparison-card"], style={"margin": "4px", "flex": "1 1 320px", "max-width": "100%"}
            ):
                SettingTitle(_(classroom.SETTING_NAMES[setting]))
                if chosen.get("pattern") and chosen.get("level"):
                    j = classroom.judge(setting, chosen["pattern"], chosen["level"], snap, lang)
                    colour = "#2e7d32" if j["pattern_right"] and j["level_right"] else "#b71c1c"
                    if j["pattern_right"] != j["level_right"]:
                        colour = "#e65100"
                    solara.Text(
                        j["verdict"], classes=["comparison-verdict"], style={"font-weight": "bold", "color": colour}
                    )
                    solara.Markdown(
                        f"- {_('Your prediction')}: {j['predicted']}\n- {_('The model measured')}: {j['measured']}\n\n"
                        f"{j['why']}"
                    )
                else:
                    solara.Text(_("No prediction made for this setting."), classes=["comparison-verdict"])
                    solara.Markdown(f"{_('The model measured')}: {views.monitors_text(snap, lang)}")


@solara.component
def CommunicationPage(session: Session, run_v: solara.Reactive):
    """The Communication tab in classroom mode: guidance, explanation, predict then run, compare, the worksheet.

    The demonstration runs both settings once the class has predicted and presses the button; the current run's
    interactivity (one chart per kind) and its network follow, or the week-0 guidance while nothing has run.
    """
    _run = run_v.value  # read, so that this re-renders when the model changes
    lang = session.lang
    _ = gettext(lang)
    snap, set_snap = solara.use_state(None)
    shown, set_shown = solara.use_state("Admins lead")
    predictions, set_predictions = solara.use_state({})
    results, set_results = solara.use_state(None)
    started, set_started = solara.use_state(False)
    ran_with, set_ran_with = solara.use_state({})  # the predictions as they were when the class pressed Run

    def take():
        with session.lock:
            snap = views.network_snapshot(session.model)
        set_snap(snap)

    def run_demo():
        if not started:
            return None
        set_results({s: views.demonstration(s, seed=session.seed) for s in classroom.SETTINGS})

    demo_task = solara.lab.use_task(run_demo, dependencies=[started], raise_error=False)
    # the same callable between renders (FileDownload restarts its worker when its data changes)
    sheet = solara.use_memo(lambda: lambda: classroom.worksheet(lang).encode("utf-8"), [lang])

    def start():
        set_ran_with(predictions)  # changing a prediction afterwards does not change the verdict shown
        set_results(None)
        if started:
            demo_task()  # run again (a new seed, or after a failure)
        else:
            set_started(True)

    with session.lock:
        df, week = session.frame(), session.model.week
    with solara.Column():
        if classroom.show_guidance(week):
            with solara.Column(classes=["week0-guidance"]):
                solara.Markdown(classroom.guidance(lang))
        with solara.Details(_("The guided explanation"), expand=classroom.show_guidance(week)):
            with solara.Column(classes=["classroom-explanation"]):
                solara.Markdown(classroom.explanation(lang))
        solara.FileDownload(
            sheet,
            filename=classroom.worksheet_filename(lang),
            label=_("Worksheet to print (HTML)"),
            mime_type="text/html",
        )
        solara.Markdown("### " + _("Predict, then run: wheel or all-channel?"))
        PredictionForm(predictions, set_predictions, lang)
        solara.Button(_("Run the demonstration"), on_click=start, color="primary", disabled=demo_task.pending)
        if demo_task.error:
            solara.Error(_("the demonstration failed: {error}").format(error=demo_task.exception))
        elif demo_task.pending:
            solara.ProgressLinear(True)
        if results is not None and not demo_task.pending:
            ComparisonView(ran_with, results, lang)
            solara.ToggleButtonsSingle(
                value=shown,
                values=[],  # the buttons below carry the values, with translated labels
                on_value=set_shown,
                children=[solara.Button(_(classroom.SETTING_NAMES[s]), value=s) for s in classroom.SETTINGS],
                style={"flex-wrap": "wrap", "max-width": "100%", "height": "auto"},
            )
            with solara.Row(style={"flex-wrap": "wrap"}):
                with solara.Column(style={"max-width": "100%"}):
                    NetworkView(
                        results[shown],
                        _("{setting}: the third year").format(setting=_(classroom.SETTING_NAMES[shown])),
                        lang,
                    )
                    solara.Text(views.consequences_text(results[shown], lang), classes=["demo-consequences"])
                with solara.Column(style={"max-width": "36em"}):
                    solara.Markdown(_(views.DEMO_TEXT[shown]) + "\n\n" + _(views.DEMO_CONSEQUENCES))
        solara.Markdown("### " + _("Interactivity of the current run"))
        if classroom.show_guidance(week):
            solara.Text(_("No week has run yet: its charts appear after Step or Run to end."), classes=["comm-empty"])
            return
        last = df.iloc[-1]
        solara.Markdown(_("The current run (Programme design tab), week {week}.").format(week=week))
        with solara.Row(style={"flex-wrap": "wrap"}):
            for label, value in (
                (_("degree centralisation"), views.fixed(last["comm_centralisation"], lang, 2)),
                (_("density"), views.fixed(last["comm_density"], lang, 4)),
                (
                    _("pattern"),
                    classroom.pattern_label(str(last["comm_pattern"]), lang),
                ),
            ):
                with solara.Card(style={"width": "180px"}, classes=["comm-monitor"]):
                    solara.Text(label, style={"font-size": "0.8em"})
                    solara.Text(value, style={"font-size": "1.4em", "display": "block"})
        with solara.Row(style={"flex-wrap": "wrap"}):
            for chart in views.communication_charts(df, lang):
                ChartView(chart).key(chart.title)
        solara.Markdown("### " + _("The communication network of the current window"))
        solara.Button(_("Draw the current window"), on_click=take)
        if snap is not None:
            NetworkView(snap, _("Communication network, week {week}").format(week=snap["week"]), lang)


# ------------------------------------------------------------------ about
def about_markdown() -> str:
    """The About tab as Markdown: the model in brief, the observed figures with quotes, how to cite."""
    rows = ["| figure | observed | band | quote | source |", "|---|---|---|---|---|"]
    for t in load_targets().values():
        rows.append(
            f"| {t.label} | {fmt(t.value, t.unit)} | {fmt(t.low, t.unit)}-{fmt(t.high, t.unit)} "
            f'| "{t.quote}" | {t.source} |'
        )
    return "\n".join(
        [
            "## ibusim",
            "An agent-based simulation of how online empowerment communities for mothers grow: Indonesian "
            "communities such as **Ibu Punya Mimpi** (IPM) and **IbuSibuk**, which help mothers who paused work or "
            "dreams after marriage, childbirth, a long-distance marriage or migration, through a free entry class, "
            "paid cohort classes, a business scholarship, volunteering that leads into the management team, and "
            "paid momfluencer work for brands.",
            "### The model in brief (ODD)",
            "- **Purpose**: reproduce IPM's 2024 figures and let planners, researchers and teachers test programme "
            "designs and watch computer-mediated communication.",
            "- **Entities**: mothers (numpy arrays; registered mothers are Mesa agents), admins, volunteers and "
            "managers (the same mothers with a role), brands; a social-tie network and the community's channels "
            "(Telegram, WhatsApp cohorts, RUMII forum, Instagram, Zoom, the learning platform, Happy Hour meetups).",
            "- **Process**: one step a week from April 2020 to December 2024: awareness, channels, onboarding via "
            "the free entry class, paid classes and the scholarship, internalisation and dormancy, Happy Hour, "
            "volunteering and promotion, momfluencers and brand campaigns, communication events; the impact "
            "survey at the end.",
            "- **Every number** is marked observed (with its quote), derived, or assumed (with the reason): "
            "`ibusim params` lists them; the full description is docs/ODD.md.",
            "### The observed figures",
            *rows,
            "",
            "Bands are assumed (rounding in the source plus run-to-run variation). Sources: 001 is the 2024 article "
            "on Ibu Punya Mimpi; 000 the study of IbuSibuk's momfluencers.",
            "### How to cite",
            "ibusim: an agent-based model of online empowerment communities for mothers (version "
            f"{_version()}). Cite the model with its version and the scenario file and seed of each run "
            "(every run folder's manifest.json records both).",
        ]
    )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ibusim")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


@solara.component
def AboutPage():
    """The About tab."""
    solara.Markdown(about_markdown())


# ------------------------------------------------------------------ the page
@solara.component
def Page():
    """The whole dashboard for one browser session (its own Session, built in the page)."""
    session = solara.use_memo(Session, [])  # one model per browser session
    # version counters, bumped when the form / the model changes; plain reactives (not
    # use_reactive, which would re-render the whole page) so only their readers re-render
    form_v = solara.use_memo(lambda: solara.reactive(0), [])
    run_v = solara.use_memo(lambda: solara.reactive(0), [])
    solara.Title("ibusim")
    solara.Style(CSS)
    with solara.AppBar():
        solara.Text("ibusim: online empowerment communities for mothers")
    with solara.lab.Tabs(lazy=True):
        with solara.lab.Tab(TABS[0]):
            DesignPage(session, form_v, run_v)
        with solara.lab.Tab(TABS[1]):
            SweepPage(session)
        with solara.lab.Tab(TABS[2]):
            CommunicationPage(session, run_v)
        with solara.lab.Tab(TABS[3]):
            AboutPage()
