"""Channels: following the Instagram account and joining the open Telegram group.

Rule (cheap steps spread by single contacts, domain.md):

* an aware mother who does not follow the account starts following with weekly
  probability ``follow_rate * r_i`` (``r_i`` her digital reach); a follower
  unfollows with ``unfollow_rate``. Instagram followers are a stock;
* the Telegram group is open to anyone who is interested (001): an aware mother
  who is not registered joins with ``telegram_rate * r_i``, an active or
  in-class member with ``telegram_member_rate``; a member of the group leaves
  with ``telegram_leave_rate``. Most members of the group lurk.

Parameters read: follow_rate, unfollow_rate, telegram_rate,
telegram_member_rate, telegram_leave_rate.
"""

from __future__ import annotations

import numpy as np

from .states import Stage


def _draw(rng, idx, prob):
    return idx[rng.random(idx.size) < prob]


def step(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Update followers and Telegram membership; return who followed/unfollowed/joined/left."""
    p, pop, stage = model.p, model.pop, model.stage
    aware = stage != Stage.UNAWARE
    # Instagram
    fol = model.follower
    can_follow = np.flatnonzero(aware & ~fol)
    follows = _draw(rng, can_follow, p["follow_rate"] * pop["digital_reach"][can_follow])
    unfollows = _draw(rng, np.flatnonzero(fol), p["unfollow_rate"])
    fol[follows] = True
    fol[unfollows] = False
    # Telegram
    tg = model.telegram
    leaves = _draw(rng, np.flatnonzero(tg), p["telegram_leave_rate"])
    outside = np.flatnonzero(aware & ~tg & (stage <= Stage.QUEUED))
    members = np.flatnonzero(~tg & ((stage == Stage.ACTIVE) | (stage == Stage.IN_CLASS)))
    joins = np.concatenate([
        _draw(rng, outside, p["telegram_rate"] * pop["digital_reach"][outside]),
        _draw(rng, members, p["telegram_member_rate"]),
    ])
    tg[leaves] = False
    tg[joins] = True
    model.n_followers += follows.size - unfollows.size
    model.n_telegram += joins.size - leaves.size
    return {"follows": follows, "unfollows": unfollows, "joins": joins, "leaves": leaves}
