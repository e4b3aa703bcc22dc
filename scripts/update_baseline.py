"""Refresh tests/baseline.json: the results tests/test_baseline.py holds the model to.

    .venv/bin/python scripts/update_baseline.py            # rewrite tests/baseline.json
    .venv/bin/python scripts/update_baseline.py --check    # only say what changed (exit 1 if anything)

Run it only when a change of results is intended (a new rule, a fixed bug, a new
parameter value), and say in the commit message that the baseline was refreshed and
why. The file holds, for each case of ``CASES`` (presets ``ipm``, ``ibusibuk`` and
``baseline`` at fixed seeds; the IPM default at seed 1 at full size, the others
smaller to stay quick), every end-of-run summary figure and a few weekly series
(``SERIES``, every ``EVERY``-th week and the last week).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "tests" / "baseline.json"

# (name, preset, seed, parameter changes)
CASES = (
    ("ipm-1", "ipm", 1, {}),
    ("ipm-2-small", "ipm", 2, {"n_mothers": 20_000}),
    ("ibusibuk-1", "ibusibuk", 1, {"n_mothers": 20_000}),
    ("baseline-1", "baseline", 1, {"n_mothers": 20_000}),
)
SERIES = ("cum_registered", "n_telegram", "n_followers", "cum_paid_enrolled", "n_active", "n_volunteers")
EVERY = 13
REL_TOL = 1e-9  # floats: relative tolerance (counts must be equal)


def _plain(v):
    """JSON-safe value: int for counts, float, None for NaN."""
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return None if math.isnan(v) else float(v)
    if hasattr(v, "item"):
        return _plain(v.item())
    return v


def compute_case(preset: str, seed: int, params: dict) -> dict:
    """One case's summary and series for the current code."""
    from ibusim.model import CommunityModel

    m = CommunityModel(preset=preset, rng=seed, **params).run()
    df = m.dataframe()
    rows = sorted(set(range(0, len(df), EVERY)) | {len(df) - 1})
    return {
        "preset": preset,
        "seed": seed,
        "params": params,
        "summary": {k: _plain(v) for k, v in m.summary().items()},
        "weeks": rows,
        "series": {col: [_plain(v) for v in df[col].iloc[rows].tolist()] for col in SERIES},
    }


def compute() -> dict:
    """The baseline's content for the current code."""
    return {"every": EVERY, "cases": {name: compute_case(preset, seed, params) for name, preset, seed, params in CASES}}


def differences(old: dict, new: dict) -> list[str]:
    """One line per figure that differs: case, figure, old, new, and by how much."""
    out = []
    for name in sorted(set(old["cases"]) | set(new["cases"])):
        a, b = old["cases"].get(name), new["cases"].get(name)
        if a is None or b is None:
            out.append(f"{name}: case {'added' if a is None else 'removed'}")
            continue
        for key in ("preset", "seed", "params", "weeks"):
            if a[key] != b[key]:
                out.append(f"{name}: {key} {a[key]!r} -> {b[key]!r}")
        pairs = [(k, a["summary"].get(k, "missing"), b["summary"].get(k, "missing")) for k in a["summary"]]
        pairs += [(k, "missing", b["summary"][k]) for k in b["summary"] if k not in a["summary"]]
        for col in sorted(set(a["series"]) | set(b["series"])):
            xs, ys = a["series"].get(col, []), b["series"].get(col, [])
            for w, x, y in zip(a["weeks"], xs, ys):
                pairs.append((f"{col}[week {w}]", x, y))
            if len(xs) != len(ys):
                pairs.append((f"{col} (length)", len(xs), len(ys)))
        for key, x, y in pairs:
            line = _differ(x, y)
            if line:
                out.append(f"{name}: {key} {line}")
    return out


def _differ(x, y) -> str:
    if x == y:
        return ""
    if isinstance(x, (int, float)) and isinstance(y, (int, float)) and not isinstance(x, bool):
        if isinstance(x, float) or isinstance(y, float):
            if math.isclose(x, y, rel_tol=REL_TOL, abs_tol=1e-12):
                return ""
        diff = y - x
        rel = f", {diff / x:+.2%}" if x else ""
        return f"{x!r} -> {y!r} ({diff:+g}{rel})"
    return f"{x!r} -> {y!r}"


def main(argv: list[str] | None = None) -> int:
    """Compute the baseline, print what changed, and write it (unless ``--check``)."""
    ap = argparse.ArgumentParser(description="Refresh tests/baseline.json (results the tests hold the model to).")
    ap.add_argument("--check", action="store_true", help="only list what changed; exit 1 if anything did")
    a = ap.parse_args(argv)
    new = compute()
    if BASELINE.exists():
        diffs = differences(json.loads(BASELINE.read_text(encoding="utf-8")), new)
        print("\n".join(diffs) if diffs else "no change")
        if a.check:
            return 1 if diffs else 0
    elif a.check:
        print(f"{BASELINE} does not exist", file=sys.stderr)
        return 1
    tmp = BASELINE.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(new, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    tmp.replace(BASELINE)
    print(f"wrote {BASELINE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
