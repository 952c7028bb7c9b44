"""A collective's phases as one chunk's chain of steps, laid out for every chunk as a pipeline.

A collective algorithm adds phases (ring steps over many rings at once, hops along chains,
transfers straight between every pair of a group) to a :class:`Plan`.  Each phase's steps
are recorded once, for one chunk, with the steps of that chunk they wait for.  :meth:`Plan.build`
then writes the steps of all ``chunks`` pieces into the schedule in *diagonal* order: step k
of chunk c comes at position (k + d c, c), so chunk c + 1 starts d steps behind chunk c, where d
is the length of the first phase (1 for a collective of one phase): chunk c + 1 enters the first
phase as chunk c leaves it.  A chunk's next phase starts as soon as its own previous phase ends,
and a route (or a chip) that serves two phases takes their messages in the order they can
go: with C chunks on a torus the row and column phases of the 2D all-reduce overlap, and the
whole runs at the pace of its busiest links (see tests/sim/test_comm_closed_forms.py).

Program order is what the engines' rules 2-4 follow (:mod:`dojo_gui.sim.comm_schedule`): a
route, and a chip's message engine, take their transfers in it.  Step-by-step order (every
chunk's step k before any chunk's step k+1) would make the second phase's step 1 wait behind
the first phase's last chunk on its routes, stalling the pipeline; a spacing of one step would
let a chip's message that waits for its data hold up, at its message engine, one of a busier
route that could go (on the 5x5 torus with 16 chunks and latency: 685 us against 562 us, the
busiest route's 557 us of messages).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..fabric.fabric import Fabric
from .comm_common import MAX_MAXMIN_TRANSFERS, TooLarge, refuse_staggered
from .comm_schedule import Pattern, Schedule, ScheduleBuilder, Step

Entry = list[int]  # steps of one chunk (indices into Plan.steps) that a phase waits for


class Plan:
    """Adds phases of steps for one chunk; :meth:`build` lays them out for every chunk."""

    def __init__(self, fabric: Fabric, chips: np.ndarray, chunks: int, routing: str = "mesh") -> None:
        self.fabric = fabric
        self.builder = ScheduleBuilder(fabric, chips, routing)
        self.chunks = chunks
        # One chunk's steps: (pattern, bytes per transfer of the whole message, waits for, phase).
        self.steps: list[tuple[Pattern, float, tuple[int, ...], str]] = []
        self.notes: list[str] = []  # what the result should say about how the algorithm was laid out

    def start(self) -> Entry:
        return []

    def so_far(self) -> Entry:
        """An entry that waits for every step added so far (of the same chunk)."""
        return list(range(len(self.steps)))

    def _step(self, pattern: Pattern, nbytes: float, entry: Entry, phase: str) -> Entry:
        self.steps.append((pattern, nbytes, tuple(entry), phase))
        return [len(self.steps) - 1]

    def ring_phase(self, rings: Sequence[np.ndarray], steps: int, nbytes: float, entry: Entry, phase: str,
                   both_ways: bool = False) -> Entry:
        """``steps`` ring steps of ``nbytes`` per transfer over every ring at once."""
        rings = [r for r in rings if len(r) >= 2]
        if steps <= 0 or not rings:
            return entry
        if len({len(r) for r in rings}) == 1:  # many rings of one size (groups, rows): all at once
            block = np.vstack(rings)
            src, dst, back = block.ravel(), np.roll(block, -1, axis=1).ravel(), np.roll(block, 1, axis=1).ravel()
        else:
            src = np.concatenate(rings)
            dst = np.concatenate([np.roll(r, -1) for r in rings])
            back = np.concatenate([np.roll(r, 1) for r in rings])
        if both_ways:
            src, dst = np.concatenate([src, src]), np.concatenate([dst, back])
        pattern = self.builder.pattern(src, dst)
        prev = entry
        for _ in range(steps):
            prev = self._step(pattern, nbytes, prev, phase)
        return prev

    def chain_phase(self, chains: Sequence[np.ndarray], nbytes: float, entry: Entry, phase: str) -> Entry:
        """Every chain passes ``nbytes`` hop by hop from its first chip to its last."""
        chains = [c for c in chains if len(c) >= 2]
        if not chains:
            return entry
        longest = max(len(c) for c in chains)
        prev = entry
        for hop in range(longest - 1):
            live = [c for c in chains if len(c) > hop + 1]
            pattern = self.builder.pattern([c[hop] for c in live], [c[hop + 1] for c in live])
            prev = self._step(pattern, nbytes, prev, phase)
        return prev

    def direct_phase(self, groups: Sequence[np.ndarray], nbytes: float, entry: Entry, phase: str) -> Entry:
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
            # Each chip sends to the chips after it in the group first, then round to those before:
            # the first messages of all chips go to different chips, not all to the group's first.
            offsets = np.arange(1, k)
            a = np.repeat(np.arange(k), k - 1)
            b = (a + np.tile(offsets, k)) % k
            src_parts.append(np.asarray(g)[a])
            dst_parts.append(np.asarray(g)[b])
        if not src_parts:
            return entry
        pattern = self.builder.pattern(np.concatenate(src_parts), np.concatenate(dst_parts))
        return self._step(pattern, nbytes, entry, phase)

    def send_phase(self, src: Sequence[int] | np.ndarray, dst: Sequence[int] | np.ndarray, nbytes: float,
                   entry: Entry, phase: str) -> Entry:
        """One step: ``src[i]`` sends ``nbytes`` to ``dst[i]``."""
        return self._step(self.builder.pattern(src, dst), nbytes, entry, phase)

    def build(self) -> Schedule:
        """Every chunk's copy of the steps, in diagonal order, each carrying 1/chunks of its bytes."""
        C, K = self.chunks, len(self.steps)
        # Refuse, before routing, what the max-min engine would refuse (each chunk repeats every step).
        refuse_staggered(self.fabric, [pattern for pattern, _, _, _ in self.steps] * C)
        if C == 1:  # one chunk: the steps as recorded (their dependencies point back, by construction)
            self.builder.add_steps([Step(pattern, nbytes, deps, phase) for pattern, nbytes, deps, phase in self.steps])
        else:
            first = 1
            while first < K and self.steps[first][0] is self.steps[0][0]:
                first += 1
            spacing = first if first < K else 1
            index: dict[tuple[int, int], int] = {}
            for _, c, k in sorted((k + spacing * c, c, k) for c in range(C) for k in range(K)):
                pattern, nbytes, deps, phase = self.steps[k]
                index[(c, k)] = self.builder.step(pattern, nbytes / C, [index[(c, d)] for d in deps], phase)
        sched = self.builder.build()
        sched.notes = list(self.notes)
        return sched
