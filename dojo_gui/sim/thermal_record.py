"""Recording a coupled run: steps into frames, peaks, throttle events, live views and the result.

Each step adds to the current frame: the room series that are means (powers, heat flows,
utilization, ambient) are integrated over the frame, ``tj_max_c`` is the highest junction
within it, the others are taken at its end; per-part powers are averaged the same way.
Frames go into the preallocated, decimated arrays of :class:`results.Recorder`, so a
run's memory does not grow with its length.  The energy totals are the integrals of the
mean series, so they agree with the series exactly.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .results import ROOM_SERIES, Recorder, RecordPlan, ThermalResult
from .thermal_loops import RoomStep
from .thermal_network import ThermalNetwork, ThermalState
from .thermal_workload import TimeSteps

if TYPE_CHECKING:
    from .thermal_step import ThermalRun

MAX_EVENTS = 200_000

# The room series that are means over a frame, in the order a step hands them over.
MEAN_SERIES = tuple(k for k, how in ROOM_SERIES.items() if how == "mean")


class StepRecords:
    """Frames, peaks and throttle events of a run, fed one step at a time."""

    def __init__(self, steps: TimeSteps, plan: RecordPlan, net: ThermalNetwork, state: ThermalState) -> None:
        tree = net.tree
        n, nt, nc = tree.n_chips, tree.n_tiles, tree.n_cabinets
        self.st = state
        self.recorder = Recorder(steps.n_steps, plan, nt, nc, n)
        self.room_every, self.part_every = self.recorder.room_every, self.recorder.part_every  # steps per frame
        # The current frame: ∫ of each mean series, its length, its hottest junction; per-part sums.
        self.room_acc = [0.0] * len(MEAN_SERIES)
        self.room_frame_s = 0.0
        self.frame_tj_max = -math.inf
        self.part_acc = [np.zeros(n), np.zeros((2, nt)), np.zeros((2, nc))]  # chip power, tiles, cabinets
        self.part_weight = 0.0
        self.integrals = [0.0] * len(MEAN_SERIES)  # ∫ of every mean series over the finished frames
        # The latest step's room values.
        self.room_series: tuple[float, ...] = (0.0,) * len(MEAN_SERIES)
        self.room_extra = {"facility_supply_c": net.room_spec.facility_supply_c, "chiller_cop": 0.0, "ups_in_w": 0.0,
                           "tj_max_c": 0.0}
        self.peak_tj = np.full(n, -np.inf)
        self.peak_tile_w = np.zeros(nt)
        self.peak_cab_w = np.zeros(nc)
        self.peak_cdu_w = np.zeros(nc)
        self.peak_room: dict[str, Any] = {"it_power_w": 0.0, "facility_power_w": 0.0, "heat_w": 0.0,
                                          "throttled_chips": 0, "tj_max_c": -math.inf, "tj_max_chip": ""}
        self.events: list[tuple[np.ndarray, ...]] = []
        self.event_count = 0
        self.events_dropped = 0

    # ----------------------------------------------------------------- steps
    def add_parts(self, weight: float) -> None:
        """Add this step's part values to the frame's means; ``weight`` is the step's length in units of dt."""
        st, acc = self.st, self.part_acc
        self.part_weight += weight
        if weight == 1.0:
            acc[0] += st.power
            acc[1] += st.tl
            acc[2] += st.cb
        else:
            acc[0] += weight * st.power
            acc[1] += weight * st.tl
            acc[2] += weight * st.cb

    def add_room(self, dt: float, room: RoomStep, tj_max_c: float, skipped: bool) -> None:
        """Add one step of the room and of the parts."""
        series, heat_w, facility_supply_c, chiller_cop, ups_in_w = room
        self.room_series = series
        acc = self.room_acc
        for k in range(len(series)):
            acc[k] += series[k] * dt
        extra = self.room_extra
        extra["facility_supply_c"] = facility_supply_c
        extra["chiller_cop"] = chiller_cop
        extra["ups_in_w"] = ups_in_w
        extra["tj_max_c"] = tj_max_c
        # Plain comparisons rather than max(): this runs for every step, settled ones too.
        it_w, facility_w = series[0], series[1]
        peak = self.peak_room
        if it_w > peak["it_power_w"]:
            peak["it_power_w"] = it_w
        if facility_w > peak["facility_power_w"]:
            peak["facility_power_w"] = facility_w
        if heat_w > peak["heat_w"]:
            peak["heat_w"] = heat_w
        st = self.st
        if st.throttled > peak["throttled_chips"]:
            peak["throttled_chips"] = st.throttled
        self.room_frame_s += dt
        if tj_max_c > self.frame_tj_max:
            self.frame_tj_max = tj_max_c
        if skipped:
            self.add_parts(1.0)
        else:
            np.maximum(self.peak_tj, st.tj, out=self.peak_tj)
            np.maximum(self.peak_tile_w, st.tile_power, out=self.peak_tile_w)
            np.maximum(self.peak_cab_w, st.cab_power, out=self.peak_cab_w)
            np.maximum(self.peak_cdu_w, st.cdu_load, out=self.peak_cdu_w)

    def add_events(self, chips: np.ndarray, time_s: float) -> None:
        """Throttle events: these chips changed level at ``time_s`` (kept up to ``MAX_EVENTS``, then counted)."""
        st = self.st
        room = max(0, MAX_EVENTS - self.event_count)
        kept = chips[:room]
        self.events_dropped += len(chips) - len(kept)
        if len(kept):
            self.events.append((np.full(len(kept), time_s), kept.copy(), st.level[kept].copy(), st.tj[kept].copy()))
            self.event_count += len(kept)

    # ----------------------------------------------------------------- frames
    def end_room_frame(self, time_s: float, now: dict[str, float]) -> None:
        rec, k = self.recorder, self.recorder.room_count
        span = self.room_frame_s
        rec.room_time[k] = time_s
        acc = self.room_acc
        integrals = self.integrals
        for m, key in enumerate(MEAN_SERIES):
            rec.room[key][k] = acc[m] / span
            integrals[m] += acc[m]
            acc[m] = 0.0
        for key, how in ROOM_SERIES.items():
            if how == "last":
                rec.room[key][k] = now[key]
        rec.room["tj_max_c"][k] = self.frame_tj_max
        self.frame_tj_max = -math.inf
        self.room_frame_s = 0.0
        rec.room_count += 1

    def end_part_frame(self, time_s: float) -> None:
        """Close the parts' frame (the coolant outlets and CDU returns must be up to date)."""
        rec, k, st = self.recorder, self.recorder.part_count, self.st
        acc, weight = self.part_acc, self.part_weight
        rec.part_time[k] = time_s
        rec.tiles["power_w"][k] = acc[1][0] / weight
        rec.tiles["heat_to_coolant_w"][k] = acc[1][1] / weight
        rec.tiles["coolant_in_c"][k] = st.tile_in_c
        rec.tiles["coolant_out_c"][k] = st.tile_out_c
        rec.cabinets["power_w"][k] = acc[2][0] / weight
        rec.cabinets["cdu_load_w"][k] = acc[2][1] / weight
        rec.cabinets["supply_c"][k] = st.cdu_supply
        rec.cabinets["return_c"][k] = st.cdu_return
        rec.chips["tj_c"][k] = st.tj
        rec.chips["power_w"][k] = acc[0] / weight
        rec.chips["level"][k] = st.level
        for a in acc:
            a[...] = 0.0
        self.part_weight = 0.0
        rec.part_count += 1

    def energy_totals(self, net: ThermalNetwork, seconds: float) -> dict[str, float]:
        """Energies (J), water (L) and free-cooling time (s) over the first ``seconds``, from the room series' integrals."""
        whole = {key: a + b for key, a, b in zip(MEAN_SERIES, self.integrals, self.room_acc)}
        room = net.room_spec
        ups_in_j = (whole["it_power_w"] + net.ups_fixed_w * seconds) * net.ups_inv_eta
        return {
            "it_energy_j": whole["it_power_w"], "facility_energy_j": whole["facility_power_w"],
            "cooling_energy_j": whole["cooling_power_w"], "chip_energy_j": whole["chip_power_w"],
            "heat_to_coolant_j": whole["heat_to_coolant_w"], "heat_to_air_j": whole["heat_to_air_w"],
            "chiller_energy_j": whole["chiller_power_w"], "pump_energy_j": whole["pump_power_w"],
            "fan_energy_j": whole["fan_power_w"], "water_l": whole["water_l_per_s"],
            "free_cooling_s": whole["free_cooling_fraction"],
            "ups_loss_j": ups_in_j - whole["it_power_w"] - room.overhead_w * seconds,
            "transformer_loss_j": whole["facility_power_w"] - ups_in_j - whole["cooling_power_w"],
        }


def thermal_result(run: ThermalRun) -> ThermalResult:
    """Everything ``run`` computed so far (copies: the run may go on)."""
    tree, st, rec, net = run.tree, run.st, run.records, run.net
    room_t, room, part_t, tiles, cabs, chips = rec.recorder.take()
    if rec.events:
        ev = [np.concatenate(parts) for parts in zip(*rec.events)]
    else:
        ev = [np.zeros(0), np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0)]
    events = {"time_s": ev[0], "chip": ev[1], "level": ev[2], "tj_c": ev[3]}
    started = bool(run.step_index)
    hottest = int(np.argmax(rec.peak_tj)) if started else int(np.argmax(st.tj))
    peak_tj = float(rec.peak_tj[hottest]) if started else float(st.tj[hottest])
    now = run.room_now()
    training = run.training
    final = {
        "time_s": run.time_s,
        "it_power_w": now["it_power_w"], "facility_power_w": now["facility_power_w"],
        "cooling_power_w": now["cooling_power_w"],
        "pue": now["facility_power_w"] / now["it_power_w"] if now["it_power_w"] > 0 else None,
        "tj_max_c": float(st.tj.max()), "tj_mean_c": float(st.tj.mean()),
        "coolant_supply_c": now["coolant_supply_c"], "coolant_return_c": now["coolant_return_c"],
        "facility_supply_c": now["facility_supply_c"], "ambient_c": now["ambient_c"] if started else None,
        "throttled_chips": int(st.throttled), "clock_min": float(st.clock.min()),
        "free_cooling_fraction": now["free_cooling_fraction"] if started else None,
        "chiller_cop": now["chiller_cop"], "step_time_s": training.step_time_s if training else None,
    }
    peak_room = rec.peak_room
    peaks = {"tj_max_c": peak_tj, "tj_max_chip": tree.chip_name(hottest), "tj_limit_c": float(net.tj_limit[hottest]),
             "it_power_w": peak_room["it_power_w"], "facility_power_w": peak_room["facility_power_w"],
             "heat_w": peak_room["heat_w"], "throttled_chips": peak_room["throttled_chips"],
             "chip_tj_c": rec.peak_tj.copy()}
    t: dict[str, float] = {"train_steps": training.steps_done if training else 0,
                           "train_steps_time_s": training.steps_time_s if training else 0.0,
                           "skipped_steps": run.skipped_steps}
    t.update(rec.energy_totals(net, run.time_s))
    t["stored_change_j"] = run.stored_j - run.stored_j0
    balance = t["it_energy_j"] - t["heat_to_coolant_j"] - t["heat_to_air_j"] - t["stored_change_j"]
    invariants = {"it_energy_j": t["it_energy_j"], "heat_to_coolant_j": t["heat_to_coolant_j"],
                  "heat_to_air_j": t["heat_to_air_j"], "stored_change_j": t["stored_change_j"],
                  "residual_j": balance, "max_step_residual_fraction": run.max_residual}
    comm = training.comm if training else None
    return ThermalResult(
        design_name=run.design_name, scenario=run.scenario.describe(), dt_s=run.steps.dt,
        duration_s=run.scenario.duration_s, steps_done=run.step_index, steps_total=run.n_steps,
        time_s=run.time_s, stopped=run.cancelled and not run.done,
        chip_paths=list(tree.chip_paths), tile_paths=list(tree.tile_paths), cabinet_paths=list(tree.cabinet_paths),
        room_time_s=room_t, room=room, part_time_s=part_t, tiles=tiles, cabinets=cabs, chips=chips,
        events=events, events_dropped=rec.events_dropped, totals=t, final=final, peaks=peaks,
        limits={"parts": _limits(run), "notes": list(net.notes)},
        comm=None if comm is None else {"source": comm.source, "time_s": comm.time_s, "detail": comm.detail},
        invariants=invariants,
    )


def _limits(run: ThermalRun) -> list[dict[str, Any]]:
    """Each tile's, cabinet's and the room's peak draw and heat beside its budget and capacity."""
    tree, rec = run.tree, run.records
    parts: list[dict[str, Any]] = []
    for k, spec in enumerate(tree.tile_specs):
        parts.append({"path": tree.tile_name(k), "level": "tile", "peak_power_w": float(rec.peak_tile_w[k]),
                      "peak_heat_w": float(rec.peak_tile_w[k]), "power_budget_w": spec.power_budget_w,
                      "cooling_capacity_w": spec.cooling_capacity_w})
    for k, cabinet in enumerate(tree.cabinet_specs):
        parts.append({"path": tree.cabinet_name(k), "level": "cabinet", "peak_power_w": float(rec.peak_cab_w[k]),
                      "peak_heat_w": float(rec.peak_cab_w[k]), "power_budget_w": cabinet.power_budget_w,
                      "cooling_capacity_w": cabinet.cooling_capacity_w, "peak_cdu_load_w": float(rec.peak_cdu_w[k])})
    rs = tree.room_spec
    parts.append({"path": "room", "level": "room", "peak_power_w": rec.peak_room["facility_power_w"],
                  "peak_heat_w": rec.peak_room["heat_w"], "power_budget_w": rs.power_budget_w,
                  "cooling_capacity_w": rs.cooling_capacity_w})
    return parts
