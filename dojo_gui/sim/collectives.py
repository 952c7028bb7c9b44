"""Collectives expanded into schedules: which chip sends what to whom, step by step.

Collectives (nccl-tests names): ``allreduce``, ``reducescatter``, ``allgather``,
``alltoall``, ``broadcast``, ``p2p``.  ``size_bytes`` is S, the whole buffer: the vector
being reduced, the gathered result, each chip's all-to-all buffer, the broadcast message.

Algorithms:

- ``ring``: one ring over the chips (embedded as :func:`~dojo_gui.fabric.embed.ring_order`
  says); all-reduce is reduce-scatter then all-gather, 2(N-1) steps of S/N.
- ``bidirectional-ring``: two counter-rotating rings, each with half the data.
- ``2d``: the chips as an X x Y block: reduce-scatter along rows, all-reduce along
  columns, all-gather along rows (each row and column a ring).  All-to-all in two
  dimension-ordered phases, as meshes and tori do it: every chip sends each chip of its row
  what goes to that chip's column (Y shares), then each chip of its column what its row sent
  there (X shares): X + Y - 2 messages a chip instead of N - 1.
- ``hierarchical``: tiles, then cabinets, then the room: reduce-scatter in every tile,
  reduce-scatter across the tiles of each cabinet among chips of the same rank, all-reduce
  across cabinets, then all-gather back down.
- ``direct``: every chip sends each other chip its share at once (all-to-all style), as
  over a switch.

Broadcast sends from a root (the first chip of the scope) along chains: the ring from the
root (``ring``), the ring both ways (``bidirectional-ring``), the root's row then every
column (``2d``), across cabinets then tiles then chips (``hierarchical``), or straight to
every chip (``direct``).  ``p2p`` sends S from the first chip of the scope to the last.

With ``chunks`` = C every step's message goes as C pieces, piece c of a step waiting only for
piece c of the step before: a pipeline, laid out so that a piece's next phase starts as soon as
its previous phase ends (:mod:`dojo_gui.sim.comm_plan`).

A scope of groups (:class:`~dojo_gui.sim.comm_scope.Scope` ``groups``) runs the collective in
every group at once, each over its own chips, as one schedule: the groups' transfers share the
fabric's links where their routes meet.
"""

from __future__ import annotations

import numpy as np

from ..fabric.embed import chain_from, compressed_block, ring_order, ring_orders
from ..fabric.fabric import Fabric
from .comm_plan import Plan
from .comm_schedule import Schedule
from .comm_scope import SCOPE_HELP, CollectiveError, Scope, resolve_scope

__all__ = [
    "ALGORITHMS",
    "COLLECTIVES",
    "SCOPE_HELP",
    "SUPPORTED",
    "CollectiveError",
    "NotApplicable",
    "Scope",
    "algorithm_name",
    "build_schedule",
    "bus_factor",
    "collective_name",
    "resolve_scope",
]

COLLECTIVES: tuple[str, ...] = ("allreduce", "reducescatter", "allgather", "alltoall", "broadcast", "p2p")
ALGORITHMS: tuple[str, ...] = ("ring", "bidirectional-ring", "2d", "hierarchical", "direct")
_COLLECTIVE_ALIASES = {
    "all-reduce": "allreduce", "reduce-scatter": "reducescatter", "all-gather": "allgather",
    "all-to-all": "alltoall", "alltoallv": "alltoall", "bcast": "broadcast", "point-to-point": "p2p",
    "sendrecv": "p2p",
}
_ALGORITHM_ALIASES = {"biring": "bidirectional-ring", "bidir-ring": "bidirectional-ring", "2D": "2d",
                      "hier": "hierarchical", "switch": "direct"}
SUPPORTED: dict[str, tuple[str, ...]] = {
    "allreduce": ALGORITHMS, "reducescatter": ALGORITHMS, "allgather": ALGORITHMS, "broadcast": ALGORITHMS,
    "alltoall": ("direct", "2d"), "p2p": ("direct",),
}


class NotApplicable(CollectiveError):
    """An algorithm that does not fit the chips of the scope (e.g. 2D on a ragged set)."""


def collective_name(text: str) -> str:
    key = text.strip().lower()
    key = _COLLECTIVE_ALIASES.get(key, key)
    if key not in COLLECTIVES:
        raise CollectiveError(f"unknown collective {text!r} (choose from {', '.join(COLLECTIVES)})")
    return key


def algorithm_name(text: str) -> str:
    key = text.strip()
    key = _ALGORITHM_ALIASES.get(key, key.lower())
    key = _ALGORITHM_ALIASES.get(key, key)
    if key != "auto" and key not in ALGORITHMS:
        raise CollectiveError(f"unknown algorithm {text!r} (choose from auto, {', '.join(ALGORITHMS)})")
    return key


def bus_factor(collective: str, n: int) -> float:
    """nccl-tests' bus bandwidth = algorithm bandwidth x this."""
    if n <= 1:
        return 1.0
    if collective == "allreduce":
        return 2 * (n - 1) / n
    if collective in ("reducescatter", "allgather", "alltoall"):
        return (n - 1) / n
    return 1.0


# --------------------------------------------------------------------------- building blocks
def _ring(fabric: Fabric, scope: Scope, chips: np.ndarray) -> np.ndarray:
    return chips.copy() if scope.ordered else ring_order(fabric, chips)


def _ring_notes(fabric: Fabric, ring: np.ndarray, both_ways: bool) -> list[str]:
    """What the ring's embedding costs, where some step is more than one hop."""
    if len(ring) < 3 or fabric.chip_coords is None:
        return []
    hops = fabric.routes(ring, np.roll(ring, -1)).hops
    long_steps = int((hops > 1).sum())
    if not long_steps:
        return []
    verb = "takes" if long_steps == 1 else "take"
    what = f"{long_steps} of the ring's {len(ring)} steps {verb} up to {int(hops.max())} hops"
    block = compressed_block(fabric, ring)
    rows, cols = block[0].shape if block is not None else (0, 0)
    if block is not None and rows % 2 and cols % 2 and min(rows, cols) > 1:
        why = (f"a {rows}x{cols} mesh has no Hamiltonian cycle (it is bipartite, with {(rows * cols + 1) // 2} and "
               f"{rows * cols // 2} chips of the two colours), so one step goes two hops and pays a hop's latency "
               f"more")
        if both_ways:
            why += (", laid straight across a chip the ring crosses the other way, so the reverse ring needs none "
                    "of its links" if rows * cols > 9 else "; on a 3x3 mesh it shares a link with the reverse ring")
    elif block is not None and min(rows, cols) == 1:
        why = "a line without wraparound has no ring of one-hop steps: folded, each link carries one step"
    else:
        why = "the chips do not fill a rectangle of the chip grid, so the ring visits them row by row"
    return [f"{what}: {why}"]


def _block(fabric: Fabric, chips: np.ndarray) -> np.ndarray:
    block = compressed_block(fabric, chips)
    if block is None:
        raise NotApplicable("2d needs the chips to fill a rectangle of the chip grid")
    grid = block[0]
    if grid.shape[0] < 2 or grid.shape[1] < 2:
        raise NotApplicable(f"2d needs at least 2 rows and 2 columns of chips "
                            f"(these are {grid.shape[0]}x{grid.shape[1]})")
    return grid


def _levels(fabric: Fabric, chips: np.ndarray) -> list[list[np.ndarray]]:
    """Groups per level, bottom up (tiles; same-rank chips across a cabinet's tiles; across cabinets).
    Every group of a level has the same size, at least 2; levels of size 1 are left out."""
    if fabric.chip_paths is None:
        raise NotApplicable("hierarchical needs the design's tiles and cabinets")
    paths = [fabric.chip_paths[c] for c in chips]
    levels: list[list[np.ndarray]] = []
    rank: dict[int, tuple[int, ...]] = {int(c): () for c in chips}
    for depth, what in ((2, "tile"), (1, "cabinet"), (0, "room")):
        groups: dict[tuple[object, ...], list[int]] = {}
        for c, p in zip(chips.tolist(), paths):
            groups.setdefault((tuple(p[:depth]), rank[c]), []).append(c)
        members = [np.array(g, np.int64) for g in groups.values()]
        sizes = {len(m) for m in members}
        if len(sizes) != 1:
            raise NotApplicable(f"hierarchical needs every {what} of the scope to hold the same number of chips "
                                f"(here {', '.join(str(s) for s in sorted(sizes))})")
        ordered = [ring_order(fabric, m) for m in members]
        for order in ordered:
            for pos, c in enumerate(order.tolist()):
                rank[c] = rank[c] + (pos,)
        if sizes.pop() >= 2:
            levels.append(ordered)
    if len(levels) < 2:
        raise NotApplicable("hierarchical needs chips in at least two tiles or two cabinets")
    return levels


# --------------------------------------------------------------------------- the collectives
def build_schedule(fabric: Fabric, collective: str, algorithm: str, size_bytes: float, scope: Scope, chunks: int = 1,
                   root: int | None = None, routing: str = "mesh") -> Schedule:
    """The schedule of ``collective`` by ``algorithm`` (not "auto") over ``scope`` (every group of it at
    once), its transfers routed by ``routing`` (:data:`dojo_gui.fabric.routing.ROUTINGS`)."""
    if algorithm not in SUPPORTED[collective]:
        raise CollectiveError(f"{collective} supports {', '.join(SUPPORTED[collective])}, not {algorithm}")
    if chunks < 1:
        raise CollectiveError("chunks must be at least 1")
    groups = scope.members()
    n = len(groups[0])
    if n < 2:
        raise CollectiveError(f"{collective} needs at least two chips (the scope has {n})")
    S = float(size_bytes)
    plan = Plan(fabric, scope.chips, chunks, routing)
    entry = plan.start()
    if collective in ("allreduce", "reducescatter", "allgather"):
        reduce = collective in ("allreduce", "reducescatter")
        gather = collective in ("allreduce", "allgather")
        if algorithm in ("ring", "bidirectional-ring"):
            both = algorithm == "bidirectional-ring"
            steps = (n - 1) * (int(reduce) + int(gather))
            rings = [g.copy() for g in groups] if scope.ordered else ring_orders(fabric, groups)
            plan.notes += _ring_notes(fabric, rings[0], both)
            plan.ring_phase(rings, steps, S / n / (2 if both else 1), entry, collective, both)
        elif algorithm == "2d":
            blocks = [_block(fabric, g) for g in groups]
            if len({b.shape for b in blocks}) != 1:
                raise NotApplicable("2d needs every group to be a block of the same shape")
            y, x = blocks[0].shape
            rows = [ring_order(fabric, b[i]) for b in blocks for i in range(y)]
            cols = [ring_order(fabric, b[:, j]) for b in blocks for j in range(x)]
            if collective == "allreduce":
                e = plan.ring_phase(rows, x - 1, S / x, entry, "reduce-scatter rows")
                e = plan.ring_phase(cols, 2 * (y - 1), S / n, e, "all-reduce columns")
                plan.ring_phase(rows, x - 1, S / x, e, "all-gather rows")
            elif collective == "reducescatter":
                e = plan.ring_phase(rows, x - 1, S / x, entry, "reduce-scatter rows")
                plan.ring_phase(cols, y - 1, S / n, e, "reduce-scatter columns")
            else:
                e = plan.ring_phase(cols, y - 1, S / n, entry, "all-gather columns")
                plan.ring_phase(rows, x - 1, S / x, e, "all-gather rows")
        elif algorithm == "hierarchical":
            per_group = [_levels(fabric, g) for g in groups]
            shapes = {tuple(len(level[0]) for level in lv) for lv in per_group}
            if len(shapes) != 1:
                raise NotApplicable("hierarchical needs every group to have the same tiles and cabinets")
            levels = [[ring for lv in per_group for ring in lv[i]] for i in range(len(per_group[0]))]
            sizes = list(shapes.pop())
            data = [S / float(np.prod(sizes[:i])) for i in range(len(sizes))]  # what enters each level
            e = entry
            top = len(levels) - 1
            if reduce:
                for i, level in enumerate(levels):
                    if collective == "allreduce" and i == top:
                        e = plan.ring_phase(level, 2 * (sizes[i] - 1), data[i] / sizes[i], e,
                                            f"all-reduce level {i + 1}")
                    else:
                        e = plan.ring_phase(level, sizes[i] - 1, data[i] / sizes[i], e,
                                            f"reduce-scatter level {i + 1}")
            if gather:
                for i in range(top, -1, -1):
                    if collective == "allreduce" and i == top:
                        continue
                    e = plan.ring_phase(levels[i], sizes[i] - 1, data[i] / sizes[i], e, f"all-gather level {i + 1}")
        else:  # direct
            if reduce:
                entry = plan.direct_phase(groups, S / n, entry, "reduce-scatter")
            if gather:
                plan.direct_phase(groups, S / n, entry, "all-gather")
    elif collective == "alltoall":
        if algorithm == "2d":
            blocks = [_block(fabric, g) for g in groups]
            if len({b.shape for b in blocks}) != 1:
                raise NotApplicable("2d needs every group to be a block of the same shape")
            y, x = blocks[0].shape
            # A chip forwards what its row sent to its column once all of it has arrived (store and forward).
            e = plan.direct_phase([b[i] for b in blocks for i in range(y)], S / n * y, entry, "all-to-all rows")
            plan.direct_phase([b[:, j] for b in blocks for j in range(x)], S / n * x, e, "all-to-all columns")
        else:
            plan.direct_phase(groups, S / n, entry, "all-to-all")
    elif collective == "p2p":
        plan.send_phase([int(g[0]) for g in groups], [int(g[-1]) for g in groups], S, entry, "send")
    else:  # broadcast
        if root is not None and root not in set(scope.chips.tolist()):
            raise CollectiveError("the broadcast root must be one of the scope's chips")
        roots = [int(root) if root is not None and root in set(g.tolist()) else int(g[0]) for g in groups]
        if algorithm == "ring":
            plan.chain_phase([chain_from(_ring(fabric, scope, g), r) for g, r in zip(groups, roots)], S, entry,
                             "broadcast")
        elif algorithm == "bidirectional-ring":
            chains = []
            for g, r in zip(groups, roots):
                order = chain_from(_ring(fabric, scope, g), r)
                half = n // 2
                chains += [order[: half + 1], np.concatenate([[r], order[half + 1:][::-1]])]
            plan.chain_phase(chains, S, entry, "broadcast")
        elif algorithm == "2d":
            row_chains, col_chains = [], []
            for g, r in zip(groups, roots):
                grid = _block(fabric, g)
                i = int(np.argwhere(grid == r)[0][0])
                row_chains.append(chain_from(ring_order(fabric, grid[i]), r))
                col_chains += [chain_from(ring_order(fabric, grid[:, j]), grid[i, j]) for j in range(grid.shape[1])]
            plan.chain_phase(row_chains, S, entry, "broadcast row")
            plan.chain_phase(col_chains, S, plan.so_far(), "broadcast columns")
        elif algorithm == "hierarchical":
            per_group = [_levels(fabric, g) for g in groups]
            informed = set(roots)
            for i in range(len(per_group[0]) - 1, -1, -1):
                chains = []
                for lv in per_group:
                    for group in lv[i]:
                        heads = [c for c in group.tolist() if c in informed]
                        if heads:
                            chains.append(chain_from(group, heads[0]))
                plan.chain_phase(chains, S, plan.so_far(), f"broadcast level {i + 1}")
                for chain in chains:
                    informed.update(chain.tolist())
        else:  # direct
            src = np.concatenate([np.full(len(g) - 1, r) for g, r in zip(groups, roots)])
            dst = np.concatenate([g[g != r] for g, r in zip(groups, roots)])
            plan.send_phase(src, dst, S, entry, "broadcast")
    return plan.build()
