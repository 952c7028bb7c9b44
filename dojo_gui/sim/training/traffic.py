"""How long a plan's collectives take on the links its placement uses.

Every collective of a step runs in many identical groups at once (a tensor all-reduce in every
tensor group, a gradient all-reduce in every data-parallel group, a send across every stage
boundary).  Two figures make its time:

- **the communication engine** (:func:`dojo_gui.sim.comm.simulate_collective`) on one group alone,
  on the design's real links, with latencies; groups that sit alike (the same chip slots in
  tiles and cabinets at the same offsets) are one simulation, cached by that signature and size;
  up to :data:`REPRESENTATIVES` differently placed groups are simulated and the slowest kept;
- **sharing**: groups running at once share links.  Every group is laid along the fabric's
  routes as a ring of its chips (every pair, for sends), all groups together and the simulated
  group alone; the engine's time is scaled by how much more the busiest link carries, relative
  to its capacity, with everyone than alone (1 where nothing is shared, as on the per-GPU links
  of a switched fabric or between tensor groups on disjoint blocks of a mesh).  An estimate: the
  engine does not yet run many groups at once.  It is made on grids (dimension-order routes); a
  switched fabric gives each chip its own links, so groups of different chips share none.

The search (:mod:`.search`) screens candidates with a closed-form hierarchical estimate instead
(``simulate=False``): inside the tile at the chip's own link, across the tiles of a cabinet at
the tile boundary's bandwidth, across cabinets at the cabinet boundary's, each boundary shared
by every chip in it that takes part; then it evaluates the best few with the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import comm
from .errors import Cancelled, PlanError
from .placement import Machine

REPRESENTATIVES = 2  # differently placed groups simulated per collective (the first and the slowest estimated)
COLLECTIVE_WORDS = {"allreduce": "all-reduce", "reducescatter": "reduce-scatter", "allgather": "all-gather",
                    "p2p": "send"}
_FACTOR = {"allreduce": 2.0, "reducescatter": 1.0, "allgather": 1.0}


@dataclass(frozen=True)
class CommTime:
    time_s: float
    source: str  # "simulated" (the engine, scaled for sharing) or "estimated"
    algorithm: str = ""
    sharing: float = 1.0  # the slowdown from groups sharing boundaries (1: none)

    def __add__(self, other: CommTime) -> CommTime:
        source = "simulated" if "simulated" in (self.source, other.source) else self.source or other.source
        return CommTime(self.time_s + other.time_s, source, "+".join(a for a in (self.algorithm, other.algorithm) if a),
                        max(self.sharing, other.sharing))

    def scaled(self, k: float) -> CommTime:
        return CommTime(self.time_s * k, self.source, self.algorithm, self.sharing)


ZERO = CommTime(0.0, "", "", 1.0)


class Traffic:
    """Collective times on one machine, with the engine's results cached across plans."""

    def __init__(self, machine: Machine, *, simulate: bool = True, algorithm: str = "auto",
                 should_stop: Callable[[], bool] | None = None) -> None:
        self.machine = machine
        self.simulate = simulate
        self.algorithm = algorithm
        self.should_stop = should_stop
        self._engine: dict[tuple[Any, ...], tuple[float, str]] = {}
        self._coefficient_cache: dict[tuple[Any, ...], tuple[np.ndarray, np.ndarray]] = {}
        self.simulations = 0
        chip = machine.chip_spec
        self._alpha_s = chip.link_latency_s + chip.message_overhead_s
        paths = machine.fabric.chip_paths or []
        self._tile_slot = np.asarray([p[1] for p in paths], np.int64).reshape(-1, 2)

    # ------------------------------------------------------------------ collectives in groups
    def collective(self, groups: np.ndarray, collective: str, size_bytes: float, *, simulate: bool | None = None
                   ) -> CommTime:
        """``collective`` of ``size_bytes`` in every row of ``groups`` (chip indices) at once."""
        groups = np.atleast_2d(groups)
        if groups.shape[1] < 2 or size_bytes <= 0:
            return ZERO
        shared = self._estimates(groups, collective, size_bytes, concurrent=True)
        if not (self.simulate if simulate is None else simulate):
            return CommTime(float(shared.max()), "estimated")
        ring_src, ring_dst = groups.ravel(), np.roll(groups, -1, axis=1).ravel()
        best = ZERO
        for g in self._representatives(groups, shared):
            t_engine, algorithm = self._engine_time(groups[g], collective, size_bytes)
            factor = self._route_sharing(ring_src, ring_dst, groups[g], np.roll(groups[g], -1))
            candidate = CommTime(t_engine * factor, "simulated", algorithm, factor)
            if candidate.time_s >= best.time_s:
                best = candidate
        return best

    def p2p(self, src: np.ndarray, dst: np.ndarray, size_bytes: float, *, simulate: bool | None = None) -> CommTime:
        """Every ``src[i]`` sends ``size_bytes`` to ``dst[i]`` at once."""
        pairs = np.stack([np.asarray(src, np.int64), np.asarray(dst, np.int64)], axis=1)
        if len(pairs) == 0 or size_bytes <= 0:
            return ZERO
        shared = self._p2p_estimates(pairs, size_bytes, concurrent=True)
        if not (self.simulate if simulate is None else simulate):
            return CommTime(float(shared.max()), "estimated")
        best = ZERO
        for g in self._representatives(pairs, shared):
            t_engine, algorithm = self._engine_time(pairs[g], "p2p", size_bytes)
            factor = self._route_sharing(pairs[:, 0], pairs[:, 1], pairs[g, :1], pairs[g, 1:])
            candidate = CommTime(t_engine * factor, "simulated", algorithm, factor)
            if candidate.time_s >= best.time_s:
                best = candidate
        return best

    def _route_sharing(self, src: np.ndarray, dst: np.ndarray, rep_src: np.ndarray, rep_dst: np.ndarray) -> float:
        """How much more the busiest link carries (relative to its capacity) when every group sends at once
        than when the representative group sends alone: each group as a ring of its chips (or its pairs),
        each step along the fabric's routes."""
        f = self.machine.fabric
        if not f.regular_grid:
            # Switched fabrics link every chip to its switches alone, so groups of different chips share no
            # link; other irregular fabrics route by a shortest-path search too slow for every pair of a
            # step (their sharing is not estimated).
            return 1.0
        try:
            routes, rep_routes = f.routes(src, dst), f.routes(rep_src, rep_dst)
            # Counted from the routes' runs, never listed hop by hop.
            every = routes.link_counts(np.arange(routes.n)) / f.link_capacity_Bps
            alone = rep_routes.link_counts(np.arange(rep_routes.n)) / f.link_capacity_Bps
        except ValueError:  # NoRoute, RoutingError: no sharing figure; the engine's time as it is
            return 1.0
        return float(every.max() / alone.max()) if alone.max() > 0 else 1.0

    # ------------------------------------------------------------------ the engine
    def signature(self, chips: np.ndarray) -> tuple[Any, ...]:
        """Groups with equal signatures sit alike: the same slots, in tiles and cabinets at the same offsets,
        starting from the same tile slot of a cabinet."""
        m = self.machine
        first = int(chips[0])
        return (tuple(self._tile_slot[first]), tuple(m.chip_cabinet[chips] - m.chip_cabinet[first]),
                tuple(m.chip_tile[chips] - m.chip_tile[first]), tuple(map(tuple, m.chip_slot[chips])))

    def _representatives(self, groups: np.ndarray, estimate: np.ndarray) -> list[int]:
        picks = [0]
        slowest = int(np.argmax(estimate))
        if slowest != 0 and self.signature(groups[slowest]) != self.signature(groups[0]):
            picks.append(slowest)
        return picks[:REPRESENTATIVES]

    def _engine_time(self, chips: np.ndarray, collective: str, size_bytes: float) -> tuple[float, str]:
        key = (self.signature(chips), collective, float(f"{size_bytes:.6g}"))
        if key not in self._engine:
            if self.should_stop is not None and self.should_stop():
                raise Cancelled()
            try:
                result = comm.simulate_collective(self.machine.design, collective, size_bytes,
                                                  "direct" if collective == "p2p" else self.algorithm,
                                                  [int(c) for c in chips], fabric=self.machine.fabric,
                                                  should_stop=self.should_stop)
            except comm.Cancelled:
                raise Cancelled() from None
            except (comm.CollectiveError, comm.TooLarge) as exc:
                what = COLLECTIVE_WORDS.get(collective, collective)
                raise PlanError(f"the communication engine cannot run the {what} over {len(chips)} chips: "
                                f"{exc}") from None
            self.simulations += 1
            self._engine[key] = (result.time_s, result.algorithm)
        return self._engine[key]

    # ------------------------------------------------------------------ the hierarchical estimate
    def _estimates(self, groups: np.ndarray, collective: str, size_bytes: float, concurrent: bool) -> np.ndarray:
        """The hierarchical estimate for every group (seconds)."""
        per_byte, steps = self._coefficients(groups, concurrent)
        return _FACTOR[collective] * (per_byte * size_bytes + steps * self._alpha_s)

    def _coefficients(self, groups: np.ndarray, concurrent: bool) -> tuple[np.ndarray, np.ndarray]:
        """Per group: seconds per byte of the collective's bandwidth terms, and its latency steps."""
        key = (groups.shape, hash(groups.tobytes()), concurrent)
        if key in self._coefficient_cache:
            return self._coefficient_cache[key]
        m = self.machine
        n_groups, n = groups.shape
        rows = np.repeat(np.arange(n_groups), n)
        tiles = m.chip_tile[groups].ravel()
        # (group, tile) and (group, cabinet) entries with their member counts.
        gt, per_tile = np.unique(rows * m.n_tiles + tiles, return_counts=True)
        gt_group, gt_tile = gt // m.n_tiles, gt % m.n_tiles
        n0 = np.zeros(n_groups, np.int64)
        np.maximum.at(n0, gt_group, per_tile)
        n_cab = max(m.n_cabinets, 1)
        gt_cab = m.tile_cabinet[gt_tile]
        gc, gc_index, tiles_in_cab = np.unique(gt_group * n_cab + gt_cab, return_inverse=True, return_counts=True)
        gc_group, gc_cab = gc // n_cab, gc % n_cab
        per_cab = np.bincount(gc_index, weights=per_tile)
        n1 = np.zeros(n_groups, np.int64)
        np.maximum.at(n1, gc_group, tiles_in_cab)
        n2 = np.bincount(gc_group, minlength=n_groups)
        if concurrent:
            tile_share = np.bincount(tiles, minlength=m.n_tiles)[gt_tile] / per_tile
            cab_share = np.bincount(m.chip_cabinet[groups].ravel(), minlength=n_cab)[gc_cab] / per_cab
        else:
            tile_share = np.ones(len(gt))
            cab_share = np.ones(len(gc))
        # Inside the tile at the chip's own link; then each of a tile's members carries its 1/n0 share across
        # the tile's boundary, which every group with chips in the tile shares; then likewise the cabinet's.
        term0 = np.where(n0 > 1, (n0 - 1) / np.maximum(n0, 1), 0.0) / m.chip_local_Bps
        cross1 = per_tile / n0[gt_group] * tile_share / np.maximum(m.tile_out_Bps[gt_tile], 1e-30)
        worst1 = np.zeros(n_groups)
        np.maximum.at(worst1, gt_group, cross1)
        term1 = np.where(n1 > 1, (n1 - 1) / np.maximum(n1, 1), 0.0) * worst1
        cross2 = per_cab / (n0 * n1)[gc_group] * cab_share / np.maximum(m.cabinet_out_Bps[gc_cab], 1e-30)
        worst2 = np.zeros(n_groups)
        np.maximum.at(worst2, gc_group, cross2)
        term2 = np.where(n2 > 1, (n2 - 1) / np.maximum(n2, 1), 0.0) * worst2
        result = (term0 + term1 + term2, (n0 - 1 + np.maximum(n1 - 1, 0) + np.maximum(n2 - 1, 0)).astype(float))
        self._coefficient_cache[key] = result
        return result

    def _p2p_estimates(self, pairs: np.ndarray, size_bytes: float, concurrent: bool) -> np.ndarray:
        m = self.machine
        src, dst = pairs[:, 0], pairs[:, 1]
        same_tile = m.chip_tile[src] == m.chip_tile[dst]
        same_cab = m.chip_cabinet[src] == m.chip_cabinet[dst]
        out = np.full(len(pairs), size_bytes / m.chip_local_Bps + self._alpha_s)
        if concurrent:
            tile_users = np.bincount(m.chip_tile[src][~same_tile], minlength=m.n_tiles) \
                + np.bincount(m.chip_tile[dst][~same_tile], minlength=m.n_tiles)
            cab_users = np.bincount(m.chip_cabinet[src][~same_cab], minlength=max(m.n_cabinets, 1)) \
                + np.bincount(m.chip_cabinet[dst][~same_cab], minlength=max(m.n_cabinets, 1))
        else:
            tile_users = np.ones(m.n_tiles, np.int64)
            cab_users = np.ones(max(m.n_cabinets, 1), np.int64)
        for ends in (src, dst):
            t = m.chip_tile[ends]
            c = m.chip_cabinet[ends]
            cross_tile = ~same_tile & same_cab
            out[cross_tile] = np.maximum(out[cross_tile], size_bytes * tile_users[t[cross_tile]]
                                         / m.tile_out_Bps[t[cross_tile]] + self._alpha_s)
            cap = np.maximum(m.cabinet_out_Bps[c[~same_cab]], 1e-30)
            out[~same_cab] = np.maximum(out[~same_cab], size_bytes * cab_users[c[~same_cab]] / cap + self._alpha_s)
        return out
