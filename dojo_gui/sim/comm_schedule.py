"""A collective as a compact program of steps of transfers with dependencies.

A :class:`Pattern` is a set of chip-to-chip transfers that go together (one ring step over
every ring at once, say), each with its route.  A :class:`Step` sends ``nbytes`` on every
transfer of a pattern.  Steps are kept in program order and share patterns, so a ring
all-reduce over N chips is 2(N-1) small step records over one pattern, not 2N(N-1)
transfer records.

A transfer of step q from chip x may begin when (the engines' rules):

1. data: every transfer of each step listed in ``q.data_from`` that delivers *to x* has
   arrived (a chip forwards what it has received);
2. route: the previous transfer on the same route, in program order, has sent its last byte
   (a chip sends its messages down one path one after another);
3. message engine: x's previous transfer, in program order, has finished its overhead (a chip
   spends its per-message overhead on one message at a time, so a chip sending k messages pays
   k overheads one after another: LogP's o; with no overhead, as with latency left out, there
   is no such wait);
4. in flight: x's transfer k before it in program order has sent its last byte, where k is the
   chip's ``max_messages_in_flight`` (no such wait when it is 0).

It then spends the source chip's per-message overhead, sends its bytes at the rate max-min
fairness gives it on its route's links (the first of which is the chip's injection link where
its injection bandwidth is below its links', see :mod:`dojo_gui.fabric.fabric`), and arrives
when its last byte has crossed the route: the per-hop latencies after it was sent.
Uncontended, that is alpha + bytes / B with alpha = overhead + hops x hop latency, the
alpha-beta model of ``docs/design.md`` §3 Communication.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..fabric.fabric import Fabric
from ..fabric.routeset import RouteSet


@dataclass(eq=False)
class Pattern:
    """Transfers ``src[i] -> dst[i]`` along route ``route[i]`` of the schedule's route set."""

    src: np.ndarray
    dst: np.ndarray
    route: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def size(self) -> int:
        return len(self.src)


@dataclass(eq=False)
class Step:
    pattern: Pattern
    nbytes: float  # per transfer
    data_from: tuple[int, ...] = ()
    phase: str = ""


@dataclass
class Schedule:
    fabric: Fabric
    chips: np.ndarray  # the chips taking part, in scope order
    routes: RouteSet
    steps: list[Step]
    notes: list[str] = field(default_factory=list)  # how the algorithm was laid out, where it is worth saying

    @property
    def n_transfers(self) -> int:
        return sum(s.pattern.size for s in self.steps)

    @property
    def total_bytes(self) -> float:
        return float(sum(s.pattern.size * s.nbytes for s in self.steps))

    def patterns(self) -> list[Pattern]:
        seen: dict[int, Pattern] = {}
        for s in self.steps:
            seen.setdefault(id(s.pattern), s.pattern)
        return list(seen.values())


class ScheduleBuilder:
    """Collects patterns and steps; routes every distinct (src, dst) pair once at :meth:`build`."""

    def __init__(self, fabric: Fabric, chips: Sequence[int] | np.ndarray, routing: str = "mesh") -> None:
        self.fabric = fabric
        self.chips = np.asarray(chips, np.int64)
        self.routing = routing  # how transfers find their way (dojo_gui.fabric.routing.ROUTINGS)
        self.steps: list[Step] = []
        self._patterns: list[Pattern] = []

    def pattern(self, src: Sequence[int] | np.ndarray, dst: Sequence[int] | np.ndarray) -> Pattern:
        src = np.asarray(src, np.int64).ravel()
        dst = np.asarray(dst, np.int64).ravel()
        if src.shape != dst.shape:
            raise ValueError("a pattern needs as many destinations as sources")
        if (src == dst).any():
            raise ValueError("a transfer cannot go from a chip to itself")
        p = Pattern(src, dst)
        self._patterns.append(p)
        return p

    def step(self, pattern: Pattern, nbytes: float, data_from: Sequence[int] = (), phase: str = "") -> int:
        if nbytes < 0:
            raise ValueError("a transfer cannot carry a negative number of bytes")
        for p in data_from:
            if not 0 <= p < len(self.steps):
                raise ValueError(f"step {len(self.steps)} depends on step {p}, which does not come before it")
        if not pattern.size:
            raise ValueError("a step needs at least one transfer")
        self.steps.append(Step(pattern, float(nbytes), tuple(sorted(set(data_from))), phase))
        return len(self.steps) - 1

    def add_steps(self, steps: list[Step]) -> None:
        """Steps whose dependencies are known to be earlier steps, sorted and without repeats (a
        plan's own): added without :meth:`step`'s checks, which cost more than the step itself when
        there are 60,000 of them."""
        if any(s.nbytes < 0 for s in steps):
            raise ValueError("a transfer cannot carry a negative number of bytes")
        self.steps.extend(steps)

    def build(self) -> Schedule:
        n = self.fabric.n_nodes
        keys = [p.src * n + p.dst for p in self._patterns]
        unique: np.ndarray = np.unique(np.concatenate(keys)) if keys else np.zeros(0, np.int64)
        routes = self.fabric.routes(unique // n, unique % n, self.routing)
        for p, key in zip(self._patterns, keys):
            p.route = np.searchsorted(unique, key)
        return Schedule(self.fabric, self.chips, routes, self.steps)
