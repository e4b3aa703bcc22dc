"""The null model (experiments/nullmodel.py): its equations' limit cases, invariants, the fit, the comparison."""

import dataclasses
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ibusim.experiments import nullmodel

INP = nullmodel.inputs("ipm")
THETA = {"p": 2e-6, "r": 5e-3, "tau": 0.1, "c": 0.9, "phi_f": 0.5, "phi_p": 0.7}


def quiet(**changes) -> nullmodel.Inputs:
    """The ipm inputs without the lockdown push (and any other change)."""
    return dataclasses.replace(INP, covid_push=0.0, **changes)


def target(name, summary, value, half):
    return SimpleNamespace(name=name, label=name, summary=summary, value=value, low=value - half, high=value + half)


def test_no_external_awareness_nobody_hears():
    a, r = nullmodel.trajectory({**THETA, "p": 0.0}, INP)
    assert a.max() == 0 and r.max() == 0


def test_without_imitation_awareness_is_the_closed_form():
    inp = quiet(q=0.0)
    a, _ = nullmodel.trajectory(THETA, inp)
    t = np.arange(inp.weeks + 1)
    assert a == pytest.approx(inp.market * (1 - (1 - THETA["p"]) ** t), rel=1e-9)


def test_lockdown_push_raises_the_2020_21_registrations():
    calm = nullmodel.outputs(THETA, quiet())
    push = nullmodel.outputs(THETA, INP)
    assert push["registered_2020"] > calm["registered_2020"]
    assert calm["registrations_2022_vs_2021"] > push["registrations_2022_vs_2021"]


@settings(max_examples=40, deadline=None)
@given(st.floats(1e-8, 1e-2), st.floats(1e-5, 1.0), st.floats(0.0, 10.0))
def test_stocks_stay_ordered(p, r, k):
    a, reg = nullmodel.trajectory({**THETA, "p": p, "r": r}, dataclasses.replace(INP, covid_push=k))
    assert (np.diff(a) >= 0).all() and (np.diff(reg) >= -1e-9).all()
    assert (reg <= a + 1e-6).all() and (a <= INP.market + 1e-6).all()


def test_provinces_expected_under_proportional_spread():
    w = INP.weights
    assert w.size == 38 and w.sum() == pytest.approx(1.0) and (w > 0).all()
    out0 = nullmodel.outputs({**THETA, "p": 0.0}, INP)
    assert out0["provinces"] == 0.0
    big = nullmodel.outputs({**THETA, "p": 1e-2, "r": 1.0}, INP)
    assert big["provinces"] == pytest.approx(38.0)
    one = dataclasses.replace(INP, weights=np.array([1.0]))
    assert nullmodel.outputs(THETA, one)["provinces"] == pytest.approx(1.0)


def test_fit_recovers_known_parameters():
    truth = nullmodel.outputs(THETA, INP)
    targets = {
        "registered": target("registered", "registered", truth["registered"], 0.1 * truth["registered"]),
        "instagram": target("instagram", "instagram", truth["instagram"], 0.1 * truth["instagram"]),
        "telegram": target("telegram", "telegram", truth["telegram"], 0.1 * truth["telegram"]),
        "completion": target("completion", "completion", 0.9, 0.03),
    }
    fr = nullmodel.fit(targets)
    assert fr.distance < 1e-4
    for name in ("p", "r", "tau", "c"):
        assert fr.theta[name] == pytest.approx(THETA[name], rel=1e-3), name
    # no fitted figure depends on the survey shares: not fitted, left at their start
    assert set(fr.fitted_params) == {"p", "r", "tau", "c"}
    assert fr.theta["phi_f"] == 0.5 and fr.skipped == []


def test_fit_skips_figures_the_null_model_lacks():
    targets = {
        "completion": target("completion", "completion", 0.8, 0.05),
        "ties": target("ties", "community_ties", 5000, 500),
    }
    fr = nullmodel.fit(targets)
    assert fr.skipped == ["ties"] and fr.targets == ["completion"] and fr.fitted_params == ["c"]
    assert fr.theta["c"] == pytest.approx(0.8)


def test_fit_reads_only_fitted_targets(monkeypatch):
    import ibusim.model.targets as targets_module

    held = target("completion", "completion", 0.5, 0.05)
    held.role = "checked"
    fitted = target("telegram", "telegram", 4000, 400)
    monkeypatch.setattr(targets_module, "load", lambda: {"completion": held, "telegram": fitted})
    assert list(nullmodel.fitted_targets()) == ["telegram"]


def test_fit_to_the_observed_figures():
    fr = nullmodel.fit()
    for name in ("registered", "telegram", "instagram"):
        t = next(t for t in nullmodel.fitted_targets().values() if t.summary == name)
        assert fr.outputs[name] == pytest.approx(t.value, rel=1e-3)


def test_compare_table_verdicts():
    fr = nullmodel.fit()
    n = 10
    df = pd.DataFrame(
        {
            "registered": np.full(n, 15000.0),  # both inside
            "provinces": np.full(n, 31.0),  # the null model spreads members everywhere: 38
            "posted_share_telegram": np.full(n, 0.9),  # the ABM misses; the null cannot say
            "repeat_share": np.full(n, 0.2),  # the ABM gets it; the null cannot say
            "registrations_2022_vs_2021": np.full(n, 0.8),
        }
    )
    rows = nullmodel.compare_table(df, fr)
    by = {r.split(" | ")[0].lstrip("| "): r for r in rows[2:]}
    assert by["Mothers registered since 2020"].endswith("| both |")
    assert fr.outputs["provinces"] > 33 and by["Provinces reached (of 38)"].endswith("| ABM only |")
    assert by["Telegram group members who ever posted"].endswith("neither (null cannot say; ABM misses) |")
    assert by["Alumnae who completed a second paid programme"].endswith("ABM only (null cannot say) |")
    ratio = fr.outputs["registrations_2022_vs_2021"]
    assert not math.isnan(ratio) and ("| both |" in by["Registrations in 2022 over 2021 (the lockdown-era peak)"]) == (
        ratio < 1
    )
    assert len(rows) == 2 + 5


def test_tables_in_indonesian_keep_the_english_verdict_logic():
    fr = nullmodel.fit()
    df = pd.DataFrame({"registered": np.full(10, 15000.0), "posted_share_telegram": np.full(10, 0.9)})
    english = nullmodel.compare_table(df, fr)
    rows = nullmodel.compare_table(df, fr, lang="id")
    assert len(rows) == len(english) == 4 and rows[1] == english[1]
    assert rows[0].startswith("| ") and "verdict" not in rows[0] and "model nol" in rows[0]
    by = {r.split(" | ")[0].lstrip("| "): r for r in rows[2:]}
    registered = next(v for k, v in by.items() if "15.000" in v)
    assert registered.endswith("| keduanya |") and "dicocokkan" in registered  # role "fitted"
    telegram = next(v for v in rows[2:] if v is not registered)
    assert telegram.endswith("| tidak keduanya (model nol tidak bisa menjawab; ABM meleset) |")
    assert "tidak bisa: tanpa individu" in telegram and "| 90% [90%, 90%] |" in telegram
    params = "\n".join(nullmodel.parameter_table(fr, lang="id"))
    assert params.startswith("| parameter | nilai | dicocokkan | arti |")
    for english_words in ("weekly imitation", "lockdown multiplier", "the preset's", "| yes |", "meaning"):
        assert english_words not in params
    assert "imitasi mingguan" in params and "0,38/52" in params


def test_parameter_table_lists_fixed_inputs():
    rows = nullmodel.parameter_table(nullmodel.fit())
    text = "\n".join(rows)
    for name in ("`p`", "`r`", "`tau`", "`M`", "`q`", "`k`"):
        assert name in text


def test_fit_can_fail_where_its_structure_forbids():
    # registered mothers are among the aware, and every aware mother follows: registered <= instagram
    targets = {
        "registered": target("registered", "registered", 50_000, 5_000),
        "instagram": target("instagram", "instagram", 38_600, 3_900),
    }
    fr = nullmodel.fit(targets)
    assert fr.outputs["registered"] <= fr.outputs["instagram"] + 1e-6
    assert fr.distance > 1.0  # no parameters put both inside their bands
