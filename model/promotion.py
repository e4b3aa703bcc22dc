"""Promotion: volunteers gain tenure and a track record; the best join the management team.

Rule, each week:

1. **Track record.** Every volunteer's ``tenure`` grows by one week and her
   ``performance`` is a moving average (``PERFORMANCE_MEMORY``) of her weekly
   contribution, a draw around her internalisation ``s_i`` (uniform on
   ``[0.5 s_i, 1.5 s_i]``, capped at 1): committed volunteers host and moderate better.
2. **Leaving.** A manager leaves the team (burns out) with weekly probability
   ``manager_leave_rate``, and at once if she went dormant; she becomes an
   ordinary member again and keeps her history.
3. **Vacancies.** The team's target size is ``min(team_max, max(n_admins,
   round(team_per_1000_members * registered / 1000)))`` founders and managers.
   Each free seat is filled by the volunteer with the best performance among those
   with at least ``promotion_min_tenure_weeks`` of tenure who are not dormant. A
   promotion is a role change of the same mother (volunteer → manager): she keeps
   her history and her tenure.

Parameters read: team_per_1000_members, team_max, promotion_min_tenure_weeks,
manager_leave_rate, n_admins (through the Admin agents).
"""

from __future__ import annotations

import numpy as np

from . import capacity
from .rule import Flow, Rule, State
from .states import DORMANT, MANAGER, VOLUNTEER, Role

PERFORMANCE_MEMORY = 0.9  # assumed: a track record reflects roughly the last ten weeks


def target_team(model) -> int:
    """The team's target size (founders and managers)."""
    p = model.p
    want = int(round(p["team_per_1000_members"] * model.registered / 1000.0))
    return min(p["team_max"], max(len(model.admins), want))


def step(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Update track records, let managers leave, fill vacancies; return who was promoted or left."""
    p = model.p
    team = capacity.team(model)  # everyone who has held a role, in member order: the few to look at
    role = model.role[team]
    vol = team[role == VOLUNTEER]
    model.tenure[vol] += 1
    s = model.score[vol]
    contribution = np.minimum(1.0, s * rng.uniform(0.5, 1.5, vol.size))
    model.performance[vol] = PERFORMANCE_MEMORY * model.performance[vol] + (1 - PERFORMANCE_MEMORY) * contribution

    man = team[role == MANAGER]
    left = man[(model.stage[man] == DORMANT) | (rng.random(man.size) < p["manager_leave_rate"])]
    model.set_role(left, Role.NONE)

    vacancies = target_team(model) - len(model.admins) - (man.size - left.size)
    promoted = np.empty(0, np.int64)
    if vacancies > 0 and vol.size:
        ok = (model.tenure[vol] >= p["promotion_min_tenure_weeks"]) & (model.stage[vol] != DORMANT)
        cand = vol[ok]
        order = np.lexsort((cand, -model.performance[cand]))  # best first; ties by index
        promoted = cand[order[:vacancies]]
        model.set_role(promoted, Role.MANAGER)
    return {"promotions": promoted, "managers_left": left}


RULE = Rule(
    name="promotion",
    reads=("team_per_1000_members", "team_max", "manager_leave_rate", "promotion_min_tenure_weeks"),
    owns=(
        State("tenure", np.int16, 0, "weeks served as a volunteer"),
        State("performance", np.float32, 0.0, "volunteer track record"),
    ),
    flows=(Flow("promotions", "Promoted to manager", cumulative=True), Flow("managers_left", "Managers who left")),
    step=step,
)
