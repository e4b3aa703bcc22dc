"""The dashboard's session (dashboard/session.py): the form, pending edits, validation and the model.

Plain Python, no Solara: every value goes through the parameter declarations, so the
dashboard refuses what ``ibusim run --set`` refuses and, for the same parameters and
seed, produces the same run.
"""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from ibusim.dashboard.session import (
    DATED_LABELS,
    PRESETS,
    ROLES,
    SEED_MAX,
    Session,
    community_of,
    field_text,
    parse_seed,
    role_params,
    to_text,
)
from ibusim.experiments.run import run_scenario
from ibusim.model.parameters import DEFAULTS, GROUPS, PARAMS, PROGRAMMES, ParameterError, validate
from ibusim.model.scenarios import load, presets, to_toml
from ibusim.model.targets import load as load_targets

SMALL = "20000"  # mothers: a full run in about half a second
SURVEY = {"financial_change", "parenting_change"}  # measured by the impact survey in the last week


def same_summary(a: dict, b: dict) -> bool:
    """Equal key by key, NaN equal to NaN."""
    if a.keys() != b.keys():
        return False
    return all(
        (isinstance(x, float) and math.isnan(x) and isinstance(y, float) and math.isnan(y)) or x == y
        for x, y in ((a[k], b[k]) for k in a)
    )


@pytest.fixture
def s() -> Session:
    return Session()


@pytest.fixture(scope="module")
def finished() -> Session:
    """A small session run to its end (seed 7); do not mutate it."""
    s = Session(seed=7, changes={"n_mothers": int(SMALL)})
    s.run_to_end()
    return s


def test_changes_given_at_the_start_are_applied():
    s = Session(seed=2, changes={"n_mothers": 3000})
    assert s.model.n == 3000 and s.applied_seed == 2 and not s.pending
    with pytest.raises(ParameterError, match="n_mothers"):
        Session(changes={"n_mothers": 5})


def test_a_snapshot_is_one_moment_of_the_model():
    s = Session(changes={"n_mothers": 3000})
    s.step(3)
    snap = s.snapshot()
    assert (snap.week, snap.n_weeks, snap.finished, snap.applied_seed) == (3, s.model.n_weeks, False, 1)
    assert snap.date == s.model.date.isoformat()
    assert list(snap.frame.index) == [0, 1, 2, 3]
    assert [c["name"] for c in snap.cards] == [c["name"] for c in s.cards()]
    assert same_summary({c["name"]: c["simulated"] for c in snap.cards}, {c["name"]: c["simulated"] for c in s.cards()})
    s.step(1)
    assert snap.week == 3 and len(snap.frame) == 4  # a snapshot does not change afterwards


# ---------------------------------------------------------------- the form
def test_default_form_is_the_ipm_preset_and_nothing_is_pending(s):
    assert s.form == load("ipm")
    assert s.source == "ipm"
    assert s.seed == 1 and s.applied_seed == 1
    assert s.applied == s.form
    assert s.model.p == load("ipm")
    assert s.progress == (0, s.model.n_weeks)
    assert not s.pending and s.edited == [] and s.errors == {} and s.message == ""


def test_good_text_changes_the_form_only(s):
    model = s.model
    assert s.set_value("follow_rate", " 0.05 ") is None
    assert s.form["follow_rate"] == 0.05
    assert s.text("follow_rate") == "0.05"
    assert s.model is model and s.model.p["follow_rate"] == load("ipm")["follow_rate"]  # pending until reset
    assert s.set_value("n_mothers", "20_000") is None and s.form["n_mothers"] == 20000
    assert s.set_value("free_class", "false") is None and s.form["free_class"] is False
    assert s.set_value("free_class", True) is None and s.form["free_class"] is True  # typed values too
    assert s.set_value("end", "2022-06") is None and s.form["end"] == "2022-06"


@pytest.mark.parametrize(
    "name,text",
    [
        ("follow_rate", "abc"),
        ("follow_rate", "1.5"),
        ("follow_rate", "-0.1"),
        ("follow_rate", "nan"),
        ("follow_rate", ""),
        ("n_mothers", "10"),
        ("n_mothers", "3000.5"),
        ("n_mothers", "1e9"),
        ("free_class", "maybe"),
        ("end", "2024-13"),
        ("end", "December"),
        ("mixing", "random"),
    ],
)
def test_bad_text_is_refused_with_one_line_naming_the_parameter(s, name, text):
    old = s.form[name]
    msg = s.set_value(name, text)
    assert msg is not None and "\n" not in msg
    assert name in msg  # names the parameter (model/parameters.py's parse_value, in the page's language)
    assert s.form[name] == old  # the old value stays
    assert s.errors == {name: msg}
    assert s.text(name) == text  # the bad text is shown back in its field
    assert s.pending


def test_fixing_the_text_clears_the_error(s):
    s.set_value("follow_rate", "abc")
    assert s.set_value("follow_rate", to_text(s.form["follow_rate"])) is None
    assert s.errors == {} and s.texts == {}
    assert not s.pending


def test_typed_value_of_the_wrong_type_is_refused(s):
    msg = s.set_value("n_mothers", 3000.5)
    assert msg is not None and msg.startswith("parameter 'n_mothers' = ")
    assert s.form["n_mothers"] == load("ipm")["n_mothers"]


def test_unknown_parameter_raises_and_leaves_the_form_alone(s):
    for value in (3, "3"):
        with pytest.raises(ParameterError, match="nope"):
            s.set_value("nope", value)
        assert s.errors == {} and not s.pending


# ---------------------------------------------------------------- pending edits
def test_pending_lists_the_edited_fields_and_reset_applies_them(s):
    assert not s.pending
    s.set_value("follow_rate", "0.05")
    s.set_value("n_mothers", SMALL)
    assert s.pending
    assert sorted(s.edited) == ["follow_rate", "n_mothers"]
    s.set_value("follow_rate", to_text(load("ipm")["follow_rate"]))  # back to the model's value
    assert s.edited == ["n_mothers"]
    old = s.model
    assert s.reset() is None
    assert s.model is not old
    assert s.model.n == 20000 and s.model.p == validate(s.form)
    assert not s.pending and s.edited == [] and s.message == ""


def test_a_new_seed_is_pending_until_reset(s):
    assert s.set_seed("42") is None
    assert s.pending and s.edited == [] and s.applied_seed == 1
    s.reset()
    assert not s.pending and s.applied_seed == 42


@pytest.mark.parametrize("text", ["abc", "-1", str(SEED_MAX + 1), "1.5", ""])
def test_bad_seed_is_refused_and_kept_as_a_field_error(s, text):
    msg = s.set_seed(text)
    assert msg is not None and "seed" in msg and "is not allowed" in msg and "\n" not in msg
    assert s.seed == 1 and s.errors == {"seed": msg} and s.pending
    with pytest.raises(ParameterError):
        parse_seed(text)


def test_a_bad_seed_typed_in_indonesian_is_refused_in_indonesian():
    s = Session(seed=2, changes={"n_mothers": 3000}, lang="id")
    msg = s.set_seed("1.5")
    assert msg == "seed = '1.5' tidak diperbolehkan: seharusnya bilangan bulat dalam [0, 2.147.483.647]"
    assert s.errors == {"seed": msg} and s.seed == 2
    with pytest.raises(ParameterError) as info:
        parse_seed("1.5")
    assert str(info.value) == "seed = '1.5' is not allowed: expected an integer in [0, 2,147,483,647]"
    fix = s.reset()  # the form-wide line asking to fix the field, in Indonesian too
    assert fix == "perbaiki dulu 1 isian: " + msg
    assert s.set_seed("7") is None and s.message == ""  # gone once the field is fixed (whatever the language)


def test_the_form_and_file_problems_are_in_the_pages_language():
    s = Session(seed=2, changes={"n_mothers": 3000}, lang="id")
    assert s.set_value("share_long_distance", "0,8") is None and s.set_value("share_migrated", "0,5") is None
    msg = s.reset()
    assert msg == s.message and msg.startswith("parameter harus memenuhi"), msg
    assert "share_long_distance = 0,8" in msg and "is not" not in msg and "must" not in msg
    msg = s.load_scenario("[params]\nfollow_rate = 2.0\n", "bad.toml")
    assert msg.startswith("berkas skenario 'bad.toml': parameter 'follow_rate' = 2 tidak diperbolehkan"), msg
    with pytest.raises(ParameterError) as info:  # a session built from a bad form raises the error itself
        Session(changes={"share_long_distance": 0.8, "share_migrated": 0.5}, lang="id")
    assert str(info.value).startswith("parameters must satisfy")


def test_new_seed_is_in_range_and_pending(s):
    seed = s.new_seed()
    assert 0 <= seed <= SEED_MAX and s.seed == seed
    assert s.pending == (seed != 1)


def test_reset_with_a_field_error_keeps_the_old_model(s):
    s.step(3)
    old = s.model
    s.set_value("n_mothers", SMALL)
    err = s.set_value("follow_rate", "abc")
    msg = s.reset()
    assert msg == s.message
    assert msg.startswith("fix 1 field(s) first") and err in msg and "\n" not in msg
    assert s.model is old and s.model.week == 3 and s.model.n == 120_000
    assert s.pending and s.applied == load("ipm")


def test_cross_parameter_rule_gives_validates_message_and_keeps_the_old_model(s):
    old = s.model
    # each value is allowed alone; together they exceed 1
    assert s.set_value("share_long_distance", "0.8") is None
    assert s.set_value("share_migrated", "0.5") is None
    with pytest.raises(ParameterError) as e:
        validate(s.form)
    msg = s.reset()
    assert msg == str(e.value) == s.message
    assert "share_long_distance" in msg and "share_migrated" in msg
    assert s.model is old and s.pending and s.errors == {}


def test_choose_preset_replaces_the_form_pending_until_reset(s):
    s.set_value("follow_rate", "abc")
    s.choose_preset("baseline")
    assert s.form == DEFAULTS and s.source == "baseline"
    assert s.errors == {} and s.texts == {} and s.message == ""
    assert s.pending and s.model.p == load("ipm")
    s.choose_preset("ibusibuk")
    assert s.form == load("ibusibuk")
    assert s.reset() is None and s.model.p == load("ibusibuk")


def test_unknown_preset_is_refused_and_changes_nothing(s):
    with pytest.raises(ParameterError, match="ipmm"):
        s.choose_preset("ipmm")
    assert s.form == load("ipm") and s.source == "ipm"


def test_presets_offered_are_the_shipped_scenarios():
    assert sorted(PRESETS.values()) == sorted(presets())


# ---------------------------------------------------------------- scenario files
def test_saved_scenario_loads_back_to_the_same_form(s):
    s.set_value("follow_rate", "0.05")
    s.set_value("free_class", "false")
    s.set_value("end", "2022-06")
    s.set_value("mixing", "homogeneous")
    text = s.scenario_toml()
    assert 'name = "ipm-edited"' in text
    other = Session()
    for data in (text, text.encode()):
        assert other.load_scenario(data, "mine.toml") is None
        assert other.form == s.form
        assert other.source == "mine.toml" and other.message == ""
        assert other.pending  # loaded, not yet applied
    assert 'name = "mine-edited"' in other.scenario_toml()
    assert other.changes() == s.changes()


def test_changes_are_the_differences_from_the_baseline(s):
    assert s.changes() == {k: v for k, v in load("ipm").items() if v != DEFAULTS[k]}
    s.choose_preset("baseline")
    assert s.changes() == {}


@pytest.mark.parametrize(
    "data,words",
    [
        ("[params]\nfollow_rate = = 3\n", ["bad.toml", "TOML"]),
        (b"[params]\n# caf\xe9\n", ["bad.toml"]),
        ("[params]\nfollow_rat = 0.05\n", ["bad.toml", "follow_rat"]),
        ("[params]\nfollow_rate = 2.0\n", ["bad.toml", "follow_rate"]),
        ("[parameters]\nfollow_rate = 0.05\n", ["bad.toml", "parameters"]),
        ("[params]\nshare_long_distance = 0.8\nshare_migrated = 0.5\n", ["bad.toml", "share_migrated"]),
    ],
)
def test_bad_scenario_file_gives_a_message_and_changes_nothing(s, data, words):
    s.set_value("follow_rate", "0.05")
    form, source, model = dict(s.form), s.source, s.model
    msg = s.load_scenario(data, "bad.toml")
    assert msg is not None and msg == s.message and "\n" not in msg
    for w in words:
        assert w in msg
    assert s.form == form and s.source == source and s.model is model


# ---------------------------------------------------------------- the run
def test_session_run_equals_the_cli_run(finished):
    expected = run_scenario("ipm", 7, n_mothers=20000)
    assert finished.finished and finished.progress == (expected.week, expected.n_weeks)
    assert same_summary(finished.model.summary(), expected.summary())
    assert_frame_equal(finished.frame(), expected.dataframe())


def test_step_stops_at_the_end(finished):
    week = finished.model.week
    finished.step(5)
    assert finished.model.week == week and finished.finished


def test_cards_compare_the_run_with_the_targets(finished):
    targets = load_targets()
    cards = finished.cards()
    assert len(cards) == 8 == len(targets)
    assert [c["name"] for c in cards] == list(targets)
    summary = finished.model.summary()
    for c in cards:
        t = targets[c["name"]]
        assert c["simulated"] == float(summary[t.summary])
        assert (c["observed"], c["low"], c["high"], c["quote"]) == (t.value, t.low, t.high, t.quote)
        assert c["label"] == DATED_LABELS.get(t.name, t.label)  # the run's start replaces "since 2020"
        assert c["inside"] == (t.low <= c["simulated"] <= t.high)
        assert c["final"] and not c["pending"] and c["community"] == "IPM"
        assert c["state"] == ("inside" if c["inside"] else "outside")


def test_survey_cards_are_pending_before_the_end():
    s = Session(changes={"n_mothers": 3000})
    s.step(120)
    for c in s.cards():
        assert not c["final"]
        if c["name"] in SURVEY:
            assert math.isnan(c["simulated"]) and c["pending"] and not c["inside"]
        else:
            assert not math.isnan(c["simulated"]) and not c["pending"]


def test_csv_is_the_weekly_series_with_a_header(finished):
    text = finished.csv().decode()
    header, rest = text.split("\n", 1)
    assert header.startswith("# ibusim dashboard run: seed 7, changes from baseline")
    assert "'n_mothers': 20000" in header
    table = pd.read_csv(io.StringIO(rest), index_col=0)
    frame = finished.frame()
    assert len(table) == len(frame) == finished.model.week + 1
    assert list(table.columns) == list(frame.columns)
    assert (table["cum_registered"].to_numpy() == frame["cum_registered"].to_numpy()).all()


def test_two_sessions_share_nothing():
    a, b = Session(), Session()
    assert a.form is not b.form and a.model is not b.model
    a.set_value("follow_rate", "0.05")
    a.set_value("n_mothers", "abc")
    a.set_seed("9")
    assert b.form == load("ipm") and b.errors == {} and b.seed == 1 and not b.pending
    a.step(2)
    assert b.model.week == 0
    a.choose_preset("baseline")
    assert b.form == load("ipm")


# ---------------------------------------------------------------- roles and text
def test_roles_cover_every_parameter_group_exactly_once():
    groups = [g for gs in ROLES.values() for g in gs]
    assert sorted(groups) == sorted(GROUPS) and len(groups) == len(set(groups))
    names = [n for role in ROLES for n in role_params(role)]
    assert sorted(names) == sorted(PARAMS)  # every parameter has exactly one field


def test_role_params_keep_declaration_order():
    order = list(PARAMS)
    for role in ROLES:
        names = role_params(role)
        assert names == sorted(names, key=order.index)


def test_to_text():
    assert to_text(True) == "true" and to_text(False) == "false"
    assert to_text(0.0046) == "0.0046" and to_text(120000) == "120000" and to_text("2020-04") == "2020-04"


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(sorted(PARAMS)), st.sampled_from(["id", "en"]))
def test_a_default_shown_in_its_field_parses_back_to_itself(name, lang):
    s = Session.__new__(Session)  # the form only: no model needed
    s.form, s.errors, s.texts, s.lang = dict(DEFAULTS), {}, {}, lang
    shown = field_text(name, PARAMS[name].default, lang)
    s.form[name] = None
    assert s.set_value(name, shown) is None, shown
    assert s.form[name] == PARAMS[name].default
    assert type(s.form[name]) is type(PARAMS[name].default)


# ---------------------------------------------------------------- the page's language and numbers
@pytest.mark.parametrize(
    "lang,typed,value",
    [
        ("id", "500.000", 500000.0),
        ("id", "Rp 1.500.000", 1500000.0),
        ("id", "1,5 juta", 1500000.0),
        ("en", "500,000", 500000.0),
        ("en", "Rp 1,500,000", 1500000.0),
    ],
)
def test_a_price_is_read_as_the_pages_reader_writes_it(s, lang, typed, value):
    s.lang = lang
    assert s.set_value("ibu_pebisnis_price", typed) is None
    assert s.form["ibu_pebisnis_price"] == value


def test_an_ambiguous_price_is_refused_never_misread(s):
    s.lang = "en"
    before = s.form["ibu_pebisnis_price"]
    msg = s.set_value("ibu_pebisnis_price", "500.000")  # 500 to an English reader, 500,000 to an Indonesian
    assert msg is not None and "\n" not in msg and "ibu_pebisnis_price" in msg and "500" in msg
    assert s.form["ibu_pebisnis_price"] == before and s.text("ibu_pebisnis_price") == "500.000"


def test_fields_show_numbers_as_the_reader_of_the_language_writes_them(s):
    s.set_value("ibu_pebisnis_price", 1500000.0)
    s.set_value("ibu_pebisnis_financial_effect", 0.5)
    s.lang = "id"
    assert s.text("ibu_pebisnis_price") == "Rp 1.500.000"
    assert s.text("ibu_pebisnis_financial_effect") == "50%"  # a probability as a percentage
    assert s.text("follow_rate") == field_text("follow_rate", s.form["follow_rate"], "id")
    assert "," in s.text("follow_rate") or "." not in s.text("follow_rate")  # a decimal comma
    s.lang = "en"
    assert s.text("ibu_pebisnis_price") == "Rp 1,500,000"
    # typing back what is shown changes nothing
    for lang in ("id", "en"):
        s.lang = lang
        for name in ("ibu_pebisnis_price", "ibu_pebisnis_financial_effect", "n_mothers", "follow_rate"):
            before = s.form[name]
            assert s.set_value(name, s.text(name)) is None and s.form[name] == before


# ---------------------------------------------------------------- revert and clear
def test_revert_goes_back_to_the_preset_and_stays_pending_until_reset(s):
    s.set_value("ibu_pebisnis_places", 40)
    s.set_value("follow_rate", "abc")
    s.reset()  # refused: a field holds bad text
    s.revert()
    assert s.form == load("ipm") and s.errors == {} and s.texts == {} and s.message == ""
    s.choose_preset("ibusibuk")
    s.set_value("jika_ibu_menjadi_places", 10)
    s.revert()
    assert s.form == load("ibusibuk") and s.pending  # the preset chosen, not yet applied


def test_clear_pending_edits_goes_back_to_the_current_run(s):
    applied, seed = dict(s.applied), s.applied_seed
    s.choose_preset("baseline")
    s.set_value("follow_rate", "abc")
    s.set_seed("99")
    assert s.pending
    s.clear_pending()
    assert not s.pending and s.form == applied and s.seed == seed and s.errors == {} and s.source == "ipm"


# ---------------------------------------------------------------- the seed in scenario files
def test_a_saved_scenario_holds_the_seed_and_loading_it_restores_it(s):
    s.set_seed(4242)
    s.set_value("ibu_pebisnis_places", 30)
    saved = s.scenario_toml()
    assert "[run]" in saved and "seed = 4242" in saved
    other = Session()
    assert other.load_scenario(saved, "mine.toml") is None
    assert other.seed == 4242 and other.form == s.form and other.pending
    other.set_seed(5)
    other.revert()  # back to the file, its seed included
    assert other.seed == 4242
    other.reset()
    assert other.applied_seed == 4242


def test_a_scenario_file_without_a_seed_keeps_the_current_seed(s):
    s.set_seed(77)
    assert s.load_scenario(to_toml({"n_mothers": 3000}, "x"), "x.toml") is None
    assert s.seed == 77


# ---------------------------------------------------------------- honest cards
def _states(s):
    return {c["name"]: c["state"] for c in s.cards()}


def test_week_0_cards_say_not_yet_never_outside():
    s = Session(changes={"n_mothers": 3000})
    cards = s.cards()
    assert {c["state"] for c in cards} == {"not_yet"}
    assert not any(c["inside"] for c in cards) and all(c["pending"] for c in cards)


def test_ibusibuk_cards_show_no_ipm_figure_as_a_failure():
    s = Session(preset="ibusibuk", changes={"n_mothers": 3000})
    s.run_to_end()
    cards = s.cards()
    assert {c["state"] for c in cards} == {"no_figure"} and not any(c["inside"] for c in cards)
    assert all(c["community"] is None for c in cards)
    # a file saved from it is still IbuSibuk
    assert community_of("ibusibuk-edited.toml") is None and community_of("ipm") == "IPM"


def test_labels_follow_the_runs_start():
    s = Session(preset="ibusibuk", changes={"n_mothers": 3000})
    (registered,) = [c for c in s.cards() if c["name"] == "registered"]
    assert registered["start"] == "2021-01-01" and "{start}" in registered["label"]
    assert "2020" not in registered["label"]


def test_completion_with_every_paid_class_closed_says_why_it_is_empty():
    closed = {f"{p}_places": 0 for p in PROGRAMMES}
    s = Session(changes={"n_mothers": 3000, **closed})
    s.run_to_end()
    (completion,) = [c for c in s.cards() if c["name"] == "completion"]
    assert completion["state"] == "closed" and not completion["inside"]
    assert math.isnan(completion["simulated"])
