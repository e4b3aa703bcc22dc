"""Social ties: a clustered small-world graph over all mothers, as compact arrays.

Rule: mothers sit on a ring in province order (model/population.py sorts them),
each tied to her ``ties_per_side`` nearest ring neighbours on each side
(a ring lattice: high clustering, ties mostly inside a province); each tie is
rewired with probability ``long_tie_share`` to a mother chosen uniformly
anywhere (Watts-Strogatz). Ties are undirected. The graph is stored as CSR
arrays (``indptr``, ``indices``) built with numpy from the model's generator, so
a million mothers take a second, not the minutes networkx would; use
:func:`to_networkx` for analysis of small populations.

Word of mouth (model/awareness.py, through ``CommunityModel.add_talk``) and the alumnae ties
(model/progress.py) read it through :func:`contacts`.

Parameters read: ties_per_side (through the model: degree 2 x ties_per_side), long_tie_share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass
class Ties:
    """Undirected ties as CSR arrays."""

    indptr: np.ndarray  # int64, n + 1
    indices: np.ndarray  # int32, neighbour ids

    @property
    def n(self) -> int:
        """Number of mothers."""
        return len(self.indptr) - 1

    def degree(self) -> np.ndarray:
        """Ties of every mother."""
        return np.diff(self.indptr)


def small_world(n: int, k: int, beta: float, rng: np.random.Generator) -> Ties:
    """Watts-Strogatz-style graph on n nodes, degree k (even) before rewiring."""
    half = min(k // 2, max(0, (n - 1) // 2))
    ids = np.int32 if n < 2**31 - 1 else np.int64  # half the memory of int64 ids for any realistic n
    src = np.repeat(np.arange(n, dtype=ids), half)
    dst = np.tile(np.arange(1, half + 1, dtype=ids), n)
    dst += src
    dst %= max(n, 1)
    rewire = rng.random(src.size) < beta
    dst[rewire] = rng.integers(0, n, int(rewire.sum()))
    keep = src != dst  # no self-ties
    src, dst = src[keep], dst[keep]
    a = np.concatenate([src, dst])
    b = np.concatenate([dst, src])
    # scipy's COO -> CSR conversion is a linear-time counting sort; duplicate ties
    # (a rewired tie landing on an existing one) are merged by sum_duplicates
    m = sp.coo_matrix((np.ones(a.size, np.int8), (a, b)), shape=(n, n)).tocsr()
    m.sum_duplicates()
    return Ties(m.indptr.astype(np.int64), m.indices.astype(np.int32))


def neighbours(ties: Ties, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All neighbours of ``nodes``: (neighbour ids, position in ``nodes`` of their source)."""
    nodes = np.asarray(nodes, dtype=np.int64)
    nb = contacts(ties, nodes)
    return nb, np.arange(nodes.size).repeat(ties.indptr[nodes + 1] - ties.indptr[nodes])


def contacts(ties: Ties, nodes: np.ndarray) -> np.ndarray:
    """All neighbours of ``nodes`` (int64), node after node, in CSR order: :func:`neighbours` without the owners.

    The weekly rules call it for the newly aware and the new alumnae: one ``repeat`` builds the read
    positions (output slot ``j`` of node ``o`` reads ``indices[start_o + j - first_o]``, ``first_o`` the
    node's first output slot), a few numpy calls whatever the number of nodes.
    """
    nodes = np.asarray(nodes, dtype=np.int64)
    starts = ties.indptr[nodes]
    lens = ties.indptr[nodes + 1] - starts
    ends = lens.cumsum()
    total = int(ends[-1]) if ends.size else 0
    if total == 0:
        return np.empty(0, np.int64)
    pos = np.arange(total) + (starts - (ends - lens)).repeat(lens)
    return ties.indices[pos].astype(np.int64)


def to_networkx(ties: Ties):
    """The ties as a networkx Graph (for analysis; slow above ~100k mothers)."""
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(range(ties.n))
    src = np.repeat(np.arange(ties.n), ties.degree())
    g.add_edges_from(zip(src.tolist(), ties.indices.tolist()))
    return g
