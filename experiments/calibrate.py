"""Calibration: ABC-SMC (pyabc) of the IPM preset against the observed figures (issue 11).

``ibusim calibrate`` fits the calibrated quantities declared in model/parameters.py
(``PRIORS``: parameters, and multipliers that scale several parameters together,
``MULTIPLIERS``), or those named with ``--params``, to the targets of model/targets.toml
whose role is ``fitted``:

* **priors**: uniform, or log-uniform (uniform in log10), each with its source (literature,
  analogue or first principles, never the targets); pyabc samples in that uniform coordinate;
* **fixed**: the tuned parameters fixed at a source-backed value (``CALIBRATION_FIXED``) are
  applied to every run, before any ``--set`` change;
* **distance**: ``sqrt(mean_k ((s_k - o_k) / c_k)^2)`` over the fitted targets, where ``s_k``
  is target k's fitted statistic (the figure, or a ratio per registered mother for counts
  that depend on the market's size), ``o_k`` its observed value and
  ``c_k = sqrt(h_k^2 + noise_k^2)``: ``h_k`` half the band (what the band stands for: source
  rounding, survey sampling error, the date of a count) and ``noise_k`` the run-to-run sd at
  the preset (``noise_sd``, measured by ``--noise``), so 1 means "on average at the edge of
  the band, widened by the model's own noise";
* **stop rule** (:func:`converged`): after each generation, stop when epsilon changed by less
  than 5% over the last two generations AND the effective sample size of the last
  generation is at least 30% of the population; otherwise stop at the generation cap (or the
  simulation cap) and report **not converged**;
* **proposal kernel**: pyabc's Gaussian kernel over the last generation (``transition``
  ``multivariate``; ``local``: one per particle), its covariance times ``kernel_scaling``;
* **model**: one run of the scenario at the proposed values; its seed is drawn from pyabc's
  random state, which ``seed`` fixes (one worker: reproducible);
* **resumable**: the history lives in ``abc.db`` (SQLite) in the output folder; after a kill,
  the same call continues from the last finished generation;
* **outputs**: ``posterior.csv`` (the particles as model parameters, multipliers expanded, plus
  ``weight``: what forecasts and comparisons run; the fixed changes are in ``setup.json``),
  ``posterior_calibrated.csv`` (the calibrated quantities), ``posterior_summary.csv``
  (median, 5-95%, prior and its source, posterior/prior sd), ``correlation.csv``,
  ``epsilons.csv`` (epsilon, ESS, simulations per generation), ``posterior.png`` and the
  **posterior-predictive check** (``ppc.csv``, ``ppc_summary.csv``): runs at posterior draws
  with new seeds; the share inside the band per fitted figure, for all fitted figures at
  once (joint), and for the held-out, predicted and check figures and the time-shape patterns.

``python -m ibusim.experiments.calibrate --noise`` measures the run-to-run noise at the preset.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ibusim.i18n import N_, number
from ibusim.model.parameters import (
    CALIBRATION_FIXED,
    PARAMS,
    PRIORS,
    ParameterError,
    calibrated_names,
    calibration_changes,
)
from ibusim.model.targets import load as load_targets
from ibusim.model.targets import pattern_values, patterns

from .core import build_model
from .execution import ExecutionError, atomic_text, atomic_write, check_all_ran, dumps, run_many

# the convergence criterion of issue 11
EPS_CHANGE = 0.05  # relative change of epsilon over the last two generations
ESS_SHARE = 0.30  # effective sample size of the last generation, share of the population


@dataclass
class CalibrationSetup:
    """A checked choice: scenario, quantities to fit, targets fitted and held out, fixed changes."""

    scenario: str
    params: list[str]  # calibrated quantities (parameters or multipliers), each with a prior
    fit: list[str]  # target names in the distance
    held_out: list[str]  # fitted-role targets left out of the distance (predicted instead)
    fixed: dict  # parameter changes applied to every run (source-backed fixed values, then --set)
    reported: list[str] = field(default_factory=list)  # predicted and check targets, reported only

    def as_json(self) -> dict:
        """The setup as stored in ``setup.json``."""
        return {
            "scenario": self.scenario,
            "params": self.params,
            "fit": self.fit,
            "held_out": self.held_out,
            "fixed": self.fixed,
        }


def setup(
    scenario: str = "ipm",
    params: list[str] | None = None,
    targets: list[str] | None = None,
    hold_out: list[str] | None = None,
    fixed: dict | None = None,
) -> CalibrationSetup:
    """Validate the choice of quantities and targets (ParameterError, one line, on anything wrong).

    Default: every declared prior, every ``fitted`` target. A ``predicted`` or ``check`` target is
    never fitted; it may be named in ``hold_out`` (it is reported either way).
    """
    all_targets = load_targets()
    names = params or calibrated_names()
    for n in names:
        if n not in PRIORS:
            if n in PARAMS:
                raise ParameterError(
                    N_("parameter '{name}' declares no calibration prior (see model/parameters.py PRIORS)"), name=n
                )
            raise ParameterError(
                N_("unknown parameter '{name}' to calibrate (allowed: {allowed})"), name=n, allowed=", ".join(PRIORS)
            )
    chosen = targets or [n for n, t in all_targets.items() if t.role == "fitted"]
    hold = hold_out or []
    for t in chosen + hold:
        if t not in all_targets:
            raise ParameterError(
                N_("unknown target '{name}' (allowed: {allowed})"), name=t, allowed=", ".join(all_targets)
            )
    fit = [t for t in chosen if t not in hold]
    for t in fit:
        if all_targets[t].role != "fitted":
            raise ParameterError(
                # TRANSLATORS: {role} is the target's role as written in model/targets.toml (predicted, check)
                N_("target '{name}' has role '{role}' (model/targets.toml) and is never fitted"),
                name=t,
                role=all_targets[t].role,
            )
    if not fit:
        raise ParameterError(N_("no targets left to fit after holding out"))
    from ibusim.model.resources import check as check_memory
    from ibusim.model.scenarios import load

    changes = {n: v for n, (v, _) in CALIBRATION_FIXED.items()} | dict(fixed or {})
    check_memory(load(scenario, **changes))  # valid, and a model that fits in memory
    reported = [t for t in all_targets if t not in fit and t not in hold]
    return CalibrationSetup(scenario, list(names), fit, hold, changes, reported)


# ---------------------------------------------------------------- coordinates and runs
def prior_bounds(names: list[str]) -> np.ndarray:
    """(d, 2) array: each quantity's prior bounds in its uniform coordinate (log10 for a log prior)."""
    return np.array([PRIORS[n].bounds for n in names], dtype=float)


def to_values(names: list[str], coords) -> dict[str, float]:
    """Uniform coordinates -> the calibrated quantities' values."""
    return {n: PRIORS[n].from_coordinate(float(x)) for n, x in zip(names, coords)}


def to_coords(names: list[str], values: dict) -> np.ndarray:
    """The calibrated quantities' values -> their uniform coordinates."""
    return np.array([PRIORS[n].to_coordinate(float(values[n])) for n in names])


def run_params(cs: CalibrationSetup, values: dict[str, float]) -> dict:
    """The ``params`` of one run (for :func:`figures`): scenario, fixed changes, calibrated values."""
    return {"scenario": cs.scenario, **cs.fixed, **calibration_changes(values)}


def figures(params: dict, seed: int) -> dict[str, float]:
    """One run: every ``summary()`` figure (floats) plus the time-shape statistics (model/targets.py)."""
    params = dict(params)
    model = build_model(params.pop("scenario", "ipm"), params, seed).run()
    out = {k: float(v) for k, v in model.summary().items()}
    reg = model.dataframe()["new_registered"].to_numpy()[1:]  # row 0 is the initial state
    out.update(pattern_values(reg, model.start_date))
    return out


def statistics(figs: dict, names: list[str]) -> dict[str, float]:
    """The fitted statistics of targets ``names`` from a run's figures."""
    targets = load_targets()
    return {n: targets[n].statistic(figs) for n in names}


def distance(stats: dict, names: list[str]) -> float:
    """Root mean square of (statistic - observed) / scale over ``names`` (inf if any is missing)."""
    targets = load_targets()
    z = []
    for n in names:
        s = stats.get(n)
        if s is None or math.isnan(s):
            return math.inf
        z.append((s - targets[n].fit_value) / targets[n].scale)
    return float(np.sqrt(np.mean(np.square(z))))


def orphaned(owner: int) -> bool:
    """Whether this process is neither ``owner`` nor a child of it (its parent was killed: it is an orphan)."""
    return os.getpid() != owner and os.getppid() != owner


class _Model:
    """pyabc model: uniform coordinates -> the targets' fitted statistics (picklable for worker processes).

    pyabc's multicore sampler forks workers that keep sampling if the calibration is killed; a worker whose
    parent is gone exits at its next run instead (the rerun resumes from the database).
    """

    def __init__(self, cs: CalibrationSetup):
        self.cs = cs
        self.owner = os.getpid()

    def __call__(self, pars: dict) -> dict:
        if orphaned(self.owner):
            os._exit(1)
        seed = int(np.random.randint(0, 2**31 - 1))  # pyabc's random state (np.random), seeded by ``seed``
        values = to_values(self.cs.params, [pars[n] for n in self.cs.params])
        figs = figures(run_params(self.cs, values), seed)
        return statistics(figs, self.cs.fit + self.cs.held_out)


class _Distance:
    def __init__(self, names):
        self.names = names

    def __call__(self, x: dict, x0: dict) -> float:
        return distance(x, self.names)


def converged(epsilons: list[float], ess: float, population: int) -> tuple[bool, str]:
    """The stop rule: epsilon changed < 5% over the last two generations and ESS >= 30% of the population.

    Returns (converged, the reason in words).
    """
    if len(epsilons) < 3:
        return False, f"{len(epsilons)} generation(s): the criterion needs 3"
    change = abs(epsilons[-3] - epsilons[-1]) / epsilons[-3] if epsilons[-3] > 0 else 0.0
    eps_ok, ess_ok = change < EPS_CHANGE, ess >= ESS_SHARE * population
    text = (
        f"epsilon changed {change:.1%} over the last two generations ({'<' if eps_ok else '>='} "
        f"{EPS_CHANGE:.0%}); ESS {ess:.1f} of {population} ({'>=' if ess_ok else '<'} {ESS_SHARE:.0%})"
    )
    return eps_ok and ess_ok, text


def ess(weights) -> float:
    """Effective sample size of normalised importance weights."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / (w**2).sum()) if len(w) else 0.0


TRANSITIONS = ("multivariate", "local")
# the proposal's covariance is pyabc's (the population's, by Silverman's rule) times this: a wider kernel
# covers the gaps between the last generation's particles, so that no particle accepted there carries most
# of the weight (``python -m ibusim.experiments.calibrate --kernels FOLDER`` measures it on a finished run)
KERNEL_SCALING_RANGE = (0.25, 10)


def _kernel(transition: str, scaling: float):
    """The proposal kernel (pyabc): ``local`` one per particle, else one Gaussian; covariance times ``scaling``."""
    import pyabc

    if transition == "local":
        return pyabc.LocalTransition(k_fraction=0.25, scaling=scaling)
    return pyabc.MultivariateNormalTransition(scaling=scaling)


def _say(progress: bool, text: str) -> None:
    if progress:
        print(f"[calibrate] {text}", file=sys.stderr, flush=True)


def run(
    cs: CalibrationSetup,
    out: str | Path,
    population: int = 50,
    generations: int = 6,
    min_epsilon: float = 0.0,
    workers: int | None = None,
    seed: int = 1,
    ppc_runs: int = 40,
    transition: str = "multivariate",
    max_simulations: int | None = None,
    progress: bool = False,
    kernel_scaling: float = 1.0,
) -> dict:
    """Run (or resume) ABC-SMC until the stop rule, the generation cap or the simulation cap; write the outputs.

    ``min_epsilon`` > 0 also stops once epsilon is at most that. ``kernel_scaling`` multiplies the proposal
    kernel's covariance (pyabc's ``scaling``; 1: pyabc's default). Returns the report (also ``report.json``).
    """
    import pyabc

    if transition not in TRANSITIONS:
        raise ParameterError(
            N_("transition '{transition}' is not one of {allowed}"),
            transition=transition,
            allowed=", ".join(TRANSITIONS),
        )
    low, high = KERNEL_SCALING_RANGE
    is_number = isinstance(kernel_scaling, (int, float)) and not isinstance(kernel_scaling, bool)
    if not (is_number and low <= kernel_scaling <= high):
        shown = number(kernel_scaling, "rate") if is_number and math.isfinite(kernel_scaling) else str(kernel_scaling)
        raise ParameterError(
            N_("the kernel scaling must be a number in {low}-{high}, got {value}"),
            low=number(low, "rate"),
            high=number(high, "rate"),
            value=shown,
        )
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    db = out / "abc.db"
    setup_file = out / "setup.json"
    setup_json = json.dumps(
        {
            **cs.as_json(),
            "population": population,
            "seed": seed,
            **({"transition": transition} if transition != "multivariate" else {}),
            **({"kernel_scaling": float(kernel_scaling)} if kernel_scaling != 1.0 else {}),
        },
        indent=2,
        default=str,
    )
    if setup_file.exists() and setup_file.read_text() != setup_json:
        raise ParameterError(
            N_("folder '{folder}' holds a different calibration (setup.json differs); use another --out"),
            folder=str(out),
        )
    atomic_text(setup_file, setup_json)
    t_start = time.perf_counter()
    np.random.seed(seed)
    bounds = prior_bounds(cs.params)
    prior = pyabc.Distribution(**{n: pyabc.RV("uniform", lo, hi - lo) for n, (lo, hi) in zip(cs.params, bounds)})
    workers = workers or os.cpu_count() or 1
    sampler = (
        pyabc.sampler.SingleCoreSampler()
        if workers == 1
        else pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers)
    )

    def fresh():
        # a new ABCSMC per generation, loaded from the database: pyabc then initialises epsilon from the last
        # stored generation (one object reused across run() calls keeps the first calibration sample's epsilon)
        return pyabc.ABCSMC(
            _Model(cs),
            prior,
            _Distance(cs.fit),
            population_size=population,
            sampler=sampler,
            transitions=_kernel(transition, kernel_scaling),
        )

    abc = fresh()
    history = pyabc.History(f"sqlite:///{db}")
    if db.exists() and history.all_runs():
        run_id = history.all_runs()[-1].id
        abc.load(f"sqlite:///{db}", run_id)
    else:
        abc.new(f"sqlite:///{db}", {n: 0.0 for n in cs.fit})  # observed statistics enter through the distance
        run_id = abc.history.id
    while True:
        state = _state(abc.history, population)
        done = state["generations"]
        stop = state["converged"] or done >= generations
        stop = stop or (min_epsilon > 0 and done and state["epsilons"][-1] <= min_epsilon)
        stop = stop or (max_simulations is not None and state["simulations"] >= max_simulations)
        if stop:
            break
        _say(progress, f"generation {done + 1} (cap {generations}); {state['reason']}")
        if done:
            abc = fresh()
            abc.load(f"sqlite:///{db}", run_id)
        kw = {"max_total_nr_simulations": max_simulations} if max_simulations else {}
        abc.run(max_nr_populations=1, **kw)
        if _state(abc.history, population)["generations"] == done:  # the simulation cap ended it mid-way
            break
    report = write_outputs(cs, abc.history, out, ppc_runs=ppc_runs, seed=seed, workers=workers, progress=progress)
    report["caps"] = {"generations": generations, "simulations": max_simulations, "min_epsilon": min_epsilon}
    report["wall_seconds_this_call"] = time.perf_counter() - t_start
    atomic_text(out / "report.json", dumps(report))
    return report


def _state(history, population: int) -> dict:
    """Generations stored so far, their epsilons and ESS, simulations, and the stop rule's verdict."""
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0] if len(pops) else pops
    eps = [float(e) for e in pops["epsilon"]] if len(pops) else []
    last_ess = 0.0
    if eps:
        w = history.get_weighted_distances(t=history.max_t)["w"]
        last_ess = ess(w)
    ok, reason = converged(eps, last_ess, population)
    return {
        "generations": len(eps),
        "epsilons": eps,
        "ess": last_ess,
        "converged": ok,
        "reason": reason,
        "simulations": int(history.total_nr_simulations) if eps else 0,
    }


def _csv(df: pd.DataFrame, path: Path) -> None:
    atomic_write(path, lambda p: df.to_csv(p, index=False))


def weighted_quantile(x, w, q: float) -> float:
    """The ``q`` quantile of ``x`` under weights ``w``."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    order = np.argsort(x)
    cdf = np.cumsum(w[order]) / w.sum()
    return float(x[order][min(np.searchsorted(cdf, q), len(x) - 1)])


def identifiability(names: list[str], coords: np.ndarray, weights) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Posterior/prior sd per quantity (in its uniform coordinate) and the weighted posterior correlations.

    A ratio near 1 means the data taught nothing about that quantity (the posterior is as wide as the
    prior); the correlations show ridges along which quantities trade off.
    """
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    mean = w @ coords
    cov = (coords - mean).T @ ((coords - mean) * w[:, None])
    sd = np.sqrt(np.clip(np.diag(cov), 0, None))
    bounds = prior_bounds(names)
    prior_sd = (bounds[:, 1] - bounds[:, 0]) / math.sqrt(12)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(sd, sd)
    ratios = pd.DataFrame({"parameter": names, "posterior_sd": sd, "prior_sd": prior_sd, "sd_ratio": sd / prior_sd})
    return ratios, pd.DataFrame(corr, index=names, columns=names).rename_axis("parameter").reset_index()


def summarise(names: list[str], coords: np.ndarray, weights) -> pd.DataFrame:
    """Median and 5-95% per quantity (in its own units), its prior and the prior's source, sd ratio."""
    ratios, _ = identifiability(names, coords, weights)
    rows = []
    for i, n in enumerate(names):
        pr = PRIORS[n]
        q = [pr.from_coordinate(weighted_quantile(coords[:, i], weights, p)) for p in (0.5, 0.05, 0.95)]
        rows.append(
            {
                "parameter": n,
                "median": q[0],
                "p5": q[1],
                "p95": q[2],
                "prior": pr.text(),
                "prior_low": pr.low,
                "prior_high": pr.high,
                "prior_scale": pr.scale,
                "prior_source": pr.source,
                "sd_ratio": float(ratios["sd_ratio"].iloc[i]),
            }
        )
    return pd.DataFrame(rows)


def model_posterior(cs: CalibrationSetup, calibrated: pd.DataFrame) -> pd.DataFrame:
    """Particles of calibrated quantities (+ weight) -> model parameters (multipliers expanded) + weight.

    The fixed changes are not repeated here: ``setup.json`` holds them (``fixed``), where
    experiments/posterior.py reads them.
    """
    rows = [
        {**calibration_changes({n: r[n] for n in cs.params}), "weight": r["weight"]} for _, r in calibrated.iterrows()
    ]
    df = pd.DataFrame(rows)
    return df[[c for c in df.columns if c != "weight"] + ["weight"]]


def write_outputs(
    cs: CalibrationSetup,
    history,
    out: Path,
    ppc_runs: int,
    seed: int,
    workers: int | None = None,
    progress: bool = False,
) -> dict:
    """Write the posterior (both forms), its summary, correlations and plot, the epsilons and the check.

    Each file is written atomically. The posterior-predictive runs go through the execution layer, in this
    process when ``workers`` is 1, else in worker processes. Returns the report.
    """
    df, w = history.get_distribution(m=0, t=history.max_t)
    coords = df[cs.params].to_numpy(dtype=float)
    w = np.asarray(w, dtype=float) / np.sum(w)
    calibrated = pd.DataFrame(
        {n: [PRIORS[n].from_coordinate(x) for x in coords[:, i]] for i, n in enumerate(cs.params)}
    ).assign(weight=w)
    _csv(calibrated, out / "posterior_calibrated.csv")
    _csv(model_posterior(cs, calibrated), out / "posterior.csv")
    summary = summarise(cs.params, coords, w)
    _csv(summary, out / "posterior_summary.csv")
    _, corr = identifiability(cs.params, coords, w)
    _csv(corr, out / "correlation.csv")
    state = _state(history, len(w))
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0].copy()
    pops["ess"] = [ess(history.get_weighted_distances(t=int(t))["w"]) for t in pops["t"]]
    pops["simulations"] = pops["samples"]
    _csv(pops[["t", "epsilon", "samples", "ess"]], out / "epsilons.csv")
    atomic_write(out / "posterior.png", lambda p: _plot_posterior(cs, coords, w, p))
    executor = "sequential" if workers == 1 else "processes"
    _say(progress, f"posterior-predictive check: {ppc_runs} runs")
    ppc, ppc_summary = posterior_predictive(cs, calibrated, ppc_runs, seed, executor=executor, workers=workers)
    _csv(ppc, out / "ppc.csv")
    _csv(ppc_summary, out / "ppc_summary.csv")
    report = {
        "generations": state["generations"],
        "final_epsilon": state["epsilons"][-1],
        "epsilons": state["epsilons"],
        "ess": state["ess"],
        "population": len(w),
        "simulations": state["simulations"],
        "converged": state["converged"],
        "convergence": state["reason"],
        "posterior": summary.to_dict("records"),
        "ppc": ppc_summary.to_dict("records"),
        "ppc_runs": ppc_runs,
    }
    atomic_text(out / "report.json", dumps(report))
    return report


def draw(calibrated: pd.DataFrame, n: int, rng) -> pd.DataFrame:
    """``n`` rows drawn from weighted particles (with replacement, by weight)."""
    p = calibrated["weight"].to_numpy(dtype=float)
    idx = rng.choice(len(calibrated), size=n, p=p / p.sum())
    return calibrated.iloc[idx].reset_index(drop=True)


def predictive_runs(
    cs: CalibrationSetup,
    values: pd.DataFrame,
    seeds,
    executor: str = "processes",
    workers: int | None = None,
) -> list[dict]:
    """Run the model at each row of calibrated ``values`` (one seed each); the figures of each run, in order."""
    jobs = [
        {"params": run_params(cs, {n: float(r[n]) for n in cs.params}), "seed": int(s)}
        for (_, r), s in zip(values.iterrows(), seeds)
    ]
    results = run_many(jobs, figures, executor=executor, workers=workers)
    # an ExecutionError, a RuntimeError as before: one line on the command line, in its language
    # TRANSLATORS: {reason} is the failed run's own one-line reason (often in English)
    check_all_ran(results, N_("{n} predictive run(s) failed; first: {reason}"), ExecutionError)
    return [r["outcomes"] for r in results]


def inside_table(cs: CalibrationSetup, values: pd.DataFrame, figs: list[dict]) -> pd.DataFrame:
    """One row per run: the calibrated values, each target's statistic and whether it is inside its band."""
    targets, pats = load_targets(), patterns()
    rows = []
    for (_, r), f in zip(values.iterrows(), figs):
        row = {n: float(r[n]) for n in cs.params}
        for t in cs.fit + cs.held_out:
            s = targets[t].statistic(f)
            row[t], row[f"{t}_inside"] = s, targets[t].fit_inside(s)
        for t in cs.reported:  # a fitted-role figure left out of this setup keeps its fitted statistic
            tg = targets[t]
            s = tg.statistic(f) if tg.role == "fitted" else f[tg.summary]
            row[t], row[f"{t}_inside"] = s, tg.fit_inside(s) if tg.role == "fitted" else tg.inside(s)
        for p in pats.values():
            row[p.name], row[f"{p.name}_inside"] = f[p.statistic], p.inside(f[p.statistic])
        row["all_fitted_inside"] = all(row[f"{t}_inside"] for t in cs.fit)
        rows.append(row)
    return pd.DataFrame(rows)


def posterior_predictive(
    cs: CalibrationSetup,
    calibrated: pd.DataFrame,
    runs: int,
    seed: int,
    executor: str = "processes",
    workers: int | None = None,
):
    """Runs at posterior draws (new seeds): each figure inside its band? Per figure and all fitted at once."""
    rng = np.random.default_rng([seed, 2])
    values = draw(calibrated, runs, rng)
    seeds = rng.integers(0, 2**31 - 1, runs)
    ppc = inside_table(cs, values, predictive_runs(cs, values, seeds, executor, workers))
    ppc.insert(0, "seed", seeds)
    return ppc, coverage(cs, ppc)


def coverage(cs: CalibrationSetup, ppc: pd.DataFrame) -> pd.DataFrame:
    """Per figure: role, observed, band, simulated median and 5-95%, share of runs inside; then the joint share."""
    targets, pats = load_targets(), patterns()
    rows = []
    for t in cs.fit + cs.held_out + cs.reported:
        tg = targets[t]
        role = "fitted" if t in cs.fit else ("held out" if t in cs.held_out else tg.role)
        ratio = tg.role == "fitted"  # compared through its fitted statistic (a ratio per registered, or itself)
        if role == "fitted" and t not in cs.fit:
            role = "not used"
        rows.append(
            {
                "target": t,
                "role": role,
                "statistic": tg.fit_label if ratio else tg.label,
                "unit": tg.fit_unit if ratio else tg.unit,
                "observed": tg.fit_value if ratio else tg.value,
                "low": tg.fit_low if ratio else tg.low,
                "high": tg.fit_high if ratio else tg.high,
                "median": ppc[t].median(),
                "p5": ppc[t].quantile(0.05),
                "p95": ppc[t].quantile(0.95),
                "share_inside": ppc[f"{t}_inside"].mean(),
            }
        )
    for p in pats.values():
        rows.append(
            {
                "target": p.name,
                "role": p.role,
                "statistic": p.label,
                "unit": p.unit,
                "observed": math.nan,
                "low": p.low,
                "high": p.high,
                "median": ppc[p.name].median(),
                "p5": ppc[p.name].quantile(0.05),
                "p95": ppc[p.name].quantile(0.95),
                "share_inside": ppc[f"{p.name}_inside"].mean(),
            }
        )
    rows.append({"target": "all", "role": "fitted, jointly", "share_inside": ppc["all_fitted_inside"].mean()})
    return pd.DataFrame(rows)


def _plot_posterior(cs: CalibrationSetup, coords: np.ndarray, w, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(cs.params)
    cols = min(4, n)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.6 * rows), squeeze=False)
    for i, (ax, name) in enumerate(zip(axes.flat, cs.params)):
        lo, hi = PRIORS[name].bounds
        ax.hist(coords[:, i], bins=15, range=(lo, hi), weights=w, color="C0", alpha=0.8)
        ax.set_xlim(lo, hi)
        ax.set_title(name + (" (log10)" if PRIORS[name].scale == "log" else ""), fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle("ABC-SMC posterior marginals (x range = the prior's)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)


# ---------------------------------------------------------------- run-to-run noise
def measure_noise_runs(
    cs: CalibrationSetup | None = None, seeds: int = 20, executor: str = "processes", workers: int | None = None
) -> pd.DataFrame:
    """The sd over seeds 1..``seeds`` of each target's fitted statistic at the setup's scenario and fixed changes.

    Without a setup: the ``ipm`` preset as it is. The table gives the declared ``noise_sd`` beside the measure.
    """
    targets = load_targets()
    params = {"scenario": cs.scenario, **cs.fixed} if cs else {"scenario": "ipm"}
    res = run_many(
        [{"params": params, "seed": s} for s in range(1, seeds + 1)], figures, executor=executor, workers=workers
    )
    figs = [r["outcomes"] for r in res if r["ok"]]
    rows = []
    for t in targets.values():
        x = np.array([t.statistic(f) for f in figs])
        rows.append(
            {
                "target": t.name,
                "role": t.role,
                "mean": float(np.mean(x)),
                "sd": float(np.std(x, ddof=1)) if len(x) > 1 else float("nan"),
                "declared_noise_sd": t.noise_sd,
                "runs": len(x),
            }
        )
    return pd.DataFrame(rows)


KERNELS = {  # name: (transition, kernel scaling) compared by :func:`kernel_table`
    "global": ("multivariate", 1.0),
    "global x1.5": ("multivariate", 1.5),
    "global x2": ("multivariate", 2.0),
    "global x3": ("multivariate", 3.0),
    "local": ("local", 1.0),
    "local x2": ("local", 2.0),
}


def kernel_table(db: str | Path, kernels: dict[str, tuple[str, float]] = KERNELS) -> pd.DataFrame:
    """What each proposal kernel would have given in each generation of a finished ABC-SMC (``abc.db``).

    For generation t, each kernel is fitted to generation t-1 (as pyabc does) and judged on generation t's
    weighted particles, which stand for that generation's posterior p. With a uniform prior (pyabc samples
    the uniform coordinates), the particles accepted from a proposal q carry weights proportional to 1/q, so

    * the effective sample size, as a share of the population, would be ``1 / (E_p[q] E_p[1/q])``;
    * the acceptance rate, relative to the first kernel's, ``E_p[q] / E_p[q_first]`` (proposals accepted
      in proportion to q times the chance of acceptance);
    * the effective particles per simulation, relative to the first kernel's, the product of the two.

    For the kernel the run used, the first column is exactly the run's own effective sample size share.
    Returns one row per (generation, kernel): ``t, kernel, ess_share, acceptance, efficiency``.
    """
    import pyabc

    history = pyabc.History(f"sqlite:///{Path(db)}")
    rows = []
    for t in range(1, history.max_t + 1):
        before, w_before = history.get_distribution(t=t - 1)
        now, w = history.get_distribution(t=t)
        w = np.asarray(w, float) / np.sum(w)
        first = None
        for name, (transition, scaling) in kernels.items():
            kernel = _kernel(transition, scaling)
            kernel.fit(before, np.asarray(w_before, float) / np.sum(w_before))
            q = np.asarray(kernel.pdf(now[before.columns]), float)
            e_q, e_inv = float(np.sum(w * q)), float(np.sum(w / q))
            if first is None:  # the first kernel's E_p[q]
                first = e_q
            rows.append({"t": t, "kernel": name, "ess_share": 1.0 / (e_q * e_inv), "acceptance": e_q / first})
    df = pd.DataFrame(rows)
    base = df.groupby("t")["ess_share"].transform("first") * df.groupby("t")["acceptance"].transform("first")
    df["efficiency"] = df["ess_share"] * df["acceptance"] / base
    return df


def main(argv: list[str] | None = None) -> int:
    """``python -m ibusim.experiments.calibrate --noise [--seeds 20]`` or ``--kernels FOLDER``.

    ``--noise`` prints the run-to-run noise at the preset; ``--kernels FOLDER`` compares proposal kernels on
    the finished ABC-SMC in ``FOLDER/abc.db`` (:func:`kernel_table`).
    """
    import argparse

    ap = argparse.ArgumentParser(prog="python -m ibusim.experiments.calibrate")
    ap.add_argument("--noise", action="store_true", help="measure the run-to-run sd of every fitted statistic")
    ap.add_argument("--kernels", type=Path, metavar="FOLDER", help="compare proposal kernels on FOLDER/abc.db")
    ap.add_argument("--scenario", default="ipm")
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args(argv)
    if args.kernels is not None:
        db = args.kernels / "abc.db"
        if not db.is_file():
            ap.error(f"no ABC-SMC database at {db}")
        table = kernel_table(db).pivot(index="t", columns="kernel")
        first = next(iter(KERNELS))
        for col, what in (
            ("ess_share", "effective sample size / population"),
            ("acceptance", f"acceptance rate / {first}'s"),
            ("efficiency", f"effective particles per simulation / {first}'s"),
        ):
            print(f"{what}, by generation:")
            print(table[col][list(KERNELS)].round(2).to_string(), end="\n\n")
        return 0
    if not args.noise:
        ap.error("nothing to do: give --noise or --kernels (the calibration itself is `ibusim calibrate`)")
    cs = setup(args.scenario) if args.scenario != "ipm" else None
    print(measure_noise_runs(cs, args.seeds, workers=args.workers).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
