"""The rule interface: what every rule module declares, in one place.

A rule is one module of ``model/`` (``awareness.py``, ``channels.py``, ...) that
declares, at module level, one :class:`Rule`::

    RULE = Rule(
        name="happy_hour",                      # also the name of its random stream
        reads=("happy_hour", "happy_hour_every_weeks", ...),   # parameters it reads
        owns=(State("attended", np.int16, -1, "week of her last Happy Hour"),),
        flows=(Flow("happy_hour_attendees", "Happy Hour attendees", "mothers"),),
        step=step,                              # step(model, rng) -> {flow name: who changed}
    )

``step(model, rng)`` runs the rule for one week with the rule's own random stream
(keyed by the rule's name, :meth:`CommunityModel.stream`) and returns who changed:
for each declared flow, an index array of the mothers it moved (counted by its
size) or a number (counts and amounts that are not people: campaigns, Rp). The
model counts the flows (``new_<flow>`` each week, ``cum_<flow>`` running totals
for flows declared ``cumulative``) from those returns; later rules in the same week
read earlier rules' returns as ``model.changed[flow]``.

:data:`model.rules.RULES` is the ordered tuple of rules one step runs; its order is
the step order written in ``model/community.py``'s docstring (a test checks both).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np


@dataclass(frozen=True)
class State:
    """A per-mother state array a rule owns: created by the model with ``n_mothers`` rows."""

    name: str
    dtype: Any
    fill: Any
    help: str

    def make(self, n: int) -> np.ndarray:
        """A new array of ``n`` rows filled with ``fill``."""
        return np.full(n, self.fill, dtype=self.dtype)


@dataclass(frozen=True)
class Flow:
    """Something a rule counts each week: ``new_<name>`` (and ``cum_<name>`` if ``cumulative``)."""

    name: str
    label: str
    unit: str = "mothers"
    cumulative: bool = False


@dataclass(frozen=True)
class Rule:
    """One rule: its name, the parameters it reads, the state it owns, its flows and its step."""

    name: str
    reads: tuple[str, ...]
    step: Callable[..., dict[str, Any]]
    owns: tuple[State, ...] = ()
    flows: tuple[Flow, ...] = ()
    doc: str = field(default="", compare=False)
