"""Happy Hour: offline meetups of members in the same province.

Rule: with ``happy_hour`` on, every ``happy_hour_every_weeks`` a Happy Hour is held
in every province with at least ``happy_hour_min_members`` active members (001:
members "yang berada dalam satu wilayah dapat bertemu"). Each active member there
attends with probability ``happy_hour_attendance``. Meeting face to face binds
members ("mengikat", 001): an attendee gains ``happy_hour_boost * (1 - s_i)``
internalisation, which lowers her chance of going dormant (model/engagement.py).
Attendees talk with each other: the user-to-user events of the offline channel
(model/communication.py).

Parameters read: happy_hour, happy_hour_every_weeks, happy_hour_min_members,
happy_hour_attendance, happy_hour_boost.
"""

from __future__ import annotations

import numpy as np

from .rule import Flow, Rule
from .states import ACTIVE


def step(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Hold this round's meetups, if due; return the attendees."""
    p = model.p
    if not p["happy_hour"] or model.week % p["happy_hour_every_weeks"] != p["happy_hour_every_weeks"] - 1:
        return {"happy_hour_attendees": np.empty(0, np.int64)}
    mem = model.member_idx
    active = mem.compress(model.member_stage == ACTIVE)  # model.stage[mem], kept in member order
    prov = model.pop["prov"][active]
    counts = np.bincount(prov, minlength=len(model.prov_members))
    held = counts >= p["happy_hour_min_members"]
    attendees = active[held[prov] & (rng.random(active.size) < p["happy_hour_attendance"])]
    s = model.score
    s[attendees] += p["happy_hour_boost"] * (1.0 - s[attendees])
    return {"happy_hour_attendees": attendees}


RULE = Rule(
    name="happy_hour",
    reads=(
        "happy_hour",
        "happy_hour_every_weeks",
        "happy_hour_min_members",
        "happy_hour_attendance",
        "happy_hour_boost",
    ),
    flows=(Flow("happy_hour_attendees", "Happy Hour attendees"),),
    step=step,
)
