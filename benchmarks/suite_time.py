"""Test-suite time: the README's test command on a fresh clone, set-up included, and where the time goes.

    .venv/bin/python benchmarks/suite_time.py                      # fresh clone of HEAD, set-up + suite, ~8 min
    .venv/bin/python benchmarks/suite_time.py --wait-idle 600      # first wait for other work to leave the CPUs
    .venv/bin/python benchmarks/suite_time.py --repo /tmp/clone    # an existing clone (its set-up is rerun)
    .venv/bin/python benchmarks/suite_time.py --json suite.json --strict

Target (issue 9): the whole suite, set-up included, in at most 6 minutes on 2 idle cores.

What it does, in one run:

1. ``git clone`` of this repository's HEAD into a temporary folder (no ``.venv``, no caches of the
   repository's own; the machine's package caches stay, as on any machine that installed before);
2. times ``bash scripts/setup.sh --test`` there (the README's set-up);
3. times the README's test command, ``.venv/bin/python -m pytest -n 2``, with ``--durations=0`` added
   (pytest's own per-phase timings; it changes nothing else), and samples ``/proc/stat`` around it: the
   share of the 2 cores busy while the suite ran (all processes: the suite's workers, its Chromium and
   dashboard servers, and anything else running);
4. reports the total against the target, the CPU share, the test time by file and by kind (browser
   tests, tests that start processes, the rest), and the slowest tests.

Test time is the sum of every test's set-up, call and tear-down as pytest measures them: on 2 workers
it is about twice the suite's wall time, less collection (each worker imports and collects every test
module) and pytest-xdist's own overhead. Tests under 5 ms are not listed by pytest (``--durations``
leaves them out) and are counted in the wall time only.

The CPU share tells what would help: near 100% means the suite is CPU-bound, so more workers cannot
help and only cheaper tests can (measured 2026-12-01: ``-n 3`` took 425 s against 405 s for ``-n 2``);
well under 100% means tests wait (sleeps, timeouts, a server starting).

Exit status 0 whatever the results, unless ``--strict`` (then 1 if the target is missed or a step
fails). Progress goes to stderr, the report to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sweep_speed import _proc_stat, cpu_busy, loadavg, wait_idle  # noqa: E402 - a sibling script

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 6 * 60.0  # issue 9: the whole suite, set-up included, on 2 idle cores
SETUP = ["bash", "scripts/setup.sh", "--test"]
TEST = [".venv/bin/python", "-m", "pytest", "-n", "2"]  # the README's test command
DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s (setup|call|teardown)\s+(\S+)")
SUMMARY = re.compile(r"(\d+) passed|(\d+) failed|(\d+) skipped|(\d+) errors?")


def parse_durations(text: str) -> dict[str, float]:
    """Each test's set-up + call + tear-down seconds, from pytest's ``--durations=0`` listing."""
    tests: Counter = Counter()
    for line in text.splitlines():
        m = DURATION.match(line)
        if m:
            tests[m.group(3)] += float(m.group(1))
    return dict(tests)


def outcome_counts(text: str) -> dict[str, int]:
    """passed, failed, skipped and errors from pytest's last summary line (0 when absent)."""
    lines = [ln for ln in text.splitlines() if " in " in ln and ("passed" in ln or "failed" in ln)]
    counts = {"passed": 0, "failed": 0, "skipped": 0, "errors": 0}
    if lines:
        for m in SUMMARY.finditer(lines[-1]):
            for key, value in zip(("passed", "failed", "skipped", "errors"), m.groups()):
                if value:
                    counts[key] = int(value)
    return counts


def file_of(nodeid: str) -> str:
    """The file part of a test id (``tests/x.py::test_y[p]`` -> ``tests/x.py``)."""
    return nodeid.split("::", 1)[0]


def kind_of(nodeid: str, starts_processes: set[str]) -> str:
    """``browser``, ``processes`` (the file starts subprocesses or worker pools) or ``in-process``."""
    f = file_of(nodeid)
    if f.startswith("tests/browser/"):
        return "browser"
    return "processes" if f in starts_processes else "in-process"


def files_starting_processes(repo: Path) -> set[str]:
    """Test files that start processes: subprocess calls, worker pools, Dask (a read of their source)."""
    marks = ("subprocess.", '"processes"', "'processes'", "LocalCluster", "dask_cluster", "Popen")
    found = set()
    for path in (repo / "tests").glob("test_*.py"):
        text = path.read_text(encoding="utf-8")
        if any(m in text for m in marks):
            found.add(str(path.relative_to(repo)))
    return found


def summarise(tests: dict[str, float], starts_processes: set[str], top: int) -> dict:
    """Test time by file, by kind and the ``top`` slowest tests."""
    by_file: Counter = Counter()
    by_kind: Counter = Counter()
    n_kind: Counter = Counter()
    for nodeid, s in tests.items():
        by_file[file_of(nodeid)] += s
        k = kind_of(nodeid, starts_processes)
        by_kind[k] += s
        n_kind[k] += 1
    slowest = sorted(tests.items(), key=lambda kv: -kv[1])
    total = sum(tests.values())
    return {
        "test_seconds": total,
        "listed_tests": len(tests),
        "by_kind": {k: {"seconds": by_kind[k], "tests": n_kind[k]} for k in sorted(by_kind)},
        "by_file": dict(by_file.most_common()),
        "slowest": slowest[:top],
        "slowest_share": sum(s for _, s in slowest[:top]) / total if total else 0.0,
    }


def _run(cmd: list[str], cwd: Path, what: str) -> tuple[float, subprocess.CompletedProcess]:
    print(f"[suite_time] {what}: {' '.join(cmd)}", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - t0, res


def measure(repo: Path, top: int) -> dict:
    """Set-up and suite in ``repo``; the record (see the module docstring)."""
    setup_s, setup = _run(SETUP, repo, "set-up")
    if setup.returncode != 0:
        return {"error": f"set-up failed (exit {setup.returncode}): {setup.stderr.strip()[-500:]}"}
    a = _proc_stat()
    suite_s, suite = _run([*TEST, "--durations=0"], repo, "suite")
    b = _proc_stat()
    busy = (b[0] - a[0]) / (b[1] - a[1]) if a and b and b[1] > a[1] else None
    tests = parse_durations(suite.stdout)
    return {
        "setup_seconds": setup_s,
        "suite_seconds": suite_s,
        "total_seconds": setup_s + suite_s,
        "exit_status": suite.returncode,
        "outcomes": outcome_counts(suite.stdout),
        "cpu_busy_during_suite": busy,
        **summarise(tests, files_starting_processes(repo), top),
    }


def report(rec: dict) -> str:
    """The record as text."""
    if "error" in rec:
        return f"suite_time: {rec['error']}\n"
    o = rec["outcomes"]
    ok = rec["total_seconds"] <= TARGET_S and rec["exit_status"] == 0
    busy = rec["cpu_busy_during_suite"]
    lines = [
        f"Test-suite time, {rec['when']} (code {rec['code']}); load average {rec['load_before']}, CPUs "
        f"{_pct(rec['busy_before'])} busy with other work before the run",
        "",
        "| measurement | value | goal | result |",
        "|---|---|---|---|",
        f"| set-up (`bash scripts/setup.sh --test`) | {rec['setup_seconds']:.0f} s | | |",
        f"| suite (`pytest -n 2`) | {rec['suite_seconds']:.0f} s: {o['passed']:,} passed, {o['failed']} failed, "
        f"{o['skipped']} skipped, {o['errors']} errors | | |",
        f"| **set-up + suite** | **{rec['total_seconds']:.0f} s** ({rec['total_seconds'] / 60:.1f} min) | "
        f"<= {TARGET_S:.0f} s | {'PASS' if ok else 'FAIL'} |",
        f"| the 2 cores busy during the suite | {_pct(busy)} | | |",
        "",
        f"Test time (set-up + call + tear-down, as pytest measures it): {rec['test_seconds']:.0f} s over "
        f"{rec['listed_tests']:,} tests of 5 ms or more.",
        "",
        "| kind | tests | seconds | share |",
        "|---|---|---|---|",
    ]
    total = rec["test_seconds"] or 1.0
    for kind, v in rec["by_kind"].items():
        lines.append(f"| {kind} | {v['tests']:,} | {v['seconds']:.0f} | {v['seconds'] / total:.0%} |")
    lines += ["", "| file | seconds | share |", "|---|---|---|"]
    for f, s in list(rec["by_file"].items())[:15]:
        lines.append(f"| {f} | {s:.1f} | {s / total:.0%} |")
    n = len(rec["slowest"])
    lines += ["", f"The {n} slowest tests ({rec['slowest_share']:.0%} of the test time):", ""]
    lines += [f"    {s:6.1f} s  {t}" for t, s in rec["slowest"]]
    return "\n".join(lines) + "\n"


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def main(argv: list[str] | None = None) -> int:
    """Command line (the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repo", type=Path, help="an existing clone to run in (default: a fresh clone of HEAD)")
    ap.add_argument("--top", type=int, default=25, help="slowest tests to list (default 25)")
    ap.add_argument("--wait-idle", type=float, default=0.0, metavar="SECONDS")
    ap.add_argument("--json", type=Path, help="write the record here")
    ap.add_argument("--strict", action="store_true", help="exit 1 if the target is missed or a step fails")
    args = ap.parse_args(argv)
    busy = wait_idle(args.wait_idle) if args.wait_idle > 0 else cpu_busy(1.0)
    load = loadavg()
    tmp = None
    try:
        if args.repo is None:
            tmp = Path(tempfile.mkdtemp(prefix="ibusim-suite-"))
            repo = tmp / "ibusim"
            subprocess.run(["git", "clone", "-q", str(ROOT), str(repo)], check=True)
        else:
            repo = args.repo.resolve()
        # the code measured: the clone's commit (with --repo, whatever that clone has checked out)
        code = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True)
        rec = measure(repo, args.top)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    rec.update(
        when=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        code=code.stdout.strip() or "unknown",
        load_before=None if load is None else round(load, 2),
        busy_before=busy,
    )
    print(report(rec), end="")
    if args.json:
        args.json.write_text(json.dumps(rec, indent=2), encoding="utf-8")
    failed = "error" in rec or rec["exit_status"] != 0 or rec["total_seconds"] > TARGET_S
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
