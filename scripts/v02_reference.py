"""Make tests/v02/reference.json: version 0.2.0's results over many seeds, for tests/test_model2_off.py.

Run it with the version 0.2.0 code (commit f5e7f1f) installed, e.g. from a throwaway worktree::

    git worktree add --detach /tmp/wt/v020 f5e7f1f
    cd /tmp/wt/v020 && python -m venv .venv && .venv/bin/pip install -e .
    .venv/bin/python $REPO/scripts/v02_reference.py --out $REPO/tests/v02/reference.json   # REPO: this checkout

For each preset of ``PRESETS`` (version 0.2's own) at ``N_MOTHERS`` mothers and every seed of
``SEEDS``, it runs the model and keeps every numeric end-of-run summary figure and the weekly
series of ``SERIES`` at the weeks ``SHARES`` per cent into the run: one value per seed, so the test can compare the
distributions (means and standard deviations) of today's model with Model 2.0 switched off
against these. The seeds are not the test's: the two samples are independent.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path

PRESETS = ("ipm", "ibusibuk", "baseline")
N_MOTHERS = 20_000
SEEDS = tuple(range(1001, 1061))  # 60 seeds per preset (the test runs a few others)
SERIES = (
    "cum_registered",
    "n_telegram",
    "n_followers",
    "cum_paid_enrolled",
    "n_active",
    "n_dormant",
    "n_volunteers",
    "n_aware",
    "cum_u2u",
    "cum_u2d",
)
SHARES = (10, 25, 50, 75, 100)  # weeks at these per cent of the run (presets differ in length)


def run(preset: str, seed: int, **params) -> dict[str, float]:
    """One run's figures: ``summary.<key>`` and ``<series>@<pct>%``; ``params`` change parameters (the test's OFF)."""
    from ibusim.model import CommunityModel

    m = CommunityModel(preset=preset, rng=seed, n_mothers=N_MOTHERS, **params).run()
    out = {}
    for k, v in m.summary().items():
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(float(v)):
            out[f"summary.{k}"] = float(v)
    df = m.dataframe()
    for col in SERIES:
        if col in df:
            for pct in SHARES:
                out[f"{col}@{pct}%"] = float(df[col].iloc[round(pct / 100 * (len(df) - 1))])
    return out


def dumps(doc: dict) -> str:
    """The reference as JSON with one line per figure (its values over the seeds)."""
    head = {k: v for k, v in doc.items() if k != "cases"}
    lines = ["{"] + [f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()] + ['  "cases": {']
    for i, (preset, figures) in enumerate(doc["cases"].items()):
        lines.append(f"    {json.dumps(preset)}: {{")
        rows = [f"      {json.dumps(k)}: {json.dumps(v)}" for k, v in figures.items()]
        lines.append(",\n".join(rows))
        lines.append("    }" + ("," if i < len(doc["cases"]) - 1 else ""))
    return "\n".join(lines + ["  }", "}"]) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run every preset and seed; write the reference file (``--out``) with the code's commit."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    import ibusim

    root = Path(ibusim.__file__).resolve().parents[1]
    rev = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    cases = {}
    for preset in PRESETS:
        runs = [run(preset, s) for s in SEEDS]
        keys = sorted(set.intersection(*(set(r) for r in runs)))
        cases[preset] = {k: [r[k] for r in runs] for k in keys}
        print(preset, len(keys), "figures", file=sys.stderr)
    doc = {"code": rev, "n_mothers": N_MOTHERS, "seeds": list(SEEDS), "shares": list(SHARES), "cases": cases}
    args.out.write_text(dumps(doc), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
