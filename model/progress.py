"""Progress: drop-outs, completions and outcomes of everyone in a class (free or paid).

Rule, each week: everyone in a class (free or paid) drops out with weekly
probability ``d_i``: ``free_class_dropout * (1 + 2 b_i)`` in the free class,
``dropout_rate * (1 + 2 b_i) * (1 + support_effect * shortfall)`` in a paid
one, where ``shortfall = max(0, 1 - capacity / learners)`` and capacity is
the team's support capacity (model/capacity.py: the admins' capacities plus
``managers * manager_capacity + volunteers * volunteer_capacity``). The barrier term ``2 b_i`` is
``BARRIER_DROPOUT``. Drop-outs
become dormant. At the end of the class the others complete and return to
active: free class → ``internalise_free`` and a parenting change with
``parenting_effect_free``; paid class (or scholarship) → alumna,
``internalise_paid``, a financial change with ``<prog>_financial_effect``
(scholars: ``scholarship_financial_effect``) and a parenting change with
``parenting_effect_paid``. A new alumna adds one alumnae tie to each of her
contacts (peer reinforcement of applications, model/classes.py). This week's
Jika Ibu Menjadi completions are passed on to momfluencer training
(model/momfluencers.py).

Interactivity (model/communication.py draws per-learner events when either effect
is on): **belonging** from user-to-system use, a learner's drop-out hazard times
``1 - belonging_effect * a_i`` (``a_i`` the share of live sessions she attended);
**skills** from user-to-document use, the financial-change chance at a paid
completion times ``1 + skill_effect * (1 - exp(-materials read / SKILL_SCALE))``
(at most 1).

Completion rate = paid completions / (completions + drop-outs) among paying
learners (the platform records progress only for paid orders, background.md).

Parameters read: the ``<prog>_*`` family (``<prog>_financial_effect``), dropout_rate,
free_class_dropout, support_effect, internalise_free, internalise_paid,
parenting_effect_free, parenting_effect_paid, scholarship_financial_effect,
belonging_effect, skill_effect, and
through model/capacity.py n_admins, admin_capacity, manager_capacity, volunteer_capacity.
"""

from __future__ import annotations

import numpy as np

from . import capacity
from .network import contacts
from .parameters import PROGRAMMES
from .rule import Flow, Rule, State, per_programme
from .states import FREE_CLASS, IN_CLASS, NO_CLASS, Stage

_EMPTY = np.empty(0, np.int64)
COMPLETIONS = ("free_class_graduates", "completed_paid", "completed_scholars", "completed_jika_ibu_menjadi")
FLOWS = ("dropped_free", "dropped_paid", "dropped_scholars", *COMPLETIONS)  # what a step returns

# assumed: a mother at the top of the barrier index drops out at 1 + 2 = 3 times the base rate
BARRIER_DROPOUT = 2.0


SKILL_SCALE = 30.0  # assumed: about ten weeks of reading at three materials a week give skill 1 - 1/e


def attendance_share(model, idx: np.ndarray) -> np.ndarray:
    """Share of the live sessions ``idx`` attended while in classes (0 before any; model/communication.py)."""
    att, miss = model.lives_attended[idx].astype(float), model.lives_missed[idx]
    total = att + miss
    return np.divide(att, total, out=np.zeros(idx.size), where=total > 0)


def skill(model, idx: np.ndarray) -> np.ndarray:
    """Skill in [0, 1) from the learning materials read: ``1 - exp(-materials / SKILL_SCALE)``."""
    return -np.expm1(-model.materials_read[idx] / SKILL_SCALE)


def support_shortfall(model, paid_learners: int | None = None) -> float:
    """Share of paid learners beyond the facilitation capacity (0 = fully supported).

    ``paid_learners``: how many are in a paid class, if known (else counted over the members).
    """
    if paid_learners is None:
        paid_learners = np.count_nonzero(model.programme[model.member_idx] > FREE_CLASS)
    if paid_learners == 0:
        return 0.0
    return max(0.0, 1.0 - capacity.support(model) / paid_learners)


def in_class(model) -> np.ndarray:
    """Everyone in a class now (stage IN_CLASS), in member order (the order of their draws).

    An agenda, not a pass over every member: last time's learners who are still in a class,
    and who entered a class since (``model.class_entries``, noted by ``model.move``; taken
    from it here). Calling it again in the same week gives the same mothers.
    """
    kept = model._learners
    if model.class_entries:  # each mother once (one who left and came back is in both)
        kept = model.in_member_order(kept, *model.class_entries)
        model.class_entries.clear()
    model._learners = kept = kept[model.stage[kept] == IN_CLASS]
    return kept


def setup(model, rng: np.random.Generator) -> None:
    """Nobody in a class yet (the agenda of :func:`in_class`)."""
    model._learners = np.empty(0, np.int64)


def step(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Drop-outs and completions of everyone in a class; return who."""
    p, pop = model.p, model.pop
    learners = in_class(model)
    if learners.size == 0:  # nobody in a class: nothing to draw
        return dict.fromkeys(FLOWS, _EMPTY)
    prog = model.programme[learners]
    b = pop["barrier"][learners]
    free = prog == FREE_CLASS
    # every learner has a programme (paid: above FREE_CLASS), and only learners have one
    paid = np.count_nonzero(prog > FREE_CLASS)
    d = np.where(
        free,
        p["free_class_dropout"],
        p["dropout_rate"] * (1.0 + p["support_effect"] * support_shortfall(model, paid)),
    ) * (1.0 + BARRIER_DROPOUT * b)
    if p["belonging_effect"] > 0:  # user-to-system: live classes attended build belonging
        d = d * (1.0 - p["belonging_effect"] * attendance_share(model, learners))
    drop = rng.random(learners.size) < d
    ended = ~drop & (model.class_end[learners] <= model.week + 1)
    out = dropouts(model, learners[drop], prog[drop])
    out.update(completions(model, learners[ended], prog[ended], rng))
    return out


def dropouts(model, dropped: np.ndarray, prog: np.ndarray) -> dict[str, np.ndarray]:
    """Learners ``dropped`` (in programmes ``prog``) leave their class and become dormant; return who, by kind."""
    if dropped.size == 0:
        return dict.fromkeys(("dropped_free", "dropped_paid", "dropped_scholars"), _EMPTY)
    in_paid, paying = prog > FREE_CLASS, model.paying[dropped]
    out = {
        "dropped_free": dropped[prog == FREE_CLASS],
        "dropped_paid": dropped[in_paid & paying],
        "dropped_scholars": dropped[in_paid & ~paying],
    }
    model.move(dropped, Stage.DORMANT)
    model.programme[dropped] = NO_CLASS
    return out


def completions(model, done: np.ndarray, prog: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Learners ``done`` (in programmes ``prog``) complete their class: outcomes; return who, by kind.

    The draws: the free-class graduates' parenting changes, then the paid completions'
    financial and parenting changes (none drawn for nobody).
    """
    p = model.p
    if done.size == 0:
        return dict.fromkeys(COMPLETIONS, _EMPTY)
    free_done = done[prog == FREE_CLASS]
    in_paid = prog > FREE_CLASS
    paid_done = done[in_paid]
    s = model.score
    if free_done.size:  # free class completed
        s[free_done] += p["internalise_free"] * (1.0 - s[free_done])
        model.par_change[free_done[rng.random(free_done.size) < p["parenting_effect_free"]]] = True
        model.free_grad[free_done] = True
    out = dict.fromkeys(COMPLETIONS, _EMPTY)
    out["free_class_graduates"] = free_done
    if paid_done.size:  # paid class (or scholarship) completed
        k = prog[in_paid] - 1
        fin_p = np.array([p[f"{g}_financial_effect"] for g in PROGRAMMES])[k]
        scholars = ~model.paying[paid_done]
        fin_p = np.where(scholars, p["scholarship_financial_effect"], fin_p)
        if p["skill_effect"] > 0:  # user-to-document: materials read build skills
            fin_p = np.minimum(1.0, fin_p * (1.0 + p["skill_effect"] * skill(model, paid_done)))
        u_fin, u_par = rng.random(paid_done.size), rng.random(paid_done.size)
        model.fin_change[paid_done[u_fin < fin_p]] = True
        model.par_change[paid_done[u_par < p["parenting_effect_paid"]]] = True
        s[paid_done] += p["internalise_paid"] * (1.0 - s[paid_done])
        model.done[paid_done] |= (1 << k).astype(np.uint8)
        new_alumnae = paid_done[~model.alumna[paid_done]]
        model.alumna[paid_done] = True
        if new_alumnae.size:
            nb = contacts(model.ties, new_alumnae)
            np.add.at(model.alumnae_ties, nb, model.alumnae_ties.dtype.type(1))  # own type: no slow casting path
        out.update(
            completed_paid=paid_done[~scholars],
            completed_scholars=paid_done[scholars],
            completed_jika_ibu_menjadi=paid_done[k == PROGRAMMES.index("jika_ibu_menjadi")],
        )
    model.classes_done[done] += 1
    model.move(done, Stage.ACTIVE)
    model.programme[done] = NO_CLASS
    return out


RULE = Rule(
    name="progress",
    reads=(
        "free_class_dropout",
        "dropout_rate",
        "support_effect",
        "internalise_free",
        "parenting_effect_free",
        *per_programme("financial_effect"),
        "scholarship_financial_effect",
        "parenting_effect_paid",
        "internalise_paid",
        "belonging_effect",
        "skill_effect",
    ),
    owns=(
        State("done", np.uint8, 0, "bit k: paid programme k completed"),
        State("classes_done", np.int16, 0, "classes completed (free or paid)"),
        State("free_grad", bool, False, "completed the free class"),
        State("alumna", bool, False, "completed a paid class or the scholarship"),
        State("par_change", bool, False, "reports a parenting change"),
        State("alumnae_ties", np.int16, 0, "her contacts who are alumnae"),
    ),
    flows=(
        Flow("free_class_graduates", "Free-class graduates", cumulative=True),
        Flow("dropped_free", "Free-class drop-outs"),
        Flow("completed_paid", "Paid-class completions", cumulative=True),
        Flow("dropped_paid", "Paid-class drop-outs", cumulative=True),
        Flow("completed_scholars", "Scholarship completions", cumulative=True),
        Flow("dropped_scholars", "Scholarship drop-outs"),
    ),
    passes=("completed_jika_ibu_menjadi",),
    step=step,
    setup=setup,
)
