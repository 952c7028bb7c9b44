"""Models and small machines for the training-model tests."""

import pytest

from dojo_gui.io.catalog import builtin_models
from dojo_gui.model.templates import TEMPLATES
from dojo_gui.model.transformer import TransformerModel


@pytest.fixture(scope="session")
def models():
    return builtin_models()


@pytest.fixture
def gpt_small():
    """A GPT layer shape small enough to search over quickly (Megatron style: biases, GeLU, dropout)."""
    return TransformerModel(id="gpt-small", name="GPT small", layers=8, hidden=1024, heads=16, vocab=32000,
                            seq_len=1024, global_batch=64)


@pytest.fixture
def dgx2(catalog):
    """Two DGX A100 (16 GPUs) in one rack."""
    return TEMPLATES["dgx-a100-superpod"].make(catalog, 2)
