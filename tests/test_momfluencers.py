"""Momfluencers (model/momfluencers.py): trained creators, followers, stopping, income and financial change."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ibusim.model import CommunityModel, momfluencers
from ibusim.model.parameters import PROGRAMMES

# IbuSibuk trains content creators only (no other track); without referrals along community ties
# (model/interaction.py) every Rp of ``model.income`` comes from the brands
ECONOMY = dict(preset="ibusibuk", end="2023-12", referral_rate=0.0)
JIM = PROGRAMMES.index("jika_ibu_menjadi")


@pytest.fixture(scope="module")
def economy_run():
    """IbuSibuk to the end of 2023, with the weekly followers of every mother."""
    m = CommunityModel(rng=1, **ECONOMY)
    followers, active = [], []
    while m.running:
        m.step()
        followers.append(m.mf_followers.copy())
        active.append(m.momfluencer.copy())
    return m, np.array(followers), np.array(active)


def test_creators_are_jika_ibu_menjadi_graduates(economy_run):
    m, _, _ = economy_run
    c = m.creator_idx()
    assert c.size > 10
    assert ((m.done[c] >> JIM) & 1).all()  # every one completed Jika Ibu Menjadi
    assert np.array_equal(np.sort(c), np.flatnonzero(m.creator))  # the index list is the flag
    assert np.unique(c).size == c.size  # trained once
    assert (m.momfluencer <= m.creator).all()  # working as one needs the training
    df = m.dataframe()
    assert df["cum_momfluencers"].iloc[-1] == c.size == m.summary()["creators"]
    assert df["n_momfluencers"].iloc[-1] == m.momfluencer.sum() == m.summary()["momfluencers"]


def test_content_creator_share_is_the_share_of_graduates_trained():
    m = CommunityModel(rng=2, content_creator_share=1.0, **ECONOMY).run()
    graduates = np.flatnonzero((m.done >> JIM) & 1)
    assert graduates.size > 10
    np.testing.assert_array_equal(np.sort(m.creator_idx()), graduates)


def test_no_content_creators_no_momfluencers_no_income():
    m = CommunityModel(rng=1, content_creator_share=0.0, n_brands=20, **ECONOMY).run()
    df, s = m.dataframe(), m.summary()
    assert s["enrolled_jika_ibu_menjadi"] > 0  # the training ran
    assert (df["n_momfluencers"] == 0).all() and (df["new_momfluencers"] == 0).all()
    assert s["momfluencers"] == s["creators"] == 0 and not m.creator.any()
    assert s["total_income"] == 0 and (m.income == 0).all() and s["paid_posts"] == 0
    assert s["income_gini"] == s["income_p50"] == s["income_p90"] == s["income_per_creator_month"] == 0.0


def test_new_momfluencers_follower_and_engagement_priors():
    m = CommunityModel(
        rng=3,
        content_creator_share=1.0,
        momfluencer_growth=0.0,
        momfluencer_quit_rate=0.0,
        community_development=0.0,
        training_offline_share=0.0,
        n_mothers=80_000,
        preset="ibusibuk",
    ).run()
    c = m.creator_idx()
    assert c.size > 200
    f, e = m.mf_followers[c], m.mf_engagement[c]
    # followers lognormal, median momfluencer_followers, log-sd FOLLOWER_SPREAD
    assert np.median(f) == pytest.approx(m.p["momfluencer_followers"], rel=0.2)
    assert np.log(f).std() == pytest.approx(momfluencers.FOLLOWER_SPREAD, rel=0.15)
    # engagement Beta with mean momfluencer_engagement
    assert ((e > 0) & (e < 1)).all()
    assert e.mean() == pytest.approx(m.p["momfluencer_engagement"], abs=4 * 0.045 / math.sqrt(c.size))
    # no growth and nobody stops
    assert m.momfluencer[c].all()


def test_followers_grow_while_active_and_stay_when_stopped(economy_run):
    m, followers, active = economy_run
    growth, ref = m.p["momfluencer_growth"] * m.p["memorable_content"], momfluencers.REFERENCE_ENGAGEMENT
    assert m.p["memorable_content"] != 1.0  # the IbuSibuk preset's memorable content speeds the growth
    for t in range(1, len(followers)):
        was, now = active[t - 1], active[t]
        kept = was & now
        # an active momfluencer's followers grow by the share growth * engagement / 0.04
        np.testing.assert_allclose(
            followers[t][kept], followers[t - 1][kept] * (1 + growth * m.mf_engagement[kept] / ref), rtol=1e-5
        )
        stopped = ~was & ~now & (followers[t - 1] > 0)  # trained before this week, not working now
        np.testing.assert_array_equal(followers[t][stopped], followers[t - 1][stopped])
    assert (followers[-1] >= 0).all()


def test_quit_rate_one_every_momfluencer_stops_in_her_first_week():
    m = CommunityModel(rng=1, momfluencer_quit_rate=1.0, **ECONOMY).run()
    df = m.dataframe()
    assert m.creator.any() and not m.momfluencer.any()
    assert (df["n_momfluencers"] == 0).all()
    np.testing.assert_array_equal(df["new_momfluencers_stopped"], df["new_momfluencers"])
    assert m.summary()["total_income"] == 0  # brands never find them


# ------------------------------------------------------------------ income and financial change
def test_record_income_adds_and_flags_at_the_threshold():
    m = CommunityModel(rng=1, n_mothers=200, income_change_threshold=1000.0)
    who = np.array([3, 4, 5, 3])
    momfluencers.record_income(m, who, np.array([400.0, 999.0, 1000.0, 700.0]))
    np.testing.assert_allclose(m.income[[3, 4, 5]], [1100.0, 999.0, 1000.0])  # 3 was paid twice
    assert m.fin_change[3] and m.fin_change[5] and not m.fin_change[4]
    assert m.fin_change.sum() == 2
    momfluencers.record_income(m, np.array([4]), np.array([1.0]))
    assert m.fin_change[4]  # reaching it later counts
    momfluencers.record_income(m, np.empty(0, np.int64), np.empty(0))
    assert m.income.sum() == pytest.approx(1100.0 + 1000.0 + 1000.0)


def test_zero_threshold_needs_some_income():
    m = CommunityModel(rng=1, n_mothers=200, income_change_threshold=0.0)
    momfluencers.record_income(m, np.array([1, 2]), np.array([0.0, 5.0]))
    assert not m.fin_change[1] and m.fin_change[2]


def test_income_at_the_threshold_is_a_financial_change_in_a_run():
    m = CommunityModel(rng=4, jika_ibu_menjadi_financial_effect=0.0, **ECONOMY).run()
    earned = m.income >= m.p["income_change_threshold"]
    assert earned.sum() > 3
    assert m.fin_change[earned].all()
    # with no effect of the class itself, income is the only way to a financial change for a creator
    # who did no other paid programme
    only_jim = m.creator & (m.done == (1 << JIM)) & ~m.scholar
    np.testing.assert_array_equal(m.fin_change[only_jim], earned[only_jim])


def test_income_summary(economy_run):
    m, _, _ = economy_run
    s = m.summary()
    inc = m.income[m.creator_idx()]
    assert s["total_income"] == pytest.approx(inc.sum()) and s["total_income"] > 0
    assert s["income_p50"] == pytest.approx(np.percentile(inc, 50))
    assert s["income_p90"] == pytest.approx(np.percentile(inc, 90))
    assert s["income_p90"] >= s["income_p50"]
    assert 0 <= s["income_gini"] <= 1
    months = m.week * 12 / 52
    assert s["income_per_creator_month"] == pytest.approx(inc.mean() / months)
    df = m.dataframe()
    monthly = df["income_per_momfluencer_month"]
    assert (monthly >= 0).all()
    has = df["n_momfluencers"] > 0
    np.testing.assert_allclose(monthly[has], df["new_income"][has] * 52 / 12 / df["n_momfluencers"][has])


def test_gini():
    from ibusim.model.metrics import gini

    assert gini(np.array([5.0, 5.0, 5.0])) == 0.0
    assert gini(np.array([0.0, 0.0, 0.0, 12.0])) == pytest.approx(0.75)  # (n - 1) / n for one earner
    assert gini(np.array([])) == 0.0 and gini(np.zeros(3)) == 0.0  # nobody earns: no inequality
    x = np.random.default_rng(0).lognormal(0, 1, 500)
    assert 0 < gini(x) < 1
    assert gini(x) == pytest.approx(gini(3 * x))  # scale free


# ------------------------------------------------------------------ Jika Ibu Menjadi tracks
TRACK_SHARES = dict(
    content_creator_share=0.2,
    track_share_writer=0.2,
    track_share_virtual_assistant=0.2,
    track_share_mc=0.2,
    track_share_financial_planner=0.1,
)


@pytest.fixture(scope="module")
def tracks_run():
    return CommunityModel(rng=1, preset="ipm", **TRACK_SHARES).run()


def test_tracks_split_the_graduates_by_their_shares(tracks_run):
    m = tracks_run
    graduates = np.flatnonzero((m.done >> JIM) & 1)
    assert graduates.size > 500
    assert not m.track[(m.done >> JIM) & 1 == 0].any()  # only Jika Ibu Menjadi graduates have a track
    np.testing.assert_array_equal(m.track == momfluencers.CONTENT_CREATOR, m.creator)  # creators = track 1
    counts = np.bincount(m.track[graduates], minlength=len(momfluencers.TRACKS) + 1)
    expected = (
        [0.1]
        + [TRACK_SHARES["content_creator_share"]]
        + [TRACK_SHARES[f"track_share_{t}"] for t in momfluencers.TRACKS[1:]]
    )
    sd = np.sqrt(np.array(expected) * (1 - np.array(expected)) / graduates.size)
    np.testing.assert_array_less(np.abs(counts / graduates.size - expected), 4 * sd + 1e-9)


def test_track_shares_past_one_are_cut():
    m = CommunityModel(rng=2, preset="ipm", content_creator_share=0.6, track_share_writer=0.6, end="2023-06").run()
    graduates = np.flatnonzero((m.done >> JIM) & 1)
    counts = np.bincount(m.track[graduates], minlength=6) / graduates.size
    assert counts[0] == 0 and counts[3:].sum() == 0  # everyone has a track; nobody past the writers
    assert counts[1] == pytest.approx(0.6, abs=4 * np.sqrt(0.24 / graduates.size))


def test_community_development_and_offline_training_raise_new_momfluencers_engagement():
    kw = dict(
        content_creator_share=1.0,
        momfluencer_growth=0.0,
        momfluencer_quit_rate=0.0,
        community_development=0.0,
        training_offline_share=0.0,
        n_mothers=80_000,
        preset="ibusibuk",
    )
    base = CommunityModel(rng=3, **kw).run()
    c = base.creator_idx()
    mean = base.mf_engagement[c].mean()
    developed = CommunityModel(rng=3, **(kw | dict(community_development=0.5))).run()
    np.testing.assert_array_equal(developed.creator_idx(), c)  # the same creators: only their engagement moves
    assert developed.mf_engagement[c].mean() == pytest.approx(1.5 * mean, rel=0.05)
    offline = CommunityModel(rng=3, **(kw | dict(training_offline_share=1.0, offline_training_boost=1.0))).run()
    assert offline.mf_engagement[c].mean() > 1.1 * mean  # offline where meetups are held: twice the mean there
    # no meetups (happy_hour off): nobody can be trained offline
    none = CommunityModel(rng=3, **(kw | dict(training_offline_share=1.0, happy_hour=False))).run()
    off_base = CommunityModel(rng=3, **(kw | dict(happy_hour=False))).run()
    assert none.mf_engagement[none.creator_idx()].mean() == pytest.approx(
        off_base.mf_engagement[off_base.creator_idx()].mean(), rel=1e-6
    )
