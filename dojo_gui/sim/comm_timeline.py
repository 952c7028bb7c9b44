"""Bytes per link over time, in a fixed number of bins that double in width as a run grows."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from .comm_common import BATCH_ENTRIES

if TYPE_CHECKING:
    from .comm_common import PatternInfo

class Timeline:
    """Bytes per link in fixed-count time bins that double in width as the run grows."""

    def __init__(self, n_links: int, n_bins: int, width_s: float) -> None:
        self.n_links = n_links
        self.n_bins = n_bins + (n_bins % 2)
        self.width = max(width_s, 1e-12)
        self.bins = np.zeros((self.n_bins, n_links), np.float32)
        self.flat = self.bins.reshape(-1)
        # Uniform contributions waiting to be spread over their links: (pattern id, bin) -> bytes.
        self.pending: dict[tuple[int, int], float] = defaultdict(float)
        self.pending_links: dict[int, np.ndarray] = {}
        # Entries (flat index into bins, bytes) waiting to be added, in one bincount when there are many.
        self.batch: list[tuple[np.ndarray, np.ndarray]] = []
        self.batch_size = 0
        self.end = 0.0

    def _fit(self, t_end: float) -> None:
        self.end = max(self.end, t_end)
        while t_end > self.n_bins * self.width * (1 - 1e-12):
            self.flush()
            self.bins[: self.n_bins // 2] = self.bins.reshape(self.n_bins // 2, 2, self.n_links).sum(axis=1)
            self.bins[self.n_bins // 2:] = 0
            self.width *= 2

    def _bin_span(self, t0: float, t1: float) -> tuple[int, int]:
        b0 = min(int(t0 / self.width), self.n_bins - 1)
        b1 = min(max(int(np.ceil(t1 / self.width)) - 1, b0), self.n_bins - 1)
        return b0, b1

    def add_uniform(self, key: int, links: np.ndarray, t0: float, t1: float, nbytes: float) -> None:
        """Every link in ``links`` carries ``nbytes`` evenly over [t0, t1)."""
        if nbytes <= 0:
            return
        self._fit(t1)
        self.pending_links[key] = links
        b0, b1 = self._bin_span(t0, t1)
        if b0 == b1 or t1 <= t0:
            self.pending[(key, b0)] += nbytes
            return
        span = t1 - t0
        for b in range(b0, b1 + 1):
            overlap = min(t1, (b + 1) * self.width) - max(t0, b * self.width)
            if overlap > 0:
                self.pending[(key, b)] += nbytes * overlap / span

    def add_intervals(self, key: int, info: PatternInfo, starts: np.ndarray, ends: np.ndarray,
                      nbytes: float) -> None:
        """Transfer i of a pattern carries ``nbytes`` evenly over [starts[i], ends[i]) on each of its links."""
        if nbytes <= 0 or len(info.inc_link) == 0:
            return
        self._fit(float(ends.max()))
        w = self.width
        first = min(int(starts.min() / w), self.n_bins - 1)
        if first == min(max(int(np.ceil(float(ends.max()) / w)) - 1, first), self.n_bins - 1):
            # The usual case: the whole step inside one bin.
            self.pending_links[key] = info.inc_link
            self.pending[(key, first)] += nbytes
            return
        self.add_transfers(info.inc_owner, info.inc_link, starts, ends, np.full(len(starts), nbytes))

    def add_transfers(self, owner: np.ndarray, links: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                      nbytes: np.ndarray) -> None:
        """Transfer i carries ``nbytes[i]`` evenly over [starts[i], ends[i]) on each link ``links[k]`` with
        ``owner[k] == i``."""
        if len(links):
            self._spread(owner, links, starts, ends, nbytes)

    def add_totals(self, t0: float, t1: float, nbytes: np.ndarray) -> None:
        """Every link carried ``nbytes[link]`` over [t0, t1), which lies within one bin."""
        self._fit(t1)
        self.bins[min(int((t0 + t1) / 2 / self.width), self.n_bins - 1)] += nbytes.astype(np.float32)

    def next_edge(self, t: float) -> float:
        """The first bin edge after ``t`` (an edge within rounding of ``t`` counts as ``t``)."""
        return (np.floor(t / self.width * (1 + 1e-12)) + 1) * self.width

    def _spread(self, owner: np.ndarray, links: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                nbytes: np.ndarray) -> None:
        """Item i carries ``nbytes[i]`` evenly over [starts[i], ends[i]) on each link ``links[k]`` with
        ``owner[k] == i`` (``owner`` sorted)."""
        self._fit(float(ends.max()))
        w = self.width
        last = self.n_bins - 1
        b0 = np.minimum((starts / w).astype(np.int64), last)
        b1 = np.clip(np.ceil(ends / w).astype(np.int64) - 1, b0, last)
        wide = b1 > b0
        if wide.any():
            # Items over several bins: one entry per (item, bin), weighted by the overlap.
            items = np.flatnonzero(wide)
            n_b = b1[items] - b0[items] + 1
            item = np.repeat(items, n_b)
            b = b0[item] + np.arange(int(n_b.sum())) - np.repeat(np.cumsum(n_b) - n_b, n_b)
            overlap = np.minimum(ends[item], (b + 1) * w) - np.maximum(starts[item], b * w)
            part = np.zeros(len(starts))
            part[items] = 1.0 / (ends[items] - starts[items])
            weight = nbytes[item] * np.clip(overlap, 0, None) * part[item]
            # Spread each (item, bin) entry over the item's links (``owner`` is sorted).
            per_item = np.bincount(owner, minlength=len(starts))
            n_l = per_item[item]
            k = np.repeat(np.cumsum(per_item)[item] - n_l - np.cumsum(n_l) + n_l, n_l) + np.arange(int(n_l.sum()))
            self._add(np.repeat(b, n_l) * self.n_links + links[k], np.repeat(weight, n_l))
            single = ~wide[owner]
            owner, links = owner[single], links[single]
        self._add(b0[owner] * self.n_links + links, nbytes[owner])

    def _add(self, index: np.ndarray, nbytes: np.ndarray) -> None:
        self.batch.append((index, nbytes))
        self.batch_size += len(index)
        if self.batch_size > BATCH_ENTRIES:
            self._add_batch()

    def _add_batch(self) -> None:
        if self.batch:
            index = np.concatenate([i for i, _ in self.batch])
            nbytes = np.concatenate([b for _, b in self.batch])
            lo, hi = (int(index.min()), int(index.max()) + 1) if len(index) else (0, 0)
            if hi == lo:
                pass
            elif hi - lo <= 8 * len(index):
                self.flat[lo:hi] += np.bincount(index - lo, nbytes, minlength=hi - lo).astype(np.float32)
            else:  # a few entries spread far apart: only where they are
                at, inverse = np.unique(index, return_inverse=True)
                self.flat[at] += np.bincount(inverse.ravel(), nbytes).astype(np.float32)
            self.batch.clear()
            self.batch_size = 0

    def flush(self) -> None:
        self._add_batch()
        for (key, b), nbytes in self.pending.items():
            self.bins[b, self.pending_links[key]] += nbytes
        self.pending.clear()

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        self.flush()
        used = max(1, min(self.n_bins, int(np.ceil(self.end / self.width * (1 - 1e-12)))))
        edges = np.arange(used + 1) * self.width
        return edges, self.bins[:used]  # a view: the timeline is done with (the result may reuse it)

