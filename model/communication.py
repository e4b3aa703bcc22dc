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
pattern are monitored every week, on the channels chosen by ``pattern_channels``
(default the open Telegram group).

Cost follows the distinct ties, not the messages (issue 14): a sender's count is
drawn (``Poisson``, then a binomial split between the hub and her peers) and
only her distinct partners are generated, with the number of messages to each
(:func:`_distinct_draws`: the draws one by one when there are no more draws than
possible partners, otherwise one multinomial over the partners; the same
distribution as drawing every message). The event counts carry every message.
The window (:class:`MessageWindow`, ``model.messages``) keeps each week's
distinct (sender, receiver, channel) edges with their message counts, and the
monitored degrees come from an incremental edge counter
(:class:`patterns.EdgeCounter`: a week's pairs are added when it enters and
removed when it leaves), so a week costs about its new distinct edges, whatever
``window_weeks``. The degrees, hence the monitors, are exactly those of all the
window's messages; :func:`window` returns the distinct edges of each week (with
``messages=True`` their counts) instead of one row per message, and
:func:`graph`, which was built from them already, is unchanged (with
``max_nodes`` it samples from the arrays and builds only the sample's subgraph:
the same nodes in the same order). The partners are drawn differently from
before (same distributions): at a given seed the group-talk counts are the same,
the ties, the forum and Happy Hour counts and the monitors are another draw.
Only the members who write draw a count: a member's ``Poisson(rate)`` messages are
the sum of ``Poisson(min rate)``, drawn as the number of writers (binomial with
``1 - exp(-min rate)``, picked by skip sampling) and their zero-truncated counts,
and ``Poisson(rate - min rate)`` for the few contributors and leaders (in a group of
fewer than ``DIRECT_BELOW`` members, one draw each: cheaper there); the forum's
``Poisson(forum_rate)`` posts the same way (:func:`model.timeline.poisson_senders`).
The same distributions as one draw per member, other random numbers.

**Posts** (``model.posts``, per mother, cumulative): the messages she has written in
group chat (the Telegram group, her class WhatsApp groups, the alumni group and the
RUMII forum; not the team's organisational group nor Happy Hour talk), for measures
of participation inequality (who ever posts; the share of posts by the most active).
The Telegram group's members come from model/channels.py's list of them
(:func:`model.channels.telegram_group`, kept from week to week), so finding them
costs the week's changes, not a pass over every mother; so do the learners
(model/progress.py's :func:`~model.progress.in_class`), the management team (among
``capacity.team``, everyone who has held a role) and the alumnae (``model.comm_alumnae``,
kept here from the week's paid and scholarship completions).

Parameters read: admin_lead, prompts_per_week, share_contributors, share_leaders,
lurker_messages, contributor_messages, leader_messages, window_weeks,
materials_per_week, view_share, live_comment_share, forum_rate, live_every_weeks,
pattern_channels.
"""

from __future__ import annotations

from collections import deque

import networkx as nx
import numpy as np

from . import capacity, channels, patterns, progress, timeline
from .awareness import posts_per_week
from .rule import Flow, Rule, State
from .states import Role, Stage

KINDS = ("u2u", "u2d", "u2s")
CHANNELS = (
    "telegram",
    "whatsapp",
    "rumii",
    "instagram",
    "zoom",
    "learning_platform",
    "happy_hour",
    "alumni_group",
    "team",
)
KIND_LABELS = {"u2u": "User-to-user", "u2d": "User-to-document", "u2s": "User-to-system"}
CHANNEL_LABELS = {
    "telegram": "Telegram",
    "whatsapp": "WhatsApp",
    "rumii": "the RUMII forum",
    "instagram": "Instagram",
    "zoom": "Zoom",
    "learning_platform": "the learning platform",
    "happy_hour": "Happy Hour",
    "alumni_group": "the alumni WhatsApp group",
    "team": "the management team's group",
}
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
    ("u2u", "alumni_group"),
    ("u2u", "team"),
)
_FLOW_NAMES = tuple(f"{k}_{c}" for k, c in EVENT_TYPES)  # step's flows, named once
_KIND_EVENTS = {kind: [i for i, (k, _) in enumerate(EVENT_TYPES) if k == kind] for kind in KINDS}
HUBS = ("telegram", "whatsapp")  # hub node of group g is n_mothers + HUBS.index(g)
FORUM_READS = 5.0  # assumed: a forum thread is read five times for each reply
HAPPY_HOUR_TALKS = 3  # assumed: conversations per attendee at a meetup
LURKER, CONTRIBUTOR, LEADER = 0, 1, 2
# the stages and roles compared with whole arrays every week, as plain ints: numpy compares an int8 array
# with an IntEnum member about four times slower (it takes the member as an int64 array and casts)
_ACTIVE = int(Stage.ACTIVE)
_MANAGER, _VOLUNTEER = int(Role.MANAGER), int(Role.VOLUNTEER)


def participation(p: dict, n: int, rng: np.random.Generator) -> np.ndarray:
    """Participation class of every mother (drawn once): lurker, contributor or leader."""
    u = rng.random(n)
    out = np.full(n, LURKER, np.int8)
    out[u < p["share_contributors"] + p["share_leaders"]] = CONTRIBUTOR
    out[u < p["share_leaders"]] = LEADER
    return out


def _distinct_draws(draws: np.ndarray, cells, rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row ``i`` makes ``draws[i]`` uniform draws, with replacement, among its ``cells[i]`` cells.

    Returns the distinct (row, cell) pairs hit and how many draws hit each: the
    same distribution as drawing every one, at a cost of about the distinct pairs.
    A row with no more draws than cells draws each (then at least half of its draws
    are distinct); a row with more draws than cells takes one multinomial over its
    cells (then at least 1 - 1/e of its cells are hit), rows of equal cell counts
    together. Rows with no draws or no cells give nothing. ``cells`` may be one
    number for every row (the same draws as an array of it, with fewer steps).
    """
    draws = np.asarray(draws, np.int64)
    rows, hit, count = [], [], []
    # x.nonzero()[0], x.repeat(), x.cumsum() ... below: numpy's functions without their Python wrappers (about
    # a microsecond a call, thousands of calls a run)
    if isinstance(cells, (int, np.integer)):  # every row has the same cells: row i's keys are i * c + cell
        c = int(cells)
        if c <= 0:
            return _EMPTY, _EMPTY, _EMPTY
        many = (draws > c).nonzero()[0]
        sparse = draws.nonzero()[0] if many.size == 0 else ((draws > 0) & (draws <= c)).nonzero()[0]
        if sparse.size:
            which = np.arange(sparse.size).repeat(draws[sparse])
            key, n = patterns.unique_counts(which * c + (rng.random(which.size) * c).astype(np.int64))
            at = key // c
            rows.append(sparse[at])
            hit.append(key - at * c)
            count.append(n)
        dense = [(c, many)]
    else:
        cells = np.asarray(cells, np.int64)
        active = (draws > 0) & (cells > 0)
        sparse = np.flatnonzero(active & (draws <= cells))
        if sparse.size:
            offset = cells[sparse].cumsum() - cells[sparse]  # each row's cells get their own key range
            which = np.arange(sparse.size).repeat(draws[sparse])
            key = offset[which] + (rng.random(which.size) * cells[sparse][which]).astype(np.int64)
            key, n = patterns.unique_counts(key)
            at = offset.searchsorted(key, side="right") - 1
            rows.append(sparse[at])
            hit.append(key - offset[at])
            count.append(n)
        dense = np.flatnonzero(active & (draws > cells))
        dense = [(c, dense[cells[dense] == c]) for c in np.unique(cells[dense]).tolist()] if dense.size else []
    for c, group in dense:
        chunk = max(1, _MULTINOMIAL_CELLS // c)
        for lo in range(0, group.size, chunk):
            g = group[lo : lo + chunk]
            n = rng.multinomial(draws[g], np.full(c, 1.0 / c))
            r, h = np.nonzero(n)
            rows.append(g[r])
            hit.append(h.astype(np.int64))
            count.append(n[r, h])
    if not rows:
        return _EMPTY, _EMPTY, _EMPTY
    if len(rows) == 1:
        return rows[0], hit[0], count[0].astype(np.int64, copy=False)
    return np.concatenate(rows), np.concatenate(hit), np.concatenate(count).astype(np.int64)


_EMPTY = np.empty(0, np.int64)
_EMPTY.flags.writeable = False  # shared by every empty result: nobody may write into it
_MULTINOMIAL_CELLS = 1 << 20  # cells drawn at once in the dense case (bounds the temporary matrix)


def _talk_within(
    members: np.ndarray, keys: np.ndarray | None, draws: np.ndarray, rng
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each member sends ``draws`` messages, each to another member with the same key drawn at random.

    ``keys`` None: everyone has the same key (one group). Returns the distinct
    directed edges (sender, receiver, messages) and, per member, whether she had
    nobody to write to (alone with her key; her draws are not sent).
    """
    d = np.asarray(draws, np.int64)
    if keys is None:  # one group, members by id (their ids are distinct: the order lexsort would give)
        order = members.argsort()
        m = members[order]
        row, cell, n = _distinct_draws(d[order], m.size - 1, rng)
        # her own position (row) is skipped
        return m[row], m[cell + (cell >= row)], n, np.full(m.size, m.size == 1)
    order = np.lexsort((members, keys))
    m, d = members[order], d[order]
    size = patterns.unique_counts(keys[order])[1]  # the groups' sizes, in key order
    lo = (size.cumsum() - size).repeat(size)  # her group's first position
    others = size.repeat(size) - 1
    row, cell, n = _distinct_draws(d, others, rng)
    rank = np.arange(m.size) - lo  # her own position in the group, skipped
    receivers = m[lo[row] + cell + (cell >= rank[row])]
    alone = np.empty(m.size, bool)
    alone[order] = others == 0
    return m[row], receivers, n, alone


Edges = tuple[np.ndarray, np.ndarray, np.ndarray]  # distinct directed edges: senders, receivers, messages


def _group_talk(
    model, members: np.ndarray, groups: np.ndarray | None, hub: int, rates: np.ndarray, rng, led: bool, lead: float
) -> tuple[int, list[Edges]]:
    """Messages in chat groups this week: their count, and the distinct edges (to peers, to the hub).

    ``groups`` gives each member's group (None: all in one group); ``rates`` the
    mean messages of each participation class. A member's messages go to the hub
    with probability ``lead`` (a binomial split of her count), the others each to a
    member of her own group who spoke this week (to the hub if nobody else did).
    """
    if members.size == 0:  # nobody draws
        return 0, []
    spoke, k = _message_counts(model, members, rates, rng)
    if spoke.size == 0:
        return 0, []
    members = members[spoke]
    groups = None if groups is None else groups[spoke]
    model.posts[members] += k.astype(np.int32)  # each member once
    to_peers = rng.binomial(k, 1.0 - lead) if led else k
    s, r, n, alone = _talk_within(members, groups, to_peers, rng)
    to_hub = k - np.where(alone, 0, to_peers)
    h = to_hub.nonzero()[0]
    return int(k.sum()), [(s, r, n), (members[h], np.full(h.size, hub, np.int64), to_hub[h])]


DIRECT_BELOW = 20_000  # measured: skip sampling the counts pays from a group of 10,000-30,000 members


def _message_counts(model, members: np.ndarray, rates: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    """Each member's ``Poisson(rates[participation class])`` messages: the positions with some, and their counts.

    A sum of independent Poisson counts is Poisson with the summed rate, so every member draws
    ``Poisson(min(rates))`` (only the nonzero counts are drawn, :func:`model.timeline.poisson_senders`)
    and the members of a class with a higher rate (contributors, leaders: a few) draw
    ``Poisson(rate - min(rates))`` more: the same distribution as one draw per member, at
    about the cost of the messages. A group of fewer than ``DIRECT_BELOW`` members draws one
    count per member instead (cheaper there: fewer numpy calls).
    """
    if members.size < DIRECT_BELOW:  # a small group: one draw per member is cheaper (the same distribution)
        k = rng.poisson(rates[model.participation[members]])
        spoke = k.nonzero()[0]
        return spoke, k[spoke]
    base = float(rates.min())
    at, k = timeline.poisson_senders(rng, members.size, base)
    extra = rates - base
    if not extra.any():
        return at, k
    cls = model.participation[members]
    more = (extra[cls] > 0).nonzero()[0]
    total = np.zeros(members.size, np.int64)
    total[at] = k
    total[more] += rng.poisson(extra[cls[more]])
    spoke = total.nonzero()[0]
    return spoke, total[spoke]


def _peer_talk(members: np.ndarray, at: np.ndarray, k: np.ndarray, rng) -> Edges:
    """Members ``members[at]`` send ``k`` messages each to members drawn at random (herself included: dropped)."""
    row, cell, n = _distinct_draws(k, members.size, rng)
    senders, receivers = members[at[row]], members[cell]
    keep = receivers != senders
    return senders[keep], receivers[keep], n[keep]


def _team_talk(model, rng) -> tuple[int, list[Edges]]:
    """The management team's messages (organisational): volunteers report to managers, managers to the founders.

    Each volunteer and manager sends ``Poisson(team_messages)`` messages. A
    volunteer's go to managers drawn at random (to the founders' account, the
    WhatsApp hub, when there is no manager); half of a manager's go to the founders
    (``MANAGER_UP``), the others to other managers (coordination among peers).
    """
    p, n = model.p, model.n
    managers, vols = _team(model)
    if managers.size == 0 and vols.size == 0:  # no team, no draws (numpy draws nothing for nobody either)
        return 0, []
    hub = n + HUBS.index("whatsapp")
    kv, km = rng.poisson(p["team_messages"], vols.size), rng.poisson(p["team_messages"], managers.size)
    if managers.size:
        row, cell, c = _distinct_draws(kv, managers.size, rng)
        edges = [(vols[row], managers[cell], c)]
    else:
        h = kv.nonzero()[0]
        edges = [(vols[h], np.full(h.size, hub, np.int64), kv[h])]
    up = rng.binomial(km, MANAGER_UP)
    s, r, c, alone = _talk_within(managers, None, km - up, rng)
    up = np.where(alone, km, up)
    h = up.nonzero()[0]
    edges += [(s, r, c), (managers[h], np.full(h.size, hub, np.int64), up[h])]
    return int(kv.sum() + km.sum()), edges


MANAGER_UP = 0.5  # assumed: a manager writes as often to the founders as to the other managers


def _team(model) -> tuple[np.ndarray, np.ndarray]:
    """The managers and the volunteers, each in member_idx order.

    Found among ``capacity.team`` (everyone who has held a role, in member order: a few),
    not among every member.
    """
    team = capacity.team(model)
    role = model.role[team]
    return team.compress(role == _MANAGER), team.compress(role == _VOLUNTEER)


def _active_alumnae(model) -> np.ndarray:
    """The alumnae who are active members, in member order.

    Every alumna (``alumna``: completed a paid class or the scholarship; never reset) is kept in
    member order in ``model.comm_alumnae``, extended from the week's ``completed_paid`` and
    ``completed_scholars`` (model/progress.py, the only rule that makes alumnae, runs before),
    so a week looks at the alumnae, not at every active member's flag.
    """
    kept, ch = model.comm_alumnae, model.changed
    done = [a for a in (ch["completed_paid"], ch["completed_scholars"]) if a.size]
    if done:  # each alumna once (one who completes again is in both)
        model.comm_alumnae = kept = model.in_member_order(kept, *done)
    return kept.compress(model.stage[kept] == _ACTIVE)


def _learner_events(model, learners: np.ndarray, rng) -> tuple[int, int]:
    """Per learner: whether she attends this week's live class (u2s) and how many materials she opens (u2d).

    She attends with probability ``min(1, live_attendance * f_i / mean f)`` (``f`` her
    free time: less time, fewer lives) and opens ``Poisson(materials_per_week * (0.5 +
    s_i))`` materials (engaged learners read more; the mean is ``materials_per_week``
    at ``s = 0.5``). Adds to ``lives_attended``, ``lives_missed`` and ``materials_read``
    (read by model/progress.py: belonging and skills); returns the two event counts.
    """
    if learners.size == 0:  # nobody draws (numpy draws nothing for an empty array either)
        return 0, 0
    p, pop = model.p, model.pop
    f = pop["free_time"][learners]
    mean_f = p["free_time_mean"]
    attend = rng.random(learners.size) < np.minimum(1.0, p["live_attendance"] * f / mean_f)
    read = rng.poisson(p["materials_per_week"] * (0.5 + model.score[learners]))
    model.lives_attended[learners[attend]] += 1
    model.lives_missed[learners[~attend]] += 1
    model.materials_read[learners] += read.astype(model.materials_read.dtype)
    return int(attend.sum()), int(read.sum())


def learner_events_on(p: dict) -> bool:
    """Per-learner live attendance and reading are drawn only when an effect reads them."""
    return p["skill_effect"] > 0 or p["belonging_effect"] > 0


PATTERN_CHANNELS = {
    "telegram": ("telegram",),
    "whatsapp": ("whatsapp",),
    "groups": ("telegram", "whatsapp"),
    "all": ("telegram", "whatsapp", "rumii", "happy_hour", "alumni_group", "team"),
    "alumni": ("alumni_group",),
    "team": ("team",),
}


class MessageWindow:
    """The person-to-person messages of the last ``weeks`` weeks, as distinct directed edges with counts.

    Each week is kept as compact arrays of its distinct (sender, receiver, channel)
    edges and the messages on each (int32 ids and counts, int8 channels: 13 bytes an
    edge), so storage grows with the distinct ties, not with the messages. The
    undirected pairs on the ``monitored`` channels also go to a
    :class:`patterns.EdgeCounter` (added when the week enters, removed when it
    leaves: the week's pair keys are kept until then, 8 bytes a pair), whose degrees
    are those of the window's graph on those channels. The newest week is also kept
    as given (int64), for :meth:`last`.
    """

    def __init__(self, weeks: int, n_nodes: int, monitored: tuple[str, ...]):
        self.weeks = int(weeks)
        self._weeks: deque = deque()  # (senders, receivers, channel codes, messages) per week
        self._pairs_of: deque = deque()  # each week's monitored pair keys, removed from the counter when it leaves
        self._monitored = np.zeros(len(CHANNELS), bool)  # by channel code: a lookup, cheaper than np.isin
        self._monitored[[CHANNELS.index(c) for c in monitored]] = True
        self.counter = patterns.EdgeCounter(n_nodes)

    def add(self, senders: np.ndarray, receivers: np.ndarray, channels: np.ndarray, messages: np.ndarray) -> None:
        """This week's distinct edges (at most one per sender, receiver and channel); the oldest week leaves."""
        if len(self._weeks) == self.weeks:
            self._weeks.popleft()
            self.counter.remove(self._pairs_of.popleft())
        week = (senders.astype(np.int32), receivers.astype(np.int32), channels.astype(np.int8))
        self._weeks.append((*week, messages.astype(np.int32)))
        # the newest week as given, in int64, for last() (read every week: no conversion back from storage)
        self._last = tuple(np.asarray(a, np.int64) for a in (senders, receivers, channels, messages))
        on = self._monitored[week[2]].nonzero()[0]
        pairs = self.counter.pairs(week[0][on], week[1][on])
        self._pairs_of.append(pairs)
        self.counter.add(pairs)

    def edges(self, channels: tuple[str, ...] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Senders, receivers and messages of the window's edges on ``channels`` (default all), week by week."""
        if not self._weeks:
            e = np.empty(0, np.int64)
            return e, e, e
        src, dst, chan, n = (np.concatenate([w[i] for w in self._weeks]) for i in range(4))
        if channels is not None:
            keep = np.isin(chan, [CHANNELS.index(c) for c in channels])
            src, dst, n = src[keep], dst[keep], n[keep]
        return src.astype(np.int64), dst.astype(np.int64), n.astype(np.int64)

    def last(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The newest week's distinct edges: senders, receivers, channel codes, messages (int64; do not modify)."""
        if not self._weeks:
            e = np.empty(0, np.int64)
            return e, e, e, e
        return self._last

    @property
    def n_edges(self) -> int:
        """Edges stored (the distinct edges of each week, summed over the window)."""
        return sum(w[0].size for w in self._weeks)

    def degrees(self) -> np.ndarray:
        """Degree sequence of the window's graph on the monitored channels."""
        return self.counter.degrees()


def message_window(model) -> MessageWindow:
    """The model's empty window: ``window_weeks`` weeks, monitored on ``pattern_channels``."""
    p = model.p
    return MessageWindow(p["window_weeks"], model.n + len(HUBS), PATTERN_CHANNELS[p["pattern_channels"]])


def setup(model, rng: np.random.Generator) -> None:
    """Kept between weeks: the alumnae (:func:`_active_alumnae`), none yet."""
    model.comm_alumnae = _EMPTY


def step(model, rng: np.random.Generator) -> dict[str, int]:
    """Generate this week's events; record the message ties; return counts per ``<kind>_<channel>`` and kind.

    Messages (who talks with whom) draw from ``rng``; the pure counts (reads,
    views, comments) from the stream ``event_counts``, so that more or fewer posts
    never shift who talks with whom. This week's Happy Hour attendees, registrations
    and enrolments are read from ``model.changed``.
    """
    p, n = model.p, model.n
    attendees, count_rng = model.changed["happy_hour_attendees"], model.stream("event_counts")
    purpose = p["purpose_patterns"]
    purpose_rng = model.stream("communication_purpose") if purpose else None
    counts = dict.fromkeys(EVENT_TYPES, 0)
    edges, codes = [], []  # this week's distinct edges, piece by piece, and each piece's channel code

    def keep(channel: str, pieces: list[Edges]) -> None:
        """This week's distinct edges on ``channel`` (senders, receivers, messages), for the window."""
        edges.extend(pieces)
        codes.extend([CHANNELS.index(channel)] * len(pieces))

    tg = channels.telegram_group(model)  # the Telegram group's members, in aware_idx order (kept by channels)
    mem = model.member_idx
    learners = progress.in_class(model)  # in member order: mem[stage[mem] == IN_CLASS], from progress's agenda
    # compress: faster than mem[mask] on dense masks; member_stage: model.stage[mem] kept in member order
    active = mem.compress(model.member_stage == _ACTIVE)
    # one open Telegram group; one WhatsApp group per class cohort (programme and end week)
    cohort = model.programme[learners].astype(np.int64) * 100_000 + model.class_end[learners]
    led = capacity.facilitators(model) > 0
    # purpose sets the pattern: prompted discussion in class groups is admin-led (admin_lead); with
    # purpose_patterns on, peer support in the open group is led by peer_lead (all-channel)
    tg_lead = p["peer_lead"] if purpose else p["admin_lead"]
    # (channel, members, their groups (None: one group), how many groups, lead, stream)
    talks = [
        ("telegram", tg, None, min(tg.size, 1), tg_lead, rng),
        ("whatsapp", learners, cohort, patterns.unique_counts(cohort)[0].size, p["admin_lead"], rng),
    ]
    if purpose:  # the alumni group: peer support among alumnae (drawn from its own stream)
        alumnae = _active_alumnae(model)
        talks.append(("alumni_group", alumnae, None, min(alumnae.size, 1), p["peer_lead"], purpose_rng))
    rates = np.array([p["lurker_messages"], p["contributor_messages"], p["leader_messages"]])
    for channel, members, groups, n_groups, lead, g_rng in talks:
        hub = n + HUBS.index("telegram" if channel == "telegram" else "whatsapp")
        c, pieces = _group_talk(model, members, groups, hub, rates, g_rng, led, lead)
        prompts = p["prompts_per_week"] * n_groups if led else 0
        counts[("u2u", channel)] = c + prompts
        keep(channel, pieces)
    if purpose:  # the management team: organisational
        counts[("u2u", "team")], pieces = _team_talk(model, purpose_rng)
        keep("team", pieces)
    at, forum = timeline.poisson_senders(rng, active.size, p["forum_rate"])  # the active members who post
    keep("rumii", [_peer_talk(active, at, forum, rng)])
    model.posts[active[at]] += forum.astype(np.int32)
    counts[("u2u", "rumii")] = int(forum.sum())
    counts[("u2d", "rumii")] = int(count_rng.poisson(FORUM_READS * p["forum_rate"] * active.size))
    # Happy Hour: talks with others of the same province's meetup
    if attendees.size > 1:
        prov = model.pop["prov"][attendees].astype(np.int64)
        s, r, k, _ = _talk_within(attendees, prov, np.full(attendees.size, HAPPY_HOUR_TALKS), rng)
        keep("happy_hour", [(s, r, k)])
        counts[("u2u", "happy_hour")] = int(k.sum())
    # Instagram
    counts[("u2d", "instagram")] = int(count_rng.poisson(model.n_followers * posts_per_week(model) * p["view_share"]))
    if model.week % p["live_every_weeks"] == 0:
        counts[("u2u", "instagram")] = int(count_rng.poisson(model.n_followers * p["live_comment_share"]))
    # classes and the platform
    if learner_events_on(p):
        zoom, read = _learner_events(model, learners, model.stream("communication_learners"))
        counts[("u2s", "zoom")], counts[("u2d", "learning_platform")] = zoom, read
    else:
        counts[("u2s", "zoom")] = int(learners.size)
        counts[("u2d", "learning_platform")] = int(count_rng.poisson(p["materials_per_week"] * learners.size))
    counts[("u2s", "learning_platform")] = int(
        learners.size + sum(model.changed[k].size for k in ("registered", "paid_enrolled", "scholars"))
    )
    src, dst, msgs = (np.concatenate([e[i] for e in edges]) if edges else _EMPTY for i in range(3))
    chan = np.repeat(np.array(codes, np.int8), [e[0].size for e in edges])
    model.messages.add(src, dst, chan, msgs)
    model.events = counts
    model.monitors = monitor(model)
    values = list(counts.values())  # in EVENT_TYPES order
    out = dict(zip(_FLOW_NAMES, values))
    out.update({kind: sum(values[i] for i in at) for kind, at in _KIND_EVENTS.items()})
    return out


def window(model, channels: tuple[str, ...] | None = None, messages: bool = False):
    """Senders and receivers of the window's distinct edges on ``channels`` (default: all).

    Each week's distinct (sender, receiver, channel) edges, week after week (an edge
    of two weeks comes twice); with ``messages``, also the messages on each edge.
    """
    src, dst, n = model.messages.edges(channels)
    return (src, dst, n) if messages else (src, dst)


def monitor(model) -> dict[str, float | str]:
    """Centralisation, density and pattern of the window's graph on ``pattern_channels``.

    The degrees come from the window's incremental edge counter (its degree histogram): no pass over
    the window, nor over every node.
    """
    deg = model.messages.counter.sorted_degrees()
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
    random (from ``rng``, default a fixed seed) — for drawing. The sample is drawn
    from the edge arrays and only its subgraph is built (the same nodes, in the
    same order, as sampling the full graph), so a window of millions of ties costs
    numpy work, not a networkx graph of them.
    """
    n = model.n
    src, dst = window(model, channels)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    ends = np.stack([src, dst], axis=1).ravel()  # s0, d0, s1, d1, ...: networkx's order of first appearance
    nodes, first = np.unique(ends, return_index=True)
    picked = None
    role = np.zeros(nodes.size, np.int64)  # 0 hub, 1 manager, 2 volunteer, 3 member or non-member
    person = nodes < n
    r = model.role[nodes[person]]
    role[person] = np.where(r == Role.MANAGER, 1, np.where(r == Role.VOLUNTEER, 2, 3))
    if max_nodes is not None and nodes.size > max_nodes:
        rng = rng or np.random.default_rng(0)
        # hubs, then managers, then volunteers, then members at random
        picked = np.lexsort((rng.random(nodes.size), role))[:max_nodes]
        chosen = np.zeros(nodes.size, bool)
        chosen[picked] = True
        if 2 * picked.size < nodes.size:  # networkx's subgraph view iterates a few nodes in set order
            picked = list(set(nodes[picked].tolist()))
        else:
            picked = None
        both = chosen[np.searchsorted(nodes, src)] & chosen[np.searchsorted(nodes, dst)]
        src, dst = src[both], dst[both]
        nodes, first = nodes[chosen], first[chosen]
    g = nx.Graph()
    for v in nodes[np.argsort(first)].tolist() if picked is None else picked:
        if v >= n:
            g.add_node(v, role="hub:" + HUBS[v - n])
        else:
            r = Role(int(model.role[v]))
            g.add_node(
                v,
                role=r.name.lower()
                if r != Role.NONE
                else ("member" if model.registered_week[v] >= 0 else "non-member"),
            )
    g.add_edges_from(zip(src.tolist(), dst.tolist()))
    return g


RULE = Rule(
    name="communication",
    reads=(
        "share_contributors",
        "share_leaders",
        "lurker_messages",
        "contributor_messages",
        "leader_messages",
        "admin_lead",
        "prompts_per_week",
        "forum_rate",
        "view_share",
        "live_every_weeks",
        "live_comment_share",
        "materials_per_week",
        "pattern_channels",
        "window_weeks",
        "purpose_patterns",
        "peer_lead",
        "team_messages",
        "live_attendance",
        "free_time_mean",
        "skill_effect",
        "belonging_effect",
    ),
    owns=(
        State("lives_attended", np.int16, 0, "live class sessions attended (u2s; with learner events on)"),
        State("lives_missed", np.int16, 0, "live class sessions missed while in a class"),
        State("materials_read", np.int32, 0, "learning materials opened (u2d; with learner events on)"),
        State("posts", np.int32, 0, "messages she has written in group chat: Telegram, class and alumni groups, forum"),
    ),
    flows=(
        *(Flow(f"{k}_{c}", f"{KIND_LABELS[k]} events on {CHANNEL_LABELS[c]}", unit="events") for k, c in EVENT_TYPES),
        *(Flow(k, f"{KIND_LABELS[k]} events", unit="events", cumulative=True) for k in KINDS),
    ),
    step=step,
    setup=setup,
)
