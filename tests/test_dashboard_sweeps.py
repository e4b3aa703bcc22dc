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
        ([factor(low="abc")], 1, ["follow_rate", "low = 'abc'", "not read"]),
        ([factor(high="")], 1, ["follow_rate", "high = ''", "empty"]),
        ([factor(low="0.05", high="0.01")], 1, ["follow_rate", "empty range"]),
        ([factor(high="2")], 1, ["follow_rate", "is not allowed"]),
        ([factor()], 0, ["replications", "1-20"]),
        ([factor()], 21, ["replications", "1-20"]),
        ([factor()], "two", ["replications = 'two'", "1-20"]),
        ([factor()], True, ["replications = True", "1-20"]),
        ([{"name": "free_class_size", "low": "1.5", "high": "3", "levels": "2"}], 1, ["free_class_size"]),
    ],
)
def test_build_spec_errors_are_one_line(factors, reps, words):
    with pytest.raises((SpecError, ParameterError)) as e:
        sweeps.build_spec(factors, {}, reps, 1)
    one_line_error(e, *words)


def id_factor(**kw) -> dict:
    """A factor as typed on the Indonesian page (decimal comma)."""
    return factor(**{"low": "0,01", "high": "0,05", **kw})


@pytest.mark.parametrize(
    "factors, reps, english, indonesian",
    [
        ([], 1, "choose a parameter to sweep", "pilih satu parameter untuk uji rentang"),
        ([id_factor(), id_factor()], 1, "choose two different parameters", "pilih dua parameter yang berbeda"),
        (
            [id_factor(high="abc")],
            1,
            None,  # the number reader's reason is written in the page's language (NumberError)
            "follow_rate: high = 'abc': abc tidak dibaca: ketik angkanya saja, misalnya 0,05",
        ),
        (
            [id_factor(low="0.01")],
            1,
            None,
            "follow_rate: low = '0.01': dalam bahasa Indonesia titik memisahkan ribuan per tiga angka dan koma "
            "adalah tanda desimal: ketik 0,01",
        ),
        (
            [id_factor(levels="13")],
            1,
            "follow_rate: levels = '13' must be an integer in 2-12",
            "follow_rate: jumlah tingkat (levels) = '13' harus bilangan bulat 2-12",
        ),
        ([id_factor()], 21, "replications = 21 must be an integer in 1-20", "replikasi = 21 harus bilangan bulat 1-20"),
    ],
    ids=["none", "same-twice", "not-a-number", "english-decimal-point", "levels", "replications"],
)
def test_the_sweep_forms_errors_are_indonesian_on_an_indonesian_page(factors, reps, english, indonesian):
    with pytest.raises(SpecError) as e:  # still a SpecError (and a ValueError) for the page's except clause
        sweeps.build_spec(factors, {}, reps, 1, lang="id")
    indonesian_line = error_text(e.value, "id")
    assert "\n" not in indonesian_line
    if english is not None:
        assert str(e.value) == english
    assert indonesian_line == indonesian


@pytest.mark.parametrize("low,grid", [("0.5", [0.5, 0.9]), (".5", None), ("5.", None), ("infinity", None)])
def test_numbers_are_read_as_a_person_types_them(low, grid):
    """A number in digits with a decimal mark between digits is read; anything else is refused with the reason."""
    if grid is not None:
        spec = sweeps.build_spec([factor(low=low, high="0.9", levels="2")], {}, 1, 1)
        assert spec.factors[0].grid() == grid
        return
    with pytest.raises(SpecError) as e:
        sweeps.build_spec([factor(low=low, high="0.9", levels="2")], {}, 1, 1)
    one_line_error(e, "follow_rate", f"low = {low!r}: ")


def test_the_indonesian_page_reads_decimal_commas_and_thousands_points():
    form = [
        id_factor(low="0,05", high="0,15", levels="3"),
        {"name": "wtp_median", "low": "Rp 500.000", "high": "1.500.000", "levels": "2"},
    ]
    typed = [dict(f) for f in form]
    spec = sweeps.build_spec(form, {}, "2", 1, lang="id")
    assert [f.grid() for f in spec.factors] == [[0.05, 0.1, 0.15], [500000.0, 1500000.0]]
    assert spec.replications == 2
    assert form == typed  # the page's own texts are not replaced by numbers
    data = tomllib.loads(spec.source)  # the downloadable spec.toml writes numbers as TOML does
    assert data["factors"]["wtp_median"] == {"range": [500000.0, 1500000.0], "levels": 2}
    counts = sweeps.build_spec(
        [{"name": "free_class_size", "low": "1.000", "high": "1.500", "levels": "2"}], {}, 1, 1, lang="id"
    )
    assert counts.factors[0].grid() == [1000, 1500]


def test_the_english_page_refuses_a_thousands_point_as_ambiguous():
    form = [{"name": "wtp_median", "low": "500.000", "high": "1,500,000", "levels": "2"}]
    with pytest.raises(SpecError) as e:
        sweeps.build_spec(form, {}, 1, 1, lang="en")
    assert str(e.value) == (
        "wtp_median: low = '500.000': ambiguous: is it 500 or 500000? Type the one you mean as written here"
    )
    assert error_text(e.value, "id") == (
        "wtp_median: low = '500.000': bisa dibaca dua cara: 500 atau 500000? "
        "Ketik yang dimaksud persis seperti tertulis di sini"
    )
    spec = sweeps.build_spec([dict(form[0], low="500,000")], {}, 1, 1, lang="en")
    assert spec.factors[0].grid() == [500000.0, 1500000.0]


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


@pytest.mark.parametrize("name", NUMERIC)
def test_the_indonesian_pages_default_sweep_of_each_parameter_is_valid(name):
    low, high = sweeps.default_range(name, FORM[name], "id")
    assert "." not in low + high or PARAMS[name].type == "int"  # no English decimal point on the Indonesian page
    spec = sweeps.build_spec([{"name": name, "low": low, "high": high, "levels": "5"}], {}, 2, 1, lang="id")
    en = sweeps.build_spec(
        [dict(zip(("name", "low", "high", "levels"), (name, *sweeps.default_range(name, FORM[name]), "5")))], {}, 2, 1
    )
    assert spec.factors == en.factors  # the same numbers, written as each reader writes them


def test_new_folders_are_distinct_and_under_results(monkeypatch, tmp_path):
    monkeypatch.setattr(sweeps, "RESULTS", tmp_path)
    a, b = sweeps.new_folder(), sweeps.new_folder()
    assert a != b and a.parent == b.parent == tmp_path and a.name.startswith("dashboard-sweep-")
    assert not a.exists()


def test_a_language_switch_rewrites_the_typed_range_for_the_new_reader():
    typed = id_factor(low="0,05", high="0,125")
    english = sweeps.retype(typed, "id", "en")
    assert (english["low"], english["high"]) == ("0.05", "0.125") and typed["low"] == "0,05"
    assert sweeps.retype(english, "en", "id") == typed
    money = {"name": "wtp_median", "low": "1.500.000", "high": "abc", "levels": "2"}
    assert sweeps.retype(money, "id", "en") == {**money, "low": "1500000"}  # what it cannot read stays as typed
    assert sweeps.retype({"name": "free_class", "levels": "3"}, "id", "en") == {"name": "free_class", "levels": "3"}
