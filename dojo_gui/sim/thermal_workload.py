"""Phase 1 of a coupled step: what drives it — each chip's utilization and the outdoor air.

:class:`TimeSteps` is the run's grid of steps (the last one shorter when the duration is
not a whole number of them).  :class:`StepInputs` gives each step's mean utilization and
mean ambient, exact over the step (traces and weather curves are integrated, not
sampled), computed ``INPUT_CHUNK`` steps at a time.  :class:`TrainingTimeline` is the
periodic compute–wait–communicate timeline of synchronous training steps, whose period
follows the slowest chip's clock.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..model.design import Design
from ..model.specs import ChipSpec, RoomSpec
from .scenario import (
    Ambient,
    CommTime,
    CommTimeProvider,
    ConstantLoad,
    Scenario,
    ScenarioError,
    TrainingStep,
    UtilizationTrace,
)

if TYPE_CHECKING:
    from .plan_workload import PlanTimeline

INPUT_CHUNK = 4096  # steps of workload and ambient averages computed at once

# A step's utilization: one float for every chip alike, else an array with one value per chip.
Utilization = float | np.ndarray


@dataclass(frozen=True)
class TimeSteps:
    """``n_steps`` steps of ``dt`` seconds, the last one ``last_dt`` long (at most ``dt``)."""

    dt: float
    n_steps: int
    last_dt: float

    @classmethod
    def of(cls, scenario: Scenario) -> TimeSteps:
        dt = float(scenario.dt_s)
        n_steps = max(1, math.ceil(scenario.duration_s / dt - 1e-9))
        return cls(dt, n_steps, scenario.duration_s - (n_steps - 1) * dt)


@dataclass
class InputWindow:
    """Per-step workload and ambient means for a window of steps starting at step ``first``."""

    first: int
    ambient: np.ndarray
    trace: np.ndarray | None  # (steps, columns)


class TrainingTimeline:
    """Synchronous training steps: each chip computes, waits for the slowest, then all communicate.

    Within a period T = (slowest compute) + comm, a chip whose compute takes d computes on
    [0, d), waits on [d, slowest) and communicates on [slowest, T).  ``phase`` is where in
    the period the run stands.
    """

    def __init__(self, workload: TrainingStep, chip_specs: Sequence[ChipSpec], comm: CommTime,
                 clock: np.ndarray) -> None:
        self.workload = workload
        peak = np.array([s.peak_flops[workload.number_format] for s in chip_specs])
        self.compute_s = workload.flops_per_chip / (peak * workload.efficiency)  # at the nominal clock
        self.comm = comm
        self.phase = 0.0
        self.steps_done = 0
        self.steps_time_s = 0.0
        self.regroup(clock)

    @classmethod
    def start(cls, design: Design, workload: TrainingStep, chip_specs: Sequence[ChipSpec], clock: np.ndarray,
              comm_time: CommTimeProvider) -> TrainingTimeline:
        """The timeline of ``workload`` on the design, its collective timed by ``comm_time``; a
        :class:`ScenarioError` says why it cannot run."""
        missing = sorted({s.id for s in chip_specs if s.peak_flops.get(workload.number_format, 0) <= 0})
        if missing:
            raise ScenarioError(f"chip spec(s) {', '.join(missing)} have no {workload.number_format} peak compute "
                                f"(choose a number format they list)")
        try:
            comm = comm_time(design, workload)
        except ScenarioError:
            raise
        except Exception as exc:  # another engine's failure becomes a message that names it, not a traceback
            raise ScenarioError(f"the communication time of the {workload.collective} of "
                                f"{workload.gradient_bytes:.4g} B could not be computed: {exc}") from exc
        if not (comm.time_s >= 0 and math.isfinite(comm.time_s)):
            raise ScenarioError(f"the communication time from {comm.source} is not a time: {comm.time_s!r}")
        return cls(workload, chip_specs, comm, clock)

    def regroup(self, clock: np.ndarray) -> None:
        """Chips grouped by their compute time at the current clock (few distinct values)."""
        durations = self.compute_s / clock
        values, inverse = np.unique(durations, return_inverse=True)
        self.durations = values
        self.group = inverse.astype(np.intp)
        self.slowest = float(values[-1])
        self.step_time_s = self.slowest + self.comm.time_s

    def mean_utilization(self) -> float:
        """The mean over a whole period (the starting load of a run that starts settled at load)."""
        w = self.workload
        period = self.step_time_s
        return (w.compute_utilization * self.slowest + w.comm_utilization * self.comm.time_s) / period \
            if period > 0 else w.compute_utilization

    def utilization(self, dt: float) -> Utilization:
        """Mean utilization of each chip over the next ``dt`` seconds; moves the timeline on by ``dt``.

        The mean is the difference of the cumulative utilization F at the two ends,
        F(τ) = ⌊τ/T⌋·F(T) + F(τ mod T), exact for any Δt (shorter or longer than T).
        """
        w = self.workload
        slowest, comm = self.slowest, self.comm.time_s
        period = slowest + comm
        if period <= 0:
            return w.compute_utilization
        u_c, u_w, u_m = w.compute_utilization, w.wait_utilization, w.comm_utilization
        tau0 = self.phase
        tau1 = tau0 + dt
        k0, r0 = divmod(tau0, period)
        k1, r1 = divmod(tau1, period)
        comm_part = u_m * (min(max(r1 - slowest, 0.0), comm) - min(max(r0 - slowest, 0.0), comm))
        done = int(k1)
        if done:
            self.steps_done += done
            self.steps_time_s += done * period
        self.phase = r1
        durations = self.durations
        if len(durations) == 1:  # every chip alike: plain floats
            d = float(durations[0])
            per = u_c * d + u_w * (slowest - d) + u_m * comm
            f1 = u_c * min(r1, d) + u_w * min(max(r1 - d, 0.0), slowest - d)
            f0 = u_c * min(r0, d) + u_w * min(max(r0 - d, 0.0), slowest - d)
            return ((k1 - k0) * per + f1 - f0 + comm_part) / dt
        per_chip = u_c * durations + u_w * (slowest - durations) + u_m * comm
        f1_chip = u_c * np.minimum(r1, durations) + u_w * np.clip(r1 - durations, 0.0, slowest - durations)
        f0_chip = u_c * np.minimum(r0, durations) + u_w * np.clip(r0 - durations, 0.0, slowest - durations)
        u = ((k1 - k0) * per_chip + f1_chip - f0_chip + comm_part) / dt
        return u[self.group]


class StepInputs:
    """Each step's mean utilization (from the workload) and mean ambient (from the weather)."""

    def __init__(self, scenario: Scenario, steps: TimeSteps, room: RoomSpec, chip_paths: Sequence[tuple],
                 training: TrainingTimeline | PlanTimeline | None) -> None:
        self.workload = scenario.workload
        self.ambient = scenario.ambient or Ambient(constant_c=room.ambient_c)
        self.steps = steps
        self.training = training
        self.trace_columns: np.ndarray | None = None  # for each chip, the trace column that drives it
        if isinstance(self.workload, UtilizationTrace):
            self.trace_columns = self.workload.chip_columns(chip_paths)
        self._window: InputWindow | None = None

    def _means(self, i: int) -> InputWindow:
        """Workload and ambient means for steps i .. i + INPUT_CHUNK − 1."""
        s = self.steps
        last = min(s.n_steps, i + INPUT_CHUNK)
        idx = np.arange(i, last)
        t0 = idx * s.dt
        t1 = np.where(idx == s.n_steps - 1, t0 + s.last_dt, t0 + s.dt)
        ambient = self.ambient.means(t0, t1)
        trace = self.workload.curve.means(t0, t1) if isinstance(self.workload, UtilizationTrace) else None
        if trace is not None and trace.ndim == 1:
            trace = trace[:, None]
        return InputWindow(i, ambient, trace)

    def at(self, i: int) -> tuple[InputWindow, int]:
        """The window holding step ``i`` and the step's row in it."""
        window = self._window
        if window is None or not (window.first <= i < window.first + len(window.ambient)):
            window = self._window = self._means(i)
        return window, i - window.first

    def utilization(self, window: InputWindow, j: int, dt: float) -> Utilization:
        """Utilization over row ``j`` of ``window`` (a step of ``dt`` seconds)."""
        w = self.workload
        if isinstance(w, ConstantLoad):
            return w.utilization
        if window.trace is not None:
            row = window.trace[j]
            if len(row) == 1:
                return float(row[0])
            assert self.trace_columns is not None
            return row[self.trace_columns]
        assert self.training is not None
        return self.training.utilization(dt)

