"""Promotion (model/promotion.py): volunteers gain tenure and a track record; the best join the team."""

from __future__ import annotations

import numpy as np
import pytest

from ibusim.model import CommunityModel, promotion
from ibusim.model.states import Role, Stage

# a community that promotes often: short tenure, a large team per member, frequent volunteer calls
PROMO = dict(
    n_mothers=20_000,
    end="2022-12",
    promotion_min_tenure_weeks=8,
    team_per_1000_members=10.0,
    volunteer_call_every_weeks=4,
)


@pytest.fixture(scope="module")
def weekly():
    """Every week of a run: (role before, role after, tenure after, stage after)."""
    m = CommunityModel(rng=1, **PROMO)
    weeks = []
    while m.running:
        before = m.role.copy()
        m.step()
        weeks.append((before, m.role.copy(), m.tenure.copy(), m.stage.copy()))
    return m, weeks


def test_promotions_happen(weekly):
    m, _ = weekly
    assert m.summary()["promotions"] >= 5 and m.summary()["managers"] > 0


def test_managers_come_from_volunteers_with_enough_tenure(weekly):
    m, weeks = weekly
    k = m.p["promotion_min_tenure_weeks"]
    seen = 0
    for before, after, tenure, stage in weeks:
        new = np.flatnonzero((after == Role.MANAGER) & (before != Role.MANAGER))
        assert (before[new] == Role.VOLUNTEER).all()  # nobody skips volunteering
        assert (tenure[new] >= k).all()
        assert (stage[new] != Stage.DORMANT).all()
        seen += new.size
    assert seen == m.summary()["promotions"] > 0


def test_flows_count_the_role_changes(weekly):
    m, weeks = weekly
    df = m.dataframe()
    promoted = [int(((a == Role.MANAGER) & (b == Role.VOLUNTEER)).sum()) for b, a, _, _ in weeks]
    left = [int(((b == Role.MANAGER) & (a == Role.NONE)).sum()) for b, a, _, _ in weeks]
    np.testing.assert_array_equal(df["new_promotions"].to_numpy()[1:], promoted)
    np.testing.assert_array_equal(df["new_managers_left"].to_numpy()[1:], left)
    np.testing.assert_array_equal(df["cum_promotions"], df["new_promotions"].cumsum())
    assert df["cum_promotions"].iloc[-1] == m.summary()["promotions"] == sum(promoted)
    np.testing.assert_array_equal(
        df["n_managers"].to_numpy()[1:], [int((a == Role.MANAGER).sum()) for _, a, _, _ in weeks]
    )


def test_team_follows_its_target_and_never_exceeds_team_max(weekly):
    m, _ = weekly
    df = m.dataframe()
    n_admins = len(m.admins)
    assert (df["n_team"] == n_admins + df["n_managers"]).all()
    assert (df["n_team"] <= max(m.p["team_max"], n_admins)).all()
    target = np.minimum(
        m.p["team_max"], np.maximum(n_admins, np.rint(m.p["team_per_1000_members"] * df["n_registered"] / 1000))
    )
    assert (df["n_team"] <= target).all()


@pytest.mark.parametrize("extra", [0, 2])
def test_team_max_caps_the_managers(extra):
    m = CommunityModel(rng=1, team_max=5 + extra, n_admins=5, **PROMO).run()
    df = m.dataframe()
    assert (df["n_team"] <= 5 + extra).all()
    assert df["n_managers"].max() == extra  # the seats are filled when the team may grow


def test_team_max_below_the_founders_no_managers():
    m = CommunityModel(rng=1, team_max=2, n_admins=5, **PROMO).run()
    df = m.dataframe()
    assert (df["n_managers"] == 0).all() and (df["cum_promotions"] == 0).all()
    assert df["n_volunteers"].max() > 0


def test_tenure_below_the_minimum_no_promotion():
    m = CommunityModel(rng=1, **{**PROMO, "promotion_min_tenure_weeks": 520}).run()
    assert (m.dataframe()["cum_promotions"] == 0).all() and m.summary()["managers"] == 0


def test_manager_leave_rate_one_every_manager_leaves_within_a_week():
    """With manager_leave_rate = 1 each week every manager of last week leaves (and returns to no role).

    Vacancies are then filled again from the volunteers, so no mother is a manager at the end of two weeks in a row.
    """
    m = CommunityModel(rng=1, manager_leave_rate=1.0, **PROMO)
    was_manager = np.zeros(m.n, bool)
    left_total = 0
    while m.running:
        m.step()
        now = m.role == Role.MANAGER
        assert not (now & was_manager).any()
        assert (m.role[was_manager] == Role.NONE).all()
        assert m.flows["new_managers_left"] == was_manager.sum()
        left_total += m.flows["new_managers_left"]
        was_manager = now
    assert left_total > 0


def test_manager_leave_rate_one_and_no_volunteers_no_managers():
    m = CommunityModel(rng=1, manager_leave_rate=1.0, volunteering=False, **PROMO).run()
    assert (m.dataframe()["n_managers"] == 0).all()


def test_dormant_managers_leave():
    m = CommunityModel(rng=2, dormancy_rate=0.2, **PROMO)
    left_dormant = 0
    while m.running:
        man = np.flatnonzero(m.role == Role.MANAGER)
        m.step()
        # a manager who was dormant when the promotion rule ran has left (the rule reads the stage
        # after engagement, so a manager dormant at the end of the week is no manager)
        assert not ((m.role == Role.MANAGER) & (m.stage == Stage.DORMANT)).any()
        left_dormant += int((m.stage[man] == Stage.DORMANT).sum())
    assert left_dormant > 0


def test_promotion_is_a_role_change_of_the_same_mother():
    """Run the rule by hand on a model state.

    The promoted are the same Mother agents, with their history (registration week, classes, score, tenure)
    untouched.
    """
    m = CommunityModel(rng=3, **PROMO)
    while m.running and m.n_role(Role.VOLUNTEER) < 30:
        m.step()
    assert m.running
    m.p["team_per_1000_members"] = 100.0  # open many seats at once
    agents = dict(m.mothers)
    snap = {a: getattr(m, a).copy() for a in ("registered_week", "classes_done", "score", "stage", "tenure")}
    n_agents = len(m.agents)
    out = promotion.step(m, np.random.default_rng(0))
    promoted = out["promotions"]
    assert promoted.size > 0
    for i in promoted.tolist():
        assert m.mothers[i] is agents[i]
        assert m.mothers[i].role == Role.MANAGER
    assert len(m.agents) == n_agents and set(m.mothers) == set(agents)
    for a in ("registered_week", "classes_done", "score", "stage"):
        np.testing.assert_array_equal(getattr(m, a)[promoted], snap[a][promoted], err_msg=a)
    # volunteers' tenure grew by one week this round, and the promoted keep theirs
    np.testing.assert_array_equal(m.tenure[promoted], snap["tenure"][promoted] + 1)
    assert (m.registered_week[promoted] >= 0).all() and (m.classes_done[promoted] > 0).all()
    assert m.n_role(Role.MANAGER) == int((m.role == Role.MANAGER).sum())


def test_the_best_eligible_volunteers_are_promoted():
    m = CommunityModel(rng=4, **PROMO)
    while m.running and m.n_role(Role.VOLUNTEER) < 30:
        m.step()
    m.p["team_per_1000_members"] = 100.0
    vol_before = np.flatnonzero(m.role == Role.VOLUNTEER)
    out = promotion.step(m, np.random.default_rng(0))
    promoted = out["promotions"]
    eligible = vol_before[
        (m.tenure[vol_before] >= m.p["promotion_min_tenure_weeks"]) & (m.stage[vol_before] != Stage.DORMANT)
    ]
    assert promoted.size > 0 and np.isin(promoted, eligible).all()
    passed_over = np.setdiff1d(eligible, promoted)
    if passed_over.size:
        assert m.performance[promoted].min() >= m.performance[passed_over].max()


def test_volunteer_share_is_a_share(weekly):
    m, _ = weekly
    df = m.dataframe()
    assert df["volunteer_share"].between(0, 1).all()
    reg = df["n_registered"] > 0
    np.testing.assert_allclose(
        df.loc[reg, "volunteer_share"], df.loc[reg, "n_volunteers"] / df.loc[reg, "n_registered"]
    )
    assert (df.loc[~reg, "volunteer_share"] == 0).all()
    assert 0 < m.summary()["volunteer_share"] <= 1


def test_performance_stays_in_unit_interval(weekly):
    m, _ = weekly
    assert m.performance.min() >= 0 and m.performance.max() <= 1
    vol = m.role != Role.NONE
    assert (m.performance[vol] > 0).any()
