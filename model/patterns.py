"""Communication patterns (Bavelas 1950; Leavitt 1951) measured on a communication graph.

* Freeman degree centralisation ``C = sum_i (k_max - k_i) / ((n - 1)(n - 2))``:
  1 for a star (wheel), 0 for a circle or a complete graph; on 5 nodes a Y scores
  7/12 ≈ 0.583 and a chain 1/6 ≈ 0.167.
* Density ``D = 2 m / (n (n - 1))``, reported beside C: a circle (sparse) and an
  all-channel network (complete) both have C = 0 (:func:`classify` tells them
  apart by their edge counts).
* :func:`classify` names the pattern. Exact shapes first: a star is a *wheel*, a
  path a *chain*, a cycle a *circle*, a complete graph *all-channel*, a tree with
  one branching node of degree 3 whose legs are paths a *Y*. Other graphs (as a
  month of real messages is) are named by their centralisation: ``C >=
  WHEEL_LIKE`` wheel, ``C >= Y_LIKE`` Y, otherwise all-channel (decentralised:
  many people talk to many).

The functions take either a networkx graph or a degree sequence (from arrays of
edge endpoints), so the model can monitor the pattern every week without building
a graph; a degree sequence is taken to be of a connected graph.

:class:`EdgeCounter` keeps the degree sequence of a sliding window of graphs up to
date as edge sets enter and leave it: each call costs about the edges it is given
(a lookup in a hash table of the stored pairs), never the whole window again, so
a window of many weeks costs no more per week than a window of one. Its degrees are
exactly those :func:`degrees_from_edges` gives on all the window's edges; it also keeps
their histogram, so the weekly monitors read the degree sequence without a pass over
every node (a million of them in the largest runs).
"""

from __future__ import annotations

import networkx as nx
import numpy as np

WHEEL_LIKE = 0.5  # assumed: at least half of a star's centralisation
Y_LIKE = 0.2  # assumed: one clear hub, but many side channels
PATTERNS = ("wheel", "Y", "chain", "circle", "all-channel")


def degrees_from_edges(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Degrees of the simple undirected graph spanned by the edges (self-loops dropped)."""
    src, dst = np.asarray(src, np.int64), np.asarray(dst, np.int64)
    keep = src != dst
    a, b = np.minimum(src[keep], dst[keep]), np.maximum(src[keep], dst[keep])
    if a.size == 0:
        return np.zeros(0, np.int64)
    nodes, inv = np.unique(np.concatenate([a, b]), return_inverse=True)
    pairs = unique_counts(inv[: a.size] * nodes.size + inv[a.size :])[0]
    return np.bincount(np.concatenate([pairs // nodes.size, pairs % nodes.size]), minlength=nodes.size)


def unique_counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values of ``keys`` and how often each occurs.

    By sorting: numpy's hash-based ``np.unique`` degrades badly on the structured
    integer keys of edges (``a * n + b``), a hundred times slower on a million.
    Written with a few plain array operations (no ``np.diff`` or ``np.concatenate``):
    it runs thousands of times a run, mostly on small arrays, where each call's
    overhead counts.
    """
    keys = keys.copy()  # then sorted in place: np.sort without its Python wrapper
    keys.sort()
    if keys.size == 0:
        return keys, np.empty(0, np.int64)
    first = np.empty(keys.size, bool)
    first[0] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    first = first.nonzero()[0]
    end = np.empty_like(first)
    end[:-1] = first[1:]
    end[-1] = keys.size
    return keys[first], end - first


def insert_sorted(keys: np.ndarray, new: np.ndarray, *columns: tuple[np.ndarray, np.ndarray]) -> list[np.ndarray]:
    """``keys`` (sorted) with the sorted ``new`` keys inserted in order, and columns along with them.

    The same as ``np.insert(keys, np.searchsorted(keys, new), new)``, and for each
    ``(column, values)`` of ``columns`` (aligned with ``keys``), ``values`` inserted
    at the same places; the places are found once for all (``np.insert`` is slow on
    small arrays). Returns the grown keys and columns.
    """
    at = np.searchsorted(keys, new) + np.arange(new.size)  # the new keys' places in the result
    # the old keys' places, as a mask: filling by a mask is two to three times faster than by positions
    old = np.ones(keys.size + new.size, bool)
    old[at] = False
    out = []
    for a, v in ((keys, new), *columns):
        grown = np.empty(old.size, a.dtype)
        grown[old] = a
        grown[at] = v
        out.append(grown)
    return out


class EdgeCounter:
    """A multiset of undirected edges, kept with the degrees of the simple graph they span.

    Edge sets are added and later removed (a sliding window: a week's edges enter,
    and leave ``window`` weeks later); a pair counts once in the degrees however many
    of the sets hold it. :meth:`pairs` turns arrays of endpoints into the distinct
    pair keys ``min * n_nodes + max`` that :meth:`add` and :meth:`remove` take.

    Storage: an open-addressing hash table (linear probing, at most a quarter full:
    short probe runs, so few rounds of probing for a whole set of keys) of the keys
    with their multiplicity, probed for all the keys of a call at once; a pair whose
    multiplicity falls to 0 stays as a tombstone until the table is rebuilt with the
    live pairs only (amortised). ``work`` counts the slots probed
    and the keys rebuilt: a few per key given, whatever the window holds. The
    degrees are kept per node (``degree``) and as a histogram (``histogram[k]``,
    the nodes of degree ``k``), both updated for the nodes of the pairs given.
    """

    _EMPTY = -1
    _HASH = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing

    def __init__(self, n_nodes: int):
        self.n_nodes = int(n_nodes)
        self.degree = np.zeros(self.n_nodes, np.int32)  # int32: a degree is below n_nodes
        # histogram[k]: nodes of degree k (histogram[0]: those without an edge); grows with the largest
        # degree. The weekly monitors read the degree sequence from it, not from a pass over every node
        self.histogram = np.zeros(2, np.int64)
        self.histogram[0] = self.n_nodes
        self.n_edges = 0  # pairs with multiplicity > 0
        self.work = 0
        self._table(1 << 10)

    def _table(self, size: int) -> None:
        self._bits = size.bit_length() - 1
        self._slots = np.full(size, self._EMPTY, np.int64)
        self._mult = np.zeros(size, np.int32)
        self._used = 0  # slots holding a key, live or tombstone

    def pairs(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Sorted distinct keys of the undirected pairs (a, b), self-loops dropped."""
        a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
        keep = a != b
        a, b = a[keep], b[keep]
        return unique_counts(np.minimum(a, b) * self.n_nodes + np.maximum(a, b))[0]

    def _find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each key, its slot if stored (found True), else the empty slot where its probe ended."""
        mask = self._slots.size - 1
        slot = ((keys.astype(np.uint64) * self._HASH) >> np.uint64(64 - self._bits)).astype(np.int64)
        # probe on from the keys' slots: only those whose slot holds another key (few) go round again
        todo, pos, k = None, slot, keys
        while True:
            self.work += k.size
            there = self._slots[pos]
            if todo is not None:
                slot[todo] = pos
            # positions rather than masks: numpy's boolean indexing is slow on mixed masks (nonzero()[0]:
            # np.flatnonzero without its Python wrappers)
            left = ((there != k) & (there != self._EMPTY)).nonzero()[0]
            if left.size == 0:
                break
            todo = left if todo is None else todo[left]
            pos, k = (pos[left] + 1) & mask, k[left]
        return slot, self._slots[slot] == keys  # a slot ends at its key, or at an empty slot (-1: never a key)

    def _insert(self, keys: np.ndarray, pos: np.ndarray) -> np.ndarray:
        """Store new distinct ``keys`` from empty slots ``pos`` on (one claimant of a slot wins; others probe on)."""
        mask = self._slots.size - 1
        where = np.empty(keys.size, np.int64)
        todo = np.arange(keys.size)
        while todo.size:
            self.work += todo.size
            self._slots[pos] = keys[todo]  # claimants of one slot: one of them is written, the others read it back
            won = self._slots[pos] == keys[todo]
            where[todo[won]] = pos[won]
            lost = ~won
            todo, pos = todo[lost], (pos[lost] + 1) & mask
            taken = self._slots[pos] != self._EMPTY
            while taken.any():  # on to the next empty slot
                self.work += int(taken.sum())
                pos[taken] = (pos[taken] + 1) & mask
                taken = self._slots[pos] != self._EMPTY
        self._used += keys.size
        return where

    def _count(self, keys: np.ndarray, sign: int) -> None:
        """Pairs ``keys`` enter (``sign`` +1) or leave (-1) the simple graph: degrees and histogram."""
        if keys.size:
            nodes, times = unique_counts(np.concatenate((keys // self.n_nodes, keys % self.n_nodes)))
            old = self.degree[nodes]
            new = old + sign * times
            self.degree[nodes] = new
            if sign > 0 and (top := int(new.max())) >= self.histogram.size:
                self.histogram = np.concatenate((self.histogram, np.zeros(top + 1, np.int64)))  # doubled at least
            np.subtract.at(self.histogram, old, 1)
            np.add.at(self.histogram, new, 1)
            self.n_edges += sign * keys.size

    def add(self, keys: np.ndarray) -> None:
        """Add one set of distinct pairs (keys from :meth:`pairs`)."""
        keys = np.asarray(keys, np.int64)
        if 4 * (self._used + keys.size) > self._slots.size:
            self._rebuild(self.n_edges + keys.size)
        slot, found = self._find(keys)
        hit = slot[found]
        revived = hit[self._mult[hit] == 0]
        self._mult[hit] += 1
        new = keys[~found]
        self._count(np.concatenate((self._slots[revived], new)), +1)
        self._mult[self._insert(new, slot[~found])] = 1

    def remove(self, keys: np.ndarray) -> None:
        """Remove a set of pairs added before (the same keys)."""
        slot, found = self._find(np.asarray(keys, np.int64))
        assert found.all(), "removing pairs that were never added"
        self._mult[slot] -= 1
        self._count(self._slots[slot[self._mult[slot] == 0]], -1)

    def _rebuild(self, live: int) -> None:
        """A new table for the live pairs (tombstones dropped), at most an eighth full."""
        keep = self._mult > 0
        keys, mult = self._slots[keep], self._mult[keep]
        self._table(1 << max(10, int(8 * max(live, 1) - 1).bit_length()))
        self.work += keys.size
        if keys.size:
            slot, _ = self._find(keys)
            self._mult[self._insert(keys, slot)] = mult

    def degrees(self) -> np.ndarray:
        """Degree sequence of the nodes with an edge, in node order (as :func:`degrees_from_edges`)."""
        return self.degree[self.degree > 0].astype(np.int64)

    def sorted_degrees(self) -> np.ndarray:
        """The same degrees in increasing order, from the histogram (a pass over the nodes with an edge only).

        Enough for :func:`centralisation`, :func:`density` and :func:`classify` (they do not depend on the order).
        """
        return np.repeat(np.arange(1, self.histogram.size), self.histogram[1:])


def centralisation(deg: np.ndarray) -> float:
    """Freeman degree centralisation from a degree sequence (0 for fewer than 3 nodes)."""
    n = len(deg)
    if n < 3:
        return 0.0
    return float((deg.max() - deg).sum() / ((n - 1) * (n - 2)))


def density(deg: np.ndarray) -> float:
    """Density ``2 m / (n (n - 1))`` from a degree sequence (0 for fewer than 2 nodes)."""
    n = len(deg)
    return float(deg.sum() / (n * (n - 1))) if n > 1 else 0.0


def graph_degrees(g: nx.Graph) -> np.ndarray:
    """Degrees of ``g`` as a simple graph (self-loops dropped, like degrees_from_edges)."""
    g = nx.Graph(g)
    g.remove_edges_from(list(nx.selfloop_edges(g)))
    return np.array([d for _, d in g.degree()], dtype=np.int64)


def classify(g_or_deg) -> str:
    """Pattern name of a graph, or of a degree sequence (then taken to be connected)."""
    if isinstance(g_or_deg, nx.Graph):
        g = nx.Graph(g_or_deg)
        g.remove_edges_from(list(nx.selfloop_edges(g)))
        deg = graph_degrees(g)
        connected = g.number_of_nodes() > 0 and nx.is_connected(g)
    else:
        deg = np.asarray(g_or_deg)
        connected = True
    n = len(deg)
    if n == 0:
        return "none"
    m = deg.sum() // 2
    if connected and n >= 3:
        if m == n * (n - 1) // 2:
            return "all-channel"
        if m == n - 1:  # a tree
            if deg.max() == n - 1:
                return "wheel"
            if deg.max() == 2:
                return "chain"
            if (deg == 3).sum() == 1 and deg.max() == 3:
                return "Y"
        if m == n and (deg == 2).all():
            return "circle"
    c = centralisation(deg)
    if c >= WHEEL_LIKE:
        return "wheel"
    if c >= Y_LIKE:
        return "Y"
    return "all-channel"
