"""Interaction: what members' exchanges do — replies, internalisation, ties and opportunities.

The IbuSibuk study's finding (000): "Interaktivitas anggota pada program
pemberdayaan menjadikan kesempatan dan jaringan yang lebih luas bagi para
anggotanya, serta adanya penghasilan tambahan sebagai momfluencer" (members'
interactivity in the empowerment programme brings them wider opportunities and
networks, and extra income as momfluencers). This rule makes the user-to-user
events of model/communication.py act. It runs right after communication and reads
that week's person-to-person messages (``model.messages.last()``: distinct
sender, receiver, channel edges with their message counts) and the members' stages
in member order (``model.member_stage``); what it changes acts from the next week on.

Rule, each week:

1. **Replies from the facilitators.** Messages addressed to a group's hub (the
   facilitators who prompted) are answered within the team's capacity: at most
   ``admin_replies * F`` replies a week (``F``, the facilitation capacity,
   model/capacity.py). Each message to a hub is answered with probability
   ``min(1, admin_replies * F / messages to hubs)``. A wheel saturates at its hub
   (Shaw 1964, background.md): the more members write to the facilitators, the
   smaller the share answered.
2. **Internalisation from exchanges** (Berger & Luckmann: internalisation happens
   in interaction with others). A registered member to whom ``x`` others responded
   this week (each person who wrote to her on a channel, and the facilitators of a
   group if they replied to her; a message nobody answers does not count) gains
   ``internalise_exchange * (1 - exp(-x / EXCHANGE_SCALE)) * (1 - s_i)``; an
   active or in-class member to whom nobody responded loses the share
   ``internalise_silence`` of ``s_i`` (silence lets it fade). In a wheel a member
   hears only from the hub (``x <= 1`` per group), and only as far as its
   capacity goes; in an all-channel group from several peers (Leavitt 1951:
   members at the periphery of a centralised network are the least satisfied).
3. **Ties** ("jaringan yang lebih luas", wider networks). Each distinct pair of
   mothers who exchanged messages this week (person to person, any channel) forms
   a lasting community tie with probability ``tie_formation`` if they are not tied
   yet; a tie they already have is strengthened (one more week of exchange). Ties
   do not dissolve within the run (assumed: five years is short for an
   acquaintance made in a community to be lost). ``net_ties`` counts a mother's
   community ties (``model.net_ties_max`` the largest, kept as ties form); the ties are
   kept as sorted pair keys (``model.net_keys``) with their weeks of exchange (``model.net_weeks``).
4. **Opportunities through ties** ("networking makin luas, dapet kerjaan juga",
   wider networking, got work too: a member's testimony, 001). A registered member
   who earns (a financial change) passes an opportunity — a referral to paid work,
   a customer for a business, a brand campaign — along each community tie to a
   registered member with weekly probability ``referral_rate * min(1, weeks of
   exchange / STRONG_TIE_WEEKS)`` (stronger ties carry more: Granovetter's strength
   of ties). An opportunity pays Rp ``opportunity_value`` (lognormal median, log-sd
   ``OPPORTUNITY_SPREAD``) into her income (model/momfluencers.py
   ``record_income``: at ``income_change_threshold`` she reports a financial change).

Every effect is off at 0: with ``tie_formation = internalise_exchange =
internalise_silence = referral_rate = 0`` the rule draws nothing and changes nothing
(tests/test_model2_off.py).

Parameters read: tie_formation, internalise_exchange, internalise_silence,
admin_replies, referral_rate, opportunity_value, income_change_threshold (through
record_income), and through model/capacity.py n_admins, volunteer_weight.
"""

from __future__ import annotations

import numpy as np

from . import capacity
from .momfluencers import record_income
from .patterns import insert_sorted, unique_counts
from .rule import Flow, Rule, State
from .states import Stage

_DORMANT = int(Stage.DORMANT)  # compared with every member's stage weekly: a plain int (an IntEnum member is slower)

EXCHANGE_SCALE = 2.0  # assumed: two people responding in a week give most (63%) of the weekly effect
STRONG_TIE_WEEKS = 4  # assumed: a tie with a month of weekly exchanges carries opportunities fully
OPPORTUNITY_SPREAD = 0.8  # assumed: log-sd of an opportunity's value (small jobs to large orders)


def setup(model, rng: np.random.Generator) -> None:
    """No community ties yet."""
    model.net_keys = np.empty(0, np.int64)  # sorted keys a * n + b (a < b) of the community ties
    model.net_weeks = np.empty(0, np.int16)  # weeks of exchange on each tie
    model.net_ends = (np.empty(0, np.int64), np.empty(0, np.int64))  # a and b of each tie, in key order
    model.net_ties_max = 0  # the largest net_ties (ties only grow: kept as they form, not a pass over every mother)


def _exchanges(model, src, dst, msgs, rng) -> tuple[np.ndarray, np.ndarray, int]:
    """Who was responded to this week, by how many others, and the facilitators' replies.

    Returns the mothers (sorted) and their ``x`` (each person who wrote to her on a channel, one edge
    each, and the facilitators of a group who replied to one of hers), and the number of replies.
    """
    p, n = model.p, model.n
    to_hub = dst >= n
    hub_src, hub_msgs = src[to_hub], msgs[to_hub]
    total = int(hub_msgs.sum())
    replied = np.empty(0, np.int64)
    n_replies = 0
    if total and p["internalise_exchange"] > 0:
        q = min(1.0, p["admin_replies"] * capacity.facilitators(model) / total)
        replies = rng.binomial(hub_msgs, q)
        replied, n_replies = hub_src[replies > 0], int(replies.sum())
    # sorting, not np.unique: numpy's hash-based unique is slow on these integer ids
    who, x = unique_counts(np.concatenate([dst[~to_hub], replied]))
    return who, x, n_replies


def _form_ties(model, a: np.ndarray, b: np.ndarray, rng) -> int:
    """Pairs ``(a, b)`` (``a < b``, distinct) exchanged this week: strengthen ties, form new ones; return new."""
    keys = a * model.n + b
    pos = np.searchsorted(model.net_keys, keys)
    have = pos < model.net_keys.size
    have[have] = model.net_keys[pos[have]] == keys[have]
    model.net_weeks[pos[have]] += 1
    new = np.flatnonzero(~have)
    new = new[rng.random(new.size) < model.p["tie_formation"]]
    if new.size == 0:
        return 0
    k = keys[new]  # sorted: keys are distinct and sorted (see step)
    ea, eb = model.net_ends
    model.net_keys, model.net_weeks, ea, eb = insert_sorted(
        model.net_keys, k, (model.net_weeks, np.ones(k.size, np.int16)), (ea, a[new]), (eb, b[new])
    )
    model.net_ends = (ea, eb)
    ends = np.concatenate((a[new], b[new]))
    np.add.at(model.net_ties, ends, np.int16(1))
    model.net_ties_max = max(model.net_ties_max, int(model.net_ties[ends].max()))
    return int(new.size)


def _opportunities(model, rng) -> tuple[np.ndarray, float]:
    """Earning members pass opportunities along their ties; return who received one and the Rp paid."""
    p = model.p
    a, b = model.net_ends
    earns_a, earns_b = model.fin_change[a], model.fin_change[b]  # gathers over the ties only
    # the registrations are looked up only on the ties with an earner at an end (the few)
    some = (earns_a | earns_b).nonzero()[0]
    if some.size == 0:  # no earner on any tie: nothing to draw (numpy would draw nothing either)
        return some, 0.0
    reg = (model.registered_week[a[some]] >= 0) & (model.registered_week[b[some]] >= 0)
    ab = some[earns_a[some] & reg]  # a earns and passes to b (tie positions, in key order)
    ba = some[earns_b[some] & reg]
    # both directions of each tie (a to b, then b to a): the sender earns, the receiver is a registered member
    recv = np.concatenate([b[ab], a[ba]])
    weeks = np.concatenate([model.net_weeks[ab], model.net_weeks[ba]])
    prob = p["referral_rate"] * np.minimum(1.0, weeks / STRONG_TIE_WEEKS)
    got = recv[rng.random(recv.size) < prob]
    if got.size == 0:
        return got, 0.0
    value = p["opportunity_value"] * np.exp(OPPORTUNITY_SPREAD * rng.standard_normal(got.size))
    record_income(model, got, value)
    np.add.at(model.opportunities, got, np.int16(1))
    return unique_counts(got)[0], float(value.sum())


def step(model, rng: np.random.Generator) -> dict:
    """Replies, internalisation, ties and opportunities from this week's exchanges; return who and how many."""
    p, n = model.p, model.n
    empty = np.empty(0, np.int64)
    out = {"ties_formed": 0, "hub_replies": 0, "opportunities": empty, "opportunity_income": 0.0}
    src, dst, _, msgs = model.messages.last()
    if p["internalise_exchange"] > 0 or p["internalise_silence"] > 0:
        who, x, out["hub_replies"] = _exchanges(model, src, dst, msgs, rng)
        member = model.registered_week[who] >= 0
        talked, x = who[member], x[member]
        s = model.score
        s[talked] += p["internalise_exchange"] * -np.expm1(-x / EXCHANGE_SCALE) * (1.0 - s[talked])
        if p["internalise_silence"] > 0:
            # the active and the in-class members (every member but the dormant) less those responded to, in
            # member order: one pass over the stages kept in member order, not gathers of per-mother flags
            silent = model.member_stage != _DORMANT
            silent[model.member_rank[talked]] = False
            s[model.member_idx.compress(silent)] *= 1.0 - p["internalise_silence"]
    if p["tie_formation"] > 0:
        person = (dst < n).nonzero()[0]
        ps, pd = src[person], dst[person]
        a, b = np.minimum(ps, pd), np.maximum(ps, pd)
        keep = a != b
        keys = unique_counts(a[keep] * n + b[keep])[0]
        out["ties_formed"] = _form_ties(model, keys // n, keys % n, model.stream("interaction_ties"))
    if p["referral_rate"] > 0 and model.net_keys.size:
        out["opportunities"], out["opportunity_income"] = _opportunities(
            model, model.stream("interaction_opportunities")
        )
    return out


def summary(model) -> dict[str, float]:
    """End-of-run figures: community ties and opportunities of the registered members."""
    mem = model.member_idx
    ties = model.net_ties[mem]
    return {
        "community_ties": int(model.net_keys.size),
        "mean_community_ties": float(ties.mean()) if mem.size else 0.0,
        "share_with_ties": float(np.count_nonzero(ties) / mem.size) if mem.size else 0.0,
        "opportunities_received": int(model.opportunities[mem].sum()),
        "mean_score": float(model.score[mem].mean()) if mem.size else 0.0,
        **_group_figures(model, mem),
    }


def _group_figures(model, mem: np.ndarray) -> dict[str, float]:
    """Internalisation and dormancy of the registered members who take part in group talk (where patterns act).

    Participants are the contributors and leaders of the 90-9-1 classes (model/communication.py);
    lurkers rarely write, so the pattern of replies rarely reaches them.
    """
    tg = mem.compress(model.participation[mem] > 0)
    if tg.size == 0:
        return {"participant_mean_score": float("nan"), "participant_dormant_share": float("nan")}
    return {
        "participant_mean_score": float(model.score[tg].mean()),
        "participant_dormant_share": float(np.count_nonzero(model.stage[tg] == Stage.DORMANT) / tg.size),
    }


RULE = Rule(
    name="interaction",
    reads=(
        "tie_formation",
        "internalise_exchange",
        "internalise_silence",
        "admin_replies",
        "referral_rate",
        "opportunity_value",
    ),
    owns=(
        State("net_ties", np.int16, 0, "community ties formed through exchanges"),
        State("opportunities", np.int16, 0, "opportunities received through community ties"),
    ),
    flows=(
        Flow("ties_formed", "Community ties formed", unit="ties", cumulative=True),
        Flow("hub_replies", "Facilitators' replies", unit="messages", cumulative=True),
        Flow("opportunities", "Received an opportunity through a tie", cumulative=True),
        Flow("opportunity_income", "Income from opportunities", unit="Rp", cumulative=True, dtype=float),
    ),
    step=step,
    setup=setup,
)
