"""Communication (model/communication.py): events by kind and channel; the window graph and its pattern."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from ibusim.model import CommunityModel, communication, patterns
from ibusim.model.states import Role, Stage

# version 0.2's communication: one lead share everywhere, one Zoom session and the mean reading per learner
# (purpose patterns and per-learner events are tested in their own section below)
ONE_PATTERN = dict(purpose_patterns=False, skill_effect=0.0, belonging_effect=0.0)
# what exchanges do (model/interaction.py), off: the lead share then changes nothing but the communication
EXCHANGES_OFF = dict(internalise_exchange=0.0, internalise_silence=0.0, tie_formation=0.0, referral_rate=0.0)
SHORT = dict(n_mothers=20_000, end="2022-06", **ONE_PATTERN)
EVENT_COLS = [f"new_{k}_{c}" for k, c in communication.EVENT_TYPES]
SILENT = dict(
    lurker_messages=0.0,
    contributor_messages=0.0,
    leader_messages=0.0,
    forum_rate=0.0,
    live_comment_share=0.0,
    happy_hour=False,
)


@pytest.fixture(scope="module")
def run():
    return CommunityModel(rng=1, **SHORT).run()


# ------------------------------------------------------------------ counts by kind and channel
def test_event_types_cover_every_kind_and_channel():
    kinds = {k for k, _ in communication.EVENT_TYPES}
    channels = {c for _, c in communication.EVENT_TYPES}
    assert kinds == set(communication.KINDS) == {"u2u", "u2d", "u2s"}
    assert channels == set(communication.CHANNELS)
    assert len(set(communication.EVENT_TYPES)) == len(communication.EVENT_TYPES)


def test_counts_per_kind_and_channel_are_nonnegative_integers(run):
    df = run.dataframe()
    for col in EVENT_COLS + [f"new_{k}" for k in communication.KINDS]:
        assert col in df.columns, col
        assert np.issubdtype(df[col].dtype, np.integer), col
        assert (df[col] >= 0).all(), col
    # every channel was used in the run (the alumni group and the team talk only with purpose patterns on)
    for col in EVENT_COLS:
        if col not in ("new_u2u_alumni_group", "new_u2u_team"):
            assert df[col].sum() > 0, col


def test_kind_totals_are_sums_over_channels(run):
    df = run.dataframe()
    for kind in communication.KINDS:
        cols = [f"new_{k}_{c}" for k, c in communication.EVENT_TYPES if k == kind]
        np.testing.assert_array_equal(df[f"new_{kind}"], df[cols].sum(axis=1), err_msg=kind)
        np.testing.assert_array_equal(df[f"cum_{kind}"], df[f"new_{kind}"].cumsum(), err_msg=kind)
    assert run.summary()["events_u2u"] == df["cum_u2u"].iloc[-1]
    assert run.events == {(k, c): int(df[f"new_{k}_{c}"].iloc[-1]) for k, c in communication.EVENT_TYPES}


def test_class_and_platform_events_follow_their_definitions(run):
    """Every learner attends one Zoom session a week.

    The platform counts one activity per learner plus every registration, paid enrolment and scholarship.
    """
    df = run.dataframe()
    w = df.iloc[1:]
    # the events are counted after the week's progress, so the learners are the n_in_class of the week's end
    np.testing.assert_array_equal(w["new_u2s_zoom"], w["n_in_class"])
    np.testing.assert_array_equal(
        w["new_u2s_learning_platform"],
        w["n_in_class"] + w["new_registered"] + w["new_paid_enrolled"] + w["new_scholars"],
    )


def test_happy_hour_off_no_offline_events():
    m = CommunityModel(rng=1, happy_hour=False, **SHORT).run()
    df = m.dataframe()
    assert (df["new_u2u_happy_hour"] == 0).all() and (df["new_happy_hour_attendees"] == 0).all()
    assert df["new_u2u"].sum() > 0  # the others still talk


def test_happy_hour_talks_are_between_attendees_of_one_province():
    m = CommunityModel(rng=2, n_mothers=60_000, end="2022-12", window_weeks=1)
    talks = 0
    while m.running:
        m.step()
        if m.flows["new_happy_hour_attendees"] > 1:
            src, dst, n = communication.window(m, ("happy_hour",), messages=True)
            assert n.sum() == m.flows["new_u2u_happy_hour"]  # the distinct talk edges carry every talk
            assert (m.pop["prov"][src] == m.pop["prov"][dst]).all() and (src != dst).all()
            assert n.sum() <= communication.HAPPY_HOUR_TALKS * m.flows["new_happy_hour_attendees"]
            assert np.unique(src * m.n + dst).size == src.size  # distinct (sender, receiver) edges
            talks += n.sum()
    assert talks > 0


def class_groups(m) -> int:
    """Class cohorts running now (a programme and an end week): one WhatsApp group each."""
    learners = np.flatnonzero(m.stage == Stage.IN_CLASS)
    return np.unique(np.stack([m.programme[learners], m.class_end[learners]]), axis=1).shape[1]


def test_zero_message_rates_leave_only_the_prompts():
    """Nobody writes: the only user-to-user events are the facilitators' prompts.

    No messages, no forum, no live comments, no meetups: prompts_per_week in the Telegram group and in
    each class cohort's WhatsApp group, and the communication graph is empty.
    """
    m = CommunityModel(rng=3, **SILENT, **SHORT)
    k = m.p["prompts_per_week"]
    several = 0
    while m.running:
        m.step()
        tg = int((m.telegram & (m.stage != Stage.UNAWARE)).sum())
        assert m.flows["new_u2u_telegram"] == (k if tg else 0)
        assert m.flows["new_u2u_whatsapp"] == k * class_groups(m)
        several += class_groups(m) > 1
        assert m.flows["new_u2u_rumii"] == m.flows["new_u2u_instagram"] == m.flows["new_u2u_happy_hour"] == 0
        assert m.flows["new_u2d_rumii"] == 0
        assert m.monitors["comm_nodes"] == 0 and m.monitors["comm_pattern"] == "none"
    assert several > 0  # weeks with more than one class group
    df = m.dataframe()
    assert df["new_u2u"].sum() > 0
    assert m.communication_graph().number_of_edges() == 0
    assert (df["new_u2d_instagram"] > 0).any()  # reading continues


def test_no_prompts_and_no_messages_no_user_to_user_events():
    m = CommunityModel(rng=3, prompts_per_week=0, **SILENT, **SHORT).run()
    assert (m.dataframe()["new_u2u"] == 0).all()


def test_message_volume_follows_participation_inequality():
    """The expected count in the Telegram group is the sum of the rates of its members.

    A lurker writes lurker_messages a week, a contributor contributor_messages, a leader leader_messages.
    """
    m = CommunityModel(rng=4, **{**SHORT, "n_mothers": 60_000})
    observed = expected = 0.0
    rates = np.array([m.p["lurker_messages"], m.p["contributor_messages"], m.p["leader_messages"]])
    while m.running:
        m.step()
        tg = np.flatnonzero(m.telegram & (m.stage != Stage.UNAWARE))
        if tg.size:
            observed += m.flows["new_u2u_telegram"] - m.p["prompts_per_week"]
            expected += rates[m.participation[tg]].sum()
    assert expected > 500
    assert abs(observed - expected) < 5 * np.sqrt(expected)
    share = np.bincount(m.participation, minlength=3) / m.n
    assert share[communication.LEADER] == pytest.approx(m.p["share_leaders"], abs=0.003)
    assert share[communication.CONTRIBUTOR] == pytest.approx(m.p["share_contributors"], abs=0.006)


# ------------------------------------------------------------------ admins lead or peers talk: the same model
@pytest.fixture(scope="module")
def lead_runs():
    """The default (IPM) model to the end of 2022, with admin_lead 1 and 0 and nothing else changed."""
    return {
        lead: CommunityModel(rng=1, end="2022-12", admin_lead=lead, **ONE_PATTERN, **EXCHANGES_OFF).run()
        for lead in (1.0, 0.0)
    }


def test_admin_lead_changes_only_the_communication_when_exchanges_do_nothing(lead_runs):
    a, b = lead_runs[1.0].dataframe(), lead_runs[0.0].dataframe()
    comm = [c for c in a.columns if c.startswith(("new_u2", "cum_u2", "comm_"))]
    assert_frame_equal(a.drop(columns=comm), b.drop(columns=comm))


def test_admins_lead_gives_a_wheel(lead_runs):
    m = lead_runs[1.0]
    df = m.dataframe()
    late = df.iloc[-52:]
    assert (late["comm_centralisation"] == 1.0).all()
    assert (late["comm_pattern"] == "wheel").all()
    # the Telegram window graph is a star around the hub
    g = m.communication_graph(channels=("telegram",))
    hub = m.n + communication.HUBS.index("telegram")
    assert g.number_of_nodes() > 100
    assert g.degree(hub) == g.number_of_nodes() - 1 == g.number_of_edges()
    assert patterns.centralisation(patterns.graph_degrees(g)) == 1.0
    assert patterns.classify(g) == "wheel"


def test_peers_talk_gives_an_all_channel_network(lead_runs):
    """With peers talking the window graph is decentralised.

    A week's window is a small random graph
    (a few hundred people), so its centralisation fluctuates around ~0.12: most late weeks are below
    Y_LIKE (all-channel), none comes near a wheel.
    """
    m = lead_runs[0.0]
    df = m.dataframe()
    late = df.iloc[-52:]
    assert late["comm_centralisation"].mean() < 0.15
    assert (late["comm_centralisation"] < patterns.Y_LIKE).mean() >= 0.9
    assert (late["comm_centralisation"] < 0.3).all()
    assert (late["comm_pattern"] == "all-channel").mean() >= 0.9
    g = m.communication_graph(channels=("telegram",))
    assert g.number_of_nodes() > 100
    c = patterns.centralisation(patterns.graph_degrees(g))
    assert c == pytest.approx(m.monitors["comm_centralisation"]) and c < 0.2
    # peers talk with each other: many more distinct ties than a star on the same people
    assert g.number_of_edges() > 1.2 * (g.number_of_nodes() - 1)
    assert lead_runs[1.0].monitors["comm_density"] < m.monitors["comm_density"]


def test_centralisation_falls_as_peers_take_over():
    """The monitored Telegram group follows admin_lead when purpose patterns are off.

    (With them on it follows peer_lead, and admin_lead leads only the class groups: the monitored
    centralisation then does not fall with admin_lead, in 0.3.0 as now; this test used to run with
    them on and held at seed 1 only, not at seeds 2-4.)
    """
    for seed in (1, 2):
        c = [
            CommunityModel(rng=seed, end="2021-12", admin_lead=lead, purpose_patterns=False)
            .run()
            .dataframe()["comm_centralisation"]
            .iloc[-26:]
            .mean()
            for lead in (1.0, 0.7, 0.0)
        ]
        assert c[0] > c[1] > c[2], seed


# ------------------------------------------------------------------ the window graph
def test_communication_graph_sample_has_roles(lead_runs):
    run = lead_runs[0.0]
    full = run.communication_graph()
    assert full.number_of_nodes() > 400
    g = run.communication_graph(max_nodes=200)
    assert 0 < g.number_of_nodes() <= 200
    roles = nx.get_node_attributes(g, "role")
    assert set(roles) == set(g.nodes)
    assert set(roles.values()) <= {"hub:telegram", "hub:whatsapp", "volunteer", "manager", "member", "non-member"}
    full_roles = set(nx.get_node_attributes(full, "role").values())
    for hub in ("hub:telegram", "hub:whatsapp"):  # the hubs are kept first
        assert (hub in roles.values()) == (hub in full_roles)
    assert set(nx.get_node_attributes(full, "role").values()) & {"volunteer", "manager"} <= set(roles.values())
    for v, r in roles.items():
        if v < run.n:
            assert (r == "member") == (run.registered_week[v] >= 0 and run.role[v] == 0)
    edges = lambda graph: {frozenset(e) for e in graph.edges}  # noqa: E731
    assert edges(g) == edges(full.subgraph(g.nodes))  # a sample of the same graph: its induced subgraph
    # repeatable (fixed default seed)
    g2 = run.communication_graph(max_nodes=200)
    assert set(g2.nodes) == set(g.nodes)


def test_communication_graph_degrees_agree_with_the_edge_arrays(run):
    for channels in (None, ("telegram",), ("whatsapp",), ("telegram", "whatsapp", "rumii", "happy_hour")):
        src, dst = communication.window(run, channels)
        g = run.communication_graph(channels=channels)
        deg = patterns.degrees_from_edges(src, dst)
        assert sorted(deg.tolist()) == sorted(d for _, d in g.degree()), channels
        assert patterns.centralisation(deg) == pytest.approx(patterns.centralisation(patterns.graph_degrees(g)))
    # the monitored figures are those of the pattern_channels graph
    g = run.communication_graph(channels=communication.PATTERN_CHANNELS[run.p["pattern_channels"]])
    assert run.monitors["comm_nodes"] == g.number_of_nodes()
    assert run.monitors["comm_centralisation"] == pytest.approx(patterns.centralisation(patterns.graph_degrees(g)))
    assert run.monitors["comm_density"] == pytest.approx(nx.density(g))
    assert run.communication_pattern == run.monitors["comm_pattern"] == run.dataframe()["comm_pattern"].iloc[-1]


def test_window_keeps_the_last_weeks_only():
    m = CommunityModel(rng=5, window_weeks=2, **SHORT)
    sizes = []
    while m.running:
        m.step()
        sizes.append(communication.window(m)[0].size)
    # the window holds the messages of two weeks: the sum of two consecutive weeks' message ties
    assert max(sizes) > 0
    m1 = CommunityModel(rng=5, window_weeks=1, **SHORT)
    weekly = []
    while m1.running:
        m1.step()
        weekly.append(communication.window(m1)[0].size)
    expected = [weekly[0]] + [weekly[t - 1] + weekly[t] for t in range(1, len(weekly))]
    assert sizes == expected


@pytest.mark.parametrize("chan", ["whatsapp", "groups", "all"])
def test_pattern_channels_choose_the_monitored_messages(chan):
    """Every week, the monitored figures are those of the window's graph on the chosen channels."""
    m = CommunityModel(rng=1, pattern_channels=chan, n_mothers=20_000, end="2021-12")
    weeks_with_edges = 0
    while m.running:
        m.step()
        src, dst = communication.window(m, communication.PATTERN_CHANNELS[chan])
        deg = patterns.degrees_from_edges(src, dst)
        assert m.monitors["comm_nodes"] == deg.size
        assert m.monitors["comm_centralisation"] == pytest.approx(patterns.centralisation(deg))
        assert m.monitors["comm_density"] == pytest.approx(patterns.density(deg))
        weeks_with_edges += deg.size > 0
    assert weeks_with_edges > 20
    assert 0 <= m.dataframe()["comm_centralisation"].min() and m.dataframe()["comm_centralisation"].max() <= 1


def test_communication_graph_never_exceeds_max_nodes(lead_runs):
    """The sample never exceeds max_nodes, even when the hubs and facilitators alone are more.

    Regression: they used to be kept whatever max_nodes said. The sample keeps hubs first, then
    managers, then volunteers.
    """
    m = lead_runs[1.0]  # admins lead: the hubs are in the window
    g = m.communication_graph()
    facilitators = [v for v, r in g.nodes(data="role") if r not in ("member", "non-member")]
    assert len(facilitators) > 3
    small = m.communication_graph(max_nodes=3)
    assert small.number_of_nodes() == 3
    assert all(r not in ("member", "non-member") for _, r in small.nodes(data="role"))
    assert any(r.startswith("hub:") for _, r in small.nodes(data="role"))


def test_whatsapp_messages_stay_within_a_class():
    """Each class cohort has its own WhatsApp group.

    Regression: all learners used to share one group, so peers in different classes messaged each other.
    """
    m = CommunityModel(rng=1, end="2022-12", window_weeks=1)
    peer = crossed = 0
    while m.running:
        m.step()
        src, dst = communication.window(m, ("whatsapp",))
        mothers = dst < m.n  # peer messages (the hub is not a mother)
        src, dst = src[mothers], dst[mothers]
        peer += src.size
        crossed += int(((m.programme[src] != m.programme[dst]) | (m.class_end[src] != m.class_end[dst])).sum())
    assert peer > 50
    assert crossed == 0


def test_no_facilitators_no_prompts_and_messages_go_to_peers():
    """Without facilitators nobody prompts, and the members address each other.

    No founders, managers or volunteers (F = 0): even with admin_lead = 1 the messages go to peers.
    """
    leaderless = dict(n_admins=0, volunteering=False, **{**SHORT, "n_mothers": 60_000})
    m = CommunityModel(rng=3, **SILENT, **leaderless).run()
    assert (m.dataframe()["new_u2u"] == 0).all()
    m = CommunityModel(rng=3, admin_lead=1.0, **leaderless).run()
    src, dst, n = communication.window(m, ("telegram", "whatsapp"), messages=True)
    assert src.size > 50
    assert n[dst >= m.n].sum() < 0.25 * n.sum()  # to a hub only when no peer spoke (with admins leading: 100%)
    assert m.monitors["comm_centralisation"] < 0.5


def hub_messages_despite_peers(m) -> tuple[int, int]:
    """Edges to a hub although another member of the sender's group spoke, and all edges to a hub.

    In the window (one week).
    """
    bad = total = 0
    for channel in ("telegram", "whatsapp"):
        src, dst = communication.window(m, (channel,))
        hub = dst >= m.n
        total += int(hub.sum())
        group = (
            np.zeros(src.size, np.int64)
            if channel == "telegram"
            else m.programme[src].astype(np.int64) * 100_000 + m.class_end[src]
        )
        for g in np.unique(group[hub]):
            if np.unique(src[group == g]).size >= 2:
                bad += int((hub & (group == g)).sum())
    return bad, total


def test_peer_messages_go_to_the_hub_only_when_nobody_else_spoke():
    m = CommunityModel(rng=1, admin_lead=0.0, window_weeks=1, **SHORT)
    bad = total = 0
    while m.running:
        m.step()
        b, t = hub_messages_despite_peers(m)
        bad, total = bad + b, total + t
    assert total > 0
    assert bad == 0, (bad, total)


# ------------------------------------------------------------------ cost: distinct edges, not messages
def raw_week(draw_pairs, channels) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    src = np.array([a for a, _, _ in draw_pairs], np.int64)
    dst = np.array([b for _, b, _ in draw_pairs], np.int64)
    chan = np.array([channels[c] for _, _, c in draw_pairs], np.int8)
    return src, dst, chan


def distinct(src, dst, chan) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (sender, receiver, channel) edges of raw messages, with their message counts."""
    key, n = np.unique(np.stack([src, dst, chan.astype(np.int64)]), axis=1, return_counts=True)
    return key[0], key[1], key[2].astype(np.int8), n


messages = st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11), st.integers(0, 2)), max_size=30)
PATTERNS = communication.PATTERN_CHANNELS


@settings(max_examples=80, deadline=None)
@given(weeks=st.lists(messages, max_size=10), window=st.integers(1, 4), monitored=st.sampled_from(list(PATTERNS)))
def test_window_degrees_equal_those_of_every_message_of_the_window(weeks, window, monitored):
    """The window's monitored degree sequence is exactly the one of all the messages of its weeks.

    The window keeps each week's distinct edges with counts; the messages may be repeated, in both
    directions or self-addressed.
    """
    codes = [communication.CHANNELS.index(c) for c in ("telegram", "whatsapp", "rumii")]
    win = communication.MessageWindow(window, 12, communication.PATTERN_CHANNELS[monitored])
    kept = []
    for week in weeks:
        raw = raw_week(week, codes)
        win.add(*distinct(*raw))
        kept = (kept + [raw])[-window:]
        src, dst, chan = (np.concatenate([k[i] for k in kept]) for i in range(3))
        on = np.isin(chan, [communication.CHANNELS.index(c) for c in communication.PATTERN_CHANNELS[monitored]])
        np.testing.assert_array_equal(win.degrees(), patterns.degrees_from_edges(src[on], dst[on]))
        s, d, n = win.edges()
        assert n.sum() == src.size  # every message is counted on its edge
        assert win.n_edges == s.size == sum(np.unique(np.stack(k), axis=1).shape[1] for k in kept)
        g = nx.Graph(zip(s[s != d].tolist(), d[s != d].tolist()))
        assert sorted(d for _, d in g.degree()) == sorted(patterns.degrees_from_edges(src, dst).tolist())


@settings(max_examples=60, deadline=None)
@given(
    draws=st.lists(st.integers(0, 300), min_size=1, max_size=8),
    cells=st.lists(st.integers(0, 40), min_size=8, max_size=8),
    seed=st.integers(0, 2**16),
)
def test_distinct_draws_are_distinct_and_carry_every_draw(draws, cells, seed):
    d = np.array(draws)
    c = np.array(cells[: d.size])
    row, cell, n = communication._distinct_draws(d, c, np.random.default_rng(seed))
    assert np.unique(row * 1000 + cell).size == row.size  # distinct (row, cell)
    assert ((0 <= cell) & (cell < c[row])).all() and (n >= 1).all()
    sent = np.bincount(row, weights=n, minlength=d.size).astype(np.int64)
    np.testing.assert_array_equal(sent, np.where(c > 0, d, 0))
    # the work (and the edges stored) is at most the cells a row can reach, however many draws
    assert (np.bincount(row, minlength=d.size) <= np.minimum(d, c)).all()


@pytest.mark.parametrize("draws, cells", [(3, 50), (40, 50), (400, 50), (5_000, 50)])
def test_distinct_draws_have_the_occupancy_distribution(draws, cells):
    """The number of distinct cells hit by k uniform draws among c cells has mean c (1 - (1 - 1/c)^k).

    The same whether the draws are made one by one (k <= c) or as one multinomial (k > c).
    """
    rows = 4_000
    row, _, _ = communication._distinct_draws(np.full(rows, draws), np.full(rows, cells), np.random.default_rng(draws))
    hit = np.bincount(row, minlength=rows)
    mean = cells * (1 - (1 - 1 / cells) ** draws)
    var = hit.var()
    assert abs(hit.mean() - mean) < 5 * np.sqrt(var / rows + 1e-12) + 1e-9


def test_a_flood_of_messages_stores_the_distinct_ties_only():
    """Leaders writing 1,000 messages a week: the window stores the distinct ties only.

    The counts carry every message; the window stores at most one edge per sender and partner (a group
    of g speakers has at most g (g - 1) + g directed ties).
    """
    m = CommunityModel(
        rng=2, share_leaders=1.0, share_contributors=0.0, leader_messages=1000.0, window_weeks=1, **SHORT
    )
    flood = stored = 0
    while m.running:
        m.step()
        tg = np.flatnonzero(m.telegram & (m.stage != Stage.UNAWARE))
        msgs = m.flows["new_u2u_telegram"] - (m.p["prompts_per_week"] if tg.size else 0)
        src, dst, n = communication.window(m, ("telegram",), messages=True)
        assert n.sum() == msgs
        assert src.size <= tg.size * tg.size
        flood += msgs
        stored += m.messages.n_edges
    assert flood > 1_000_000
    assert stored < flood / 5


# ------------------------------------------------------------------ purpose sets the pattern (Model 2.0)
@pytest.fixture(scope="module")
def purpose_run():
    return CommunityModel(rng=2, n_mothers=20_000, end="2023-06", purpose_patterns=True).run()


def test_alumni_group_and_team_talk_only_with_purpose_patterns(purpose_run, run):
    df = purpose_run.dataframe()
    assert df["new_u2u_alumni_group"].sum() > 0 and df["new_u2u_team"].sum() > 0
    off = run.dataframe()
    assert (off["new_u2u_alumni_group"] == 0).all() and (off["new_u2u_team"] == 0).all()


def test_each_purpose_has_its_pattern(purpose_run):
    """Peer support (Telegram, alumni) is decentralised; the team is organisational (around managers and founders)."""
    m = purpose_run
    for channels in (("telegram",), ("alumni_group",)):
        src, dst = communication.window(m, channels)
        assert patterns.centralisation(patterns.degrees_from_edges(src, dst)) < 0.5, channels
    src, dst = communication.window(m, ("team",))
    assert src.size > 0
    # every team message goes from a volunteer to a manager (or the founders' hub) or from a manager
    senders, receivers = np.unique(src), np.unique(dst)
    assert set(m.role[senders]) <= {Role.VOLUNTEER, Role.MANAGER, Role.NONE}  # NONE: stepped down since
    hub = m.n + communication.HUBS.index("whatsapp")
    people = receivers[receivers < m.n]
    assert hub in receivers or m.n_role(Role.MANAGER) > 0
    assert np.isin(m.role[people], [Role.MANAGER, Role.NONE]).all() or people.size == 0


def test_telegram_is_led_by_peer_lead_with_purpose_patterns():
    kw = dict(rng=3, n_mothers=20_000, end="2022-06", purpose_patterns=True, **EXCHANGES_OFF)
    wheel = CommunityModel(peer_lead=1.0, admin_lead=0.0, **kw).run()
    peers = CommunityModel(peer_lead=0.0, admin_lead=1.0, **kw).run()
    assert wheel.monitors["comm_pattern"] == "wheel" and peers.monitors["comm_pattern"] != "wheel"


def test_learner_events_per_learner_when_an_effect_reads_them():
    m = CommunityModel(rng=4, n_mothers=20_000, end="2022-06", belonging_effect=0.5, live_attendance=0.5).run()
    df = m.dataframe().iloc[1:]
    assert (df["new_u2s_zoom"] <= df["n_in_class"]).all()  # not every learner attends
    assert 0.3 < df["new_u2s_zoom"].sum() / df["n_in_class"].sum() < 0.7  # about live_attendance
    assert m.lives_attended.sum() == df["new_u2s_zoom"].sum()
    assert m.materials_read.sum() == df["new_u2d_learning_platform"].sum()


# ------------------------------------------------------------------ the shortcuts draw what the general forms draw
@settings(max_examples=60, deadline=None)
@given(draws=st.lists(st.integers(0, 60), max_size=12), cells=st.integers(0, 30), seed=st.integers(0, 2**16))
def test_distinct_draws_with_one_cell_count_are_those_of_the_array_form(draws, cells, seed):
    d = np.array(draws, np.int64)
    one = communication._distinct_draws(d, cells, np.random.default_rng(seed))
    each = communication._distinct_draws(d, np.full(d.size, cells), np.random.default_rng(seed))
    for a, b in zip(one, each):
        np.testing.assert_array_equal(a, b)


@settings(max_examples=60, deadline=None)
@given(size=st.integers(0, 12), draws=st.integers(0, 20), seed=st.integers(0, 2**16))
def test_talk_within_one_group_is_the_keyed_form_with_one_key(size, draws, seed):
    members = np.random.default_rng(seed).permutation(40)[:size]
    k = np.random.default_rng(seed + 1).integers(0, draws + 1, size)
    one = communication._talk_within(members, None, k, np.random.default_rng(seed))
    keyed = communication._talk_within(members, np.zeros(size, np.int64), k, np.random.default_rng(seed))
    for a, b in zip(one, keyed):
        np.testing.assert_array_equal(a, b)


def test_team_and_alumnae_are_those_a_scan_finds_every_week():
    """The team (from capacity.team) and the kept alumnae equal a scan of every member."""
    m = CommunityModel(rng=2, n_mothers=20_000, end="2023-06", purpose_patterns=True)
    alumnae = 0
    while m.running:
        m.step()
        mem = m.member_idx
        managers, vols = communication._team(m)
        np.testing.assert_array_equal(managers, mem[m.role[mem] == Role.MANAGER])
        np.testing.assert_array_equal(vols, mem[m.role[mem] == Role.VOLUNTEER])
        active = mem[m.stage[mem] == Stage.ACTIVE]
        np.testing.assert_array_equal(m.comm_alumnae, mem[m.alumna[mem]])
        np.testing.assert_array_equal(communication._active_alumnae(m), active[m.alumna[active]])
        alumnae = max(alumnae, m.comm_alumnae.size)
    assert m.n_role(Role.VOLUNTEER) + m.n_role(Role.MANAGER) > 0
    assert alumnae > 10


# ------------------------------------------------------------------ posts: each mother's group-chat messages
def test_posts_count_every_group_chat_message_of_each_mother():
    """``posts`` sums to the group-chat messages (Telegram, class and alumni groups, forum) without prompts.

    Only mothers who are aware write; leaders write more than contributors, and contributors more than lurkers.
    """
    m = CommunityModel(rng=3, n_mothers=20_000, end="2022-06", prompts_per_week=0).run()
    df = m.dataframe()
    chat = ("new_u2u_telegram", "new_u2u_whatsapp", "new_u2u_alumni_group", "new_u2u_rumii")
    assert m.posts.dtype == np.int32 and (m.posts >= 0).all()
    assert int(m.posts.sum()) == int(sum(df[c].sum() for c in chat)) > 1000
    assert (m.posts[m.stage == Stage.UNAWARE] == 0).all()
    wrote = m.posts[m.stage >= Stage.ACTIVE]
    cls = m.participation[m.stage >= Stage.ACTIVE]
    means = [wrote[cls == c].mean() for c in (0, 1, 2)]  # lurker, contributor, leader
    assert means[0] < means[1] < means[2]
    assert (m.posts > 0).mean() < (m.stage >= Stage.AWARE).mean()  # most mothers never post


def test_posts_are_zero_without_group_chat():
    m = CommunityModel(
        rng=1,
        n_mothers=5000,
        end="2021-06",
        lurker_messages=0.0,
        contributor_messages=0.0,
        leader_messages=0.0,
        forum_rate=0.0,
    ).run()
    assert not m.posts.any()


@pytest.mark.parametrize("size", [1_000, 50_000])
def test_message_counts_are_poisson_at_each_class_rate(size):
    """Each member's messages: Poisson(rate of her class), drawn directly (small groups) or as senders only.

    Over repeated weeks, per class, the share of members who write is 1 - exp(-rate) and the mean count rate.
    """
    from types import SimpleNamespace

    rng = np.random.default_rng(8)
    part = rng.choice(3, 200_000, p=[0.9, 0.09, 0.01]).astype(np.int8)
    members = np.sort(rng.choice(part.size, size, replace=False))
    rates = np.array([0.02, 0.5, 3.0])
    assert (size >= communication.DIRECT_BELOW) == (size == 50_000)
    weeks = 2_000_000 // size
    wrote, total = np.zeros(size), np.zeros(size)
    for _ in range(weeks):
        at, k = communication._message_counts(SimpleNamespace(participation=part), members, rates, rng)
        assert (k >= 1).all() and np.all(np.diff(at) > 0)
        wrote[at] += 1
        total[at] += k
    cls = part[members]
    for c, lam in enumerate(rates):
        m = (cls == c).sum() * weeks
        p = -math.expm1(-lam)
        assert abs(wrote[cls == c].sum() - m * p) < 5 * math.sqrt(m * p * (1 - p)), c
        assert abs(total[cls == c].sum() - m * lam) < 5 * math.sqrt(m * lam), c
