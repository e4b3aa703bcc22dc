"""Calibration (experiments/calibrate.py, abc_table.py, calibration_pipeline.py) and its results page.

Priors and fixed values declared with their sources, the setup's roles, the distance, the stop rule, a tiny
real ABC-SMC with resume, the reference table (deterministic, resumable), rejection ABC with regression
adjustment on a problem whose answer is known, and a miniature of the whole pipeline (every step) feeding
experiments/report.py.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ibusim.cli import main
from ibusim.experiments import abc_table, calibrate, calibration_pipeline
from ibusim.i18n import error_text
from ibusim.model.docs import toml_comments
from ibusim.model.parameters import (
    CALIBRATION_FIXED,
    DEFAULTS,
    MULTIPLIERS,
    PARAMS,
    PRIORS,
    ParameterError,
    calibration_changes,
)
from ibusim.model.scenarios import PRESET_DIR
from ibusim.model.targets import load as load_targets

# a tiny population over the first months (a fraction of a second a run): these tests prove the machinery
# (sampling, resuming, tables, outputs), not the fit, so they fit figures defined that early
SMALL = {"n_mothers": 600, "end": "2020-07"}
ROOT = Path(__file__).resolve().parent.parent
PROVINCES_HELPER = {"remote_reach"}  # replaced by the data-driven reach model (model/population.py)


# ------------------------------------------------------------------ priors and fixed values
def test_every_prior_is_sourced_and_keeps_its_parameters_inside_their_bounds():
    assert len(PRIORS) >= 6
    for name, pr in PRIORS.items():
        assert len(pr.source) > 40, name  # a stated provenance, not a word
        if name in MULTIPLIERS:
            for p in MULTIPLIERS[name].params:
                lo, hi = PARAMS[p].bounds
                assert lo <= pr.low * DEFAULTS[p] and pr.high * DEFAULTS[p] <= hi, (name, p)
                assert PARAMS[p].calibrated_by == name and PARAMS[p].prior is None
        else:
            p = PARAMS[name]
            assert p.prior == (pr.low, pr.high) and p.prior_source == pr.source and p.prior_scale == pr.scale
            assert p.bounds[0] <= pr.low < pr.high <= p.bounds[1]
    for name, (value, source) in CALIBRATION_FIXED.items():
        assert name not in PRIORS and len(source) > 40
        assert PARAMS[name].bounds[0] <= value <= PARAMS[name].bounds[1]


def test_every_parameter_tuned_against_a_figure_is_calibrated_or_fixed_at_a_sourced_value():
    """The "hand-tuned" lines of ipm.toml and any declaration that says "tuned" (issue 11, requirement 1)."""
    covered = set(PRIORS) | {p for m in MULTIPLIERS.values() for p in m.params} | set(CALIBRATION_FIXED)
    comments, _ = toml_comments(PRESET_DIR / "ipm.toml")
    tuned = {k for k, c in comments.items() if "hand-tuned" in c}
    tuned |= {n for n, p in PARAMS.items() if re.search(r"\btuned\b", p.source)}
    assert tuned >= {"interest_rate", "dropout_rate", "follow_rate", "parenting_effect_paid"}
    assert tuned - covered - PROVINCES_HELPER == set()
    assert "remote_reach" not in PRIORS  # the provinces figure is predicted, never fitted


def test_calibration_changes_expand_multipliers_from_the_baseline():
    out = calibration_changes({"financial_effect_scale": 0.5, "interest_rate": 0.003})
    assert out["interest_rate"] == 0.003
    for p in MULTIPLIERS["financial_effect_scale"].params:
        assert out[p] == pytest.approx(0.5 * DEFAULTS[p])
    assert len(out) == 1 + len(MULTIPLIERS["financial_effect_scale"].params)


def test_params_json_shows_prior_source_multiplier_and_fixed(capsys):
    assert main(["params", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)["parameters"]}
    assert rows["interest_rate"]["prior"]["distribution"] == "log-uniform"
    assert rows["interest_rate"]["prior"]["source"] == PRIORS["interest_rate"].source
    assert rows["telegram_rate"]["calibrated_by"] == "telegram_join_scale"
    assert rows["telegram_leave_rate"]["fixed_for_calibration"]["value"] == CALIBRATION_FIXED["telegram_leave_rate"][0]


# ------------------------------------------------------------------ setup, distance, stop rule
def test_setup_defaults_roles_and_validation():
    cs = calibrate.setup()
    targets = load_targets()
    assert cs.params == list(PRIORS)
    assert cs.fit == [n for n, t in targets.items() if t.role == "fitted"] and cs.held_out == []
    assert "scholars" not in cs.fit and "provinces" not in cs.fit and set(cs.reported) >= {"scholars", "provinces"}
    assert cs.fixed["telegram_leave_rate"] == CALIBRATION_FIXED["telegram_leave_rate"][0]
    cs = calibrate.setup(targets=["registered", "telegram"], hold_out=["telegram"])
    assert cs.fit == ["registered"] and cs.held_out == ["telegram"]
    for kw, word in (
        (dict(params=["nope"]), "nope"),
        (dict(params=["n_mothers"]), "prior"),
        (dict(targets=["nope"]), "nope"),
        (dict(targets=["scholars"]), "never fitted"),
        (dict(targets=["registered", "provinces"]), "never fitted"),
        (dict(targets=["registered"], hold_out=["registered"]), "no targets"),
        (dict(scenario="nope"), "nope"),
        (dict(fixed={"n_mothers": 1}), "n_mothers"),
    ):
        with pytest.raises(ParameterError, match=word):
            calibrate.setup(**kw)


@pytest.mark.parametrize(
    "kw, english, indonesian",
    [
        (
            dict(params=["n_mothers"]),
            "parameter 'n_mothers' declares no calibration prior (see model/parameters.py PRIORS)",
            "parameter 'n_mothers' tidak punya prior kalibrasi (lihat PRIORS di model/parameters.py)",
        ),
        (
            dict(targets=["scholars"]),
            "target 'scholars' has role ",
            "target 'scholars' berperan ",
        ),
        (
            dict(targets=["registered"], hold_out=["registered"]),
            "no targets left to fit after holding out",
            "tidak ada target yang tersisa untuk dicocokkan setelah sebagian disisihkan",
        ),
    ],
    ids=["no-prior", "never-fitted", "none-left"],
)
def test_a_bad_calibration_setup_is_refused_in_indonesian(kw, english, indonesian):
    with pytest.raises(ParameterError) as e:
        calibrate.setup(**kw)
    assert str(e.value).startswith(english)
    assert error_text(e.value, "id").startswith(indonesian), error_text(e.value, "id")


def test_a_folder_of_another_calibration_table_or_pipeline_is_refused_in_indonesian(tmp_path):
    cs = calibrate.setup(params=["interest_rate"], targets=["registered"], fixed=SMALL)
    refusals = []
    (tmp_path / "abc").mkdir()
    (tmp_path / "abc" / "setup.json").write_text("{}")
    with pytest.raises(ParameterError) as e:
        calibrate.run(cs, tmp_path / "abc", population=4, generations=1, workers=1)
    refusals.append(e.value)
    with pytest.raises(ParameterError) as e:
        calibrate.run(cs, tmp_path / "abc", population=4, generations=1, workers=1, transition="bogus")
    refusals.append(e.value)
    (tmp_path / "table").mkdir()
    (tmp_path / "table" / "meta.json").write_text("{}")
    with pytest.raises(ParameterError) as e:
        abc_table.build_table(cs, tmp_path / "table", rows=6, chunk_rows=2, seed=5, executor="sequential")
    refusals.append(e.value)
    (tmp_path / "pipe").mkdir()
    (tmp_path / "pipe" / "pipeline.json").write_text('{"settings": {"other": 1}}')
    with pytest.raises(ParameterError) as e:
        calibration_pipeline.run_pipeline(tmp_path / "pipe", calibration_pipeline.SIZES["mini"], workers=1)
    refusals.append(e.value)
    assert [str(e) for e in refusals] == [
        f"folder '{tmp_path / 'abc'}' holds a different calibration (setup.json differs); use another --out",
        f"transition 'bogus' is not one of {', '.join(calibrate.TRANSITIONS)}",
        f"folder '{tmp_path / 'table'}' holds another reference table (meta.json differs)",
        f"folder '{tmp_path / 'pipe'}' holds a pipeline with other settings (pipeline.json); use another --out",
    ]
    assert [error_text(e, "id") for e in refusals] == [
        f"folder '{tmp_path / 'abc'}' berisi kalibrasi lain (setup.json berbeda); pakai --out yang lain",
        f"transition 'bogus' bukan salah satu dari {', '.join(calibrate.TRANSITIONS)}",
        f"folder '{tmp_path / 'table'}' berisi tabel referensi lain (meta.json berbeda)",
        f"folder '{tmp_path / 'pipe'}' berisi pipeline dengan pengaturan lain (pipeline.json); pakai --out yang lain",
    ]
    assert (tmp_path / "abc" / "setup.json").read_text() == "{}"  # nothing overwritten


def test_distance_scales_each_figure_by_its_band_and_its_noise():
    t = load_targets()
    obs = {n: t[n].fit_value for n in t}
    assert calibrate.distance(obs, list(t)) == 0
    reg = t["registered"]
    assert reg.scale == pytest.approx(math.hypot((reg.high - reg.low) / 2, reg.noise_sd))
    at_edge = dict(obs, registered=reg.high)
    assert calibrate.distance(at_edge, ["registered"]) == pytest.approx(reg.half_band / reg.scale)
    assert calibrate.distance(at_edge, ["registered", "completion"]) == pytest.approx(
        reg.half_band / reg.scale / math.sqrt(2)
    )
    assert calibrate.distance(dict(obs, completion=float("nan")), ["completion"]) == math.inf


def test_ratio_targets_are_fitted_per_registered_mother():
    t = load_targets()
    assert t["telegram"].per == "registered" and t["instagram"].per == "registered"
    summary = {"telegram": 4000.0, "registered": 16000.0, "instagram": 40000.0}
    assert t["telegram"].statistic(summary) == pytest.approx(0.25)
    assert t["instagram"].statistic(summary) == pytest.approx(2.5)
    assert math.isnan(t["telegram"].statistic(dict(summary, registered=0.0)))
    assert t["registered"].statistic(summary) == 16000.0


def test_a_sampler_worker_knows_when_its_calibration_was_killed():
    import os

    assert not calibrate.orphaned(os.getpid())  # the calibration itself
    assert not calibrate.orphaned(os.getppid())  # a worker forked by it
    assert calibrate.orphaned(-1)  # a worker whose calibration is gone


@pytest.mark.parametrize(
    "eps,ess,ok",
    [
        ([2.0, 1.0, 0.98, 0.96], 30, True),  # 2.0% over the last two generations, ESS 60%
        ([1.0, 0.98, 0.96], 15, True),  # 4% over two generations, ESS exactly 30%
        ([1.0, 0.96, 0.94], 15, False),  # 6% over two generations
        ([1.0, 0.99, 0.98], 14, False),  # ESS 28% of 50
        ([1.0, 0.99], 50, False),  # the criterion needs three generations
    ],
)
def test_stop_rule(eps, ess, ok):
    assert calibrate.converged(eps, ess, 50)[0] is ok


def test_weighted_summaries_and_identifiability():
    rng = np.random.default_rng(1)
    names = ["interest_rate", "covid_push"]  # a log prior and a linear one
    b = calibrate.prior_bounds(names)
    flat = b[:, 0] + rng.random((4000, 2)) * (b[:, 1] - b[:, 0])
    ratios, corr = calibrate.identifiability(names, flat, np.ones(4000))
    assert ratios["sd_ratio"].to_numpy() == pytest.approx([1, 1], abs=0.05)  # the prior itself: ratio 1
    narrow = np.column_stack([np.full(50, -2.5), np.linspace(1, 1.1, 50)])
    ratios, corr = calibrate.identifiability(names, narrow, np.ones(50))
    assert ratios["sd_ratio"].iloc[0] == pytest.approx(0, abs=1e-9) and ratios["sd_ratio"].iloc[1] < 0.05
    summary = calibrate.summarise(names, flat, np.ones(4000))
    assert summary.loc[0, "median"] == pytest.approx(10 ** np.mean(b[0]), rel=0.1)  # log prior: geometric middle


# ------------------------------------------------------------------ ABC-SMC, small and real
@pytest.mark.slow
def test_small_calibration_runs_resumes_and_writes_outputs(tmp_path):
    """A tiny real ABC-SMC (2 quantities, one a multiplier), then one more generation resumed from abc.db."""
    cs = calibrate.setup(
        params=["interest_rate", "telegram_join_scale"],
        targets=["registered", "telegram"],
        fixed=SMALL,
    )
    out = tmp_path / "cal"
    rep = calibrate.run(cs, out, population=4, generations=1, workers=1, seed=3, ppc_runs=2, transition="local")
    assert rep["generations"] == 1 and rep["converged"] is False and "needs 3" in rep["convergence"]
    assert json.loads((out / "setup.json").read_text())["transition"] == "local"
    for f in (
        "abc.db",
        "posterior.csv",
        "posterior_calibrated.csv",
        "posterior_summary.csv",
        "correlation.csv",
        "posterior.png",
        "ppc.csv",
        "ppc_summary.csv",
        "epsilons.csv",
        "report.json",
    ):
        assert (out / f).is_file(), f
    cal = pd.read_csv(out / "posterior_calibrated.csv")
    assert len(cal) == 4 and cal["weight"].sum() == pytest.approx(1.0)
    for n in cs.params:  # particles stay inside the prior
        assert cal[n].between(PRIORS[n].low, PRIORS[n].high).all()
    post = pd.read_csv(out / "posterior.csv")  # model parameters: what forecasts run
    assert set(post) == {"interest_rate", "telegram_rate", "telegram_member_rate", "weight"}
    fixed = json.loads((out / "setup.json").read_text())["fixed"]  # where experiments/posterior.py reads them
    assert fixed["telegram_leave_rate"] == CALIBRATION_FIXED["telegram_leave_rate"][0] and fixed["end"] == "2020-07"
    from ibusim.experiments.posterior import load_posterior

    loaded = load_posterior(out)  # the forecasts' reader accepts it
    assert loaded.fixed["telegram_leave_rate"] == CALIBRATION_FIXED["telegram_leave_rate"][0]
    assert post["telegram_rate"].to_numpy() == pytest.approx(cal["telegram_join_scale"] * DEFAULTS["telegram_rate"])
    ppc = pd.read_csv(out / "ppc_summary.csv").set_index("target")
    assert ppc.loc["registered", "role"] == "fitted" and ppc.loc["scholars", "role"] == "check"
    assert ppc.loc["provinces", "role"] == "predicted" and ppc.loc["completion", "role"] == "not used"
    assert ppc.loc["telegram", "statistic"].endswith("per registered mother")
    assert ppc["share_inside"].between(0, 1).all() and "all" in ppc.index and "delta_surge" in ppc.index
    sims = rep["simulations"]
    rep = calibrate.run(cs, out, population=4, generations=2, workers=1, seed=3, ppc_runs=2, transition="local")
    assert rep["generations"] == 2 and rep["simulations"] > sims
    eps = pd.read_csv(out / "epsilons.csv")
    assert list(eps["t"]) == [0, 1] and (eps["ess"] > 0).all()
    other = calibrate.setup(params=["interest_rate"], targets=["registered"], fixed=SMALL)
    with pytest.raises(ParameterError, match="different calibration"):
        calibrate.run(other, out, population=4, generations=1, workers=1)


@pytest.mark.slow
@pytest.mark.parametrize("bad", [0, 0.2, 11, float("nan"), float("inf"), True, "2"])
def test_a_kernel_scaling_outside_its_range_is_refused_in_both_languages(bad, tmp_path):
    cs = calibrate.setup(params=["interest_rate"], targets=["registered"], fixed=SMALL)
    with pytest.raises(ParameterError) as e:
        calibrate.run(cs, tmp_path / "abc", population=4, generations=1, workers=1, kernel_scaling=bad)
    assert str(e.value).startswith("the kernel scaling must be a number in 0.25-10, got ")
    assert error_text(e.value, "id").startswith("skala kernel harus berupa angka 0,25-10, bukan ")
    assert not (tmp_path / "abc").exists()  # refused before anything is written


def test_the_kernel_scaling_is_recorded_and_a_folder_of_another_is_refused(tmp_path):
    cs = calibrate.setup(params=["interest_rate"], targets=["registered"], fixed=SMALL)
    out = tmp_path / "cal"
    calibrate.run(cs, out, population=4, generations=1, workers=1, seed=3, ppc_runs=2, kernel_scaling=2)
    assert json.loads((out / "setup.json").read_text())["kernel_scaling"] == 2.0
    with pytest.raises(ParameterError, match="setup.json differs"):
        calibrate.run(cs, out, population=4, generations=2, workers=1, seed=3, ppc_runs=2)  # pyabc's own scaling
    default = tmp_path / "default"
    calibrate.run(cs, default, population=4, generations=1, workers=1, seed=3, ppc_runs=2)
    assert "kernel_scaling" not in json.loads((default / "setup.json").read_text())  # older folders still match


def test_cli_kernel_scaling_reaches_the_calibration_and_a_bad_one_is_one_line(tmp_path, capsys):
    argv = ["calibrate", "--params", "interest_rate", "--targets", "registered", "--set", "n_mothers=600"]
    argv += ["--set", "end=2020-07", "--population", "4", "--generations", "1", "--workers", "1"]
    argv += ["--ppc-runs", "2", "--quiet"]
    assert main([*argv, "--kernel-scaling", "1,5", "--lang", "id", "--out", str(tmp_path / "id")]) == 0
    assert json.loads((tmp_path / "id" / "setup.json").read_text())["kernel_scaling"] == 1.5
    capsys.readouterr()
    assert main([*argv, "--kernel-scaling", "20", "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the kernel scaling must be a number in 0.25-10, got 20.0" in err
    assert not (tmp_path / "x").exists()


def test_kernel_table_gives_the_runs_own_effective_sample_size_and_judges_wider_kernels(tmp_path):
    """For the kernel the run used, the table's share is the run's own ESS; a wider one accepts less."""
    import pyabc

    cs = calibrate.setup(params=["interest_rate", "telegram_join_scale"], targets=["registered"], fixed=SMALL)
    out = tmp_path / "cal"
    calibrate.run(cs, out, population=12, generations=3, workers=1, seed=4, ppc_runs=2)
    table = calibrate.kernel_table(out / "abc.db")
    history = pyabc.History(f"sqlite:///{out / 'abc.db'}")
    assert sorted(table["t"].unique()) == list(range(1, history.max_t + 1)) and history.max_t >= 2
    assert set(table["kernel"]) == set(calibrate.KERNELS)
    for t, rows in table.groupby("t"):
        _, w = history.get_distribution(t=int(t))
        own = rows.set_index("kernel").loc["global"]
        assert own["ess_share"] == pytest.approx(calibrate.ess(w) / len(w), rel=1e-9)
        assert own["acceptance"] == own["efficiency"] == pytest.approx(1.0)
        wide = rows.set_index("kernel")
        assert wide.loc["global x3", "acceptance"] < wide.loc["global x1.5", "acceptance"] < 1.0
    assert ((table["ess_share"] > 0) & (table["ess_share"] <= 1 + 1e-9)).all()


def test_module_kernels_option_prints_the_three_tables(tmp_path, capsys):
    cs = calibrate.setup(params=["interest_rate"], targets=["registered"], fixed=SMALL)
    calibrate.run(cs, tmp_path / "cal", population=8, generations=2, workers=1, seed=5, ppc_runs=2)
    assert calibrate.main(["--kernels", str(tmp_path / "cal")]) == 0
    printed = capsys.readouterr().out
    for title in ("effective sample size / population", "acceptance rate / global's", "per simulation / global's"):
        assert title in printed
    with pytest.raises(SystemExit):
        calibrate.main(["--kernels", str(tmp_path / "nothing")])


def test_pipeline_settings_added_later_keep_older_records_matching():
    default = calibration_pipeline.Settings()
    assert "kernel_scaling" not in calibration_pipeline.settings_json(default)  # at pyabc's own value: left out
    wider = calibration_pipeline.settings_json(calibration_pipeline.Settings(kernel_scaling=2.0))
    assert wider["kernel_scaling"] == 2.0
    from ibusim.experiments import report

    recorded = json.loads((ROOT / "results" / "calibration-ipm" / "pipeline.json").read_text())
    assert report.size_of(recorded["settings"]) == "full"


def test_resume_after_kill(tmp_path):
    """SIGKILL the calibration after its first generation is stored, rerun: it continues."""
    out = tmp_path / "cal"
    cmd = [sys.executable, "-m", "ibusim.cli", "calibrate", "--params", "interest_rate", "--targets", "registered"]
    cmd += ["--set", "n_mothers=600", "--set", "end=2020-07", "--population", "4", "--generations", "40"]
    cmd += ["--min-epsilon", "0", "--workers", "1", "--ppc-runs", "2", "--out", str(out), "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import sqlite3
    import time

    deadline = time.time() + 90
    try:
        while time.time() < deadline:
            time.sleep(0.3)
            db = out / "abc.db"
            if db.exists():
                try:
                    n = sqlite3.connect(db).execute("select count(*) from populations").fetchone()[0]
                except sqlite3.Error:
                    continue
                if n >= 2:  # the calibration sample plus one generation
                    break
        else:
            pytest.fail("no generation stored in time")
    finally:
        proc.kill()
        proc.wait()
    cmd[cmd.index("40")] = "2"
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, res.stderr[-2000:]
    assert json.loads((out / "report.json").read_text())["generations"] == 2


def test_cli_bad_input_exits_2(capsys, tmp_path):
    assert main(["calibrate", "--params", "nope", "--out", str(tmp_path / "x")]) == 2
    assert "nope" in capsys.readouterr().err
    assert main(["calibrate", "--targets", "registered", "--hold-out", "registered", "--out", str(tmp_path / "y")]) == 2
    assert main(["calibrate", "--targets", "scholars", "--out", str(tmp_path / "z")]) == 2
    assert "never fitted" in capsys.readouterr().err


# ------------------------------------------------------------------ reference table, rejection, recovery
def test_reference_table_is_deterministic_and_resumes_chunk_by_chunk(tmp_path):
    cs = calibrate.setup(params=["interest_rate"], targets=["registered"], fixed=SMALL)
    folder = tmp_path / "table"
    table = abc_table.build_table(cs, folder, rows=6, chunk_rows=2, seed=5, executor="sequential")
    assert len(table) == 6 and table.ok.all()
    assert sorted(p.name for p in folder.glob("chunk-*.npz")) == [f"chunk-000{k}.npz" for k in range(3)]
    lo, hi = calibrate.prior_bounds(["interest_rate"])[0]
    assert ((table.coords >= lo) & (table.coords <= hi)).all()
    (folder / "chunk-0001.npz").unlink()  # as if killed before its last run
    again = abc_table.build_table(cs, folder, rows=6, chunk_rows=2, seed=5, executor="sequential")
    assert np.array_equal(again.coords, table.coords) and np.array_equal(again.seeds, table.seeds)
    assert np.array_equal(again.figures["registered"], table.figures["registered"])  # same draws, same seeds
    assert table.statistics(["registered"])[:, 0] == pytest.approx(table.figures["registered"])
    with pytest.raises(ParameterError, match="another reference table"):
        abc_table.build_table(cs, folder, rows=8, chunk_rows=2, seed=5, executor="sequential")


def _toy(n=3000, seed=0):
    """A model with a known answer: two statistics, each its parameter plus small noise."""
    rng = np.random.default_rng(seed)
    bounds = np.array([[0.0, 1.0], [-2.0, 2.0]])
    coords = bounds[:, 0] + rng.random((n, 2)) * (bounds[:, 1] - bounds[:, 0])
    stats = coords + rng.normal(0, 0.03, (n, 2))
    return bounds, coords, stats


def test_rejection_with_regression_adjustment_finds_the_true_parameters():
    bounds, coords, stats = _toy()
    truth = np.array([0.3, -1.0])
    scales = np.array([0.05, 0.05])
    for adjust in (False, True):
        theta, w = abc_table.abc_posterior(coords, stats, truth, scales, bounds, accept=100, adjust=adjust)
        assert w.sum() == pytest.approx(1) and (w > 0).all()
        assert (theta >= bounds[:, 0]).all() and (theta <= bounds[:, 1]).all()
        assert w @ theta == pytest.approx(truth, abs=0.06)
    wide, _ = abc_table.abc_posterior(coords, stats, truth, scales, bounds, accept=100, adjust=False)
    assert theta.std(axis=0).max() < wide.std(axis=0).max()  # the adjustment narrows the posterior


def test_recovery_covers_the_truth_about_as_often_as_it_claims():
    bounds, coords, stats = _toy(2000, seed=1)
    summary, detail = abc_table.recovery_arrays(
        ["a", "b"], coords, stats, np.array([0.05, 0.05]), bounds, pseudo=40, accept=60
    )
    assert list(summary["parameter"]) == ["a", "b"] and (summary["pseudo"] == 40).all()
    assert (summary["coverage"] >= 0.7).all() and (summary["sd_ratio"] < 0.2).all()
    # statistics that carry no information: nothing is learnt (sd ratio near 1)
    noise = np.random.default_rng(2).random(stats.shape)
    summary, _ = abc_table.recovery_arrays(["a", "b"], coords, noise, np.ones(2), bounds, pseudo=20, accept=200)
    assert (summary["sd_ratio"] > 0.7).all()


# ------------------------------------------------------------------ the pipeline in miniature, and the page
MINI = calibration_pipeline.Settings(
    noise_seeds=2,
    population=4,
    generations=1,
    max_simulations=60,
    ppc_runs=2,
    table_rows=8,
    chunk_rows=4,
    accept=5,
    loo_runs=2,
    recovery_pseudo=3,
    params=("interest_rate", "follow_rate"),
    targets=("registered", "instagram"),
    fixed=SMALL,
)


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    out = tmp_path_factory.mktemp("pipeline") / "cal"
    record = calibration_pipeline.run_pipeline(out, MINI, workers=1, progress=False)
    return out, record


def test_pipeline_miniature_runs_every_step_and_resumes(mini):
    out, record = mini
    assert list(record["steps"]) == ["noise", "abc_smc", "table", "leave_one_out", "recovery", "identifiability"]
    for f in ("noise.csv", "posterior.csv", "ppc_summary.csv", "loo.csv", "recovery.csv", "identifiability.csv"):
        assert (out / f).is_file(), f
    loo = pd.read_csv(out / "loo.csv")
    assert list(loo["target"]) == ["registered", "instagram"] and loo["share_inside"].between(0, 1).all()
    rec = pd.read_csv(out / "recovery.csv")
    assert list(rec["parameter"]) == ["interest_rate", "follow_rate"] and rec["coverage"].between(0, 1).all()
    assert record["seconds_per_run_in_worker"] > 0
    again = calibration_pipeline.run_pipeline(out, MINI, workers=1, progress=False)  # every step done: reused
    assert again["steps"] == record["steps"]
    with pytest.raises(ParameterError, match="other settings"):
        calibration_pipeline.run_pipeline(out, calibration_pipeline.SIZES["mini"], workers=1, progress=False)


def test_report_writes_the_calibration_section(mini, tmp_path, monkeypatch):
    from ibusim.experiments import report

    out, _ = mini
    # the validation sections run the full-size model (tests/test_secondary.py tests them); not here
    monkeypatch.setattr(report, "VALIDATION_MODULES", ())
    page = report.write(folder=out, readme=tmp_path / "README.md", changes=SMALL).read_text()
    for heading in (
        "### Posterior",
        "### Posterior-predictive coverage",
        "### Leave-one-out",
        "### Parameter recovery",
        "### Identifiability",
        "### Convergence",
        "### Wall time",
    ):
        assert heading in page, heading
    assert "`interest_rate`" in page and "logU(" in page and "not converged" in page.lower()
    assert "TODO" not in page and "placeholder" not in page.lower()
