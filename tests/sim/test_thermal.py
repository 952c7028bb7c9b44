"""The coupled run: throttling, training steps, settling, chunked stepping, cancellation, results."""

from __future__ import annotations

import csv
import itertools
import threading

import numpy as np
import pytest

from dojo_gui.sim import scenario as scenario_module
from dojo_gui.sim.comm import simulate_collective
from dojo_gui.sim.results import RecordPlan
from dojo_gui.sim.scenario import (
    Ambient,
    CommTime,
    ConstantLoad,
    Scenario,
    ScenarioError,
    TrainingStep,
    UtilizationTrace,
    default_comm_time,
    ring_closed_form,
)
from dojo_gui.sim.thermal import InvariantError, ThermalModelError, ThermalRun, with_figures

TRAIN = {"flops_per_chip": 100e12, "efficiency": 0.5, "gradient_bytes": 1e9}


def fixed_comm(seconds):
    calls = []

    def provider(design, workload):
        calls.append((design.name, workload.collective, workload.gradient_bytes))
        return CommTime(seconds, "test-provider", "fixed")

    provider.calls = calls
    return provider


# --------------------------------------------------------------------------- throttling
@pytest.mark.slow  # ~2.5 s
def test_throttling_lowers_power_and_lengthens_the_step(small_pod, every_step):
    d1 = small_pod.specs["dojo-d1"]
    scenario = Scenario(TrainingStep(**TRAIN), duration_s=300, dt_s=0.05)  # from idle, heating up
    free = ThermalRun(small_pod, scenario, comm_time=fixed_comm(0.02)).run()
    limit = free.peaks["tj_max_c"] - 4.0  # the hottest chips must now throttle
    hot = ThermalRun(with_figures(small_pod, "dojo-d1", tj_max_c=limit), scenario, comm_time=fixed_comm(0.02),
                     record=every_step).run()
    assert free.final["throttled_chips"] == 0 and free.summary()["throttle_events"] == 0
    assert hot.peaks["throttled_chips"] > 0
    nominal_step = TRAIN["flops_per_chip"] / (d1.peak_flops["bf16"] * TRAIN["efficiency"]) + 0.02
    assert free.summary()["step_time_mean_s"] == pytest.approx(nominal_step, rel=1e-9)
    # The slowest chip sets the pace of all: a longer step, fewer steps in the same time...
    assert hot.summary()["step_time_mean_s"] > nominal_step * 1.02
    assert hot.summary()["training_steps"] < free.summary()["training_steps"]
    # ...and throttled chips (and the ones waiting for them) draw less.
    assert hot.summary()["it_power_w"] < free.summary()["it_power_w"] * 0.99
    assert hot.room["clock_min"].min() < 1.0
    # Hysteresis: down at or above the limit, back up only below limit − hysteresis.
    ev = hot.events
    assert len(ev["time_s"]) > 0
    levels = hot.chips["level"]
    downs = np.flatnonzero(_level_changes(ev, levels, +1))
    ups = np.flatnonzero(_level_changes(ev, levels, -1))
    assert len(downs) and np.all(ev["tj_c"][downs] >= limit)
    assert np.all(ev["tj_c"][ups] <= limit - d1.throttle_hysteresis_k)
    # Junctions hover near the limit instead of running away.
    assert hot.peaks["tj_max_c"] < limit + 3


def _level_changes(events, levels, direction):
    """Events that moved a chip's level in ``direction`` (+1 down a level, −1 back up)."""
    out = np.zeros(len(events["time_s"]), dtype=bool)
    last = {}
    for k, (chip, level) in enumerate(zip(events["chip"], events["level"])):
        before = last.get(int(chip), 0)
        out[k] = np.sign(level - before) == direction
        last[int(chip)] = int(level)
    return out


def test_a_throttled_chip_under_constant_load_draws_less(one_chip):
    d1 = one_chip.specs["dojo-d1"]
    limit = 45.0
    r = ThermalRun(with_figures(one_chip, "dojo-d1", tj_max_c=limit), Scenario(ConstantLoad(1.0), duration_s=600,
                                                                                dt_s=0.5, initial="load")).run()
    assert r.final["throttled_chips"] == 1
    assert r.room["chip_power_w"][-1] < d1.tdp_w * 0.95
    assert r.final["tj_max_c"] < limit + 1


# --------------------------------------------------------------------------- training steps and communication
def test_training_step_uses_the_comm_provider_and_says_so(small_pod):
    provider = fixed_comm(0.25)
    w = TrainingStep(**TRAIN)
    r = ThermalRun(small_pod, Scenario(w, duration_s=60, dt_s=0.1), comm_time=provider).run()
    assert provider.calls == [(small_pod.name, "allreduce", 1e9)]
    s = r.summary()
    assert s["comm_source"] == "test-provider" and s["comm_time_s"] == 0.25
    compute = TRAIN["flops_per_chip"] / (small_pod.specs["dojo-d1"].peak_flops["bf16"] * TRAIN["efficiency"])
    assert s["step_time_s"] == pytest.approx(compute + 0.25)
    assert s["training_steps"] == int(60 // (compute + 0.25))
    # Utilization over a step: 1 while computing, the comm share while communicating.
    mean_u = r.totals["it_energy_j"]  # only to show the run used it; the exact mean is checked below
    assert mean_u > 0
    expected_u = (compute * 1.0 + 0.25 * w.comm_utilization) / (compute + 0.25)
    assert r.room["utilization"].mean() == pytest.approx(expected_u, rel=0.01)


def test_step_utilization_is_exact_for_steps_longer_than_the_training_step(small_pod):
    """With Δt spanning several training steps, each time step sees the exact mean of the timeline."""
    w = TrainingStep(**TRAIN, comm_utilization=0.0)
    compute = TRAIN["flops_per_chip"] / (small_pod.specs["dojo-d1"].peak_flops["bf16"] * TRAIN["efficiency"])
    period = compute + 0.3
    dt = 3.7 * period
    r = ThermalRun(small_pod, Scenario(w, duration_s=4 * dt, dt_s=dt), comm_time=fixed_comm(0.3),
                   record=RecordPlan(10**6, 10**6)).run()
    cumulative = lambda t: (t // period) * compute + min(t % period, compute)  # noqa: E731
    edges = np.arange(5) * dt
    want = [(cumulative(b) - cumulative(a)) / dt for a, b in itertools.pairwise(edges)]
    assert r.room["utilization"] == pytest.approx(want, rel=1e-12)


def test_the_ring_closed_form_is_a_provider_too(small_pod):
    w = TrainingStep(**TRAIN)
    got = ring_closed_form(small_pod, w)
    assert got.source == "ring-closed-form"
    # By hand: 100 chips; the slowest chip link is a tile edge, 9 TB/s over 5 chips; alpha is that link's
    # latency (the larger of the tile edge's and the chip's) plus the per-message overhead.
    d1, tile = small_pod.specs["dojo-d1"], small_pod.specs["dojo-training-tile"]
    cabinet = next(s for s in small_pod.specs.values() if s.level == "cabinet")
    n = 100
    b = min(tile.edge_bw_Bps / tile.rows, cabinet.edge_bw_Bps / (cabinet.rows * tile.rows))
    alpha = max(tile.edge_latency_s, cabinet.edge_latency_s, d1.link_latency_s) + d1.message_overhead_s
    assert got.time_s == pytest.approx(2 * (n - 1) / n * 1e9 / b + 2 * (n - 1) * alpha, rel=1e-12)
    r = ThermalRun(small_pod, Scenario(w, duration_s=10, dt_s=0.1), comm_time=ring_closed_form).run()
    assert r.summary()["comm_source"] == "ring-closed-form"
    assert r.summary()["comm_time_s"] == got.time_s
    half = ring_closed_form(small_pod, TrainingStep(**{**TRAIN, "collective": "reduce-scatter"}))
    assert half.time_s == pytest.approx(got.time_s / 2)
    with pytest.raises(ScenarioError, match="alltoall"):
        ring_closed_form(small_pod, TrainingStep(**{**TRAIN, "collective": "alltoall"}))


def test_by_default_the_comm_engine_times_the_collective_and_the_run_can_stop_it(small_pod, monkeypatch):
    w = TrainingStep(**TRAIN, algorithm="ring")
    engine = simulate_collective(small_pod, collective="allreduce", size_bytes=1e9, algorithm="ring")
    got = default_comm_time(small_pod, w)
    assert (got.source, got.time_s) == ("comm-engine", engine.time_s)
    # The run hands the engine its own cancel flag, so Stop during the collective stops the engine.
    asked = []

    def watched(*args, should_stop=None, **kwargs):
        asked.append(should_stop)
        return simulate_collective(*args, should_stop=should_stop, **kwargs)

    monkeypatch.setattr(scenario_module, "simulate_collective", watched)
    run = ThermalRun(small_pod, Scenario(w, duration_s=5, dt_s=0.1))
    (should_stop,) = asked
    r = run.run()
    assert r.summary()["comm_source"] == "comm-engine" and r.summary()["comm_time_s"] == engine.time_s
    assert not should_stop()
    run.cancel()
    assert should_stop()


def test_training_needs_the_number_format_the_chips_have(small_pod):
    with pytest.raises(ScenarioError, match="fp8"):
        ThermalRun(small_pod, Scenario(TrainingStep(**TRAIN, number_format="fp8"), duration_s=5, dt_s=0.1),
                   comm_time=fixed_comm(0.0))


# --------------------------------------------------------------------------- settling, chunks, cancelling
@pytest.mark.slow  # two long runs per case: ~4 s
@pytest.mark.parametrize("ambient", [None, Ambient.parse_curve("daily:5C,40C", start_hour=10)])
def test_skipping_settled_steps_gives_the_same_answer(small_pod, ambient):
    scenario = Scenario(ConstantLoad(0.9), duration_s=3600, dt_s=0.5, ambient=ambient)
    exact = ThermalRun(small_pod, scenario, skip_settled=False).run()
    fast_run = ThermalRun(small_pod, scenario)
    fast = fast_run.run()
    assert fast.totals["skipped_steps"] > 0.8 * fast_run.n_steps
    for key in ("it_energy_j", "facility_energy_j", "cooling_energy_j", "heat_to_coolant_j", "heat_to_air_j",
                "chiller_energy_j", "free_cooling_s"):
        assert fast.totals[key] == pytest.approx(exact.totals[key], rel=1e-9, abs=1e-9)
    for key in exact.room:
        assert fast.room[key] == pytest.approx(exact.room[key], rel=1e-9, abs=1e-7), key
    assert fast.chips["tj_c"] == pytest.approx(exact.chips["tj_c"], abs=1e-4)
    assert fast.tiles["coolant_out_c"] == pytest.approx(exact.tiles["coolant_out_c"], abs=1e-8)
    assert fast.peaks["tj_max_c"] == pytest.approx(exact.peaks["tj_max_c"], abs=1e-8)


def test_a_trace_change_wakes_a_settled_run(small_pod, tmp_path):
    trace = tmp_path / "t.csv"
    trace.write_text("time_s,utilization\n0,0.5\n1500,0.5\n1500,1\n")
    scenario = Scenario(UtilizationTrace.from_csv(trace), duration_s=3000, dt_s=1.0)
    exact = ThermalRun(small_pod, scenario, skip_settled=False).run()
    fast = ThermalRun(small_pod, scenario).run()
    assert fast.totals["skipped_steps"] > 1000
    assert fast.room["it_power_w"] == pytest.approx(exact.room["it_power_w"], rel=1e-9)
    assert fast.room["tj_max_c"] == pytest.approx(exact.room["tj_max_c"], abs=1e-8)


def test_advancing_in_chunks_equals_one_run(small_pod):
    scenario = Scenario(TrainingStep(**TRAIN), duration_s=100, dt_s=0.1)
    whole = ThermalRun(small_pod, scenario, comm_time=fixed_comm(0.05)).run()
    run = ThermalRun(small_pod, scenario, comm_time=fixed_comm(0.05))
    seen = []
    while not run.done:
        assert run.advance(seconds=7.3) > 0
        seen.append(run.progress)
        partial = run.result()
        assert partial.steps_done == run.step_index and len(partial.room_time_s) <= len(whole.room_time_s)
    assert seen == sorted(seen) and seen[-1] == 1.0
    chunked = run.result()
    assert chunked.room["tj_max_c"] == pytest.approx(whole.room["tj_max_c"], abs=1e-12)
    assert chunked.totals["it_energy_j"] == pytest.approx(whole.totals["it_energy_j"], rel=1e-12)
    assert run.advance(steps=10) == 0


def test_cancel_stops_at_a_step_boundary_and_keeps_what_was_computed(small_pod):
    run = ThermalRun(small_pod, Scenario(TrainingStep(**TRAIN), duration_s=3600, dt_s=0.01), comm_time=fixed_comm(0.05))
    stop_after = 500
    done = run.advance(should_stop=lambda: run.step_index >= stop_after)
    assert stop_after <= done < stop_after + 64
    r = run.result()
    assert r.stopped and not r.completed and r.summary()["stopped"]
    assert r.time_s == pytest.approx(done * 0.01)
    assert r.invariants["max_step_residual_fraction"] < 1e-9
    assert abs(r.invariants["residual_j"]) < 1e-9 * r.invariants["it_energy_j"]
    # A cancel from another thread ends a running advance promptly.
    run2 = ThermalRun(small_pod, Scenario(TrainingStep(**TRAIN), duration_s=36000, dt_s=0.01),
                      comm_time=fixed_comm(0.05))
    timer = threading.Timer(0.2, run2.cancel)
    timer.start()
    run2.advance()
    timer.join()
    assert run2.cancelled and 0 < run2.step_index < run2.n_steps


def test_state_gives_live_copies(small_pod):
    run = ThermalRun(small_pod, Scenario(ConstantLoad(1.0), duration_s=60, dt_s=0.5))
    run.advance(steps=10)
    state = run.state()
    assert state["step"] == 10 and state["chip_tj_c"].shape == (100,)
    state["chip_tj_c"][:] = -1
    assert run.tj.min() > 0
    assert state["room"]["it_power_w"] > 0 and state["cdu_supply_c"].shape == (2,)


# --------------------------------------------------------------------------- results
@pytest.mark.slow  # ~2 s
def test_long_runs_stay_small_and_energy_from_series_is_exact(small_pod):
    plan = RecordPlan(room_points=100, part_points=20)
    r = ThermalRun(small_pod, Scenario(TrainingStep(**TRAIN), duration_s=2000, dt_s=0.1), record=plan,
                   comm_time=fixed_comm(0.05)).run()
    assert len(r.room_time_s) <= 100 and len(r.part_time_s) <= 20
    assert r.chips["tj_c"].nbytes <= 20 * 100 * 4
    spans = np.diff(np.concatenate([[0.0], r.room_time_s]))
    assert float(r.room["it_power_w"] @ spans) == pytest.approx(r.totals["it_energy_j"], rel=1e-12)
    assert float(r.room["facility_power_w"] @ spans) == pytest.approx(r.totals["facility_energy_j"], rel=1e-12)
    part_spans = np.diff(np.concatenate([[0.0], r.part_time_s]))
    assert float(r.cabinets["power_w"].sum(axis=1) @ part_spans) == pytest.approx(r.totals["it_energy_j"], rel=1e-9)
    assert r.room["tj_max_c"].max() == pytest.approx(r.peaks["tj_max_c"])


def test_a_duration_that_is_not_a_whole_number_of_steps(small_pod):
    r = ThermalRun(small_pod, Scenario(ConstantLoad(1.0), duration_s=10.25, dt_s=1.0),
                   record=RecordPlan(10**6, 10**6)).run()
    assert r.steps_done == 11 and r.time_s == 10.25
    assert r.room_time_s[-2:] == pytest.approx([10.0, 10.25])
    spans = np.diff(np.concatenate([[0.0], r.room_time_s]))
    assert float(r.room["it_power_w"] @ spans) == pytest.approx(r.totals["it_energy_j"], rel=1e-12)


def test_csv_export(small_pod, tmp_path):
    r = ThermalRun(small_pod, Scenario(ConstantLoad(0.7), duration_s=30, dt_s=1.0), record=RecordPlan(10, 5)).run()
    room_csv = tmp_path / "room.csv"
    r.write_csv(room_csv)
    rows = list(csv.DictReader(room_csv.read_text().splitlines()))
    assert len(rows) == len(r.room_time_s)
    assert float(rows[-1]["time_s"]) == 30
    assert float(rows[-1]["it_power_w"]) == pytest.approx(r.room["it_power_w"][-1], rel=1e-5)
    chip_csv = tmp_path / "chips.csv"
    r.write_csv(chip_csv, "chip")
    rows = list(csv.DictReader(chip_csv.read_text().splitlines()))
    assert len(rows) == len(r.part_time_s) * 100
    assert rows[0]["path"] == "room.cabinet[0,0].tile[0,0].chip[0,0]"
    assert set(rows[0]) == {"time_s", "path", "tj_c", "power_w", "level"}


def test_the_hottest_chip_is_downstream_in_its_lane(small_pod):
    r = ThermalRun(small_pod, Scenario(ConstantLoad(1.0), duration_s=600, dt_s=1.0, initial="load")).run()
    assert r.peaks["tj_max_chip"].endswith(",4]")  # the last column the coolant reaches
    tj = r.chips["tj_c"][-1].reshape(4, 5, 5)  # tiles, rows, columns
    assert np.all(np.diff(tj, axis=2) > 0.5)


# --------------------------------------------------------------------------- guards
def test_energy_check_catches_a_broken_update(small_pod, monkeypatch):
    from dojo_gui.sim import thermal_network

    good = thermal_network.rc_step

    def off_by_a_percent(*args):
        step = good(*args)
        step.q2 = step.q2 * 1.01  # the coolant's heat integral, slightly wrong
        return step

    monkeypatch.setattr(thermal_network, "rc_step", off_by_a_percent)
    run = ThermalRun(small_pod, Scenario(ConstantLoad(1.0), duration_s=30, dt_s=1.0))
    with pytest.raises(InvariantError, match="energy is not conserved"):
        run.run()


def test_designs_and_scenarios_that_cannot_run_say_why(small_pod, catalog, tmp_path):
    empty = small_pod.copy()
    for cab in list(empty.room.children):
        empty.remove((cab,))
    with pytest.raises(ThermalModelError, match="no chips"):
        ThermalRun(empty, Scenario(ConstantLoad(1.0), duration_s=1, dt_s=1))
    dry = with_figures(small_pod, "dojo-training-tile", coolant_flow_lpm=0.0)
    with pytest.raises(ThermalModelError, match="no coolant flow"):
        ThermalRun(dry, Scenario(ConstantLoad(1.0), duration_s=1, dt_s=1))
    for kwargs, message in (({"duration_s": 0, "dt_s": 1}, "duration"), ({"duration_s": 1, "dt_s": -1}, "time step"),
                            ({"duration_s": 1, "dt_s": 1, "coolant_flow_fraction": 0}, "coolant flow"),
                            ({"duration_s": 1, "dt_s": 1, "initial": "warm"}, "initial")):
        with pytest.raises(ScenarioError, match=message):
            Scenario(ConstantLoad(1.0), **kwargs)
    with pytest.raises(ScenarioError, match="between 0 and 1"):
        ConstantLoad(1.5)
    trace = tmp_path / "t.csv"
    trace.write_text('time_s,utilization,"room.cabinet[3,3]"\n0,1,1\n')
    with pytest.raises(ScenarioError, match=r"column 3 \(room.cabinet\[3,3\]\) names no part"):
        ThermalRun(small_pod, Scenario(UtilizationTrace.from_csv(trace), duration_s=1, dt_s=1))


def test_runaway_leakage_is_reported_not_printed_as_numbers(one_chip):
    hot = with_figures(one_chip, "dojo-d1", leakage_fraction=1.0, idle_w=100.0, leakage_ref_c=30.0,
                       leakage_doubling_k=3.0, tj_max_c=2000.0)
    with pytest.raises(ThermalModelError, match="runaway"):
        ThermalRun(hot, Scenario(ConstantLoad(1.0), duration_s=3600, dt_s=1.0, initial="coolant")).run()


@pytest.mark.parametrize("fixture,hole", [("small_pod", ((0, 1), (0, 0), (2, 1))), ("dgx", ((0, 0), (0, 0), (1, 2)))])
def test_empty_slots_use_the_general_layout_and_still_balance(request, every_step, fixture, hole):
    """A missing chip breaks the regular layouts (lanes no longer the chip order, cabinets unequal)."""
    design = request.getfixturevalue(fixture)
    full = ThermalRun(design, Scenario(ConstantLoad(1.0), duration_s=300, dt_s=1.0, initial="load"))
    holed_design = design.copy()
    holed_design.remove(hole)
    run = ThermalRun(holed_design, Scenario(ConstantLoad(1.0), duration_s=300, dt_s=1.0, initial="load"),
                     record=every_step)
    assert run.tree.n_chips == full.tree.n_chips - 1
    if fixture == "small_pod":
        assert full.tree.lanes_are_chips and full.cabinet_blocks
        assert not run.tree.lanes_are_chips and not run.cabinet_blocks
    else:
        assert not run.cabinet_blocks or run.tree.n_cabinets == 1
    r = run.run()
    assert r.invariants["max_step_residual_fraction"] < 1e-9
    full_r = full.run()
    assert r.final["it_power_w"] < full_r.final["it_power_w"]
    if fixture == "small_pod":
        # Downstream of the hole the coolant is cooler than in a full lane.
        paths = list(r.chip_paths)
        k = paths.index(((0, 1), (0, 0), (2, 2)))
        k_full = list(full_r.chip_paths).index(((0, 1), (0, 0), (2, 2)))
        assert r.chips["tj_c"][-1, k] < full_r.chips["tj_c"][-1, k_full] - 1.0


def test_frames_stream_only_what_is_new(small_pod):
    run = ThermalRun(small_pod, Scenario(ConstantLoad(1.0), duration_s=100, dt_s=0.1), record=RecordPlan(200, 50))
    room_seen, part_seen, times = 0, 0, []
    while not run.done:
        run.advance(steps=97)
        new = run.frames(room_seen, part_seen)
        assert len(new["room_time_s"]) == new["room_count"] - room_seen
        assert new["chips"]["tj_c"].shape == (new["part_count"] - part_seen, 100)
        times.extend(new["room_time_s"])
        room_seen, part_seen = new["room_count"], new["part_count"]
    whole = run.result()
    assert np.array_equal(times, whole.room_time_s)


def test_a_failing_comm_engine_becomes_a_clear_message(small_pod):
    def no_route(design, workload):
        raise ValueError("no route between chips 3 and 97")

    with pytest.raises(ScenarioError, match="could not be computed: no route between chips 3 and 97"):
        ThermalRun(small_pod, Scenario(TrainingStep(**TRAIN), duration_s=5, dt_s=0.1), comm_time=no_route)
    with pytest.raises(ScenarioError, match="not a time"):
        ThermalRun(small_pod, Scenario(TrainingStep(**TRAIN), duration_s=5, dt_s=0.1),
                   comm_time=lambda design, workload: CommTime(float("nan"), "broken"))


def test_a_design_that_draws_nothing_still_runs(one_chip, spec_of_level):
    tile, cab = spec_of_level(one_chip, "tile"), spec_of_level(one_chip, "cabinet")
    design = with_figures(one_chip, "dojo-d1", idle_w=0.0, tdp_w=0.0)
    design = with_figures(design, tile.id, overhead_w=0.0)
    r = ThermalRun(design, Scenario(ConstantLoad(1.0), duration_s=60, dt_s=1.0)).run()
    assert r.totals["it_energy_j"] == 0.0 and r.summary()["pue"] is None
    assert r.final["tj_max_c"] == pytest.approx(r.final["coolant_supply_c"])
    assert cab.cooling_capacity_w > 0
