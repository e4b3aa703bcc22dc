"""Calendar: one step is one week; months in parameters become week indices.

Week ``w`` (0-based, the step about to run) covers the 7 days starting at
``start + 7 w`` days, where ``start`` is the first day of the ``start`` month.
The run covers every week that starts before the first day of the month after
``end`` (2020-04 .. 2024-12 gives 248 weeks).

The COVID-19 push is the external influence of 2020-2021: a lockdown level in
[0, 1] per week, used by awareness and onboarding as ``1 + covid_push * level``.

Parameters read: ``start``, ``end`` (and ``covid_push`` by the rules that use it).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from .parameters import month_to_date

# Indonesian restriction periods (assumed from the public record; not in the seeds):
# PSBB large-scale restrictions from April 2020, eased through 2020; continued PSBB/PPKM
# in early 2021; PPKM Darurat in the delta wave July-September 2021; little after March 2022.
COVID_LEVELS = (
    ("2020-04", "2020-12", 1.0),
    ("2021-01", "2021-06", 0.5),
    ("2021-07", "2021-09", 1.0),
    ("2021-10", "2022-03", 0.3),
)


def first_day_after(month: str) -> dt.date:
    """The first day of the month after ``month``."""
    d = month_to_date(month)
    return dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def n_weeks(start: str, end: str) -> int:
    """Number of weekly steps from the start month through the end month."""
    days = (first_day_after(end) - month_to_date(start)).days
    return max(1, -(-days // 7))


def week_of(month: str, start: str) -> int:
    """First week index whose start date is on or after the first day of ``month``."""
    days = (month_to_date(month) - month_to_date(start)).days
    return -(-days // 7)  # ceiling division; negative if before the start


def date_of(week: int, start: str) -> dt.date:
    """First day of week ``week`` of a run starting in ``start``."""
    return month_to_date(start) + dt.timedelta(days=7 * int(week))


def covid_levels(start: str, weeks: int) -> np.ndarray:
    """Lockdown level in [0, 1] for each week of the run."""
    level = np.zeros(weeks)
    for a, b, v in COVID_LEVELS:
        lo = max(0, week_of(a, start))
        hi = min(weeks, -(-(first_day_after(b) - month_to_date(start)).days // 7))  # through month b
        if hi > lo:
            level[lo:hi] = v
    return level


def cohort_weeks(first_month: str, every: int, start: str, weeks: int) -> np.ndarray:
    """Week indices (within the run) at which a recurring cohort starts."""
    w0 = week_of(first_month, start)
    if w0 < 0:  # programme began before the run: align to the rhythm
        w0 = w0 % every
    return np.arange(w0, weeks, every, dtype=np.int64)


class Agenda:
    """Who is due for an event in which week: a bucket of mother ids per week.

    Rules with a constant weekly probability draw the waiting time once (geometric:
    the same distribution as an independent draw every week, because a constant
    chance has no memory) and file the mother under her due week; each week they
    take out only the mothers due then, instead of drawing for everyone.

    Only the next ``HORIZON`` weeks are kept in weekly buckets; mothers due later
    wait in one unsorted pool that is sorted into buckets ``HORIZON`` weeks at a
    time, so filing costs a few array operations, not a Python step per due week.
    """

    HORIZON = 16
    SORT_ALL = 2048  # measured: up to this many mothers filed at once, sorting them all is cheaper than cutting first

    def __init__(self, weeks: int):
        self.weeks = weeks
        self._due: list[list[np.ndarray]] = [[] for _ in range(weeks)]
        # weeks before the edge (``_edge``, set by _set_edge) are in buckets; later ones wait in the pool
        self._pool_idx: list[np.ndarray] = []
        self._pool_due: list[np.ndarray] = []
        # due weeks kept as int16 when they fit: numpy sorts them by radix then, several times faster
        self._week_type = np.int16 if weeks <= np.iinfo(np.int16).max else np.int64
        self._set_edge(0)

    def _set_edge(self, edge: int) -> None:
        """Move the edge; ``_cuts`` (week 0, the edge, the end) is where :meth:`add` cuts its sorted weeks."""
        self._edge = edge
        self._cuts = np.array((0, edge, self.weeks), self._week_type)

    def add(self, idx: np.ndarray, due: np.ndarray) -> None:
        """File ``idx`` under weeks ``due`` (weeks before 0 or at or after the end are dropped)."""
        if idx.size == 0:
            return
        if idx.size > self.SORT_ALL:
            self._add_many(idx, np.asarray(due))
            return
        # few: the weeks as int16 (radix-sorted), those past the end as the end, those before 0 as -1
        # (dropped); one stable sort of all by due week, then the weeks before the edge go to their buckets
        # and the later ones to the pool, each a slice of the sorted arrays (fewer numpy calls than
        # :meth:`_add_many`). Within a week the mothers keep the order they were filed in either way (the
        # sorts are stable, and the pool is sorted stably again when it is bucketed).
        week = np.minimum(due, self.weeks)
        np.maximum(week, -1, out=week)
        week = week.astype(self._week_type)
        order = week.argsort(kind="stable")
        week, idx = week[order], idx[order]  # copies: the agenda keeps its own (idx may be a view the caller reuses)
        lo, edge, end = week.searchsorted(self._cuts)
        if edge > lo:
            self._bucket_sorted(idx[lo:edge], week[lo:edge])
        if end > edge:
            self._pool_idx.append(idx[edge:end])
            self._pool_due.append(week[edge:end])

    def _add_many(self, idx: np.ndarray, due: np.ndarray) -> None:
        """:meth:`add` for many mothers: only those due before the edge are sorted; the others are pooled as filed."""
        lo, hi = int(due.min()), int(due.max())
        if lo >= 0 and hi < self.weeks:
            idx = idx.copy()  # the agenda keeps its own copy (idx may be a view the caller reuses)
        else:
            # subsets by nonzero positions: numpy's boolean indexing is several times slower
            # on masks that are neither almost all true nor almost all false
            keep = ((due >= 0) & (due < self.weeks)).nonzero()[0]
            if keep.size == 0:
                return
            idx, due = idx[keep], due[keep]
            lo, hi = int(due.min()), int(due.max())
        if lo == hi < self._edge:  # often all due the same week: no sort needed
            self._due[lo].append(idx)
            return
        due = due.astype(self._week_type)
        if hi < self._edge:
            self._bucket(idx, due, lo)
            return
        if lo < self._edge:
            near = due < self._edge
            near, far = near.nonzero()[0], (~near).nonzero()[0]
            self._bucket(idx[near], due[near], lo)
            idx, due = idx[far], due[far]
        self._pool_idx.append(idx)
        self._pool_due.append(due)

    def _bucket_sorted(self, idx: np.ndarray, due: np.ndarray) -> None:
        """Append ``idx`` to the buckets of weeks ``due`` (sorted, before the edge), keeping their order."""
        lo, hi = int(due[0]), int(due[-1])
        if lo == hi:
            self._due[lo].append(idx)
            return
        start = 0
        for week, count in enumerate(np.bincount(due - lo).tolist(), lo):
            if count:
                self._due[week].append(idx[start : start + count])
                start += count

    def _bucket(self, idx: np.ndarray, due: np.ndarray, lo: int) -> None:
        """Append ``idx`` to the buckets of weeks ``due`` (from ``lo`` on, before the edge), keeping their order."""
        if idx.size == 0:
            return
        counts = np.bincount(due - lo).tolist()  # a few weeks: those up to the edge
        if len(counts) == 1:
            self._due[lo].append(idx)
            return
        idx = idx[due.argsort(kind="stable")]
        start = 0
        for week, count in enumerate(counts, lo):
            if count:
                self._due[week].append(idx[start : start + count])
                start += count

    def pop(self, week: int) -> np.ndarray:
        """The mothers due in ``week`` (removed from the agenda), in the order they were filed."""
        if week >= self.weeks:
            return np.empty(0, np.int64)
        if week >= self._edge:
            edge = self._edge
            self._set_edge(min(self.weeks, week + self.HORIZON))
            if self._pool_idx:
                idx, due = np.concatenate(self._pool_idx), np.concatenate(self._pool_due)
                near = due < self._edge
                near, far = near.nonzero()[0], (~near).nonzero()[0]
                self._bucket(idx[near], due[near], edge)  # the pool holds weeks from the old edge on
                self._pool_idx, self._pool_due = ([idx[far]], [due[far]]) if far.size else ([], [])
        chunks = self._due[week]
        if not chunks:
            return np.empty(0, np.int64)
        self._due[week] = []
        return chunks[0] if len(chunks) == 1 else np.concatenate(chunks)


_NEVER = int(np.iinfo(np.int32).max)  # the wait given to probability 0 (and the cap on others)


def waiting_weeks(rng: np.random.Generator, prob: np.ndarray) -> np.ndarray:
    """Weeks until an event that happens each week with probability ``prob``.

    Geometric: 1 = this week; a huge number when the probability is 0. Drawn by
    inversion, ``ceil(E / -log(1 - prob))`` with ``E ~ Exp(1)`` (``P(wait >= k) =
    (1 - prob)^(k - 1)``, exactly the geometric law; numpy's geometric sampler with a
    probability per element is several times slower). One draw per element with a
    probability above 1e-12, in order: several calls in a row draw the same as one
    call over their concatenated probabilities.
    """
    prob = np.asarray(prob, dtype=float)
    flat_prob = prob.reshape(-1)
    # below 1e-12 the wait exceeds any run by far (and would overflow)
    if flat_prob.size == 0 or flat_prob.min() > 1e-12:  # the usual case: every one drawn, no subset
        return _geometric(rng, flat_prob).reshape(prob.shape)
    out = np.full(prob.shape, _NEVER, np.int64)
    # flat positions rather than a boolean mask (numpy's boolean indexing is slow on mixed masks)
    pos = (flat_prob > 1e-12).nonzero()[0]
    out.reshape(-1)[pos] = _geometric(rng, flat_prob[pos])
    return out


def _geometric(rng: np.random.Generator, prob: np.ndarray) -> np.ndarray:
    """Geometric waits (>= 1, capped at ``_NEVER``) for probabilities in (1e-12, inf), by inversion."""
    with np.errstate(divide="ignore"):  # probability 1 (or more): rate inf, wait 1
        rate = -np.log1p(-np.minimum(prob, 1.0))
    wait = rng.standard_exponential(prob.size)
    wait /= rate
    np.ceil(wait, out=wait)
    # clip to [1, _NEVER] with two in-place ufuncs: np.clip's Python wrapper costs ~9 us a call
    np.maximum(wait, 1.0, out=wait)
    np.minimum(wait, _NEVER, out=wait)
    return wait.astype(np.int64)


_NO_POSITIONS = np.empty(0, np.int64)
_NO_POSITIONS.flags.writeable = False
DENSE = 0.2  # above this chance one uniform per position is cheaper than skipping
SHORT = 4096  # and for this many positions or fewer (fewer numpy calls)


def chosen(rng: np.random.Generator, n: int, prob: float) -> np.ndarray:
    """Positions ``0..n-1``, each picked independently with probability ``prob``, in increasing order.

    Skip sampling: the gaps between picked positions are geometric with ``prob``, so the
    cost follows the positions picked, not ``n`` (the same distribution as ``rng.random(n) <
    prob``, other random numbers). Above ``DENSE``, or for at most ``SHORT`` positions, it
    draws that uniform per position (cheaper there).
    """
    if n <= 0 or not prob > 0:
        return _NO_POSITIONS
    if prob >= 1.0:
        return np.arange(n)
    if prob > DENSE or n <= SHORT:
        return (rng.random(n) < prob).nonzero()[0]
    parts, last = [], -1
    while True:  # one round almost always: enough gaps for the expected count plus 6 sd
        rest = n - 1 - last
        m = int(rest * prob + 6.0 * math.sqrt(rest * prob) + 16)
        pos = rng.geometric(prob, m).cumsum()
        pos += last
        if pos[-1] >= n:
            parts.append(pos[: np.searchsorted(pos, n)])
            break
        parts.append(pos)
        last = int(pos[-1])
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def positive_poisson(rng: np.random.Generator, lam, size: int | None = None) -> np.ndarray:
    """One Poisson(``lam``) count conditioned to be at least 1 per element of ``lam`` (zero-truncated).

    The first point of a Poisson process on ``[0, lam]`` given that there is one falls at
    ``T = -log U``, ``U`` uniform on ``(exp(-lam), 1]``; the other points are Poisson(``lam - T``):
    the count is ``1 + Poisson(lam - T)``, exactly. ``size``: ``size`` counts of one number ``lam``
    (the same draws as an array of it, without numpy's checks of an array bound, ~11 us a call).
    """
    if size is not None:  # one lam for all: uniform's bounds as numbers (the same uniforms, elementwise)
        u = rng.uniform(np.exp(-np.float64(lam)), 1.0, size)
    else:
        lam = np.asarray(lam, float)
        u = rng.uniform(np.exp(-lam), 1.0)
    t = -np.log(u)
    return 1 + rng.poisson(np.maximum(lam - t, 0.0))


def poisson_senders(rng: np.random.Generator, n: int, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """``Poisson(lam)`` counts for ``n`` positions, as the positions with a count above 0 and their counts.

    A position has a count above 0 with probability ``1 - exp(-lam)`` (:func:`chosen`), and
    then a zero-truncated Poisson count (:func:`positive_poisson`): the same distribution as
    ``rng.poisson(lam, n)``, at the cost of the nonzero counts.
    """
    pos = chosen(rng, n, -math.expm1(-lam)) if lam > 0 else _NO_POSITIONS
    if pos.size == 0:
        return _NO_POSITIONS, _NO_POSITIONS
    return pos, positive_poisson(rng, float(lam), pos.size)
