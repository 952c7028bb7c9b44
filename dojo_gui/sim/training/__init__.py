"""Training workloads: how fast a design trains a transformer, at what efficiency, power and cost.

The API the CLI and the GUI use::

    from dojo_gui.sim.training import simulate_training, TrainingSettings, Plan
    result = simulate_training(design, model, settings)                 # search for the best plan
    result = simulate_training(design, model, settings, Plan(8, 16, 4)) # or evaluate one plan
    result.step_time_s, result.tokens_per_s, result.mfu, result.to_json(), result.run_record()

A search calls ``progress(fraction)`` as it goes and stops with :class:`Cancelled` when
``should_stop()`` returns True; a plan that cannot run (or does not fit, or runs away thermally)
raises :class:`PlanError` with the reason.  The chosen plan's steps then run on the thermal engine
over a representative window (``thermal``, :class:`ThermalWindow`; None leaves power and energy
out): power, PUE, energy, and the step time throttled chips make longer.  A caller that runs the
window itself (the GUI, to show it live) passes ``thermal=None`` and then
``with_thermal(result, ThermalRun(design, thermal_scenario(result, window)).run())``.
See docs/training.md for the model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...model.design import Design
from ...model.transformer import TransformerModel
from ..scenario import ScenarioError
from .coupling import DEFAULT_WINDOW, ThermalWindow, thermal_scenario, with_thermal
from .energy import Energy, capex_usd
from .errors import Cancelled, PlanError
from .placement import PLACEMENTS, Machine
from .result import TrainingResult
from .search import SearchResult, search_plans
from .settings import ATTENTION, RECOMPUTE, SCHEDULES, Plan, TrainingSettings, check_plan, count_of_tokens
from .step import StepEstimate, evaluate_plan
from .timeline import StepTimeline
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
    "ThermalWindow",
    "Traffic",
    "TrainingResult",
    "TrainingSettings",
    "check_plan",
    "count_of_tokens",
    "run_window",
    "simulate_training",
    "thermal_scenario",
    "with_thermal",
]


def simulate_training(design: Design, model: TransformerModel, settings: TrainingSettings | None = None,
                      plan: Plan | None = None, *, fixed: dict[str, Any] | None = None, simulate_best: int = 3,
                      progress: Callable[[float], None] | None = None,
                      should_stop: Callable[[], bool] | None = None, machine: Machine | None = None,
                      thermal: ThermalWindow | None = DEFAULT_WINDOW) -> TrainingResult:
    """Train ``model`` on ``design``: evaluate ``plan``, or search for the fastest plan that fits (``fixed``
    pins some of tp, pp, dp, micro_batch, schedule, placement).  The collectives of the plan run on the
    communication engine, its steps on the thermal engine over the ``thermal`` window.  Raises
    :class:`PlanError` when the plan cannot run or does not fit, or when no plan fits, with the reason;
    :class:`Cancelled` when ``should_stop()`` says so."""
    settings = settings or TrainingSettings.for_model(model)
    machine = machine or Machine.from_design(design)
    traffic = Traffic(machine, should_stop=should_stop)
    share = 1.0 if thermal is None else 0.8  # of the progress bar, the plan's; the thermal window has the rest

    def planning(fraction: float) -> None:
        if progress is not None:
            progress(share * fraction)

    search = None
    if plan is None:
        search = search_plans(machine, model, settings, traffic=traffic, simulate_best=simulate_best, fixed=fixed,
                              progress=planning, should_stop=should_stop)
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
            raise PlanError(f"{plan.describe()} does not fit: it {step.memory.why_not()}", "plan")
        planning(1.0)
    result = TrainingResult(design.name, machine.chip_spec.name, machine.n_chips, model, settings, step,
                            list(machine.fabric.chip_paths or []), search, capex_usd(design))
    if thermal is None:
        return result
    return run_window(design, result, thermal, progress=None if progress is None else
                      (lambda f: progress(share + (1.0 - share) * f)), should_stop=should_stop)


def run_window(design: Design, result: TrainingResult, window: ThermalWindow = DEFAULT_WINDOW, *,
               progress: Callable[[float], None] | None = None,
               should_stop: Callable[[], bool] | None = None) -> TrainingResult:
    """``result`` with its plan's steps run on the thermal engine over ``window`` (:func:`with_thermal`);
    :class:`PlanError` when the plan runs away thermally on the design."""
    from ..thermal import ThermalModelError, ThermalRun

    try:
        run = ThermalRun(design, thermal_scenario(result, window))
        thermal = run.run(progress=progress, should_stop=should_stop)
    except (ThermalModelError, ScenarioError) as exc:
        raise PlanError(f"{result.plan.describe()} cannot run on this design: {exc}") from None
    if thermal.stopped:
        raise Cancelled()
    return with_thermal(result, thermal)
