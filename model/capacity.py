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

Parameters read: n_admins and admin_capacity (through the Admin agents),
volunteer_weight, places_scale_with_team, prompt_reach, manager_capacity,
volunteer_capacity.
"""

from __future__ import annotations

from .states import Role


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
