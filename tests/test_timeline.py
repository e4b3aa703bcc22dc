"""Calendar (model/timeline.py): weeks, months, cohorts, the COVID-19 push."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ibusim.model import CommunityModel, timeline
from ibusim.model.timeline import cohort_weeks, covid_levels, date_of, first_day_after, n_weeks, week_of

months = st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(2000, 2099), st.integers(1, 12))


def test_default_run_is_248_weeks():
    assert n_weeks("2020-04", "2024-12") == 248
    # 2020-04-01 .. 2024-12-31 is 1,736 days: exactly 248 weeks
    assert (dt.date(2025, 1, 1) - dt.date(2020, 4, 1)).days == 248 * 7


def test_model_runs_its_weeks_and_stops():
    m = CommunityModel(rng=1, n_mothers=1000, end="2020-06")
    assert m.n_weeks == n_weeks("2020-04", "2020-06") == 13  # 91 days
    m.run()
    assert m.week == 13 and not m.running
    df = m.dataframe()
    assert len(df) == 14  # the initial state and 13 weeks
    assert df["date"].iloc[0] == "2020-04-01" and df["date"].iloc[1] == "2020-04-08"
    assert m.date == dt.date(2020, 7, 1)
    m.step()  # stepping a finished model does nothing
    assert m.week == 13 and len(m.dataframe()) == 14


def test_one_month_run():
    assert n_weeks("2020-04", "2020-04") == 5  # 30 days: weeks starting on 1, 8, 15, 22, 29 April
    assert n_weeks("2021-02", "2021-02") == 4  # 28 days


def test_first_day_after():
    assert first_day_after("2024-12") == dt.date(2025, 1, 1)
    assert first_day_after("2020-02") == dt.date(2020, 3, 1)


def test_week_of():
    assert week_of("2020-04", "2020-04") == 0
    assert week_of("2020-05", "2020-04") == 5  # 30 days: the first week starting on or after 1 May is week 5
    assert week_of("2021-10", "2020-04") == 79  # 548 days
    assert week_of("2020-01", "2020-04") == -13  # negative before the start


@settings(max_examples=60, deadline=None)
@given(start=months, month=months)
def test_week_of_is_the_first_week_starting_on_or_after_the_month(start, month):
    w = week_of(month, start)
    first = timeline.month_to_date(month)
    assert date_of(w, start) >= first
    assert date_of(w - 1, start) < first


@settings(max_examples=60, deadline=None)
@given(start=months, end=months)
def test_n_weeks_covers_every_week_starting_before_the_month_after_end(start, end):
    if timeline.month_to_date(end) < timeline.month_to_date(start):
        start, end = end, start
    w = n_weeks(start, end)
    assert w >= 1
    assert date_of(w - 1, start) < first_day_after(end) <= date_of(w, start)


def test_covid_levels_of_the_default_run():
    c = covid_levels("2020-04", 248)
    assert c.shape == (248,)
    assert ((c >= 0) & (c <= 1)).all()
    at = lambda month: c[week_of(month, "2020-04")]  # noqa: E731
    assert at("2020-04") == 1.0 and at("2020-12") == 1.0
    assert at("2021-03") == 0.5
    assert at("2021-08") == 1.0
    assert at("2021-12") == 0.3 and at("2022-03") == 0.3
    after = week_of("2022-04", "2020-04")
    assert (c[after:] == 0).all()
    assert c[after - 1] > 0  # the week starting in late March is still restricted


def test_covid_levels_for_a_later_start():
    c = covid_levels("2021-01", 30)
    assert c[0] == 0.5  # January 2021, not the 2020 level
    assert (covid_levels("2023-01", 50) == 0).all()


@settings(max_examples=40, deadline=None)
@given(start=months, weeks=st.integers(1, 600))
def test_covid_levels_always_in_unit_interval_and_zero_after_march_2022(start, weeks):
    c = covid_levels(start, weeks)
    assert c.shape == (weeks,)
    assert ((c >= 0) & (c <= 1)).all()
    for w in range(weeks):
        if date_of(w, start) >= dt.date(2022, 4, 1) or date_of(w + 1, start) <= dt.date(2020, 4, 1):
            assert c[w] == 0


def test_cohort_weeks_spacing():
    c = cohort_weeks("2021-01", 13, "2020-04", 248)
    assert c[0] == week_of("2021-01", "2020-04") == 40
    assert (np.diff(c) == 13).all()
    assert c[-1] < 248 <= c[-1] + 13


def test_cohorts_of_a_programme_started_before_the_run_keep_their_rhythm():
    c = cohort_weeks("2020-01", 8, "2020-04", 100)  # first cohort 13 weeks before the run
    assert c[0] == (-13) % 8 == 3
    assert (np.diff(c) == 8).all()
    assert ((c - week_of("2020-01", "2020-04")) % 8 == 0).all()


def test_no_cohorts_after_the_run():
    assert cohort_weeks("2030-01", 8, "2020-04", 248).size == 0


@settings(max_examples=60, deadline=None)
@given(first=months, start=months, every=st.integers(1, 60), weeks=st.integers(1, 500))
def test_cohort_weeks_are_evenly_spaced_inside_the_run(first, start, every, weeks):
    c = cohort_weeks(first, every, start, weeks)
    assert ((c >= 0) & (c < weeks)).all()
    assert (np.diff(c) == every).all()
    assert ((c - week_of(first, start)) % every == 0).all()
    if c.size:
        assert c[0] < every or c[0] == week_of(first, start)
        assert c[-1] + every >= weeks


def test_model_cohort_calendar_matches_timeline():
    m = CommunityModel(rng=1, n_mothers=1000)
    for k, prog in enumerate(m.programmes):
        starts = cohort_weeks(m.p[f"{prog}_start"], m.p[f"{prog}_every_weeks"], "2020-04", 248)
        window = m.p[f"{prog}_window_weeks"]
        opens = set()
        for c in starts:
            opens |= set(range(max(0, c - window), c))
        for w in range(248):
            m.week = w
            assert m.cohort_starts(k) == (w in starts), (prog, w)
            assert m.window_open(k) == (w in opens), (prog, w)


# ------------------------------------------------------------------ Agenda and waiting times
def test_agenda_pops_each_week_in_filing_order():
    ag = timeline.Agenda(40)
    ag.add(np.array([5, 6, 7]), np.array([3, 30, 3]))  # week 30 waits in the pool, beyond the horizon
    ag.add(np.array([8, 9]), np.array([3, -1]))  # a negative week is dropped
    ag.add(np.array([1, 2]), np.array([40, 30]))  # week 40 is after the end: dropped
    assert ag.pop(0).size == 0
    np.testing.assert_array_equal(ag.pop(3), [5, 7, 8])
    assert ag.pop(3).size == 0  # taken out
    for w in range(4, 30):
        assert ag.pop(w).size == 0
    np.testing.assert_array_equal(ag.pop(30), [6, 2])
    assert ag.pop(40).size == 0 and ag.pop(100).size == 0


def test_agenda_keeps_its_own_copy_of_the_ids():
    ag = timeline.Agenda(10)
    idx = np.array([1, 2, 3])
    ag.add(idx, np.array([2, 2, 2]))
    idx[:] = 0  # the caller reuses its array
    np.testing.assert_array_equal(ag.pop(2), [1, 2, 3])


@settings(max_examples=100, deadline=None)
@given(
    weeks=st.integers(1, 80),
    calls=st.lists(
        st.tuples(st.integers(0, 3), st.lists(st.tuples(st.integers(0, 999), st.integers(-3, 90)), max_size=30)),
        max_size=40,
    ),
    sort_all=st.sampled_from([0, 8, timeline.Agenda.SORT_ALL]),
)
def test_agenda_matches_a_list_of_entries(weeks, calls, sort_all):
    """Filing and popping, week after week, as a plain list of (id, week) entries would.

    ``sort_all``: filings of more mothers than this take the many-mothers path (both paths are checked).
    """
    ag = timeline.Agenda(weeks)
    ag.SORT_ALL = sort_all
    pending: list[tuple[int, int]] = []
    week = 0
    for pops, entries in calls:
        for _ in range(pops):  # pop this week and move on
            want = [i for i, d in pending if d == week]
            pending = [(i, d) for i, d in pending if d != week]
            assert ag.pop(week).tolist() == (want if week < weeks else [])
            week += 1
        # rules file from the current week on; earlier weeks are never popped again
        entries = [(i, d) for i, d in entries if d < 0 or d >= week]
        ag.add(np.array([i for i, _ in entries], np.int64), np.array([d for _, d in entries], np.int64))
        pending += [(i, d) for i, d in entries if 0 <= d < weeks]
    for w in range(week, weeks):
        assert ag.pop(w).tolist() == [i for i, d in pending if d == w]


def test_waiting_weeks_zero_and_one():
    rng = np.random.default_rng(1)
    w = timeline.waiting_weeks(rng, np.array([0.0, 1.0, 1e-13, 1.0]))
    assert w.dtype == np.int64
    assert w[1] == w[3] == 1
    assert w[0] == w[2] > 10**9  # never, in any run


def test_waiting_weeks_in_two_calls_draw_as_one():
    prob = np.random.default_rng(2).random(500)
    prob[::7] = 0.0  # no draw for these
    one = timeline.waiting_weeks(np.random.default_rng(3), prob)
    rng = np.random.default_rng(3)
    two = np.concatenate([timeline.waiting_weeks(rng, prob[:123]), timeline.waiting_weeks(rng, prob[123:])])
    np.testing.assert_array_equal(one, two)
    assert (one >= 1).all()


@pytest.mark.parametrize("prob", [0.3, 0.01])
def test_waiting_weeks_are_geometric(prob):
    """P(wait = k) = (1 - prob)^(k - 1) prob (drawn by inversion of an Exp(1))."""
    w = timeline.waiting_weeks(np.random.default_rng(5), np.full(200_000, prob))
    for k in (1, 2, 5):
        expected = (1 - prob) ** (k - 1) * prob
        observed = (w == k).mean()
        assert abs(observed - expected) < 5 * math.sqrt(expected * (1 - expected) / w.size), k
    assert abs(w.mean() - 1 / prob) < 5 * math.sqrt((1 - prob) / prob**2 / w.size)


# ------------------------------------------------------------------ skip sampling and zero-truncated counts
@pytest.mark.parametrize("prob", [0.0, 0.003, 0.05, 0.19, 0.5, 1.0])
def test_chosen_picks_each_position_with_its_probability(prob):
    """timeline.chosen: increasing distinct positions in [0, n); each picked with ``prob`` (5 sd), independently."""
    rng = np.random.default_rng(11)
    n, rounds = 5_000, 400  # above timeline.SHORT: the skip-sampling path (below DENSE)
    hits = np.zeros(n)
    pairs = 0  # positions 0 and 1 picked together: prob^2 if independent
    for _ in range(rounds):
        pos = timeline.chosen(rng, n, prob)
        assert pos.dtype.kind == "i" and np.all(np.diff(pos) > 0) and (pos.size == 0 or 0 <= pos[0] <= pos[-1] < n)
        hits[pos] += 1
        pairs += int(pos.size >= 2 and pos[0] == 0 and pos[1] == 1)
    total, k = hits.sum(), n * rounds
    assert abs(total - prob * k) <= 5 * math.sqrt(k * prob * (1 - prob)) + 1e-9
    # the same share at the start, the middle and the end of the range (no edge effect of the gaps)
    for part in (hits[:200], hits[2400:2600], hits[-200:]):
        m = part.size * rounds
        assert abs(part.sum() - prob * m) <= 5 * math.sqrt(m * prob * (1 - prob)) + 1e-9
    assert abs(pairs - prob**2 * rounds) <= 5 * math.sqrt(rounds * prob**2) + 1


def test_chosen_short_ranges_draw_one_uniform_each():
    """At most SHORT positions: the same picks as rng.random(n) < prob (the dense path)."""
    a, b = np.random.default_rng(2), np.random.default_rng(2)
    np.testing.assert_array_equal(timeline.chosen(a, 1000, 0.01), np.flatnonzero(b.random(1000) < 0.01))


def test_chosen_of_nobody_is_empty():
    rng = np.random.default_rng(1)
    assert timeline.chosen(rng, 0, 0.5).size == 0 and timeline.chosen(rng, 10, 0.0).size == 0


@pytest.mark.parametrize("lam", [0.02, 0.5, 3.0])
def test_positive_poisson_is_poisson_given_at_least_one(lam):
    rng = np.random.default_rng(3)
    k = timeline.positive_poisson(rng, np.full(200_000, lam))
    assert k.min() >= 1
    expected = np.array([math.exp(-lam) * lam**j / math.factorial(j) for j in range(1, 8)]) / -math.expm1(-lam)
    observed = np.bincount(k, minlength=9)[1:8] / k.size
    sd = np.sqrt(expected * (1 - expected) / k.size)
    assert np.all(np.abs(observed - expected) <= 5 * sd + 1e-6), (observed, expected)


@pytest.mark.parametrize("lam", [1e-6, 0.02, 0.5, 3.0, 40.0])
def test_positive_poisson_of_one_rate_draws_as_an_array_of_it(lam):
    """``size`` counts of one rate: the same counts and the same stream state as an array of that rate."""
    a, b = np.random.default_rng(7), np.random.default_rng(7)
    np.testing.assert_array_equal(
        timeline.positive_poisson(a, lam, 5_000), timeline.positive_poisson(b, np.full(5_000, lam))
    )
    assert a.random() == b.random()


@pytest.mark.parametrize("lam", [0.0, 0.05, 2.0])
def test_poisson_senders_match_one_poisson_draw_each(lam):
    """The nonzero counts of Poisson(lam) over n positions: as many senders and messages as rng.poisson(lam, n)."""
    rng = np.random.default_rng(4)
    n = 300_000
    at, k = timeline.poisson_senders(rng, n, lam)
    assert at.size == k.size and (k >= 1).all() and np.all(np.diff(at) > 0)
    p = -math.expm1(-lam)
    assert abs(at.size - n * p) <= 5 * math.sqrt(n * p * (1 - p)) + 1e-9
    assert abs(k.sum() - n * lam) <= 5 * math.sqrt(n * lam) + 1e-9
