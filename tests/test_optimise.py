"""The budget-aware optimiser (experiments/optimise.py) and `ibusim optimise`.

Tiny models (2,000 mothers, April to December 2020), a few designs and draws, in this process. ``QUICK``
runs the first round only (the designs drawn: ``rounds=1``); ``SEARCH`` adds the rounds near the best.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from cli_helpers import assert_one_line_error, main

from ibusim.experiments import optimise as opt_mod
from ibusim.experiments.execution import OutputError, dumps
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
    own_point,
    ranking,
    refine_size,
)
from ibusim.i18n import error_text
from ibusim.model.costs import yearly_cost
from ibusim.model.parameters import PROGRAMMES, ParameterError
from ibusim.model.scenarios import load
from ibusim.numbers import format_number

TINY = {"n_mothers": 2000, "end": "2020-12"}
QUICK = {"changes": TINY, "candidates": 6, "draws": 2, "write": False, "executor": "sequential", "rounds": 1}
SEARCH = {**QUICK, "rounds": 2}
X = [f"x_{v}" for v in VARIABLES]


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
            for _ in range(6000):  # polls for the background thread, at most about five minutes (both cores busy)
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
        assert "Usulan 1" in cards and "Peluang" in cards and "Biaya tahunan: " in cards and "Rp\u00a0" in cards
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
        "rounds": opt.DEFAULT_ROUNDS,
    }
    assert cli.OPTIMISE_MAX_ROUNDS == opt.MAX_ROUNDS and f"1-{opt.MAX_ROUNDS}" in cli.ROUNDS_WHAT


# ---------------------------------------------------------------- the search: rounds near the best
@pytest.fixture(scope="module")
def searched(threshold):
    """The same problem with the first round only and with a second round (seed 1)."""
    one = optimise(1e12, goal="registered", threshold=threshold, **QUICK)
    two = optimise(1e12, goal="registered", threshold=threshold, **SEARCH)
    return one, two


def test_one_round_is_the_first_batch_and_a_second_keeps_it(searched):
    one, two = searched
    assert one.candidates["design"].tolist() == candidate_designs("ipm", TINY, 6, 1)  # the designs drawn before
    assert set(one.candidates["round"]) == {1} and one.info["rounds"] == 1
    first = two.candidates[two.candidates["round"] == 1]
    pd.testing.assert_frame_equal(first, one.candidates)  # round 1: the same designs, costs and results
    pd.testing.assert_frame_equal(two.runs[two.runs["candidate"].isin(first.index)], one.runs)
    base = load("ipm", **TINY)
    for i, r in two.candidates.iloc[1:].iterrows():  # every point recorded maps to its design
        assert design_changes(r[X].to_numpy(float), base) == r["design"], i
    assert design_changes(own_point(base), base)["comeback_journey_places"] == base["comeback_journey_places"]


def test_the_second_round_runs_new_affordable_designs_near_the_best(searched):
    one, two = searched
    c = two.candidates
    first, later = c[c["round"] == 1], c[c["round"] == 2]
    assert len(later) == refine_size(6) == 3 and later["affordable"].all() and later["runs"].eq(2).all()
    assert not {dumps(d) for d in later["design"]} & {dumps(d) for d in first["design"]}  # new designs only
    log = two.info["round_log"]
    centres = log[1]["centres"]
    assert centres == ranking(one.candidates)["candidate"].head(3).tolist()  # the first round's best three
    width = log[1]["half_width"]
    for _, r in later.iterrows():  # each inside the box around one of them
        assert any(
            (np.abs(r[X].to_numpy(float) - first.loc[k, X].to_numpy(float)) <= width + 1e-12).all() for k in centres
        )
    # concentrated where the first batch did well: better on average than the designs drawn at random
    assert later["probability"].mean() > first["probability"].mean()
    assert later["median"].mean() > first["median"].mean()
    # and the best proposal is at least as good as the first round's (same draws: round 1 kept its results)
    best_one, best_two = one.proposals.iloc[0], two.proposals.iloc[0]
    assert (best_two["probability"], best_two["median"]) >= (best_one["probability"], best_one["median"])
    assert log[0]["best_candidate"] == best_one["candidate"] and log[1]["best_candidate"] == best_two["candidate"]


def test_the_search_is_reproducible_in_any_executor(searched, threshold):
    _, two = searched
    again = optimise(1e12, goal="registered", threshold=threshold, **{**SEARCH, "executor": "processes", "workers": 2})
    pd.testing.assert_frame_equal(again.proposals, two.proposals)
    pd.testing.assert_frame_equal(again.candidates, two.candidates)
    pd.testing.assert_frame_equal(again.runs, two.runs)
    other = optimise(1e12, goal="registered", threshold=threshold, **{**SEARCH, "seed": 2})
    assert other.candidates["design"].tolist() != two.candidates["design"].tolist()


def test_progress_counts_every_rounds_runs_from_the_start(threshold, tmp_path):
    seen = []
    res = optimise(
        1e12,
        goal="registered",
        threshold=threshold,
        progress=lambda d, n: seen.append((d, n)),
        out=tmp_path / "o",
        lang="id",
        **{**SEARCH, "rounds": 3, "write": True},
    )
    total = len(res.runs)
    assert total == 2 * (res.info["affordable"] + 2 * refine_size(6)) == 2 * res.info["designs_run"]
    assert seen == [(d, total) for d in range(total + 1)]  # the total known before the first run
    assert sorted(set(res.candidates["round"])) == [1, 2, 3]
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert manifest["rounds"] == 3 and [r["round"] for r in manifest["round_log"]] == [1, 2, 3]
    assert [r["ran"] for r in manifest["round_log"]] == [7, 3, 3] and manifest["round_log"][2]["half_width"] <= 0.075
    written = pd.read_csv(tmp_path / "o" / "candidates.csv")
    assert written["round"].tolist() == res.candidates["round"].tolist() and set(X) <= set(written.columns)
    back = load_optimisation(tmp_path / "o")
    assert markdown(back, "en") == markdown(res, "en") and "then 6 more near the best (3 rounds in all)" in markdown(
        back, "en"
    )
    assert "(3 putaran)" in markdown(back, "id")


def test_a_round_that_finds_too_few_designs_lowers_the_total(threshold, monkeypatch):
    """With a box too small to leave the centres' own designs, round 2 finds (almost) nothing new."""
    monkeypatch.setattr(opt_mod, "BOX_HALF_WIDTH", 1e-9)
    monkeypatch.setattr(opt_mod, "WIDENINGS", 0)
    seen = []
    res = optimise(1e12, goal="registered", threshold=threshold, progress=lambda d, n: seen.append((d, n)), **SEARCH)
    announced, final = seen[0][1], len(res.runs)
    assert announced == 2 * (7 + refine_size(6)) and final < announced
    assert seen[-1] == (final, final) and all(n in (announced, final) for _, n in seen)
    assert res.info["round_log"][1]["ran"] == (final - 14) // 2 < refine_size(6)


def test_the_optimisers_errors_are_in_each_readers_language():
    cases = [
        ({"goal": "happiness"}, "goal 'happiness' is not one of registered", "sasaran 'happiness' bukan salah satu"),
        (
            {"draws": 0},
            "draws = 0 must be an integer in 1-10000",
            "draws = 0 harus bilangan bulat dari 1 sampai 10.000",
        ),
        ({"candidates": 1.5}, "candidates = 1.5 must be", "candidates = 1,5 harus bilangan bulat"),
        ({"rounds": 11}, "rounds = 11 must be an integer in 1-10", "rounds = 11 harus bilangan bulat dari 1 sampai 10"),
        ({"goal": "completion", "threshold": 1.5}, "threshold 1.5 for completion must be a share from 0 to 1", "1,5"),
        ({"threshold": -2.5}, "threshold -2.5 for registered must be a number >= 0", "ambang -2,5 untuk registered"),
    ]
    for changes, english, indonesian in cases:
        with pytest.raises(ParameterError) as e:
            optimise(1e12, **{**QUICK, **changes})
        assert english in str(e.value) and "\n" not in str(e.value), (changes, str(e.value))
        text = error_text(e.value, "id")
        assert indonesian in text and text != str(e.value) and "\n" not in text, (changes, text)
    with pytest.raises(ParameterError) as e:
        optimise("banyak", **QUICK)
    assert str(e.value) == "budget = 'banyak' must be an amount of Rupiah"
    assert error_text(e.value, "id") == "anggaran = 'banyak' harus berupa jumlah Rupiah"


def test_cli_optimise_rounds(tmp_path, capsys):
    base = ["optimise", "--posterior", "none", "--set", "n_mothers=2000", "--set", "end=2020-12", "--quiet"]
    base += ["--budget", "1000000000000", "--candidates", "2", "--draws", "1", "--executor", "sequential"]
    for bad in ("0", "11", "dua"):
        status, _, err = main([*base, "--rounds", bad, "--out", tmp_path / bad], capsys)
        assert_one_line_error(status, err, "--rounds must be an integer in 1-10")
        assert not (tmp_path / bad).exists()
    status, _, err = main([*base, "--lang", "id", "--rounds", "0", "--out", tmp_path / "x"], capsys)
    assert status == 2 and err.startswith("ibusim: kesalahan: ") and err.count("\n") == 1, err
    assert "--rounds harus bilangan bulat dari 1 sampai 10" in err
    status, out, err = main([*base, "--rounds", "3", "--out", tmp_path / "o"], capsys)
    assert status == 0, err
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert manifest["rounds"] == 3 and manifest["runs"] == 3 + 2 * refine_size(2)
    assert "(3 rounds in all)" in out


# ---------------------------------------------------------------- errors in the reader's language
def test_failed_optimiser_runs_are_one_line_in_either_language(monkeypatch):
    def failing(todo, fn, on_result=None, **kw):
        out = [{"ok": False, "reason": "memory limit exceeded", "candidate": t.get("candidate")} for t in todo]
        for r in out:
            on_result(r)
        return out

    monkeypatch.setattr(opt_mod, "run_many", failing)
    with pytest.raises(OutputError) as e:
        optimise(1e12, goal="registered", threshold=0, **QUICK)
    n = int(str(e.value.fields["n"]))
    assert n >= 2  # every run of the first batch failed
    assert str(e.value) == f"{n} optimiser run(s) failed; first: memory limit exceeded"
    assert error_text(e.value, "id") == f"{n} simulasi pengoptimal gagal; yang pertama: memory limit exceeded"
    assert isinstance(e.value, OSError)


def test_a_folder_that_is_not_an_optimisers_is_named_in_either_language(tmp_path):
    with pytest.raises(OutputError) as e:
        load_optimisation(tmp_path)
    assert str(e.value) == f"'{tmp_path}' is not an optimiser folder (no proposals.csv and manifest.json)"
    assert error_text(e.value, "id") == (
        f"'{tmp_path}' bukan folder pengoptimal (tidak ada proposals.csv dan manifest.json)"
    )
