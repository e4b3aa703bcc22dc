"""The rule interface: what every rule module declares, in one place.

A rule is one module of ``model/`` (``awareness.py``, ``channels.py``, ...) that
declares, at its end, one :class:`Rule`::

    RULE = Rule(
        name="happy_hour",                      # the module's name; also its random stream's
        reads=("happy_hour", "happy_hour_every_weeks", ...),   # parameters the module reads
        owns=(State("attended", np.int16, -1, "week of her last Happy Hour"),),
        flows=(Flow("happy_hour_attendees", "Happy Hour attendees"),),
        step=step,                              # step(model, rng) -> {flow name: who changed}
    )

``step(model, rng)`` runs the rule for one week with the rule's own random stream
(``model.stream(rule.name)``, keyed by the name: see
:meth:`ibusim.model.community.CommunityModel.stream`) and returns who changed: for
each declared flow, an index array of the mothers it moved (counted by its size)
or a number (counts and amounts that are not people: campaigns, Rp). The model
counts the flows (``new_<flow>`` each week; ``cum_<flow>``, the running total, for
flows declared ``cumulative``) from those returns. A step may also return
same-week data for later rules that is not counted; it declares those keys in
``passes``. Later rules in the same week read what earlier rules returned as
``model.changed[key]``.

``owns`` are the per-mother arrays only this rule's module writes; the model
creates them (one row per mother) before the first step. Arrays several rules
write (``stage``, ``score``, ...) are declared once in ``model/states.py``.
``setup(model, rng)``, if given, runs once after the population, the ties and the
founders' circles exist (for state that is drawn, or that is not a per-mother
array), with the same stream as the step.

:data:`ibusim.model.rules.RULES` is the ordered tuple of rules one step runs; its
order is the step order written in ``model/community.py``'s docstring (a test
checks both).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np


@dataclass(frozen=True)
class State:
    """A per-mother state array: created by the model with ``n_mothers`` rows filled with ``fill``."""

    name: str
    dtype: Any
    fill: Any
    help: str

    def make(self, n: int) -> np.ndarray:
        """A new array of ``n`` rows filled with ``fill``.

        Zero-filled ones come from ``np.zeros``: the system hands out zeroed memory as it is first
        written, so an array written only for the few mothers a rule concerns costs no pass over
        every mother.
        """
        if self.fill == 0:
            return np.zeros(n, dtype=self.dtype)
        return np.full(n, self.fill, dtype=self.dtype)


@dataclass(frozen=True)
class Flow:
    """Something a rule counts each week: ``new_<name>`` (and ``cum_<name>`` if ``cumulative``).

    ``dtype`` is ``int`` for counts (of mothers, campaigns, events) and ``float`` for amounts (Rp).
    """

    name: str
    label: str
    unit: str = "mothers"
    cumulative: bool = False
    dtype: type = int


@dataclass(frozen=True)
class Rule:
    """One rule: its name, the parameters it reads, the state it owns, its flows and its step."""

    name: str
    reads: tuple[str, ...]
    step: Callable[[Any, np.random.Generator], dict[str, Any]]
    owns: tuple[State, ...] = ()
    flows: tuple[Flow, ...] = ()
    passes: tuple[str, ...] = ()
    setup: Callable[[Any, np.random.Generator], None] | None = None


def per_programme(*suffixes: str) -> tuple[str, ...]:
    """Parameter names ``<prog>_<suffix>`` for every paid programme, suffix by suffix."""
    from .parameters import PROGRAMMES

    return tuple(f"{prog}_{s}" for s in suffixes for prog in PROGRAMMES)
