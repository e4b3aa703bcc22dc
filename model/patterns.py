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
    pairs = np.unique(inv[: a.size] * nodes.size + inv[a.size :])
    return np.bincount(np.concatenate([pairs // nodes.size, pairs % nodes.size]), minlength=nodes.size)


def centralisation(deg: np.ndarray) -> float:
    """Freeman degree centralisation from a degree sequence (0 for fewer than 3 nodes)."""
    n = len(deg)
    if n < 3:
        return 0.0
    return float((deg.max() - deg).sum() / ((n - 1) * (n - 2)))


def density(deg: np.ndarray) -> float:
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
