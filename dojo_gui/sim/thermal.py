"""The coupled power and cooling engine (DESIGN.md §2.2–2.4): numpy over every chip at once.

One time step, for all chips together (no per-chip Python anywhere in a step):

1. the workload gives each chip's utilization over the step, and the weather the ambient;
2. the facility water supply follows the plant (its setpoint, or what dry coolers reach),
   and each cabinet's CDU supplies its tiles at facility + approach;
3. every chip's power from its utilization, DVFS level and junction temperature (leakage);
4. the coolant at each chip's plate inlet: the tile supply plus the heat of the chips
   upstream in its lane (``TileSpec.coolant_path``), Q = ṁ·c_p·ΔT;
5. the exact exponential update of every junction/plate pair (:func:`cooling.rc_step`),
   and the exact heat the coolant took over the step;
6. sums through the conversion stages to tiles, cabinets and the room; tile loop outlet
   temperatures; CDU loads.  A CDU over its capacity cannot hold its supply: everything in
   the step is affine in the supply temperature, so the supply at which the exchanger moves
   the step's own heat (:func:`cooling.cdu_overload_rise_k`) is solved exactly and the
   step corrected to it; then the plant's chiller, dry coolers, pumps and fans, and PUE;
7. throttling: a chip at or over its Tj limit steps its clock down a DVFS level, and back
   up only once it is ``throttle_hysteresis_k`` below the limit.

The coolant is massless (its transit through a tile is far shorter than any step), so a
lane's upstream heat is that of the step's own power.  Leakage alone uses the junction
temperature at the start of the step: that loop's gain, R_th·dP_leak/dT_j, is below one
for any design that does not run away thermally (where the true system has no steady
state either), so the update is stable at any Δt and converges as Δt shrinks.

Invariants checked at every step (an :class:`InvariantError` if one fails): electrical
energy into the IT equipment = heat to coolant + heat to air + change in stored heat;
PUE ≥ 1; every CDU supply ≥ facility water + its approach.

Speed: all buffers are preallocated and updated in place.  When nothing can change any
more — the workload and the facility water are constant for the coming steps and every
chip's deviation from its steady state is below ``SETTLE_TOLERANCE_K``·(1 − ρ), ρ being
the slowest per-step decay factor — the step map is at its fixed point to within that
tolerance, so the remaining drift is below ``SETTLE_TOLERANCE_K`` kelvin, and the
chip-level update is skipped: those steps reuse the settled chip, tile and cabinet state
and compute only the plant (which may still follow the weather).  ``skip_settled=False``
turns that off; the tests check that both give the same answer.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, replace
from functools import partial
from typing import Callable

import numpy as np

from ..model.design import Design
from .cooling import (Plant, _clamped, cdu_overload_rise_k, cdu_supply_c, facility_supply_c, plate_resistance,
                      pump_power_w, rc_step)
from .results import ROOM_SERIES, Recorder, RecordPlan, ThermalResult
from .scenario import (Ambient, CommTime, CommTimeProvider, ConstantLoad, Scenario, ScenarioError, TrainingStep,
                       UtilizationTrace, default_comm_time)
from .tree import PartTree, ThermalModelError

__all__ = ["ThermalRun", "InvariantError", "ThermalModelError", "run_thermal", "with_figures", "SETTLE_TOLERANCE_K"]

SETTLE_TOLERANCE_K = 1e-9
SETTLE_CHECK_EVERY = 8  # steps between checks whether the state has settled
ENERGY_TOLERANCE = 1e-7  # of the step's electrical energy
MAX_EVENTS = 200_000
RUNAWAY_C = 1000.0  # a junction this hot has long been destroyed: stop rather than print nonsense
INPUT_CHUNK = 4096  # steps of workload and ambient averages computed at once


# The room series that are means over a frame, in the order a step hands them over.
MEAN_SERIES = tuple(k for k, how in ROOM_SERIES.items() if how == "mean")


class InvariantError(RuntimeError):
    """A physical invariant failed: a bug, or figures outside what the model can represent."""


@dataclass
class _Inputs:
    """Per-step workload and ambient means for a window of steps."""

    first: int
    ambient: np.ndarray
    trace: np.ndarray | None  # (steps, columns)


class ThermalRun:
    """A run of a scenario on a design that can be advanced in chunks, cancelled and inspected.

    ``advance`` computes more steps (it returns early when ``cancel`` is called or
    ``should_stop`` says so, always at a step boundary); ``result`` copies out what has
    been computed so far, ``frames`` only the records added since a reader last looked, and
    ``state`` the latest per-part values for live views.  Only ``cancel`` may be called from
    another thread: a worker thread owns the run, calls the rest between ``advance`` calls
    and hands the copies they return to the GUI.
    """

    def __init__(self, design: Design, scenario: Scenario, *, comm_time: CommTimeProvider | None = None,
                 record: RecordPlan = RecordPlan(), skip_settled: bool = True) -> None:
        self.design_name = design.name
        self.scenario = scenario
        self.skip_settled = skip_settled
        self._cancel = threading.Event()
        tree = self.tree = PartTree.from_design(design)
        room = self.room_spec = tree.room_spec
        n, nt, nc = tree.n_chips, tree.n_tiles, tree.n_cabinets
        self.ambient = scenario.ambient or Ambient(constant_c=room.ambient_c)

        # ---- time steps
        self.dt = float(scenario.dt_s)
        self.n_steps = max(1, math.ceil(scenario.duration_s / self.dt - 1e-9))
        self.last_dt = scenario.duration_s - (self.n_steps - 1) * self.dt
        self.step_index = 0
        self.time_s = 0.0

        # ---- chips
        ch = tree.chip
        flow = scenario.coolant_flow_fraction
        self.r_pc = plate_resistance(ch["r_plate_coolant_k_per_w"], flow, tree.tile["flow_exponent"][tree.chip_tile])
        self.c_j, self.c_p, self.r_jp, self.r_pc = _clamped(ch["heat_capacity_j_per_k"], ch["plate_heat_capacity_j_per_k"],
                                                            ch["r_junction_plate_k_per_w"], self.r_pc)
        self.rc = rc_step(self.c_j, self.c_p, self.r_jp, self.r_pc, self.dt)
        self.rc_last = self.rc if abs(self.last_dt - self.dt) < 1e-12 * self.dt else \
            rc_step(self.c_j, self.c_p, self.r_jp, self.r_pc, self.last_dt)
        self._shift = {id(rc): self._supply_shift(rc) for rc in (self.rc, self.rc_last)}
        self._stacked = {id(rc): (np.concatenate([rc.m11, rc.m22]), np.concatenate([rc.q1, rc.q2]))
                         for rc in (self.rc, self.rc_last)}
        idle, tdp = ch["idle_w"], ch["tdp_w"]
        self.static_w = idle * (1.0 - ch["leakage_fraction"])
        leak0 = ch["leakage_fraction"] * idle
        self.leak_a = (math.log(2.0) / ch["leakage_doubling_k"]).astype(np.float64)
        with np.errstate(divide="ignore"):
            self.leak_b = np.where(leak0 > 0, np.log(np.where(leak0 > 0, leak0, 1.0)), -np.inf) - self.leak_a * ch["leakage_ref_c"]
        self.leak_b32 = self.leak_b.astype(np.float32)
        self.dyn_max_w = tdp - idle
        self.tj_limit = ch["tj_max_c"]
        self.tj_release = ch["tj_max_c"] - ch["throttle_hysteresis_k"]
        self.min_limit = float(self.tj_limit.min())
        self.level = np.zeros(n, dtype=np.intp)
        self.lowest_level = tree.dvfs_count - 1
        self.clock = np.ones(n)
        self.dyn_w = self.dyn_max_w.copy()  # (P_tdp − P_idle)·s^n at the current levels
        self._level_version = 0  # bumped whenever a level changes, so cached powers know to refresh
        self._uniform_active = self._uniform()

        # ---- tiles, lanes, cabinets
        t, c = tree.tile, tree.cabinet
        self.tile_inv_eta = 1.0 / t["conversion_efficiency"]
        self.tile_fixed_w = t["overhead_w"] + t["conversion_overhead_w"]
        self.tile_rate = t["capacity_rate_w_per_k"] * flow  # ṁ·c_p of each tile loop, W/K
        self.tile_inv_rate = 1.0 / self.tile_rate
        self.tile_liquid = t["liquid"].astype(float)
        self.tile_air = 1.0 - self.tile_liquid
        # Share of a tile's own heat that leaves in its coolant stream (all of it for an air-cooled tile).
        self.tile_own_share = np.where(t["liquid"], t["overhead_to_coolant_fraction"], 1.0)
        self.tile_own_room_air = 1.0 - self.tile_own_share  # ... and what goes to the room air instead
        # own heat = chips·(1/η − 1) + fixed/η, so the loop and room-air shares are affine in the chips' power.
        self.tile_loop_gain = 1.0 + self.tile_own_share * (self.tile_inv_eta - 1.0)
        self.tile_loop_fixed_w = self.tile_own_share * self.tile_fixed_w * self.tile_inv_eta
        self.tile_room_air_gain = self.tile_own_room_air * (self.tile_inv_eta - 1.0)
        self.tile_room_air_fixed_w = float(self.tile_own_room_air @ (self.tile_fixed_w * self.tile_inv_eta))
        self.any_room_air_gain = bool(np.any(self.tile_room_air_gain != 0))
        self.any_air_tiles = bool(np.any(self.tile_air))
        self.chip_cabinet = tree.tile_cabinet[tree.chip_tile]
        counts = np.bincount(self.chip_cabinet, minlength=nc)
        # Chips contiguous and equal in number per cabinet: the inlet is one broadcast add per cabinet.
        self.cabinet_blocks = bool(nc and np.all(counts == counts[0]) and np.all(np.diff(self.chip_cabinet) >= 0))
        self.upstream = tree.lane_width > 1
        if self.upstream:
            w = tree.lane_width
            lane_rate = self.tile_rate[tree.lane_tile] / tree.tile_lanes[tree.lane_tile]
            self.chip_inv_lane_rate = 1.0 / lane_rate[tree.lane_cell // w]  # K per W of upstream heat
            self.lane_grid = np.zeros((len(tree.lane_tile), w))  # each chip's coolant rise, in lanes
            self.lane_inlet = np.zeros((len(tree.lane_tile), w))  # the coolant temperature at each plate inlet
            self.lane_cabinet = tree.tile_cabinet[tree.lane_tile]
        self.cab_inv_eta = 1.0 / c["conversion_efficiency"]
        self.cab_fixed_w = c["overhead_w"] + c["conversion_overhead_w"]
        cap = c["cooling_capacity_w"].copy()
        self.notes: list[str] = []
        full_heat = self._full_load_cabinet_heat()
        for k in np.flatnonzero(cap <= 0):
            cap[k] = max(full_heat[k], 1.0)
            self.notes.append(f"{tree.cabinet_name(k)}: no CDU capacity in its spec; taken as its full-load heat "
                              f"({cap[k]:.0f} W)")
        self.cdu_capacity = cap
        self.cdu_approach = c["cdu_approach_k"]
        self.cdu_rate = np.bincount(tree.tile_cabinet, weights=self.tile_rate, minlength=nc)
        self.cdu_pumps_w = float(pump_power_w(c["cdu_pump_fraction"] * cap, flow).sum())
        self._chip_sums = self._summer(tree.chip_tile, nt, rows=2)
        self._tile_sums = self._summer(tree.tile_cabinet, nc, rows=2)
        self.has_chiller = room.chiller_carnot_fraction > 0
        self.room_capacity = room.cooling_capacity_w if room.cooling_capacity_w > 0 else float(full_heat.sum())
        self.plant = Plant.of_room(room, self.room_capacity)
        self.ups_inv_eta = 1.0 / room.conversion_efficiency
        self.ups_fixed_w = room.overhead_w + room.conversion_overhead_w
        self.transformer_inv_eta = 1.0 / room.transformer_efficiency
        with np.errstate(divide="ignore"):
            self.cdu_inv_rate = np.where(self.cdu_rate > 0, 1.0 / np.where(self.cdu_rate > 0, self.cdu_rate, 1.0), 0.0)
        self.cdu_weight = self.cdu_rate / self.cdu_rate.sum() if self.cdu_rate.sum() > 0 else np.full(nc, 1.0 / max(nc, 1))

        # ---- state and buffers
        # Junction and plate temperatures side by side, so one numpy call updates both.
        self.x = np.zeros(2 * n)
        self.tj, self.tp = self.x[:n], self.x[n:]
        self.c_stack = np.concatenate([self.c_j, self.c_p])
        self._pq = np.zeros((2, n))  # chip power (W) and the coolant's heat beyond P·Δt over the step (J)
        self.power = self._pq[0]
        self.active_w = np.zeros(n)  # static + dynamic at the current utilization and levels
        self._active_key: object = None
        self.t_local = np.zeros(n)
        self._f32 = np.zeros(n, np.float32)
        self._ss, self._d, self._tmp2 = np.zeros(2 * n), np.zeros(2 * n), np.zeros(2 * n)
        self._tmp = np.zeros(n)
        self.tile_in_c = np.zeros(nt)
        self.tile_out_c = np.zeros(nt)
        self._tl = np.zeros((2, nt))  # each tile's input power and the heat its loop carries (W)
        self.tile_power, self.tile_loop_w = self._tl[0], self._tl[1]
        self._cb = np.zeros((2, nc))  # each cabinet's input power and its CDU's load (W)
        self.cab_power, self.cdu_load = self._cb[0], self._cb[1]
        self.cdu_supply = np.zeros(nc)
        self.cdu_return = np.zeros(nc)
        self.peak_tj = np.full(n, -np.inf)
        self.peak_tile_w = np.zeros(nt)
        self.peak_cab_w = np.zeros(nc)
        self.peak_cdu_w = np.zeros(nc)
        self._room_vals: tuple = (0.0,) * len(MEAN_SERIES)
        self._room_extra = {"facility_supply_c": self.room_spec.facility_supply_c, "chiller_cop": 0.0, "ups_in_w": 0.0,
                            "tj_max_c": 0.0}
        self.peak_room = {"it_power_w": 0.0, "facility_power_w": 0.0, "heat_w": 0.0, "throttled_chips": 0,
                          "tj_max_c": -math.inf, "tj_max_chip": ""}
        self.throttled = 0

        # ---- the workload
        self.workload = scenario.workload
        self.comm: CommTime | None = None
        self._trace_columns: np.ndarray | None = None
        if isinstance(self.workload, UtilizationTrace):
            self._trace_columns = self.workload.chip_columns(tree.chip_paths)
        elif isinstance(self.workload, TrainingStep):
            self._setup_training(design, comm_time)
        self._inputs: _Inputs | None = None

        # ---- totals, events, records
        self.totals = {"train_steps": 0, "train_steps_time_s": 0.0, "skipped_steps": 0}
        self._integrals = [0.0] * len(MEAN_SERIES)  # ∫ of every mean series over the finished frames
        self.max_residual = 0.0
        self._events: list[tuple[np.ndarray, ...]] = []
        self._event_count = 0
        self.events_dropped = 0
        self.recorder = Recorder(self.n_steps, record, nt, nc, n)
        self._room_acc = [0.0] * len(MEAN_SERIES)
        self._room_frame_time = 0.0
        self._frame_tj_max = -math.inf
        self._part_acc = [np.zeros(n), np.zeros((2, nt)), np.zeros((2, nc))]  # chip power, tiles, cabinets
        self._part_weight = 0.0
        self._settled = False
        self._settled_input: np.ndarray | None = None
        self._since_check = 0

        self._views = self._make_views()
        self._initialize()
        self.stored_j0 = self._stored()
        self.stored_j = self.stored_j0

    # ================================================================= setup
    @staticmethod
    def _summer(index: np.ndarray, size: int, rows: int = 0) -> Callable[[np.ndarray], np.ndarray]:
        """Σ values by group for a sorted group index (of each row of a 2-D array when ``rows``):
        reduceat when every group is present, else bincount."""
        counts = np.bincount(index, minlength=size)
        if size and np.all(counts > 0) and np.all(np.diff(index) >= 0):
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
            return partial(np.add.reduceat, indices=starts, axis=-1)
        if rows:
            return lambda values: np.stack([np.bincount(index, weights=v, minlength=size) for v in values])
        return lambda values: np.bincount(index, weights=values, minlength=size)

    def _supply_shift(self, rc) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """How one kelvin more at the plate inlets moves a step's result: T_j, T_p per chip, coolant heat
        per tile (J) and the CDUs' conductance to their supply (W/K)."""
        tj = 1.0 - rc.m11 - rc.m12
        tp = 1.0 - rc.m21 - rc.m22
        tile_j = -self.tree.per_tile(rc.q1 + rc.q2)
        cdu = -self.tree.per_cabinet(tile_j) / rc.dt
        return tj, tp, tile_j, cdu

    def _uniform(self) -> tuple[float, float] | None:
        """(static, dynamic) power shared by every chip, or None when they differ (mixed specs or levels)."""
        if len(self.dyn_w) and np.ptp(self.dyn_w) == 0 and np.ptp(self.static_w) == 0:
            return float(self.static_w[0]), float(self.dyn_w[0])
        return None

    def _make_views(self) -> dict[str, np.ndarray]:
        """Views into the buffers the step uses, made once (a slice or reshape costs a little every time)."""
        n, nc = self.tree.n_chips, self.tree.n_cabinets
        v = {"ss_j": self._ss[:n], "ss_p": self._ss[n:], "d_j": self._d[:n], "d_p": self._d[n:],
             "tmp2_j": self._tmp2[:n], "tmp2_p": self._tmp2[n:], "supply_column": self.cdu_supply[:, None]}
        if self.cabinet_blocks:
            v["t_local_blocks"] = self.t_local.reshape(nc, -1)
        if self.upstream:
            w = self.tree.lane_width
            v["grid_flat"] = self.lane_grid.reshape(-1)
            v["inlet_flat"] = self.lane_inlet.reshape(-1)
            v["inlet_first"] = self.lane_inlet[:, 0]
            v["inlet_columns"] = [self.lane_inlet[:, c] for c in range(w)]
            v["grid_columns"] = [self.lane_grid[:, c] for c in range(w)]
            if self.tree.lanes_are_chips:
                self.t_local = self.lane_inlet.reshape(-1)  # the lanes are the chips in order: no copy needed
        return v

    def _update_outlets(self) -> None:
        """Tile outlet and CDU return temperatures (Q = ṁ·c_p·ΔT), for records and views."""
        np.multiply(self.tile_loop_w, self.tile_inv_rate, out=self.tile_out_c)
        self.tile_out_c += self.tile_in_c
        self._update_returns()

    def _full_load_cabinet_heat(self) -> np.ndarray:
        tree = self.tree
        tile_in = (tree.per_tile(tree.chip["tdp_w"]) + self.tile_fixed_w) * self.tile_inv_eta
        return (tree.per_cabinet(tile_in) + self.cab_fixed_w) * self.cab_inv_eta

    def _setup_training(self, design: Design, comm_time: CommTimeProvider | None) -> None:
        w = self.workload
        assert isinstance(w, TrainingStep)
        missing = sorted({s.id for s in self.tree.chip_specs if s.peak_flops.get(w.number_format, 0) <= 0})
        if missing:
            raise ScenarioError(f"chip spec(s) {', '.join(missing)} have no {w.number_format} peak compute "
                                f"(choose a number format they list)")
        peak = np.array([s.peak_flops[w.number_format] for s in self.tree.chip_specs])
        self.compute_s = w.flops_per_chip / (peak * w.efficiency)  # at the nominal clock
        provider = comm_time or partial(default_comm_time, should_stop=self._cancel.is_set)
        try:
            self.comm = provider(design, w)
        except ScenarioError:
            raise
        except Exception as exc:  # another engine's failure becomes a message that names it, not a traceback
            raise ScenarioError(f"the communication time of the {w.collective} of "
                                f"{w.gradient_bytes:.4g} B could not be computed: {exc}") from exc
        if not (self.comm.time_s >= 0 and math.isfinite(self.comm.time_s)):
            raise ScenarioError(f"the communication time from {self.comm.source} is not a time: {self.comm.time_s!r}")
        self.train_phase = 0.0
        self._train_groups()

    def _train_groups(self) -> None:
        """Chips grouped by their compute time at the current clock (few distinct values)."""
        durations = self.compute_s / self.clock
        values, inverse = np.unique(durations, return_inverse=True)
        self.train_durations = values
        self.train_group = inverse.astype(np.intp)
        self.train_slowest = float(values[-1])
        self.step_time_s = self.train_slowest + self.comm.time_s  # type: ignore[union-attr]

    # ================================================================= inputs
    def _window(self, i: int) -> _Inputs:
        """Workload and ambient means for steps i .. i + INPUT_CHUNK − 1."""
        last = min(self.n_steps, i + INPUT_CHUNK)
        idx = np.arange(i, last)
        t0 = idx * self.dt
        t1 = np.where(idx == self.n_steps - 1, t0 + self.last_dt, t0 + self.dt)
        ambient = self.ambient.means(t0, t1)
        trace = self.workload.curve.means(t0, t1) if isinstance(self.workload, UtilizationTrace) else None
        if trace is not None and trace.ndim == 1:
            trace = trace[:, None]
        return _Inputs(i, ambient, trace)

    def _inputs_at(self, i: int) -> tuple[_Inputs, int]:
        inp = self._inputs
        if inp is None or not (inp.first <= i < inp.first + len(inp.ambient)):
            inp = self._inputs = self._window(i)
        return inp, i - inp.first

    def _utilization(self, inp: _Inputs, j: int, dt: float):
        """Utilization over the step: a float for every chip alike, else an array per chip."""
        w = self.workload
        if isinstance(w, ConstantLoad):
            return w.utilization
        if inp.trace is not None:
            row = inp.trace[j]
            if len(row) == 1:
                return float(row[0])
            return row[self._trace_columns]
        return self._train_utilization(dt)

    def _train_utilization(self, dt: float):
        """Mean utilization of each chip over the step, from the periodic compute–wait–communicate timeline.

        Within a step of period T = (slowest compute) + comm, a chip whose compute takes d
        computes on [0, d), waits on [d, slowest) and communicates on [slowest, T).  The
        step's mean is the difference of the cumulative utilization F at its two ends,
        F(τ) = ⌊τ/T⌋·F(T) + F(τ mod T), exact for any Δt (shorter or longer than T).
        """
        w = self.workload
        assert isinstance(w, TrainingStep) and self.comm is not None
        slowest, comm = self.train_slowest, self.comm.time_s
        period = slowest + comm
        if period <= 0:
            return w.compute_utilization
        u_c, u_w, u_m = w.compute_utilization, w.wait_utilization, w.comm_utilization
        tau0 = self.train_phase
        tau1 = tau0 + dt
        k0, r0 = divmod(tau0, period)
        k1, r1 = divmod(tau1, period)
        comm_part = u_m * (min(max(r1 - slowest, 0.0), comm) - min(max(r0 - slowest, 0.0), comm))
        done = int(k1)
        if done:
            self.totals["train_steps"] += done
            self.totals["train_steps_time_s"] += done * period
        self.train_phase = r1
        durations = self.train_durations
        if len(durations) == 1:  # every chip alike: plain floats
            d = float(durations[0])
            per = u_c * d + u_w * (slowest - d) + u_m * comm
            f1 = u_c * min(r1, d) + u_w * min(max(r1 - d, 0.0), slowest - d)
            f0 = u_c * min(r0, d) + u_w * min(max(r0 - d, 0.0), slowest - d)
            return ((k1 - k0) * per + f1 - f0 + comm_part) / dt
        per = u_c * durations + u_w * (slowest - durations) + u_m * comm
        f1 = u_c * np.minimum(r1, durations) + u_w * np.clip(r1 - durations, 0.0, slowest - durations)
        f0 = u_c * np.minimum(r0, durations) + u_w * np.clip(r0 - durations, 0.0, slowest - durations)
        u = ((k1 - k0) * per + f1 - f0 + comm_part) / dt
        return u[self.train_group]

    # ================================================================= initial state
    def _initialize(self) -> None:
        """Start settled at idle (or at the first step's load), or with everything at coolant temperature."""
        mode = self.scenario.initial
        inp, j = self._inputs_at(0)
        t_fws = facility_supply_c(self.room_spec.facility_supply_c, float(inp.ambient[0]),
                                  self.room_spec.dry_cooler_approach_k, self.has_chiller)
        if mode == "coolant":
            self.cdu_supply[:] = t_fws + self.cdu_approach
            self.tile_in_c[:] = self.cdu_supply[self.tree.tile_cabinet]
            self.tj[:] = self.tp[:] = self.tile_in_c[self.tree.chip_tile]
            self._steady_loads(0.0, t_fws, settle=False)
            return
        if mode == "idle":
            u = 0.0
        elif isinstance(self.workload, TrainingStep):
            w = self.workload
            period = self.step_time_s
            u = (w.compute_utilization * self.train_slowest + w.comm_utilization * self.comm.time_s) / period \
                if period > 0 else w.compute_utilization
        else:
            u = self._utilization(inp, j, self.dt)
        self._steady_loads(u, t_fws, settle=True)

    def _steady_loads(self, u, t_fws: float, settle: bool) -> None:
        """Iterate power → coolant → temperatures to the steady state (or just set loads for the given temperatures)."""
        tree = self.tree
        for _ in range(500 if settle else 1):
            power = self.static_w + self.dyn_w * u + np.exp(np.minimum(self.leak_a * self.tj + self.leak_b, 700.0))
            tile_chips = tree.per_tile(power)
            tile_in = (tile_chips + self.tile_fixed_w) * self.tile_inv_eta
            loop_w = tile_chips + (tile_in - tile_chips) * self.tile_own_share
            cdu_load = tree.per_cabinet(loop_w)
            supply = cdu_supply_c(t_fws, self.cdu_approach, cdu_load, self.cdu_capacity)
            tin = supply[tree.tile_cabinet]
            t_local = supply[self.chip_cabinet] + self._upstream_rise(power)
            if not settle:
                break
            tp = t_local + self.r_pc * power
            tj = tp + self.r_jp * power
            change = float(np.max(np.abs(tj - self.tj))) if len(tj) else 0.0
            self.tj[:], self.tp[:] = tj, tp
            if change < 1e-11:
                break
        else:
            raise ThermalModelError("the design does not reach a steady state at its starting load: leakage grows "
                                    "faster with temperature than the cooling removes it (thermal runaway)")
        self.cdu_load[:] = cdu_load
        self.cdu_supply[:] = supply
        self.tile_in_c[:] = tin
        self.tile_loop_w[:] = loop_w
        self.tile_out_c[:] = tin + loop_w * self.tile_inv_rate
        self.power[:] = power
        self.tile_power[:] = tile_in
        self.cab_power[:] = (tree.per_cabinet(tile_in) + self.cab_fixed_w) * self.cab_inv_eta
        self._update_returns()

    def _upstream_rise(self, power: np.ndarray) -> np.ndarray:
        """Coolant temperature rise from the tile inlet to each chip's plate (K), without the inlet itself."""
        tree = self.tree
        if not self.upstream:
            return np.zeros(len(power))
        grid = np.zeros((len(tree.lane_tile), tree.lane_width))
        grid.flat[tree.lane_cell] = power * self.chip_inv_lane_rate
        return (np.cumsum(grid, axis=1) - grid).reshape(-1)[tree.lane_cell]

    def _update_returns(self) -> None:
        np.multiply(self.cdu_load, self.cdu_inv_rate, out=self.cdu_return)
        self.cdu_return += self.cdu_supply

    def _stored(self) -> float:
        """Heat stored in every junction and plate, relative to 0 °C (J)."""
        return float(self.c_stack @ self.x)

    # ================================================================= stepping
    @property
    def done(self) -> bool:
        return self.step_index >= self.n_steps

    @property
    def progress(self) -> float:
        return self.step_index / self.n_steps

    def cancel(self) -> None:
        """Ask a running ``advance`` to return at the next step boundary (thread-safe)."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def advance(self, seconds: float | None = None, steps: int | None = None,
                should_stop: Callable[[], bool] | None = None, wall_s: float | None = None) -> int:
        """Compute up to ``steps`` more steps (or ``seconds`` more simulated time; all that remain if neither),
        stopping early after ``wall_s`` of wall time, on :meth:`cancel` or when ``should_stop()`` is true.
        Returns the number of steps computed."""
        remaining = self.n_steps - self.step_index
        if steps is None and seconds is not None:
            steps = max(1, math.ceil(seconds / self.dt - 1e-9))
        todo = remaining if steps is None else min(max(0, int(steps)), remaining)
        end = self.step_index + todo
        start_index = self.step_index
        deadline = time.perf_counter() + wall_s if wall_s is not None else None
        check_every = 32
        while self.step_index < end:
            if self._cancel.is_set():
                break
            batch_end = min(end, self.step_index + check_every)
            while self.step_index < batch_end:
                if not self._try_skip(batch_end):
                    self._full_step()
            if should_stop is not None and should_stop():
                self._cancel.set()
                break
            if deadline is not None and time.perf_counter() >= deadline:
                break
        return self.step_index - start_index

    def _try_skip(self, limit: int) -> int:
        """Advance over settled steps (see the module docstring); returns how many were skipped."""
        if not (self.skip_settled and self._settled):
            return 0
        i = self.step_index
        last_full = self.n_steps - 1 if self.last_dt != self.dt else self.n_steps
        end = min(limit, last_full)
        if end <= i:
            return 0
        inp, j = self._inputs_at(i)
        end = min(end, inp.first + len(inp.ambient))
        if inp.trace is not None:
            window = inp.trace[j: end - inp.first]
            same = np.all(window == self._settled_input, axis=1)
            run = int(np.argmin(same)) if not same.all() else len(same)
            end = i + run
        if end <= i:
            self._settled = False
            return 0
        for k in range(i, end):
            inp_k, jk = self._inputs_at(k)
            self._room_step(self.dt, float(inp_k.ambient[jk]), skipped=True)
        self.totals["skipped_steps"] += end - i
        return end - i

    def _full_step(self) -> None:
        """One step of every chip, tile, cabinet and the room (see the module docstring for the order)."""
        i = self.step_index
        last = i == self.n_steps - 1
        dt = self.last_dt if last else self.dt
        rc = self.rc_last if last else self.rc
        inp, j = self._inputs_at(i)
        ambient = float(inp.ambient[j])
        u = self._utilization(inp, j, dt)
        tree = self.tree
        v = self._views

        # The CDUs hold their supply at facility water + approach (corrected below for any over capacity).
        t_fws = self.plant.supply_c(ambient)
        supply = self.cdu_supply
        np.add(self.cdu_approach, t_fws, out=supply)
        supply.take(tree.tile_cabinet, out=self.tile_in_c)

        # Chip power: static + dynamic at the utilization and clock + leakage at the junction temperature.
        power, leak = self.power, self._f32
        # Leakage = exp(a·T_j + b), in single precision (3x faster; 1e-7 of an estimated term).
        np.multiply(self.tj, self.leak_a, out=leak, casting="same_kind")
        leak += self.leak_b32
        np.minimum(leak, 80.0, out=leak)
        np.exp(leak, out=leak)
        if u.__class__ is float and self._uniform_active is not None:  # every chip alike: one scalar
            static, dynamic = self._uniform_active
            np.add(leak, np.float64(static + dynamic * u), out=power)
        elif u.__class__ is float:
            key = (u, self._level_version)
            if self._active_key != key:
                np.multiply(self.dyn_w, u, out=self.active_w)
                self.active_w += self.static_w
                self._active_key = key
            np.add(self.active_w, leak, out=power)
        else:
            np.multiply(self.dyn_w, u, out=power)
            power += self.static_w
            power += leak
            self._active_key = None

        # Coolant at each plate inlet: the CDU supply plus the heat of the chips upstream in its lane.
        t_local = self.t_local
        if self.upstream:
            # Along each lane (a Python loop over the few positions, numpy over every lane):
            # inlet[c] = inlet[c − 1] + P[c − 1]/(ṁ·c_p of the lane).
            if tree.lanes_are_chips:
                np.multiply(power, self.chip_inv_lane_rate, out=v["grid_flat"])
            else:
                self.lane_grid.flat[tree.lane_cell] = power * self.chip_inv_lane_rate
            supply.take(self.lane_cabinet, out=v["inlet_first"])
            for c in range(1, tree.lane_width):
                np.add(v["inlet_columns"][c - 1], v["grid_columns"][c - 1], out=v["inlet_columns"][c])
            if not tree.lanes_are_chips:
                v["inlet_flat"].take(tree.lane_cell, out=t_local)
        elif self.cabinet_blocks:
            v["t_local_blocks"][:] = v["supply_column"]
        else:
            supply.take(self.chip_cabinet, out=t_local)

        # Exact update of every junction/plate pair (x = [T_j; T_p], steady state ss, deviation d):
        # x⁺ = ss + e^{AΔt}·d, and the coolant's heat beyond P·Δt is q1·d_j + q2·d_p.
        ss, d, tmp2, x = self._ss, self._d, self._tmp2, self.x
        tjs, tps = v["ss_j"], v["ss_p"]
        np.multiply(self.r_pc, power, out=tps)
        tps += t_local
        np.multiply(self.r_jp, power, out=tjs)
        tjs += tps
        np.subtract(x, ss, out=d)
        m_diag, q_stack = self._stacked[id(rc)]
        np.multiply(q_stack, d, out=tmp2)
        np.add(v["tmp2_j"], v["tmp2_p"], out=self._pq[1])
        np.multiply(m_diag, d, out=x)
        x += ss
        np.multiply(rc.m12, v["d_p"], out=v["tmp2_j"])
        np.multiply(rc.m21, v["d_j"], out=v["tmp2_p"])
        x += tmp2

        # Tiles: through the regulators, and the heat their loops carry:
        # loop = chips' coolant heat + share·(own heat) = extra/Δt + chips·(1 + share·(1/η − 1)) + share·fixed/η.
        sums = self._chip_sums(self._pq)
        tile_chips, extra = sums[0], sums[1]
        tl = self._tl
        tile_in, loop = tl[0], tl[1]
        np.add(tile_chips, self.tile_fixed_w, out=tile_in)
        tile_in *= self.tile_inv_eta
        np.multiply(tile_chips, self.tile_loop_gain, out=loop)
        loop += self.tile_loop_fixed_w
        extra *= 1.0 / dt
        loop += extra

        # Cabinets: power supplies and CDU loads.
        cab_sums = self._tile_sums(tl)
        cb = self._cb
        np.add(cab_sums[0], self.cab_fixed_w, out=cb[0])
        cb[0] *= self.cab_inv_eta
        cb[1] = cab_sums[1]
        if np.logical_or.reduce(np.greater(cb[1], self.cdu_capacity)):
            self._overloaded(rc, t_fws, dt, loop)

        # Energy balance of the IT equipment over the step.
        add = np.add.reduce
        it_w = float(add(cb[0]))
        chip_w = float(add(tile_chips))
        # Heat to air: air-cooled tiles' streams (to their cabinet's air handler), and into the room air the
        # share of liquid-cooled tiles' own heat their coolant does not take and the cabinets' supply losses.
        room_air_w = self.tile_room_air_fixed_w + it_w - float(add(tile_in))
        if self.any_room_air_gain:
            room_air_w += float(tile_chips @ self.tile_room_air_gain)
        if self.any_air_tiles:
            coolant_w = float(loop @ self.tile_liquid)
            air_w = float(loop @ self.tile_air) + room_air_w
        else:
            coolant_w = float(add(loop))
            air_w = room_air_w
        stored = float(self.c_stack @ x)
        residual = (it_w - coolant_w - air_w) * dt - (stored - self.stored_j)
        # Round-off of the stored heat (~1e-16 of it) is allowed on top: it matters only for a design drawing nothing.
        scale = it_w * dt + 1e-9 * abs(stored)
        if abs(residual) > ENERGY_TOLERANCE * scale:
            raise InvariantError(f"energy is not conserved at step {i}: {it_w * dt:.9g} J in, "
                                 f"{coolant_w * dt:.9g} J to coolant, {air_w * dt:.9g} J to air, "
                                 f"{stored - self.stored_j:.9g} J stored (residual {residual:.3g} J)")
        if abs(residual) > self.max_residual * scale:
            self.max_residual = abs(residual) / scale
        self.stored_j = stored

        tj_max = float(np.maximum.reduce(self.tj))
        if tj_max > RUNAWAY_C:
            k = int(np.argmax(self.tj))
            raise ThermalModelError(f"{tree.chip_name(k)} passed {RUNAWAY_C:.0f} °C at {self.time_s + dt:g} s: "
                                    f"thermal runaway (leakage grows faster than the cooling removes it)")
        self._it = (it_w, coolant_w, air_w, chip_w, room_air_w, float(add(cb[1])),
                    u if u.__class__ is float else float(np.mean(u)), tj_max)
        if inp.trace is not None:
            self._settled_input = inp.trace[j].copy()
        if self.throttled or tj_max >= self.min_limit:
            self._throttle()
        self._part_step(dt / self.dt)
        self._room_step(dt, ambient, skipped=False)
        self._since_check += 1
        if self._since_check >= SETTLE_CHECK_EVERY:
            self._check_settled()

    def _overloaded(self, rc, t_fws: float, dt: float, loop: np.ndarray) -> None:
        """Move the step to the supply temperature at which each overloaded CDU moves the step's heat."""
        tree = self.tree
        shift_j, shift_p, tile_j, conductance = self._shift[id(rc)]
        load = self.cdu_load
        over = load > self.cdu_capacity
        rise = cdu_overload_rise_k(self.cdu_approach, load, self.cdu_capacity, conductance)
        delta = np.where(over, rise - self.cdu_approach, 0.0)
        chip_delta = delta[self.chip_cabinet]
        self.tj += shift_j * chip_delta
        self.tp += shift_p * chip_delta
        tile_delta = delta[tree.tile_cabinet]
        loop += tile_j * tile_delta / dt
        self.tile_in_c += tile_delta
        self.cdu_supply += delta
        load[:] = self._tile_sums(self._tl)[1]
        if np.min(self.cdu_supply - self.cdu_approach) < t_fws - 1e-9:
            raise InvariantError(f"a CDU supplies below facility water + approach at step {self.step_index}")

    def _throttle(self) -> None:
        """Step clocks down at the limit and back up below limit − hysteresis (one level per step)."""
        tj = self.tj
        down = (tj >= self.tj_limit) & (self.level < self.lowest_level)
        up = (tj <= self.tj_release) & (self.level > 0)
        if not (down.any() or up.any()):
            return
        self.level[down] += 1
        self.level[up] -= 1
        changed = np.flatnonzero(down | up)
        rows = np.arange(len(tj))
        self.clock[:] = self.tree.dvfs_table[rows, self.level]
        self.dyn_w[:] = self.dyn_max_w * self.clock ** self.tree.chip["dvfs_power_exponent"]
        self.throttled = int(np.count_nonzero(self.level))
        self._level_version += 1
        self._uniform_active = self._uniform()
        if isinstance(self.workload, TrainingStep):
            self._train_groups()
        self._settled = False
        self._record_events(changed)

    def _record_events(self, chips: np.ndarray) -> None:
        room = max(0, MAX_EVENTS - self._event_count)
        kept = chips[:room]
        self.events_dropped += len(chips) - len(kept)
        if len(kept):
            t = self.time_s + (self.last_dt if self.step_index == self.n_steps - 1 else self.dt)
            self._events.append((np.full(len(kept), t), kept.copy(), self.level[kept].copy(), self.tj[kept].copy()))
            self._event_count += len(kept)

    def _check_settled(self) -> None:
        self._since_check = 0
        if not self.skip_settled:
            return
        if isinstance(self.workload, TrainingStep):
            return
        if self.ambient.varies and not self.has_chiller:
            return  # the facility water follows the weather
        limit = SETTLE_TOLERANCE_K * (1.0 - self.rc.slowest_eigenvalue)
        deviation = float(np.max(np.abs(self._d)))
        if deviation > limit:
            return
        # A settled chip within the tolerance of a throttle threshold could still cross it.
        margin = 1e-6
        near = np.abs(self.tj - self.tj_limit) < margin
        near |= np.abs(self.tj - self.tj_release) < margin
        if near.any():
            return
        self._settled = True

    # ================================================================= room and records
    def _part_step(self, weight: float) -> None:
        """Add this step's part values to the frame's means; ``weight`` is the step's length in units of dt."""
        acc = self._part_acc
        self._part_weight += weight
        if weight == 1.0:
            acc[0] += self.power
            acc[1] += self._tl
            acc[2] += self._cb
        else:
            acc[0] += weight * self.power
            acc[1] += weight * self._tl
            acc[2] += weight * self._cb

    def _room_step(self, dt: float, ambient: float, skipped: bool) -> None:
        """The plant, the room's sums and every record for one step (after the chip-level update or a skip)."""
        it_w, coolant_w, air_w, chip_w, room_air_w, cdu_total, util, tj_max = self._it
        ups_in = (it_w + self.ups_fixed_w) * self.ups_inv_eta
        air_heat = room_air_w + ups_in - it_w  # the UPS's loss and the room's own load also end in the room air
        t_fws, free, cop, chiller, dry_fans, pumps, air_fans, water = self.plant.step(cdu_total + air_heat, air_heat,
                                                                                    ambient)
        cooling_w = self.cdu_pumps_w + chiller + dry_fans + pumps + air_fans
        facility_w = (ups_in + cooling_w + self.room_spec.transformer_overhead_w) * self.transformer_inv_eta
        if facility_w < it_w * (1 - 1e-12):
            raise InvariantError(f"PUE below 1 at step {self.step_index}: facility {facility_w:.6g} W, IT {it_w:.6g} W")

        # In the order of MEAN_SERIES.
        vals = self._room_vals = (it_w, facility_w, cooling_w, chip_w, coolant_w, air_w, chiller,
                                  self.cdu_pumps_w + pumps, dry_fans + air_fans, free, water, util, ambient)
        acc = self._room_acc
        for k in range(len(vals)):
            acc[k] += vals[k] * dt
        extra = self._room_extra
        extra["facility_supply_c"] = t_fws
        extra["chiller_cop"] = cop
        extra["ups_in_w"] = ups_in
        extra["tj_max_c"] = tj_max
        peak = self.peak_room
        if it_w > peak["it_power_w"]:
            peak["it_power_w"] = it_w
        if facility_w > peak["facility_power_w"]:
            peak["facility_power_w"] = facility_w
        if cdu_total + air_heat > peak["heat_w"]:
            peak["heat_w"] = cdu_total + air_heat
        if self.throttled > peak["throttled_chips"]:
            peak["throttled_chips"] = self.throttled

        self._room_frame_time += dt
        if tj_max > self._frame_tj_max:
            self._frame_tj_max = tj_max
        if skipped:
            self._part_step(1.0)
        else:
            np.maximum(self.peak_tj, self.tj, out=self.peak_tj)
            np.maximum(self.peak_tile_w, self.tile_power, out=self.peak_tile_w)
            np.maximum(self.peak_cab_w, self.cab_power, out=self.peak_cab_w)
            np.maximum(self.peak_cdu_w, self.cdu_load, out=self.peak_cdu_w)
        self.step_index += 1
        self.time_s = self.scenario.duration_s if self.step_index == self.n_steps else self.step_index * self.dt
        rec = self.recorder
        if self.step_index % rec.room_every == 0 or self.step_index == self.n_steps:
            self._room_frame()
        if self.step_index % rec.part_every == 0 or self.step_index == self.n_steps:
            self._part_frame()

    def room_now(self) -> dict[str, float]:
        """The room's values in the latest step."""
        self._update_outlets()
        out = dict(zip(MEAN_SERIES, self._room_vals))
        out.update(self._room_extra)
        out.update(coolant_supply_c=float(self.cdu_supply @ self.cdu_weight),
                   coolant_return_c=float(self.cdu_return @ self.cdu_weight),
                   tj_mean_c=float(self.tj.mean()), throttled_chips=float(self.throttled),
                   clock_min=float(self.clock.min()), step_time_s=getattr(self, "step_time_s", 0.0),
                   stored_heat_j=self.stored_j - self.stored_j0)
        return out

    def _room_frame(self) -> None:
        rec, k = self.recorder, self.recorder.room_count
        span = self._room_frame_time
        rec.room_time[k] = self.time_s
        now = self.room_now()
        acc = self._room_acc
        integrals = self._integrals
        for m, key in enumerate(MEAN_SERIES):
            rec.room[key][k] = acc[m] / span
            integrals[m] += acc[m]
            acc[m] = 0.0
        for key, how in ROOM_SERIES.items():
            if how == "last":
                rec.room[key][k] = now[key]
        rec.room["tj_max_c"][k] = self._frame_tj_max
        self._frame_tj_max = -math.inf
        self._room_frame_time = 0.0
        rec.room_count += 1

    def _part_frame(self) -> None:
        rec, k = self.recorder, self.recorder.part_count
        acc, weight = self._part_acc, self._part_weight
        rec.part_time[k] = self.time_s
        self._update_outlets()
        rec.tiles["power_w"][k] = acc[1][0] / weight
        rec.tiles["heat_to_coolant_w"][k] = acc[1][1] / weight
        rec.tiles["coolant_in_c"][k] = self.tile_in_c
        rec.tiles["coolant_out_c"][k] = self.tile_out_c
        rec.cabinets["power_w"][k] = acc[2][0] / weight
        rec.cabinets["cdu_load_w"][k] = acc[2][1] / weight
        rec.cabinets["supply_c"][k] = self.cdu_supply
        rec.cabinets["return_c"][k] = self.cdu_return
        rec.chips["tj_c"][k] = self.tj
        rec.chips["power_w"][k] = acc[0] / weight
        rec.chips["level"][k] = self.level
        for a in acc:
            a[...] = 0.0
        self._part_weight = 0.0
        rec.part_count += 1

    # ================================================================= output
    def state(self) -> dict:
        """The latest values at every level (copies), for live views."""
        room = self.room_now()
        return {
            "time_s": self.time_s, "step": self.step_index, "steps": self.n_steps,
            "chip_tj_c": self.tj.copy(), "chip_power_w": self.power.copy(), "chip_level": self.level.copy(),
            "tile_power_w": self.tile_power.copy(), "tile_in_c": self.tile_in_c.copy(),
            "tile_out_c": self.tile_out_c.copy(), "cabinet_power_w": self.cab_power.copy(),
            "cdu_load_w": self.cdu_load.copy(), "cdu_supply_c": self.cdu_supply.copy(),
            "cdu_return_c": self.cdu_return.copy(), "room": room,
        }

    def frames(self, room_from: int = 0, part_from: int = 0) -> dict:
        """The frames recorded since a reader last looked (copies), for streaming to live plots.

        Pass the ``room_count`` and ``part_count`` this returned last time to get only what is new.
        """
        rec = self.recorder
        room_t, room, part_t, tiles, cabs, chips = rec.take(room_from, part_from)
        return {"room_time_s": room_t, "room": room, "part_time_s": part_t, "tiles": tiles, "cabinets": cabs,
                "chips": chips, "room_count": rec.room_count, "part_count": rec.part_count,
                "progress": self.progress, "time_s": self.time_s}

    def result(self) -> ThermalResult:
        """Everything computed so far, as a :class:`ThermalResult` (copies: the run may go on)."""
        tree = self.tree
        room_t, room, part_t, tiles, cabs, chips = self.recorder.take()
        if self._events:
            ev = [np.concatenate(parts) for parts in zip(*self._events)]
        else:
            ev = [np.zeros(0), np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0)]
        events = {"time_s": ev[0], "chip": ev[1], "level": ev[2], "tj_c": ev[3]}
        hottest = int(np.argmax(self.peak_tj)) if self.step_index else int(np.argmax(self.tj))
        peak_tj = float(self.peak_tj[hottest]) if self.step_index else float(self.tj[hottest])
        now = self.room_now()
        final = {
            "time_s": self.time_s,
            "it_power_w": now["it_power_w"], "facility_power_w": now["facility_power_w"],
            "cooling_power_w": now["cooling_power_w"],
            "pue": now["facility_power_w"] / now["it_power_w"] if now["it_power_w"] > 0 else None,
            "tj_max_c": float(self.tj.max()), "tj_mean_c": float(self.tj.mean()),
            "coolant_supply_c": now["coolant_supply_c"], "coolant_return_c": now["coolant_return_c"],
            "facility_supply_c": now["facility_supply_c"], "ambient_c": now["ambient_c"] if self.step_index else None,
            "throttled_chips": int(self.throttled), "clock_min": float(self.clock.min()),
            "free_cooling_fraction": now["free_cooling_fraction"] if self.step_index else None,
            "chiller_cop": now["chiller_cop"], "step_time_s": getattr(self, "step_time_s", None),
        }
        peaks = {"tj_max_c": peak_tj, "tj_max_chip": tree.chip_name(hottest), "tj_limit_c": float(self.tj_limit[hottest]),
                 "it_power_w": self.peak_room["it_power_w"], "facility_power_w": self.peak_room["facility_power_w"],
                 "heat_w": self.peak_room["heat_w"], "throttled_chips": self.peak_room["throttled_chips"],
                 "chip_tj_c": self.peak_tj.copy()}
        parts = []
        for k, spec in enumerate(tree.tile_specs):
            parts.append({"path": tree.tile_name(k), "level": "tile", "peak_power_w": float(self.peak_tile_w[k]),
                          "peak_heat_w": float(self.peak_tile_w[k]), "power_budget_w": spec.power_budget_w,
                          "cooling_capacity_w": spec.cooling_capacity_w})
        for k, spec in enumerate(tree.cabinet_specs):
            parts.append({"path": tree.cabinet_name(k), "level": "cabinet", "peak_power_w": float(self.peak_cab_w[k]),
                          "peak_heat_w": float(self.peak_cab_w[k]), "power_budget_w": spec.power_budget_w,
                          "cooling_capacity_w": spec.cooling_capacity_w, "peak_cdu_load_w": float(self.peak_cdu_w[k])})
        rs = self.room_spec
        parts.append({"path": "room", "level": "room", "peak_power_w": self.peak_room["facility_power_w"],
                      "peak_heat_w": self.peak_room["heat_w"], "power_budget_w": rs.power_budget_w,
                      "cooling_capacity_w": rs.cooling_capacity_w})
        t = dict(self.totals)
        t.update(self._energy_totals())
        t["stored_change_j"] = self.stored_j - self.stored_j0
        balance = t["it_energy_j"] - t["heat_to_coolant_j"] - t["heat_to_air_j"] - t["stored_change_j"]
        invariants = {"it_energy_j": t["it_energy_j"], "heat_to_coolant_j": t["heat_to_coolant_j"],
                      "heat_to_air_j": t["heat_to_air_j"], "stored_change_j": t["stored_change_j"],
                      "residual_j": balance, "max_step_residual_fraction": self.max_residual}
        return ThermalResult(
            design_name=self.design_name, scenario=self.scenario.describe(), dt_s=self.dt,
            duration_s=self.scenario.duration_s, steps_done=self.step_index, steps_total=self.n_steps,
            time_s=self.time_s, stopped=self.cancelled and not self.done,
            chip_paths=list(tree.chip_paths), tile_paths=list(tree.tile_paths), cabinet_paths=list(tree.cabinet_paths),
            room_time_s=room_t, room=room, part_time_s=part_t, tiles=tiles, cabinets=cabs, chips=chips,
            events=events, events_dropped=self.events_dropped, totals=t, final=final, peaks=peaks,
            limits={"parts": parts, "notes": list(self.notes)},
            comm=None if self.comm is None else {"source": self.comm.source, "time_s": self.comm.time_s,
                                                 "detail": self.comm.detail},
            invariants=invariants,
        )

    def _energy_totals(self) -> dict[str, float]:
        """Energies (J), water (L) and free-cooling time (s) so far, from the room series' integrals."""
        whole = {key: a + b for key, a, b in zip(MEAN_SERIES, self._integrals, self._room_acc)}
        room, seconds = self.room_spec, self.time_s
        ups_in_j = (whole["it_power_w"] + self.ups_fixed_w * seconds) * self.ups_inv_eta
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

    def run(self, progress: Callable[[float], None] | None = None,
            should_stop: Callable[[], bool] | None = None, chunk_wall_s: float = 0.1) -> ThermalResult:
        """Run to the end (or until stopped), calling ``progress(fraction)`` between chunks."""
        while not self.done and not self.cancelled:
            self.advance(should_stop=should_stop, wall_s=chunk_wall_s)
            if progress is not None:
                progress(self.progress)
        return self.result()


def run_thermal(design: Design, scenario: Scenario, **options) -> ThermalResult:
    """Run a scenario to the end and return its result."""
    return ThermalRun(design, scenario, **options).run()


def with_figures(design: Design, spec_id: str, **figures) -> Design:
    """A copy of ``design`` with some figures of one spec changed (for what-if runs and tests)."""
    twin = design.copy()
    twin.specs[spec_id] = replace(twin.specs[spec_id], **figures)
    return twin
