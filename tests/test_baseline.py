"""Regression: the model's results equal tests/baseline.json unless it was refreshed on purpose.

A change of results (a new rule, a bug fix, a new parameter value) must come with
``scripts/update_baseline.py`` and a commit message that says so. The failure names every
figure that changed and by how much (counts exactly, floats to a relative 1e-9).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("update_baseline", ROOT / "scripts" / "update_baseline.py")
update_baseline = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(update_baseline)


@pytest.fixture(scope="module")
def stored() -> dict:
    return json.loads(update_baseline.BASELINE.read_text(encoding="utf-8"))


def test_baseline_covers_the_three_presets_and_the_ipm_default(stored):
    cases = stored["cases"].values()
    assert {c["preset"] for c in cases} == {"ipm", "ibusibuk", "baseline"}
    assert any(c["preset"] == "ipm" and c["seed"] == 1 and c["params"] == {} for c in cases)
    names = [n for n, *_ in update_baseline.CASES]
    assert sorted(stored["cases"]) == sorted(names), "tests/baseline.json is stale: run scripts/update_baseline.py"


@pytest.mark.parametrize("case", [c[0] for c in update_baseline.CASES])
def test_results_equal_the_baseline(stored, case):
    _, preset, seed, params = next(c for c in update_baseline.CASES if c[0] == case)
    old = {"every": stored["every"], "cases": {case: stored["cases"][case]}}
    new_case = update_baseline.compute_case(preset, seed, params)
    diffs = update_baseline.differences(old, {"every": stored["every"], "cases": {case: new_case}})
    assert not diffs, (
        "results changed without a baseline refresh (if intended, run scripts/update_baseline.py and say so in "
        "the commit):\n" + "\n".join(diffs)
    )


def test_differences_name_the_figure_and_the_change():
    a = {
        "cases": {
            "x": {
                "preset": "ipm",
                "seed": 1,
                "params": {},
                "weeks": [0, 13],
                "summary": {"registered": 100, "completion": 0.5, "income_gini": None},
                "series": {"n_active": [1, 2]},
            }
        }
    }
    b = json.loads(json.dumps(a))
    assert update_baseline.differences(a, b) == []
    b["cases"]["x"]["summary"]["registered"] = 101
    b["cases"]["x"]["summary"]["completion"] = 0.5 * (1 + 1e-12)  # within the float tolerance
    b["cases"]["x"]["series"]["n_active"][1] = 3
    diffs = update_baseline.differences(a, b)
    assert diffs == ["x: registered 100 -> 101 (+1, +1.00%)", "x: n_active[week 13] 2 -> 3 (+1, +50.00%)"]
    b["cases"]["x"]["summary"]["completion"] = 0.6
    assert any(d.startswith("x: completion 0.5 -> 0.6") for d in update_baseline.differences(a, b))
