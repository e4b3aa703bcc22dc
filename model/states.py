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

import numpy as np

from .rule import State


class Stage(IntEnum):
    """A mother's stage."""

    UNAWARE = 0
    AWARE = 1
    QUEUED = 2
    ACTIVE = 3
    IN_CLASS = 4
    DORMANT = 5


class Role(IntEnum):
    """A mother's role."""

    NONE = 0
    VOLUNTEER = 1
    MANAGER = 2


# The same codes as plain ints, for comparisons with whole arrays (``stage == ACTIVE``): numpy
# takes an IntEnum member as an int64 array and casts the int8 array to int64 first, several
# times slower than with a plain int (about 30 vs 3 us on 15,000 members), for the same mask.
UNAWARE, AWARE, QUEUED, ACTIVE, IN_CLASS, DORMANT = (s.value for s in Stage)
NO_ROLE, VOLUNTEER, MANAGER = (r.value for r in Role)

REGISTERED_STAGES = (Stage.ACTIVE, Stage.IN_CLASS, Stage.DORMANT)
FREE_CLASS = 0  # programme code of the free entry class; paid programmes are 1..4
NO_CLASS = -1


# per-mother arrays several rules write (each rule declares the arrays only it writes
# in its RULE's ``owns``); the model creates them all with one row per mother
SHARED = (
    State("stage", np.int8, 0, "stage (Stage)"),
    State("role", np.int8, 0, "role (Role)"),
    State("score", np.float32, 0.0, "internalisation s_i in [0, 1]"),
    State("programme", np.int8, NO_CLASS, "class she attends: FREE_CLASS, 1..4 a paid programme, NO_CLASS"),
    State("paying", bool, False, "pays for her paid class (False: scholar)"),
    State("class_end", np.int16, 0, "week her class ends"),
    State("registered_week", np.int16, -1, "week she registered (-1: not registered)"),
    State("exposure", np.float32, 0.0, "talk weight of her aware and registered contacts"),
    State("fin_change", bool, False, "reports a financial change (paid class, scholarship or momfluencer income)"),
)
