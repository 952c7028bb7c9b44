"""Max-min fair rates by progressive filling, vectorized over the flow/link incidence.

Progressive filling raises every unfrozen flow's rate at the same pace until some link is
full; the flows on full links freeze, the rest keep rising.  Done literally, that takes one
round per distinct bottleneck level.  This does the same filling in fewer rounds: in each
round, a link's *share* is what is left of it divided among its unfrozen flows, and every
link whose share is no larger than the share of any other link its flows cross is full at
exactly that level (shares only grow as flows freeze elsewhere, so nothing can stop its
flows earlier).  All such links fill at once and their flows freeze at their shares.  The
global minimum is always among them, so this never takes more rounds than plain filling,
and each round is a handful of numpy operations (``np.bincount``, ``np.minimum.reduceat``)
over the incidence, with no Python loop over flows.
"""

from __future__ import annotations

import numpy as np

# Shares within this relative distance count as equal.
TIE = 1e-12


def max_min_rates(inc_flow: np.ndarray, inc_link: np.ndarray, capacity: np.ndarray, n_flows: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Max-min fair rate of every flow.

    ``inc_flow[k]`` and ``inc_link[k]`` say that flow ``inc_flow[k]`` crosses link
    ``inc_link[k]`` (each pair once); ``capacity[l]`` is link ``l``'s capacity.  A flow that
    crosses no link is unconstrained and gets ``inf``.  Returns ``(rates, full)``: the rate
    per flow and, per link, whether it ended full (the bottleneck of some flow).
    """
    n_links = len(capacity)
    rates = np.full(n_flows, np.inf)
    full = np.zeros(n_links, bool)
    if n_flows == 0 or len(inc_flow) == 0:
        return rates, full
    inc_flow = np.asarray(inc_flow, np.int64)
    inc_link = np.asarray(inc_link, np.int64)
    if np.any(inc_flow[1:] < inc_flow[:-1]):
        order = np.argsort(inc_flow, kind="stable")
        inc_flow, inc_link = inc_flow[order], inc_link[order]
    # Work on the links in use only, renumbered 0..L-1.
    per_link = np.bincount(inc_link, minlength=n_links)
    in_use = np.flatnonzero(per_link)
    renumber = np.zeros(n_links, np.int64)
    renumber[in_use] = np.arange(len(in_use))
    link = renumber[inc_link]
    flow = inc_flow
    remaining = np.asarray(capacity, float)[in_use].copy()
    count = per_link[in_use].astype(float)
    filled = np.zeros(len(in_use), bool)
    starts = np.flatnonzero(np.r_[True, flow[1:] != flow[:-1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        while len(flow):
            share = np.where(count > 0, np.maximum(remaining, 0.0) / count, np.inf)
            entry_share = share[link]
            lengths = np.diff(np.r_[starts, len(flow)])
            flow_min = np.minimum.reduceat(entry_share, starts)  # each live flow's tightest link share
            entry_min = np.repeat(flow_min, lengths)
            # A link fills now unless one of its flows crosses a link with a smaller share.
            undercut = np.zeros(len(in_use), bool)
            undercut[link[entry_min < entry_share * (1 - TIE)]] = True
            entry_fills = ~undercut[link]
            filled[link[entry_fills]] = True
            freeze = np.logical_or.reduceat(entry_fills, starts)
            rates[flow[starts[freeze]]] = flow_min[freeze]
            entry_frozen = np.repeat(freeze, lengths)
            gone = link[entry_frozen]
            remaining -= np.bincount(gone, weights=entry_min[entry_frozen], minlength=len(in_use))
            count -= np.bincount(gone, minlength=len(in_use))
            keep = ~entry_frozen
            flow, link = flow[keep], link[keep]
            # Flow boundaries survive compaction: the kept flows' first entries, renumbered.
            first = np.zeros(len(keep), bool)
            first[starts[~freeze]] = True
            starts = np.flatnonzero(first[keep])
    full[in_use[filled]] = True
    return rates, full


def elementary_intervals(lo: np.ndarray, hi: np.ndarray, capacity: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cut the positions that segments ``[lo[s], hi[s])`` cover into elementary intervals.

    Links are numbered so that routes are a few runs of consecutive positions (segments).
    Between two consecutive segment ends every position carries the same flows, so one
    constraint stands for all of them: the smallest capacity there.  Returns ``(bounds, elo,
    ehi, cap)``: elementary interval e is positions ``bounds[e] .. bounds[e + 1] - 1`` with
    capacity ``cap[e]``; segment s covers intervals ``elo[s] .. ehi[s] - 1``.  (Intervals that
    no segment covers are included; they carry nothing.)
    """
    ends = np.concatenate([lo, hi])
    ends.sort()
    keep = np.empty(len(ends), bool)
    keep[0] = True
    np.not_equal(ends[1:], ends[:-1], out=keep[1:])
    bounds = ends[keep]
    elo = bounds.searchsorted(lo)
    ehi = bounds.searchsorted(hi)
    capacity = np.asarray(capacity, float)
    if bounds[-1] < len(capacity):
        cap = np.minimum.reduceat(capacity, bounds)[:-1]
    else:  # a segment ends at the last place: the last bound is one past the end
        cap = np.minimum.reduceat(capacity, bounds[:-1])
    return bounds, elo, ehi, cap


def max_min_rates_segments(owner: np.ndarray, elo: np.ndarray, ehi: np.ndarray, capacity: np.ndarray,
                           n_flows: int, order: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Max-min fair rates when each flow crosses a few runs of elementary intervals.

    Segment s of flow ``owner[s]`` (a flow's segments do not overlap) covers intervals
    ``elo[s] .. ehi[s] - 1``; interval e has ``capacity[e]``; a flow without segments is
    unconstrained (``inf``).  The same filling as :func:`max_min_rates`, each round a handful
    of numpy operations over the segments and intervals: counts, loads and what the flows of
    an interval reach elsewhere are running sums over interval boundaries, a segment's
    tightest share is a range minimum (over the segments in order of ``elo``, so the pass
    costs their total length).  An interval fills when every flow on it reaches no higher
    share elsewhere (its share equals the sum of their tightest shares, to 1e-12).
    ``order``, if given, sorts the segments by ``elo``.  Returns ``(rates, full)`` like
    :func:`max_min_rates`, ``full`` per interval.
    """
    n_e = len(capacity)
    rates = np.full(n_flows, np.inf)
    full = np.zeros(n_e, bool)
    if n_flows == 0 or len(owner) == 0:
        return rates, full
    owner = np.asarray(owner, np.int64)
    elo = np.asarray(elo, np.int64)
    ehi = np.asarray(ehi, np.int64)
    remaining = np.asarray(capacity, float).copy()
    live = np.flatnonzero(np.bincount(owner, minlength=n_flows))  # flows with segments
    if order is None:
        order = elo.argsort(kind="stable")

    flow, lo, hi = owner[order], elo[order], ehi[order]
    bounds = np.empty(2 * len(lo), np.int64)
    bounds[0::2], bounds[1::2] = lo, hi
    several = len(live) < len(owner)  # some flow has more than one segment
    count = _running(lo, hi, None, n_e)
    share = np.empty(n_e + 1)
    share[-1] = np.inf
    filled_before = np.zeros(n_e + 1, np.int64)
    lowest = np.empty(n_flows)
    with np.errstate(divide="ignore", invalid="ignore"):
        while True:
            # Intervals no segment covers get inf or nan here; no segment's range includes them.
            room = np.maximum(remaining, 0.0)
            np.divide(room, count, out=share[:-1])
            tightest = np.minimum.reduceat(share, bounds)[0::2]  # over each segment
            if several:  # over each flow
                lowest[flow] = np.inf
                np.minimum.at(lowest, flow, tightest)
                tightest = lowest[flow]
            # An interval fills unless a flow on it is held lower elsewhere: then the flows' tightest
            # shares add up to less than the interval's room.  (Uncovered intervals never fill: room > 0.)
            fills = room - _running(lo, hi, tightest, n_e) <= TIE * room
            full |= fills
            fills.cumsum(out=filled_before[1:])
            freeze = filled_before[hi] > filled_before[lo]
            if several:
                freeze = np.bincount(flow, freeze, minlength=n_flows)[flow] > 0
            rates[flow[freeze]] = tightest[freeze]
            if freeze.all():
                break
            f_lo, f_hi = lo[freeze], hi[freeze]
            remaining -= _running(f_lo, f_hi, tightest[freeze], n_e)
            count -= _running(f_lo, f_hi, None, n_e)
            keep = ~freeze
            flow, lo, hi = flow[keep], lo[keep], hi[keep]
            bounds = bounds.reshape(-1, 2)[keep].ravel()
    full &= _running(elo, ehi, None, n_e) > 0
    return rates, full


def _running(lo: np.ndarray, hi: np.ndarray, weights: np.ndarray | None, n: int) -> np.ndarray:
    """Per interval 0..n-1, the sum of ``weights`` (or the count) of the ranges [lo, hi) covering it."""
    return (np.bincount(lo, weights, minlength=n + 1) - np.bincount(hi, weights, minlength=n + 1)).cumsum()[:n]
