"""How long a chip takes for one transformer layer: its kernels against a roofline.

Every kernel of a layer's forward pass is listed with its FLOPs, the bytes it moves and, for a
matrix multiply, its size (the geometric mean (M·N·K)^(1/3) of one matrix of it).  A kernel takes

    max(FLOPs / (peak × matmul_efficiency(size)), bytes / (memory bandwidth × memory_bw_efficiency))
    + kernel_overhead_s

with the chip's figures from its spec (``matmul_efficiency`` is a curve by size, linear in
log(size) between its points).  The memory is the chip's HBM, or its on-chip SRAM where it has
no HBM (what does not fit there is streamed; see :mod:`.memory`).

The kernels follow Megatron-LM's GPT layer (Narayanan et al. 2021, §4.2: fused bias+GeLU,
bias+dropout+add and scale+mask+softmax kernels), split over ``tp`` chips the way tensor
parallelism splits it: the Q/K/V and first feed-forward matrices by columns, the output and second
feed-forward matrices by rows, the attention heads among the chips.  Normalizations and residual
adds run on every chip of the group, or on a 1/tp slice of the sequence with sequence parallelism.
Attention is either ``materialized`` (scores written out, softmax and dropout over them) or
``flash`` (one fused kernel that keeps the scores on chip and skips the masked half).
The backward pass of a matrix multiply is two of its size (gradients of the input and of the
weights); of a memory-bound kernel, twice the traffic; of flash attention, 2.5 times the FLOPs
(it recomputes the scores).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ...model.specs import ChipSpec
from ...model.transformer import TransformerModel

ACTIVATION_BYTES = 2.0  # bf16/fp16 activations, as mixed-precision training keeps them


@dataclass(frozen=True)
class Kernel:
    name: str
    flops: float
    bytes: float
    size: float = 0.0  # matrix-multiply size (M·N·K)^(1/3) of one matrix; 0 for a memory-bound kernel
    launches: int = 1
    attention_core: bool = False  # recomputed by selective recomputation

    def backward(self) -> Kernel:
        if self.name == "flash-attention":
            return replace(self, name=self.name + " backward", flops=2.5 * self.flops, bytes=2 * self.bytes)
        return replace(self, name=self.name + " backward", flops=2 * self.flops, bytes=2 * self.bytes,
                       launches=self.launches * (2 if self.size else 1))


@dataclass(frozen=True)
class ChipRates:
    """What the roofline needs of a chip, in SI units."""

    peak_flops: float
    memory_Bps: float
    memory_efficiency: float
    curve_log_size: np.ndarray
    curve_efficiency: np.ndarray
    kernel_overhead_s: float

    @classmethod
    def of(cls, chip: ChipSpec, precision: str) -> ChipRates:
        if precision not in chip.peak_flops:
            formats = ", ".join(chip.peak_flops) or "none"
            raise ValueError(f"{chip.name} has no {precision} peak (its formats: {formats})")
        memory = chip.hbm_bw_Bps if chip.hbm_bytes > 0 else chip.onchip_bw_Bps
        if memory <= 0:
            raise ValueError(f"{chip.name} has no memory bandwidth (HBM or on-chip) in its spec")
        points = sorted((float(k), v) for k, v in chip.matmul_efficiency.items())
        return cls(chip.peak_flops[precision], memory, chip.memory_bw_efficiency,
                   np.log([p[0] for p in points]) if points else np.zeros(0),
                   np.asarray([p[1] for p in points], float), chip.kernel_overhead_s)

    def matmul_efficiency(self, size: float) -> float:
        if not len(self.curve_efficiency):
            return 1.0
        return float(np.interp(math.log(max(size, 1.0)), self.curve_log_size, self.curve_efficiency))

    def time_s(self, kernel: Kernel) -> float:
        compute = kernel.flops / (self.peak_flops * self.matmul_efficiency(kernel.size)) if kernel.flops else 0.0
        memory = kernel.bytes / (self.memory_Bps * self.memory_efficiency)
        return max(compute, memory) + self.kernel_overhead_s * kernel.launches


def _gemm(name: str, m: float, k: float, n: float, batch: float = 1.0, attention_core: bool = False) -> Kernel:
    a = ACTIVATION_BYTES
    return Kernel(name, 2.0 * m * n * k * batch, a * batch * (m * k + k * n + m * n), (m * n * k) ** (1 / 3),
                  attention_core=attention_core)


def layer_forward(model: TransformerModel, micro_batch: int, seq_len: int, tp: int, sequence_parallel: bool,
                  attention: str, dropout: bool) -> list[Kernel]:
    """The kernels of one layer's forward pass on one chip of a tensor-parallel group."""
    a = ACTIVATION_BYTES
    h, d, s, b = model.hidden, model.head_dim, seq_len, micro_batch
    tokens = b * s
    heads = model.heads / tp
    kv_heads = max(model.kv_heads / tp, 1.0)  # fewer KV heads than chips: each chip keeps a copy of one
    ffn = model.ffn / tp
    shared = tp if sequence_parallel else 1  # norms and residual adds: replicated, or a slice of the sequence
    mask = 1.0 if dropout else 0.0
    kernels = [Kernel("norm", 0.0, 2 * a * tokens * h / shared),
               _gemm("qkv", tokens, h, (heads + 2 * kv_heads) * d)]
    if attention == "flash":
        kernels.append(Kernel("flash-attention", 0.5 * 4.0 * s * s * d * b * heads,
                              a * tokens * d * (2 * heads + 2 * kv_heads), (s * s * d) ** (1 / 3), attention_core=True))
    else:
        batch = b * heads
        kernels += [_gemm("attention scores", s, d, s, batch, attention_core=True),
                    Kernel("softmax", 0.0, 2 * a * batch * s * s, attention_core=True)]
        if dropout:
            kernels.append(Kernel("attention dropout", 0.0, (2 * a + 1) * batch * s * s, attention_core=True))
        kernels += [_gemm("attention values", s, s, d, batch, attention_core=True),
                    Kernel("context copy", 0.0, 2 * a * tokens * heads * d)]
    kernels += [_gemm("attention output", tokens, heads * d, h),
                Kernel("residual", 0.0, (3 * a + mask) * tokens * h / shared),
                Kernel("norm", 0.0, 2 * a * tokens * h / shared),
                _gemm("ffn in", tokens, h, (2 if model.ffn_kind == "swiglu" else 1) * ffn),
                Kernel("activation", 0.0, (3 if model.ffn_kind == "swiglu" else 2) * a * tokens * ffn),
                _gemm("ffn out", tokens, ffn, h),
                Kernel("residual", 0.0, (3 * a + mask) * tokens * h / shared)]
    return kernels


def logits_forward(model: TransformerModel, micro_batch: int, seq_len: int, tp: int) -> list[Kernel]:
    """The final normalization, the vocabulary-parallel logits and the cross-entropy (fp32) of the last stage."""
    a = ACTIVATION_BYTES
    tokens = micro_batch * seq_len
    vocab = model.vocab / tp
    return [Kernel("final norm", 0.0, 2 * a * tokens * model.hidden),
            _gemm("logits", tokens, model.hidden, vocab),
            Kernel("cross-entropy", 0.0, (a + 2 * 4) * tokens * vocab)]


def embedding_forward(model: TransformerModel, micro_batch: int, seq_len: int) -> list[Kernel]:
    a = ACTIVATION_BYTES
    return [Kernel("embedding", 0.0, 2 * a * micro_batch * seq_len * model.hidden)]


@dataclass(frozen=True)
class PassTimes:
    """Seconds one chip spends on one micro-batch: forward, backward, recomputation (compute only)."""

    forward_s: float
    backward_s: float
    recompute_s: float

    @property
    def total_s(self) -> float:
        return self.forward_s + self.backward_s + self.recompute_s


def pass_times(rates: ChipRates, kernels: list[Kernel], recompute: str) -> PassTimes:
    """Forward, backward and recomputation time of a list of forward kernels."""
    forward = sum(rates.time_s(k) for k in kernels)
    backward = sum(rates.time_s(k.backward()) for k in kernels)
    if recompute == "full":
        again = forward
    elif recompute == "selective":
        again = sum(rates.time_s(k) for k in kernels if k.attention_core and k.name != "flash-attention")
    else:
        again = 0.0
    return PassTimes(forward, backward, again)


def kernel_flops(kernels: list[Kernel]) -> float:
    return sum(k.flops for k in kernels)
