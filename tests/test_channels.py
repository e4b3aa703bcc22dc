"""Channels (model/channels.py): following Instagram, joining the open Telegram group."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ibusim.model import CommunityModel, channels
from ibusim.model.states import Stage

SMALL = dict(n_mothers=5000, end="2021-12")


def stepped(**kw):
    """Yield the model after each weekly step."""
    m = CommunityModel(**kw)
    while m.running:
        m.step()
        yield m


def test_follow_rate_zero_gives_no_followers():
    m = CommunityModel(rng=1, follow_rate=0.0, **SMALL).run()
    df = m.dataframe()
    assert (df["n_followers"] == 0).all() and (df["new_followers"] == 0).all()
    assert not m.follower.any() and m.summary()["instagram"] == 0
    assert m.summary()["registered"] > 0  # the rest of the journey still runs


def test_telegram_rates_zero_give_an_empty_group():
    m = CommunityModel(rng=1, telegram_rate=0.0, telegram_member_rate=0.0, **SMALL).run()
    assert (m.dataframe()["n_telegram"] == 0).all()
    assert not m.telegram.any() and m.summary()["telegram"] == 0


def test_stocks_match_the_flags_every_week():
    for m in stepped(rng=2, **SMALL):
        assert m.dataframe()["n_followers"].iloc[-1] == m.follower.sum()
        assert m.dataframe()["n_telegram"].iloc[-1] == m.telegram.sum()
    df = m.dataframe()
    # stock(t) = stock(t-1) + inflow - outflow
    np.testing.assert_array_equal(np.diff(df["n_followers"]), (df["new_followers"] - df["new_unfollows"])[1:])
    np.testing.assert_array_equal(np.diff(df["n_telegram"]), (df["new_telegram_joins"] - df["new_telegram_leaves"])[1:])


def test_only_aware_mothers_follow_or_join():
    for m in stepped(rng=3, follow_rate=0.5, telegram_rate=0.5, **SMALL):
        unaware = m.stage == Stage.UNAWARE
        assert not (m.follower & unaware).any()
        assert not (m.telegram & unaware).any()


def test_certain_follow_rate_makes_every_aware_mother_a_follower():
    """follow_rate = 1 with full digital reach (barrier_strength = 0) and no unfollows.

    At the end of each week every aware mother follows (awareness runs before channels).
    """
    for m in stepped(rng=4, follow_rate=1.0, unfollow_rate=0.0, barrier_strength=0.0, **SMALL):
        np.testing.assert_array_equal(m.follower, m.stage != Stage.UNAWARE)


def test_following_is_scaled_by_digital_reach():
    """A mother with no digital reach never follows (her weekly probability is follow_rate * r_i)."""
    m = CommunityModel(rng=5, follow_rate=1.0, barrier_strength=3.0, n_mothers=20_000, end="2021-06").run()
    r = m.pop["digital_reach"]
    assert (r == 0).sum() > 100
    assert not m.follower[r == 0].any()
    aware_reachable = (m.stage != Stage.UNAWARE) & (r > 0.5)
    assert m.follower[aware_reachable].mean() > 0.9


def test_unfollow_rate_one_empties_followers_each_week():
    """A follower unfollows with unfollow_rate; at 1 nobody who followed last week still follows."""
    prev = None
    for m in stepped(rng=6, follow_rate=0.3, unfollow_rate=1.0, **SMALL):
        if prev is not None:
            assert not (m.follower & prev).any()
        prev = m.follower.copy()


def test_without_outside_rate_only_members_join_telegram():
    """telegram_rate = 0: nobody who is not registered is in the group."""
    for m in stepped(rng=7, telegram_rate=0.0, telegram_member_rate=0.5, **SMALL):
        assert not (m.telegram & (m.stage <= Stage.QUEUED)).any()
    assert m.telegram.sum() > 0


def test_without_member_rate_members_only_come_from_outside():
    """telegram_member_rate = 0 and telegram_rate > 0.

    Every Telegram member who is registered joined before registering, so the group is larger than zero but
    registered mothers join only through the outside route.
    """
    m = CommunityModel(rng=8, telegram_rate=0.2, telegram_member_rate=0.0, telegram_leave_rate=0.0, **SMALL)
    joined_as_outsider = np.zeros(m.n, bool)
    while m.running:
        before_tg, before_stage = m.telegram.copy(), m.stage.copy()
        m.step()
        new = m.telegram & ~before_tg
        # the channels rule runs before onboarding, so the stage at the start of the
        # week is the stage the rule saw (awareness may have moved UNAWARE -> AWARE)
        assert (before_stage[new] <= Stage.QUEUED).all()
        joined_as_outsider |= new
    assert joined_as_outsider.sum() > 0


def test_member_rate_applies_to_active_and_in_class_members_only():
    """telegram_rate = 0, telegram_member_rate = 1.

    In each week exactly the active or in-class members outside the group join; dormant members never do.
    """
    m = CommunityModel(rng=9, telegram_rate=0.0, telegram_member_rate=1.0, telegram_leave_rate=0.0, **SMALL)
    saw_dormant = False
    while m.running:
        before_tg, before_stage = m.telegram.copy(), m.stage.copy()
        m.step()
        new = m.telegram & ~before_tg
        eligible = ~before_tg & ((before_stage == Stage.ACTIVE) | (before_stage == Stage.IN_CLASS))
        np.testing.assert_array_equal(new, eligible)
        saw_dormant |= bool(((before_stage == Stage.DORMANT) & ~before_tg).any())
    assert saw_dormant  # there were dormant non-members, and none of them joined
    assert m.telegram.sum() > 0


@pytest.mark.parametrize("leave", [0.0, 0.05])
def test_telegram_leave_rate_shrinks_the_group(leave):
    kw = dict(rng=10, telegram_rate=0.01, telegram_member_rate=0.02, **SMALL)
    m = CommunityModel(telegram_leave_rate=leave, **kw).run()
    df = m.dataframe()
    if leave == 0.0:
        assert (df["new_telegram_leaves"] == 0).all()
        assert df["n_telegram"].is_monotonic_increasing
    else:
        assert df["new_telegram_leaves"].sum() > 0
        stay = CommunityModel(telegram_leave_rate=0.0, **kw).run()
        assert m.n_telegram < stay.n_telegram


@pytest.mark.parametrize("rates", [{}, {"telegram_rate": 0.05, "telegram_leave_rate": 0.5}])
def test_kept_telegram_group_is_a_scan_of_the_flags_in_aware_order_every_week(rates):
    """The kept group equals a full scan every week.

    telegram_group: the group's members in aware_idx order; member_telegram: the members' flags in member order.
    """
    joined = left = 0
    for m in stepped(rng=3, n_mothers=20_000, end="2021-06", **rates):
        scan = np.flatnonzero(m.telegram)
        scan = scan[np.argsort(m.aware_rank[scan])]
        group = channels.telegram_group(m)
        np.testing.assert_array_equal(group, scan)
        np.testing.assert_array_equal(m.telegram_ranks, m.aware_rank[scan])
        assert not group.flags.writeable and not m.telegram_ranks.flags.writeable
        flags = channels.member_telegram(m)
        np.testing.assert_array_equal(flags, m.telegram[m.member_idx])
        assert not flags.flags.writeable
        joined += m.changed["telegram_joins"].size
        left += m.changed["telegram_leaves"].size
    assert joined > left > 0  # the group grew, and some left


def test_members_join_telegram_at_the_member_rate():
    """Each week every active or in-class member outside the group joins with telegram_member_rate.

    (Drawn by skip sampling over the members: picked at the rate, joined if she may.) Over the weeks the
    joins of eligible members are within 5 binomial sd of the rate times the eligible member-weeks, and
    nobody else joins as a member.
    """
    rate = 0.03
    m = CommunityModel(rng=9, n_mothers=20_000, end="2022-06", telegram_rate=0.0, telegram_member_rate=rate)
    eligible_weeks = joined = 0
    while m.running:
        eligible = np.isin(m.stage, (Stage.ACTIVE, Stage.IN_CLASS)) & ~m.telegram  # as channels finds them
        m.step()
        joins = m.changed["telegram_joins"]
        assert eligible[joins].all()  # no outsider joins (telegram_rate 0), no dormant member
        eligible_weeks += int(eligible.sum())
        joined += joins.size
    assert eligible_weeks > 10_000
    sd = math.sqrt(eligible_weeks * rate * (1 - rate))
    assert abs(joined - rate * eligible_weeks) < 5 * sd, (joined, rate * eligible_weeks, sd)
