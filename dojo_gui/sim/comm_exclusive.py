"""The exclusive-links engine: a schedule none of whose links is on two routes, step by step.

Transfers on one route leave one after another (rule 2 of :mod:`.comm_schedule`), so no two
transfers ever share a link at the same time, every transfer runs at its route's slowest link,
and a transfer's arrival is ``start + bytes / bottleneck + route latency`` with ``start`` its
chip's overhead after the latest of its data, its route and its chip's message engine (rules 1-3):
the schedule is a longest-path computation over its steps, done step by step with numpy.  (Rule
4, messages in flight, cannot bind here: :func:`~.comm_common.exclusive_links` sends schedules
where a chip uses more routes than it can have messages in flight to the max-min engine.)  A step
whose transfers all become ready at one instant and are all alike (same latency, same
bottleneck) finishes at one instant, and is carried as that one number: a ring's 2(N-1)
identical steps cost a few scalar operations each, and their link statistics are summed per
pattern, not per step.  Nothing is assumed: uniformity is checked for every step from its inputs.

A run of steps that are not uniform (rings over tiles joined by slower edges, say) but repeat
one ring pattern, each step fed by the one before, is computed in closed form after its first
step (:mod:`.comm_ring_run`): its last step's times exactly, its timeline from a few dozen steps
computed exactly, the bytes of the steps between spread evenly over the time between them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from .comm_common import Cancelled, EngineResult, Pacer, PatternInfo
from .comm_ring_run import MAX_DISTINCT, RingRun
from .comm_schedule import Pattern, Schedule
from .comm_timeline import Timeline

# Runs of at least this many further steps are computed in closed form, not stepped.
RING_RUN_MIN = 16
# Steps of such a run computed exactly for the timeline (the bytes of the others spread between them).
RING_RUN_SAMPLES = 32


def ring_runs(sched: Schedule) -> list[int]:
    """For every step, the last step of the run it starts: the same pattern and bytes, each step fed
    only by the one before."""
    steps = sched.steps
    end = list(range(len(steps)))
    for q in range(len(steps) - 2, -1, -1):
        a, b = steps[q], steps[q + 1]
        if b.pattern is a.pattern and b.nbytes == a.nbytes and b.data_from == (q,):
            end[q] = end[q + 1]
    return end


def ring_predecessors(info: PatternInfo) -> np.ndarray | None:
    """For a pattern of rings (every chip sends once and receives once), the transfer that feeds each."""
    p = info.pattern
    if info.max_rank or len(np.unique(p.dst)) != p.size:
        return None
    by_dst = np.argsort(p.dst)
    at = np.searchsorted(p.dst[by_dst], p.src)
    at = np.minimum(at, p.size - 1)
    if not np.array_equal(p.dst[by_dst][at], p.src):
        return None
    return by_dst[at]

@dataclass
class Arrival:
    """When a step's transfers arrived: at one instant ``time_s`` (``latest`` None), or per chip, the
    latest arrival at each (``latest``; -inf where none arrived)."""

    time_s: float
    pid: int  # the step's pattern
    latest: np.ndarray | None = None


def run_exclusive(sched: Schedule, infos: dict[int, PatternInfo], timeline: Timeline, pacer: Pacer
                   ) -> EngineResult:
    fabric = sched.fabric
    n_chips = fabric.n_chips
    steps = sched.steps
    last_use: dict[int, int] = {}
    for q, step in enumerate(steps):
        for source in step.data_from:
            last_use[source] = q
    route_last = np.zeros(sched.routes.n)  # when the latest transfer on each route sent its last byte
    lazy: tuple[int, float] | None = None  # (pattern id, t): route_last[pattern.route] is t, not yet written
    # Rule 3: when each chip's message engine is free again (its latest message started sending), and the
    # same lazily for a pattern's source chips.
    engine_free = np.zeros(n_chips)
    engine_lazy: tuple[int, float] | None = None
    engine_used: set[int] = set()  # patterns whose source chips have sent something
    first_use: set[int] = set()
    arrival: dict[int, Arrival] = {}  # step -> when its transfers arrived
    covers: dict[tuple[int, int], np.ndarray] = {}  # (pattern, source pattern) -> which transfers it feeds
    pend_bytes: dict[int, float] = defaultdict(float)
    pattern_finish: dict[int, float | np.ndarray] = {}  # latest arrival of each transfer of a pattern
    t_end = 0.0
    uniform_steps = 0
    run_end = ring_runs(sched)
    preds: dict[int, np.ndarray | None] = {}

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

    def flush_engine() -> None:
        nonlocal engine_lazy
        if engine_lazy is not None:
            engine_free[infos[engine_lazy[0]].pattern.src] = engine_lazy[1]
            engine_lazy = None

    def engine_ready(pid: int, p: Pattern) -> tuple[float | None, np.ndarray | None]:
        """When the step's source chips' engines are free: one number, or one per transfer."""
        if engine_lazy is not None and engine_lazy[0] == pid:
            return engine_lazy[1], None
        if not engine_used and engine_lazy is None:
            return 0.0, None
        flush_engine()
        free = engine_free[p.src]
        return (float(free[0]), None) if (free == free[0]).all() else (None, free)

    def partial(t_now: float) -> EngineResult:
        return _exclusive_result(sched, infos, timeline, pend_bytes, pattern_finish, t_now, len(steps),
                                 uniform_steps, complete=False)

    q = -1
    while q + 1 < len(steps):
        q += 1
        step = steps[q]
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
            if got.latest is None:
                mask = fed(pid, got.pid)
                if ready_s is not None and mask.all():
                    ready_s = max(ready_s, got.time_s)
                    continue
                data = np.where(mask, got.time_s, -np.inf)
            else:
                data = got.latest[p.src]
            if ready_s is not None:
                ready_v, ready_s = np.full(p.size, ready_s), None
            assert ready_v is not None  # exactly one of ready_s and ready_v is set
            ready_v = np.maximum(ready_v, data)
        # Rule 3: and its chip's engine has started the chip's previous message.
        engine_s: float | None
        if info.serial_none:  # no overhead, nothing for the engine to do (latency left out)
            engine_s = -np.inf
        else:
            engine_s, _ = engine_ready(pid, p)
        if ready_s is not None and engine_s is not None and info.uniform and info.max_rank == 0:
            # Every transfer ready at one instant, all alike: the step is one number.
            start = max(ready_s, engine_s) + info.overhead0
            if not info.serial_none:
                engine_lazy = (pid, start)
                engine_used.add(pid)
            sent = start + nbytes / info.bw0
            arrive = sent + info.latency0
            if lazy is not None and lazy[0] != pid:
                flush_lazy()
            lazy = (pid, sent)
            first_use.add(pid)
            if q in last_use:
                arrival[q] = Arrival(arrive, pid)
            previous = pattern_finish.get(pid)
            pattern_finish[pid] = arrive if previous is None else np.maximum(previous, arrive)
            timeline.add_uniform(pid, info.inc_link, start, sent, nbytes)
            t_end = max(t_end, arrive)
            uniform_steps += 1
        else:
            if ready_v is None:
                ready_v = np.full(p.size, ready_s)
            if info.serial_none:
                start_v = ready_v + info.overhead
            else:
                flush_engine()
                engine_used.add(pid)
                # Chips without overhead do not wait for their engine (rule 3 is about the overhead).
                busy = np.where(info.serial, engine_free[p.src], -np.inf)
                if info.max_rank == 0:  # one message per chip
                    start_v = np.maximum(ready_v, busy) + info.overhead
                    engine_free[p.src[info.serial]] = start_v[info.serial]
                else:  # a chip's messages of the step one after another, in pattern order
                    start_v = np.empty(p.size)
                    for r in range(info.max_rank + 1):
                        sel = info.rank_members[r]
                        sel = sel[info.serial[sel]]
                        chips = p.src[sel]
                        start_v[sel] = np.maximum(ready_v[sel], engine_free[chips]) + info.overhead[sel]
                        engine_free[chips] = start_v[sel]
                    if not info.serial.all():
                        unserial = np.flatnonzero(~info.serial)
                        start_v[unserial] = ready_v[unserial] + info.overhead[unserial]
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
                arrival[q] = Arrival(t_end, pid, latest)
            previous = pattern_finish.get(pid)
            pattern_finish[pid] = arrive_v if previous is None else np.maximum(previous, arrive_v)
            timeline.add_intervals(pid, info, start_v, sent_v, nbytes)
            t_end = max(t_end, float(arrive_v.max()))
            if run_end[q] - q >= RING_RUN_MIN:
                if pid not in preds:
                    preds[pid] = ring_predecessors(info)
                pred = preds[pid]
                w = nbytes / info.bw
                if pred is not None and len(np.unique(w + info.overhead)) <= MAX_DISTINCT:
                    end = run_end[q]
                    arrive_v, latest = _ring_run(info, pred, start_v, w, q, end, timeline, nbytes, n_chips)
                    sent_v = arrive_v - info.latency
                    route_last[p.route] = sent_v
                    if not info.serial_none:
                        engine_free[p.src] = sent_v - w
                    arrival.pop(q, None)
                    if end in last_use:
                        arrival[end] = Arrival(t_end, pid, latest)
                    pattern_finish[pid] = np.maximum(pattern_finish[pid], arrive_v)
                    t_end = max(t_end, float(arrive_v.max()))
                    pend_bytes[pid] += nbytes * (end - q)
                    for src_step in step.data_from:
                        if last_use.get(src_step) == q:
                            del arrival[src_step]
                    pend_bytes[pid] += nbytes
                    q = end
                    continue
        pend_bytes[pid] += nbytes
        for src_step in step.data_from:
            if last_use.get(src_step) == q:
                del arrival[src_step]
        if pacer.due() and pacer.report((q + 1) / len(steps)):
            raise Cancelled(partial(t_end))
    return _exclusive_result(sched, infos, timeline, pend_bytes, pattern_finish, t_end, len(steps), uniform_steps,
                             complete=True)


def _ring_run(info: PatternInfo, pred: np.ndarray, start_v: np.ndarray, w: np.ndarray, q: int, end: int,
              timeline: Timeline, nbytes: float, n_chips: int) -> tuple[np.ndarray, np.ndarray]:
    """Steps q + 1 .. end of a ring run whose step q started at ``start_v``: record their timeline and
    return the last step's arrivals, and per chip the latest of them."""
    h, o = info.latency, info.overhead
    run = RingRun(start_v, pred, w[pred] + h[pred] + o, w + o)
    steps = end - q
    samples = np.unique(np.linspace(0, steps, min(steps, RING_RUN_SAMPLES) + 1).astype(np.int64))
    sent_before = start_v + w
    for a, b in pairwise(samples.tolist()):
        sent_b = run.starts(int(b)) + w
        # Steps a + 1 .. b of every transfer sent their bytes between step a's last byte and step b's.
        if nbytes > 0:
            timeline.add_transfers(info.inc_owner, info.inc_link, sent_before, sent_b,
                                   np.full(len(w), nbytes * (b - a)))
        sent_before = sent_b
    arrive = sent_before + h
    latest = np.full(n_chips, -np.inf)
    latest[info.pattern.dst] = arrive
    return arrive, latest


def _exclusive_result(sched: Schedule, infos: dict[int, PatternInfo], timeline: Timeline,
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

