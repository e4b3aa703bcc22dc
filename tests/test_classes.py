"""Classes (model/classes.py): paid cohorts (applications and intake)."""

from __future__ import annotations

import numpy as np
import pytest

from ibusim.model import CommunityModel, classes, timeline
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
        score_before = m.score.copy()
        m.step()
        pending = np.flatnonzero(m.applied != NO_CLASS)
        assert (m.pop["wtp"][pending] >= price[m.applied[pending] - 1]).all()
        assert (m.stage[pending] == Stage.ACTIVE).all()
        # the threshold holds when she applies (silence may lower a score while she waits: model/interaction.py)
        app = m.changed["applications"]
        seen += app.size
        assert (score_before[app] >= m.p["enrol_threshold"]).all()
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


# ------------------------------------------------------------------ funnels
FUNNELS_OFF = dict(telegram_class_boost=0.0, announcement_boost=0.0, volunteer_enrol_boost=0.0, alumni_enrol_boost=0.0)
SHORT = dict(n_mothers=20_000, end="2022-12")


@pytest.mark.parametrize("boost", ["telegram_class_boost", "announcement_boost"])
def test_channel_boosts_raise_applications(boost):
    """Telegram members and Instagram followers apply more often when their boost is on."""
    for seed in (1, 2, 3):
        apps = {}
        for value in (0.0, 5.0):
            m = CommunityModel(rng=seed, **{**FUNNELS_OFF, boost: value}, **SHORT).run()
            apps[value] = m.dataframe()["new_applications"].sum()
        assert apps[5.0] > 1.1 * apps[0.0], (seed, apps)


def test_telegram_boost_favours_members_of_the_group():
    shares = {}
    for value in (0.0, 10.0):
        m = CommunityModel(rng=4, **{**FUNNELS_OFF, "telegram_class_boost": value}, **SHORT)
        n = in_group = 0
        while m.running:
            m.step()
            apps = m.changed["applications"]
            n += apps.size
            in_group += m.telegram[apps].sum()
        shares[value] = in_group / n
    assert shares[10.0] > shares[0.0] + 0.05, shares


def test_repeat_enrolments_are_alumnae_enrolling_again():
    m = CommunityModel(rng=5, **MID)
    repeat = 0
    while m.running:
        m.step()
        paid, rep = m.changed["paid_enrolled"], m.changed["repeat_enrolled"]
        assert np.isin(rep, paid).all()
        assert (m.done[rep] != 0).all()  # completed a paid programme before this one
        assert (m.done[np.setdiff1d(paid, rep)] == 0).all()
        repeat += rep.size
    df = m.dataframe()
    assert repeat > 0 and df["cum_repeat_enrolled"].iloc[-1] == repeat
    assert (df["cum_repeat_enrolled"] <= df["cum_paid_enrolled"]).all()


# ------------------------------------------------------------------ waiting lists (capacity that binds)
def _tight(**kw):
    """A model whose paid cohorts have few places, so that they fill."""
    places = {f"{p}_places": 3 for p in PROGRAMMES}
    return CommunityModel(rng=5, **MID, end="2023-06", places_scale_with_team=0.0, **places, **kw).run()


def test_full_cohorts_keep_a_waiting_list_first_in_line():
    m = _tight(waiting_list=True)
    df = m.dataframe()
    assert df["cum_waitlisted"].iloc[-1] > 0 and df["cum_turned_away"].iloc[-1] > 0
    log = m.cohort_log
    assert log and all(adm == min(apps, places) for _, _, apps, places, adm in log)
    assert any(apps > places for _, _, apps, places, _ in log)  # capacity binds


def test_a_waitlisted_applicant_is_admitted_before_new_ones():
    m = CommunityModel(
        rng=6, **MID, end="2023-06", places_scale_with_team=0.0, **{f"{p}_places": 2 for p in PROGRAMMES}
    )
    checked = 0
    while m.running:
        waiting, apps_before, active_before = m.waitlisted.copy(), m.applied.copy(), m.stage == Stage.ACTIVE
        m.step()  # nothing before the intake moves a member out of ACTIVE
        for k, prog in enumerate(PROGRAMMES):
            took = m.changed[f"enrolled_{prog}"]
            was = np.flatnonzero(waiting & (apps_before == k + 1) & active_before)
            if took.size and was.size and np.any(~waiting[took]):
                # a newcomer got a place, so every waiting applicant got one first
                assert np.isin(was, took).all()
                checked += 1
    assert checked > 0


def test_without_waiting_list_nobody_waits():
    m = _tight(waiting_list=False)
    df = m.dataframe()
    assert df["cum_waitlisted"].iloc[-1] == 0 and not m.waitlisted.any()


def test_applicants_are_every_pending_application_in_member_order():
    """The agenda of pending applications is the scan of every member's ``applied``, week by week."""
    for waiting_list in (True, False):
        m = CommunityModel(rng=14, end="2022-12", waiting_list=waiting_list, **MID)
        seen = 0
        while m.running:
            m.step()
            mem = m.member_idx
            expected = mem[m.applied[mem] != NO_CLASS]
            np.testing.assert_array_equal(classes.applicants(m), expected)
            assert (m.applied[m.registered_week < 0] == NO_CLASS).all()  # only members apply
            seen += expected.size
        assert seen > 0


def test_barrier_and_willingness_to_pay_in_member_order():
    m = CommunityModel(rng=15, end="2021-06", **MID)
    while m.running:
        m.step()
        barrier, wtp = classes._in_member_order(m)
        mem = m.member_idx
        np.testing.assert_array_equal(barrier[: mem.size], m.pop["barrier"][mem])
        np.testing.assert_array_equal(wtp[: mem.size], m.pop["wtp"][mem])


# ------------------------------------------------------------------ the bound on the hazard
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"volunteer_enrol_boost": 5.0, "alumni_enrol_boost": 5.0, "telegram_class_boost": 3.0, "enrol_rate": 0.5},
        {"peer_reinforcement": 0.0, "announcement_boost": 0.0, "telegram_class_boost": 0.0},
    ],
)
def test_the_bound_on_the_hazard_changes_no_application(monkeypatch, params):
    """Computing the hazard only under its bound (classes._bound) gives the same run as computing it for everyone."""
    runs = []
    for bounded in (True, False):
        with monkeypatch.context() as mp:
            if not bounded:
                mp.setattr(classes, "_bound", lambda *args: None)
            calls = []
            bound = classes._bound
            mp.setattr(classes, "_bound", lambda *args: calls.append(1) or bound(*args))
            m = CommunityModel(rng=3, n_mothers=20_000, **params).run()
        assert calls  # applications ran (and asked for the bound)
        runs.append(m)
    a, b = runs
    np.testing.assert_array_equal(a.series.new, b.series.new)
    np.testing.assert_array_equal(a.applied, b.applied)
    np.testing.assert_array_equal(a.done, b.done)
    assert a.summary()["paid_enrolled"] > 0  # people did apply and enrol


def test_the_bound_is_above_every_candidates_hazard():
    """At every week with a window open, _bound is at least _above(_base) for every active member (mid-run, boosted)."""
    m = CommunityModel(rng=2, n_mothers=20_000, volunteer_enrol_boost=2.0, alumni_enrol_boost=2.0)
    checked = 0
    while m.running:
        m.step()
        if not any(m.window_open(k) for k in range(len(PROGRAMMES))):
            continue
        at = np.flatnonzero(m.member_stage == Stage.ACTIVE)
        cand = m.member_idx[at]
        s = m.score[cand]
        barrier, _ = classes._in_member_order(m)
        top = classes._bound(m, at, s, barrier)
        base = classes._base(m, cand, at, s, barrier, m.done[cand])
        assert np.all(classes._above(base) <= top)  # so a draw below _above(base) is below the bound
        checked += cand.size
    assert checked > 0
