"""The flow-level engine: runs a :class:`~dojo_gui.sim.comm_schedule.Schedule` on its fabric.

Two ways to run, chosen per schedule, with the same answer where both apply:

*Exclusive links* — when no directed link is used by two different routes of the schedule.
Transfers on one route leave one after another (rule 2 of the schedule), so no two transfers
ever share a link at the same time, every transfer runs at its route's slowest link, and a
transfer's arrival is ``ready + overhead + bytes / bottleneck + route latency``: the schedule
is a longest-path computation over its steps, done step by step with numpy.  A step whose transfers all
become ready at one instant and are all alike (same latency, same bottleneck) finishes at
one instant, and is carried as that one number: a ring's 2(N-1) identical steps cost a few
scalar operations each, and their link statistics are summed per pattern, not per step.
Nothing is assumed: uniformity is checked for every step from its inputs.

*Max-min* — otherwise.  Event-driven: transfers become ready as their dependencies are met,
wait their source's per-message overhead, then send, sharing links by max-min fairness
(progressive filling, :mod:`dojo_gui.sim.maxmin`); the last byte arrives the route's
latency after it left.  Time advances to the next start, last byte sent, or arrival, and
rates are recomputed whenever the set of sending transfers changes.

Both record bytes per link, how long each link was the bottleneck of some transfer, the most
transfers a link carried at once, and a per-link timeline of bytes in time bins (the bins
double in width whenever the run outgrows them, so their number stays fixed).
"""

from __future__ import annotations

import time as _time
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .comm_schedule import Pattern, Schedule
from .maxmin import max_min_rates

# The max-min engine keeps a record of every transfer; above this many it refuses (a clear
# error beats exhausting memory).  The exclusive-link engine has no such limit.
MAX_MAXMIN_TRANSFERS = 2_000_000
# ... and the route entries of the transfers that are active at once.
MAX_ACTIVE_HOPS = 40_000_000
# Transfers finishing within this fraction of their bytes of one another finish together.
FINISH_TOLERANCE = 1e-9
DEFAULT_BINS = 256


class Cancelled(Exception):
    """``should_stop()`` returned True; ``partial`` holds what was simulated until then."""

    def __init__(self, partial) -> None:
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
    events: int  # time advances (max-min) or steps computed (exclusive)
    uniform_steps: int  # steps computed as one number (exclusive mode)
    transfers: int
    complete: bool = True


# --------------------------------------------------------------------------- per-pattern figures
class _PatternInfo:
    """What the engine needs of a pattern, computed once however many steps use it."""

    def __init__(self, p: Pattern, sched: Schedule, latency: bool) -> None:
        fabric, routes = sched.fabric, sched.routes
        self.pattern = p
        self.overhead = fabric.chip_overhead_s[p.src] if latency else np.zeros(p.size)
        self.latency = routes.latency_s[p.route] if latency else np.zeros(p.size)
        self.bw = routes.bottleneck_Bps[p.route]
        hops = routes.hops[p.route]
        self.inc_owner = np.repeat(np.arange(p.size), hops)
        starts = routes.indptr[p.route]
        self.inc_link = routes.links[np.repeat(starts, hops) + (np.arange(int(hops.sum())) - np.repeat(
            np.cumsum(hops) - hops, hops))]
        self.uniform = bool(np.all(self.overhead == self.overhead[0]) and np.all(self.latency == self.latency[0])
                            and np.all(self.bw == self.bw[0]))
        self.overhead0, self.latency0, self.bw0 = float(self.overhead[0]), float(self.latency[0]), float(self.bw[0])
        self.alpha_max = float((self.overhead + self.latency).max())
        self.bw_min = float(self.bw.min())
        self.dst_unique = len(np.unique(p.dst)) == p.size
        cap = fabric.link_capacity_Bps[self.inc_link]
        self.sat_mask = cap <= self.bw[self.inc_owner]  # the links that limit each transfer


def floor_s(sched: Schedule, latency: bool = True) -> float:
    """A time the schedule cannot beat, found without the max-min engine: the larger of the run as
    if no link were shared (sharing only slows transfers) and the busiest link's bytes over its
    capacity."""
    relaxed = run(sched, latency=latency, n_bins=2, mode="relaxed").time_s
    infos = _pattern_infos(sched, latency)
    per_pattern: dict[int, float] = defaultdict(float)
    for step in sched.steps:
        per_pattern[id(step.pattern)] += step.nbytes
    load = np.zeros(sched.fabric.n_links)
    for pid, nbytes in per_pattern.items():
        np.add.at(load, infos[pid].inc_link, nbytes)
    return max(relaxed, float((load / sched.fabric.link_capacity_Bps).max(initial=0.0)))


def needs_max_min(sched: Schedule, latency: bool = True) -> bool:
    """Whether running ``sched`` takes the max-min engine (some link is on two routes)."""
    return not exclusive_links(sched, _pattern_infos(sched, latency))


def _pattern_infos(sched: Schedule, latency: bool) -> dict[int, _PatternInfo]:
    return {id(p): _PatternInfo(p, sched, latency) for p in sched.patterns()}


def exclusive_links(sched: Schedule, infos: dict[int, _PatternInfo]) -> bool:
    """True when no directed link is on two different routes, and no step uses a route twice."""
    used_routes = []
    for info in infos.values():
        r = info.pattern.route
        if len(np.unique(r)) != len(r):
            return False
        used_routes.append(r)
    if not used_routes:
        return True
    routes = np.unique(np.concatenate(used_routes))
    rs = sched.routes
    hops = rs.hops[routes]
    starts = rs.indptr[routes]
    links = rs.links[np.repeat(starts, hops) + (np.arange(int(hops.sum())) - np.repeat(np.cumsum(hops) - hops, hops))]
    return len(np.unique(links)) == len(links)


# --------------------------------------------------------------------------- the timeline
class Timeline:
    """Bytes per link in fixed-count time bins that double in width as the run grows."""

    def __init__(self, n_links: int, n_bins: int, width_s: float) -> None:
        self.n_links = n_links
        self.n_bins = n_bins + (n_bins % 2)
        self.width = max(width_s, 1e-12)
        self.bins = np.zeros((self.n_bins, n_links), np.float32)
        self.flat = self.bins.reshape(-1)
        # Uniform contributions waiting to be spread over their links: (pattern id, bin) -> bytes.
        self.pending: dict[tuple[int, int], float] = defaultdict(float)
        self.pending_links: dict[int, np.ndarray] = {}
        self.end = 0.0

    def _fit(self, t_end: float) -> None:
        self.end = max(self.end, t_end)
        while t_end > self.n_bins * self.width * (1 - 1e-12):
            self.flush()
            self.bins[: self.n_bins // 2] = self.bins.reshape(self.n_bins // 2, 2, self.n_links).sum(axis=1)
            self.bins[self.n_bins // 2:] = 0
            self.width *= 2

    def _bin_span(self, t0: float, t1: float) -> tuple[int, int]:
        b0 = min(int(t0 / self.width), self.n_bins - 1)
        b1 = min(max(int(np.ceil(t1 / self.width)) - 1, b0), self.n_bins - 1)
        return b0, b1

    def add_uniform(self, key: int, links: np.ndarray, t0: float, t1: float, nbytes: float) -> None:
        """Every link in ``links`` carries ``nbytes`` evenly over [t0, t1)."""
        if nbytes <= 0:
            return
        self._fit(t1)
        self.pending_links[key] = links
        b0, b1 = self._bin_span(t0, t1)
        if b0 == b1 or t1 <= t0:
            self.pending[(key, b0)] += nbytes
            return
        span = t1 - t0
        for b in range(b0, b1 + 1):
            overlap = min(t1, (b + 1) * self.width) - max(t0, b * self.width)
            if overlap > 0:
                self.pending[(key, b)] += nbytes * overlap / span

    def add_intervals(self, key: int, info: "_PatternInfo", starts: np.ndarray, ends: np.ndarray,
                      nbytes: float) -> None:
        """Transfer i of a pattern carries ``nbytes`` evenly over [starts[i], ends[i]) on each of its links."""
        if nbytes <= 0 or len(info.inc_link) == 0:
            return
        self._fit(float(ends.max()))
        w = self.width
        b0 = np.minimum((starts / w).astype(np.int64), self.n_bins - 1)
        b1 = np.clip(np.ceil(ends / w).astype(np.int64) - 1, b0, self.n_bins - 1)
        first, last = int(b0.min()), int(b1.max())
        if first == last:  # the usual case: the whole step inside one bin
            self.pending_links[key] = info.inc_link
            self.pending[(key, first)] += nbytes
            return
        inc_link, inc_owner = info.inc_link, info.inc_owner
        span = ends - starts
        for offset in range(int((b1 - b0).max()) + 1):
            b = b0 + offset
            lo = np.maximum(starts, b * w)
            hi = np.minimum(ends, (b + 1) * w)
            frac = np.where(span > 0, np.clip(hi - lo, 0, None) / np.where(span > 0, span, 1), offset == 0)
            weight = np.where(b <= b1, frac * nbytes, 0.0)
            entry = weight[inc_owner] > 0
            if entry.any():
                np.add.at(self.flat, b[inc_owner][entry] * self.n_links + inc_link[entry], weight[inc_owner][entry])

    def add_rates(self, links: np.ndarray, rates: np.ndarray, t0: float, t1: float) -> None:
        """``links`` carry ``rates`` (bytes/s) over [t0, t1)."""
        if t1 <= t0 or len(links) == 0:
            return
        self._fit(t1)
        b0, b1 = self._bin_span(t0, t1)
        for b in range(b0, b1 + 1):
            overlap = min(t1, (b + 1) * self.width) - max(t0, b * self.width)
            if overlap > 0:
                self.bins[b, links] += rates * overlap

    def flush(self) -> None:
        for (key, b), nbytes in self.pending.items():
            self.bins[b, self.pending_links[key]] += nbytes
        self.pending.clear()

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        self.flush()
        used = max(1, min(self.n_bins, int(np.ceil(self.end / self.width * (1 - 1e-12)))))
        edges = np.arange(used + 1) * self.width
        return edges, self.bins[:used].copy()


# --------------------------------------------------------------------------- driver
ProgressFn = Callable[[float], None]
StopFn = Callable[[], bool]


class _Pacer:
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


def run(sched: Schedule, *, latency: bool = True, n_bins: int = DEFAULT_BINS, progress: ProgressFn | None = None,
        should_stop: StopFn | None = None, mode: str = "auto") -> EngineResult:
    """Run ``sched``.  ``mode``: "auto" (exclusive links when they hold, else max-min), "exclusive",
    "max-min", or "relaxed": as if no two transfers ever shared a link, which is exact when links are
    exclusive and a lower bound on the time otherwise (sharing only ever slows a transfer down).

    Raises :class:`Cancelled` (with the partial result) when ``should_stop()`` returns True.
    """
    infos = _pattern_infos(sched, latency)
    estimate = sum(infos[id(s.pattern)].alpha_max + s.nbytes / infos[id(s.pattern)].bw_min for s in sched.steps)
    timeline = Timeline(sched.fabric.n_links, n_bins, estimate / n_bins if estimate > 0 else 1e-9)
    pacer = _Pacer(progress, should_stop)
    exclusive = mode == "relaxed" or exclusive_links(sched, infos)
    if mode == "exclusive" and not exclusive:
        raise ValueError("this schedule puts two routes on one link; it needs the max-min engine")
    if mode in ("exclusive", "relaxed") or (mode == "auto" and exclusive):
        result = _run_exclusive(sched, infos, timeline, pacer)
        if mode == "relaxed":
            result.mode = "relaxed"
    else:
        result = _run_maxmin(sched, infos, timeline, pacer)
    if progress is not None:
        progress(1.0)
    return result


# --------------------------------------------------------------------------- exclusive links
def _run_exclusive(sched: Schedule, infos: dict[int, _PatternInfo], timeline: Timeline, pacer: _Pacer
                   ) -> EngineResult:
    fabric = sched.fabric
    n_chips = fabric.n_chips
    steps = sched.steps
    last_use: dict[int, int] = {}
    for q, step in enumerate(steps):
        for p in step.data_from:
            last_use[p] = q
    route_last = np.zeros(sched.routes.n)  # when the latest transfer on each route sent its last byte
    lazy: tuple[int, float] | None = None  # (pattern id, t): route_last[pattern.route] is t, not yet written
    first_use: set[int] = set()
    arrival: dict[int, tuple] = {}  # step -> ("uniform", t, pattern id) or ("array", per-chip latest arrival)
    covers: dict[tuple[int, int], np.ndarray] = {}  # (pattern, source pattern) -> which transfers it feeds
    pend_bytes: dict[int, float] = defaultdict(float)
    pattern_finish: dict[int, float | np.ndarray] = {}  # latest arrival of each transfer of a pattern
    t_end = 0.0
    uniform_steps = 0

    def fed(pid: int, src_pid: int) -> np.ndarray:
        key = (pid, src_pid)
        if key not in covers:
            covers[key] = np.isin(infos[pid].pattern.src, infos[src_pid].pattern.dst)
        return covers[key]

    def flush_lazy() -> None:
        nonlocal lazy
        if lazy is not None:
            route_last[infos[lazy[0]].pattern.route] = lazy[1]
            lazy = None

    def partial(t_now: float) -> EngineResult:
        return _exclusive_result(sched, infos, timeline, pend_bytes, pattern_finish, t_now, len(steps),
                                 uniform_steps, complete=False)

    for q, step in enumerate(steps):
        p = step.pattern
        pid = id(p)
        info = infos[pid]
        nbytes = step.nbytes
        # When each transfer may go: one number ``ready_s`` while it is the same for all transfers,
        # else the array ``ready_v``; exactly one of the two is set.  Rule 2 first: the route is free.
        ready_s: float | None
        ready_v: np.ndarray | None = None
        if lazy is not None and lazy[0] == pid:
            ready_s = lazy[1]
        elif pid not in first_use and (lazy is None or not np.isin(p.route, infos[lazy[0]].pattern.route).any()) \
                and not route_last[p.route].any():
            ready_s = 0.0
        else:
            flush_lazy()
            free = route_last[p.route]
            if (free == free[0]).all():
                ready_s = float(free[0])
            else:
                ready_s, ready_v = None, free.copy()
        # Rule 1: each transfer's source has received what it forwards.
        for src_step in step.data_from:
            got = arrival[src_step]
            if got[0] == "uniform":
                mask = fed(pid, got[2])
                if ready_s is not None and mask.all():
                    ready_s = max(ready_s, got[1])
                    continue
                data = np.where(mask, got[1], -np.inf)
            else:
                data = got[1][p.src]
            if ready_s is not None:
                ready_v, ready_s = np.full(p.size, ready_s), None
            ready_v = np.maximum(ready_v, data)
        if ready_s is not None and info.uniform:
            # Every transfer ready at one instant, all alike: the step is one number.
            start = ready_s + info.overhead0
            sent = start + nbytes / info.bw0
            arrive = sent + info.latency0
            if lazy is not None and lazy[0] != pid:
                flush_lazy()
            lazy = (pid, sent)
            first_use.add(pid)
            if q in last_use:
                arrival[q] = ("uniform", arrive, pid)
            previous = pattern_finish.get(pid)
            pattern_finish[pid] = arrive if previous is None else np.maximum(previous, arrive)
            timeline.add_uniform(pid, info.inc_link, start, sent, nbytes)
            t_end = max(t_end, arrive)
            uniform_steps += 1
        else:
            if ready_v is None:
                ready_v = np.full(p.size, ready_s)
            start_v = ready_v + info.overhead
            sent_v = start_v + nbytes / info.bw
            arrive_v = sent_v + info.latency
            if lazy is not None and lazy[0] != pid:
                flush_lazy()
            lazy = None
            route_last[p.route] = sent_v
            first_use.add(pid)
            if q in last_use:
                latest = np.full(n_chips, -np.inf)
                if info.dst_unique:
                    latest[p.dst] = arrive_v
                else:
                    np.maximum.at(latest, p.dst, arrive_v)
                arrival[q] = ("array", latest)
            previous = pattern_finish.get(pid)
            pattern_finish[pid] = arrive_v if previous is None else np.maximum(previous, arrive_v)
            timeline.add_intervals(pid, info, start_v, sent_v, nbytes)
            t_end = max(t_end, float(arrive_v.max()))
        pend_bytes[pid] += nbytes
        for src_step in step.data_from:
            if last_use.get(src_step) == q:
                del arrival[src_step]
        if pacer.due() and pacer.report((q + 1) / len(steps)):
            raise Cancelled(partial(t_end))
    return _exclusive_result(sched, infos, timeline, pend_bytes, pattern_finish, t_end, len(steps), uniform_steps,
                             complete=True)


def _exclusive_result(sched: Schedule, infos: dict[int, _PatternInfo], timeline: Timeline,
                      pend_bytes: dict[int, float], pattern_finish: dict[int, float | np.ndarray], t_end: float,
                      events: int, uniform_steps: int, complete: bool) -> EngineResult:
    fabric = sched.fabric
    link_bytes = np.zeros(fabric.n_links)
    saturated = np.zeros(fabric.n_links)
    chip_finish = np.zeros(fabric.n_chips)
    for pid, total in pend_bytes.items():
        info = infos[pid]
        np.add.at(link_bytes, info.inc_link, total)
        sat = info.sat_mask
        np.add.at(saturated, info.inc_link[sat], total / info.bw[info.inc_owner[sat]])
    for pid, f in pattern_finish.items():
        p = infos[pid].pattern
        np.maximum.at(chip_finish, p.src, np.broadcast_to(f, p.src.shape))
        np.maximum.at(chip_finish, p.dst, np.broadcast_to(f, p.dst.shape))
    edges, tl = timeline.result()
    return EngineResult(t_end, chip_finish, link_bytes, saturated, (link_bytes > 0).astype(np.int32), edges, tl,
                        "exclusive-links", events, uniform_steps, sched.n_transfers, complete)


# --------------------------------------------------------------------------- max-min
def _run_maxmin(sched: Schedule, infos: dict[int, _PatternInfo], timeline: Timeline, pacer: _Pacer
                ) -> EngineResult:
    fabric = sched.fabric
    steps = sched.steps
    rs = sched.routes
    n = sched.n_transfers
    if n > MAX_MAXMIN_TRANSFERS:
        raise TooLarge(f"{n:,} transfers share links here, more than the {MAX_MAXMIN_TRANSFERS:,} the max-min "
                       f"engine holds; choose a smaller scope, fewer chunks or another algorithm")
    sizes = np.fromiter((s.pattern.size for s in steps), np.int64, len(steps))
    offsets = np.zeros(len(steps) + 1, np.int64)
    np.cumsum(sizes, out=offsets[1:])
    src = np.concatenate([s.pattern.src for s in steps]).astype(np.int32)
    dst = np.concatenate([s.pattern.dst for s in steps]).astype(np.int32)
    route = np.concatenate([s.pattern.route for s in steps]).astype(np.int64)
    nbytes = np.repeat(np.fromiter((s.nbytes for s in steps), float, len(steps)), sizes)
    overhead = np.concatenate([infos[id(s.pattern)].overhead for s in steps])
    latency = np.concatenate([infos[id(s.pattern)].latency for s in steps])
    hops = rs.hops[route]

    # Rule 2: the next transfer on the same route, in program order, waits for this one to leave.
    order = np.lexsort((np.arange(n), route))
    same = route[order[1:]] == route[order[:-1]]
    next_on_route = np.full(n, -1, np.int64)
    next_on_route[order[:-1][same]] = order[1:][same]
    waits = np.zeros(n, np.int32)  # dependencies not yet met
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
    group_left = np.bincount(group_of[group_of >= 0], minlength=n_groups).astype(np.int64)
    pair_group, pair_transfer = [], []
    for q, s in enumerate(steps):
        for p in s.data_from:
            chips = group_chips[p]
            at = np.minimum(np.searchsorted(chips, s.pattern.src), len(chips) - 1)
            hit = chips[at] == s.pattern.src
            pair_group.append(group_base[p] + at[hit])
            pair_transfer.append(offsets[q] + np.flatnonzero(hit))
    consumer_ptr = np.zeros(n_groups + 1, np.int64)
    if pair_group:
        pg, pt = np.concatenate(pair_group), np.concatenate(pair_transfer)
        consumers = pt[np.argsort(pg, kind="stable")]
        np.cumsum(np.bincount(pg, minlength=n_groups), out=consumer_ptr[1:])
        waits += np.bincount(pt, minlength=n).astype(np.int32)
    else:
        consumers = np.zeros(0, np.int64)

    cap = fabric.link_capacity_Bps
    n_links = fabric.n_links
    start_time = np.full(n, np.inf)  # when it starts sending (ready + overhead)
    arrive_time = np.full(n, np.inf)  # when its last byte arrives (last byte sent + route latency)
    finish = np.full(n, np.nan)
    remaining = nbytes.copy()
    released = np.zeros(n, bool)
    link_bytes = np.zeros(n_links)
    saturated = np.zeros(n_links)
    peak = np.zeros(n_links, np.int32)
    total_bytes = float(nbytes.sum()) or 1.0
    sent_bytes = 0.0
    events = 0

    def spans(ptr: np.ndarray, which: np.ndarray) -> np.ndarray:
        lens = ptr[which + 1] - ptr[which]
        return np.repeat(ptr[which], lens) + (np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens))

    def ready(cand: np.ndarray, t_now: float) -> np.ndarray:
        """Of ``cand`` (whose waits just dropped), release those with none left; return them."""
        cand = np.unique(cand)
        new = cand[(waits[cand] == 0) & ~released[cand]]
        released[new] = True
        start_time[new] = t_now + overhead[new]
        return new

    def left(idx: np.ndarray, t_now: float) -> np.ndarray:
        """``idx`` sent their last byte: the next on each route may go."""
        nonlocal sent_bytes
        sent_bytes += float(nbytes[idx].sum())
        arrive_time[idx] = t_now + latency[idx]
        following = next_on_route[idx]
        following = following[following >= 0]
        waits[following] -= 1
        return ready(following, t_now)

    def arrived(idx: np.ndarray, t_now: float) -> np.ndarray:
        """``idx`` arrived: deliveries to their destinations may complete groups that others wait for."""
        finish[idx] = t_now
        g = group_of[idx]
        g = g[g >= 0]
        if not len(g):
            return np.zeros(0, np.int64)
        ug, counts = np.unique(g, return_counts=True)
        group_left[ug] -= counts
        emptied = ug[group_left[ug] == 0]
        if not len(emptied):
            return np.zeros(0, np.int64)
        cons = consumers[spans(consumer_ptr, emptied)]
        np.subtract.at(waits, cons, 1)
        return ready(cons, t_now)

    def partial_result(t_now: float) -> EngineResult:
        return _maxmin_result(fabric, src, dst, finish, link_bytes, saturated, peak, timeline, t_now, events, n,
                              complete=False)

    waiting = np.flatnonzero(waits == 0)  # released, counting down their overhead
    released[waiting] = True
    start_time[waiting] = overhead[waiting]
    sending = np.zeros(0, np.int64)  # in sending order; rate_of holds their rates
    flying = np.zeros(0, np.int64)  # last byte sent, not yet arrived
    rate_of = np.zeros(n)
    link_flows = np.zeros(n_links, np.int32)  # transfers sending over each link
    load = np.zeros(n_links)  # bytes/s over each link
    added: list[np.ndarray] = []
    removed: list[np.ndarray] = []
    rates = np.zeros(0)
    used_links, used_load, full_links = np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64)

    def route_entries(idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(owner position in idx, link) for every hop of the transfers ``idx``."""
        h = hops[idx]
        total_h = int(h.sum())
        owner = np.repeat(np.arange(len(idx)), h)
        links = rs.links[np.repeat(rs.indptr[route[idx]], h) + (np.arange(total_h) - np.repeat(np.cumsum(h) - h, h))]
        return owner, links

    def update_rates() -> None:
        """Rates after ``added`` started and ``removed`` left.  Changes that touch no link another sending
        transfer uses (the common case when rings run side by side) need no max-min: a transfer alone on
        its links runs at its bottleneck, and nobody else's share moved."""
        nonlocal rates, used_links, used_load, full_links
        new = np.concatenate(added) if added else np.zeros(0, np.int64)
        old = np.concatenate(removed) if removed else np.zeros(0, np.int64)
        added.clear()
        removed.clear()
        isolated = True
        if len(old):
            owner, links = route_entries(old)
            np.subtract.at(link_flows, links, 1)
            np.subtract.at(load, links, rate_of[old][owner])
            isolated = not link_flows[links].any()
        if len(new):
            owner, links = route_entries(new)
            isolated = isolated and not link_flows[links].any() and len(np.unique(links)) == len(links)
            if isolated:
                new_rates = np.minimum.reduceat(cap[links], np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]))
                rate_of[new] = new_rates
                np.add.at(link_flows, links, 1)
                np.add.at(load, links, new_rates[owner])
                peak[links] = np.maximum(peak[links], 1)
        if not isolated:
            crossings = int(hops[sending].sum())
            if crossings > MAX_ACTIVE_HOPS:
                raise TooLarge(f"{len(sending):,} transfers at once over {crossings:,} link crossings is more "
                               f"than the engine holds; choose a smaller scope or another algorithm")
            owner, links = route_entries(sending)
            all_rates, _ = max_min_rates(owner, links, cap, len(sending))
            rate_of[sending] = all_rates
            link_flows[:] = np.bincount(links, minlength=n_links)
            load[:] = np.bincount(links, weights=all_rates[owner], minlength=n_links)
            np.maximum(peak, link_flows, out=peak)
        rates = rate_of[sending]
        used_links = np.flatnonzero(link_flows > 0)
        used_load = load[used_links]
        full_links = used_links[used_load >= cap[used_links] * (1 - 1e-9)]

    t = 0.0
    while len(waiting) or len(sending) or len(flying):
        # Everything due at t: arrivals, starts (zero-byte transfers leave as they start).
        while True:
            progressed = False
            if len(flying):
                due = arrive_time[flying] <= t
                if due.any():
                    done, flying = flying[due], flying[~due]
                    waiting = np.concatenate([waiting, arrived(done, t)])
                    progressed = True
            if len(waiting):
                due = start_time[waiting] <= t
                if due.any():
                    starting, waiting = waiting[due], waiting[~due]
                    empty = nbytes[starting] == 0
                    if empty.any():
                        waiting = np.concatenate([waiting, left(starting[empty], t)])
                        flying = np.concatenate([flying, starting[empty]])
                    if (~empty).any():
                        sending = np.concatenate([sending, starting[~empty]])
                        added.append(starting[~empty])
                    progressed = True
            if not progressed:
                break
        if not (len(waiting) or len(sending) or len(flying)):
            break
        if added or removed:
            update_rates()
        # The next event: a start, a last byte sent, or an arrival.
        t_next = np.inf
        if len(sending):
            to_send = remaining[sending] / rates
            t_next = t + float(to_send.min())
        if len(waiting):
            t_next = min(t_next, float(start_time[waiting].min()))
        if len(flying):
            t_next = min(t_next, float(arrive_time[flying].min()))
        dt = t_next - t
        leaving = np.zeros(0, np.int64)
        if len(sending):
            link_bytes[used_links] += used_load * dt
            saturated[full_links] += dt
            timeline.add_rates(used_links, used_load, t, t_next)
            remaining[sending] -= rates * dt
            gone = (to_send <= dt * (1 + 1e-12)) | (remaining[sending] <= FINISH_TOLERANCE * nbytes[sending])
            if gone.any():
                leaving, sending = sending[gone], sending[~gone]
                rates = rates[~gone]
                remaining[leaving] = 0.0
                removed.append(leaving)
        t = t_next
        events += 1
        if len(leaving):
            waiting = np.concatenate([waiting, left(leaving, t)])
            flying = np.concatenate([flying, leaving])
        if pacer.due() and pacer.report(sent_bytes / total_bytes):
            raise Cancelled(partial_result(t))
    return _maxmin_result(fabric, src, dst, finish, link_bytes, saturated, peak, timeline, t, events, n, True)


def _maxmin_result(fabric, src, dst, finish, link_bytes, saturated, peak, timeline, t_end, events, n, complete):
    chip_finish = np.zeros(fabric.n_chips)
    done = ~np.isnan(finish)
    np.maximum.at(chip_finish, src[done], finish[done])
    np.maximum.at(chip_finish, dst[done], finish[done])
    edges, tl = timeline.result()
    return EngineResult(t_end, chip_finish, link_bytes.copy(), saturated.copy(), peak.copy(), edges, tl, "max-min",
                        events, 0, n, complete)
