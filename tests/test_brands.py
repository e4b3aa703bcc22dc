"""Brands (model/brands.py): campaigns pay momfluencers per post by follower tier; samples come first."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ibusim.model import CommunityModel, brands
from ibusim.model.parameters import PARAMS

RATES = {k: PARAMS[k].default for k in PARAMS if k.startswith("rate_")}
# the IbuSibuk preset has brands and trains content creators; to the end of 2023 it trains ~70
ECONOMY = dict(preset="ibusibuk", end="2023-12")
# brands only: no income from referrals along community ties (model/interaction.py) in the runs that count
# every Rp of ``model.income`` as a brand's (IbuSibuk has no other Jika Ibu Menjadi track, model/work.py)
BRANDS_ONLY = dict(referral_rate=0.0)


# ------------------------------------------------------------------ pay per post by tier
def test_rate_tier_boundaries():
    p = RATES
    f = np.array([0, 1, 999.999, 1e3, 1e4, 1e5, 1e6, 5e6])
    r = brands.rate(p, f)
    assert r[0] == r[1] == r[2] == p["rate_nano"]  # under 1k followers
    assert r[3] == pytest.approx(p["rate_micro_low"])  # 1k: bottom of micro
    assert r[4] == pytest.approx(p["rate_mid_low"])  # 10k: bottom of mid
    assert r[5] == pytest.approx(p["rate_macro_low"])  # 100k: bottom of macro
    assert r[6] == r[7] == p["rate_macro_high"]  # 1M and above


def test_rate_interpolates_on_log_followers_within_a_tier():
    p = RATES
    mid_micro = 10**3.5  # halfway between 1k and 10k on the log scale
    assert brands.rate(p, np.array([mid_micro]))[0] == pytest.approx((p["rate_micro_low"] + p["rate_micro_high"]) / 2)
    assert brands.rate(p, np.array([10**4.25]))[0] == pytest.approx(
        p["rate_mid_low"] + 0.25 * (p["rate_mid_high"] - p["rate_mid_low"])
    )
    # just below a tier's top approaches its high rate
    assert brands.rate(p, np.array([9_999.0]))[0] == pytest.approx(p["rate_micro_high"], rel=1e-3)
    assert brands.rate(p, np.array([999_999.0]))[0] == pytest.approx(p["rate_macro_high"], rel=1e-3)


def test_rate_with_custom_tiers():
    p = dict(
        rate_nano=10.0,
        rate_micro_low=100.0,
        rate_micro_high=200.0,
        rate_mid_low=300.0,
        rate_mid_high=400.0,
        rate_macro_low=500.0,
        rate_macro_high=600.0,
    )
    np.testing.assert_allclose(
        brands.rate(p, np.array([500, 1e3, 10**3.5, 1e4, 1e5, 2e6])), [10, 100, 150, 300, 500, 600]
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1e8, allow_nan=False), min_size=2, max_size=50))
def test_rate_is_monotone_in_followers_and_never_negative(followers):
    f = np.sort(np.array(followers))
    r = brands.rate(RATES, f)
    assert (r >= 0).all()
    assert (np.diff(r) >= -1e-6).all()
    assert r.shape == f.shape


# ------------------------------------------------------------------ one brand, controlled campaigns
class Campaigns:
    """A random generator that runs exactly ``k`` campaigns per brand and week (otherwise numpy's)."""

    def __init__(self, k: int, seed: int = 0):
        self.k, self.rng = k, np.random.default_rng(seed)

    def poisson(self, lam, size=None):
        return self.k

    def __getattr__(self, name):
        return getattr(self.rng, name)


def economy(n_creators=5, followers=5_000.0, engagement=0.05, **params):
    """A fresh model (not stepped) with one brand and hand-made momfluencers."""
    kw = dict(n_mothers=500, n_brands=1, brand_min_engagement=0.02) | params
    m = CommunityModel(rng=1, **kw)
    who = np.arange(10, 10 + n_creators)
    m.creator[who] = True
    m.add_creators(who)
    m.momfluencer[who] = True
    m.mf_followers[who] = followers
    m.mf_engagement[who] = engagement
    return m, who


def test_product_sample_first_a_single_campaign_pays_nobody_new():
    m, who = economy(creators_per_campaign=10)
    brand = m.brands[0]
    out = brands.step(m, Campaigns(1))
    assert out["campaigns"] == 1 and out["samples"] == who.size
    assert out["paid_posts"] == 0 and out["income"] == 0.0
    assert brand.sampled == set(who.tolist()) and brand.spent == 0.0
    assert (m.income == 0).all()
    # the next campaign pays the sampled momfluencers, by tier
    out = brands.step(m, Campaigns(1))
    assert out["samples"] == 0 and out["paid_posts"] == who.size
    price = brands.rate(m.p, np.array([5_000.0]))[0]
    np.testing.assert_allclose(m.income[who], price)
    assert out["income"] == pytest.approx(who.size * price) == brand.spent


def test_a_new_brand_samples_before_it_pays():
    """Each brand keeps its own sample list: a second brand's first post with a creator is unpaid too."""
    m, who = economy(n_brands=2, creators_per_campaign=10)
    out = brands.step(m, Campaigns(1))
    assert out["samples"] == 2 * who.size and out["paid_posts"] == 0
    assert all(b.sampled == set(who.tolist()) for b in m.brands)


def test_without_samples_the_first_campaign_pays():
    m, who = economy(product_sample_first=False, creators_per_campaign=10)
    out = brands.step(m, Campaigns(1))
    assert out["samples"] == 0 and out["paid_posts"] == who.size
    assert (m.income[who] > 0).all() and not m.brands[0].sampled


def test_posts_per_campaign_and_budget_limit_the_paid_posts():
    price = brands.rate(RATES, np.array([5_000.0]))[0]
    # a campaign budget for two and a half posts pays two
    m, who = economy(
        n_creators=6,
        product_sample_first=False,
        creators_per_campaign=10,
        brand_budget=2.5 * price,
        campaigns_per_month=1.0,
    )
    out = brands.step(m, Campaigns(1))
    assert out["paid_posts"] == 2 and m.brands[0].spent == pytest.approx(2 * price)
    assert m.brands[0].spent <= m.brands[0].budget
    # at most creators_per_campaign posts (paid or sampled) per campaign
    m, who = economy(n_creators=6, creators_per_campaign=4)
    out = brands.step(m, Campaigns(1))
    assert out["samples"] == 4 and out["paid_posts"] == 0
    out = brands.step(m, Campaigns(1))
    assert out["samples"] + out["paid_posts"] == 4


def test_brands_pass_over_low_engagement_and_stopped_momfluencers():
    m, who = economy(n_creators=4, creators_per_campaign=10, product_sample_first=False)
    m.mf_engagement[who[0]] = 0.01  # below brand_min_engagement
    m.momfluencer[who[1]] = False  # stopped
    brands.step(m, Campaigns(1))
    assert m.income[who[0]] == 0 and m.income[who[1]] == 0
    assert (m.income[who[2:]] > 0).all()


def test_nano_accounts_are_not_paid_by_default():
    m, who = economy(followers=500.0, creators_per_campaign=10)
    for _ in range(3):
        out = brands.step(m, Campaigns(1))
        assert out["paid_posts"] == 0
    assert (m.income == 0).all() and m.brands[0].sampled == set(who.tolist())


def test_campaign_count_follows_campaigns_per_month():
    m, _ = economy(n_brands=20, campaigns_per_month=2.0)
    rng = np.random.default_rng(5)
    weeks = 200
    total = sum(brands.step(m, rng)["campaigns"] for _ in range(weeks))
    expected = 20 * weeks * 2.0 * 12 / 52
    assert abs(total - expected) < 5 * np.sqrt(expected)
    assert sum(b.campaigns for b in m.brands) == total


# ------------------------------------------------------------------ budgets in whole runs
def test_zero_budget_zero_income_even_with_many_brands():
    m = CommunityModel(rng=1, n_brands=50, brand_budget=0.0, **BRANDS_ONLY, **ECONOMY).run()
    df, s = m.dataframe(), m.summary()
    assert s["creators"] > 0 and s["campaigns"] > 0  # there were momfluencers and campaigns
    assert df["new_samples"].sum() > 0  # products were still sent
    assert df["cum_income"].iloc[-1] == 0 and s["total_income"] == 0 and s["paid_posts"] == 0
    assert (m.income == 0).all()
    assert all(b.spent == 0 for b in m.brands)


@pytest.fixture(scope="module")
def budget_pairs():
    """Total income with brand_budget 1M and 2M Rp/month, seeds 1-6 (the budget binds at 1M)."""
    out = []
    for seed in range(1, 7):
        one = CommunityModel(rng=seed, brand_budget=1_000_000.0, **ECONOMY).run().summary()["total_income"]
        two = CommunityModel(rng=seed, brand_budget=2_000_000.0, **ECONOMY).run().summary()["total_income"]
        out.append((one, two))
    return np.array(out)


def test_doubling_brand_budget_does_not_decrease_total_income(budget_pairs):
    """Doubling the budget does not decrease the total income (paired over the same seeds).

    Same seeds (common random numbers: the budget changes no draw, only who gets paid), so the
    comparison is paired. Statistically over the six seeds: the mean rises (observed by ~60%), and
    more than a chance pairing would give: at least five of the six pairs do not decrease.
    """
    one, two = budget_pairs[:, 0], budget_pairs[:, 1]
    assert (one > 0).all()
    assert two.mean() >= one.mean()
    assert (two >= one).sum() >= 5
    assert two.mean() > 1.2 * one.mean()  # at 1M the budget binds: doubling it pays for more posts


def test_income_never_negative_in_a_run():
    m = CommunityModel(rng=2, **BRANDS_ONLY, **ECONOMY).run()
    df = m.dataframe()
    assert (m.income >= 0).all() and (df["new_income"] >= 0).all()
    assert df["cum_income"].is_monotonic_increasing
    assert m.summary()["total_income"] == pytest.approx(m.income.sum())
    assert sum(b.spent for b in m.brands) == pytest.approx(m.income.sum())
    assert m.summary()["paid_posts"] == df["new_paid_posts"].sum() > 0
    # only momfluencers are ever paid
    assert (m.income[~m.creator] == 0).all()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    budget=st.floats(0, 2e7),
    lo=st.floats(0, 1e6),
    span=st.floats(0, 1e6),
    sample=st.booleans(),
    cpm=st.floats(0, 5),
    seed=st.integers(0, 2**16),
)
def test_income_never_negative_for_any_rates(budget, lo, span, sample, cpm, seed):
    rates = dict(
        rate_nano=lo / 10,
        rate_micro_low=lo,
        rate_micro_high=lo + span,
        rate_mid_low=lo + span,
        rate_mid_high=lo + 2 * span,
        rate_macro_low=lo + 2 * span,
        rate_macro_high=lo + 3 * span,
    )
    m = CommunityModel(
        rng=seed,
        brand_budget=budget,
        product_sample_first=sample,
        campaigns_per_month=cpm,
        preset="ibusibuk",
        end="2022-12",
        **rates,
    ).run()
    assert (m.income >= 0).all()
    assert (m.dataframe()["new_income"] >= 0).all()
    for b in m.brands:
        assert 0 <= b.spent


# ------------------------------------------------------------------ the vectorised walk equals the rule's walk
def walk_one_by_one(appeal, price, new, budget, posts, taste) -> set[tuple[int, int]]:
    """The rule as written: rank by appeal x taste, walk down, sample the new, pay what the budget left affords."""
    out = set()
    for i in range(new.shape[0]):
        left, made = budget[i], 0
        for j in np.argsort(-(appeal * taste[i]), kind="stable").tolist():
            if made >= posts:
                break
            if new[i, j]:
                out.add((i, j))
                made += 1
            elif 0 < price[j] <= left:
                left -= price[j]
                out.add((i, j))
                made += 1
    return out


@settings(max_examples=80, deadline=None)
@given(
    pool=st.integers(1, 30),
    campaigns=st.integers(1, 6),
    posts=st.integers(1, 40),
    budget=st.floats(0, 5e6),
    sample_share=st.floats(0, 1),
    seed=st.integers(0, 2**16),
)
def test_vectorised_campaigns_post_exactly_as_the_walk_down_the_ranking(
    pool, campaigns, posts, budget, sample_share, seed
):
    """Same taste noise, same posts: the campaigns done at once and in blocks equal the one-by-one walk."""
    r = np.random.default_rng(seed)
    appeal = r.uniform(0.01, 1.0, pool)
    price = np.where(r.random(pool) < 0.2, 0.0, r.uniform(5e4, 3e6, pool))  # some nano accounts (unpaid)
    new = r.random((campaigns, pool)) < sample_share
    budgets = np.full(campaigns, budget)
    taste = np.exp(brands.TASTE_SPREAD * np.random.default_rng(seed).standard_normal((campaigns, pool)))
    row, col = brands._campaigns(appeal, price, new, budgets, posts, np.random.default_rng(seed))
    assert set(zip(row.tolist(), col.tolist())) == walk_one_by_one(appeal, price, new, budgets, posts, taste)
    assert row.size == len(set(zip(row.tolist(), col.tolist())))  # one post per momfluencer and campaign
    assert (np.bincount(row, minlength=campaigns) <= posts).all()
    spent = np.bincount(row, weights=np.where(new[row, col], 0.0, price[col]), minlength=campaigns)
    assert (spent <= budgets + 1e-6).all()


def test_brands_at_their_maxima_post_once_per_creator_and_campaign():
    """Many brands, campaigns, posts and a budget that never binds: every campaign reaches the whole pool.

    The first campaign of each brand samples everyone; its later campaigns (the same week) pay everyone.
    """
    m, who = economy(n_creators=40, n_brands=300, creators_per_campaign=10_000, brand_budget=1e12)
    m.mf_followers[who] = np.geomspace(2e3, 5e5, who.size)
    out = brands.step(m, Campaigns(4))
    assert out["campaigns"] == 1_200
    # every brand samples all 40 in its first campaign, then pays all 40 in each of its three others
    assert out["samples"] == 300 * 40 and out["paid_posts"] == 300 * 3 * 40
    assert all(b.sampled == set(who.tolist()) for b in m.brands)
    assert m._brand_sampled.sum() == 300 * 40


# ------------------------------------------------------- IbuSibuk's elements (000): differentiation, mixed media
def _chosen(differentiation: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One campaign choosing 10 of 200 momfluencers with spread engagement and followers; return who posted."""
    m, who = economy(
        n_creators=200,
        creators_per_campaign=10,
        product_sample_first=False,
        brand_budget=1e9,
        differentiation=differentiation,
    )
    r = np.random.default_rng(seed)
    m.mf_engagement[who] = r.uniform(0.03, 0.12, who.size)
    m.mf_followers[who] = 10 ** r.uniform(3.0, 5.0, who.size)
    brands.step(m, Campaigns(1, seed))
    paid = who[m.income[who] > 0]
    return paid, m.mf_engagement[paid], m.mf_followers[paid]


def test_appeal_at_zero_differentiation_is_engagement_times_log_followers():
    e, f = np.array([0.02, 0.05, 0.1]), np.array([1e3, 2e4, 5e5])
    np.testing.assert_array_equal(brands._appeal(e, f, 0.0), e * np.log10(1 + f))
    np.testing.assert_allclose(brands._appeal(e, f, 1.0), e**2)  # engagement only
    np.testing.assert_allclose(brands._appeal(e, f, -1.0), np.log10(1 + f) ** 2)  # followers only


def test_differentiation_makes_brands_choose_by_engagement_over_followers():
    eng = {d: [] for d in (-1.0, 0.0, 1.0)}
    fol = {d: [] for d in (-1.0, 0.0, 1.0)}
    for seed in range(5):
        for d in eng:
            paid, e, f = _chosen(d, seed)
            assert paid.size == 10
            eng[d].append(e.mean())
            fol[d].append(np.log10(f).mean())
    assert np.mean(eng[1.0]) > np.mean(eng[0.0]) > np.mean(eng[-1.0])
    assert np.mean(fol[-1.0]) > np.mean(fol[0.0]) > np.mean(fol[1.0])


def test_mixed_media_bundles_pay_more_per_post():
    for share in (0.0, 0.5, 1.0):
        m, who = economy(creators_per_campaign=10, product_sample_first=False, mixed_media=share)
        out = brands.step(m, Campaigns(1))
        price = brands.rate(m.p, np.array([5_000.0]))[0] * (1 + share * (brands.MIXED_MEDIA_PAY - 1))
        assert out["paid_posts"] == who.size
        np.testing.assert_allclose(m.income[who], price)


def test_mixed_media_within_the_same_budget_buys_fewer_posts():
    price = brands.rate(RATES, np.array([5_000.0]))[0]
    kw = dict(n_creators=6, product_sample_first=False, creators_per_campaign=10, brand_budget=3 * price)
    m, _ = economy(**kw)
    assert brands.step(m, Campaigns(1))["paid_posts"] == 3
    m, _ = economy(mixed_media=1.0, **kw)
    assert brands.step(m, Campaigns(1))["paid_posts"] == 2  # bundles at 1.5 times the price: two fit
