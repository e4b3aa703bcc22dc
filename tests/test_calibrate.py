"""Calibration (experiments/calibrate.py): setup, distance, a small real ABC-SMC run, resume, outputs.

Also the posterior-predictive check and the results page (experiments/report.py), on a tiny population.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pandas as pd
import pytest

from ibusim.cli import main
from ibusim.experiments import calibrate
from ibusim.model.parameters import PARAMS, ParameterError
from ibusim.model.targets import load as load_targets

# a tiny population over the first half year (about 0.1 s a run; the cost is mostly per week): every test
# here proves the machinery (sampling, resuming, outputs, the posterior-predictive check, the results page),
# not the fit, so they fit figures defined that early (completion is not: no class has finished yet)
SMALL = {"n_mothers": 1500, "end": "2020-10"}


def test_every_prior_lies_inside_its_parameter_bounds():
    priors = {n: p.prior for n, p in PARAMS.items() if p.prior}
    assert len(priors) >= 8
    for n, (lo, hi) in priors.items():
        b = PARAMS[n].bounds
        assert b[0] <= lo < hi <= b[1], n


def test_setup_defaults_and_validation():
    cs = calibrate.setup()
    assert cs.params == [n for n, p in PARAMS.items() if p.prior]
    assert cs.fit == list(load_targets()) and cs.held_out == []
    cs = calibrate.setup(targets=["registered", "telegram"], hold_out=["telegram"])
    assert cs.fit == ["registered"] and cs.held_out == ["telegram"]
    for kw, word in (
        (dict(params=["nope"]), "nope"),
        (dict(params=["n_mothers"]), "prior"),
        (dict(targets=["nope"]), "nope"),
        (dict(targets=["registered"], hold_out=["registered"]), "no targets"),
        (dict(scenario="nope"), "nope"),
        (dict(fixed={"n_mothers": 1}), "n_mothers"),
    ):
        with pytest.raises(ParameterError, match=word):
            calibrate.setup(**kw)


def test_distance_is_rms_of_band_normalised_errors():
    t = load_targets()
    obs = {n: t[n].value for n in t}
    assert calibrate.distance(obs, obs, list(t)) == 0
    at_edge = dict(obs, registered=t["registered"].high)
    assert calibrate.distance(at_edge, obs, ["registered"]) == pytest.approx(1.0)
    assert calibrate.distance(at_edge, obs, ["registered", "telegram"]) == pytest.approx(math.sqrt(0.5))
    assert calibrate.distance(dict(obs, completion=float("nan")), obs, ["completion"]) == math.inf


def test_small_calibration_runs_resumes_and_writes_outputs(tmp_path):
    """A tiny real ABC-SMC (2 parameters, small population) then a resumed third generation."""
    cs = calibrate.setup(
        params=["interest_rate", "dropout_rate"],
        targets=["registered", "instagram", "provinces"],
        hold_out=["provinces"],
        fixed=SMALL,
    )
    out = tmp_path / "cal"
    rep = calibrate.run(cs, out, population=6, generations=1, workers=1, seed=3, ppc_runs=4)
    assert rep["generations"] == 1
    sims_before = rep["simulations"]
    for f in (
        "abc.db",
        "posterior.csv",
        "posterior_summary.csv",
        "posterior.png",
        "ppc.csv",
        "ppc_summary.csv",
        "epsilons.csv",
        "report.json",
        "setup.json",
    ):
        assert (out / f).is_file(), f
    post = pd.read_csv(out / "posterior.csv")
    assert len(post) == 6 and post["weight"].sum() == pytest.approx(1.0)
    for n in cs.params:  # particles stay inside the prior
        lo, hi = PARAMS[n].prior
        assert post[n].between(lo, hi).all()
    ppc = pd.read_csv(out / "ppc_summary.csv").set_index("target")
    assert ppc.loc["provinces", "role"] == "held out" and ppc.loc["registered", "role"] == "fitted"
    assert ppc["share_inside"].between(0, 1).all() and "all" in ppc.index
    # resume: same folder, one more generation, from the database
    rep = calibrate.run(cs, out, population=6, generations=2, workers=1, seed=3, ppc_runs=2)
    assert rep["generations"] == 2 and rep["simulations"] > sims_before
    eps = pd.read_csv(out / "epsilons.csv")
    assert list(eps["t"]) == sorted(eps["t"]) and eps["epsilon"].is_monotonic_decreasing
    # a different setup on the same folder is refused
    other = calibrate.setup(params=["interest_rate"], fixed=SMALL)
    with pytest.raises(ParameterError, match="different calibration"):
        calibrate.run(other, out, population=6, generations=1, workers=1)


@pytest.mark.slow
def test_resume_after_kill(tmp_path):
    """SIGKILL the calibration after its first generation is stored, rerun: it continues."""
    out = tmp_path / "cal"
    cmd = [
        sys.executable,
        "-m",
        "ibusim.cli",
        "calibrate",
        "--params",
        "interest_rate",
        "--targets",
        "registered",
        "--set",
        "n_mothers=1500",
        "--set",
        "end=2020-10",
        "--population",
        "6",
        "--generations",
        "40",
        "--min-epsilon",
        "0",
        "--workers",
        "1",
        "--ppc-runs",
        "2",
        "--out",
        str(out),
        "--quiet",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import sqlite3
    import time

    deadline = time.time() + 90
    try:
        while time.time() < deadline:
            time.sleep(0.5)
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
    cmd[cmd.index("40")] = "3"
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, res.stderr[-2000:]
    rep = json.loads((out / "report.json").read_text())
    assert rep["generations"] >= 2


def test_cli_bad_input_exits_2(capsys, tmp_path):
    assert main(["calibrate", "--params", "nope", "--out", str(tmp_path / "x")]) == 2
    assert "nope" in capsys.readouterr().err
    assert main(["calibrate", "--targets", "registered", "--hold-out", "registered", "--out", str(tmp_path / "y")]) == 2


def test_report_writes_the_results_page(tmp_path):
    """experiments.report turns a calibration folder into results/README.md (here: a tiny one)."""
    from ibusim.experiments import report

    cs = calibrate.setup(
        params=["interest_rate"], targets=["registered", "telegram"], hold_out=["telegram"], fixed=SMALL
    )
    out = tmp_path / "cal"
    calibrate.run(cs, out, population=6, generations=1, workers=1, seed=4, ppc_runs=2)
    page = report.write(folder=out, readme=tmp_path / "README.md", seeds=2, changes=SMALL).read_text()
    assert "### Posterior" in page and "`interest_rate`" in page
    assert "Posterior-predictive check" in page and "held out" in page
    assert "Effective sample size" in page
    assert any(v in page for v in ("**Not converged, not adopted**", "**Converged and adopted**", "**Converged** (")), (
        page
    )
    assert page.count("| Mothers registered since 2020 |") == 2  # the check and the preset's own table
    assert "of 2** seeds (1-2)" in page and json.loads((out / "seed_check.json").read_text())["inside"] in (0, 1, 2)


def test_local_transition_runs_and_is_recorded(tmp_path):
    """--transition local (pyabc.LocalTransition) runs, is written to setup.json, and a bad name is refused."""
    cs = calibrate.setup(params=["interest_rate", "dropout_rate"], targets=["registered", "instagram"], fixed=SMALL)
    out = tmp_path / "local"
    rep = calibrate.run(cs, out, population=12, generations=2, workers=1, seed=5, ppc_runs=2, transition="local")
    assert rep["generations"] == 2
    assert json.loads((out / "setup.json").read_text())["transition"] == "local"
    with pytest.raises(ParameterError, match="transition 'nope'"):
        calibrate.run(cs, tmp_path / "bad", population=12, generations=1, workers=1, transition="nope")
