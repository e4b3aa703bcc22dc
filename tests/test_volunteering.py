"""Volunteering (model/volunteering.py): volunteer calls, stepping down, capacity."""

from __future__ import annotations

import numpy as np
import pytest

from ibusim.model import CommunityModel, progress
from ibusim.model.states import Role, Stage

MID = dict(n_mothers=20_000, end="2023-06")


def test_volunteering_off_no_volunteers():
    m = CommunityModel(rng=1, volunteering=False, **MID).run()
    df = m.dataframe()
    assert (df["n_volunteers"] == 0).all() and (df["new_volunteers"] == 0).all()
    assert m.summary()["cum_volunteers"] == 0 and not m.role.any()


def test_call_size_zero_no_volunteers():
    m = CommunityModel(rng=1, volunteer_call_size=0, **MID).run()
    assert (m.dataframe()["n_volunteers"] == 0).all() and not m.role.any()


@pytest.fixture(scope="module")
def weekly():
    """Every week of a run: (week, role before, stage after, score after, classes_done after, role after).

    With ``volunteer_entry`` off (the rule of version 0.2: a completed class needed; on: below).
    """
    m = CommunityModel(
        rng=2,
        volunteer_call_every_weeks=5,
        volunteer_call_size=12,
        volunteer_threshold=0.45,
        volunteer_entry=False,
        **MID,
    )
    weeks = []
    while m.running:
        w, role_before = m.week, m.role.copy()
        m.step()
        weeks.append((w, role_before, m.stage.copy(), m.score.copy(), m.classes_done.copy(), m.role.copy()))
    return m, weeks


def test_new_volunteers_met_the_call_conditions_when_they_joined(weekly):
    m, weeks = weekly
    joined_total = 0
    for w, before, stage, score, done, after in weeks:
        new = np.flatnonzero((before == Role.NONE) & (after == Role.VOLUNTEER))
        joined_total += new.size
        # volunteering is the last rule of the week: the state at the end of the week is
        # the state the call saw
        assert (score[new] >= 0.45).all(), w
        assert (done[new] > 0).all(), w
        assert (stage[new] == Stage.ACTIVE).all(), w
        assert new.size <= 12
        if new.size:
            assert w % 5 == 0, w  # calls come every volunteer_call_every_weeks
    assert joined_total > 20


def test_no_dormant_volunteers(weekly):
    for w, _, stage, _, _, after in weekly[1]:
        assert not ((after == Role.VOLUNTEER) & (stage == Stage.DORMANT)).any(), w


def test_volunteer_counts_match_roles(weekly):
    m, weeks = weekly
    df = m.dataframe()
    n = np.array([(after == Role.VOLUNTEER).sum() for *_, after in weeks])
    np.testing.assert_array_equal(df["n_volunteers"].to_numpy()[1:], n)
    np.testing.assert_array_equal(
        np.diff(df["n_volunteers"]), (df["new_volunteers"] - df["new_volunteers_quit"]).to_numpy()[1:]
    )
    # a volunteer keeps her history: only registered mothers have roles
    assert (m.registered_week[m.role > 0] >= 0).all()


def test_quit_rate_one_every_volunteer_serves_until_the_next_week():
    m = CommunityModel(rng=3, volunteer_quit_rate=1.0, volunteer_call_every_weeks=1, **MID).run()
    df = m.dataframe()
    np.testing.assert_array_equal(df["n_volunteers"], df["new_volunteers"])
    assert df["new_volunteers"].sum() > 0


def test_quit_rate_zero_volunteers_leave_only_by_going_dormant():
    m = CommunityModel(rng=4, volunteer_quit_rate=0.0, dormancy_rate=0.0, **MID)
    while m.running:
        before = m.role.copy()
        m.step()
        left = (before == Role.VOLUNTEER) & (m.role == Role.NONE)
        assert (m.stage[left] == Stage.DORMANT).all()
    assert m.summary()["volunteers"] > 0


def test_high_threshold_no_volunteers():
    m = CommunityModel(rng=5, volunteer_threshold=1.0, internalise_prompt=0.0, **MID).run()
    assert m.summary()["cum_volunteers"] == 0


def test_volunteers_add_support_capacity():
    """With too few admins for the learners, volunteers lower the support shortfall (and so paid drop-out).

    Completion is higher with volunteers.
    """
    kw = dict(
        n_admins=1,
        admin_capacity=0,
        volunteer_capacity=50,
        volunteer_call_every_weeks=4,
        volunteer_call_size=20,
        volunteer_quit_rate=0.0,
        **MID,
    )
    with_v, without_v = [], []
    for seed in (1, 2, 3):
        with_v.append(CommunityModel(rng=seed, volunteering=True, **kw).run().summary()["completion"])
        without_v.append(CommunityModel(rng=seed, volunteering=False, **kw).run().summary()["completion"])
    assert np.mean(with_v) > np.mean(without_v) + 0.02


def test_shortfall_counts_volunteer_capacity_on_a_model_state():
    m = CommunityModel(rng=6, n_admins=1, admin_capacity=4, volunteer_capacity=2, volunteering=False, **MID)
    while m.running and (m.programme > 0).sum() < 10:
        m.step()
    learners = (m.programme[m.member_idx] > 0).sum()
    assert learners >= 10
    base = progress.support_shortfall(m)
    assert base == pytest.approx(1 - 4 / learners)
    m.role[m.member_idx[:2]] = Role.VOLUNTEER
    m.role_counts_changed()
    assert m.n_role(Role.VOLUNTEER) == 2
    assert progress.support_shortfall(m) == pytest.approx(1 - (4 + 2 * 2) / learners)
    assert progress.support_shortfall(m) < base


def test_zero_threshold_with_zero_scores_does_not_crash():
    m = CommunityModel(
        rng=1, volunteer_threshold=0.0, internalise_free=0.0, volunteer_call_size=5000, n_mothers=20_000, end="2021-06"
    )
    with np.errstate(all="ignore"):
        m.run()
    assert m.summary()["cum_volunteers"] > 0


# ------------------------------------------------------------------ volunteering as a way in
def _joined_without_a_class(seed: int, entry: bool) -> tuple[int, int, int]:
    """(volunteers who joined with no completed class, with no completed paid class, all) over a run."""
    m = CommunityModel(
        rng=seed, free_class=False, volunteer_entry=entry, volunteer_threshold=0.3, volunteer_call_size=30, **MID
    )
    none = no_paid = total = 0
    while m.running:
        before = m.role.copy()
        m.step()
        # (a volunteer who stepped down may answer the same week's call; a new one may be promoted at once)
        new = m.changed["volunteers"]
        assert (before[new] != Role.MANAGER).all() and np.isin(m.role[new], (Role.VOLUNTEER, Role.MANAGER)).all()
        assert (m.stage[new] == Stage.ACTIVE).all()
        assert np.array_equal(np.sort(m.changed["volunteers_before_paid"]), np.sort(new[m.done[new] == 0]))
        none += int((m.classes_done[new] == 0).sum())
        no_paid += int((m.done[new] == 0).sum())
        total += new.size
    assert m.dataframe()["cum_volunteers_before_paid"].iloc[-1] == no_paid
    return none, no_paid, total


def test_volunteers_without_a_class_only_with_volunteer_entry():
    """Without the free class few members have a completed class: only the way in takes the others."""
    for seed in (1, 2, 3):
        none_on, _, total_on = _joined_without_a_class(seed, True)
        none_off, _, total_off = _joined_without_a_class(seed, False)
        assert none_off == 0, seed
        assert none_on > 0, seed
        assert total_on >= total_off, seed


def test_volunteer_enrol_boost_raises_applications_of_volunteers_without_a_paid_class():
    for seed in (1, 2, 3):
        apps = {}
        for boost in (0.0, 20.0):
            m = CommunityModel(rng=seed, volunteer_enrol_boost=boost, volunteer_call_size=60, **MID)
            n = 0
            while m.running:
                role, done = m.role.copy(), m.done.copy()
                m.step()
                a = m.changed["applications"]
                n += int(((role[a] == Role.VOLUNTEER) & (done[a] == 0)).sum())
            apps[boost] = n
        assert apps[20.0] > 1.2 * apps[0.0], (seed, apps)
