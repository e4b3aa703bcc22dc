"""Onboarding: aware mothers seek to join, queue for the free entry class, register.

Rule, each week:

1. **Seeking.** An aware mother (not queued) seeks to join with probability
   ``1 - exp(-interest_rate * m_i * (1 - b_i) * covid(t))``: ``m_i`` her
   motivation (higher after a long-distance marriage or migration), ``b_i`` her
   barrier index (environment, family, time), ``covid(t)`` the lockdown push.
   (Drawn once per spell as the week she will seek, from the cumulative rate
   :func:`seek_curve`; the same distribution as a draw every week.)
   **Telegram**: in the open Telegram group (001: a "titik awal", a starting
   point, from which members become interested in classes) her hazard is
   multiplied by ``1 + telegram_seek_boost``; a mother who joins or leaves the
   group mid-spell has her remaining wait redrawn at the new rate from this week
   (memoryless; stream ``onboarding_telegram``).
   **Instagram lives**: in a week with a "Tanya Ibu Peri" live (``week mod
   live_every_weeks = 0``, as in model/awareness.py) every aware follower who
   is not seeking already seeks with probability ``1 - exp(-live_seek_share * m_i
   * (1 - b_i))`` (stream ``onboarding_lives``; flow ``live_seekers``, part of
   ``seekers``; drawn by thinning, :func:`_live_seekers`).
2. **Free class on** (``free_class``): she joins the queue for the free class
   "Ibu untuk Ibu". Every ``free_class_every_weeks`` a cohort opens with
   ``free_class_size`` places, filled first come first served; those admitted
   register (become :class:`model.agents.Mother` agents; the places grow with the
   team, model/capacity.py) and attend the class
   for ``free_class_weeks`` (completion: model/progress.py). A queued mother gives
   up and returns to aware with weekly probability ``1 - exp(-1 /
   queue_patience_weeks)`` (from the week after she joined the queue).
3. **Free class off**: a mother who seeks to join registers directly (through
   the website or a paid class) with probability ``direct_registration_share``;
   the others stay aware and may seek again later.

Parameters read: interest_rate, covid_push, free_class, places_scale_with_team
(through model/capacity.py),
free_class_every_weeks, free_class_size, free_class_weeks,
direct_registration_share, queue_patience_weeks, telegram_seek_boost,
live_seek_share, live_every_weeks.
"""

from __future__ import annotations

import math

import numpy as np

from . import capacity, timeline
from .rule import Flow, Rule, State
from .states import AWARE, FREE_CLASS, QUEUED, Stage

_EMPTY = np.empty(0, np.int64)


def seek_curve(model) -> np.ndarray:
    """Cumulative seeking rate ``sum_{s <= t} interest_rate * covid(s)`` for every week."""
    p = model.p
    return np.cumsum(p["interest_rate"] * (1.0 + p["covid_push"] * model._covid))


def schedule_seeking(model, idx: np.ndarray, first_week: int, rng: np.random.Generator) -> None:
    """File aware mothers ``idx`` under the week they will seek to join, counting from ``first_week``.

    A mother seeks in the first week ``t`` with ``C(t) - C(first_week - 1) >= E_i / w_i``,
    ``C`` the cumulative seeking rate, ``E_i ~ Exp(1)`` and ``w_i = m_i (1 - b_i)``: the same
    distribution as a draw with probability ``1 - exp(-interest_rate * covid(t) * w_i)``
    each week. A mother in the Telegram group has ``w_i`` times ``1 + telegram_seek_boost``.
    Her due week is kept in ``seek_due``: an agenda entry for another week is stale.
    """
    if idx.size == 0:
        return
    w = model.seek_weight[idx]
    boost = model.p["telegram_seek_boost"]
    if boost:
        w = w * np.where(model.telegram[idx], 1.0 + boost, 1.0)
    with np.errstate(divide="ignore"):
        need = rng.exponential(1.0, idx.size) / w
    before = model.seek_curve[first_week - 1] if first_week > 0 else 0.0
    due = np.searchsorted(model.seek_curve, before + need, side="left")
    model.seek_due[idx] = due
    model.onboarding_agendas["seek"].add(idx, due)


def setup(model, rng: np.random.Generator) -> None:
    """The cumulative seeking rate, each mother's weight, empty agendas and an empty queue."""
    model.seek_curve = seek_curve(model)
    # w_i = m_i (1 - b_i), elementwise as it would be on any subset (float32: the same values)
    model.seek_weight = model.pop["motivation"] * (1.0 - model.pop["barrier"])
    model.seek_weight_max = float(model.seek_weight.max(initial=0.0))
    model.onboarding_agendas = {k: timeline.Agenda(model.n_weeks) for k in ("seek", "give_up")}
    model.onboarding_seen = 0  # aware mothers already filed for seeking
    model.queue = []  # free-class queue: (week joined, mothers), oldest first
    model.free_cohorts = 0


def _telegram_redraw(model, seen: int, week: int) -> bool:
    """Redraw the wait of aware mothers who joined or left Telegram this week; return whether any was.

    Only mothers filed before this week (rank below ``seen``) and still waiting (stage ``AWARE``):
    those filed this week were filed at the new rate already.
    """
    if not model.p["telegram_seek_boost"]:
        return False
    ch = model.changed
    moved = np.concatenate([ch.get("telegram_joins", _EMPTY), ch.get("telegram_leaves", _EMPTY)])
    moved = moved[(model.stage[moved] == AWARE) & (model.aware_rank[moved] < seen)]
    moved = moved[model.seek_due[moved] >= week]  # still waiting to seek in this spell
    if moved.size == 0:
        return False
    schedule_seeking(model, moved, week, model.stream("onboarding_telegram"))
    return True


def _live_seekers(model, seekers: np.ndarray) -> np.ndarray:
    """In a week with an Instagram live, aware followers not seeking already who seek because of it.

    Thinning over the aware (``aware_idx``): each is picked with a bound on every chance (0.1%
    above the largest; skip sampling, :func:`model.timeline.chosen`), and a picked one who is a
    follower in stage ``AWARE`` and not seeking already seeks with her chance over the bound: in
    all, each candidate with her chance, at the cost of the few picked.
    """
    p = model.p
    if not p["live_seek_share"] or model.week % p["live_every_weeks"] != 0:
        return _EMPTY
    rng = model.stream("onboarding_lives")
    bound = min(1.0, -math.expm1(-p["live_seek_share"] * model.seek_weight_max) * 1.001)
    cand = model.aware_idx[timeline.chosen(rng, model.aware_idx.size, bound)]
    u = rng.random(cand.size) * bound
    ok = model.follower[cand] & (model.stage[cand] == AWARE)
    if seekers.size:  # those seeking already (sorted copy, looked up: cheaper than np.isin)
        s = np.sort(seekers)
        ok[s[np.minimum(np.searchsorted(s, cand), s.size - 1)] == cand] = False
    chance = -np.expm1(-p["live_seek_share"] * model.seek_weight[cand])  # as in schedule_seeking
    return cand[ok & (u < chance)]


def step(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Seek, queue, give up, admit to the free class, register; return who did what."""
    p, week = model.p, model.week
    ag = model.onboarding_agendas
    seen = model.onboarding_seen
    new = model.aware_idx[seen:]  # aware since the last step: may seek from this week
    model.onboarding_seen = model.aware_idx.size
    schedule_seeking(model, new, week, rng)
    _telegram_redraw(model, seen, week)
    seekers = ag["seek"].pop(week)
    seekers = seekers[model.seek_due[seekers] == week]  # drop stale entries (redrawn or sought at a live)
    # an old and a new entry may both fall in this week (a redraw, or a mother who sought at a live, queued,
    # gave up and was filed again for the week of her old entry): keep one, in order (np.unique only when
    # a sorted copy shows a repeat: rare)
    ordered = np.sort(seekers)
    if (ordered[1:] == ordered[:-1]).any():
        _, first = np.unique(seekers, return_index=True)
        seekers = seekers[np.sort(first)]
    live = _live_seekers(model, seekers)
    if live.size:
        model.seek_due[live] = -1  # her pending entry is stale now
        seekers = np.concatenate([seekers, live])
    empty = np.empty(0, np.int64)
    out = {
        "seekers": seekers,
        "live_seekers": live,
        "queue_giveups": empty,
        "free_class_starts": empty,
        "registered": empty,
    }
    if not p["free_class"]:
        joined = rng.random(seekers.size) < p["direct_registration_share"]
        model.register(seekers[joined], Stage.ACTIVE)
        schedule_seeking(model, seekers[~joined], week + 1, rng)  # the others may seek again later
        out["registered"] = seekers[joined]
        return out

    gave_up = ag["give_up"].pop(week)
    gave_up = gave_up[model.stage[gave_up] == QUEUED]
    model.move(gave_up, Stage.AWARE)
    schedule_seeking(model, gave_up, week + 1, rng)
    model.move(seekers, Stage.QUEUED)
    model.queue_since[seekers] = week
    model.queue.append((week, rng.permutation(seekers)))  # first come, first served; same week in random order
    wait = timeline.waiting_weeks(rng, np.full(seekers.size, -np.expm1(-1.0 / p["queue_patience_weeks"])))
    ag["give_up"].add(seekers, week + wait)
    out["queue_giveups"] = gave_up
    if week % p["free_class_every_weeks"] == 0 and p["free_class_size"] > 0:
        # entries of mothers who gave up (and perhaps queued again later) are stale: keep a mother
        # only in the week she is queued since
        chunks = [ids[(model.stage[ids] == QUEUED) & (model.queue_since[ids] == w)] for w, ids in model.queue]
        queued = np.concatenate(chunks) if chunks else empty
        places = capacity.places(model, p["free_class_size"])
        admitted = queued[:places]
        rest, left = [], places
        for (w, _), ids in zip(model.queue, chunks):  # the queue after the first `places` (empty weeks dropped)
            if left >= ids.size:
                left -= ids.size
                continue
            rest.append((w, ids[left:]))
            left = 0
        model.queue = rest
        model.register(admitted, Stage.IN_CLASS)
        model.programme[admitted] = FREE_CLASS
        model.class_end[admitted] = week + p["free_class_weeks"]
        model.paying[admitted] = False
        out["free_class_starts"] = out["registered"] = admitted
        if admitted.size and model.admins:
            host = model.admins[model.free_cohorts % len(model.admins)]
            host.cohorts_hosted += 1
            model.free_cohorts += 1
    return out


RULE = Rule(
    name="onboarding",
    reads=(
        "interest_rate",
        "covid_push",
        "free_class",
        "direct_registration_share",
        "queue_patience_weeks",
        "free_class_every_weeks",
        "free_class_size",
        "free_class_weeks",
        "telegram_seek_boost",
        "live_seek_share",
        "live_every_weeks",
    ),
    owns=(
        State("queue_since", np.int16, -1, "week she joined the free-class queue (-1: never)"),
        State("seek_due", np.int32, -1, "week she is due to seek to join in this spell (-1: none)"),
    ),
    flows=(
        Flow("seekers", "Sought to join"),
        Flow("live_seekers", "Sought to join after an Instagram live", cumulative=True),
        Flow("queue_giveups", "Gave up queueing"),
        Flow("registered", "Registered", cumulative=True),
        Flow("free_class_starts", "Started the free class"),
    ),
    step=step,
    setup=setup,
)
