"""Transformer models: parameter counts and FLOPs against the closed forms they come from."""

import pytest

from dojo_gui.io.catalog import builtin_models
from dojo_gui.model.transformer import ModelError, model_from_dict

MODELS = builtin_models()
GPT = [m for m in MODELS.values() if m.family == "megatron-gpt"]


@pytest.mark.parametrize("model", GPT + [MODELS["gpt3-175b"]], ids=lambda m: m.id)
def test_gpt_parameters_are_narayanan_eq_2(model):
    """Eq. 2 plus the final layer norm (2h), which eq. 2 leaves out."""
    layers, h, V, s = model.layers, model.hidden, model.vocab, model.seq_len
    eq2 = 12 * layers * h**2 * (1 + 13 / (12 * h) + (V + s) / (12 * layers * h))
    assert model.parameters() == pytest.approx(eq2 + 2 * h, rel=1e-12)


@pytest.mark.parametrize("model", GPT, ids=lambda m: m.id)
def test_full_recomputation_flops_are_narayanan_eq_3(model):
    """96·B·s·l·h²·(1 + s/(6h) + V/(16·l·h)) per iteration of B sequences."""
    B, layers, h, V, s = model.global_batch, model.layers, model.hidden, model.vocab, model.seq_len
    eq3 = 96 * B * s * layers * h**2 * (1 + s / (6 * h) + V / (16 * layers * h))
    assert B * s * model.training_flops_per_token(recomputed_forward_fraction=1.0) == pytest.approx(eq3, rel=1e-12)


@pytest.mark.parametrize("model", list(MODELS.values()), ids=lambda m: m.id)
def test_model_flops_are_six_n_plus_attention(model):
    """Without recomputation a token costs 6 FLOPs per weight it multiplies by, plus 12·l·h·s for attention;
    those matrices are all but a few parts in a hundred of the parameters (biases, norms, positions, and an
    untied input embedding, which is looked up, not multiplied)."""
    layers, h, s = model.layers, model.hidden, model.seq_len
    weights = layers * model.layer_weights() + model.vocab * h
    assert model.model_flops_per_token() == pytest.approx(6 * weights + 12 * layers * h * s, rel=1e-12)
    lookup = 0 if model.tied_embeddings else model.vocab * h
    multiplied = model.parameters() - lookup
    assert model.model_flops_per_token() == pytest.approx(6 * multiplied + 12 * layers * h * s, rel=0.02)


@pytest.mark.parametrize("model_id,published", [("llama3-8b", 8_030_261_248), ("llama3-70b", 70_553_706_496),
                                                ("llama3-405b", 405_853_388_800)])
def test_llama3_parameters_match_the_released_checkpoints(model_id, published):
    """Grouped-query attention, SwiGLU, RMSNorm without biases and untied embeddings, counted exactly."""
    assert MODELS[model_id].parameters() == published


def test_table_1_models_have_its_shapes():
    shapes = {(m.layers, m.hidden, m.heads) for m in GPT}
    assert (128, 25600, 160) in shapes and (24, 2304, 24) in shapes and len(GPT) == 10


def test_every_model_says_where_it_comes_from():
    for m in MODELS.values():
        assert m.sources and m.description


@pytest.mark.parametrize("change,field,words", [
    ({"heads": 7}, "heads", "do not divide the hidden size"),
    ({"kv_heads": 5}, "kv_heads", "do not divide the"),
    ({"layers": 0}, "layers", "at least 1"),
    ({"layerz": 3}, "layerz", "did you mean 'layers'"),
    ({"ffn_kind": "relu"}, "ffn_kind", "must be one of"),
    ({"hidden": "big"}, "hidden", "whole number"),
])
def test_bad_models_are_refused_with_the_figure_named(change, field, words):
    data = {"id": "m", "name": "M", "layers": 2, "hidden": 64, "heads": 4, "vocab": 100, "seq_len": 16, **change}
    with pytest.raises(ModelError) as info:
        model_from_dict(data)
    assert info.value.field == field and words in str(info.value)
