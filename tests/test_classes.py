"""Classes (model/classes.py): paid cohorts (applications, intake) and progress in every class."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from ibusim.model import CommunityModel, classes, timeline
from ibusim.model.parameters import PROGRAMMES
from ibusim.model.states import FREE_CLASS, NO_CLASS, Role, Stage

MID = dict(n_mothers=20_000)
UNAFFORDABLE = {
    **{f"{p}_price": 5_000_000.0 for p in PROGRAMMES},
    **{f"{p}_instalments": 1 for p in PROGRAMMES},
    "wtp_max": 3_000_000.0,
}


def popcount8(x: np.ndarray) -> np.ndarray:
    return np.unpackbits(x.astype(np.uint8)[:, None], axis=1).sum(axis=1)


# ------------------------------------------------------------------ prices
@pytest.fixture(scope="module")
def unaffordable_run():
    return CommunityModel(rng=1, **MID, **UNAFFORDABLE).run()


def test_price_above_everyones_budget_no_paid_enrolment(unaffordable_run):
    m = unaffordable_run
    s, df = m.summary(), m.dataframe()
    assert m.pop["wtp"].max() <= 3_000_000.0
    assert s["paid_enrolled"] == 0 and (df["cum_paid_enrolled"] == 0).all()
    assert all(s[f"enrolled_{p}"] == 0 for p in PROGRAMMES)
    assert (df["new_applications"] == 0).all()
    assert s["completed_paid"] == 0 and s["dropped_paid"] == 0
    assert np.isnan(s["completion"])  # no paying learner at all
    assert not m.paying.any()


def test_scholars_still_enrol_when_nobody_can_pay(unaffordable_run):
    m = unaffordable_run
    s = m.summary()
    assert s["scholars"] == m.p["scholarship_batches"] * m.p["scholarship_batch_size"]
    assert m.scholar.sum() == s["scholars"]
    assert m.dataframe()["new_completed_scholars"].sum() > 0
    # scholars completed Ibu Pebisnis and became alumnae without paying
    k = PROGRAMMES.index("ibu_pebisnis")
    assert m.alumna.sum() > 0 and (m.alumna <= m.scholar).all()
    assert ((m.done[m.alumna] >> k) & 1).all()


def test_instalments_make_more_mothers_able_to_pay():
    """The test is the monthly instalment price / instalments <= wtp: 12 instalments
    open an expensive programme to many more mothers (places not binding).
    """
    kw = dict(comeback_journey_price=1_200_000.0, comeback_journey_places=100_000, end="2022-06", **MID)
    for seed in (1, 2, 3):
        once = CommunityModel(rng=seed, comeback_journey_instalments=1, **kw).run().summary()
        monthly = CommunityModel(rng=seed, comeback_journey_instalments=12, **kw).run().summary()
        assert monthly["enrolled_comeback_journey"] > 5 * max(1, once["enrolled_comeback_journey"]), seed


def test_applicants_can_afford_the_instalment_and_passed_the_threshold():
    m = CommunityModel(rng=4, **MID, end="2023-06", kembali_diri_price=400_000.0, comeback_journey_instalments=3)
    price = np.array([m.p[f"{p}_price"] / m.p[f"{p}_instalments"] for p in PROGRAMMES])
    seen = 0
    while m.running:
        m.step()
        app = np.flatnonzero(m.applied != NO_CLASS)
        seen += app.size
        assert (m.pop["wtp"][app] >= price[m.applied[app] - 1]).all()
        assert (m.score[app] >= m.p["enrol_threshold"]).all()
        assert (m.stage[app] == Stage.ACTIVE).all()
    assert seen > 0


# ------------------------------------------------------------------ places and cohorts
def test_zero_places_no_enrolment_in_that_programme():
    m = CommunityModel(rng=2, comeback_journey_places=0, **MID).run()
    s, df = m.summary(), m.dataframe()
    assert s["enrolled_comeback_journey"] == 0 and (df["new_enrolled_comeback_journey"] == 0).all()
    k = PROGRAMMES.index("comeback_journey")
    assert not ((m.done >> k) & 1).any()
    assert all(s[f"enrolled_{p}"] > 0 for p in PROGRAMMES if p != "comeback_journey")


def test_intake_only_at_cohort_starts_and_within_places():
    # volunteering off keeps the team at the founders' level, so places are exactly as declared
    # (with a team they grow: tests/test_capacity.py)
    m = CommunityModel(rng=3, comeback_journey_places=5, kembali_diri_places=7, volunteering=False, **MID).run()
    assert (m.dataframe()["team_capacity"] == 1.0).all()
    df = m.dataframe()
    for prog in PROGRAMMES:
        starts = timeline.cohort_weeks(m.p[f"{prog}_start"], m.p[f"{prog}_every_weeks"], m.p["start"], m.n_weeks)
        new = df[f"new_enrolled_{prog}"].to_numpy()[1:]  # row r+1 = week r
        off = np.setdiff1d(np.arange(m.n_weeks), starts)
        assert (new[off] == 0).all(), prog
        assert (new <= m.p[f"{prog}_places"]).all(), prog
        assert new.sum() > 0, prog
    assert df["new_enrolled_comeback_journey"].max() == 5


def test_a_mother_pays_for_each_programme_at_most_once():
    """Completed programmes are remembered (bit k of ``done``): with no drop-outs and
    no scholarship every paid completion sets a new bit, so the count of bits equals
    the count of completions.
    """
    m = CommunityModel(rng=5, dropout_rate=0.0, scholarship_batches=0, enrol_rate=0.5, **MID).run()
    s = m.summary()
    assert s["completed_paid"] > 100
    assert popcount8(m.done).sum() == s["completed_paid"]
    assert (m.classes_done >= popcount8(m.done)).all()


def test_a_paid_class_lasts_its_weeks():
    weeks = 4
    m = CommunityModel(rng=6, dropout_rate=0.0, kembali_diri_weeks=weeks, **MID)
    k = PROGRAMMES.index("kembali_diri")
    cohort = None
    while m.running and cohort is None:
        w = m.week
        m.step()
        if m.dataframe()["new_enrolled_kembali_diri"].iloc[-1] > 0:
            cohort = np.flatnonzero((m.programme == k + 1) & (m.class_end == w + weeks))
    assert cohort is not None and cohort.size > 0
    for _ in range(weeks - 2):
        m.step()
        assert (m.stage[cohort] == Stage.IN_CLASS).all()
        assert not m.alumna[cohort].any()
    m.step()  # the class's last week
    assert m.alumna[cohort].all()
    assert ((m.done[cohort] >> k) & 1).all()


# ------------------------------------------------------------------ completion
def test_no_dropout_means_full_completion_even_with_strong_barriers():
    m = CommunityModel(
        rng=7,
        dropout_rate=0.0,
        free_class_dropout=0.0,
        barrier_strength=3.0,
        admin_capacity=0,
        volunteering=False,
        **MID,
    ).run()
    s, df = m.summary(), m.dataframe()
    assert s["completed_paid"] > 0
    assert s["completion"] == 1.0 and s["dropped_paid"] == 0
    assert (df["new_dropped_free"] == 0).all() and (df["new_dropped_paid"] == 0).all()


def test_completion_rate_is_completions_over_paying_learners():
    m = CommunityModel(rng=8, **MID).run()
    s = m.summary()
    assert s["dropped_paid"] > 0
    assert s["completion"] == pytest.approx(s["completed_paid"] / (s["completed_paid"] + s["dropped_paid"]))


def test_more_support_capacity_does_not_lower_completion():
    """Drop-out in paid classes is multiplied by 1 + support_effect * shortfall: with no
    facilitation capacity the shortfall is 1 (drop-out doubled), with ample capacity 0.
    """
    low, high = [], []
    for seed in (1, 2, 3, 4):
        kw = dict(rng=seed, volunteering=False, end="2022-12", **MID)
        low.append(CommunityModel(admin_capacity=0, **kw).run().summary()["completion"])
        high.append(CommunityModel(admin_capacity=10_000, **kw).run().summary()["completion"])
    assert np.mean(high) > np.mean(low) + 0.03
    assert all(h >= l for h, l in zip(high, low))


def fake_model(
    programme, n_admins=2, admin_capacity=10, volunteers=0, volunteer_capacity=5, managers=0, manager_capacity=8
):
    programme = np.asarray(programme, np.int8)
    roles = {Role.VOLUNTEER: volunteers, Role.MANAGER: managers}
    return SimpleNamespace(
        p=dict(
            n_admins=n_admins,
            admin_capacity=admin_capacity,
            volunteer_capacity=volunteer_capacity,
            manager_capacity=manager_capacity,
        ),
        admins=[SimpleNamespace(capacity=admin_capacity) for _ in range(n_admins)],
        programme=programme,
        member_idx=np.arange(programme.size),
        n_role=lambda role: roles.get(role, 0),
    )


def test_support_shortfall():
    # 40 paid learners (free-class and idle members do not count), capacity 2 * 10 = 20
    prog = [1] * 30 + [4] * 10 + [FREE_CLASS] * 50 + [NO_CLASS] * 20
    assert classes.support_shortfall(fake_model(prog)) == pytest.approx(0.5)
    # four volunteers add 4 * 5 = 20: fully supported
    assert classes.support_shortfall(fake_model(prog, volunteers=4)) == 0.0
    # managers add manager_capacity each: 20 + 2 * 8 = 36 of 40
    assert classes.support_shortfall(fake_model(prog, managers=2)) == pytest.approx(0.1)
    # support = admins' capacities + managers * manager_capacity + volunteers * volunteer_capacity
    assert classes.support_shortfall(fake_model(prog, n_admins=1, managers=1, volunteers=2)) == pytest.approx(
        1 - (10 + 8 + 2 * 5) / 40
    )
    assert classes.support_shortfall(fake_model(prog, n_admins=0, managers=5)) == 0.0  # 40 of 40, no founders
    assert classes.support_shortfall(fake_model(prog, n_admins=0)) == 1.0
    assert classes.support_shortfall(fake_model([FREE_CLASS] * 5, n_admins=0)) == 0.0  # no paid learners


# ------------------------------------------------------------------ outcomes
def test_outcome_probabilities_one_and_zero():
    ones = {f"{p}_financial_effect": 1.0 for p in PROGRAMMES}
    m = CommunityModel(
        rng=9, scholarship_financial_effect=1.0, parenting_effect_free=1.0, parenting_effect_paid=1.0, **ones, **MID
    ).run()
    assert m.alumna.sum() > 0
    np.testing.assert_array_equal(m.fin_change, m.alumna)  # every paid completer, nobody else
    np.testing.assert_array_equal(m.par_change, m.classes_done > 0)
    zeros = {f"{p}_financial_effect": 0.0 for p in PROGRAMMES}
    m = CommunityModel(
        rng=9, scholarship_financial_effect=0.0, parenting_effect_free=0.0, parenting_effect_paid=0.0, **zeros, **MID
    ).run()
    assert m.alumna.sum() > 0 and not m.fin_change.any() and not m.par_change.any()


def test_scholars_outcome_uses_scholarship_financial_effect():
    zeros = {f"{p}_financial_effect": 0.0 for p in PROGRAMMES}
    m = CommunityModel(
        rng=10,
        scholarship_financial_effect=1.0,
        **zeros,
        **MID,
        **{k: v for k, v in UNAFFORDABLE.items() if k != "wtp_max"},
    ).run()
    done_scholars = m.alumna & m.scholar
    assert done_scholars.sum() > 0
    np.testing.assert_array_equal(m.fin_change, m.alumna)
    assert (m.alumna <= m.scholar).all()


def test_completion_raises_internalisation():
    m = CommunityModel(
        rng=11,
        internalise_prompt=0.0,
        internalise_decay=0.0,
        internalise_free=0.3,
        internalise_paid=0.35,
        telegram_rate=0.0,
        telegram_member_rate=0.0,
        happy_hour=False,
        **MID,
    ).run()
    # with no prompts, no Happy Hour and no decay, scores are exactly 1 - 0.7 * 0.65^k after the free
    # class and k paid classes
    alive = m.classes_done > 0
    k = m.classes_done[alive] - 1
    np.testing.assert_allclose(m.score[alive], 1 - 0.7 * 0.65**k, rtol=1e-5)


def test_free_programmes_are_open_to_mothers_without_budget():
    free = {f"{p}_price": 0.0 for p in PROGRAMMES}
    m = CommunityModel(rng=12, wtp_max=0.0, **free, **MID).run()
    assert (m.pop["wtp"] == 0).all()
    assert m.summary()["paid_enrolled"] > 0
