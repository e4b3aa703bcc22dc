"""``experiments.run_one`` (experiments/core.py): one run as a plain function of (params, seed)."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

from ibusim import experiments
from ibusim.experiments import core
from ibusim.experiments.spec import summary_keys
from ibusim.model import CommunityModel
from ibusim.model.parameters import ParameterError
from ibusim.model.scenarios import PRESET_DIR

SMALL = {"n_mothers": 3000, "end": "2021-01"}


def same(a: dict, b: dict) -> bool:
    """Equal dicts of floats, NaN equal to NaN (some figures are NaN when nobody qualifies)."""
    return a.keys() == b.keys() and all(a[k] == b[k] or (math.isnan(a[k]) and math.isnan(b[k])) for k in a)


def summary(model) -> dict:
    return {k: float(v) for k, v in model.summary().items()}


@pytest.fixture(scope="module")
def seed3() -> dict:
    return core.run_one(dict(SMALL), 3)


def test_run_one_is_a_plain_module_level_function():
    assert experiments.run_one is core.run_one
    assert inspect.isfunction(core.run_one)
    assert list(inspect.signature(core.run_one).parameters) == ["params", "seed"]
    assert core.run_one.__module__ == "ibusim.experiments.core"  # importable by reference (pickle, Dask)


def test_same_params_and_seed_give_the_same_dict(seed3):
    core.run_one({**SMALL, "free_class": False}, 11)  # another run in between: no hidden state carried over
    again = core.run_one(dict(SMALL), 3)
    assert same(again, seed3)


def test_different_seeds_give_different_runs(seed3):
    other = core.run_one(dict(SMALL), 4)
    assert not same(other, seed3)
    assert other["registered"] != seed3["registered"]


def test_every_summary_figure_is_returned_as_a_float(seed3):
    assert set(seed3) == summary_keys()
    assert all(type(v) is float for v in seed3.values()), {k: type(v) for k, v in seed3.items()}


def test_result_is_the_models_end_of_run_summary(seed3):
    assert same(seed3, summary(CommunityModel(preset="ipm", rng=3, **SMALL).run()))


def test_params_are_not_modified():
    params = {"scenario": "ibusibuk", **SMALL}
    before = dict(params)
    core.run_one(params, 1)
    assert params == before


def test_default_scenario_is_ipm(seed3):
    assert same(core.run_one({"scenario": "ipm", **SMALL}, 3), seed3)


@pytest.mark.parametrize("scenario", ["ibusibuk", "baseline", str(PRESET_DIR / "ibusibuk.toml")])
def test_accepts_a_scenario_name_or_file(scenario, seed3):
    got = core.run_one({"scenario": scenario, **SMALL}, 3)
    assert same(got, summary(CommunityModel(preset=scenario, rng=3, **SMALL).run()))
    assert not same(got, seed3)  # the scenario matters


def test_scenario_file_gives_the_same_run_as_its_preset_name():
    by_name = core.run_one({"scenario": "ibusibuk", **SMALL}, 2)
    by_file = core.run_one({"scenario": str(PRESET_DIR / "ibusibuk.toml"), **SMALL}, 2)
    assert same(by_name, by_file)


def test_numpy_integer_seed_is_the_same_as_a_python_int(seed3):
    assert same(core.run_one(dict(SMALL), np.int64(3)), seed3)
    assert same(core.run_one(dict(SMALL), np.uint32(3)), seed3)


def test_parameters_change_the_run(seed3):
    without = core.run_one({**SMALL, "free_class": False}, 3)
    assert not same(without, seed3)


@pytest.mark.parametrize("params", [{"no_such_parameter": 1}, {"n_mothers": 10}, {"scenario": "nowhere"}])
def test_bad_parameters_raise(params):
    with pytest.raises(ParameterError):
        core.run_one({**SMALL, **params}, 1)
