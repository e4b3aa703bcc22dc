"""Social ties (model/network.py): clustered small world in CSR arrays."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from ibusim.model import CommunityModel
from ibusim.model.network import Ties, contacts, neighbours, small_world, to_networkx


def graph(n=2000, k=10, beta=0.05, seed=0) -> Ties:
    return small_world(n, k, beta, np.random.default_rng(seed))


def adjacency(t: Ties) -> sp.csr_matrix:
    return sp.csr_matrix((np.ones(t.indices.size), t.indices, t.indptr), shape=(t.n, t.n))


def check_invariants(t: Ties, n: int):
    assert t.n == n and t.indptr.size == n + 1 and t.indptr[0] == 0 and t.indptr[-1] == t.indices.size
    assert (np.diff(t.indptr) >= 0).all()
    assert ((t.indices >= 0) & (t.indices < n)).all()
    src = np.repeat(np.arange(n), t.degree())
    assert not (src == t.indices).any()  # no self-ties
    a = adjacency(t)
    merged = a.tocoo().tocsr()
    merged.sum_duplicates()
    assert merged.nnz == t.indices.size  # no duplicate ties
    assert (a != a.T).nnz == 0  # undirected


def test_ring_lattice_degree_is_exactly_k():
    t = graph(beta=0.0)
    assert (t.degree() == 10).all()
    check_invariants(t, 2000)


def test_mean_degree_close_to_k_after_rewiring():
    for k, beta in ((10, 0.05), (6, 0.5), (20, 1.0)):
        t = graph(n=5000, k=k, beta=beta)
        check_invariants(t, 5000)
        # a rewired tie is lost only when it lands on the mother herself or on an existing tie
        assert k * (1 - beta * (k + 2) / 5000) - 0.05 <= t.degree().mean() <= k
        if beta > 0:
            assert t.degree().std() > 0


def test_ring_lattice_equals_networkx_watts_strogatz_with_no_rewiring():
    t = graph(n=300, k=8, beta=0.0)
    g = to_networkx(t)
    ws = nx.watts_strogatz_graph(300, 8, 0.0)
    assert set(map(frozenset, g.edges())) == set(map(frozenset, ws.edges()))


def test_clustering_high_without_long_ties_and_low_with_all_rewired():
    k = 10
    lattice = to_networkx(graph(n=1000, k=k, beta=0.0))
    c = nx.average_clustering(lattice)
    assert c == pytest.approx(3 * (k - 2) / (4 * (k - 1)))  # ring-lattice clustering, 2/3 for k = 10
    small = nx.average_clustering(to_networkx(graph(n=1000, k=k, beta=0.05)))
    assert 0.5 < small < c  # small world: still clustered
    random = nx.average_clustering(to_networkx(graph(n=1000, k=k, beta=1.0)))
    assert random < 0.05  # about k / n


def test_clustering_matches_networkx_watts_strogatz_statistically():
    ours = np.mean([nx.average_clustering(to_networkx(graph(n=1000, k=10, beta=0.1, seed=s))) for s in range(3)])
    theirs = np.mean([nx.average_clustering(nx.watts_strogatz_graph(1000, 10, 0.1, seed=s)) for s in range(3)])
    assert ours == pytest.approx(theirs, abs=0.03)


def test_small_world_paths_are_short_with_some_long_ties():
    lattice = to_networkx(graph(n=400, k=10, beta=0.0))
    small = to_networkx(graph(n=400, k=10, beta=0.05))
    assert nx.is_connected(small)
    assert nx.average_shortest_path_length(small) < 0.35 * nx.average_shortest_path_length(lattice)


def test_ties_are_mostly_local_without_rewiring():
    t = graph(n=2000, k=10, beta=0.0)
    src = np.repeat(np.arange(t.n), t.degree())
    ring_distance = np.minimum(np.abs(src - t.indices), t.n - np.abs(src - t.indices))
    assert ring_distance.max() == 5


def test_same_generator_seed_identical_arrays():
    a, b = graph(seed=3), graph(seed=3)
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    c = graph(seed=4)
    assert not np.array_equal(a.indices, c.indices)


def test_model_seed_gives_identical_ties():
    a = CommunityModel(rng=9, n_mothers=3000, end="2020-05")
    b = CommunityModel(rng=9, n_mothers=3000, end="2020-05")
    np.testing.assert_array_equal(a.ties.indices, b.ties.indices)
    np.testing.assert_array_equal(a.ties.indptr, b.ties.indptr)
    assert a.ties.degree().mean() == pytest.approx(2 * a.p["ties_per_side"], rel=0.02)


def test_to_networkx_keeps_every_tie():
    t = graph(n=500, k=6, beta=0.2)
    g = to_networkx(t)
    assert g.number_of_nodes() == 500 and g.number_of_edges() == t.indices.size // 2
    for i in (0, 17, 499):
        assert set(g.neighbors(i)) == set(t.indices[t.indptr[i] : t.indptr[i + 1]].tolist())


def test_neighbours_lists_each_contact_with_its_owner():
    t = graph(n=500, k=6, beta=0.2)
    nodes = np.array([5, 0, 5, 499])
    nb, owner = neighbours(t, nodes)
    for pos, i in enumerate(nodes):
        np.testing.assert_array_equal(np.sort(nb[owner == pos]), np.sort(t.indices[t.indptr[i] : t.indptr[i + 1]]))
    empty_nb, empty_owner = neighbours(t, np.array([], np.int64))
    assert empty_nb.size == 0 and empty_owner.size == 0


def test_contacts_are_each_nodes_ties_in_order():
    t = graph(n=500, k=6, beta=0.2)
    indptr = t.indptr.copy()
    indptr[101] = indptr[100]  # node 100 loses its ties (node 101 gains them): a node with none among the others
    t = Ties(indptr, t.indices)
    nodes = np.array([5, 100, 0, 5, 499, 100])
    nb = contacts(t, nodes)
    expect = np.concatenate([t.indices[t.indptr[i] : t.indptr[i + 1]] for i in nodes])
    np.testing.assert_array_equal(nb, expect)
    assert nb.dtype == np.int64
    np.testing.assert_array_equal(nb, neighbours(t, nodes)[0])
    assert contacts(t, np.array([], np.int64)).size == 0
    assert contacts(t, np.array([100])).size == 0


@pytest.mark.parametrize("n", [1, 2, 3, 5, 12])
def test_tiny_populations_stay_valid(n):
    t = small_world(n, 10, 0.3, np.random.default_rng(1))
    check_invariants(t, n)
    assert t.degree().max(initial=0) <= n - 1


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 400), half=st.integers(1, 25), beta=st.floats(0, 1), seed=st.integers(0, 2**32 - 1))
def test_network_invariants_for_any_size_degree_and_rewiring(n, half, beta, seed):
    k = 2 * half
    t = small_world(n, k, beta, np.random.default_rng(seed))
    check_invariants(t, n)
    assert t.degree().sum() <= n * min(k, n - 1)
    if beta == 0.0 and n > k:
        assert (t.degree() == k).all()


def reference_small_world(n: int, k: int, beta: float, rng: np.random.Generator) -> Ties:
    """The rule written plainly (the ring lattice's ties i-major, each rewired with beta; a CSR by scipy's sort)."""
    half = min(k // 2, max(0, (n - 1) // 2))
    src = np.repeat(np.arange(n), half)
    dst = (src + np.tile(np.arange(1, half + 1), n)) % max(n, 1)
    rewire = rng.random(src.size) < beta
    dst[rewire] = rng.integers(0, n, int(rewire.sum()))
    keep = src != dst
    a, b = np.concatenate([src[keep], dst[keep]]), np.concatenate([dst[keep], src[keep]])
    m = sp.coo_matrix((np.ones(a.size), (a, b)), shape=(n, n)).tocsr()
    m.sum_duplicates()
    return Ties(m.indptr.astype(np.int64), m.indices.astype(np.int32))


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 11, 100, 3000])
@pytest.mark.parametrize("k", [0, 2, 4, 10, 50])
@pytest.mark.parametrize("beta", [0.0, 0.05, 0.5, 1.0])
def test_small_world_is_the_plain_construction_bit_for_bit(n, k, beta):
    """The structured build (lattice table less rewired ties, rewired ones inserted) equals the plain one."""
    for seed in (0, 1):
        got, want = (
            small_world(n, k, beta, np.random.default_rng(seed)),
            reference_small_world(n, k, beta, np.random.default_rng(seed)),
        )
        assert got.indptr.dtype == np.int64 and got.indices.dtype == np.int32
        np.testing.assert_array_equal(got.indptr, want.indptr)
        np.testing.assert_array_equal(got.indices, want.indices)
