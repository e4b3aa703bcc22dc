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
from pathlib import Path

import pandas as pd

from ibusim.i18n import N_, gettext
from ibusim.model.targets import load as load_targets

from . import calibration_pipeline
from .core import run_model
from .execution import atomic_text, code_version

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
# Words of the page's tables that come from data files, marked here for the catalogue (the target labels of
# model/targets.toml are collected from that file): the calibration's ratio figures, roles and steps
CALIBRATION_WORDS = (
    N_("Telegram group members per registered mother"),
    N_("Instagram followers per registered mother"),
    N_("2021 registrations over 2022's"),
    N_("Delta-wave surge: weekly registrations Jul-Sep 2021 over the quarters around"),
)
ROLE_WORDS = (N_("fitted"), N_("predicted"), N_("check"), N_("validation"), N_("fitted, jointly"))
STEP_NAMES = {
    "noise": N_("noise"),
    "abc_smc": N_("abc smc"),
    "table": N_("table"),
    "leave_one_out": N_("leave one out"),
    "recovery": N_("recovery"),
    "identifiability": N_("identifiability"),
}


def validation_sections(lang: str = "en") -> list[str]:
    """The Markdown sections of the validation modules that exist (null model, secondary patterns).

    A module's ``results_section`` that takes a ``lang`` keyword gets it; the others write English.
    """
    lines: list[str] = []
    for name in VALIDATION_MODULES:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
            continue
        if hasattr(mod, "results_section"):
            import inspect

            takes_lang = "lang" in inspect.signature(mod.results_section).parameters
            lines += list(mod.results_section(lang=lang) if takes_lang and lang != "en" else mod.results_section())
    return lines


class _Numbers:
    """The page's numbers as a reader of ``lang`` writes them; in English exactly as the page always wrote them."""

    def __init__(self, lang: str):
        self.lang = lang
        self.en = lang == "en"

    def _number(self, x: float, kind: str, **kw) -> str:
        from ibusim.numbers import format_number

        return format_number(int(x) if kind == "count" else float(x), self.lang, kind, **kw)

    def na(self) -> str:
        return gettext(self.lang)("n/a")

    def num(self, x: float) -> str:
        """4 significant digits (a parameter's value)."""
        return f"{x:.4g}" if self.en else self._number(x, "rate")

    def sig(self, x: float) -> str:
        """3 significant digits."""
        if self.en:
            return f"{x:.3g}"
        from ibusim.numbers import format_output

        return format_output(x, "ratio", self.lang)

    def dec(self, x: float, decimals: int) -> str:
        """``decimals`` decimals."""
        if pd.isna(x):
            return "nan" if self.en else self.na()
        return f"{x:.{decimals}f}" if self.en else self._number(x, "rate", decimals=decimals)

    def signed(self, x: float, decimals: int) -> str:
        """``decimals`` decimals with a sign."""
        if self.en:
            return f"{x:+.{decimals}f}"
        return ("-" if x < 0 else "+") + self.dec(abs(x), decimals)

    def pct(self, x: float) -> str:
        """A share as a whole percentage."""
        if self.en:
            return f"{x:.0%}"
        return self.na() if pd.isna(x) else self._number(x, "share", decimals=0)

    def count(self, n: int) -> str:
        """A whole number with thousands separators."""
        return f"{n:,}" if self.en else self._number(n, "count")

    def prior(self, name: str, written: str) -> str:
        """A calibration prior: ``written`` (the CSV's ``logU(0.0005, 0.02)``) in English; else from ``PRIORS``."""
        from ibusim.model.parameters import PRIORS

        if self.en or name not in PRIORS:
            return written
        pr = PRIORS[name]
        low, high = (self._number(x, "rate", exact=True) for x in (pr.low, pr.high))
        return f"{'logU' if pr.scale == 'log' else 'U'}({low}; {high})"  # a semicolon: the comma is the decimal mark

    def stat(self, x: float, unit: str) -> str:
        """A figure in its unit's format (model/outputs.py), ``ratio`` with 3 significant digits."""
        if pd.isna(x):
            return self.na()
        if unit == "ratio":
            return self.sig(x)
        from ibusim.numbers import format_output

        return format_output(x, unit, self.lang)


def _num(x: float) -> str:
    return _Numbers("en").num(x)


def _stat(x: float, unit: str) -> str:
    return _Numbers("en").stat(x, unit)


def size_of(settings: dict) -> str:
    """The name of the pipeline size (``full``, ``reduced``, ``mini``) whose settings these are, else ``custom``."""
    for name, st in calibration_pipeline.SIZES.items():
        if calibration_pipeline.settings_json(st) == {k: v for k, v in settings.items() if k != "scenario"}:
            return name
    return "custom"


def calibration_section(folder: Path, lang: str = "en") -> list[str]:
    """The calibration's part of the page, from a pipeline folder (experiments/calibration_pipeline.py), in ``lang``."""
    _ = gettext(lang)
    n = _Numbers(lang)
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
    written = _("Written {date} with code `{code}`").format(date=dt.date.today().isoformat(), code=code_version())
    if record.get("code_version"):
        written = _("Written {date} with code `{code}` from a run of code `{run_code}`").format(
            date=dt.date.today().isoformat(), code=code_version(), run_code=record["code_version"]
        )
    lines = [
        _("## Calibration of the IPM preset (issue 11)"),
        "",
        _(
            "Regenerate with `.venv/bin/python -m ibusim.experiments.report` (runs `{command}`, resuming finished "
            "steps, then rewrites this page). {written}; method in docs/ODD.md (section 7.22) and docs/TRACE.md."
        ).format(command=COMMAND, written=written),
        "",
    ]
    if size != "full":
        lines += [
            _(
                "**This page shows a {size} run** (`--size {size}`: population {population}, at most "
                "{generations} generations and {simulations} simulations, a table of {rows} runs), which checks "
                "the steps end to end and measures their cost; it is not the full calibration, and its posterior is "
                "not evidence either way."
            ).format(
                size=size,
                population=settings["population"],
                generations=settings["generations"],
                simulations=n.count(settings["max_simulations"]),
                rows=n.count(settings["table_rows"]),
            ),
            "",
        ]
    # a record leaves out a later setting at the value older runs had (calibration_pipeline.LATER_SETTINGS)
    scaling = settings.get("kernel_scaling", calibration_pipeline.LATER_SETTINGS["kernel_scaling"])
    kernel = (
        " "
        + _("The proposal kernel's covariance is {scaling} times pyabc's (`kernel_scaling`).").format(
            scaling=n.dec(scaling, 1)
        )
        if scaling != 1
        else ""
    )
    lines += [
        _(
            "**Method.** ABC-SMC (pyabc, {transition} transition, population {population}) over {quantities} "
            "calibrated quantities with priors from the literature, analogues or first principles "
            "(`model/parameters.py` `PRIORS`, never from the targets), fixed values from sources where a tuned "
            "parameter is not calibrated (`CALIBRATION_FIXED`), against {n_fitted} fitted figures ({fitted}; "
            "Telegram and Instagram as ratios per registered mother). Distance: root mean square of (simulated - "
            "observed) / sqrt(half band^2 + noise sd^2). Stop rule: epsilon changed by under 5% over the last two "
            "generations and effective sample size at least 30% of the population; caps {generations} generations "
            "and {simulations} simulations. Leave-one-out and recovery use a reference table of {rows} "
            "prior-predictive runs with rejection ABC (the {accept} nearest rows) and local-linear regression "
            "adjustment (Beaumont 2002)."
        ).format(
            transition=settings["transition"],
            population=settings["population"],
            quantities=len(post),
            n_fitted=len(fitted),
            fitted=", ".join(f"`{t}`" for t in fitted),
            generations=settings["generations"],
            simulations=n.count(settings["max_simulations"]),
            rows=n.count(settings["table_rows"]),
            accept=settings["accept"],
        )
        + kernel,
        "",
        _("### Posterior"),
        "",
        _("| quantity | median | 5% | 95% | prior | source of the prior | posterior/prior sd |"),
        "|---|---|---|---|---|---|---|",
    ]
    for r in post.itertuples():
        lines.append(
            f"| `{r.parameter}` | {n.num(r.median)} | {n.num(r.p5)} | {n.num(r.p95)} | "
            f"{n.prior(r.parameter, r.prior)} | {str(r.prior_source).replace('|', '/')} | {n.dec(r.sd_ratio, 2)} |"
        )
    if (folder / "posterior.png").exists():
        lines += ["", f"![{_('posterior marginals')}]({folder.name}/posterior.png)"]
    joint = float(ppc.loc[ppc["target"] == "all", "share_inside"].iloc[0])
    lines += [
        "",
        _("### Posterior-predictive coverage"),
        "",
        _(
            "{runs} runs at draws from the posterior, each with a new seed: the share of runs in which the figure "
            "lands inside its band (a ratio's band for the figures fitted as ratios)."
        ).format(runs=rep["ppc_runs"]),
        "",
        _("| figure | role | observed | band | simulated median [5%, 95%] | share inside |"),
        "|---|---|---|---|---|---|",
    ]
    for r in ppc[ppc["target"] != "all"].itertuples():
        unit = r.unit
        band = (
            f"{n.stat(r.low, unit)}-{n.stat(r.high, unit)}"
            if r.high < 1e8
            else _("at least {low}").format(low=n.stat(r.low, unit))
        )
        lines.append(
            f"| {_(r.statistic)} | {_(r.role)} | {n.stat(r.observed, unit)} | {band} | {n.stat(r.median, unit)} "
            f"[{n.stat(r.p5, unit)}, {n.stat(r.p95, unit)}] | {n.pct(r.share_inside)} |"
        )
    lines += [
        "",
        _(
            "Every fitted figure inside its band at once: **{joint}** of the runs (goal at least {goal}: {verdict})."
        ).format(
            joint=n.pct(joint), goal=n.pct(JOINT_GOAL), verdict=_("met") if joint >= JOINT_GOAL else _("**missed**")
        ),
        "",
        _("### Leave-one-out"),
        "",
        _(
            "Each fitted figure left out of the distance in turn: the posterior from the other figures (reference "
            "table), then {runs} model runs at draws from it; the share inside the left-out figure's band, against "
            "the same share under the prior."
        ).format(runs=int(loo["runs"].iloc[0]) if len(loo) else 0),
        "",
        _("| left out | band | simulated median [5%, 95%] | share inside | under the prior | goal |"),
        "|---|---|---|---|---|---|",
    ]
    targets = load_targets()
    for r in loo.itertuples():
        unit = targets[r.target].fit_unit
        lines.append(
            f"| {_(r.statistic)} | {n.stat(r.low, unit)}-{n.stat(r.high, unit)} | {n.stat(r.median, unit)} "
            f"[{n.stat(r.p5, unit)}, {n.stat(r.p95, unit)}] | {n.pct(r.share_inside)} | "
            f"{n.pct(r.share_inside_prior)} | {_('met') if r.share_inside >= LOO_GOAL else _('**missed**')} |"
        )
    lines += [
        "",
        _("### Parameter recovery"),
        "",
        _(
            "{rows} table rows taken in turn as pseudo-observed data (their parameters known), inferred from the "
            "rest of the table on the fitted figures: the share whose true value lies in the 90% posterior interval "
            "(about 90% when the inference is calibrated), the mean posterior/prior sd and the mean error in prior "
            "sds."
        ).format(rows=int(rec["pseudo"].iloc[0]) if len(rec) else 0),
        "",
        _("| quantity | 90% interval covers the truth | posterior/prior sd | mean error (prior sds) |"),
        "|---|---|---|---|",
    ]
    for r in rec.itertuples():
        lines.append(
            f"| `{r.parameter}` | {n.pct(r.coverage)} | {n.dec(r.sd_ratio, 2)} | {n.signed(r.bias_over_prior_sd, 2)} |"
        )
    strong = [
        (a, b, corr.loc[a, b])
        for i, a in enumerate(corr.index)
        for b in corr.index[i + 1 :]
        if abs(corr.loc[a, b]) >= 0.5
    ]
    lines += [
        "",
        _("### Identifiability"),
        "",
        _(
            "Posterior sd over prior sd in each quantity's uniform coordinate (log10 for a log prior): near 1, the "
            "figures taught nothing about it; near 0, it is pinned down."
        ),
        "",
        _("| quantity | ABC-SMC posterior | reference-table posterior |"),
        "|---|---|---|",
    ]
    for name, r in ident.iterrows():
        lines.append(f"| `{name}` | {n.dec(r['sd_ratio_smc'], 2)} | {n.dec(r['sd_ratio_table'], 2)} |")
    pairs = ", ".join(f"`{a}`-`{b}` {n.signed(c, 2)}" for a, b, c in strong) if strong else _("none")
    lines += [
        "",
        _("Posterior correlations of 0.5 or more in size (all in `correlation.csv`): {pairs}.").format(pairs=pairs),
        "",
        _("### Convergence"),
        "",
        _("| generation | epsilon | simulations | effective sample size |"),
        "|---|---|---|---|",
    ]
    for r in eps.itertuples():
        lines.append(f"| {int(r.t) + 1} | {n.dec(r.epsilon, 3)} | {n.count(int(r.samples))} | {n.dec(r.ess, 1)} |")
    verdict = _("**Converged**") if rep["converged"] else _("**Not converged**")
    noise_sds = ", ".join(
        f"`{t}` {n.sig(noise.loc[t, 'sd'])} ({n.sig(noise.loc[t, 'declared_noise_sd'])})"
        for t in fitted
        if t in noise.index
    )
    lines += [
        "",
        _(
            "{verdict} by the stated criterion: {convergence}. {generations} generations, {simulations} simulations."
        ).format(
            verdict=verdict,
            convergence=rep["convergence"],
            generations=rep["generations"],
            simulations=n.count(rep["simulations"]),
        ),
        "",
        _(
            "Run-to-run noise at the calibration's fixed values (the `ipm` preset with `CALIBRATION_FIXED`; sd over "
            "seeds 1-{seeds}), against the `noise_sd` that model/targets.toml declares (measured at the preset as it "
            "is) and the distance uses: {noise}."
        ).format(seeds=int(noise["runs"].max()), noise=noise_sds),
        "",
        _("### Wall time"),
        "",
        _("| step | model runs | wall time |"),
        "|---|---|---|",
    ]
    for name, st in record["steps"].items():
        minutes = _("{minutes} min").format(minutes=n.dec(st["wall_seconds"] / 60, 1))
        lines.append(f"| {_(STEP_NAMES.get(name, name.replace('_', ' ')))} | {n.count(st['runs'])} | {minutes} |")
    total = record["total"]
    per_run = record.get("seconds_per_run_in_worker", float("nan"))
    full = calibration_pipeline.SIZES["full"]
    most = calibration_pipeline.expected_runs(full, len(calibration_pipeline.load_targets_fitted()))
    loads = [st.get("load_average") for st in record["steps"].values() if st.get("load_average") is not None]
    load = (
        _(" (load average {low}-{high} on 2 cores)").format(low=n.dec(min(loads), 1), high=n.dec(max(loads), 1))
        if loads
        else ""
    )
    lines += [
        "| {all} | {runs} | {minutes} |".format(
            all=_("all"),
            runs=n.count(total["runs"]),
            minutes=_("{minutes} min").format(minutes=n.dec(total["wall_seconds"] / 60, 1)),
        ),
        "",
        _(
            "Mean time of one run in its worker: {seconds} s{load}. The full size makes at most {most} runs: at this "
            "time per run and 2 workers, about {hours} hours (the ABC-SMC step adds pyabc's own overhead)."
        ).format(seconds=n.dec(per_run, 2), load=load, most=n.count(most), hours=n.dec(most * per_run / 2 / 3600, 1)),
        "",
    ]
    # what the record cannot know by itself (e.g. the time of a call that was killed and resumed), written
    # into pipeline.json's "notes" by whoever resumed it (in English: notes are written by people, not translated)
    for note in record.get("notes", []):
        lines += [_("**Note.** {note}").format(note=note), ""]
    if rep["converged"] and joint >= JOINT_GOAL:
        lines += [
            _(
                "The posterior medians are the candidates for `model/scenarios/ipm.toml` (with `CALIBRATION_FIXED`); "
                "forecasts and comparisons run over `posterior.csv`'s draws."
            ),
            "",
        ]
    else:
        lines += [
            _(
                "Not adopted: the `ipm` preset keeps its hand-tuned values until a run meets the criterion and the "
                "coverage goal."
            ),
            "",
        ]
    return lines


def forecast_section(folder: Path, page_dir: Path, lang: str = "en") -> list[str]:
    """The forecast of :data:`FORECAST_VARIANTS` read back from ``folder`` (``ibusim forecast``'s folder), in ``lang``.

    A missing folder gives a line saying so and how to make it (no table is made up).
    """
    from .forecast import load_forecast
    from .forecast import markdown as forecast_markdown

    _ = gettext(lang)
    command = (
        f"ibusim forecast {' '.join(FORECAST_VARIANTS)} --posterior {FOLDER} --draws {FORECAST_DRAWS} --out {folder}"
    )
    lines = [_("## Forecast 2025-2027 over the posterior (issue 11)"), ""]
    if not (folder / "forecast.csv").is_file():
        return lines + [
            _("Not run yet: `{command}` (or `python -m ibusim.experiments.report`) makes it.").format(command=command),
            "",
        ]
    result = load_forecast(folder)
    calibration = Path(str(result.info.get("posterior") or ""))
    state = json.loads((calibration / "report.json").read_text()) if (calibration / "report.json").is_file() else {}
    if state.get("converged") is False:
        lines += [
            _(
                "**The posterior these runs draw from did not converge** ({convergence}): it is the ABC-SMC "
                "population at the simulation cap, wider than a converged posterior would be, and it is not adopted "
                "into the `ipm` preset. Read the intervals as an upper bound on the calibration's uncertainty."
            ).format(convergence=state.get("convergence", "")),
            "",
        ]
    lines += [
        *_(
            "`{command}`. Every run is one posterior draw with its own model seed; the counterfactual runs over the\n"
            "same draws and seeds, so its differences are paired. The intervals carry the posterior's parameter\n"
            "uncertainty and the model's noise, not the structural uncertainty of what the forecast assumes (every\n"
            "programme keeps its 2024 rhythm, the scholarship stops after its six observed batches; docs/ODD.md,\n"
            '"Forecasts").'
        )
        .format(command=command)
        .split("\n"),
        "",
        forecast_markdown(result, lang=lang),
        "",
    ]
    png = folder / "forecast.png"
    if png.exists():
        lines += [f"![{_('forecast')}]({png.relative_to(page_dir) if png.is_relative_to(page_dir) else png})", ""]
    return lines


def write(
    folder: Path = FOLDER,
    readme: Path = README,
    changes: dict | None = None,
    forecast_folder: Path = FORECAST,
    lang: str = "en",
) -> Path:
    """Write the results page from the pipeline folder ``folder`` (atomically); return its path.

    ``changes``: parameter changes applied to the ``ipm`` run on the page (e.g. a small population, in tests).
    ``lang``: the page's language ("en": results/README.md, committed; ``ibusim --lang id report`` writes the
    Indonesian page, by default beside it as ``README.id.md``: :func:`page_path`). The sections of the validation
    modules are in English unless their ``results_section`` takes a ``lang``.
    """
    from ibusim.numbers import format_output

    _ = gettext(lang)
    changes = dict(changes or {})

    def shown(x, unit: str) -> str:
        return format_output(x, unit, lang)

    summary = run_model("ipm", changes, 1).summary()
    targets = load_targets()
    lines = [
        _("# Results"),
        "",
        *_(
            "Run folders (`ibusim run`, `ibusim sweep`, `ibusim compare`, `ibusim sensitivity`) are written here and "
            "are\nnot committed. This page is: it records the calibration of the `ipm` preset against the observed "
            "figures\nand the example sensitivity analyses (their tables and plots are kept beside it)."
        ).split("\n"),
        "",
    ]
    if lang == "en":  # the committed English page says where the Indonesian one comes from
        lines += [
            "In Bahasa Indonesia: `ibusim --lang id report` writes this page in Indonesian to "
            f"`{page_path('id').as_posix()}` from the same folders (it reruns the page's own model runs, not "
            "the calibration).",
            "",
        ]
    lines += calibration_section(folder, lang)
    lines += forecast_section(forecast_folder, readme.parent, lang)
    lines += validation_sections(lang)
    lines += [
        _("### The `ipm` preset, seed 1 (`ibusim run`)"),
        "",
        _("| figure | role | observed | band | simulated | inside |"),
        "|---|---|---|---|---|---|",
    ]
    for t in targets.values():
        x = summary[t.summary]
        inside = _("yes") if t.inside(x) else _("**no**")
        lines.append(
            f"| {_(t.label)} | {_(t.role)} | {shown(t.value, t.unit)} | {shown(t.low, t.unit)}-"
            f"{shown(t.high, t.unit)} | {shown(x, t.unit)} | {inside} |"
        )
    lines += [""]
    for spec_file, folder_s in SENSITIVITY:
        lines += sensitivity_section(spec_file, folder_s, readme.parent, lang)
    atomic_text(readme, "\n".join(lines))
    return readme


def page_path(lang: str, readme: Path = README) -> Path:
    """Where ``ibusim report`` writes the page of ``lang``: ``readme`` in English, ``README.<lang>.md`` beside it."""
    return readme if lang == "en" else readme.with_name(f"{readme.stem}.{lang}{readme.suffix}")


def sensitivity_section(spec_file: str, folder: Path, page_dir: Path, lang: str = "en") -> list[str]:
    """A results section for one example sensitivity analysis (nothing if it has not been run), in ``lang``."""
    from .spec import load_spec

    _ = gettext(lang)
    n = _Numbers(lang)
    csv = folder / "sensitivity.csv"
    if not csv.exists():
        return []
    spec = load_spec(spec_file)
    table = pd.read_csv(csv)
    sobol = spec.design == "sobol"
    worst = float(table["change_half_to_full"].max())
    factors = [f.name for f in spec.factors]
    fixed = ", ".join(f"{k} = {v}" for k, v in spec.fixed.items()) or _("no changes")
    if sobol:
        cells_are = _("Cells: first-order / total Sobol index (S1 / ST) with 95% confidence half-widths in the CSV.")
    else:
        cells_are = _(
            "Cells: mu* (mean absolute elementary effect), in the outcome's units; sigma and confidence intervals "
            "are in the CSV."
        )
    lines = [
        _("## Sensitivity: {name}").format(name=spec.describe(lang) or spec.name),
        "",
        _(
            "`ibusim sensitivity {spec} --out {folder}`: design {design}, {points} design points x {replications} "
            "replication(s), base scenario `{scenario}` with {fixed}. {cells}"
        ).format(
            spec=spec_file,
            folder=folder,
            design=spec.design,
            points=len(spec.points()),
            replications=spec.replications,
            scenario=spec.scenario,
            fixed=fixed,
            cells=cells_are,
        ),
        "",
        f"| {_('outcome')} | " + " | ".join(f"`{f}`" for f in factors) + f" | {_('half vs all samples')} |",
        "|---|" + "---|" * len(factors) + "---|",
    ]
    for outcome, g in table.groupby("outcome", sort=False):
        row = g.set_index("factor")
        cells = [
            f"{n.dec(row.loc[f, 'S1'], 2)} / {n.dec(row.loc[f, 'ST'], 2)}" if sobol else n.sig(row.loc[f, "mu_star"])
            for f in factors
        ]
        change = float(g["change_half_to_full"].max())
        flag = "" if change < 0.1 else _(" (not converged)")
        lines.append(f"| {outcome} | " + " | ".join(cells) + f" | {n.dec(change, 3)}{flag} |")
    verdict = _("converged by this check") if worst < 0.1 else _("not converged by this check for every outcome")
    if sobol:
        convergence = _(
            "Convergence: the largest change between the indices from half and from all samples is {change} "
            "({verdict}; the last column gives it per outcome, and a total index above 1 or a clearly negative "
            "first-order one is a sign of run-to-run noise outweighing the factors)."
        )
    else:
        convergence = _(
            "Convergence: the largest change between the indices from half and from all samples is {change} "
            "({verdict}; the last column gives it per outcome, relative to the outcome's largest mu*)."
        )
    lines += ["", convergence.format(change=n.dec(worst, 3), verdict=verdict), ""]
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
