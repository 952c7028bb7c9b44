"""A training plan as the workload of a coupled run: every chip follows its tensor group's step timeline.

:class:`TrainingPlanWorkload` carries a plan's step shape (:class:`dojo_gui.sim.training.shape.StepShape`:
per pipeline stage, a micro-batch's compute and communication; the pipeline sends, the gradient
reduction, the optimizer), where its tensor groups sit (the part paths of their chips) and the
utilization of each phase of the step (compute near 1, communication lower, idle 0).  Chips the plan
does not use stay idle.  It is what :func:`dojo_gui.sim.training.simulate_training` runs on the thermal
engine, so power, energy, PUE and throttling are those of the plan.

:class:`PlanTimeline` runs it: every time step, each chip's mean utilization over the step is its
group's cumulative utilization at the step's end less that at its start, exact for any time step
(shorter or longer than a training step).  When chips throttle, each group's compute stretches by
1 / (the lowest clock among its chips) — a tensor group runs at its slowest chip's pace — the
pipelines are laid out again, and the synchronous step waits for the slowest of them (the shape's
own arithmetic, so with every clock at its full value the step is the plan's to the last bit).  The
step time of each step completed is what the run reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .scenario import CommTime, ScenarioError

if TYPE_CHECKING:
    from .training.shape import StepShape

PartPath = tuple[tuple[int, int], ...]


@dataclass
class TrainingPlanWorkload:
    """A plan's synchronous training steps, chip by chip."""

    shape: StepShape
    group_paths: list[list[PartPath]]  # the chips of every tensor group, stage-major: group j·D + d
    phase_utilization: np.ndarray  # the utilization of each phase of StepShape.durations
    label: str = ""  # the plan, in words
    comm_s: float = 0.0  # exposed communication per step (for the run's summary)
    comm_source: str = ""  # "simulated" (the communication engine) or "estimated"

    kind = "plan"

    def __post_init__(self) -> None:
        self.phase_utilization = np.asarray(self.phase_utilization, float)
        if np.any((self.phase_utilization < 0) | (self.phase_utilization > 1)):
            raise ScenarioError("a plan's utilization of each phase must be between 0 and 1")
        if len(self.group_paths) != self.shape.stages * self.shape.replicas:
            raise ScenarioError(f"a plan of {self.shape.stages} stages x {self.shape.replicas} replicas needs "
                                f"{self.shape.stages * self.shape.replicas} tensor groups, got {len(self.group_paths)}")

    @property
    def step_time_s(self) -> float:
        """The step at full clock."""
        return self.shape.breakdown().step_time_s

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "step_time_s": self.step_time_s,
                "stages": self.shape.stages, "replicas": self.shape.replicas,
                "chips": sum(len(g) for g in self.group_paths)}


class PlanTimeline:
    """The run of a :class:`TrainingPlanWorkload`: where in its step it stands, each chip's utilization."""

    def __init__(self, workload: TrainingPlanWorkload, chip_paths: Sequence[PartPath], clock: np.ndarray) -> None:
        self.workload = workload
        index = {tuple(path): k for k, path in enumerate(chip_paths)}
        missing = [p for group in workload.group_paths for p in group if tuple(p) not in index]
        if missing:
            raise ScenarioError(f"the plan uses {len(missing)} chip(s) this design does not have "
                                f"(the first at {missing[0]}): it was made for another design")
        widths = {len(g) for g in workload.group_paths}
        if len(widths) != 1:
            raise ScenarioError("every tensor group of a plan has the same number of chips")
        self.group_chips = np.array([[index[tuple(p)] for p in g] for g in workload.group_paths], np.intp)
        n_groups = len(self.group_chips)
        self.chip_group = np.full(len(chip_paths), n_groups, np.intp)  # n_groups: a chip the plan leaves idle
        self.chip_group[self.group_chips.ravel()] = np.repeat(np.arange(n_groups), self.group_chips.shape[1])
        self.comm = CommTime(workload.comm_s, f"training plan ({workload.comm_source or 'estimated'})",
                             f"{workload.label}: exposed communication per step at full clock")
        self.phase = 0.0  # where in the current step the run stands (s)
        self.steps_done = 0
        self.steps_time_s = 0.0  # the time the completed steps took
        self._elapsed = 0.0  # since the current step began
        self.step_time_s = 0.0
        self.regroup(clock)

    def regroup(self, clock: np.ndarray) -> None:
        """Lay the step out again for the chips' clocks (each group at its slowest chip's pace)."""
        shape = self.workload.shape
        slowest = np.minimum.reduce(clock[self.group_chips], axis=1)
        slowdown = (1.0 / slowest).reshape(shape.stages, shape.replicas)
        durations, breakdown = shape.durations(slowdown)
        d = durations.reshape(len(self.group_chips), -1)
        u = self.workload.phase_utilization
        zero = np.zeros((len(d), 1))
        self.knots = np.concatenate([zero, np.cumsum(d, axis=1)], axis=1)
        self.cumulative = np.concatenate([zero, np.cumsum(d * u, axis=1)], axis=1)
        old = self.step_time_s
        self.step_time_s = breakdown.step_time_s
        if old > 0:  # as far into the new step as the run was into the old one
            self.phase *= self.step_time_s / old

    def _at(self, r: float) -> np.ndarray:
        """Each group's cumulative utilization from the start of a step to ``r`` seconds into it."""
        k = np.count_nonzero(self.knots[:, 1:-1] <= r, axis=1)
        rows = np.arange(len(k))
        at: np.ndarray = self.cumulative[rows, k] + self.workload.phase_utilization[k] * (r - self.knots[rows, k])
        return at

    def _chips(self, group_values: np.ndarray) -> np.ndarray:
        out: np.ndarray = np.append(group_values, 0.0)[self.chip_group]
        return out

    def mean_utilization(self) -> np.ndarray:
        """Every chip's mean over a whole step (the starting load of a run that starts settled at load)."""
        period = self.step_time_s
        return self._chips(self.cumulative[:, -1] / period if period > 0 else np.ones(len(self.cumulative)))

    def utilization(self, dt: float) -> np.ndarray:
        """Every chip's mean utilization over the next ``dt`` seconds; moves the run on by ``dt``."""
        period = self.step_time_s
        r0 = self.phase
        whole, r1 = divmod(r0 + dt, period)
        if period - r1 <= 1e-12 * period:  # a step that ends on this time step's end, short of it by round-off
            whole, r1 = whole + 1, 0.0
        done = int(whole)
        area = whole * self.cumulative[:, -1] + self._at(r1) - self._at(r0)
        if done:
            self.steps_done += done
            self.steps_time_s += self._elapsed + (period - r0) + (done - 1) * period
            self._elapsed = r1
        else:
            self._elapsed += dt
        self.phase = r1
        return self._chips(area / dt)
