"""Decoder-only transformers as catalog data: their shape, parameter count and FLOPs per token.

A model is immutable data read from ``resources/models/*.json`` (see :mod:`dojo_gui.io.catalog`).
Counts follow Narayanan et al. 2021 ("Efficient Large-Scale Language Model Training on GPU
Clusters Using Megatron-LM", SC21), generalized to grouped-query attention, gated (SwiGLU)
feed-forward blocks, untied embeddings and RMSNorm without biases (Llama 3):

- parameters per layer: the Q, K, V and output projections, the feed-forward matrices, their
  biases and the two normalizations; plus the embeddings (and learned positions);
  for GPT-style models this is eq. 2, P = 12·l·h²·(1 + 13/(12h) + (V + s)/(12·l·h));
- matrix-multiply FLOPs of one forward pass per token: 2 per weight of every layer, 4·s·h per
  layer for the attention scores and their weighting of the values (s²-long attention, causal
  masking not credited, as eq. 3 counts), and 2·h·V for the logits;
- a training step is a forward and a backward pass (twice the forward), so 3x; with full
  activation recomputation the forward runs twice more per layer (not the logits): eq. 3's
  96·B·s·l·h²·(1 + s/(6h) + V/(16·l·h)).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

FFN_KINDS = ("gelu", "swiglu")
NORMS = ("layernorm", "rmsnorm")
POSITIONS = ("learned", "rotary")


class ModelError(ValueError):
    """A model description that is not acceptable; ``field`` names the figure, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


@dataclass(frozen=True, kw_only=True)
class TransformerModel:
    """A decoder-only transformer: its shape and the defaults of how it is trained."""

    id: str
    name: str
    layers: int
    hidden: int
    heads: int
    kv_heads: int = 0  # 0: as many as ``heads`` (multi-head attention)
    ffn: int = 0  # 0: 4 x hidden
    vocab: int
    seq_len: int
    ffn_kind: str = "gelu"  # gelu: two matrices; swiglu: three (gate, up, down)
    norm: str = "layernorm"
    bias: bool = True  # biases on the projections and feed-forward matrices
    tied_embeddings: bool = True  # the logits reuse the input embedding
    positions: str = "learned"  # learned: a seq_len x hidden table; rotary: no parameters
    dropout: bool = True  # trained with dropout (on the attention probabilities and the residual branches)
    global_batch: int = 0  # sequences per step, as the model's source trained it (0: not given)
    training_tokens: float = 0.0  # tokens the source trained it on (0: not given)
    family: str = ""
    description: str = ""
    sources: tuple[str, ...] = ()
    notes: str = ""

    def __post_init__(self) -> None:
        if not self.kv_heads:
            object.__setattr__(self, "kv_heads", self.heads)
        if not self.ffn:
            object.__setattr__(self, "ffn", 4 * self.hidden)
        for problem in check_model(self):
            raise problem

    # ------------------------------------------------------------------ shape
    @property
    def head_dim(self) -> int:
        return self.hidden // self.heads

    @property
    def kv_dim(self) -> int:
        """Width of the K (and of the V) projection."""
        return self.kv_heads * self.head_dim

    @property
    def ffn_matrices(self) -> int:
        return 3 if self.ffn_kind == "swiglu" else 2

    # ------------------------------------------------------------------ parameters
    def layer_weights(self) -> int:
        """Matrix weights of one layer (the ones a matrix multiply uses)."""
        h = self.hidden
        return h * (h + 2 * self.kv_dim) + h * h + self.ffn_matrices * h * self.ffn

    def layer_parameters(self) -> int:
        """Every parameter of one layer: matrices, biases and the two normalizations."""
        h = self.hidden
        biases = (h + 2 * self.kv_dim) + h + (self.ffn_matrices - 1) * self.ffn + h if self.bias else 0
        norms = 2 * (2 * h if self.norm == "layernorm" else h)
        return self.layer_weights() + biases + norms

    def embedding_parameters(self) -> int:
        """Input embedding, learned positions, the final normalization and (untied) output matrix."""
        h = self.hidden
        table = self.vocab * h * (1 if self.tied_embeddings else 2)
        positions = self.seq_len * h if self.positions == "learned" else 0
        final_norm = 2 * h if self.norm == "layernorm" else h
        return table + positions + final_norm

    def parameters(self) -> int:
        return self.layers * self.layer_parameters() + self.embedding_parameters()

    # ------------------------------------------------------------------ FLOPs
    def layer_forward_flops_per_token(self, seq_len: int | None = None) -> float:
        """Matrix-multiply FLOPs of one layer's forward pass, per token of a seq_len-long sequence."""
        s = self.seq_len if seq_len is None else seq_len
        return 2.0 * self.layer_weights() + 4.0 * s * self.hidden

    def logits_forward_flops_per_token(self) -> float:
        return 2.0 * self.hidden * self.vocab

    def forward_flops_per_token(self, seq_len: int | None = None) -> float:
        return self.layers * self.layer_forward_flops_per_token(seq_len) + self.logits_forward_flops_per_token()

    def training_flops_per_token(self, seq_len: int | None = None, recomputed_forward_fraction: float = 0.0
                                 ) -> float:
        """FLOPs per token of a training step: forward, backward (twice the forward) and, with activation
        recomputation, that share of the layers' forward again (1 for full recomputation)."""
        layer = self.layers * self.layer_forward_flops_per_token(seq_len)
        return 3.0 * (layer + self.logits_forward_flops_per_token()) + recomputed_forward_fraction * layer

    def model_flops_per_token(self, seq_len: int | None = None) -> float:
        """The FLOPs MFU counts: a forward and a backward pass, no recomputation (≈ 6·N + 12·l·h·s)."""
        return self.training_flops_per_token(seq_len)


def check_model(model: TransformerModel) -> list[ModelError]:
    """What makes a model description unusable, each naming its figure."""
    problems = []
    for name in ("layers", "hidden", "heads", "kv_heads", "ffn", "vocab", "seq_len"):
        value = getattr(model, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(ModelError(name, f"must be a whole number of at least 1, got {value!r}"))
    if problems:
        return problems
    if model.hidden % model.heads:
        problems.append(ModelError("heads", f"{model.heads} heads do not divide the hidden size {model.hidden}"))
    if model.heads % model.kv_heads:
        problems.append(ModelError("kv_heads", f"{model.kv_heads} KV heads do not divide the {model.heads} heads"))
    for name, choices in (("ffn_kind", FFN_KINDS), ("norm", NORMS), ("positions", POSITIONS)):
        if getattr(model, name) not in choices:
            problems.append(ModelError(name, f"must be one of {', '.join(choices)}, got {getattr(model, name)!r}"))
    if model.global_batch < 0 or model.training_tokens < 0:
        problems.append(ModelError("global_batch", "the batch and the training tokens cannot be negative"))
    return problems


_FIELDS = {f.name: f for f in fields(TransformerModel)}


def model_from_dict(data: Mapping[str, Any]) -> TransformerModel:
    """A model from plain data (a catalog entry).  Raises :class:`ModelError` naming the figure."""
    if not isinstance(data, Mapping):
        raise ModelError("", f"a model must be a table of figures, got {type(data).__name__}")
    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key not in _FIELDS:
            import difflib

            close = difflib.get_close_matches(key, list(_FIELDS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ModelError(key, "a model has no figure of that name" + hint)
        kind = _FIELDS[key].type
        if key == "sources":
            if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
                raise ModelError(key, "expected a list of text")
            raw = tuple(raw)
        elif kind in ("int",) and not (isinstance(raw, int) and not isinstance(raw, bool)):
            raise ModelError(key, f"expected a whole number, got {raw!r}")
        elif kind == "float":
            if isinstance(raw, bool) or not isinstance(raw, (int, float)):
                raise ModelError(key, f"expected a number, got {raw!r}")
            raw = float(raw)
        elif kind == "bool" and not isinstance(raw, bool):
            raise ModelError(key, f"expected true or false, got {raw!r}")
        elif kind == "str" and not isinstance(raw, str):
            raise ModelError(key, f"expected text, got {raw!r}")
        values[key] = raw
    for required in ("id", "name", "layers", "hidden", "heads", "vocab", "seq_len"):
        if required not in values:
            raise ModelError(required, "is missing")
    return TransformerModel(**values)
