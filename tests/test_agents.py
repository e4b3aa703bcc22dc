"""Mesa agents (model/agents.py): Mother (a view onto her array row), Admin, Brand."""

from __future__ import annotations

import mesa
import numpy as np
import pytest

from ibusim.model import CommunityModel
from ibusim.model.agents import Admin, Brand, Mother
from ibusim.model.population import OCCUPATIONS, PROVINCES
from ibusim.model.states import FREE_CLASS, NO_CLASS, REGISTERED_STAGES, Role, Stage


def count(m, cls) -> int:
    """Number of Mesa agents of a type (agents_by_type has no key before the first one)."""
    return len(m.agents_by_type[cls]) if cls in m.agents_by_type else 0


@pytest.fixture(scope="module")
def run():
    return CommunityModel(rng=1, n_mothers=20_000, n_admins=4, n_brands=3, end="2023-06").run()


def test_a_mother_agent_for_exactly_each_registered_mother(run):
    m = run
    registered = np.flatnonzero(m.registered_week >= 0)
    assert len(m.mothers) == m.registered == m.summary()["registered"] == registered.size > 0
    assert set(m.mothers) == set(registered.tolist())
    assert count(m, Mother) == registered.size
    for i, agent in m.mothers.items():
        assert agent.idx == i and agent.model is m
        assert agent.stage in REGISTERED_STAGES
    # nobody unregistered has an agent
    assert not (m.stage[registered] < Stage.ACTIVE).any()


def test_agents_are_added_as_mothers_register():
    m = CommunityModel(rng=2, n_mothers=5000, end="2021-06")
    while m.running:
        m.step()
        assert len(m.mothers) == m.registered == count(m, Mother)
    assert len(m.mothers) > 0


def test_admin_and_brand_counts(run):
    assert count(run, Admin) == len(run.admins) == 4
    assert count(run, Brand) == len(run.brands) == 3
    assert all(a.capacity == run.p["admin_capacity"] for a in run.admins)
    assert all(b.budget == run.p["brand_budget"] for b in run.brands)
    assert run.dataframe()["n_admins"].eq(4).all()


def test_no_admins_no_brands():
    m = CommunityModel(rng=3, n_admins=0, n_brands=0, n_mothers=5000, end="2020-12").run()
    assert count(m, Admin) == 0 and count(m, Brand) == 0 and m.admins == [] and m.brands == []
    assert m.summary()["registered"] > 0  # free-class cohorts still run without a host


def test_admins_host_the_free_class_cohorts(run):
    hosted = [a.cohorts_hosted for a in run.admins]
    cohorts = int((run.dataframe()["new_free_class_starts"] > 0).sum())
    assert sum(hosted) == cohorts > 0  # every cohort with learners has one host
    assert min(hosted) > 0  # hosting is shared among the admins
    # ... in turn: the admins take the cohorts round robin, so no admin hosts two more than another
    assert max(hosted) - min(hosted) <= 1


def test_mother_attributes_read_the_arrays(run):
    m = run
    for i, a in list(m.mothers.items())[::50]:
        assert a.stage == Stage(m.stage[i]) and isinstance(a.stage, Stage)
        assert a.role == Role(m.role[i])
        assert a.internalisation == pytest.approx(float(m.score[i]))
        assert a.classes_completed == m.classes_done[i]
        assert a.registered_week == m.registered_week[i] >= 0
        assert a.follower == m.follower[i] and a.telegram == m.telegram[i]
        assert a.alumna == m.alumna[i] and a.scholar == m.scholar[i]
        assert a.financial_change == m.fin_change[i] and a.parenting_change == m.par_change[i]
        assert a.province == PROVINCES[m.pop["prov"][i]][0]
        assert a.occupation == OCCUPATIONS[m.pop["occupation"][i]]
        t = a.traits
        assert set(t) == {"family", "stigma", "free_time", "digital", "wtp", "barrier"}
        assert t["wtp"] == pytest.approx(float(m.pop["wtp"][i]))
        code = m.programme[i]
        expected = None if code == NO_CLASS else "free class" if code == FREE_CLASS else m.programmes[code - 1]
        assert a.programme == expected


def test_agent_is_a_live_view_not_a_copy(run):
    m = run
    i, a = next(iter(m.mothers.items()))
    old = (m.role[i], m.score[i])
    try:
        m.role[i] = Role.VOLUNTEER
        m.score[i] = 0.75
        assert a.role == Role.VOLUNTEER and a.internalisation == pytest.approx(0.75)
    finally:
        m.role[i], m.score[i] = old


def test_agent_views_during_classes():
    m = CommunityModel(rng=4, n_mothers=20_000, free_class_dropout=0.0)
    seen = set()
    while m.running and len(seen) < 2:
        m.step()
        for i in np.flatnonzero(m.stage == Stage.IN_CLASS)[:20]:
            seen.add(m.mothers[i].programme)
    assert "free class" in seen
    assert seen - {"free class"} <= set(m.programmes)


def test_roles_change_without_new_agents():
    """A volunteer is the same agent as before: a role change keeps her history."""
    m = CommunityModel(rng=5, n_mothers=20_000, volunteer_call_every_weeks=4, end="2022-12")
    ids = {}
    while m.running:
        m.step()
        for i, a in m.mothers.items():
            ids.setdefault(i, a.unique_id)
    vol = np.flatnonzero(m.role == Role.VOLUNTEER)
    assert vol.size > 0
    for i in vol:
        a = m.mothers[i]
        assert a.unique_id == ids[i] and a.role == Role.VOLUNTEER and a.classes_completed > 0


def test_repr_names_the_mother(run):
    i, a = next(iter(run.mothers.items()))
    r = repr(a)
    assert f"idx={i}" in r and a.stage.name in r and a.province in r
    assert "Admin(" in repr(run.admins[0])


def test_agents_are_mesa_agents(run):
    assert all(isinstance(x, mesa.Agent) for x in run.agents)
    assert len(run.agents) == len(run.mothers) + len(run.admins) + len(run.brands)
