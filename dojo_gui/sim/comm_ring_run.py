"""Many identical ring steps at once: the start times of a ring's q-th step in closed form.

In a run of steps that each send one message from every chip of some rings to the next chip,
each step waiting for the one before (its data, its route, its chip's engine), with links no
other route uses, the start of ring position i's transfer in step q obeys

    s_q[i] = max(s_{q-1}[i-1] + m_i, s_{q-1}[i] + u_i),

m_i = w_{i-1} + h_{i-1} + o_i (the predecessor's send and latency, then i's overhead: its data
arrived) and u_i = w_i + o_i (its own previous send, then its overhead: its route freed).  That
is a longest path in the (step, position) grid: from (0, i - d) with d moves and q - d stays,
the stays all best taken where u is largest, so

    s_q[i] = max_{0 <= d <= q} s_0[i - d] + M(i - d + 1 .. i) + (q - d) * max u over [i - d, i].

Splitting the maximum by the value v of u where the stays are taken, it is for each of the few
distinct v a range maximum of ``s_0[p] - P[p] + p v`` (P the running sum of m) over
p in [i - q, the last position <= i where u = v]: a sparse table per v answers every position
of every step asked for in O(1).  So a ring's 2(N-1) steps cost O(N log N) per distinct link
speed, not O(N^2): a 30,000-chip ring all-reduce over tiles joined by slower tile edges is
computed, not stepped.  Exact (up to the rounding of the running sums); the tests check it
against the step-by-step engine.
"""

from __future__ import annotations

import numpy as np

# More distinct per-step times than this on one ring run and the run is stepped instead.
MAX_DISTINCT = 16


class RingRun:
    """The start times of every step of a ring run, from its first step's starts ``s0``.

    ``pos`` numbers each transfer's place in its ring (transfer ``i`` gets its data from the
    transfer at ``pred[i]``); ``m`` and ``u`` per transfer as in the module notes."""

    def __init__(self, s0: np.ndarray, pred: np.ndarray, m: np.ndarray, u: np.ndarray) -> None:
        n = len(s0)
        # Walk every ring from one of its transfers, so that each ring is a run of consecutive places.
        order = np.empty(n, np.int64)
        ring_len: list[int] = []
        seen = np.zeros(n, bool)
        at = 0
        succ = np.empty(n, np.int64)
        succ[pred] = np.arange(n)
        for start in range(n):
            if seen[start]:
                continue
            k, length = start, 0
            while not seen[k]:
                seen[k] = True
                order[at] = k
                at += 1
                length += 1
                k = succ[k]
            ring_len.append(length)
        lengths = np.array(ring_len, np.int64)
        self.order = order
        first = np.repeat(np.cumsum(lengths) - lengths, lengths)  # each place's ring start (in order)
        self.ring_n = np.repeat(lengths, lengths)
        # Three copies of every ring, end to end: a path of up to 2n - 1 steps never leaves them.
        base = np.repeat(3 * (np.cumsum(lengths) - lengths), lengths)
        local = np.arange(n) - first
        copies = [base + c * self.ring_n + local for c in range(3)]
        L = int(3 * lengths.sum())
        self.where = copies[2]  # each transfer (in ring order) in the last copy
        m_o, u_o, s_o = m[order], u[order], s0[order]
        self.u = np.empty(L)
        mm = np.empty(L)
        s = np.empty(L)
        for c in copies:
            self.u[c], mm[c], s[c] = u_o, m_o, s_o
        self.P = np.cumsum(mm)
        self.values = np.unique(u_o)
        self.tables = []
        index = np.arange(L)
        for v in self.values:
            g = s - self.P + index * v
            last = np.maximum.accumulate(np.where(self.u == v, index, -1))
            self.tables.append((v, _SparseMax(g), last))

    def starts(self, q: int) -> np.ndarray:
        """s_q for every transfer (in the caller's order)."""
        i = self.where
        lo = i - q
        best = np.full(len(i), -np.inf)
        for v, table, last in self.tables:
            hi = last[i]
            ok = hi >= lo
            if ok.any():
                val = table.query(lo[ok], hi[ok]) + self.P[i[ok]] + (q - i[ok]) * v
                best[ok] = np.maximum(best[ok], val)
        out = np.empty(len(i))
        out[self.order] = best
        return out


class _SparseMax:
    """Range maxima of a fixed array in O(1) each after O(L log L) work."""

    def __init__(self, a: np.ndarray) -> None:
        self.levels = [a]
        k = 1
        while 2 * k <= len(a):
            prev = self.levels[-1]
            self.levels.append(np.maximum(prev[:-k], prev[k:]))
            k *= 2

    def query(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """max a[lo[j] .. hi[j]] (inclusive, lo <= hi)."""
        span = hi - lo + 1
        k = np.floor(np.log2(span)).astype(np.int64)
        out = np.empty(len(lo))
        for level in np.unique(k):
            sel = k == level
            table = self.levels[level]
            out[sel] = np.maximum(table[lo[sel]], table[hi[sel] - (1 << int(level)) + 1])
        return out
