"""Forecasts past the observed years, with credible intervals from the calibration's posterior.

    ibusim forecast --posterior results/calibration-ipm --draws 100
    ibusim forecast "ipm=ipm" "no-free-class=ipm:free_class=false" --draws 40 --until 2027

Each variant (``LABEL=SCENARIO[:name=value,...]``, as in ``ibusim compare``; default
``ipm=ipm``) runs from the scenario's start to December of ``until`` over the same
posterior draws (experiments/posterior.py: particles resampled by weight, one model
seed each by default), through the one execution layer
(:func:`ibusim.experiments.execution.run_many`). Every run records, at the end of each
calendar year (after the last week that starts in it), the yearly figures of
:data:`FIGURES`: registrations in the year, registered so far, Telegram members,
Instagram followers, paid enrolments and completion in the year, volunteers, and the
impact survey's two shares as the survey would find them that December (model/survey.py
on its own stream: recording it never changes the run). The first year shown is the
last observed one (the scenario's ``end``, 2024 for IPM), so the table starts from the
fitted year.

Intervals are quantiles over the runs: the median, the 50% interval (25-75%) and the
90% interval (5-95%). They carry the posterior's parameter uncertainty and the model's
own noise (one seed per draw); they are credible intervals of the model given the
calibration, not of the world: the forecast assumes every programme goes on as
scheduled (see ``docs/ODD.md``, "Forecasts"). A second variant's figures are compared
with the first's run by run (same draw, same seed): the paired difference and its
intervals.

The folder (``results/forecast-<labels>-<time>``, or ``--out``; written atomically,
never overwritten) holds ``forecast.csv`` (variant, year, figure, mean, quantiles,
and the paired difference from the first variant), ``runs.csv`` (one row per run and
year), ``draws.csv`` (each draw's particle, seed and values), ``series.parquet`` (the
weekly series plotted), ``forecast.png`` (fan charts), ``forecast.md`` (the tables of
:func:`markdown`) and ``manifest.json``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ibusim.i18n import N_, gettext, ngettext, number
from ibusim.model import survey
from ibusim.model.metrics import STOCKS
from ibusim.model.outputs import SERIES_TARGETS, fmt
from ibusim.model.parameters import ParameterError, month_to_date
from ibusim.model.scenarios import load as load_scenario
from ibusim.model.targets import load as load_targets

from . import posterior as post_mod
from .compare import Variant
from .core import SERIES_KEY, build_model
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

# yearly figure: (label, unit of model/outputs.py's formats, how it is read from two year ends)
FIGURES: dict[str, tuple[str, str]] = {
    "registrations": (N_("Registrations in the year"), "mothers"),
    "registered": (N_("Registered so far"), "mothers"),
    "telegram": (N_("Telegram members (December)"), "members"),
    "instagram": (N_("Instagram followers (December)"), "followers"),
    "paid_enrolled": (N_("Paid enrolments in the year"), "enrolments"),
    "completion": (N_("Completion of paid classes ending in the year"), "share"),
    "volunteers": (N_("Volunteers (December)"), "mothers"),
    "financial_change": (N_("Impact survey (December): financial change"), "share"),
    "parenting_change": (N_("Impact survey (December): parenting change"), "share"),
}
# the figures the observed 2024 targets give (target name per yearly figure)
OBSERVED = {"registered": "registered", "telegram": "telegram", "instagram": "instagram"}
OBSERVED |= {"financial_change": "financial_change", "parenting_change": "parenting_change"}
OBSERVED_YEAR = 2024  # the year of the observed figures named in the table (as the English text always said)
SERIES = ("cum_registered", "n_telegram", "n_followers", "cum_paid_enrolled")
QUANTILES = {"p5": 0.05, "p25": 0.25, "median": 0.5, "p75": 0.75, "p95": 0.95}
DEFAULT_UNTIL = 2027


def _year_end(model) -> dict[str, float]:
    """The cumulatives, stocks and a survey at the end of the week just simulated."""
    cum = model.cum
    s = survey.run(model, model.fresh_stream("survey"))
    return {
        "cum_registered": cum["cum_registered"],
        "cum_paid_enrolled": cum["cum_paid_enrolled"],
        "cum_completed_paid": cum["cum_completed_paid"],
        "cum_dropped_paid": cum["cum_dropped_paid"],
        "telegram": STOCKS["n_telegram"](model),
        "instagram": STOCKS["n_followers"](model),
        "volunteers": STOCKS["n_volunteers"](model),
        "financial_change": s["financial_change"],
        "parenting_change": s["parenting_change"],
    }


def yearly(ends: dict[int, dict[str, float]], years: list[int]) -> dict[int, dict[str, float]]:
    """The yearly figures of ``years`` from the year-end records ``ends`` (the year before each included)."""
    out = {}
    for y in years:
        now, before = ends[y], ends.get(y - 1)
        zero = dict.fromkeys(now, 0.0)
        before = before or zero
        done = now["cum_completed_paid"] - before["cum_completed_paid"]
        dropped = now["cum_dropped_paid"] - before["cum_dropped_paid"]
        out[y] = {
            "registrations": now["cum_registered"] - before["cum_registered"],
            "registered": now["cum_registered"],
            "telegram": now["telegram"],
            "instagram": now["instagram"],
            "paid_enrolled": now["cum_paid_enrolled"] - before["cum_paid_enrolled"],
            "completion": done / (done + dropped) if done + dropped else float("nan"),
            "volunteers": now["volunteers"],
            "financial_change": now["financial_change"],
            "parenting_change": now["parenting_change"],
        }
    return out


def forecast_run(params: dict[str, Any], seed: int, years: tuple[int, ...]) -> dict:
    """One run to December of ``years[-1]``: the yearly figures of ``years`` and the weekly series plotted.

    Module level, so worker processes can import it. ``params`` holds ``scenario`` and changes;
    its ``end`` is replaced by the forecast's.
    """
    params = dict(params)
    scenario = params.pop("scenario", "ipm")
    params["end"] = f"{years[-1]}-12"
    model = build_model(scenario, params, seed)
    ends: dict[int, dict[str, float]] = {}
    while model.running:
        model.step()
        year = (model.date - dt.timedelta(days=7)).year  # the week just simulated starts in this year
        if model.date.year > year or not model.running:
            ends[year] = _year_end(model)
    df = model.dataframe()
    return {"yearly": yearly(ends, list(years)), SERIES_KEY: {c: df[c].tolist() for c in ("date", *SERIES)}}


@dataclass
class Forecast:
    """A forecast's results: the summary table, the runs, and what produced them."""

    table: pd.DataFrame  # variant, year, figure, mean, p5..p95, diff_* (paired with the first variant)
    runs: pd.DataFrame  # one row per run and year
    labels: list[str]
    years: list[int]
    observed_until: int  # the last observed year (the scenario's end)
    draws: int
    seeds_per_draw: int
    posterior: str  # a description of the posterior (or "none: the scenario's values")
    folder: Path | None = None
    info: dict = field(default_factory=dict)


def forecast(
    variants: list[Variant],
    posterior: str | Path | post_mod.Posterior | None,
    draws: int = 100,
    seed: int = 1,
    until: int = DEFAULT_UNTIL,
    seeds_per_draw: int = 1,
    out: str | Path | None = None,
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Forecast:
    """Run every variant over the same posterior draws to December of ``until``; write the folder; return it.

    ``posterior=None`` runs the scenario's own values with ``draws`` seeds (seed noise only).
    """
    if not variants or len({v.label for v in variants}) != len(variants):
        raise ParameterError(N_("forecast variants need distinct, non-empty labels"))
    post = post_mod.as_posterior(posterior)
    observed_until = max(month_to_date(load_scenario(v.scenario, **v.changes)["end"]).year for v in variants)
    if not isinstance(until, int) or isinstance(until, bool) or not observed_until < until <= 2100:
        raise ParameterError(
            N_(
                "--until {until} must be a year after the observed ones (the scenarios end in {observed}) and "
                "at most 2100"
            ),
            until=until,
            observed=observed_until,
        )
    years = list(range(observed_until, until + 1))
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(out) if out else Path("results") / f"forecast-{'-vs-'.join(v.label for v in variants)}-{stamp}"
    check_new_folder(out)
    sample = post_mod.draws(post, draws, seed, seeds_per_draw)
    for v in variants:
        post_mod.check_draws(v.scenario, {**v.changes, "end": f"{until}-12"}, sample)
    todo = [
        t
        for i, v in enumerate(variants)
        for t in post_mod.tasks_over(sample, {"scenario": v.scenario, **v.changes}, point=i)
    ]
    runner = partial(forecast_run, years=tuple(years))
    results = run_many(todo, runner, executor=executor, workers=workers, scheduler=scheduler, limits=limits)
    # TRANSLATORS: {reason} is the failed run's own one-line reason (often in English)
    check_all_ran(results, N_("{n} forecast run(s) failed; first: {reason}"))
    labels = [v.label for v in variants]
    runs = pd.DataFrame(
        [
            {
                "variant": labels[r["point"]],
                "draw": r["draw"],
                "particle": r["particle"],
                "replication": r["replication"],
                "seed": r["seed"],
                "year": int(y),
                **figs,
            }
            for r in results
            for y, figs in r["outcomes"]["yearly"].items()
        ]
    )
    series = pd.concat(
        [
            pd.DataFrame({"variant": labels[r["point"]], "replication": r["replication"], **r["outcomes"][SERIES_KEY]})
            for r in results
        ],
        ignore_index=True,
    )
    table = summarise(runs, labels)
    described = post_mod.describe(post) if post is not None else NO_POSTERIOR
    info = {
        "variants": [{"label": v.label, "scenario": v.scenario, "changes": v.changes} for v in variants],
        "posterior": str(post.folder) if post is not None else None,
        "posterior_description": described,
        "calibration_scenario": post.scenario if post is not None else None,
        "draws": draws,
        "seeds_per_draw": seeds_per_draw,
        "seed": seed,
        "years": years,
        "observed_until": observed_until,
        "runs": len(results),
        "run_seconds_total": round(sum(r["seconds"] for r in results), 2),
        "executor": executor if isinstance(executor, str) else type(executor).__name__,
        "workers": workers,
    }
    result = Forecast(table, runs, labels, years, observed_until, draws, seeds_per_draw, described, out, info)
    draw_rows = pd.DataFrame(
        [
            {"draw": d.draw, "replication": d.replication, "particle": d.particle, "seed": d.seed, **d.changes}
            for d in sample
        ]
    )
    with atomic_folder(out) as tmp:
        table.to_csv(tmp / "forecast.csv", index=False)
        runs.to_csv(tmp / "runs.csv", index=False)
        draw_rows.to_csv(tmp / "draws.csv", index=False)
        series.to_parquet(tmp / "series.parquet", index=False)
        plot(series, labels, observed_until, tmp / "forecast.png")
        (tmp / "forecast.md").write_text(markdown(result) + "\n", encoding="utf-8")
        (tmp / "manifest.json").write_text(dumps(manifest(packages=(*PACKAGES, "matplotlib"), **info)))
    return result


def summarise(runs: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """Per variant, year and figure: mean and quantiles over runs, and the paired difference from the first variant.

    ``diff_*`` are quantiles of the run-by-run difference (same draw, same seed) and ``share_lower`` the share
    of runs where the variant's figure is below the first variant's.
    """
    key = ["replication", "year"]
    base = runs[runs["variant"] == labels[0]].set_index(key)
    rows = []
    for label in labels:
        d = runs[runs["variant"] == label].set_index(key)
        for year in sorted(d.index.get_level_values("year").unique()):
            at = d.xs(year, level="year")
            b = base.xs(year, level="year")
            for fig in FIGURES:
                x = at[fig].dropna()
                diff = (at[fig] - b[fig]).dropna()
                row = {"variant": label, "year": int(year), "figure": fig, "runs": len(x), "mean": x.mean()}
                row |= {q: x.quantile(p) if len(x) else np.nan for q, p in QUANTILES.items()}
                row["diff_mean"] = diff.mean()
                row |= {f"diff_{q}": diff.quantile(p) if len(diff) else np.nan for q, p in QUANTILES.items()}
                row["share_lower"] = float((diff < 0).mean()) if len(diff) else np.nan
                rows.append(row)
    return pd.DataFrame(rows)


NO_POSTERIOR = N_("none: the scenarios' own values (seed noise only)")


def _show(fig: str, x: float, lang: str = "en") -> str:
    """A figure's value in its format (shares as percentages, counts with separators), as ``lang`` writes numbers."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return gettext(lang)("n/a")
    unit = FIGURES[fig][1]
    if lang == "en":
        return f"{x:.0%}" if unit == "share" else fmt(round(x), "mothers")
    from ibusim.numbers import format_number

    x = float(x)  # numpy's floats too
    return format_number(x, lang, "share", decimals=0) if unit == "share" else format_number(round(x), lang, "count")


def _diff(fig: str, x: float, lang: str = "en") -> str:
    """A difference in its figure's format, with its sign (shares in percentage points), as ``lang`` writes it."""
    _ = gettext(lang)
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return _("n/a")
    if FIGURES[fig][1] == "share":
        if lang == "en":
            return f"{100 * x:+.1f} pp"
        from ibusim.numbers import format_number

        points = ("+" if x >= 0 else "-") + format_number(abs(100 * float(x)), lang, "rate", decimals=1)
        # TRANSLATORS: a difference in percentage points, e.g. +1.5 pp
        return _("{points} pp").format(points=points)
    return ("+" if x >= 0 else "-") + _show(fig, abs(x), lang)


def _percent(x: float, lang: str) -> str:
    """A share as a whole percentage (``lower in 62%``), as ``lang`` writes it."""
    if lang == "en":
        return f"{x:.0%}"
    if x is None or x != x:  # NaN: no paired runs
        return gettext(lang)("n/a")
    from ibusim.numbers import format_number

    return format_number(float(x), lang, "share", decimals=0)


def markdown(result: Forecast, max_counterfactuals: int = 1, lang: str = "en") -> str:
    """The first variant's forecast table and up to ``max_counterfactuals`` paired-difference tables (Markdown).

    Cells: median [5%, 95%] over runs, and (forecast table) the 50% interval under it in a second
    line of the same cell. ``lang``: the headers, sentences and numbers as a reader of that language
    reads them ("en", the default, is what ``forecast.md`` holds).
    """
    _ = gettext(lang)
    _n = ngettext(lang)
    t = result.table
    ref = result.labels[0]
    years = result.years
    obs = _("{year} = last observed year (fitted)").format(year=result.observed_until)
    runs = _n(
        "{draws} posterior draws x {seeds} seed", "{draws} posterior draws x {seeds} seeds", result.seeds_per_draw
    )
    runs = runs.format(draws=result.draws, seeds=result.seeds_per_draw)
    posterior = _(NO_POSTERIOR) if result.posterior == NO_POSTERIOR else result.posterior
    lines = [
        _(
            "**Forecast, {label}, {first}-{last}** ({runs}; posterior: {posterior}; {observed}). "
            "Median [90% interval, 5-95%] (50% interval, 25-75%):"
        ).format(label=ref, first=years[0], last=years[-1], runs=runs, posterior=posterior, observed=obs),
        "",
        f"| {_('figure')} | " + " | ".join(map(str, years)) + " |",
        "|---|" + "---:|" * len(years),
    ]
    cell = t[t["variant"] == ref].set_index(["figure", "year"])
    targets = load_targets()

    def show(fig: str, x: float) -> str:
        return _show(fig, x, lang)

    for fig, (label, _unit) in FIGURES.items():
        cells = []
        for y in years:
            r = cell.loc[(fig, y)]
            c = f"{show(fig, r['median'])} [{show(fig, r['p5'])}, {show(fig, r['p95'])}]"
            c += f" ({show(fig, r['p25'])}-{show(fig, r['p75'])})"
            cells.append(c)
        name = _(label)
        if fig in OBSERVED and OBSERVED[fig] in targets:
            tg = targets[OBSERVED[fig]]
            from ibusim.numbers import format_output

            name = _("{label} (observed in {year}: {value})").format(
                label=name, year=OBSERVED_YEAR, value=format_output(tg.value, tg.unit, lang)
            )
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    for other in result.labels[1 : 1 + max_counterfactuals]:
        d = t[t["variant"] == other].set_index(["figure", "year"])
        what = _differences(result.info.get("variants", []), ref, other, lang) or other
        lines += [
            "",
            _(
                "**Counterfactual '{other}' ({what}) against '{label}'**, paired run by run (same draw, same seed): "
                "the counterfactual's median [5%, 95%], then the difference's median [5%, 95%] and the share of runs "
                "where it is lower:"
            ).format(other=other, what=what, label=ref),
            "",
            f"| {_('figure')} | " + " | ".join(map(str, years)) + " |",
            "|---|" + "---:|" * len(years),
        ]
        for fig, (label, _unit) in FIGURES.items():
            cells = []
            for y in years:
                r = d.loc[(fig, y)]
                cells.append(
                    _("{median} [{low}, {high}]; diff {diff} [{diff_low}, {diff_high}], lower in {share}").format(
                        median=show(fig, r["median"]),
                        low=show(fig, r["p5"]),
                        high=show(fig, r["p95"]),
                        diff=_diff(fig, r["diff_median"], lang),
                        diff_low=_diff(fig, r["diff_p5"], lang),
                        diff_high=_diff(fig, r["diff_p95"], lang),
                        share=_percent(r["share_lower"], lang),
                    )
                )
            lines.append(f"| {_(label)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _differences(variants: list[dict], ref: str, other: str, lang: str = "en") -> str:
    """What variant ``other`` changes against ``ref`` (scenario and the changes that differ), in words."""
    _ = gettext(lang)
    by = {v["label"]: v for v in variants}
    if ref not in by or other not in by:
        return ""
    a, b = by[ref], by[other]
    parts = [_("scenario {name}").format(name=b["scenario"])] if a["scenario"] != b["scenario"] else []
    for k in dict.fromkeys([*a["changes"], *b["changes"]]):
        if a["changes"].get(k) != b["changes"].get(k):
            value = b["changes"][k] if k in b["changes"] else _("as in the scenario")
            parts.append(f"{k} = {_value(value, lang).lower()}")
    return ", ".join(parts)


def _value(value: Any, lang: str) -> str:
    """A changed parameter's value in words: numbers as ``lang`` writes them (English: as Python does)."""
    if lang == "en" or isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return (
        number(value, "rate").in_language(lang)
        if isinstance(value, float)
        else number(value, "count").in_language(lang)
    )


def load_forecast(folder: str | Path) -> Forecast:
    """A forecast folder read back (for :func:`markdown` in a report)."""
    folder = Path(folder)
    if not (folder / "forecast.csv").is_file() or not (folder / "manifest.json").is_file():
        raise OutputError(
            N_("'{folder}' is not a forecast folder (no forecast.csv and manifest.json)"), folder=str(folder)
        )
    info = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    table = pd.read_csv(folder / "forecast.csv")
    runs = pd.read_csv(folder / "runs.csv")
    labels = [v["label"] for v in info["variants"]]
    return Forecast(
        table,
        runs,
        labels,
        list(info["years"]),
        int(info["observed_until"]),
        int(info["draws"]),
        int(info["seeds_per_draw"]),
        info["posterior_description"],
        folder,
        info,
    )


def plot(series: pd.DataFrame, labels: list[str], observed_until: int, path: Path) -> Path:
    """Fan charts of the weekly series: median, 50% and 90% bands per variant; observed figures and the cut marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ibusim.model import outputs

    targets = load_targets()
    cut = pd.Timestamp(f"{observed_until + 1}-01-01")
    fig, axes = plt.subplots(2, 2, figsize=(11, 7), sharex=True)
    for ax, col in zip(axes.flat, SERIES):
        for k, label in enumerate(labels):
            g = series[series["variant"] == label]
            wide = g.pivot_table(index="date", columns="replication", values=col)
            dates = pd.to_datetime(wide.index)
            q = wide.quantile([0.05, 0.25, 0.5, 0.75, 0.95], axis=1).to_numpy()
            color = f"C{k}"
            ax.fill_between(dates, q[0], q[4], color=color, alpha=0.15, lw=0)
            ax.fill_between(dates, q[1], q[3], color=color, alpha=0.3, lw=0)
            ax.plot(dates, q[2], color=color, lw=1.2, label=f"{label}: median, 50% and 90%")
        if col in SERIES_TARGETS and SERIES_TARGETS[col] in targets:
            t = targets[SERIES_TARGETS[col]]
            at = pd.Timestamp(f"{observed_until}-12-15")
            ax.errorbar(
                [at],
                [t.value],
                yerr=[[t.value - t.low], [t.high - t.value]],
                fmt="o",
                color="black",
                ms=3,
                label=f"observed {fmt(t.value, t.unit)}",
            )
        ax.axvline(cut, color="grey", ls=":", lw=1)
        ax.set_title(outputs.label(col), fontsize=10)
    axes.flat[0].legend(fontsize=8)
    fig.suptitle(f"Forecast after {observed_until} (dotted line): posterior draws", fontsize=11)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
