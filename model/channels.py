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

The group's members are also kept as a list in ``aware_idx`` order (:func:`telegram_group`),
and the members' flags in member order (:func:`member_telegram`), both updated from each
week's joins and leaves (this rule is the only one that changes the group), so the rules that
need the group (model/communication.py's Telegram talk, the members who may join here) read
them without a pass over every mother's flag or a gather of every member's.

Parameters read: follow_rate, unfollow_rate, telegram_rate,
telegram_member_rate, telegram_leave_rate.
"""

from __future__ import annotations

import numpy as np

from .patterns import insert_sorted
from .rule import Flow, Rule, State
from .states import Stage
from .timeline import Agenda, chosen, waiting_weeks


def _schedule(rng: np.random.Generator, earliest: int, *filings) -> None:
    """File each ``(agenda, idx, prob)`` at ``earliest - 1 +`` a geometric wait with weekly probability ``prob``.

    One draw call for all the filings: the same waits, in the same order, as one call per filing.
    """
    filings = [f for f in filings if f[1].size]
    if not filings:
        return
    # one probability per mother filed (float32 ones made float by waiting_weeks, as before), or a constant
    prob = np.concatenate([p if isinstance(p, np.ndarray) else np.full(idx.size, p) for _, idx, p in filings])
    due = waiting_weeks(rng, prob)
    due += earliest - 1
    lo = 0
    for agenda, idx, _ in filings:
        agenda.add(idx, due[lo : lo + idx.size])
        lo += idx.size


# numpy compares an int8 array with an IntEnum member more slowly (it converts the member first): a plain int
_QUEUED = int(Stage.QUEUED)

# stages whose members join the group with telegram_member_rate (a table: one gather instead of two comparisons)
_JOIN_AS_MEMBER = np.zeros(len(Stage), bool)
_JOIN_AS_MEMBER[[Stage.ACTIVE, Stage.IN_CLASS]] = True


def setup(model, rng: np.random.Generator) -> None:
    """Empty agendas; no follower and nobody in the group yet."""
    model.channel_agendas = {k: Agenda(model.n_weeks) for k in ("follow", "unfollow", "join", "leave")}
    model.channels_seen = 0  # aware mothers already filed in the agendas
    model.n_followers = 0
    model.n_telegram = 0
    # the group (telegram_group): its members' positions in aware_idx (sorted) and their ids, aligned
    model.telegram_ranks = model.telegram_members = _READ_ONLY_EMPTY
    # member_telegram: the flags of the first _n_member_telegram members, in member order
    model._member_telegram = np.zeros(model.n, bool)
    model._n_member_telegram = 0


_READ_ONLY_EMPTY = np.empty(0, np.int64)
_READ_ONLY_EMPTY.flags.writeable = False


def telegram_group(model) -> np.ndarray:
    """Every member of the Telegram group (registered or not), in ``aware_idx`` order; read-only.

    ``np.flatnonzero(model.telegram)`` ordered by ``model.aware_rank`` (everyone in the group is
    aware), kept by this rule from week to week: a week costs its joins and leaves, not a pass
    over every mother (``np.flatnonzero`` on a million flags costs about a millisecond). The
    positions in ``aware_idx`` are ``model.telegram_ranks`` (sorted).
    """
    return model.telegram_members


def member_telegram(model) -> np.ndarray:
    """Whether each member is in the Telegram group, in member order: ``model.telegram[model.member_idx]``; read-only.

    Kept by this rule (set and cleared for the members who join and leave) and extended with
    the newly registered when asked, so the rules that look at every member's flag read it
    straight through instead of gathering it.
    """
    k, mem = model._n_member_telegram, model.member_idx
    if k < mem.size:  # members registered since the last call: their flags as they are now
        model._member_telegram[k : mem.size] = model.telegram[mem[k:]]
        model._n_member_telegram = mem.size
    flags = model._member_telegram[: mem.size]
    flags.flags.writeable = False
    return flags


def _update_group(
    model, joins: np.ndarray, leaves: np.ndarray, members_in: np.ndarray, members_out: np.ndarray
) -> None:
    """Take this week's leavers out of :func:`telegram_group` and put the joiners in, in ``aware_idx`` order.

    ``members_in`` and ``members_out``: the joiners and leavers who are members, whose flags in
    :func:`member_telegram` change (it covers every member: the step asked for it first).
    """
    rank = model.member_rank
    if members_in.size:
        model._member_telegram[rank[members_in]] = True
    if members_out.size:
        model._member_telegram[rank[members_out]] = False
    ranks, group = model.telegram_ranks, model.telegram_members
    if leaves.size:  # every leaver is in the group (only members of the group are on the leave agenda)
        stay = np.ones(ranks.size, bool)
        stay[np.searchsorted(ranks, model.aware_rank[leaves])] = False
        ranks, group = ranks.compress(stay), group.compress(stay)
    if joins.size:  # nobody who joins is in the group
        new = np.sort(model.aware_rank[joins])
        ranks, group = insert_sorted(ranks, new, (group, model.aware_idx[new]))
    if leaves.size or joins.size:
        ranks.flags.writeable = group.flags.writeable = False
        model.telegram_ranks, model.telegram_members = ranks, group


def step(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Update followers and Telegram membership; return who followed/unfollowed/joined/left.

    The constant-probability events (following, unfollowing, joining from outside,
    leaving) are drawn once as waiting times and filed in agendas
    (:class:`model.timeline.Agenda`); only joining as a member, whose hazard changes
    with the member's stage, is drawn each week: members are picked at that rate by skip
    sampling (:func:`model.timeline.chosen`) and those who may join do.
    """
    p, week = model.p, model.week
    reach = model.pop["digital_reach"]
    ag = model.channel_agendas
    # mothers aware since the last step start waiting to follow and to join from outside
    new = model.aware_idx[model.channels_seen :]
    model.channels_seen = model.aware_idx.size
    if new.size:
        r = reach[new]
        _schedule(rng, week, (ag["follow"], new, p["follow_rate"] * r), (ag["join"], new, p["telegram_rate"] * r))
    # Instagram
    follows = ag["follow"].pop(week)
    unfollows = ag["unfollow"].pop(week)
    model.follower[follows] = True
    model.follower[unfollows] = False
    _schedule(
        rng,
        week + 1,
        (ag["unfollow"], follows, p["unfollow_rate"]),
        (ag["follow"], unfollows, p["follow_rate"] * reach[unfollows]),
    )
    # Telegram: leavers, outsiders due to join, active or in-class members joining
    leaves = ag["leave"].pop(week)
    outside = ag["join"].pop(week)
    if outside.size:
        outside = outside[(model.stage[outside] <= _QUEUED) & ~model.telegram[outside]]
    mem = model.member_idx
    # every member is picked with telegram_member_rate (skip sampling: the cost of the picked), and
    # those who may join (active or in a class, not in the group: ok > in_group) join: the same as
    # a draw for each who may (member_stage, member_telegram: stages and flags in member order)
    at = chosen(rng, mem.size, p["telegram_member_rate"])
    members = mem[at[np.greater(_JOIN_AS_MEMBER[model.member_stage[at]], member_telegram(model)[at])]]
    joins = np.concatenate([outside, members])
    model.telegram[leaves] = False
    model.telegram[joins] = True
    back_outside = leaving_members = leaves
    if leaves.size:
        outsider = model.stage[leaves] <= _QUEUED
        back_outside, leaving_members = leaves[outsider], leaves[~outsider]
    _schedule(
        rng,
        week + 1,
        (ag["leave"], joins, p["telegram_leave_rate"]),
        (ag["join"], back_outside, p["telegram_rate"] * reach[back_outside]),
    )
    model.n_followers += follows.size - unfollows.size
    model.n_telegram += joins.size - leaves.size
    _update_group(model, joins, leaves, members, leaving_members)
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
