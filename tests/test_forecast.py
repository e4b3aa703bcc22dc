"""Forecasts and comparisons over posterior draws: `ibusim forecast`, `compare --posterior`, `sweep --posterior`.

Tiny models (3,000 mothers, a year or two) and a tiny synthetic posterior.csv; everything in-process.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_helpers import assert_one_line_error, main

from ibusim.experiments.compare import parse_variant
from ibusim.experiments.forecast import FIGURES, forecast, forecast_run, load_forecast, markdown, yearly
from ibusim.experiments.spec import SpecError, load_spec, parse_spec, with_posterior
from ibusim.experiments.sweep import load_results
from ibusim.i18n import error_text
from ibusim.model import CommunityModel

TINY = "n_mothers=3000,end=2020-12"
POSTERIOR = {
    "interest_rate": [0.0030, 0.0042, 0.0036],
    "dropout_rate": [0.012, 0.016, 0.014],
    "weight": [0.3, 0.3, 0.4],
}


@pytest.fixture(scope="module")
def calibration(tmp_path_factory):
    folder = tmp_path_factory.mktemp("calibration-ipm")
    pd.DataFrame(POSTERIOR).to_csv(folder / "posterior.csv", index=False)
    (folder / "setup.json").write_text(json.dumps({"scenario": "ipm", "fixed": {}}))
    return folder


@pytest.fixture(scope="module")
def two_variants(calibration, tmp_path_factory):
    """`ibusim forecast` with a counterfactual, 4 draws, to December 2021 (the scenario ends in 2020 here)."""
    out = tmp_path_factory.mktemp("f") / "fc"
    variants = [parse_variant(f"ipm=ipm:{TINY}"), parse_variant(f"no-free=ipm:{TINY},free_class=false")]
    res = forecast(variants, calibration, draws=4, seed=3, until=2021, out=out, executor="sequential")
    return res, out


def test_year_ends_match_a_run_that_ends_there():
    """The last year's figures are the end-of-run summary of a run to that December (its survey included)."""
    out = forecast_run({"scenario": "ipm", "n_mothers": 3000}, 5, (2020, 2021))
    m = CommunityModel(preset="ipm", rng=5, n_mothers=3000, end="2021-12").run()
    s, last = m.summary(), out["yearly"][2021]
    assert last["registered"] == s["registered"]
    assert last["telegram"] == s["telegram"] and last["instagram"] == s["instagram"]
    assert last["financial_change"] == s["financial_change"] and last["parenting_change"] == s["parenting_change"]
    first = out["yearly"][2020]
    assert first["registrations"] == first["registered"]  # the run starts in 2020 with nobody registered
    assert last["registrations"] == last["registered"] - first["registered"]
    assert len(out["__series__"]["date"]) == m.n_weeks + 1


def test_yearly_differences_and_an_empty_year():
    keys = ("cum_registered", "cum_paid_enrolled", "cum_completed_paid", "cum_dropped_paid")
    rest = {"telegram": 5, "instagram": 9, "volunteers": 1, "financial_change": 0.5, "parenting_change": 0.7}
    ends = {2023: {**dict.fromkeys(keys, 10.0), **rest}, 2024: {**dict.fromkeys(keys, 10.0), **rest}}
    ends[2024]["cum_completed_paid"] = 13.0
    ends[2024]["cum_dropped_paid"] = 11.0
    y = yearly(ends, [2024])[2024]
    assert y["registrations"] == 0 and y["registered"] == 10 and y["completion"] == 0.75
    ends[2024]["cum_completed_paid"] = ends[2024]["cum_dropped_paid"] = 10.0
    assert np.isnan(yearly(ends, [2024])[2024]["completion"])  # no paid class ended that year


def test_forecast_folder_tables_and_pairing(two_variants):
    res, out = two_variants
    assert {p.name for p in out.iterdir()} == {
        "forecast.csv",
        "runs.csv",
        "draws.csv",
        "series.parquet",
        "forecast.png",
        "forecast.md",
        "manifest.json",
    }
    assert (out / "forecast.png").stat().st_size > 10_000
    assert res.years == [2020, 2021] and res.observed_until == 2020
    runs = pd.read_csv(out / "runs.csv")
    by = runs.set_index(["variant", "replication", "year"]).sort_index()
    assert (by.loc["ipm", "seed"] == by.loc["no-free", "seed"]).all()  # the same draws and seeds
    assert (by.loc["ipm", "particle"] == by.loc["no-free", "particle"]).all()
    t = pd.read_csv(out / "forecast.csv")
    assert set(t["figure"]) == set(FIGURES) and set(t["year"]) == {2020, 2021}
    q = t[["p5", "p25", "median", "p75", "p95"]].dropna()
    assert len(q) > 20 and (np.diff(q.to_numpy(), axis=1) >= -1e-9).all()
    ref = t[t["variant"] == "ipm"]
    assert (ref["diff_median"].dropna() == 0).all() and (ref["share_lower"].dropna() == 0).all()
    no_free = t[(t["variant"] == "no-free") & (t["figure"] == "registered")]
    assert (no_free["diff_p95"] < 0).all() and (no_free["share_lower"] == 1).all()  # fewer in every run
    draws = pd.read_csv(out / "draws.csv")
    assert len(draws) == 4 and set(draws["particle"]) <= {0, 1, 2}
    assert set(draws["interest_rate"]) <= set(POSTERIOR["interest_rate"])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["draws"] == 4 and manifest["years"] == [2020, 2021] and manifest["code_version"]


def test_markdown_and_reading_a_folder_back(two_variants):
    res, out = two_variants
    text = markdown(res)
    assert "| figure | 2020 | 2021 |" in text and "Counterfactual 'no-free' (free_class = false)" in text
    assert text.count("\n| Registered so far") == 2 and "observed in 2024: 15,000" in text
    again = load_forecast(out)
    assert markdown(again) == text == (out / "forecast.md").read_text().rstrip("\n")


def test_a_folder_that_is_not_a_forecast_is_refused_in_indonesian(tmp_path):
    from ibusim.experiments.execution import OutputError

    with pytest.raises(OutputError) as e:
        load_forecast(tmp_path)
    assert str(e.value) == f"'{tmp_path}' is not a forecast folder (no forecast.csv and manifest.json)"
    assert error_text(e.value, "id") == (
        f"'{tmp_path}' bukan folder proyeksi (tidak ada forecast.csv dan manifest.json)"
    )


def test_results_page_forecast_section(two_variants, tmp_path):
    """results/README.md's forecast section: the folder's tables and chart, or a line saying it is not run."""
    from ibusim.experiments import report

    res, out = two_variants
    lines = report.forecast_section(out, out.parent)
    page = "\n".join(lines)
    assert page.startswith("## Forecast 2025-2027") and markdown(res) in page
    assert "Counterfactual 'no-free'" in page and "![forecast](fc/forecast.png)" in page
    assert "did not converge" not in page  # no report.json beside the posterior: nothing said
    state = Path(res.info["posterior"]) / "report.json"
    state.write_text(json.dumps({"converged": False, "convergence": "ESS 16 of 150 (< 30%)"}))
    try:
        unconverged = "\n".join(report.forecast_section(out, out.parent))
    finally:
        state.unlink()
    assert "did not converge** (ESS 16 of 150 (< 30%))" in unconverged and markdown(res) in unconverged
    missing = "\n".join(report.forecast_section(tmp_path / "none", tmp_path))
    assert "Not run yet" in missing and "| figure |" not in missing


def test_forecast_is_reproducible(calibration, two_variants, tmp_path):
    res, _ = two_variants
    variants = [parse_variant(f"ipm=ipm:{TINY}"), parse_variant(f"no-free=ipm:{TINY},free_class=false")]
    again = forecast(variants[:1], calibration, draws=2, seed=3, until=2021, out=tmp_path / "a", executor="sequential")
    first = res.runs[res.runs["variant"] == "ipm"]
    pd.testing.assert_frame_equal(
        again.runs.reset_index(drop=True), first[first["draw"] < 2].reset_index(drop=True)
    )  # the first 2 of 4 draws, run alone, give the same runs


def test_cli_forecast_and_bad_input(calibration, tmp_path, capsys):
    status, out, err = main(
        [
            "forecast",
            f"a=ipm:{TINY}",
            "--posterior",
            calibration,
            "--draws",
            "2",
            "--until",
            "2021",
            "--out",
            tmp_path / "f",
            "--executor",
            "sequential",
        ],
        capsys,
    )
    assert status == 0, err
    assert "ibusim forecast: 1 variant(s) x 2 draws" in out and "| Registrations in the year |" in out
    assert (tmp_path / "f" / "forecast.csv").is_file()
    bad = [
        (["--posterior", tmp_path / "nowhere"], "does not exist"),
        (["--posterior", calibration, "--until", "2020"], "--until 2020"),
        (["--posterior", calibration, "--no-posterior"], "not both"),
        (["--posterior", calibration, "--draws", "0"], "positive integer"),
    ]
    for extra, fragment in bad:
        status, _, err = main(["forecast", f"a=ipm:{TINY}", "--out", tmp_path / "g", *extra], capsys)
        assert_one_line_error(status, err, fragment)
    status, _, err = main(["forecast", f"a={tmp_path / 'x.toml'}", "--out", tmp_path / "g"], capsys)
    assert status == 2
    assert not (tmp_path / "g").exists()


def test_cli_compare_over_the_posterior(calibration, tmp_path, capsys):
    argv = ["compare", f"with=ipm:{TINY}", f"without=ipm:{TINY},free_class=false", "--executor", "sequential"]
    status, out, err = main([*argv, "--posterior", calibration, "--draws", "3", "--out", tmp_path / "c"], capsys)
    assert status == 0, err
    assert "3 posterior draws" in out and "paired difference from 'with'" in out
    runs = pd.read_parquet(tmp_path / "c" / "runs.parquet")
    assert len(runs) == 6 and set(runs["draw"]) == {0, 1, 2}
    w, wo = (runs[runs["variant"] == v].set_index("replication") for v in ("with", "without"))
    assert (w["seed"] == wo["seed"]).all() and (w["particle"] == wo["particle"]).all()
    assert (wo["registered"] < w["registered"]).all()
    info = json.loads((tmp_path / "c" / "variants.json").read_text())
    assert info["draws"] == 3 and info["posterior_folder"] == str(calibration)
    status, _, err = main([*argv, "--draws", "3", "--out", tmp_path / "d"], capsys)
    assert_one_line_error(status, err, "--draws needs --posterior")
    status, _, err = main([*argv, "--posterior", tmp_path / "none", "--out", tmp_path / "d"], capsys)
    assert_one_line_error(status, err, "does not exist")
    assert not (tmp_path / "d").exists()


SPEC = """\
[experiment]
name = "post"
replications = 1
seed = 4
outcomes = ["registered", "telegram"]

[fixed]
n_mothers = 3000
end = "2020-10"

[factors.free_class]
values = [true, false]
"""


def test_cli_sweep_over_the_posterior_resumes_and_refuses_other_options(calibration, tmp_path, capsys):
    spec = tmp_path / "post.toml"
    spec.write_text(SPEC)
    argv = ["sweep", spec, "--out", tmp_path / "s", "--executor", "sequential", "--quiet"]
    status, out, err = main([*argv, "--posterior", calibration, "--draws", "3"], capsys)
    assert status == 0, err
    assert "6 runs: 6 done" in out and "paired difference from point 0" in out
    res = load_results(tmp_path / "s")
    assert len(res) == 6 and set(res["draw"]) == {0, 1, 2}
    a, b = (res[res["point"] == p].set_index("replication") for p in (0, 1))
    assert (a["seed"] == b["seed"]).all() and (a["particle"] == b["particle"]).all()  # common draws and seeds
    assert "[posterior]" in (tmp_path / "s" / "spec.toml").read_text()
    status, out, _ = main([*argv, "--posterior", calibration, "--draws", "3"], capsys)
    assert status == 0 and "(6 already done before)" in out  # the same options resume
    status, _, err = main([*argv, "--posterior", calibration, "--draws", "4"], capsys)
    assert_one_line_error(status, err, "different experiment")
    status, _, err = main([*argv[:2], "--draws", "4"], capsys)
    assert_one_line_error(status, err, "--draws needs --posterior")


def test_spec_posterior_table(calibration, tmp_path):
    text = SPEC + f'\n[posterior]\nfolder = "{calibration}"\ndraws = 5\n'
    spec = parse_spec(tomllib.loads(text), "p.toml", text)
    assert spec.posterior == str(calibration) and spec.draws == 5
    with pytest.raises(SpecError, match="has a \\[posterior\\] table already"):
        with_posterior(spec, calibration, 3)
    (tmp_path / "plain.toml").write_text(SPEC)
    added = with_posterior(load_spec(tmp_path / "plain.toml"), calibration, 7)
    assert added.draws == 7 and added.name == "post" and added.source.startswith(SPEC)
    for table, fragment in [
        (f'folder = "{tmp_path / "none"}"', "does not exist"),
        (f'folder = "{calibration}"\ndraws = 0', "draws = 0"),
        (f'folder = "{calibration}"\nseeds = 2', "unknown key"),
        ("draws = 3", "folder"),
    ]:
        bad = SPEC + f"\n[posterior]\n{table}\n"
        with pytest.raises(SpecError, match=fragment):
            parse_spec(tomllib.loads(bad), "p.toml", bad)
    huge = SPEC.replace("replications = 1", "replications = 1000") + f'\n[posterior]\nfolder = "{calibration}"\n'
    huge += "draws = 100\n"
    with pytest.raises(SpecError, match="posterior draws"):
        parse_spec(tomllib.loads(huge), "p.toml", huge)


def test_markdown_in_indonesian(two_variants):
    """`ibusim forecast --lang id`: Indonesian headers and sentences, numbers with Indonesian separators."""
    res, _ = two_variants
    english = markdown(res)
    text = markdown(res, lang="id")
    assert text != english and text.count("\n") == english.count("\n")
    assert text.startswith("**Prakiraan, ipm, 2020-2021** (4 sampel posterior x 1 seed;")
    assert "| angka | 2020 | 2021 |" in text and "| figure |" not in text
    assert "Kontrafaktual 'no-free' (free_class = false) dibandingkan 'ipm'" in text
    assert "Terdaftar" in text or "terdaftar" in text
    for english_word in ("Forecast", "Counterfactual", "Registered so far", "observed in", "lower in", "diff "):
        assert english_word not in text, english_word
    assert "(teramati pada 2024: 15.000)" in text  # 15,000 in English
    registered = [line for line in text.splitlines() if "(teramati pada 2024: 15.000)" in line][0]
    assert all("," not in c.split("[")[0] for c in registered.split("|")[2:-1])  # 3.000, never 3,000
    assert " poin" in text and " pp" not in text and "lebih rendah pada" in text


def test_cli_forecast_in_indonesian(calibration, tmp_path, capsys, monkeypatch):
    """`ibusim --lang id forecast`: the tables in Indonesian; its own errors too (one line, status 2)."""
    monkeypatch.delenv("IBUSIM_LANG", raising=False)
    argv = ["--lang", "id", "forecast", f"a=ipm:{TINY}", "--posterior", calibration, "--executor", "sequential"]
    status, out, err = main([*argv, "--draws", "2", "--until", "2021", "--out", tmp_path / "f"], capsys)
    assert status == 0, err
    assert "**Prakiraan, a, 2020-2021**" in out and "| Pendaftaran dalam tahun itu |" in out
    assert "| Registrations in the year |" not in out and "**Forecast" not in out
    status, out, err = main([*argv, "--until", "2020", "--out", tmp_path / "g"], capsys)
    assert status == 2 and err.count("\n") == 1
    assert err.startswith("ibusim: kesalahan: --until 2020 harus tahun sesudah tahun-tahun yang teramati"), err
