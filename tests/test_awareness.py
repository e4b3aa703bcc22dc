"""Awareness (model/awareness.py): mass reach plus word of mouth; the Bass limit case.

The limit case with a known answer: with homogeneous mixing, ``member_talk = 0``,
``barrier_strength = 0`` (digital reach 1), ``content_growth = live_boost =
covid_push = 0``, no team content (``volunteer_posts_per_week = 0``) and no initial
awareness, every unaware mother becomes aware in
a week with probability ``1 - exp(-(p + q F_t))`` (``p = media_reach``, ``q =
wom_rate``, ``F_t`` the aware share), so the aware share is a binomial chain
whose mean path is the discrete-time Bass recursion and whose continuous-time
limit is the closed-form Bass curve.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from ibusim.model import CommunityModel, ParameterError, awareness
from ibusim.model.network import neighbours
from ibusim.model.states import Stage

# ------------------------------------------------------------------ Bass limit case
P_BASS, Q_BASS, N_BASS = 0.002, 0.03, 50_000
BASS_LIMIT = dict(
    mixing="homogeneous",
    member_talk=0.0,
    barrier_strength=0.0,
    content_growth=0.0,
    live_boost=0.0,
    covid_push=0.0,
    initial_aware_share=0.0,
    volunteer_posts_per_week=0.0,
    media_reach=P_BASS,
    wom_rate=Q_BASS,
    n_mothers=N_BASS,
)


def bass_recursion(p: float, q: float, weeks: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Discrete Bass recursion and the standard deviation of the simulated share around it.

    F_{t+1} = F_t + (1 - F_t)(1 - exp(-(p + q F_t))); the sd is the linear noise approximation:
    the binomial variance of each week's adopters, propagated through the recursion.
    """
    F, var = np.zeros(weeks + 1), np.zeros(weeks + 1)
    for t in range(weeks):
        h = p + q * F[t]
        pi = 1.0 - math.exp(-h)
        F[t + 1] = F[t] + (1.0 - F[t]) * pi
        slope = 1.0 - pi + (1.0 - F[t]) * q * math.exp(-h)  # dF_{t+1} / dF_t
        var[t + 1] = slope**2 * var[t] + (1.0 - F[t]) * pi * (1.0 - pi) / n
    return F, np.sqrt(var)


def bass_closed_form(p: float, q: float, t: np.ndarray) -> np.ndarray:
    e = np.exp(-(p + q) * t)
    return (1.0 - e) / (1.0 + (q / p) * e)


@pytest.fixture(scope="module")
def bass_run():
    m = CommunityModel(preset="ipm", rng=3, **BASS_LIMIT).run()
    df = m.dataframe()
    return m, df["n_aware"].to_numpy() / m.n


def test_bass_limit_setup_has_full_reach_and_no_seeds(bass_run):
    m, share = bass_run
    assert m.n_weeks == 248 and share.size == 249
    assert share[0] == 0.0
    assert np.all(m.pop["digital_reach"] == 1.0)
    # S-curve visible inside the run: slow start, take-off, saturation
    assert share[20] < 0.1 and 0.3 < share[80] < 0.7 and share[-1] > 0.98


def test_bass_limit_follows_discrete_recursion(bass_run):
    """(a) The simulated aware share stays within 5 sd of the exact discrete-time recursion every week.

    At N = 50,000 the linear-noise sd peaks at
    about 0.005 (early binomial noise in the adopter counts, amplified by word of mouth
    during take-off) and is far smaller at the start and at saturation, so the
    tolerance is about 0.026 at the steepest point and ~0.002 early and late.
    """
    _, share = bass_run
    F, sd = bass_recursion(P_BASS, Q_BASS, share.size - 1, N_BASS)
    tol = 5.0 * sd + 2.0 / N_BASS
    worst = np.argmax(np.abs(share - F) - tol)
    assert np.all(np.abs(share - F) <= tol), (worst, share[worst], F[worst], tol[worst])
    # the tolerance is tight enough to tell q from q * 1.15 (a 15% error in word of mouth)
    F_wrong, _ = bass_recursion(P_BASS, 1.15 * Q_BASS, share.size - 1, N_BASS)
    assert np.any(np.abs(share - F_wrong) > tol)


def test_bass_limit_weekly_adopters_are_binomial(bass_run):
    """Given the aware count A_t, next week's adopters are Binomial(N - A_t, 1 - exp(-(p + q A_t/N))).

    Standardised residuals have mean ~0 and variance ~1 over the 248 weeks.
    """
    m, share = bass_run
    aware = np.rint(share * m.n)
    new = np.diff(aware)
    pi = -np.expm1(-(P_BASS + Q_BASS * aware[:-1] / m.n))
    mean = (m.n - aware[:-1]) * pi
    sd = np.sqrt(mean * (1.0 - pi))
    ok = sd > 1.0  # weeks with a non-degenerate binomial
    z = (new[ok] - mean[ok]) / sd[ok]
    k = z.size
    assert k > 150
    assert abs(z.mean()) < 5.0 / math.sqrt(k)
    # sum of z^2 ~ chi-square(k): mean k, sd sqrt(2k)
    assert abs((z**2).sum() - k) < 5.0 * math.sqrt(2 * k)
    assert np.abs(z).max() < 5.0


def test_bass_limit_close_to_continuous_closed_form(bass_run):
    """(b) The closed form F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}) is the continuous-time limit.

    The weekly model differs from it by (i) discretisation: the weekly recursion lags the continuous curve by about
    one week, so the gap is at most ~1.5 weeks of the curve's maximal growth (p+q)^2/(4q) = 0.0085/week, i.e. ~0.013
    (checked below on the deterministic recursion itself), plus (ii) the binomial noise of (a), bounded by 5 sd ~=
    0.026 at take-off. Tolerance: 0.013 + 5 sd_t.
    """
    _, share = bass_run
    t = np.arange(share.size)
    C = bass_closed_form(P_BASS, Q_BASS, t)
    F, sd = bass_recursion(P_BASS, Q_BASS, share.size - 1, N_BASS)
    discretisation = 1.5 * (P_BASS + Q_BASS) ** 2 / (4 * Q_BASS)
    assert np.abs(F - C).max() <= discretisation  # the justification above holds
    assert np.all(np.abs(share - C) <= discretisation + 5.0 * sd + 2.0 / N_BASS)
    # and the looser tolerance still rejects a clearly different curve (q halved)
    C_wrong = bass_closed_form(P_BASS, Q_BASS / 2, t)
    assert np.any(np.abs(share - C_wrong) > discretisation + 5.0 * sd + 2.0 / N_BASS)


# ------------------------------------------------------------------ extreme values
SMALL = dict(n_mothers=5000, end="2021-06")


def test_no_mass_reach_and_no_word_of_mouth_nobody_becomes_aware():
    m = CommunityModel(rng=1, media_reach=0.0, wom_rate=0.0, initial_aware_share=0.0, **SMALL).run()
    df = m.dataframe()
    assert (df["n_aware"] == 0).all() and (df["new_aware"] == 0).all()
    assert m.summary()["registered"] == 0
    assert np.all(m.stage == Stage.UNAWARE)


def test_no_mass_reach_no_word_of_mouth_keeps_the_initial_aware_only():
    m = CommunityModel(rng=2, media_reach=0.0, wom_rate=0.0, initial_aware_share=0.01, **SMALL).run()
    df = m.dataframe()
    assert df["n_aware"].iloc[0] > 0
    assert (df["n_aware"] == df["n_aware"].iloc[0]).all()
    assert (df["new_aware"] == 0).all()


def test_word_of_mouth_needs_someone_aware_to_start():
    """No mass reach and nobody aware at the start: word of mouth has no source."""
    for mixing in ("network", "homogeneous"):
        m = CommunityModel(rng=1, media_reach=0.0, wom_rate=1.0, initial_aware_share=0.0, mixing=mixing, **SMALL).run()
        assert m.dataframe()["n_aware"].max() == 0, mixing


def test_mass_reach_alone_makes_mothers_aware():
    m = CommunityModel(rng=1, media_reach=0.01, wom_rate=0.0, initial_aware_share=0.0, **SMALL).run()
    assert m.dataframe()["n_aware"].iloc[-1] > 0


# ------------------------------------------------------------------ network word of mouth
def _new_aware_without_aware_contact(mixing: str) -> tuple[int, int]:
    """Step a model with no mass reach.

    Count new aware mothers, and those among them who had no aware contact at the start of the week.
    """
    m = CommunityModel(
        rng=5, media_reach=0.0, wom_rate=0.5, initial_aware_share=0.003, mixing=mixing, n_mothers=5000, end="2020-12"
    )
    total = orphans = 0
    while m.running:
        was_aware = m.stage != Stage.UNAWARE
        m.step()
        new = np.flatnonzero(was_aware != (m.stage != Stage.UNAWARE))
        if new.size:
            nb, owner = neighbours(m.ties, new)
            has_aware_contact = np.zeros(new.size, bool)
            has_aware_contact[owner[was_aware[nb]]] = True
            orphans += int((~has_aware_contact).sum())
            total += new.size
    return total, orphans


def test_network_word_of_mouth_travels_only_over_ties():
    total, orphans = _new_aware_without_aware_contact("network")
    assert total > 50  # word of mouth did spread
    assert orphans == 0  # never to a mother none of whose contacts was aware


def test_homogeneous_word_of_mouth_reaches_mothers_without_aware_contacts():
    total, orphans = _new_aware_without_aware_contact("homogeneous")
    assert total > 50 and orphans > 0.05 * total


def _one_week_expected_vs_observed(mixing: str, **kw):
    m = CommunityModel(
        rng=11,
        n_mothers=40_000,
        initial_aware_share=0.3,
        mixing=mixing,
        covid_push=0.0,
        live_boost=0.0,
        content_growth=0.0,
        **kw,
    )
    aware = (m.stage != Stage.UNAWARE).astype(float)
    p, q = m.p["media_reach"], m.p["wom_rate"]
    if mixing == "network":
        # W_i: share of her contacts who are aware (each aware contact counts 1)
        deg = m.ties.degree()
        nb_aware = np.add.reduceat(aware[m.ties.indices], m.ties.indptr[:-1]) * (deg > 0)
        W = np.where(deg > 0, nb_aware / np.maximum(deg, 1), 0.0)
    else:
        W = np.full(m.n, aware.mean())
    h = p * m.pop["digital_reach"] + q * W
    prob = -np.expm1(-h)[aware == 0]
    m.step()
    observed = int(m.dataframe()["new_aware"].iloc[1])
    return observed, prob.sum(), math.sqrt((prob * (1 - prob)).sum())


@pytest.mark.parametrize("mixing", ["network", "homogeneous"])
def test_weekly_hazard_is_mass_reach_times_digital_reach_plus_word_of_mouth(mixing):
    """One week from a known state.

    The number of new aware mothers matches sum_i 1 - exp(-(media_reach r_i + wom_rate W_i)) within 5 binomial sd.
    """
    obs, mean, sd = _one_week_expected_vs_observed(mixing, media_reach=0.02, wom_rate=0.2)
    assert mean > 1000
    assert abs(obs - mean) < 5 * sd, (obs, mean, sd)


def test_member_talk_adds_weight_of_registered_contacts():
    """Registered members talk more (externalisation).

    With member_talk high the same seed reaches more mothers by the end of 2021 than with member_talk 0.
    """
    kw = dict(n_mothers=20_000, end="2021-12", rng=4)
    quiet = CommunityModel(member_talk=0.0, **kw).run().dataframe()["n_aware"].iloc[-1]
    loud = CommunityModel(member_talk=20.0, **kw).run().dataframe()["n_aware"].iloc[-1]
    assert loud > quiet * 1.3


# ------------------------------------------------------------------ mass reach p(t)
def test_covid_push_raises_early_awareness():
    for seed in (1, 2, 3):
        kw = dict(n_mothers=20_000, end="2020-12", rng=seed)
        off = CommunityModel(covid_push=0.0, **kw).run().dataframe()["n_aware"]
        on = CommunityModel(covid_push=4.0, **kw).run().dataframe()["n_aware"]
        assert on.iloc[-1] > 1.2 * off.iloc[-1], seed
        assert (on.to_numpy() >= off.to_numpy()).all(), seed


def test_mass_reach_live_weeks_and_covid_factor():
    m = CommunityModel(
        rng=1, n_mothers=1000, media_reach=0.01, live_boost=0.5, live_every_weeks=2, covid_push=1.5, content_growth=0.0
    )
    # weeks 0 and 1 are in April 2020: lockdown level 1, so covid(t) = 1 + 1.5
    m.week = 0
    live = awareness.mass_reach(m)
    m.week = 1
    plain = awareness.mass_reach(m)
    assert plain == pytest.approx(0.01 * 2.5)
    assert live == pytest.approx(0.01 * 2.5 * 1.5)
    m.week = 200  # 2024: no lockdown, an even week: live
    assert awareness.mass_reach(m) == pytest.approx(0.01 * 1.5)


def test_mass_reach_grows_with_content_from_active_members():
    m = CommunityModel(
        rng=1, n_mothers=1000, media_reach=0.01, live_boost=0.0, covid_push=0.0, content_growth=2.0, posts_per_week=4.0
    )
    base = awareness.mass_reach(m)
    m.counts[Stage.ACTIVE] += 3000  # 3,000 active members: 6 extra posts a week on top of 4
    assert awareness.mass_reach(m) == pytest.approx(base * (1 + 2.0 * 3.0 / 4.0))


# Found while writing these tests: posts_per_week = 0 used to be allowed and made
# mass_reach 0/0 = NaN, so nobody ever became aware (fixed by the bounds [0.1, 100]).
@pytest.mark.parametrize("posts", [0.0, 0.1])
def test_fewest_posts_keep_mass_reach_finite(posts):
    try:
        m = CommunityModel(rng=1, n_mothers=5000, end="2020-12", posts_per_week=posts)
    except ParameterError:
        assert posts == 0.0  # rejecting 0 is a fine fix; the smallest allowed value must run
        return
    with np.errstate(all="ignore"):
        m.run()
        assert np.isfinite(awareness.mass_reach(m))
    assert m.dataframe()["n_aware"].iloc[-1] > m.dataframe()["n_aware"].iloc[0]


# ------------------------------------------------------------------ IbuSibuk's elements (000) on reach
@pytest.mark.parametrize("name", ["brand_story_reach", "memorable_content"])
def test_brand_story_and_memorable_content_multiply_the_mass_reach(name):
    kw = dict(rng=1, n_mothers=1000, media_reach=0.01, live_boost=0.0, covid_push=0.0)
    base = awareness.mass_reach(CommunityModel(**kw))
    assert awareness.mass_reach(CommunityModel(**{name: 1.0}, **kw)) == base  # neutral: the same number
    assert awareness.mass_reach(CommunityModel(**{name: 1.5}, **kw)) == pytest.approx(1.5 * base)
    assert awareness.mass_reach(CommunityModel(**{name: 0.0}, **kw)) == 0.0
    both = CommunityModel(brand_story_reach=1.2, memorable_content=1.5, **kw)
    assert awareness.mass_reach(both) == pytest.approx(1.8 * base)


def test_a_trusted_brand_story_makes_more_mothers_aware():
    for seed in (1, 2, 3):
        kw = dict(n_mothers=20_000, end="2021-06", rng=seed)
        off = CommunityModel(**kw).run().dataframe()["n_aware"]
        on = CommunityModel(brand_story_reach=1.5, **kw).run().dataframe()["n_aware"]
        assert on.iloc[-1] > off.iloc[-1], seed
        assert (on.to_numpy() >= off.to_numpy()).all(), seed  # same thresholds, more hazard every week


def test_sorted_clock_returns_each_key_once_when_the_level_reaches_it():
    """SortedClock (the mass-reach clock): every key at most the level, once, in key order; inf never."""
    rng = np.random.default_rng(7)
    keys = rng.exponential(1.0, 10_000).astype(np.float32)
    keys[::97] = np.inf
    clock = awareness.SortedClock(keys)
    seen = []
    for level in np.cumsum(rng.exponential(0.01, 600)):
        got = clock.due(level)
        assert (keys[got] <= np.float32(level)).all()
        assert np.all(np.diff(keys[got]) >= 0)
        seen.append(got)
    seen = np.concatenate(seen)
    assert np.unique(seen).size == seen.size  # each once
    np.testing.assert_array_equal(np.sort(seen), np.flatnonzero(keys <= np.float32(level)))
    assert clock.due(0.0).size == 0


def test_the_lazy_sort_of_the_mass_reach_clock_changes_nothing(monkeypatch):
    """The mass-reach keys are sorted a stretch at a time: any stretch gives the same mothers, week by week."""
    runs = []
    for growth in (awareness.SortedClock.GROWTH, 1.01, 1000.0):
        monkeypatch.setattr(awareness.SortedClock, "GROWTH", growth)
        m = CommunityModel(rng=3, n_mothers=5000, end="2021-06")
        aware = []
        while m.running:
            m.step()
            aware.append(m.changed["aware"])
        runs.append(aware)
    a = runs[0]
    assert sum(x.size for x in a) > 100
    for b in runs[1:]:
        assert len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def test_word_of_mouth_clocks_give_the_geometric_wait():
    """One contact talking with weight w gives her contacts a wait with P(> k weeks) = exp(-wom_rate w / d)^k."""
    m = CommunityModel(rng=2, n_mothers=2000, media_reach=0.0, wom_rate=0.05, initial_aware_share=0.0, end="2020-12")
    n = 200_000
    contacts = np.arange(n) % m.n
    m.exposure_changed.append((contacts, 2.0))
    awareness._file_talk(m, 0, np.random.default_rng(5))
    per_week = np.array([m.aware_wom_agenda.pop(w).size for w in range(m.n_weeks)])  # clocks running out
    rate = 0.05 * 2.0 * m.inv_degree[contacts].astype(float)
    for k in (1, 5, 10):  # filed in week 0: due in week k - 1 or later means a wait of at least k
        expected = np.exp(-rate * (k - 1)).sum() - (np.exp(-rate * m.n_weeks).sum())
        observed = per_week[k - 1 :].sum()
        sd = math.sqrt(max(expected, 1.0))
        assert abs(observed - expected) < 6 * sd, (k, observed, expected)


def test_exposure_read_mid_run_is_the_talk_so_far_whenever_it_is_added(monkeypatch):
    """Exposure read mid-run and at the end: the same, bit for bit, however long its talk waits to be added.

    CommunityModel.add_talk adds the talk when exposure is read; with EXPOSURE_PENDING = 0 every talk is added
    at once, as before. The arrays and the run are the same either way.
    """
    runs = []
    for pending in (0, CommunityModel.EXPOSURE_PENDING):
        monkeypatch.setattr(CommunityModel, "EXPOSURE_PENDING", pending)
        m = CommunityModel(rng=4, n_mothers=20_000)
        for _ in range(60):
            m.step()
        middle = m.exposure.copy()
        runs.append((middle, m.run()))
    (mid_a, a), (mid_b, b) = runs
    np.testing.assert_array_equal(mid_a, mid_b)
    np.testing.assert_array_equal(a.exposure, b.exposure)
    np.testing.assert_array_equal(a.series.new, b.series.new)
    # the talk weight of the aware contacts (1 each) and of the registered (member_talk more), up to rounding
    ties, talking = a.ties, a.stage > 0
    weight = talking.astype(float) + a.p["member_talk"] * (a.registered_week >= 0)
    src = np.repeat(np.arange(ties.n), ties.degree())
    expected = np.bincount(ties.indices, weights=weight[src], minlength=ties.n)
    np.testing.assert_allclose(a.exposure, expected, rtol=1e-4)


def test_waits_that_end_after_the_run_are_not_filed_and_change_nothing(monkeypatch):
    """Awareness files only the word-of-mouth waits that may end in the run: the same run as filing every one."""
    runs = []
    for keep_all in (False, True):
        with monkeypatch.context() as mp:
            if keep_all:
                mp.setattr(awareness, "_may_end_by", lambda e, rate, weeks: np.arange(e.size))
            runs.append(CommunityModel(rng=6, n_mothers=20_000, wom_rate=0.2).run())
    a, b = runs
    np.testing.assert_array_equal(a.series.new, b.series.new)
    np.testing.assert_array_equal(a.stage, b.stage)


def test_may_end_by_keeps_every_wait_that_ends_in_time():
    rng = np.random.default_rng(8)
    e = rng.standard_exponential(200_000, dtype=np.float32)
    rate = (rng.random(200_000) * 0.01).astype(np.float32)
    for weeks in (1, 7, 100, 248):
        kept = np.zeros(e.size, bool)
        kept[awareness._may_end_by(e, rate, weeks)] = True
        with np.errstate(divide="ignore"):
            ends = np.ceil(e / rate) <= weeks
        assert kept[ends].all() and kept.sum() < e.size  # every wait that ends in time, not everyone
