"""Onboarding (model/onboarding.py): seeking, the free-class queue, registration."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ibusim.model import CommunityModel
from ibusim.model.states import FREE_CLASS, REGISTERED_STAGES, Stage

SMALL = dict(n_mothers=5000, end="2021-12")
MID = dict(n_mothers=20_000, end="2022-12")


# ------------------------------------------------------------------ no free class
@pytest.fixture(scope="module")
def with_and_without_free_class():
    runs = {}
    for seed in (1, 2, 3):
        runs[seed] = (CommunityModel(rng=seed, **MID).run(), CommunityModel(rng=seed, free_class=False, **MID).run())
    return runs


def test_no_free_class_no_free_class_graduates(with_and_without_free_class):
    for seed, (_, off) in with_and_without_free_class.items():
        df = off.dataframe()
        assert off.summary()["free_class_graduates"] == 0, seed
        assert (df["cum_free_class_graduates"] == 0).all(), seed
        assert (df["new_free_class_starts"] == 0).all() and (df["n_queued"] == 0).all(), seed
        assert not off.free_grad.any()
        assert off.summary()["registered"] > 0  # direct registration still works


def test_no_free_class_clearly_fewer_registrations(with_and_without_free_class):
    for seed, (on, off) in with_and_without_free_class.items():
        assert off.summary()["registered"] < 0.75 * on.summary()["registered"], seed
        assert on.summary()["free_class_graduates"] > 0


def test_free_class_with_no_places_registers_nobody():
    m = CommunityModel(rng=1, free_class=True, free_class_size=0, **SMALL).run()
    df = m.dataframe()
    assert m.summary()["registered"] == 0 and (df["n_registered"] == 0).all()
    assert (df["new_free_class_starts"] == 0).all()
    assert df["n_queued"].iloc[-1] > 0  # mothers wanted to join and wait
    assert len(m.mothers) == 0


def test_interest_rate_zero_no_registrations():
    # Instagram lives make followers seek on their own (below): no interest and no lives, nobody seeks
    for free_class in (True, False):
        m = CommunityModel(rng=1, interest_rate=0.0, live_seek_share=0.0, free_class=free_class, **SMALL).run()
        df = m.dataframe()
        assert m.summary()["registered"] == 0, free_class
        assert (df["new_seekers"] == 0).all() and (df["n_queued"] == 0).all()
        assert df["n_aware"].iloc[-1] > 0  # mothers did become aware


# ------------------------------------------------------------------ the queue
def test_free_class_queue_is_first_come_first_served():
    """On free-class weeks with more seekers than places, the admitted queued no later than those left."""
    m = CommunityModel(
        rng=2,
        free_class_size=15,
        free_class_every_weeks=3,
        queue_patience_weeks=520.0,
        n_mothers=20_000,
        end="2021-06",
        volunteering=False,  # places stay at 15 (no team growth)
        interest_rate=0.01,
    )
    full_cohorts = 0
    while m.running:
        w = m.week
        m.step()
        admitted = np.flatnonzero(m.registered_week == w)
        if w % 3:
            assert admitted.size == 0, w  # cohorts open only every free_class_every_weeks
            continue
        assert admitted.size <= 15
        waiting = np.flatnonzero(m.stage == Stage.QUEUED)
        if waiting.size:
            assert admitted.size == 15
            assert m.queue_since[admitted].max() <= m.queue_since[waiting].min(), w
            full_cohorts += 1
    assert full_cohorts > 10


def test_admitted_mothers_attend_the_free_class_for_its_length():
    m = CommunityModel(
        rng=3, free_class_weeks=3, free_class_dropout=0.0, free_class_every_weeks=4, interest_rate=0.05, **SMALL
    )
    for _ in range(9):  # weeks 0..8: cohorts at 0, 4, 8
        m.step()
    cohort = np.flatnonzero(m.registered_week == 4)
    assert cohort.size > 0
    # the week-4 cohort was in class after weeks 4, 5 and graduated in week 6
    assert np.all(m.free_grad[cohort])
    cohort8 = np.flatnonzero(m.registered_week == 8)
    assert cohort8.size > 0
    assert np.all(m.stage[cohort8] == Stage.IN_CLASS)
    assert np.all(m.programme[cohort8] == FREE_CLASS)
    assert not m.paying[cohort8].any()
    m.step()  # week 9
    assert np.all(m.programme[cohort8] == FREE_CLASS)
    assert not m.free_grad[cohort8].any()
    m.step()  # week 10: the third week of the class, at whose end it completes
    assert np.all(m.free_grad[cohort8])
    assert np.all(m.programme[cohort8] != FREE_CLASS)
    assert np.all(m.classes_done[cohort8] == 1)


def test_admitted_mothers_become_registered_agents():
    m = CommunityModel(rng=4, **SMALL)
    while not (m.registered_week >= 0).any() and m.running:  # until the first cohort has been filled
        m.step()
    for _ in range(4):
        m.step()
    reg = np.flatnonzero(m.registered_week >= 0)
    assert reg.size > 0
    assert set(m.mothers) == set(reg.tolist())
    assert np.isin(m.stage[reg], REGISTERED_STAGES).all()


@pytest.mark.parametrize("patience", [1.0, 4.0, 52.0])
def test_queue_give_up_rate_matches_patience(patience):
    """With no places, a queued mother gives up with weekly probability 1 - exp(-1/patience).

    (interest_rate 0.03 keeps at least ~2,000 queue-weeks at risk under the retuned ipm awareness.)
    """
    m = CommunityModel(
        rng=5, free_class_size=0, queue_patience_weeks=patience, interest_rate=0.03, n_mothers=20_000, end="2021-06"
    ).run()
    df = m.dataframe()
    at_risk = df["n_queued"].to_numpy()[:-1].sum()  # queued at the start of each week
    gave_up = df["new_queue_giveups"].to_numpy()[1:].sum()
    prob = 1.0 - math.exp(-1.0 / patience)
    assert at_risk > 2000
    assert abs(gave_up - prob * at_risk) < 5 * math.sqrt(at_risk * prob * (1 - prob))
    # those who gave up are aware again (not queued, not registered)
    assert df["n_queued"].iloc[-1] <= df["new_seekers"].sum() - gave_up


# ------------------------------------------------------------------ direct registration
def test_direct_registration_share_one_registers_every_seeker():
    m = CommunityModel(rng=6, free_class=False, direct_registration_share=1.0, **SMALL).run()
    df = m.dataframe()
    np.testing.assert_array_equal(df["new_registered"], df["new_seekers"])
    assert df["new_seekers"].sum() > 0
    # direct registrants start as active members, not in a class
    assert (df["new_free_class_starts"] == 0).all()


def test_direct_registration_share_zero_registers_nobody():
    m = CommunityModel(rng=6, free_class=False, direct_registration_share=0.0, **SMALL).run()
    assert m.summary()["registered"] == 0
    assert m.dataframe()["new_seekers"].sum() > 0


def test_direct_registration_share_is_the_registering_fraction():
    m = CommunityModel(rng=7, free_class=False, direct_registration_share=0.35, n_mothers=40_000).run()
    df = m.dataframe()
    seekers, reg = df["new_seekers"].sum(), df["new_registered"].sum()
    assert seekers > 1000
    assert abs(reg - 0.35 * seekers) < 5 * math.sqrt(seekers * 0.35 * 0.65)


# ------------------------------------------------------------------ seeking
def test_barriers_reduce_seeking():
    """Seeking hazard is interest_rate * m_i * (1 - b_i): mothers with barrier 1 never seek."""
    m = CommunityModel(rng=8, barrier_strength=3.0, n_mothers=20_000, end="2021-12").run()
    blocked = m.pop["barrier"] >= 1.0
    assert blocked.sum() > 100
    assert not np.isin(m.stage[blocked], (Stage.QUEUED, *REGISTERED_STAGES)).any()


def test_isolation_motivation_zero_stops_ldm_and_migrated_mothers_seeking():
    m = CommunityModel(rng=9, isolation_motivation=0.0, n_mothers=20_000, end="2021-12").run()
    isolated = m.pop["occupation"] != 0
    assert not np.isin(m.stage[isolated], (Stage.QUEUED, *REGISTERED_STAGES)).any()
    assert np.isin(m.stage[~isolated], REGISTERED_STAGES).sum() > 0


# ------------------------------------------------------------------ funnels: Telegram and Instagram lives
FUNNEL = dict(n_mothers=20_000, end="2021-12")


def _weekly_seekers(m):
    """Step ``m`` to the end; per week (week, stage before, seekers, live seekers, follower after)."""
    weeks = []
    while m.running:
        w, before = m.week, m.stage.copy()
        m.step()
        weeks.append((w, before, m.changed["seekers"], m.changed["live_seekers"], m.follower.copy()))
    return weeks


def test_telegram_members_seek_more():
    """With telegram_seek_boost > 0 more aware mothers seek, and more of the seekers are in the group."""
    for seed in (1, 2, 3):
        seekers, share = {}, {}
        for boost in (0.0, 10.0):
            m = CommunityModel(rng=seed, telegram_rate=0.01, telegram_seek_boost=boost, live_seek_share=0.0, **FUNNEL)
            n = in_group = 0
            while m.running:
                m.step()
                sought = m.changed["seekers"]
                n += sought.size
                in_group += m.telegram[sought].sum()
            seekers[boost], share[boost] = n, in_group / n
            assert m.dataframe()["new_seekers"].sum() == n
        assert seekers[10.0] > 1.1 * seekers[0.0], seed
        assert share[10.0] > share[0.0], seed


def test_telegram_redraw_keeps_one_seeking_per_spell():
    """Mothers whose wait is redrawn on joining or leaving Telegram seek once: no duplicates, all aware."""
    m = CommunityModel(rng=4, telegram_rate=0.05, telegram_leave_rate=0.2, telegram_seek_boost=5.0, **FUNNEL)
    total = 0
    for w, before, seekers, live, _ in _weekly_seekers(m):
        assert np.unique(seekers).size == seekers.size, w
        # aware (or made aware this week) and not queued or registered when the week began
        assert np.isin(before[seekers], (Stage.UNAWARE, Stage.AWARE)).all(), w
        assert np.isin(live, seekers).all(), w
        total += seekers.size
    assert total > 500
    assert (m.seek_due[m.stage == Stage.QUEUED] <= m.queue_since[m.stage == Stage.QUEUED]).all()


def test_telegram_boost_zero_draws_nothing_from_its_stream():
    m = CommunityModel(rng=5, telegram_rate=0.05, telegram_seek_boost=0.0, **SMALL).run()
    assert "onboarding_telegram" not in m._streams


def test_live_seekers_are_followers_in_live_weeks_only():
    m = CommunityModel(rng=6, live_seek_share=0.2, live_every_weeks=3, **FUNNEL)
    total = 0
    for w, before, _, live, follower in _weekly_seekers(m):
        if w % 3:
            assert live.size == 0, w
        # aware, or made aware this week (and following from this week on)
        assert follower[live].all() and np.isin(before[live], (Stage.UNAWARE, Stage.AWARE)).all(), w
        total += live.size
    assert total > 100
    assert m.summary()["registered"] > 0


def test_lives_raise_seeking_and_registration():
    for seed in (1, 2, 3):
        off = CommunityModel(rng=seed, live_seek_share=0.0, **FUNNEL).run()
        on = CommunityModel(rng=seed, live_seek_share=0.05, **FUNNEL).run()
        assert off.dataframe()["new_live_seekers"].sum() == 0
        assert on.dataframe()["new_live_seekers"].sum() > 0, seed
        assert on.dataframe()["new_seekers"].sum() > off.dataframe()["new_seekers"].sum(), seed
        assert on.summary()["registered"] > off.summary()["registered"], seed


def test_interest_rate_zero_only_live_seekers_seek():
    m = CommunityModel(rng=7, interest_rate=0.0, live_seek_share=0.1, **SMALL).run()
    df = m.dataframe()
    assert df["new_seekers"].sum() > 0
    assert (df["new_seekers"] == df["new_live_seekers"]).all()


def test_nobody_seeks_twice_in_a_week():
    """Every week's seekers are distinct, and the headcounts stay right.

    Regression (hypothesis found it): a mother who sought at an Instagram live, queued, gave up and was
    filed again for the week of her old agenda entry sought twice that week, and was queued and registered
    twice.
    """
    from ibusim.model.states import Stage

    params = dict(
        n_mothers=500,
        end="2020-09",
        free_class=True,
        mixing="network",
        wom_rate=0.0,
        unfollow_rate=0.0,
        interest_rate=0.75,
        member_talk=0.0,
        media_reach=1.0,
        telegram_rate=0.5,
    )
    for seed in range(4):
        m = CommunityModel(rng=seed, **params)
        while m.running:
            m.step()
            seekers = m.changed["seekers"]
            assert np.unique(seekers).size == seekers.size
            np.testing.assert_array_equal(m.counts, np.bincount(m.stage, minlength=len(Stage)))
        df = m.dataframe()
        assert (df["n_registered"] == df["cum_registered"]).all()


@pytest.mark.parametrize("share", [0.003, 0.5, 1.0])
def test_live_seekers_are_those_whose_draw_is_below_their_chance(share):
    """Each candidate (an aware follower not seeking already) seeks with 1 - exp(-share * m_i (1 - b_i)).

    (Drawn by thinning: candidates picked at a bound on every chance, kept with chance / bound.) Only
    candidates seek, and over the live weeks the count is within 5 binomial sd of the sum of the chances.
    """
    from ibusim.model import onboarding

    m = CommunityModel(rng=4, live_seek_share=share, **FUNNEL)
    observed = expected = var = 0.0
    while m.running and m.week < 40:
        m.step()
        if m.week % m.p["live_every_weeks"]:
            continue
        seekers = np.flatnonzero(m.stage == Stage.AWARE)[::7]  # some are seeking already
        got = onboarding._live_seekers(m, seekers)
        ok = m.follower & (m.stage == Stage.AWARE)
        ok[seekers] = False
        assert ok[got].all() and np.unique(got).size == got.size
        cand = np.flatnonzero(ok)
        chance = -np.expm1(-share * m.pop["motivation"][cand] * (1.0 - m.pop["barrier"][cand]))
        observed += got.size
        expected += chance.sum()
        var += (chance * (1 - chance)).sum()
    assert expected > (2 if share < 0.01 else 50)
    assert abs(observed - expected) <= 5 * math.sqrt(var) + 1, (observed, expected, var)
