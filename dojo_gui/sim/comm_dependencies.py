"""The rules that tie a schedule's transfers together, as arrays for the max-min engine.

:mod:`.comm_schedule` states the four rules a transfer waits for (its data, its route, its chip's
message engine, its chip's messages in flight).  :class:`Dependencies` lays them out once per run:
for every transfer, what it releases when it leaves (the next on its route, the next on its chip,
the one its chip may start once it has left) and how many dependencies it waits for; and the
groups of deliveries (a source step's transfers to one chip) that later transfers from that chip
wait for, with the transfers each group releases.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .comm_schedule import Schedule

IntArray = npt.NDArray[np.int64]


class Dependencies:
    """The transfers' dependencies (rules 1-4 of :mod:`.comm_schedule`); -1 where there is none."""

    def __init__(self, sched: Schedule, offsets: IntArray, src: npt.NDArray[np.int32], route: IntArray,
                 overhead: npt.NDArray[np.float64]) -> None:
        fabric, steps = sched.fabric, sched.steps
        n = len(route)
        # Rule 2: the next transfer on the same route, in program order, waits for this one to leave.
        order = np.lexsort((np.arange(n), route))
        same = route[order[1:]] == route[order[:-1]]
        self.next_on_route = np.full(n, -1, np.int64)
        self.next_on_route[order[:-1][same]] = order[1:][same]
        waits = np.zeros(n, np.int64)
        waits[order[1:][same]] = 1

        # Rule 1: groups (source step, chip) of deliveries; a transfer waits for its source's groups.
        group_of = np.full(n, -1, np.int64)
        group_chips: dict[int, np.ndarray] = {}
        group_base: dict[int, int] = {}
        n_groups = 0
        for p in sorted({p for s in steps for p in s.data_from}):
            chips, inverse = np.unique(steps[p].pattern.dst, return_inverse=True)
            group_chips[p], group_base[p] = chips, n_groups
            group_of[offsets[p]:offsets[p + 1]] = n_groups + inverse.ravel()
            n_groups += len(chips)
        self.group_of = group_of
        self.group_left = np.bincount(group_of[group_of >= 0], minlength=n_groups).astype(np.int64)
        pair_group, pair_transfer = [], []
        for q, s in enumerate(steps):
            for p in s.data_from:
                chips = group_chips[p]
                at = np.minimum(np.searchsorted(chips, s.pattern.src), len(chips) - 1)
                hit = chips[at] == s.pattern.src
                pair_group.append(group_base[p] + at[hit])
                pair_transfer.append(offsets[q] + np.flatnonzero(hit))
        self.consumer_ptr = np.zeros(n_groups + 1, np.int64)
        if pair_group:
            pg, pt = np.concatenate(pair_group), np.concatenate(pair_transfer)
            self.consumers = pt[np.argsort(pg, kind="stable")]
            np.cumsum(np.bincount(pg, minlength=n_groups), out=self.consumer_ptr[1:])
            waits += np.bincount(pt, minlength=n)
        else:
            self.consumers = np.zeros(0, np.int64)
        # Rule 3: a chip's next transfer (program order) may begin its overhead once this one has begun
        # sending.  Rule 4: the transfer ``k`` later from the same chip waits for this one's last byte.
        # (Rule 3 only where the chip spends an overhead on its messages: with latency left out it has none.)
        by_chip = np.lexsort((np.arange(n), src))
        chip_sorted = src[by_chip]
        same_chip = chip_sorted[1:] == chip_sorted[:-1]
        self.next_on_chip = np.full(n, -1, np.int64)
        serial = same_chip & (overhead[by_chip[1:]] > 0)
        self.next_on_chip[by_chip[:-1][serial]] = by_chip[1:][serial]
        waits[by_chip[1:][serial]] += 1
        k = fabric.chip_max_in_flight[chip_sorted] if n else np.zeros(0, np.int64)
        later = np.arange(n) + k
        limited = (k > 0) & (later < n)
        limited[limited] &= chip_sorted[later[limited]] == chip_sorted[limited]
        self.frees = np.full(n, -1, np.int64)
        self.frees[by_chip[limited]] = by_chip[later[limited]]
        waits[by_chip[later[limited]]] += 1
        self.waits = waits  # dependencies not yet met
