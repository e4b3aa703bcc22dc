"""Communication: every interaction is an event with a kind and a channel (McMillan's interactivity).

Kinds: **user-to-user** (``u2u``: people talking with people), **user-to-document**
(``u2d``: reading materials and posts) and **user-to-system** (``u2s``: using Zoom
and the learning platform). Channels: Telegram, WhatsApp, the RUMII forum,
Instagram, Zoom, the learning platform and the offline Happy Hour. The weekly
count of each (kind, channel) pair in ``EVENT_TYPES`` is a flow ``new_<kind>_<channel>``.

Rule, each week:

* **Group talk (u2u: Telegram, WhatsApp).** The Telegram group holds every mother
  in it (registered or not); each class cohort (free or paid; a programme and an
  end week) has a WhatsApp group of its learners, all facilitated through one
  WhatsApp admin account (the hub). The facilitators post ``prompts_per_week`` prompting questions per
  group (001: discussions are guided by an admin with "pertanyaan pemantik"); these
  broadcasts go hub-to-members and are counted but not drawn as ties. Each member
  sends ``Poisson(rate)`` messages, the rate set by her participation class, drawn
  once (90-9-1: lurkers ``lurker_messages``, a share ``share_contributors``
  ``contributor_messages``, a share ``share_leaders`` ``leader_messages``). A
  message is addressed to the facilitator who prompted (the group's hub) with
  probability ``admin_lead``, otherwise to another member who spoke in the same
  group this week (peers talk; to the hub if nobody else did). ``admin_lead``
  near 1 gives a wheel, near 0 an all-channel network (model/patterns.py). A
  community without facilitators (no founders, managers or volunteers) posts no
  prompts and every message goes to peers.
* **Forum (u2u and u2d: RUMII).** Active registered members post ``Poisson(forum_rate)``
  replies, each to another active member drawn at random, and read
  ``FORUM_READS`` times as much.
* **Instagram.** Followers see posts (u2d, ``view_share`` of followers per post;
  posts from model/awareness.py); in a live week ``live_comment_share`` of
  followers comment (u2u).
* **Classes.** Every learner attends one Zoom session (u2s), opens
  ``materials_per_week`` materials (u2d) and does one platform activity (quiz,
  progress; u2s); every registration and enrolment is a platform event too (u2s).
* **Happy Hour (u2u, offline).** Each attendee (model/happy_hour.py) talks with
  ``HAPPY_HOUR_TALKS`` others at her province's meetup.

The messages between people of the last ``window_weeks`` weeks form the
communication graph (:func:`graph`); its degree centralisation, density and
pattern are monitored every week from the edge arrays, on the channels chosen by
``pattern_channels`` (default the open Telegram group).

Parameters read: admin_lead, prompts_per_week, share_contributors, share_leaders,
lurker_messages, contributor_messages, leader_messages, window_weeks,
materials_per_week, view_share, live_comment_share, forum_rate, live_every_weeks,
pattern_channels.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from . import capacity, patterns
from .awareness import posts_per_week
from .states import Role, Stage

KINDS = ("u2u", "u2d", "u2s")
CHANNELS = ("telegram", "whatsapp", "rumii", "instagram", "zoom", "learning_platform", "happy_hour")
EVENT_TYPES = (
    ("u2u", "telegram"),
    ("u2u", "whatsapp"),
    ("u2u", "rumii"),
    ("u2u", "instagram"),
    ("u2u", "happy_hour"),
    ("u2d", "instagram"),
    ("u2d", "learning_platform"),
    ("u2d", "rumii"),
    ("u2s", "zoom"),
    ("u2s", "learning_platform"),
)
HUBS = ("telegram", "whatsapp")  # hub node of group g is n_mothers + HUBS.index(g)
FORUM_READS = 5.0  # assumed: a forum thread is read five times for each reply
HAPPY_HOUR_TALKS = 3  # assumed: conversations per attendee at a meetup
LURKER, CONTRIBUTOR, LEADER = 0, 1, 2


def participation(p: dict, n: int, rng: np.random.Generator) -> np.ndarray:
    """Participation class of every mother (drawn once): lurker, contributor or leader."""
    u = rng.random(n)
    out = np.full(n, LURKER, np.int8)
    out[u < p["share_contributors"] + p["share_leaders"]] = CONTRIBUTOR
    out[u < p["share_leaders"]] = LEADER
    return out


def _partners(pool: np.ndarray, pool_keys: np.ndarray, who: np.ndarray, who_keys: np.ndarray, rng) -> np.ndarray:
    """For each ``who`` (a member of ``pool``), another member of ``pool`` with the same key (-1 if none)."""
    composite = pool_keys * (1 << 24) + pool
    order = np.argsort(composite, kind="stable")
    pool, pool_keys, composite = pool[order], pool_keys[order], composite[order]
    lo = np.searchsorted(pool_keys, who_keys, side="left")
    others = np.searchsorted(pool_keys, who_keys, side="right") - lo - 1  # her group without her
    own = np.searchsorted(composite, who_keys * (1 << 24) + who)
    pick = lo + (rng.random(who.size) * np.maximum(others, 0)).astype(np.int64)
    pick += pick >= own  # skip her own position
    return np.where(others > 0, pool[np.minimum(pick, max(pool.size - 1, 0))], -1)


def _group_talk(
    model, members: np.ndarray, groups: np.ndarray, hub: int, rng, led: bool = True
) -> tuple[int, np.ndarray, np.ndarray]:
    """Messages in chat groups this week: (count, sender ids, receiver ids).

    ``groups`` gives each member's group; peers are picked among the members of the
    sender's own group who spoke this week.
    """
    p = model.p
    rates = np.array([p["lurker_messages"], p["contributor_messages"], p["leader_messages"]])
    k = rng.poisson(rates[model.participation[members]])
    senders, sender_groups = np.repeat(members, k), np.repeat(groups, k)
    if senders.size == 0:
        return 0, senders, senders
    receivers = np.full(senders.size, hub, np.int64)
    peer = rng.random(senders.size) >= (p["admin_lead"] if led else 0.0)
    pick = _partners(members[k > 0], groups[k > 0], senders[peer], sender_groups[peer], rng)
    receivers[peer] = np.where(pick < 0, hub, pick)  # nobody else in her group spoke: to the hub
    return senders.size, senders, receivers


def _peer_talk(members: np.ndarray, k: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    senders = np.repeat(members, k)
    if members.size < 2 or senders.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    receivers = members[rng.integers(0, members.size, senders.size)]
    keep = receivers != senders
    return senders[keep], receivers[keep]


PATTERN_CHANNELS = {
    "telegram": ("telegram",),
    "whatsapp": ("whatsapp",),
    "groups": ("telegram", "whatsapp"),
    "all": ("telegram", "whatsapp", "rumii", "happy_hour"),
}


def step(
    model, rng: np.random.Generator, attendees: np.ndarray, flows: dict, count_rng: np.random.Generator
) -> dict[tuple[str, str], int]:
    """Generate this week's events; record the message ties; return counts per (kind, channel).

    Messages (who talks with whom) draw from ``rng``; the pure counts (reads,
    views, comments) from ``count_rng``, so that more or fewer posts never shift
    who talks with whom.
    """
    p, n = model.p, model.n
    counts = dict.fromkeys(EVENT_TYPES, 0)
    src, dst, chan = [], [], []
    aware = model.aware_idx
    tg = aware[model.telegram[aware]]
    mem = model.member_idx
    stage = model.stage[mem]
    learners = mem[stage == Stage.IN_CLASS]
    active = mem[stage == Stage.ACTIVE]
    # one open Telegram group; one WhatsApp group per class cohort (programme and end week)
    cohort = model.programme[learners].astype(np.int64) * 100_000 + model.class_end[learners]
    led = capacity.facilitators(model) > 0
    for group, members, groups in (("telegram", tg, np.zeros(tg.size, np.int64)), ("whatsapp", learners, cohort)):
        c, s, r = _group_talk(model, members, groups, n + HUBS.index(group), rng, led)
        prompts = p["prompts_per_week"] * np.unique(groups).size if led else 0
        counts[("u2u", group)] = c + prompts
        src.append(s)
        dst.append(r)
        chan.append(np.full(s.size, CHANNELS.index(group), np.int8))
    forum = rng.poisson(p["forum_rate"], active.size)
    s, r = _peer_talk(active, forum, rng)
    counts[("u2u", "rumii")] = int(forum.sum())
    counts[("u2d", "rumii")] = int(count_rng.poisson(FORUM_READS * p["forum_rate"] * active.size))
    src.append(s)
    dst.append(r)
    chan.append(np.full(s.size, CHANNELS.index("rumii"), np.int8))
    # Happy Hour: talks with others of the same province's meetup
    if attendees.size > 1:
        prov = model.pop["prov"][attendees].astype(np.int64)
        who = np.repeat(attendees, HAPPY_HOUR_TALKS)
        partner = _partners(attendees, prov, who, np.repeat(prov, HAPPY_HOUR_TALKS), rng)
        keep = partner >= 0
        src.append(who[keep])
        dst.append(partner[keep])
        chan.append(np.full(int(keep.sum()), CHANNELS.index("happy_hour"), np.int8))
        counts[("u2u", "happy_hour")] = int(keep.sum())
    # Instagram
    counts[("u2d", "instagram")] = int(count_rng.poisson(model.n_followers * posts_per_week(model) * p["view_share"]))
    if model.week % p["live_every_weeks"] == 0:
        counts[("u2u", "instagram")] = int(count_rng.poisson(model.n_followers * p["live_comment_share"]))
    # classes and the platform
    counts[("u2s", "zoom")] = int(learners.size)
    counts[("u2d", "learning_platform")] = int(count_rng.poisson(p["materials_per_week"] * learners.size))
    counts[("u2s", "learning_platform")] = int(
        learners.size + flows["new_registered"] + flows["new_paid_enrolled"] + flows["new_scholars"]
    )
    model.remember_messages(np.concatenate(src), np.concatenate(dst), np.concatenate(chan))
    return counts


def window(model, channels: tuple[str, ...] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Senders and receivers of the window's messages on ``channels`` (default: all)."""
    src, dst, chan = model.window_messages()
    if channels is not None:
        keep = np.isin(chan, [CHANNELS.index(c) for c in channels])
        src, dst = src[keep], dst[keep]
    return src, dst


def monitor(model) -> dict[str, float | str]:
    """Centralisation, density and pattern of the window's graph on ``pattern_channels``."""
    src, dst = window(model, PATTERN_CHANNELS[model.p["pattern_channels"]])
    deg = patterns.degrees_from_edges(src, dst)
    return {
        "comm_centralisation": patterns.centralisation(deg),
        "comm_density": patterns.density(deg),
        "comm_pattern": patterns.classify(deg),
        "comm_nodes": int(deg.size),
    }


def graph(
    model, channels: tuple[str, ...] | None = None, max_nodes: int | None = None, rng: np.random.Generator | None = None
) -> nx.Graph:
    """The window's communication graph (networkx) on ``channels``; nodes carry a ``role``.

    With ``max_nodes``, a sample: the hubs and facilitators first, then members at
    random (from ``rng``, default a fixed seed) — for drawing.
    """
    n = model.n
    src, dst = window(model, channels)
    g = nx.Graph()
    keep = src != dst
    g.add_edges_from(zip(src[keep].tolist(), dst[keep].tolist()))
    for v in g.nodes:
        if v >= n:
            g.nodes[v]["role"] = "hub:" + HUBS[v - n]
        else:
            r = Role(int(model.role[v]))
            g.nodes[v]["role"] = (
                r.name.lower() if r != Role.NONE else ("member" if model.registered_week[v] >= 0 else "non-member")
            )
    if max_nodes is not None and g.number_of_nodes() > max_nodes:
        rng = rng or np.random.default_rng(0)
        nodes = np.array(sorted(g.nodes))
        rank = {"manager": 1, "volunteer": 2, "member": 3, "non-member": 3}
        priority = np.array(
            [0 if g.nodes[v]["role"].startswith("hub") else rank[g.nodes[v]["role"]] for v in nodes.tolist()]
        )
        # hubs, then managers, then volunteers, then members at random
        keep = nodes[np.lexsort((rng.random(nodes.size), priority))[:max_nodes]]
        g = g.subgraph(keep.tolist()).copy()
    return g
