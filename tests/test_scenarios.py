"""Scenarios (model/scenarios.py): presets are differences from the baseline; files are validated."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from ibusim.model import CommunityModel, ParameterError, scenarios
from ibusim.model.parameters import DEFAULTS, PARAMS
from ibusim.model.scenarios import PRESET_DIR, parse, read_run, to_toml

SHIPPED = ("ipm", "ibusibuk")


def preset_file(name: str):
    return scenarios.PRESET_DIR / f"{name}.toml"


def write(tmp_path, text: str, name: str = "scen.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(scenario) -> str:
    with pytest.raises(ParameterError) as e:
        scenarios.load(scenario)
    msg = str(e.value)
    assert "\n" not in msg, msg
    return msg


def test_presets_lists_baseline_and_the_shipped_files():
    assert scenarios.presets() == ["baseline", "ibusibuk", "ipm"]
    assert scenarios.DEFAULT == "ipm"


@pytest.mark.parametrize("name", ["baseline", *SHIPPED])
def test_presets_load_to_a_full_valid_parameter_set(name):
    p = scenarios.load(name)
    assert p.keys() == DEFAULTS.keys()
    assert scenarios.describe(name)


def test_baseline_is_the_declared_defaults():
    assert scenarios.overrides("baseline") == {}
    assert scenarios.load("baseline") == DEFAULTS


@pytest.mark.parametrize("name", SHIPPED)
def test_preset_file_has_only_scenario_and_params_tables(name):
    data = tomllib.loads(preset_file(name).read_text(encoding="utf-8"))
    assert set(data) == {"scenario", "params"}
    assert data["scenario"]["name"] == name
    assert data["scenario"]["description"].strip()


@pytest.mark.parametrize("name", SHIPPED)
def test_preset_params_are_declared_parameters(name):
    params = tomllib.loads(preset_file(name).read_text(encoding="utf-8"))["params"]
    assert params
    assert set(params) <= set(PARAMS)
    assert scenarios.overrides(name) == params


@pytest.mark.parametrize("name", SHIPPED)
def test_presets_are_differences_from_the_baseline(name):
    same = {k: v for k, v in scenarios.overrides(name).items() if DEFAULTS[k] == v}
    assert same == {}


@pytest.mark.parametrize("name", SHIPPED)
def test_preset_changes_override_the_preset(name):
    p = scenarios.load(name, n_mothers=777, free_class=True)
    assert p["n_mothers"] == 777 and p["free_class"] is True
    with pytest.raises(ParameterError):
        scenarios.load(name, n_mothers=1)


def test_ipm_and_ibusibuk_differ_where_their_files_say():
    ipm, ibu, base = scenarios.load("ipm"), scenarios.load("ibusibuk"), scenarios.load("baseline")
    assert ipm["interest_rate"] != base["interest_rate"]
    assert ibu["free_class"] is False and base["free_class"] is True
    assert ibu["n_brands"] == 8 and base["n_brands"] == 0
    # everything not in a preset file is the baseline
    for name, p in (("ipm", ipm), ("ibusibuk", ibu)):
        changed = scenarios.overrides(name)
        assert {k for k in p if p[k] != base[k]} <= set(changed)


# ---------------------------------------------------------------- bad scenarios
def test_unknown_preset_name_is_rejected_with_the_choices():
    msg = error_for("ipmm")
    assert "ipmm" in msg and "ipm" in msg and "ibusibuk" in msg and "baseline" in msg


def test_missing_file_is_named(tmp_path):
    path = tmp_path / "nope.toml"
    assert str(path) in error_for(path)


def test_malformed_toml_names_the_file(tmp_path):
    path = write(tmp_path, "[params]\nn_mothers = = 3\n", "broken.toml")
    msg = error_for(path)
    assert "broken.toml" in msg and "TOML" in msg


def test_non_utf8_file_names_the_file(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(b"[params]\n# caf\xe9\n")
    assert "latin1.toml" in error_for(path)


def test_unknown_table_names_the_file_and_the_table(tmp_path):
    path = write(tmp_path, '[scenario]\nname = "x"\n[parameters]\nn_mothers = 3000\n', "tables.toml")
    msg = error_for(path)
    assert "tables.toml" in msg and "parameters" in msg


def test_unknown_parameter_names_the_file_and_the_parameter(tmp_path):
    path = write(tmp_path, "[params]\nn_mothers = 3000\ninterest_rat = 0.01\n", "typo.toml")
    msg = error_for(path)
    assert "typo.toml" in msg and "interest_rat" in msg


@pytest.mark.parametrize(
    "line,name",
    [
        ("n_mothers = 10", "n_mothers"),
        ('n_mothers = "3000"', "n_mothers"),
        ("free_class = 1", "free_class"),
        ("start = 2020-04-01", "start"),
        ('end = "2019-12"', "end"),
        ("ties_per_side = 0", "ties_per_side"),
        ("interest_rate = nan", "interest_rate"),
        ('mixing = "random"', "mixing"),
    ],
)
def test_bad_value_in_a_file_names_the_file_and_the_parameter(tmp_path, line, name):
    path = write(tmp_path, f"[params]\n{line}\n", "badvalue.toml")
    msg = error_for(path)
    assert "badvalue.toml" in msg and name in msg


@pytest.mark.parametrize("text", ["params = 3\n", "params = [1, 2]\n", 'params = "n_mothers=3000"\n'])
def test_params_that_is_not_a_table_names_the_file(tmp_path, text):
    path = write(tmp_path, text, "flat.toml")
    assert "flat.toml" in error_for(path)


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_non_finite_int_in_a_file_names_the_file(tmp_path, value):
    path = write(tmp_path, f"[params]\nn_mothers = {value}\n", "nonfinite.toml")
    assert "nonfinite.toml" in error_for(path)


# ---------------------------------------------------------------- files as presets
def test_scenario_file_works_as_a_preset(tmp_path):
    path = write(
        tmp_path,
        '[scenario]\nname = "small"\ndescription = "a small test"\n'
        '[params]\nn_mothers = 3000\nend = "2020-12"\nfree_class = false\n',
        "small.toml",
    )
    assert scenarios.describe(path) == "a small test"
    assert scenarios.load(str(path)) == scenarios.load("baseline", n_mothers=3000, end="2020-12", free_class=False)
    a = CommunityModel(preset=path, rng=4).run()
    b = CommunityModel(preset=str(path), rng=4).run()
    c = CommunityModel(preset="baseline", rng=4, n_mothers=3000, end="2020-12", free_class=False).run()
    assert a.n == 3000 and a.week == 40 and a.p["free_class"] is False
    assert a.summary()["free_class_graduates"] == 0
    assert_frame_equal(a.dataframe(), b.dataframe())
    assert_frame_equal(a.dataframe(), c.dataframe())
    # keyword parameters still override the file
    d = CommunityModel(preset=path, rng=4, n_mothers=1000)
    assert d.n == 1000 and d.p["end"] == "2020-12"


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "# only a comment\n", '[scenario]\nname = "x"\n'],
    ids=["empty", "blank", "comment", "no-params"],
)
def test_a_scenario_file_without_params_is_refused_not_read_as_the_baseline(tmp_path, text):
    """Issue 13: an empty scenario file silently loaded the baseline; now it is an error saying what to write."""
    path = write(tmp_path, text, "empty.toml")
    msg = error_for(path)
    assert "empty.toml" in msg and "[params]" in msg and "baseline" in msg


def test_an_explicit_empty_params_table_is_the_baseline(tmp_path):
    path = write(tmp_path, '[scenario]\nname = "same"\n\n[params]\n', "same.toml")
    assert scenarios.overrides(path) == {}
    assert scenarios.load(path) == DEFAULTS


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("[params]\nn_mothers = " + "9" * 5000 + "\n", "too large"),  # tomllib: the 4,300-digit limit
        ("[params]\nn_mothers = " + "9" * 400 + "\n", "n_mothers"),  # OverflowError: int too large for a float
        ("[params]\ninterest_rate = " + "9" * 400 + "\n", "interest_rate"),
        ("[params]\nx = " + "[" * 5000 + "]" * 5000 + "\n", "deeply"),  # RecursionError in tomllib
        ('[scenario]\nname = "x"\ncolour = "red"\n[params]\n', "colour"),
        ("[scenario]\nname = 5\n[params]\n", "name"),
        ("scenario = 3\n[params]\n", "scenario"),
    ],
    ids=["5000-digits", "400-digit-int", "400-digit-float", "deep-nesting", "unknown-key", "name-type", "head-type"],
)
def test_huge_numbers_deep_nesting_and_bad_headers_give_one_line(tmp_path, text, fragment):
    path = write(tmp_path, text, "odd.toml")
    msg = error_for(path)
    assert "odd.toml" in msg and fragment in msg and len(msg) < 500


def test_model_default_preset_is_ipm():
    assert CommunityModel(rng=1, n_mothers=500).p == scenarios.load("ipm", n_mothers=500)


# ---------------------------------------------------------------- parse / to_toml (scenario text, e.g. the dashboard's)
def value_of(name: str) -> st.SearchStrategy:
    """Any allowed value of one declared parameter, of its declared type."""
    p = PARAMS[name]
    if p.type == "bool":
        return st.booleans()
    if p.type == "int":
        return st.integers(int(p.bounds[0]), int(p.bounds[1]))
    if p.type == "float":
        return st.floats(p.bounds[0], p.bounds[1], allow_nan=False)
    if p.type == "choice":
        return st.sampled_from(p.choices)
    return st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(2000, 2100), st.integers(1, 12))


@st.composite
def changes(draw) -> dict:
    names = draw(st.lists(st.sampled_from(sorted(PARAMS)), max_size=12, unique=True))
    out = {n: draw(value_of(n)) for n in names}
    try:
        scenarios.load("baseline", **out)  # keep the sets the cross-parameter rules allow
    except ParameterError:
        assume(False)
    return out


PLAIN_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(changes(), PLAIN_TEXT, PLAIN_TEXT)
def test_to_toml_parses_back_to_the_same_changes(ch, name, description):
    text = scenarios.to_toml(ch, name=name, description=description)
    back = scenarios.parse(text, "roundtrip.toml")
    assert back == ch
    assert {k: type(v) for k, v in back.items()} == {k: type(v) for k, v in ch.items()}
    assert scenarios.parse(text.encode("utf-8")) == ch
    data = tomllib.loads(text)
    assert data["scenario"] == {"name": name, "description": description}


def test_to_toml_of_a_preset_gives_the_preset(tmp_path):
    for preset in SHIPPED:
        text = scenarios.to_toml(scenarios.overrides(preset), name=preset)
        assert scenarios.parse(text) == scenarios.overrides(preset)
        assert scenarios.load(write(tmp_path, text, f"{preset}-copy.toml")) == scenarios.load(preset)


def test_parse_of_nothing_is_refused_and_of_an_empty_params_table_is_the_baseline():
    for text in ("", b"[scenario]\nname = 'x'\n"):
        with pytest.raises(ParameterError, match=r"no \[params\] table"):
            scenarios.parse(text)
    assert scenarios.parse("[params]\n") == {} and scenarios.parse(b"[scenario]\nname = 'x'\n[params]\n") == {}


@pytest.mark.parametrize("description", ["two\nlines", "nul\x00", "del\x7f"])
def test_to_toml_writes_valid_toml_for_any_description(description):
    scenarios.parse(scenarios.to_toml({"n_mothers": 3000}, description=description))


@pytest.mark.parametrize(
    "text,words",
    [
        ("[params]\nn_mothers = = 3\n", ["TOML"]),
        (b"[params]\n# caf\xe9\n", []),
        ("[parameters]\nn_mothers = 3000\n", ["parameters"]),
        ("params = 3\n", ["params"]),
        ("[params]\ninterest_rat = 0.01\n", ["interest_rat"]),
        ("[params]\nn_mothers = 10\n", ["n_mothers"]),
        ('[params]\nstart = "2021-01"\nend = "2020-12"\n', ["end", "start"]),
    ],
)
def test_parse_errors_name_the_origin(text, words):
    with pytest.raises(ParameterError) as e:
        scenarios.parse(text, "dropped.toml")
    msg = str(e.value)
    assert "\n" not in msg and "dropped.toml" in msg
    for w in words:
        assert w in msg


def test_parse_default_origin_is_named():
    with pytest.raises(ParameterError, match="scenario file"):
        scenarios.parse("[params]\nn_mothers = = 3\n")


# ---------------------------------------------------------------- the seed ([run])
def test_to_toml_with_a_seed_reads_back_the_seed_and_the_same_changes():
    text = to_toml({"n_mothers": 3000}, "mine", "x", seed=123)
    assert parse(text) == {"n_mothers": 3000}
    assert read_run(text) == {"seed": 123}


def test_a_file_without_run_has_no_seed_and_presets_still_load():
    assert read_run(to_toml({"n_mothers": 3000})) == {}
    for name in ("ipm", "ibusibuk"):
        assert read_run((PRESET_DIR / f"{name}.toml").read_bytes()) == {}


@pytest.mark.parametrize(
    "run,fragment",
    [
        ('seed = "7"', "seed must be an integer"),
        ("seed = -1", "seed must be an integer"),
        ("seed = 2147483648", "seed must be an integer"),
        ("seed = true", "seed must be an integer"),
        ("steps = 3", "unknown key(s) ['steps'] in [run]"),
    ],
)
def test_a_bad_run_table_names_the_file_and_the_problem(run, fragment):
    text = f"[params]\nn_mothers = 3000\n\n[run]\n{run}\n"
    for read in (parse, read_run):
        with pytest.raises(ParameterError) as e:
            read(text, "mine.toml")
        assert "'mine.toml'" in str(e.value) and fragment in str(e.value) and "\n" not in str(e.value)
