"""What the communication engines share: their result, their errors, what they need of a pattern,
and how they report progress.  The engines themselves: :mod:`.comm_exclusive` (exclusive links)
and :mod:`.comm_maxmin_run` (max-min); :mod:`.comm_engine` chooses between them."""

from __future__ import annotations

import time as _time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..fabric.fabric import Fabric
from ..fabric.routeset import MAX_EXPANDED_HOPS, expand
from .comm_schedule import Pattern, Schedule

# The max-min engine keeps a record of every transfer; above this many it refuses (a clear
# error beats exhausting memory).  The exclusive-link engine has no such limit.
MAX_MAXMIN_TRANSFERS = 2_000_000
# Rule 4 (messages in flight) ties a message's start to an earlier message's end.  Where a step gives
# a chip more messages than it can have in flight, the rest start one by one as earlier ones leave,
# each chip on its own clock unless the chips are alike: each such *staggered* message may be an
# event of its own, and each event recomputes the rates of the transfers sending with it.  Above this
# much work (staggered messages x the transfers sending at once, summed over steps) the max-min
# engine refuses with its estimate rather than run for an hour.  Measured (CPU time): an all-to-all
# over 100 chips of a Dojo cabinet's mesh, 2.2e7, about 40 s; a direct all-reduce over the 72 GPUs
# of an NVL72, alike behind their switches, 1.3e7, 2 s; over the whole 300-chip cabinet it is
# 7.7e8 (299 messages a chip, 32 in flight), about an hour.
MAX_STAGGERED_WORK = 5e7
# Events closer together than this fraction of the time are one event (they differ by rounding only).
SNAP = 1e-12
DEFAULT_BINS = 256
# Patterns crossing more links than this in all (counting each transfer's hops) are not listed hop by hop.
MAX_LISTED_HOPS = MAX_EXPANDED_HOPS
# Timeline entries gathered before they are added to the bins at once.
BATCH_ENTRIES = 2_000_000
# Transfers sent alone gathered before what they carried is recorded on their links at once.
ALONE_BATCH = 20_000
# ... and what they carried is recorded hop by hop, this many hops at a time at most.
ALONE_HOPS = 2_000_000


class Cancelled(Exception):
    """``should_stop()`` returned True; ``partial`` holds what was simulated until then."""

    def __init__(self, partial: object) -> None:
        super().__init__("simulation cancelled")
        self.partial = partial


class TooLarge(ValueError):
    """A schedule the engine will not run within its memory limits."""


@dataclass
class EngineResult:
    time_s: float
    chip_finish_s: np.ndarray  # per fabric chip; 0 for chips that did nothing
    link_bytes: np.ndarray  # per directed link
    link_saturated_s: np.ndarray  # time each link was the bottleneck of some transfer
    link_peak_flows: np.ndarray  # most transfers on the link at once
    timeline_edges_s: np.ndarray  # bin edges, n_bins + 1
    timeline_bytes: np.ndarray  # (n_bins, n_links) bytes carried in each bin, float32
    mode: str  # "exclusive-links" or "max-min"
    events: int  # rounds of the event loop (max-min: each takes the next event of every independent group),
    # or steps computed (exclusive)
    uniform_steps: int  # steps computed as one number (exclusive mode)
    transfers: int
    complete: bool = True


class PatternInfo:
    """What the engine needs of a pattern, computed once however many steps use it."""

    def __init__(self, p: Pattern, sched: Schedule, latency: bool) -> None:
        fabric, routes = sched.fabric, sched.routes
        self.pattern = p
        self.overhead = fabric.chip_overhead_s[p.src] if latency else np.zeros(p.size)
        self.latency = routes.latency_s[p.route] if latency else np.zeros(p.size)
        self.bw = routes.bottleneck_Bps[p.route]
        self._routes = routes
        self._capacity, self._place_link = fabric.link_capacity_Bps, fabric.place_link
        self.uniform = bool(np.all(self.overhead == self.overhead[0]) and np.all(self.latency == self.latency[0])
                            and np.all(self.bw == self.bw[0]))
        self.overhead0, self.latency0, self.bw0 = float(self.overhead[0]), float(self.latency[0]), float(self.bw[0])
        self.alpha_max = float((self.overhead + self.latency).max())
        self.bw_min = float(self.bw.min())
        self.dst_unique = len(np.unique(p.dst)) == p.size
        # Rule 3 holds for transfers whose chip spends an overhead on them.
        self.serial = self.overhead > 0
        self.serial_none = not self.serial.any()
        # Each transfer's place among its source chip's transfers of the pattern (rule 3 takes them in order).
        order = np.argsort(p.src, kind="stable")
        first = np.searchsorted(p.src[order], p.src[order])
        self.src_rank = np.empty(p.size, np.int64)
        self.src_rank[order] = np.arange(p.size) - first
        self.max_rank = int(self.src_rank.max(initial=0))
        self.rank_members = [np.flatnonzero(self.src_rank == r) for r in range(self.max_rank + 1)] \
            if self.max_rank else [np.arange(p.size)]
        self._incidence: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    # The transfers' links one by one, listed on first use: for the exclusive-links engine and the timeline
    # of its steps (no link on two routes there, so a pattern's hops are no more than the fabric's links) and
    # the relaxed floor; the max-min engine works on the routes' runs instead.
    @property
    def inc_owner(self) -> np.ndarray:
        """The transfer of every entry of :attr:`inc_link`."""
        return self._incidence_arrays()[0]

    @property
    def inc_link(self) -> np.ndarray:
        """Every transfer's links, end to end."""
        return self._incidence_arrays()[1]

    @property
    def sat_mask(self) -> np.ndarray:
        """Which entries of :attr:`inc_link` limit their transfer (capacity no more than its bottleneck)."""
        return self._incidence_arrays()[2]

    def _incidence_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._incidence is None:
            p, routes = self.pattern, self._routes
            hops = routes.hops[p.route]
            total = int(hops.sum())
            if total > MAX_LISTED_HOPS:
                raise TooLarge(f"these {p.size:,} transfers cross {total:,} links in all, more than the "
                               f"{MAX_LISTED_HOPS:,} the engine lists one by one in memory; choose another "
                               f"algorithm or a smaller scope")
            owner = np.repeat(np.arange(p.size), hops)
            _, lo, hi = routes.runs_of(p.route)
            link = self._place_link[expand(lo, hi)]
            sat = self._capacity[link] <= self.bw[owner]
            self._incidence = (owner, link, sat)
        return self._incidence



def staggered_work(fabric: Fabric, patterns: Sequence[Pattern]) -> tuple[float, int, int, int]:
    """(work, staggered messages, most transfers sending at once, most messages of a chip in a step)
    of steps of ``patterns`` (one a step) as :data:`MAX_STAGGERED_WORK` counts them (routes are not
    needed)."""
    limit = fabric.chip_max_in_flight
    seen: dict[int, tuple[int, int, int]] = {}
    work, staggered_all, sending_max, per_chip_max = 0.0, 0, 0, 0
    for pattern in patterns:
        key = id(pattern)
        if key not in seen:
            counts = np.bincount(pattern.src)
            chips = np.flatnonzero(counts)
            m = counts[chips]
            window = np.where(limit[chips] > 0, limit[chips], m)
            seen[key] = (int(np.maximum(m - window, 0).sum()), int(np.minimum(m, window).sum()), int(m.max()))
        staggered, sending, most = seen[key]
        if staggered:
            work += float(staggered) * sending
            staggered_all += staggered
            sending_max = max(sending_max, sending)
            per_chip_max = max(per_chip_max, most)
    return work, staggered_all, sending_max, per_chip_max


def refuse_staggered(fabric: Fabric, patterns: Sequence[Pattern]) -> None:
    """Raise :class:`TooLarge` if steps of ``patterns`` are more work than :data:`MAX_STAGGERED_WORK`."""
    work, staggered, sending, most = staggered_work(fabric, patterns)
    if work > MAX_STAGGERED_WORK:
        limit = int(fabric.chip_max_in_flight.max())
        raise TooLarge(f"a chip sends up to {most:,} messages in a step and can have {limit:,} in flight, so "
                       f"{staggered:,} messages here start only as earlier ones leave, each chip on its own "
                       f"clock: about {staggered:,} events, each recomputing the rates of up to {sending:,} "
                       f"transfers sending at once (an estimated {work:.1e} of work, more than the "
                       f"{MAX_STAGGERED_WORK:.0e} the max-min engine takes on: minutes to hours); choose a "
                       f"smaller scope or another algorithm")


def needs_max_min(sched: Schedule, latency: bool = True) -> bool:
    """Whether running ``sched`` takes the max-min engine (some link is on two routes)."""
    return not exclusive_links(sched, pattern_infos(sched, latency))


def pattern_infos(sched: Schedule, latency: bool) -> dict[int, PatternInfo]:
    return {id(p): PatternInfo(p, sched, latency) for p in sched.patterns()}


def exclusive_links(sched: Schedule, infos: dict[int, PatternInfo]) -> bool:
    """True when no directed link is on two different routes, no step uses a route twice, and no chip
    uses more routes than it can have messages in flight (so rule 4 of :mod:`.comm_schedule` cannot
    hold a transfer back: a route has one message in flight at a time)."""
    used_routes = []
    for info in infos.values():
        r = info.pattern.route
        if len(np.unique(r)) != len(r):
            return False
        used_routes.append(r)
    if not used_routes:
        return True
    routes = np.unique(np.concatenate(used_routes))
    limit = sched.fabric.chip_max_in_flight
    if (limit > 0).any():
        src = np.concatenate([info.pattern.src for info in infos.values()])
        route = np.concatenate([info.pattern.route for info in infos.values()])
        pairs = np.unique(src * (sched.routes.n + 1) + route)
        per_chip = np.bincount(pairs // (sched.routes.n + 1), minlength=sched.fabric.n_nodes)[:sched.fabric.n_chips]
        if ((limit > 0) & (per_chip > limit)).any():
            return False
    # Each link crossed by at most one route, once.
    return bool(sched.routes.link_counts(routes).max(initial=0.0) <= 1)



ProgressFn = Callable[[float], None]
StopFn = Callable[[], bool]


class Pacer:
    """Calls progress and should_stop now and then (about every 50 ms), not on every step."""

    def __init__(self, progress: ProgressFn | None, should_stop: StopFn | None) -> None:
        self.progress, self.should_stop = progress, should_stop
        self.next_check = _time.monotonic() + 0.05

    def due(self) -> bool:
        if (self.progress is None and self.should_stop is None) or _time.monotonic() < self.next_check:
            return False
        self.next_check = _time.monotonic() + 0.05
        return True

    def report(self, fraction: float) -> bool:
        """Report progress; True if the run should stop."""
        if self.progress is not None:
            self.progress(min(max(fraction, 0.0), 1.0))
        return bool(self.should_stop is not None and self.should_stop())

