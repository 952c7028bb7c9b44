"""Per-layer kernels: their FLOPs add up to the model's, and each takes its roofline time."""

import math

import pytest

from dojo_gui.model.specs import ChipSpec
from dojo_gui.sim.training.compute import (
    ChipRates,
    Kernel,
    layer_forward,
    logits_forward,
)


@pytest.mark.parametrize("tp", [1, 2, 8])
def test_a_layer_on_tp_chips_does_its_share_of_the_models_flops(gpt_small, tp):
    b, s = 2, gpt_small.seq_len
    kernels = layer_forward(gpt_small, b, s, tp, False, "materialized", True)
    assert tp * sum(k.flops for k in kernels) == pytest.approx(b * s * gpt_small.layer_forward_flops_per_token())
    logits = logits_forward(gpt_small, b, s, tp)
    assert tp * sum(k.flops for k in logits) == pytest.approx(b * s * gpt_small.logits_forward_flops_per_token())


def test_flash_attention_skips_the_masked_half(gpt_small):
    s = gpt_small.seq_len
    full = sum(k.flops for k in layer_forward(gpt_small, 1, s, 1, False, "materialized", True))
    flash = sum(k.flops for k in layer_forward(gpt_small, 1, s, 1, False, "flash", True))
    assert full - flash == pytest.approx(0.5 * 4 * s * s * gpt_small.hidden)


def chip(**figures):
    base = {"id": "c", "name": "C", "peak_flops": {"bf16": 100e12}, "hbm_bytes": 1e9, "hbm_bw_Bps": 1e12}
    return ChipSpec(**{**base, **figures})


def test_efficiency_is_linear_in_log_size_and_held_beyond_the_ends():
    rates = ChipRates.of(chip(matmul_efficiency={"1000": 0.5, "100000": 0.9}), "bf16")
    assert rates.matmul_efficiency(1000) == pytest.approx(0.5)
    assert rates.matmul_efficiency(10000) == pytest.approx(0.7)
    assert rates.matmul_efficiency(10) == pytest.approx(0.5) and rates.matmul_efficiency(1e9) == pytest.approx(0.9)
    assert ChipRates.of(chip(), "bf16").matmul_efficiency(64) == 1.0


def test_a_kernel_takes_the_longer_of_its_compute_and_its_memory_time_plus_the_overhead():
    rates = ChipRates.of(chip(memory_bw_efficiency=0.5, kernel_overhead_s=1e-6), "bf16")
    compute_bound = Kernel("k", flops=100e12, bytes=1e9, size=4096)
    memory_bound = Kernel("m", flops=1e9, bytes=1e12, size=4096)
    assert rates.time_s(compute_bound) == pytest.approx(1.0 + 1e-6)
    assert rates.time_s(memory_bound) == pytest.approx(1e12 / 0.5e12 + 1e-6)


def test_a_chip_without_the_format_or_a_memory_is_refused():
    with pytest.raises(ValueError, match="no fp8 peak"):
        ChipRates.of(chip(), "fp8")
    with pytest.raises(ValueError, match="no memory bandwidth"):
        ChipRates.of(chip(hbm_bytes=0, hbm_bw_Bps=0), "bf16")


def test_without_hbm_the_roofline_uses_the_on_chip_bandwidth():
    rates = ChipRates.of(chip(hbm_bytes=0, hbm_bw_Bps=0, onchip_bw_Bps=10e12), "bf16")
    assert rates.memory_Bps == 10e12 and not math.isnan(rates.time_s(Kernel("n", 0.0, 1e9)))
