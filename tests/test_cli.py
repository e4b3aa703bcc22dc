"""The ``ibusim`` command line (ibusim/cli.py, experiments/run.py): run folders, errors, params, languages, tables."""

from __future__ import annotations

import errno
import itertools
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import mesa
import pandas as pd
import pytest
from cli_helpers import IBUSIM, assert_one_line_error, ibusim, main, snapshot
from pandas.testing import assert_frame_equal

import ibusim as ibusim_package
from ibusim import cli
from ibusim.model import CommunityModel
from ibusim.model import targets as targets_mod
from ibusim.model.parameters import PARAMS, markdown_table
from ibusim.model.scenarios import load

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--set", "n_mothers=3000", "--set", "end=2020-12"]
FILES = {"manifest.json", "timeseries.parquet", "timeseries.csv", "summary.json"}


# ---------------------------------------------------------------- a real run through the console script
@pytest.fixture(scope="module")
def script_run(tmp_path_factory):
    assert IBUSIM.is_file(), f"console script not installed next to {sys.executable}"
    cwd = tmp_path_factory.mktemp("cli")
    proc = ibusim("run", *SMALL, "--out", "first", cwd=cwd)
    return proc, cwd / "first"


@pytest.fixture(scope="module")
def direct():
    return CommunityModel(preset="ipm", rng=1, n_mothers=3000, end="2020-12").run()


def test_script_run_writes_a_run_folder_and_prints_the_table(script_run):
    proc, out = script_run
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert {p.name for p in out.iterdir()} == FILES
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temporary folder left
    for t in targets_mod.load().values():
        assert t.label in proc.stdout
    assert "0 of 8 figures inside their band" in proc.stdout  # a tiny run matches nothing
    assert "seed 1" in proc.stdout and "40 weeks" in proc.stdout and "3,000 mothers" in proc.stdout
    assert str(out.name) in proc.stdout.splitlines()[-1]


def test_manifest_describes_the_run(script_run):
    _, out = script_run
    man = json.loads((out / "manifest.json").read_text())
    assert man["scenario"] == "ipm"
    assert man["seed"] == 1
    assert man["parameters"] == load("ipm", n_mothers=3000, end="2020-12")
    assert man["changes"] == {"n_mothers": 3000, "end": "2020-12"}
    assert isinstance(man["code_version"], str) and man["code_version"].strip()
    assert man["packages"]["mesa"] == mesa.__version__
    for name in ("numpy", "pandas", "ibusim"):
        assert man["packages"][name] not in ("", "not installed"), name
    assert man["weeks"] == 40
    assert man["python"] == ".".join(map(str, sys.version_info[:3]))


def test_timeseries_files_are_the_run(script_run, direct):
    _, out = script_run
    expected = direct.dataframe()
    assert_frame_equal(pd.read_parquet(out / "timeseries.parquet"), expected, check_dtype=False)
    csv = pd.read_csv(out / "timeseries.csv", index_col="week")
    assert list(csv.columns) == list(expected.columns)
    assert_frame_equal(csv.drop(columns="date"), expected.drop(columns="date"), check_dtype=False)
    assert list(csv["date"]) == list(expected["date"])


def test_summary_json_is_the_run(script_run, direct):
    _, out = script_run
    data = json.loads((out / "summary.json").read_text())
    expected = direct.summary()
    assert data["summary"].keys() == expected.keys()
    for k, v in expected.items():
        got = data["summary"][k]
        assert (isinstance(v, float) and math.isnan(v) and got is None) or got == v, k  # NaN is null
    assert [r["target"] for r in data["targets"]] == list(targets_mod.load())


def test_summary_json_is_strict_json(script_run):
    _, out = script_run

    def reject(token):
        raise ValueError(f"non-JSON constant {token}")

    for name in ("summary.json", "manifest.json"):
        json.loads((out / name).read_text(), parse_constant=reject)


def test_rerun_into_the_same_folder_exits_2_and_leaves_it_untouched(script_run):
    proc, out = script_run
    assert proc.returncode == 0
    before = snapshot(out.parent)
    again = ibusim("run", *SMALL, "--seed", "2", "--out", out.name, cwd=out.parent)
    assert_one_line_error(again.returncode, again.stderr)
    assert "already exists" in again.stderr
    assert again.stdout == ""
    assert snapshot(out.parent) == before


def test_script_errors_are_one_line_without_traceback(tmp_path):
    """A few bad inputs through the real console script (run concurrently)."""
    (tmp_path / "afile").write_text("not a folder")
    cases = [
        ("run", "--scenario", "nope", "--out", "o"),
        ("run", "--set", "n_mothers", "--out", "o"),
        ("run", *SMALL, "--out", "afile/sub"),
    ]
    procs = [
        subprocess.Popen([str(IBUSIM), *c], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in cases
    ]
    for c, p in zip(cases, procs):
        out, err = p.communicate(timeout=120)
        assert_one_line_error(p.returncode, err)
        assert out == "", c
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


# ---------------------------------------------------------------- in-process
def test_main_run_writes_the_folder(tmp_path, capsys):
    status, out, err = main(["run", *SMALL, "--seed", "3", "--out", tmp_path / "r"], capsys)
    assert status == 0, err
    assert {p.name for p in (tmp_path / "r").iterdir()} == FILES
    assert json.loads((tmp_path / "r" / "manifest.json").read_text())["seed"] == 3
    assert "figures inside their band" in out


def test_default_out_creates_a_new_folder_each_time(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folders = []
    for _ in range(3):
        status, out, err = main(["run", *SMALL], capsys)
        assert status == 0, err
        folders.append(out.strip().splitlines()[-1].removeprefix("run folder: "))
    results = tmp_path / "results"
    made = sorted(p.name for p in results.iterdir())
    assert len(made) == 3 and len(set(folders)) == 3
    assert all(name.startswith("run-ipm-seed1-") for name in made)
    for name in made:
        assert {p.name for p in (results / name).iterdir()} == FILES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


BAD = {
    "unknown scenario": (["run", "--scenario", "nope"], "nope"),
    "unknown scenario file": (["run", "--scenario", "missing.toml"], "missing.toml"),
    "unknown parameter": (["run", "--set", "n_mother=3000"], "n_mother"),
    "out-of-range value": (["run", "--set", "n_mothers=5"], "n_mothers"),
    "negative rate": (["run", "--set", "interest_rate=-0.1"], "interest_rate"),
    "malformed --set": (["run", "--set", "n_mothers"], "n_mothers"),
    "empty name in --set": (["run", "--set", "=5"], "--set"),
    "non-numeric int": (["run", "--set", "n_mothers=many"], "n_mothers"),
    "fractional int": (["run", "--set", "n_mothers=3000.5"], "n_mothers"),
    "non-numeric float": (["run", "--set", "interest_rate=high"], "interest_rate"),
    "bad bool": (["run", "--set", "free_class=perhaps"], "free_class"),
    "bad month": (["run", "--set", "end=December"], "end"),
    "end before start": (["run", "--set", "end=2019-12"], "end"),
    "ties out of bounds": (["run", "--set", "ties_per_side=26"], "ties_per_side"),
    "old name ties_per_mother": (["run", "--set", "ties_per_mother=10"], "ties_per_mother"),
    "non-integer seed": (["run", "--seed", "one"], "seed"),
    "unknown option": (["run", "--sed", "1"], "--sed"),
    "no command": ([], "command"),
    "params: unknown scenario": (["params", "--scenario", "nope"], "nope"),
}


@pytest.mark.parametrize("argv,named", BAD.values(), ids=list(BAD))
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, monkeypatch, argv, named):
    monkeypatch.chdir(tmp_path)
    if argv and argv[0] == "run":
        argv = [*argv, "--out", tmp_path / "out"]
    status, out, err = main(argv, capsys)
    assert_one_line_error(status, err)
    assert named in err
    assert out == ""
    assert list(tmp_path.iterdir()) == []  # no run folder, no results/, nothing half-written


def test_negative_seed_exits_2_with_one_line(tmp_path, capsys):
    status, out, err = main(["run", *SMALL, "--seed", "-1", "--out", tmp_path / "o"], capsys)
    assert_one_line_error(status, err)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output_exits_2_and_leaves_nothing(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    before = snapshot(tmp_path)
    for out in (tmp_path / "afile" / "sub", tmp_path / "afile" / "deeper" / "sub"):
        status, stdout, err = main(["run", *SMALL, "--out", out], capsys)
        assert_one_line_error(status, err)
        assert "afile" in err
        assert snapshot(tmp_path) == before


def test_existing_out_exits_2_even_if_it_is_a_file(tmp_path, capsys):
    (tmp_path / "taken").write_text("keep me")
    status, out, err = main(["run", *SMALL, "--out", tmp_path / "taken"], capsys)
    assert_one_line_error(status, err)
    assert (tmp_path / "taken").read_text() == "keep me"


def test_failure_while_writing_leaves_no_half_written_folder(tmp_path, capsys, monkeypatch):
    def disk_full(self, *a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", disk_full)
    status, out, err = main(["run", *SMALL, "--out", tmp_path / "r"], capsys)
    assert_one_line_error(status, err)
    assert "No space left on device" in err
    assert list(tmp_path.iterdir()) == []  # neither the folder nor its temporary twin


# ---------------------------------------------------------------- params
def test_params_lists_every_parameter(capsys):
    status, out, err = main(["params"], capsys)
    assert status == 0 and err == ""
    names = {line.split()[1] for line in out.splitlines()[2:] if len(line.split()) > 1 and line.split()[1] in PARAMS}
    assert names == set(PARAMS)
    assert f"{len(PARAMS)} parameters" in out


def test_params_marks_what_a_scenario_changes(capsys):
    status, out, _ = main(["params", "--scenario", "ibusibuk"], capsys)
    assert status == 0
    rows = {line.split()[1]: line for line in out.splitlines()[2:] if len(line.split()) > 2}
    assert "40000 *" in rows["n_mothers"]
    assert " *" not in rows["wom_rate"]
    status, base, _ = main(["params", "--scenario", "baseline"], capsys)
    assert " *" not in "\n".join(base.splitlines()[2:-2])


def test_params_markdown_is_a_markdown_table(capsys):
    status, out, err = main(["params", "--markdown"], capsys)
    assert status == 0 and err == ""
    lines = out.strip().splitlines()
    assert lines[0].startswith("| ") and lines[0].endswith(" |")
    assert set(lines[1].replace("|", "")) == {"-"}
    assert len(lines) == len(PARAMS) + 2
    assert all(line.startswith("|") and line.endswith("|") for line in lines)
    assert {line.split("`")[1] for line in lines[2:]} == set(PARAMS)
    assert out.strip() == markdown_table(load("ipm"))


# ---------------------------------------------------------------- language, version, tables (issue 12)
def cells(line: str) -> list[str]:
    """The cells of an aligned table line (columns are two or more spaces apart)."""
    return re.split(r"\s{2,}", line.strip())


def test_version_prints_the_installed_version(no_language, capsys):
    status, out, err = main(["--version"], capsys)
    assert (status, out, err) == (0, f"ibusim {ibusim_package.__version__}\n", "")
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", ibusim_package.__version__)


def test_lang_id_before_or_after_the_command_gives_indonesian(no_language, tmp_path, capsys):
    status, before, err = main(["--lang", "id", "run", *SMALL, "--out", tmp_path / "a"], capsys)
    assert status == 0, err
    status, after, err = main(["run", *SMALL, "--out", tmp_path / "b", "--lang", "id"], capsys)
    assert status == 0, err
    assert before.replace(str(tmp_path / "a"), "X") == after.replace(str(tmp_path / "b"), "X")
    lines = before.splitlines()
    assert lines[0].endswith("40 minggu (2020-04 sampai 2020-12), 3.000 ibu")  # Indonesian words and digits
    assert cells(lines[1]) == ["angka", "teramati", "rentang", "simulasi", "di dalam"]
    assert "Ibu terdaftar sejak 2020" in before and "0 dari 8 angka berada di dalam rentangnya" in before
    assert "15.000" in before and "13.500-16.500" in before
    assert lines[-1] == f"folder hasil simulasi: {tmp_path / 'a'}"


def test_english_run_table_is_the_targets_table(no_language, direct):
    s = direct.summary()
    assert cli.targets_table(s, "en") == targets_mod.table(s)


@pytest.mark.parametrize(
    "env",
    [{"IBUSIM_LANG": "id"}, {"LANG": "id_ID.UTF-8"}, {"LANGUAGE": "fr:id", "LANG": "en_US.UTF-8"}],
    ids=["IBUSIM_LANG", "LANG", "LANGUAGE"],
)
def test_the_environment_chooses_indonesian(no_language, capsys, env):
    for k, v in env.items():
        no_language.setenv(k, v)
    status, out, err = main(["params", "--search", "telegram_rate", "--no-help"], capsys)
    assert status == 0, err
    assert cells(out.splitlines()[0]) == [
        "kelompok",
        "nama",
        "label",
        "nilai",
        "satuan",
        "yang diperbolehkan",
        "asal nilai",
    ]
    value = cells(next(line for line in out.splitlines() if "telegram_rate" in line))[3]
    assert value.startswith("0,") and "." not in value  # the value as an Indonesian types it (0,00075 *)
    status, out, err = main(["--lang", "en", "params", "--search", "telegram_rate", "--no-help"], capsys)
    assert cells(out.splitlines()[0])[:2] == ["group", "name"]  # --lang wins over the environment


@pytest.mark.parametrize(
    "argv,env,named",
    [
        (["--lang", "fr", "run"], {}, "'fr'"),
        (["run", "--lang", "xx"], {}, "'xx'"),
        (["run", "--lang="], {}, "--lang"),
        (["run", "--lang"], {}, "--lang"),
        (["params"], {"IBUSIM_LANG": "klingon"}, "IBUSIM_LANG"),
    ],
    ids=["before", "after", "empty", "no-value", "IBUSIM_LANG"],
)
def test_a_bad_language_is_one_line_with_status_2(no_language, tmp_path, capsys, argv, env, named):
    for k, v in env.items():
        no_language.setenv(k, v)
    no_language.chdir(tmp_path)
    status, out, err = main(argv, capsys)
    line = assert_one_line_error(status, err, named)
    assert "id, en" in line or "--lang" in line
    assert out == "" and list(tmp_path.iterdir()) == []


def test_errors_are_one_line_in_the_chosen_language(no_language, tmp_path, capsys):
    status, out, err = main(["--lang", "id", "run", "--set", "n_mothers", "--out", tmp_path / "o"], capsys)
    assert status == 2 and err.count("\n") == 1
    assert err.startswith("ibusim: kesalahan: --set harus berbentuk nama=nilai")
    status, out, err = main(["--lang", "id", "run", "--sed", "1"], capsys)
    assert status == 2 and err.count("\n") == 1 and "argumen tidak dikenal: --sed" in err


def test_set_reads_indonesian_numbers_with_lang_id(no_language, tmp_path, capsys):
    assert cli._parse_sets(["comeback_journey_price=500.000", "interest_rate=0,05"], "id") == {
        "comeback_journey_price": 500000.0,
        "interest_rate": 0.05,
    }
    argv = ["run", *SMALL, "--set", "comeback_journey_price=Rp 1.500.000", "--set", "interest_rate=0,005"]
    status, out, err = main(["--lang", "id", *argv, "--out", tmp_path / "r"], capsys)
    assert status == 0, err
    changes = json.loads((tmp_path / "r" / "manifest.json").read_text())["changes"]
    assert changes["comeback_journey_price"] == 1_500_000 and changes["interest_rate"] == 0.005
    status, out, err = main(["--lang", "id", "run", "--set", "interest_rate=0.05", "--out", tmp_path / "x"], capsys)
    assert status == 2 and err.count("\n") == 1 and err.startswith("ibusim: kesalahan: interest_rate: ")
    assert "ketik 0,05" in err  # 0.05 is written 0,05 in Indonesian


@pytest.mark.parametrize("lang", [["--lang", "en"], []], ids=["lang-en", "no-language"])
def test_set_refuses_indonesian_thousands_in_english(no_language, tmp_path, capsys, lang):
    for value, fragment in (("500.000", "500000"), ("0,05", "0.05")):
        name = "comeback_journey_price" if value == "500.000" else "interest_rate"
        status, out, err = main([*lang, "run", "--set", f"{name}={value}", "--out", tmp_path / "o"], capsys)
        assert_one_line_error(status, err, name, fragment)  # never misread as 500 (or 5)
        assert out == "" and not (tmp_path / "o").exists()
    status, _, err = main(["--lang", "en", "run", "--set", "comeback_journey_price=500.000"], capsys)
    assert "ambiguous" in err


def test_params_shows_label_unit_and_help_wrapped_to_the_terminal(no_language, capsys):
    no_language.setenv("COLUMNS", "60")
    status, out, err = main(["params", "--search", "telegram"], capsys)
    assert status == 0, err
    lines = out.splitlines()
    head = cells(lines[0])
    assert head == ["group", "name", "label", "value", "unit", "allowed", "provenance"]
    assert len(cells(lines[1])) == len(head)  # the dashes under every header
    helps = [line for line in lines[2:] if line.startswith(" " * 6)]
    assert helps and all(len(line) <= 60 for line in helps)
    row = next(line for line in lines if line.split()[1:2] == ["telegram_rate"])
    assert "1/week" in row and PARAMS["telegram_rate"].help.split()[0] in out


def test_params_in_indonesian_names_groups_and_provenance_in_indonesian(no_language, capsys):
    from ibusim.model.parameters import GROUPS, group_title

    status, out, err = main(["--lang", "id", "params", "--no-help"], capsys)
    assert status == 0, err
    rows = {cells[1]: cells for cells in map(str.split, out.splitlines()[2:]) if cells[1:2] and cells[1] in PARAMS}
    assert len(rows) == len(PARAMS)
    assert rows["start"][0] == "simulasi" and rows["telegram_rate"][0] == group_title("channels", "id") == "kanal"
    assert rows["start"][-1] == "teramati" and rows["end"][-1] == "asumsi"
    groups = {r[0] for r in rows.values()}
    assert not groups & (set(GROUPS) - {"alumni"}) and not {r[-1] for r in rows.values()} & {"observed", "assumed"}
    status, out, err = main(["--lang", "en", "params", "--no-help"], capsys)
    assert out.splitlines()[2].split()[:2] == ["run", "start"] and out.splitlines()[2].split()[-1] == "observed"


def test_params_search_uses_the_chosen_language(no_language, capsys):
    """--search looks at the name, label and help as the chosen language shows them."""
    from ibusim.model import parameters

    english = parameters.text

    def text(p, what, lang="en"):
        name = p if isinstance(p, str) else p.name
        if lang == "id" and what == "help" and name == "telegram_rate":
            return "Peluang mingguan bergabung ke grup Telegram"
        return english(p, what, lang)

    no_language.setattr(parameters, "text", text)
    status, out, err = main(["--lang", "id", "params", "--search", "MINGGUAN"], capsys)
    assert status == 0, err
    names = [line.split()[1] for line in out.splitlines()[2:-1] if line.strip() and not line.startswith(" ")]
    assert "telegram_rate" in names and "Peluang mingguan" in out
    assert out.splitlines()[-1].startswith(f"{len(names)} parameter yang cocok dengan 'MINGGUAN'")
    status, out, err = main(["--lang", "en", "params", "--search", "mingguan"], capsys)
    assert (status, out, err) == (1, "", "ibusim: no parameter matches 'mingguan'\n")
    status, out, err = main(["--lang", "id", "params", "--search", "zzzz"], capsys)
    assert (status, out) == (1, "") and err == "ibusim: tidak ada parameter yang cocok dengan 'zzzz'\n"


TINY_SPEC = """\
[experiment]
name = "cli-table"
design = "full_factorial"
replications = 2
seed = 5
outcomes = ["registered", "telegram", "income_gini"]

[fixed]
n_mothers = 1000
end = "2020-06"

[factors.interest_rate]
values = [0.001, 0.02]
"""


def test_sweep_ends_with_a_table_of_targets_inside_per_point(no_language, tmp_path, capsys):
    from ibusim.experiments.sweep import load_results

    spec = tmp_path / "spec.toml"
    spec.write_text(TINY_SPEC)
    argv = ["sweep", spec, "--out", tmp_path / "s", "--executor", "sequential", "--quiet"]
    status, out, err = main(argv, capsys)
    assert status == 0, err
    lines = out.splitlines()
    title = lines.index("share of runs inside the observed band, per design point:")
    table = lines[title + 1 : title + 4]
    assert lines[title + 4].startswith("all: ") and len(lines) == title + 5  # the table ends the output
    head = cells(table[0])
    assert head == ["point", "interest_rate", "runs", "registered", "telegram", "all", "targets inside"]
    df, targets = load_results(tmp_path / "s"), targets_mod.load()
    for point, line in enumerate(table[1:]):
        row = cells(line)
        assert len(row) == len(head) and row[0] == str(point) and row[2] == "2"
        runs = df[df.point == point]
        shares = [runs[t].map(targets[t].inside).mean() for t in ("registered", "telegram")]
        assert row[3:5] == [f"{x:.0%}" for x in shares]
        assert row[6] == f"{sum(x >= 0.5 for x in shares)}/2"
    status, out, err = main(["--lang", "id", *argv], capsys)  # resumed: nothing to run, the table in Indonesian
    assert status == 0 and "(2 sudah selesai sebelumnya)" not in out and "(4 sudah selesai sebelumnya)" in out
    lines = out.splitlines()
    title = lines.index("porsi simulasi di dalam rentang teramati, per titik desain:")
    assert cells(lines[title + 1]) == [
        "titik",
        "interest_rate",
        "simulasi",
        "registered",
        "telegram",
        "semua",
        "target di dalam",
    ]
    assert cells(lines[title + 3])[1] == "0,02"


def test_sweep_without_observed_outcomes_says_so(no_language, tmp_path, capsys):
    spec = tmp_path / "spec.toml"
    spec.write_text(
        TINY_SPEC.replace('["registered", "telegram", "income_gini"]', '["income_gini"]').replace(
            "replications = 2", "replications = 1"
        )
    )
    status, out, err = main(["sweep", spec, "--out", tmp_path / "s", "--executor", "sequential", "--quiet"], capsys)
    assert status == 0, err
    assert out.splitlines()[-1] == "none of the spec's outcomes is an observed figure: no table of targets inside"


def test_numeric_options_follow_the_chosen_language():
    assert cli.build_parser("id", "id").parse_args(["run", "--seed", "1.000"]).seed == 1000
    assert cli.build_parser("en", "en").parse_args(["run", "--seed", "1,000"]).seed == 1000
    assert cli.build_parser("en", None).parse_args(["run", "--seed", "1000"]).seed == 1000
    assert cli.build_parser("id", "id").parse_args(["sweep", "s.toml", "--run-time-limit", "2,5"]).run_time_limit == 2.5
    for lang, numbers, text in (("en", None, "1.000"), ("en", "en", "1.5"), ("id", "id", "-1")):
        with pytest.raises(SystemExit) as e:
            cli.build_parser(lang, numbers).parse_args(["run", "--seed", text])
        assert e.value.code == 2


def test_calibrate_tables_have_headers_in_the_chosen_language(no_language, tmp_path, capsys):
    """A tiny real calibration: its posterior and posterior-predictive tables have a header over every column."""
    tiny = ["--population", "4", "--generations", "1", "--ppc-runs", "2", "--workers", "1", "--quiet"]
    sets = ["--set", "n_mothers=300", "--set", "end=2020-06"]
    status, out, err = main(["--lang", "id", "calibrate", *tiny, *sets, "--out", tmp_path / "c"], capsys)
    assert status == 0, err[-2000:]
    lines = out.splitlines()
    for title, head in (
        ("posterior (median [5%, 95%]):", ["parameter", "median [5%, 95%]", "prior"]),
        ("uji prediktif posterior (2 simulasi): porsi di dalam rentang", ["target", "peran", "porsi di dalam"]),
    ):
        i = lines.index(title)
        assert cells(lines[i + 1]) == head
        body = list(itertools.takewhile(lambda x: x.startswith("  "), lines[i + 2 :]))
        assert body and all(len(cells(line)) == len(head) for line in body)
    interest = next(line for line in lines if line.strip().startswith("interest_rate "))
    assert "0," in cells(interest)[1] and "0." not in cells(interest)[1]  # Indonesian decimals


@pytest.mark.parametrize(
    "lang,words",
    [
        ("en", ("outcome", "mean [5%, 95%] over replications", "lower in")),
        ("id", ("keluaran", "rata-rata", "lebih rendah di")),
    ],
)
def test_compare_tables_have_a_header_over_every_column(no_language, tmp_path, capsys, lang, words):
    variants = ["with=ipm:n_mothers=3000,end=2020-12", "without=ipm:n_mothers=3000,end=2020-12,free_class=false"]
    argv = ["--lang", lang, "compare", *variants, "--replications", "2", "--executor", "sequential"]
    status, out, err = main([*argv, "--out", tmp_path / "c"], capsys)
    assert status == 0, err
    lines = out.splitlines()
    first = lines.index(next(line for line in lines if line.startswith(words[0])))
    assert lines[first - 1].startswith(words[1].split()[0])
    assert cells(lines[first]) == [words[0], "with", "without"]
    table = list(itertools.takewhile(lambda x: not x.startswith(("paired", "selisih")), lines[first + 1 :]))
    assert "registered" in out and table and all(len(cells(line)) == 3 for line in table)
    second = next(i for i, line in enumerate(lines) if i > first and line.startswith(words[0]))
    assert cells(lines[second]) == [words[0], "without"]
    differences = lines[second + 1 : -1]
    assert differences and all(len(cells(line)) == 2 for line in differences)
    assert all(words[2] in line or cells(line)[1] in ("n/a", "t/a") for line in differences)  # none paired: n/a


def test_console_script_version_and_language(tmp_path):
    """The installed ``ibusim`` script: --version, and IBUSIM_LANG read from its environment."""
    proc = ibusim("--version", cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"ibusim {ibusim_package.__version__}\n", "")
    proc = ibusim("params", "--search", "telegram_rate", "--no-help", cwd=tmp_path, env={"IBUSIM_LANG": "id"})
    assert proc.returncode == 0, proc.stderr
    assert cells(proc.stdout.splitlines()[0])[:2] == ["kelompok", "nama"]
    proc = ibusim("params", cwd=tmp_path, env={"IBUSIM_LANG": "fr"})
    assert_one_line_error(proc.returncode, proc.stderr, "IBUSIM_LANG", "'fr'")
