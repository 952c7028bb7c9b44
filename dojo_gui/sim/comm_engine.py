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
latency after it left.  Rates are recomputed whenever the set of sending transfers changes,
but only in the components of the contention graph that change, with independent components
advancing side by side and transfers that can never share a link settled ahead of time (see
:class:`_MaxMinRun`; a plain reference simulation in the tests checks it gives the same
answers).

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
from .maxmin import elementary_intervals, max_min_rates_segments

# The max-min engine keeps a record of every transfer; above this many it refuses (a clear
# error beats exhausting memory).  The exclusive-link engine has no such limit.
MAX_MAXMIN_TRANSFERS = 2_000_000
# Events closer together than this fraction of the time are one event (they differ by rounding only).
SNAP = 1e-12
DEFAULT_BINS = 256
# Timeline entries gathered before they are added to the bins at once.
BATCH_ENTRIES = 2_000_000
# Transfers sent alone gathered before what they carried is recorded on their links at once.
ALONE_BATCH = 20_000


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
    events: int  # rounds of the event loop (max-min: each takes the next event of every independent group),
    # or steps computed (exclusive)
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
    if no link were shared (sharing only slows transfers) and :func:`quick_floor_s`."""
    relaxed = run(sched, latency=latency, n_bins=2, mode="relaxed").time_s
    return max(relaxed, quick_floor_s(sched, latency))


def quick_floor_s(sched: Schedule, latency: bool = True) -> float:
    """A time the schedule cannot beat, in a few operations per step: the larger of

    - the busiest link's bytes over its capacity;
    - the longest chain of steps each of whose transfers all wait for data from the one before:
      no transfer of a step arrives before the earliest arrival of that step's source step plus
      the smallest overhead and latency of its transfers plus its bytes at their fastest route.
    """
    infos = _pattern_infos(sched, latency)
    per_pattern: dict[int, float] = defaultdict(float)
    for step in sched.steps:
        per_pattern[id(step.pattern)] += step.nbytes
    load = np.zeros(sched.fabric.n_links)
    for pid, nbytes in per_pattern.items():
        np.add.at(load, infos[pid].inc_link, nbytes)
    busiest = float((load / sched.fabric.link_capacity_Bps).max(initial=0.0))
    alpha = {pid: float((info.overhead + info.latency).min()) for pid, info in infos.items()}
    fastest = {pid: float(info.bw.max()) for pid, info in infos.items()}
    fed_by_all: dict[tuple[int, int], bool] = {}
    earliest = np.zeros(len(sched.steps))  # no transfer of step q arrives before earliest[q]
    for q, step in enumerate(sched.steps):
        pid = id(step.pattern)
        ready = 0.0
        for p in step.data_from:
            key = (pid, id(sched.steps[p].pattern))
            if key not in fed_by_all:
                fed_by_all[key] = bool(np.isin(step.pattern.src, sched.steps[p].pattern.dst).all())
            if fed_by_all[key]:
                ready = max(ready, earliest[p])
        earliest[q] = ready + alpha[pid] + step.nbytes / fastest[pid]
    return max(busiest, float(earliest.max(initial=0.0)))


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
        # Entries (flat index into bins, bytes) waiting to be added, in one bincount when there are many.
        self.batch: list[tuple[np.ndarray, np.ndarray]] = []
        self.batch_size = 0
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
        first = min(int(starts.min() / w), self.n_bins - 1)
        if first == min(max(int(np.ceil(float(ends.max()) / w)) - 1, first), self.n_bins - 1):
            # The usual case: the whole step inside one bin.
            self.pending_links[key] = info.inc_link
            self.pending[(key, first)] += nbytes
            return
        self.add_transfers(info.inc_owner, info.inc_link, starts, ends, np.full(len(starts), nbytes))

    def add_transfers(self, owner: np.ndarray, links: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                      nbytes: np.ndarray) -> None:
        """Transfer i carries ``nbytes[i]`` evenly over [starts[i], ends[i]) on each link ``links[k]`` with
        ``owner[k] == i``."""
        if len(links):
            self._spread(owner, links, starts, ends, nbytes)

    def add_totals(self, t0: float, t1: float, nbytes: np.ndarray) -> None:
        """Every link carried ``nbytes[link]`` over [t0, t1), which lies within one bin."""
        self._fit(t1)
        self.bins[min(int((t0 + t1) / 2 / self.width), self.n_bins - 1)] += nbytes.astype(np.float32)

    def next_edge(self, t: float) -> float:
        """The first bin edge after ``t`` (an edge within rounding of ``t`` counts as ``t``)."""
        return (np.floor(t / self.width * (1 + 1e-12)) + 1) * self.width

    def _spread(self, owner: np.ndarray, links: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                nbytes: np.ndarray) -> None:
        """Item i carries ``nbytes[i]`` evenly over [starts[i], ends[i]) on each link ``links[k]`` with
        ``owner[k] == i`` (``owner`` sorted)."""
        self._fit(float(ends.max()))
        w = self.width
        last = self.n_bins - 1
        b0 = np.minimum((starts / w).astype(np.int64), last)
        b1 = np.clip(np.ceil(ends / w).astype(np.int64) - 1, b0, last)
        wide = b1 > b0
        if wide.any():
            # Items over several bins: one entry per (item, bin), weighted by the overlap.
            items = np.flatnonzero(wide)
            n_b = b1[items] - b0[items] + 1
            item = np.repeat(items, n_b)
            b = b0[item] + np.arange(int(n_b.sum())) - np.repeat(np.cumsum(n_b) - n_b, n_b)
            overlap = np.minimum(ends[item], (b + 1) * w) - np.maximum(starts[item], b * w)
            part = np.zeros(len(starts))
            part[items] = 1.0 / (ends[items] - starts[items])
            weight = nbytes[item] * np.clip(overlap, 0, None) * part[item]
            # Spread each (item, bin) entry over the item's links (``owner`` is sorted).
            per_item = np.bincount(owner, minlength=len(starts))
            n_l = per_item[item]
            k = np.repeat(np.cumsum(per_item)[item] - n_l - np.cumsum(n_l) + n_l, n_l) + np.arange(int(n_l.sum()))
            self._add(np.repeat(b, n_l) * self.n_links + links[k], np.repeat(weight, n_l))
            single = ~wide[owner]
            owner, links = owner[single], links[single]
        self._add(b0[owner] * self.n_links + links, nbytes[owner])

    def _add(self, index: np.ndarray, nbytes: np.ndarray) -> None:
        self.batch.append((index, nbytes))
        self.batch_size += len(index)
        if self.batch_size > BATCH_ENTRIES:
            self._add_batch()

    def _add_batch(self) -> None:
        if self.batch:
            index = np.concatenate([i for i, _ in self.batch])
            nbytes = np.concatenate([b for _, b in self.batch])
            self.flat += np.bincount(index, nbytes, minlength=len(self.flat)).astype(np.float32)
            self.batch.clear()
            self.batch_size = 0

    def flush(self) -> None:
        self._add_batch()
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
def _spans(ptr: np.ndarray, which: np.ndarray) -> np.ndarray:
    """Indices ptr[w] .. ptr[w + 1] - 1 for every w in ``which``, concatenated."""
    lens = ptr[which + 1] - ptr[which]
    total = int(lens.sum())
    return (ptr[which] - lens.cumsum() + lens).repeat(lens) + np.arange(total)


class _MaxMinRun:
    """The event-driven engine for schedules whose routes share links.

    Four things keep it fast on big fabrics without changing any answer:

    *Transfers that cannot meet another are settled at once.*  A link is *contested* while
    two different routes with unsent transfers cross it (``link_routes`` counts them; the
    count only falls).  A transfer whose links are uncontested when it is released can never
    share them: it sends at its route's bottleneck, so when its last byte leaves and arrives
    is known now, and what waits on it is released now too, however far ahead in time.  Only
    transfers on contested links take part in events.

    *Rates are recomputed only where they can change.*  Max-min fairness splits over the
    connected components of the graph of sending transfers and the links they cross: a
    component nobody joins or leaves keeps its rates.  Sending transfers and their links carry
    their component's label (a transfer of it), and an event recomputes, and splits afresh,
    only the components that the transfers starting or finishing touch.

    *Independent components advance side by side.*  Whatever happens at time t releases
    transfers that start no earlier than t + the smallest per-message overhead (the
    *lookahead*).  So over a window [t0, t0 + lookahead) the transfers that start are known
    at t0, and the components they join (grouped with them) evolve independently: each group
    takes its events in its own time order, and one round of the loop takes the next event of
    every group at once, with one max-min computation for all of them.  With no overhead the
    window is a single instant, as in a plain event loop.

    *Routes are intervals.*  Links are numbered so that a dimension-order route is one or two
    runs of consecutive numbers per dimension (:meth:`RouteSet.segments`); between consecutive
    run ends every link carries the same transfers, so the max-min problem, link loads and
    components are computed over those elementary intervals, not hop by hop.

    Bookkeeping is lazy: a transfer's bytes left and a link's bytes, busy time and timeline are
    brought up to date only when its component changes.  Events closer together than ``SNAP``
    of the time are one event (they differ by rounding only).
    """

    def __init__(self, sched: Schedule, infos: dict[int, _PatternInfo], timeline: Timeline, pacer: _Pacer) -> None:
        fabric = sched.fabric
        steps = sched.steps
        rs = self.rs = sched.routes
        n = self.n = sched.n_transfers
        if n > MAX_MAXMIN_TRANSFERS:
            raise TooLarge(f"{n:,} transfers share links here, more than the {MAX_MAXMIN_TRANSFERS:,} the max-min "
                           f"engine holds; choose a smaller scope, fewer chunks or another algorithm")
        self.fabric, self.timeline, self.pacer = fabric, timeline, pacer
        sizes = np.fromiter((s.pattern.size for s in steps), np.int64, len(steps))
        offsets = np.zeros(len(steps) + 1, np.int64)
        np.cumsum(sizes, out=offsets[1:])
        self.src = np.concatenate([s.pattern.src for s in steps]).astype(np.int32)
        self.dst = np.concatenate([s.pattern.dst for s in steps]).astype(np.int32)
        route = self.route = np.concatenate([s.pattern.route for s in steps]).astype(np.int64)
        self.nbytes = np.repeat(np.fromiter((s.nbytes for s in steps), float, len(steps)), sizes)
        self.overhead = np.concatenate([infos[id(s.pattern)].overhead for s in steps])
        self.latency = np.concatenate([infos[id(s.pattern)].latency for s in steps])
        self.bw = rs.bottleneck_Bps[route]
        self.lookahead = float(self.overhead.min()) if n else 0.0

        # Rule 2: the next transfer on the same route, in program order, waits for this one to leave.
        order = np.lexsort((np.arange(n), route))
        same = route[order[1:]] == route[order[:-1]]
        self.next_on_route = np.full(n, -1, np.int64)
        self.next_on_route[order[:-1][same]] = order[1:][same]
        waits = np.zeros(n, np.int64)  # dependencies not yet met
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
        self.group_time = np.zeros(n_groups)  # the latest delivery so far
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
        self.waits = waits
        self.ready_at = np.zeros(n)  # the latest of the dependencies met so far

        # Contested links: how many routes with unsent transfers cross each link.
        self.route_unsent = np.bincount(route, minlength=rs.n).astype(np.int64)
        self.link_routes = np.bincount(rs.links[_spans(rs.indptr, np.flatnonzero(self.route_unsent))],
                                       minlength=fabric.n_links).astype(np.int64)
        # Routes as runs of link places.
        self.seg_ptr, self.seg_lo, self.seg_hi = rs.segments()
        self.place_link = np.empty(fabric.n_links, np.int64)
        self.place_link[fabric.link_position] = np.arange(fabric.n_links)
        self.place_cap = fabric.link_capacity_Bps[self.place_link]

        n_links = fabric.n_links
        self.cap = fabric.link_capacity_Bps
        self.start = np.full(n, np.inf)  # starts sending (ready + overhead)
        self.arrive = np.full(n, np.nan)  # last byte arrives (last byte sent + route latency)
        # Transfers sending on contested links, in components.
        self.rate = np.zeros(n)
        self.left = self.nbytes.copy()  # bytes still to send as of settled_at
        self.settled_at = np.zeros(n)
        self.finish_at = np.full(n, np.inf)  # when the last byte leaves at the current rate
        self.comp = np.full(n, -1, np.int64)  # component label: a transfer of the component
        self.comp_mark = np.zeros(n, bool)
        self.union = np.arange(n)  # scratch for grouping labels; the identity between windows
        self.scratch = np.zeros(max(n, rs.n, len(self.group_left)), np.int64)
        self.link_load = np.zeros(n_links)  # bytes/s of the sending transfers
        self.link_flows = np.zeros(n_links, np.int64)
        self.link_full = np.zeros(n_links, bool)
        self.link_comp = np.full(n_links, -1, np.int64)
        self.link_scratch = np.zeros(n_links, np.int64)
        self.link_since = np.zeros(n_links)  # load unchanged since
        self.link_bytes = np.zeros(n_links)  # what uncontested transfers carried
        self.contended_bytes = np.zeros(n_links)  # what the others carried, up to link_since
        # The timeline of contested links comes from their bytes at each bin edge.
        self.edge_t = 0.0
        self.edge_bytes = np.zeros(n_links)
        self.saturated = np.zeros(n_links)
        self.peak = np.zeros(n_links, np.int32)
        self.total_bytes = float(self.nbytes.sum()) or 1.0
        self.sent_bytes = 0.0
        self.events = 0
        self.released: list[np.ndarray] = []  # contested transfers released, not yet in ``waiting``
        self.alone: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # sent alone, not yet recorded
        self.alone_count = 0

    # ------------------------------------------------------------------ routes
    def route_links(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(owner position in idx, link, first entry of each transfer) for every hop of ``idx``."""
        r = self.route[idx]
        hops = self.rs.hops[r]
        return np.arange(len(idx)).repeat(hops), self.rs.links[_spans(self.rs.indptr, r)], hops.cumsum() - hops

    def route_runs(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(owner position in idx, first place, end place) for every run of links of ``idx``'s routes."""
        r = self.route[idx]
        owner = np.arange(len(idx)).repeat(self.seg_ptr[r + 1] - self.seg_ptr[r])
        runs = _spans(self.seg_ptr, r)
        return owner, self.seg_lo[runs], self.seg_hi[runs]

    def uncontested(self, idx: np.ndarray) -> np.ndarray:
        """Which of ``idx`` (unsent) have every link to their own route, now and from now on."""
        if not len(idx):
            return np.zeros(0, bool)
        _, links, first = self.route_links(idx)
        return np.maximum.reduceat(self.link_routes[links], first) <= 1

    # ------------------------------------------------------------------ settling what cannot be contested
    def release(self, new: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``new`` have met every dependency: set their start; the uncontested ones are settled
        (returned with the times their last byte leaves), the others wait for their start."""
        self.start[new] = self.ready_at[new] + self.overhead[new]
        free = (self.nbytes[new] == 0) | self.uncontested(new)
        if not free.all():
            self.released.append(new[~free])
        done = new[free]
        return done, self.send_alone(done, self.start[done])

    def send_alone(self, idx: np.ndarray, start: np.ndarray) -> np.ndarray:
        """``idx`` send alone on their routes from ``start``: return when they finish (what they carry
        is recorded later, many at once: :meth:`record_alone`)."""
        sent = start + self.nbytes[idx] / self.bw[idx]
        self.alone.append((idx, start, sent))
        self.alone_count += len(idx)
        return sent

    def record_alone(self) -> None:
        """Record on their links what the transfers sent alone carried."""
        if not self.alone:
            return
        idx, start, end = (np.concatenate(part) for part in zip(*self.alone))
        self.alone.clear()
        self.alone_count = 0
        nbytes = self.nbytes[idx]
        carry = nbytes > 0
        idx, start, end, nbytes = idx[carry], start[carry], end[carry], nbytes[carry]
        if not len(idx):
            return
        owner, links, _ = self.route_links(idx)
        bw = self.bw[idx]
        self.link_bytes += np.bincount(links, nbytes[owner], minlength=len(self.link_bytes))
        limiting = self.cap[links] <= bw[owner]
        self.saturated += np.bincount(links[limiting], (nbytes / bw)[owner[limiting]], minlength=len(self.saturated))
        self.peak[links] = np.maximum(self.peak[links], 1)
        self.timeline.add_transfers(owner, links, start, end, nbytes)

    def sent(self, idx: np.ndarray, t_sent: np.ndarray) -> None:
        """``idx`` sent their last byte at ``t_sent``: follow the consequences as far as they are certain."""
        rs = self.rs
        while len(idx):
            arrive = t_sent + self.latency[idx]
            self.arrive[idx] = arrive
            self.sent_bytes += float(self.nbytes[idx].sum())
            r = self.route[idx]
            np.subtract.at(self.route_unsent, r, 1)
            done = self.distinct(r[self.route_unsent[r] == 0])
            if len(done):
                np.subtract.at(self.link_routes, rs.links[_spans(rs.indptr, done)], 1)
            # Rule 2: the next on the route may leave once this one has.
            nxt = self.next_on_route[idx]
            has = nxt >= 0
            following = nxt[has]
            self.ready_at[following] = np.maximum(self.ready_at[following], t_sent[has])
            self.waits[following] -= 1
            candidates = [following]
            # Rule 1: a delivery may complete a group that later transfers from its chip wait for.
            g = self.group_of[idx]
            has = g >= 0
            if has.any():
                g = g[has]
                np.maximum.at(self.group_time, g, arrive[has])
                np.subtract.at(self.group_left, g, 1)
                emptied = self.distinct(g[self.group_left[g] == 0])
                if len(emptied):
                    lens = self.consumer_ptr[emptied + 1] - self.consumer_ptr[emptied]
                    cons = self.consumers[_spans(self.consumer_ptr, emptied)]
                    np.maximum.at(self.ready_at, cons, self.group_time[emptied].repeat(lens))
                    np.subtract.at(self.waits, cons, 1)
                    candidates.append(cons)
            candidates = np.concatenate(candidates) if len(candidates) > 1 else candidates[0]
            candidates = self.distinct(candidates[self.waits[candidates] == 0])
            idx, t_sent = self.release(candidates)

    def distinct(self, idx: np.ndarray) -> np.ndarray:
        """``idx`` (numbers below the transfer count) without repeats, in no particular order."""
        if len(idx) < 2:
            return idx
        scratch = self.scratch
        at = np.arange(len(idx))
        scratch[idx] = at
        return idx[scratch[idx] == at]

    def take_released(self, waiting: np.ndarray) -> np.ndarray:
        if self.released:
            waiting = np.concatenate([waiting, *self.released])
            self.released.clear()
        return waiting

    # ------------------------------------------------------------------ contested links
    def groups(self, sending: np.ndarray, joining: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        """Group numbers for the sending and the joining transfers of a window: components, merged
        where a joining transfer touches them, and joining transfers that share a link, merged too."""
        union = self.union
        labels = self.comp[sending]
        if len(joining):
            owner, links, _ = self.route_links(joining)
            who = joining[owner]
            touched = self.link_comp[links]
            lowest = self.link_scratch
            lowest[links] = self.n
            np.minimum.at(lowest, links, who)
            hit = touched >= 0
            a = np.concatenate([who[hit], who])
            b = np.concatenate([touched[hit], lowest[links]])
            nodes = self.distinct(np.concatenate([a, b]))
            while True:
                low = np.minimum(union[a], union[b])
                np.minimum.at(union, a, low)
                np.minimum.at(union, b, low)
                while True:
                    up = union[union[nodes]]
                    if np.array_equal(up, union[nodes]):
                        break
                    union[nodes] = up
                if np.array_equal(union[a], union[b]):
                    break
            labels = np.concatenate([union[labels], union[joining]])
            union[nodes] = nodes
        distinct = self.distinct(labels)
        self.scratch[distinct] = np.arange(len(distinct))
        numbers = self.scratch[labels]
        return numbers[:len(sending)], numbers[len(sending):], len(distinct)

    def update(self, stay: np.ndarray, t_stay: np.ndarray, finished: np.ndarray, t_finished: np.ndarray,
               joined: np.ndarray, t_joined: np.ndarray) -> None:
        """The components of ``stay`` and ``finished`` change: ``finished`` left them and ``joined``
        join them, each at its time.  Compute the max-min rates and components of ``stay`` and
        ``joined``, and bring every link whose load changes up to that time."""
        flows = np.concatenate([stay, finished, joined])
        if not len(flows):
            return
        t = np.concatenate([t_stay, t_finished, t_joined])
        self.left[stay] -= self.rate[stay] * (t_stay - self.settled_at[stay])
        self.settled_at[stay] = t_stay
        self.settled_at[joined] = t_joined
        self.comp[finished] = -1
        self.finish_at[finished] = np.inf
        owner, lo, hi = self.route_runs(flows)
        order = lo.argsort(kind="stable")
        bounds, elo, ehi, cap = elementary_intervals(lo, hi, self.place_cap)
        n_e = len(cap)
        # Every link these transfers cross, at the time of its component (runs that overlap are in
        # one component).
        sorted_lo = lo[order]
        reach = np.maximum.accumulate(hi[order])
        opens = np.concatenate([[True], sorted_lo[1:] >= reach[:-1]])
        block_start, block_t = sorted_lo[opens], t[owner[order[opens]]]
        count_all = _running(elo, ehi, None, n_e)
        # The transfers sending from now on: their runs, in the same order by first place.
        if len(finished):
            alive = np.ones(len(flows), bool)
            alive[len(stay): len(stay) + len(finished)] = False
            flows, t = flows[alive], t[alive]
            kept = alive[owner]
            owner = (alive.cumsum() - 1)[owner[kept]]
            lo, hi, elo, ehi = lo[kept], hi[kept], elo[kept], ehi[kept]
            order = (kept.cumsum() - 1)[order[kept[order]]]
            sorted_lo = reach = opens = None  # the blocks of what is left are to be found again
        if len(flows):
            rates, _ = max_min_rates_segments(owner, elo, ehi, cap, len(flows), order)
            self.rate[flows] = rates
            self.finish_at[flows] = t + self.left[flows] / rates
            count = _running(elo, ehi, None, n_e) if len(finished) else count_all
            load = _running(elo, ehi, rates[owner], n_e)
            comp = self.components(flows, owner, lo, hi, order, bounds, n_e, sorted_lo, reach, opens)
        else:
            count, load, comp = np.zeros(n_e, np.int64), np.zeros(n_e), np.full(n_e, -1, np.int64)
        covered = count_all.nonzero()[0]
        lengths = bounds[covered + 1] - bounds[covered]
        interval = covered.repeat(lengths)
        links = self.place_link[_expand(bounds[covered], lengths)]
        t_link = block_t[block_start.searchsorted(bounds[covered], "right") - 1].repeat(lengths)
        # Links whose load changes: settle them at the old load, then take the new.
        new_load = load[interval]
        changed = self.link_load[links] != new_load
        moved, t_moved, new_load = links[changed], t_link[changed], new_load[changed]
        elapsed = t_moved - self.link_since[moved]
        self.contended_bytes[moved] += self.link_load[moved] * elapsed
        self.saturated[moved] += np.where(self.link_full[moved], elapsed, 0.0)
        self.link_since[moved] = t_moved
        self.link_load[moved] = new_load
        self.link_full[moved] = new_load >= self.cap[moved] * (1 - 1e-9)
        flows_on = count[interval]
        self.link_flows[links] = flows_on
        self.peak[links] = np.maximum(self.peak[links], flows_on)
        self.link_comp[links] = comp[interval]

    def components(self, flows: np.ndarray, owner: np.ndarray, lo: np.ndarray, hi: np.ndarray, order: np.ndarray,
                   bounds: np.ndarray, n_e: int, sorted_lo: np.ndarray | None = None, reach: np.ndarray | None = None,
                   opens: np.ndarray | None = None) -> np.ndarray:
        """Label ``flows`` (runs ``owner``, ``lo``, ``hi``, ``order`` sorting them by ``lo``) by
        component; return the label of each elementary interval (-1 where nothing runs).  ``sorted_lo``,
        ``reach`` and ``opens``: the runs' starts in order, the furthest end so far and where blocks
        open, if already known."""
        # Runs that overlap form blocks; transfers with several runs join their blocks.
        if sorted_lo is None:
            sorted_lo = lo[order]
            reach = np.maximum.accumulate(hi[order])
            opens = np.concatenate([[True], sorted_lo[1:] >= reach[:-1]])
        block = np.empty(len(lo), np.int64)
        block[order] = opens.cumsum() - 1
        block_lo = sorted_lo[opens]
        n_blocks = len(block_lo)
        label = np.arange(n_blocks)
        if len(lo) > len(flows):
            per_flow = np.bincount(owner, minlength=len(flows))
            first = per_flow.cumsum() - per_flow
            while True:
                joined_label = np.minimum.reduceat(label[block], first)
                new = label.copy()
                np.minimum.at(new, block, joined_label[owner])
                new = new[new]
                if np.array_equal(new, label):
                    break
                label = new
        # A component's label: one of its transfers (so no other component has it).
        rep = np.empty(n_blocks, np.int64)
        rep[label[block]] = flows[owner]
        block_comp = rep[label]
        self.comp[flows[owner]] = block_comp[block]
        # Each elementary interval lies within one block, or none.
        interval_block = block_lo.searchsorted(bounds[:-1], "right") - 1
        block_first = opens.nonzero()[0]
        block_first[:-1] = block_first[1:]
        block_first[-1] = len(lo)
        ends = reach[block_first - 1]
        inside = (interval_block >= 0) & (bounds[:-1] < ends[np.maximum(interval_block, 0)])
        return np.where(inside, block_comp[np.maximum(interval_block, 0)], -1)

    def snapshot(self, t: float) -> None:
        """Record what contested links carried since the last snapshot (at a bin edge) up to ``t``;
        every link's load must be unchanged from its ``link_since`` to ``t``."""
        carried = self.contended_bytes + self.link_load * (t - self.link_since)
        self.timeline.add_totals(self.edge_t, t, carried - self.edge_bytes)
        self.edge_t, self.edge_bytes = t, carried

    def snapshots(self, t: float) -> float:
        """Snapshot at every bin edge up to ``t`` (nothing may change in between); return the next edge."""
        edge = self.timeline.next_edge(self.edge_t)
        while edge <= t:
            self.snapshot(edge)
            edge = self.timeline.next_edge(self.edge_t)
        return edge

    # ------------------------------------------------------------------ the loop
    def run(self) -> EngineResult:
        idx, t_sent = self.release(np.flatnonzero(self.waits == 0))
        self.sent(idx, t_sent)
        empty = np.zeros(0, np.int64)
        no_time = np.zeros(0)
        waiting = empty  # released, on contested links, starting at self.start
        sending = empty
        group = empty  # of each sending transfer, within the window
        lookahead = self.lookahead
        while True:
            waiting = self.take_released(waiting)
            if not len(waiting) and not len(sending):
                break
            t0 = min(float(self.start[waiting].min()) if len(waiting) else np.inf,
                     float(self.finish_at[sending].min()) if len(sending) else np.inf)
            # Nothing changed since the last events: record the bin edges passed since then.
            edge = self.snapshots(t0)
            if lookahead > 0:
                # Events before this are independent across groups (windows stop at bin edges).
                end = min(t0 + lookahead, edge)
                due = self.start[waiting] < end
                joining, waiting = waiting[due], waiting[~due]
                # Joining transfers whose links are uncontested now stay so: settle them at once.
                alone = self.uncontested(joining)
                if alone.any():
                    solo = joining[alone]
                    self.sent(solo, self.send_alone(solo, self.start[solo]))
                    joining = joining[~alone]
                group, join_group, n_groups = self.groups(sending, joining)
            else:
                end = t0 + SNAP * t0  # one instant
                due = self.start[waiting] <= end
                joining, waiting = waiting[due], waiting[~due]
                group, join_group, n_groups = np.zeros(len(sending), np.int64), np.zeros(len(joining), np.int64), 1
            # What finishes within the window releases nothing that starts before its end: follow
            # it up once, at the end of the window.
            left_window, left_times = [], []
            while True:
                # Each group's next event: its first start or last byte leaving.
                next_t = np.empty(n_groups)
                next_t.fill(np.inf)
                np.minimum.at(next_t, group, self.finish_at[sending])
                np.minimum.at(next_t, join_group, self.start[joining])
                active = next_t < end if lookahead > 0 else next_t <= end
                if not active.any():
                    break
                self.events += 1
                horizon = next_t + SNAP * next_t
                leaving = active[group] & (self.finish_at[sending] <= horizon[group])
                finished, t_finished = sending[leaving], next_t[group[leaving]]
                sending, group = sending[~leaving], group[~leaving]
                due = active[join_group] & (self.start[joining] <= horizon[join_group])
                joined, t_joined, g_joined = joining[due], next_t[join_group[due]], join_group[due]
                joining, join_group = joining[~due], join_group[~due]
                if lookahead > 0:
                    left_window.append(finished)
                    left_times.append(t_finished)
                else:
                    joined, t_joined, g_joined, waiting = self.instant(finished, t0, joined, waiting, end)
                # The components touched: bring them up to their times, then recompute their rates.
                touched = self.comp[finished]
                if len(joined):
                    touched = np.concatenate([touched, self.link_comp[self.route_links(joined)[1]]])
                    touched = touched[touched >= 0]
                if len(touched):
                    self.comp_mark[touched] = True
                    in_touched = self.comp_mark[self.comp[sending]]
                    self.comp_mark[touched] = False
                    stay, t_stay = sending[in_touched], next_t[group[in_touched]]
                else:
                    stay, t_stay = empty, no_time
                self.update(stay, t_stay, finished, t_finished, joined, t_joined)
                sending, group = np.concatenate([sending, joined]), np.concatenate([group, g_joined])
                if self.pacer.due() and self.pacer.report(self.sent_bytes / self.total_bytes):
                    if left_window:
                        self.sent(np.concatenate(left_window), np.concatenate(left_times))
                    raise Cancelled(self.result(max(t0, float(self.link_since.max())), complete=False))
            if left_window:
                self.sent(np.concatenate(left_window), np.concatenate(left_times))
            if self.alone_count > ALONE_BATCH:
                self.record_alone()
        return self.result(float(np.nanmax(self.arrive, initial=0.0)), complete=True)

    def instant(self, finished: np.ndarray, t: float, starting: np.ndarray, waiting: np.ndarray, end: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """With no lookahead: ``finished`` left at ``t``; what they release may start at this same
        instant, as may ``starting``.  Returns the transfers that join the contested ones now (their
        times and group), and what is left waiting."""
        self.sent(finished, np.full(len(finished), t))
        joined = []
        while len(starting):
            # Their links may have become uncontested since they were released.
            alone = self.uncontested(starting)
            if alone.any():
                solo = starting[alone]
                self.sent(solo, self.send_alone(solo, self.start[solo]))
            joined.append(starting[~alone])
            waiting = self.take_released(waiting)
            now = self.start[waiting] <= end
            starting, waiting = waiting[now], waiting[~now]
        joined = np.concatenate(joined) if joined else np.zeros(0, np.int64)
        return joined, np.full(len(joined), t), np.zeros(len(joined), np.int64), waiting

    def result(self, t_end: float, complete: bool) -> EngineResult:
        fabric = self.fabric
        self.record_alone()
        self.snapshots(t_end)
        self.snapshot(t_end)
        chip_finish = np.zeros(fabric.n_chips)
        done = self.arrive <= t_end
        np.maximum.at(chip_finish, self.src[done], self.arrive[done])
        np.maximum.at(chip_finish, self.dst[done], self.arrive[done])
        edges, tl = self.timeline.result()
        return EngineResult(t_end, chip_finish, self.link_bytes + self.edge_bytes, self.saturated.copy(),
                            self.peak.copy(), edges, tl, "max-min", self.events, 0, self.n, complete)


def _running(lo: np.ndarray, hi: np.ndarray, weights: np.ndarray | None, n: int) -> np.ndarray:
    """Per position 0..n-1, the sum of ``weights`` (or the count) of the ranges [lo, hi) covering it."""
    return (np.bincount(lo, weights, minlength=n + 1) - np.bincount(hi, weights, minlength=n + 1)).cumsum()[:n]


def _expand(start: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """start[i], start[i] + 1, ..., start[i] + lengths[i] - 1 for every i, concatenated."""
    return (start - lengths.cumsum() + lengths).repeat(lengths) + np.arange(int(lengths.sum()))


def _run_maxmin(sched: Schedule, infos: dict[int, _PatternInfo], timeline: Timeline, pacer: _Pacer
                ) -> EngineResult:
    return _MaxMinRun(sched, infos, timeline, pacer).run()
