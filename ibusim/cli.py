"""The ``ibusim`` command line.

    ibusim run    [--scenario ipm|ibusibuk|baseline|FILE] [--seed N] [--set name=value ...] [--out DIR]
    ibusim params [--scenario ...] [--markdown | --json] [--search WORD] [--no-help]
    ibusim sweep  SPEC.toml [--out DIR] [--executor sequential|processes|dask] [--workers N] [--scheduler ADDR]
                  [--posterior FOLDER --draws N]
    ibusim sensitivity SPEC.toml [--out DIR] [...]   (design sobol or morris)
    ibusim compare LABEL=SCENARIO[:name=value,...] ... [--replications N] [--seed N] [--out DIR]
                   [--posterior FOLDER --draws N]
    ibusim forecast [LABEL=SCENARIO[:name=value,...] ...] [--posterior FOLDER | --no-posterior] [--draws N]
                   [--until YEAR] [--seed N] [--out DIR]
    ibusim calibrate [--scenario ipm] [--params ...] [--targets ...] [--hold-out ...] [--out DIR]
    ibusim dashboard [--host 127.0.0.1] [--port 8765]

Bad input (unknown scenario, unknown or out-of-range parameter, malformed
``--set``, unwritable output) exits with status 2 and one line on stderr.
Numbers are read strictly: ASCII digits, a decimal point, at most one underscore
between digits; ``500.000``, ``0,05`` and non-ASCII digits are refused, saying
how to write them. A model too large for the machine's available memory
(model/resources.py) and a design of more than 100,000 runs (experiments/spec.py)
are refused before anything is allocated. tests/test_bad_input.py checks all this
with generated input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def one_line(message: str, limit: int = 400) -> str:
    """A message made safe for one line of stderr: line breaks escaped, very long text cut."""
    text = "\\n".join(str(message).splitlines())  # every line break (\n, \r, \x85, \u2028, ...) escaped
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, status 2
        self.exit(2, f"ibusim: error: {one_line(message)}\n")


SEED_MAX = 2**63 - 1


def _int_in(minimum: int, maximum: int, what: str):
    """An argparse type: an integer in [minimum, maximum], ASCII digits only (one-line error otherwise)."""

    def parse(text: str) -> int:
        from ibusim.model.parameters import number_problem, show

        problem = number_problem(text.strip(), True)
        if problem:
            raise argparse.ArgumentTypeError(f"{what}, got {show(text)} ({problem})")
        value = int(text.strip())
        if not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(f"{what}, got {show(value)}")
        return value

    return parse


def _non_negative(text: str) -> float:
    """An argparse type: a finite number >= 0, ASCII digits only."""
    from ibusim.model.parameters import number_problem, show

    problem = number_problem(text.strip(), False)
    if problem:
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {show(text)} ({problem})")
    value = float(text.strip())
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {show(text)}")
    return value


def _path(text: str) -> Path:
    """An argparse type: a file or folder path (a NUL character cannot be in one)."""
    if "\0" in text or not text.strip():
        raise argparse.ArgumentTypeError(f"not a usable path: {text!r}")
    return Path(text)


_seed = _int_in(0, SEED_MAX, "seed must be an integer in [0, 2**63 - 1]")
_positive = _int_in(1, 10**6, "expected a positive integer (at most 1,000,000)")
_workers = _int_in(1, 1024, "workers must be an integer in 1-1024")


def _parse_sets(items: list[str]) -> dict:
    """``--set name=value`` items -> validated changes.

    Spaces around the name and the value are ignored (``"survey_response_base = 0.0"`` reads as
    written in a scenario file); a name set twice is refused rather than the last one winning silently.
    """
    from ibusim.model.parameters import ParameterError, parse_value

    changes = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterError(f"--set expects name=value, got {item!r}")
        if name in changes:
            raise ParameterError(f"--set {name} is given twice")
        changes[name] = parse_value(name, value)
    return changes


def cmd_run(args) -> int:
    """``ibusim run``: one run, its table against the observed figures, its run folder."""
    from ibusim.experiments.run import run_to_folder
    from ibusim.model.targets import table

    changes = _parse_sets(args.set)
    model, out = run_to_folder(args.scenario, args.seed, changes, args.out)
    print(
        f"ibusim run: scenario {args.scenario}, seed {args.seed}, {model.week} weeks "
        f"({model.p['start']} to {model.p['end']}), {model.n:,} mothers"
    )
    s = model.summary()
    if args.scenario != "ipm":
        print("(the observed figures are Ibu Punya Mimpi's; other scenarios are shown against them for reference)")
    print(table(s))
    print(other_figures(model, s))
    print(f"run folder: {out}")
    return 0


def other_figures(model, s: dict) -> str:
    """End-of-run figures that are not observed targets: roles, momfluencers, communication.

    Each number is shown in its output's format (model/outputs.py).
    """
    from ibusim.model.outputs import show

    def v(name: str) -> str:
        return show(name, s[name])

    lines = [
        "other figures (not targets):",
        f"  team: {len(model.admins)} founders + {v('managers')} managers ({v('promotions')} promotions), "
        f"{v('volunteers')} volunteers = {v('volunteer_share')} of registered; capacity {v('team_capacity')}x "
        "the founders'",
        f"  momfluencers: {v('momfluencers')} active of {v('creators')} trained; {v('campaigns')} campaigns, "
        f"{v('paid_posts')} paid posts, {v('total_income')} in all, {v('income_per_creator_month')} "
        "per trained momfluencer per month",
        f"  work (Jika Ibu Menjadi tracks): {v('earners')} earners, median {v('earner_income_p50')}, "
        f"90th percentile {v('earner_income_p90')}",
        f"  classes: {v('repeat_enrolled')} repeat enrolments; {v('waitlisted')} put on a waiting list, "
        f"{v('turned_away')} turned away by full cohorts; {v('alumni_attendees')} alumni-event attendances",
        f"  communication ({model.p['pattern_channels']}, last {model.p['window_weeks']} weeks): "
        f"{model.communication_pattern}, degree centralisation {v('comm_centralisation')}, "
        f"density {v('comm_density')}",
        f"  exchanges: {v('community_ties')} community ties ({v('share_with_ties')} of registered have one), "
        f"{v('opportunities_received')} opportunities passed along them",
    ]
    return "\n".join(lines)


def cmd_params(args) -> int:
    """``ibusim params``: the declared parameters as a table, Markdown or JSON, optionally filtered."""
    import json
    import textwrap

    from ibusim.model.parameters import PARAMS, markdown_table, to_dict
    from ibusim.model.scenarios import load, overrides

    values = load(args.scenario)
    if args.markdown:
        print(markdown_table(values))
        return 0
    changed = overrides(args.scenario)
    chosen = list(PARAMS.values())
    if args.search is not None:
        word = args.search.strip().lower()
        if not word:
            from ibusim.model.parameters import ParameterError

            raise ParameterError("--search needs a word, e.g. --search telegram")
        chosen = [p for p in chosen if any(word in str(f).lower() for f in (p.name, p.group, p.unit, p.help, p.source))]
    if args.json:
        rows = [{**to_dict(p, values[p.name]), "set_by_scenario": p.name in changed} for p in chosen]
        print(json.dumps({"scenario": str(args.scenario), "parameters": rows}, indent=2, ensure_ascii=False))
        return 0
    if not chosen:
        print(f"no parameter matches {args.search!r}")
        return 0
    rows = [
        (p.group, p.name, str(values[p.name]) + (" *" if p.name in changed else ""), p.unit, p.allowed, p.provenance)
        for p in chosen
    ]
    head = ("group", "name", "value", "unit", "allowed", "provenance")
    w = [max(len(r[i]) for r in [head, *rows]) for i in range(6)]
    for r, p in zip([head, tuple("-" * x for x in w), *rows], [None, None, *chosen]):
        print("  ".join(c.ljust(x) for c, x in zip(r, w)).rstrip())
        if p is not None and args.help_text:
            print(textwrap.fill(p.help, width=100, initial_indent=" " * 6, subsequent_indent=" " * 6))
    found = f" matching {args.search!r}" if args.search is not None else ""
    print(
        f"\n{len(rows)} parameters{found}; * = set by scenario '{args.scenario}' (differences from the baseline); "
        "--json for every field"
    )
    return 0


def _sweep_options(args) -> dict:
    """The executor, progress and per-run limit options of ``ibusim sweep`` and ``ibusim sensitivity``."""
    return dict(
        executor=args.executor,
        workers=args.workers,
        scheduler=args.scheduler,
        progress=not args.quiet,
        run_time_limit_s=args.run_time_limit,
        run_memory_limit_mb=args.run_memory_limit,
    )


def cmd_sweep(args) -> int:
    """``ibusim sweep``: run a spec into its folder, then a table of targets inside per design point."""
    from ibusim.experiments.spec import load_spec
    from ibusim.experiments.sweep import load_failures, load_results, run_sweep

    spec = load_spec(args.spec)
    if args.posterior is not None:
        from ibusim.experiments.spec import with_posterior

        spec = with_posterior(spec, args.posterior, args.draws)
    elif args.draws is not None:
        from ibusim.model.parameters import ParameterError

        raise ParameterError("--draws needs --posterior FOLDER (or a [posterior] table in the spec)")
    out = args.out or Path("results") / f"sweep-{spec.name}"
    res = run_sweep(spec, out, **_sweep_options(args))
    print(
        f"ibusim sweep: {spec.name} ({spec.design}), {res.total} runs: {res.done} done "
        f"({res.skipped} already done before), {res.failed} failed this time; {res.seconds:.1f} s"
    )
    results = load_results(res.folder)
    table = targets_inside(spec, results)
    if table:
        print(table)
    if spec.posterior is not None:
        from ibusim.experiments.sweep import format_paired, paired_differences

        print(
            f"over {spec.draws} posterior draws x {spec.replications} seed(s) ({spec.posterior}), the same at every "
            "point: paired difference from point 0, median [5%, 95%]"
        )
        print(format_paired(paired_differences(results, list(spec.outcomes))))
    print(f"results: {res.folder}/runs (load with experiments.sweep.load_results)")
    if spec.timeseries:
        print(f"series: {res.folder}/timeseries, one partition per point (load with experiments.sweep.load_timeseries)")
    if res.failed:
        fails = load_failures(res.folder)
        for _, row in fails.head(5).iterrows():
            where = f"point {row['point']} replication {row['replication']} seed {row['seed']}"
            print(f"  failed: {where}: {row['reason']}")
        print(f"{len(fails)} run(s) failed; reasons and tracebacks in {res.folder}/failures; rerun to retry them")
        return 1
    return 0


def targets_inside(spec, results, max_points: int = 30) -> str:
    """Per design point: its factor values, runs, and the share of runs with each observed figure in its band.

    Only the spec's outcomes that are observed targets are shown; empty text when there are none (or no runs).
    """
    from ibusim.model.targets import load as load_targets

    targets = [t for t in load_targets().values() if t.summary in spec.outcomes]
    if results.empty or not targets:
        return ""
    factors = [f.name for f in spec.factors]
    head = ["point", *factors, "runs", *(t.name for t in targets), "all"]
    rows = []
    for point, g in results.groupby("point", sort=True):
        inside = {t.name: g[t.summary].map(t.inside).astype(bool) for t in targets}
        every = _all(inside.values())
        rows.append(
            [
                str(point),
                *(_cell(g[f].iloc[0]) for f in factors),
                str(len(g)),
                *(f"{inside[t.name].mean():.0%}" for t in targets),
                f"{every.mean():.0%}",
            ]
        )
    more = len(rows) - max_points
    rows = rows[:max_points]
    w = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["share of runs inside the observed band, per design point:"]
    lines += ["  ".join(c.rjust(x) for c, x in zip(r, w)) for r in [head, *rows]]
    if more > 0:
        lines.append(f"... and {more} more points (all in the results)")
    return "\n".join(lines)


def _all(columns):
    """Element-wise AND of boolean Series."""
    out = None
    for c in columns:
        out = c if out is None else out & c
    return out


def _cell(x) -> str:
    if isinstance(x, float):
        return f"{x:.4g}"
    return str(x)


def cmd_sensitivity(args) -> int:
    """``ibusim sensitivity``: the spec's sweep, then Sobol or Morris indices with a convergence check."""
    from ibusim.experiments import sensitivity
    from ibusim.experiments.spec import load_spec

    spec = load_spec(args.spec)
    out = args.out or Path("results") / f"sensitivity-{spec.name}"
    table, csv, png = sensitivity.run(spec, out, **_sweep_options(args))
    cols = (
        ["outcome", "factor"]
        + (["S1", "S1_conf", "ST", "ST_conf"] if spec.design == "sobol" else ["mu_star", "mu_star_conf", "sigma"])
        + ["change_half_to_full"]
    )
    print(
        f"ibusim sensitivity: {spec.name} ({spec.design}), {len(spec.points())} design points x "
        f"{spec.replications} replications (averaged)"
    )
    print(table[cols].to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    worst = float(table["change_half_to_full"].max())
    verdict = "converged" if worst < 0.1 else "NOT converged: increase samples"
    print(f"convergence: largest change between half and all samples {worst:.3f} ({verdict})")
    if spec.design == "sobol" and table["negative_index"].any():
        print("warning: some indices are clearly negative: too few samples")
    print(f"table: {csv}\nplot: {png}")
    return 0


def cmd_compare(args) -> int:
    """``ibusim compare``: variants over common seeds, a table of means and bands, a folder."""
    from ibusim.experiments.compare import compare, format_table, parse_variant
    from ibusim.experiments.sweep import limits_for

    variants = [parse_variant(v) for v in args.variants]
    if args.posterior is None and args.draws is not None:
        from ibusim.model.parameters import ParameterError

        raise ParameterError("--draws needs --posterior FOLDER")
    draws = (args.draws or 40) if args.posterior is not None else None
    replications = args.replications or (1 if args.posterior is not None else 5)
    table, out = compare(
        variants,
        replications=replications,
        seed=args.seed,
        posterior=args.posterior,
        draws=draws,
        out=args.out,
        executor=args.executor,
        workers=args.workers,
        scheduler=args.scheduler,
        limits=limits_for(None, args.run_time_limit, args.run_memory_limit),
    )
    if args.posterior is None:
        print(f"ibusim compare: {len(variants)} variants x {replications} replications (same seeds in each)")
        print("mean [5%, 95%] over replications")
    else:
        print(
            f"ibusim compare: {len(variants)} variants x {draws} posterior draws x {replications} seed(s) "
            f"({args.posterior}; the same draws and seeds in each)"
        )
        print("mean [5%, 95%] over posterior draws")
    print(format_table(table))
    if len(variants) > 1:
        from ibusim.experiments.compare import format_differences

        print(f"paired difference from '{variants[0].label}', run by run: median [5%, 95%], share of runs lower")
        print(format_differences(table))
    print(f"folder: {out} (compare.csv, compare.png, runs.parquet, series.parquet)")
    return 0


def cmd_forecast(args) -> int:
    """``ibusim forecast``: variants over posterior draws to December of ``--until``; tables, fan chart, folder."""
    from ibusim.experiments.compare import parse_variant
    from ibusim.experiments.forecast import forecast, markdown
    from ibusim.experiments.sweep import limits_for
    from ibusim.model.parameters import ParameterError

    variants = [parse_variant(v) for v in (args.variants or ["ipm=ipm"])]
    if args.no_posterior and args.posterior is not None:
        raise ParameterError("give --posterior FOLDER or --no-posterior, not both")
    posterior = None
    if not args.no_posterior:
        posterior = args.posterior or Path("results") / f"calibration-{Path(variants[0].scenario).stem}"
        if args.posterior is None and not Path(posterior).is_dir():
            raise ParameterError(
                f"no calibration folder '{posterior}': give --posterior FOLDER (ibusim calibrate writes one), or "
                "--no-posterior for the scenario's own values"
            )
    res = forecast(
        variants,
        posterior,
        draws=args.draws,
        seed=args.seed,
        until=args.until,
        seeds_per_draw=args.seeds_per_draw,
        out=args.out,
        executor=args.executor,
        workers=args.workers,
        scheduler=args.scheduler,
        limits=limits_for(None, args.run_time_limit, args.run_memory_limit),
    )
    print(
        f"ibusim forecast: {len(variants)} variant(s) x {args.draws} draws x {args.seeds_per_draw} seed(s) to "
        f"December {args.until}; {res.info['run_seconds_total']:.0f} s of runs"
    )
    print(markdown(res, max_counterfactuals=len(variants) - 1))
    print(f"folder: {res.folder} (forecast.csv, forecast.md, forecast.png, runs.csv, draws.csv, manifest.json)")
    return 0


def _names(text: str | None, option: str = "--params") -> list[str] | None:
    """A comma-separated list of names (None: the option was not given); an empty or malformed list is an error."""
    from ibusim.model.parameters import ParameterError

    if text is None:
        return None
    names = [t.strip() for t in text.split(",")]
    if not text.strip() or not all(names):
        raise ParameterError(f"{option} {text!r}: give comma-separated names, e.g. interest_rate,dropout_rate")
    return names


def cmd_calibrate(args) -> int:
    """``ibusim calibrate``: ABC-SMC (resumable), the posterior and the posterior-predictive check."""
    import logging

    from ibusim.experiments import calibrate

    if args.size:
        from ibusim.experiments import calibration_pipeline

        out = args.out or Path("results") / f"calibration-{Path(args.scenario).stem}"
        rec = calibration_pipeline.run_pipeline(
            out,
            calibration_pipeline.SIZES[args.size],
            scenario=args.scenario,
            workers=args.workers,
            progress=not args.quiet,
        )
        minutes = rec["total"]["wall_seconds"] / 60
        print(f"ibusim calibrate --size {args.size}: {rec['total']['runs']:,} runs in {minutes:.1f} min; folder {out}")
        return 0
    cs = calibrate.setup(
        args.scenario,
        params=_names(args.params),
        targets=_names(args.targets, "--targets"),
        hold_out=_names(args.hold_out, "--hold-out"),
        fixed=_parse_sets(args.set),
    )
    out = args.out or Path("results") / f"calibration-{Path(args.scenario).stem}"
    if args.quiet:
        logging.getLogger("ABC").setLevel(logging.WARNING)
    rep = calibrate.run(
        cs,
        out,
        population=args.population,
        generations=args.generations,
        min_epsilon=args.min_epsilon,
        workers=args.workers,
        seed=args.seed,
        ppc_runs=args.ppc_runs,
        transition=args.transition,
        max_simulations=args.max_simulations,
        progress=not args.quiet,
    )
    print(
        f"ibusim calibrate: {len(cs.params)} parameters, fitted to {', '.join(cs.fit)}"
        + (f"; held out: {', '.join(cs.held_out)}" if cs.held_out else "")
    )
    print(
        f"{rep['generations']} generations, {rep['simulations']} simulations, final epsilon {rep['final_epsilon']:.3f}"
    )
    print("posterior (median [5%, 95%]):")
    for r in rep["posterior"]:
        print(f"  {r['parameter']:36s} {r['median']:.5g} [{r['p5']:.5g}, {r['p95']:.5g}]  prior {r['prior']}")
    print(f"convergence: {rep['convergence']}")
    print(f"posterior-predictive check ({args.ppc_runs} runs): share inside the band")
    for r in rep["ppc"]:
        print(f"  {r['target']:18s} {r.get('role') or '':9s} {r['share_inside']:.0%}")
    print(f"folder: {out} (posterior.csv, posterior_summary.csv, posterior.png, ppc.csv, ppc_summary.csv, abc.db)")
    return 0


def cmd_dashboard(args) -> int:
    """``ibusim dashboard``: serve the Solara dashboard."""
    from ibusim.dashboard.server import serve

    return serve(args.host, args.port)


def _limit_options(parser) -> None:
    """The per-run limit options of the commands that run many models (default: the spec's, else 600 s, 4096 MB)."""
    parser.add_argument(
        "--run-time-limit",
        type=_non_negative,
        default=None,
        metavar="SECONDS",
        help="time limit per run (default: the spec's run_time_limit_s, else 600; 0: none); a run over it is "
        "recorded as failed and the others go on",
    )
    parser.add_argument(
        "--run-memory-limit",
        type=_non_negative,
        default=None,
        metavar="MB",
        help="memory limit per run (default: the spec's run_memory_limit_mb, else 4096; 0: none)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand (errors: one line, status 2)."""
    ap = _Parser(prog="ibusim", description="Simulate online empowerment communities for mothers.")
    sub = ap.add_subparsers(dest="command", required=True, parser_class=_Parser)
    r = sub.add_parser("run", help="run a scenario, print simulated vs observed, write a run folder")
    r.add_argument("--scenario", default="ipm", help="ipm (default), ibusibuk, baseline, or a scenario .toml file")
    r.add_argument("--seed", type=_seed, default=1, help="random seed (default 1)")
    r.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change one parameter (repeatable); see 'ibusim params'",
    )
    r.add_argument(
        "--out",
        type=_path,
        default=None,
        help="run folder to create (default results/run-<scenario>-seed<N>-<time>); never overwritten",
    )
    r.set_defaults(func=cmd_run)
    s = sub.add_parser("sweep", help="run an experiment spec (TOML), streaming results to a run folder")
    s.add_argument("spec", type=_path, help="experiment spec, e.g. experiments/free_class.toml")
    s.add_argument(
        "--out",
        type=_path,
        default=None,
        help="run folder (default results/sweep-<name>); rerunning on it skips finished runs",
    )
    s.add_argument(
        "--executor",
        choices=("sequential", "processes", "dask"),
        default="processes",
        help="where runs execute (default: local processes)",
    )
    s.add_argument("--workers", type=_workers, default=None, help="worker processes (default: number of cores)")
    s.add_argument("--scheduler", default=None, help="address of an existing Dask scheduler (tcp://host:8786)")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.add_argument(
        "--posterior",
        type=_path,
        default=None,
        metavar="FOLDER",
        help="run every design point over the same posterior draws of this calibration folder (adds a [posterior] "
        "table to the spec kept in the run folder)",
    )
    s.add_argument("--draws", type=_positive, default=None, help="posterior draws with --posterior (default 40)")
    _limit_options(s)
    s.set_defaults(func=cmd_sweep)
    se = sub.add_parser("sensitivity", help="Sobol or Morris sensitivity indices (SALib) from an experiment spec")
    se.add_argument("spec", type=_path, help="experiment spec with design = 'sobol' or 'morris'")
    se.add_argument("--out", type=_path, default=None, help="folder (default results/sensitivity-<name>); resumable")
    se.add_argument("--executor", choices=("sequential", "processes", "dask"), default="processes")
    se.add_argument("--workers", type=_workers, default=None)
    se.add_argument("--scheduler", default=None, help="address of an existing Dask scheduler")
    se.add_argument("--quiet", action="store_true", help="no progress bar")
    _limit_options(se)
    se.set_defaults(func=cmd_sensitivity)
    co = sub.add_parser("compare", help="scenarios side by side over replications (table and PNG)")
    co.add_argument(
        "variants",
        nargs="+",
        metavar="LABEL=SCENARIO[:name=value,...]",
        help='e.g. "with=ipm" "without=ipm:free_class=false"',
    )
    co.add_argument(
        "--replications",
        type=_positive,
        default=None,
        help="runs per variant (default 5); with --posterior, seeds per posterior draw (default 1)",
    )
    co.add_argument(
        "--posterior",
        type=_path,
        default=None,
        metavar="FOLDER",
        help="run every variant over the same posterior draws of this calibration folder (posterior.csv)",
    )
    co.add_argument("--draws", type=_positive, default=None, help="posterior draws with --posterior (default 40)")
    co.add_argument("--seed", type=_seed, default=1, help="master seed (default 1)")
    co.add_argument("--out", type=_path, default=None, help="folder to create (default results/compare-...)")
    co.add_argument("--executor", choices=("sequential", "processes", "dask"), default="processes")
    co.add_argument("--workers", type=_workers, default=None)
    co.add_argument("--scheduler", default=None, help="address of an existing Dask scheduler")
    _limit_options(co)
    co.set_defaults(func=cmd_compare)
    fo = sub.add_parser("forecast", help="forecast past the observed years over posterior draws (tables, fan chart)")
    fo.add_argument(
        "variants",
        nargs="*",
        metavar="LABEL=SCENARIO[:name=value,...]",
        help='variants, the first the reference (default "ipm=ipm"), e.g. "ipm=ipm" "no-free=ipm:free_class=false"',
    )
    fo.add_argument(
        "--posterior",
        type=_path,
        default=None,
        metavar="FOLDER",
        help="calibration folder with posterior.csv (default results/calibration-<first variant's scenario>)",
    )
    fo.add_argument("--no-posterior", action="store_true", help="the scenario's own values, seed noise only")
    fo.add_argument("--draws", type=_positive, default=100, help="posterior draws (default 100)")
    fo.add_argument("--seeds-per-draw", type=_positive, default=1, help="model seeds per draw (default 1)")
    fo.add_argument(
        "--until",
        type=_int_in(2000, 2100, "--until must be a year in 2000-2100"),
        default=2027,
        help="last year forecast, run to its December (default 2027)",
    )
    fo.add_argument("--seed", type=_seed, default=1, help="master seed of the draws and model seeds (default 1)")
    fo.add_argument("--out", type=_path, default=None, help="folder to create (default results/forecast-...)")
    fo.add_argument("--executor", choices=("sequential", "processes", "dask"), default="processes")
    fo.add_argument("--workers", type=_workers, default=None)
    fo.add_argument("--scheduler", default=None, help="address of an existing Dask scheduler")
    _limit_options(fo)
    fo.set_defaults(func=cmd_forecast)
    ca = sub.add_parser(
        "calibrate", help="ABC-SMC (pyabc) against the observed figures, or the whole pipeline; resumable"
    )
    ca.add_argument("--scenario", default="ipm", help="scenario to calibrate (default ipm)")
    ca.add_argument("--params", default=None, help="comma-separated parameters (default: all with a prior)")
    ca.add_argument("--targets", default=None, help="comma-separated targets to use (default: all)")
    ca.add_argument("--hold-out", default=None, help="comma-separated targets to predict instead of fit")
    ca.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="fixed parameter change")
    ca.add_argument("--population", type=_positive, default=40, help="particles per generation (default 40)")
    ca.add_argument("--generations", type=_positive, default=5, help="generations (default 5)")
    ca.add_argument(
        "--min-epsilon",
        type=_non_negative,
        default=0.0,
        help="also stop below this distance (default 0: the stop rule)",
    )
    ca.add_argument(
        "--max-simulations",
        type=_positive,
        default=None,
        help="stop once this many simulations are done (default: no cap)",
    )
    ca.add_argument(
        "--size",
        choices=("full", "reduced", "mini"),
        default=None,
        help="run the whole pipeline (noise, ABC-SMC, reference table, leave-one-out, recovery, identifiability)",
    )
    ca.add_argument("--workers", type=_workers, default=None, help="processes (default: cores; 1 = reproducible)")
    ca.add_argument("--seed", type=_seed, default=1)
    ca.add_argument(
        "--transition",
        choices=("multivariate", "local"),
        default="multivariate",
        help="proposal kernel: one Gaussian for the population (default) or local per particle",
    )
    ca.add_argument("--ppc-runs", type=_positive, default=40, help="posterior-predictive runs (default 40)")
    ca.add_argument("--out", type=_path, default=None, help="folder (default results/calibration-<scenario>)")
    ca.add_argument("--quiet", action="store_true", help="less pyabc logging")
    ca.set_defaults(func=cmd_calibrate)
    d = sub.add_parser("dashboard", help="start the Solara dashboard in the browser (default http://127.0.0.1:8765)")
    d.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    d.add_argument("--port", type=_int_in(1, 65535, "port must be an integer in 1-65535"), default=8765, help="port")
    d.set_defaults(func=cmd_dashboard)
    p = sub.add_parser("params", help="print the parameter table")
    p.add_argument("--scenario", default="ipm", help="show the values of this scenario (default ipm)")
    p.add_argument("--markdown", action="store_true", help="print as a Markdown table")
    p.add_argument(
        "--json",
        action="store_true",
        help="machine-readable: name, type, default, value, unit, bounds or choices, constraints, provenance, "
        "source, help, prior",
    )
    p.add_argument(
        "--search",
        default=None,
        metavar="WORD",
        help="only parameters whose name, group, unit, help or source mention WORD",
    )
    p.add_argument("--no-help", dest="help_text", action="store_false", help="one line per parameter, no help text")
    p.set_defaults(func=cmd_params)
    return ap


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv``; bad input gives one line on stderr and status 2, never a traceback."""
    args = build_parser().parse_args(argv)
    from ibusim.experiments.run import OutputError
    from ibusim.experiments.spec import SpecError
    from ibusim.experiments.sweep import SweepError
    from ibusim.model.parameters import ParameterError

    if getattr(args, "scheduler", None) and args.executor != "dask":
        args.executor = "dask"  # a scheduler address means the Dask executor
    try:
        return args.func(args)
    except (ParameterError, OutputError, SpecError, SweepError) as e:
        print(f"ibusim: error: {one_line(e)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `ibusim params | head`
        return 0
    except OSError as e:  # full disk, permissions, ...: one line, no traceback
        where = f": {e.filename}" if getattr(e, "filename", None) else ""
        print(f"ibusim: error: {one_line(f'{e.strerror or e}{where}')}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
