"""Calibration: ABC-SMC (pyabc) against the observed IPM figures.

``ibusim calibrate`` fits the parameters that declare a calibration prior
(``Param.prior`` in model/parameters.py, uniform) — or those named with
``--params`` — to the targets in model/targets.toml:

* **distance**: ``sqrt(mean_k ((sim_k - obs_k) / h_k)^2)`` over the chosen targets,
  ``h_k`` half the width of target k's band, so 1 means "on average at the edge of
  the band"; a target can be held out (``--hold-out``) to be predicted instead of fitted;
* **model**: one run of the chosen scenario at the proposed parameters; its seed
  is drawn from pyabc's random state, which ``--seed`` fixes (with one worker the
  whole calibration is then reproducible; several workers are faster, not reproducible);
* **proposal**: ``transition="multivariate"`` (pyabc's default: one Gaussian kernel
  fitted to the whole population) or ``"local"`` (pyabc.LocalTransition: a kernel per
  particle from its nearest quarter of the population), which keeps the importance
  weights from collapsing onto a few particles when several parameters are fitted;
* **resumable**: the history lives in ``abc.db`` (SQLite) in the output folder; after
  a kill, the same command continues from the last finished generation;
* **outputs**: ``posterior.csv`` (weighted posterior particles), ``posterior_summary.csv``
  (median and 5-95% interval per parameter), ``posterior.png`` (marginals against the
  prior ranges), ``epsilons.csv``, and a **posterior-predictive check**
  (``ppc.csv``, ``ppc_summary.csv``): runs at parameter draws from the posterior, with
  new seeds, and the share of them in which each target (and every target at once)
  falls inside its band — the held-out target's share is its prediction.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ibusim.model.parameters import PARAMS, ParameterError
from ibusim.model.targets import load as load_targets

from .core import run_one
from .execution import atomic_text, atomic_write, run_many


@dataclass
class CalibrationSetup:
    """A checked choice: scenario, parameters to fit, targets fitted and held out, fixed changes."""

    scenario: str
    params: list[str]
    fit: list[str]  # target names fitted
    held_out: list[str]
    fixed: dict


def setup(
    scenario: str = "ipm",
    params: list[str] | None = None,
    targets: list[str] | None = None,
    hold_out: list[str] | None = None,
    fixed: dict | None = None,
) -> CalibrationSetup:
    """Validate the choice of parameters and targets (ParameterError on anything unknown)."""
    all_targets = load_targets()
    names = params or [p.name for p in PARAMS.values() if p.prior is not None]
    for n in names:
        if n not in PARAMS:
            raise ParameterError(f"unknown parameter '{n}' to calibrate")
        if PARAMS[n].prior is None:
            raise ParameterError(f"parameter '{n}' declares no calibration prior (see model/parameters.py PRIORS)")
    chosen = targets or list(all_targets)
    hold = hold_out or []
    for t in chosen + hold:
        if t not in all_targets:
            raise ParameterError(f"unknown target '{t}' (allowed: {', '.join(all_targets)})")
    fit = [t for t in chosen if t not in hold]
    if not fit:
        raise ParameterError("no targets left to fit after holding out")
    from ibusim.model.resources import check as check_memory
    from ibusim.model.scenarios import load

    check_memory(load(scenario, **(fixed or {})))  # valid, and a model that fits in memory
    return CalibrationSetup(scenario, names, fit, hold, dict(fixed or {}))


def distance(sim: dict, obs: dict, names: list[str]) -> float:
    """Root mean square of (simulated - observed) / half band over ``names``."""
    targets = load_targets()
    z = []
    for n in names:
        t = targets[n]
        s = sim[n]
        if s is None or (isinstance(s, float) and math.isnan(s)):
            return math.inf
        z.append((s - t.value) / ((t.high - t.low) / 2))
    return float(np.sqrt(np.mean(np.square(z))))


class _Model:
    """pyabc model: parameters -> the targets' summary figures (picklable for worker processes)."""

    def __init__(self, cs: CalibrationSetup):
        self.cs = cs
        self.keys = {t: load_targets()[t].summary for t in cs.fit + cs.held_out}

    def __call__(self, pars: dict) -> dict:
        seed = int(np.random.randint(0, 2**31 - 1))  # pyabc's random state (np.random), seeded by --seed
        out = run_one({"scenario": self.cs.scenario, **self.cs.fixed, **{k: float(v) for k, v in pars.items()}}, seed)
        return {t: out[k] for t, k in self.keys.items()}


class _Distance:
    def __init__(self, names):
        self.names = names

    def __call__(self, x: dict, x0: dict) -> float:
        return distance(x, x0, self.names)


TRANSITIONS = ("multivariate", "local")


def run(
    cs: CalibrationSetup,
    out: str | Path,
    population: int = 50,
    generations: int = 6,
    min_epsilon: float = 0.5,
    workers: int | None = None,
    seed: int = 1,
    ppc_runs: int = 40,
    transition: str = "multivariate",
) -> dict:
    """Run (or resume) ABC-SMC; write the outputs; return a short report."""
    import pyabc

    if transition not in TRANSITIONS:
        raise ParameterError(f"transition '{transition}' is not one of {', '.join(TRANSITIONS)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    db = out / "abc.db"
    setup_file = out / "setup.json"
    setup_json = json.dumps(
        {
            "scenario": cs.scenario,
            "params": cs.params,
            "fit": cs.fit,
            "held_out": cs.held_out,
            "fixed": cs.fixed,
            "population": population,
            "seed": seed,
            **({"transition": transition} if transition != "multivariate" else {}),
        },
        indent=2,
        default=str,
    )
    if setup_file.exists() and setup_file.read_text() != setup_json:
        raise ParameterError(f"folder '{out}' holds a different calibration (setup.json differs); use another --out")
    atomic_text(setup_file, setup_json)
    np.random.seed(seed)
    prior = pyabc.Distribution(
        **{n: pyabc.RV("uniform", PARAMS[n].prior[0], PARAMS[n].prior[1] - PARAMS[n].prior[0]) for n in cs.params}
    )
    workers = workers or os.cpu_count() or 1
    sampler = (
        pyabc.sampler.SingleCoreSampler()
        if workers == 1
        else pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers)
    )
    kernel = pyabc.LocalTransition(k_fraction=0.25) if transition == "local" else pyabc.MultivariateNormalTransition()
    abc = pyabc.ABCSMC(
        _Model(cs), prior, _Distance(cs.fit), population_size=population, sampler=sampler, transitions=kernel
    )
    targets = load_targets()
    observed = {t: float(targets[t].value) for t in cs.fit + cs.held_out}
    histories = pyabc.History(f"sqlite:///{db}")
    if db.exists() and histories.all_runs():
        run_id = histories.all_runs()[-1].id
        abc.load(f"sqlite:///{db}", run_id)
        done = abc.history.max_t + 1
        reached = float(abc.history.get_all_populations()["epsilon"].iloc[-1]) <= min_epsilon
    else:
        abc.new(f"sqlite:///{db}", observed)
        done, reached = 0, False
    if done < generations and not reached:  # a finished calibration (either stop rule) is reused as it is
        abc.run(minimum_epsilon=min_epsilon, max_nr_populations=generations - done)
    history = abc.history
    return write_outputs(cs, history, out, ppc_runs=ppc_runs, seed=seed, workers=workers)


def _csv(df: pd.DataFrame, path: Path) -> None:
    atomic_write(path, lambda p: df.to_csv(p, index=False))


def write_outputs(
    cs: CalibrationSetup, history, out: Path, ppc_runs: int, seed: int, workers: int | None = None
) -> dict:
    """Write the posterior, its summary and plot, the epsilons and the posterior-predictive check; return the report.

    Each file is written atomically. The posterior-predictive runs go through the execution layer, in this
    process when ``workers`` is 1, else in worker processes.
    """
    df, w = history.get_distribution(m=0, t=history.max_t)
    df = df[cs.params]
    post = df.assign(weight=w)
    _csv(post, out / "posterior.csv")
    summary = pd.DataFrame(
        [
            {
                "parameter": n,
                "median": _wquantile(df[n], w, 0.5),
                "p5": _wquantile(df[n], w, 0.05),
                "p95": _wquantile(df[n], w, 0.95),
                "prior_low": PARAMS[n].prior[0],
                "prior_high": PARAMS[n].prior[1],
            }
            for n in cs.params
        ]
    )
    _csv(summary, out / "posterior_summary.csv")
    pops = history.get_all_populations()
    _csv(pops, out / "epsilons.csv")
    atomic_write(out / "posterior.png", lambda p: _plot_posterior(post, cs, p))
    executor = "sequential" if workers == 1 else "processes"
    ppc, ppc_summary = posterior_predictive(cs, post, ppc_runs, seed, executor=executor, workers=workers)
    _csv(ppc, out / "ppc.csv")
    _csv(ppc_summary, out / "ppc_summary.csv")
    report = {
        "generations": int(history.max_t + 1),
        "final_epsilon": float(pops["epsilon"].iloc[-1]),
        "simulations": int(history.total_nr_simulations),
        "posterior": summary.to_dict("records"),
        "ppc": ppc_summary.to_dict("records"),
    }
    atomic_text(out / "report.json", json.dumps(report, indent=2, default=float))
    return report


def _wquantile(x: pd.Series, w: np.ndarray, q: float) -> float:
    order = np.argsort(x.to_numpy())
    xs, ws = x.to_numpy()[order], np.asarray(w)[order]
    cdf = np.cumsum(ws) / ws.sum()
    return float(xs[min(np.searchsorted(cdf, q), len(xs) - 1)])


def posterior_predictive(
    cs: CalibrationSetup,
    post: pd.DataFrame,
    runs: int,
    seed: int,
    executor: str = "processes",
    workers: int | None = None,
):
    """Runs at posterior draws (new seeds): each target inside its band? Per target and all together."""
    targets = load_targets()
    rng = np.random.default_rng([seed, 2])
    idx = rng.choice(len(post), size=runs, p=post["weight"] / post["weight"].sum())
    seeds = rng.integers(0, 2**31 - 1, runs)
    rows = []
    names = cs.fit + cs.held_out
    jobs = [
        {
            "params": {"scenario": cs.scenario, **cs.fixed, **{n: float(post.iloc[i][n]) for n in cs.params}},
            "seed": int(s),
        }
        for i, s in zip(idx, seeds)
    ]
    results = run_many(jobs, run_one, executor=executor, workers=workers)
    failed = [r for r in results if not r["ok"]]
    if failed:
        raise RuntimeError(f"{len(failed)} posterior-predictive run(s) failed; first: {failed[0]['reason']}")
    for res in results:
        params, s = res["params"], res["seed"]
        row = {"seed": s, **{n: params[n] for n in cs.params}}
        for t in names:
            row[t] = res["outcomes"][targets[t].summary]
            row[f"{t}_inside"] = targets[t].inside(res["outcomes"][targets[t].summary])
        row["all_inside"] = all(row[f"{t}_inside"] for t in names)
        rows.append(row)
    ppc = pd.DataFrame(rows)
    summary = pd.DataFrame(
        [
            {
                "target": t,
                "role": "held out" if t in cs.held_out else "fitted",
                "observed": targets[t].value,
                "low": targets[t].low,
                "high": targets[t].high,
                "median": ppc[t].median(),
                "p5": ppc[t].quantile(0.05),
                "p95": ppc[t].quantile(0.95),
                "share_inside": ppc[f"{t}_inside"].mean(),
            }
            for t in names
        ]
        + [{"target": "all", "role": "", "share_inside": ppc["all_inside"].mean()}]
    )
    return ppc, summary


def _plot_posterior(post: pd.DataFrame, cs: CalibrationSetup, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(cs.params)
    cols = min(4, n)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.6 * rows), squeeze=False)
    for ax, name in zip(axes.flat, cs.params):
        lo, hi = PARAMS[name].prior
        ax.hist(post[name], bins=15, range=(lo, hi), weights=post["weight"], color="C0", alpha=0.8)
        ax.set_xlim(lo, hi)
        ax.set_title(name, fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle("ABC-SMC posterior marginals (x range = uniform prior)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)
