"""Volunteering: engaged members answer volunteer calls and add facilitation capacity.

Rule: with ``volunteering`` on, every ``volunteer_call_every_weeks`` the
community calls for volunteers (hosting events, moderating, 001). Candidates are
active members with no role, internalisation ``s_i >= volunteer_threshold`` (and above 0) and,
with ``volunteer_entry`` off, at least one completed class (free or paid); with it on,
volunteering is a way in (001: the entry class and the volunteer programme are the
"kelas pembuka", the opening class) and no completed class is needed. Up to
``volunteer_call_size`` are taken at random with weight ``s_i``; those who have not
completed a paid class are counted (``volunteers_before_paid``), and apply to paid
classes more readily (``volunteer_enrol_boost``, model/classes.py). A volunteer supports
``volunteer_capacity`` learners (model/progress.py). Each week a volunteer steps
down with probability ``volunteer_quit_rate``, and at once if she went dormant.
Volunteering is a role of the same mother: she keeps her history (and her
tenure, should she volunteer again). Promotion to the management team is
model/promotion.py.

Parameters read: volunteering, volunteer_call_every_weeks, volunteer_call_size,
volunteer_threshold, volunteer_quit_rate, volunteer_entry.
"""

from __future__ import annotations

import numpy as np

from . import capacity
from .rule import Flow, Rule
from .states import ACTIVE, DORMANT, NO_ROLE, VOLUNTEER, Role


def step(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Volunteers step down; a call, when due, takes new ones; return who."""
    p = model.p
    team = capacity.team(model)  # everyone who has held a role, in member order: the few to look at
    vol = team[model.role[team] == VOLUNTEER]
    quit_ = vol[(model.stage[vol] == DORMANT) | (rng.random(vol.size) < p["volunteer_quit_rate"])]
    model.set_role(quit_, Role.NONE)
    joined = np.empty(0, np.int64)
    if p["volunteering"] and model.week % p["volunteer_call_every_weeks"] == 0 and p["volunteer_call_size"]:
        mem = model.member_idx
        ok = (
            (model.member_stage == ACTIVE)  # model.stage[mem], kept in member order
            & (model.role[mem] == NO_ROLE)
            & (model.score[mem] >= p["volunteer_threshold"])
            & (model.score[mem] > 0)
        )
        if not p["volunteer_entry"]:
            ok &= model.classes_done[mem] > 0
        cand = mem[ok]
        n = min(p["volunteer_call_size"], cand.size)
        if n:
            w = model.score[cand].astype(float)
            joined = rng.choice(cand, size=n, replace=False, p=w / w.sum())
            model.set_role(joined, Role.VOLUNTEER)
            capacity.add_to_team(model, joined)
    before_paid = joined[model.done[joined] == 0]  # no completed paid class (volunteering as a way in)
    return {"volunteers": joined, "volunteers_before_paid": before_paid, "volunteers_quit": quit_}


RULE = Rule(
    name="volunteering",
    reads=(
        "volunteer_quit_rate",
        "volunteering",
        "volunteer_call_every_weeks",
        "volunteer_call_size",
        "volunteer_threshold",
        "volunteer_entry",
    ),
    flows=(
        Flow("volunteers", "New volunteers (calls answered)", cumulative=True),
        Flow("volunteers_before_paid", "New volunteers without a completed paid class", cumulative=True),
        Flow("volunteers_quit", "Volunteers who stepped down"),
    ),
    step=step,
)
