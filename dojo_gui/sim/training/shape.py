"""A step's shape: the parts of a plan's step, how they add up, and how a slower clock stretches them.

:func:`~.step.evaluate_plan` costs one micro-batch on every pipeline stage at the chip's full
clock (compute, and the exposed tensor-parallel communication) and the parts of the step that do
not repeat per micro-batch (the pipeline sends, the gradient reduction, streaming, the optimizer).
:class:`StepShape` keeps those pieces and is the one place that adds them up:

- :meth:`StepShape.breakdown` — where the step's time goes;
- :meth:`StepShape.durations` — what every tensor group (stage j of pipeline d) does over the
  step, as the durations of the :data:`PHASES` in order: idle while the pipeline fills to it,
  compute, tensor and pipeline communication, idle while the pipeline drains (the bubble), then
  the exposed gradient reduction, streaming and the optimizer, which all groups share.

Both take ``slowdown[j, d] >= 1``: how much longer the chips of stage j in pipeline d take to
compute than at their full clock (a throttled chip's clock is lower, and a tensor group runs at
its slowest chip's pace).  Communication does not stretch.  Each pipeline runs its micro-batches
at its own pace and the step waits for the slowest (the gradient reduction is synchronous), so
the step's pipeline time is the largest over the replicas.  With no slowdown this is the step of
the plan at full clock: the thermal coupling (:mod:`dojo_gui.sim.plan_workload`) and the plan's
own figures come from the same code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# What a tensor group does over one step, in order (the columns of StepShape.durations).
PHASES: tuple[str, ...] = ("idle", "compute", "tp-comm", "pp-comm", "idle", "dp-comm", "memory-stream", "other")


@dataclass(frozen=True)
class Breakdown:
    """Where a step's time goes (seconds); the parts add up to the step time.

    ``throttle_s`` is what hot chips at a lower clock add to the step at full clock (the thermal
    coupling measures it; 0 for the plan by itself)."""

    compute_s: float
    tp_comm_s: float
    pp_comm_s: float
    dp_comm_s: float
    bubble_s: float
    memory_stream_s: float
    other_s: float
    throttle_s: float = 0.0

    @property
    def step_time_s(self) -> float:
        return (self.compute_s + self.tp_comm_s + self.pp_comm_s + self.dp_comm_s + self.bubble_s
                + self.memory_stream_s + self.other_s + self.throttle_s)

    def to_json(self) -> dict[str, float]:
        return {"compute_s": self.compute_s, "tp_comm_s": self.tp_comm_s, "pp_comm_s": self.pp_comm_s,
                "dp_comm_s": self.dp_comm_s, "bubble_s": self.bubble_s, "memory_stream_s": self.memory_stream_s,
                "other_s": self.other_s, "throttle_s": self.throttle_s}


@dataclass(frozen=True)
class StepShape:
    """The pieces of a plan's step at the chip's full clock (seconds)."""

    forward_s: np.ndarray  # (P,): one micro-batch's forward compute on a chip of stage j
    backward_s: np.ndarray  # (P,)
    recompute_s: np.ndarray  # (P,)
    tp_comm_s: np.ndarray  # (P,): one micro-batch's tensor-parallel communication (not overlapped)
    replicas: int  # D, the data-parallel degree: pipelines side by side
    micro_batches: int
    interleave: int
    pp_comm_s: float  # per step: every stage's sends to its neighbours, on the critical path
    dp_time_s: float  # per step: the gradient collectives, all of them
    dp_buckets: int  # the last bucket is never hidden
    dp_overlap: bool  # the reduction runs during the first stage's last backward pass
    zero3_per_micro_batch_s: float  # ZeRO-3's weight gathers and gradient scatters per micro-batch (0 without)
    stream_s: float  # streaming from the interface processors per step, hidden under compute where shorter
    other_s: float  # the optimizer step

    @property
    def stages(self) -> int:
        return len(self.forward_s)

    def full_clock(self) -> np.ndarray:
        """A slowdown of 1 for every group."""
        return np.ones((self.stages, self.replicas))

    def _compute(self, slowdown: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """(compute, stage time) of one micro-batch for every group, (P, D)."""
        compute = ((self.forward_s + self.backward_s + self.recompute_s)[:, None]
                   * (self.full_clock() if slowdown is None else np.asarray(slowdown, float)))
        return compute, compute + self.tp_comm_s[:, None]

    def _pipelines(self, stage_time: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(busy, bubble) of every pipeline: m·max_j T_j and (Σ_j T_j − max_j T_j)/v."""
        slowest = stage_time.max(axis=0)
        return self.micro_batches * slowest, (stage_time.sum(axis=0) - slowest) / self.interleave

    def breakdown(self, slowdown: np.ndarray | None = None) -> Breakdown:
        """Where the step's time goes, the slowest pipeline setting the pace."""
        m = self.micro_batches
        compute, stage_time = self._compute(slowdown)
        busy, bubble = self._pipelines(stage_time)
        d = int(np.argmax(busy + bubble))  # the slowest pipeline
        j = int(np.argmax(stage_time[:, d]))  # its slowest stage
        slowest_compute = float(compute[j, d])
        dp_exposed = self.dp_time_s
        if self.dp_overlap and self.dp_time_s > 0:
            window = float(self.backward_s[0]) * self._scale(slowdown, 0, d) / self.interleave
            dp_exposed = max(self.dp_time_s - window, self.dp_time_s / self.dp_buckets)
        if self.zero3_per_micro_batch_s > 0:
            dp_exposed += m * max(0.0, self.zero3_per_micro_batch_s - slowest_compute)
        compute_s = m * slowest_compute
        tp_comm_s = m * float(self.tp_comm_s[j])
        stream = max(0.0, self.stream_s - (compute_s + tp_comm_s))
        return Breakdown(compute_s, tp_comm_s, self.pp_comm_s, dp_exposed, float(bubble[d]), stream, self.other_s)

    @staticmethod
    def _scale(slowdown: np.ndarray | None, j: int, d: int) -> float:
        return 1.0 if slowdown is None else float(slowdown[j, d])

    def durations(self, slowdown: np.ndarray | None = None) -> tuple[np.ndarray, Breakdown]:
        """Every group's :data:`PHASES` over the step, (P, D, len(PHASES)) seconds, and the step's breakdown.

        A stage starts when the one before it has done its first forward pass (a 1/v chunk of it with
        v chunks per chip); every group is idle from the end of its own work to the end of the slowest
        pipeline."""
        m = self.micro_batches
        bd = self.breakdown(slowdown)
        compute, _ = self._compute(slowdown)
        scale = self.full_clock() if slowdown is None else np.asarray(slowdown, float)
        forward = self.forward_s[:, None] * scale / self.interleave
        fill = np.cumsum(forward, axis=0) - forward  # what the stages before have done
        out = np.zeros((self.stages, self.replicas, len(PHASES)))
        out[..., 0] = fill
        out[..., 1] = m * compute
        out[..., 2] = m * self.tp_comm_s[:, None]
        out[..., 3] = self.pp_comm_s
        pipeline_end = bd.compute_s + bd.tp_comm_s + bd.pp_comm_s + bd.bubble_s
        out[..., 4] = np.maximum(0.0, pipeline_end - out[..., :4].sum(axis=2))
        out[..., 5] = bd.dp_comm_s
        out[..., 6] = bd.memory_stream_s
        out[..., 7] = bd.other_s
        return out, bd
