"""Regenerate results/README.md: the calibration of the IPM preset and the example sensitivity analyses.

    .venv/bin/python -m ibusim.experiments.report          # runs (or resumes) the pipeline, then writes the README

Runs the calibration pipeline (:mod:`ibusim.experiments.calibration_pipeline`, size ``full``) into
``results/calibration-ipm`` (resumable: finished steps are reused) and the example sensitivity
analyses (``SENSITIVITY``; resumable sweeps), then writes ``results/README.md``: the posterior
(median, 5-95%, prior and its source, posterior/prior sd), the joint and per-figure
posterior-predictive coverage against the goals, the leave-one-out table, the recovery coverage,
identifiability (sd ratios and strong correlations), convergence (epsilon and ESS per generation)
and the wall times; the 2025-2027 forecast of IPM and of one counterfactual (no free entry class) over
the posterior's draws (:data:`FORECAST`, made by ``ibusim forecast`` once the posterior exists); then the
simulated-vs-observed table of the ``ipm`` preset with seed 1 and the sensitivity indices. Sections of
other validation modules are added when those modules exist (:data:`VALIDATION_MODULES`, the hook
:func:`validation_sections`).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from ibusim.model.outputs import fmt
from ibusim.model.targets import load as load_targets

from . import calibration_pipeline
from .core import run_model
from .execution import atomic_text, code_version, dumps

FOLDER = Path("results/calibration-ipm")
README = Path("results/README.md")
SIZE = "full"
COMMAND = "python -m ibusim.experiments.calibration_pipeline --size full --out results/calibration-ipm"
JOINT_GOAL, LOO_GOAL = 0.80, 0.70  # issue 11's goals
# the example sensitivity analyses shown on the page (spec, folder); their sweeps are resumable
SENSITIVITY = (
    ("experiments/sobol_ipm.toml", Path("results/sensitivity-sobol-ipm")),
    ("experiments/morris_roles.toml", Path("results/sensitivity-morris-roles")),
)
# Hook for the other validation steps of issue 11: a module here that exists and defines
# ``results_section() -> list[str]`` (Markdown lines) gets its section on the page, after the calibration's;
# a module that is absent is left out (no placeholder).
VALIDATION_MODULES = ("ibusim.experiments.secondary",)  # its section holds the null model's comparison too
# the forecast on the page (issue 11, requirement 6): IPM and one counterfactual over the posterior's draws
FORECAST = Path("results/forecast-ipm")
FORECAST_VARIANTS = ("ipm=ipm", "no-free-class=ipm:free_class=false")
FORECAST_DRAWS = 100


def validation_sections() -> list[str]:
    """The Markdown sections of the validation modules that exist (null model, secondary patterns)."""
    lines: list[str] = []
    for name in VALIDATION_MODULES:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
            continue
        if hasattr(mod, "results_section"):
            lines += list(mod.results_section())
    return lines


def _num(x: float) -> str:
    return f"{x:.4g}"


def _stat(x: float, unit: str) -> str:
    if pd.isna(x):
        return "n/a"
    if unit == "ratio":
        return f"{x:.3g}"
    return fmt(x, unit)


def size_of(settings: dict) -> str:
    """The name of the pipeline size (``full``, ``reduced``, ``mini``) whose settings these are, else ``custom``."""
    for name, st in calibration_pipeline.SIZES.items():
        if json.loads(dumps(asdict(st))) == {k: v for k, v in settings.items() if k != "scenario"}:
            return name
    return "custom"


def calibration_section(folder: Path) -> list[str]:
    """The calibration's part of the page, from a pipeline folder (experiments/calibration_pipeline.py)."""
    rep = json.loads((folder / "report.json").read_text())
    record = json.loads((folder / "pipeline.json").read_text())
    post = pd.read_csv(folder / "posterior_summary.csv")
    ppc = pd.read_csv(folder / "ppc_summary.csv")
    eps = pd.read_csv(folder / "epsilons.csv")
    loo = pd.read_csv(folder / "loo.csv")
    rec = pd.read_csv(folder / "recovery.csv")
    ident = pd.read_csv(folder / "identifiability.csv").set_index("parameter")
    corr = pd.read_csv(folder / "correlation.csv").set_index("parameter")
    noise = pd.read_csv(folder / "noise.csv").set_index("target")
    settings = record["settings"]
    fitted = record["fitted"]
    size = size_of(settings)
    lines = [
        "## Calibration of the IPM preset (issue 11)",
        "",
        f"Regenerate with `.venv/bin/python -m ibusim.experiments.report` (runs `{COMMAND}`, resuming finished "
        f"steps, then rewrites this page). Written {dt.date.today().isoformat()} with code `{code_version()}`"
        + (f" from a run of code `{record['code_version']}`" if record.get("code_version") else "")
        + "; "
        "method in docs/ODD.md (section 7.22) and docs/TRACE.md.",
        "",
    ]
    if size != "full":
        lines += [
            f"**This page shows a {size} run** (`--size {size}`: population {settings['population']}, at most "
            f"{settings['generations']} generations and {settings['max_simulations']:,} simulations, a table of "
            f"{settings['table_rows']:,} runs), which checks the steps end to end and measures their cost; it is "
            "not the full calibration, and its posterior is not evidence either way.",
            "",
        ]
    lines += [
        f"**Method.** ABC-SMC (pyabc, {settings['transition']} transition, population {settings['population']}) over "
        f"{len(post)} calibrated quantities with priors from the literature, analogues or first principles "
        "(`model/parameters.py` `PRIORS`, never from the targets), fixed values from sources where a tuned "
        f"parameter is not calibrated (`CALIBRATION_FIXED`), against {len(fitted)} fitted figures "
        f"({', '.join(f'`{t}`' for t in fitted)}; Telegram and Instagram as ratios per registered mother). "
        "Distance: root mean square of (simulated - observed) / sqrt(half band^2 + noise sd^2). Stop rule: "
        "epsilon changed by under 5% over the last two generations and effective sample size at least 30% of "
        f"the population; caps {settings['generations']} generations and {settings['max_simulations']:,} "
        "simulations. Leave-one-out and recovery use a reference table of "
        f"{settings['table_rows']:,} prior-predictive runs with rejection ABC (the {settings['accept']} nearest "
        "rows) and local-linear regression adjustment (Beaumont 2002).",
        "",
        "### Posterior",
        "",
        "| quantity | median | 5% | 95% | prior | source of the prior | posterior/prior sd |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in post.itertuples():
        lines.append(
            f"| `{r.parameter}` | {_num(r.median)} | {_num(r.p5)} | {_num(r.p95)} | {r.prior} | "
            f"{str(r.prior_source).replace('|', '/')} | {r.sd_ratio:.2f} |"
        )
    if (folder / "posterior.png").exists():
        lines += ["", f"![posterior marginals]({folder.name}/posterior.png)"]
    joint = float(ppc.loc[ppc["target"] == "all", "share_inside"].iloc[0])
    lines += [
        "",
        "### Posterior-predictive coverage",
        "",
        f"{rep['ppc_runs']} runs at draws from the posterior, each with a new seed: the share of runs in which the "
        "figure lands inside its band (a ratio's band for the figures fitted as ratios).",
        "",
        "| figure | role | observed | band | simulated median [5%, 95%] | share inside |",
        "|---|---|---|---|---|---|",
    ]
    for r in ppc[ppc["target"] != "all"].itertuples():
        unit = r.unit
        band = f"{_stat(r.low, unit)}-{_stat(r.high, unit)}" if r.high < 1e8 else f"at least {_stat(r.low, unit)}"
        lines.append(
            f"| {r.statistic} | {r.role} | {_stat(r.observed, unit)} | {band} | {_stat(r.median, unit)} "
            f"[{_stat(r.p5, unit)}, {_stat(r.p95, unit)}] | {r.share_inside:.0%} |"
        )
    lines += [
        "",
        f"Every fitted figure inside its band at once: **{joint:.0%}** of the runs (goal at least "
        f"{JOINT_GOAL:.0%}: {'met' if joint >= JOINT_GOAL else '**missed**'}).",
        "",
        "### Leave-one-out",
        "",
        "Each fitted figure left out of the distance in turn: the posterior from the other figures (reference "
        f"table), then {int(loo['runs'].iloc[0]) if len(loo) else 0} model runs at draws from it; the share "
        "inside the left-out figure's band, against the same share under the prior.",
        "",
        "| left out | band | simulated median [5%, 95%] | share inside | under the prior | goal |",
        "|---|---|---|---|---|---|",
    ]
    targets = load_targets()
    for r in loo.itertuples():
        unit = targets[r.target].fit_unit
        lines.append(
            f"| {r.statistic} | {_stat(r.low, unit)}-{_stat(r.high, unit)} | {_stat(r.median, unit)} "
            f"[{_stat(r.p5, unit)}, {_stat(r.p95, unit)}] | {r.share_inside:.0%} | {r.share_inside_prior:.0%} | "
            f"{'met' if r.share_inside >= LOO_GOAL else '**missed**'} |"
        )
    lines += [
        "",
        "### Parameter recovery",
        "",
        f"{int(rec['pseudo'].iloc[0]) if len(rec) else 0} table rows taken in turn as pseudo-observed data (their "
        "parameters known), inferred from the rest of the table on the fitted figures: the share whose true "
        "value lies in the 90% posterior interval (about 90% when the inference is calibrated), the mean "
        "posterior/prior sd and the mean error in prior sds.",
        "",
        "| quantity | 90% interval covers the truth | posterior/prior sd | mean error (prior sds) |",
        "|---|---|---|---|",
    ]
    for r in rec.itertuples():
        lines.append(f"| `{r.parameter}` | {r.coverage:.0%} | {r.sd_ratio:.2f} | {r.bias_over_prior_sd:+.2f} |")
    strong = [
        (a, b, corr.loc[a, b])
        for i, a in enumerate(corr.index)
        for b in corr.index[i + 1 :]
        if abs(corr.loc[a, b]) >= 0.5
    ]
    lines += [
        "",
        "### Identifiability",
        "",
        "Posterior sd over prior sd in each quantity's uniform coordinate (log10 for a log prior): near 1, the "
        "figures taught nothing about it; near 0, it is pinned down.",
        "",
        "| quantity | ABC-SMC posterior | reference-table posterior |",
        "|---|---|---|",
    ]
    for name, r in ident.iterrows():
        lines.append(f"| `{name}` | {r['sd_ratio_smc']:.2f} | {r['sd_ratio_table']:.2f} |")
    lines += [
        "",
        "Posterior correlations of 0.5 or more in size (all in `correlation.csv`): "
        + (", ".join(f"`{a}`-`{b}` {c:+.2f}" for a, b, c in strong) if strong else "none")
        + ".",
        "",
        "### Convergence",
        "",
        "| generation | epsilon | simulations | effective sample size |",
        "|---|---|---|---|",
    ]
    for r in eps.itertuples():
        lines.append(f"| {int(r.t) + 1} | {r.epsilon:.3f} | {int(r.samples):,} | {r.ess:.1f} |")
    verdict = "**Converged**" if rep["converged"] else "**Not converged**"
    lines += [
        "",
        f"{verdict} by the stated criterion: {rep['convergence']}. {rep['generations']} generations, "
        f"{rep['simulations']:,} simulations.",
        "",
        "Run-to-run noise at the calibration's fixed values (the `ipm` preset with `CALIBRATION_FIXED`; sd over "
        f"seeds 1-{int(noise['runs'].max())}), against the `noise_sd` that model/targets.toml declares (measured "
        "at the preset as it is) and the distance uses: "
        + ", ".join(
            f"`{t}` {noise.loc[t, 'sd']:.3g} ({noise.loc[t, 'declared_noise_sd']:.3g})"
            for t in fitted
            if t in noise.index
        )
        + ".",
        "",
        "### Wall time",
        "",
        "| step | model runs | wall time |",
        "|---|---|---|",
    ]
    for name, s in record["steps"].items():
        lines.append(f"| {name.replace('_', ' ')} | {s['runs']:,} | {s['wall_seconds'] / 60:.1f} min |")
    total = record["total"]
    per_run = record.get("seconds_per_run_in_worker", float("nan"))
    full = calibration_pipeline.SIZES["full"]
    most = calibration_pipeline.expected_runs(full, len(calibration_pipeline.load_targets_fitted()))
    loads = [s.get("load_average") for s in record["steps"].values() if s.get("load_average") is not None]
    lines += [
        f"| all | {total['runs']:,} | {total['wall_seconds'] / 60:.1f} min |",
        "",
        f"Mean time of one run in its worker: {per_run:.2f} s"
        + (f" (load average {min(loads):.1f}-{max(loads):.1f} on 2 cores)" if loads else "")
        + f". The full size makes at most {most:,} runs: at this time per run and 2 workers, about "
        f"{most * per_run / 2 / 3600:.1f} hours (the ABC-SMC step adds pyabc's own overhead).",
        "",
    ]
    # what the record cannot know by itself (e.g. the time of a call that was killed and resumed), written
    # into pipeline.json's "notes" by whoever resumed it
    for note in record.get("notes", []):
        lines += [f"**Note.** {note}", ""]
    if rep["converged"] and joint >= JOINT_GOAL:
        lines += [
            "The posterior medians are the candidates for `model/scenarios/ipm.toml` "
            "(with `CALIBRATION_FIXED`); forecasts and comparisons run over `posterior.csv`'s draws.",
            "",
        ]
    else:
        lines += [
            "Not adopted: the `ipm` preset keeps its hand-tuned values until a run meets the criterion and the "
            "coverage goal.",
            "",
        ]
    return lines


def forecast_section(folder: Path, page_dir: Path) -> list[str]:
    """The forecast of :data:`FORECAST_VARIANTS` read back from ``folder`` (``ibusim forecast``'s folder).

    A missing folder gives a line saying so and how to make it (no table is made up).
    """
    from .forecast import load_forecast
    from .forecast import markdown as forecast_markdown

    command = (
        f"ibusim forecast {' '.join(FORECAST_VARIANTS)} --posterior {FOLDER} --draws {FORECAST_DRAWS} --out {folder}"
    )
    lines = ["## Forecast 2025-2027 over the posterior (issue 11)", ""]
    if not (folder / "forecast.csv").is_file():
        return lines + [f"Not run yet: `{command}` (or `python -m ibusim.experiments.report`) makes it.", ""]
    result = load_forecast(folder)
    calibration = Path(str(result.info.get("posterior") or ""))
    state = json.loads((calibration / "report.json").read_text()) if (calibration / "report.json").is_file() else {}
    if state.get("converged") is False:
        lines += [
            f"**The posterior these runs draw from did not converge** ({state.get('convergence', '')}): it is the "
            "ABC-SMC population at the simulation cap, wider than a converged posterior would be, and it is not "
            "adopted into the `ipm` preset. Read the intervals as an upper bound on the calibration's uncertainty.",
            "",
        ]
    lines += [
        f"`{command}`. Every run is one posterior draw with its own model seed; the counterfactual runs over the",
        "same draws and seeds, so its differences are paired. The intervals carry the posterior's parameter",
        "uncertainty and the model's noise, not the structural uncertainty of what the forecast assumes (every",
        "programme keeps its 2024 rhythm, the scholarship stops after its six observed batches; docs/ODD.md,",
        '"Forecasts").',
        "",
        forecast_markdown(result),
        "",
    ]
    png = folder / "forecast.png"
    if png.exists():
        lines += [f"![forecast]({png.relative_to(page_dir) if png.is_relative_to(page_dir) else png})", ""]
    return lines


def write(
    folder: Path = FOLDER, readme: Path = README, changes: dict | None = None, forecast_folder: Path = FORECAST
) -> Path:
    """Write the results page from the pipeline folder ``folder`` (atomically); return its path.

    ``changes``: parameter changes applied to the ``ipm`` run on the page (e.g. a small population, in tests).
    """
    changes = dict(changes or {})
    summary = run_model("ipm", changes, 1).summary()
    targets = load_targets()
    lines = [
        "# Results",
        "",
        "Run folders (`ibusim run`, `ibusim sweep`, `ibusim compare`, `ibusim sensitivity`) are written here and are",
        "not committed. This page is: it records the calibration of the `ipm` preset against the observed figures",
        "and the example sensitivity analyses (their tables and plots are kept beside it).",
        "",
    ]
    lines += calibration_section(folder)
    lines += forecast_section(forecast_folder, readme.parent)
    lines += validation_sections()
    lines += [
        "### The `ipm` preset, seed 1 (`ibusim run`)",
        "",
        "| figure | role | observed | band | simulated | inside |",
        "|---|---|---|---|---|---|",
    ]
    for t in targets.values():
        s = summary[t.summary]
        lines.append(
            f"| {t.label} | {t.role} | {fmt(t.value, t.unit)} | {fmt(t.low, t.unit)}-{fmt(t.high, t.unit)} | "
            f"{fmt(s, t.unit)} | {'yes' if t.inside(s) else '**no**'} |"
        )
    lines += [""]
    for spec_file, folder_s in SENSITIVITY:
        lines += sensitivity_section(spec_file, folder_s, readme.parent)
    atomic_text(readme, "\n".join(lines))
    return readme


def sensitivity_section(spec_file: str, folder: Path, page_dir: Path) -> list[str]:
    """A results section for one example sensitivity analysis (nothing if it has not been run)."""
    from .spec import load_spec

    csv = folder / "sensitivity.csv"
    if not csv.exists():
        return []
    spec = load_spec(spec_file)
    table = pd.read_csv(csv)
    sobol = spec.design == "sobol"
    worst = float(table["change_half_to_full"].max())
    factors = [f.name for f in spec.factors]
    head = "first-order / total Sobol index (S1 / ST)" if sobol else "mu* (mean absolute elementary effect)"
    lines = [
        f"## Sensitivity: {spec.description or spec.name}",
        "",
        f"`ibusim sensitivity {spec_file} --out {folder}`: design {spec.design}, "
        f"{len(spec.points())} design points x {spec.replications} replication(s), base scenario "
        f"`{spec.scenario}` with {', '.join(f'{k} = {v}' for k, v in spec.fixed.items()) or 'no changes'}. "
        f"Cells: {head}"
        + (
            " with 95% confidence half-widths in the CSV."
            if sobol
            else ", in the outcome's units; sigma and confidence intervals are in the CSV."
        ),
        "",
        "| outcome | " + " | ".join(f"`{f}`" for f in factors) + " | half vs all samples |",
        "|---|" + "---|" * len(factors) + "---|",
    ]
    for outcome, g in table.groupby("outcome", sort=False):
        row = g.set_index("factor")
        cells = [
            f"{row.loc[f, 'S1']:.2f} / {row.loc[f, 'ST']:.2f}" if sobol else f"{row.loc[f, 'mu_star']:.3g}"
            for f in factors
        ]
        change = float(g["change_half_to_full"].max())
        lines.append(
            f"| {outcome} | " + " | ".join(cells) + f" | {change:.3f}{'' if change < 0.1 else ' (not converged)'} |"
        )
    verdict = "converged by this check" if worst < 0.1 else "not converged by this check for every outcome"
    lines += [
        "",
        f"Convergence: the largest change between the indices from half and from all samples is "
        f"{worst:.3f} ({verdict}; the last column gives it per outcome"
        + ("" if sobol else ", relative to the outcome's largest mu*")
        + (
            ", and a total index above 1 or a clearly negative first-order one is a sign of run-to-run "
            "noise outweighing the factors"
            if sobol
            else ""
        )
        + ").",
        "",
    ]
    png = folder / "sensitivity.png"
    if png.exists():
        lines += [f"![{spec.name}]({png.relative_to(page_dir) if png.is_relative_to(page_dir) else png})", ""]
    return lines


def main() -> None:
    """Run (or resume) the calibration pipeline and the example sensitivity sweeps, write results/README.md."""
    from . import sensitivity
    from .compare import parse_variant
    from .forecast import forecast
    from .spec import load_spec

    calibration_pipeline.run_pipeline(FOLDER, calibration_pipeline.SIZES[SIZE])
    if not (FORECAST / "forecast.csv").is_file():
        forecast([parse_variant(v) for v in FORECAST_VARIANTS], FOLDER, draws=FORECAST_DRAWS, out=FORECAST)
    for spec_file, folder in SENSITIVITY:  # resumable sweeps: finished runs are reused
        sensitivity.run(load_spec(spec_file), folder, progress=False)
    print(f"wrote {write()}")


if __name__ == "__main__":
    main()
