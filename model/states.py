"""State codes shared by the rules (kept in int8 arrays, one entry per mother).

A mother is in exactly one **stage** at a time (headcounts over stages sum to
``n_mothers``):

* ``UNAWARE``: not reached yet;
* ``AWARE``: knows the community (may follow Instagram or sit in Telegram);
* ``QUEUED``: wants to join and waits for the next free-class cohort;
* ``ACTIVE``: registered member, not in a class;
* ``IN_CLASS``: registered member attending the free class or a paid class;
* ``DORMANT``: registered member who drifted away or dropped out.

Registered = ACTIVE + IN_CLASS + DORMANT. Independent of the stage, a mother has
a **role** (none, volunteer, manager) and flags (follower, Telegram member,
alumna, scholar, financial change, parenting change).
"""

from enum import IntEnum


class Stage(IntEnum):
    UNAWARE = 0
    AWARE = 1
    QUEUED = 2
    ACTIVE = 3
    IN_CLASS = 4
    DORMANT = 5


class Role(IntEnum):
    NONE = 0
    VOLUNTEER = 1
    MANAGER = 2


REGISTERED_STAGES = (Stage.ACTIVE, Stage.IN_CLASS, Stage.DORMANT)
FREE_CLASS = 0  # programme code of the free entry class; paid programmes are 1..4
NO_CLASS = -1
