"""Model 2.0 switched off is version 0.2: the same results, draw for draw.

Every mechanism Model 2.0 adds (issue 10) has a switch or a zero value that turns it
off, and every default it changed has its old value. With all of them set back
(``OFF`` and ``OLD_DEFAULTS`` below) and the v0.2 presets (``tests/v02/*.toml``,
copies of the presets as they were), each case of ``tests/v02/baseline.json`` (a
copy of the baseline file of version 0.2.0) comes out exactly as it did: counts
equal, floats to a relative 1e-9. This holds because every new mechanism draws
from its own named random stream, or from its rule's stream only when it is on.

A mechanism added later must add its off value to ``OFF`` (and any default it
changes to ``OLD_DEFAULTS``), or this test fails.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
V02 = ROOT / "tests" / "v02"
_spec = importlib.util.spec_from_file_location("update_baseline", ROOT / "scripts" / "update_baseline.py")
update_baseline = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(update_baseline)

# Model 2.0's mechanisms, switched off (parameter: off value)
OFF: dict[str, object] = {}

# defaults Model 2.0 changed (parameter: value in version 0.2)
OLD_DEFAULTS: dict[str, object] = {}


@pytest.fixture(scope="module")
def stored() -> dict:
    return json.loads((V02 / "baseline.json").read_text(encoding="utf-8"))


def _v02_preset(preset: str) -> str:
    return preset if preset == "baseline" else str(V02 / f"{preset}.toml")


@pytest.mark.parametrize("case", [c[0] for c in update_baseline.CASES])
def test_model2_switched_off_reproduces_version_0_2(stored, case):
    old = stored["cases"][case]
    params = {**OLD_DEFAULTS, **OFF, **old["params"]}
    new = update_baseline.compute_case(_v02_preset(old["preset"]), old["seed"], params)
    # compare only what version 0.2 reported (Model 2.0 adds figures)
    new["summary"] = {k: new["summary"].get(k, "missing") for k in old["summary"]}
    new["series"] = {k: new["series"].get(k, []) for k in old["series"]}
    new["preset"], new["params"] = old["preset"], old["params"]
    diffs = update_baseline.differences({"cases": {case: old}}, {"cases": {case: new}})
    assert not diffs, "Model 2.0 switched off differs from version 0.2:\n" + "\n".join(diffs)


def test_off_names_declared_parameters():
    from ibusim.model.parameters import PARAMS, validate

    assert set(OFF) <= set(PARAMS) and set(OLD_DEFAULTS) <= set(PARAMS)
    validate({**OLD_DEFAULTS, **OFF})  # the off values are allowed values
