"""One training step of a plan on a machine: its time, where the time goes, and what it achieves.

For each pipeline stage (the first holds the embedding, the last the logits and the loss), one
micro-batch costs its layers' kernels (:mod:`.compute`: forward, backward, recomputation) and the
tensor-parallel collectives between them (two all-reduces per layer and pass of the activations,
b·s·h·2 bytes, or an all-gather and a reduce-scatter each with sequence parallelism), not
overlapped with compute, as Megatron-LM runs them.  With m micro-batches, v model chunks per chip
and stage times T_j, the pipeline takes

    m · max_j T_j  +  (Σ_j T_j − max_j T_j) / v

— for equal stages (m + (p − 1)/v)·T, whose bubble share is (p − 1)/(v·m + p − 1) (1F1B: (p−1)/(m+p−1)).
Each micro-batch also crosses every stage boundary twice (its activations forward, their gradients
back; v times with v chunks), on the critical path: b·s·h·2 bytes, split over the tensor group and
all-gathered on arrival with the scatter/gather optimization (Narayanan et al. 2021, §4.1).
Each micro-batch's weight gradients are added to the step's accumulator (memory-bound; inside the
matrix multiply with ``fused_grad_accumulation``, a kernel of its own otherwise).
The gradient all-reduce of the data-parallel groups (reduce-scatter and all-gather with ZeRO)
runs in buckets during the last micro-batch's backward pass on the first stage (the stage that
finishes last); what does not fit in that window is exposed.  The optimizer step is memory-bound.
On a chip without HBM, streaming from the interface processors that compute does not hide is
exposed too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...model.transformer import TransformerModel
from .compute import (
    ACTIVATION_BYTES,
    ChipRates,
    Kernel,
    PassTimes,
    embedding_forward,
    layer_forward,
    logits_forward,
    pass_times,
)
from .errors import PlanError
from .memory import MemoryUse, memory_use, stage_parameters
from .placement import Layout, Machine, layout
from .settings import Plan, TrainingSettings, check_plan
from .shape import Breakdown, StepShape
from .timeline import StepTimeline
from .traffic import ZERO, CommTime, Traffic

__all__ = ["Breakdown", "StageCost", "StepEstimate", "evaluate_plan", "pipeline_time"]


def pipeline_time(stage_times: list[float], micro_batches: int, interleave: int = 1) -> tuple[float, float]:
    """(busy, bubble): m·max T_j and (Σ T_j − max T_j)/v; their sum is the pipeline's time."""
    slowest = max(stage_times)
    return micro_batches * slowest, (sum(stage_times) - slowest) / interleave


@dataclass(frozen=True)
class StageCost:
    """One micro-batch on one chip of a stage: compute, and the exposed tensor-parallel communication."""

    compute: PassTimes
    tp_comm_s: float

    @property
    def total_s(self) -> float:
        return self.compute.total_s + self.tp_comm_s


@dataclass(frozen=True)
class StepEstimate:
    """A plan's step on a machine, with everything that went into it."""

    plan: Plan
    chips: int
    memory: MemoryUse
    breakdown: Breakdown
    stages: list[StageCost]  # first, (middle,) last: the kinds of stage there are
    comm: dict[str, CommTime]  # per micro-batch or per step: "tp", "pp", "dp"
    layout: Layout
    model_flops: float  # per step: forward and backward, no recomputation
    hardware_flops: float  # per step: with the recomputation the plan does (Narayanan et al.'s eq. 3 count)
    peak_flops: float  # per chip
    timeline: StepTimeline

    @property
    def step_time_s(self) -> float:
        return self.breakdown.step_time_s

    @property
    def evaluated(self) -> str:
        sources = {c.source for c in self.comm.values() if c.source}
        return "simulated" if "simulated" in sources else "estimated"


def _recomputed_fraction(model: TransformerModel, settings: TrainingSettings) -> float:
    if settings.recompute == "full":
        return 1.0
    if settings.recompute == "selective" and settings.attention == "materialized":
        return 4.0 * settings.seq_len * model.hidden / model.layer_forward_flops_per_token(settings.seq_len)
    return 0.0


def evaluate_plan(machine: Machine, model: TransformerModel, settings: TrainingSettings, plan: Plan,
                  traffic: Traffic, *, simulate: bool | None = None) -> StepEstimate:
    """The step of ``plan``; :class:`PlanError` if it cannot run (a plan that does not fit in memory is
    evaluated all the same: ``memory.fits`` says so)."""
    check_plan(plan, model, settings)
    where = layout(machine, plan.tp, plan.pp, plan.dp, plan.placement)
    try:
        rates = ChipRates.of(machine.chip_spec, settings.precision)
    except ValueError as exc:
        raise PlanError(str(exc)) from None
    memory = memory_use(model, settings, plan, machine.chip_spec, machine.tile_specs[0], machine.largest_tile)
    s, b, t, p, v = settings.seq_len, plan.micro_batch, plan.tp, plan.pp, plan.interleave
    m = plan.micro_batches(settings)
    sp = settings.sequence_parallel

    # Tensor-parallel collectives: per layer and pass, two of b·s·h·2 bytes.
    activation = b * s * model.hidden * ACTIVATION_BYTES
    tp_groups = where.tp_groups()
    if sp:
        tp_one = (traffic.collective(tp_groups, "allgather", activation, simulate=simulate)
                  + traffic.collective(tp_groups, "reducescatter", activation, simulate=simulate))
    else:
        tp_one = traffic.collective(tp_groups, "allreduce", activation, simulate=simulate)
    passes = 2 + (1 if settings.recompute == "full" else 0)  # forward, backward (and the recomputed forward)
    layers = model.layers // p
    layer = pass_times(rates, layer_forward(model, b, s, t, sp, settings.attention, model.dropout), settings.recompute)
    tp_per_layer = 2 * passes * tp_one.time_s
    embed = pass_times(rates, embedding_forward(model, b, s), "none")
    logits = pass_times(rates, logits_forward(model, b, s, t), "none")

    # Every micro-batch's weight gradients are added to the step's accumulator: inside the weight-gradient
    # matrix multiply (read the accumulator too), or as a separate kernel (read the new gradient, read and
    # write the accumulator), as Megatron-LM did before it fused them.
    per_param = settings.gradient_bytes if settings.fused_grad_accumulation else \
        settings.weight_bytes + 2 * settings.gradient_bytes
    accumulate = rates.time_s(Kernel("gradient accumulation", 0.0, model.layer_parameters() / t * per_param))

    def stage(extra: list[PassTimes]) -> StageCost:
        fwd = layers * layer.forward_s + sum(e.forward_s for e in extra)
        bwd = layers * (layer.backward_s + accumulate) + sum(e.backward_s for e in extra)
        return StageCost(PassTimes(fwd, bwd, layers * layer.recompute_s), layers * tp_per_layer)

    if p == 1:
        stages = [stage([embed, logits])]
    else:
        stages = [stage([embed])] + ([stage([])] if p > 2 else []) + [stage([logits])]
    stage_list = [stages[0]] + [stages[1]] * (p - 2) + [stages[-1]] if p > 1 else stages
    # Stage-to-stage sends.
    pp_time = ZERO
    if p > 1:
        src, dst = where.ranks[:-1].ravel(), where.ranks[1:].ravel()
        split = t if (settings.pp_scatter_gather or sp) and t > 1 else 1
        pp_time = traffic.p2p(src, dst, activation / split, simulate=simulate)
        if split > 1 and not sp:
            pp_time = pp_time + traffic.collective(tp_groups, "allgather", activation, simulate=simulate)
    pp_comm = 2 * v * m * pp_time.time_s

    # Gradients over the data-parallel groups, overlapped with the first stage's last backward pass.
    first_params, _ = stage_parameters(model, plan)
    grad_bytes = first_params * settings.gradient_bytes
    dp_groups = where.dp_groups()
    if plan.dp > 1:
        if settings.zero_stage >= 1:
            dp_time = (traffic.collective(dp_groups, "reducescatter", grad_bytes, simulate=simulate)
                       + traffic.collective(dp_groups, "allgather", first_params * settings.weight_bytes,
                                            simulate=simulate))
        else:
            dp_time = traffic.collective(dp_groups, "allreduce", grad_bytes, simulate=simulate)
    else:
        dp_time = ZERO
    buckets = max(1, math.ceil(grad_bytes / settings.dp_bucket_bytes))
    zero3 = 0.0
    if settings.zero_stage >= 3 and plan.dp > 1:
        # Every pass gathers the stage's weights; prefetched under the pass's compute where it is shorter.
        gather = traffic.collective(dp_groups, "allgather", first_params * settings.weight_bytes, simulate=simulate)
        scatter = traffic.collective(dp_groups, "reducescatter", grad_bytes, simulate=simulate)
        zero3 = passes * gather.time_s + scatter.time_s

    # The optimizer: read and write the weights and the optimizer state, read the gradients.
    shard_opt = plan.dp if settings.zero_stage >= 1 else 1
    opt_bytes = first_params * (2 * settings.weight_bytes + settings.gradient_bytes
                                + 2 * settings.optimizer_state_bytes / shard_opt)
    other = opt_bytes / (rates.memory_Bps * rates.memory_efficiency)

    shape = StepShape(np.array([c.compute.forward_s for c in stage_list]),
                      np.array([c.compute.backward_s for c in stage_list]),
                      np.array([c.compute.recompute_s for c in stage_list]),
                      np.array([c.tp_comm_s for c in stage_list]), plan.dp, m, v, pp_comm, dp_time.time_s, buckets,
                      settings.dp_overlap, zero3, memory.stream_s, other)
    timeline = StepTimeline.of(shape, where.ranks, settings.comm_utilization)
    breakdown = shape.breakdown()

    tokens = settings.global_batch * s
    model_flops = tokens * model.model_flops_per_token(s)
    hardware_flops = tokens * model.training_flops_per_token(s, _recomputed_fraction(model, settings))
    comm = {"tp": tp_one, "pp": pp_time, "dp": dp_time}
    return StepEstimate(plan, plan.chips, memory, breakdown, stages, comm, where, model_flops, hardware_flops,
                        rates.peak_flops, timeline)

