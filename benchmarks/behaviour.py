"""Did behaviour change? Compare end-of-run summaries over many seeds with a saved reference.

    .venv/bin/python benchmarks/behaviour.py --save ref.json               # summaries of this code
    .venv/bin/python benchmarks/behaviour.py --against ref.json            # compare this code with them

A change that reshuffles random draws (e.g. new stream seeding) changes every run but
should not change the distribution: for each summary figure the table gives the mean and
sd over the seeds of both versions, the difference of the means in standard errors
(``z = (mean_new - mean_ref) / sqrt(sd_ref^2/n_ref + sd_new^2/n_new)``) and flags |z| > 2.
The reference file is a JSON list of ``[preset, seed, {figure: value}]`` (what ``--save``
writes). Runs go to ``--workers`` processes. ``--code DIR`` runs another version of the
code instead (a folder holding ``ibusim/`` with ``ibusim/model/``, e.g. from
``git archive <commit> model ibusim``, with ``model`` moved into ``ibusim/``).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from concurrent.futures import ProcessPoolExecutor

from ibusim.model.targets import load as load_targets

# the summary keys of the observed figures (model/targets.toml) of the code running this script
TARGETS = tuple(t.summary for t in load_targets().values())


def _use_code(folder: str | None) -> None:
    if folder:
        sys.path.insert(0, folder)


def one(job: tuple[str, int]) -> tuple[str, int, dict[str, float]]:
    from ibusim.model import CommunityModel

    preset, seed = job
    s = CommunityModel(preset=preset, rng=seed).run().summary()
    return preset, seed, {k: float(v) for k, v in s.items() if isinstance(v, (int, float))}


def table(ref: list, new: list, figures: tuple[str, ...] | None = None) -> tuple[str, int]:
    """Markdown table per preset and figure; and how many differ by more than 2 standard errors."""
    lines = ["| preset | figure | ref mean | ref sd | new mean | new sd | z |", "|---|---|---|---|---|---|---|"]
    flagged = 0
    for preset in dict.fromkeys(p for p, _, _ in ref):
        a = [s for p, _, s in ref if p == preset]
        b = [s for p, _, s in new if p == preset]
        if not b:
            continue
        names = figures or tuple(k for k in a[0] if k in b[0])
        for k in names:
            x = [s[k] for s in a if k in s and not math.isnan(s[k])]
            y = [s[k] for s in b if k in s and not math.isnan(s[k])]
            if len(x) < 2 or len(y) < 2:
                continue
            mx, my, sx, sy = statistics.mean(x), statistics.mean(y), statistics.stdev(x), statistics.stdev(y)
            se = math.sqrt(sx**2 / len(x) + sy**2 / len(y))
            z = (my - mx) / se if se > 0 else (0.0 if my == mx else math.inf)
            flag = " **" if abs(z) > 2 else ""
            flagged += abs(z) > 2
            lines.append(f"| {preset} | {k} | {mx:.4g} | {sx:.3g} | {my:.4g} | {sy:.3g} | {z:+.2f}{flag} |")
    return "\n".join(lines), flagged


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", nargs="+", default=["ipm", "ibusibuk", "baseline"])
    ap.add_argument("--seeds", type=int, default=20, help="seeds FIRST..SEEDS")
    ap.add_argument("--first", type=int, default=1, help="first seed")
    ap.add_argument("--code", help="run the code in this folder (holding ibusim/model/) instead")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--save", help="write this code's summaries here")
    ap.add_argument("--against", help="reference summaries to compare with")
    ap.add_argument("--new", help="read this code's summaries from here instead of running")
    ap.add_argument("--all", action="store_true", help="every summary figure, not only the 8 targets")
    a = ap.parse_args(argv)
    if a.new:
        with open(a.new, encoding="utf-8") as f:
            new = json.load(f)
    else:
        jobs = [(p, s) for p in a.presets for s in range(a.first, a.seeds + 1)]
        with ProcessPoolExecutor(a.workers, initializer=_use_code, initargs=(a.code,)) as ex:
            new = [list(r) for r in ex.map(one, jobs)]
    if a.save:
        with open(a.save, "w", encoding="utf-8") as f:
            json.dump(new, f)
    if a.against:
        with open(a.against, encoding="utf-8") as f:
            ref = json.load(f)
        text, flagged = table(ref, new, None if a.all else TARGETS)
        print(text)
        print(f"\n{flagged} figure(s) differ by more than 2 standard errors", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
