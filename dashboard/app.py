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

The page speaks Bahasa Indonesia or English: a switch in the app bar, defaulting to the browser's
``Accept-Language`` (:func:`ibusim.i18n.from_accept_language`) and remembered in a cookie
(:data:`LANG_COOKIE`, read from the websocket's request on the next visit, so the choice survives a
reload). The language is kept in ``Session.lang`` and passed to each tab as an argument, so a switch
re-renders the tabs in it. The Programme design tab's controls come from dashboard/designer.py (one
card per programme, the rest under "Advanced" with a search box); its layout wraps at phone width.

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

import solara

from ibusim.i18n import LANGUAGES, N_, NAMES, error_text, from_accept_language, gettext, ngettext, normalise
from ibusim.model.outputs import fmt
from ibusim.model.parameters import PARAMS, ParameterError
from ibusim.model.parameters import text as param_text
from ibusim.model.patterns import PATTERNS
from ibusim.model.targets import load as load_targets
from ibusim.numbers import format_number

from . import charts, classroom, decision, designer, sweeps, views
from .designer import ParamField  # noqa: F401  (the field component; tests and other tabs use it from here)
from .optimiser_view import OptimiserPanel
from .session import PRESETS, Session
from .share_view import ShareButtons
from .widgets import FilePicker, LangCookie, LiveChart, picked_file

# let a field's help text wrap instead of running into the next field; wrap rows, buttons and cards at
# phone width (390 px) and let charts shrink to the width of the page instead of overflowing it
CSS = """
.v-text-field__details, .v-messages, .v-messages__wrapper { min-height: auto !important; height: auto !important; }
.v-messages__message { line-height: 1.25 !important; white-space: normal !important; }
.v-text-field { margin-bottom: 4px; margin-top: 10px; }
.role-buttons, .run-buttons, .seed-row, .edit-buttons, .file-row { flex-wrap: wrap; }
.run-buttons .v-btn, .edit-buttons .v-btn { margin: 2px 0; }
.v-btn { max-width: 100%; }
.v-btn__content { white-space: normal; }
.ibusim-live-chart canvas { max-width: 100% !important; height: auto !important; }
.chart-view { max-width: 100%; }
.v-toolbar__title { white-space: normal; font-size: 1.05rem; line-height: 1.2; overflow: visible; text-overflow: clip; }
.app-title { display: block; overflow-wrap: anywhere; }
.lang-switch { max-width: 190px; }
.programme-card .v-input { margin-top: 16px; }
.target-card .v-card__text, .target-card span { line-height: 1.3; }
.v-slide-group__wrapper { overflow-x: auto !important; }
.design-controls, .design-run { min-width: 0; }
.money, .ab-table td, .fc-table td { font-variant-numeric: tabular-nums; }
/* Solara's "This website runs on Solara" banner: English, over the page's bottom-right controls */
div:has(> b > a[href="https://solara.dev"]) { display: none !important; }
@media (max-width: 600px) {
  .v-main .container, .v-main .container--fluid { padding: 4px !important; }
  .target-card { width: 160px !important; }
  .v-toolbar__title { font-size: 0.95rem; line-height: 1.15; }
}
"""
TABS = (N_("Programme design"), N_("Sweep vs observed"), N_("Communication"), N_("About"))
LANG_COOKIE = "ibusim_lang"  # the language chosen on the page, remembered by the browser (a year)
EDIT_MODES = (N_("Programmes"), N_("Advanced"))
PLAY_WEEKS = 2  # weeks per frame while playing
PLAY_PAUSE = 0.05  # seconds between frames
SETTLE_POLLS = 40  # pauses (2 s) Play waits for its frame on the page before it asks again
SETTLE_TRIES = 10  # requests for one frame before Play goes on without it
MAX_SCENARIO_BYTES = 1_000_000  # a scenario file is a few kilobytes; a larger file is not read


# ------------------------------------------------------------------ shared pieces
@solara.component
def ChartView(chart: charts.Chart, png=None, lang: str = "en"):
    """A chart drawn by the browser (Vega-Lite), with a PNG download drawn by matplotlib.

    ``png``: a callable giving the PNG bytes when the button is pressed. Pass one that
    stays the same between renders for charts that change every step (FileDownload
    restarts its worker whenever its data argument changes). ``lang``: the language of
    the numbers and dates on the axes (the chart's texts come translated).
    """
    with solara.Column(gap="0px", style={"max-width": "100%"}, classes=["chart-view"]):
        spec, values = charts.vega(chart, lang)
        LiveChart.element(spec=spec, values=values)
        solara.FileDownload(
            png or (lambda: charts.png(chart, lang=lang)), filename=chart.filename, label="PNG", mime_type="image/png"
        )


def card_number(x: float, unit: str, lang: str) -> str:
    """A figure on a target card as a reader of ``lang`` reads it (``15.000``, ``91,2%``); "-" when there is none."""
    if x != x:
        return "-"
    kind = "share" if unit.startswith("share") else "count"
    return format_number(x, lang, kind, decimals=1 if kind == "share" else 0)


def month_name(iso: str, lang: str) -> str:
    """A run's first month as a reader of ``lang`` says it ("April 2020"; "Januari 2021" in Indonesian)."""
    from datetime import date

    from babel.dates import format_date

    return format_date(date.fromisoformat(iso[:10]), "MMMM y", locale="id" if lang == "id" else "en")


# state: (background, verdict; the verdict says "(so far)" before the end where marked)
CARD_LOOK = {
    "inside": ("#e8f5e9", N_("inside band"), N_("inside band (so far)")),
    "outside": ("#ffebee", N_("outside band"), N_("outside band (so far)")),
    "not_yet": ("#f5f5f5", N_("not yet"), N_("not yet")),
    "no_figure": ("#f5f5f5", N_("no observed figure for this community"), N_("no observed figure for this community")),
    "closed": ("#f5f5f5", N_("empty: no paid class open"), N_("empty: no paid class open")),
    "empty": ("#f5f5f5", N_("empty: nobody finished a paid class"), N_("empty: nobody finished a paid class")),
}
SO_FAR_OUTSIDE = "#fff8e1"  # amber: outside the band while the run is still going (not a verdict yet)


@solara.component
def TargetCard(card: dict, lang: str = "en"):
    """Simulated vs observed for one target: green inside the band, red outside it at the end of the run.

    Grey "not yet" at week 0 and for a survey figure before the survey; amber while a figure is outside
    its band before the end; no verdict for a community without observed figures (IbuSibuk), and a
    reason for an empty figure (no paid class open).
    """
    _ = gettext(lang)
    state = card.get("state") or ("inside" if card["inside"] else ("not_yet" if card["pending"] else "outside"))
    colour, final_text, so_far_text = CARD_LOOK[state]
    verdict = _(final_text if card["final"] else so_far_text)
    if state == "outside" and not card["final"]:
        colour = SO_FAR_OUTSIDE
    label = _(card["label"])
    if "{start}" in label:
        label = label.format(start=month_name(card.get("start", "2020-04-01"), lang))
    unit = card["unit"]
    survey = unit == "share of respondents"  # the impact survey's figures (model/outputs.py), known after it
    shown = (
        _("after the survey") if (survey and state == "not_yet" and card["simulated"] != card["simulated"]) else None
    )
    with solara.Card(
        style={"background": colour, "width": "190px", "margin": "4px"},
        classes=["target-card", f"target-{card['name']}", f"card-{state}"],
    ):
        solara.Text(label, style={"font-size": "0.8em", "font-weight": "bold"})
        solara.Text(
            shown or card_number(card["simulated"], unit, lang),
            classes=["card-simulated"],
            style={"font-size": "1.5em", "display": "block"},
        )
        if state != "no_figure":
            observed = _("{community} observed {observed} (band {low}-{high})").format(
                community=card.get("community") or "IPM",
                observed=card_number(card["observed"], unit, lang),
                low=card_number(card["low"], unit, lang),
                high=card_number(card["high"], unit, lang),
            )
            solara.Text(observed, style={"font-size": "0.75em", "display": "block"})
        solara.Text(verdict, classes=["card-verdict"], style={"font-size": "0.75em"})


# ------------------------------------------------------------------ programme design
@solara.component
def Buttons(
    session: Session,
    run_v: solara.Reactive,
    form_v: solara.Reactive,
    playing: solara.Reactive,
    is_playing: bool,
    shown: dict | None = None,
    lang: str = "en",
):
    """Reset / step / play / run to end (re-rendered on every step; the fields are not); they wrap on a phone.

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

    _ = gettext(lang)
    with solara.Row(gap="4px", classes=["run-buttons"]):
        solara.Button(_("Reset"), on_click=reset, color="primary", classes=["btn-reset"])
        solara.Button(_("Step"), on_click=step, disabled=session.finished or is_playing, classes=["btn-step"])
        solara.Button(
            _("Pause") if is_playing else _("Play"),
            on_click=lambda: playing.set(not playing.value),
            disabled=session.finished,
            classes=["btn-play"],
        )
        solara.Button(_("Run to end"), on_click=run_to_end, disabled=session.finished, classes=["btn-run-to-end"])


@solara.component
def Notices(session: Session, form_v: solara.Reactive, lang: str = "en"):
    """The pending-edits notice (naming the fields by their labels) and the form-wide message."""
    _v = form_v.value
    _ = gettext(lang)
    if session.pending:
        names = [*session.errors, *(n for n in session.edited if n not in session.errors)]
        if session.seed != session.applied_seed and "seed" not in names:
            names.append("seed")
        # TRANSLATORS: the seed in the list of pending edits ("press Reset to apply (seed, ...)")
        shown = [_("seed") if n == "seed" else param_text(n, "label", lang) for n in names[:6]]
        what = ", ".join(shown) + ("..." if len(names) > 6 else "")
        solara.Warning(
            _("Edits pending: press Reset to apply ({fields})").format(fields=what),
            classes=["pending-notice"],
            dense=True,
        )
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
    lang: str = "en",
):
    """Presets, scenario files, seed, the buttons, and the programme cards or the Advanced search."""
    _ = gettext(lang)
    mode, set_mode = solara.use_state(EDIT_MODES[0])
    file_message, set_file_message = solara.use_state(("", False))  # (text, is an error)
    _v = form_v.value  # re-render when the form changes
    bump = lambda: form_v.set(form_v.value + 1)  # noqa: E731

    def preset(label):
        session.choose_preset(PRESETS[label])
        bump()

    def load_file(name: str, data: bytes):
        err = session.load_scenario(data, name)
        set_file_message((err, True) if err else (_("loaded {name}: press Reset to apply").format(name=name), False))
        bump()

    def on_file(info):  # dropped on the zone
        load_file(info["name"], info["data"])

    def on_pick(picked):  # chosen with the button
        name, data = picked_file(picked, MAX_SCENARIO_BYTES)
        if data is None:
            set_file_message(
                (
                    _("{name} is larger than {limit} bytes: not a scenario file").format(
                        name=name, limit=format_number(MAX_SCENARIO_BYTES, lang, "count")
                    ),
                    True,
                )
            )
            return
        load_file(name, data)

    def revert():
        session.revert()
        bump()

    def clear():
        session.clear_pending()
        bump()

    with solara.Column(gap="6px", classes=["design-controls"]):
        solara.Select(
            label=_("Preset"),
            values=list(PRESETS),
            value=next((k for k, v in PRESETS.items() if v == session.source), None),
            on_value=preset,
        )
        solara.FileDrop(label=_("Drop a scenario .toml here to load it"), on_file=on_file, lazy=False)
        with solara.Row(gap="4px", classes=["file-row"]):
            # a button of its own: ipywidgets' FileUpload adds a count, "Open scenario (.toml) (0)"
            FilePicker.element(
                label=_("Open scenario (.toml)"),
                accept=".toml",
                max_bytes=MAX_SCENARIO_BYTES,
                on_picked=on_pick,
            )
            solara.FileDownload(
                session.scenario_toml,
                filename="scenario.toml",
                label=_("Save scenario (.toml)"),
                mime_type="application/toml",
            )
        if file_message[0]:
            (solara.Error if file_message[1] else solara.Info)(file_message[0], classes=["file-message"], dense=True)
        with solara.Row(gap="4px", classes=["seed-row"], style={"align-items": "center"}):
            with solara.Div(style={"flex": "1 1 120px", "min-width": "120px"}):
                solara.InputText(
                    _("Seed"),
                    value=session.text("seed"),
                    on_value=lambda t: (session.set_seed(t or ""), bump()),
                    error=session.errors.get("seed") or False,
                    message=session.errors.get("seed"),
                    dense=True,
                    classes=["seed-field"],
                )
            solara.Button(
                _("New seed"), on_click=lambda: (session.new_seed(), bump()), text=True, classes=["btn-new-seed"]
            )
        Notices(session, form_v, lang)
        Buttons(session, run_v, form_v, playing, is_playing, shown, lang)
        with solara.Row(gap="4px", classes=["edit-buttons"]):
            solara.Button(_("Revert to preset"), on_click=revert, outlined=True, classes=["btn-revert"])
            solara.Button(
                _("Clear pending edits"),
                on_click=clear,
                outlined=True,
                disabled=not session.pending,
                classes=["btn-clear"],
            )
        solara.ToggleButtonsSingle(
            value=_(mode),
            values=[_(m) for m in EDIT_MODES],
            on_value=lambda label: set_mode(next((m for m in EDIT_MODES if _(m) == label), mode)),
            dense=True,
            classes=["role-buttons"],
        )
        if mode == EDIT_MODES[0]:
            designer.ProgrammeDesigner(session, bump, lang, form_v.value)
        else:
            designer.AdvancedPicker(session, bump, lang, form_v.value)


@solara.component
def RunView(session: Session, run_v: solara.Reactive, lang: str = "en"):
    """The current run: week, CSV download, target cards and the live design charts (one snapshot)."""
    _v = run_v.value
    _ = gettext(lang)
    snap = session.snapshot()  # one moment of the model, even while Play steps it

    def png_of(i):  # drawn from the model's state at the time of the click
        return lambda: charts.png(views.design_charts(session.frame(), lang)[i], lang=lang)

    pngs = solara.use_memo(lambda: [png_of(i) for i in range(len(views.DESIGN_SERIES))], [lang])
    with solara.Column(gap="6px"):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            if snap.finished:
                week = _("Week {week} of {n_weeks} ({date}): finished")
            else:
                week = _("Week {week} of {n_weeks} ({date})")
            solara.Text(week.format(week=snap.week, n_weeks=snap.n_weeks, date=snap.date), classes=["run-progress"])
            solara.FileDownload(
                session.csv,
                filename=f"ibusim-seed{snap.applied_seed}.csv",
                label=_("CSV of this run"),
                mime_type="text/csv",
            )
        with solara.Row(style={"flex-wrap": "wrap"}, gap="0px"):
            for card in snap.cards:
                TargetCard(card, lang).key(card["name"])
        with solara.Row(style={"flex-wrap": "wrap"}):
            for i, chart in enumerate(views.design_charts(snap.frame, lang)):
                ChartView(chart, pngs[i], lang).key(views.DESIGN_SERIES[i][0])


@solara.component
def DesignPage(session: Session, form_v: solara.Reactive, run_v: solara.Reactive, lang: str = "en"):
    """The Programme design tab: controls on the left (above on a phone), the run (or Decide: A/B and forecast)."""
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
    _ = gettext(lang)
    modes = (N_("Single run"), N_("Decide"))
    mode, set_mode = solara.use_state(modes[0])
    with solara.ColumnsResponsive(default=12, medium=[5, 7], large=[4, 8], xlarge=[3, 9]):
        # playing.value as an argument: the buttons re-render with it whichever thread renders
        Controls(session, form_v, run_v, playing, playing.value, shown, lang)
        with solara.Column(classes=["design-run"]):
            solara.ToggleButtonsSingle(
                value=_(mode),
                values=[_(m) for m in modes],
                on_value=lambda label: set_mode(next((m for m in modes if _(m) == label), mode)),
                classes=["mode-buttons"],
            )
            # the design's report, HTML and PDF (dashboard/share_view.py), in the page's language
            ShareButtons(session, lang, form_v)
            if mode == modes[0]:
                RunView(session, run_v, lang)
            else:  # decision support: A/B, forecast, optimiser (dashboard/decision.py, optimiser_view.py)
                decision.ComparisonPanel(session, lang)
                decision.ForecastPanel(session, lang)
                OptimiserPanel(session, lang)


# ------------------------------------------------------------------ sweep vs observed
NO_FACTOR = "(none)"  # the value of "no second parameter" (its text is translated)


def factor_items(optional: bool, lang: str = "en") -> list[dict[str, str]]:
    """The sweep's choice of parameter: each shown by its label in ``lang`` and its name, valued by its name."""
    _ = gettext(lang)
    # TRANSLATORS: the choice of no second parameter in the sweep's list of parameters
    items = [{"text": _("(none)"), "value": NO_FACTOR}] if optional else []
    for name in sweeps.sweepable():
        label = param_text(PARAMS[name], "label", lang)
        items.append({"text": name if label == name else f"{label} ({name})", "value": name})
    return items


@solara.component
def FactorInputs(session: Session, label: str, factor: dict, set_factor, optional: bool, lang: str = "en"):
    """A parameter to sweep (listed by its label in ``lang`` and its name), with its range and levels.

    Choosing one proposes a range around the form's current value (see sweeps.default_range).
    """
    _ = gettext(lang)
    items = solara.use_memo(lambda: factor_items(optional, lang), [optional, lang])

    def choose(n):
        if not n or n == NO_FACTOR:
            set_factor({"levels": factor.get("levels", "3")})
            return
        lo, hi = sweeps.default_range(n, session.form[n], lang)
        set_factor({**factor, "name": n, "low": lo, "high": hi})

    with solara.Row():
        solara.v.Select(
            label=label,
            items=items,
            v_model=factor.get("name") or NO_FACTOR,
            on_v_model=choose,
            style_="min-width: 220px; max-width: 100%",
        )
        if factor.get("name") and PARAMS[factor["name"]].type != "bool":
            solara.InputText(_("low"), value=factor["low"], on_value=lambda v: set_factor({**factor, "low": v}))
            solara.InputText(_("high"), value=factor["high"], on_value=lambda v: set_factor({**factor, "high": v}))
            solara.InputText(
                _("levels"), value=str(factor["levels"]), on_value=lambda v: set_factor({**factor, "levels": v})
            )


@solara.component
def SweepPage(session: Session, lang: str = "en"):
    """The Sweep vs observed tab: one or two parameters swept in the background against the targets."""
    _ = gettext(lang)
    _n = ngettext(lang)

    def initial(name):
        lo, hi = sweeps.default_range(name, session.form[name], lang)
        return {"name": name, "low": lo, "high": hi, "levels": "5"}

    f1, set_f1 = solara.use_state(initial("follow_rate"))
    f2, set_f2 = solara.use_state({"levels": "3"})
    reps, set_reps = solara.use_state("2")
    error, set_error = solara.use_state("")
    progress, set_progress = solara.use_state(None)
    result, set_result = solara.use_state(None)
    typed_in = solara.use_ref(lang)  # the language the ranges were typed in

    def follow_language():
        """After the page's language changes, write the typed ranges the new reader's way."""
        old = typed_in.current
        if old != lang:
            typed_in.current = lang
            set_f1(sweeps.retype(f1, old, lang))
            set_f2(sweeps.retype(f2, old, lang))

    solara.use_effect(follow_language, [lang])

    def run():
        factors = [dict(f) for f in (f1, f2) if f.get("name")]
        try:
            spec = sweeps.build_spec(factors, session.changes(), reps, session.seed, lang=lang)
        except (ValueError, ParameterError) as e:  # SpecError is a ValueError
            set_error(error_text(e, lang))
            return
        set_error("")
        folder = sweeps.new_folder()
        set_progress({"total": len(spec.points()) * spec.replications, "done": 0, "failed": 0})
        out = sweeps.run_in_background(spec, folder, set_progress)
        if "error" in out:  # a TranslatableError in the page's language, anything else as "Type: message"
            e = out.get("exception")
            set_error(error_text(e, lang) if hasattr(e, "in_language") else out["error"])
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
            _(
                "Sweep one or two parameters over a grid (the other parameters as in the "
                "Programme design form), several replications per point. Each target is "
                "plotted against the parameter with its observed band; green shading marks "
                "values where at least half the runs land **every** target inside its band."
            )
        )
        FactorInputs(session, _("Parameter"), f1, set_f1, optional=False, lang=lang)
        FactorInputs(session, _("Second parameter (optional)"), f2, set_f2, optional=True, lang=lang)
        with solara.Row():
            solara.InputText(_("Replications"), value=reps, on_value=set_reps)
            solara.Button(_("Run sweep"), on_click=task, disabled=task.pending, color="primary")
        if error:
            solara.Error(error, classes=["sweep-error"])
        if task.error:
            solara.Error(_("the sweep failed: {error}").format(error=task.exception), classes=["sweep-error"])
        if progress:
            solara.ProgressLinear(
                100 * (progress.get("done", 0) + progress.get("failed", 0)) / max(progress.get("total", 1), 1)
            )
            solara.Text(sweep_progress(progress, task.pending, lang), classes=["sweep-progress"])
        if result is not None and not task.pending:
            res = result["results"]
            folder = Path(result["folder"])
            with solara.Row():
                solara.FileDownload(
                    lambda: res.to_csv(index=False).encode(),
                    filename="sweep.csv",
                    label=_("Results (CSV)"),
                    mime_type="text/csv",
                )
                solara.FileDownload(lambda: _parquet(folder), filename="sweep.parquet", label=_("Results (Parquet)"))
                solara.FileDownload(result["spec"].encode(), filename="spec.toml", label=_("Spec (TOML)"))
            solara.Text(
                _n(
                    "{n} run in {folder}; rerun it with: {command}",
                    "{n} runs in {folder}; rerun it with: {command}",
                    len(res),
                ).format(
                    n=format_number(len(res), lang, "count"), folder=folder, command=f"ibusim sweep {folder}/spec.toml"
                ),
                classes=["sweep-done"],
            )
            with solara.Row(style={"flex-wrap": "wrap"}):
                for chart in views.sweep_charts(res, result["factors"], lang):
                    ChartView(chart, lang=lang).key(chart.title)


def sweep_progress(progress: dict, pending: bool, lang: str = "en") -> str:
    """A sweep's progress in one line in ``lang``: runs done of all, the time left while running, failures."""
    total = max(progress.get("total", 1), 1)
    done = progress.get("done", 0) + progress.get("failed", 0)
    count = lambda n: format_number(n, lang, "count")  # noqa: E731
    _ = gettext(lang)
    _n = ngettext(lang)
    text = _n("{done} of {total} run", "{done} of {total} runs", total).format(done=count(done), total=count(total))
    eta = progress.get("eta_s")
    if eta and pending:
        # TRANSLATORS: {progress} is "3 of 10 runs"
        text = _("{progress}, about {seconds} s left").format(progress=text, seconds=count(round(eta)))
    failed = progress.get("failed", 0)
    if failed:
        text = _n("{progress}, {n} failed", "{progress}, {n} failed", failed).format(progress=text, n=count(failed))
    return text


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
            ChartView(views.network_chart(snap, title), lang=lang)
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
def CommunicationPage(session: Session, run_v: solara.Reactive, lang: str = "en"):
    """The Communication tab in classroom mode: guidance, explanation, predict then run, compare, the worksheet.

    The demonstration runs both settings once the class has predicted and presses the button; the current run's
    interactivity (one chart per kind) and its network follow, or the week-0 guidance while nothing has run.
    """
    _run = run_v.value  # read, so that this re-renders when the model changes
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
                ChartView(chart, lang=lang).key(chart.title)
        solara.Markdown("### " + _("The communication network of the current window"))
        solara.Button(_("Draw the current window"), on_click=take)
        if snap is not None:
            NetworkView(snap, _("Communication network, week {week}").format(week=snap["week"]), lang)


# ------------------------------------------------------------------ about
# The About tab's paragraphs (Markdown), in the order shown; translated where shown.
ABOUT_INTRO = N_(
    "An agent-based simulation of how online empowerment communities for mothers grow: Indonesian "
    "communities such as **Ibu Punya Mimpi** (IPM) and **IbuSibuk**, which help mothers who paused work or "
    "dreams after marriage, childbirth, a long-distance marriage or migration, through a free entry class, "
    "paid cohort classes, a business scholarship, volunteering that leads into the management team, and "
    "paid momfluencer work for brands."
)
ABOUT_ODD = (
    N_(
        "**Purpose**: reproduce IPM's 2024 figures and let planners, researchers and teachers test programme "
        "designs and watch computer-mediated communication."
    ),
    N_(
        "**Entities**: mothers (numpy arrays; registered mothers are Mesa agents), admins, volunteers and "
        "managers (the same mothers with a role), brands; a social-tie network and the community's channels "
        "(Telegram, WhatsApp cohorts, RUMII forum, Instagram, Zoom, the learning platform, Happy Hour meetups)."
    ),
    N_(
        "**Process**: one step a week from April 2020 to December 2024: awareness, channels, onboarding via "
        "the free entry class, paid classes and the scholarship, internalisation and dormancy, Happy Hour, "
        "volunteering and promotion, momfluencers and brand campaigns, communication events; the impact "
        "survey at the end."
    ),
    N_(
        "**Every number** is marked observed (with its quote), derived, or assumed (with the reason): "
        "`ibusim params` lists them; the full description is docs/ODD.md."
    ),
)
ABOUT_BANDS = N_(
    "Bands are assumed (rounding in the source plus run-to-run variation). Sources: 001 is the 2024 article "
    "on Ibu Punya Mimpi; 000 the study of IbuSibuk's momfluencers. The quotes are in the sources' language, "
    "Bahasa Indonesia."
)
ABOUT_CITE = N_(
    "ibusim: an agent-based model of online empowerment communities for mothers (version {version}). Cite "
    "the model with its version and the scenario file and seed of each run (every run folder's manifest.json "
    "records both)."
)


def about_markdown(lang: str = "en") -> str:
    """The About tab as Markdown in ``lang``: the model in brief, the observed figures with quotes, how to cite.

    The figures' labels are translated and their numbers written as a reader of ``lang`` writes them; the
    quotes stay as the sources wrote them (Indonesian).
    """
    _ = gettext(lang)
    header = (_("figure"), _("observed"), _("band"), _("quote"), _("source"))
    rows = ["| " + " | ".join(header) + " |", "|---|---|---|---|---|"]
    for t in load_targets().values():
        rows.append(
            f"| {_(t.label)} | {fmt(t.value, t.unit, lang)} | {fmt(t.low, t.unit, lang)}-{fmt(t.high, t.unit, lang)} "
            f'| "{t.quote}" | {t.source} |'
        )
    return "\n".join(
        [
            "## ibusim",
            _(ABOUT_INTRO),
            "### " + _("The model in brief (ODD)"),
            *("- " + _(item) for item in ABOUT_ODD),
            "### " + _("The observed figures"),
            *rows,
            "",
            _(ABOUT_BANDS),
            "### " + _("How to cite"),
            _(ABOUT_CITE).format(version=_version()),
        ]
    )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ibusim")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


@solara.component
def AboutPage(lang: str = "en"):
    """The About tab in ``lang`` (re-rendered when the language changes)."""
    solara.Markdown(about_markdown(lang))


# ------------------------------------------------------------------ the page
def initial_language(cookies: dict | None, headers: dict | None) -> str:
    """The language a new page starts in: the one chosen before (the cookie), else the browser's, else English."""
    chosen = normalise((cookies or {}).get(LANG_COOKIE))
    if chosen in LANGUAGES:
        return chosen
    values = {k.lower(): v for k, v in (headers or {}).items()}.get("accept-language") or []
    return from_accept_language(",".join(values) if isinstance(values, list) else str(values))


@solara.component
def Page():
    """The whole dashboard for one browser session (its own Session, built in the page), in its language."""
    first = solara.use_memo(lambda: initial_language(solara.lab.cookies.value, solara.lab.headers.value), [])
    session = solara.use_memo(lambda: _new_session(first), [])  # one model per browser session
    lang, set_lang = solara.use_state(session.lang)
    chosen, set_chosen = solara.use_state("")  # a choice made on this page, written to the cookie
    # version counters, bumped when the form / the model changes; plain reactives (not
    # use_reactive, which would re-render the whole page) so only their readers re-render
    form_v = solara.use_memo(lambda: solara.reactive(0), [])
    run_v = solara.use_memo(lambda: solara.reactive(0), [])
    _ = gettext(lang)

    def choose(name):
        code = next(c for c in LANGUAGES if NAMES[c] == name)
        session.lang = code
        set_lang(code)
        set_chosen(code)
        form_v.set(form_v.value + 1)

    solara.Title("ibusim")
    solara.Style(CSS)
    LangCookie.element(lang=chosen, name=LANG_COOKIE)
    with solara.AppBarTitle():  # in place of the page's title ("ibusim"), which left it no room on a phone
        solara.Text(_("ibusim: online empowerment communities for mothers"), classes=["app-title"])
    with solara.Row(style={"justify-content": "flex-end", "flex-wrap": "wrap"}, classes=["lang-row"]):
        solara.Select(
            label=_("Language"),
            values=[NAMES[c] for c in LANGUAGES],
            value=NAMES[lang],
            on_value=choose,
            dense=True,
            classes=["lang-switch"],
        )
    with solara.lab.Tabs(lazy=True):
        with solara.lab.Tab(_(TABS[0])):
            DesignPage(session, form_v, run_v, lang)
        with solara.lab.Tab(_(TABS[1])):
            SweepPage(session, lang)
        with solara.lab.Tab(_(TABS[2])):
            CommunicationPage(session, run_v, lang)
        with solara.lab.Tab(_(TABS[3])):
            AboutPage(lang)


def _new_session(lang: str) -> Session:
    """The page's session, in ``lang`` (tests replace :class:`Session` with a factory taking no argument)."""
    session = Session()
    session.lang = lang
    return session
