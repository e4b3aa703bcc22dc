"""Sweep benchmark: speed-up of 2 worker processes over 1, and a 1,000-run IPM sweep.

    .venv/bin/python benchmarks/sweep_speed.py                 # 64-run sweep at 1 and 2 workers, about 75 s
    .venv/bin/python benchmarks/sweep_speed.py --full          # also a 1,000-run sweep at 2 workers, about 8 min more
    .venv/bin/python benchmarks/sweep_speed.py --quick         # smoke run (16 runs, a tenth of the population), ~15 s
    .venv/bin/python benchmarks/sweep_speed.py --full --json sweep.json --strict

Targets (issue 4): on this 2-core machine, 2 workers at least 1.8x faster than 1
on a 64-run sweep; a 1,000-run sweep of the IPM scenario in at most 15 minutes.

Measured in one run, through the public API (``experiments.spec.parse_spec``
and ``experiments.sweep.run_sweep`` with the ``processes`` executor, the
default of ``ibusim sweep``), each sweep into a fresh, empty run folder:

1. Speed-up: a 64-run sweep of the ``ipm`` scenario (full factorial: free entry
   class on/off x free-class cohort size 50/150/300/500 = 8 points, 8
   replications each; default population and full calendar, about 0.7 s a run),
   run with 1 worker and then with 2. Speed-up = wall time at 1 worker / wall
   time at 2 workers. The two result tables (``load_results``, without the
   per-run ``seconds`` column) must be identical.
2. ``--full``: a 1,000-run sweep of the ``ipm`` scenario (Latin hypercube of
   250 points over the free-class cohort size, 50-500, and the interest rate,
   0.0035-0.006, around the preset's values; 4 replications each) with 2
   workers; wall time against 15 minutes, and runs per second.

Wall time is measured around the whole ``run_sweep`` call: run-folder set-up,
design and seeds, starting and stopping the worker pool, every run, the parquet
parts, the manifest and the progress file.

The machine (2 cores) may be shared with other processes, which slows the
parallel sweep more than the sequential one. So the report gives how busy the
CPUs were with other work: a 1-second sample while the benchmark sleeps at the
start and at the end, and, for each sweep, the CPU time other processes used
while it ran (all CPU time in /proc/stat minus this process's and its worker
processes' own). Exit status is 0 whatever the results, unless ``--strict``
(then 1 if a target is missed or a measurement errors). Progress goes to
stderr, the report to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Targets from the issue
SPEEDUP_MIN = 1.8  # 2 workers vs 1 on a 64-run sweep
SPEEDUP_RUNS = 64
FULL_RUNS = 1000
FULL_TIME_MAX = 15 * 60.0  # seconds, 1,000-run IPM sweep
WORKERS = 2

# The speed-up sweep: full factorial, 8 points x replications
FACTORIAL_POINTS = {"free_class": [True, False], "free_class_size": [50, 150, 300, 500]}
# The 1,000-run sweep: Latin hypercube, samples x 4 replications
LHS_REPS = 4
LHS_RANGES = {"free_class_size": [50, 500], "interest_rate": [0.0035, 0.006]}


# ----------------------------------------------------------------- specs
def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, str):
        return json.dumps(v)
    return repr(v)


def spec_text(
    name: str,
    description: str,
    design: str,
    replications: int,
    seed: int,
    factors: dict,
    samples: int | None = None,
    fixed: dict | None = None,
) -> str:
    """An experiment spec as TOML text (what ``ibusim sweep`` would read from a file)."""
    lines = [
        "[experiment]",
        f"name = {_toml_value(name)}",
        f"description = {_toml_value(description)}",
        'scenario = "ipm"',
        f"design = {_toml_value(design)}",
    ]
    if samples is not None:
        lines.append(f"samples = {samples}")
    lines += [f"replications = {replications}", f"seed = {seed}", ""]
    if fixed:
        lines += ["[fixed]", *(f"{k} = {_toml_value(v)}" for k, v in fixed.items()), ""]
    for fname, f in factors.items():
        lines += [f"[factors.{fname}]", *(f"{k} = {_toml_value(v)}" for k, v in f.items()), ""]
    return "\n".join(lines)


def speedup_spec_text(runs: int, n_mothers: int | None) -> str:
    points = 1
    for v in FACTORIAL_POINTS.values():
        points *= len(v)
    return spec_text(
        "bench-speedup",
        f"sweep benchmark: {runs} runs, free class x cohort size, full factorial",
        "full_factorial",
        runs // points,
        2026,
        {k: {"values": v} for k, v in FACTORIAL_POINTS.items()},
        fixed=None if n_mothers is None else {"n_mothers": n_mothers},
    )


def full_spec_text(runs: int, n_mothers: int | None) -> str:
    return spec_text(
        "bench-full",
        f"sweep benchmark: {runs} runs, Latin hypercube over cohort size and interest",
        "latin_hypercube",
        LHS_REPS,
        1125,
        {k: {"range": v} for k, v in LHS_RANGES.items()},
        samples=runs // LHS_REPS,
        fixed=None if n_mothers is None else {"n_mothers": n_mothers},
    )


def parse(text: str):
    from ibusim.experiments.spec import parse_spec

    return parse_spec(tomllib.loads(text), "<benchmark>", text)


# ------------------------------------------------------------- CPU usage
def _proc_stat() -> tuple[int, int] | None:
    """(busy, total) jiffies of all CPUs (/proc/stat), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    total = sum(v[:8])  # without guest (counted in user)
    return total - (v[3] + v[4]), total  # minus idle + iowait


def cpu_busy(seconds: float = 1.0) -> float | None:
    """Share of all CPUs' time spent busy over ``seconds`` while this process sleeps (/proc/stat).

    That is other processes' load, unlike the load average, which still counts our own recent work.
    """
    a = _proc_stat()
    time.sleep(seconds)
    b = _proc_stat()
    if a is None or b is None or b[1] <= a[1]:
        return None
    return (b[0] - a[0]) / (b[1] - a[1])


def loadavg() -> float | None:
    try:
        return os.getloadavg()[0]
    except (OSError, AttributeError):
        return None


def wait_idle(seconds: float) -> float | None:
    """Wait up to ``seconds`` for other processes to use under 10% of the CPUs over 3 s; the last sample."""
    deadline = time.monotonic() + seconds
    busy = None
    while seconds > 0 and time.monotonic() < deadline:
        busy = cpu_busy(3.0)
        if busy is None or busy < 0.10:
            break
        print(f"waiting for idle CPUs ({_pct(busy)} busy) ...", file=sys.stderr, flush=True)
        time.sleep(4)
    return busy


def _own_cpu() -> float:
    """CPU seconds used by this process and all its descendants, live or ended.

    Its own and its reaped children's (os.times), plus every live descendant's own and reaped children's
    (/proc/PID/stat). The sweep's workers are started by a forkserver (a child of this process that outlives the pool),
    so they are counted through the forkserver's reaped-children times.
    """
    t = os.times()
    total = t.user + t.system + t.children_user + t.children_system
    hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    parent, ticks = {}, {}
    try:
        pids = [int(d) for d in os.listdir("/proc") if d.isdigit()]
    except OSError:
        return total
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        parent[pid] = int(fields[1])
        ticks[pid] = sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    me, seen = os.getpid(), set()
    for pid in parent:
        chain, q = [], pid
        while q in parent and q not in (me, 0, 1) and q not in seen:
            chain.append(q)
            q = parent[q]
        if q == me or q in seen:
            seen.update(chain)
    return total + sum(ticks[p] for p in seen) / hz


def n_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


# ------------------------------------------------------------- measuring
def measure_sweep(text: str, folder: Path, workers: int, progress: bool) -> dict:
    """Run the spec into ``folder`` (must not exist) with ``workers`` processes; timings and CPU use."""
    from ibusim.experiments.sweep import load_failures, load_results, run_sweep

    spec = parse(text)
    hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    s0, c0 = _proc_stat(), _own_cpu()
    t0 = time.perf_counter()
    try:
        res = run_sweep(spec, folder, executor="processes", workers=workers, progress=progress)
    except Exception as e:  # noqa: BLE001 - reported as an error row
        return {"error": f"{type(e).__name__}: {e}".splitlines()[0][:200]}
    wall = time.perf_counter() - t0
    s1, c1 = _proc_stat(), _own_cpu()
    own = c1 - c0
    out = {
        "workers": workers,
        "total": res.total,
        "done": res.done,
        "failed": res.failed,
        "skipped": res.skipped,
        "wall_s": wall,
        "sweep_seconds": res.seconds,
        "own_cpu_s": own,
        "parallelism": own / wall,
    }
    if s0 and s1 and s1[1] > s0[1]:
        all_busy = (s1[0] - s0[0]) / hz
        capacity = (s1[1] - s0[1]) / hz  # = CPUs x wall, in CPU seconds
        out["cpu_busy_share"] = all_busy / capacity
        out["other_cpu_s"] = max(0.0, all_busy - own)
        out["other_busy_share"] = out["other_cpu_s"] / capacity
    df = load_results(folder)
    out["rows"] = len(df)
    if len(df):
        sec = df["seconds"]
        out.update(
            run_mean_s=float(sec.mean()),
            run_min_s=float(sec.min()),
            run_max_s=float(sec.max()),
            run_sum_s=float(sec.sum()),
        )
        out["overhead_s"] = wall - out["run_sum_s"] / workers  # pool start/stop, imports, writing, idle tail
    if res.failed:
        fails = load_failures(folder)
        if len(fails):
            out["first_failure"] = fails["traceback"].iloc[0].strip().splitlines()[-1][:200]
    out["table"] = df.drop(columns=["seconds"], errors="ignore")
    return out


def compare_tables(a, b) -> tuple[bool, str]:
    """Whether two result tables (without 'seconds') are identical; a short reason if not."""
    if list(a.columns) != list(b.columns):
        return False, f"columns differ: {list(a.columns)} vs {list(b.columns)}"
    if len(a) != len(b):
        return False, f"{len(a)} vs {len(b)} rows"
    a, b = a.reset_index(drop=True), b.reset_index(drop=True)
    if a.equals(b):
        return True, f"identical ({len(a)} rows x {len(a.columns)} columns)"
    diff = ~((a == b) | (a.isna() & b.isna()))
    cols = [c for c in a.columns if diff[c].any()]
    return False, f"{int(diff.any(axis=1).sum())} rows differ, in columns {cols}"


class Progress:
    """Progress lines on stderr: which measurement runs, and how it ended."""

    def __init__(self, total: int):
        self.total, self.k, self.t0 = total, 0, time.perf_counter()

    def start(self, what: str) -> float:
        """Announce a measurement; return its start time."""
        self.k += 1
        print(f"[{self.k}/{self.total}] {what} ...", file=sys.stderr, flush=True)
        return time.perf_counter()

    def done(self, t: float, res: dict) -> None:
        """Report how a measurement ended."""
        if "error" in res:
            status = f"ERROR: {res['error']}"
        else:
            status = (
                f"done in {time.perf_counter() - t:.1f} s: {res['done']} of {res['total']} runs, {res['failed']} failed"
            )
        print(f"      {status}  (elapsed {time.perf_counter() - self.t0:.0f} s)", file=sys.stderr, flush=True)


# ------------------------------------------------------------ formatting
def git_rev() -> str:
    from ibusim.experiments.execution import code_version

    return code_version()


def versions() -> dict:
    from ibusim.experiments.execution import package_versions

    return {
        "python": platform.python_version(),
        **package_versions(("mesa", "numpy", "pandas", "pyarrow", "ibusim")),
    }


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.0f}%"


def _num(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def _mmss(s: float) -> str:
    return f"{int(s // 60)} min {s % 60:04.1f} s"


def _table(head: tuple, rows: list[tuple]) -> None:
    w = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, tuple("-" * x for x in w), *rows]:
        print(
            "  " + "  ".join(str(c).rjust(x) if i else str(c).ljust(x) for i, (c, x) in enumerate(zip(r, w))).rstrip()
        )


# ------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--full", action="store_true", help="also run the 1,000-run IPM sweep with 2 workers (about 8 min)")
    ap.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 16-run speed-up sweep (100-run full sweep) at a tenth of the population; "
        "targets shown for information only",
    )
    ap.add_argument(
        "--runs",
        type=int,
        default=None,
        help=f"runs in the speed-up sweep, a multiple of 8 (default {SPEEDUP_RUNS}; --quick 16)",
    )
    ap.add_argument(
        "--full-runs",
        type=int,
        default=None,
        help=f"runs in the --full sweep, a multiple of {LHS_REPS} (default {FULL_RUNS}; --quick 100)",
    )
    ap.add_argument(
        "--n-mothers",
        type=int,
        default=None,
        help="population of every run (default: the ipm preset's; --quick: a tenth of it)",
    )
    ap.add_argument(
        "--workers",
        type=int,
        default=WORKERS,
        help=f"workers of the parallel sweeps (default {WORKERS}); the speed-up is against 1 worker",
    )
    ap.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="repeat the 1-worker / 2-worker pair R times and take the best wall time of each (default 1)",
    )
    ap.add_argument(
        "--wait-idle",
        type=float,
        default=0,
        metavar="SECONDS",
        help="before each sweep, wait up to SECONDS for the CPUs to be idle (other processes under 10%% over 3 s)",
    )
    ap.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="write the sweep folders (and their spec.toml) under DIR, which must not exist, and keep "
        "them (default: a temporary folder, removed)",
    )
    ap.add_argument("--progress", action="store_true", help="show the sweeps' own progress bars (stderr)")
    ap.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON")
    ap.add_argument("--strict", action="store_true", help="exit 1 if a target is missed or a measurement errors")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT))  # the repository's model/ and experiments/, installed or not
    from ibusim.model.scenarios import load

    n0 = int(load("ipm")["n_mothers"])
    runs = args.runs or (16 if args.quick else SPEEDUP_RUNS)
    full_runs = args.full_runs or (100 if args.quick else FULL_RUNS)
    n_mothers = args.n_mothers or (max(1000, n0 // 10) if args.quick else n0)
    n_points = len(FACTORIAL_POINTS["free_class"]) * len(FACTORIAL_POINTS["free_class_size"])
    if runs < n_points or runs % n_points:
        ap.error(f"--runs must be a positive multiple of {n_points}")
    if full_runs < LHS_REPS or full_runs % LHS_REPS:
        ap.error(f"--full-runs must be a positive multiple of {LHS_REPS}")
    if args.workers < 2 or args.repeat < 1 or n_mothers < 100:
        ap.error("--workers must be at least 2, --repeat at least 1, --n-mothers at least 100")
    if args.keep and args.keep.exists():
        ap.error(f"--keep {args.keep}: already exists")
    w = args.workers
    pop_fixed = None if n_mothers == n0 else n_mothers
    text_speed = speedup_spec_text(runs, pop_fixed)
    text_full = full_spec_text(full_runs, pop_fixed)
    parse(text_speed), parse(text_full)  # fail early on a bad spec (and warm up the imports)

    wait_idle(args.wait_idle)
    load_start, busy_start = loadavg(), cpu_busy()
    started = dt.datetime.now()
    print(
        f"sweep benchmark: {runs}-run sweep at 1 and {w} workers"
        + (f" (x{args.repeat})" if args.repeat > 1 else "")
        + (f", then a {full_runs:,}-run sweep at {w} workers" if args.full else "")
        + f"; {n_mothers:,} mothers a run; {n_cpus()} CPUs; CPU busy with other processes at start: "
        f"{_pct(busy_start)}",
        file=sys.stderr,
        flush=True,
    )

    base = args.keep if args.keep else Path(tempfile.mkdtemp(prefix="ibusim-sweep-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    prog = Progress(2 * args.repeat + (1 if args.full else 0))
    seq: list[dict] = []
    par: list[dict] = []
    full: dict | None = None
    try:
        for k in range(args.repeat):
            for nw, store in ((1, seq), (w, par)):
                folder = base / f"speedup-{nw}w-{k + 1}"
                if k or nw > 1:
                    wait_idle(args.wait_idle)
                t = prog.start(
                    f"{runs}-run sweep, processes executor, {nw} worker{'s' if nw > 1 else ''} "
                    f"(repeat {k + 1} of {args.repeat})"
                )
                res = measure_sweep(text_speed, folder, nw, args.progress)
                prog.done(t, res)
                store.append(res)
        if args.full:
            wait_idle(args.wait_idle)
            t = prog.start(f"{full_runs:,}-run sweep, processes executor, {w} workers")
            full = measure_sweep(text_full, base / f"full-{w}w", w, args.progress)
            prog.done(t, full)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    load_end, busy_end = loadavg(), cpu_busy()

    # --------------------------------------------------------------- checks
    checks: list[dict] = []

    def check(name: str, value: str, target: str, ok: bool | None, key: str, official: bool) -> None:
        result = "ERROR" if ok is None else ("PASS" if ok else "FAIL")
        checks.append(
            {
                "key": key,
                "measurement": name + ("" if official else " (info)"),
                "value": value,
                "target": target,
                "result": result if official else result.lower(),
                "official": official,
            }
        )

    default_pop = n_mothers == n0
    ok_seq = [r for r in seq if "error" not in r]
    ok_par = [r for r in par if "error" not in r]
    best_seq = min(ok_seq, key=lambda r: r["wall_s"]) if ok_seq else None
    best_par = min(ok_par, key=lambda r: r["wall_s"]) if ok_par else None
    official = runs == SPEEDUP_RUNS and w == WORKERS and default_pop and not args.quick
    label = f"speed-up, {runs}-run sweep: {w} workers vs 1 (wall-time ratio)"
    speedup = None
    if best_seq and best_par and not best_seq["failed"] and not best_par["failed"]:
        speedup = best_seq["wall_s"] / best_par["wall_s"]
        check(label, f"{speedup:.2f}x", f">= {SPEEDUP_MIN:g}x", speedup >= SPEEDUP_MIN, "speedup", official)
    else:
        check(label, "n/a", f">= {SPEEDUP_MIN:g}x", None, "speedup", official)
    same_all, same_notes = True, []
    if ok_seq and ok_par:
        ref = ok_seq[0]["table"]
        for r in ok_seq[1:] + ok_par:
            same, note = compare_tables(ref, r["table"])
            same_all &= same
            same_notes.append(note)
        same_all &= len(ref) == runs
        note = same_notes[0] if all(n == same_notes[0] for n in same_notes) else "; ".join(same_notes)
        if len(ref) != runs:
            note += f"; only {len(ref)} of {runs} runs"
        check(f"same table at 1 and {w} workers (without 'seconds')", note, "identical", same_all, "same_table", True)
    else:
        check(f"same table at 1 and {w} workers (without 'seconds')", "n/a", "identical", None, "same_table", True)
    if args.full:
        official_full = full_runs == FULL_RUNS and w == WORKERS and default_pop and not args.quick
        label = f"{full_runs:,}-run IPM sweep, {w} workers: wall time"
        if full is None or "error" in full or full["failed"] or full["done"] != full_runs:
            check(
                label,
                "n/a" if full is None or "error" in full else f"{full['done']} done, {full['failed']} failed",
                f"<= {FULL_TIME_MAX / 60:g} min",
                None,
                "full",
                official_full,
            )
        else:
            full["runs_per_s"] = full_runs / full["wall_s"]
            full["projected_1000_s"] = full["wall_s"] * FULL_RUNS / full_runs
            value = f"{_mmss(full['wall_s'])} ({full['runs_per_s']:.2f} runs/s)"
            if full_runs != FULL_RUNS:
                value += f"; 1,000 runs: ~{_mmss(full['projected_1000_s'])}"
            check(
                label,
                value,
                f"<= {FULL_TIME_MAX / 60:g} min",
                full["projected_1000_s"] <= FULL_TIME_MAX,
                "full",
                official_full,
            )

    # --------------------------------------------------------------- report
    v = versions()
    print(
        f"ibusim sweep benchmark  {started:%Y-%m-%d %H:%M}  code {git_rev()}  Python {v['python']}, "
        f"mesa {v['mesa']}, numpy {v['numpy']}, pandas {v['pandas']}; {n_cpus()} CPUs"
    )
    print(
        f"CPU busy with other processes (1 s sample): {_pct(busy_start)} at start, {_pct(busy_end)} at end; "
        f"load average (1 min) {_num(load_start)} at start, {_num(load_end)} at end"
    )
    if args.quick:
        print("QUICK run: fewer runs and a smaller population than the targets assume; results are indicative only")
    print(
        f"scenario ipm, {n_mothers:,} mothers a run"
        + (" (the preset's default)" if default_pop else "")
        + "; processes executor; every sweep into a fresh run folder"
    )
    print()
    print(
        f"speed-up sweep: {runs} runs = full factorial free_class {FACTORIAL_POINTS['free_class']} x "
        f"free_class_size {FACTORIAL_POINTS['free_class_size']} ({n_points} points) x {runs // n_points} "
        "replications"
    )
    print(
        f"full sweep: {full_runs:,} runs = Latin hypercube of {full_runs // LHS_REPS} points over "
        + ", ".join(f"{k} {a}-{b}" for k, (a, b) in LHS_RANGES.items())
        + f" x {LHS_REPS} replications"
        + ("" if args.full else " (not run; --full)")
    )
    print()
    head = (
        "sweep",
        "workers",
        "runs ok/failed",
        "wall s",
        "runs/s",
        "run mean s (min-max)",
        "overhead s",
        "CPU used",
        "others' CPU",
        "CPUs busy",
    )
    rows = []
    for label, rs in ((f"{runs}-run", seq), (f"{runs}-run", par), (f"{full_runs:,}-run", [full] if full else [])):
        for k, r in enumerate(rs):
            name = label + (f" #{k + 1}" if args.repeat > 1 and label == f"{runs}-run" else "")
            if "error" in r:
                rows.append((name, "", "ERROR", r["error"][:100], "", "", "", "", "", ""))
                continue
            rows.append(
                (
                    name,
                    f"{r['workers']}",
                    f"{r['done'] - r['skipped']}/{r['failed']}",
                    f"{r['wall_s']:.1f}",
                    f"{(r['done'] - r['skipped']) / r['wall_s']:.2f}",
                    f"{r['run_mean_s']:.2f} ({r['run_min_s']:.2f}-{r['run_max_s']:.2f})"
                    if "run_mean_s" in r
                    else "n/a",
                    f"{r['overhead_s']:.1f}" if "overhead_s" in r else "n/a",
                    f"{r['parallelism']:.2f} CPUs",
                    _pct(r.get("other_busy_share")),
                    _pct(r.get("cpu_busy_share")),
                )
            )
    _table(head, rows)
    print(
        "  wall = the whole run_sweep call; run mean = each run's own time (construction + run, in its worker);\n"
        "  overhead = wall - sum of the runs' times / workers (pool start and stop, worker imports, writing\n"
        "  parts, the last runs' uneven finish); CPU used = CPU seconds of this process and its workers / wall;\n"
        "  others' CPU = share of all CPUs' time used by other processes during the sweep; CPUs busy = share of\n"
        "  all CPUs' time busy, everything counted"
    )
    if best_seq and best_par and "run_mean_s" in best_seq and "run_mean_s" in best_par:
        eff = best_par["run_sum_s"] / best_par["wall_s"]
        print(
            f"  at {w} workers each run took {best_par['run_mean_s'] / best_seq['run_mean_s']:.2f}x as long as at 1 "
            f"worker; the workers were busy with runs for {eff:.2f} of the {w} CPUs' wall time "
            f"({100 * eff / w:.0f}%)"
        )
    pairs = [a["wall_s"] / b["wall_s"] for a, b in zip(seq, par) if "error" not in a and "error" not in b]
    if len(pairs) > 1:
        print(
            f"  speed-up of each 1-worker / {w}-worker pair, in order: "
            + ", ".join(f"{x:.2f}x" for x in pairs)
            + "; the target row uses the best wall time of each side"
        )
    if args.keep:
        print(f"  sweep folders kept under {args.keep}")
    print()
    print("targets")
    _table(
        ("measurement", "value", "target", "result"),
        [(c["measurement"], c["value"], c["target"], c["result"]) for c in checks],
    )
    counted = [c for c in checks if c["official"]]
    failed = [c for c in counted if c["result"] != "PASS"]
    print(
        f"\n{len(counted) - len(failed)} of {len(counted)} targets met"
        + (f"; not met: {', '.join(c['measurement'] for c in failed)}" if failed else "")
    )
    if max(busy_start or 0, busy_end or 0) > 0.2 or any(
        (r.get("other_busy_share") or 0) > 0.1 for r in seq + par + ([full] if full else [])
    ):
        print("WARNING: other processes were using the CPUs; the parallel sweeps suffer more than the 1-worker one")

    if args.json:

        def clean(r):
            return None if r is None else {k: x for k, x in r.items() if k != "table"}

        payload = {
            "date": started.isoformat(timespec="seconds"),
            "code": git_rev(),
            "versions": v,
            "cpus": n_cpus(),
            "platform": platform.platform(),
            "quick": args.quick,
            "load_average_start": load_start,
            "load_average_end": load_end,
            "cpu_busy_start": busy_start,
            "cpu_busy_end": busy_end,
            "n_mothers": n_mothers,
            "default_population": n0,
            "workers": w,
            "repeat": args.repeat,
            "speedup_spec": text_speed,
            "full_spec": text_full if args.full else None,
            "speedup_runs": {"1": [clean(r) for r in seq], str(w): [clean(r) for r in par]},
            "speedup": speedup,
            "speedup_pairs": pairs,
            "same_table": same_all if ok_seq and ok_par else None,
            "full": clean(full),
            "checks": checks,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2))
        print(f"results written to {args.json}")
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
