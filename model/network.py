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
    """Watts-Strogatz-style graph on n nodes, degree k (even) before rewiring.

    The ring lattice's ties ``(i, i + j)``, ``j = 1..k/2``, are taken in that order (``i``
    first), and each is rewired with probability ``beta`` to a mother drawn uniformly (one
    uniform draw per tie, then one integer per rewired tie); self-ties are dropped and a rewired
    tie that lands on a tie she has already is merged with it. The CSR arrays are built from the
    lattice's structure rather than by sorting every tie: the lattice as a table of ``k``
    rising columns per mother (the few rows that wrap round the ring sorted), less the rewired
    ties, with the (few) rewired ones inserted where they belong in their rows.
    """
    half = min(k // 2, max(0, (n - 1) // 2))
    ids = np.int32 if n < 2**31 - 1 else np.int64  # half the memory of int64 ids for any realistic n
    moved = (rng.random(n * half) < beta).nonzero()[0]  # tie i * half + j - 1 is (i, i + j)
    new = rng.integers(0, n, moved.size)
    if half == 0:
        return Ties(np.zeros(n + 1, np.int64), np.empty(0, np.int32))
    src = moved // half
    j = moved - src * half + 1
    # the lattice: row i, column c is i + off[c] (mod n), off = -half..-1, 1..half: rising, but in the
    # first and last half rows, which wrap round the ring (sorted below)
    off = np.concatenate([np.arange(-half, 0), np.arange(1, half + 1)]).astype(ids)
    col = np.arange(n, dtype=ids)[:, None] + off
    head, tail = col[:half], col[n - half :]  # views (2 half < n: they do not overlap)
    head[head < 0] += n
    tail[tail >= n] -= n
    keep = np.ones((n, 2 * half), bool)  # the lattice ties not rewired
    keep[src, half - 1 + j] = False  # tie (i, i + j) in row i, at offset +j
    dst = src + j
    dst[dst >= n] -= n
    keep[dst, half - j] = False  # and in row i + j, at offset -j
    for rows in (slice(0, half), slice(n - half, n)):
        o = np.argsort(col[rows], axis=1, kind="stable")
        col[rows] = np.take_along_axis(col[rows], o, axis=1)
        keep[rows] = np.take_along_axis(keep[rows], o, axis=1)
    cols = col[keep]
    counts = 2 * half - (np.bincount(src, minlength=n) + np.bincount(dst, minlength=n))
    # the rewired ties, both ways, without self-ties, as sorted distinct keys row * n + column
    ok = new != src
    a = np.concatenate([src[ok], new[ok]])
    b = np.concatenate([new[ok], src[ok]])
    extra = np.sort(a * n + b)  # sorting, not np.unique (its hash-based path is slow here)
    if extra.size > 1:
        extra = extra[np.concatenate(([True], extra[1:] != extra[:-1]))]
    if extra.size:
        row = extra // n
        c = (extra - row * n).astype(ids)
        # each goes after the kept lattice columns of its row that are below it; one that is a kept
        # lattice column already (a rewired tie landing on a tie of the lattice) is merged with it. In a
        # row that does not wrap round the ring the lattice columns are row - half .. row + half, so a
        # column below all of them has none below it and one above all of them has all the kept ones;
        # only the (few) others, and the rows that wrap, are compared with their row of the table
        below = np.where(c > row + half, counts[row], 0)
        near = (c >= row - half) & (c <= row + half) | (row < half) | (row >= n - half)
        at = near.nonzero()[0]
        if at.size:
            r, cn = row[at], c[at][:, None]
            rc, rk = col[r], keep[r]
            below[at] = np.count_nonzero((rc < cn) & rk, axis=1)
            dup = ((rc == cn) & rk).any(axis=1)
            if dup.any():
                drop = np.ones(row.size, bool)
                drop[at[dup]] = False
                row, c, below = row[drop], c[drop], below[drop]
        # inserted in order (their places rise): the i-th goes to its place + i, the lattice's around them
        place = np.zeros(n + 1, np.int64)
        np.cumsum(counts, out=place[1:])
        place = place[row]
        place += below
        place += np.arange(row.size)
        new_at = np.zeros(cols.size + row.size, bool)
        new_at[place] = True
        out = np.empty(new_at.size, cols.dtype)
        out[place] = c
        out[~new_at] = cols
        cols = out
        counts += np.bincount(row, minlength=n)
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(counts, out=indptr[1:])
    return Ties(indptr, cols.astype(np.int32, copy=False))


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
