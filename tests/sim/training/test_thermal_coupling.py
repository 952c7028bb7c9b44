"""The plan's steps on the thermal engine: exact utilization, energy conserved, throttling lengthens the step."""

import math

import numpy as np
import pytest

from dojo_gui.sim.plan_workload import PlanTimeline
from dojo_gui.sim.results import RecordPlan
from dojo_gui.sim.scenario import Ambient
from dojo_gui.sim.thermal import ThermalRun, with_figures
from dojo_gui.sim.training import (
    Plan,
    ThermalWindow,
    TrainingSettings,
    run_window,
    simulate_training,
    thermal_scenario,
    with_thermal,
)
from dojo_gui.sim.training.coupling import plan_workload

EVERY_STEP = RecordPlan(room_points=10**6, part_points=10**6)
PLAN = Plan(tp=4, pp=2, dp=2, micro_batch=2, schedule="interleaved", interleave=2)


@pytest.fixture
def planned(dgx2, gpt_small):
    """The plan on two DGX A100, power and cooling not simulated yet."""
    settings = TrainingSettings.for_model(gpt_small, recompute="full", tokens=1e9)
    return simulate_training(dgx2, gpt_small, settings, PLAN, thermal=None)


def integral_of_stage(result, stage, tau):
    """∫₀^τ of a stage's utilization, the step repeated: summed segment by segment (independent of the engine)."""
    timeline = result.step.timeline
    period = timeline.step_time_s
    whole, rest = divmod(tau, period)
    per_step = sum(s.duration_s * timeline.utilization[s.kind] for s in timeline.stages[stage])
    part = sum(max(0.0, min(s.end_s, rest) - s.start_s) * timeline.utilization[s.kind]
               for s in timeline.stages[stage])
    return whole * per_step + part


def test_a_chips_utilization_is_exact_for_any_time_step(dgx2, planned):
    workload = plan_workload(planned)
    paths = planned.chip_paths
    timeline = PlanTimeline(workload, paths, np.ones(len(paths)))
    stage_of = {}
    for j in range(planned.plan.pp):
        for k in planned.step.timeline.stage_chips[j].tolist():
            stage_of[k] = j
    rng = np.random.default_rng(7)
    period = planned.step_time_s
    tau = 0.0
    for dt in np.concatenate([rng.uniform(0.001, 0.4, 40) * period, [2.7 * period, 0.5 * period]]):
        u = timeline.utilization(float(dt))
        for k, j in stage_of.items():
            expected = (integral_of_stage(planned, j, tau + dt) - integral_of_stage(planned, j, tau)) / dt
            assert u[k] == pytest.approx(expected, rel=1e-9, abs=1e-12)
        tau += dt
    assert timeline.steps_done == int(tau // period)
    assert timeline.steps_time_s == pytest.approx(timeline.steps_done * period, rel=1e-12)


def test_energy_is_conserved_and_the_mean_load_is_the_plans(dgx2, planned):
    period = planned.step_time_s
    scenario = thermal_scenario(planned, ThermalWindow(duration_s=5 * period, dt_s=period / 7.3))
    thermal = ThermalRun(dgx2, scenario, record=EVERY_STEP, skip_settled=False).run()
    balance = thermal.invariants
    assert abs(balance["residual_j"]) < 1e-7 * balance["it_energy_j"]  # and every step was checked as it ran
    assert balance["max_step_residual_fraction"] < 1e-7
    # Five whole steps: the mean utilization of every chip is the timeline's mean, exactly.
    widths = np.diff(np.concatenate([[0.0], thermal.room_time_s]))
    mean = float(np.sum(thermal.room["utilization"] * widths) / thermal.time_s)
    assert mean == pytest.approx(planned.step.timeline.chip_utilization(16).mean(), rel=1e-9)


def test_without_throttling_the_coupled_step_is_the_plans(dgx2, planned):
    window = ThermalWindow(duration_s=12 * planned.step_time_s)
    thermal = ThermalRun(dgx2, thermal_scenario(planned, window)).run()
    assert thermal.peaks["throttled_chips"] == 0
    measured = thermal.totals["train_steps_time_s"] / thermal.totals["train_steps"]
    assert measured == pytest.approx(planned.step_time_s, rel=1e-12)  # what the engine's own clock says
    coupled = with_thermal(planned, thermal)
    assert coupled.step_time_s == planned.step_time_s and coupled.step.breakdown.throttle_s == 0
    e = coupled.energy
    assert e.throttled_chips_max == 0 and e.tj_max_c < e.tj_limit_c
    assert e.feed_power_w == pytest.approx(thermal.totals["facility_energy_j"] / thermal.time_s)
    assert e.feed_power_w > e.it_power_w + e.cooling_power_w > e.it_power_w > 0  # the plant and the losses on top
    assert e.pue == pytest.approx(e.feed_power_w / e.it_power_w) and e.pue > 1
    assert e.energy_j == pytest.approx(e.feed_power_w * coupled.time_to_train_s)
    assert e.electricity_usd == pytest.approx(e.energy_kwh * 0.10)


def test_a_design_that_throttles_takes_longer_per_step(dgx2, planned):
    cool = run_window(dgx2, planned)
    hot = run_window(dgx2, planned, ThermalWindow(ambient=Ambient(constant_c=45.0), coolant_flow_fraction=0.3))
    assert cool.energy.throttled_chips_max == 0 and cool.step_time_s == planned.step_time_s
    assert hot.energy.throttled_chips_max > 0 and hot.energy.tj_max_c >= hot.energy.tj_limit_c
    assert hot.step_time_s > 1.02 * cool.step_time_s
    bd = hot.step.breakdown
    assert bd.throttle_s == pytest.approx(hot.step_time_s - planned.step_time_s)
    assert bd.step_time_s == pytest.approx(hot.step_time_s)
    assert hot.tokens_per_s < cool.tokens_per_s and hot.time_to_train_s > cool.time_to_train_s
    assert hot.energy.step_time_full_clock_s == planned.step_time_s


def test_chips_held_at_their_lowest_clock_stretch_compute_by_its_inverse(dgx2, gpt_small):
    """A throttle limit below the coolant's temperature holds every chip at its lowest DVFS level, where the
    step is the plan's with every compute part divided by that clock."""
    spec_id = next(p.spec_id for p in dgx2.parts("chip"))
    lowest = min(dgx2.specs[spec_id].dvfs_levels)
    cold_limit = with_figures(dgx2, spec_id, tj_max_c=5.0)
    settings = TrainingSettings.for_model(gpt_small, recompute="full", tokens=1e9)
    planned = simulate_training(cold_limit, gpt_small, settings, PLAN, thermal=None)
    thermal = ThermalRun(cold_limit, thermal_scenario(planned, ThermalWindow(duration_s=4 * planned.step_time_s))).run()
    shape = planned.step.timeline.shape
    expected = shape.breakdown(np.full((shape.stages, shape.replicas), 1 / lowest)).step_time_s
    assert thermal.final["clock_min"] == lowest and thermal.final["throttled_chips"] == 16
    assert thermal.final["step_time_s"] == pytest.approx(expected, rel=1e-12)
    assert expected > planned.step_time_s


def test_the_slowest_tensor_group_sets_the_pace(planned):
    shape = planned.step.timeline.shape
    bd = shape.breakdown()
    m, v = shape.micro_batches, shape.interleave
    compute = shape.forward_s + shape.backward_s + shape.recompute_s
    slow = shape.full_clock()
    slow[1, 1] = 1.5  # the second stage of the second pipeline at two thirds of its clock
    stretched = shape.breakdown(slow)
    stage_time = np.array([compute[0], 1.5 * compute[1]]) + shape.tp_comm_s
    assert stretched.compute_s == pytest.approx(m * 1.5 * compute[1])
    assert stretched.bubble_s == pytest.approx((stage_time.sum() - stage_time.max()) / v)
    assert stretched.step_time_s > bd.step_time_s
    durations, _ = shape.durations(slow)
    ends = durations.sum(axis=2)
    assert np.allclose(ends, stretched.step_time_s)  # every group waits for the slowest pipeline
    assert durations[1, 0, 4] > durations[1, 1, 4]  # the fast pipeline idles longer at the end


def test_a_plan_that_runs_away_thermally_is_refused(dgx2, planned):
    from dojo_gui.sim.training import PlanError

    with pytest.raises(PlanError, match=r"cannot run on this design: .*thermal runaway"):
        run_window(dgx2, planned, ThermalWindow(ambient=Ambient(constant_c=60.0), coolant_flow_fraction=0.02))


def test_the_thermal_run_describes_the_plan(dgx2, planned):
    thermal = ThermalRun(dgx2, thermal_scenario(planned)).run()
    assert planned.plan.describe() in thermal.describe()
    record = thermal.run_record()
    assert record.parameters["plan"] == planned.plan.describe()
    assert math.isclose(record.parameters["step_time_unthrottled_s"], planned.step_time_s)
