"""Work (model/work.py): paid jobs for writers, virtual assistants, MCs and financial planners."""

from __future__ import annotations

import numpy as np
import pytest

from ibusim.model import CommunityModel, momfluencers, work

TRACK = {name: k for k, name in enumerate(momfluencers.TRACKS, start=1)}
RATES_OFF = {f"work_rate_{t}": 0.0 for t in work.PROFESSIONS}


@pytest.fixture(scope="module")
def ipm_run():
    return CommunityModel(rng=1, preset="ipm").run()


def professionals(n_mothers=20_000, size=4_000, track="writer", ties=None, **params):
    """A fresh model (not stepped) with ``size`` hand-made professionals on ``track``, passed to the rule."""
    m = CommunityModel(rng=1, n_mothers=n_mothers, **params)
    who = np.arange(size)
    m.track[who] = TRACK[track]
    m.changed = {"trained_professionals": who}
    if ties is not None:
        m.net_ties = np.full(m.n, ties, np.int32)
    return m, who


# ------------------------------------------------------------------ in a run
def test_each_track_gets_work_of_its_kind(ipm_run):
    m = ipm_run
    s, df = m.summary(), m.dataframe()
    pros = work.professionals_idx(m)
    assert pros.size == df["cum_professionals"].iloc[-1] > 100
    assert np.unique(pros).size == pros.size  # trained once
    assert set(np.unique(m.track[pros]).tolist()) == {TRACK[t] for t in work.PROFESSIONS}
    assert (m.working <= (m.track > TRACK["content_creator"])).all()  # only professionals take jobs
    for t in work.PROFESSIONS:
        assert s[f"earners_{t}"] > 10, t
        assert s[f"income_{t}"] > 0, t
    assert df["cum_jobs"].iloc[-1] == df["new_jobs"].sum() > 0
    assert df["cum_work_income"].iloc[-1] == pytest.approx(df["new_work_income"].sum())


def test_income_distribution_figures_are_consistent(ipm_run):
    s, m = ipm_run.summary(), ipm_run
    trained = np.flatnonzero(m.track)
    inc = m.income[trained]
    assert s["earners"] == np.count_nonzero(inc) == sum(s[f"earners_{t}"] for t in momfluencers.TRACKS)
    assert sum(s[f"income_{t}"] for t in momfluencers.TRACKS) == pytest.approx(inc.sum())
    assert 0 < s["earner_income_p50"] <= s["earner_income_p90"]
    assert 0 <= s["income_gini_trained"] <= 1
    assert s["earner_income_p50"] == pytest.approx(np.percentile(inc[inc > 0], 50))
    # every professional who earned at least the threshold reports a financial change
    assert m.fin_change[trained[inc >= m.p["income_change_threshold"]]].all()


def test_no_work_rate_no_jobs():
    m = CommunityModel(rng=2, preset="ipm", end="2023-06", **RATES_OFF).run()
    df = m.dataframe()
    assert df["cum_professionals"].iloc[-1] > 0  # trained, but nobody hires them
    assert df["cum_jobs"].iloc[-1] == 0 and df["cum_work_income"].iloc[-1] == 0


def test_no_tracks_no_professionals_and_no_draws():
    m = CommunityModel(
        rng=2,
        preset="ipm",
        end="2022-06",
        track_share_writer=0.0,
        track_share_virtual_assistant=0.0,
        track_share_mc=0.0,
        track_share_financial_planner=0.0,
    ).run()
    assert m.dataframe()["cum_professionals"].iloc[-1] == 0 and not m.working.any()
    assert (m.track <= TRACK["content_creator"]).all()
    # the rule's stream was never drawn from
    fresh = m.fresh_stream("work")
    assert m.stream("work").bit_generator.state == fresh.bit_generator.state


# ------------------------------------------------------------------ one week, controlled
@pytest.mark.parametrize("track", work.PROFESSIONS)
def test_rate_one_everyone_gets_a_job_paid_around_the_track_median(track):
    m, who = professionals(track=track, ties=0, **{f"work_rate_{track}": 1.0})
    out = work.step(m, m.stream("work"))
    assert out["jobs"] == who.size and (m.income[who] > 0).all()
    assert not m.income[who.size :].any()
    pay = m.income[who]
    assert np.median(pay) == pytest.approx(m.p[f"work_pay_{track}"], rel=0.06)
    assert np.log(pay).std() == pytest.approx(work.PAY_SPREAD, rel=0.06)
    assert out["work_income"] == pytest.approx(pay.sum())


def test_jobs_go_to_each_track_at_its_own_rate():
    m = CommunityModel(rng=1, n_mothers=40_000, work_rate_writer=0.4, work_rate_mc=0.1, work_quit_rate=0.0)
    who = np.arange(20_000)
    writers, mcs = who[:10_000], who[10_000:]
    m.track[writers], m.track[mcs] = TRACK["writer"], TRACK["mc"]
    m.net_ties = np.zeros(m.n, np.int32)
    m.changed = {"trained_professionals": who}
    work.step(m, m.stream("work"))
    assert np.count_nonzero(m.income[writers]) / writers.size == pytest.approx(0.4, abs=0.02)
    assert np.count_nonzero(m.income[mcs]) / mcs.size == pytest.approx(0.1, abs=0.015)


def test_referrals_raise_jobs_with_community_ties():
    got = {}
    for ties in (0, 5, 10, 40):
        m, who = professionals(ties=ties, work_rate_writer=0.1, referral_effect=1.0)
        got[ties] = work.step(m, m.stream("work"))["jobs"] / who.size
    sd = np.sqrt(0.2 * 0.8 / 4_000)
    assert got[0] == pytest.approx(0.1, abs=4 * sd)
    assert got[5] == pytest.approx(0.15, abs=4 * sd)  # 1 + 1.0 * 5 / REFERRAL_CAP
    assert got[10] == pytest.approx(0.2, abs=4 * sd)
    assert got[40] == pytest.approx(0.2, abs=4 * sd)  # capped at REFERRAL_CAP ties
    assert got[0] < got[5] < got[10]
    # without the referral effect ties do not matter
    m, who = professionals(ties=10, work_rate_writer=0.1, referral_effect=0.0)
    assert work.step(m, m.stream("work"))["jobs"] / who.size == pytest.approx(0.1, abs=4 * sd)


def test_without_net_ties_the_rule_reads_zero_ties():
    m, who = professionals(work_rate_writer=0.1, referral_effect=5.0)
    if hasattr(m, "net_ties"):
        del m.net_ties  # a model without community ties (before model/interaction.py)
    assert work.step(m, m.stream("work"))["jobs"] / who.size == pytest.approx(0.1, abs=0.03)


def test_quit_rate_one_everyone_stops_after_one_week():
    m, who = professionals(work_rate_writer=0.5, work_quit_rate=1.0, ties=0)
    first = work.step(m, m.stream("work"))["jobs"]
    assert first > 0 and not m.working[who].any()
    m.changed = {"trained_professionals": np.empty(0, np.int64)}
    assert work.step(m, m.stream("work"))["jobs"] == 0


def test_income_sets_a_financial_change_at_the_threshold():
    m, who = professionals(work_rate_writer=1.0, work_pay_writer=1_000_000.0, income_change_threshold=1_000_000.0)
    work.step(m, m.stream("work"))
    reached = m.income[who] >= 1_000_000.0
    assert 0 < reached.sum() < who.size
    np.testing.assert_array_equal(m.fin_change[who], reached)
