"""Results of a thermal run: decimated time series at every level, events, totals, export.

Storage stays small however long a run is: the room's series keep at most
``RecordPlan.room_points`` frames and the per-part series (every chip, tile and cabinet)
at most ``part_points``, by averaging over a fixed number of steps per frame.  Powers
and heat flows are means over the frame (so energy from a series is exact);
temperatures, levels and counts are the value at the frame's end; ``tj_max_c`` is the
highest junction temperature anywhere within the frame.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import numpy as np

from ..io.atomic import open_atomic
from ..io.csvcells import csv_row, csv_text
from ..model.design import format_path
from ..model.runs import RunRecord, RunTable, Scalar

# Room series: name -> (how a frame is formed, unit key).  "mean" over the frame's steps, "last" at its end, "max" within it.
ROOM_SERIES: dict[str, str] = {
    "it_power_w": "mean",
    "facility_power_w": "mean",
    "cooling_power_w": "mean",
    "chip_power_w": "mean",
    "heat_to_coolant_w": "mean",
    "heat_to_air_w": "mean",
    "chiller_power_w": "mean",
    "pump_power_w": "mean",
    "fan_power_w": "mean",
    "free_cooling_fraction": "mean",
    "water_l_per_s": "mean",
    "utilization": "mean",
    "ambient_c": "mean",
    "facility_supply_c": "last",
    "coolant_supply_c": "last",
    "coolant_return_c": "last",
    "tj_max_c": "max",
    "tj_mean_c": "last",
    "throttled_chips": "last",
    "clock_min": "last",
    "step_time_s": "last",
    "stored_heat_j": "last",
}

TILE_SERIES = ("power_w", "coolant_in_c", "coolant_out_c", "heat_to_coolant_w")
CABINET_SERIES = ("power_w", "cdu_load_w", "supply_c", "return_c")
CHIP_SERIES = ("tj_c", "power_w", "level")


@dataclass(frozen=True)
class RecordPlan:
    """How much to keep: frames of the room series and of the per-part series."""

    room_points: int = 2000
    part_points: int = 500

    def intervals(self, n_steps: int) -> tuple[int, int]:
        """Steps per room frame and per part frame (a multiple of the room's)."""
        room_every = max(1, math.ceil(n_steps / max(1, self.room_points)))
        part_every = max(1, math.ceil(n_steps / max(1, self.part_points)))
        part_every = room_every * max(1, math.ceil(part_every / room_every))
        return room_every, part_every


@dataclass
class ThermalResult:
    """Everything a run computed, up to the step it reached."""

    design_name: str
    scenario: dict
    dt_s: float
    duration_s: float
    steps_done: int
    steps_total: int
    time_s: float
    stopped: bool  # cancelled (or interrupted) before the end
    chip_paths: list
    tile_paths: list
    cabinet_paths: list
    room_time_s: np.ndarray
    room: dict[str, np.ndarray]
    part_time_s: np.ndarray
    tiles: dict[str, np.ndarray]  # name -> (frames, tiles)
    cabinets: dict[str, np.ndarray]  # name -> (frames, cabinets)
    chips: dict[str, np.ndarray]  # name -> (frames, chips)
    events: dict[str, np.ndarray]  # throttle events: time_s, chip, level (new), tj_c
    events_dropped: int
    totals: dict[str, float]  # energies (J), water (L), seconds of free cooling, ...
    final: dict[str, Any]  # the state at the end
    peaks: dict[str, Any]  # highest values over the run, per part
    limits: dict[str, list]  # budgets and capacities per part, for "draw against limit"
    comm: dict | None = None
    invariants: dict = field(default_factory=dict)

    @property
    def completed(self) -> bool:
        return self.steps_done >= self.steps_total

    # ----------------------------------------------------------------- summary
    def summary(self) -> dict:
        """The JSON the CLI prints (plain floats and lists, no numpy)."""
        t = self.totals
        seconds = max(self.time_s, 1e-300)
        it_j, fac_j = t["it_energy_j"], t["facility_energy_j"]
        out = {
            "design": self.design_name,
            "scenario": self.scenario,
            "completed": self.completed,
            "stopped": self.stopped,
            "simulated_s": self.time_s,
            "duration_s": self.duration_s,
            "dt_s": self.dt_s,
            "steps": self.steps_done,
            "steps_total": self.steps_total,
            "it_power_w": it_j / seconds,
            "facility_power_w": fac_j / seconds,
            "cooling_power_w": t["cooling_energy_j"] / seconds,
            "pue": fac_j / it_j if it_j > 0 else None,
            "wue_l_per_kwh": t["water_l"] / (it_j / 3.6e6) if it_j > 0 else None,
            "energy_kwh": fac_j / 3.6e6,
            "it_energy_kwh": it_j / 3.6e6,
            "cooling_energy_kwh": t["cooling_energy_j"] / 3.6e6,
            "water_l": t["water_l"],
            "free_cooling_fraction": t["free_cooling_s"] / seconds,
            "economizer_hours": t["free_cooling_s"] / 3600.0,
            "tj_max_c": self.peaks["tj_max_c"],
            "tj_max_chip": self.peaks["tj_max_chip"],
            "tj_limit_c": self.peaks["tj_limit_c"],
            "coolant_supply_c": self.final["coolant_supply_c"],
            "coolant_return_c": self.final["coolant_return_c"],
            "facility_supply_c": self.final["facility_supply_c"],
            "throttled_chips": self.final["throttled_chips"],
            "throttled_chips_max": self.peaks["throttled_chips"],
            "throttle_events": int(len(self.events["time_s"]) + self.events_dropped),
            "final": {k: v for k, v in self.final.items() if not isinstance(v, np.ndarray)},
            "peak": {k: v for k, v in self.peaks.items() if not isinstance(v, np.ndarray)},
            "over_limits": self.over_limits(),
            "cabinets": [{k: v for k, v in entry.items() if k != "level"} for entry in self.limits.get("parts", [])
                         if entry["level"] == "cabinet"],
            "energy_balance": self.invariants,
        }
        if self.comm is not None:
            out["comm_source"] = self.comm["source"]
            out["comm_time_s"] = self.comm["time_s"]
            out["comm_detail"] = self.comm["detail"]
            out["step_time_s"] = self.final["step_time_s"]
            out["step_time_mean_s"] = t["train_steps_time_s"] / t["train_steps"] if t.get("train_steps") else None
            out["training_steps"] = t.get("train_steps", 0)
        return _plain(out)

    def run_record(self, label: str = "", revision: int | None = None, max_points: int = 400) -> RunRecord:
        """The run as a saved-run record (:mod:`dojo_gui.model.runs`, for ``Design.add_run``): what ran, key
        figures, room series of at most ``max_points`` points and a table per cabinet."""
        s = self.summary()
        figures = {name: s[key] for name, key in (
            ("pue", "pue"), ("it_power_w", "it_power_w"), ("facility_power_w", "facility_power_w"),
            ("cooling_power_w", "cooling_power_w"), ("tj_max_c", "tj_max_c"), ("coolant_supply_c", "coolant_supply_c"),
            ("coolant_return_c", "coolant_return_c"), ("facility_supply_c", "facility_supply_c"),
            ("wue_l_per_kwh", "wue_l_per_kwh"), ("free_cooling_fraction", "free_cooling_fraction"),
            ("step_time_s", "step_time_mean_s"), ("comm_time_s", "comm_time_s"), ("simulated_s", "simulated_s"))
            if s.get(key) is not None}
        figures["energy_j"] = self.totals["facility_energy_j"]
        figures["it_energy_j"] = self.totals["it_energy_j"]
        figures["throttled_fraction"] = s["throttled_chips"] / max(len(self.chip_paths), 1)
        step = max(1, math.ceil(len(self.room_time_s) / max_points))
        picked = slice(step - 1, None, step)
        times = self.room_time_s[picked]
        room = {k: v[picked] for k, v in self.room.items()}
        with np.errstate(divide="ignore", invalid="ignore"):
            pue = np.where(room["it_power_w"] > 0, room["facility_power_w"] / room["it_power_w"], np.nan)
        columns = {"it_power_w": room["it_power_w"], "facility_power_w": room["facility_power_w"],
                   "cooling_power_w": room["cooling_power_w"], "pue": pue, "tj_max_c": room["tj_max_c"],
                   "coolant_supply_c": room["coolant_supply_c"], "coolant_return_c": room["coolant_return_c"],
                   "ambient_c": room["ambient_c"]}
        if np.any(self.room["throttled_chips"] > 0):  # a flat zero line says nothing a key figure does not
            columns["throttled_fraction"] = room["throttled_chips"] / max(len(self.chip_paths), 1)
        if self.comm is not None:
            columns["step_time_s"] = room["step_time_s"]
        series = {name: [(float(t), float(v)) for t, v in zip(times, values) if math.isfinite(v)]
                  for name, values in columns.items()}
        cabinets: list[list[Scalar]] = [
            [c["path"], c["peak_power_w"], c["power_budget_w"], c.get("peak_cdu_load_w", 0.0), c["cooling_capacity_w"]]
            for c in s["cabinets"]]
        tables = [RunTable("Cabinets: peak draw and CDU load against their limits",
                           ["cabinet", "peak_power_w", "power_budget_w", "peak_cdu_load_w", "cooling_capacity_w"],
                           cabinets)]
        if s["over_limits"]:
            tables.append(RunTable("Over their limits", ["part", "what", "peak_w", "limit_w"],
                                   [[o["path"], o["what"], o["peak_w"], o["limit_w"]] for o in s["over_limits"]]))
        # A figure that is not a finite number (none is expected) is left out, as one that does not apply is.
        key_figures = {k: float(v) for k, v in _plain(figures).items() if v is not None}
        return RunRecord("thermal", label or self.describe(), key_figures, series, tables, self.parameters(),
                         None if revision is None else int(revision),
                         datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))

    def describe(self) -> str:
        """What was run, in a few words: "utilization 90 %, 1 h at 0.1 s, ambient 25 °C"."""
        wl, amb = self.scenario["workload"], self.scenario["ambient"]
        what = {"constant": lambda: f"utilization {wl['utilization'] * 100:g} %",
                "trace": lambda: f"trace {os.path.basename(wl['source'])}",
                "train": lambda: f"training, {wl['flops_per_chip'] / 1e12:g} TFLOP per chip per step",
                "plan": lambda: f"training {wl['label'] or 'a plan'}"}[wl["kind"]]()
        weather = {"design": "design ambient", "constant": f"ambient {amb.get('ambient_c', 0):g} °C",
                   "daily": f"daily {amb.get('min_c', 0):g}–{amb.get('max_c', 0):g} °C",
                   "curve": f"ambient from {os.path.basename(amb.get('source', ''))}"}[amb["kind"]]
        from .. import units

        stopped = " (stopped early)" if self.stopped else ""
        return (f"{what}, {units.format(self.time_s, 's')} at {units.format(self.dt_s, 's')}, {weather}{stopped}")

    def parameters(self) -> dict:
        """The scenario as flat name -> value pairs, names carrying their units."""
        wl, amb = self.scenario["workload"], self.scenario["ambient"]
        out: dict[str, Any] = {"workload": wl["kind"], "duration_s": self.duration_s, "dt_s": self.dt_s,
                               "coolant_flow_fraction": self.scenario["coolant_flow_fraction"],
                               "initial": self.scenario["initial"]}
        if wl["kind"] == "constant":
            out["utilization_fraction"] = wl["utilization"]
        elif wl["kind"] == "trace":
            out["trace"] = wl["source"]
        elif wl["kind"] == "plan":
            out.update(plan=wl["label"], step_time_unthrottled_s=wl["step_time_s"], stages=wl["stages"],
                       replicas=wl["replicas"])
        else:
            out.update(flops_per_chip_flop=wl["flops_per_chip"], efficiency_fraction=wl["efficiency"],
                       gradient_bytes=wl["gradient_bytes"], collective=wl["collective"], algorithm=wl["algorithm"])
        if amb["kind"] == "constant":
            out["ambient_c"] = amb["ambient_c"]
        elif amb["kind"] == "daily":
            out.update(ambient_min_c=amb["min_c"], ambient_max_c=amb["max_c"], start_hour=amb["start_hour"])
        elif amb["kind"] == "curve":
            out.update(ambient_curve=amb["source"], start_hour=amb["start_hour"])
        return out

    def over_limits(self) -> list[dict]:
        """Every part whose peak draw or heat went over its budget or capacity during the run."""
        out = []
        for entry in self.limits.get("parts", []):
            for what, value_key, limit_key in (("power", "peak_power_w", "power_budget_w"),
                                               ("cooling", "peak_heat_w", "cooling_capacity_w")):
                limit = entry[limit_key]
                if limit > 0 and entry[value_key] > limit * (1 + 1e-9):
                    out.append({"path": entry["path"], "what": what, "peak_w": entry[value_key], "limit_w": limit})
        return out

    # ----------------------------------------------------------------- export
    def write_csv(self, path: str | os.PathLike, level: str = "room", *,
                  inputs: Iterable[str | os.PathLike[str]] = ()) -> None:
        """Time series as CSV: the room's (one row per frame), or a part level in long form (one row per part
        and frame).

        Written atomically, never over one of ``inputs`` (:mod:`dojo_gui.io.atomic`).
        """
        with open_atomic(path, "w", inputs=inputs, newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            if level == "room":
                names = list(self.room)
                writer.writerow(csv_row(["time_s", *names]))
                for i, t in enumerate(self.room_time_s):
                    writer.writerow([_num(t), *(_num(self.room[n][i]) for n in names)])
                return
            table, paths = {"tile": (self.tiles, self.tile_paths), "cabinet": (self.cabinets, self.cabinet_paths),
                            "chip": (self.chips, self.chip_paths)}[level]
            names = list(table)
            writer.writerow(csv_row(["time_s", "path", *names]))
            formatted = [csv_text(format_path(p)) for p in paths]
            for i, t in enumerate(self.part_time_s):
                row_t = _num(t)
                columns = [table[n][i] for n in names]
                for k, name in enumerate(formatted):
                    writer.writerow([row_t, name, *(_num(c[k]) for c in columns)])


def _num(value) -> str:
    value = float(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class Recorder:
    """Preallocated, decimated series that a run appends to; :meth:`take` copies them out."""

    def __init__(self, n_steps: int, plan: RecordPlan, n_tiles: int, n_cabinets: int, n_chips: int) -> None:
        self.room_every, self.part_every = plan.intervals(n_steps)
        room_frames = math.ceil(n_steps / self.room_every)
        part_frames = math.ceil(n_steps / self.part_every)
        self.room_time = np.zeros(room_frames)
        self.room = {name: np.zeros(room_frames) for name in ROOM_SERIES}
        self.part_time = np.zeros(part_frames)
        self.tiles = {name: np.zeros((part_frames, n_tiles)) for name in TILE_SERIES}
        self.cabinets = {name: np.zeros((part_frames, n_cabinets)) for name in CABINET_SERIES}
        self.chips: dict[str, np.ndarray] = {"tj_c": np.zeros((part_frames, n_chips), np.float32),
                      "power_w": np.zeros((part_frames, n_chips), np.float32),
                      "level": np.zeros((part_frames, n_chips), np.int8)}
        self.room_count = 0
        self.part_count = 0

    def take(self, room_from: int = 0, part_from: int = 0) -> tuple[
            np.ndarray, dict[str, np.ndarray], np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray],
            dict[str, np.ndarray]]:
        """Copies of the frames recorded from ``room_from`` and ``part_from`` on: (room time, room series,
        part time, tile series, cabinet series, chip series)."""
        r, p = self.room_count, self.part_count
        rs, ps = slice(room_from, r), slice(part_from, p)
        return (self.room_time[rs].copy(), {k: v[rs].copy() for k, v in self.room.items()},
                self.part_time[ps].copy(), {k: v[ps].copy() for k, v in self.tiles.items()},
                {k: v[ps].copy() for k, v in self.cabinets.items()}, {k: v[ps].copy() for k, v in self.chips.items()})
