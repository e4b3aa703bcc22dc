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
def test_no_members_no_provinces_and_one_province_with_everyone_is_one():
    assert P.expected_reached(np.zeros(38)) == 0.0
    c = np.zeros(38)
    c[11] = 500
    assert P.expected_reached(c) == pytest.approx(1.0)


def test_one_member_is_one_province_and_two_members_in_two_provinces_give_the_multinomial_value():
    assert P.expected_reached([0, 1, 0]) == pytest.approx(1.0)
    # two members, shares 1/2 and 1/2: both provinces reached unless both members fall in one: 2 * (1 - 1/4)
    assert P.expected_reached([1, 1]) == pytest.approx(1.5)


def test_estimator_is_the_expected_count_of_a_multinomial_draw():
    """The sum of 1 - (1 - pi)^M is E[provinces with a member] when M members fall independently with shares pi."""
    counts = np.array([500, 300, 120, 50, 20, 6, 3, 1, 0])
    pi = counts / counts.sum()
    rng = np.random.default_rng(0)
    draws = rng.multinomial(200, pi, size=20_000)  # M = 200 real members: scale 200 / 1000
    observed = (draws > 0).sum(axis=1)
    est = P.expected_reached(counts, 200 / counts.sum())
    assert abs(observed.mean() - est) < 5 * observed.std() / np.sqrt(draws.shape[0])


@settings(max_examples=50, deadline=None)
@given(
    counts=st.lists(st.integers(0, 2_000), min_size=1, max_size=38).filter(lambda c: sum(c) > 0),
    k=st.integers(2, 50),
    scale=st.floats(0.01, 100),
)
def test_estimator_is_scale_free_bounded_and_monotone(counts, k, scale):
    c = np.array(counts, dtype=float)
    e = P.expected_reached(c, scale)
    # k times the simulated members, each standing for 1/k as many real ones: the same figure
    assert P.expected_reached(k * c, scale / k) == pytest.approx(e, rel=1e-9, abs=1e-9)
    # at most the provinces with a simulated member; more real members reach more provinces
    assert 0 < e <= np.count_nonzero(c) + 1e-9
    assert P.expected_reached(c, scale * 2) >= e - 1e-9


def test_with_many_real_members_every_province_with_a_share_counts():
    c = np.array([10_000, 10, 1, 0])
    assert P.expected_reached(c, 1e6) == pytest.approx(3.0)
    # one to one (scale 1): each province counts 1 - (1 - c/C)^C, ~1 - 1/e for a single simulated member
    total = 10_011
    expected = sum(1 - (1 - c / total) ** total for c in (10_000, 10, 1))
    assert P.expected_reached([10_000, 10, 1], 1.0) == pytest.approx(expected, rel=1e-9)
    assert 1 - (1 - 1 / total) ** total == pytest.approx(1 - np.exp(-1), rel=1e-4)


def test_bad_scale_or_counts_are_rejected():
    with pytest.raises(ValueError):
        P.expected_reached([1, 2], 0.0)
    with pytest.raises(ValueError):
        P.expected_reached([1, -2], 1.0)


def test_in_a_run_the_estimate_tracks_the_provinces_with_members():
    m = CommunityModel(rng=3, n_mothers=6_000, end="2021-12").run()
    counts = m.prov_members
    assert counts.sum() > 0
    est = P.expected_reached(counts, 1.0)
    reached = np.count_nonzero(counts)
    # smoothing only: each province with a member counts 1 - (1 - c/C)^C, between ~0.63 and 1
    assert (1 - np.exp(-1)) * reached - 1e-9 <= est <= reached + 1e-9
