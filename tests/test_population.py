"""Population (model/population.py): provinces and the traits of the reachable mothers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ibusim.model import CommunityModel
from ibusim.model.parameters import validate
from ibusim.model.population import (
    BETA_CONCENTRATION,
    LEFT_AFTER_MARRIAGE,
    LONG_DISTANCE,
    MIGRATED,
    N_PROVINCES,
    PROVINCES,
    make_population,
    province_weights,
    reach_weights,
)
from ibusim.model.provinces import BY_NAME

REMOTE = [i for i, (_, _, region) in enumerate(PROVINCES) if region == "Maluku-Papua"]
N = 50_000


def population(seed=0, **params):
    return make_population(validate({"n_mothers": N, **params}), np.random.default_rng(seed))


@pytest.fixture(scope="module")
def pop():
    return population()


# ------------------------------------------------------------------ provinces
def test_38_provinces_8_of_them_in_maluku_papua():
    assert N_PROVINCES == len(PROVINCES) == 38
    assert len(REMOTE) == 8
    assert len({name for name, _, _ in PROVINCES}) == 38


@pytest.mark.parametrize("remote", [0.0, 0.004, 0.5, 1.0])
def test_province_weights_sum_to_one(remote):
    w = province_weights(remote)
    assert w.shape == (38,)
    assert (w >= 0).all() and w.sum() == pytest.approx(1.0)


def test_province_weights_follow_population_times_reach():
    w = province_weights(1.0)
    pop = np.array([p for _, p, _ in PROVINCES])
    jawa_barat, dki = 11, 10
    assert w[jawa_barat] / w[dki] == pytest.approx(pop[jawa_barat] / pop[dki])
    # Sumatra's reach is 0.7 of Java-Bali's
    aceh = 0
    assert (w[aceh] / pop[aceh]) / (w[dki] / pop[dki]) == pytest.approx(0.7)
    # remote weights scale with remote_reach
    assert province_weights(0.5)[REMOTE].sum() < w[REMOTE].sum()


def test_no_remote_reach_nobody_in_maluku_papua():
    assert (province_weights(0.0)[REMOTE] == 0).all()
    p = population(province_reach="regions", remote_reach=0.0)
    assert not np.isin(p["prov"], REMOTE).any()
    assert np.unique(p["prov"]).size == 30


def test_remote_reach_one_puts_mothers_in_every_province():
    p = population(province_reach="regions", remote_reach=1.0)
    counts = np.bincount(p["prov"], minlength=38)
    assert (counts > 0).all()
    expected = N * province_weights(1.0)
    assert np.all(np.abs(counts - expected) < 5 * np.sqrt(expected) + 1)


def test_no_remote_reach_in_a_whole_run_reaches_at_most_30_provinces():
    m = CommunityModel(rng=1, province_reach="regions", remote_reach=0.0, n_mothers=20_000, end="2022-12").run()
    assert m.summary()["provinces"] <= 30
    assert not np.isin(m.pop["prov"], REMOTE).any()


def test_regions_is_version_0_2s_draw():
    """province_reach = "regions" draws the province counts exactly as version 0.2 did (same weights, same draw)."""
    p = validate({"n_mothers": N, "province_reach": "regions", "remote_reach": 0.3})
    np.testing.assert_array_equal(reach_weights(p), province_weights(0.3))
    counts = np.random.default_rng(5).multinomial(N, province_weights(0.3))
    got = make_population(p, np.random.default_rng(5))["prov"]
    np.testing.assert_array_equal(got, np.repeat(np.arange(38, dtype=np.int8), counts))


def test_internet_reach_follows_women_on_the_internet_and_ignores_remote_reach():
    p = validate({"n_mothers": N})
    assert p["province_reach"] == "internet"
    w = reach_weights(p)
    online = np.array([BY_NAME[name].women_registry * BY_NAME[name].internet for name, _, _ in PROVINCES])
    np.testing.assert_allclose(w, online / online.sum(), rtol=1e-12)
    # remote_reach is not read by the data model
    a = make_population(p, np.random.default_rng(2))["prov"]
    b = make_population(validate({"n_mothers": N, "remote_reach": 0.0}), np.random.default_rng(2))["prov"]
    np.testing.assert_array_equal(a, b)
    # every province gets mothers, about in proportion (multinomial: within 5 sd)
    counts = np.bincount(a, minlength=38)
    expected = N * w
    assert (counts > 0).all()
    assert np.all(np.abs(counts - expected) < 5 * np.sqrt(expected * (1 - w)) + 1)


@pytest.mark.parametrize("choice,value", [("province_population", "bps"), ("province_internet", "bps_2023")])
def test_the_data_choices_change_the_spread(choice, value):
    base = validate({"n_mothers": N})
    other = validate({"n_mothers": N, choice: value})
    assert not np.allclose(reach_weights(base), reach_weights(other))
    assert reach_weights(other).sum() == pytest.approx(1.0) and (reach_weights(other) > 0).all()


def test_mothers_are_sorted_by_province(pop):
    assert (np.diff(pop["prov"].astype(int)) >= 0).all()


# ------------------------------------------------------------------ traits
@pytest.mark.parametrize(
    "trait,param",
    [
        ("family", "family_support_mean"),
        ("stigma", "stigma_mean"),
        ("free_time", "free_time_mean"),
        ("digital", "digital_literacy_mean"),
    ],
)
def test_trait_means_match_the_declared_means(pop, trait, param):
    mean = validate({})[param]
    x = pop[trait].astype(float)
    sd = math.sqrt(mean * (1 - mean) / (BETA_CONCENTRATION + 1))  # Beta(a, b) with a + b = 6
    assert abs(x.mean() - mean) < 5 * sd / math.sqrt(N)
    assert x.std() == pytest.approx(sd, rel=0.05)
    assert x.min() >= 0 and x.max() <= 1


@pytest.mark.parametrize("mean", [0.05, 0.3, 0.9])
def test_trait_means_follow_the_parameter(mean):
    p = population(family_support_mean=mean, stigma_mean=mean)
    assert p["family"].mean() == pytest.approx(mean, abs=0.01)
    assert p["stigma"].mean() == pytest.approx(mean, abs=0.01)


def test_budget_is_lognormal_with_median_and_cap():
    p = population(wtp_median=200_000.0, wtp_sigma=0.9, wtp_max=3_000_000.0)
    assert np.median(p["wtp"]) == pytest.approx(200_000.0, rel=0.03)
    assert p["wtp"].max() <= 3_000_000.0 and (p["wtp"] > 0).all()
    logs = np.log(p["wtp"][p["wtp"] < 3_000_000.0])
    assert np.std(np.log(p["wtp"])) == pytest.approx(0.9, rel=0.05)
    assert logs.size > 0.99 * N
    capped = population(wtp_median=200_000.0, wtp_max=100_000.0)
    assert (capped["wtp"] <= 100_000.0).all() and (capped["wtp"] == 100_000.0).mean() > 0.7
    flat = population(wtp_median=123_000.0, wtp_sigma=0.0)
    assert (flat["wtp"] == 123_000.0).all()


def test_occupation_shares(pop):
    p = validate({})
    occ = pop["occupation"]
    for code, share in (
        (LONG_DISTANCE, p["share_long_distance"]),
        (MIGRATED, p["share_migrated"]),
        (LEFT_AFTER_MARRIAGE, 1 - p["share_long_distance"] - p["share_migrated"]),
    ):
        assert abs((occ == code).mean() - share) < 5 * math.sqrt(share * (1 - share) / N), code


def test_motivation_is_higher_after_ldm_or_migration():
    p = population(isolation_motivation=2.5)
    isolated = p["occupation"] != LEFT_AFTER_MARRIAGE
    assert (p["motivation"][isolated] == 2.5).all() and (p["motivation"][~isolated] == 1.0).all()


def test_barrier_is_the_weighted_mean_of_the_three_obstacles():
    p = population(weight_environment=0.6, weight_family=0.3, weight_time=0.3, barrier_strength=1.5)
    raw = (0.6 * p["stigma"] + 0.3 * (1 - p["family"]) + 0.3 * (1 - p["free_time"])) / 1.2
    np.testing.assert_allclose(p["barrier"], np.minimum(1.0, 1.5 * raw), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(p["digital_reach"], 1 - np.minimum(1.0, 1.5 * (1 - p["digital"])), rtol=1e-5, atol=1e-6)


def test_no_barrier_strength_no_barriers_and_full_digital_reach():
    p = population(barrier_strength=0.0)
    assert (p["barrier"] == 0).all()
    assert (p["digital_reach"] == 1).all()


def test_same_generator_seed_same_population():
    a, b = population(seed=7), population(seed=7)
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    c = population(seed=8)
    assert not np.array_equal(a["family"], c["family"])


@settings(max_examples=25, deadline=None)
@given(
    family=st.floats(0.01, 0.99),
    stigma=st.floats(0.01, 0.99),
    free_time=st.floats(0.01, 0.99),
    digital=st.floats(0.01, 0.99),
    strength=st.floats(0, 3),
    we=st.floats(0, 1),
    wf=st.floats(0, 1),
    wt=st.floats(0.01, 1),
    remote=st.floats(0, 1),
    n=st.integers(100, 3000),
    seed=st.integers(0, 2**32 - 1),
)
def test_traits_stay_in_range_for_any_parameters(
    family, stigma, free_time, digital, strength, we, wf, wt, remote, n, seed
):
    p = make_population(
        validate(
            dict(
                n_mothers=n,
                family_support_mean=family,
                stigma_mean=stigma,
                free_time_mean=free_time,
                digital_literacy_mean=digital,
                barrier_strength=strength,
                weight_environment=we,
                weight_family=wf,
                weight_time=wt,
                remote_reach=remote,
                province_reach="regions",
            )
        ),
        np.random.default_rng(seed),
    )
    for k, v in p.items():
        assert v.shape == (n,), k
        assert np.isfinite(v.astype(float)).all(), k
    for k in ("family", "stigma", "free_time", "digital", "barrier", "digital_reach"):
        assert p[k].min() >= 0 and p[k].max() <= 1, k
    assert ((p["prov"] >= 0) & (p["prov"] < 38)).all()
    if remote == 0:
        assert not np.isin(p["prov"], REMOTE).any()


# ------------------------------------------------------------------ the order of the obstacles (issue 10)
@pytest.mark.parametrize("preset", ["baseline", "ipm"])
def test_family_is_the_first_obstacle(preset):
    """Family first, then environment and stigma, then time (the IPM manager in 001's interview)."""
    from ibusim.model.population import barrier_shares
    from ibusim.model.scenarios import load

    p = load(preset, n_mothers=N)
    assert p["weight_family"] > p["weight_environment"] >= p["weight_time"]
    shares = barrier_shares(p, make_population(p, np.random.default_rng(3)))
    assert sum(shares.values()) == pytest.approx(1.0)
    assert shares["family"] > shares["environment"] > shares["time"], shares


def test_barrier_shares_follow_the_weights(pop):
    from ibusim.model.population import barrier_shares

    only_family = validate({"weight_environment": 0.0, "weight_family": 1.0, "weight_time": 0.0})
    assert barrier_shares(only_family, pop) == {"environment": 0.0, "family": 1.0, "time": 0.0}
    p = validate({})
    s = barrier_shares(p, pop)
    env = p["weight_environment"] * pop["stigma"].mean()
    fam = p["weight_family"] * (1 - pop["family"]).mean()
    tim = p["weight_time"] * (1 - pop["free_time"]).mean()
    assert s["family"] == pytest.approx(fam / (env + fam + tim), rel=1e-4)
