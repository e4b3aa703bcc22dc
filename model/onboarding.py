"""Onboarding: aware mothers seek to join, queue for the free entry class, register.

Rule, each week:

1. **Seeking.** An aware mother (not queued) seeks to join with probability
   ``1 - exp(-interest_rate * m_i * (1 - b_i) * covid(t))``: ``m_i`` her
   motivation (higher after a long-distance marriage or migration), ``b_i`` her
   barrier index (environment, family, time), ``covid(t)`` the lockdown push.
2. **Free class on** (``free_class``): she joins the queue for the free class
   "Ibu untuk Ibu". Every ``free_class_every_weeks`` a cohort opens with
   ``free_class_size`` places, filled first come first served; those admitted
   register (become :class:`model.agents.Mother` agents; the places grow with the
   team, model/capacity.py) and attend the class
   for ``free_class_weeks`` (completion: model/classes.py). A queued mother gives
   up and returns to aware with weekly probability ``1 - exp(-1 /
   queue_patience_weeks)``.
3. **Free class off**: a mother who seeks to join registers directly (through
   the website or a paid class) with probability ``direct_registration_share``;
   the others stay aware and may seek again later.

Parameters read: interest_rate, covid_push, free_class, places_scale_with_team
(through model/capacity.py),
free_class_every_weeks, free_class_size, free_class_weeks,
direct_registration_share, queue_patience_weeks.
"""

from __future__ import annotations

import numpy as np

from . import capacity
from .states import FREE_CLASS, Stage


def step(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Seek, queue, give up, admit to the free class, register; return who did what."""
    p, pop = model.p, model.pop
    pool = model.aware_idx
    stage = model.stage[pool]
    aware, queued = pool[stage == Stage.AWARE], pool[stage == Stage.QUEUED]
    rate = p["interest_rate"] * model.covid_factor()
    h = rate * pop["motivation"][aware] * (1.0 - pop["barrier"][aware])
    seekers = aware[rng.random(aware.size) < -np.expm1(-h)]
    empty = np.empty(0, np.int64)
    out = {"seekers": seekers, "gave_up": empty, "admitted": empty, "direct": empty}
    if not p["free_class"]:
        direct = seekers[rng.random(seekers.size) < p["direct_registration_share"]]
        model.register(direct, Stage.ACTIVE)
        out["direct"] = direct
        return out

    gave_up = queued[rng.random(queued.size) < -np.expm1(-1.0 / p["queue_patience_weeks"])]
    model.move(gave_up, Stage.AWARE)
    model.move(seekers, Stage.QUEUED)
    model.queue_since[seekers] = model.week
    out["gave_up"] = gave_up
    if model.week % p["free_class_every_weeks"] == 0 and p["free_class_size"] > 0:
        queued = np.concatenate([np.setdiff1d(queued, gave_up, assume_unique=True), seekers])
        # first come, first served; ties (same week) in random order
        order = np.lexsort((rng.random(queued.size), model.queue_since[queued]))
        admitted = queued[order[: capacity.places(model, p["free_class_size"])]]
        model.register(admitted, Stage.IN_CLASS)
        model.programme[admitted] = FREE_CLASS
        model.class_end[admitted] = model.week + p["free_class_weeks"]
        model.paying[admitted] = False
        out["admitted"] = admitted
        if admitted.size and model.admins:
            host = model.admins[model.free_cohorts % len(model.admins)]
            host.cohorts_hosted += 1
            model.free_cohorts += 1
    return out
