"""Does compiling a rule pay? model/engagement.py's weekly step as one numba kernel, the same draws.

    .venv/bin/uv venv --python 3.12 /tmp/nb && .venv/bin/uv pip install --python /tmp/nb/bin/python -e . numba
    /tmp/nb/bin/python benchmarks/compiled_rule.py                 # 2,000, 120,000, 1,000,000 mothers
    /tmp/nb/bin/python benchmarks/compiled_rule.py --sizes 2000 --repeat 6

ibusim does not depend on numba: this script is the measurement behind that decision (issue 9,
benchmarks/README.md). It needs numba in the interpreter that runs it; a scratch environment, as
above, keeps it out of the project's.

What it does, in one run, at each size:

1. ``engagement`` (scores, dormancy and reactivation) written as one compiled loop over the members
   (:func:`kernel`) that draws the same random numbers in the same order as model/engagement.py, among
   them :func:`model.timeline.chosen`'s skip sampling (:func:`chosen`). numba's ``Generator`` methods
   give numpy's own draws, bit for bit.
2. The IPM run at seed 5 with each version, alternated, best of ``--repeat``: the time of the whole
   run, of the rule's step (Python wrapper included) and of the kernel alone. The first pair of runs is
   also compared: the weekly table, the final scores and stages must be identical.
3. The cost of calling a kernel: with and without a ``Generator`` argument (numba unboxes a
   ``Generator`` through its bit generator's ``ctypes`` attributes on every call).

It prints the load at the start and the end. Measured 2026-12-01 (best of 6, 4 and 2, alternated): the kernel
gave identical runs at every size, and cost as much as the numpy step or more (see benchmarks/README.md).
Exit status 0, or 1 when the runs differ; a missing numba exits 2 with one line.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

try:
    import numba as nb
except ImportError:
    print("compiled_rule.py needs numba (ibusim does not depend on it): see this script's docstring", file=sys.stderr)
    sys.exit(2)

from ibusim.model import capacity, channels, classes, engagement, timeline
from ibusim.model.community import CommunityModel
from ibusim.model.states import Stage

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sweep_speed import cpu_busy, loadavg  # noqa: E402 - a sibling script

_ACTIVE, _DORMANT = int(Stage.ACTIVE), int(Stage.DORMANT)
_DENSE, _SHORT = timeline.DENSE, timeline.SHORT


@nb.njit(cache=True)
def chosen(rng, n, prob, out):
    """:func:`model.timeline.chosen` into ``out[:k]``, with the same draws; returns ``k``."""
    if n <= 0 or not prob > 0:
        return 0
    if prob >= 1.0:
        for i in range(n):
            out[i] = i
        return n
    k = 0
    if prob > _DENSE or n <= _SHORT:  # one uniform per position
        for i in range(n):
            if rng.random() < prob:
                out[k] = i
                k += 1
        return k
    last = -1
    while True:  # numpy draws m gaps at once: draw all m, use those before n
        rest = n - 1 - last
        m = int(rest * prob + 6.0 * math.sqrt(rest * prob) + 16)
        pos, done = last, False
        for _ in range(m):
            gap = rng.geometric(prob)
            if done:
                continue
            pos += gap
            if pos >= n:
                done = True
            else:
                out[k] = pos
                k += 1
        if done:
            return k
        last = pos


@nb.njit(cache=True)
def kernel(
    rng,
    mem,
    stage,
    tg,
    s,
    applicant_rank,
    telegram,
    ties,
    use_ties,
    tr,
    ties_max,
    prompt,
    reach,
    decay,
    react,
    dormancy,
    tg_react,
):
    """Engagement's week (model/engagement.py's ``step`` without the moves): who drifts, who comes back.

    The same float32 and float64 arithmetic, in the same order, as the numpy version.
    """
    n = mem.size
    n_prompted = 0
    for i in range(n):
        if tg[i] and stage[i] != _DORMANT:
            n_prompted += 1
    c = np.float32(prompt * (0.0 if n_prompted == 0 else min(1.0, reach / n_prompted)))
    fade, one = np.float32(1.0 - decay), np.float32(1.0)
    idle_mask = np.zeros(n, np.bool_)
    for i in range(n):
        idle_mask[i] = stage[i] == _ACTIVE
    for r in applicant_rank:
        idle_mask[r] = False
    dormant, idle = np.empty(n, np.int64), np.empty(n, np.int64)
    nd = ni = 0
    for i in range(n):
        j = mem[i]
        if stage[i] == _DORMANT:
            s[j] = s[j] * fade
            dormant[nd] = j
            nd += 1
        elif tg[i]:
            v = s[j]
            s[j] = v + c * (one - v)
        if idle_mask[i]:
            idle[ni] = j
            ni += 1
    buf = np.empty(max(nd, ni), np.int64)
    bound = min(1.0, react * tg_react * (1.0 + tr * ties_max if use_ties else 1.0))
    k = chosen(rng, nd, bound, buf)
    back, nb_ = np.empty(k, np.int64), 0
    for q in range(k):
        w = dormant[buf[q]]
        u = rng.random() * bound
        chance = react * (tg_react if telegram[w] else 1.0)
        if use_ties:
            chance = chance * (1.0 + tr * ties[w])
        if u < chance:
            back[nb_] = w
            nb_ += 1
    bound = min(1.0, dormancy)
    k = chosen(rng, ni, bound, buf)
    drift, nr = np.empty(k, np.int64), 0
    for q in range(k):
        w = idle[buf[q]]
        u = rng.random() * bound
        chance = np.float64(np.float32(dormancy) * (one - s[w]))
        if use_ties:
            chance = chance / (1.0 + tr * ties[w])
        if u < chance:
            drift[nr] = w
            nr += 1
    return drift[:nr], back[:nb_]


KERNEL_S = [0.0]  # the kernel's own time in the current run


def compiled_step(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """model/engagement.py's ``step``, its arithmetic and draws in :func:`kernel`."""
    p = model.p
    use = p["tie_retention"] > 0
    args = (
        rng,
        model.member_idx,
        model.member_stage,
        channels.member_telegram(model),
        model.score,
        model.member_rank[classes.applicants(model)],
        model.telegram,
        model.net_ties,
        use,
        float(p["tie_retention"]),
        float(model.net_ties_max if use else 0),
        float(p["internalise_prompt"]),
        float(capacity.facilitators(model) * p["prompt_reach"]),
        float(p["internalise_decay"]),
        float(p["reactivation_rate"]),
        float(p["dormancy_rate"]),
        float(engagement.TELEGRAM_REACTIVATION),
    )
    t = time.perf_counter()
    drift, back = kernel(*args)
    KERNEL_S[0] += time.perf_counter() - t
    model.move(drift, Stage.DORMANT)
    model.move(back, Stage.ACTIVE)
    return {"dormant": drift, "reactivated": back}


def timed_run(n: int, step) -> tuple[CommunityModel, float, float]:
    """The IPM run at seed 5 with engagement's step replaced by ``step``: the model, run and step seconds."""
    m = CommunityModel(preset="ipm", rng=5, n_mothers=n)
    m.step()  # makes the plan of (step, stream, columns), then swaps engagement's step in it
    spent = [0.0]

    def wrapped(model, rng):
        t = time.perf_counter()
        out = step(model, rng)
        spent[0] += time.perf_counter() - t
        return out

    m._plan = [(wrapped if r.name == "engagement" else f, s, c) for (f, s, c), r in zip(m._plan, m.rules)]
    KERNEL_S[0] = 0.0
    t = time.perf_counter()
    m.run()
    return m, time.perf_counter() - t, spent[0]


def same(a: CommunityModel, b: CommunityModel) -> bool:
    """The weekly table, the final scores and the final stages are identical."""
    return a.dataframe().equals(b.dataframe()) and np.array_equal(a.score, b.score) and np.array_equal(a.stage, b.stage)


def call_cost() -> dict[str, float]:
    """Microseconds per call of an empty kernel, with and without a ``Generator`` argument."""

    @nb.njit
    def with_generator(rng, a):
        return a.size

    @nb.njit
    def without(a):
        return a.size

    rng, a, out = np.random.default_rng(1), np.zeros(10), {}
    for name, f, args in (("with a Generator", with_generator, (rng, a)), ("array only", without, (a,))):
        f(*args)
        t = time.perf_counter()
        for _ in range(20_000):
            f(*args)
        out[name] = (time.perf_counter() - t) / 20_000 * 1e6
    return out


def _load() -> str:
    """The load average and the share of the CPUs other work keeps busy, for the report."""
    avg, busy = loadavg(), cpu_busy()
    avg = "?" if avg is None else f"{avg:.2f}"
    busy = "?" if busy is None else f"{busy:.0%}"
    return f"load average {avg}, CPUs busy with other work {busy}"


def main(argv: list[str] | None = None) -> int:
    """Measure and print; 1 if a compiled run differs from the numpy one."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[2_000, 120_000, 1_000_000], help="mothers")
    ap.add_argument("--repeat", type=int, default=0, help="runs of each version (default 6, 4, 2 by size)")
    a = ap.parse_args(argv)
    print(f"numba {nb.__version__}, numpy {np.__version__}; at the start: {_load()}", flush=True)
    timed_run(2_000, compiled_step)  # compiles (or loads the cache)
    status = 0
    for n in a.sizes:
        reps = a.repeat or (6 if n <= 10_000 else 4 if n <= 200_000 else 2)
        best = {k: math.inf for k in ("run numpy", "run compiled", "step numpy", "step compiled", "kernel")}
        for r in range(reps):
            order = (("numpy", engagement.step), ("compiled", compiled_step))
            models = {}
            for name, step in order if r % 2 == 0 else order[::-1]:
                m, run_s, step_s = timed_run(n, step)
                best[f"run {name}"] = min(best[f"run {name}"], run_s)
                best[f"step {name}"] = min(best[f"step {name}"], step_s)
                if name == "compiled":
                    best["kernel"] = min(best["kernel"], KERNEL_S[0])
                models[name] = m
            if r == 0:
                identical = same(models["numpy"], models["compiled"])
                status |= not identical
        shown = ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in best.items())
        print(f"{n:,} mothers, best of {reps}: {shown}; identical runs: {'yes' if identical else 'NO'}", flush=True)
    print(f"at the end: {_load()}")
    costs = call_cost()
    print("a kernel call: " + ", ".join(f"{k} {v:.2f} us" for k, v in costs.items()))
    return status


if __name__ == "__main__":
    sys.exit(main())
