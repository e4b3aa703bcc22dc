"""Classes: paid intensive cohorts (applications, intake) and progress in every class.

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
   visited in a random order each week; a mother applies to one at a time.
2. **Intake.** When a cohort starts, up to ``places`` applicants are admitted
   at random (places grow with the team, model/capacity.py); the others return
   to active and may apply again.
3. **Progress.** Everyone in a class (free or paid) drops out with weekly
   probability ``d_i``: ``free_class_dropout * (1 + 2 b_i)`` in the free class,
   ``dropout_rate * (1 + 2 b_i) * (1 + support_effect * shortfall)`` in a paid
   one, where ``shortfall = max(0, 1 - capacity / learners)`` and capacity is
   the team's support capacity (model/capacity.py: the admins' capacities plus
   ``managers * manager_capacity + volunteers * volunteer_capacity``). The barrier term ``2 b_i`` is
   ``BARRIER_DROPOUT``; the reinforcement cap 3 is ``REINFORCEMENT_CAP``. Drop-outs
   become dormant. At the end of the class the others complete and return to
   active: free class → ``internalise_free`` and a parenting change with
   ``parenting_effect_free``; paid class (or scholarship) → alumna,
   ``internalise_paid``, a financial change with ``<prog>_financial_effect``
   (scholars: ``scholarship_financial_effect``) and a parenting change with
   ``parenting_effect_paid``.

Completion rate = paid completions / (completions + drop-outs) among paying
learners (the platform records progress only for paid orders, domain.md).

Parameters read: the ``<prog>_*`` family, enrol_rate, enrol_threshold,
peer_reinforcement, price_sensitivity, dropout_rate, free_class_dropout,
support_effect, and through model/capacity.py n_admins, admin_capacity,
manager_capacity, volunteer_capacity, volunteer_weight, places_scale_with_team, internalise_free,
internalise_paid, parenting_effect_free, parenting_effect_paid,
scholarship_financial_effect.
"""

from __future__ import annotations

import numpy as np

from . import capacity
from .parameters import PROGRAMMES
from .states import FREE_CLASS, NO_CLASS, Stage

# assumed: beyond a few reinforcing alumnae ties, more add nothing (complex contagion
# saturates; Centola, domain.md)
REINFORCEMENT_CAP = 3
# assumed: a mother at the top of the barrier index drops out at 1 + 2 = 3 times the base rate
BARRIER_DROPOUT = 2.0


def applications(model, rng: np.random.Generator) -> np.ndarray:
    """Members in open sign-up windows apply; return who applied (any programme)."""
    p, pop = model.p, model.pop
    open_progs = [k for k in range(len(PROGRAMMES)) if model.window_open(k)]
    if not open_progs:
        return np.empty(0, np.int64)
    mem = model.member_idx
    cand = mem[(model.stage[mem] == Stage.ACTIVE) & (model.applied[mem] == NO_CLASS)]
    cand = cand[model.score[cand] >= p["enrol_threshold"]]
    s, b, wtp = model.score[cand], pop["barrier"][cand], pop["wtp"][cand]
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
        with np.errstate(divide="ignore", invalid="ignore"):
            ok = (c <= wtp) & ((model.done[cand] >> k) & 1 == 0) & (model.applied[cand] == NO_CLASS)
            h = np.where(
                ok,
                base * np.exp(-p["price_sensitivity"] * (0.0 if c == 0 else np.where(wtp > 0, c / wtp, np.inf))),
                0.0,
            )
        who = cand[rng.random(cand.size) < -np.expm1(-h)]
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


def support_shortfall(model) -> float:
    """Share of paid learners beyond the facilitation capacity (0 = fully supported)."""
    mem = model.member_idx
    learners = np.count_nonzero(model.programme[mem] > FREE_CLASS)
    if learners == 0:
        return 0.0
    return max(0.0, 1.0 - capacity.support(model) / learners)


def progress(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Drop-outs and completions of everyone in a class; return who."""
    p, pop = model.p, model.pop
    mem = model.member_idx
    learners = mem[model.stage[mem] == Stage.IN_CLASS]
    prog = model.programme[learners]
    b = pop["barrier"][learners]
    free = prog == FREE_CLASS
    d = np.where(
        free, p["free_class_dropout"], p["dropout_rate"] * (1.0 + p["support_effect"] * support_shortfall(model))
    ) * (1.0 + BARRIER_DROPOUT * b)
    drop = rng.random(learners.size) < d
    dropped = learners[drop]
    done = learners[~drop & (model.class_end[learners] <= model.week + 1)]
    out = {
        "dropped_free": dropped[model.programme[dropped] == FREE_CLASS],
        "dropped_paid": dropped[(model.programme[dropped] > FREE_CLASS) & model.paying[dropped]],
        "dropped_scholars": dropped[(model.programme[dropped] > FREE_CLASS) & ~model.paying[dropped]],
    }
    model.move(dropped, Stage.DORMANT)
    model.programme[dropped] = NO_CLASS

    free_done = done[model.programme[done] == FREE_CLASS]
    paid_done = done[model.programme[done] > FREE_CLASS]
    # free class completed
    s = model.score
    s[free_done] += p["internalise_free"] * (1.0 - s[free_done])
    model.par_change[free_done[rng.random(free_done.size) < p["parenting_effect_free"]]] = True
    model.free_grad[free_done] = True
    # paid class (or scholarship) completed
    k = model.programme[paid_done] - 1
    fin_p = np.array([p[f"{g}_financial_effect"] for g in PROGRAMMES])[k]
    scholars = ~model.paying[paid_done]
    fin_p = np.where(scholars, p["scholarship_financial_effect"], fin_p)
    u_fin, u_par = rng.random(paid_done.size), rng.random(paid_done.size)
    model.fin_change[paid_done[u_fin < fin_p]] = True
    model.par_change[paid_done[u_par < p["parenting_effect_paid"]]] = True
    s[paid_done] += p["internalise_paid"] * (1.0 - s[paid_done])
    model.done[paid_done] |= (1 << k).astype(np.uint8)
    model.classes_done[done] += 1
    new_alumnae = paid_done[~model.alumna[paid_done]]
    model.alumna[paid_done] = True
    model.add_alumna_ties(new_alumnae)
    model.move(done, Stage.ACTIVE)
    model.programme[done] = NO_CLASS
    out.update(
        free_graduates=free_done,
        completed_paid=paid_done[~scholars],
        completed_scholars=paid_done[scholars],
        completed_jika_ibu_menjadi=paid_done[k == PROGRAMMES.index("jika_ibu_menjadi")],
    )
    return out
