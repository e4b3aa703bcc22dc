"""Classes (model/classes.py): paid cohorts (applications and intake)."""

from __future__ import annotations

import numpy as np
import pytest

from ibusim.model import CommunityModel, timeline
from ibusim.model.parameters import PROGRAMMES
from ibusim.model.states import NO_CLASS, Stage

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
    """The test is the monthly instalment price / instalments <= wtp.

    12 instalments open an expensive programme to many more mothers (places not binding).
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
    """Completed programmes are remembered (bit k of ``done``).

    With no drop-outs and no scholarship every paid completion sets a new bit, so the count of bits equals the count
    of completions.
    """
    m = CommunityModel(rng=5, dropout_rate=0.0, scholarship_batches=0, enrol_rate=0.5, **MID).run()
    s = m.summary()
    assert s["completed_paid"] > 100
    assert popcount8(m.done).sum() == s["completed_paid"]
    assert (m.classes_done >= popcount8(m.done)).all()


def test_free_programmes_are_open_to_mothers_without_budget():
    free = {f"{p}_price": 0.0 for p in PROGRAMMES}
    m = CommunityModel(rng=12, wtp_max=0.0, **free, **MID).run()
    assert (m.pop["wtp"] == 0).all()
    assert m.summary()["paid_enrolled"] > 0
