"""The dashboard's sweeps (dashboard/sweeps.py): specs built from the form, one-line errors."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ibusim.dashboard import sweeps
from ibusim.experiments.spec import SpecError, parse_spec
from ibusim.i18n import error_text
from ibusim.model.parameters import PARAMS, ParameterError
from ibusim.model.scenarios import load

FORM = load("ipm")
NUMERIC = [n for n in sweeps.sweepable() if PARAMS[n].type in ("int", "float")]


def factor(name="follow_rate", low="0.01", high="0.05", levels="3") -> dict:
    return {"name": name, "low": low, "high": high, "levels": levels}


def one_line_error(exc_info, *words):
    msg = str(exc_info.value)
    assert "\n" not in msg, msg
    for w in words:
        assert w in msg, (w, msg)
    return msg


# ---------------------------------------------------------------- specs
def test_sweepable_are_the_numbers_and_switches_but_not_the_population():
    names = sweeps.sweepable()
    assert "n_mothers" not in names
    assert {"follow_rate", "free_class", "free_class_size"} <= set(names)
    assert all(PARAMS[n].type in ("int", "float", "bool") for n in names)
    assert not [
        n for n, p in PARAMS.items() if p.type in ("int", "float", "bool") and n not in names and n != "n_mothers"
    ]


def test_spec_text_round_trips_through_build_spec():
    fixed = {"n_mothers": 3000, "end": "2021-01", "follow_rate": 0.02, "free_class": False, "mixing": "homogeneous"}
    factors = [factor(), {"name": "free_class_size", "low": "50", "high": "150", "levels": "2"}]
    spec = sweeps.build_spec(factors, fixed, 2, 7)
    assert [f.name for f in spec.factors] == ["follow_rate", "free_class_size"]
    assert [f.grid() for f in spec.factors] == [[0.01, 0.03, 0.05], [50, 150]]
    assert spec.fixed == {"n_mothers": 3000, "end": "2021-01", "free_class": False, "mixing": "homogeneous"}
    assert (spec.replications, spec.seed, spec.scenario, spec.design) == (2, 7, "baseline", "full_factorial")
    assert len(spec.points()) == 6
    assert spec.name.startswith("dashboard-")
    again = parse_spec(tomllib.loads(spec.source), "again", spec.source)  # the downloadable spec.toml
    assert again.factors == spec.factors and again.fixed == spec.fixed and again.points() == spec.points()


def test_spec_text_writes_the_fixed_values_and_factor_tables():
    text = sweeps.spec_text([factor()], {"end": "2021-01", "follow_rate": 0.02, "free_class": True}, 3, 5, "x")
    data = tomllib.loads(text)
    assert data["experiment"]["replications"] == 3 and data["experiment"]["seed"] == 5
    assert data["fixed"] == {"end": "2021-01", "free_class": True}  # the swept parameter is not fixed
    assert data["factors"]["follow_rate"] == {"range": [0.01, 0.05], "levels": 3}


def test_a_switch_sweeps_false_and_true():
    spec = sweeps.build_spec([{"name": "free_class", "levels": "5"}], {}, 1, 1)
    assert spec.factors[0].grid() == [False, True]


@pytest.mark.parametrize(
    "factors,reps,words",
    [
        ([], 1, ["choose a parameter"]),
        ([factor(), factor(levels="2")], 1, ["two different parameters"]),
        ([factor(name="nope")], 1, ["unknown parameter", "nope"]),
        ([factor(levels="1")], 1, ["follow_rate", "levels", "2-12"]),
        ([factor(levels="x")], 1, ["follow_rate", "levels", "2-12"]),
        ([factor(levels="13")], 1, ["follow_rate", "levels"]),
        ([factor(low="abc")], 1, ["follow_rate", "low", "not a number"]),
        ([factor(high="")], 1, ["follow_rate", "high", "not a number"]),
        ([factor(low="0.05", high="0.01")], 1, ["follow_rate", "empty range"]),
        ([factor(high="2")], 1, ["follow_rate", "is not allowed"]),
        ([factor()], 0, ["replications", "1-20"]),
        ([factor()], 21, ["replications", "1-20"]),
        ([factor()], "2", ["replications"]),
        ([{"name": "free_class_size", "low": "1.5", "high": "3", "levels": "2"}], 1, ["free_class_size"]),
    ],
)
def test_build_spec_errors_are_one_line(factors, reps, words):
    with pytest.raises((SpecError, ParameterError)) as e:
        sweeps.build_spec(factors, {}, reps, 1)
    one_line_error(e, *words)


@pytest.mark.parametrize(
    "factors, reps, english, indonesian",
    [
        ([], 1, "choose a parameter to sweep", "pilih satu parameter untuk uji rentang"),
        ([factor(), factor()], 1, "choose two different parameters", "pilih dua parameter yang berbeda"),
        ([factor(high="abc")], 1, "follow_rate: high = 'abc' is not a number", "follow_rate: high = 'abc' bukan angka"),
        (
            [factor(levels="13")],
            1,
            "follow_rate: levels = '13' must be an integer in 2-12",
            "follow_rate: jumlah tingkat (levels) = '13' harus bilangan bulat 2-12",
        ),
        ([factor()], 21, "replications = 21 must be an integer in 1-20", "replikasi = 21 harus bilangan bulat 1-20"),
    ],
    ids=["none", "same-twice", "not-a-number", "levels", "replications"],
)
def test_the_sweep_forms_errors_are_indonesian_on_an_indonesian_page(factors, reps, english, indonesian):
    with pytest.raises(SpecError) as e:  # still a SpecError (and a ValueError) for the page's except clause
        sweeps.build_spec(factors, {}, reps, 1)
    assert str(e.value) == english
    assert error_text(e.value, "id") == indonesian


@pytest.mark.parametrize("low,grid", [(".5", [0.5, 0.9]), ("5.", None), ("infinity", None)])
def test_numbers_python_accepts_but_toml_does_not(low, grid):
    """A number float() reads is the number it reads; one out of bounds is refused naming the parameter."""
    if grid is not None:
        spec = sweeps.build_spec([factor(low=low, high="0.9", levels="2")], {}, 1, 1)
        assert spec.factors[0].grid() == grid
        return
    with pytest.raises(SpecError) as e:
        sweeps.build_spec([factor(low=low, high="0.9", levels="2")], {}, 1, 1)
    one_line_error(e, "follow_rate")


def test_cross_parameter_rules_are_checked_at_every_point():
    with pytest.raises(SpecError) as e:
        sweeps.build_spec([factor(name="share_long_distance", low="0.2", high="0.9", levels="2")], {}, 1, 1)
    one_line_error(e, "share_long_distance", "share_migrated")


# ---------------------------------------------------------------- default ranges
def test_default_range_of_a_switch():
    assert sweeps.default_range("free_class", True) == ("false", "true")


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_default_range_is_a_nonempty_range_inside_the_bounds(data):
    name = data.draw(st.sampled_from(NUMERIC))
    p = PARAMS[name]
    lo, hi = p.bounds
    if p.type == "int":
        value = data.draw(st.integers(int(lo), int(hi)))
    else:
        value = data.draw(st.floats(lo, hi, allow_nan=False))
    a, b = sweeps.default_range(name, value)
    if p.type == "int":
        assert str(int(a)) == a and str(int(b)) == b
    assert lo <= float(a) < float(b) <= hi, (name, value, a, b)


@pytest.mark.parametrize("name", NUMERIC)
def test_the_pages_default_sweep_of_each_parameter_is_valid(name):
    low, high = sweeps.default_range(name, FORM[name])
    spec = sweeps.build_spec([{"name": name, "low": low, "high": high, "levels": "5"}], {}, 2, 1)
    assert len(spec.points()) == 5


def test_new_folders_are_distinct_and_under_results(monkeypatch, tmp_path):
    monkeypatch.setattr(sweeps, "RESULTS", tmp_path)
    a, b = sweeps.new_folder(), sweeps.new_folder()
    assert a != b and a.parent == b.parent == tmp_path and a.name.startswith("dashboard-sweep-")
    assert not a.exists()
