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
:class:`MaxMinRun`; a plain reference simulation in the tests checks it gives the same
answers).

Both record bytes per link, how long each link was the bottleneck of some transfer, the most
transfers a link carried at once, and a per-link timeline of bytes in time bins (the bins
double in width whenever the run outgrows them, so their number stays fixed).
"""

from __future__ import annotations

from .comm_common import (
    ALONE_BATCH,
    BATCH_ENTRIES,
    DEFAULT_BINS,
    MAX_MAXMIN_TRANSFERS,
    SNAP,
    Cancelled,
    EngineResult,
    Pacer,
    ProgressFn,
    StopFn,
    TooLarge,
    exclusive_links,
    needs_max_min,
    pattern_infos,
)
from .comm_exclusive import run_exclusive
from .comm_floors import floor_s, quick_floor_s
from .comm_maxmin_run import run_maxmin
from .comm_schedule import Schedule
from .comm_timeline import Timeline

__all__ = [
    "ALONE_BATCH",
    "BATCH_ENTRIES",
    "DEFAULT_BINS",
    "MAX_MAXMIN_TRANSFERS",
    "SNAP",
    "Cancelled",
    "EngineResult",
    "Pacer",
    "Timeline",
    "TooLarge",
    "exclusive_links",
    "floor_s",
    "needs_max_min",
    "quick_floor_s",
    "run",
]


def run(sched: Schedule, *, latency: bool = True, n_bins: int = DEFAULT_BINS, progress: ProgressFn | None = None,
        should_stop: StopFn | None = None, mode: str = "auto") -> EngineResult:
    """Run ``sched``.  ``mode``: "auto" (exclusive links when they hold, else max-min), "exclusive",
    "max-min", or "relaxed": as if no two transfers ever shared a link, which is exact when links are
    exclusive and a lower bound on the time otherwise (sharing only ever slows a transfer down).

    Raises :class:`Cancelled` (with the partial result) when ``should_stop()`` returns True.
    """
    infos = pattern_infos(sched, latency)
    estimate = sum(infos[id(s.pattern)].alpha_max + s.nbytes / infos[id(s.pattern)].bw_min for s in sched.steps)
    timeline = Timeline(sched.fabric.n_links, n_bins, estimate / n_bins if estimate > 0 else 1e-9)
    pacer = Pacer(progress, should_stop)
    exclusive = mode == "relaxed" or exclusive_links(sched, infos)
    if mode == "exclusive" and not exclusive:
        raise ValueError("this schedule puts two routes on one link; it needs the max-min engine")
    if mode in ("exclusive", "relaxed") or (mode == "auto" and exclusive):
        result = run_exclusive(sched, infos, timeline, pacer)
        if mode == "relaxed":
            result.mode = "relaxed"
    else:
        result = run_maxmin(sched, infos, timeline, pacer)
    if progress is not None:
        progress(1.0)
    return result

