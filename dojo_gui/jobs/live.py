"""What a live run does, without Qt: the jobs, their control, the buffer they publish into.

A job runs on a snapshot of the design in the worker thread (:mod:`dojo_gui.ui.simulation.worker`),
in small slices so that Stop, Pause and the GUI thread (which shares the GIL) are never
kept waiting for long:

- :class:`CommJob`: one collective on a scope (:func:`dojo_gui.sim.comm.simulate_collective`,
  which checks ``should_stop`` about every 50 ms);
- :class:`ThermalJob`: a power and cooling scenario (:class:`dojo_gui.sim.thermal.ThermalRun`,
  advanced a few tens of milliseconds of wall time at a time).  A training step first needs
  the time of its gradient collective, which on a large design can take long: it is computed
  once per (design revision, collective, size, algorithm) and kept in a :class:`CommTimeCache`.

The worker publishes into a :class:`LiveBuffer` (thread-safe); the GUI drains it at its own
pace.  The outcome of a job is an :class:`Outcome`: finished, stopped (with what was
computed until then) or failed (with a message for the window).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

import numpy as np

from .. import units
from ..model.design import Design
from ..model.partindex import PartIndex
from ..model.runs import RunRecord, RunRecordError, parse_run
from ..sim.results import RecordPlan, ThermalResult
from ..sim.scenario import CommTime, Scenario, ScenarioError, TrainingStep

if TYPE_CHECKING:
    from ..fabric.fabric import Fabric
    from ..sim.comm import CommResult
    from ..sim.thermal import ThermalRun
    from ..sim.training.result import TrainingResult
    from .training import TrainingJob

log = logging.getLogger(__name__)

# Wall time per slice of a thermal run: short enough that Stop is immediate and the GUI thread
# gets the GIL often, long enough that the slices' own overhead does not matter.
SLICE_S = 0.015
STATE_EVERY_S = 0.1  # per-part values (for the canvas) at most this often
# What a live run keeps: room series fine enough for plots, few per-part frames (a 30,000-chip room
# keeps 30,000 values per frame).
LIVE_RECORD = RecordPlan(room_points=3000, part_points=40)


class Stopped(Exception):
    """The user stopped the run (raised out of a phase that cannot hand back a partial result)."""


# --------------------------------------------------------------------------- jobs
@dataclass(frozen=True)
class CommJob:
    """One collective on a scope of the design."""

    collective: str = "allreduce"
    size_bytes: float = float(1 << 30)
    algorithm: str = "auto"
    scope: str = "room"
    chunks: int = 1
    latency: bool = True

    kind = "comm"

    def describe(self) -> str:
        where = "" if self.scope in ("", "room") else f" on {self.scope}"
        return f"{self.collective} of {units.format(self.size_bytes, 'B')}, {self.algorithm}{where}"


@dataclass
class ThermalJob:
    """A power and cooling scenario (a constant load, a trace or training steps under some weather)."""

    scenario: Scenario
    kind = "thermal"

    @property
    def training(self) -> TrainingStep | None:
        w = self.scenario.workload
        return w if isinstance(w, TrainingStep) else None

    def describe(self) -> str:
        s = self.scenario
        w = s.workload
        what = {"constant": lambda: f"utilization {units.format(getattr(w, 'utilization', 0.0), '%')}",
                "trace": lambda: f"trace {getattr(w, 'source', '')}",
                "train": lambda: f"training steps of {units.format(getattr(w, 'flops_per_chip', 0.0), 'FLOP')}"}
        return f"{what[w.kind]()}, {units.format(s.duration_s, 's')} at {units.format(s.dt_s, 's')}"


# A model's training (plan or search, then its steps on the thermal engine) is a job of its own module.
Job = Union[CommJob, ThermalJob, "TrainingJob"]


# --------------------------------------------------------------------------- control
class Control:
    """Pause, resume and stop, shared by the GUI (which asks) and the worker (which obeys); thread-safe."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._go = threading.Event()
        self._go.set()
        self.waiting = False  # the worker is held at a pause right now

    def stop(self) -> None:
        self._stop.set()
        self._go.set()  # a paused worker wakes up to stop

    def pause(self) -> None:
        if not self._stop.is_set():
            self._go.clear()

    def resume(self) -> None:
        self._go.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    @property
    def paused(self) -> bool:
        return not self._go.is_set()

    def should_stop(self) -> bool:
        """Wait here while paused; then whether to stop (the engines' ``should_stop`` callback)."""
        if not self._go.is_set():
            self.waiting = True
            self._go.wait()
            self.waiting = False
        return self._stop.is_set()


# --------------------------------------------------------------------------- the buffer
@dataclass
class LiveUpdate:
    """What arrived since the GUI last looked."""

    phase: str  # what the worker is doing, in words
    fraction: float  # of the phase
    phase_started: float  # time.monotonic() when the phase began (for the estimate of what is left)
    time_s: float  # simulated time reached (thermal)
    duration_s: float  # simulated time the run will reach (thermal; 0 for a collective)
    room_time_s: np.ndarray  # new room frames (thermal)
    room: dict[str, np.ndarray]
    state: dict[str, Any] | None  # the latest per-part values, if new
    setup: dict[str, Any] | None  # what the run is about, once when it is known (paths, frame capacity, ...)
    fraction_at: float = 0.0  # time.monotonic() when the engine reported ``fraction`` (for the time left)


class LiveBuffer:
    """The worker's latest results, waiting for the GUI's next tick (every method is thread-safe).

    Room frames accumulate (every one is plotted); per-part values and progress are replaced
    by the latest (only the newest state is worth drawing).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._phase, self._fraction, self._phase_started = "starting", 0.0, time.monotonic()
        self._fraction_at = self._phase_started
        self._time_s, self._duration_s = 0.0, 0.0
        self._times: list[np.ndarray] = []
        self._rooms: list[dict[str, np.ndarray]] = []
        self._state: dict[str, Any] | None = None
        self._setup: dict[str, Any] | None = None

    # ---- worker side
    def phase(self, text: str, fraction: float = 0.0) -> None:
        with self._lock:
            now = time.monotonic()
            if text != self._phase:
                self._phase, self._phase_started = text, now
            self._fraction, self._fraction_at = min(max(float(fraction), 0.0), 1.0), now

    def setup(self, **info: Any) -> None:
        with self._lock:
            self._setup = info
            self._duration_s = float(info.get("duration_s", 0.0))

    def frames(self, times: np.ndarray, room: dict[str, np.ndarray], time_s: float, fraction: float) -> None:
        with self._lock:
            if len(times):
                self._times.append(times)
                self._rooms.append(room)
            self._time_s, self._fraction, self._fraction_at = time_s, fraction, time.monotonic()

    def state(self, state: dict[str, Any]) -> None:
        with self._lock:
            self._state = state

    # ---- GUI side
    def take(self) -> LiveUpdate:
        with self._lock:
            times, rooms, self._times, self._rooms = self._times, self._rooms, [], []
            state, self._state = self._state, None
            setup, self._setup = self._setup, None
            phase, fraction, started, fraction_at = self._phase, self._fraction, self._phase_started, self._fraction_at
            time_s, duration = self._time_s, self._duration_s
        if len(times) == 1:
            t, room = times[0], rooms[0]
        elif times:
            t = np.concatenate(times)
            room = {k: np.concatenate([r[k] for r in rooms]) for k in rooms[0]}
        else:
            t, room = np.zeros(0), {}
        return LiveUpdate(phase, fraction, started, time_s, duration, t, room, state, setup, fraction_at)


# --------------------------------------------------------------------------- the outcome
@dataclass
class Outcome:
    """How a job ended, and what it computed."""

    status: str  # "finished", "stopped" or "failed"
    job: Job
    revision: int  # DesignDocument.content_revision of the snapshot it ran on
    result: ThermalResult | CommResult | TrainingResult | None = None  # what the job's engine computed
    comm: CommResult | None = None  # the result of the collective (a collective, or a training step's gradients)
    links: dict[str, Any] | None = None  # link geometry for the heat map: see :func:`link_geometry`
    message: str = ""  # why it failed, in words
    detail: str = ""  # the traceback, for the log
    wall_s: float = 0.0
    field: str = ""  # the job's parameter a refusal is about (a training plan's "tp", ...), or ""
    design: Design | None = None  # the snapshot it ran on (what a kept run keeps a print of)


# --------------------------------------------------------------------------- the cache of collective times
@dataclass
class CachedComm:
    time: CommTime
    result: CommResult  # what it came from
    links: dict[str, Any]  # its link geometry


# (design revision, collective, size in bytes, algorithm)
CommKey = tuple[int, str, float, str]


class CommTimeCache:
    """Collective results by (design revision, collective, size, algorithm): a training step on a large
    design needs its gradient collective once, not at every run (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[CommKey, CachedComm] = {}

    @staticmethod
    def key(revision: int, workload: TrainingStep) -> CommKey:
        return (revision, workload.collective, float(workload.gradient_bytes), workload.algorithm)

    def get(self, key: CommKey) -> CachedComm | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: CommKey, entry: CachedComm) -> None:
        with self._lock:
            # Older revisions cannot come back except by undo; keep a few for that, not all.
            if len(self._entries) >= 16:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = entry

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


# --------------------------------------------------------------------------- running
def execute(job: Job, design: Design, revision: int, buffer: LiveBuffer, control: Control,
            cache: CommTimeCache) -> Outcome:
    """Run ``job`` on ``design`` (a snapshot nobody else touches) until it ends; never raises for
    a problem with the design or the scenario (that is a failed Outcome), only for a bug."""
    started = time.perf_counter()
    if isinstance(job, CommJob):
        outcome = _run_comm(job, design, revision, buffer, control)
    elif isinstance(job, ThermalJob):
        outcome = _run_thermal(job, design, revision, buffer, control, cache)
    else:
        from .training import run_training

        outcome = run_training(job, design, revision, buffer, control)
    outcome.wall_s = time.perf_counter() - started
    outcome.design = design
    return outcome


# Problems with the input (not bugs): their message is shown as it is.
def input_errors() -> tuple[type[BaseException], ...]:
    from ..fabric.routing import NoRoute
    from ..sim.collectives import CollectiveError
    from ..sim.comm import TooLarge
    from ..sim.thermal import InvariantError, ThermalModelError

    return (ScenarioError, ThermalModelError, InvariantError, CollectiveError, TooLarge, NoRoute)


def _simulate_collective(design: Design, collective: str, size_bytes: float, algorithm: str, scope: str, chunks: int,
                         latency: bool, buffer: LiveBuffer, control: Control,
                         what: str) -> tuple[CommResult, dict[str, Any]]:
    """(CommResult, link geometry), reporting progress as phase ``what``; raises Stopped when stopped."""
    from ..fabric.fabric import Fabric
    from ..sim.comm import Cancelled, simulate_collective

    buffer.phase(what, 0.0)
    fabric = Fabric.from_design(design)
    if control.should_stop():
        raise Stopped()
    try:
        result = simulate_collective(design, collective, size_bytes, algorithm,
                                     None if scope in ("", "room") else scope, chunks, latency=latency, fabric=fabric,
                                     should_stop=control.should_stop, progress=lambda f: buffer.phase(what, f))
    except Cancelled as exc:
        raise Stopped(exc.partial) from None
    return result, link_geometry(fabric, result, design)


def _run_comm(job: CommJob, design: Design, revision: int, buffer: LiveBuffer, control: Control) -> Outcome:
    buffer.setup(kind="comm", duration_s=0.0)
    try:
        result, links = _simulate_collective(design, job.collective, job.size_bytes, job.algorithm, job.scope,
                                             job.chunks, job.latency, buffer, control,
                                             f"Simulating the {job.describe()}")
    except Stopped as stop:
        partial = stop.args[0] if stop.args else None
        return Outcome("stopped", job, revision, result=partial)
    except input_errors() as exc:
        return Outcome("failed", job, revision, message=str(exc))
    buffer.phase("Done", 1.0)
    return Outcome("finished", job, revision, result=result, comm=result, links=links)


def _run_thermal(job: ThermalJob, design: Design, revision: int, buffer: LiveBuffer, control: Control,
                 cache: CommTimeCache) -> Outcome:
    from ..sim.thermal import ThermalRun

    scenario = job.scenario
    training = job.training
    comm_entry: CachedComm | None = None
    try:
        if training is not None:
            key = CommTimeCache.key(revision, training)
            comm_entry = cache.get(key)
            if comm_entry is None:
                what = (f"Communication time of each step: the {training.collective} of "
                        f"{units.format(training.gradient_bytes, 'B')} ({training.algorithm})")
                result, links = _simulate_collective(design, training.collective, training.gradient_bytes,
                                                     training.algorithm, "room", 1, True, buffer, control, what)
                detail = (f"{training.collective} of {units.format(training.gradient_bytes, 'B')} simulated by the "
                          f"communication engine ({result.algorithm})")
                comm_entry = CachedComm(CommTime(float(result.time_s), "comm-engine", detail), result, links)
                cache.put(key, comm_entry)
        if control.should_stop():
            raise Stopped()
        buffer.phase("Preparing the power and cooling model", 0.0)
        provider = (lambda _design, _workload: comm_entry.time) if comm_entry is not None else None
        run = ThermalRun(design, scenario, comm_time=provider, record=LIVE_RECORD)
    except Stopped:
        return Outcome("stopped", job, revision)
    except input_errors() as exc:
        return Outcome("failed", job, revision, message=str(exc))
    announce_thermal(run, buffer, training=training is not None,
                     comm_time_s=comm_entry.time.time_s if comm_entry else None)
    try:
        stream_thermal(run, buffer, control)
    except input_errors() as exc:  # an invariant failed or the design ran away thermally mid-run
        buffer.state(run.state())
        return Outcome("failed", job, revision, result=run.result(), message=str(exc),
                       comm=comm_entry.result if comm_entry else None, links=comm_entry.links if comm_entry else None)
    thermal = run.result()
    return Outcome("stopped" if thermal.stopped else "finished", job, revision, result=thermal,
                   comm=comm_entry.result if comm_entry else None, links=comm_entry.links if comm_entry else None)


def announce_thermal(run: ThermalRun, buffer: LiveBuffer, **info: Any) -> None:
    """Tell the GUI what a thermal run is about (its parts, frames, limits) before its first frames."""
    tree = run.tree
    buffer.setup(kind="thermal", duration_s=run.scenario.duration_s, frames=len(run.recorder.room_time),
                 index=PartIndex({"chip": tree.chip_paths, "tile": tree.tile_paths, "cabinet": tree.cabinet_paths}),
                 limits=_limits(run), **info)
    buffer.phase("Simulating power and cooling", 0.0)


def stream_thermal(run: ThermalRun, buffer: LiveBuffer, control: Control) -> None:
    """Advance ``run`` in slices to its end (or until stopped), publishing its frames and, a few times a
    second, its per-part values."""
    room_from = part_from = 0
    last_state = -math.inf
    while not run.done:
        if control.should_stop():
            run.cancel()
            break
        run.advance(wall_s=SLICE_S, should_stop=control.should_stop)
        new = run.frames(room_from, part_from)
        room_from, part_from = new["room_count"], new["part_count"]
        buffer.frames(new["room_time_s"], new["room"], run.time_s, run.progress)
        now = time.monotonic()
        if now - last_state >= STATE_EVERY_S or run.done:
            buffer.state(run.state())
            last_state = now
        time.sleep(0)  # hand the GIL to the GUI thread if it is waiting
    buffer.state(run.state())


def _limits(run: ThermalRun) -> dict[str, np.ndarray]:
    """What each part's power is measured against on the canvas (chip TDP, tile and cabinet budgets), and
    the chips' throttle temperature (``tj_c``)."""
    tree = run.tree
    return {"chip": tree.chip["tdp_w"].astype(float), "tj_c": tree.chip["tj_max_c"].astype(float),
            "tile": np.array([s.power_budget_w for s in tree.tile_specs], float),
            "cabinet": np.array([s.power_budget_w for s in tree.cabinet_specs], float)}


# --------------------------------------------------------------------------- links
def link_geometry(fabric: Fabric, result: CommResult, design: Design | None = None) -> dict[str, Any]:
    """Where each directed link of the collective's fabric is on the global chip grid, and each chip's path.

    ``src_rc``/``dst_rc``: (links, 2) grid coordinates (NaN for links with a switch or an interface
    processor at an end); ``chip_paths``; ``chip_rc``: each chip's grid coordinates (None without a
    grid); ``link_src``/``link_dst`` node indices (chips are 0..n_chips-1); ``wrap``: links that close
    a torus; ``part_names``: the names of the design's cabinets and tiles by path ("" where unnamed).
    """
    n = fabric.n_chips
    coords = fabric.chip_coords
    src, dst = fabric.link_src.astype(np.int64), fabric.link_dst.astype(np.int64)
    on_grid = (src < n) & (dst < n) & (coords is not None)
    src_rc = np.full((len(src), 2), np.nan)
    dst_rc = np.full((len(src), 2), np.nan)
    if coords is not None:
        src_rc[on_grid] = coords[src[on_grid]]
        dst_rc[on_grid] = coords[dst[on_grid]]
    names = {part.path: part.name for part in design.parts() if part.level in ("cabinet", "tile")} if design else {}
    return {"src_rc": src_rc, "dst_rc": dst_rc, "link_src": src, "link_dst": dst, "n_chips": n,
            "chip_paths": list(fabric.chip_paths or []), "wrap": fabric.link_wrap.copy(),
            "chip_rc": None if coords is None else np.asarray(coords, float).copy(), "part_names": names,
            "grid_shape": tuple(int(x) + 1 for x in coords.max(axis=0)) if coords is not None and len(coords) else None}


def chip_link_load(links: dict[str, Any], utilization: np.ndarray) -> np.ndarray:
    """Each chip's busiest link (in or out): the value a chip shows when coloured by link load."""
    n = links["n_chips"]
    load = np.zeros(n)
    src, dst = links["link_src"], links["link_dst"]
    mine = src < n
    np.maximum.at(load, src[mine], utilization[mine])
    mine = dst < n
    np.maximum.at(load, dst[mine], utilization[mine])
    return load


def collective_progress(result: CommResult) -> dict[str, np.ndarray]:
    """The collective over time, from its per-link timeline: time at the end of each bin, the share of
    all bytes delivered by then, the mean utilization of the links in use in the bin, and the share
    of chips that had finished."""
    edges = np.asarray(result.timeline_edges_s, float)
    end = float(result.time_s)
    keep = edges[:-1] < end if end > 0 else np.ones(len(edges) - 1, bool)  # bins past the end are empty
    t = np.minimum(edges[1:], end) if end > 0 else edges[1:]
    widths = np.diff(edges)
    cap = np.asarray(result.links.capacity_Bps, float)
    util = np.asarray(result.timeline_utilization, float)
    per_bin = (util * cap[None, :]).sum(axis=1) * widths
    total = per_bin.sum()
    delivered = np.cumsum(per_bin) / total if total > 0 else np.zeros_like(t)
    used = np.asarray(result.link_bytes) > 0
    mean_util = util[:, used].mean(axis=1) if used.any() else np.zeros_like(t)
    finish = np.sort(np.asarray(result.chip_finish_s, float))
    done = np.searchsorted(finish, t * (1 + 1e-12), side="right") / max(len(finish), 1)
    return {"time_s": t[keep], "delivered_fraction": delivered[keep], "mean_utilization_fraction": mean_util[keep],
            "chips_done_fraction": done[keep]}


# --------------------------------------------------------------------------- run records
def run_record(outcome: Outcome, label: str = "") -> RunRecord:
    """The outcome as a saved-run record (:mod:`dojo_gui.model.runs`) with a print of the design it ran on
    and its parts' values (:mod:`.keep`); a :class:`RunRecordError` if it cannot be one."""
    from .keep import keep_design

    if isinstance(outcome.job, CommJob) and not label:
        label = outcome.job.describe()
    if outcome.result is None:
        raise RunRecordError("the run", f"it {outcome.status} before computing anything to keep")
    record = parse_run(outcome.result.run_record(label=label, revision=outcome.revision), "the run")
    return keep_design(record, outcome.design, outcome.result) if outcome.design is not None else record
