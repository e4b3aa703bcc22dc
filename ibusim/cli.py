"""The ``ibusim`` command line.

    ibusim run    [--scenario ipm|ibusibuk|baseline|FILE] [--seed N] [--set name=value ...] [--out DIR]
    ibusim params [--scenario ...] [--markdown]
    ibusim sweep  SPEC.toml [--out DIR] [--executor sequential|processes|dask] [--workers N] [--scheduler ADDR]
    ibusim sensitivity SPEC.toml [--out DIR] [...]   (design sobol or morris)
    ibusim compare LABEL=SCENARIO[:name=value,...] ... [--replications N] [--seed N] [--out DIR]
    ibusim calibrate [--scenario ipm] [--params ...] [--targets ...] [--hold-out ...] [--out DIR]
    ibusim dashboard [--host 127.0.0.1] [--port 8765]

Bad input (unknown scenario, unknown or out-of-range parameter, malformed
``--set``, unwritable output) exits with status 2 and one line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, status 2
        self.exit(2, f"ibusim: error: {message}\n")


def _int_at_least(minimum: int, what: str):
    """An argparse type: an integer >= ``minimum`` (one-line error otherwise)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{what}, got {text!r}")
        return value

    return parse


_seed = _int_at_least(0, "seed must be a non-negative integer")
_positive = _int_at_least(1, "expected a positive integer")


def _parse_sets(items: list[str]) -> dict:
    from ibusim.model.parameters import ParameterError, parse_value

    changes = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"--set expects name=value, got {item!r}")
        changes[name.strip()] = parse_value(name.strip(), value)
    return changes


def cmd_run(args) -> int:
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
    """End-of-run figures that are not observed targets: roles, momfluencers, communication."""

    def rp(x):
        return "n/a" if x != x else f"Rp{x:,.0f}"

    lines = [
        "other figures (not targets):",
        f"  team: {len(model.admins)} founders + {s['managers']} managers ({s['promotions']} promotions), "
        f"{s['volunteers']} volunteers = {s['volunteer_share']:.1%} of registered; capacity {s['team_capacity']:.1f}x "
        "the founders'",
        f"  momfluencers: {s['momfluencers']} active of {s['creators']} trained; {s['campaigns']} campaigns, "
        f"{s['paid_posts']} paid posts, {rp(s['total_income'])} in all, {rp(s['income_per_creator_month'])} "
        f"per trained momfluencer per month",
        f"  communication ({model.p['pattern_channels']}, last {model.p['window_weeks']} weeks): "
        f"{model.communication_pattern}, degree centralisation {s['comm_centralisation']:.2f}, "
        f"density {s['comm_density']:.4f}",
    ]
    return "\n".join(lines)


def cmd_params(args) -> int:
    from ibusim.model.parameters import PARAMS, markdown_table
    from ibusim.model.scenarios import load, overrides

    values = load(args.scenario)
    if args.markdown:
        print(markdown_table(values))
        return 0
    changed = overrides(args.scenario)
    rows = [
        (p.group, p.name, str(values[p.name]) + (" *" if p.name in changed else ""), p.unit, p.allowed, p.provenance)
        for p in PARAMS.values()
    ]
    head = ("group", "name", "value", "unit", "allowed", "provenance")
    w = [max(len(r[i]) for r in [head, *rows]) for i in range(6)]
    for r in [head, tuple("-" * x for x in w), *rows]:
        print("  ".join(c.ljust(x) for c, x in zip(r, w)).rstrip())
    print(f"\n{len(rows)} parameters; * = set by scenario '{args.scenario}' (differences from the baseline)")
    return 0


def cmd_sweep(args) -> int:
    from ibusim.experiments.spec import load_spec
    from ibusim.experiments.sweep import load_failures, run_sweep

    spec = load_spec(args.spec)
    out = args.out or Path("results") / f"sweep-{spec.name}"
    res = run_sweep(
        spec, out, executor=args.executor, workers=args.workers, scheduler=args.scheduler, progress=not args.quiet
    )
    print(
        f"ibusim sweep: {spec.name} ({spec.design}), {res.total} runs: {res.done} done "
        f"({res.skipped} already done before), {res.failed} failed this time; {res.seconds:.1f} s"
    )
    print(f"results: {res.folder}/runs (load with experiments.sweep.load_results)")
    if spec.timeseries:
        print(f"series: {res.folder}/timeseries, one partition per point (load with experiments.sweep.load_timeseries)")
    if res.failed:
        fails = load_failures(res.folder)
        for _, row in fails.head(5).iterrows():
            last = row["traceback"].strip().splitlines()[-1]
            print(f"  failed: point {row['point']} replication {row['replication']} seed {row['seed']}: {last}")
        print(f"{len(fails)} run(s) failed; tracebacks in {res.folder}/failures; rerun to retry them")
        return 1
    return 0


def cmd_sensitivity(args) -> int:
    from ibusim.experiments import sensitivity
    from ibusim.experiments.spec import load_spec

    spec = load_spec(args.spec)
    out = args.out or Path("results") / f"sensitivity-{spec.name}"
    table, csv, png = sensitivity.run(
        spec, out, executor=args.executor, workers=args.workers, scheduler=args.scheduler, progress=not args.quiet
    )
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
    from ibusim.experiments.compare import compare, format_table, parse_variant

    variants = [parse_variant(v) for v in args.variants]
    table, out = compare(
        variants,
        replications=args.replications,
        seed=args.seed,
        out=args.out,
        executor=args.executor,
        workers=args.workers,
        scheduler=args.scheduler,
    )
    print(f"ibusim compare: {len(variants)} variants x {args.replications} replications (same seeds in each)")
    print("mean [5%, 95%] over replications")
    print(format_table(table))
    print(f"folder: {out} (compare.csv, compare.png, runs.parquet, series.parquet)")
    return 0


def _names(text: str | None) -> list[str] | None:
    return [t.strip() for t in text.split(",") if t.strip()] if text else None


def cmd_calibrate(args) -> int:
    import logging

    from ibusim.experiments import calibrate

    cs = calibrate.setup(
        args.scenario,
        params=_names(args.params),
        targets=_names(args.targets),
        hold_out=_names(args.hold_out),
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
        print(
            f"  {r['parameter']:36s} {r['median']:.5g} [{r['p5']:.5g}, {r['p95']:.5g}]  "
            f"prior U({r['prior_low']:g}, {r['prior_high']:g})"
        )
    print(f"posterior-predictive check ({args.ppc_runs} runs): share inside the band")
    for r in rep["ppc"]:
        print(f"  {r['target']:18s} {r.get('role') or '':9s} {r['share_inside']:.0%}")
    print(f"folder: {out} (posterior.csv, posterior_summary.csv, posterior.png, ppc.csv, ppc_summary.csv, abc.db)")
    return 0


def cmd_dashboard(args) -> int:
    from ibusim.dashboard.server import serve

    return serve(args.host, args.port)


def build_parser() -> argparse.ArgumentParser:
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
        type=Path,
        default=None,
        help="run folder to create (default results/run-<scenario>-seed<N>-<time>); never overwritten",
    )
    r.set_defaults(func=cmd_run)
    s = sub.add_parser("sweep", help="run an experiment spec (TOML), streaming results to a run folder")
    s.add_argument("spec", type=Path, help="experiment spec, e.g. experiments/free_class.toml")
    s.add_argument(
        "--out",
        type=Path,
        default=None,
        help="run folder (default results/sweep-<name>); rerunning on it skips finished runs",
    )
    s.add_argument(
        "--executor",
        choices=("sequential", "processes", "dask"),
        default="processes",
        help="where runs execute (default: local processes)",
    )
    s.add_argument("--workers", type=_positive, default=None, help="worker processes (default: number of cores)")
    s.add_argument("--scheduler", default=None, help="address of an existing Dask scheduler (tcp://host:8786)")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.set_defaults(func=cmd_sweep)
    se = sub.add_parser("sensitivity", help="Sobol or Morris sensitivity indices (SALib) from an experiment spec")
    se.add_argument("spec", type=Path, help="experiment spec with design = 'sobol' or 'morris'")
    se.add_argument("--out", type=Path, default=None, help="folder (default results/sensitivity-<name>); resumable")
    se.add_argument("--executor", choices=("sequential", "processes", "dask"), default="processes")
    se.add_argument("--workers", type=_positive, default=None)
    se.add_argument("--scheduler", default=None, help="address of an existing Dask scheduler")
    se.add_argument("--quiet", action="store_true", help="no progress bar")
    se.set_defaults(func=cmd_sensitivity)
    co = sub.add_parser("compare", help="scenarios side by side over replications (table and PNG)")
    co.add_argument(
        "variants",
        nargs="+",
        metavar="LABEL=SCENARIO[:name=value,...]",
        help='e.g. "with=ipm" "without=ipm:free_class=false"',
    )
    co.add_argument("--replications", type=_positive, default=5, help="runs per variant (default 5)")
    co.add_argument("--seed", type=_seed, default=1, help="master seed (default 1)")
    co.add_argument("--out", type=Path, default=None, help="folder to create (default results/compare-...)")
    co.add_argument("--executor", choices=("sequential", "processes", "dask"), default="processes")
    co.add_argument("--workers", type=_positive, default=None)
    co.add_argument("--scheduler", default=None, help="address of an existing Dask scheduler")
    co.set_defaults(func=cmd_compare)
    ca = sub.add_parser("calibrate", help="ABC-SMC (pyabc) against the observed figures; resumable")
    ca.add_argument("--scenario", default="ipm", help="scenario to calibrate (default ipm)")
    ca.add_argument("--params", default=None, help="comma-separated parameters (default: all with a prior)")
    ca.add_argument("--targets", default=None, help="comma-separated targets to use (default: all)")
    ca.add_argument("--hold-out", default=None, help="comma-separated targets to predict instead of fit")
    ca.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="fixed parameter change")
    ca.add_argument("--population", type=_positive, default=40, help="particles per generation (default 40)")
    ca.add_argument("--generations", type=_positive, default=5, help="generations (default 5)")
    ca.add_argument("--min-epsilon", type=float, default=0.5, help="stop below this distance (default 0.5)")
    ca.add_argument("--workers", type=_positive, default=None, help="processes (default: cores; 1 = reproducible)")
    ca.add_argument("--seed", type=_seed, default=1)
    ca.add_argument(
        "--transition",
        choices=("multivariate", "local"),
        default="multivariate",
        help="proposal kernel: one Gaussian for the population (default) or local per particle",
    )
    ca.add_argument("--ppc-runs", type=_positive, default=40, help="posterior-predictive runs (default 40)")
    ca.add_argument("--out", type=Path, default=None, help="folder (default results/calibration-<scenario>)")
    ca.add_argument("--quiet", action="store_true", help="less pyabc logging")
    ca.set_defaults(func=cmd_calibrate)
    d = sub.add_parser("dashboard", help="start the Solara dashboard in the browser (default http://127.0.0.1:8765)")
    d.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    d.add_argument(
        "--port", type=_int_at_least(1, "port must be an integer in 1-65535"), default=8765, help="port (default 8765)"
    )
    d.set_defaults(func=cmd_dashboard)
    p = sub.add_parser("params", help="print the parameter table")
    p.add_argument("--scenario", default="ipm", help="show the values of this scenario (default ipm)")
    p.add_argument("--markdown", action="store_true", help="print as a Markdown table")
    p.set_defaults(func=cmd_params)
    return ap


def main(argv: list[str] | None = None) -> int:
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
        print(f"ibusim: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `ibusim params | head`
        return 0
    except OSError as e:  # full disk, permissions, ...: one line, no traceback
        print(
            f"ibusim: error: {e.strerror or e}{f': {e.filename}' if getattr(e, 'filename', None) else ''}",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
