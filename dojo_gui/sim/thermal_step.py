"""Stepping a coupled run: the seven phases of a time step, settled steps skipped, chunks and cancelling.

The model is described in ``docs/design.md`` §6 The coupled run.

:meth:`ThermalRun._full_step` runs the phases in this order, for every chip at once:

1. :meth:`~ThermalRun._drive` — the workload's utilization over the step and the ambient;
2. :meth:`~ThermalRun._coolant_supply` — the facility water from the plant, each CDU at
   facility water + approach;
3. :meth:`~ThermalRun._chip_power` — every chip's power from its utilization, DVFS level and
   junction temperature (leakage);
4. :meth:`CoolantLoops.plate_inlets` — the coolant at each plate inlet, warmed by the
   chips upstream in its lane;
5. :meth:`~ThermalRun._junctions` — the exact exponential update of every junction/plate pair
   and the exact heat the coolant took over the step;
6. :meth:`~ThermalRun._sums` — sums through the conversion stages to tiles, cabinets and the
   room, loop and CDU loads (an overloaded CDU's supply solved within the step), the energy
   balance; then :meth:`~ThermalRun._room_step` — the plant, PUE and the records;
7. :meth:`~ThermalRun._throttle` — a chip at or over its Tj limit steps its clock down a DVFS
   level, and back up only once it is ``throttle_hysteresis_k`` below the limit.

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
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from ..model.design import Design
from .cooling import RCStep, cdu_supply_c, facility_supply_c
from .plan_workload import PlanTimeline, TrainingPlanWorkload
from .results import Recorder, RecordPlan, ThermalResult
from .scenario import CommTimeProvider, Scenario, TrainingStep, default_comm_time
from .thermal_loops import CoolantLoops, Facility, ITHeat
from .thermal_network import ThermalNetwork, ThermalState
from .thermal_record import MEAN_SERIES, StepRecords, thermal_result
from .thermal_workload import (
    InputWindow,
    StepInputs,
    TimeSteps,
    TrainingTimeline,
    Utilization,
)
from .tree import InvariantError, PartTree, ThermalModelError

SETTLE_TOLERANCE_K = 1e-9
SETTLE_CHECK_EVERY = 8  # steps between checks whether the state has settled
ENERGY_TOLERANCE = 1e-7  # of the step's electrical energy
RUNAWAY_C = 1000.0  # a junction this hot has long been destroyed: stop rather than print nonsense


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
                 record: RecordPlan | None = None, skip_settled: bool = True) -> None:
        self.design_name = design.name
        self.scenario = scenario
        self.skip_settled = skip_settled
        self._cancel = threading.Event()
        self.tree = tree = PartTree.from_design(design)
        self.steps = steps = TimeSteps.of(scenario)
        self.n_steps = steps.n_steps
        self.net = net = ThermalNetwork(tree, scenario.coolant_flow_fraction, steps.dt, steps.last_dt)
        self.st = st = ThermalState(net)
        self.loops = CoolantLoops(net, st)
        self.facility = Facility(net)
        self.training: TrainingTimeline | PlanTimeline | None = None
        if isinstance(scenario.workload, TrainingStep):
            provider = comm_time or partial(default_comm_time, should_stop=self._cancel.is_set)
            self.training = TrainingTimeline.start(design, scenario.workload, tree.chip_specs, st.clock, provider)
        elif isinstance(scenario.workload, TrainingPlanWorkload):
            self.training = PlanTimeline(scenario.workload, tree.chip_paths, st.clock)
        self.inputs = StepInputs(scenario, steps, tree.room_spec, tree.chip_paths, self.training)
        self.records = StepRecords(steps, record or RecordPlan(), net, st)

        self.step_index = 0
        self.time_s = 0.0
        self.skipped_steps = 0
        self.max_residual = 0.0  # the largest energy residual of a step, as a share of its energy
        self._settled = False
        self._settled_input: np.ndarray | None = None
        self._since_check = 0
        self._heat: ITHeat | None = None  # the latest full step's, which settled steps repeat
        self._initialize()
        self.stored_j0 = st.stored_j(net)
        self.stored_j = self.stored_j0

    # ----------------------------------------------------------------- what the run holds
    @property
    def recorder(self) -> Recorder:
        """The decimated series (their lengths size live plots)."""
        return self.records.recorder

    @property
    def tj(self) -> np.ndarray:
        return self.st.tj

    @property
    def tp(self) -> np.ndarray:
        return self.st.tp

    @property
    def cabinet_blocks(self) -> bool:
        return self.net.cabinet_blocks

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

    # ----------------------------------------------------------------- the initial state
    def _initialize(self) -> None:
        """Start settled at idle (or at the first step's load), or with everything at coolant temperature."""
        st, net = self.st, self.net
        mode = self.scenario.initial
        window, j = self.inputs.at(0)
        t_fws = facility_supply_c(net.room_spec.facility_supply_c, float(window.ambient[0]),
                                  net.room_spec.dry_cooler_approach_k, net.has_chiller)
        if mode == "coolant":
            st.cdu_supply[:] = t_fws + net.cdu_approach
            st.tile_in_c[:] = st.cdu_supply[self.tree.tile_cabinet]
            st.tj[:] = st.tp[:] = st.tile_in_c[self.tree.chip_tile]
            self._steady_loads(0.0, t_fws, settle=False)
            return
        u: Utilization
        if mode == "idle":
            u = 0.0
        elif self.training is not None:
            u = self.training.mean_utilization()
        else:
            u = self.inputs.utilization(window, j, self.steps.dt)
        self._steady_loads(u, t_fws, settle=True)

    def _steady_loads(self, u: Utilization, t_fws: float, settle: bool) -> None:
        """Iterate power → coolant → temperatures to the steady state (or just set loads for the given temperatures)."""
        tree, net, st = self.tree, self.net, self.st
        for _ in range(500 if settle else 1):
            power = net.static_w + st.dyn_w * u + np.exp(np.minimum(net.leak_a * st.tj + net.leak_b, 700.0))
            tile_chips = tree.per_tile(power)
            tile_in = (tile_chips + net.tile_fixed_w) * net.tile_inv_eta
            loop_w = tile_chips + (tile_in - tile_chips) * net.tile_own_share
            cdu_load = tree.per_cabinet(loop_w)
            supply = cdu_supply_c(t_fws, net.cdu_approach, cdu_load, net.cdu_capacity)
            tin = supply[tree.tile_cabinet]
            t_local = supply[net.chip_cabinet] + net.upstream_rise(power)
            if not settle:
                break
            tp = t_local + net.r_pc * power
            tj = tp + net.r_jp * power
            change = float(np.max(np.abs(tj - st.tj))) if len(tj) else 0.0
            st.tj[:], st.tp[:] = tj, tp
            if change < 1e-11:
                break
        else:
            raise ThermalModelError("the design does not reach a steady state at its starting load: leakage grows "
                                    "faster with temperature than the cooling removes it (thermal runaway)")
        if settle and len(st.tj) and not float(st.tj.max()) <= RUNAWAY_C:
            # The leakage term is capped (exp of at most 700), so a design without a real steady state can
            # settle on an absurd one: a junction past RUNAWAY_C is no state to start from.
            k = int(np.nanargmax(np.where(np.isfinite(st.tj), st.tj, np.inf)))
            raise ThermalModelError(f"{self.tree.chip_name(k)} settles above {RUNAWAY_C:.0f} °C at the starting "
                                    f"load: thermal runaway (leakage grows faster than the cooling removes it)")
        st.cdu_load[:] = cdu_load
        st.cdu_supply[:] = supply
        st.tile_in_c[:] = tin
        st.tile_loop_w[:] = loop_w
        st.tile_out_c[:] = tin + loop_w * net.tile_inv_rate
        st.power[:] = power
        st.tile_power[:] = tile_in
        st.cab_power[:] = (tree.per_cabinet(tile_in) + net.cab_fixed_w) * net.cab_inv_eta
        self.loops.update_returns()

    # ----------------------------------------------------------------- advancing
    def advance(self, seconds: float | None = None, steps: int | None = None,
                should_stop: Callable[[], bool] | None = None, wall_s: float | None = None) -> int:
        """Compute up to ``steps`` more steps (or ``seconds`` more simulated time; all that remain if neither),
        stopping early after ``wall_s`` of wall time, on :meth:`cancel` or when ``should_stop()`` is true.
        Returns the number of steps computed."""
        remaining = self.n_steps - self.step_index
        if steps is None and seconds is not None:
            steps = max(1, math.ceil(seconds / self.steps.dt - 1e-9))
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

    def run(self, progress: Callable[[float], None] | None = None,
            should_stop: Callable[[], bool] | None = None, chunk_wall_s: float = 0.1) -> ThermalResult:
        """Run to the end (or until stopped), calling ``progress(fraction)`` between chunks."""
        while not self.done and not self.cancelled:
            self.advance(should_stop=should_stop, wall_s=chunk_wall_s)
            if progress is not None:
                progress(self.progress)
        return self.result()

    def _try_skip(self, limit: int) -> int:
        """Advance over settled steps (see the module docstring); returns how many were skipped."""
        if not (self.skip_settled and self._settled):
            return 0
        i = self.step_index
        s = self.steps
        last_full = s.n_steps - 1 if s.last_dt != s.dt else s.n_steps
        end = min(limit, last_full)
        if end <= i:
            return 0
        window, j = self.inputs.at(i)
        end = min(end, window.first + len(window.ambient))
        if window.trace is not None:
            rows = window.trace[j: end - window.first]
            same = np.all(rows == self._settled_input, axis=1)
            run = int(np.argmin(same)) if not same.all() else len(same)
            end = i + run
        if end <= i:
            self._settled = False
            return 0
        ambient = window.ambient
        for jk in range(j, j + end - i):
            self._room_step(s.dt, float(ambient[jk]), skipped=True)
        self.skipped_steps += end - i
        return end - i

    # ----------------------------------------------------------------- one step, phase by phase
    def _full_step(self) -> None:
        """One step of every chip, tile, cabinet and the room, in the order of the module docstring."""
        i = self.step_index
        last = i == self.n_steps - 1
        dt = self.steps.last_dt if last else self.steps.dt
        rc = self.net.rc_last if last else self.net.rc
        window, j, u, ambient = self._drive(i, dt)  # 1
        t_fws = self._coolant_supply(ambient)  # 2
        self._chip_power(u)  # 3
        self.loops.plate_inlets()  # 4
        self._junctions(rc)  # 5
        heat = self._heat = self._sums(rc, t_fws, dt, u)  # 6: the parts...
        if window.trace is not None:
            self._settled_input = window.trace[j].copy()
        if self.st.throttled or heat.tj_max_c >= self.net.min_limit:
            self._throttle()  # 7
        self.records.add_parts(dt / self.steps.dt)
        self._room_step(dt, ambient, skipped=False)  # 6: ...and the room
        self._since_check += 1
        if self._since_check >= SETTLE_CHECK_EVERY:
            self._check_settled()

    def _drive(self, i: int, dt: float) -> tuple[InputWindow, int, Utilization, float]:
        """Phase 1: the step's window of inputs, its row there, the utilization and the ambient (°C)."""
        window, j = self.inputs.at(i)
        ambient = float(window.ambient[j])
        return window, j, self.inputs.utilization(window, j, dt), ambient

    def _coolant_supply(self, ambient: float) -> float:
        """Phase 2: the facility water supply from the plant; the CDUs supply at it + their approach."""
        t_fws = self.net.plant.supply_c(ambient)
        self.loops.supply(t_fws)
        return t_fws

    def _chip_power(self, u: Utilization) -> None:
        """Phase 3: static + dynamic at the utilization and clock + leakage at the junction temperature."""
        net, st = self.net, self.st
        power, leak = st.power, st.leak32
        # Leakage = exp(a·T_j + b), in single precision (3x faster; 1e-7 of an estimated term).
        np.multiply(st.tj, net.leak_a, out=leak, casting="same_kind")
        leak += net.leak_b32
        np.minimum(leak, 80.0, out=leak)
        np.exp(leak, out=leak)
        if u.__class__ is float and st.uniform_active is not None:  # every chip alike: one scalar
            static, dynamic = st.uniform_active
            np.add(leak, np.float64(static + dynamic * u), out=power)
        elif u.__class__ is float:
            key = (u, st.level_version)
            if st.active_key != key:
                np.multiply(st.dyn_w, u, out=st.active_w)
                st.active_w += net.static_w
                st.active_key = key
            np.add(st.active_w, leak, out=power)
        else:
            np.multiply(st.dyn_w, u, out=power)
            power += net.static_w
            power += leak
            st.active_key = None

    def _junctions(self, rc: RCStep) -> None:
        """Phase 5: the exact update of every junction/plate pair (x = [T_j; T_p], steady state ss, deviation d):
        x⁺ = ss + e^{AΔt}·d, and the coolant's heat beyond P·Δt is q1·d_j + q2·d_p."""
        net, st = self.net, self.st
        ss, d, tmp2, x = st.ss, st.d, st.tmp2, st.x
        tjs, tps = st.ss_j, st.ss_p
        np.multiply(net.r_pc, st.power, out=tps)
        tps += st.t_local
        np.multiply(net.r_jp, st.power, out=tjs)
        tjs += tps
        np.subtract(x, ss, out=d)
        m_diag, q_stack = net.stacked[id(rc)]
        np.multiply(q_stack, d, out=tmp2)
        np.add(st.tmp2_j, st.tmp2_p, out=st.pq[1])
        np.multiply(m_diag, d, out=x)
        x += ss
        np.multiply(rc.m12, st.d_p, out=st.tmp2_j)
        np.multiply(rc.m21, st.d_j, out=st.tmp2_p)
        x += tmp2

    def _sums(self, rc: RCStep, t_fws: float, dt: float, u: Utilization) -> ITHeat:
        """Phase 6 for the parts: tiles, cabinets and CDU loads, an overloaded CDU corrected; the energy balance
        of the IT equipment over the step and the runaway guard."""
        tile_chips = self.loops.loads(dt)
        if self.loops.overloaded():
            self.loops.correct_overloaded_cdus(rc, t_fws, dt, self.step_index)
        it_w, chip_w, room_air_w, coolant_w, air_w = self.loops.heat_flows(tile_chips)
        st = self.st
        stored = st.stored_j(self.net)
        residual = (it_w - coolant_w - air_w) * dt - (stored - self.stored_j)
        # Round-off of the stored heat (~1e-16 of it) is allowed on top: it matters only for a design drawing nothing.
        scale = it_w * dt + 1e-9 * abs(stored)
        if abs(residual) > ENERGY_TOLERANCE * scale:
            raise InvariantError(f"energy is not conserved at step {self.step_index}: {it_w * dt:.9g} J in, "
                                 f"{coolant_w * dt:.9g} J to coolant, {air_w * dt:.9g} J to air, "
                                 f"{stored - self.stored_j:.9g} J stored (residual {residual:.3g} J)")
        if abs(residual) > self.max_residual * scale:
            self.max_residual = abs(residual) / scale
        self.stored_j = stored
        tj_max = float(np.maximum.reduce(st.tj))
        if tj_max > RUNAWAY_C:
            k = int(np.argmax(st.tj))
            raise ThermalModelError(f"{self.tree.chip_name(k)} passed {RUNAWAY_C:.0f} °C at {self.time_s + dt:g} s: "
                                    f"thermal runaway (leakage grows faster than the cooling removes it)")
        return ITHeat(it_w, coolant_w, air_w, chip_w, room_air_w, float(np.add.reduce(st.cdu_load)),
                      u if u.__class__ is float else float(np.mean(u)), tj_max)

    def _room_step(self, dt: float, ambient: float, skipped: bool) -> None:
        """Phase 6 for the room (after the chip-level update, or for a skipped step): the plant, PUE, the records."""
        heat = self._heat
        assert heat is not None
        records = self.records
        records.add_room(dt, self.facility.step(heat, ambient, self.step_index), heat.tj_max_c, skipped)
        i = self.step_index = self.step_index + 1
        n = self.n_steps
        self.time_s = self.scenario.duration_s if i == n else i * self.steps.dt
        if i % records.room_every == 0 or i == n:
            records.end_room_frame(self.time_s, self.room_now())
        if i % records.part_every == 0 or i == n:
            self.loops.update_outlets()
            records.end_part_frame(self.time_s)

    def _throttle(self) -> None:
        """Phase 7: step clocks down at the limit and back up below limit − hysteresis (one level per step)."""
        net, st = self.net, self.st
        tj = st.tj
        down = (tj >= net.tj_limit) & (st.level < net.lowest_level)
        up = (tj <= net.tj_release) & (st.level > 0)
        if not (down.any() or up.any()):
            return
        st.level[down] += 1
        st.level[up] -= 1
        changed = np.flatnonzero(down | up)
        rows = np.arange(len(tj))
        st.clock[:] = self.tree.dvfs_table[rows, st.level]
        st.dyn_w[:] = net.dyn_max_w * st.clock ** self.tree.chip["dvfs_power_exponent"]
        st.throttled = int(np.count_nonzero(st.level))
        st.level_version += 1
        st.uniform_active = st.uniform(net)
        if self.training is not None:
            self.training.regroup(st.clock)
        self._settled = False
        last = self.step_index == self.n_steps - 1
        self.records.add_events(changed, self.time_s + (self.steps.last_dt if last else self.steps.dt))

    def _check_settled(self) -> None:
        self._since_check = 0
        if not self.skip_settled:
            return
        if self.training is not None:
            return
        if self.inputs.ambient.varies and not self.net.has_chiller:
            return  # the facility water follows the weather
        limit = SETTLE_TOLERANCE_K * (1.0 - self.net.rc.slowest_eigenvalue)
        deviation = float(np.max(np.abs(self.st.d)))
        if deviation > limit:
            return
        # A settled chip within the tolerance of a throttle threshold could still cross it.
        margin = 1e-6
        tj = self.st.tj
        near = np.abs(tj - self.net.tj_limit) < margin
        near |= np.abs(tj - self.net.tj_release) < margin
        if near.any():
            return
        self._settled = True

    # ----------------------------------------------------------------- output
    def room_now(self) -> dict[str, float]:
        """The room's values in the latest step."""
        st, net, rec = self.st, self.net, self.records
        self.loops.update_outlets()
        out = dict(zip(MEAN_SERIES, rec.room_series))
        out.update(rec.room_extra)
        out.update(coolant_supply_c=float(st.cdu_supply @ net.cdu_weight),
                   coolant_return_c=float(st.cdu_return @ net.cdu_weight),
                   tj_mean_c=float(st.tj.mean()), throttled_chips=float(st.throttled),
                   clock_min=float(st.clock.min()),
                   step_time_s=self.training.step_time_s if self.training is not None else 0.0,
                   stored_heat_j=self.stored_j - self.stored_j0)
        return out

    def state(self) -> dict[str, Any]:
        """The latest values at every level (copies), for live views."""
        room = self.room_now()
        st = self.st
        return {
            "time_s": self.time_s, "step": self.step_index, "steps": self.n_steps,
            "chip_tj_c": st.tj.copy(), "chip_power_w": st.power.copy(), "chip_level": st.level.copy(),
            "tile_power_w": st.tile_power.copy(), "tile_in_c": st.tile_in_c.copy(),
            "tile_out_c": st.tile_out_c.copy(), "cabinet_power_w": st.cab_power.copy(),
            "cdu_load_w": st.cdu_load.copy(), "cdu_supply_c": st.cdu_supply.copy(),
            "cdu_return_c": st.cdu_return.copy(), "room": room,
        }

    def frames(self, room_from: int = 0, part_from: int = 0) -> dict[str, Any]:
        """The frames recorded since a reader last looked (copies), for streaming to live plots.

        Pass the ``room_count`` and ``part_count`` this returned last time to get only what is new.
        """
        rec = self.records.recorder
        room_t, room, part_t, tiles, cabs, chips = rec.take(room_from, part_from)
        return {"room_time_s": room_t, "room": room, "part_time_s": part_t, "tiles": tiles, "cabinets": cabs,
                "chips": chips, "room_count": rec.room_count, "part_count": rec.part_count,
                "progress": self.progress, "time_s": self.time_s}

    def result(self) -> ThermalResult:
        """Everything computed so far, as a :class:`ThermalResult` (copies: the run may go on)."""
        return thermal_result(self)
