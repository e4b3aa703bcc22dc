"""Provinces (model/provinces.py): the data table, the reach weights and the provinces-reached estimator."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ibusim.model import CommunityModel
from ibusim.model import provinces as P
from ibusim.model.population import PROVINCES

CSV = Path(__file__).resolve().parents[1] / "docs" / "sources" / "provinces.csv"
NAMES = [name for name, _, _ in PROVINCES]


def _num(text: str, kind=float):
    return None if text == "" else kind(text)


# ------------------------------------------------------------------ the table
def test_table_agrees_with_the_sources_csv_cell_for_cell():
    with CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(P.TABLE) == 38
    for row, prov in zip(rows, P.TABLE, strict=True):
        assert prov == P.Province(
            int(row["kode"]),
            row["province"],
            row["region"],
            _num(row["population"], int),
            int(row["population_dukcapil"]),
            int(row["female_population"]),
            _num(row["female_population_bps_derived"], int),
            float(row["internet_penetration"]),
            _num(row["internet_apjii_2024"]),
            _num(row["internet_apjii_2023"]),
            float(row["internet_bps_2023"]),
        ), row["province"]


def test_the_table_names_the_models_38_provinces_once_each():
    assert sorted(NAMES) == sorted(P.BY_NAME) and len(P.BY_NAME) == 38
    assert len({p.kode for p in P.TABLE}) == 38
    # the regions agree with the model's own grouping where both name one
    for name, _, region in PROVINCES:
        if region == "Maluku-Papua":
            assert P.BY_NAME[name].region == "Maluku-Papua", name


def test_the_figures_are_plausible():
    for p in P.TABLE:
        assert 0 < p.women_registry < p.population_registry
        assert 0.45 < p.women_registry / p.population_registry < 0.52, p.name
        assert 0.25 < p.internet_bps_2023 < 0.9 and 0.55 < p.internet < 0.9, p.name
        if p.internet_apjii_2024 is not None:
            assert p.internet == p.internet_apjii_2024  # the latest year first
        elif p.internet_apjii_2023 is not None:
            assert p.internet == p.internet_apjii_2023
        assert (p.population_bps is None) == (p.women_bps is None)
    # the registry rows add up to its national row (docs/sources/provinces.md)
    assert sum(p.population_registry for p in P.TABLE) == 284_973_643
    assert sum(p.women_registry for p in P.TABLE) == 141_110_251


# ------------------------------------------------------------------ the weights
@pytest.mark.parametrize("population", P.POPULATION_CHOICES)
@pytest.mark.parametrize("internet", P.INTERNET_CHOICES)
def test_weights_are_women_times_internet_normalised(population, internet):
    w = P.reach_weights(NAMES, population, internet)
    assert w.shape == (38,) and (w > 0).all() and w.sum() == pytest.approx(1.0)
    rows = [P.BY_NAME[n] for n in NAMES]
    online = np.array([r.women(population) * r.internet_share(internet) for r in rows])
    np.testing.assert_allclose(w, online / online.sum())
    # Java holds most of the online women (Jawa Barat, Jawa Tengah, Jawa Timur alone ~46% of the registry)
    java = sum(w[i] for i, n in enumerate(NAMES) if P.BY_NAME[n].region == "Jawa")
    assert 0.5 < java < 0.65


def test_the_data_choices_pick_the_named_columns():
    papua_selatan, jabar = P.BY_NAME["Papua Selatan"], P.BY_NAME["Jawa Barat"]
    assert papua_selatan.internet_share("bps_2023") == 0.2987  # inherited from old Papua
    assert papua_selatan.internet_share("apjii_2023") == papua_selatan.internet  # no 2023 figure: the latest
    assert jabar.internet_share("apjii_2023") == 0.8273 and jabar.internet_share("apjii_latest") == 0.8552
    assert papua_selatan.women("bps") == papua_selatan.women_registry  # BPS has no figure for it
    assert jabar.women("bps") == 24_849_600 and jabar.women("registry") == 25_318_584
    with pytest.raises(ValueError):
        jabar.women("census")
    with pytest.raises(ValueError):
        jabar.internet_share("survey")


def test_weights_follow_the_data_order_independently_of_the_names_order():
    w = P.reach_weights(NAMES)
    rev = P.reach_weights(NAMES[::-1])
    np.testing.assert_allclose(rev, w[::-1])


# ------------------------------------------------------------------ the estimator
def _truth(pi, m):
    """Expected provinces with a member when m members fall independently with shares pi."""
    return float(np.sum(1 - (1 - pi) ** m))


def test_no_members_no_provinces_and_one_province_with_everyone_is_one():
    assert P.expected_reached(np.zeros(38)) == 0.0
    c = np.zeros(38)
    c[11] = 500
    for scale in (0.01, 1.0, 30.0):
        assert P.expected_reached(c, scale) == pytest.approx(1.0)


@settings(max_examples=50, deadline=None)
@given(counts=st.lists(st.integers(0, 3_000), min_size=1, max_size=38).filter(lambda c: sum(c) > 0))
def test_one_to_one_it_is_the_count_of_provinces_with_a_member(counts):
    assert P.expected_reached(counts, 1.0) == np.count_nonzero(counts)


def test_rarefaction_by_hand():
    # members a, a, b: pairs aa, ab, ab reach 1, 2, 2 provinces: 5/3
    assert P.expected_reached([2, 1], 2 / 3) == pytest.approx(5 / 3)
    # one member of two: always one province
    assert P.expected_reached([1, 1], 0.5) == pytest.approx(1.0)


@pytest.mark.parametrize("size,members", [(1_000, 200), (200, 200), (300, 50)])
def test_rarefaction_is_unbiased_at_any_simulated_size(size, members):
    """Simulated members drawn with shares pi: the mean estimate is sum 1 - (1 - pi)^M, whatever their number."""
    pi = np.array([500, 300, 120, 50, 20, 6, 3, 1, 0.5]) / 1000.5
    rng = np.random.default_rng(1)
    est = np.array([P.expected_reached(rng.multinomial(size, pi), members / size) for _ in range(3_000)])
    assert abs(est.mean() - _truth(pi, members)) < 5 * est.std() / np.sqrt(est.size)


def test_extrapolation_adds_provinces_not_yet_seen_up_to_the_known_number():
    c = np.array([300, 100, 20, 2, 1, 1, 0, 0, 0])
    s_obs = np.count_nonzero(c)
    e2, e4 = P.expected_reached(c, 2.0), P.expected_reached(c, 4.0)
    assert s_obs < e2 < e4 <= len(c)
    # Chao et al. 2014 eq. 9 with f1 = 2, f2 = 1
    total, f1, f2 = c.sum(), 2, 1
    f0 = (total - 1) / total * f1**2 / (2 * f2)
    assert e2 == pytest.approx(s_obs + f0 * (1 - (1 - f1 / (total * f0 + f1)) ** total))
    # the provinces known to exist bound what it may add
    assert P.expected_reached(c, 1e6, n_provinces=7) == pytest.approx(7.0)
    # nobody seen once: nothing unseen is inferred
    assert P.expected_reached([50, 20, 5, 0], 3.0) == 3.0


def test_extrapolation_recovers_most_of_the_provinces_a_small_sample_misses():
    """Twenty equal provinces, 40 simulated members for 80 real ones: Chao's estimate is near the truth.

    Chao1 is a lower bound when many provinces are unseen, so the estimate is a little low, but far closer
    than the provinces seen.
    """
    pi = np.full(20, 1 / 20)
    rng = np.random.default_rng(2)
    samples = rng.multinomial(40, pi, size=2_000)
    est = np.array([P.expected_reached(c, 2.0) for c in samples])
    seen = np.count_nonzero(samples, axis=1)
    truth = _truth(pi, 80)
    assert abs(est.mean() - truth) < 1.0 and est.mean() > seen.mean() + 1.0
    assert est.mean() <= truth


@settings(max_examples=50, deadline=None)
@given(
    counts=st.lists(st.integers(0, 2_000), min_size=1, max_size=38).filter(lambda c: sum(c) > 0),
    scale=st.floats(0.001, 100),
)
def test_estimator_is_bounded_and_grows_with_the_real_members(counts, scale):
    c = np.array(counts, dtype=float)
    e = P.expected_reached(c, scale)
    assert 0 < e <= len(c) + 1e-9
    if scale * c.sum() >= 1:  # at least one real member: at least one province
        assert e >= 1 - 1e-9
    if scale <= 1:
        assert e <= np.count_nonzero(c) + 1e-9
    assert P.expected_reached(c, scale * 1.5) >= e - 1e-9


def test_bad_scale_or_counts_are_rejected():
    with pytest.raises(ValueError):
        P.expected_reached([1, 2], 0.0)
    with pytest.raises(ValueError):
        P.expected_reached([1, -2], 1.0)


def test_in_a_run_the_estimate_one_to_one_is_the_provinces_with_members():
    m = CommunityModel(rng=3, n_mothers=6_000, end="2021-12").run()
    counts = m.prov_members
    assert counts.sum() > 0
    assert P.expected_reached(counts, 1.0) == np.count_nonzero(counts) == m.summary()["provinces"]
    # IPM's 15,000 members from this small run's shares: more provinces, at most 38
    assert np.count_nonzero(counts) <= P.expected_reached(counts, 15_000 / counts.sum(), 38) <= 38
