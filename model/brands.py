"""Brands: campaigns that pay momfluencers per post, by follower tier and engagement.

Rule, each week, for each :class:`model.agents.Brand` (in random order):

1. It runs ``Poisson(campaigns_per_month * 12 / 52)`` campaigns, each with a
   budget of ``brand_budget / campaigns_per_month`` Rp.
2. **Selection.** Active momfluencers with engagement at least
   ``brand_min_engagement`` are ranked by ``engagement * log10(1 + followers)``
   times a lognormal taste noise (log-sd ``TASTE_SPREAD``); the brand walks down
   the list until it has ``creators_per_campaign`` posts or no budget left.
3. **Product sample first** (``product_sample_first``): a momfluencer the brand has
   not worked with yet gets a product sample and posts unpaid (the first, unpaid
   step); later campaigns pay her.
4. **Pay per post by tier** (Rp, assumed ranges from domain.md): under 1k followers
   ``rate_nano``; 1k-10k from ``rate_micro_low`` to ``rate_micro_high``, 10k-100k
   from ``rate_mid_low`` to ``rate_mid_high``, 100k-1M from ``rate_macro_low`` to
   ``rate_macro_high``, interpolated on log10(followers) within the tier (above 1M:
   ``rate_macro_high``). A post the remaining budget cannot pay is skipped.

Income is recorded per momfluencer (model/momfluencers.py) and never negative.
Work is a Python loop over brands and the few posts of each campaign, never over
mothers.

Parameters read: n_brands, brand_budget, campaigns_per_month, brand_min_engagement,
product_sample_first, creators_per_campaign, rate_nano, rate_micro_low/high,
rate_mid_low/high, rate_macro_low/high.
"""

from __future__ import annotations

import numpy as np

from . import momfluencers

TASTE_SPREAD = 0.5  # assumed: brands differ in whom they like (log-sd of the ranking noise)
TIERS = ((1e3, 1e4, "micro"), (1e4, 1e5, "mid"), (1e5, 1e6, "macro"))


def rate(p: dict, followers: np.ndarray) -> np.ndarray:
    """Pay per post (Rp) for accounts with ``followers``."""
    f = np.asarray(followers, dtype=float)
    out = np.full(f.shape, p["rate_nano"])
    for lo, hi, name in TIERS:
        inside = (f >= lo) & (f < hi)
        x = (np.log10(np.maximum(f[inside], lo)) - np.log10(lo)) / (np.log10(hi) - np.log10(lo))
        out[inside] = p[f"rate_{name}_low"] + x * (p[f"rate_{name}_high"] - p[f"rate_{name}_low"])
    out[f >= 1e6] = p["rate_macro_high"]
    return out


def step(model, rng: np.random.Generator) -> dict[str, float]:
    """Run this week's campaigns; return counts and the income paid."""
    p = model.p
    out = {"campaigns": 0, "paid_posts": 0, "samples": 0, "income": 0.0}
    if not model.brands or p["campaigns_per_month"] == 0 or p["creators_per_campaign"] == 0:
        return out
    creators = model.creator_idx()
    pool = creators[model.momfluencer[creators] & (model.mf_engagement[creators] >= p["brand_min_engagement"])]
    paid_who, paid_amount = [], []
    for k in rng.permutation(len(model.brands)):
        brand = model.brands[k]
        for _ in range(rng.poisson(p["campaigns_per_month"] * 12 / 52)):
            out["campaigns"] += 1
            brand.campaigns += 1
            if pool.size == 0:
                continue
            budget = brand.budget / p["campaigns_per_month"]
            taste = np.exp(TASTE_SPREAD * rng.standard_normal(pool.size))
            order = pool[np.argsort(-(model.mf_engagement[pool] * np.log10(1 + model.mf_followers[pool]) * taste))]
            price = rate(p, model.mf_followers[order])
            posts = 0
            for i, cost in zip(order.tolist(), price.tolist()):
                if posts >= p["creators_per_campaign"]:
                    break
                if p["product_sample_first"] and i not in brand.sampled:
                    brand.sampled.add(i)
                    out["samples"] += 1
                    posts += 1
                elif 0 < cost <= budget:
                    budget -= cost
                    brand.spent += cost
                    paid_who.append(i)
                    paid_amount.append(cost)
                    posts += 1
    if paid_who:
        who, amount = np.array(paid_who, np.int64), np.array(paid_amount)
        momfluencers.record_income(model, who, amount)
        out["paid_posts"] = who.size
        out["income"] = float(amount.sum())
    return out
