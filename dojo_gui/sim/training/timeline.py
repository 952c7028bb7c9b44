"""A training step over time: what each pipeline stage's chips do from the start of a step to its end.

The step's :class:`~.shape.StepShape` gives every tensor group's phases (idle while the pipeline
fills, compute, tensor and pipeline communication, idle while it drains — the bubble — then the
exposed gradient reduction, streaming and the optimizer).  Each kind has a utilization (compute 1;
communicating, streaming and the optimizer the settings' ``comm_utilization``; idle 0), so every
chip has a utilization over the step: what the thermal coupling drives the thermal engine with
(:mod:`dojo_gui.sim.plan_workload`), and what the GUI draws as a Gantt chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from .shape import PHASES, StepShape

KINDS = ("idle", "compute", "tp-comm", "pp-comm", "dp-comm", "memory-stream", "other")


@dataclass(frozen=True)
class Segment:
    start_s: float
    end_s: float
    kind: str  # one of KINDS

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


class StepTimeline:
    """One step at full clock: ``stages[j]`` is a list of segments from 0 to ``step_time_s``;
    ``stage_chips[j]`` the fabric chip indices of stage j; ``ranks[stage, dp, tp]`` every chip of the plan.

    The segments are laid out when first asked for (a search makes thousands of timelines and looks
    at a few)."""

    def __init__(self, shape: StepShape, ranks: np.ndarray, comm_utilization: float) -> None:
        self.shape = shape
        self.ranks = ranks
        u = comm_utilization
        self.utilization = {"idle": 0.0, "compute": 1.0, "tp-comm": u, "pp-comm": u, "dp-comm": u,
                            "memory-stream": u, "other": u}  # of each kind

    @classmethod
    def of(cls, shape: StepShape, ranks: np.ndarray, comm_utilization: float) -> StepTimeline:
        """The timeline of a step of ``shape`` on the chips ``ranks`` (its first pipeline's: all are alike at
        full clock)."""
        return cls(shape, ranks, comm_utilization)

    @cached_property
    def step_time_s(self) -> float:
        return self.shape.breakdown().step_time_s

    @cached_property
    def stages(self) -> list[list[Segment]]:
        durations, _ = self.shape.durations()
        stages = []
        for j in range(self.shape.stages):
            segs, t = [], 0.0
            for kind, d in zip(PHASES, durations[j, 0].tolist()):
                if d > 0:
                    segs.append(Segment(t, t + d, kind))
                    t += d
            stages.append(segs)
        return stages

    @cached_property
    def stage_chips(self) -> list[np.ndarray]:
        return [self.ranks[j].ravel() for j in range(self.shape.stages)]

    def phase_utilization(self) -> np.ndarray:
        """The utilization of each of :data:`~.shape.PHASES`."""
        return np.array([self.utilization[kind] for kind in PHASES])

    def stage_utilization(self) -> np.ndarray:
        """Mean utilization of each stage's chips over the step."""
        return np.array([sum(s.duration_s * self.utilization[s.kind] for s in segs) / self.step_time_s
                         for segs in self.stages])

    def chip_utilization(self, n_chips: int) -> np.ndarray:
        """Mean utilization of every chip of the fabric over the step (0 for chips the plan leaves idle)."""
        out = np.zeros(n_chips)
        for chips, u in zip(self.stage_chips, self.stage_utilization()):
            out[chips] = u
        return out

    def utilization_trace(self, stage: int) -> tuple[np.ndarray, np.ndarray]:
        """Stage ``stage``'s utilization as a step function over one step: (times_s, values), each value
        holding from its time to the next."""
        segs = self.stages[stage]
        return (np.array([s.start_s for s in segs] + [self.step_time_s]),
                np.array([self.utilization[s.kind] for s in segs] + [self.utilization[segs[-1].kind]]))

    def to_json(self) -> list[list[dict[str, Any]]]:
        return [[{"start_s": s.start_s, "end_s": s.end_s, "kind": s.kind} for s in segs] for segs in self.stages]
