"""The command line in Bahasa Indonesia beyond its own words: the model's errors, output tables, run seeds.

The model raises its errors with an English msgid and fields (:class:`ibusim.i18n.TranslatableError`); the
command line shows them in the reader's language with numbers as that reader writes them, and ``str(e)``
stays the English sentence. ``ibusim run --scenario FILE`` takes the file's ``[run] seed`` unless ``--seed``
is given.
"""

from __future__ import annotations

import json
import pickle

import pytest
from cli_helpers import assert_one_line_error, main

from ibusim.i18n import Localised, TranslatableError, error_text, number
from ibusim.model.parameters import ParameterError, parse_value, validate
from ibusim.model.scenarios import parse, run_settings, to_toml

SMALL = {"n_mothers": 3000, "end": "2020-12"}


# ---------------------------------------------------------------- errors with their msgid
def test_a_translatable_error_is_english_as_a_string_and_translated_on_demand():
    e = ParameterError(
        "parameter '{name}' = {value} is not allowed: expected {allowed}", name="x", value=7, allowed="y"
    )
    assert str(e) == "parameter 'x' = 7 is not allowed: expected y"
    assert e.in_language("en") == str(e)
    assert e.in_language("id") == "parameter 'x' = 7 tidak diperbolehkan: seharusnya y"
    assert error_text(e, "id") == e.in_language("id") and error_text(ValueError("plain"), "id") == "plain"
    assert isinstance(e, ValueError) and isinstance(e, TranslatableError)
    again = pickle.loads(pickle.dumps(e))  # across processes: the English line survives
    assert str(again) == str(e) and type(again) is ParameterError
    with pytest.raises(ParameterError) as info:
        validate({"enrol_rate": 7})  # its fields hold functions (the allowed values in each language)
    again = pickle.loads(pickle.dumps(info.value))
    assert str(again) == str(info.value) and type(again) is ParameterError


def test_a_plain_message_and_braces_without_fields_are_kept_as_written():
    assert str(ParameterError("a {literal} brace")) == "a {literal} brace"
    assert ParameterError("a {literal} brace").in_language("id") == "a {literal} brace"


def test_numbers_inside_an_error_are_written_as_each_reader_writes_them():
    e = TranslatableError("{a} and {b}", a=number(1500000, "money", "1,500,000"), b=number(0.05, "share", "0.05"))
    assert str(e) == "1,500,000 and 0.05"
    assert e.in_language("id") == "Rp 1.500.000 and 5%"  # the msgid is not in the catalogue: English words
    assert Localised("x", lambda lang: "y").in_language("id") == "y"


@pytest.mark.parametrize(
    "params, english, indonesian",
    [
        (
            {"enrol_rate": 7},
            "parameter 'enrol_rate' = 7 is not allowed: expected float in [0, 1]",
            "bilangan antara 0 dan 1",
        ),
        (
            {"enrol_rat": 0.1},
            "unknown parameter 'enrol_rat' (did you mean 'enrol_rate'",
            "tidak dikenal (maksudnya 'enrol_rate'",
        ),
        ({"zzzz_qqqq": 1}, "unknown parameter 'zzzz_qqqq'; run 'ibusim params'", "jalankan 'ibusim params'"),
        ({"free_class": "yes"}, "expected true or false", "ya atau tidak"),
        (
            {"share_long_distance": 0.7, "share_migrated": 0.5},
            "parameters must satisfy",
            "(yang diberikan: share_long_distance = 0,7, share_migrated = 0,5)",
        ),
    ],
    ids=["out-of-bounds", "unknown-close", "unknown-far", "wrong-type", "constraint"],
)
def test_model_errors_keep_english_and_have_indonesian(params, english, indonesian):
    with pytest.raises(ParameterError) as info:
        validate(params)
    assert english in str(info.value)
    assert indonesian in info.value.in_language("id")
    assert "\n" not in info.value.in_language("id")


def test_a_bad_scenario_file_is_named_in_indonesian():
    with pytest.raises(ParameterError, match="scenario file 'f.toml': parameter 'n_mothers' = 5") as info:
        parse("[params]\nn_mothers = 5\n", "f.toml")
    assert info.value.in_language("id").startswith("berkas skenario 'f.toml': parameter 'n_mothers' = 5 tidak")
    assert "1.000" in info.value.in_language("id") or "bilangan bulat" in info.value.in_language("id")
    with pytest.raises(ParameterError, match=r"\[run\] seed must be an integer in \[0, 2,147,483,647\]") as info:
        parse("[params]\n[run]\nseed = -1\n", "f.toml")
    assert "[0, 2.147.483.647]" in info.value.in_language("id")
    with pytest.raises(ParameterError, match="is not valid TOML") as info:
        parse("[params\n", "f.toml")
    assert info.value.in_language("id").startswith("berkas skenario 'f.toml' bukan TOML yang sah")


@pytest.mark.parametrize(
    "value, english, indonesian",
    [
        (
            "enrol_rate=7",
            "parameter 'enrol_rate' = 7.0 is not allowed: expected float in [0, 1]",
            "ibusim: kesalahan: parameter 'enrol_rate' = 7 tidak diperbolehkan: seharusnya bilangan antara 0 dan 1",
        ),
        (
            "enrol_rat=0.1",
            "unknown parameter 'enrol_rat' (did you mean 'enrol_rate'",
            "ibusim: kesalahan: parameter 'enrol_rat' tidak dikenal (maksudnya 'enrol_rate' atau",
        ),
        (
            "start=2020-13",
            "parameter 'start' = '2020-13' is not allowed: expected a month YYYY-MM",
            "ibusim: kesalahan: parameter 'start' = '2020-13' tidak diperbolehkan: seharusnya bulan",
        ),
        ("n_mothers=abc", "n_mothers: abc is not read", "ibusim: kesalahan: n_mothers: abc tidak dibaca"),
        (
            "free_class=maybe",
            "parameter 'free_class' = 'maybe' is not allowed: expected true or false",
            "ibusim: kesalahan: parameter 'free_class' = 'maybe' tidak diperbolehkan: seharusnya ya atau tidak",
        ),
    ],
    ids=["out-of-bounds", "unknown", "bad-month", "not-a-number", "wrong-type"],
)
def test_a_bad_set_is_one_line_in_the_chosen_language(no_language, tmp_path, capsys, value, english, indonesian):
    status, out, err = main(["--lang", "en", "run", "--set", value, "--out", tmp_path / "o"], capsys)
    assert_one_line_error(status, err, english)
    status, out, err = main(["--lang", "id", "run", "--set", value, "--out", tmp_path / "o"], capsys)
    assert status == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(indonesian), err
    assert " is not " not in err and "unknown" not in err and "expected" not in err
    assert not (tmp_path / "o").exists()


def test_a_bad_scenario_file_on_the_command_line_is_indonesian(no_language, tmp_path, capsys):
    f = tmp_path / "f.toml"
    f.write_text("[params]\nenrol_rate = 1.5\n")
    status, out, err = main(["--lang", "id", "run", "--scenario", f, "--out", tmp_path / "o"], capsys)
    assert status == 2 and err.count("\n") == 1
    assert err.startswith(f"ibusim: kesalahan: berkas skenario '{f}': parameter 'enrol_rate' = 1,5 tidak"), err
    status, out, err = main(["--lang", "id", "run", "--scenario", "nope", "--out", tmp_path / "o"], capsys)
    assert status == 2 and err.startswith("ibusim: kesalahan: skenario 'nope' tidak dikenal (pilihan: baseline"), err
    status, out, err = main(["--lang", "id", "run", "--scenario", tmp_path / "none.toml"], capsys)
    assert status == 2 and "berkas skenario" in err and "tidak ada" in err, err


def test_parse_value_with_a_language_keeps_the_number_problem_in_both_languages():
    with pytest.raises(ParameterError) as info:
        parse_value("interest_rate", "0.05", "id")
    assert str(info.value).startswith("interest_rate: ") and "0,05" in str(info.value)
    assert info.value.in_language("id").startswith("interest_rate: dalam bahasa Indonesia")
    assert info.value.in_language("en").startswith("interest_rate: in Indonesian the dot")


@pytest.mark.parametrize("option, value", [("--candidates", "0"), ("--best", "101")])
def test_optimise_size_options_say_their_limits_in_indonesian(no_language, capsys, option, value):
    status, out, err = main(["--lang", "id", "optimise", option, value], capsys)
    assert status == 2 and err.count("\n") == 1
    assert f"{option} harus bilangan bulat dari 1 sampai" in err, err


# ---------------------------------------------------------------- the seed of a scenario file
def _summary(folder):
    return json.loads((folder / "summary.json").read_text())


def test_run_takes_the_scenario_files_seed_unless_seed_is_given(no_language, tmp_path, capsys):
    f = tmp_path / "saved.toml"
    f.write_text(to_toml(SMALL, name="saved", seed=7))
    assert run_settings(f) == {"seed": 7} and run_settings("baseline") == {} and run_settings("ipm") == {}
    status, out, err = main(["run", "--scenario", f, "--out", tmp_path / "file"], capsys)
    assert status == 0, err
    assert "seed 7," in out
    status, out, err = main(["run", "--scenario", f, "--seed", "7", "--out", tmp_path / "seven"], capsys)
    assert status == 0, err
    status, out, err = main(["run", "--scenario", f, "--seed", "8", "--out", tmp_path / "eight"], capsys)
    assert status == 0, err
    assert "seed 8," in out
    manifests = {k: json.loads((tmp_path / k / "manifest.json").read_text()) for k in ("file", "seven", "eight")}
    assert [m["seed"] for m in manifests.values()] == [7, 7, 8]
    assert _summary(tmp_path / "file") == _summary(tmp_path / "seven")
    assert _summary(tmp_path / "file") != _summary(tmp_path / "eight")


def test_run_without_a_seed_anywhere_uses_seed_1(no_language, tmp_path, capsys):
    f = tmp_path / "plain.toml"
    f.write_text(to_toml(SMALL, name="plain"))
    status, out, err = main(["run", "--scenario", f, "--out", tmp_path / "r"], capsys)
    assert status == 0, err
    assert json.loads((tmp_path / "r" / "manifest.json").read_text())["seed"] == 1


# ---------------------------------------------------------------- params --markdown
def test_params_markdown_in_the_chosen_language(no_language, capsys):
    from ibusim.model.parameters import markdown_table
    from ibusim.model.scenarios import load

    status, out, err = main(["--lang", "id", "params", "--markdown"], capsys)
    assert status == 0 and err == ""
    assert out.strip() == markdown_table(load("ipm"), "id")
    assert out.startswith("| kelompok | nama | label | nilai bawaan |") and "| Rp 150.000 |" in out
    status, out, err = main(["params", "--markdown"], capsys)
    assert out.strip() == markdown_table(load("ipm")) and out.startswith("| group | name | label | default |")


@pytest.mark.parametrize(
    "extra, english, indonesian",
    [
        (["--cost", "oops"], "--cost expects name=value, got 'oops'", "--cost harus berbentuk nama=nilai"),
        (["--budget", "Rp 1.5 juta"], "--budget 'Rp 1.5 juta': ", "--budget 'Rp 1.5 juta': "),
        (["--posterior", " "], "--posterior: not a usable path: ' '", "--posterior: bukan path yang bisa dipakai"),
    ],
    ids=["cost", "budget", "posterior"],
)
def test_optimise_input_errors_in_the_chosen_language(no_language, tmp_path, capsys, extra, english, indonesian):
    argv = ["optimise", "--budget", "1000000", "--out", tmp_path / "o", *extra]
    status, out, err = main(["--lang", "en", *argv], capsys)
    assert_one_line_error(status, err, english)
    status, out, err = main(["--lang", "id", *argv], capsys)
    assert status == 2 and err.count("\n") == 1 and err.startswith("ibusim: kesalahan: " + indonesian), err
    assert not (tmp_path / "o").exists()


# ---------------------------------------------------------------- the experiments' errors
def test_the_experiments_error_classes_keep_their_bases_and_cross_processes_translated():
    from ibusim.experiments.execution import ExecutionError, OutputError, check_new_folder
    from ibusim.experiments.posterior import PosteriorError, draws
    from ibusim.experiments.sweep import SweepError

    assert issubclass(OutputError, OSError) and issubclass(OutputError, TranslatableError)
    assert issubclass(ExecutionError, RuntimeError) and issubclass(ExecutionError, TranslatableError)
    assert SweepError is ExecutionError and issubclass(PosteriorError, ParameterError)
    with pytest.raises(OutputError) as info:
        check_new_folder(".")
    again = pickle.loads(pickle.dumps(info.value))  # e.g. raised in a worker process, shown by the parent
    assert type(again) is OutputError and str(again) == str(info.value) and again.errno is None
    assert (
        error_text(again, "id")
        == error_text(info.value, "id")
        == ("folder hasil '.' sudah ada; ibusim tidak pernah menimpa folder hasil simulasi")
    )
    with pytest.raises(PosteriorError) as info:
        draws(None, 0)
    again = pickle.loads(pickle.dumps(info.value))
    assert str(again) == "draws = 0 must be an integer >= 1"
    assert error_text(again, "id") == "jumlah sampel (draws) = 0 harus bilangan bulat >= 1"


class _FolderError(TranslatableError, OSError):
    """A subclass whose __init__ takes other arguments than the message (as a caller might write one)."""

    def __init__(self, folder, amount):
        super().__init__("{folder}: {amount} left", folder=folder, amount=number(amount, "money", f"{amount:,}"))
        self.folder = folder


def test_a_subclass_with_its_own_signature_unpickles_with_its_numbers_in_each_language():
    e = _FolderError("out", 1500000)
    assert str(e) == "out: 1,500,000 left" and error_text(e, "id") == "out: Rp 1.500.000 left"
    again = pickle.loads(pickle.dumps(e))
    assert type(again) is _FolderError and isinstance(again, OSError) and again.folder == "out"
    assert str(again) == "out: 1,500,000 left" and error_text(again, "id") == "out: Rp 1.500.000 left"


def test_an_experiments_error_on_the_command_line_is_indonesian_end_to_end(no_language, tmp_path, capsys):
    (tmp_path / "taken").mkdir()
    argv = ["run", "--set", "n_mothers=3000", "--out", tmp_path / "taken"]
    status, out, err = main(["--lang", "en", *argv], capsys)
    assert_one_line_error(status, err, f"output folder '{tmp_path / 'taken'}' already exists; ibusim never overwrites")
    status, out, err = main(["--lang", "id", *argv], capsys)
    assert status == 2 and err.count("\n") == 1, err
    assert (
        err == f"ibusim: kesalahan: folder hasil '{tmp_path / 'taken'}' sudah ada; ibusim tidak pernah menimpa "
        "folder hasil simulasi\n"
    )
    missing = tmp_path / "no-calibration" / "posterior.csv"
    argv = ["compare", "a=ipm", "b=ipm", "--posterior", missing, "--out", tmp_path / "c"]
    status, out, err = main(["--lang", "id", *argv], capsys)
    assert status == 2 and err.count("\n") == 1, err
    assert err.startswith(f"ibusim: kesalahan: folder posterior '{missing.parent}' tidak ada (berikan folder"), err
    assert not (tmp_path / "c").exists()


def test_a_bad_sweep_spec_on_the_command_line_is_indonesian_end_to_end(no_language, tmp_path, capsys):
    spec = tmp_path / "bad.toml"
    spec.write_text(
        '[experiment]\noutcomes = ["registered"]\n[factors.wom_rate]\nrange = [0.5, 0.1]\n', encoding="utf-8"
    )
    argv = ["sweep", spec, "--out", tmp_path / "out"]
    status, out, err = main(["--lang", "en", *argv], capsys)
    assert_one_line_error(
        status, err, f"experiment spec '{spec}': factor 'wom_rate': empty range [0.5, 0.1] (low must be below high)"
    )
    status, out, err = main(["--lang", "id", *argv], capsys)
    assert status == 2 and err.count("\n") == 1, err
    assert err == (
        f"ibusim: kesalahan: spesifikasi eksperimen '{spec}': faktor 'wom_rate': rentang kosong dari 0,5 sampai 0,1 "
        "(low harus lebih kecil dari high)\n"
    )
    spec.write_text("[experiment]\n[fixed]\nwom_rate = 7\n", encoding="utf-8")  # a parameter error inside
    status, out, err = main(["--lang", "id", *argv], capsys)
    assert err == (
        f"ibusim: kesalahan: spesifikasi eksperimen '{spec}': parameter 'wom_rate' = 7 tidak diperbolehkan: "
        "seharusnya bilangan antara 0 dan 1\n"
    )
    assert not (tmp_path / "out").exists()
