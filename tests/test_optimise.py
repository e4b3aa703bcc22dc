"""The budget-aware optimiser (experiments/optimise.py) and `ibusim optimise`.

Tiny models (2,000 mothers, April to December 2020), a few designs and draws, in this process.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from cli_helpers import assert_one_line_error, main

from ibusim.experiments.optimise import (
    CLOSED_BELOW,
    GOALS,
    VARIABLES,
    candidate_designs,
    default_threshold,
    describe_design,
    design_changes,
    load_optimisation,
    markdown,
    optimise,
)
from ibusim.i18n import error_text
from ibusim.model.costs import yearly_cost
from ibusim.model.parameters import PROGRAMMES, ParameterError
from ibusim.model.scenarios import load
from ibusim.numbers import format_number

TINY = {"n_mothers": 2000, "end": "2020-12"}
QUICK = {"changes": TINY, "candidates": 6, "draws": 2, "write": False, "executor": "sequential"}


@pytest.fixture(scope="module")
def costs():
    """The yearly cost of each of QUICK's designs (seed 1), cheapest first."""
    designs = candidate_designs("ipm", TINY, QUICK["candidates"], 1)
    return sorted(yearly_cost(load("ipm", **{**TINY, **d}))["total"] for d in designs)


@pytest.fixture(scope="module")
def threshold():
    """A registrations threshold some tiny designs reach and some do not (the median over every design)."""
    res = optimise(1e12, goal="registered", threshold=0, best=7, **QUICK)
    return float(res.candidates["median"].median())


def test_design_variables_map_to_valid_parameter_changes():
    base = load("ipm")
    closed = design_changes(np.full(len(VARIABLES), 0.01), base)
    assert 0.01 < CLOSED_BELOW
    assert all(closed[f"{p}_places"] == 0 for p in PROGRAMMES)
    assert closed["scholarship_batches"] == 0 and not closed["free_class"] and not closed["volunteering"]
    top = design_changes(np.full(len(VARIABLES), 0.999), base)
    for p in PROGRAMMES:
        assert top[f"{p}_places"] == pytest.approx(2 * base[f"{p}_places"], abs=1)
        assert top[f"{p}_price"] == pytest.approx(1.5 * base[f"{p}_price"], abs=1000)
    assert top["scholarship_every_weeks"] == 13 and top["free_class"] and top["volunteer_call_size"] == 40
    for d in candidate_designs("ipm", {}, 20, 3):
        load("ipm", **d)  # every candidate is a valid scenario
    assert "closed" in describe_design(load("ipm", **closed)) and "ditutup" in describe_design(
        load("ipm", **closed), "id"
    )


def test_over_budget_designs_are_never_run_nor_proposed(costs):
    budget = (costs[2] + costs[3]) / 2  # three of the seven designs fit
    res = optimise(budget, goal="registered", threshold=10, best=5, **QUICK)
    c = res.candidates
    assert c["affordable"].sum() == 3 == len(res.proposals)
    assert (res.proposals["cost_total"] <= budget).all()
    assert set(res.runs["candidate"]) == set(c.index[c["affordable"]])  # nothing over budget ran
    assert c.loc[~c["affordable"], "probability"].isna().all()


def test_a_bigger_budget_never_gives_a_worse_best_probability(costs, threshold):
    best = []
    for budget in (costs[0] + 1, (costs[2] + costs[3]) / 2, costs[-1] + 1):
        res = optimise(budget, goal="registered", threshold=threshold, **QUICK)
        best.append(res.proposals["probability"].iloc[0])
    assert best == sorted(best) and best[0] < best[-1], best


def test_zero_or_too_small_a_budget_is_one_clear_line(costs):
    with pytest.raises(ParameterError) as e:
        optimise(0, **QUICK)
    assert "budget" in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(ParameterError, match="pays for none of the 7 designs: the cheapest costs Rp") as e:
        optimise(costs[0] - 1, **QUICK)
    indonesian = error_text(e.value, "id")  # the same error for an Indonesian reader: words and Rupiah
    assert indonesian.startswith("anggaran tahunan Rp ") and "7" in indonesian and "\n" not in indonesian
    assert format_number(costs[0], "id", "money") in indonesian and indonesian != str(e.value)
    with pytest.raises(ParameterError, match="goal 'happiness' is not one of"):
        optimise(1e12, goal="happiness", **QUICK)
    with pytest.raises(ParameterError, match="share from 0 to 1"):
        optimise(1e12, goal="completion", threshold=91, **QUICK)


def test_reproducible_by_seed_and_progress_is_reported(costs):
    seen = []
    a = optimise(
        costs[-1] + 1, goal="registered", threshold=10, seed=5, progress=lambda d, n: seen.append((d, n)), **QUICK
    )
    b = optimise(costs[-1] + 1, goal="registered", threshold=10, seed=5, **QUICK)
    pd.testing.assert_frame_equal(a.runs, b.runs)
    pd.testing.assert_frame_equal(a.proposals, b.proposals)
    total = len(a.runs)
    assert seen[0] == (0, total) and seen[-1] == (total, total) and len(seen) == total + 1
    c = optimise(costs[-1] + 1, goal="registered", threshold=10, seed=6, **QUICK)
    assert not c.runs[["registered"]].equals(a.runs[["registered"]])
    assert c.candidates["cost_total"].iloc[1:].tolist() != a.candidates["cost_total"].iloc[1:].tolist()


def test_proposals_say_probability_interval_and_cost_in_both_languages(tmp_path):
    res = optimise(1e12, goal="registered", threshold=10, **{**QUICK, "write": True}, out=tmp_path / "o", lang="id")
    p = res.proposals.iloc[0]
    assert 0 <= p["probability"] <= 1 and p["p5"] <= p["median"] <= p["p95"] and p["cost_total"] > 0
    en, id_ = markdown(res, "en"), markdown(res, "id")
    assert "Probability of reaching the goal" in en and "Rp 1,000,000,000,000" in en
    assert "Rp 1.000.000.000.000" in id_ and "Probability" not in id_
    files = {f.name for f in (tmp_path / "o").iterdir()}
    assert {"proposals.csv", "candidates.csv", "runs.csv", "proposals.md", "manifest.json"} <= files
    assert (tmp_path / "o" / "proposals.md").read_text(encoding="utf-8").strip() == id_
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert manifest["goal"] == "registered" and manifest["seed"] == 1 and manifest["runs"] == len(res.runs)
    back = load_optimisation(tmp_path / "o")  # read back: the same tables in either language
    assert markdown(back, "id") == id_ and markdown(back, "en") == en


def test_over_the_posterior_every_design_sees_the_same_draws(tmp_path):
    folder = tmp_path / "calibration-ipm"
    folder.mkdir()
    pd.DataFrame({"interest_rate": [0.003, 0.005], "weight": [0.5, 0.5]}).to_csv(folder / "posterior.csv", index=False)
    res = optimise(1e12, goal="registered", threshold=10, posterior=folder, **{**QUICK, "draws": 3})
    by = res.runs.groupby("candidate")
    assert by.size().eq(3).all()
    seeds = [tuple(g["seed"]) for _, g in by]
    particles = [tuple(g["particle"]) for _, g in by]
    assert len(set(seeds)) == 1 and len(set(particles)) == 1 and set(particles[0]) <= {0, 1}


def test_default_thresholds_are_the_observed_figures():
    assert set(GOALS) == {"registered", "financial_change", "completion"}
    assert default_threshold("registered") == 15000 and default_threshold("completion") == 0.91


def test_cli_optimise_reads_indonesian_rupiah_and_prints_the_table(tmp_path, capsys):
    argv = ["optimise", "--budget", "Rp 1.000.000.000", "--lang", "id", "--posterior", "none", "--goal", "completion"]
    argv += ["--threshold", "80%", "--set", "n_mothers=2000", "--set", "end=2020-12", "--candidates", "3"]
    argv += ["--draws", "2", "--executor", "sequential", "--out", tmp_path / "o"]
    status, out, err = main(argv, capsys)
    assert status == 0, err
    assert "Rp 1.000.000.000" in out and "Peluang" in out and str(tmp_path / "o") in out
    assert "optimise: 2/" in err  # the progress line
    assert (tmp_path / "o" / "proposals.csv").is_file()


def test_cli_optimise_bad_input_is_one_line(tmp_path, capsys):
    base = ["optimise", "--posterior", "none", "--set", "n_mothers=2000", "--set", "end=2020-12", "--quiet"]
    status, _, err = main([*base, "--budget", "500.000", "--lang", "en", "--out", tmp_path / "a"], capsys)
    assert_one_line_error(status, err, "--budget '500.000'")
    status, _, err = main([*base, "--budget", "0", "--out", tmp_path / "b"], capsys)
    assert_one_line_error(status, err, "budget")
    status, _, err = main([*base, "--budget", "1000000", "--cost", "cost_pizza=5", "--out", tmp_path / "c"], capsys)
    assert_one_line_error(status, err, "unknown cost 'cost_pizza'")
    status, _, err = main(
        ["optimise", "--budget", "1000000", "--scenario", "ipm", "--posterior", tmp_path / "nope"], capsys
    )
    assert_one_line_error(status, err, "does not exist")
    status, _, err = main([*base, "--budget", "1000000", "--goal", "happiness", "--out", tmp_path / "d"], capsys)
    assert_one_line_error(status, err, "--goal 'happiness'")


# ---------------------------------------------------------------- the dashboard's panel
@pytest.fixture
def panel_settings(monkeypatch, tmp_path):
    """The panel on tiny settings, in this process, writing under tmp_path."""
    from ibusim.dashboard import optimiser_view

    monkeypatch.setattr(optimiser_view, "RESULTS", tmp_path / "results")
    monkeypatch.setattr(optimiser_view, "CANDIDATES", 3)
    monkeypatch.setattr(optimiser_view, "DRAWS", 2)
    monkeypatch.setattr(optimiser_view, "EXECUTOR", "sequential")
    return optimiser_view


def test_panel_reads_the_budget_as_its_reader_types_it():
    from ibusim.dashboard.optimiser_view import read_form

    assert read_form("Rp 500.000.000", "registered", "15.000", "id") == (500_000_000.0, 15_000.0)
    assert read_form("Rp 500,000,000", "completion", "91%", "en") == (500_000_000.0, 0.91)
    with pytest.raises(ParameterError, match="^Yearly budget: ambiguous: is it 500 or 500000") as e:
        read_form("500.000", "registered", "15000", "en")  # English: five hundred, or five hundred thousand?
    with pytest.raises(ParameterError, match="^Anggaran tahunan: "):
        read_form("Rp 1.50", "registered", "15.000", "id")
    with pytest.raises(ParameterError, match="^Ambang: "):
        read_form("Rp 1.000", "completion", "91", "id")  # a share above 1 without %
    with pytest.raises(ParameterError, match="^Anggaran: ketik jumlah setahun dalam Rupiah, misalnya Rp 500.000.000$"):
        read_form("  ", "registered", "15.000", "id")
    assert "\n" not in str(e.value)


def words(widget) -> str:
    """Every text a widget shows (its children's, a rendered Markdown's HTML), joined."""
    out = [str(getattr(widget, k, "") or "") for k in ("value", "template") if hasattr(widget, k)]
    children = getattr(widget, "children", None) or []
    for c in children if isinstance(children, (list, tuple)) else [children]:
        out.append(c if isinstance(c, str) else words(c))
    return " ".join(out)


def test_panel_runs_in_the_background_and_shows_the_proposals(panel_settings):
    import time

    import ipyvuetify as v
    import solara

    from ibusim.dashboard.session import Session

    session = Session(changes=TINY, lang="id")
    _, rc = solara.render(panel_settings.OptimiserPanel(session), handle_error=False)
    try:
        field = next(w for w in rc.find(v.TextField).widgets if w.label == "Anggaran tahunan (Rp)")
        assert field.v_model == "Rp 500.000.000"  # the default, written the Indonesian way
        field.v_model = "Rp 0"
        rc.find(v.Btn, children=["Jalankan"]).widget.click()

        def alerts():
            return ["".join(map(str, w.children)) for w in rc.find(v.Alert).widgets]

        def wait(predicate):
            for _ in range(1200):  # polls for the background thread, at most about a minute
                try:
                    if predicate():
                        return
                except (IndexError, AttributeError, ValueError):
                    pass
                time.sleep(0.05)
            raise AssertionError("the panel did not finish")

        wait(lambda: alerts())
        assert alerts() == ["anggaran tahunan Rp 0 tidak cukup untuk program apa pun: isi anggaran di atas 0"]
        field = next(w for w in rc.find(v.TextField).widgets if w.label == "Anggaran tahunan (Rp)")
        field.v_model = "Rp 1.000.000.000.000"
        rc.find(v.Btn, children=["Jalankan"]).widget.click()
        wait(lambda: len(rc.find(v.Card).widgets) == 3)
        cards = " ".join(words(w) for w in rc.find(v.Card).widgets)
        assert "Usulan 1" in cards and "Peluang" in cards and "Biaya tahunan: " in cards and "Rp " in cards
        assert not alerts()
        assert (panel_settings.RESULTS).is_dir()
    finally:
        rc.close()


def test_the_command_lines_goals_and_sizes_are_the_optimisers():
    """ibusim/cli.py names the goals and default sizes without importing the model: the same as here."""
    from ibusim import cli
    from ibusim.experiments import optimise as opt

    assert cli.OPTIMISE_GOALS == tuple(opt.GOALS)
    assert cli.OPTIMISE_SIZES == {
        "draws": opt.DEFAULT_DRAWS,
        "candidates": opt.DEFAULT_CANDIDATES,
        "best": opt.DEFAULT_BEST,
    }
