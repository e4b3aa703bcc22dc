"""The budget-aware programme optimiser: the best few programme designs a yearly budget pays for.

    ibusim optimise --budget "Rp 500.000.000" --lang id --goal registered --threshold 15.000
    ibusim optimise --budget 300000000 --goal financial_change --threshold 0.55 --posterior none

Given a scenario (default ``ipm``), a yearly budget in Rupiah and a goal (:data:`GOALS`: one of the
observed figures of model/targets.toml, ``registered``, ``financial_change`` or ``completion``) with a
threshold (default: the observed value), it

1. draws ``candidates`` programme designs with scipy's quasi-Monte Carlo Latin hypercube
   (``scipy.stats.qmc.LatinHypercube``, seeded) over the design variables of :data:`VARIABLES`: each paid
   programme closed or open with 0.5-2 times its places, one price multiplier for the four programmes,
   scholarship batches a year (0-4), the free entry class on or off, and the volunteer call size (0 = no
   volunteer programme); the scenario's own design is candidate 0, for reference;
2. prices each with :func:`ibusim.model.costs.yearly_cost` (unit costs of model/costs.py, ``costs`` to
   override them) and drops those over the budget (none left: one line saying what the cheapest costs);
3. runs every affordable design over the same posterior draws (experiments/posterior.py: ``draws``,
   ``tasks_over``; ``posterior=None`` runs the scenario's values with ``draws`` seeds) through the one
   execution layer (:func:`ibusim.experiments.execution.run_many`), to the scenario's end: the design is
   run as if it had been the community's programme from the start;
4. ranks them by the probability of reaching the goal (the share of runs whose figure is at least the
   threshold), then the goal's median, then the lower cost; the best ``best`` are the proposals, each with
   the probability, the median and 90% interval (5-95%) of the goal, and the yearly cost.

Common random numbers: every design sees the same draws with the same seeds, and a design's result does
not depend on which other designs are run, so for a fixed ``seed`` a larger budget (a superset of
affordable designs) never proposes a worse best probability. Everything is reproducible in ``seed``.

A full IPM run takes about a second, so the defaults (16 candidates, 10 draws) take a few minutes on two
cores; ``changes`` (``--set``) can shrink the runs (``n_mothers``, ``end``) for a quick look, but counts then
are of the smaller population.

The folder (``results/optimise-<scenario>-<goal>-<time>`` or ``out``, written atomically, never
overwritten) holds ``proposals.csv``, ``candidates.csv`` (every design, its changes, cost items,
affordability and, when run, its results), ``runs.csv``, ``proposals.md`` (the table in the language
asked for) and ``manifest.json``.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
from scipy.stats import qmc

from ibusim.i18n import N_, Localised, gettext, ngettext, number
from ibusim.model.costs import ITEMS, check_costs, yearly_cost
from ibusim.model.parameters import PROGRAMME_LABELS, PROGRAMMES, ParameterError, show
from ibusim.model.scenarios import load as load_scenario
from ibusim.model.targets import load as load_targets
from ibusim.numbers import format_number

from . import posterior as post_mod
from .core import run_one
from .execution import (
    DEFAULT_LIMITS,
    PACKAGES,
    Limits,
    OutputError,
    atomic_folder,
    check_new_folder,
    dumps,
    manifest,
    run_many,
)

# goal: (label, kind of ibusim.numbers) -- names of model/targets.toml and keys of model.summary()
GOALS: dict[str, tuple[str, str]] = {
    "registered": (N_("Mothers registered"), "count"),
    "financial_change": (N_("Mothers with a financial change (impact survey)"), "share"),
    "completion": (N_("Completion of paid classes"), "share"),
}
VARIABLES = (*PROGRAMMES, "price", "scholarship", "free_class", "volunteers")
CLOSED_BELOW = 0.25  # a programme's coordinate below this closes it (a quarter of the candidates)
PLACES_RANGE = (0.5, 2.0)  # open: this many times the scenario's places
PRICE_RANGE = (0.5, 1.5)  # one multiplier on the four programmes' prices
MAX_BATCHES_PER_YEAR = 4
MAX_CALL_SIZE = 40  # volunteers taken per call (the baseline takes 20)
ALL_BATCHES = 200  # scholarship_batches when a candidate runs the scholarship: every batch to the run's end
QUANTILES = {"p5": 0.05, "median": 0.5, "p95": 0.95}
DEFAULT_CANDIDATES = 16
DEFAULT_DRAWS = 10
DEFAULT_BEST = 3


# TRANSLATORS: {budget} and {cheapest} are amounts in Rupiah, already written as the reader writes them
M_NO_BUDGET = N_("a yearly budget of {budget} pays for no programme: give a budget above 0")
M_NONE_FITS = N_(
    "a yearly budget of {budget} pays for none of the {n} designs: the cheapest costs {cheapest} a year (see the "
    "unit costs in model/costs.py)"
)


def _money(amount: float) -> Localised:
    """An amount of Rupiah for a message, written as each reader writes it."""
    return number(amount, "money", english=format_number(amount, "en", "money"))


class BudgetError(ParameterError):
    """A budget that pays for no design (one line, in each reader's language through ``error_text``)."""


@dataclass
class Optimisation:
    """An optimisation's proposals, every candidate, the runs, and what produced them."""

    proposals: pd.DataFrame  # the best few: rank, candidate, probability, median, p5, p95, cost, design text
    candidates: pd.DataFrame  # every candidate: its changes, cost items, affordable, and results when run
    runs: pd.DataFrame  # one row per run of an affordable candidate
    goal: str
    threshold: float
    budget: float
    info: dict = field(default_factory=dict)
    folder: Path | None = None


def default_threshold(goal: str) -> float:
    """The goal's observed value (model/targets.toml): reaching what the community reached."""
    return float(load_targets()[check_goal(goal)].value)


def check_goal(goal: str) -> str:
    """``goal`` if it is one of :data:`GOALS`, else ParameterError (one line)."""
    if goal not in GOALS:
        raise ParameterError(f"goal {show(goal)} is not one of {', '.join(GOALS)}")
    return goal


def design_changes(u: np.ndarray, base: dict[str, Any]) -> dict[str, Any]:
    """The parameter changes of the design at ``u`` (one coordinate in [0, 1) per :data:`VARIABLES`)."""
    x = dict(zip(VARIABLES, (float(v) for v in u)))
    changes: dict[str, Any] = {}
    for prog in PROGRAMMES:
        if x[prog] < CLOSED_BELOW:
            changes[f"{prog}_places"] = 0
        else:
            lo, hi = PLACES_RANGE
            factor = lo + (hi - lo) * (x[prog] - CLOSED_BELOW) / (1 - CLOSED_BELOW)
            changes[f"{prog}_places"] = max(1, int(round(base[f"{prog}_places"] * factor)))
    lo, hi = PRICE_RANGE
    factor = lo + (hi - lo) * x["price"]
    for prog in PROGRAMMES:
        changes[f"{prog}_price"] = float(round(base[f"{prog}_price"] * factor, -3))  # whole thousands of Rupiah
    batches = min(int(x["scholarship"] * (MAX_BATCHES_PER_YEAR + 1)), MAX_BATCHES_PER_YEAR)
    changes["scholarship_batches"] = ALL_BATCHES if batches else 0
    if batches:
        changes["scholarship_every_weeks"] = int(round(52 / batches))
    changes["free_class"] = bool(x["free_class"] >= 0.5)
    size = min(int(x["volunteers"] * (MAX_CALL_SIZE + 1)), MAX_CALL_SIZE)
    changes["volunteering"] = size > 0
    if size:
        changes["volunteer_call_size"] = size
    return changes


def describe_design(design: dict[str, Any], lang: str = "en") -> str:
    """A design in plain words, in ``lang`` (the programmes, price, scholarship, free class, volunteers)."""
    _ = gettext(lang)
    parts = []
    for prog in PROGRAMMES:
        places = design[f"{prog}_places"]
        if places > 0:
            n = format_number(places, lang, "count")
            parts.append(_("{programme}: {n} places").format(programme=PROGRAMME_LABELS[prog], n=n))
        else:
            parts.append(_("{programme}: closed").format(programme=PROGRAMME_LABELS[prog]))
    prices = " / ".join(format_number(design[f"{p}_price"], lang, "money") for p in PROGRAMMES)
    parts.append(_("prices {prices}").format(prices=prices))
    if design["scholarship_batches"] > 0 and design["scholarship_batch_size"] > 0:
        per_year = 52 / design["scholarship_every_weeks"]  # 52 / 17 = 3.06: shown as 3
        per_year = round(per_year) if abs(per_year - round(per_year)) < 0.1 else round(per_year, 1)
        _n = ngettext(lang)
        text = _n(
            "scholarship: {n} batch a year of {size}",
            "scholarship: {n} batches a year of {size}",
            math.ceil(per_year),
        )
        parts.append(text.format(n=format_number(per_year, lang, "rate"), size=design["scholarship_batch_size"]))
    else:
        parts.append(_("no scholarship"))
    parts.append(_("free entry class") if design["free_class"] else _("no free entry class"))
    if design["volunteering"] and design["volunteer_call_size"] > 0:
        parts.append(_("volunteer calls of {n}").format(n=design["volunteer_call_size"]))
    else:
        parts.append(_("no volunteer programme"))
    return "; ".join(parts)


def candidate_designs(scenario: str, base_changes: dict[str, Any], n: int, seed: int) -> list[dict[str, Any]]:
    """Candidate 0 (the scenario's own design) and ``n`` Latin-hypercube designs, as parameter changes."""
    base = load_scenario(scenario, **base_changes)
    sampler = qmc.LatinHypercube(d=len(VARIABLES), seed=np.random.default_rng(seed))
    return [{}] + [design_changes(u, base) for u in sampler.random(n)]


def _check_count(value: Any, what: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ParameterError(f"{what} = {show(value)} must be an integer in {low}-{high}")
    return value


def optimise(
    budget: float,
    goal: str = "registered",
    threshold: float | None = None,
    scenario: str = "ipm",
    posterior: str | Path | post_mod.Posterior | None = None,
    draws: int = DEFAULT_DRAWS,
    candidates: int = DEFAULT_CANDIDATES,
    best: int = DEFAULT_BEST,
    seed: int = 1,
    changes: dict[str, Any] | None = None,
    costs: dict[str, Any] | None = None,
    lang: str = "en",
    out: str | Path | None = None,
    write: bool = True,
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Callable[[int, int], None] | None = None,
    progress_line: bool = False,
) -> Optimisation:
    """Search programme designs within ``budget`` (Rp a year) for ``goal``; write the folder; return the result.

    ``changes`` apply to every design (e.g. a smaller ``n_mothers`` for a quick look); the design's own
    changes win over them. ``progress(done, total)`` is called after every run; ``progress_line`` also
    writes a progress line on stderr.
    """
    check_goal(goal)
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not np.isfinite(budget):
        raise ParameterError(f"budget = {show(budget)} must be an amount of Rupiah")
    if budget <= 0:
        raise BudgetError(M_NO_BUDGET, budget=_money(float(budget)))
    threshold = default_threshold(goal) if threshold is None else float(threshold)
    if not np.isfinite(threshold) or threshold < 0 or (GOALS[goal][1] == "share" and threshold > 1):
        raise ParameterError(
            f"threshold {show(threshold)} for {goal} must be "
            + ("a share from 0 to 1" if GOALS[goal][1] == "share" else "a number >= 0")
        )
    _check_count(draws, "draws", 1, 10_000)
    _check_count(candidates, "candidates", 1, 10_000)
    _check_count(best, "best", 1, 100)
    unit_costs = check_costs(costs)
    base_changes = dict(changes or {})
    load_scenario(scenario, **base_changes)  # the scenario and the fixed changes are valid
    post = post_mod.as_posterior(posterior)
    if write:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = Path(out) if out else Path("results") / f"optimise-{Path(scenario).stem}-{goal}-{stamp}"
        check_new_folder(out)

    # 1-2: the candidates and their yearly costs
    designs = candidate_designs(scenario, base_changes, candidates, seed)
    rows = []
    for i, d in enumerate(designs):
        params = load_scenario(scenario, **{**base_changes, **d})
        cost = yearly_cost(params, unit_costs)
        rows.append({"candidate": i, "current": i == 0, **{f"cost_{k}": v for k, v in cost.items()}, "design": d})
    table = pd.DataFrame(rows)
    table["affordable"] = table["cost_total"] <= budget
    if not table["affordable"].any():
        cheapest = table["cost_total"].min()
        raise BudgetError(M_NONE_FITS, budget=_money(float(budget)), n=len(designs), cheapest=_money(float(cheapest)))

    # 3: every affordable design over the same draws and seeds
    sample = post_mod.draws(post, draws, seed)
    todo = []
    for i in table.index[table["affordable"]]:
        d = {**base_changes, **designs[i]}
        if post is not None:
            post_mod.check_draws(scenario, d, sample)
        todo += post_mod.tasks_over(sample, {"scenario": scenario, **d}, candidate=int(i))
    total, done = len(todo), [0]
    results: list[dict] = []

    def on_result(res: dict) -> None:
        results.append(res)
        done[0] += 1
        if progress is not None:
            progress(done[0], total)
        if progress_line:
            print(f"\roptimise: {done[0]}/{total} runs", end="" if done[0] < total else "\n", file=sys.stderr)

    if progress is not None:
        progress(0, total)
    run_many(todo, run_one, executor=executor, workers=workers, scheduler=scheduler, on_result=on_result, limits=limits)
    failed = [r for r in results if not r["ok"]]
    if failed:
        raise OutputError(f"{len(failed)} optimiser run(s) failed; first: {failed[0]['reason']}")
    results.sort(key=lambda r: (r["candidate"], r["replication"]))
    runs = pd.DataFrame(
        [
            {
                "candidate": r["candidate"],
                "draw": r["draw"],
                "particle": r["particle"],
                "replication": r["replication"],
                "seed": r["seed"],
                **{g: r["outcomes"][g] for g in GOALS},
            }
            for r in results
        ]
    )

    # 4: the goal over the runs, and the ranking
    for i, g in runs.groupby("candidate"):
        x = g[goal].to_numpy(float)
        table.loc[i, "runs"] = len(x)
        table.loc[i, "probability"] = float(np.mean(np.nan_to_num(x, nan=-np.inf) >= threshold))
        ok = x[~np.isnan(x)]
        for q, p in QUANTILES.items():
            table.loc[i, q] = float(np.quantile(ok, p)) if len(ok) else np.nan
    ran = table[table["affordable"]].copy()
    ran["_median"] = ran["median"].fillna(-np.inf)
    ran = ran.sort_values(["probability", "_median", "cost_total", "candidate"], ascending=[False, False, True, True])
    top = ran.head(best).drop(columns="_median")
    proposals = pd.DataFrame(
        {
            "rank": range(1, len(top) + 1),
            "candidate": top["candidate"].to_numpy(),
            "current": top["current"].to_numpy(),
            "probability": top["probability"].to_numpy(),
            "median": top["median"].to_numpy(),
            "p5": top["p5"].to_numpy(),
            "p95": top["p95"].to_numpy(),
            "cost_total": top["cost_total"].to_numpy(),
            "design": [describe_design(load_scenario(scenario, **{**base_changes, **designs[i]})) for i in top.index],
            "changes": [designs[i] for i in top.index],
        }
    )
    info = {
        "scenario": scenario,
        "goal": goal,
        "threshold": threshold,
        "budget": float(budget),
        "changes": base_changes,
        "costs": unit_costs,
        "posterior": str(post.folder) if post is not None else None,
        "posterior_description": post_mod.describe(post)
        if post is not None
        else "none: the scenario's own values (seed noise only)",
        "draws": draws,
        "candidates": candidates,
        "affordable": int(table["affordable"].sum()),
        "best": best,
        "seed": seed,
        "sampler": "scipy.stats.qmc.LatinHypercube",
        "variables": list(VARIABLES),
        "runs": len(results),
        "run_seconds_total": round(sum(r["seconds"] for r in results), 2),
        "executor": executor if isinstance(executor, str) else type(executor).__name__,
        "workers": workers,
    }
    result = Optimisation(proposals, table, runs, goal, threshold, float(budget), info)
    if write:
        result.folder = Path(out)
        flat = table.drop(columns="design").assign(changes=[dumps(d) for d in table["design"]])
        with atomic_folder(out) as tmp:
            proposals.assign(changes=[dumps(d) for d in proposals["changes"]]).to_csv(
                tmp / "proposals.csv", index=False
            )
            flat.to_csv(tmp / "candidates.csv", index=False)
            runs.to_csv(tmp / "runs.csv", index=False)
            (tmp / "proposals.md").write_text(markdown(result, lang) + "\n", encoding="utf-8")
            (tmp / "manifest.json").write_text(dumps(manifest(packages=PACKAGES, **info)))
    return result


def load_optimisation(folder: str | Path) -> Optimisation:
    """An optimiser's folder read back (for :func:`markdown` in another language, or a report)."""
    import json

    folder = Path(folder)
    if not (folder / "proposals.csv").is_file() or not (folder / "manifest.json").is_file():
        raise OutputError(f"'{folder}' is not an optimiser folder (no proposals.csv and manifest.json)")
    info = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    proposals = pd.read_csv(folder / "proposals.csv")
    proposals["changes"] = [json.loads(c) for c in proposals["changes"]]
    candidates = pd.read_csv(folder / "candidates.csv").set_index("candidate", drop=False)
    candidates["design"] = [json.loads(c) for c in candidates.pop("changes")]
    runs = pd.read_csv(folder / "runs.csv")
    return Optimisation(proposals, candidates, runs, info["goal"], info["threshold"], info["budget"], info, folder)


def show_goal(goal: str, x: float, lang: str = "en") -> str:
    """A goal's value as a reader of ``lang`` reads it (counts rounded, shares as percentages)."""
    if x is None or not np.isfinite(x):
        return gettext(lang)("n/a")
    kind = GOALS[goal][1]
    return format_number(round(float(x)) if kind == "count" else float(x), lang, kind)


def markdown(result: Optimisation, lang: str = "en") -> str:
    """The proposals as a Markdown table in ``lang``, under one line saying the goal, threshold and budget."""
    _ = gettext(lang)
    goal_label = _(GOALS[result.goal][0])
    info = result.info
    head = _(
        "Goal: {goal} at least {threshold}; yearly budget {budget}; {affordable} of {n} designs within it, "
        "each run over {draws} draws (posterior: {posterior})."
    ).format(
        goal=goal_label,
        threshold=show_goal(result.goal, result.threshold, lang),
        budget=format_number(result.budget, lang, "money"),
        affordable=info["affordable"],
        n=info["candidates"] + 1,
        draws=info["draws"],
        posterior=info["posterior"] or _("none, the scenario's own values"),
    )
    lines = [
        head,
        "",
        "| # | "
        + " | ".join(
            [
                _("Probability of reaching the goal"),
                _("{goal}: median [5th-95th percentile]").format(goal=goal_label),
                _("Yearly cost"),
                _("Design"),
            ]
        )
        + " |",
        "|---:|---:|---:|---:|---|",
    ]
    scenario = info["scenario"]
    rows = list(result.proposals.to_dict("records"))
    own = result.candidates.loc[result.candidates["candidate"] == 0].iloc[0]
    if not result.proposals["current"].any() and own["affordable"] and np.isfinite(own["probability"]):
        # the scenario's own design, for reference, when it is within the budget but not among the best
        rows.append({**own.to_dict(), "rank": "-", "changes": {}, "current": True})
    for r in rows:
        params = load_scenario(scenario, **{**info["changes"], **r["changes"]})
        words = describe_design(params, lang)
        if r["current"]:
            words = _("(the scenario's own design) {design}").format(design=words)
        lines.append(
            f"| {r['rank']} | {format_number(float(r['probability']), lang, 'share', decimals=0)} | "
            f"{show_goal(result.goal, r['median'], lang)} [{show_goal(result.goal, r['p5'], lang)}, "
            f"{show_goal(result.goal, r['p95'], lang)}] | {format_number(float(r['cost_total']), lang, 'money')} | "
            f"{words} |"
        )
    return "\n".join(lines)


def cost_lines(result: Optimisation, candidate: int, lang: str = "en") -> list[str]:
    """A candidate's yearly cost item by item, in ``lang`` (for a card)."""
    _ = gettext(lang)
    row = result.candidates.loc[candidate]
    out = []
    for key, label in ITEMS.items():
        value = row[f"cost_{key}"]
        if value > 0:
            prog = key.removeprefix("programme_")
            name = _(label).format(programme=PROGRAMME_LABELS.get(prog, prog))
            out.append(f"{name}: {format_number(float(value), lang, 'money')}")
    return out


# ---------------------------------------------------------------- command line
