"""Channels: following the Instagram account and joining the open Telegram group.

Rule (cheap steps: no reinforcement from contacts needed, unlike paying; domain.md):

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
    p, pop = model.p, model.pop
    aware = model.aware_idx  # nobody outside it can follow or join
    stage, r = model.stage[aware], pop["digital_reach"][aware]
    # Instagram
    fol = model.follower[aware]
    follows = _draw(rng, aware[~fol], p["follow_rate"] * r[~fol])
    unfollows = _draw(rng, aware[fol], p["unfollow_rate"])
    model.follower[follows] = True
    model.follower[unfollows] = False
    # Telegram
    tg = model.telegram[aware]
    leaves = _draw(rng, aware[tg], p["telegram_leave_rate"])
    outside = ~tg & (stage <= Stage.QUEUED)
    members = ~tg & ((stage == Stage.ACTIVE) | (stage == Stage.IN_CLASS))
    joins = np.concatenate([
        _draw(rng, aware[outside], p["telegram_rate"] * r[outside]),
        _draw(rng, aware[members], p["telegram_member_rate"]),
    ])
    model.telegram[leaves] = False
    model.telegram[joins] = True
    model.n_followers += follows.size - unfollows.size
    model.n_telegram += joins.size - leaves.size
    return {"follows": follows, "unfollows": unfollows, "joins": joins, "leaves": leaves}
