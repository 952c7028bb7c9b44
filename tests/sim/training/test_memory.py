"""Memory per chip against Korthikanti et al. 2022's activation formulas and the state's byte counts."""

import pytest

from dojo_gui.model.transformer import TransformerModel
from dojo_gui.sim.training.memory import (
    layer_activation_bytes,
    memory_use,
    stage_parameters,
)
from dojo_gui.sim.training.settings import Plan, TrainingSettings

S, B = 2048, 2


@pytest.fixture
def gpt():
    return TransformerModel(id="g", name="G", layers=24, hidden=4096, heads=32, vocab=51200, seq_len=S)


def act(model, t, sp, recompute, attention="materialized"):
    return layer_activation_bytes(model, B, S, t, sp, recompute, attention)


def test_no_parallelism_no_recomputation(gpt):
    h, a = gpt.hidden, gpt.heads
    assert act(gpt, 1, False, "none") == pytest.approx(S * B * h * (34 + 5 * a * S / h))


@pytest.mark.parametrize("t", [2, 4, 8])
def test_tensor_parallel(gpt, t):
    h, a = gpt.hidden, gpt.heads
    assert act(gpt, t, False, "none") == pytest.approx(S * B * h * (10 + 24 / t + 5 * a * S / (h * t)))


@pytest.mark.parametrize("t", [2, 8])
def test_tensor_and_sequence_parallel(gpt, t):
    h, a = gpt.hidden, gpt.heads
    assert act(gpt, t, True, "none") == pytest.approx(S * B * h / t * (34 + 5 * a * S / h))


@pytest.mark.parametrize("t", [1, 4])
def test_selective_recomputation_drops_the_attention_scores(gpt, t):
    h = gpt.hidden
    assert act(gpt, t, False, "selective") == pytest.approx(S * B * h * (10 + 24 / t))
    assert act(gpt, t, True, "selective") == pytest.approx(S * B * h * 34 / t)


def test_flash_attention_keeps_no_scores(gpt):
    assert act(gpt, 4, False, "none", "flash") == pytest.approx(act(gpt, 4, False, "selective"))


def test_full_recomputation_keeps_the_layer_input(gpt):
    assert act(gpt, 8, False, "full") == pytest.approx(2 * S * B * gpt.hidden)
    assert act(gpt, 8, True, "full") == pytest.approx(2 * S * B * gpt.hidden / 8)


def test_first_stage_holds_p_micro_batches_and_the_state(gpt, catalog):
    chip, tile = catalog["nvidia-a100-sxm-80gb"], catalog["nvidia-dgx-a100"]
    settings = TrainingSettings(global_batch=64, seq_len=S, recompute="selective")
    plan = Plan(tp=4, pp=4, dp=2, micro_batch=B)
    use = memory_use(gpt, settings, plan, chip, tile, 8)
    first, _ = stage_parameters(gpt, plan)
    assert use.weights_bytes == pytest.approx(2 * first) and use.optimizer_bytes == pytest.approx(12 * first)
    per_layer = act(gpt, 4, False, "selective")
    assert use.activations_bytes == pytest.approx(per_layer * gpt.layers / 4 * 4)  # 4 in flight on stage 0
    zero1 = memory_use(gpt, TrainingSettings(global_batch=64, seq_len=S, recompute="selective", zero_stage=1),
                       plan, chip, tile, 8)
    assert zero1.optimizer_bytes == pytest.approx(use.optimizer_bytes / 2)
    assert zero1.weights_bytes == use.weights_bytes and use.fast_kind == "HBM" and use.streamed_bytes == 0


def test_without_hbm_what_does_not_fit_in_sram_streams_from_the_interface_processors(gpt, catalog):
    chip, tile = catalog["dojo-d1"], catalog["dojo-training-tile"]
    settings = TrainingSettings(global_batch=64, seq_len=S, recompute="full")
    use = memory_use(gpt, settings, Plan(tp=8, pp=6, dp=1), chip, tile, 25)
    assert use.fast_kind == "SRAM" and use.fast_bytes == 440e6
    assert use.capacity_bytes == pytest.approx(440e6 + 5 * 32e9 / 25)
    assert use.total_bytes > use.fast_bytes and use.streamed_bytes > 0
    # The optimizer state leaves SRAM first: with an overflow no larger than it, it moves twice a step.
    assert use.stream_Bps == pytest.approx(5 * 800e9 / 25)
