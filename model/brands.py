"""Brands: campaigns that pay momfluencers per post, by follower tier and engagement.

Rule, each week, for each :class:`model.agents.Brand` (brands are independent of one another):

1. It runs ``Poisson(campaigns_per_month * 12 / 52)`` campaigns, each with a
   budget of ``brand_budget / campaigns_per_month`` Rp.
2. **Selection** (IbuSibuk's "differentiation", 000). Active momfluencers with
   engagement at least ``brand_min_engagement`` are ranked by ``engagement^(1 + d) *
   log10(1 + followers)^(1 - d)``, ``d = differentiation`` (0: both weigh the same,
   1: engagement only, -1: followers only), times a lognormal taste noise (log-sd
   ``TASTE_SPREAD``); the brand walks down the list until it has
   ``creators_per_campaign`` posts or no budget left.
3. **Product sample first** (``product_sample_first``; IbuSibuk's "product sample",
   000): a momfluencer the brand has not worked with yet gets a product sample and
   posts unpaid (her first campaign with the brand); later campaigns pay her.
4. **Pay per post by tier** (Rp, assumed ranges from background.md): under 1k followers
   ``rate_nano``; 1k-10k from ``rate_micro_low`` to ``rate_micro_high``, 10k-100k
   from ``rate_mid_low`` to ``rate_mid_high``, 100k-1M from ``rate_macro_low`` to
   ``rate_macro_high``, interpolated on log10(followers) within the tier (above 1M:
   ``rate_macro_high``). **Mixed media** (000): a share ``mixed_media`` of posts are
   multi-channel bundles paid ``MIXED_MEDIA_PAY`` times a single post, so a post is
   priced ``rate * (1 + mixed_media * (MIXED_MEDIA_PAY - 1))`` (its expected price:
   no draw). A post the remaining budget cannot pay is skipped.

Income is recorded per momfluencer (model/momfluencers.py) and never negative.

Cost follows the campaigns and their posts (issue 14): the r-th campaigns of all
the brands that run at least r this week are done at once (rounds, because a
brand's later campaign pays whom its earlier one sampled), vectorised over the
campaigns x the pool; each campaign takes its top ``creators_per_campaign``
candidates by one partial sort and, if their pay fits its budget, posts them all
at once; only a campaign whose budget runs out walks its ranking, in blocks (one
per skipped post). Which brand sampled whom is a brands x creators matrix on the
model (``model._brand_sampled``), mirrored in each brand's ``sampled`` set. The
posts are exactly those of walking down the ranking one momfluencer at a time
(tests/test_brands.py); the random draws differ from the earlier per-campaign
loop (same distributions), so a seed's brand figures are not those of before.

Parameters read: n_brands, brand_budget, campaigns_per_month, brand_min_engagement,
product_sample_first, creators_per_campaign, rate_nano, rate_micro_low/high,
rate_mid_low/high, rate_macro_low/high, differentiation, mixed_media.
"""

from __future__ import annotations

import numpy as np

from . import momfluencers
from .rule import Flow, Rule

TASTE_SPREAD = 0.5  # assumed: brands differ in whom they like (log-sd of the ranking noise)
MIXED_MEDIA_PAY = 1.5  # assumed: a multi-channel bundle (feed, story, short video) pays 1.5 times a single post
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
    n_brands = len(model.brands)
    runs = np.broadcast_to(rng.poisson(p["campaigns_per_month"] * 12 / 52, n_brands), (n_brands,))
    out["campaigns"] = int(runs.sum())
    if out["campaigns"] == 0:  # no campaign this week (often): nothing else to do or draw
        return out
    for brand, k in zip(model.brands, runs.tolist()):
        brand.campaigns += k
    creators = model.creator_idx()
    at = np.flatnonzero(
        model.momfluencer[creators] & (model.mf_engagement[creators] >= p["brand_min_engagement"])
    )  # the pool, as positions in the list of creators
    if at.size == 0:
        return out
    pool = creators[at]
    appeal = _appeal(model.mf_engagement[pool], model.mf_followers[pool], p["differentiation"])
    price = rate(p, model.mf_followers[pool])
    if p["mixed_media"]:
        price = price * (1.0 + p["mixed_media"] * (MIXED_MEDIA_PAY - 1.0))
    sampled = _sampled(model, creators.size)
    budget = np.array([b.budget for b in model.brands]) / p["campaigns_per_month"]
    spent = np.zeros(n_brands)
    paid_who, paid_amount = [], []
    # the r-th campaign of every brand running at least r: campaigns of different brands are independent,
    # a brand's later campaign sees the samples of its earlier ones
    for r in range(1, int(runs.max()) + 1):
        for who in _chunks(np.flatnonzero(runs >= r), at.size):
            new = ~sampled[np.ix_(who, at)] if p["product_sample_first"] else np.zeros((who.size, at.size), bool)
            row, col = _campaigns(appeal, price, new, budget[who], p["creators_per_campaign"], rng)
            is_sample = new[row, col]
            brand, mf = who[row], col
            sampled[brand[is_sample], at[mf[is_sample]]] = True
            for b, i in zip(brand[is_sample].tolist(), pool[mf[is_sample]].tolist()):
                model.brands[b].sampled.add(i)
            out["samples"] += int(is_sample.sum())
            paid = ~is_sample
            np.add.at(spent, brand[paid], price[mf[paid]])
            paid_who.append(pool[mf[paid]])
            paid_amount.append(price[mf[paid]])
    for b in np.flatnonzero(spent).tolist():
        model.brands[b].spent += float(spent[b])
    who, amount = np.concatenate(paid_who), np.concatenate(paid_amount)
    if who.size:
        momfluencers.record_income(model, who, amount)
        out["paid_posts"] = who.size
        out["income"] = float(amount.sum())
    return out


def _appeal(engagement: np.ndarray, followers: np.ndarray, d: float) -> np.ndarray:
    """A momfluencer's appeal to brands: engagement^(1 + d) * log10(1 + followers)^(1 - d)."""
    if d == 0:
        return engagement * np.log10(1 + followers)
    return engagement ** (1.0 + d) * np.log10(1 + followers) ** (1.0 - d)


_CELLS = 1 << 22  # campaigns x pool drawn at once (bounds the temporary matrices)


def _chunks(rows: np.ndarray, width: int):
    step = max(1, _CELLS // max(width, 1))
    for lo in range(0, rows.size, step):
        yield rows[lo : lo + step]


def _sampled(model, n_creators: int) -> np.ndarray:
    """Which brand has sampled which creator (brands x creators, bool), kept on the model between weeks.

    It mirrors the brands' ``sampled`` sets (both are written here only); creators
    are only ever appended, so a column stays hers, and new columns are added as
    creators are trained.
    """
    m = getattr(model, "_brand_sampled", None)
    if m is None:
        m = np.zeros((len(model.brands), 0), bool)
    if m.shape[1] < n_creators:
        m = np.pad(m, ((0, 0), (0, n_creators - m.shape[1])))
        model._brand_sampled = m
    return m


def _campaigns(
    appeal: np.ndarray, price: np.ndarray, new: np.ndarray, budget: np.ndarray, posts: int, rng
) -> tuple[np.ndarray, np.ndarray]:
    """One campaign per row of ``new`` (which pool members the row's brand has not sampled): its posts.

    Each campaign ranks the pool by ``appeal`` times its lognormal taste noise and
    walks down the ranking: a new momfluencer posts a sample (with
    ``product_sample_first``; ``new`` is all False without), another one is paid
    ``price`` if ``0 < price <=`` the budget left (otherwise skipped), until
    ``posts`` posts. Returns (row, pool position) of every post.

    Work: the ranking noise is drawn for the whole pool (the rule), the walk is
    vectorised over the campaigns: a campaign whose first ``posts`` candidates all
    fit its budget is done at once; one that runs out of budget walks its ranking
    in blocks (one per skipped post), each block costing one cumulative sum.
    """
    taste = np.exp(TASTE_SPREAD * rng.standard_normal(new.shape))
    candidate = new | ((price > 0) & (price <= budget[:, None]))
    score = np.where(candidate, appeal * taste, -np.inf)
    k = min(posts, score.shape[1])
    if k < score.shape[1]:
        top = np.argpartition(-score, k - 1, axis=1)[:, :k]
    else:
        top = np.broadcast_to(np.arange(k), score.shape)
    rows = np.arange(score.shape[0])[:, None]
    top = np.take_along_axis(top, np.argsort(-score[rows, top], axis=1, kind="stable"), axis=1)
    valid = np.isfinite(score[rows, top])
    cost = np.where(valid & ~new[rows, top], price[top], 0.0)
    fits = cost.sum(axis=1) <= budget
    row, col = np.nonzero(valid & fits[:, None])
    out_row, out_col = [row], [top[row, col]]
    for i in np.flatnonzero(~fits).tolist():  # the budget runs out: walk the whole ranking in blocks
        order = np.argsort(-score[i], kind="stable")
        order = order[np.isfinite(score[i, order])]
        taken = _walk(order, np.where(new[i, order], 0.0, price[order]), budget[i], posts)
        out_row.append(np.full(taken.size, i))
        out_col.append(taken)
    return np.concatenate(out_row), np.concatenate(out_col)


def _walk(order: np.ndarray, cost: np.ndarray, budget: float, posts: int) -> np.ndarray:
    """Walk down ``order``: take each entry its ``cost`` fits in the budget left, skip the others; stop at ``posts``.

    One block per skipped entry: the entries up to the first that overflows the
    budget left are taken, that one is skipped, and the later ones it can no
    longer afford are dropped (the budget left only falls).
    """
    taken = []
    left = budget
    while order.size and posts > 0:
        spent = np.cumsum(cost)
        over = np.flatnonzero(spent > left)
        stop = min(over[0] if over.size else order.size, posts)
        taken.append(order[:stop])
        posts -= stop
        if stop:
            left -= spent[stop - 1]
        if posts == 0 or not over.size or stop < over[0]:
            break
        order, cost = order[stop + 1 :], cost[stop + 1 :]
        keep = cost <= left
        order, cost = order[keep], cost[keep]
    return np.concatenate(taken) if taken else np.empty(0, np.int64)


RULE = Rule(
    name="brands",
    reads=(
        "rate_nano",
        "rate_micro_low",
        "rate_mid_low",
        "rate_macro_low",
        "rate_micro_high",
        "rate_mid_high",
        "rate_macro_high",
        "campaigns_per_month",
        "creators_per_campaign",
        "brand_min_engagement",
        "product_sample_first",
        "differentiation",
        "mixed_media",
    ),
    flows=(
        Flow("campaigns", "Brand campaigns", unit="campaigns", cumulative=True),
        Flow("paid_posts", "Paid posts", unit="posts", cumulative=True),
        Flow("samples", "Product samples", unit="samples"),
        Flow("income", "Momfluencer income", unit="Rp", cumulative=True, dtype=float),
    ),
    step=step,
)
