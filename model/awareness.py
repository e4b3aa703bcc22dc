"""Awareness: mass reach plus word of mouth turn unaware mothers aware.

Rule: each week an unaware mother ``i`` becomes aware with probability
``1 - exp(-h_i)``, where

    h_i = p(t) * r_i + wom_rate * W_i

* ``p(t) = media_reach * brand_story_reach * content(t) * live(t) * covid(t)`` is
  the mass reach of the community's Instagram (``brand_story_reach``: IbuSibuk's
  brand story and mission, 000, make the community trusted; 1 = neutral):
  ``content(t) = memorable_content * posts(t) / posts_per_week`` (memorable content
  and packaging, 000: each post reaches and is shared more; 1 = neutral) with
  ``posts(t) = posts_per_week + content_growth * active/1000 +
  volunteer_posts_per_week * (volunteers + managers)`` (content volume grows with
  the community and its team, model/capacity.py), ``live(t) = 1 +
  live_boost`` in weeks with a "Tanya Ibu Peri" live (every ``live_every_weeks``)
  and ``covid(t) = 1 + covid_push * lockdown level`` (model/timeline.py);
* ``r_i`` is her digital reach (1 when ``barrier_strength`` = 0);
* ``W_i`` is the talk-weighted share of her contacts who are aware: each aware
  contact counts 1 and each registered contact ``1 + member_talk``
  (externalisation), divided by her number of ties (``mixing = "network"``), or
  the same share over the whole population (``mixing = "homogeneous"``).

Limit case (docs/ODD.md): with homogeneous mixing, ``member_talk = 0``,
``barrier_strength = 0``, ``content_growth = live_boost = covid_push = 0``,
``volunteer_posts_per_week = 0`` (or ``volunteering = false``) and no initial
awareness, the aware share follows the Bass curve with weekly
``p = media_reach`` and ``q = wom_rate``.

Word-of-mouth exposure is kept up to date incrementally: when a mother becomes
aware or registers, her weight is added to her contacts (work proportional to
those who changed, never a loop over everyone).

Parameters read: media_reach, wom_rate, member_talk, posts_per_week,
content_growth, volunteer_posts_per_week, live_every_weeks, live_boost, mixing, brand_story_reach,
memorable_content (and covid_push through the model's calendar).
"""

from __future__ import annotations

import numpy as np

from .rule import Flow, Rule, State
from .states import Role, Stage


def posts_per_week(model) -> float:
    """Instagram posts this week: the founders', the members' and the team's."""
    p = model.p
    return (
        p["posts_per_week"]
        + p["content_growth"] * model.counts[Stage.ACTIVE] / 1000.0
        + p["volunteer_posts_per_week"] * (model.n_role(Role.VOLUNTEER) + model.n_role(Role.MANAGER))
    )


def mass_reach(model) -> float:
    """Weekly mass-reach hazard p(t) for a mother with full digital reach."""
    p = model.p
    content = posts_per_week(model) / p["posts_per_week"]
    live = 1.0 + (p["live_boost"] if model.week % p["live_every_weeks"] == 0 else 0.0)
    reach = p["media_reach"] * content * live * model.covid_factor()
    if p["brand_story_reach"] != 1.0 or p["memorable_content"] != 1.0:  # IbuSibuk's elements (000); 1 = neutral
        reach *= p["brand_story_reach"] * p["memorable_content"]
    return reach


# mothers per block of the weekly pass: the block's hazards, thresholds and terms stay in the CPU
# cache through the four operations on them, instead of four passes over arrays of every mother
BLOCK = 1 << 16


def setup(model, rng: np.random.Generator) -> None:
    """Draw the Exp(1) thresholds of every mother (infinite for those already aware)."""
    e = rng.exponential(1.0, model.n).astype(np.float32)
    e[model.stage != Stage.UNAWARE] = np.inf
    model.aware_threshold = e
    # cache of the word-of-mouth hazard term (exposure * wom_rate) * inv_degree; exposure only
    # changes where add_talk raises it, so step refreshes just those mothers
    model.aware_wom = (model.exposure * np.float32(model.p["wom_rate"])) * model.inv_degree
    model.exposure_changed.clear()
    model.aware_scratch = np.empty(min(BLOCK, model.n), np.float32)  # one block's reach * p(t)


def step(model, rng: np.random.Generator | None = None) -> dict[str, np.ndarray]:
    """Make some unaware mothers aware; return who.

    Implemented with cumulative hazards: mother ``i`` carries a threshold
    ``E_i ~ Exp(1)`` (drawn once by :func:`setup`) and becomes aware in
    the first week in which her accumulated hazard ``H_i = sum_t h_i(t)`` reaches
    it; in distribution this is the same as an independent draw with probability
    ``1 - exp(-h_i(t))`` each week, with no random numbers and no gathers per step.
    """
    if model.counts[Stage.UNAWARE] == 0:
        return {"aware": np.empty(0, np.int64)}
    q = model.p["wom_rate"]
    if model.p["mixing"] == "homogeneous":
        wom = np.float32(q * model.talk_total / model.n)
    else:
        wom = model.aware_wom
        if model.exposure_changed:
            i = np.concatenate(model.exposure_changed)
            model.exposure_changed.clear()
            wom[i] = (model.exposure[i] * np.float32(q)) * model.inv_degree[i]
    # H += reach * p(t); H += wom; reached = H >= E, block by block (the same float32 operations)
    H, E, reached = model.aware_hazard, model.aware_threshold, model.aware_reached
    reach, p_t = model.pop["digital_reach"], np.float32(mass_reach(model))
    for lo in range(0, model.n, BLOCK):
        hi = lo + BLOCK
        h = H[lo:hi]
        b = model.aware_scratch[: h.size]
        np.multiply(reach[lo:hi], p_t, out=b)
        h += b
        h += wom if wom.ndim == 0 else wom[lo:hi]
        np.greater_equal(h, E[lo:hi], out=reached[lo:hi])
    new = np.flatnonzero(reached)
    model.aware_threshold[new] = np.inf
    model.make_aware(new)
    return {"aware": new}


RULE = Rule(
    name="awareness",
    reads=(
        "posts_per_week",
        "content_growth",
        "volunteer_posts_per_week",
        "live_boost",
        "live_every_weeks",
        "media_reach",
        "wom_rate",
        "mixing",
        "brand_story_reach",
        "memorable_content",
    ),
    owns=(
        State("aware_hazard", np.float32, 0.0, "accumulated awareness hazard H_i"),
        State("aware_threshold", np.float32, np.inf, "Exp(1) threshold E_i (drawn by setup; inf once aware)"),
        State("aware_reached", bool, False, "scratch space: whose hazard reached her threshold this week"),
    ),
    flows=(Flow("aware", "Newly aware", cumulative=True),),
    step=step,
    setup=setup,
)
