"""The budget-aware programme optimiser: the best few programme designs a yearly budget pays for.

    ibusim optimise --budget "Rp 500.000.000" --lang id --goal registered --threshold 15.000
    ibusim optimise --budget 300000000 --goal financial_change --threshold 0.55 --posterior none --rounds 3

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
4. searches near the best (``rounds``, default 2; ``rounds=1`` stops after step 3): each further round
   runs :func:`refine_size` (half of ``candidates``, rounded up) new affordable designs drawn near the
   best ``best`` designs found so far (below);
5. ranks every design run by the probability of reaching the goal (the share of runs whose figure is at
   least the threshold), then the goal's median, then the lower cost; the best ``best`` are the proposals,
   each with the probability, the median and 90% interval (5-95%) of the goal, and the yearly cost.

**The search** (step 4) is a shrinking box, the simplest search that concentrates the runs where the
first batch did well, with no model of the response to fit: every design has a point in the unit cube
(one coordinate per variable; the scenario's own design the point :func:`own_point` that maps back to
it). Round ``r`` takes the best ``best`` designs so far as centres, draws a Latin hypercube of
:data:`POOL_PER_DESIGN` points per design to run in a box of half-width :data:`BOX_HALF_WIDTH` (halved
each further round) around each centre (clipped to the cube), takes the points centre by centre in
turn, maps them to designs, skips designs already run and those over the budget, and runs the first
:func:`refine_size`. Only the pricing (well under a millisecond a design) is spent on the points
skipped. When a box holds too few new affordable designs, it is widened (doubled, at most
:data:`WIDENINGS` times, up to the whole cube); if there are still too few, the round runs those it has.

Its limits: it is a local search around the designs that ranked first over a few draws, so a design
that ranked first by luck draws the next round towards itself (more ``draws`` make the ranking less
noisy); on/off variables (a programme closed, the free entry class, the scholarship) change only for
centres near the switch, so a later round explores mostly one kind of design; at a tight budget, where
few of the first round's designs are affordable, it searches near those few, and a bigger first round
is the better use of the runs (IPM over its posterior, Rp 400,000,000, goal 15,000 registered, seed 1:
2 of 17 designs affordable, then 16 near them in 3 rounds, 180 runs, best 10%; ``rounds=1`` with 85
candidates, 19 affordable, 190 runs, best 20%). It promises no optimum, only that the best proposal is
at least as good (by the ranking above, over the same draws) as the first round's, since every round-1
design keeps its results.

**Runs**: ``draws`` x (the first round's affordable designs + ``(rounds - 1)`` x :func:`refine_size`),
counted before any run and given to ``progress`` as the total; a round that finds fewer designs lowers
the total (the next progress call says so). The seed of round ``r``'s points is ``(seed, r)``
(``numpy.random.default_rng``), a design's runs use the same draws and model seeds in every round and
every executor, and the choice of a round depends only on the results of the earlier ones, so the same
``seed`` gives the same proposals with any executor.

Common random numbers: every design sees the same draws with the same seeds, and a design's result does
not depend on which other designs are run, so for a fixed ``seed`` and ``rounds=1`` a larger budget (a
superset of affordable designs) never proposes a worse best probability (with more rounds this holds for
the first round's best only: later rounds search near different centres). Everything is reproducible in
``seed``.

A full IPM run takes about a second, so the defaults (16 candidates and 8 more in round 2, 10 draws: 250
runs at most) take a few minutes on two cores; ``changes`` (``--set``) can shrink the runs (``n_mothers``,
``end``) for a quick look, but counts then are of the smaller population.

The folder (``results/optimise-<scenario>-<goal>-<time>`` or ``out``, written atomically, never
overwritten) holds ``proposals.csv``, ``candidates.csv`` (every design run or over the budget, its round,
its point ``x_<variable>``, its changes, cost items, affordability and, when run, its results),
``runs.csv``, ``proposals.md`` (the table in the language asked for) and ``manifest.json`` (with
``rounds`` and ``round_log``: per round its centres, box, points screened, designs run and best so far).
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
    check_all_ran,
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
DEFAULT_ROUNDS = 2
MAX_ROUNDS = 10
REFINE_SHARE = 0.5  # a later round runs this share of ``candidates`` (rounded up) new designs
BOX_HALF_WIDTH = 0.15  # round 2's box around a centre, on every coordinate; halved each further round
POOL_PER_DESIGN = 8  # points drawn in the boxes per design a later round runs (priced, not run)
WIDENINGS = 3  # a box with too few new affordable designs is doubled at most this many times


# TRANSLATORS: {budget} and {cheapest} are amounts in Rupiah, already written as the reader writes them
M_NO_BUDGET = N_("a yearly budget of {budget} pays for no programme: give a budget above 0")
M_NONE_FITS = N_(
    "a yearly budget of {budget} pays for none of the {n} designs: the cheapest costs {cheapest} a year (see the "
    "unit costs in model/costs.py)"
)
# TRANSLATORS: {goal} is what was typed; {goals} the goals' names as typed on the command line
M_GOAL = N_("goal {goal} is not one of {goals}")
# TRANSLATORS: {value} is what was given instead of an amount
M_BUDGET = N_("budget = {value} must be an amount of Rupiah")
# TRANSLATORS: {goal} is the goal's name as typed on the command line (registered, completion, ...)
M_THRESHOLD_SHARE = N_("threshold {value} for {goal} must be a share from 0 to 1")
M_THRESHOLD_NUMBER = N_("threshold {value} for {goal} must be a number >= 0")
# TRANSLATORS: {what} is the option's name (draws, candidates, best, rounds)
M_COUNT = N_("{what} = {value} must be an integer in {low}-{high}")


def _money(amount: float) -> Localised:
    """An amount of Rupiah for a message, written as each reader writes it."""
    return number(amount, "money", english=format_number(amount, "en", "money"))


def _plain(x: Any) -> Localised | str:
    """A number given for a message (``repr`` in English, as each reader writes it otherwise); else as given."""
    if isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x):
        return number(x, "rate", english=show(x))
    return show(x)


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
        raise ParameterError(M_GOAL, goal=show(goal), goals=", ".join(GOALS))
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


def first_points(n: int, seed: int) -> np.ndarray:
    """The first round's ``n`` Latin-hypercube points (rows of :data:`VARIABLES` coordinates in [0, 1))."""
    return qmc.LatinHypercube(d=len(VARIABLES), seed=np.random.default_rng(seed)).random(n)


def candidate_designs(scenario: str, base_changes: dict[str, Any], n: int, seed: int) -> list[dict[str, Any]]:
    """Candidate 0 (the scenario's own design) and ``n`` Latin-hypercube designs, as parameter changes."""
    base = load_scenario(scenario, **base_changes)
    return [{}] + [design_changes(u, base) for u in first_points(n, seed)]


def own_point(base: dict[str, Any]) -> np.ndarray:
    """The point of the scenario's own design: the middle of the cell :func:`design_changes` maps to the nearest design.

    Its places and prices map back exactly (factor 1); its scholarship to its batches a year (1-4), its
    free entry class and volunteer call size as they are. It is where a later round searches when the
    scenario's own design ranks among the best.
    """
    x = {}
    for prog in PROGRAMMES:
        lo, hi = PLACES_RANGE
        x[prog] = (
            CLOSED_BELOW / 2
            if base[f"{prog}_places"] <= 0
            else CLOSED_BELOW + (1 - lo) / (hi - lo) * (1 - CLOSED_BELOW)
        )
    lo, hi = PRICE_RANGE
    x["price"] = (1 - lo) / (hi - lo)
    batches = 0
    if base["scholarship_batches"] > 0 and base["scholarship_batch_size"] > 0:
        batches = min(max(round(52 / base["scholarship_every_weeks"]), 1), MAX_BATCHES_PER_YEAR)
    x["scholarship"] = (batches + 0.5) / (MAX_BATCHES_PER_YEAR + 1)
    x["free_class"] = 0.75 if base["free_class"] else 0.25
    size = min(max(int(base["volunteer_call_size"]), 1), MAX_CALL_SIZE) if base["volunteering"] else 0
    x["volunteers"] = (size + 0.5) / (MAX_CALL_SIZE + 1)
    return np.array([x[v] for v in VARIABLES])


def refine_size(candidates: int) -> int:
    """How many new designs each round after the first runs: :data:`REFINE_SHARE` of ``candidates``, rounded up."""
    return max(1, math.ceil(candidates * REFINE_SHARE))


def box_points(centres: np.ndarray, half_width: float, per_centre: int, rng: np.random.Generator) -> np.ndarray:
    """``per_centre`` Latin-hypercube points in the box of ``half_width`` around each centre, clipped to [0, 1).

    The points are interleaved, one from each centre in turn (the best centre first), so that the first
    ``k`` points spread over the centres.
    """
    top = np.nextafter(1.0, 0.0)
    blocks = []
    for c in np.atleast_2d(centres):
        low, high = np.clip(c - half_width, 0.0, top), np.clip(c + half_width, 0.0, top)
        u = qmc.LatinHypercube(d=len(c), seed=rng).random(per_centre)
        blocks.append(low + u * (high - low))
    return np.stack(blocks, axis=1).reshape(-1, np.atleast_2d(centres).shape[1])


def refine(
    centres: np.ndarray,
    n: int,
    half_width: float,
    seed: tuple[int, int],
    price: Callable[[dict[str, Any]], dict[str, float] | None],
    base: dict[str, Any],
    seen: set[str],
) -> tuple[list[tuple[np.ndarray, dict[str, Any], dict[str, float]]], dict[str, Any]]:
    """A later round's designs: up to ``n`` new affordable designs near ``centres`` (points, best first).

    ``price(changes)`` is a design's yearly cost items, or None when it is over the budget; ``seen`` holds the
    designs run already (:func:`~ibusim.experiments.execution.dumps` of their changes). Points are drawn
    in boxes of ``half_width`` (:func:`box_points`, ``numpy.random.default_rng(seed)``), doubled at most
    :data:`WIDENINGS` times while too few are found. Returns the designs (point, changes, cost) and a
    log of the search (the half-width used last, the points screened, the new affordable designs found).
    """
    rng = np.random.default_rng(list(seed))
    per_centre = max(1, math.ceil(POOL_PER_DESIGN * n / len(centres)))
    found: list[tuple[np.ndarray, dict[str, Any], dict[str, float]]] = []
    taken = set(seen)
    screened = 0
    for widening in range(WIDENINGS + 1):
        width = min(half_width * 2**widening, 0.5)
        for u in box_points(centres, width, per_centre, rng):
            if len(found) == n:
                break
            screened += 1
            changes = design_changes(u, base)
            key = dumps(changes)
            if key in taken:
                continue
            taken.add(key)
            cost = price(changes)
            if cost is not None:
                found.append((u, changes, cost))
        if len(found) == n or width >= 0.5:
            break
    return found, {"half_width": width, "screened": screened, "found": len(found)}


def _check_count(value: Any, what: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        low_, high_ = number(low, "count"), number(high, "count")
        raise ParameterError(M_COUNT, what=what, value=_plain(value), low=low_, high=high_)
    return value


def ranking(table: pd.DataFrame) -> pd.DataFrame:
    """The designs run, best first: by probability of reaching the goal, then the goal's median, then lower cost."""
    ran = table[table["affordable"] & table["runs"].notna()].copy()
    ran["_median"] = ran["median"].fillna(-np.inf)
    ran = ran.sort_values(["probability", "_median", "cost_total", "candidate"], ascending=[False, False, True, True])
    return ran.drop(columns="_median")


def _best_so_far(table: pd.DataFrame) -> dict[str, Any]:
    top = ranking(table).iloc[0]
    return {
        "best_candidate": int(top["candidate"]),
        "best_probability": float(top["probability"]),
        "best_median": float(top["median"]),
    }


def optimise(
    budget: float,
    goal: str = "registered",
    threshold: float | None = None,
    scenario: str = "ipm",
    posterior: str | Path | post_mod.Posterior | None = None,
    draws: int = DEFAULT_DRAWS,
    candidates: int = DEFAULT_CANDIDATES,
    best: int = DEFAULT_BEST,
    rounds: int = DEFAULT_ROUNDS,
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
    changes win over them. ``rounds``: 1 runs the first batch only; each further round runs
    :func:`refine_size` new designs near the best so far (the module's docstring). ``progress(done, total)``
    is called before the first run and after every run, ``total`` counting every round's runs from the
    start; ``progress_line`` also writes a progress line on stderr.
    """
    check_goal(goal)
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not np.isfinite(budget):
        raise ParameterError(M_BUDGET, value=show(budget))
    if budget <= 0:
        raise BudgetError(M_NO_BUDGET, budget=_money(float(budget)))
    threshold = default_threshold(goal) if threshold is None else float(threshold)
    if not np.isfinite(threshold) or threshold < 0 or (GOALS[goal][1] == "share" and threshold > 1):
        message = M_THRESHOLD_SHARE if GOALS[goal][1] == "share" else M_THRESHOLD_NUMBER
        raise ParameterError(message, value=_plain(threshold), goal=goal)
    _check_count(draws, "draws", 1, 10_000)
    _check_count(candidates, "candidates", 1, 10_000)
    _check_count(best, "best", 1, 100)
    _check_count(rounds, "rounds", 1, MAX_ROUNDS)
    unit_costs = check_costs(costs)
    base_changes = dict(changes or {})
    load_scenario(scenario, **base_changes)  # the scenario and the fixed changes are valid
    post = post_mod.as_posterior(posterior)
    if write:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = Path(out) if out else Path("results") / f"optimise-{Path(scenario).stem}-{goal}-{stamp}"
        check_new_folder(out)

    # 1-2: the first round's candidates, their points and yearly costs
    base = load_scenario(scenario, **base_changes)
    designs = candidate_designs(scenario, base_changes, candidates, seed)
    points = [own_point(base), *first_points(candidates, seed)]

    def cost_of(d: dict[str, Any]) -> dict[str, float]:
        return yearly_cost(load_scenario(scenario, **{**base_changes, **d}), unit_costs)

    def row(i: int, rnd: int, u: np.ndarray, d: dict[str, Any], cost: dict[str, float]) -> dict[str, Any]:
        return {
            "candidate": i,
            "current": i == 0,
            "round": rnd,
            **{f"x_{v}": float(x) for v, x in zip(VARIABLES, u)},
            **{f"cost_{k}": v for k, v in cost.items()},
            "design": d,
        }

    table = pd.DataFrame([row(i, 1, u, d, cost_of(d)) for i, (u, d) in enumerate(zip(points, designs))])
    table["affordable"] = table["cost_total"] <= budget
    if not table["affordable"].any():
        cheapest = table["cost_total"].min()
        raise BudgetError(M_NONE_FITS, budget=_money(float(budget)), n=len(designs), cheapest=_money(float(cheapest)))
    first_affordable = int(table["affordable"].sum())

    # 3: every affordable design over the same draws and seeds, round by round
    sample = post_mod.draws(post, draws, seed)
    later = refine_size(candidates)
    total = len(sample) * (first_affordable + (rounds - 1) * later)
    done = [0]
    results: list[dict] = []

    def report() -> None:
        if progress is not None:
            progress(done[0], total)
        if progress_line:
            print(f"\roptimise: {done[0]}/{total} runs", end="" if done[0] < total else "\n", file=sys.stderr)

    def on_result(res: dict) -> None:
        results.append(res)
        done[0] += 1
        report()

    def run(indices: list[int]) -> None:
        if not indices:
            return
        todo = []
        for i in indices:
            d = {**base_changes, **designs[i]}
            if post is not None:
                post_mod.check_draws(scenario, d, sample)
            todo += post_mod.tasks_over(sample, {"scenario": scenario, **d}, candidate=int(i))
        run_many(
            todo, run_one, executor=executor, workers=workers, scheduler=scheduler, on_result=on_result, limits=limits
        )
        # TRANSLATORS: {reason} is the failed run's own one-line reason (often in English)
        check_all_ran(results, N_("{n} optimiser run(s) failed; first: {reason}"))
        mine = set(indices)
        by: dict[int, list] = {}
        for r in results:
            if r["candidate"] in mine:
                by.setdefault(r["candidate"], []).append(r["outcomes"][goal])
        for i in sorted(by):
            x = np.array(by[i], dtype=float)
            table.loc[i, "runs"] = len(x)
            table.loc[i, "probability"] = float(np.mean(np.nan_to_num(x, nan=-np.inf) >= threshold))
            ok = x[~np.isnan(x)]
            for q, p in QUANTILES.items():
                table.loc[i, q] = float(np.quantile(ok, p)) if len(ok) else np.nan

    if progress is not None:
        progress(0, total)
    run([int(i) for i in table.index[table["affordable"]]])
    log = [{"round": 1, "designs": len(designs), "affordable": first_affordable, "ran": first_affordable}]
    log[0].update(_best_so_far(table))

    # 4: later rounds, near the best designs so far
    def price(d: dict[str, Any]) -> dict[str, float] | None:
        cost = cost_of(d)
        return cost if cost["total"] <= budget else None

    for rnd in range(2, rounds + 1):
        top = ranking(table).head(best)
        centres = table.loc[top.index, [f"x_{v}" for v in VARIABLES]].to_numpy(float)
        seen = {dumps(d) for d in designs}
        width = BOX_HALF_WIDTH / 2 ** (rnd - 2)
        found, search = refine(centres, later, width, (seed, rnd), price, base, seen)
        new = []
        for u, d, cost in found:
            i = len(designs)
            designs.append(d)
            new.append(row(i, rnd, u, d, cost))
        if new:
            table = pd.concat([table, pd.DataFrame(new).assign(affordable=True)], ignore_index=True)
        if len(found) < later:  # fewer new designs than announced: the total shrinks, and progress says so
            total -= len(sample) * (later - len(found))
            report()
        run([r["candidate"] for r in new])
        log.append({"round": rnd, "centres": [int(c) for c in top["candidate"]], **search, "ran": len(new)})
        log[-1].update(_best_so_far(table))
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
        ],
        columns=["candidate", "draw", "particle", "replication", "seed", *GOALS],
    )

    # 5: the ranking of every design run
    top = ranking(table).head(best)
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
        "affordable": first_affordable,
        "best": best,
        "seed": seed,
        "sampler": "scipy.stats.qmc.LatinHypercube",
        "variables": list(VARIABLES),
        "rounds": rounds,
        "refine": {
            "designs_per_round": later,
            "box_half_width": BOX_HALF_WIDTH,
            "pool_per_design": POOL_PER_DESIGN,
            "widenings": WIDENINGS,
        },
        "round_log": log,
        "designs_run": int(table["affordable"].sum()),
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
        raise OutputError(
            N_("'{folder}' is not an optimiser folder (no proposals.csv and manifest.json)"), folder=str(folder)
        )
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
    fields = {
        "goal": goal_label,
        "threshold": show_goal(result.goal, result.threshold, lang),
        "budget": format_number(result.budget, lang, "money"),
        "affordable": info["affordable"],
        "n": info["candidates"] + 1,
        "draws": info["draws"],
        "posterior": info["posterior"] or _("none, the scenario's own values"),
    }
    if info.get("rounds", 1) == 1:
        head = _(
            "Goal: {goal} at least {threshold}; yearly budget {budget}; {affordable} of {n} designs within it, "
            "each run over {draws} draws (posterior: {posterior})."
        ).format(**fields)
    else:
        # TRANSLATORS: {more} designs were drawn near the best ones in {rounds} - 1 further rounds
        head = _(
            "Goal: {goal} at least {threshold}; yearly budget {budget}; {affordable} of {n} designs within it, "
            "then {more} more near the best ({rounds} rounds in all), each run over {draws} draws (posterior: "
            "{posterior})."
        ).format(**fields, more=info["designs_run"] - info["affordable"], rounds=info["rounds"])
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
