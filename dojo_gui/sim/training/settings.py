"""What a training run is asked to do (the settings) and how it is split over the chips (the plan)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...model.transformer import TransformerModel
from .errors import PlanError
from .placement import PLACEMENTS

RECOMPUTE: tuple[str, ...] = ("none", "selective", "full")
SCHEDULES: tuple[str, ...] = ("1f1b", "interleaved")
ATTENTION: tuple[str, ...] = ("flash", "materialized")

# PyTorch DistributedDataParallel's default gradient bucket (bucket_cap_mb=25).
DEFAULT_BUCKET_BYTES = 25 * 2**20


@dataclass(frozen=True, kw_only=True)
class TrainingSettings:
    """How the model is trained, independent of how it is split.

    Bytes per parameter: ``weight_bytes`` (the working copy, bf16), ``gradient_bytes`` (as kept and
    reduced) and ``optimizer_state_bytes`` (Adam: an fp32 master copy and two fp32 moments = 12).
    ZeRO shards over the data-parallel group: stage 1 the optimizer state, 2 also the gradients,
    3 also the weights (gathered again for every pass).
    """

    global_batch: int  # sequences per step
    seq_len: int
    precision: str = "bf16"  # the number format of the matrix multiplies (the chip's peak for it)
    weight_bytes: float = 2.0
    gradient_bytes: float = 2.0
    optimizer_state_bytes: float = 12.0
    recompute: str = "selective"
    zero_stage: int = 0
    sequence_parallel: bool = False
    attention: str = "flash"
    dp_overlap: bool = True  # the gradient all-reduce runs in buckets during the last backward pass
    dp_bucket_bytes: float = DEFAULT_BUCKET_BYTES
    pp_scatter_gather: bool = True  # stage-to-stage sends split over the tensor group, then all-gathered
    fused_grad_accumulation: bool = True  # weight gradients added to the accumulator inside their matrix multiply
    tokens: float = 300e9  # to train
    comm_utilization: float = 0.2  # chip utilization while it only communicates (for power)
    electricity_usd_per_kwh: float = 0.10

    def __post_init__(self) -> None:
        problems = []
        if self.global_batch < 1:
            problems.append(f"the global batch must be at least 1 sequence, not {self.global_batch}")
        if self.seq_len < 1:
            problems.append(f"the sequence length must be at least 1, not {self.seq_len}")
        if self.recompute not in RECOMPUTE:
            problems.append(f"recomputation must be one of {', '.join(RECOMPUTE)}, not {self.recompute!r}")
        if self.attention not in ATTENTION:
            problems.append(f"attention must be one of {', '.join(ATTENTION)}, not {self.attention!r}")
        if self.zero_stage not in (0, 1, 2, 3):
            problems.append(f"the ZeRO stage is 0, 1, 2 or 3, not {self.zero_stage}")
        if min(self.weight_bytes, self.gradient_bytes, self.optimizer_state_bytes) < 0:
            problems.append("bytes per parameter cannot be negative")
        if not self.tokens > 0:
            problems.append(f"the tokens to train must be more than 0, not {self.tokens:g}")
        if not 0 <= self.comm_utilization <= 1:
            problems.append(f"the utilization while communicating is a fraction, not {self.comm_utilization:g}")
        if problems:
            raise PlanError("; ".join(problems))

    @classmethod
    def for_model(cls, model: TransformerModel, **changes: Any) -> TrainingSettings:
        """The model's own batch and sequence length (its source's), changed where asked."""
        values: dict[str, Any] = {"global_batch": model.global_batch or 1024, "seq_len": model.seq_len}
        if model.training_tokens:
            values["tokens"] = model.training_tokens
        values.update({k: v for k, v in changes.items() if v is not None})
        return cls(**values)

    @property
    def tokens_per_step(self) -> int:
        return self.global_batch * self.seq_len


@dataclass(frozen=True)
class Plan:
    """How the model is split: tensor (``tp``), pipeline (``pp``) and data (``dp``) parallel degrees,
    the micro-batch, the pipeline schedule (``interleave`` model chunks per chip; 1 for 1F1B) and
    where the groups sit."""

    tp: int
    pp: int
    dp: int
    micro_batch: int = 1
    schedule: str = "1f1b"
    interleave: int = 1
    placement: str = "data-contiguous"

    @property
    def chips(self) -> int:
        return self.tp * self.pp * self.dp

    def micro_batches(self, settings: TrainingSettings) -> int:
        return settings.global_batch // (self.dp * self.micro_batch)

    def describe(self) -> str:
        sched = self.schedule if self.schedule == "1f1b" else f"interleaved x{self.interleave}"
        return (f"TP {self.tp} x PP {self.pp} x DP {self.dp}, micro-batch {self.micro_batch}, {sched}, "
                f"{self.placement}")

    def to_json(self) -> dict[str, Any]:
        return {"tp": self.tp, "pp": self.pp, "dp": self.dp, "micro_batch": self.micro_batch,
                "schedule": self.schedule, "interleave": self.interleave, "placement": self.placement}


def count_of_tokens(text: str) -> float:
    """ "300B", "1.5T", "2e11", "15M" -> a count of tokens; :class:`PlanError` (field "tokens") if it is none."""
    t = text.strip().replace(",", "").replace("_", "")
    scale = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "G": 1e9, "T": 1e12}.get(t[-1:], 1.0)
    if scale != 1.0:
        t = t[:-1]
    try:
        value = float(t) * scale
    except ValueError:
        raise PlanError(f"{text!r} is not a count of tokens (e.g. 300B, 1.5T, 2e11)", "tokens") from None
    if not (value > 0 and value < float("inf")):
        raise PlanError(f"must be more than 0, not {text}", "tokens")
    return value


def check_plan(plan: Plan, model: TransformerModel, settings: TrainingSettings) -> None:
    """Why a plan cannot train this model with these settings (:class:`PlanError`), machine aside."""
    degrees = {"tp": plan.tp, "pp": plan.pp, "dp": plan.dp, "micro_batch": plan.micro_batch,
               "interleave": plan.interleave}
    below = next((name for name, value in degrees.items() if value < 1), None)
    if below is not None:
        raise PlanError(f"TP, PP, DP, the micro-batch and the interleaving must all be at least 1 ({plan.describe()})",
                        below)
    if plan.schedule not in SCHEDULES:
        raise PlanError(f"the schedule is one of {', '.join(SCHEDULES)}, not {plan.schedule!r}", "schedule")
    if plan.placement not in PLACEMENTS:
        raise PlanError(f"the placement is one of {', '.join(PLACEMENTS)}, not {plan.placement!r}", "placement")
    if model.heads % plan.tp:
        raise PlanError(f"TP {plan.tp} does not divide the model's {model.heads} attention heads", "tp")
    if model.ffn % plan.tp:
        raise PlanError(f"TP {plan.tp} does not divide the model's feed-forward width {model.ffn}", "tp")
    if plan.schedule == "1f1b" and plan.interleave != 1:
        raise PlanError("1F1B runs one model chunk per chip: interleaving needs the interleaved schedule",
                        "interleave")
    if plan.schedule == "interleaved" and (plan.pp < 2 or plan.interleave < 2):
        raise PlanError("the interleaved schedule needs PP of 2 or more and 2 or more model chunks per chip",
                        "pp" if plan.pp < 2 else "interleave")
    chunks = plan.pp * plan.interleave
    if model.layers % chunks:
        raise PlanError(f"PP {plan.pp}" + (f" x {plan.interleave} chunks" if plan.interleave > 1 else "")
                        + f" does not divide the model's {model.layers} layers", "pp")
    if settings.global_batch % (plan.dp * plan.micro_batch):
        raise PlanError(f"the global batch of {settings.global_batch} sequences does not split into DP {plan.dp} x "
                        f"micro-batches of {plan.micro_batch}",
                        "dp" if settings.global_batch % plan.dp else "micro_batch")
    m = plan.micro_batches(settings)
    if plan.schedule == "interleaved" and m % plan.pp:
        raise PlanError(f"the interleaved schedule needs the micro-batches ({m}) to be a multiple of PP {plan.pp}",
                        "micro_batch")
    if settings.sequence_parallel and settings.seq_len % plan.tp:
        raise PlanError(f"sequence parallelism splits the sequence of {settings.seq_len} over TP {plan.tp}: "
                        f"it does not divide", "tp")
