"""Training workloads: how fast a design trains a transformer, at what efficiency, power and cost.

The API the CLI and the GUI use::

    from dojo_gui.sim.training import simulate_training, TrainingSettings, Plan
    result = simulate_training(design, model, settings)                 # search for the best plan
    result = simulate_training(design, model, settings, Plan(8, 16, 4)) # or evaluate one plan
    result.step_time_s, result.tokens_per_s, result.mfu, result.to_json(), result.run_record()

A search calls ``progress(fraction)`` as it goes and stops with :class:`Cancelled` when
``should_stop()`` returns True; a plan that cannot run (or does not fit) raises :class:`PlanError`
with the reason.  ``result.step.timeline`` is the step's utilization per pipeline stage over time,
for the thermal coupling.  See docs/training.md for the model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...model.design import Design
from ...model.transformer import TransformerModel
from .energy import Energy, StepTimeline, run_energy
from .errors import Cancelled, PlanError
from .placement import PLACEMENTS, Machine
from .result import TrainingResult
from .search import SearchResult, search_plans
from .settings import ATTENTION, RECOMPUTE, SCHEDULES, Plan, TrainingSettings
from .step import StepEstimate, evaluate_plan
from .traffic import Traffic

__all__ = [
    "ATTENTION",
    "PLACEMENTS",
    "RECOMPUTE",
    "SCHEDULES",
    "Cancelled",
    "Energy",
    "Machine",
    "Plan",
    "PlanError",
    "SearchResult",
    "StepEstimate",
    "StepTimeline",
    "Traffic",
    "TrainingResult",
    "TrainingSettings",
    "simulate_training",
]


def simulate_training(design: Design, model: TransformerModel, settings: TrainingSettings | None = None,
                      plan: Plan | None = None, *, fixed: dict[str, Any] | None = None, simulate_best: int = 3,
                      progress: Callable[[float], None] | None = None,
                      should_stop: Callable[[], bool] | None = None, machine: Machine | None = None
                      ) -> TrainingResult:
    """Train ``model`` on ``design``: evaluate ``plan``, or search for the fastest plan that fits (``fixed``
    pins some of tp, pp, dp, micro_batch, schedule, placement).  The collectives of the plan run on the
    communication engine.  Raises :class:`PlanError` when the plan cannot run or does not fit, or when no
    plan fits, with the reason; :class:`Cancelled` when ``should_stop()`` says so."""
    settings = settings or TrainingSettings.for_model(model)
    machine = machine or Machine.from_design(design)
    traffic = Traffic(machine, should_stop=should_stop)
    search = None
    if plan is None:
        search = search_plans(machine, model, settings, traffic=traffic, simulate_best=simulate_best, fixed=fixed,
                              progress=progress, should_stop=should_stop)
        if search.best is None:
            common = sorted(search.reasons.items(), key=lambda kv: -kv[1])[:3]
            reasons = "; ".join(f"{n:,} plans: {why}" for why, n in common)
            closest = min((c for c in search.rejected if c.memory_bytes), key=lambda c: c.memory_bytes or 0,
                          default=None)
            hint = f" The closest, {closest.plan.describe()}, {closest.why}." if closest is not None else ""
            raise PlanError(f"no plan trains {model.name} on this design ({reasons}).{hint}")
        step = search.best
    else:
        step = evaluate_plan(machine, model, settings, plan, traffic)
        if not step.memory.fits:
            raise PlanError(f"{plan.describe()} does not fit: it {step.memory.why_not()}")
        if progress is not None:
            progress(1.0)
    run_time = settings.tokens / (settings.tokens_per_step / step.step_time_s)
    energy = run_energy(design, step.timeline, run_time, settings.electricity_usd_per_kwh,
                        machine.fabric.chip_paths or [])
    return TrainingResult(design.name, machine.chip_spec.name, machine.n_chips, model, settings, step, energy, search)
