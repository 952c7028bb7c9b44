"""Cooling: the exact RC update, coolant loops, CDUs and the plant, against closed forms and invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dojo_gui.sim.cooling import (
    COOLANTS,
    Plant,
    chiller_cop,
    plant,
    plate_resistance,
    pump_power_w,
    rc_matrices,
    rc_step,
    time_constants,
)
from dojo_gui.sim.scenario import Ambient, ConstantLoad, Scenario, UtilizationTrace
from dojo_gui.sim.thermal import ThermalRun, with_figures


def expm_reference(a: np.ndarray, t: float) -> np.ndarray:
    """e^{At} by eigendecomposition, per matrix."""
    lam, vec = np.linalg.eig(a)
    return np.real(vec @ np.diag(np.exp(lam * t)) @ np.linalg.inv(vec))


# --------------------------------------------------------------------------- the closed form
@settings(max_examples=200, deadline=None)
@given(c_j=st.floats(0.5, 500), c_p=st.floats(5, 5000), r_jp=st.floats(0.002, 0.5), r_pc=st.floats(0.002, 0.5),
       dt=st.floats(1e-4, 1e4))
def test_closed_form_matches_the_matrix_exponential(c_j, c_p, r_jp, r_pc, dt):
    step = rc_step(np.array([c_j]), np.array([c_p]), np.array([r_jp]), np.array([r_pc]), dt)
    a = rc_matrices(np.array([c_j]), np.array([c_p]), np.array([r_jp]), np.array([r_pc]))[0]
    m = expm_reference(a, dt)
    got = np.array([[step.m11[0], step.m12[0]], [step.m21[0], step.m22[0]]])
    assert got == pytest.approx(m, abs=1e-9, rel=1e-7)
    # The coolant heat of a deviation: row 2 of A⁻¹(e^{AΔt} − I), over R_pc.
    k = np.linalg.solve(a, m - np.eye(2))
    assert step.q1[0] == pytest.approx(k[1, 0] / r_pc, rel=1e-6, abs=1e-9 * dt / r_pc)
    assert step.q2[0] == pytest.approx(k[1, 1] / r_pc, rel=1e-6, abs=1e-9 * dt / r_pc)


def test_a_tiny_step_keeps_its_precision():
    step = rc_step(np.array([8.0]), np.array([200.0]), np.array([0.03]), np.array([0.02]), 1e-9)
    # e^{AΔt} ≈ I + AΔt: the change must be resolved, not lost to cancellation.
    assert 1 - step.m11[0] == pytest.approx(1e-9 / (8 * 0.03), rel=1e-6)
    assert step.m12[0] == pytest.approx(1e-9 / (8 * 0.03), rel=1e-6)


# --------------------------------------------------------------------------- step response through the engine
@pytest.mark.parametrize("dt_over_tau", [0.01, 30.0])
def test_step_response_is_exact_far_below_and_far_above_tau(one_chip, every_step, exact_two_node, dt_over_tau):
    """Idle → full load: the junction follows the exact two-node solution at every step, at any Δt."""
    design = with_figures(one_chip, "dojo-d1", leakage_fraction=0.0)  # constant power: a linear network
    chip = design.specs["dojo-d1"]
    tau_fast, tau_slow = time_constants(np.array([chip.heat_capacity_j_per_k]), np.array([chip.plate_heat_capacity_j_per_k]),
                                        np.array([chip.r_junction_plate_k_per_w]), np.array([chip.r_plate_coolant_k_per_w]))
    dt = dt_over_tau * (tau_fast[0] if dt_over_tau < 1 else tau_slow[0])
    duration = max(200 * dt, 5 * tau_slow[0]) if dt_over_tau < 1 else 6 * dt
    run = ThermalRun(design, Scenario(ConstantLoad(1.0), duration_s=duration, dt_s=dt), record=every_step,
                     skip_settled=False)
    x0 = (run.tj[0], run.tp[0])
    r = run.run()
    p = chip.tdp_w  # no leakage: full load is exactly the TDP
    coolant = r.cabinets["supply_c"][0, 0]
    x_ss = (coolant + p * (chip.r_junction_plate_k_per_w + chip.r_plate_coolant_k_per_w),
            coolant + p * chip.r_plate_coolant_k_per_w)
    want = exact_two_node(chip.heat_capacity_j_per_k, chip.plate_heat_capacity_j_per_k, chip.r_junction_plate_k_per_w,
                          chip.r_plate_coolant_k_per_w, x0, x_ss, r.part_time_s)
    assert r.chips["tj_c"][:, 0] == pytest.approx(want[0], abs=2e-5)  # float32 storage
    assert r.chips["power_w"][:, 0] == pytest.approx(p, rel=1e-6)
    # Explicit Euler would have diverged here: its growth factor |1 − Δt/τ| is far above 1.
    if dt_over_tau > 1:
        assert abs(1 - dt / tau_fast[0]) > 2
        assert np.all(np.abs(r.chips["tj_c"][:, 0] - x_ss[0]) <= abs(x0[0] - x_ss[0]) + 1e-4)


def test_single_node_limit_is_the_design_formula(one_chip, every_step):
    """With a negligible plate, the chip is one RC node: T⁺ = T_ss + (T − T_ss)·e^(−Δt/τ), τ = C(R_jp + R_pc)."""
    design = with_figures(one_chip, "dojo-d1", leakage_fraction=0.0, plate_heat_capacity_j_per_k=0.0,
                          heat_capacity_j_per_k=50.0)
    chip = design.specs["dojo-d1"]
    r_total = chip.r_junction_plate_k_per_w + chip.r_plate_coolant_k_per_w
    tau = 50.0 * r_total
    for dt in (tau / 50, 5 * tau):
        run = ThermalRun(design, Scenario(ConstantLoad(1.0), duration_s=20 * tau, dt_s=dt), record=every_step,
                         skip_settled=False)
        t0 = run.tj[0]
        r = run.run()
        t_ss = r.cabinets["supply_c"][0, 0] + chip.tdp_w * r_total
        want = t_ss + (t0 - t_ss) * np.exp(-r.part_time_s / tau)
        assert r.chips["tj_c"][:, 0] == pytest.approx(want, abs=2e-5)


# --------------------------------------------------------------------------- invariants over a transient
def _transient(design, tmp_path, every_step, **scenario):
    trace = tmp_path / "trace.csv"
    trace.write_text("time_s,utilization\n0,0.2\n30,0.2\n30,1.0\n90,1.0\n90,0\n120,0.6\n")
    return ThermalRun(design, Scenario(UtilizationTrace.from_csv(trace), duration_s=150, dt_s=0.25, **scenario),
                      record=every_step, skip_settled=False).run()


def test_energy_is_conserved_at_every_step(small_pod, tmp_path, every_step):
    r = _transient(small_pod, tmp_path, every_step)
    dt = np.diff(np.concatenate([[0.0], r.room_time_s]))
    stored = np.concatenate([[0.0], r.room["stored_heat_j"]])
    electrical = r.room["it_power_w"] * dt
    out = (r.room["heat_to_coolant_w"] + r.room["heat_to_air_w"]) * dt + np.diff(stored)
    assert len(dt) == 600  # one frame per step
    assert out == pytest.approx(electrical, rel=1e-9)
    assert r.invariants["max_step_residual_fraction"] < 1e-9
    assert abs(r.invariants["residual_j"]) < 1e-9 * r.invariants["it_energy_j"]
    # The transient is real: heat went into and out of storage.
    assert np.ptp(r.room["stored_heat_j"]) > 1e4


def test_q_equals_mdot_cp_dt_in_every_loop(small_pod, tmp_path, every_step, spec_of_level):
    r = _transient(small_pod, tmp_path, every_step)
    tile = spec_of_level(small_pod, "tile")
    water = COOLANTS[tile.coolant]
    mdot_cp = tile.coolant_flow_lpm / 60_000 * water.density_kg_per_m3 * water.cp_j_per_kg_k
    rise = r.tiles["coolant_out_c"] - r.tiles["coolant_in_c"]
    assert r.tiles["heat_to_coolant_w"] == pytest.approx(mdot_cp * rise, rel=1e-9)
    # Each CDU: its load is the tile loops' heat, and its return the mix of their outlets.
    cab_rate = mdot_cp * 2  # two tiles per cabinet
    assert r.cabinets["cdu_load_w"] == pytest.approx(cab_rate * (r.cabinets["return_c"] - r.cabinets["supply_c"]), rel=1e-9)
    assert r.cabinets["cdu_load_w"] == pytest.approx(r.tiles["heat_to_coolant_w"].reshape(-1, 2, 2).sum(axis=2), rel=1e-12)
    # The facility loop: the plant's flow carries its heat at the design rise.
    room = small_pod.specs[small_pod.room.spec_id]
    state = plant(heat_w=1e6, air_heat_w=1e5, ambient_c=20.0, **_plant_figures(room))
    assert state.facility_flow_kg_s * COOLANTS["water"].cp_j_per_kg_k * (state.facility_return_c - state.facility_supply_c) \
        == pytest.approx(1e6)


def test_supply_never_below_facility_water_plus_approach(small_pod, tmp_path, every_step, spec_of_level):
    cab = spec_of_level(small_pod, "cabinet")
    for figures in ({}, {"cooling_capacity_w": 20e3}):
        design = with_figures(small_pod, cab.id, **figures)
        r = _transient(design, tmp_path, every_step)
        margin = r.cabinets["supply_c"] - (r.room["facility_supply_c"][:, None] + cab.cdu_approach_k)
        assert margin.min() >= -1e-9


def test_an_overloaded_cdu_raises_coolant_and_junction_temperatures(small_pod, spec_of_level):
    cab = spec_of_level(small_pod, "cabinet")
    scenario = Scenario(ConstantLoad(1.0), duration_s=600, dt_s=1.0, initial="load")
    normal = ThermalRun(small_pod, scenario).run()
    capacity = 0.5 * normal.cabinets["cdu_load_w"][-1, 0]
    squeezed = ThermalRun(with_figures(small_pod, cab.id, cooling_capacity_w=capacity), scenario).run()
    load = squeezed.cabinets["cdu_load_w"][-1]
    facility = squeezed.final["facility_supply_c"]
    # Beyond capacity the exchanger's temperature differences scale with its load (ε-NTU at a full valve).
    assert squeezed.cabinets["supply_c"][-1] == pytest.approx(facility + cab.cdu_approach_k * load / capacity, rel=1e-6)
    assert normal.cabinets["supply_c"][-1] == pytest.approx(normal.final["facility_supply_c"] + cab.cdu_approach_k)
    rise = squeezed.final["coolant_supply_c"] - normal.final["coolant_supply_c"]
    assert rise > 2.5
    assert squeezed.final["coolant_return_c"] > normal.final["coolant_return_c"] + 2.5
    assert squeezed.final["tj_max_c"] > normal.final["tj_max_c"] + 2.5
    assert squeezed.over_limits() and all(o["path"].startswith("room.cabinet") for o in squeezed.over_limits()
                                          if o["what"] == "cooling")


def test_less_coolant_flow_means_hotter_chips_and_less_pump_power(small_pod):
    results = {}
    for flow in (1.0, 0.5):
        results[flow] = ThermalRun(small_pod, Scenario(ConstantLoad(1.0), duration_s=1200, dt_s=2.0, initial="load",
                                                       coolant_flow_fraction=flow)).run()
    full, half = results[1.0], results[0.5]
    assert half.final["tj_max_c"] > full.final["tj_max_c"] + 3
    assert half.final["coolant_return_c"] - half.final["coolant_supply_c"] == pytest.approx(
        2 * (full.final["coolant_return_c"] - full.final["coolant_supply_c"]), rel=0.02)
    # Cold plate resistance rises as flow^−n; CDU pumps fall as flow³.
    assert plate_resistance(0.02, 0.5, 0.8) == pytest.approx(0.02 * 2 ** 0.8)
    assert pump_power_w(1000.0, 0.5) == pytest.approx(125.0)


def test_air_cooled_heat_goes_to_air_and_warms_it_by_q_over_mdot_cp(dgx, spec_of_level):
    tile = spec_of_level(dgx, "tile")
    assert tile.coolant == "air"
    r = ThermalRun(dgx, Scenario(ConstantLoad(1.0), duration_s=1800, dt_s=5.0, initial="load")).run()
    assert r.totals["heat_to_coolant_j"] == 0.0
    assert r.totals["heat_to_air_j"] == pytest.approx(r.totals["it_energy_j"] - r.invariants["stored_change_j"], rel=1e-9)
    air = COOLANTS["air"]
    mdot_cp = tile.coolant_flow_lpm / 60_000 * air.density_kg_per_m3 * air.cp_j_per_kg_k
    rise = r.tiles["coolant_out_c"][-1, 0] - r.tiles["coolant_in_c"][-1, 0]
    assert rise == pytest.approx(r.tiles["heat_to_coolant_w"][-1, 0] / mdot_cp, rel=1e-6)
    assert 8 < rise < 25  # an 8U server warms its air by tens of kelvin, not hundreds
    assert r.final["tj_max_c"] < spec_of_level(dgx, "chip").tj_max_c


# --------------------------------------------------------------------------- the plant
def _plant_figures(room, **changes):
    figures = dict(setpoint_c=room.facility_supply_c, capacity_w=room.cooling_capacity_w,
                   delta_t_k=room.facility_delta_t_k, dry_cooler_approach_k=room.dry_cooler_approach_k,
                   chiller_carnot_fraction=room.chiller_carnot_fraction, chiller_lift_k=room.chiller_lift_k,
                   dry_cooler_fan_fraction=room.dry_cooler_fan_fraction, pump_fraction=room.pump_fraction,
                   air_handler_fan_fraction=room.air_handler_fan_fraction,
                   evaporative_l_per_kwh=room.evaporative_l_per_kwh)
    figures.update(changes)
    return figures


def test_economizer_chiller_and_carnot(catalog):
    room = catalog["dojo-exapod-room"]
    figures = _plant_figures(room)
    cold = plant(heat_w=2e6, air_heat_w=1e5, ambient_c=5.0, **figures)
    assert cold.free_cooling_fraction == 1.0 and cold.chiller_w == 0.0
    hot = plant(heat_w=2e6, air_heat_w=1e5, ambient_c=40.0, **figures)
    assert hot.free_cooling_fraction == 0.0
    cop = room.chiller_carnot_fraction * (room.facility_supply_c + 273.15) / (40.0 + room.chiller_lift_k - room.facility_supply_c)
    assert hot.chiller_cop == pytest.approx(cop)
    assert hot.chiller_w == pytest.approx(2e6 / cop)
    assert chiller_cop(0.5, 30.0, 50.0) == pytest.approx(0.5 * 303.15 / 20)
    # In between, the dry coolers precool the return and the chiller trims the rest.
    mid_ambient = room.facility_supply_c + room.facility_delta_t_k / 2 - room.dry_cooler_approach_k
    mid = plant(heat_w=2e6, air_heat_w=1e5, ambient_c=mid_ambient, **figures)
    assert mid.free_cooling_fraction == pytest.approx(0.5)
    # Pumps by the affinity law: half the heat, half the flow, an eighth of the power.
    full = plant(heat_w=room.cooling_capacity_w, air_heat_w=0, ambient_c=5.0, **figures)
    half = plant(heat_w=room.cooling_capacity_w / 2, air_heat_w=0, ambient_c=5.0, **figures)
    assert full.facility_pumps_w == pytest.approx(room.pump_fraction * room.cooling_capacity_w)
    assert half.facility_pumps_w == pytest.approx(full.facility_pumps_w / 8)
    # Evaporative cooling uses its water per kWh rejected.
    wet = plant(heat_w=3.6e6, air_heat_w=0, ambient_c=5.0, **_plant_figures(room, evaporative_l_per_kwh=1.8))
    assert wet.water_l_per_s == pytest.approx(1.8 * 3.6e6 * (1 + room.dry_cooler_fan_fraction * 0) / 3.6e6)


def test_without_a_chiller_the_facility_water_follows_the_weather(small_pod, spec_of_level):
    room = spec_of_level(small_pod, "room")
    dry = with_figures(small_pod, room.id, chiller_carnot_fraction=0.0)
    hot = room.facility_supply_c + 5.0  # ambient + approach lands 10 K above the setpoint
    results = {}
    for name, design in (("chiller", small_pod), ("dry", dry)):
        results[name] = ThermalRun(design, Scenario(ConstantLoad(1.0), duration_s=900, dt_s=3.0, initial="load",
                                                    ambient=Ambient(constant_c=hot))).run()
    assert results["chiller"].final["facility_supply_c"] == pytest.approx(room.facility_supply_c)
    assert results["dry"].final["facility_supply_c"] == pytest.approx(hot + room.dry_cooler_approach_k)
    assert results["dry"].final["tj_max_c"] > results["chiller"].final["tj_max_c"] + 9
    assert results["chiller"].totals["chiller_energy_j"] > 0 and results["dry"].totals["chiller_energy_j"] == 0


@settings(max_examples=150, deadline=None)
@given(heat=st.floats(0, 5e6), air=st.floats(0, 1e6), ambient=st.floats(-30, 50), setpoint=st.floats(10, 50),
       carnot=st.floats(0, 0.8), lift=st.floats(0, 20), approach=st.floats(0, 10), delta=st.floats(1, 20))
def test_pue_is_at_least_one_whatever_the_plant(heat, air, ambient, setpoint, carnot, lift, approach, delta):
    p = Plant(setpoint_c=setpoint, capacity_w=2e6, delta_t_k=delta, dry_cooler_approach_k=approach,
              chiller_carnot_fraction=carnot, chiller_lift_k=lift, dry_cooler_fan_fraction=0.01, pump_fraction=0.015,
              air_handler_fan_fraction=0.03, evaporative_l_per_kwh=0.0)
    supply, free, cop, chiller, dry_fans, pumps, air_fans, water = p.step(heat, air, ambient)
    assert 0.0 <= free <= 1.0
    assert min(chiller, dry_fans, pumps, air_fans, water) >= 0.0
    assert supply >= setpoint
    if chiller > 0:
        assert cop > 0 and math.isfinite(cop)


def test_pue_over_a_hot_and_a_cold_day(small_pod):
    r = ThermalRun(small_pod, Scenario(ConstantLoad(0.8), duration_s=86400, dt_s=300, initial="load",
                                       ambient=Ambient.parse_curve("daily:0C,45C"))).run()
    pue = r.room["facility_power_w"] / r.room["it_power_w"]
    assert pue.min() >= 1.0
    hours = r.room_time_s / 3600
    night = pue[(hours > 2) & (hours < 4)].mean()
    afternoon = pue[(hours > 14) & (hours < 16)].mean()
    assert afternoon > night + 0.01  # the chiller runs in the afternoon heat
    assert r.room["free_cooling_fraction"][(hours > 2) & (hours < 4)].min() == 1.0
    assert r.room["chiller_power_w"][(hours > 14) & (hours < 16)].min() > 0
    assert 0 < r.summary()["free_cooling_fraction"] < 1


@pytest.mark.parametrize("dt", [0.01, 0.5, 60.0])
def test_a_badly_overloaded_cdu_is_stable_at_any_step(small_pod, every_step, spec_of_level, dt):
    """A CDU at a tenth of its load: its supply is solved with the step's own heat, so no step size oscillates."""
    cab = spec_of_level(small_pod, "cabinet")
    design = with_figures(small_pod, cab.id, cooling_capacity_w=7e3)
    duration = {0.01: 60.0, 0.5: 600.0}.get(dt, 3600.0)
    r = ThermalRun(design, Scenario(ConstantLoad(1.0), duration_s=duration, dt_s=dt), record=every_step,
                   skip_settled=False).run()
    supply, load = r.cabinets["supply_c"], r.cabinets["cdu_load_w"]
    facility = r.room["facility_supply_c"][:, None]
    assert supply == pytest.approx(facility + cab.cdu_approach_k * np.maximum(1, load / 7e3), rel=1e-9)
    assert np.all(np.diff(supply, axis=0) >= -1e-7)  # heating up from idle: the supply only rises (to round-off)
    steady = r.cabinets["supply_c"][-1, 0] if dt == 60.0 else None
    if steady is not None:
        full = (r.tiles["power_w"][-1, :2].sum() + 0) / 7e3  # all the tiles' heat goes to the coolant
        assert steady == pytest.approx(r.final["facility_supply_c"] + cab.cdu_approach_k * full, rel=1e-6)
