"""Cost of runs whose parameters, each inside its bounds, combine into many events (issue 14, item 1).

Each case runs ``CommunityModel(rng=1, **changes).run()`` in a fresh subprocess,
one at a time, with a time limit (the child is killed when it is over) and an
address-space limit, and reports its wall time, its peak resident memory (from
``os.wait4``, the child's own rusage) and the events it generated, so that the
cost can be compared with the events: a run should cost about what a normal
run costs times the ratio of its events.

    .venv/bin/python benchmarks/pathological.py                 # every case, 600 s and 8 GB each
    .venv/bin/python benchmarks/pathological.py --cases leaders --limit 60
    .venv/bin/python benchmarks/pathological.py --json out.json

The exit status is 0 whatever the figures (a benchmark, not a test).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time

BRANDS_HIGH = dict(n_brands=1000, brand_budget=1e12, campaigns_per_month=30.0, creators_per_campaign=10_000)
CASES = {
    "default": {},
    "lurkers": dict(lurker_messages=100.0),
    "brands": BRANDS_HIGH,
    "leaders": dict(share_leaders=1.0, share_contributors=0.0, leader_messages=1000.0),
    "leaders52": dict(share_leaders=1.0, share_contributors=0.0, leader_messages=1000.0, window_weeks=52),
    "all_high_20k": "all_high",  # every bounded number at its upper bound, 20,000 mothers (built in the child)
}

CHILD = """
import json, sys, time
from ibusim.model import CommunityModel
from ibusim.model.parameters import PARAMS, DEFAULTS, validate

changes = json.loads(sys.argv[1])
if changes == "all_high":
    changes = {}
    for name, p in PARAMS.items():
        if p.bounds is not None and isinstance(DEFAULTS[name], (int, float)) and not isinstance(DEFAULTS[name], bool):
            changes[name] = type(DEFAULTS[name])(p.bounds[1])
    changes["n_mothers"] = 20_000
    for a, b in (("share_contributors", "share_leaders"), ("share_migrated", "share_long_distance")):
        changes[a] = 0.0  # the pair's sum must not exceed 1: the second one at its high
    validate(changes)
t0 = time.perf_counter()
m = CommunityModel(rng=1, **changes)
t1 = time.perf_counter()
m.run()
t2 = time.perf_counter()
df = m.dataframe()
events = {c: int(df[c].sum()) for c in ("new_u2u", "new_u2d", "new_u2s", "new_campaigns", "new_paid_posts")}
print(json.dumps(dict(construct_s=t1 - t0, run_s=t2 - t1, weeks=int(m.n_weeks), events=events,
                      window_edges=int(getattr(getattr(m, "messages", None), "n_edges", -1)))))
"""


def run_case(changes, limit: float, mem_gb: float) -> dict:
    """Run one case in a child process; kill it (and its group) after ``limit`` seconds.

    The peak resident memory is the child's own (``os.wait4``; ``RUSAGE_CHILDREN`` would
    give the largest of all the children so far).
    """

    def limits():
        os.setsid()
        cap = int(mem_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, json.dumps(changes)], stdout=out, stderr=err, preexec_fn=limits, env=env
        )
        status = "ok"
        while True:
            pid, code, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > limit:
                os.killpg(proc.pid, signal.SIGKILL)  # the child and anything it started
                pid, code, usage = os.wait4(proc.pid, 0)
                status = f"killed after {limit:.0f} s"
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(code)  # reaped here: keep Popen from waiting again
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    row = dict(changes=changes, status=status, wall_s=round(wall, 2), peak_rss_mb=round(usage.ru_maxrss / 1024, 1))
    if status == "ok" and proc.returncode != 0:
        row["status"] = "failed: " + (stderr.strip().splitlines() or ["?"])[-1][:200]
    elif status == "ok":
        row.update(json.loads(stdout.strip().splitlines()[-1]))
    return row


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    ap.add_argument("--limit", type=float, default=600.0, help="seconds per case (default 600)")
    ap.add_argument("--mem-gb", type=float, default=8.0, help="address-space limit per case (default 8)")
    ap.add_argument("--json", help="write the rows to this file")
    args = ap.parse_args(argv)
    rows = []
    for name in args.cases:
        row = run_case(CASES[name], args.limit, args.mem_gb)
        row["case"] = name
        rows.append(row)
        print(
            f"{name:14s} {row['status']:18s} wall {row['wall_s']:7.1f} s  peak RSS {row['peak_rss_mb']:7.0f} MB  "
            f"u2u {row.get('events', {}).get('new_u2u', '-')}",
            flush=True,
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
