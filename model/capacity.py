"""Team capacity: volunteers and managers let the community do more.

The facilitation capacity in founder-equivalents is

    F = n_admins + managers + volunteer_weight * volunteers

and the relative capacity ``R = F / n_admins`` (1 with the founders alone; with no
founders, ``R = 1 + F``). It feeds back into growth in four places:

* **more classes and cohorts**: free-class and paid-cohort places are
  ``places * (1 + places_scale_with_team * (R - 1))`` (model/onboarding.py,
  model/classes.py);
* **more facilitation**: prompts reach at most ``F * prompt_reach`` group members a
  week; when more are in the groups each gains proportionally less
  (model/engagement.py);
* **more content**: each volunteer and manager adds ``volunteer_posts_per_week``
  Instagram posts (model/awareness.py);
* more **support** in paid classes: ``sum of admin capacities +
  managers * manager_capacity + volunteers * volunteer_capacity`` learners
  (model/progress.py).

With volunteering off nobody becomes a volunteer or a manager, so capacity stays
at the founders' level (``R = 1``).

Where capacity binds (:func:`run_report`, not a rule: it steps a model to its end
and draws nothing itself): at every paid cohort start it notes the applicants (the
active members whose application to the programme is pending when the week
begins: exactly those the intake sees) and the places, and after the week the
admitted; the same for the free class (admitted plus those still queued after the
admission) and the scholarship batches (candidates and batch size). A cohort is
*full* when it admits as many as it has places; applicants beyond the places are
*turned away* (they return to active and may apply again: the waiting list).

The team (for the rules that keep a few mothers on an agenda instead of passing over every
member each week): :func:`team`, everyone who has held a role, in member order (the model keeps
the member order: ``model.member_rank``, ``model.member_stage``, ``model.in_member_order``).

Parameters read: n_admins and admin_capacity (through the Admin agents),
volunteer_weight, places_scale_with_team, prompt_reach, manager_capacity,
volunteer_capacity; in the report the ``<prog>_places`` family, free_class,
free_class_size, free_class_every_weeks, scholarship_batch_size.
"""

from __future__ import annotations

import numpy as np

from .states import Role, Stage

_EMPTY = np.empty(0, np.int64)


def facilitators(model) -> float:
    """F: the team's facilitation capacity in founder-equivalents."""
    return len(model.admins) + model.n_role(Role.MANAGER) + model.p["volunteer_weight"] * model.n_role(Role.VOLUNTEER)


def relative(model) -> float:
    """R: capacity relative to the founders alone (1 = founders' level)."""
    founders = len(model.admins)
    f = facilitators(model)
    return f / founders if founders else 1.0 + f


def places(model, base: int) -> int:
    """Cohort places for a programme declared with ``base`` places."""
    if base == 0:
        return 0
    return int(round(base * (1.0 + model.p["places_scale_with_team"] * (relative(model) - 1.0))))


def prompt_share(model, n_prompted: int) -> float:
    """Share of the full prompt effect each group member gets this week."""
    if n_prompted == 0:
        return 0.0
    return min(1.0, facilitators(model) * model.p["prompt_reach"] / n_prompted)


def support(model) -> float:
    """Learners in paid classes the team can support."""
    p = model.p
    return (
        sum(a.capacity for a in model.admins)
        + model.n_role(Role.MANAGER) * p["manager_capacity"]
        + model.n_role(Role.VOLUNTEER) * p["volunteer_capacity"]
    )


def team(model) -> np.ndarray:
    """Every mother who has held a role (volunteer or manager), now or before, in member order.

    Only model/volunteering.py gives a mother a role (model/promotion.py makes volunteers
    managers) and calls :func:`add_to_team`; the rules find the volunteers and managers
    among these few instead of looking at every member's role.
    """
    return getattr(model, "_team", _EMPTY)


def add_to_team(model, idx: np.ndarray) -> None:
    """Note that mothers ``idx`` (members) hold a role now (see :func:`team`)."""
    if idx.size == 0:
        return
    model._team = model.in_member_order(team(model), idx)


def run_report(model) -> dict[str, dict[str, float]]:
    """Run ``model`` to its end, noting each cohort's applicants and places; return :func:`summarise`'s table.

    Draws no random numbers and changes nothing: the run is the same as ``model.run()``.
    """
    p = model.p
    rows = []  # (programme, week, applicants, places, admitted); the paid cohorts come from model.cohort_log
    while model.running:
        week = model.week
        free = p["free_class"] and p["free_class_size"] > 0 and week % p["free_class_every_weeks"] == 0
        free_places = places(model, p["free_class_size"]) if free else 0
        batch = week in model.scholarship_weeks and p["scholarship_batch_size"] > 0
        model.step()
        ch = model.changed
        if free:
            admitted = ch["free_class_starts"].size
            rows.append(("free_class", week, admitted + int(model.counts[Stage.QUEUED]), free_places, admitted))
        if batch:
            n = ch["scholarship_candidates"]
            rows.append(("scholarship", week, n, p["scholarship_batch_size"], ch["scholars"].size))
    model.capacity_log = rows = list(model.cohort_log) + rows  # the paid cohorts, logged by model/classes.py
    return summarise(rows)


def summarise(rows) -> dict[str, dict[str, float]]:
    """Per programme (and ``free_class``, ``scholarship``): cohorts run, cohorts full, mean fill, turned away.

    ``rows`` are ``(programme, week, applicants, places, admitted)``, one per cohort start. Figures:
    ``cohorts`` (with places), ``full`` (admitted all its places), ``mean_fill`` (admitted / places),
    ``applicants``, ``admitted``, ``turned_away`` (applicants beyond the places, summed over cohorts),
    ``max_pressure`` (the largest applicants / places) and ``peak_waiting`` (the most turned away at one
    cohort); ``first_full_week``, the first week a cohort filled (-1: none did).
    """
    out = {}
    for name in dict.fromkeys(r[0] for r in rows):
        mine = [r for r in rows if r[0] == name and r[3] > 0]
        if not mine:
            continue
        apps = np.array([r[2] for r in mine], float)
        pl = np.array([r[3] for r in mine], float)
        adm = np.array([r[4] for r in mine], float)
        full = adm >= pl
        out[name] = {
            "cohorts": len(mine),
            "full": int(full.sum()),
            "mean_fill": float((adm / pl).mean()),
            "applicants": int(apps.sum()),
            "admitted": int(adm.sum()),
            "turned_away": int(np.maximum(apps - pl, 0).sum()),
            "max_pressure": float((apps / pl).max()),
            "peak_waiting": int(np.maximum(apps - pl, 0).max()),
            "first_full_week": int(mine[int(np.argmax(full))][1]) if full.any() else -1,
        }
    return out
