"""Alumni: alumni classes and the yearly reunion bring alumnae back and to the next class.

001: "Kelas alumni juga diadakan untuk menjaring opini dan berbagi cerita ibu pasca
mengikuti kelas belajar" (alumni classes gather opinions and stories after the classes),
and alumnae attend "acara reuni, yakni acara refleksi bagi mereka yang pernah mengikuti
kelas Ibu Punya Mimpi" (reunions, a reflection for those who took IPM classes);
participation runs "dari satu kelas ke kelas berikutnya" (from one class to the next).

Rule, each week:

1. **Events.** An alumni class is held in weeks with ``t mod
   alumni_class_every_weeks = 0`` (0: never), the reunion in the first week of
   ``reunion_month`` every year (0: never); in a week with both, the class comes first.
2. **Attendance.** Every registered alumna (``alumna``: completed a paid class or the
   scholarship; active, in a class or dormant) attends an event with probability
   ``alumni_attendance``.
3. **Effects.** An attendee gains ``internalise_alumni * (1 - s_i)`` internalisation;
   a dormant attendee becomes active again (``reactivated_by_alumni``); the week is
   kept in ``alumni_week``, and for ``repeat_window_weeks`` after it her application
   hazard is multiplied by ``1 + alumni_enrol_boost`` (model/classes.py). An alumna
   who enrols in another paid programme is a repeat enrolment (``repeat_enrolled``,
   counted by model/classes.py).

Parameters read: alumni_class_every_weeks, reunion_month, alumni_attendance,
internalise_alumni (alumni_enrol_boost and repeat_window_weeks in model/classes.py).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from .rule import Flow, Rule, State
from .states import DORMANT, Stage

_EMPTY = np.empty(0, np.int64)


def setup(model, rng: np.random.Generator) -> None:
    """The weeks of the reunion: the first week that starts in ``reunion_month``, every year; no events yet."""
    model.alumni_events = []  # (week, attendees) of every alumni class and reunion held
    month = model.p["reunion_month"]
    # one entry per week, not per mother
    months = [(model.start_date + dt.timedelta(weeks=w)).month for w in range(model.n_weeks)]
    model.reunion_weeks = frozenset(
        w for w in range(model.n_weeks) if month and months[w] == month and (w == 0 or months[w - 1] != month)
    )


def _attend(model, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One event: who of the registered alumnae attends, and who of them was dormant and is back."""
    p = model.p
    mem = model.member_idx
    alumnae = mem.compress(model.alumna[mem])
    who = alumnae[rng.random(alumnae.size) < p["alumni_attendance"]]
    back = who[model.stage[who] == DORMANT]
    model.move(back, Stage.ACTIVE)
    s = model.score
    s[who] += p["internalise_alumni"] * (1.0 - s[who])
    model.alumni_week[who] = model.week
    model.alumni_events.append((model.week, who))
    return who, back


def attended_since(model, week: int) -> np.ndarray:
    """Who attended an alumni class or reunion in week ``week`` or later (maybe twice): ``alumni_week >= max(0, week)``.

    From the log of events, not every mother's ``alumni_week`` (model/classes.py's funnel).
    """
    recent = [who for w, who in model.alumni_events if w >= week]
    return np.concatenate(recent) if recent else _EMPTY


def step(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Hold this week's alumni class and reunion, if due; return the attendees and who came back."""
    p, week = model.p, model.week
    out = {"alumni_class_attendees": _EMPTY, "reunion_attendees": _EMPTY, "reactivated_by_alumni": _EMPTY}
    back = []
    every = p["alumni_class_every_weeks"]
    if every and week % every == 0:
        out["alumni_class_attendees"], b = _attend(model, rng)
        back.append(b)
    if week in model.reunion_weeks:
        out["reunion_attendees"], b = _attend(model, rng)
        back.append(b)
    if back:
        out["reactivated_by_alumni"] = np.concatenate(back)
    return out


RULE = Rule(
    name="alumni",
    reads=("alumni_class_every_weeks", "reunion_month", "alumni_attendance", "internalise_alumni"),
    owns=(State("alumni_week", np.int16, -1, "week she last attended an alumni class or reunion (-1: never)"),),
    flows=(
        Flow("alumni_class_attendees", "Alumni class attendees", cumulative=True),
        Flow("reunion_attendees", "Reunion attendees", cumulative=True),
        Flow("reactivated_by_alumni", "Came back from dormancy at an alumni event", cumulative=True),
    ),
    step=step,
    setup=setup,
)
