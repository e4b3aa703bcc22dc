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

Implemented as competing clocks, so that a week costs what changed, not a pass
over every unaware mother. A mother's weekly hazard is a sum, ``h_i = r_i p(t) +
sum_j wom_rate * w_j / d_i`` over her talking contacts ``j`` (talk weight ``w_j``,
``d_i`` her ties), and each term is a clock of its own:

* **mass reach**: she draws one Exp(1) threshold ``E_i`` at the start and is reached
  in the first week in which ``r_i * P(t)`` reaches it (``P(t) = sum_s p(s)``): a list
  of the mothers sorted by ``E_i / r_i``, read up to ``P(t)`` (sorted lazily, a
  stretch at a time: :class:`SortedClock`);
* **word of mouth** (``mixing = "network"``): each time a contact starts talking to
  her (becomes aware, or registers: :meth:`CommunityModel.add_talk`), that contact's
  constant weekly hazard ``wom_rate * w_j / d_i`` is a clock of its own: a geometric
  wait (``ceil(E / hazard)``, ``E ~ Exp(1)``) drawn once, the next week, and filed
  in an agenda (:class:`~model.timeline.Agenda`) under the week it runs out.

She becomes aware in the first week any of her clocks runs out (those of mothers
already aware are dropped). Given the past, she stays unaware through a week with
probability ``exp(-r_i p(t)) * prod_j exp(-wom_rate w_j / d_i) = exp(-h_i)``: the
same distribution as a draw with probability ``1 - exp(-h_i)`` every week
(independent clocks with constant or memoryless hazards superpose). With
homogeneous mixing ``W`` is the same for everyone and word of mouth is a second
sorted clock: each mother's Exp(1) threshold against the accumulated ``sum_s
wom_rate * W(s)``.

Parameters read: media_reach, wom_rate, member_talk, posts_per_week,
content_growth, volunteer_posts_per_week, live_every_weeks, live_boost, mixing, brand_story_reach,
memorable_content (and covid_push through the model's calendar).
"""

from __future__ import annotations

import numpy as np

from . import patterns, timeline
from .rule import Flow, Rule
from .states import UNAWARE, Role, Stage


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


class SortedClock:
    """Mothers sorted by a key, taken out once a rising level reaches their key.

    ``due(level)`` returns (once each) every mother whose key is at most ``level``, in
    key order; the level never falls. The keys are sorted lazily: only those up to a
    frontier (twice the level when the level passes it) are in the sorted list, so
    setting up costs one pass, not a sort of every mother, and each extension one
    pass over the keys (a few over a run: the frontier doubles).
    """

    GROWTH = 2.0  # the frontier becomes GROWTH times the level that passed it

    def __init__(self, keys: np.ndarray):
        self.keys = np.asarray(keys, np.float32)
        self.frontier = np.float32(-np.inf)
        self._order = np.empty(0, np.int64)  # sorted by key: every key in (taken level, frontier]
        self._sorted = np.empty(0, np.float32)
        self._at = 0  # the next position of the sorted list not taken yet

    def due(self, level: float) -> np.ndarray:
        """The mothers whose key is at most ``level`` (float32) and who were not returned before."""
        level = np.float32(level)
        if not level > 0:  # nothing reached yet (no mass reach, or no talk)
            return _EMPTY
        if level > self.frontier:
            new_frontier = np.float32(max(float(level) * self.GROWTH, float(level)))
            k = self.keys
            new = ((k > self.frontier) & (k <= new_frontier)).nonzero()[0]
            new = new[np.argsort(k[new])]
            self._order = np.concatenate([self._order[self._at :], new])
            self._sorted = np.concatenate([self._sorted[self._at :], k[new]])
            self._at, self.frontier = 0, new_frontier
        stop = int(np.searchsorted(self._sorted, level, side="right"))
        out = self._order[self._at : stop]
        self._at = max(self._at, stop)
        return out


def setup(model, rng: np.random.Generator) -> None:
    """Draw every mother's Exp(1) mass-reach threshold; start the clocks (the founders' circles are aware already)."""
    n = model.n
    with np.errstate(divide="ignore"):  # no digital reach: never reached by mass media (key inf)
        model.aware_mass = SortedClock(rng.standard_exponential(n, dtype=np.float32) / model.pop["digital_reach"])
    model.aware_P = 0.0  # cumulative mass reach P(t)
    model.aware_wom_agenda = timeline.Agenda(model.n_weeks)
    if model.p["mixing"] == "homogeneous":  # word-of-mouth thresholds, against the common accumulated hazard
        model.aware_common = SortedClock(rng.standard_exponential(n, dtype=np.float32))
        model.aware_A = 0.0


def _file_talk(model, week: int, rng: np.random.Generator) -> None:
    """File the word-of-mouth clocks started since the last step (``model.exposure_changed``) from ``week`` on.

    Each entry is (contacts, weight): a mother who started talking with weight ``w`` to each of
    those contacts. The contact ``i``'s clock runs out with probability ``1 - exp(-wom_rate * w /
    d_i)`` a week (``inv_degree`` = 1 / d_i): a geometric wait, one draw per contact, in the order
    of the entries (``ceil(E / hazard)`` with ``E ~ Exp(1)``, float32).
    """
    talk = model.exposure_changed
    if not talk:
        return
    q = np.float32(model.p["wom_rate"])
    contacts = np.concatenate([nb for nb, _ in talk]) if len(talk) > 1 else talk[0][0]
    if len(talk) == 1 or all(w == talk[0][1] for _, w in talk):
        rate = model.inv_degree[contacts] * (q * np.float32(talk[0][1]))
    else:
        weight = np.concatenate([np.full(nb.size, w, np.float32) for nb, w in talk])
        rate = model.inv_degree[contacts] * (q * weight)
    talk.clear()
    # the geometric wait with weekly probability 1 - exp(-rate) by inversion: ceil(E / rate), E ~ Exp(1)
    # (P(wait > k) = P(E > k rate) = exp(-rate)^k); no tie (rate 0): never (past the end, dropped)
    # (in place: the same float32 operations, without a temporary array for each)
    wait = rng.standard_exponential(contacts.size, dtype=np.float32)
    # most waits end after the run (the agenda would drop them): only those that may end by its last week are filed
    soon = _may_end_by(wait, rate, model.n_weeks - week)
    if soon.size < contacts.size:
        contacts, wait, rate = contacts[soon], wait[soon], rate[soon]
    with np.errstate(divide="ignore"):
        wait /= rate
    np.minimum(wait, np.float32(model.n_weeks + 1), out=wait)
    np.ceil(wait, out=wait)
    due = wait.astype(np.int64)
    due += week - 1
    model.aware_wom_agenda.add(contacts, due)


def _may_end_by(e: np.ndarray, rate: np.ndarray, weeks: int) -> np.ndarray:
    """Positions of the waits ``ceil(e / rate)`` (float32) that may be at most ``weeks``, in order; the others are not.

    A wait filed this week at ``week + ceil(e / rate) - 1`` runs out after the last week when ``e / rate >
    n_weeks - week``; a draw above ``rate * weeks * (1 + 1e-4)`` is such a wait whatever the float32
    rounding of either side, so only the others are kept (all those that end in the run, and a few more).
    """
    return (e <= rate * np.float32(weeks * (1.0 + 1e-4))).nonzero()[0]


def step(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Make some unaware mothers aware; return who (by id).

    Raises the mass-reach level ``P`` (and, with homogeneous mixing, the word-of-mouth
    level), files the clocks of the talk that started last week, and takes out the
    mothers whose clocks run out this week.
    """
    week = model.week
    if model.counts[UNAWARE] == 0:
        model.exposure_changed.clear()
        return {"aware": _EMPTY}
    model.aware_P += mass_reach(model)
    parts = [model.aware_mass.due(model.aware_P)]
    if model.p["mixing"] == "homogeneous":
        model.exposure_changed.clear()
        model.aware_A += model.p["wom_rate"] * model.talk_total / model.n
        parts.append(model.aware_common.due(model.aware_A))
    else:
        _file_talk(model, week, rng)
        parts.append(model.aware_wom_agenda.pop(week))
    new = np.concatenate(parts)
    # in id order; reached by two clocks: once (sorting, not np.unique: its hash-based path is slow here)
    new = patterns.unique_counts(new[model.stage[new] == UNAWARE])[0]
    model.make_aware(new)
    return {"aware": new}


_EMPTY = np.empty(0, np.int64)
_EMPTY.flags.writeable = False


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
    flows=(Flow("aware", "Newly aware", cumulative=True),),
    step=step,
    setup=setup,
)
