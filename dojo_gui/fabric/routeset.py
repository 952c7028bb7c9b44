"""Routes as runs of consecutive link places, with their links listed only when asked for.

:attr:`Fabric.link_position` lays the links of every grid line end to end, so a dimension-order
route on a grid is a few *runs* of consecutive places (one per dimension, two where it wraps
round): on a 2 x 15,000 grid a route across the room is one run, not 3,000 link numbers.  A
:class:`RouteSet` keeps its routes as such runs; built from link lists (shortest paths, the
Z-plane) it finds their runs when first asked.  What the engines need of a route set (hop
counts, each route's latency and slowest link, how many routes cross each link) is computed
from the runs, so memory grows with routes and links, not with the hops of all routes; the
link lists (:attr:`RouteSet.links`) are expanded only for the callers that want them, and
refused past :data:`MAX_EXPANDED_HOPS`.

A route's latency is the sum of its links' latencies, added up as count x value per distinct
latency (in increasing order of value): translated copies of a route get the same figure to the
last bit, whatever their place on the grid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from .fabric import Fabric

IntArray = npt.NDArray[np.int64]
# Link lists longer than this are not expanded (8 bytes a hop, several arrays of them: gigabytes).
MAX_EXPANDED_HOPS = 20_000_000
# Above this many distinct link latencies (or capacities) in a fabric, per-route figures come from
# the expanded links instead of per-value counts.
MAX_DISTINCT_VALUES = 32


class TooManyHops(ValueError):
    """Listing these routes link by link would not fit in memory."""


def expand(lo: IntArray, hi: IntArray) -> IntArray:
    """lo[i], lo[i] + 1, ..., hi[i] - 1 for every i, concatenated."""
    lengths = hi - lo
    total = int(lengths.sum())
    out: IntArray = (lo - lengths.cumsum() + lengths).repeat(lengths) + np.arange(total)
    return out


def coverage(lo: IntArray, hi: IntArray, n: int, weights: npt.NDArray[np.float64] | None = None
             ) -> npt.NDArray[np.float64]:
    """Per place 0..n-1, how many runs [lo, hi) cover it (or the sum of their ``weights``).  Counts
    are exact; weighted sums are zero, exactly, wherever no run lies."""
    count = np.bincount(lo, minlength=n + 1)[: n + 1] - np.bincount(hi, minlength=n + 1)[: n + 1]
    covered = count.cumsum()[:n]
    if weights is None:
        return covered.astype(float)
    total = (np.bincount(lo, weights, minlength=n + 1)[: n + 1]
             - np.bincount(hi, weights, minlength=n + 1)[: n + 1]).cumsum()[:n]
    total[covered == 0] = 0.0
    return total


def blocks(lo: IntArray, hi: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Runs that overlap, joined: ``(block of each run, block starts, block ends)``, blocks in order of
    place and disjoint; every place of a block is on some run of it."""
    order = lo.argsort(kind="stable")
    sorted_lo = lo[order]
    reach = np.maximum.accumulate(hi[order])
    opens = np.empty(len(lo), bool)
    opens[:1] = True
    np.greater_equal(sorted_lo[1:], reach[:-1], out=opens[1:])
    block = np.empty(len(lo), np.int64)
    block[order] = opens.cumsum() - 1
    first = np.flatnonzero(opens)
    last = np.append(first[1:], len(lo)) - 1
    return block, sorted_lo[first], reach[last]


class RouteSet:
    """Routes ``0 .. n-1``: route ``i`` crosses the places ``lo[k] .. hi[k] - 1`` of
    :attr:`Fabric.link_position` for its runs ``k`` in ``ptr[i] .. ptr[i + 1] - 1``, in the order it
    travels (:meth:`segments`); ``links[indptr[i]:indptr[i+1]]`` lists its links in order."""

    def __init__(self, indptr: np.ndarray, links: np.ndarray, fabric: Fabric) -> None:
        self._fabric = fabric
        self.indptr = np.asarray(indptr, np.int64)
        self._links: IntArray | None = np.asarray(links, np.int64)
        self.n = len(self.indptr) - 1
        self.hops = np.diff(self.indptr)
        self._segments: tuple[IntArray, IntArray, IntArray] | None = None
        starts = self.indptr[:-1]
        nonempty = self.hops > 0
        lat = np.zeros(self.n)
        cap = np.full(self.n, np.inf)
        if len(self._links):
            s = starts[nonempty]
            lat[nonempty] = np.add.reduceat(fabric.link_latency_s[self._links], s)
            cap[nonempty] = np.minimum.reduceat(fabric.link_capacity_Bps[self._links], s)
        self.latency_s = lat  # sum of per-hop latencies
        self.bottleneck_Bps = cap  # the slowest link on the way

    @classmethod
    def from_runs(cls, ptr: IntArray, lo: IntArray, hi: IntArray, fabric: Fabric) -> RouteSet:
        """Routes given as runs of places (non-empty runs, each route's in the order it travels)."""
        self = cls.__new__(cls)
        self._fabric = fabric
        self._links = None
        self._segments = (np.asarray(ptr, np.int64), np.asarray(lo, np.int64), np.asarray(hi, np.int64))
        self.n = len(ptr) - 1
        owner = self.run_owner()
        self.hops = np.bincount(owner, self._segments[2] - self._segments[1], minlength=self.n).astype(np.int64)
        self.indptr = np.zeros(self.n + 1, np.int64)
        np.cumsum(self.hops, out=self.indptr[1:])
        self.latency_s = self._sum_by_value(fabric.link_latency_s, owner)
        self.bottleneck_Bps = self._min_by_value(fabric.link_capacity_Bps, owner)
        return self

    # ------------------------------------------------------------------ figures from runs
    def _value_counts(self, values: npt.NDArray[np.float64], owner: IntArray
                      ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]] | None:
        """(distinct values, per value and route how many of the route's links have it), or None when
        the fabric has too many distinct values."""
        place_value = np.empty(len(values))
        place_value[self._fabric.link_position] = values
        distinct, which = np.unique(place_value, return_inverse=True)
        if len(distinct) > MAX_DISTINCT_VALUES:
            return None
        _, lo, hi = self.segments()
        counts = np.zeros((len(distinct), self.n), np.int64)
        for v in range(len(distinct)):
            prefix = np.zeros(len(place_value) + 1, np.int64)
            np.cumsum(which.ravel() == v, out=prefix[1:])
            counts[v] = np.bincount(owner, prefix[hi] - prefix[lo], minlength=self.n)
        return distinct, counts

    def _sum_by_value(self, values: npt.NDArray[np.float64], owner: IntArray) -> npt.NDArray[np.float64]:
        found = self._value_counts(values, owner)
        if found is None:
            return self._by_links(values, np.add, 0.0)
        distinct, counts = found
        total = np.zeros(self.n)
        for v, c in zip(distinct.tolist(), counts):
            total += v * c
        return total

    def _min_by_value(self, values: npt.NDArray[np.float64], owner: IntArray) -> npt.NDArray[np.float64]:
        found = self._value_counts(values, owner)
        if found is None:
            return self._by_links(values, np.minimum, np.inf)
        distinct, counts = found
        least = np.full(self.n, np.inf)
        for v, c in zip(distinct.tolist()[::-1], counts[::-1]):
            least[c > 0] = v
        return least

    def _by_links(self, values: npt.NDArray[np.float64], op: np.ufunc, empty: float) -> npt.NDArray[np.float64]:
        out = np.full(self.n, empty)
        nonempty = self.hops > 0
        if nonempty.any():
            out[nonempty] = op.reduceat(values[self.links], self.indptr[:-1][nonempty])
        return out

    # ------------------------------------------------------------------ the two views
    @property
    def links(self) -> IntArray:
        """Every route's links in order, end to end (expanded from the runs on first use)."""
        if self._links is None:
            total = int(self.indptr[-1])
            if total > MAX_EXPANDED_HOPS:
                raise TooManyHops(f"these {self.n:,} routes cross {total:,} links in all, more than the "
                                  f"{MAX_EXPANDED_HOPS:,} that can be listed one by one in memory")
            _, lo, hi = self.segments()
            self._links = self._fabric.place_link[expand(lo, hi)]
        return self._links

    def segments(self) -> tuple[IntArray, IntArray, IntArray]:
        """Every route as runs of consecutive places in :attr:`Fabric.link_position` order:
        ``(ptr, lo, hi)``, route ``i`` covering places ``lo[k] .. hi[k] - 1`` for k in
        ``ptr[i] .. ptr[i + 1] - 1``.  A dimension-order route on a grid is one or two runs a dimension."""
        if self._segments is None:
            links = self.links
            pos = self._fabric.link_position[links]
            route_start = np.zeros(len(pos), bool)
            route_start[self.indptr[:-1][self.hops > 0]] = True
            new = route_start.copy()
            new[1:] |= pos[1:] != pos[:-1] + 1
            starts = np.flatnonzero(new)
            ends = np.append(starts[1:], len(pos))
            per_route = (np.bincount(self.owner()[starts], minlength=self.n) if len(starts)
                         else np.zeros(self.n, np.int64))
            ptr = np.zeros(self.n + 1, np.int64)
            np.cumsum(per_route, out=ptr[1:])
            self._segments = (ptr, pos[starts], pos[ends - 1] + 1)
        return self._segments

    def run_owner(self) -> IntArray:
        """The route of every run of :meth:`segments`."""
        ptr = self.segments()[0]
        owner: IntArray = np.repeat(np.arange(self.n), np.diff(ptr))
        return owner

    def runs_of(self, routes: IntArray) -> tuple[IntArray, IntArray, IntArray]:
        """(position in ``routes``, first place, end place) of every run of ``routes``."""
        ptr, lo, hi = self.segments()
        lens = ptr[routes + 1] - ptr[routes]
        k = expand(ptr[routes], ptr[routes] + lens)
        return np.arange(len(routes)).repeat(lens), lo[k], hi[k]

    def link_counts(self, routes: IntArray, weights: npt.NDArray[np.float64] | None = None
                    ) -> npt.NDArray[np.float64]:
        """Per link, how many of ``routes`` (repeats counted) cross it, or the sum of their ``weights``."""
        owner, lo, hi = self.runs_of(routes)
        fabric = self._fabric
        per_place = coverage(lo, hi, fabric.n_links, None if weights is None else weights[owner])
        counts: npt.NDArray[np.float64] = per_place[fabric.link_position]
        return counts

    def route(self, i: int) -> IntArray:
        if self._links is None:
            _, lo, hi = self.runs_of(np.array([i], np.int64))
            one: IntArray = self._fabric.place_link[expand(lo, hi)]
            return one
        return self.links[self.indptr[i]: self.indptr[i + 1]]

    def owner(self) -> IntArray:
        """The route of every entry of ``links``."""
        owner: IntArray = np.repeat(np.arange(self.n), self.hops)
        return owner
