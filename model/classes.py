"""Classes: paid intensive cohorts (applications and intake).

Programmes: Comeback Journey, Jika Ibu Menjadi, Kembali Diri, Ibu Pebisnis
(``PROGRAMMES``), each a cohort programme: a first cohort month
(``<prog>_start``), a rhythm (``<prog>_every_weeks``), ``<prog>_places`` per
cohort, a length (``<prog>_weeks``), a price paid at once or in monthly
instalments (``<prog>_price``, ``<prog>_instalments``) and a sign-up window of
``<prog>_window_weeks`` before each cohort.

Rule, each week:

1. **Applications.** In a programme's sign-up window, an active member who has
   not done it yet, has internalisation ``s_i >= enrol_threshold`` and can pay
   the monthly instalment ``c = price / instalments <= wtp_i`` applies with
   probability ``1 - exp(-h)``, ``h = enrol_rate * s_i * (1 - b_i) * (1 +
   peer_reinforcement * min(alumnae ties, 3)) * exp(-price_sensitivity * c /
   wtp_i)`` (costly steps need reinforcement: complex contagion). Programmes are
   visited in a random order each week; a mother applies to one at a time. The
   reinforcement cap 3 is ``REINFORCEMENT_CAP``. The funnels multiply ``h``:
   by ``1 + telegram_class_boost`` for a member of the Telegram group, by
   ``1 + announcement_boost`` for an Instagram follower (the class announcements
   reach her, 001), by ``1 + volunteer_enrol_boost`` for a volunteer who has not
   completed a paid class (volunteering as the "kelas pembuka", 001) and by ``1 +
   alumni_enrol_boost`` for a mother who attended an alumni class or reunion in the
   last ``repeat_window_weeks`` weeks (model/alumni.py).
2. **Intake.** When a cohort starts, up to ``places`` applicants are admitted
   at random (places grow with the team, model/capacity.py). With
   ``waiting_list`` on, those turned away stay applicants for the programme's
   next cohort, first in line (``waitlisted``; the platform shows "remaining
   places", background.md); turned away a second time, or with ``waiting_list``
   off, they return to active and may apply again (``turned_away``). An admitted
   mother who has completed a paid class before is a repeat enrolment
   (``repeat_enrolled``). Every cohort is logged in ``model.cohort_log``
   (applicants, places, admitted): model/capacity.py reports where capacity binds.

Drop-outs, completions and outcomes of everyone in a class are model/progress.py.

Parameters read: the ``<prog>_*`` family, enrol_rate, enrol_threshold,
peer_reinforcement, price_sensitivity, telegram_class_boost, announcement_boost,
volunteer_enrol_boost, alumni_enrol_boost, repeat_window_weeks, waiting_list, and through
model/capacity.py volunteer_weight, places_scale_with_team.
"""

from __future__ import annotations

import numpy as np

from . import alumni, capacity, channels
from .parameters import PROGRAMME_LABELS, PROGRAMMES
from .rule import Flow, Rule, State, per_programme
from .states import ACTIVE, NO_CLASS, VOLUNTEER, Stage

# assumed: beyond a few reinforcing alumnae ties, more add nothing (complex contagion
# saturates; Centola, background.md)
REINFORCEMENT_CAP = 3


def applications(model, rng: np.random.Generator) -> np.ndarray:
    """Members in open sign-up windows apply; return who applied (any programme)."""
    p = model.p
    open_progs = [k for k in range(len(PROGRAMMES)) if model.window_open(k)]
    if not open_progs:
        return np.empty(0, np.int64)
    # The candidates are found by their member positions (``at``, rising), from the stages
    # in member order less the few applicants (this module's agenda), so that what is kept in
    # member order is read straight through: the stages, barrier and willingness to pay.
    ready = model.member_stage == ACTIVE
    ready[model.member_rank[applicants(model)]] = False
    at = np.flatnonzero(ready)
    ready = model.member_idx[at]
    s_ready = model.score[ready]  # the score is looked up once
    keep = s_ready >= p["enrol_threshold"]
    # compress, not x[mask]: numpy's boolean indexing is several times slower on dense masks
    at, cand, s = at.compress(keep), ready.compress(keep), s_ready.compress(keep)
    barrier, wtp = _in_member_order(model)
    # one draw per candidate and programme, the programmes in random order; nothing else draws
    # in between, so they are drawn at once (before the chances: computing them draws nothing)
    order = rng.permutation(open_progs)
    draws = [rng.random(cand.size) for _ in order]
    # A draw passes when it is below 1 - exp(-h) < h <= base (the price factor is at most 1),
    # and base is mostly a few percent: only the candidates with a draw below base (a little
    # above, for rounding) are looked at. The same arithmetic as looking at everyone. base itself
    # is computed only for the candidates whose draw is below a bound on it that needs no look-up
    # by id (:func:`_bound`): the same values, elementwise, for fewer candidates.
    if _price_at_most_one(p):
        low = np.minimum.reduce(draws)
        top = _bound(model, at, s, barrier)
        look = np.arange(cand.size) if top is None else (low < top).nonzero()[0]
        done = model.done[cand[look]]  # programmes done (no one completes one during applications)
        base = _base(model, cand[look], at[look], s[look], barrier, done)
        keep = (low[look] < _above(base)).nonzero()[0]
        near, base, done = look[keep], base[keep], done[keep]
    else:
        done = model.done[cand]
        base = _base(model, cand, at, s, barrier, done)
        near = np.arange(cand.size)
    wtp = wtp[at[near]]
    free = np.ones(near.size, bool)  # has not applied to a programme visited before this week
    applied = []
    for k, u in zip(order, draws):
        prog = PROGRAMMES[k]
        c = p[f"{prog}_price"] / p[f"{prog}_instalments"]
        ok = np.flatnonzero(free & (c <= wtp) & ((done >> k) & 1 == 0))
        u, w = u[near[ok]], wtp[ok]
        with np.errstate(divide="ignore", invalid="ignore"):
            h = base[ok] * np.exp(-p["price_sensitivity"] * (0.0 if c == 0 else np.where(w > 0, c / w, np.inf)))
        took = ok[u < -np.expm1(-h)]
        free[took] = False
        who = cand[near[took]]
        model.applied[who] = k + 1
        applied.append(who)
    applied = np.concatenate(applied)
    if applied.size:
        model._applicants = model.in_member_order(model._applicants, applied)
    return applied


def _base(model, cand: np.ndarray, at: np.ndarray, s: np.ndarray, barrier: np.ndarray, done: np.ndarray) -> np.ndarray:
    """The hazard before its price factor for candidates ``cand`` (member positions ``at``, scores ``s``)."""
    p = model.p
    base = (
        p["enrol_rate"]
        * s
        * (1.0 - barrier[at])
        * (1.0 + p["peer_reinforcement"] * np.minimum(model.alumnae_ties[cand], REINFORCEMENT_CAP))
    )
    return funnel_factor(model, cand, at, done, base)


_BOOSTS = ("peer_reinforcement", "telegram_class_boost", "announcement_boost", "volunteer_enrol_boost")


def _bound(model, at: np.ndarray, s: np.ndarray, barrier: np.ndarray) -> np.ndarray | None:
    """Per candidate, a number above :func:`_base` and above its ``_above`` (None when no such cheap bound is known).

    ``enrol_rate * s * (1 - b)`` (as in base) times each factor at its largest where it is not known
    without a look-up by id: the reinforcement at its cap and the announcement boost for everyone,
    the Telegram boost for the members of the group (kept in member order,
    :func:`model.channels.member_telegram`), the volunteer and alumni-event boosts for the few
    volunteers and attendees. Needs rates and boosts that are not negative (then every factor is
    at least 1 and base at most this); a share of 1e-5 above covers the rounding.
    """
    p = model.p
    if p["enrol_rate"] < 0 or p["alumni_enrol_boost"] < 0 or min(p[k] for k in _BOOSTS) < 0:
        return None
    part = p["enrol_rate"] * s * (1.0 - barrier[at])
    np.maximum(part, 0.0, out=part)  # below 0 (never with scores and barriers in [0, 1]): base <= 0, no draw passes
    top = part * np.float64(
        (1.0 + p["peer_reinforcement"] * REINFORCEMENT_CAP) * (1.0 + p["announcement_boost"]) * (1.0 + 1e-5)
    )
    if p["telegram_class_boost"]:
        top *= np.where(channels.member_telegram(model)[at], 1.0 + p["telegram_class_boost"], 1.0)
    rank = model.member_rank
    if p["volunteer_enrol_boost"]:
        team = capacity.team(model)
        top[_among(at, rank[team[model.role[team] == VOLUNTEER]])] *= 1.0 + p["volunteer_enrol_boost"]
    if p["alumni_enrol_boost"] and p["repeat_window_weeks"]:
        top[_among(at, rank[alumni.attended_since(model, model.week - p["repeat_window_weeks"])])] *= (
            1.0 + p["alumni_enrol_boost"]
        )
    return top


def applicants(model) -> np.ndarray:
    """Every mother with a pending application (``applied`` set), in member order.

    An agenda kept by this module (the only one that writes ``applied``): the few to look at,
    instead of every member's ``applied``.
    """
    return model._applicants


def _price_at_most_one(p: dict) -> bool:
    """Whether the price factor ``exp(-price_sensitivity * c / wtp)`` is at most 1 (prices, sensitivity >= 0)."""
    prices = [p[f"{prog}_price"] / p[f"{prog}_instalments"] for prog in PROGRAMMES]
    return p["price_sensitivity"] >= 0 and min(prices) >= 0


def _above(x):
    """A little above ``x``: room for the rounding of the chance computed from it."""
    return x * (1.0 + 1e-6)


def funnel_factor(model, cand: np.ndarray, at: np.ndarray, done: np.ndarray, base: np.ndarray) -> np.ndarray:
    """``base`` times the funnels' factors for candidates ``cand``, in place.

    ``at``: the candidates' member positions (rising); ``done``: their programmes done. A factor
    whose boost is 0 is not applied at all (version 0.2's hazard, bit for bit). The volunteers
    and the alumni-event attendees, few, are found among the candidates by position and only
    theirs are multiplied (elsewhere the factor is 1: the same numbers).
    """
    p = model.p
    if p["telegram_class_boost"]:  # (np.multiply's where= is slower than multiplying by np.where's 1s)
        base *= np.where(model.telegram[cand], 1.0 + p["telegram_class_boost"], 1.0)
    if p["announcement_boost"]:
        base *= np.where(model.follower[cand], 1.0 + p["announcement_boost"], 1.0)
    rank = model.member_rank
    if p["volunteer_enrol_boost"]:  # a volunteer who has not completed a paid class: the opening class
        team = capacity.team(model)
        i = _among(at, rank[team[model.role[team] == VOLUNTEER]])
        base[i[done[i] == 0]] *= 1.0 + p["volunteer_enrol_boost"]
    if p["alumni_enrol_boost"] and p["repeat_window_weeks"]:  # at an alumni event in the window
        base[_among(at, rank[alumni.attended_since(model, model.week - p["repeat_window_weeks"])])] *= (
            1.0 + p["alumni_enrol_boost"]
        )
    return base


def _among(at: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Where member positions ``pos`` are in ``at`` (rising member positions): indices into ``at``."""
    i = np.searchsorted(at, pos)
    inside = i < at.size
    i, pos = i[inside], pos[inside]
    return i[at[i] == pos]


def _in_member_order(model) -> tuple[np.ndarray, np.ndarray]:
    """Every member's barrier and willingness to pay, in member order (fixed per mother; extended with new members)."""
    if getattr(model, "_classes_barrier", None) is None:
        model._classes_barrier = np.empty(model.stage.size, model.pop["barrier"].dtype)
        model._classes_wtp = np.empty(model.stage.size, model.pop["wtp"].dtype)
        model._n_classes_static = 0
    k, mem = model._n_classes_static, model.member_idx
    if k < mem.size:
        model._classes_barrier[k : mem.size] = model.pop["barrier"][mem[k:]]
        model._classes_wtp[k : mem.size] = model.pop["wtp"][mem[k:]]
        model._n_classes_static = mem.size
    return model._classes_barrier, model._classes_wtp


def intake(model, rng: np.random.Generator) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Start the cohorts due this week; return admitted mothers per programme, and who was put on or left a list.

    Each cohort is logged in ``model.cohort_log`` as (programme, week, applicants, places, admitted).
    """
    admitted, waiting, left = {}, [], []
    starts = [k for k in range(len(PROGRAMMES)) if model.cohort_starts(k)]
    pending = applicants(model)
    for k in starts:
        prog = PROGRAMMES[k]
        apps = pending[model.applied[pending] == k + 1]  # in member order, as all the members' would be
        model.applied[apps] = NO_CLASS
        active = model.stage[apps] == ACTIVE
        wl = model.waitlisted[apps][active]
        model.waitlisted[apps] = False
        apps = apps[active]
        places = capacity.places(model, model.p[f"{prog}_places"])
        if model.p["waiting_list"]:  # those turned away last time first, then the others, each in random order
            first, rest = apps[wl], apps[~wl]
            order = np.concatenate([first[rng.permutation(first.size)], rest[rng.permutation(rest.size)]])
            take, turned = order[:places], order[places:]
            keep = np.arange(places, order.size) >= first.size  # turned away for the first time: one more cohort
            again = turned[keep]
            model.applied[again] = k + 1
            model.waitlisted[again] = True
            waiting.append(again)
            left.append(turned[~keep])
        else:
            take = apps[rng.permutation(apps.size)[:places]]
        enrol(model, take, k, paying=True)
        admitted[prog] = take
        model.cohort_log.append((prog, model.week, int(apps.size), int(places), int(take.size)))
    if starts:  # those admitted or turned away for good leave the agenda; the waiting list stays
        model._applicants = pending[model.applied[pending] != NO_CLASS]
    empty = np.empty(0, np.int64)
    return admitted, np.concatenate([empty, *waiting]), np.concatenate([empty, *left])


def setup(model, rng: np.random.Generator) -> None:
    """An empty cohort log; nobody has applied."""
    model.cohort_log = []  # (programme, week, applicants, places, admitted) per cohort started
    model._applicants = np.empty(0, np.int64)  # see applicants()


def enrol(model, idx: np.ndarray, k: int, paying: bool) -> None:
    """Put ``idx`` into a cohort of paid programme ``k`` (0-based) starting this week."""
    model.move(idx, Stage.IN_CLASS)
    model.programme[idx] = k + 1
    model.paying[idx] = paying
    model.class_end[idx] = model.week + model.p[f"{PROGRAMMES[k]}_weeks"]


def step(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Applications in open sign-up windows, then the cohorts due this week; return who."""
    applied = applications(model, rng)
    admitted, waitlisted, turned_away = intake(model, rng)
    empty = np.empty(0, np.int64)
    out = {"applications": applied, "waitlisted": waitlisted, "turned_away": turned_away}
    for prog in PROGRAMMES:
        out[f"enrolled_{prog}"] = admitted.get(prog, empty)
    out["paid_enrolled"] = enrolled = np.concatenate([empty, *admitted.values()])
    out["repeat_enrolled"] = enrolled[model.done[enrolled] != 0]  # completed a paid class before
    return out


RULE = Rule(
    name="classes",
    reads=(
        "enrol_threshold",
        "enrol_rate",
        "peer_reinforcement",
        *per_programme("price", "instalments"),
        "price_sensitivity",
        *per_programme("places", "weeks"),
        "telegram_class_boost",
        "announcement_boost",
        "volunteer_enrol_boost",
        "alumni_enrol_boost",
        "repeat_window_weeks",
        "waiting_list",
    ),
    owns=(
        State("applied", np.int8, NO_CLASS, "paid programme she applied to (1..4; NO_CLASS: none)"),
        State("waitlisted", bool, False, "turned away by a full cohort: first in line for the next one"),
    ),
    flows=(
        Flow("applications", "Applications to paid classes"),
        *(Flow(f"enrolled_{prog}", f"Enrolled in {PROGRAMME_LABELS[prog]}", cumulative=True) for prog in PROGRAMMES),
        Flow("paid_enrolled", "Enrolled in paid classes", cumulative=True),
        Flow("repeat_enrolled", "Repeat enrolments (alumnae in another paid class)", cumulative=True),
        Flow("waitlisted", "Turned away by a full cohort, on the waiting list for the next", cumulative=True),
        Flow("turned_away", "Turned away by a full cohort, not kept on a list", cumulative=True),
    ),
    step=step,
    setup=setup,
)
