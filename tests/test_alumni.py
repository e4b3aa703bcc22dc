"""Alumni (model/alumni.py): alumni classes and reunions, reactivation and repeat enrolment."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from ibusim.model import CommunityModel, alumni
from ibusim.model.parameters import PROGRAMMES
from ibusim.model.states import REGISTERED_STAGES, Stage

MID = dict(n_mothers=20_000)
NO_EVENTS = dict(alumni_class_every_weeks=0, reunion_month=0)
FLOWS = ("alumni_class_attendees", "reunion_attendees", "reactivated_by_alumni")


def _weekly(m):
    """Step ``m`` to the end; per week (week, stage before, stage after, alumnae after, what alumni returned)."""
    weeks = []
    while m.running:
        w, before = m.week, m.stage.copy()
        m.step()
        weeks.append((w, before, m.stage.copy(), m.alumna.copy(), {k: m.changed[k] for k in FLOWS}))
    return weeks


def test_no_alumnae_nothing_happens():
    """Nobody can pay and there is no scholarship: no alumnae, so the events change nothing."""
    prices = {**{f"{p}_price": 5_000_000.0 for p in PROGRAMMES}, **{f"{p}_instalments": 1 for p in PROGRAMMES}}
    m = CommunityModel(rng=1, wtp_max=3_000_000.0, scholarship_batches=0, alumni_attendance=1.0, **prices, **MID)
    m.run()
    df = m.dataframe()
    assert not m.alumna.any()
    assert all((df[f"new_{f}"] == 0).all() for f in FLOWS)
    assert (m.alumni_week == -1).all()
    assert m.dataframe()["cum_repeat_enrolled"].iloc[-1] == 0


def test_switched_off_no_events():
    m = CommunityModel(rng=2, alumni_attendance=1.0, **NO_EVENTS, **MID).run()
    df = m.dataframe()
    assert m.alumna.any()
    assert all((df[f"new_{f}"] == 0).all() for f in FLOWS) and (m.alumni_week == -1).all()
    assert not m.reunion_weeks


@pytest.fixture(scope="module")
def events():
    m = CommunityModel(rng=3, alumni_class_every_weeks=8, reunion_month=7, alumni_attendance=0.3, **MID)
    return m, _weekly(m)


def test_events_only_when_due(events):
    m, weeks = events
    held_class = held_reunion = 0
    for w, _, _, _, out in weeks:
        day = m.start_date + dt.timedelta(weeks=w)
        is_reunion = day.month == 7 and day.day <= 7  # the first week that starts in July
        if w % 8:
            assert out["alumni_class_attendees"].size == 0, w
        else:
            held_class += out["alumni_class_attendees"].size > 0
        if not is_reunion:
            assert out["reunion_attendees"].size == 0, w
        else:
            assert w in m.reunion_weeks
            held_reunion += out["reunion_attendees"].size > 0
    assert held_class > 10 and held_reunion >= 3
    assert len(m.reunion_weeks) == 5  # once a year, July 2020 to July 2024


def test_attendees_are_registered_alumnae_at_the_attendance_rate(events):
    m, weeks = events
    attended = eligible = 0
    for w, _, after, alumna, out in weeks:
        for key in ("alumni_class_attendees", "reunion_attendees"):
            who = out[key]
            assert alumna[who].all() and np.isin(after[who], REGISTERED_STAGES).all(), w
            if w % 8 == 0 and key == "alumni_class_attendees":
                attended += who.size
                eligible += int((alumna & np.isin(after, REGISTERED_STAGES)).sum())
    # alumna status does not change after the alumni step of a week, nor does anyone unregister
    p = m.p["alumni_attendance"]
    assert eligible > 1000
    assert abs(attended - p * eligible) < 5 * math.sqrt(eligible * p * (1 - p))
    assert (m.alumni_week[m.alumni_week >= 0] < m.n_weeks).all()
    assert m.alumna[m.alumni_week >= 0].all()


def test_dormant_attendees_come_back(events):
    m, weeks = events
    back = 0
    for w, _, after, _, out in weeks:
        r = out["reactivated_by_alumni"]
        attendees = np.concatenate([out["alumni_class_attendees"], out["reunion_attendees"]])
        assert np.isin(r, attendees).all(), w
        assert not (after[r] == Stage.DORMANT).any(), w
        back += r.size
    assert back > 0
    assert m.dataframe()["cum_reactivated_by_alumni"].iloc[-1] == back


def test_full_attendance_leaves_no_alumna_dormant_after_an_event():
    m = CommunityModel(rng=4, alumni_class_every_weeks=4, reunion_month=0, alumni_attendance=1.0, **MID)
    for w, _, after, alumna, out in _weekly(m):
        if w % 4 == 0:
            assert not (alumna & (after == Stage.DORMANT)).any(), w


def test_alumni_events_reactivate_dormant_alumnae_and_raise_repeat_enrolment():
    for seed in (1, 2, 3):
        off = CommunityModel(rng=seed, **NO_EVENTS, **MID).run()
        on = CommunityModel(rng=seed, alumni_class_every_weeks=6, alumni_attendance=0.3, **MID).run()
        assert off.dataframe()["cum_reactivated_by_alumni"].iloc[-1] == 0
        assert on.dataframe()["cum_reactivated_by_alumni"].iloc[-1] > 0, seed
        assert on.dataframe()["cum_repeat_enrolled"].iloc[-1] > off.dataframe()["cum_repeat_enrolled"].iloc[-1], seed


def test_alumni_enrol_boost_raises_repeat_enrolment():
    for seed in (1, 2, 3):
        rep = {}
        for boost in (0.0, 10.0):
            m = CommunityModel(rng=seed, alumni_enrol_boost=boost, alumni_attendance=0.3, **MID).run()
            rep[boost] = m.dataframe()["cum_repeat_enrolled"].iloc[-1]
        assert rep[10.0] > rep[0.0], (seed, rep)


def test_attended_since_is_who_has_alumni_week_at_or_after():
    """The log of events gives the recent attendees (model/classes.py's alumni funnel) without a pass over everyone."""
    m = CommunityModel(rng=16, n_mothers=20_000, end="2023-06", alumni_attendance=0.5)
    while m.running:
        m.step()
        for since in (m.week - 13, m.week - 1, 0):
            got = np.unique(alumni.attended_since(m, since))
            np.testing.assert_array_equal(got, np.flatnonzero((m.alumni_week >= 0) & (m.alumni_week >= since)))
    assert len(m.alumni_events) > 1
