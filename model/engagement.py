"""Engagement: internalisation grows with prompts, fades in dormancy; members drift and return.

Berger & Luckmann's cycle, in a score ``s_i`` in [0, 1] per member
(internalisation of the "empowered mother" identity): the community
externalises (classes, content), objectivates (shared vocabulary), and members
internalise. Class completions raise ``s_i`` (model/progress.py); this rule adds:

* **prompts**: an active or in-class member in the Telegram group, where admins
  post prompting questions (001), gains ``internalise_prompt * share * (1 - s_i)``
  a week, where ``share = min(1, F * prompt_reach / prompted members)`` and ``F``
  is the team's facilitation capacity (model/capacity.py): a bigger team keeps more
  members talking;
* **fading**: a dormant member loses a share ``internalise_decay`` of ``s_i`` a week;
* **dormancy**: an active member not in a class and with no pending application
  becomes dormant with weekly probability ``dormancy_rate * (1 - s_i)``;
* **reactivation**: a dormant member returns to active with weekly probability
  ``reactivation_rate``, times ``TELEGRAM_REACTIVATION`` (2) if she is still in
  the Telegram group (admin prompts, alumni classes, reunions reach her there).

With ``tie_retention`` above 0, a member's community ties (formed through
exchanges, model/interaction.py) keep her: her dormancy chance is divided, and her
reactivation chance multiplied, by ``1 + tie_retention * net_ties_i`` (bond-based
commitment: members with personal ties to others stay longer and are drawn back;
Ren, Kraut & Kiesler 2007, background.md).

Parameters read: tie_retention, internalise_prompt, internalise_decay, dormancy_rate,
reactivation_rate (and, through model/capacity.py, prompt_reach, volunteer_weight and
n_admins).
"""

from __future__ import annotations

import numpy as np

from . import capacity, classes
from .rule import Flow, Rule
from .states import ACTIVE, DORMANT, Stage

TELEGRAM_REACTIVATION = 2.0  # assumed: still being in the group doubles the chance to come back


def step(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Update scores; move members between active and dormant; return who moved."""
    p, s = model.p, model.score
    mem = model.member_idx
    stage, tg = model.member_stage, model.telegram[mem]  # stage: model.stage[mem], kept in member order
    # subsets by compress, not mem[mask]: numpy's boolean indexing is several times
    # slower on masks that are about half true, like these
    active, dormant_mask = stage == ACTIVE, stage == DORMANT
    prompted = mem.compress(tg & ~dormant_mask)  # active or in a class: members have no other stage
    s[prompted] += p["internalise_prompt"] * capacity.prompt_share(model, prompted.size) * (1.0 - s[prompted])
    dormant = mem.compress(dormant_mask)
    s[dormant] *= 1.0 - p["internalise_decay"]
    # idle: active with no pending application; the few applicants (model/classes.py's agenda)
    # are taken out of the active by their member positions, not by every member's ``applied``
    active[model.member_rank[classes.applicants(model)]] = False
    idle = mem.compress(active)
    u_back, u_drift = rng.random(dormant.size), rng.random(idle.size)
    # Few draws pass, so each chance is computed only where the draw is below a bound it
    # cannot exceed (scores are in [0, 1], ties and tie_retention are not negative); the
    # same arithmetic, element by element, as computing it for everyone.
    ties = model.net_ties if p["tie_retention"] > 0 else None
    top = 1.0 if ties is None else 1.0 + p["tie_retention"] * model.net_ties_max  # kept by model/interaction.py
    maybe = np.flatnonzero(u_back < _above(p["reactivation_rate"] * TELEGRAM_REACTIVATION * top))
    who = dormant[maybe]
    back_p = p["reactivation_rate"] * np.where(model.telegram[who], TELEGRAM_REACTIVATION, 1.0)
    if ties is not None:  # bonds: community ties keep members and bring them back
        back_p = back_p * (1.0 + p["tie_retention"] * ties[who])
    back = who[u_back[maybe] < back_p]
    maybe = np.flatnonzero(u_drift < _above(p["dormancy_rate"]))
    who = idle[maybe]
    drift_p = p["dormancy_rate"] * (1.0 - s[who])
    if ties is not None:
        drift_p = drift_p / (1.0 + p["tie_retention"] * ties[who])
    drift = who[u_drift[maybe] < drift_p]
    model.move(drift, Stage.DORMANT)
    model.move(back, Stage.ACTIVE)
    return {"dormant": drift, "reactivated": back}


def _above(bound: float) -> float:
    """A little above ``bound``: room for the rounding of the float32 and float64 arithmetic of a chance."""
    return bound * (1.0 + 1e-6)


RULE = Rule(
    name="engagement",
    reads=("internalise_prompt", "internalise_decay", "reactivation_rate", "dormancy_rate", "tie_retention"),
    flows=(Flow("dormant", "Went dormant"), Flow("reactivated", "Came back from dormancy")),
    step=step,
)
