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
   reinforcement cap 3 is ``REINFORCEMENT_CAP``.
2. **Intake.** When a cohort starts, up to ``places`` applicants are admitted
   at random (places grow with the team, model/capacity.py); the others return
   to active and may apply again.

Drop-outs, completions and outcomes of everyone in a class are model/progress.py.

Parameters read: the ``<prog>_*`` family, enrol_rate, enrol_threshold,
peer_reinforcement, price_sensitivity, and through model/capacity.py
volunteer_weight, places_scale_with_team.
"""

from __future__ import annotations

import numpy as np

from . import capacity
from .parameters import PROGRAMME_LABELS, PROGRAMMES
from .rule import Flow, Rule, State, per_programme
from .states import NO_CLASS, Stage

# assumed: beyond a few reinforcing alumnae ties, more add nothing (complex contagion
# saturates; Centola, background.md)
REINFORCEMENT_CAP = 3


def applications(model, rng: np.random.Generator) -> np.ndarray:
    """Members in open sign-up windows apply; return who applied (any programme)."""
    p, pop = model.p, model.pop
    open_progs = [k for k in range(len(PROGRAMMES)) if model.window_open(k)]
    if not open_progs:
        return np.empty(0, np.int64)
    mem = model.member_idx
    # compress, not cand[mask]: numpy's boolean indexing is several times slower on dense masks
    cand = mem.compress((model.stage[mem] == Stage.ACTIVE) & (model.applied[mem] == NO_CLASS))
    cand = cand.compress(model.score[cand] >= p["enrol_threshold"])
    s, b, wtp = model.score[cand], pop["barrier"][cand], pop["wtp"][cand]
    done = model.done[cand]  # programmes done (no one completes one during applications)
    base = (
        p["enrol_rate"]
        * s
        * (1.0 - b)
        * (1.0 + p["peer_reinforcement"] * np.minimum(model.alumnae_ties[cand], REINFORCEMENT_CAP))
    )
    applied = []
    for k in rng.permutation(open_progs):
        prog = PROGRAMMES[k]
        c = p[f"{prog}_price"] / p[f"{prog}_instalments"]
        ok = np.flatnonzero((c <= wtp) & ((done >> k) & 1 == 0) & (model.applied[cand] == NO_CLASS))
        # one draw per candidate, as always; the hazard is computed only where it is not 0
        # (the others' draws cannot pass: u < 1 - exp(-0) = 0 never holds)
        u = rng.random(cand.size)[ok]
        w = wtp[ok]
        with np.errstate(divide="ignore", invalid="ignore"):
            h = base[ok] * np.exp(-p["price_sensitivity"] * (0.0 if c == 0 else np.where(w > 0, c / w, np.inf)))
        who = cand[ok[u < -np.expm1(-h)]]
        model.applied[who] = k + 1
        applied.append(who)
    return np.concatenate(applied)


def intake(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Start the cohorts due this week; return admitted mothers per programme."""
    admitted = {}
    for k, prog in enumerate(PROGRAMMES):
        if not model.cohort_starts(k):
            continue
        mem = model.member_idx
        apps = mem[model.applied[mem] == k + 1]
        model.applied[apps] = NO_CLASS
        apps = apps[model.stage[apps] == Stage.ACTIVE]
        take = apps[rng.permutation(apps.size)[: capacity.places(model, model.p[f"{prog}_places"])]]
        enrol(model, take, k, paying=True)
        admitted[prog] = take
    return admitted


def enrol(model, idx: np.ndarray, k: int, paying: bool) -> None:
    """Put ``idx`` into a cohort of paid programme ``k`` (0-based) starting this week."""
    model.move(idx, Stage.IN_CLASS)
    model.programme[idx] = k + 1
    model.paying[idx] = paying
    model.class_end[idx] = model.week + model.p[f"{PROGRAMMES[k]}_weeks"]


def step(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Applications in open sign-up windows, then the cohorts due this week; return who."""
    applied = applications(model, rng)
    admitted = intake(model, rng)
    empty = np.empty(0, np.int64)
    out = {"applications": applied}
    for prog in PROGRAMMES:
        out[f"enrolled_{prog}"] = admitted.get(prog, empty)
    out["paid_enrolled"] = np.concatenate([empty, *admitted.values()])
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
    ),
    owns=(State("applied", np.int8, NO_CLASS, "paid programme she applied to (1..4; NO_CLASS: none)"),),
    flows=(
        Flow("applications", "Applications to paid classes"),
        *(Flow(f"enrolled_{prog}", f"Enrolled in {PROGRAMME_LABELS[prog]}", cumulative=True) for prog in PROGRAMMES),
        Flow("paid_enrolled", "Enrolled in paid classes", cumulative=True),
    ),
    step=step,
)
