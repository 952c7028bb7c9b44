"""Collectives expanded into schedules: which chip sends what to whom, step by step.

Collectives (nccl-tests names): ``allreduce``, ``reducescatter``, ``allgather``,
``alltoall``, ``broadcast``, ``p2p``.  ``size_bytes`` is S, the whole buffer: the vector
being reduced, the gathered result, each chip's all-to-all buffer, the broadcast message.

Algorithms:

- ``ring``: one ring over the chips (embedded as :func:`~dojo_gui.fabric.embed.ring_order`
  says); all-reduce is reduce-scatter then all-gather, 2(N-1) steps of S/N.
- ``bidirectional-ring``: two counter-rotating rings, each with half the data.
- ``2d``: the chips as an X x Y block: reduce-scatter along rows, all-reduce along
  columns, all-gather along rows (each row and column a ring).
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
piece c of the step before: a pipeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..fabric.embed import chain_from, compressed_block, ring_order
from ..fabric.fabric import Fabric
from ..model.design import Design, DesignError, parse_path
from .comm_engine import MAX_MAXMIN_TRANSFERS, TooLarge
from .comm_schedule import Schedule, ScheduleBuilder

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
    "alltoall": ("direct",), "p2p": ("direct",),
}


class CollectiveError(ValueError):
    """A collective, algorithm or scope that cannot be run as asked; the message says why."""


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


# --------------------------------------------------------------------------- scope
@dataclass
class Scope:
    chips: np.ndarray  # fabric chip indices, in scope order
    description: str
    ordered: bool = False  # the user listed the chips: rings and chains follow that order


SCOPE_HELP = ("room (every chip, the default); cabinet:PATH; tile:PATH; chips:PATH,PATH,... "
              "PATH is a part path as dojo-gui prints it, with or without the leading 'room.', e.g. "
              "cabinet:cabinet[0,3]  tile:cabinet[0,3].tile[1,2]  "
              "chips:cabinet[0,0].tile[0,0].chip[0,0],cabinet[0,0].tile[0,0].chip[0,1]; "
              "a cabinet may also be named (cabinet:C04). Listed chips are visited in the order given.")

_LEVEL_DEPTH = {"cabinet": 1, "tile": 2, "chip": 3}


def _split_paths(text: str) -> list[str]:
    """Split on commas that are not inside [...]."""
    return [p.strip() for p in re.split(r",(?![^\[]*\])", text) if p.strip()]


def _parse_part_path(text: str, level: str, scope_text: str):
    full = text if text.startswith("room") else "room." + text
    try:
        path = parse_path(full)
    except DesignError as exc:
        raise CollectiveError(f"scope {scope_text!r}: {exc}") from None
    if len(path) != _LEVEL_DEPTH[level]:
        raise CollectiveError(f"scope {scope_text!r}: {text!r} is not a {level} path")
    return path


def resolve_scope(fabric: Fabric, scope, design: Design | None = None) -> Scope:
    """The chips a collective runs over.  ``scope``: None or "room"; "cabinet:PATH"; "tile:PATH";
    "chips:PATH,PATH,..."; a part path tuple; or a sequence of chip indices or chip paths."""
    n = fabric.n_chips
    if scope is None or (isinstance(scope, str) and scope.strip().lower() in ("", "room")):
        return Scope(np.arange(n, dtype=np.int64), "room")
    paths = fabric.chip_paths
    if isinstance(scope, str):
        text = scope.strip()
        kind, sep, rest = text.partition(":")
        kind = kind.strip().lower()
        if not sep or kind not in ("cabinet", "tile", "chips", "chip"):
            raise CollectiveError(f"scope {scope!r}: expected room, cabinet:PATH, tile:PATH or chips:PATH,PATH,...")
        if not rest.strip():
            raise CollectiveError(f"scope {scope!r}: says {kind} but names none")
        if paths is None:
            raise CollectiveError(f"scope {scope!r}: this fabric has no part paths; pass chip indices")
        if kind in ("chips", "chip"):
            index = {p: i for i, p in enumerate(paths)}
            chips = []
            for item in _split_paths(rest):
                path = _parse_part_path(item, "chip", scope)
                if path not in index:
                    raise CollectiveError(f"scope {scope!r}: there is no chip at {item!r}")
                chips.append(index[path])
            if len(set(chips)) != len(chips):
                raise CollectiveError(f"scope {scope!r}: a chip is listed twice")
            return Scope(np.array(chips, np.int64), "listed chips", ordered=True)
        name = rest.strip()
        if kind == "cabinet" and "[" not in name and design is not None:
            named = [p for p in design.room.children.values() if p.name == name]
            if not named:
                raise CollectiveError(f"scope {scope!r}: no cabinet is named {name!r}")
            path = named[0].path
        else:
            path = _parse_part_path(name, kind, scope)
        return _under(fabric, path, f"{kind} {name}", scope)
    if isinstance(scope, tuple) and scope and isinstance(scope[0], tuple):
        return _under(fabric, scope, "part", scope)
    items = list(scope)
    if all(isinstance(i, (int, np.integer)) for i in items):
        chips = np.asarray(items, np.int64)
        if len(chips) and (chips.min() < 0 or chips.max() >= n):
            raise CollectiveError(f"scope: chip indices go from 0 to {n - 1}")
        if len(np.unique(chips)) != len(chips):
            raise CollectiveError("scope: a chip is listed twice")
        return Scope(chips, "listed chips", ordered=True)
    if paths is None:
        raise CollectiveError("scope: this fabric has no part paths; pass chip indices")
    index = {p: i for i, p in enumerate(paths)}
    try:
        chips = np.array([index[tuple(p)] for p in items], np.int64)
    except KeyError as exc:
        raise CollectiveError(f"scope: there is no chip at {exc.args[0]}") from None
    return Scope(chips, "listed chips", ordered=True)


def _under(fabric: Fabric, path, label: str, scope_text) -> Scope:
    depth = len(path)
    chips = np.array([i for i, p in enumerate(fabric.chip_paths) if tuple(p[:depth]) == tuple(path)], np.int64)
    if not len(chips):
        raise CollectiveError(f"scope {scope_text!r}: no chips there (no such part, or it is empty)")
    return Scope(chips, label)


# --------------------------------------------------------------------------- building blocks
class _Plan:
    """Adds phases of steps to a schedule, C chunks per step."""

    def __init__(self, fabric: Fabric, chips: np.ndarray, chunks: int, routing: str = "mesh") -> None:
        self.fabric = fabric
        self.builder = ScheduleBuilder(fabric, chips, routing)
        self.chunks = chunks

    def start(self) -> list[list[int]]:
        return [[] for _ in range(self.chunks)]

    def ring_phase(self, rings: Sequence[np.ndarray], steps: int, nbytes: float, entry: list[list[int]],
                   phase: str, both_ways: bool = False) -> list[list[int]]:
        """``steps`` ring steps of ``nbytes`` per transfer over every ring at once."""
        rings = [r for r in rings if len(r) >= 2]
        if steps <= 0 or not rings:
            return entry
        src = np.concatenate(rings)
        dst = np.concatenate([np.roll(r, -1) for r in rings])
        if both_ways:
            src, dst = np.concatenate([src, np.concatenate(rings)]), np.concatenate(
                [dst, np.concatenate([np.roll(r, 1) for r in rings])])
        pattern = self.builder.pattern(src, dst)
        prev = entry
        for _ in range(steps):
            prev = [[self.builder.step(pattern, nbytes / self.chunks, prev[c], phase)] for c in range(self.chunks)]
        return prev

    def chain_phase(self, chains: Sequence[np.ndarray], nbytes: float, entry: list[list[int]], phase: str
                    ) -> list[list[int]]:
        """Every chain passes ``nbytes`` hop by hop from its first chip to its last."""
        chains = [c for c in chains if len(c) >= 2]
        if not chains:
            return entry
        longest = max(len(c) for c in chains)
        prev = entry
        for hop in range(longest - 1):
            live = [c for c in chains if len(c) > hop + 1]
            pattern = self.builder.pattern([c[hop] for c in live], [c[hop + 1] for c in live])
            prev = [[self.builder.step(pattern, nbytes / self.chunks, prev[c], phase)] for c in range(self.chunks)]
        return prev

    def direct_phase(self, groups: Sequence[np.ndarray], nbytes: float, entry: list[list[int]], phase: str
                     ) -> list[list[int]]:
        """Every chip of each group sends ``nbytes`` to every other chip of its group at once."""
        pairs = sum(len(g) * (len(g) - 1) for g in groups)
        if pairs * self.chunks > MAX_MAXMIN_TRANSFERS:
            raise TooLarge(f"{phase} directly between {sum(len(g) for g in groups):,} chips is {pairs:,} transfers at "
                           f"once, more than the {MAX_MAXMIN_TRANSFERS:,} the engine holds; choose a smaller scope")
        src_parts, dst_parts = [], []
        for g in groups:
            k = len(g)
            if k < 2:
                continue
            a = np.repeat(g, k)
            b = np.tile(g, k)
            keep = a != b
            src_parts.append(a[keep])
            dst_parts.append(b[keep])
        if not src_parts:
            return entry
        pattern = self.builder.pattern(np.concatenate(src_parts), np.concatenate(dst_parts))
        return [[self.builder.step(pattern, nbytes / self.chunks, entry[c], phase)] for c in range(self.chunks)]

    def fan_phase(self, root: int, targets: np.ndarray, nbytes: float, entry: list[list[int]], phase: str
                  ) -> list[list[int]]:
        targets = targets[targets != root]
        if not len(targets):
            return entry
        pattern = self.builder.pattern(np.full(len(targets), root), targets)
        return [[self.builder.step(pattern, nbytes / self.chunks, entry[c], phase)] for c in range(self.chunks)]

    def build(self) -> Schedule:
        return self.builder.build()


def _ring(fabric: Fabric, scope: Scope) -> np.ndarray:
    return scope.chips.copy() if scope.ordered else ring_order(fabric, scope.chips)


def _block(fabric: Fabric, scope: Scope) -> np.ndarray:
    block = compressed_block(fabric, scope.chips)
    if block is None:
        raise NotApplicable("2d needs the chips to fill a rectangle of the chip grid")
    grid = block[0]
    if grid.shape[0] < 2 or grid.shape[1] < 2:
        raise NotApplicable(f"2d needs at least 2 rows and 2 columns of chips (these are {grid.shape[0]}x{grid.shape[1]})")
    return grid


def _levels(fabric: Fabric, scope: Scope) -> list[list[np.ndarray]]:
    """Groups per level, bottom up (tiles; same-rank chips across a cabinet's tiles; across cabinets).
    Every group of a level has the same size, at least 2; levels of size 1 are left out."""
    if fabric.chip_paths is None:
        raise NotApplicable("hierarchical needs the design's tiles and cabinets")
    chips = scope.chips
    paths = [fabric.chip_paths[c] for c in chips]
    levels: list[list[np.ndarray]] = []
    rank: dict[int, tuple] = {int(c): () for c in chips}
    for depth, what in ((2, "tile"), (1, "cabinet"), (0, "room")):
        groups: dict[tuple, list[int]] = {}
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
    """The schedule of ``collective`` by ``algorithm`` (not "auto") over ``scope``, its transfers
    routed by ``routing`` (:data:`dojo_gui.fabric.routing.ROUTINGS`)."""
    if algorithm not in SUPPORTED[collective]:
        raise CollectiveError(f"{collective} supports {', '.join(SUPPORTED[collective])}, not {algorithm}")
    if chunks < 1:
        raise CollectiveError("chunks must be at least 1")
    n = len(scope.chips)
    if n < 2:
        raise CollectiveError(f"{collective} needs at least two chips (the scope has {n})")
    S = float(size_bytes)
    plan = _Plan(fabric, scope.chips, chunks, routing)
    entry = plan.start()
    if collective in ("allreduce", "reducescatter", "allgather"):
        reduce = collective in ("allreduce", "reducescatter")
        gather = collective in ("allreduce", "allgather")
        if algorithm in ("ring", "bidirectional-ring"):
            both = algorithm == "bidirectional-ring"
            steps = (n - 1) * (int(reduce) + int(gather))
            plan.ring_phase([_ring(fabric, scope)], steps, S / n / (2 if both else 1), entry, collective, both)
        elif algorithm == "2d":
            grid = _block(fabric, scope)
            y, x = grid.shape
            rows = [ring_order(fabric, grid[i]) for i in range(y)]
            cols = [ring_order(fabric, grid[:, j]) for j in range(x)]
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
            levels = _levels(fabric, scope)
            sizes = [len(level[0]) for level in levels]
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
                entry = plan.direct_phase([scope.chips], S / n, entry, "reduce-scatter")
            if gather:
                plan.direct_phase([scope.chips], S / n, entry, "all-gather")
    elif collective == "alltoall":
        plan.direct_phase([scope.chips], S / n, entry, "all-to-all")
    elif collective == "p2p":
        a, b = int(scope.chips[0]), int(scope.chips[-1])
        pattern = plan.builder.pattern([a], [b])
        for _ in range(chunks):
            plan.builder.step(pattern, S / chunks, (), "send")
    else:  # broadcast
        root = int(scope.chips[0]) if root is None else int(root)
        if root not in set(scope.chips.tolist()):
            raise CollectiveError("the broadcast root must be one of the scope's chips")
        if algorithm == "ring":
            plan.chain_phase([chain_from(_ring(fabric, scope), root)], S, entry, "broadcast")
        elif algorithm == "bidirectional-ring":
            order = chain_from(_ring(fabric, scope), root)
            half = (n - 1 + 1) // 2
            cw = order[: half + 1]
            ccw = np.concatenate([[root], order[half + 1:][::-1]])
            plan.chain_phase([cw, ccw], S, entry, "broadcast")
        elif algorithm == "2d":
            grid = _block(fabric, scope)
            r = int(np.argwhere(grid == root)[0][0])
            plan.chain_phase([chain_from(ring_order(fabric, grid[r]), root)], S, entry, "broadcast row")
            cols = [chain_from(ring_order(fabric, grid[:, j]), grid[r, j]) for j in range(grid.shape[1])]
            plan.chain_phase(cols, S, _so_far(plan), "broadcast columns")
        elif algorithm == "hierarchical":
            levels = _levels(fabric, scope)
            informed = {root}
            for i in range(len(levels) - 1, -1, -1):
                chains = []
                for group in levels[i]:
                    heads = [c for c in group.tolist() if c in informed]
                    if heads:
                        chains.append(chain_from(group, heads[0]))
                plan.chain_phase(chains, S, _so_far(plan), f"broadcast level {i + 1}")
                for chain in chains:
                    informed.update(chain.tolist())
        else:  # direct
            plan.fan_phase(root, scope.chips, S, entry, "broadcast")
    return plan.build()


def _so_far(plan: _Plan) -> list[list[int]]:
    """Entry for a phase whose transfers wait, chunk by chunk, for whatever reached their source so far
    (chain phases add their steps chunk by chunk, so step q carries chunk q mod C)."""
    chunks = plan.chunks
    return [list(range(c, len(plan.builder.steps), chunks)) for c in range(chunks)]
