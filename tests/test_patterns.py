"""Communication patterns (model/patterns.py): Freeman centralisation, density, classification.

The five reference networks of Bavelas (1950) and Leavitt (1951) on 5 nodes, with their
known degree centralisation C = sum_i (k_max - k_i) / ((n - 1)(n - 2)):

* wheel (star): degrees 4,1,1,1,1 → 12/12 = 1
* Y (a node of degree 3 with legs of lengths 2, 1, 1): degrees 3,2,1,1,1 → 7/12 ≈ 0.583
* chain (path): degrees 1,2,2,2,1 → 2/12 = 1/6 ≈ 0.167
* circle (cycle): all degrees 2 → 0
* all-channel (complete): all degrees 4 → 0
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ibusim.model import patterns


def y_graph() -> nx.Graph:
    """Node 0 has degree 3; its legs: 0-1-2 (length 2), 0-3 and 0-4 (length 1)."""
    return nx.Graph([(0, 1), (1, 2), (0, 3), (0, 4)])


REFERENCE = {
    "wheel": (nx.star_graph(4), 1.0),
    "chain": (nx.path_graph(5), 1 / 6),
    "circle": (nx.cycle_graph(5), 0.0),
    "all-channel": (nx.complete_graph(5), 0.0),
    "Y": (y_graph(), 7 / 12),
}


def edges(g: nx.Graph) -> tuple[np.ndarray, np.ndarray]:
    e = np.array(list(g.edges), dtype=np.int64).reshape(-1, 2)
    return e[:, 0], e[:, 1]


# ------------------------------------------------------------------ the five reference networks
def test_reference_graphs_have_five_nodes_and_the_intended_shape():
    for name, (g, _) in REFERENCE.items():
        assert g.number_of_nodes() == 5, name
        assert nx.is_connected(g), name
    assert sorted(d for _, d in y_graph().degree()) == [1, 1, 1, 2, 3]


@pytest.mark.parametrize("name", list(REFERENCE))
def test_reference_centralisation(name):
    g, expected = REFERENCE[name]
    assert patterns.centralisation(patterns.graph_degrees(g)) == pytest.approx(expected, abs=1e-12)
    # the same from the edge arrays, as the model measures it every week
    assert patterns.centralisation(patterns.degrees_from_edges(*edges(g))) == pytest.approx(expected, abs=1e-12)


def test_reference_values_as_quoted_in_the_issue():
    c = {k: patterns.centralisation(patterns.graph_degrees(g)) for k, (g, _) in REFERENCE.items()}
    assert c["wheel"] == 1.0
    assert round(c["Y"], 3) == 0.583
    assert round(c["chain"], 3) == 0.167
    assert c["circle"] == 0.0 and c["all-channel"] == 0.0


@pytest.mark.parametrize("name", list(REFERENCE))
def test_classify_names_the_reference_graphs(name):
    g, _ = REFERENCE[name]
    assert patterns.classify(g) == name
    assert name in patterns.PATTERNS
    # relabelled nodes (the model's node ids are mother indices and hub ids) do not matter
    relabelled = nx.relabel_nodes(g, {v: 1000 + 7 * v for v in g.nodes})
    assert patterns.classify(relabelled) == name


def test_classify_ignores_self_loops_and_accepts_multigraphs():
    g = nx.MultiGraph(nx.star_graph(4))
    g.add_edge(0, 1)  # a repeated message
    g.add_edge(2, 2)  # a message to oneself
    assert patterns.classify(g) == "wheel"
    assert patterns.centralisation(patterns.graph_degrees(g)) == 1.0


def test_graph_degrees_drop_self_loops_like_degrees_from_edges():
    """Regression: graph_degrees used to count a self-loop as 2 (the networkx convention)."""
    g = nx.star_graph(4)
    g.add_edge(2, 2)
    src, dst = edges(g)
    np.testing.assert_array_equal(patterns.graph_degrees(g), patterns.degrees_from_edges(src, dst))


def test_density_of_reference_graphs():
    d = {k: patterns.density(patterns.graph_degrees(g)) for k, (g, _) in REFERENCE.items()}
    assert d["all-channel"] == 1.0
    assert d["circle"] == pytest.approx(0.5)
    assert d["wheel"] == d["chain"] == d["Y"] == pytest.approx(0.4)  # trees: 4 edges of 10
    # density tells the circle from the all-channel network although both have C = 0
    assert d["circle"] < d["all-channel"]


def test_density_and_centralisation_agree_with_networkx_definitions():
    g = nx.gnm_random_graph(30, 80, seed=3)
    deg = patterns.graph_degrees(g)
    assert patterns.density(deg) == pytest.approx(nx.density(g))
    dc = np.array(list(nx.degree_centrality(g).values()))  # k_i / (n - 1)
    n = g.number_of_nodes()
    # Freeman: sum (c_max - c_i) over its maximum (n - 2) for normalised degree centrality
    assert patterns.centralisation(deg) == pytest.approx((dc.max() - dc).sum() / (n - 2))


def test_classify_by_centralisation_for_other_graphs():
    """Graphs that are none of the exact shapes are named by their centralisation C.

    C >= WHEEL_LIKE: wheel, C >= Y_LIKE: Y, otherwise all-channel.
    """
    star_plus = nx.star_graph(9)
    star_plus.add_edge(1, 2)  # a star with one side channel: not a tree any more
    c = patterns.centralisation(patterns.graph_degrees(star_plus))
    assert c >= patterns.WHEEL_LIKE and patterns.classify(star_plus) == "wheel"
    two_triangles = nx.Graph([(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3)])  # not connected: no exact shape
    assert patterns.classify(two_triangles) == "all-channel"
    # a hub talking with nine members who each talk with six others: degrees 9 and 7, C = 9 * 2 / 72 = 0.25
    y_like = nx.star_graph(9)
    y_like.add_edges_from((a + 1, b + 1) for a, b in nx.circulant_graph(9, [1, 2, 3]).edges)
    c = patterns.centralisation(patterns.graph_degrees(y_like))
    assert c == pytest.approx(0.25)
    assert patterns.Y_LIKE <= c < patterns.WHEEL_LIKE and patterns.classify(y_like) == "Y"
    assert patterns.classify(np.zeros(0, np.int64)) == "none"


@pytest.mark.parametrize("name", list(REFERENCE))
def test_degree_sequence_of_a_reference_graph_gets_its_name(name):
    """A degree sequence is taken to be of a connected graph (as the weekly monitor sees it)."""
    g, _ = REFERENCE[name]
    assert patterns.classify(patterns.graph_degrees(g)) == name
    assert patterns.classify(patterns.degrees_from_edges(*edges(g))) == name


def test_fewer_than_three_nodes_have_zero_centralisation():
    assert patterns.centralisation(np.zeros(0, np.int64)) == 0.0
    assert patterns.centralisation(np.array([1, 1])) == 0.0
    assert patterns.density(np.array([1, 1])) == 1.0
    assert patterns.density(np.zeros(0, np.int64)) == 0.0


# ------------------------------------------------------------------ degrees from edge arrays
def test_degrees_from_edges_handles_duplicates_and_self_loops():
    src = np.array([0, 1, 0, 2, 2, 5, 5, 7])
    dst = np.array([1, 0, 1, 2, 0, 5, 7, 5])  # 0-1 three times, a loop at 2 and at 5, 5-7 twice
    deg = patterns.degrees_from_edges(src, dst)
    # simple graph: 0-1, 0-2, 5-7 → nodes 0,1,2,5,7 with degrees 2,1,1,1,1 (in node order)
    np.testing.assert_array_equal(deg, [2, 1, 1, 1, 1])
    assert patterns.degrees_from_edges(np.array([3, 3]), np.array([3, 3])).size == 0  # only loops
    assert patterns.degrees_from_edges(np.array([], np.int64), np.array([], np.int64)).size == 0


edge_lists = st.lists(st.tuples(st.integers(0, 25), st.integers(0, 25)), max_size=120)


@settings(max_examples=60, deadline=None)
@given(edge_lists)
def test_degrees_from_edges_equal_networkx_degrees(pairs):
    src = np.array([a for a, _ in pairs], np.int64)
    dst = np.array([b for _, b in pairs], np.int64)
    g = nx.Graph((a, b) for a, b in pairs if a != b)
    expected = np.array([d for _, d in sorted(g.degree())], np.int64)
    np.testing.assert_array_equal(patterns.degrees_from_edges(src, dst), expected)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 40), p=st.floats(0, 1), seed=st.integers(0, 2**16))
def test_centralisation_and_density_in_unit_interval_for_random_graphs(n, p, seed):
    g = nx.gnp_random_graph(n, p, seed=seed)
    g.remove_nodes_from([v for v, d in list(g.degree()) if d == 0])  # as the edge arrays see it
    deg = patterns.graph_degrees(g)
    c, d = patterns.centralisation(deg), patterns.density(deg)
    assert 0.0 <= c <= 1.0 + 1e-12
    assert 0.0 <= d <= 1.0 + 1e-12
    assert patterns.classify(g) in (*patterns.PATTERNS, "none")
    if g.number_of_edges():
        e = np.array(list(g.edges), np.int64)
        assert patterns.centralisation(patterns.degrees_from_edges(e[:, 0], e[:, 1])) == pytest.approx(c)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(4, 60))
def test_star_is_the_most_centralised_and_complete_the_least(n):
    assert patterns.centralisation(patterns.graph_degrees(nx.star_graph(n - 1))) == pytest.approx(1.0)
    assert patterns.centralisation(patterns.graph_degrees(nx.complete_graph(n))) == 0.0
    assert patterns.classify(nx.star_graph(n - 1)) == "wheel"


# ------------------------------------------------------------------ the sliding window's edge counter
weeks_of_edges = st.lists(st.lists(st.tuples(st.integers(0, 15), st.integers(0, 15)), max_size=40), max_size=12)


@settings(max_examples=80, deadline=None)
@given(weeks=weeks_of_edges, window=st.integers(1, 5))
def test_edge_counter_degrees_equal_those_of_all_the_window_edges(weeks, window):
    """The counter's degrees are, every week, exactly those of all the window's edges.

    Adding each week's pairs and removing the week that leaves gives the degree sequence of the simple
    graph of all the edges (duplicates, both directions, loops) of the window.
    """
    counter = patterns.EdgeCounter(16)
    kept = []
    for edges in weeks:
        src = np.array([a for a, _ in edges], np.int64)
        dst = np.array([b for _, b in edges], np.int64)
        if len(kept) == window:
            counter.remove(kept.pop(0)[2])
        keys = counter.pairs(src, dst)
        counter.add(keys)
        kept.append((src, dst, keys))
        every = patterns.degrees_from_edges(np.concatenate([k[0] for k in kept]), np.concatenate([k[1] for k in kept]))
        np.testing.assert_array_equal(counter.degrees(), every)
        assert counter.n_edges == every.sum() // 2
        # the histogram (read by the monitors) counts the nodes of each degree, those without an edge at 0
        np.testing.assert_array_equal(counter.sorted_degrees(), np.sort(every))
        hist = np.bincount(counter.degree, minlength=counter.histogram.size)
        np.testing.assert_array_equal(counter.histogram, hist)
        for measure in (patterns.centralisation, patterns.density, patterns.classify):
            assert measure(counter.sorted_degrees()) == measure(every)


def test_edge_counter_work_follows_the_pairs_given_not_the_window():
    """The work of a week is about the pairs it adds and removes, whatever the window holds.

    A long window of many stored pairs costs no more per pair than a short one.
    """
    rng = np.random.default_rng(1)
    n = 5_000

    def work(window: int) -> tuple[float, float]:
        """(work per pair given, work / what re-reading the whole window every week would cost)."""
        counter, kept, given, rescan = patterns.EdgeCounter(n), [], 0, 0
        for _ in range(80):
            keys = counter.pairs(rng.integers(0, n, 2_000), rng.integers(0, n, 2_000))
            if len(kept) == window:
                old = kept.pop(0)
                counter.remove(old)
                given += old.size
            counter.add(keys)
            kept.append(keys)
            given += keys.size
            rescan += sum(k.size for k in kept)
        return counter.work / given, counter.work / rescan

    (short, _), (long, share) = work(1), work(52)
    # a few slot probes per pair (a hash table at most half full, rebuilt now and then), whatever the window
    assert short < 6 and long < 6
    assert share < 0.25


def test_edge_counter_keeps_a_pair_while_any_week_of_the_window_has_it():
    counter = patterns.EdgeCounter(4)
    week1 = counter.pairs(np.array([0, 1]), np.array([1, 0]))  # one pair, both directions
    week2 = counter.pairs(np.array([1]), np.array([0]))
    assert week1.size == 1
    counter.add(week1)
    counter.add(week2)
    np.testing.assert_array_equal(counter.degrees(), [1, 1])
    counter.remove(week1)
    np.testing.assert_array_equal(counter.degrees(), [1, 1])  # still in week 2
    counter.remove(week2)
    assert counter.degrees().size == 0 and counter.n_edges == 0


def test_unique_counts_matches_numpy():
    keys = np.random.default_rng(2).integers(0, 50, 500) * 120_002 + 7
    u, c = patterns.unique_counts(keys)
    u0, c0 = np.unique(keys, return_counts=True)
    np.testing.assert_array_equal(u, u0)
    np.testing.assert_array_equal(c, c0)


@pytest.mark.parametrize("size", [0, 1, 2, 7])
def test_unique_counts_of_tiny_arrays(size):
    keys = np.random.default_rng(size).integers(0, 3, size)
    u, c = patterns.unique_counts(keys)
    u0, c0 = np.unique(keys, return_counts=True)
    np.testing.assert_array_equal(u, u0)
    np.testing.assert_array_equal(c, c0)
    assert c.dtype == np.int64 and u.dtype == keys.dtype


@settings(max_examples=80, deadline=None)
@given(keys=st.sets(st.integers(0, 60), max_size=30), new=st.sets(st.integers(0, 60), max_size=30))
def test_insert_sorted_is_np_insert_at_the_sorted_places(keys, new):
    keys = np.array(sorted(keys), np.int64)
    new = np.array(sorted(set(new) - set(keys.tolist())), np.int64)
    weeks, extra = np.arange(keys.size, dtype=np.int16), -np.arange(new.size, dtype=np.int16)
    grown, grown_weeks = patterns.insert_sorted(keys, new, (weeks, extra))
    at = np.searchsorted(keys, new)
    np.testing.assert_array_equal(grown, np.insert(keys, at, new))
    np.testing.assert_array_equal(grown_weeks, np.insert(weeks, at, extra))
    assert grown_weeks.dtype == np.int16 and np.all(np.diff(grown) > 0)
