"""Scholarship (model/scholarship.py): business-scholarship batches into Ibu Pebisnis."""

from __future__ import annotations

import numpy as np
import pytest

from ibusim.model import CommunityModel, scholarship, timeline
from ibusim.model.parameters import PROGRAMMES
from ibusim.model.states import NO_CLASS, Stage

IBU_PEBISNIS = PROGRAMMES.index("ibu_pebisnis")
MID = dict(n_mothers=20_000)


@pytest.fixture(scope="module")
def ipm_mid():
    return CommunityModel(preset="ipm", rng=1, **MID).run()


def test_no_batches_no_scholars():
    m = CommunityModel(rng=1, scholarship_batches=0, **MID).run()
    assert m.summary()["scholars"] == 0 and not m.scholar.any()
    df = m.dataframe()
    assert (df["new_scholars"] == 0).all() and (df["new_completed_scholars"] == 0).all()
    assert m.scholarship_weeks == set()


def test_zero_batch_size_no_scholars():
    m = CommunityModel(rng=1, scholarship_batch_size=0, **MID, end="2023-06").run()
    assert m.summary()["scholars"] == 0 and not m.scholar.any()


def test_default_ipm_fills_every_batch(ipm_mid):
    m = ipm_mid
    expected = m.p["scholarship_batches"] * m.p["scholarship_batch_size"]
    assert expected == 6 * 18
    assert m.summary()["scholars"] == expected
    assert m.scholar.sum() == expected


def test_batches_start_on_schedule(ipm_mid):
    m = ipm_mid
    first = timeline.week_of(m.p["scholarship_start"], m.p["start"])
    due = first + m.p["scholarship_every_weeks"] * np.arange(m.p["scholarship_batches"])
    assert m.scholarship_weeks == set(due.tolist())
    new = m.dataframe()["new_scholars"].to_numpy()[1:]  # row r + 1 = week r
    assert set(np.flatnonzero(new).tolist()) == set(due.tolist())
    assert (new[due] == m.p["scholarship_batch_size"]).all()


def test_batches_past_the_end_are_not_run():
    m = CommunityModel(rng=2, scholarship_batches=50, **MID, end="2023-12").run()
    weeks_in_run = (m.n_weeks - 1 - timeline.week_of("2021-10", "2020-04")) // 26 + 1
    assert m.summary()["scholars"] == weeks_in_run * 18 < 50 * 18


def test_scholars_are_selected_free_of_charge_into_ibu_pebisnis():
    """Every new scholar starts Ibu Pebisnis that week without paying; scholars never count as paying learners."""
    m = CommunityModel(rng=3, dropout_rate=0.0, **MID)
    batches = 0
    while m.running:
        before = m.scholar.copy()
        m.step()
        new = np.flatnonzero(m.scholar & ~before)
        if new.size:
            batches += 1
            assert (m.stage[new] == Stage.IN_CLASS).all()
            assert (m.programme[new] == IBU_PEBISNIS + 1).all()
            assert not m.paying[new].any()
    assert batches == 6
    assert m.scholar.sum() == m.summary()["scholars"]
    # with no drop-outs every scholar completes, counted apart from paying learners
    assert m.dataframe()["new_completed_scholars"].sum() == m.scholar.sum()


def test_scholars_do_not_count_in_completion():
    """Nobody can pay.

    The only learners in paid programmes are scholars, so the completion rate (paying learners only) is undefined.
    """
    prices = {f"{p}_price": 9_000_000.0 for p in PROGRAMMES}
    m = CommunityModel(rng=4, **prices, **MID).run()
    s = m.summary()
    assert s["scholars"] > 0 and m.dataframe()["new_completed_scholars"].sum() > 0
    assert s["completed_paid"] == 0 and s["dropped_paid"] == 0 and np.isnan(s["completion"])


# ------------------------------------------------------------------ selection, on a model state
def at_first_batch(**kw) -> CommunityModel:
    """A model stepped up to (not through) the week of the first batch."""
    m = CommunityModel(rng=5, **MID, **kw)
    first = min(m.scholarship_weeks)
    while m.week < first:
        m.step()
    return m


def candidates(m: CommunityModel) -> np.ndarray:
    did_ibu_pebisnis = (m.done >> PROGRAMMES.index("ibu_pebisnis")) & 1 == 1
    return np.flatnonzero(
        (m.stage == Stage.ACTIVE)
        & ~m.scholar
        & (m.applied == NO_CLASS)
        & ~did_ibu_pebisnis
        & (m.score >= m.p["enrol_threshold"])
        & (m.score > 0)
    )


def test_selection_takes_batch_size_from_eligible_members():
    m = at_first_batch()
    cand = candidates(m)
    assert cand.size > 18
    chosen = scholarship.step(m, np.random.default_rng(0))["scholars"]
    assert chosen.size == 18 and np.unique(chosen).size == 18
    assert np.isin(chosen, cand).all()
    assert m.scholar[chosen].all() and m.scholar.sum() == 18


def test_selection_outside_a_batch_week_does_nothing():
    m = at_first_batch()
    m.week += 1
    assert scholarship.step(m, np.random.default_rng(0))["scholars"].size == 0
    assert not m.scholar.any()


def test_batch_larger_than_the_pool_takes_every_candidate():
    m = at_first_batch(scholarship_batch_size=10_000)
    cand = candidates(m)
    chosen = scholarship.step(m, np.random.default_rng(0))["scholars"]
    np.testing.assert_array_equal(np.sort(chosen), cand)


def test_selection_favours_mothers_who_cannot_pay():
    """Weight s_i * (1 - wtp_i / wtp_max).

    Mothers whose budget is at the cap (need 0) are passed over while others remain, and the chosen have more need
    than the pool.
    """
    m = at_first_batch(scholarship_batch_size=60, wtp_sigma=1.5, wtp_max=300_000.0)
    cand = candidates(m)
    capped = cand[m.pop["wtp"][cand] >= m.p["wtp_max"]]
    assert capped.size > 30 and cand.size - capped.size > 60
    chosen = scholarship.step(m, np.random.default_rng(1))["scholars"]
    assert chosen.size == 60
    assert not np.isin(chosen, capped).any()
    need = 1.0 - m.pop["wtp"] / m.p["wtp_max"]
    assert need[chosen].mean() > need[cand].mean() + 0.1


def test_large_batch_with_zero_threshold_does_not_crash():
    m = CommunityModel(rng=1, enrol_threshold=0.0, scholarship_batch_size=2000, **MID, end="2022-06")
    with np.errstate(all="ignore"):
        m.run()
    assert 0 < m.summary()["scholars"] <= 2000 * m.p["scholarship_batches"]


# ------------------------------------------------------------------ capacity and chronology (issue 10)
def test_step_passes_the_number_of_candidates():
    m = at_first_batch()
    n = candidates(m).size
    out = scholarship.step(m, np.random.default_rng(0))
    assert out["scholarship_candidates"] == n > out["scholars"].size  # the batch fills: more candidates than places
    m.week += 1
    assert scholarship.step(m, np.random.default_rng(0))["scholarship_candidates"] == 0  # no batch this week


def test_first_batch_follows_the_business_class():
    m = CommunityModel(preset="ipm", rng=1, n_mothers=2_000)
    first_class = int(np.flatnonzero(m._starts[IBU_PEBISNIS])[0])
    assert min(m.scholarship_weeks) > first_class + 52  # a year of business classes before the first batch
