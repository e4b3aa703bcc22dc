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

The dormancy and reactivation draws pick candidates by skip sampling at a bound on
the chance and keep each with her chance over the bound (thinning): the same
distribution as one uniform per member, at the cost of the few picked.

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

from . import capacity, channels, classes, timeline
from .rule import Flow, Rule
from .states import ACTIVE, DORMANT, Stage

TELEGRAM_REACTIVATION = 2.0  # assumed: still being in the group doubles the chance to come back


def step(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Update scores; move members between active and dormant; return who moved."""
    p, s = model.p, model.score
    mem = model.member_idx
    # stage, tg: model.stage[mem] and model.telegram[mem], kept in member order (no gathers)
    stage, tg = model.member_stage, channels.member_telegram(model)
    # subsets by compress, not mem[mask]: numpy's boolean indexing is several times
    # slower on masks that are about half true, like these
    active, dormant_mask = stage == ACTIVE, stage == DORMANT
    prompted = mem.compress(tg & ~dormant_mask)  # active or in a class: members have no other stage
    # s += c (1 - s) for the prompted, their scores looked up once (the same float32 values as s[prompted] += ...)
    c = p["internalise_prompt"] * capacity.prompt_share(model, prompted.size)
    sp = s[prompted]
    sp += c * (1.0 - sp)
    s[prompted] = sp
    dormant = mem.compress(dormant_mask)
    s[dormant] *= 1.0 - p["internalise_decay"]
    # idle: active with no pending application; the few applicants (model/classes.py's agenda)
    # are taken out of the active by their member positions, not by every member's ``applied``
    active[model.member_rank[classes.applicants(model)]] = False
    idle = mem.compress(active)
    # Thinning: each chance is at most a bound (scores are in [0, 1], ties and tie_retention are
    # not negative), so a mother is first picked with the bound's probability (skip sampling,
    # timeline.chosen: a cost of the picked, not of every member), then kept with chance / bound
    # (u * bound < chance): in all, with her chance, independently of the others.
    ties = model.net_ties if p["tie_retention"] > 0 else None
    top = 1.0 if ties is None else 1.0 + p["tie_retention"] * model.net_ties_max  # kept by model/interaction.py
    bound = min(1.0, p["reactivation_rate"] * TELEGRAM_REACTIVATION * top)
    who = dormant[timeline.chosen(rng, dormant.size, bound)]
    u = rng.random(who.size) * bound
    back_p = p["reactivation_rate"] * np.where(model.telegram[who], TELEGRAM_REACTIVATION, 1.0)
    if ties is not None:  # bonds: community ties keep members and bring them back
        back_p = back_p * (1.0 + p["tie_retention"] * ties[who])
    back = who[u < back_p]
    bound = min(1.0, p["dormancy_rate"])
    who = idle[timeline.chosen(rng, idle.size, bound)]
    u = rng.random(who.size) * bound
    drift_p = p["dormancy_rate"] * (1.0 - s[who])
    if ties is not None:
        drift_p = drift_p / (1.0 + p["tie_retention"] * ties[who])
    drift = who[u < drift_p]
    model.move(drift, Stage.DORMANT)
    model.move(back, Stage.ACTIVE)
    return {"dormant": drift, "reactivated": back}


RULE = Rule(
    name="engagement",
    reads=("internalise_prompt", "internalise_decay", "reactivation_rate", "dormancy_rate", "tie_retention"),
    flows=(Flow("dormant", "Went dormant"), Flow("reactivated", "Came back from dormancy")),
    step=step,
)
