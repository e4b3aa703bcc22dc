"""The dashboard's budget-aware optimiser: a yearly budget and a goal in, the best few programme designs out.

:func:`OptimiserPanel` (a Solara component for one browser session) shows a budget field (Rupiah, typed
the Indonesian way, ``Rp 500.000.000``, when the page is in Indonesian), the goal, its threshold and a
Run button. A run calls :func:`ibusim.experiments.optimise.optimise` in a background thread (the page
stays usable; worker processes through the experiments' execution layer), on the session's form as the
starting point and over the session's calibration posterior when there is one
(``results/calibration-<preset>``), with a progress bar fed by the optimiser's progress callback. The
proposals appear as cards: the design in plain words, the probability of reaching the goal, the goal's
median and 90% interval and the yearly cost item by item. Every text is in the session's language.

:func:`read_form` (the form's text to the optimiser's arguments) and :func:`run` are plain functions,
so they can be tested without a browser.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable

import solara

from ibusim.experiments.optimise import (
    DEFAULT_CANDIDATES,
    GOALS,
    BudgetError,
    Optimisation,
    cost_lines,
    default_threshold,
    describe_design,
    optimise,
    show_goal,
)
from ibusim.i18n import N_, gettext
from ibusim.model.parameters import ParameterError
from ibusim.model.scenarios import load as load_scenario
from ibusim.numbers import NumberError, format_number, parse_number

RESULTS = Path("results")
DEFAULT_BUDGET = 500_000_000.0  # Rp a year: between the cheapest designs and the IPM preset's own (model/costs.py)
DRAWS = 8  # runs per design: a few minutes on two cores for the default 16 candidates
CANDIDATES = DEFAULT_CANDIDATES  # designs drawn besides the scenario's own
EXECUTOR = "processes"  # worker processes, one per core (tests run in this process: "sequential")

M_EMPTY_BUDGET = N_("Budget: type a yearly amount in Rupiah, e.g. {example}")
M_BAD_NUMBER = N_("{field}: {problem}")


def posterior_folder(session) -> Path | None:
    """The session's calibration folder (``results/calibration-<preset>``) when it exists, else None."""
    folder = RESULTS / f"calibration-{Path(str(session.source)).stem}"
    return folder if (folder / "posterior.csv").is_file() else None


def read_form(budget_text: str, goal: str, threshold_text: str, lang: str) -> tuple[float, float]:
    """The budget (Rp) and threshold typed in ``lang``; ParameterError with one line in ``lang`` otherwise."""
    _ = gettext(lang)
    if goal not in GOALS:
        raise ParameterError(_("Choose a goal"))
    if not str(budget_text).strip():
        raise ParameterError(_(M_EMPTY_BUDGET).format(example=format_number(DEFAULT_BUDGET, lang, "money")))
    try:
        budget = float(parse_number(budget_text, lang, "money"))
    except NumberError as e:
        raise ParameterError(_(M_BAD_NUMBER).format(field=_("Yearly budget"), problem=e.in_language(lang))) from None
    try:
        threshold = float(parse_number(threshold_text, lang, GOALS[goal][1]))
    except NumberError as e:
        raise ParameterError(_(M_BAD_NUMBER).format(field=_("Threshold"), problem=e.in_language(lang))) from None
    return budget, threshold


def run(
    session,
    budget_text: str,
    goal: str,
    threshold_text: str,
    on_progress: Callable[[int, int], None] | None = None,
    **options: Any,
) -> Optimisation:
    """Read the form and run the optimiser on the session's form and posterior (ParameterError in its language)."""
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
    try:
        return optimise(budget, goal=goal, threshold=threshold, progress=on_progress, **settings)
    except BudgetError as e:
        raise ParameterError(e.in_language(lang)) from None


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
def OptimiserPanel(session):
    """Budget, goal and threshold in; the best few designs, with probability and cost, out (in the background)."""
    lang = session.lang
    _ = gettext(lang)
    budget, set_budget = solara.use_state(format_number(DEFAULT_BUDGET, lang, "money"))
    goal, set_goal = solara.use_state("registered")
    threshold, set_threshold = solara.use_state(format_number(default_threshold("registered"), lang, "count"))
    error, set_error = solara.use_state("")
    progress, set_progress = solara.use_state((0, 0))
    result, set_result = solara.use_state(None)
    labels = {_(label): key for key, (label, _kind) in GOALS.items()}

    def choose_goal(label: str) -> None:
        key = labels.get(label, "registered")
        set_goal(key)
        set_threshold(format_number(default_threshold(key), lang, GOALS[key][1]))

    def work():
        set_error("")
        set_result(None)
        try:
            res = run(session, budget, goal, threshold, lambda done, total: set_progress((done, total)))
        except ParameterError as e:
            set_error(str(e))
            return
        set_result(res)

    task = solara.lab.use_task(work, dependencies=None, raise_error=False)
    with solara.Column(classes=["optimiser"]):
        solara.Markdown(
            _(
                "Give a yearly budget and a goal: the optimiser tries {n} programme designs (which classes are open "
                "and their places, prices, scholarship batches, the free entry class, volunteers), keeps those the "
                "budget pays for, runs each over the calibration's posterior and proposes the best."
            ).format(n=CANDIDATES + 1)
        )
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.InputText(_("Yearly budget (Rp)"), value=budget, on_value=set_budget, continuous_update=True)
            solara.Select(
                _("Goal"), value=_(GOALS[goal][0]), values=list(labels), on_value=choose_goal, classes=["goal"]
            )
            solara.InputText(_("Threshold"), value=threshold, on_value=set_threshold, continuous_update=True)
            solara.Button(_("Run"), on_click=task, disabled=task.pending, color="primary", classes=["optimise-run"])
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
                    with solara.Card(_("Proposal {rank}").format(rank=row["rank"]), style={"max-width": "420px"}):
                        solara.Markdown(proposal_text(result, row, lang))
            if result.folder is not None:
                solara.Text(_("Results in {folder}").format(folder=result.folder))
