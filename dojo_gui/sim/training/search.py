"""The fastest plan that fits: a search over (TP, PP, DP, micro-batch, schedule, placement).

Every combination the model and the machine allow is screened with the closed-form estimate of
the communication (:class:`~.traffic.Traffic` with ``simulate=False``): the ones that cannot run
are named with the reason (TP does not divide the heads, more groups than the tiles hold, ...),
the ones that do not fit in memory with what they need against what a chip holds.  The best
``simulate_best`` that fit are then evaluated with the communication engine, and the fastest of
those wins.  The ranked table keeps every plan tried that fits, the simulated ones first, each with
why it lost: "slower by 12 %" (simulated), or, for the rest, how far its estimate is above the
winner's estimate.

DP takes the largest values that divide the global batch and fit on the machine (using fewer
chips is never faster when every plan is compute-bound and rarely otherwise); the micro-batch
takes the powers of two up to 16 that divide a data-parallel rank's share; the interleaved
schedule takes 2 to 8 chunks per chip where they divide the stage's layers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...model.transformer import TransformerModel
from .errors import Cancelled, PlanError
from .placement import PLACEMENTS, Machine
from .settings import Plan, TrainingSettings
from .step import StepEstimate, evaluate_plan
from .traffic import Traffic

MICRO_BATCHES = (1, 2, 4, 8, 16)
MAX_INTERLEAVE = 8
DP_CHOICES = 2  # the largest data-parallel degrees tried per (TP, PP)


@dataclass(frozen=True)
class Candidate:
    """One plan the search tried, and what became of it."""

    plan: Plan
    verdict: str  # "best", "slower", "does not fit", "invalid"
    why: str
    step_time_s: float | None = None  # simulated where evaluated == "simulated", else the estimate
    evaluated: str = ""  # "simulated", "estimated" or ""
    memory_bytes: float | None = None

    def to_row(self) -> list[Any]:
        p = self.plan
        return [p.tp, p.pp, p.dp, p.micro_batch, p.schedule, p.interleave, p.placement, self.step_time_s,
                self.evaluated, self.memory_bytes, self.verdict, self.why]


ROW_COLUMNS = ["tp", "pp", "dp", "micro_batch", "schedule", "interleave", "placement", "step_time_s", "evaluated",
               "memory_per_chip_bytes", "verdict", "why"]


@dataclass
class SearchResult:
    best: StepEstimate | None
    ranked: list[Candidate]  # plans that fit, best first
    rejected: list[Candidate]  # do not fit, or invalid (one row per distinct reason and TP/PP)
    tried: int = 0
    simulated: int = 0  # plans evaluated with the communication engine
    elapsed_s: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)  # why plans were refused -> how many

    def table(self, limit: int | None = None) -> dict[str, Any]:
        """Every plan tried that fits (best first), then the refused ones: one row each, every column."""
        rows = self.ranked + self.rejected
        return {"title": f"Plans tried: {self.tried:,} ({len(self.ranked):,} fit, {self.simulated} simulated)",
                "columns": ROW_COLUMNS, "rows": [c.to_row() for c in (rows if limit is None else rows[:limit])]}

    def summary_table(self, fitting: int = 10, refused: int = 5) -> dict[str, Any]:
        """The best plans that fit and a few refused ones, a plan to a row in a few words (for reports)."""
        rows = [[c.plan.describe(), c.step_time_s, c.evaluated, c.why] for c in self.ranked[:fitting]]
        rows += [[c.plan.describe(), None, "", c.why] for c in self.rejected[:refused]]
        return {"title": f"Plans tried: {self.tried:,}, {len(self.ranked):,} fit, {self.simulated} simulated "
                         f"with the communication engine",
                "columns": ["plan", "step_time_s", "evaluated", "why"], "rows": rows}


def divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


def candidate_plans(machine: Machine, model: TransformerModel, settings: TrainingSettings,
                    fixed: dict[str, Any] | None = None) -> tuple[list[Plan], dict[str, int]]:
    """Every plan worth trying, and the refusals counted by reason for the degrees that cannot be."""
    fixed = fixed or {}
    refused: dict[str, int] = {}
    plans = []
    tps = [fixed["tp"]] if "tp" in fixed else list(range(1, machine.largest_tile + 1))
    for tp in tps:
        why = None
        if model.heads % tp:
            why = f"TP {tp} does not divide the {model.heads} attention heads"
        elif model.ffn % tp:
            why = f"TP {tp} does not divide the feed-forward width {model.ffn}"
        elif settings.sequence_parallel and settings.seq_len % tp:
            why = f"TP {tp} does not divide the sequence of {settings.seq_len} (sequence parallelism)"
        if why is None:
            try:
                groups = len(machine.tp_groups(tp))
            except PlanError as exc:
                why = str(exc)
        if why is not None:
            refused[why] = refused.get(why, 0) + 1
            continue
        pps = [fixed["pp"]] if "pp" in fixed else [p for p in divisors(model.layers) if p <= groups]
        for pp in pps:
            room = groups // pp
            if "dp" in fixed:
                dps = [fixed["dp"]]
            else:
                dps = [d for d in divisors(settings.global_batch) if d <= room][-DP_CHOICES:]
            for dp in dps:
                for b in ([fixed["micro_batch"]] if "micro_batch" in fixed else MICRO_BATCHES):
                    if settings.global_batch % (dp * b):
                        continue
                    m = settings.global_batch // (dp * b)
                    schedules = [("1f1b", 1)]
                    if pp > 1 and m % pp == 0:
                        schedules += [("interleaved", v) for v in range(2, MAX_INTERLEAVE + 1)
                                      if (model.layers // pp) % v == 0 and model.layers % pp == 0]
                    if "schedule" in fixed:
                        schedules = [s for s in schedules if s[0] == fixed["schedule"]]
                    if "interleave" in fixed:
                        schedules = [s for s in schedules if s[1] == fixed["interleave"]]
                    placements = PLACEMENTS if pp > 1 and dp > 1 else PLACEMENTS[1:]
                    if "placement" in fixed:
                        placements = (fixed["placement"],)
                    for schedule, v in schedules:
                        for placement in placements:
                            plans.append(Plan(tp, pp, dp, b, schedule, v, placement))
    return plans, refused


def search_plans(machine: Machine, model: TransformerModel, settings: TrainingSettings, *,
                 traffic: Traffic | None = None, simulate_best: int = 3, fixed: dict[str, Any] | None = None,
                 progress: Callable[[float], None] | None = None,
                 should_stop: Callable[[], bool] | None = None) -> SearchResult:
    """The fastest plan that fits, with the ranked table of what was tried (see the module notes).

    ``fixed`` pins any of tp, pp, dp, micro_batch, schedule, interleave, placement.  ``progress(fraction)`` is
    called as it goes; ``should_stop()`` returning True raises :class:`Cancelled`.
    """
    started = time.monotonic()
    traffic = traffic or Traffic(machine, should_stop=should_stop)
    plans, refused = candidate_plans(machine, model, settings, fixed)
    fitting: list[tuple[float, Plan, StepEstimate]] = []
    rejected: list[Candidate] = []
    seen_reasons: set[tuple[Any, ...]] = set()
    report_every = max(1, len(plans) // 100)
    for k, plan in enumerate(plans):
        if should_stop is not None and should_stop():
            raise Cancelled()
        if progress is not None and k % report_every == 0:
            progress(0.5 * k / max(len(plans), 1))
        try:
            estimate = evaluate_plan(machine, model, settings, plan, traffic, simulate=False)
        except PlanError as exc:
            why = str(exc)
            refused[why] = refused.get(why, 0) + 1
            if (why, plan.tp, plan.pp) not in seen_reasons:
                seen_reasons.add((why, plan.tp, plan.pp))
                rejected.append(Candidate(plan, "invalid", why))
            continue
        if not estimate.memory.fits:
            why = estimate.memory.why_not()
            refused["does not fit in memory"] = refused.get("does not fit in memory", 0) + 1
            key = ("memory", plan.tp, plan.pp, plan.dp)
            if key not in seen_reasons:
                seen_reasons.add(key)
                rejected.append(Candidate(plan, "does not fit", why, memory_bytes=estimate.memory.total_bytes))
            continue
        fitting.append((estimate.step_time_s, plan, estimate))
    fitting.sort(key=lambda item: item[0])
    simulated: list[tuple[StepEstimate, float]] = []
    shortlist = fitting[:max(1, simulate_best)] if traffic.simulate else []
    for k, (estimate_s, plan, _) in enumerate(shortlist):
        if progress is not None:
            progress(0.5 + 0.5 * k / len(shortlist))
        simulated.append((evaluate_plan(machine, model, settings, plan, traffic), estimate_s))
    if progress is not None:
        progress(1.0)
    ranked: list[Candidate] = []
    best: StepEstimate | None = None
    if simulated:
        simulated.sort(key=lambda item: item[0].step_time_s)
        best = simulated[0][0]
        for est, _ in simulated:
            ranked.append(_ranked(est, best, "simulated"))
        reference = min(x[1] for x in simulated)
        for estimate_s, plan, est in fitting[len(shortlist):]:
            ranked.append(Candidate(plan, "slower", f"its estimate is {estimate_s / reference - 1:.1%} above the best "
                                                    f"estimate (not simulated)", estimate_s, "estimated",
                                    est.memory.total_bytes))
    elif fitting:
        best = fitting[0][2]
        for _, _plan, est in fitting:
            ranked.append(_ranked(est, best, "estimated"))
    tp_refusals = sum(n for why, n in refused.items() if why.startswith("TP "))
    return SearchResult(best, ranked, rejected, len(plans) + tp_refusals, len(simulated), time.monotonic() - started,
                        refused)


def _ranked(est: StepEstimate, best: StepEstimate, evaluated: str) -> Candidate:
    if est is best:
        return Candidate(est.plan, "best", "the fastest plan that fits", est.step_time_s, evaluated,
                         est.memory.total_bytes)
    return Candidate(est.plan, "slower", f"slower by {est.step_time_s / best.step_time_s - 1:.1%}", est.step_time_s,
                     evaluated, est.memory.total_bytes)
