"""Compare scenarios side by side over replications, with uncertainty bands.

    ibusim compare "with=ipm" "without=ipm:free_class=false" --replications 8

Each variant is ``LABEL=SCENARIO[:name=value,name=value...]``. Every variant runs
the same ``replications`` seeds (spawned from ``--seed``), so differences between
variants are not blurred by different random draws (common random numbers). The
output folder (``results/compare-<labels>-<time>``, never overwritten) holds:

* ``runs.parquet``: one row per run (variant, replication, seed, every summary figure);
* ``series.parquet``: the weekly series plotted, per run;
* ``compare.csv``: per variant and outcome, the mean, sd and 5-95% range over
  replications, and the paired difference from the first variant (mean and
  5-95% range);
* ``compare.png``: registrations, Telegram, Instagram and paid enrolments over
  time, a band (5-95%) and median per variant, with the observed figures marked.

Over a posterior (``--posterior FOLDER --draws N``): every variant runs over the
same ``N`` parameter sets drawn from the calibration's posterior (experiments/posterior.py),
each with the same ``replications`` seeds (default 1), so the paired differences
carry the parameter uncertainty and not only the seed noise. A variant's explicit
changes win over a draw's values. ``runs.parquet`` gains the ``draw`` and
``particle`` (row of posterior.csv) of each run, and ``variants.json`` the posterior.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from ibusim.i18n import N_, number
from ibusim.model import outputs
from ibusim.model.outputs import SERIES_TARGETS, fmt, show
from ibusim.model.parameters import ParameterError, parse_value
from ibusim.model.scenarios import load as load_scenario
from ibusim.model.targets import load as load_targets

from . import posterior as post_mod
from .core import SERIES_KEY, run_with_series
from .execution import (
    DEFAULT_LIMITS,
    Limits,
    atomic_folder,
    check_all_ran,
    check_new_folder,
    run_many,
    spawn_seeds,
)

SERIES = ("cum_registered", "n_telegram", "n_followers", "cum_paid_enrolled")
# the observed figures (model/targets.toml), then a few others a planner asks about
DEFAULT_OUTCOMES = (
    *(t.summary for t in load_targets().values()),
    "paid_enrolled",
    "dormant_share",
    "volunteer_share",
    "total_income",
)


@dataclass
class Variant:
    """One side of a comparison: a label, a scenario and parameter changes."""

    label: str
    scenario: str = "ipm"
    changes: dict[str, Any] = field(default_factory=dict)


def parse_variant(text: str) -> Variant:
    """``LABEL=SCENARIO[:name=value,...]`` -> Variant (validated)."""
    label, sep, rest = text.partition("=")
    if not sep or not label.strip() or not rest.strip():
        raise ParameterError(N_("variant {text} must look like LABEL=SCENARIO[:name=value,...]"), text=repr(text))
    scenario, _, sets = rest.partition(":")
    changes = {}
    for item in [s.strip() for s in sets.split(",")] if sets.strip() else []:  # an empty item (a,,b) is refused
        name, eq, value = item.partition("=")
        if not eq:
            raise ParameterError(N_("variant {label}: {item} must be name=value"), label=repr(label), item=repr(item))
        changes[name.strip()] = parse_value(name.strip(), value)
    from ibusim.model.resources import check as check_memory

    check_memory(load_scenario(scenario.strip(), **changes))  # validate now, memory included
    return Variant(label.strip(), scenario.strip(), changes)


def compare(
    variants: list[Variant],
    replications: int = 5,
    seed: int = 1,
    out: Path | None = None,
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    outcomes: tuple[str, ...] = DEFAULT_OUTCOMES,
    limits: Limits = DEFAULT_LIMITS,
    posterior: str | Path | post_mod.Posterior | None = None,
    draws: int | None = None,
) -> tuple[pd.DataFrame, Path]:
    """Run every variant ``replications`` times; write the folder; return (table, folder).

    The runs go through the sweeps' runner (:func:`ibusim.experiments.execution.run_many`): variant i is
    design point i of a sweep over one categorical factor, the variant, with the same seeds at every point.
    With ``posterior`` (a calibration folder), every variant runs over the same ``draws`` posterior draws
    (default 40), each with ``replications`` seeds (experiments/posterior.py), the same in every variant.
    """
    if len({v.label for v in variants}) != len(variants) or not variants:
        raise ParameterError(N_("variants need distinct, non-empty labels"))
    if replications < 1:
        raise ParameterError(
            N_("replications = {replications} must be >= 1"),
            replications=number(replications, "count") if isinstance(replications, int) else str(replications),
        )
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(out) if out else Path("results") / f"compare-{'-vs-'.join(v.label for v in variants)}-{stamp}"
    check_new_folder(out)
    post = None
    if posterior is not None:
        post = post_mod.as_posterior(posterior)
        sample = post_mod.draws(post, draws or 40, seed, replications)
        for v in variants:
            post_mod.check_draws(v.scenario, v.changes, sample)
        seeds = [d.seed for d in sample]
        todo = [
            t
            for i, v in enumerate(variants)
            for t in post_mod.tasks_over(sample, {"scenario": v.scenario, **v.changes}, point=i)
        ]
    else:
        if draws is not None:
            raise ParameterError(N_("draws needs a posterior"))
        seeds = [int(s) for s in spawn_seeds(seed, replications)]
        todo = [
            {"point": i, "replication": r, "seed": s, "params": {"scenario": v.scenario, **v.changes}}
            for i, v in enumerate(variants)
            for r, s in enumerate(seeds)
        ]
    runner = partial(run_with_series, columns=("date", *SERIES))
    results = run_many(todo, runner, executor=executor, workers=workers, scheduler=scheduler, limits=limits)
    # TRANSLATORS: {reason} is the failed run's own one-line reason (often in English)
    check_all_ran(results, N_("{n} run(s) failed; first: {reason}"))
    runs = pd.DataFrame(
        [
            {
                "variant": variants[r["point"]].label,
                "replication": r["replication"],
                "seed": r["seed"],
                **({"draw": r["draw"], "particle": r["particle"]} if post is not None else {}),
                **{k: v for k, v in r["outcomes"].items() if k != SERIES_KEY},
            }
            for r in results
        ]
    )
    series = pd.concat(
        [
            pd.DataFrame(
                {
                    "variant": variants[r["point"]].label,
                    "replication": r["replication"],
                    "week": range(len(r["outcomes"][SERIES_KEY]["date"])),
                    **r["outcomes"][SERIES_KEY],
                }
            )
            for r in results
        ],
        ignore_index=True,
    )
    series = series.astype({c: float for c in SERIES})
    table = summarise(runs, [v.label for v in variants], [o for o in outcomes if o in runs.columns])
    with atomic_folder(out) as tmp:
        runs.to_parquet(tmp / "runs.parquet", index=False)
        series.to_parquet(tmp / "series.parquet", index=False)
        table.to_csv(tmp / "compare.csv", index=False)
        plot(series, [v.label for v in variants], tmp / "compare.png")
        (tmp / "variants.json").write_text(
            json.dumps(
                {
                    "replications": replications,
                    "seed": seed,
                    "seeds": seeds,
                    **(
                        {
                            "posterior": post_mod.describe(post),
                            "posterior_folder": str(post.folder),
                            "draws": draws or 40,
                        }
                        if post is not None
                        else {}
                    ),
                    "variants": [{"label": v.label, "scenario": v.scenario, "changes": v.changes} for v in variants],
                },
                indent=2,
                default=str,
            )
        )
    return table, out


def summarise(runs: pd.DataFrame, labels: list[str], outcomes: list[str]) -> pd.DataFrame:
    """Mean, sd, median, 5-95% per variant and outcome; paired difference from the first variant.

    The paired difference (same replication: same seed, and over a posterior the same draw) has its mean,
    median, 5%, 25%, 75% and 95% quantiles, and ``share_lower``: the share of runs where the variant's
    figure is below the first variant's.
    """
    rows = []
    base = runs[runs["variant"] == labels[0]].set_index("replication")
    for label in labels:
        d = runs[runs["variant"] == label].set_index("replication")
        for o in outcomes:
            x = d[o].dropna()
            diff = (d[o] - base[o]).dropna()
            rows.append(
                {
                    "variant": label,
                    "outcome": o,
                    "mean": x.mean(),
                    "sd": x.std(ddof=1) if len(x) > 1 else 0.0,
                    "p5": x.quantile(0.05),
                    "p95": x.quantile(0.95),
                    "diff_mean": diff.mean(),
                    "diff_p5": diff.quantile(0.05),
                    "diff_p95": diff.quantile(0.95),
                    "median": x.median(),
                    "diff_median": diff.median(),
                    "diff_p25": diff.quantile(0.25),
                    "diff_p75": diff.quantile(0.75),
                    "share_lower": float((diff < 0).mean()) if len(diff) else float("nan"),
                }
            )
    return pd.DataFrame(rows)


def plot(series: pd.DataFrame, labels: list[str], path: Path) -> Path:
    """Four panels of weekly series: a 5-95% band and the median per variant, observed figures marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ibusim.model.targets import load as load_targets

    targets = load_targets()
    fig, axes = plt.subplots(2, 2, figsize=(11, 7), sharex=True)
    for ax, col in zip(axes.flat, SERIES):
        for k, label in enumerate(labels):
            s = series[series["variant"] == label].pivot(index="week", columns="replication", values=col)
            dates = pd.to_datetime(
                series[(series["variant"] == label) & (series["replication"] == s.columns[0])]["date"].to_numpy()
            )
            color = f"C{k}"
            ax.fill_between(dates, s.quantile(0.05, axis=1), s.quantile(0.95, axis=1), color=color, alpha=0.25)
            ax.plot(dates, s.median(axis=1), color=color, label=f"{label} (median, 5-95%)")
        if col in SERIES_TARGETS:
            t = targets[SERIES_TARGETS[col]]
            ax.axhspan(t.low, t.high, color="grey", alpha=0.15)
            ax.axhline(t.value, color="black", ls="--", lw=0.8, label=f"observed {fmt(t.value, t.unit)}")
        ax.set_title(outputs.label(col), fontsize=10)
    axes.flat[0].legend(fontsize=8)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def format_table(table: pd.DataFrame) -> str:
    """Outcome rows, one column per variant: mean [p5, p95], each in its outcome's format (model/outputs.py)."""
    wide = {}
    for variant, g in table.groupby("variant", sort=False):
        wide[variant] = {
            r.outcome: f"{show(r.outcome, r.mean)} [{show(r.outcome, r.p5)}, {show(r.outcome, r.p95)}]"
            for r in g.itertuples()
        }
    df = pd.DataFrame(wide)
    return df.to_string()


def format_differences(table: pd.DataFrame) -> str:
    """Outcome rows, one column per variant after the first: the paired difference's median [p5, p95], share lower."""
    wide = {}
    labels = list(dict.fromkeys(table["variant"]))
    for variant, g in table.groupby("variant", sort=False):
        if variant == labels[0]:
            continue
        wide[variant] = {
            r.outcome: (
                f"{_signed(r.outcome, r.diff_median)} [{_signed(r.outcome, r.diff_p5)}, "
                f"{_signed(r.outcome, r.diff_p95)}], lower in {r.share_lower:.0%}"
                if pd.notna(r.diff_median)
                else "n/a"
            )
            for r in g.itertuples()
        }
    return pd.DataFrame(wide).to_string()


def _signed(outcome: str, x: float) -> str:
    """A difference in its outcome's format, with a sign."""
    text = show(outcome, abs(x))
    return ("-" if x < 0 else "+") + text
