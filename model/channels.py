"""Channels: following the Instagram account and joining the open Telegram group.

Rule (cheap steps: no reinforcement from contacts needed, unlike paying; background.md):

* an aware mother who does not follow the account starts following with weekly
  probability ``follow_rate * r_i`` (``r_i`` her digital reach); a follower
  unfollows with ``unfollow_rate``. Instagram followers are a stock;
* the Telegram group is open to anyone who is interested (001): an aware mother
  who is not registered joins with weekly probability ``telegram_rate * r_i``, an
  active or in-class member with ``telegram_member_rate`` (a dormant one not at
  all); a member of the group leaves with ``telegram_leave_rate``.
  Most members of the group lurk (model/communication.py).

Parameters read: follow_rate, unfollow_rate, telegram_rate,
telegram_member_rate, telegram_leave_rate.
"""

from __future__ import annotations

import numpy as np

from .rule import Flow, Rule, State
from .states import Stage
from .timeline import Agenda, waiting_weeks


def _schedule(model, agenda, idx: np.ndarray, prob, rng, earliest: int) -> None:
    """File ``idx`` in ``agenda`` at ``earliest - 1 +`` a geometric wait with weekly probability ``prob``."""
    if idx.size:
        prob = np.broadcast_to(np.asarray(prob, dtype=float), idx.shape)
        agenda.add(idx, earliest - 1 + waiting_weeks(rng, prob))


def setup(model, rng: np.random.Generator) -> None:
    """Empty agendas; no follower and nobody in the group yet."""
    model.channel_agendas = {k: Agenda(model.n_weeks) for k in ("follow", "unfollow", "join", "leave")}
    model.channels_seen = 0  # aware mothers already filed in the agendas
    model.n_followers = 0
    model.n_telegram = 0


def step(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Update followers and Telegram membership; return who followed/unfollowed/joined/left.

    The constant-probability events (following, unfollowing, joining from outside,
    leaving) are drawn once as waiting times and filed in agendas
    (:class:`model.timeline.Agenda`); only joining as a member, whose hazard changes
    with the member's stage, is drawn each week, over registered members only.
    """
    p, pop, week = model.p, model.pop, model.week
    ag = model.channel_agendas
    # mothers aware since the last step start waiting to follow and to join from outside
    new = model.aware_idx[model.channels_seen :]
    model.channels_seen = model.aware_idx.size
    r = pop["digital_reach"][new]
    _schedule(model, ag["follow"], new, p["follow_rate"] * r, rng, week)
    _schedule(model, ag["join"], new, p["telegram_rate"] * r, rng, week)
    # Instagram
    follows = ag["follow"].pop(week)
    unfollows = ag["unfollow"].pop(week)
    model.follower[follows] = True
    model.follower[unfollows] = False
    _schedule(model, ag["unfollow"], follows, p["unfollow_rate"], rng, week + 1)
    _schedule(model, ag["follow"], unfollows, p["follow_rate"] * pop["digital_reach"][unfollows], rng, week + 1)
    # Telegram: leavers, outsiders due to join, active or in-class members joining
    leaves = ag["leave"].pop(week)
    outside = ag["join"].pop(week)
    outside = outside[(model.stage[outside] <= Stage.QUEUED) & ~model.telegram[outside]]
    mem = model.member_idx
    st = model.stage[mem]
    # compress: numpy's boolean indexing is several times slower on dense masks like this one
    members = mem.compress(~model.telegram[mem] & ((st == Stage.ACTIVE) | (st == Stage.IN_CLASS)))
    members = members[rng.random(members.size) < p["telegram_member_rate"]]
    joins = np.concatenate([outside, members])
    model.telegram[leaves] = False
    model.telegram[joins] = True
    _schedule(model, ag["leave"], joins, p["telegram_leave_rate"], rng, week + 1)
    back_outside = leaves[model.stage[leaves] <= Stage.QUEUED]
    _schedule(model, ag["join"], back_outside, p["telegram_rate"] * pop["digital_reach"][back_outside], rng, week + 1)
    model.n_followers += follows.size - unfollows.size
    model.n_telegram += joins.size - leaves.size
    return {"followers": follows, "unfollows": unfollows, "telegram_joins": joins, "telegram_leaves": leaves}


RULE = Rule(
    name="channels",
    reads=("follow_rate", "telegram_rate", "unfollow_rate", "telegram_member_rate", "telegram_leave_rate"),
    owns=(
        State("follower", bool, False, "follows the Instagram account"),
        State("telegram", bool, False, "is in the open Telegram group"),
    ),
    flows=(
        Flow("followers", "New Instagram followers"),
        Flow("unfollows", "Instagram unfollows"),
        Flow("telegram_joins", "Joined the Telegram group"),
        Flow("telegram_leaves", "Left the Telegram group"),
    ),
    step=step,
    setup=setup,
)
