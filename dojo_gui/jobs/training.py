"""Training a model as a live job: the plan (given, or searched for), then its steps on the thermal engine.

:class:`TrainingJob` is what the run panel's Training scenario asks for; :func:`run_training` runs it
in the worker thread in two phases, as :func:`dojo_gui.sim.training.simulate_training` does, so the
window can be followed live:

1. the plan: a given plan is checked and evaluated (its collectives on the communication engine),
   or the search runs with its progress, Stop ending it at once; a plan that cannot run or does not
   fit is refused with the reason and the field at fault (:attr:`Outcome.field`), and nothing else
   runs;
2. the plan's steps on the thermal engine over the window, streamed to the power and cooling plots
   and the canvas like any thermal run; the result is the plan with its power, energy and the step
   time throttling made longer (:func:`dojo_gui.sim.training.with_thermal`).

A run stopped during the window ends with the plan alone (no energy); stopped during the search,
with nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model.design import Design
from ..model.transformer import TransformerModel
from ..sim.training import (
    Cancelled,
    Plan,
    PlanError,
    ThermalWindow,
    TrainingSettings,
    simulate_training,
    thermal_scenario,
    with_thermal,
)
from .live import LIVE_RECORD, Control, LiveBuffer, Outcome, announce_thermal, input_errors, stream_thermal


@dataclass(frozen=True)
class TrainingJob:
    """Train ``model`` with ``settings``: the ``plan`` given, or the fastest one a search finds."""

    model: TransformerModel
    settings: TrainingSettings
    plan: Plan | None = None  # None: search
    fixed: dict[str, Any] = field(default_factory=dict)  # what a search keeps as given (micro_batch, schedule, ...)
    window: ThermalWindow = field(default_factory=ThermalWindow)
    simulate_best: int = 3

    kind = "training"

    def describe(self) -> str:
        how = self.plan.describe() if self.plan is not None else "the fastest plan"
        return f"train {self.model.name}, {how}"


def run_training(job: TrainingJob, design: Design, revision: int, buffer: LiveBuffer, control: Control) -> Outcome:
    """Run ``job`` on ``design`` (a snapshot nobody else touches) to its end; a refused plan or a failed engine is
    a failed :class:`Outcome` with the reason, never an exception."""
    from ..sim.thermal import ThermalRun

    what = (f"Searching for the fastest plan to train {job.model.name}" if job.plan is None
            else f"Evaluating {job.plan.describe()}")
    buffer.setup(kind="training", duration_s=0.0)
    buffer.phase(what, 0.0)
    try:
        planned = simulate_training(design, job.model, job.settings, job.plan, fixed=dict(job.fixed),
                                    simulate_best=job.simulate_best, progress=lambda f: buffer.phase(what, f),
                                    should_stop=control.should_stop, thermal=None)
    except Cancelled:
        return Outcome("stopped", job, revision)
    except PlanError as exc:
        return Outcome("failed", job, revision, message=str(exc), field=exc.field)
    except input_errors() as exc:
        return Outcome("failed", job, revision, message=str(exc))
    if control.should_stop():
        return Outcome("stopped", job, revision, result=planned)
    try:
        run = ThermalRun(design, thermal_scenario(planned, job.window), record=LIVE_RECORD)
    except input_errors() as exc:
        return Outcome("failed", job, revision, result=planned,
                       message=f"{planned.plan.describe()} cannot run on this design: {exc}")
    announce_thermal(run, buffer, training=True, plan=planned)
    try:
        stream_thermal(run, buffer, control)
    except input_errors() as exc:  # the plan ran away thermally, or an invariant failed
        buffer.state(run.state())
        return Outcome("failed", job, revision, result=planned,
                       message=f"{planned.plan.describe()} cannot run on this design: {exc}")
    thermal = run.result()
    if thermal.stopped:
        return Outcome("stopped", job, revision, result=planned)
    buffer.phase("Done", 1.0)
    return Outcome("finished", job, revision, result=with_thermal(planned, thermal))
