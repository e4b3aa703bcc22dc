"""Sensitivity analysis: Sobol (Saltelli) and Morris indices with SALib, from a sweep.

``ibusim sensitivity SPEC.toml`` runs the spec's sweep (design ``sobol`` or
``morris``; resumable like any sweep), averages the replications of each design
point, and computes per outcome and factor:

* **Sobol**: first-order ``S1`` and total ``ST`` indices with their confidence
  intervals (SALib's bootstrap, 95%), from the spec's ``samples`` = 2N base samples,
  and the same indices from the first N (a prefix of the same scrambled Sobol
  sequence, so no extra runs): the **convergence check** reports the largest
  change between N and 2N. Too few samples give negative or unstable indices;
  the table says so.
* **Morris**: ``mu_star`` (mean absolute elementary effect) with its confidence
  interval, ``sigma`` (interactions / non-linearity), from all trajectories and
  from the first half as the convergence check.

Outputs in the sweep folder: ``sensitivity.csv`` (one row per outcome and factor)
and ``sensitivity.png`` (bars with confidence intervals, one panel per outcome).
:func:`table_text` writes the table for a reader of English or Bahasa Indonesia
(``ibusim sensitivity --lang id``): translated headers, numbers with that reader's separators.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ibusim.i18n import N_, gettext, number

from .spec import Spec, check_outcomes_defined
from .sweep import TranslatableSpecError, load_results, run_sweep


def _point_means(spec: Spec, folder: Path) -> tuple[np.ndarray, pd.DataFrame]:
    """Unit-cube design matrix (scaled to factor ranges) and replication-averaged outcomes per point."""
    df = load_results(folder)
    n_points = len(spec.points())
    means = df.groupby("point")[list(spec.outcomes)].mean().reindex(range(n_points))
    u = spec.unit_samples()
    lo = np.array([f.low for f in spec.factors])
    hi = np.array([f.high for f in spec.factors])
    return lo + u * (hi - lo), means


def analyse(spec: Spec, folder: str | Path, num_resamples: int = 200) -> pd.DataFrame:
    """Indices per outcome and factor from a finished sweep of ``spec`` in ``folder``."""
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze

    folder = Path(folder)
    X, means = _point_means(spec, folder)
    problem = spec.salib_problem()
    d = len(spec.factors)
    rows = []
    for outcome in spec.outcomes:
        Y = means[outcome].to_numpy(dtype=float)
        if np.isnan(Y).any():
            raise TranslatableSpecError(
                N_(
                    "outcome '{outcome}' is missing (NaN) for some design points: finish the sweep or choose "
                    "outcomes defined in every run"
                ),
                outcome=outcome,
            )
        if spec.design == "sobol":
            block = d + 2
            full = sobol_analyze.analyze(
                problem, Y, calc_second_order=False, num_resamples=num_resamples, seed=spec.seed
            )
            half_n = (len(Y) // block) // 2
            half = (
                sobol_analyze.analyze(
                    problem, Y[: half_n * block], calc_second_order=False, num_resamples=num_resamples, seed=spec.seed
                )
                if half_n >= 2
                else None
            )
            for j, f in enumerate(spec.factors):
                rows.append(
                    {
                        "outcome": outcome,
                        "factor": f.name,
                        "S1": full["S1"][j],
                        "S1_conf": full["S1_conf"][j],
                        "ST": full["ST"][j],
                        "ST_conf": full["ST_conf"][j],
                        "S1_half": np.nan if half is None else half["S1"][j],
                        "ST_half": np.nan if half is None else half["ST"][j],
                    }
                )
        else:
            block = d + 1
            full = morris_analyze.analyze(problem, X, Y, num_levels=4, num_resamples=num_resamples, seed=spec.seed)
            half_n = (len(Y) // block) // 2
            half = (
                morris_analyze.analyze(
                    problem,
                    X[: half_n * block],
                    Y[: half_n * block],
                    num_levels=4,
                    num_resamples=num_resamples,
                    seed=spec.seed,
                )
                if half_n >= 2
                else None
            )
            for j, f in enumerate(spec.factors):
                rows.append(
                    {
                        "outcome": outcome,
                        "factor": f.name,
                        "mu_star": full["mu_star"][j],
                        "mu_star_conf": full["mu_star_conf"][j],
                        "sigma": full["sigma"][j],
                        "mu_star_half": np.nan if half is None else half["mu_star"][j],
                    }
                )
    out = pd.DataFrame(rows)
    if spec.design == "sobol":
        out["change_half_to_full"] = np.maximum(abs(out["S1"] - out["S1_half"]), abs(out["ST"] - out["ST_half"]))
        out["negative_index"] = (out["S1"] < -out["S1_conf"]) | (out["ST"] < 0)
    else:
        scale = out.groupby("outcome")["mu_star"].transform("max").replace(0, np.nan)
        out["change_half_to_full"] = abs(out["mu_star"] - out["mu_star_half"]) / scale
    return out


# The table's columns as printed: the CSV's names in English; the index symbols (S1, ST, mu_star, sigma) are
# shown as they are in every language
HEADERS = {
    "outcome": N_("outcome"),
    "factor": N_("factor"),
    # TRANSLATORS: a column header: the 95% confidence half-width of the first-order Sobol index S1
    "S1_conf": N_("S1_conf"),
    # TRANSLATORS: a column header: the 95% confidence half-width of the total Sobol index ST
    "ST_conf": N_("ST_conf"),
    # TRANSLATORS: a column header: the 95% confidence half-width of Morris' mu_star
    "mu_star_conf": N_("mu_star_conf"),
    # TRANSLATORS: a column header: the largest change of the indices between half and all the samples
    "change_half_to_full": N_("change_half_to_full"),
}


def columns(design: str) -> list[str]:
    """The columns of the printed table of a ``design`` ("sobol" or "morris")."""
    indices = ["S1", "S1_conf", "ST", "ST_conf"] if design == "sobol" else ["mu_star", "mu_star_conf", "sigma"]
    return ["outcome", "factor", *indices, "change_half_to_full"]


def decimal(x: float, lang: str, decimals: int = 3) -> str:
    """``x`` with ``decimals`` decimals, as a reader of ``lang`` writes it ("n/a" for NaN)."""
    if x is None or x != x:
        return gettext(lang)("n/a")
    if lang == "en":
        return f"{x:.{decimals}f}"
    from ibusim.numbers import format_number

    return format_number(float(x), lang, "rate", decimals=decimals)


def table_text(table: pd.DataFrame, design: str, lang: str = "en") -> str:
    """The indices of :func:`analyse` as aligned text for ``lang``: a header over every column, 3 decimals.

    Outcome and factor names are the model's (as in the spec); the other headers are translated.
    """
    _ = gettext(lang)
    cols = columns(design)
    head = [_(HEADERS[c]) if c in HEADERS else c for c in cols]
    body = [
        [str(r[c]) if c in ("outcome", "factor") else decimal(r[c], lang) for c in cols]
        for r in table[cols].to_dict("records")
    ]
    rows = [head, *body]
    widths = [max(len(row[i]) for row in rows) for i in range(len(cols))]
    return "\n".join(
        "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()
        for row in rows
    )


def plot(spec: Spec, table: pd.DataFrame, path: str | Path) -> Path:
    """Bar chart per outcome: S1 and ST (Sobol) or mu_star (Morris) with confidence intervals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outcomes = list(spec.outcomes)
    cols = min(3, len(outcomes))
    rows_ = -(-len(outcomes) // cols)
    fig, axes = plt.subplots(rows_, cols, figsize=(4.2 * cols, 3.2 * rows_), squeeze=False)
    for ax, outcome in zip(axes.flat, outcomes):
        t = table[table["outcome"] == outcome]
        x = np.arange(len(t))
        if spec.design == "sobol":
            ax.bar(x - 0.2, t["S1"], 0.4, yerr=t["S1_conf"], label="first order S1", capsize=3)
            ax.bar(x + 0.2, t["ST"], 0.4, yerr=t["ST_conf"], label="total ST", capsize=3)
            ax.axhline(0, color="black", lw=0.6)
        else:
            ax.bar(x, t["mu_star"], 0.6, yerr=t["mu_star_conf"], label="mu*", capsize=3)
        ax.set_xticks(x, t["factor"], rotation=30, ha="right", fontsize=8)
        ax.set_title(outcome, fontsize=10)
    for ax in list(axes.flat)[len(outcomes) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=8)
    fig.suptitle(f"{spec.name}: {spec.design} sensitivity (95% confidence intervals)", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return Path(path)


def run(spec: Spec, folder: str | Path, **sweep_kw) -> tuple[pd.DataFrame, Path, Path]:
    """Sweep (resumable), analyse, write sensitivity.csv and sensitivity.png; return them."""
    if spec.design not in ("sobol", "morris"):
        raise TranslatableSpecError(
            N_("sensitivity needs design 'sobol' or 'morris', spec '{name}' has '{design}'"),
            name=spec.name,
            design=spec.design,
        )
    folder = Path(folder)
    check_outcomes_defined(spec, sweep_kw.get("runner"))  # an outcome NaN in a pilot run fails now, not after the sweep
    res = run_sweep(spec, folder, **sweep_kw)
    if res.failed:
        raise TranslatableSpecError(
            N_("{n} run(s) failed (see {folder}/failures); rerun to retry before analysing"),
            n=number(res.failed, "count"),
            folder=str(folder),
        )
    table = analyse(spec, folder)
    csv = folder / "sensitivity.csv"
    table.to_csv(csv, index=False)
    png = plot(spec, table, folder / "sensitivity.png")
    return table, csv, png
