"""A reference table of prior-predictive runs, and what it makes cheap: leave-one-out and parameter recovery.

Leave-one-target-out and parameter recovery each need many calibrations; a reference table
(Pritchard et al. 1999; Beaumont, Zhang and Balding 2002) gives them for the price of one
set of runs:

* **the table** (:func:`build_table`): ``rows`` runs at draws from the prior (uniform in each
  quantity's coordinate, log10 for a log prior), each with its own seed, stored in chunk files
  ``table/chunk-NNNN.npz`` written atomically as each chunk completes. Chunk k's draws and
  seeds depend only on (seed, k), so a killed build resumes where it stopped and gives the same
  table as an uninterrupted one;
* **rejection ABC** (:func:`abc_posterior`): keep the ``accept`` rows nearest the observed
  statistics under the calibration's distance (model/targets.py scales), weight them with an
  Epanechnikov kernel, and optionally apply Beaumont's local-linear regression adjustment (in the
  logit of each quantity's position inside its prior range, so adjusted values stay inside);
* **leave-one-target-out** (:func:`leave_one_out`): for each fitted figure, the posterior
  without it in the distance; the model is then run at draws from that posterior (real runs,
  new seeds) and the share of runs inside the held-out figure's band is reported, next to the
  same share under the prior (the table's own runs);
* **parameter recovery** (:func:`recovery`): table rows taken in turn as pseudo-observed data,
  inferred from the other rows; the share of them whose true value lies in the 90% posterior
  interval, per quantity (about 90% if the inference is calibrated), and the posterior/prior sd.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ibusim.i18n import N_
from ibusim.model.targets import load as load_targets

from .calibrate import (
    CalibrationSetup,
    inside_table,
    predictive_runs,
    prior_bounds,
    run_params,
    to_values,
    weighted_quantile,
)
from .calibrate import figures as run_figures
from .execution import atomic_text, atomic_write, run_many


@dataclass
class Table:
    """The reference table: uniform coordinates (n, d), every run's figures by name (n,), seeds, ok flags."""

    names: list[str]
    coords: np.ndarray
    figures: dict[str, np.ndarray]
    seeds: np.ndarray
    ok: np.ndarray

    def __len__(self) -> int:
        return len(self.seeds)

    def statistics(self, targets: list[str]) -> np.ndarray:
        """(n, k) fitted statistics of ``targets`` (ratios computed from the stored figures)."""
        tg = load_targets()
        cols = []
        for t in targets:
            x = self.figures[tg[t].summary].astype(float)
            if tg[t].per:
                d = self.figures[tg[t].per_summary].astype(float)
                with np.errstate(invalid="ignore", divide="ignore"):
                    x = np.where(d > 0, x / d, np.nan)
            cols.append(x)
        return np.column_stack(cols) if cols else np.empty((len(self), 0))

    def subset(self, idx) -> Table:
        """The rows ``idx``."""
        return Table(
            self.names, self.coords[idx], {k: v[idx] for k, v in self.figures.items()}, self.seeds[idx], self.ok[idx]
        )


def _chunk_draws(d: int, bounds: np.ndarray, seed: int, k: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Chunk k's prior draws (uniform coordinates) and seeds: a function of (seed, k) only."""
    rng = np.random.default_rng([seed, 7, k])
    u = rng.random((size, d))
    return bounds[:, 0] + u * (bounds[:, 1] - bounds[:, 0]), rng.integers(0, 2**31 - 1, size)


def build_table(
    cs: CalibrationSetup,
    folder: str | Path,
    rows: int,
    chunk_rows: int = 100,
    seed: int = 1,
    executor: str = "processes",
    workers: int | None = None,
    progress: bool = False,
) -> Table:
    """Build (or resume) the reference table in ``folder`` (``meta.json`` plus chunk files); return it.

    A folder holding a table of another setup is refused (ParameterError). Chunks already written
    are kept; the others are run (all their runs on one executor, in batches) and each is written
    atomically as soon as its last run is in.
    """
    from ibusim.model.parameters import ParameterError

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    meta = {**cs.as_json(), "rows": rows, "chunk_rows": chunk_rows, "seed": seed}
    meta_file = folder / "meta.json"
    text = json.dumps(meta, indent=2, default=str)
    if meta_file.exists() and meta_file.read_text() != text:
        raise ParameterError(
            N_("folder '{folder}' holds another reference table (meta.json differs)"), folder=str(folder)
        )
    atomic_text(meta_file, text)
    bounds = prior_bounds(cs.params)
    n_chunks = math.ceil(rows / chunk_rows)
    todo, tasks = {}, []
    for k in range(n_chunks):
        if (folder / f"chunk-{k:04d}.npz").exists():
            continue
        size = min(chunk_rows, rows - k * chunk_rows)
        coords, seeds = _chunk_draws(len(cs.params), bounds, seed, k, size)
        todo[k] = {"coords": coords, "seeds": seeds, "results": {}}
        for i in range(size):
            values = to_values(cs.params, coords[i])
            tasks.append({"params": run_params(cs, values), "seed": int(seeds[i]), "chunk": k, "row": i})
    done = [rows - len(tasks)]

    def on_result(res: dict) -> None:
        k = res["chunk"]
        todo[k]["results"][res["row"]] = res
        done[0] += 1
        if len(todo[k]["results"]) == len(todo[k]["seeds"]):
            _write_chunk(folder / f"chunk-{k:04d}.npz", todo.pop(k))
            if progress:
                print(f"[table] {done[0]} of {rows} rows (chunk {k + 1} of {n_chunks} written)", file=sys.stderr)

    if tasks:
        run_many(tasks, run_figures, executor=executor, workers=workers, on_result=on_result)
    return load_table(folder)


def _write_chunk(path: Path, chunk: dict) -> None:
    results = [chunk["results"][i] for i in range(len(chunk["seeds"]))]
    keys = sorted({k for r in results if r["ok"] for k in r["outcomes"]})
    figs = {k: np.array([r["outcomes"].get(k, np.nan) if r["ok"] else np.nan for r in results]) for k in keys}
    figs["__seconds"] = np.array([r["seconds"] for r in results])  # each run's time in its worker
    ok = np.array([r["ok"] for r in results])

    def write(p: Path) -> None:
        with open(p, "wb") as fh:
            np.savez(
                fh, coords=chunk["coords"], seeds=chunk["seeds"], ok=ok, **{f"fig__{k}": v for k, v in figs.items()}
            )

    atomic_write(path, write)


def load_table(folder: str | Path) -> Table:
    """The reference table stored in ``folder`` (every chunk written so far, in chunk order)."""
    folder = Path(folder)
    meta = json.loads((folder / "meta.json").read_text())
    parts = [np.load(p) for p in sorted(folder.glob("chunk-*.npz"))]
    if not parts:
        raise FileNotFoundError(f"no chunk of a reference table in '{folder}'")
    keys = sorted(set.intersection(*[{k[5:] for k in p.files if k.startswith("fig__")} for p in parts]))
    return Table(
        names=list(meta["params"]),
        coords=np.concatenate([p["coords"] for p in parts]),
        figures={k: np.concatenate([p[f"fig__{k}"] for p in parts]) for k in keys},
        seeds=np.concatenate([p["seeds"] for p in parts]),
        ok=np.concatenate([p["ok"] for p in parts]),
    )


# ---------------------------------------------------------------- rejection ABC and regression adjustment
def _logit_position(coords: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    u = (coords - bounds[:, 0]) / (bounds[:, 1] - bounds[:, 0])
    u = np.clip(u, 1e-6, 1 - 1e-6)
    return np.log(u / (1 - u))


def _from_logit(z: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    return bounds[:, 0] + (bounds[:, 1] - bounds[:, 0]) / (1 + np.exp(-np.clip(z, -30, 30)))


def abc_posterior(
    coords: np.ndarray,
    stats: np.ndarray,
    observed: np.ndarray,
    scales: np.ndarray,
    bounds: np.ndarray,
    accept: int,
    adjust: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Rejection ABC on a table: the ``accept`` nearest rows, Epanechnikov weights, optional regression adjustment.

    ``stats`` (n, k) and ``observed`` (k,) are scaled by ``scales`` (k,); rows with a missing statistic are
    never accepted. Returns (posterior coordinates (accept, d), normalised weights).
    """
    z = (stats - observed) / scales
    dist = np.sqrt(np.mean(z**2, axis=1))
    dist = np.where(np.isfinite(dist), dist, np.inf)
    accept = min(accept, int(np.isfinite(dist).sum()))
    idx = np.argsort(dist, kind="stable")[:accept]
    h = dist[idx[-1]] * 1.0001 if accept and dist[idx[-1]] > 0 else 1.0
    w = 1 - (dist[idx] / h) ** 2
    w = np.clip(w, 1e-12, None)
    theta = coords[idx]
    if adjust and accept > stats.shape[1] + 2:
        x = z[idx]
        design = np.column_stack([np.ones(accept), x])
        sw = np.sqrt(w)[:, None]
        t = _logit_position(theta, bounds)
        beta, *_ = np.linalg.lstsq(design * sw, t * sw, rcond=None)
        theta = _from_logit(t - x @ beta[1:], bounds)
    return theta, w / w.sum()


def _observed(targets: list[str]) -> tuple[np.ndarray, np.ndarray]:
    tg = load_targets()
    return np.array([tg[t].fit_value for t in targets]), np.array([tg[t].scale for t in targets])


def table_posterior(
    table: Table, targets: list[str], accept: int, adjust: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """The rejection-ABC posterior (coordinates, weights) of the observed figures ``targets`` from ``table``."""
    obs, scales = _observed(targets)
    return abc_posterior(
        table.coords, table.statistics(targets), obs, scales, prior_bounds(table.names), accept, adjust
    )


# ---------------------------------------------------------------- leave-one-out
def leave_one_out(
    cs: CalibrationSetup,
    table: Table,
    runs: int,
    accept: int,
    seed: int = 1,
    targets: list[str] | None = None,
    executor: str = "processes",
    workers: int | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """For each fitted figure: calibrate without it (table), run at ``runs`` posterior draws, share inside its band.

    Also reports the share inside under the prior (the table's own runs) and under the posterior of every
    fitted figure (its posterior-predictive share), so one can see what the other figures taught.
    """
    tg = load_targets()
    out = []
    prior_stats = table.statistics(cs.fit)
    for j, t in enumerate(targets or cs.fit):
        others = [u for u in cs.fit if u != t]
        coords, w = table_posterior(table, others, accept)
        rng = np.random.default_rng([seed, 11, j])
        idx = rng.choice(len(coords), size=runs, p=w)
        values = pd.DataFrame([to_values(cs.params, c) for c in coords[idx]])
        seeds = rng.integers(0, 2**31 - 1, runs)
        if progress:
            print(f"[loo] {t}: {runs} runs at the posterior without it", file=sys.stderr)
        figs = predictive_runs(cs, values, seeds, executor, workers)
        held = inside_table(cs, values, figs)
        prior_col = prior_stats[:, cs.fit.index(t)]
        prior_in = np.array([tg[t].fit_inside(x) for x in prior_col])
        out.append(
            {
                "target": t,
                "statistic": tg[t].fit_label,
                "low": tg[t].fit_low,
                "high": tg[t].fit_high,
                "runs": runs,
                "median": float(held[t].median()),
                "p5": float(held[t].quantile(0.05)),
                "p95": float(held[t].quantile(0.95)),
                "share_inside": float(held[f"{t}_inside"].mean()),
                "share_inside_prior": float(prior_in.mean()),
            }
        )
    return pd.DataFrame(out)


# ---------------------------------------------------------------- parameter recovery
def recovery(
    table: Table, targets: list[str], pseudo: int, accept: int, seed: int = 1, level: float = 0.9
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pseudo-observed rows of ``table`` inferred from its other rows, on the fitted statistics of ``targets``.

    Returns (per-quantity summary: coverage of the ``level`` interval, mean posterior/prior sd, bias; per-row
    detail); see :func:`recovery_arrays`.
    """
    _, scales = _observed(targets)
    return recovery_arrays(
        table.names,
        table.coords,
        table.statistics(targets),
        scales,
        prior_bounds(table.names),
        pseudo,
        accept,
        seed,
        level,
    )


def recovery_arrays(
    names: list[str],
    coords: np.ndarray,
    stats: np.ndarray,
    scales: np.ndarray,
    bounds: np.ndarray,
    pseudo: int,
    accept: int,
    seed: int = 1,
    level: float = 0.9,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parameter recovery on arrays: ``pseudo`` rows (with every statistic defined) taken in turn as data.

    Each is inferred by :func:`abc_posterior` from the other rows; a quantity is covered when its true
    coordinate lies in the posterior's central ``level`` interval.
    """
    good = np.flatnonzero(np.isfinite(stats).all(axis=1))
    rng = np.random.default_rng([seed, 13])
    chosen = rng.choice(good, size=min(pseudo, len(good)), replace=False)
    prior_sd = (bounds[:, 1] - bounds[:, 0]) / math.sqrt(12)
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    detail = []
    for r in chosen:
        rest = np.delete(np.arange(len(coords)), r)
        theta, w = abc_posterior(coords[rest], stats[rest], stats[r], scales, bounds, accept)
        for i, n in enumerate(names):
            lo, hi = weighted_quantile(theta[:, i], w, lo_q), weighted_quantile(theta[:, i], w, hi_q)
            mean = float(w @ theta[:, i])
            sd = float(np.sqrt(w @ (theta[:, i] - mean) ** 2))
            true = float(coords[r, i])
            detail.append(
                {
                    "row": int(r),
                    "parameter": n,
                    "true": true,
                    "low": lo,
                    "high": hi,
                    "covered": lo <= true <= hi,
                    "posterior_mean": mean,
                    "sd_ratio": sd / prior_sd[i],
                    "error_over_prior_sd": (mean - true) / prior_sd[i],
                }
            )
    detail = pd.DataFrame(detail)
    summary = (
        detail.groupby("parameter", sort=False)
        .agg(
            coverage=("covered", "mean"),
            sd_ratio=("sd_ratio", "mean"),
            bias_over_prior_sd=("error_over_prior_sd", "mean"),
            rmse_over_prior_sd=("error_over_prior_sd", lambda e: float(np.sqrt(np.mean(np.square(e))))),
            pseudo=("covered", "size"),
        )
        .reset_index()
    )
    return summary, detail


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write a table atomically."""
    atomic_write(path, lambda p: df.to_csv(p, index=False))
