"""Times a schedule cannot beat, found without running it in full (``auto`` uses them to skip
algorithms that cannot win)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from .comm_common import Pacer, PatternInfo, TooLarge, pattern_infos
from .comm_exclusive import run_exclusive
from .comm_schedule import Schedule
from .comm_timeline import Timeline


def floor_s(sched: Schedule, latency: bool = True) -> float:
    """A time the schedule cannot beat, found without the max-min engine: the larger of the run as
    if no link were shared (sharing only slows transfers) and :func:`quick_floor_s`."""
    infos = pattern_infos(sched, latency)
    quick = quick_floor_s(sched, latency, infos)
    try:
        relaxed = run_exclusive(sched, infos, Timeline(sched.fabric.n_links, 2, 1e-9), Pacer(None, None)).time_s
    except TooLarge:  # too many hops to list one by one: the quick floor is the floor
        return quick
    return max(relaxed, quick)


def quick_floor_s(sched: Schedule, latency: bool = True, infos: dict[int, PatternInfo] | None = None) -> float:
    """A time the schedule cannot beat, in a few operations per step: the larger of

    - the busiest link's bytes over its capacity;
    - the busiest chip's message engine: its messages times its per-message overhead (rule 3);
    - the longest chain of steps each of whose transfers all wait for data from the one before:
      no transfer of a step arrives before the earliest arrival of that step's source step plus
      the smallest overhead and latency of its transfers plus its bytes at their fastest route.
    """
    if infos is None:  # the caller's, when it has them (they route every pattern)
        infos = pattern_infos(sched, latency)
    per_pattern: dict[int, float] = defaultdict(float)
    for step in sched.steps:
        per_pattern[id(step.pattern)] += step.nbytes
    load = np.zeros(sched.fabric.n_links)
    for pid, nbytes in per_pattern.items():
        load += sched.routes.link_counts(infos[pid].pattern.route) * nbytes
    busiest = float((load / sched.fabric.link_capacity_Bps).max(initial=0.0))
    if latency:
        per_pattern_steps: dict[int, int] = defaultdict(int)
        for step in sched.steps:
            per_pattern_steps[id(step.pattern)] += 1
        messages = np.zeros(sched.fabric.n_chips)
        for pid, count in per_pattern_steps.items():
            messages += count * np.bincount(infos[pid].pattern.src, minlength=sched.fabric.n_chips)
        busiest = max(busiest, float((messages * sched.fabric.chip_overhead_s).max(initial=0.0)))
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

