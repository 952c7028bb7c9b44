"""A hierarchical collective run level by level: an estimate for schedules too big to run whole.

With latency counted, a hierarchical collective's chips fall out of step (a hop's latency here
and there), and the max-min engine then takes one round per distinct start and finish: about
4,000 rounds, 7 s of CPU time, for an all-reduce over the 3,000 chips of the ExaPOD.  Run
*level-synchronously* instead, each level of the hierarchy (the tiles' rings, then the rings
across each cabinet's tiles, then across the cabinets, and back down) starts when the level
before it has finished on every chip, with every chip's message engine idle: the chips of a level
start in step, the level takes a few rounds a step, and a level that repeats one already run (an
all-gather going back down over the rings its reduce-scatter came up by, with the same bytes) is
not run again.  Each level is exact in itself; the barrier between levels is the approximation:
it stops a chip that finished a level early from starting the next while others are still busy,
so the estimate is usually a little above the exact run (the ExaPOD's 1 GiB all-reduce: 1,047.8 us
against 1,008.1 us exact, +3.9 %).  The result says so (``CommResult.exact`` False and a note).

:func:`use_levels` says when :func:`dojo_gui.sim.comm.simulate_collective` runs this way by itself:
hierarchical reduce-scatter, all-gather or all-reduce in one chunk, latency counted, that needs
the max-min engine and has more than :data:`LEVELWISE_TRANSFERS` transfers.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .comm_classes import run_copies
from .comm_common import DEFAULT_BINS, Cancelled, EngineResult, ProgressFn, StopFn, needs_max_min
from .comm_schedule import Schedule, Step

# Above this many transfers a hierarchical collective with latency runs level by level, unless the
# caller asks for the exact run (the ExaPOD's all-reduce has 264,000; the tests' designs a few thousand).
LEVELWISE_TRANSFERS = 100_000
# What the result says of the estimate.
LEVELWISE_NOTE = ("estimate: simulated level by level, each level of the hierarchy starting when the level below "
                  "has finished on every chip (exact within each level; the barrier between levels usually makes "
                  "it a little slower than the exact run, +3.9 % on the ExaPOD's 1 GiB all-reduce); run with "
                  "exact=True (--exact) for the full simulation")
MODE = "max-min, level by level"


def use_levels(sched: Schedule, algorithm: str, collective: str, chunks: int, latency: bool) -> bool:
    """Whether ``sched`` is run level by level when the caller leaves it to the engine."""
    return (algorithm == "hierarchical" and collective in ("allreduce", "reducescatter", "allgather")
            and chunks == 1 and latency and sched.n_transfers > LEVELWISE_TRANSFERS and needs_max_min(sched, latency))


def levels_of(sched: Schedule) -> list[Schedule]:
    """The schedule's phases (runs of steps with one phase name), each a schedule of its own whose steps
    wait only for steps of the same phase."""
    parts: list[list[int]] = []
    for q, step in enumerate(sched.steps):
        if not parts or sched.steps[parts[-1][0]].phase != step.phase:
            parts.append([])
        parts[-1].append(q)
    levels = []
    for part in parts:
        base = part[0]
        steps = [Step(sched.steps[q].pattern, sched.steps[q].nbytes,
                      tuple(p - base for p in sched.steps[q].data_from if p >= base), sched.steps[q].phase)
                 for q in part]
        levels.append(Schedule(sched.fabric, sched.chips, sched.routes, steps, list(sched.notes)))
    return levels


LevelKey = tuple[tuple[bytes, float, tuple[int, ...]], ...]


def _key(level: Schedule) -> LevelKey:
    """Levels with equal keys run alike: the same transfers, bytes and dependencies, step by step."""
    transfers = {id(p): p.src.tobytes() + p.dst.tobytes() + p.route.tobytes() for p in level.patterns()}
    return tuple((transfers[id(s.pattern)], s.nbytes, s.data_from) for s in level.steps)


def run_levels(sched: Schedule, *, latency: bool = True, n_bins: int = DEFAULT_BINS,
               progress: ProgressFn | None = None, should_stop: StopFn | None = None) -> EngineResult:
    """Run ``sched`` level by level (module notes); raises :class:`Cancelled` with what was run so far."""
    fabric = sched.fabric
    levels = levels_of(sched)
    done: dict[LevelKey, EngineResult] = {}
    runs: list[EngineResult] = []
    for k, level in enumerate(levels):
        key = _key(level)
        if key not in done:
            share = (lambda f, k=k: progress((k + f) / len(levels))) if progress is not None else None
            try:
                done[key] = run_copies(level, latency=latency, n_bins=n_bins, progress=share,
                                       should_stop=should_stop)
            except Cancelled as exc:
                partial = exc.partial
                assert isinstance(partial, EngineResult)
                exc.partial = _combine(fabric.n_links, fabric.n_chips, [*runs, partial], n_bins, sched.n_transfers,
                                       complete=False)
                raise
        runs.append(done[key])
    return _combine(fabric.n_links, fabric.n_chips, runs, n_bins, sched.n_transfers, complete=True)


def _combine(n_links: int, n_chips: int, runs: list[EngineResult], n_bins: int, transfers: int,
             complete: bool) -> EngineResult:
    """The levels' runs one after another, as one run."""
    total = float(sum(r.time_s for r in runs))
    edges = np.linspace(0.0, total if total > 0 else 1e-9, n_bins + 1)
    bins = np.zeros((n_bins, n_links), np.float32)
    link_bytes = np.zeros(n_links)
    saturated = np.zeros(n_links)
    peak = np.zeros(n_links, np.int32)
    chip_finish = np.zeros(n_chips)
    offset = 0.0
    for r in runs:
        link_bytes += r.link_bytes
        saturated += r.link_saturated_s
        np.maximum(peak, r.link_peak_flows, out=peak)
        busy = r.chip_finish_s > 0
        chip_finish[busy] = offset + r.chip_finish_s[busy]
        _add_bins(bins, edges, offset + r.timeline_edges_s, r.timeline_bytes)
        offset += r.time_s
    return EngineResult(total, chip_finish, link_bytes, saturated, peak, edges, bins, MODE,
                        sum(r.events for r in runs), sum(r.uniform_steps for r in runs), transfers, complete)


def _add_bins(bins: npt.NDArray[np.float32], edges: npt.NDArray[np.float64], run_edges: npt.NDArray[np.float64],
              run_bins: npt.NDArray[np.float32]) -> None:
    """Add a run's timeline (bins between ``run_edges``) to ``bins`` (between ``edges``), each of its bins'
    bytes spread evenly over its width."""
    last = len(bins) - 1
    for i in np.flatnonzero(run_bins.any(axis=1)).tolist():
        t0, t1 = float(run_edges[i]), float(run_edges[i + 1])
        first = min(int(np.searchsorted(edges, t0, "right")) - 1, last)
        end = min(max(int(np.searchsorted(edges, t1, "left")) - 1, first), last)
        for j in range(first, end + 1):
            share = (min(t1, float(edges[j + 1])) - max(t0, float(edges[j]))) / (t1 - t0) if t1 > t0 else 1.0
            if share > 0 or first == end:
                bins[j] += np.float32(max(share, 0.0) if first != end else 1.0) * run_bins[i]
