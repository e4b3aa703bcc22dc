"""The whole calibration in one command: noise, ABC-SMC, posterior check, reference table, LOO, recovery.

    .venv/bin/python -m ibusim.experiments.calibration_pipeline                  # full: results/calibration-ipm
    .venv/bin/python -m ibusim.experiments.calibration_pipeline --size reduced --out /tmp/cal
    .venv/bin/python -m ibusim.experiments.calibration_pipeline --size mini --out /tmp/mini   # CI, seconds

Steps, each writing into the one output folder (and each resumable after a kill):

1. **noise** (``noise.csv``): run-to-run sd of every fitted statistic over seeds at the preset,
   next to the ``noise_sd`` that model/targets.toml declares (the distance uses the declared one);
2. **ABC-SMC** (experiments/calibrate.py: ``abc.db``, ``posterior.csv``, ``posterior_summary.csv``,
   ``correlation.csv``, ``epsilons.csv``, ``ppc*.csv``, ``report.json``): the main posterior, the
   stop rule, the joint and per-figure posterior-predictive coverage;
3. **reference table** (``table/``): prior-predictive runs in chunk files (experiments/abc_table.py);
4. **leave-one-out** (``loo.csv``): each fitted figure predicted from a posterior without it;
5. **recovery** (``recovery.csv``, ``recovery_detail.csv``): coverage of the 90% interval at known values;
6. **identifiability** (``identifiability.csv``): posterior/prior sd per quantity for the ABC-SMC posterior
   and for the table's rejection posterior; the correlations are in ``correlation.csv``.

``pipeline.json`` records the settings, each step's wall time, its model runs and the measured seconds
per run. Progress goes to stderr. A step already finished with the same settings is not redone.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ibusim.i18n import N_
from ibusim.model.targets import load as load_targets

from . import abc_table, calibrate
from .execution import atomic_text, code_version, dumps


@dataclass(frozen=True)
class Settings:
    """How big each step is."""

    noise_seeds: int = 20
    population: int = 150
    generations: int = 15
    max_simulations: int = 6000
    ppc_runs: int = 200
    transition: str = "multivariate"
    kernel_scaling: float = 1.0  # the proposal kernel's covariance times this (experiments/calibrate.py)
    table_rows: int = 2500
    chunk_rows: int = 100
    accept: int = 125  # rows kept by the rejection step (5% of the table)
    loo_runs: int = 50
    loo_targets: tuple[str, ...] = ()  # () = every fitted figure
    recovery_pseudo: int = 100
    seed: int = 1
    params: tuple[str, ...] = ()  # () = every declared prior
    targets: tuple[str, ...] = ()  # () = every fitted target
    fixed: dict = field(default_factory=dict)


SIZES = {
    # twice pyabc's kernel covariance: its default let the importance weights collapse onto a few particles
    # (effective sample size 2-37 of 150; ODD 7.22); at 16,000 simulations the whole pipeline takes about
    # 3 hours on 2 cores, the throughput goal of issue 11
    "full": Settings(generations=40, max_simulations=16000, kernel_scaling=2.0),
    # a real but reduced run at full scale, to measure the per-run time and check the steps end to end
    "reduced": Settings(
        noise_seeds=4,
        population=25,
        generations=3,
        max_simulations=200,
        ppc_runs=25,
        table_rows=100,
        chunk_rows=25,
        accept=20,
        loo_runs=10,
        loo_targets=("completion", "telegram"),
        recovery_pseudo=20,
    ),
    # the CI miniature: a tiny population over half a year, two quantities, two figures
    "mini": Settings(
        noise_seeds=3,
        population=6,
        generations=2,
        max_simulations=200,
        ppc_runs=4,
        table_rows=24,
        chunk_rows=8,
        accept=8,
        loo_runs=3,
        recovery_pseudo=4,
        params=("interest_rate", "follow_rate"),
        targets=("registered", "instagram"),
        fixed={"n_mothers": 1500, "end": "2020-10"},
    ),
}


# settings added after a pipeline was recorded, with the value that pipeline ran with: left out of the
# record while they keep it, so a folder recorded before they existed still matches its settings
LATER_SETTINGS = {"kernel_scaling": 1.0}


def settings_json(settings: Settings) -> dict:
    """The settings as ``pipeline.json`` records them (those of ``LATER_SETTINGS`` at that value left out)."""
    d = json.loads(dumps(asdict(settings)))
    return {k: v for k, v in d.items() if not (k in LATER_SETTINGS and v == LATER_SETTINGS[k])}


def _say(progress: bool, text: str) -> None:
    if progress:
        print(f"[pipeline] {text}", file=sys.stderr, flush=True)


def run_pipeline(
    out: str | Path,
    settings: Settings = SIZES["full"],
    scenario: str = "ipm",
    workers: int | None = None,
    progress: bool = True,
) -> dict:
    """Run (or resume) every step into ``out``; return the pipeline record (also ``pipeline.json``)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    record_file = out / "pipeline.json"
    key = {"scenario": scenario, **settings_json(settings)}
    record = json.loads(record_file.read_text()) if record_file.exists() else {}
    if record.get("settings") not in (None, key):
        from ibusim.model.parameters import ParameterError

        raise ParameterError(
            N_("folder '{folder}' holds a pipeline with other settings (pipeline.json); use another --out"),
            folder=str(out),
        )
    record["settings"] = key
    record.setdefault("steps", {})
    record.setdefault("code_version", code_version())  # the code the first step ran with
    executor = "sequential" if workers == 1 else "processes"
    cs = calibrate.setup(
        scenario,
        params=list(settings.params) or None,
        targets=list(settings.targets) or None,
        fixed=dict(settings.fixed),
    )

    def step(name: str, runs: int, fn):
        if name in record["steps"]:
            _say(progress, f"{name}: done before ({record['steps'][name]['wall_seconds']:.0f} s)")
            return
        _say(progress, f"{name}: {runs} model runs")
        t0 = time.perf_counter()
        extra = fn() or {}
        wall = time.perf_counter() - t0
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None  # how busy the machine was
        record["steps"][name] = {"wall_seconds": wall, "runs": runs, "load_average": load, **extra}  # extra: real runs
        atomic_text(record_file, dumps(record))

    def noise():
        res = calibrate.measure_noise_runs(cs, settings.noise_seeds, executor=executor, workers=workers)
        abc_table.write_csv(res, out / "noise.csv")

    step("noise", settings.noise_seeds, noise)

    def smc():
        rep = calibrate.run(
            cs,
            out,
            population=settings.population,
            generations=settings.generations,
            max_simulations=settings.max_simulations,
            workers=workers,
            seed=settings.seed,
            ppc_runs=settings.ppc_runs,
            transition=settings.transition,
            kernel_scaling=settings.kernel_scaling,
            progress=progress,
        )
        return {"runs": rep["simulations"] + settings.ppc_runs, "converged": rep["converged"]}

    step("abc_smc", settings.max_simulations + settings.ppc_runs, smc)

    table_dir = out / "table"

    def table():
        t = abc_table.build_table(
            cs,
            table_dir,
            settings.table_rows,
            chunk_rows=settings.chunk_rows,
            seed=settings.seed,
            executor=executor,
            workers=workers,
            progress=progress,
        )
        return {"seconds_per_run": float(np.nanmean(t.figures["__seconds"])) if "__seconds" in t.figures else None}

    step("table", settings.table_rows, table)
    tab = abc_table.load_table(table_dir)
    loo_targets = [t for t in (settings.loo_targets or cs.fit) if t in cs.fit]

    def loo():
        df = abc_table.leave_one_out(
            cs,
            tab,
            settings.loo_runs,
            settings.accept,
            seed=settings.seed,
            targets=loo_targets,
            executor=executor,
            workers=workers,
            progress=progress,
        )
        abc_table.write_csv(df, out / "loo.csv")

    step("leave_one_out", settings.loo_runs * len(loo_targets), loo)

    def recover():
        summary, detail = abc_table.recovery(tab, cs.fit, settings.recovery_pseudo, settings.accept, seed=settings.seed)
        abc_table.write_csv(summary, out / "recovery.csv")
        abc_table.write_csv(detail, out / "recovery_detail.csv")

    step("recovery", 0, recover)

    def ident():
        post = pd.read_csv(out / "posterior_calibrated.csv")
        coords = np.column_stack([calibrate.to_coords(cs.params, r) for _, r in post.iterrows()]).T
        smc_ratios, _ = calibrate.identifiability(cs.params, coords, post["weight"])
        tc, tw = abc_table.table_posterior(tab, cs.fit, settings.accept)
        tab_ratios, _ = calibrate.identifiability(cs.params, tc, tw)
        df = pd.DataFrame(
            {
                "parameter": cs.params,
                "sd_ratio_smc": smc_ratios["sd_ratio"],
                "sd_ratio_table": tab_ratios["sd_ratio"],
            }
        )
        abc_table.write_csv(df, out / "identifiability.csv")

    step("identifiability", 0, ident)
    runs = sum(s["runs"] for s in record["steps"].values())
    wall = sum(s["wall_seconds"] for s in record["steps"].values())
    record["total"] = {"runs": runs, "wall_seconds": wall}
    if "__seconds" in tab.figures:
        record["seconds_per_run_in_worker"] = float(np.nanmean(tab.figures["__seconds"]))
    record["fitted"] = cs.fit
    record["targets_noise_sd"] = {t: load_targets()[t].noise_sd for t in cs.fit}
    atomic_text(record_file, dumps(record))
    _say(progress, f"done: {runs} runs in {wall / 60:.1f} min; folder {out}")
    return record


def load_targets_fitted() -> list[str]:
    """The names of the fitted targets (model/targets.toml)."""
    return [n for n, t in load_targets().items() if t.role == "fitted"]


def expected_runs(settings: Settings, fitted: int) -> int:
    """The most model runs a pipeline of these settings makes (the simulation cap reached)."""
    loo = len(settings.loo_targets) if settings.loo_targets else fitted
    return (
        settings.noise_seeds
        + settings.max_simulations
        + settings.ppc_runs
        + settings.table_rows
        + settings.loo_runs * loo
    )


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--size full|reduced|mini``, ``--out``, ``--workers``, ``--quiet``."""
    ap = argparse.ArgumentParser(prog="python -m ibusim.experiments.calibration_pipeline", description=__doc__)
    ap.add_argument("--size", choices=tuple(SIZES), default="full")
    ap.add_argument("--out", type=Path, default=None, help="folder (default results/calibration-ipm)")
    ap.add_argument("--workers", type=int, default=None, help="worker processes (default: cores)")
    ap.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = ap.parse_args(argv)
    out = args.out or Path("results/calibration-ipm")
    rec = run_pipeline(out, SIZES[args.size], workers=args.workers, progress=not args.quiet)
    print(f"{out}: {rec['total']['runs']} runs, {rec['total']['wall_seconds'] / 60:.1f} min")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
