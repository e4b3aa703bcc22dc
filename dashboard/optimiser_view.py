"""The dashboard's budget-aware optimiser: a yearly budget and a goal in, the best few programme designs out.

:func:`OptimiserPanel` (a Solara component for one browser session) shows a budget field (Rupiah, typed
the Indonesian way, ``Rp 500.000.000``, when the page is in Indonesian), the goal, its threshold and a
Run button. A run calls :func:`ibusim.experiments.optimise.optimise` in a background thread (the page
stays usable; worker processes through the experiments' execution layer), on the session's form as the
starting point and over the session's calibration posterior when there is one
(``results/calibration-<preset>``), with a progress bar fed by the optimiser's progress callback (redrawn at
most four times a second, :func:`throttled`: a redraw for each run took CPU from the runs). The
proposals appear as cards: the design in plain words, the probability of reaching the goal, the goal's
median and 90% interval and the yearly cost item by item. Every text is in the session's language.

Under the budget and the threshold, a line shows the number as the page read it (``Dibaca sebagai
Rp 650.000.000``) or, for text it cannot read (``abc``, ``650.000,000.5``), the one-line reason; Run is
then disabled, so such text starts nothing. When the page's language changes, the numbers already typed
are rewritten for the new reader (:func:`retype`).

:func:`read_form` (the form's text to the optimiser's arguments; :func:`read_budget`, :func:`read_threshold`),
:func:`field_reading`, :func:`retype` and :func:`run` are plain functions, so they can be tested without a browser.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path
from typing import Any, Callable

import solara

from ibusim.experiments.optimise import (
    DEFAULT_CANDIDATES,
    DEFAULT_ROUNDS,
    GOALS,
    Optimisation,
    cost_lines,
    default_threshold,
    describe_design,
    optimise,
    refine_size,
    show_goal,
)
from ibusim.i18n import N_, error_text, gettext
from ibusim.model.parameters import ParameterError
from ibusim.model.scenarios import load as load_scenario
from ibusim.numbers import NumberError, format_number, parse_number, retype

from .widgets import keep_money_together

RESULTS = Path("results")
DEFAULT_BUDGET = 500_000_000.0  # Rp a year: between the cheapest designs and the IPM preset's own (model/costs.py)
DRAWS = 8  # runs per design: about 25 designs (17, then 8 near the best) x 8 draws, a few minutes on two cores
CANDIDATES = DEFAULT_CANDIDATES  # designs drawn besides the scenario's own
EXECUTOR = "processes"  # worker processes, one per core (tests run in this process: "sequential")

PROGRESS_EVERY_S = 0.25  # the progress bar is redrawn at most four times a second (the last count always)

M_EMPTY_BUDGET = N_("Budget: type a yearly amount in Rupiah, e.g. {example}")
M_BAD_NUMBER = N_("{field}: {problem}")


def posterior_folder(session) -> Path | None:
    """The session's calibration folder (``results/calibration-<preset>``) when it exists, else None."""
    folder = RESULTS / f"calibration-{Path(str(session.source)).stem}"
    return folder if (folder / "posterior.csv").is_file() else None


def read_budget(budget_text: str, lang: str) -> float:
    """The yearly budget (Rp) typed in ``lang``; ParameterError with one line in ``lang`` otherwise."""
    _ = gettext(lang)
    if not str(budget_text).strip():
        raise ParameterError(_(M_EMPTY_BUDGET).format(example=format_number(DEFAULT_BUDGET, lang, "money")))
    try:
        return float(parse_number(budget_text, lang, "money"))
    except NumberError as e:
        raise ParameterError(_(M_BAD_NUMBER).format(field=_("Yearly budget"), problem=e.in_language(lang))) from None


def read_threshold(threshold_text: str, goal: str, lang: str) -> float:
    """The goal's threshold typed in ``lang`` (a count or a share); ParameterError with one line otherwise."""
    _ = gettext(lang)
    if goal not in GOALS:
        raise ParameterError(_("Choose a goal"))
    try:
        return float(parse_number(threshold_text, lang, GOALS[goal][1]))
    except NumberError as e:
        raise ParameterError(_(M_BAD_NUMBER).format(field=_("Threshold"), problem=e.in_language(lang))) from None


def read_form(budget_text: str, goal: str, threshold_text: str, lang: str) -> tuple[float, float]:
    """The budget (Rp) and threshold typed in ``lang``; ParameterError with one line in ``lang`` otherwise."""
    _ = gettext(lang)
    if goal not in GOALS:
        raise ParameterError(_("Choose a goal"))
    return read_budget(budget_text, lang), read_threshold(threshold_text, goal, lang)


def field_reading(read: Callable[[], float], kind: str, lang: str) -> tuple[str, bool]:
    """The line under a field: what its text is read as (``Read as Rp 650.000.000``) or why it is refused.

    Returns the line and whether it is an error. ``read`` is :func:`read_budget` or :func:`read_threshold`
    with the field's text bound.
    """
    _ = gettext(lang)
    try:
        value = read()
    except ParameterError as e:
        return error_text(e, lang), True
    # TRANSLATORS: under the optimiser's budget and threshold fields: the number as the page understood it
    return _("Read as {value}").format(value=format_number(value, lang, kind)), False


def throttled(
    report: Callable[[int, int], None], every: float | None = None, clock: Callable[[], float] = time.monotonic
) -> Callable[[int, int], None]:
    """``report`` called at most once every ``every`` seconds, and always for the first and the last count.

    ``every`` defaults to ``PROGRESS_EVERY_S``.

    The optimiser reports each of its runs (about 200 in the dashboard, several a second): each report
    re-renders the panel on the server and redraws it in the browser, on the cores the runs need. A count
    that arrives within ``every`` of the last one shown is skipped, unless it is the last (``done ==
    total``): the bar leaves out the runs that ended since the count it shows until the next run ends
    ``every`` or more after that count. Safe to call from the worker threads that report.
    """
    every = PROGRESS_EVERY_S if every is None else every
    lock = threading.Lock()
    shown: float | None = None  # when a count was last passed on

    def progress(done: int, total: int) -> None:
        nonlocal shown
        now = clock()
        with lock:
            if shown is not None and done < total and now - shown < every:
                return
            shown = now
            report(done, total)  # under the lock: counts shown in the order they came

    return progress


def run(
    session,
    budget_text: str,
    goal: str,
    threshold_text: str,
    on_progress: Callable[[int, int], None] | None = None,
    **options: Any,
) -> Optimisation:
    """Read the form and run the optimiser on the session's form and posterior (ParameterError in its language).

    ``on_progress(done, total)`` follows the runs, at most every ``PROGRESS_EVERY_S`` (:func:`throttled`).
    """
    lang = session.lang
    budget, threshold = read_form(budget_text, goal, threshold_text, lang)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    settings = {
        "scenario": session.source,
        "posterior": posterior_folder(session),
        "draws": DRAWS,
        "candidates": CANDIDATES,
        "seed": session.seed,
        "changes": session.changes(),
        "lang": lang,
        "out": RESULTS / f"dashboard-optimise-{stamp}",
        "executor": EXECUTOR,
        **options,
    }
    progress = throttled(on_progress) if on_progress is not None else None
    return optimise(budget, goal=goal, threshold=threshold, progress=progress, **settings)


def proposal_text(result: Optimisation, row, lang: str) -> str:
    """One proposal as a card's Markdown: probability, goal, cost (item by item) and the design in words."""
    _ = gettext(lang)
    info = result.info
    params = load_scenario(info["scenario"], **{**info["changes"], **row["changes"]})
    goal = _(GOALS[result.goal][0])
    lines = [
        _("**{p}** chance of reaching the goal ({goal} at least {threshold})").format(
            p=format_number(float(row["probability"]), lang, "share", decimals=0),
            goal=goal,
            threshold=show_goal(result.goal, result.threshold, lang),
        ),
        "",
        _("{goal}: median {median}; nine runs in ten between {low} and {high}").format(
            goal=goal,
            median=show_goal(result.goal, row["median"], lang),
            low=show_goal(result.goal, row["p5"], lang),
            high=show_goal(result.goal, row["p95"], lang),
        ),
        "",
        _("Yearly cost: **{cost}**").format(cost=format_number(float(row["cost_total"]), lang, "money")),
        "",
        *(f"- {line}" for line in cost_lines(result, int(row["candidate"]), lang)),
        "",
        describe_design(params, lang),
    ]
    if row["current"]:
        lines.append("")
        lines.append(_("This is the scenario's own design."))
    return "\n".join(lines)


@solara.component
def OptimiserPanel(session, lang: str | None = None):
    """Budget, goal and threshold in; the best few designs, with probability and cost, out (in the background).

    ``lang`` (default: the session's) is an argument so that the panel re-renders when the page's language
    changes (reacton re-renders a child only when its arguments change); the numbers already typed are
    then written the new reader's way (:func:`retype`).
    """
    lang = lang or session.lang
    _ = gettext(lang)
    budget, set_budget = solara.use_state(format_number(DEFAULT_BUDGET, lang, "money"))
    goal, set_goal = solara.use_state("registered")
    threshold, set_threshold = solara.use_state(format_number(default_threshold("registered"), lang, "count"))
    error, set_error = solara.use_state("")
    progress, set_progress = solara.use_state((0, 0))
    result, set_result = solara.use_state(None)
    labels = {_(label): key for key, (label, _kind) in GOALS.items()}
    typed_in = solara.use_ref(lang)  # the language the fields' numbers were typed in

    def follow_language():
        """After the page's language changes, write the typed numbers the new reader's way."""
        old = typed_in.current
        if old != lang:
            typed_in.current = lang
            set_budget(retype(budget, old, lang, "money"))
            set_threshold(retype(threshold, old, lang, GOALS[goal][1]))

    solara.use_effect(follow_language, [lang])
    budget_line, budget_bad = field_reading(lambda: read_budget(budget, lang), "money", lang)
    threshold_line, threshold_bad = field_reading(lambda: read_threshold(threshold, goal, lang), GOALS[goal][1], lang)

    def choose_goal(label: str) -> None:
        key = labels.get(label, "registered")
        set_goal(key)
        set_threshold(format_number(default_threshold(key), lang, GOALS[key][1]))

    def work():
        set_error("")
        set_result(None)
        set_progress((0, 0))
        try:
            res = run(session, budget, goal, threshold, lambda done, total: set_progress((done, total)))
        except ParameterError as e:
            set_error(error_text(e, lang))
            return
        set_result(res)

    task = solara.lab.use_task(work, dependencies=None, raise_error=False)
    with solara.Column(classes=["optimiser"]):
        solara.Markdown(
            "### "
            + _("Budget optimiser")
            + "\n\n"
            + _(
                "Give a yearly budget and a goal: the optimiser tries {n} programme designs (which classes are open "
                "and their places, prices, scholarship batches, the free entry class, volunteers), keeps those the "
                "budget pays for, runs each over the calibration's posterior, then tries up to {more} more near the "
                "best, and proposes the best."
            ).format(n=CANDIDATES + 1, more=(DEFAULT_ROUNDS - 1) * refine_size(CANDIDATES))
        )
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.InputText(
                _("Yearly budget (Rp)"),
                value=budget,
                on_value=set_budget,
                continuous_update=True,
                error=budget_bad,
                message=budget_line,
                classes=["optimise-budget"],
            )
            solara.Select(
                _("Goal"), value=_(GOALS[goal][0]), values=list(labels), on_value=choose_goal, classes=["goal"]
            )
            solara.InputText(
                _("Threshold"),
                value=threshold,
                on_value=set_threshold,
                continuous_update=True,
                error=threshold_bad,
                message=threshold_line,
                classes=["optimise-threshold"],
            )
            solara.Button(
                _("Run"),
                on_click=task,
                disabled=task.pending or budget_bad or threshold_bad,  # a number it cannot read starts nothing
                color="primary",
                classes=["optimise-run"],
            )
        if error:
            solara.Error(error, classes=["optimise-error"])
        if task.error:
            solara.Error(_("The optimiser failed: {error}").format(error=task.exception), classes=["optimise-error"])
        done, total = progress
        if task.pending or (total and result is None and not error):
            solara.ProgressLinear(100 * done / total if total else True)
            solara.Text(_("{done} of {total} runs").format(done=done, total=total), classes=["optimise-progress"])
        if result is not None and not task.pending:
            info = result.info
            solara.Text(
                _("{affordable} of {n} designs are within the budget; the best {k}:").format(
                    affordable=info["affordable"], n=info["candidates"] + 1, k=len(result.proposals)
                ),
                classes=["optimise-done"],
            )
            with solara.Row(style={"flex-wrap": "wrap"}):
                for _i, row in result.proposals.iterrows():
                    with solara.Card(
                        _("Proposal {rank}").format(rank=row["rank"]),
                        style={"max-width": "420px"},
                        classes=["optimise-proposal"],
                    ):
                        solara.Markdown(keep_money_together(proposal_text(result, row, lang)))
            if result.folder is not None:
                solara.Text(_("Results in {folder}").format(folder=result.folder), classes=["optimise-folder"])
