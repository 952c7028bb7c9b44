"""The thermal coupling: a plan's steps on the thermal engine, so power, PUE and throttling are the plan's.

A training run lasts days; its chips repeat one step over and over.  The thermal engine runs a
representative **window** of it (:class:`ThermalWindow`): the plan's step timeline
(:class:`~dojo_gui.sim.plan_workload.TrainingPlanWorkload`) repeated for ``MIN_STEPS`` steps or
``MIN_WINDOW_S``, whichever is longer, starting settled at the plan's mean load (the state a long
run is in), under the room's design ambient unless another is given.  The window's mean draw is
held for the whole run, and its mean step time — longer than the plan's where hot chips throttle —
sets the time to train (:func:`with_thermal`).  A run through a day's weather is a window of a day.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..plan_workload import TrainingPlanWorkload
from ..scenario import Ambient, Scenario
from .energy import Energy, capex_share

if TYPE_CHECKING:
    from ..results import ThermalResult
    from .result import TrainingResult

MIN_STEPS = 20  # a window holds at least this many steps...
MIN_WINDOW_S = 120.0  # ...and at least this long, so the chips' and plates' warming within a step is in it
STEP_SLICES = 16  # time steps per training step, unless the window would need more than...
MAX_TIME_STEPS = 2000  # ...this many time steps (then a time step spans more than a training step: exact all the same)


@dataclass(frozen=True)
class ThermalWindow:
    """The stretch of training the thermal engine simulates, and its conditions."""

    duration_s: float | None = None  # None: MIN_STEPS steps or MIN_WINDOW_S, whichever is longer
    dt_s: float | None = None  # None: a STEP_SLICES-th of a step, coarser where the window would need too many
    ambient: Ambient | None = None  # None: the room's design ambient
    coolant_flow_fraction: float = 1.0  # every tile loop's flow as a share of its design flow

    def times(self, step_time_s: float) -> tuple[float, float]:
        """(window, time step) in seconds for a step of ``step_time_s``."""
        duration = self.duration_s or max(MIN_STEPS * step_time_s, MIN_WINDOW_S)
        dt = self.dt_s or max(step_time_s / STEP_SLICES, duration / MAX_TIME_STEPS)
        return duration, min(dt, duration)


DEFAULT_WINDOW = ThermalWindow()


def plan_workload(result: TrainingResult) -> TrainingPlanWorkload:
    """The plan of ``result`` as a workload of the thermal engine."""
    step = result.step
    timeline = step.timeline
    ranks = timeline.ranks
    paths = result.chip_paths
    groups = [[paths[k] for k in ranks[j, d].tolist()] for j in range(ranks.shape[0]) for d in range(ranks.shape[1])]
    bd = step.breakdown
    return TrainingPlanWorkload(timeline.shape, groups, timeline.phase_utilization(), label=result.plan.describe(),
                                comm_s=bd.tp_comm_s + bd.pp_comm_s + bd.dp_comm_s, comm_source=step.evaluated)


def thermal_scenario(result: TrainingResult, window: ThermalWindow = DEFAULT_WINDOW) -> Scenario:
    """The scenario the thermal engine runs for ``result``: its plan's steps over ``window``, starting settled
    at the plan's mean load."""
    duration, dt = window.times(result.step.step_time_s)
    return Scenario(plan_workload(result), duration_s=duration, dt_s=dt, ambient=window.ambient,
                    coolant_flow_fraction=window.coolant_flow_fraction, initial="load")


def with_thermal(result: TrainingResult, thermal: ThermalResult) -> TrainingResult:
    """``result`` with the power, energy and step time the thermal engine found over its window.

    Where no chip throttled, the step is the plan's exactly; otherwise the window's mean step time, the
    difference shown as the breakdown's ``throttle_s``."""
    totals = thermal.totals
    seconds = max(thermal.time_s, 1e-300)
    full = result.step.breakdown
    full_step = replace(full, throttle_s=0.0).step_time_s
    steps = int(totals.get("train_steps", 0))
    step_time = full_step
    if thermal.peaks["throttled_chips"] > 0:
        measured = totals["train_steps_time_s"] / steps if steps else thermal.final["step_time_s"]
        step_time = max(full_step, float(measured))
    step = replace(result.step, breakdown=replace(full, throttle_s=step_time - full_step))
    run_time = result.settings.tokens / result.settings.tokens_per_step * step_time
    feed_w = totals["facility_energy_j"] / seconds
    energy_j = feed_w * run_time
    energy = Energy(
        it_power_w=totals["it_energy_j"] / seconds, feed_power_w=feed_w,
        cooling_power_w=totals["cooling_energy_j"] / seconds, energy_j=energy_j,
        electricity_usd=energy_j / 3.6e6 * result.settings.electricity_usd_per_kwh,
        capex_usd=result.capex_usd, capex_share_usd=capex_share(result.capex_usd, run_time),
        window_s=thermal.time_s, dt_s=thermal.dt_s, steps=steps, tj_max_c=float(thermal.peaks["tj_max_c"]),
        tj_limit_c=float(thermal.peaks["tj_limit_c"]), throttled_chips_max=int(thermal.peaks["throttled_chips"]),
        step_time_full_clock_s=full_step, ambient=dict(thermal.scenario["ambient"]),
        coolant_flow_fraction=float(thermal.scenario["coolant_flow_fraction"]))
    return replace(result, step=step, energy=energy)
