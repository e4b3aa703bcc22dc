"""Posterior draws (experiments/posterior.py): loading and checking posterior.csv, weighted resampling, seeds."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ibusim.experiments.posterior import (
    PosteriorError,
    check_draws,
    draws,
    load_posterior,
    tasks_over,
)
from ibusim.i18n import error_text
from ibusim.model.parameters import PARAMS, ParameterError

ROWS = {
    "interest_rate": [0.003, 0.004, 0.005],
    "dropout_rate": [0.010, 0.012, 0.014],
    "n_brands": [2.0, 3.4, 5.6],  # an int parameter: rounded when drawn
    "weight": [0.1, 0.2, 0.7],
}


def write(folder, rows=ROWS, setup=None):
    """A calibration folder with posterior.csv (and setup.json if given)."""
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(folder / "posterior.csv", index=False)
    if setup is not None:
        (folder / "setup.json").write_text(json.dumps(setup))
    return folder


def one_line_error(folder, *fragments):
    with pytest.raises(PosteriorError) as e:
        load_posterior(folder)
    msg = str(e.value)
    assert "\n" not in msg
    for f in fragments:
        assert f in msg, (f, msg)
    return msg


def test_load_normalises_weights_and_keeps_the_columns(tmp_path):
    post = load_posterior(write(tmp_path / "c"))
    assert post.params == ["interest_rate", "dropout_rate", "n_brands"]
    assert post.weights.sum() == pytest.approx(1.0)
    assert post.weights.tolist() == pytest.approx([0.1, 0.2, 0.7])
    assert post.fixed == {} and post.scenario is None
    assert 1 < post.effective_size() < 3  # Kish: 1 / (0.01 + 0.04 + 0.49)
    assert load_posterior(tmp_path / "c" / "posterior.csv").params == post.params  # the file itself works too
    assert isinstance(PosteriorError("x"), ParameterError)  # the CLI turns it into one line, status 2


def test_bad_posteriors_give_one_line_naming_the_problem(tmp_path):
    one_line_error(tmp_path / "nowhere", "does not exist", "nowhere")
    (tmp_path / "empty").mkdir()
    one_line_error(tmp_path / "empty", "posterior.csv", "does not exist")
    one_line_error(write(tmp_path / "unknown", {**ROWS, "bogus_rate": [1, 2, 3]}), "unknown parameter", "bogus_rate")
    one_line_error(write(tmp_path / "noweight", {k: v for k, v in ROWS.items() if k != "weight"}), "no 'weight'")
    one_line_error(write(tmp_path / "zero", {**ROWS, "weight": [0.5, 0.0, 0.5]}), "row 2", "> 0")
    one_line_error(write(tmp_path / "negative", {**ROWS, "weight": [0.5, 0.5, -1]}), "row 3", "> 0")
    one_line_error(
        write(tmp_path / "nan", {**ROWS, "dropout_rate": [0.01, float("nan"), 0.01]}), "dropout_rate", "row 2"
    )
    one_line_error(write(tmp_path / "text", {**ROWS, "interest_rate": ["a", 0.1, 0.1]}), "interest_rate", "row 1")
    one_line_error(write(tmp_path / "bounds", {**ROWS, "interest_rate": [0.003, 7.0, 0.004]}), "outside its bounds")
    one_line_error(write(tmp_path / "only", {"weight": [1.0]}), "no parameter columns")
    one_line_error(write(tmp_path / "rows", {k: [] for k in ROWS}), "no particles")
    one_line_error(write(tmp_path / "choice", {"free_class": [1.0], "weight": [1.0]}), "free_class", "bool")
    (tmp_path / "blank").mkdir()
    (tmp_path / "blank" / "posterior.csv").write_text("")
    one_line_error(tmp_path / "blank", "not a readable CSV")
    one_line_error(write(tmp_path / "setup", setup={"fixed": {"bogus": 1}}), "setup.json", "bogus")
    one_line_error(write(tmp_path / "setup2", setup={"fixed": {"n_mothers": -5}}), "setup.json", "n_mothers")


def test_draws_are_reproducible_nested_and_typed(tmp_path):
    post = load_posterior(write(tmp_path / "c"))
    a, b = draws(post, 50, seed=7), draws(post, 50, seed=7)
    assert a == b
    assert draws(post, 50, seed=8) != a
    assert draws(post, 20, seed=7) == a[:20]  # a smaller request is the start of a larger one
    assert len({d.seed for d in a}) == 50
    for d in a:
        row = post.values.iloc[d.particle]
        assert d.changes["interest_rate"] == row["interest_rate"]
        assert d.changes["n_brands"] == round(row["n_brands"]) and isinstance(d.changes["n_brands"], int)
    many = draws(post, 2, seed=7, seeds_per_draw=3)
    assert [(d.draw, d.replication) for d in many] == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]
    assert len({d.seed for d in many}) == 6 and many[0].changes == many[2].changes
    for bad in (0, -1, 1.5, True):
        with pytest.raises(PosteriorError):
            draws(post, bad)
    with pytest.raises(PosteriorError):
        draws(post, 3, seeds_per_draw=0)


def test_draws_follow_the_weights(tmp_path):
    post = load_posterior(write(tmp_path / "c"))
    counts = np.bincount([d.particle for d in draws(post, 4000, seed=3)], minlength=3) / 4000
    assert counts == pytest.approx([0.1, 0.2, 0.7], abs=0.03)  # binomial sd at most 0.0073
    lopsided = load_posterior(write(tmp_path / "l", {**ROWS, "weight": [1e-9, 1e-9, 5.0]}))
    assert {d.particle for d in draws(lopsided, 500, seed=3)} == {2}


def test_setup_fixed_changes_go_into_every_draw_and_no_posterior_means_no_changes(tmp_path):
    post = load_posterior(write(tmp_path / "c", setup={"scenario": "ipm", "fixed": {"n_mothers": 5000}}))
    assert post.fixed == {"n_mothers": 5000} and post.scenario == "ipm"
    assert all(d.changes["n_mothers"] == 5000 for d in draws(post, 5, seed=1))
    plain = draws(None, 4, seed=1)
    assert [d.changes for d in plain] == [{}] * 4 and {d.particle for d in plain} == {-1}
    assert [d.seed for d in plain] == [d.seed for d in draws(post, 4, seed=1)]  # the same model seeds


def test_tasks_over_keeps_seeds_common_and_explicit_changes_win(tmp_path):
    sample = draws(load_posterior(write(tmp_path / "c")), 3, seed=2, seeds_per_draw=2)
    a = tasks_over(sample, {"scenario": "ipm", "free_class": False}, point=0)
    b = tasks_over(sample, {"scenario": "ipm", "interest_rate": 0.001}, point=1)
    assert [t["seed"] for t in a] == [t["seed"] for t in b] == [d.seed for d in sample]
    assert [t["replication"] for t in a] == list(range(6))
    assert all(t["params"]["interest_rate"] == 0.001 for t in b)  # the variant's own change wins
    assert [t["params"]["interest_rate"] for t in a] == [d.changes["interest_rate"] for d in sample]
    assert all(t["point"] == 0 and t["params"]["scenario"] == "ipm" and not t["params"]["free_class"] for t in a)


def in_indonesian(folder):
    """load_posterior's refusal of ``folder``: (English line, Indonesian line)."""
    with pytest.raises(PosteriorError) as e:
        load_posterior(folder)
    return str(e.value), error_text(e.value, "id")


def test_a_bad_posterior_is_refused_in_indonesian_with_its_numbers_written_the_indonesian_way(tmp_path):
    english, indonesian = in_indonesian(tmp_path / "no" / "posterior.csv")
    assert english.startswith(f"posterior folder '{tmp_path / 'no'}' does not exist (give a calibration folder")
    assert indonesian == (
        f"folder posterior '{tmp_path / 'no'}' tidak ada (berikan folder kalibrasi, misalnya results/calibration-ipm)"
    )
    (tmp_path / "empty").mkdir()
    english, indonesian = in_indonesian(tmp_path / "empty")
    assert english == f"posterior '{tmp_path / 'empty' / 'posterior.csv'}' does not exist (ibusim calibrate writes it)"
    assert (
        indonesian == f"posterior '{tmp_path / 'empty' / 'posterior.csv'}' tidak ada (ibusim calibrate yang menulisnya)"
    )
    rows = {k: v * 500 for k, v in ROWS.items()}  # 1,500 particles: a row number with a thousands separator
    rows["weight"] = [0.5] * 1233 + [-0.25] + [0.5] * 266
    english, indonesian = in_indonesian(write(tmp_path / "negative", rows))
    assert english.endswith("weight in row 1234 is -0.25; weights must be > 0")
    assert indonesian.endswith("bobot di baris 1.234 adalah -0,25; bobot harus > 0"), indonesian
    english, indonesian = in_indonesian(write(tmp_path / "bounds", {**ROWS, "interest_rate": [0.003, 7.5, 0.004]}))
    assert english.endswith("interest_rate = 7.5 in row 2 is outside its bounds [0, 1]"), english
    assert indonesian.endswith("interest_rate = 7,5 di baris 2 di luar batasnya [0, 1]"), indonesian
    english, indonesian = in_indonesian(write(tmp_path / "setup", setup={"fixed": {"n_mothers": -5}}))
    assert indonesian.startswith(f"'{tmp_path / 'setup' / 'setup.json'}': parameter 'n_mothers' = -5 tidak"), indonesian
    assert "\n" not in indonesian and "is not" not in indonesian


def test_a_refusal_raised_in_a_worker_process_is_still_indonesian_in_the_parent(tmp_path):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    rows = {k: v * 500 for k, v in ROWS.items()}
    rows["weight"] = [0.5] * 1233 + [-0.25] + [0.5] * 266
    folder = write(tmp_path / "negative", rows)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as pool:
        with pytest.raises(PosteriorError) as e:
            pool.submit(load_posterior, folder).result()
    assert str(e.value).endswith("weight in row 1234 is -0.25; weights must be > 0")
    assert error_text(e.value, "id").endswith("bobot di baris 1.234 adalah -0,25; bobot harus > 0")


def test_check_draws_refuses_a_draw_invalid_over_the_scenario(tmp_path):
    sample = draws(load_posterior(write(tmp_path / "c")), 3, seed=2)
    check_draws("ipm", {}, sample)
    with pytest.raises(PosteriorError, match="posterior draw 0"):
        check_draws("ipm", {"n_mothers": 5}, sample)


@settings(max_examples=25, deadline=None)
@given(
    weights=st.lists(st.floats(1e-6, 1e6), min_size=1, max_size=8),
    n=st.integers(1, 60),
    seed=st.integers(0, 2**63 - 1),
)
def test_any_positive_weights_give_n_valid_draws(tmp_path_factory, weights, n, seed):
    k = len(weights)
    lo, hi = PARAMS["interest_rate"].bounds
    rows = {"interest_rate": np.linspace(lo, hi, k), "weight": weights}
    folder = write(tmp_path_factory.mktemp("h"), rows)
    out = draws(folder, n, seed=seed)
    assert len(out) == n and all(0 <= d.particle < k for d in out)
    assert all(lo <= d.changes["interest_rate"] <= hi for d in out)
    assert out == draws(folder, n, seed=seed)
