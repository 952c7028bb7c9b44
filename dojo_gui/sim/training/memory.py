"""Memory per chip: weights, gradients, optimizer state and activations, against what the chip holds.

Activations per layer and micro-batch follow Korthikanti et al. 2022 ("Reducing Activation
Recomputation in Large Transformer Models", §4): with s the sequence, b the micro-batch, h the
hidden size, a the heads and t the tensor-parallel degree, a GPT layer stores

    s·b·h·(34 + 5·a·s/h)                      with no parallelism and no recomputation,
    s·b·h·(10 + 24/t + 5·a·s/(h·t))            with tensor parallelism,
    s·b·h/t·(34 + 5·a·s/h)                     with tensor and sequence parallelism,

the 5·a·s/h term (the attention scores, their softmax and dropout) dropping out with selective
recomputation or flash attention, and only the layer's input (2·s·b·h, /t with sequence
parallelism) with full recomputation, plus one layer's working set while it is recomputed.
The same accounting is done here term by term, so grouped-query attention, a SwiGLU feed-forward
block and training without dropout change the terms they touch.  Under 1F1B the first stage holds
the activations of min(m, p) micro-batches (× (1 + (p−1)/(p·v)) with v interleaved chunks), the
last stage also the fp32 logits (4·s·b·V/t).

A chip with HBM holds everything there.  A chip without (a D1: 440 MB SRAM) holds what fits in
SRAM and keeps the rest in its share of the tile's interface processors' HBM, streaming it in and
out at its share of their bandwidth: the optimizer state once a step, the gradients at every
micro-batch's backward pass, the weights at every pass, the activations written and read once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ... import units
from ...model.specs import ChipSpec, TileSpec
from ...model.transformer import TransformerModel
from .settings import Plan, TrainingSettings


def layer_activation_bytes(model: TransformerModel, micro_batch: int, seq_len: int, tp: int,
                           sequence_parallel: bool, recompute: str, attention: str) -> float:
    """Activation bytes one layer keeps per micro-batch for its backward pass (Korthikanti et al. 2022)."""
    s, b, h = seq_len, micro_batch, model.hidden
    sbh = s * b * h
    rep = 1.0 / tp if sequence_parallel else 1.0
    if recompute == "full":
        return 2.0 * sbh * rep
    mask = 1.0 if model.dropout else 0.0
    replicated = (4 + 2 + 2 + 2 * mask) * sbh * rep  # two norms' inputs, QKV and MLP inputs, two dropout masks
    qkv = 2.0 * s * b * (h + 2 * model.kv_dim) / tp
    projection_in = 2.0 * sbh / tp
    inner = (6.0 if model.ffn_kind == "swiglu" else 4.0) * s * b * model.ffn / tp
    scores = 0.0
    if attention == "materialized" and recompute == "none":
        scores = (2.0 + 3.0 * mask) * model.heads * s * s * b / tp  # softmax output (+ dropout mask and output)
    return replicated + qkv + projection_in + inner + scores


def full_layer_activation_bytes(model: TransformerModel, micro_batch: int, seq_len: int, tp: int,
                                sequence_parallel: bool, attention: str) -> float:
    return layer_activation_bytes(model, micro_batch, seq_len, tp, sequence_parallel, "none", attention)


def stage_parameters(model: TransformerModel, plan: Plan) -> tuple[float, float]:
    """Parameters one chip of the first and of the last pipeline stage holds."""
    per_stage = model.layers // plan.pp * model.layer_parameters()
    embed = model.vocab * model.hidden + (model.seq_len * model.hidden if model.positions == "learned" else 0)
    output = model.vocab * model.hidden  # tied: Megatron-LM keeps a copy of the embedding on the last stage
    norm = model.hidden * (2 if model.norm == "layernorm" else 1)
    first = per_stage + embed
    last = per_stage + output + norm
    if plan.pp == 1:
        first = last = per_stage + embed + (0 if model.tied_embeddings else output) + norm
    return first / plan.tp, last / plan.tp


@dataclass(frozen=True)
class MemoryUse:
    """One chip's memory on the plan's fullest stage (bytes), and whether and how it fits."""

    weights_bytes: float
    gradients_bytes: float
    optimizer_bytes: float
    activations_bytes: float
    fast_bytes: float  # HBM, or SRAM on a chip without HBM
    capacity_bytes: float  # fast memory plus, without HBM, the chip's share of the interface processors' HBM
    fast_kind: str  # "HBM" or "SRAM"
    streamed_bytes: float  # moved to and from the interface processors per step (0 when all fits fast)
    stream_Bps: float

    @property
    def total_bytes(self) -> float:
        return self.weights_bytes + self.gradients_bytes + self.optimizer_bytes + self.activations_bytes

    @property
    def fits(self) -> bool:
        return self.total_bytes <= self.capacity_bytes

    @property
    def stream_s(self) -> float:
        return self.streamed_bytes / self.stream_Bps if self.streamed_bytes else 0.0

    def why_not(self) -> str:
        f = units.format
        parts = (f"weights {f(self.weights_bytes, 'B')}, gradients {f(self.gradients_bytes, 'B')}, optimizer "
                 f"{f(self.optimizer_bytes, 'B')}, activations {f(self.activations_bytes, 'B')}")
        holds = f"{f(self.fast_bytes, 'B')} {self.fast_kind}"
        if self.capacity_bytes > self.fast_bytes:
            holds += f" + {f(self.capacity_bytes - self.fast_bytes, 'B')} of interface-processor HBM"
        return f"needs {f(self.total_bytes, 'B')} per chip ({parts}); a chip holds {holds}"

    def to_json(self) -> dict[str, Any]:
        return {"weights_bytes": self.weights_bytes, "gradients_bytes": self.gradients_bytes,
                "optimizer_bytes": self.optimizer_bytes, "activations_bytes": self.activations_bytes,
                "total_bytes": self.total_bytes, "capacity_bytes": self.capacity_bytes, "fast_bytes": self.fast_bytes,
                "fast_memory": self.fast_kind, "fits": self.fits, "streamed_bytes_per_step": self.streamed_bytes}


def memory_use(model: TransformerModel, settings: TrainingSettings, plan: Plan, chip: ChipSpec, tile: TileSpec,
               chips_per_tile: int) -> MemoryUse:
    """Memory per chip for ``plan``: the larger of its first stage (most micro-batches in flight) and
    its last (the logits)."""
    s, b, p, t, v = settings.seq_len, plan.micro_batch, plan.pp, plan.tp, plan.interleave
    m = plan.micro_batches(settings)
    first_params, last_params = stage_parameters(model, plan)
    layers = model.layers // p
    per_layer = layer_activation_bytes(model, b, s, t, settings.sequence_parallel, settings.recompute,
                                       settings.attention)
    in_flight = min(m, p) * ((1 + (p - 1) / (p * v)) if v > 1 else 1.0)
    working = 0.0
    if settings.recompute == "full":  # one layer's activations while it is recomputed
        working = full_layer_activation_bytes(model, b, s, t, settings.sequence_parallel, settings.attention)
    first_act = per_layer * layers * in_flight + working
    last_act = per_layer * layers + working + 4.0 * s * b * model.vocab / t
    d = plan.dp
    z = settings.zero_stage

    def state(params: float) -> tuple[float, float, float]:
        return (params * settings.weight_bytes / (d if z >= 3 else 1),
                params * settings.gradient_bytes / (d if z >= 2 else 1),
                params * settings.optimizer_state_bytes / (d if z >= 1 else 1))

    stages = [(state(first_params), first_act), (state(last_params), last_act)]
    (w, g, o), act = max(stages, key=lambda st: sum(st[0]) + st[1])
    if chip.hbm_bytes > 0:
        return MemoryUse(w, g, o, act, chip.hbm_bytes, chip.hbm_bytes, "HBM", 0.0, chip.hbm_bw_Bps)
    share = tile.interface_count / max(chips_per_tile, 1)
    slow = share * tile.interface_hbm_bytes
    stream_bw = share * min(tile.interface_hbm_bw_Bps, tile.interface_link_bw_Bps or tile.interface_hbm_bw_Bps)
    fast = chip.sram_bytes
    streamed = 0.0
    overflow = w + g + o + act - fast
    if overflow > 0:
        passes = 3 if settings.recompute == "full" else 2
        # What leaves SRAM first is what is touched least: the optimizer state (read and written once a step),
        # the gradients (read and written at every micro-batch's backward pass), the weights (read at every
        # pass), the activations (each micro-batch's written once and read once, of the in_flight held).
        for size, touches in ((o, 2.0), (g, 2.0 * m), (w, passes * m), (act, 2.0 * m / max(in_flight, 1.0))):
            moved = min(size, overflow)
            streamed += moved * touches
            overflow -= moved
            if overflow <= 0:
                break
    return MemoryUse(w, g, o, act, fast, fast + slow, "SRAM", streamed, stream_bw if stream_bw > 0 else float("inf"))
