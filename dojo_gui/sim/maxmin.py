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
