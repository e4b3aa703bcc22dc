"""Scholarship: the business scholarship (Beasiswa Bisnis) takes batches into Ibu Pebisnis.

Rule: ``scholarship_batches`` batches, the first in ``scholarship_start``, then
every ``scholarship_every_weeks`` (observed: 6 batches of 15-20 by 2024). At a
batch, candidates are active members with internalisation ``s_i >=
enrol_threshold`` (and above 0) who are not scholars already, have not done Ibu
Pebisnis and have not applied elsewhere;
``scholarship_batch_size`` of them are selected at random with weight ``s_i *
need_i`` (``need_i = 1 - wtp_i / wtp_max``: the scholarship favours mothers who
cannot pay) and start an Ibu Pebisnis cohort free of charge. Their completion
and outcomes follow model/progress.py (financial change with
``scholarship_financial_effect``). Scholars are not paying learners, so they do
not count in the completion rate. The step also passes how many candidates there
were (``scholarship_candidates``: a batch fills when there are at least
``scholarship_batch_size``; model/capacity.py's report).

Parameters read: scholarship_batches, scholarship_batch_size,
scholarship_start, scholarship_every_weeks, enrol_threshold, wtp_max.
"""

from __future__ import annotations

import numpy as np

from . import classes
from .parameters import PROGRAMMES
from .rule import Flow, Rule, State
from .states import ACTIVE, NO_CLASS

IBU_PEBISNIS = PROGRAMMES.index("ibu_pebisnis")


def step(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Select this week's batch, if one is due; return the new scholars."""
    p = model.p
    if model.week not in model.scholarship_weeks or p["scholarship_batch_size"] == 0:
        return {"scholars": np.empty(0, np.int64), "scholarship_candidates": 0}
    mem = model.member_idx
    cand = mem[
        (model.member_stage == ACTIVE)  # model.stage[mem], kept in member order
        & ~model.scholar[mem]
        & (model.applied[mem] == NO_CLASS)
        & ((model.done[mem] >> IBU_PEBISNIS) & 1 == 0)
    ]
    s = model.score[cand]
    cand, s = cand[s >= p["enrol_threshold"]], s[s >= p["enrol_threshold"]]
    need = 1.0 - model.pop["wtp"][cand] / p["wtp_max"] if p["wtp_max"] > 0 else np.ones(cand.size)
    w = s * np.clip(need, 1e-6, 1.0)
    cand, w = cand[w > 0], w[w > 0]  # a mother with score 0 is never selected
    n = min(p["scholarship_batch_size"], cand.size)
    if n == 0:
        return {"scholars": np.empty(0, np.int64), "scholarship_candidates": cand.size}
    chosen = rng.choice(cand, size=n, replace=False, p=w / w.sum())
    model.scholar[chosen] = True
    classes.enrol(model, chosen, IBU_PEBISNIS, paying=False)
    return {"scholars": chosen, "scholarship_candidates": cand.size}


RULE = Rule(
    name="scholarship",
    reads=("scholarship_batch_size", "enrol_threshold", "wtp_max"),
    owns=(State("scholar", bool, False, "selected for the business scholarship"),),
    flows=(Flow("scholars", "New scholars", cumulative=True),),
    step=step,
    passes=("scholarship_candidates",),  # how many could have been chosen (model/capacity.py's report)
)
