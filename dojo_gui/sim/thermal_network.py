"""The coupled run's network: a design compiled to the constants and buffers its time steps use.

:class:`ThermalNetwork` holds every figure a step reads, as arrays over chips, tiles,
lanes and cabinets (SI, temperatures in °C), built once from the :class:`PartTree`, the
coolant flow and the time step: the chips' RC pairs and their exact update, their power
model and throttle limits; the tiles' conversion stages and coolant loops; the lanes the
coolant crosses; the cabinets' power supplies and CDUs; the room's UPS, transformer and
plant.  :class:`ThermalState` holds what a step changes, preallocated so a step updates
it in place.  The physics is in ``docs/design.md`` §4 Power and §5 Cooling.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import numpy as np

from .arrays import FloatArray
from .cooling import Plant, RCStep, _clamped, plate_resistance, pump_power_w, rc_step
from .tree import PartTree

# Supply shift of a step: how one kelvin more at the plate inlets moves T_j and T_p of each chip, the
# coolant heat of each tile (J) and each CDU's conductance to its supply (W/K).
SupplyShift = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


class ThermalNetwork:
    """Every constant of a coupled run, as arrays over the parts of a :class:`PartTree`.

    The tile and cabinet figures are folded into the affine forms a step uses: a tile draws
    (chips + fixed)/η and its loop carries chips·``tile_loop_gain`` + ``tile_loop_fixed_w`` (plus
    the chips' stored-heat change), the rest of its own heat going to the room air.
    """

    def __init__(self, tree: PartTree, flow_fraction: float, dt: float, last_dt: float) -> None:
        self.tree = tree
        self.room_spec = tree.room_spec
        self.notes: list[str] = []  # assumptions the run had to make, shown with its result
        self._chips(flow_fraction, dt, last_dt)
        self._tiles(flow_fraction)
        self._lanes()
        self._cabinets(flow_fraction)
        self._room()

    # ----------------------------------------------------------------- chips
    def _chips(self, flow: float, dt: float, last_dt: float) -> None:
        """RC pairs and their exact update over a step (and over a shorter last step), power, throttling."""
        tree, ch = self.tree, self.tree.chip
        r_pc = plate_resistance(ch["r_plate_coolant_k_per_w"], flow, tree.tile["flow_exponent"][tree.chip_tile])
        self.c_j, self.c_p, self.r_jp, self.r_pc = _clamped(ch["heat_capacity_j_per_k"],
                                                            ch["plate_heat_capacity_j_per_k"],
                                                            ch["r_junction_plate_k_per_w"], r_pc)
        self.c_stack = np.concatenate([self.c_j, self.c_p])
        self.rc = rc_step(self.c_j, self.c_p, self.r_jp, self.r_pc, dt)
        self.rc_last = self.rc if abs(last_dt - dt) < 1e-12 * dt else \
            rc_step(self.c_j, self.c_p, self.r_jp, self.r_pc, last_dt)
        # The diagonal of e^{AΔt} and the coolant-heat row stacked like the state [T_j; T_p], so one
        # multiply updates both nodes.
        self.stacked = {id(rc): (np.concatenate([rc.m11, rc.m22]), np.concatenate([rc.q1, rc.q2]))
                        for rc in (self.rc, self.rc_last)}
        self.shift = {id(rc): self._supply_shift(rc) for rc in (self.rc, self.rc_last)}
        idle, tdp = ch["idle_w"], ch["tdp_w"]
        self.static_w = idle * (1.0 - ch["leakage_fraction"])
        # Leakage = exp(leak_a·T_j + leak_b): leakage_fraction·idle at the reference temperature, doubling every
        # leakage_doubling_k.
        leak0 = ch["leakage_fraction"] * idle
        self.leak_a = (math.log(2.0) / ch["leakage_doubling_k"]).astype(np.float64)
        with np.errstate(divide="ignore"):
            log_leak0 = np.where(leak0 > 0, np.log(np.where(leak0 > 0, leak0, 1.0)), -np.inf)
            self.leak_b = log_leak0 - self.leak_a * ch["leakage_ref_c"]
        self.leak_b32 = self.leak_b.astype(np.float32)
        self.dyn_max_w = tdp - idle
        self.tj_limit = ch["tj_max_c"]
        self.tj_release = ch["tj_max_c"] - ch["throttle_hysteresis_k"]
        self.min_limit = float(self.tj_limit.min())
        self.lowest_level = tree.dvfs_count - 1

    def _supply_shift(self, rc: RCStep) -> SupplyShift:
        tj = 1.0 - rc.m11 - rc.m12
        tp = 1.0 - rc.m21 - rc.m22
        tile_j = -self.tree.per_tile(rc.q1 + rc.q2)
        cdu = -self.tree.per_cabinet(tile_j) / rc.dt
        return tj, tp, tile_j, cdu

    # ----------------------------------------------------------------- tiles
    def _tiles(self, flow: float) -> None:
        """Voltage regulators, the tile loops (ṁ·c_p) and where a tile's own heat goes."""
        t = self.tree.tile
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
        self.chip_sums = _summer(self.tree.chip_tile, self.tree.n_tiles, rows=2)

    # ----------------------------------------------------------------- lanes
    def _lanes(self) -> None:
        """The coolant's path across each tile: each chip's plate inlet is warmed by the chips upstream."""
        tree = self.tree
        self.chip_cabinet = tree.tile_cabinet[tree.chip_tile]
        nc = tree.n_cabinets
        counts = np.bincount(self.chip_cabinet, minlength=nc)
        # Chips contiguous and equal in number per cabinet: the inlet is one broadcast add per cabinet.
        self.cabinet_blocks = bool(nc and np.all(counts == counts[0]) and np.all(np.diff(self.chip_cabinet) >= 0))
        self.upstream = tree.lane_width > 1
        if self.upstream:
            w = tree.lane_width
            lane_rate = self.tile_rate[tree.lane_tile] / tree.tile_lanes[tree.lane_tile]
            self.chip_inv_lane_rate = 1.0 / lane_rate[tree.lane_cell // w]  # K per W of upstream heat
            self.lane_cabinet = tree.tile_cabinet[tree.lane_tile]

    def upstream_rise(self, power: FloatArray) -> FloatArray:
        """Coolant temperature rise from the tile inlet to each chip's plate (K), without the inlet itself."""
        tree = self.tree
        if not self.upstream:
            return np.zeros(len(power))
        grid = np.zeros((len(tree.lane_tile), tree.lane_width))
        grid.flat[tree.lane_cell] = power * self.chip_inv_lane_rate
        return (np.cumsum(grid, axis=1) - grid).reshape(-1)[tree.lane_cell]

    # ----------------------------------------------------------------- cabinets
    def _cabinets(self, flow: float) -> None:
        """Power supplies and CDUs: capacity (the full-load heat where the spec gives none), approach, flow."""
        tree, c = self.tree, self.tree.cabinet
        nc = tree.n_cabinets
        self.cab_inv_eta = 1.0 / c["conversion_efficiency"]
        self.cab_fixed_w = c["overhead_w"] + c["conversion_overhead_w"]
        cap = c["cooling_capacity_w"].copy()
        self.full_load_heat_w = self._full_load_cabinet_heat()
        for k in np.flatnonzero(cap <= 0):
            cap[k] = max(self.full_load_heat_w[k], 1.0)
            self.notes.append(f"{tree.cabinet_name(int(k))}: no CDU capacity in its spec; taken as its full-load heat "
                              f"({cap[k]:.0f} W)")
        self.cdu_capacity = cap
        self.cdu_approach = c["cdu_approach_k"]
        self.cdu_rate = np.bincount(tree.tile_cabinet, weights=self.tile_rate, minlength=nc)
        self.cdu_pumps_w = float(pump_power_w(c["cdu_pump_fraction"] * cap, flow).sum())
        self.tile_sums = _summer(tree.tile_cabinet, nc, rows=2)
        with np.errstate(divide="ignore"):
            self.cdu_inv_rate = np.where(self.cdu_rate > 0, 1.0 / np.where(self.cdu_rate > 0, self.cdu_rate, 1.0), 0.0)
        # The room's coolant supply and return are the CDUs' mixed by flow.
        self.cdu_weight = (self.cdu_rate / self.cdu_rate.sum() if self.cdu_rate.sum() > 0
                           else np.full(nc, 1.0 / max(nc, 1)))

    def _full_load_cabinet_heat(self) -> FloatArray:
        tree = self.tree
        tile_in = (tree.per_tile(tree.chip["tdp_w"]) + self.tile_fixed_w) * self.tile_inv_eta
        return (tree.per_cabinet(tile_in) + self.cab_fixed_w) * self.cab_inv_eta

    # ----------------------------------------------------------------- room
    def _room(self) -> None:
        """The UPS and transformer above the IT equipment, and the facility plant."""
        room = self.room_spec
        self.has_chiller = room.chiller_carnot_fraction > 0
        self.room_capacity = (room.cooling_capacity_w if room.cooling_capacity_w > 0
                              else float(self.full_load_heat_w.sum()))
        self.plant = Plant.of_room(room, self.room_capacity)
        self.ups_inv_eta = 1.0 / room.conversion_efficiency
        self.ups_fixed_w = room.overhead_w + room.conversion_overhead_w
        self.transformer_inv_eta = 1.0 / room.transformer_efficiency


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


class ThermalState:
    """What a step changes, in buffers updated in place (several are views of one array, so one numpy call
    updates them together): temperatures, powers, coolant temperatures, DVFS levels."""

    def __init__(self, net: ThermalNetwork) -> None:
        tree = net.tree
        n, nt, nc = tree.n_chips, tree.n_tiles, tree.n_cabinets
        # Junction and plate temperatures side by side, so one numpy call updates both.
        self.x = np.zeros(2 * n)
        self.tj, self.tp = self.x[:n], self.x[n:]
        self.pq = np.zeros((2, n))  # chip power (W) and the coolant's heat beyond P·Δt over the step (J)
        self.power = self.pq[0]
        self.leak32 = np.zeros(n, np.float32)
        self.ss, self.d, self.tmp2 = np.zeros(2 * n), np.zeros(2 * n), np.zeros(2 * n)  # steady state, deviation
        self.t_local = np.zeros(n)  # the coolant at each chip's plate inlet
        self.tile_in_c = np.zeros(nt)
        self.tile_out_c = np.zeros(nt)
        self.tl = np.zeros((2, nt))  # each tile's input power and the heat its loop carries (W)
        self.tile_power, self.tile_loop_w = self.tl[0], self.tl[1]
        self.cb = np.zeros((2, nc))  # each cabinet's input power and its CDU's load (W)
        self.cab_power, self.cdu_load = self.cb[0], self.cb[1]
        self.cdu_supply = np.zeros(nc)
        self.cdu_return = np.zeros(nc)
        if net.upstream:
            w = tree.lane_width
            self.lane_grid = np.zeros((len(tree.lane_tile), w))  # each chip's coolant rise, in lanes
            self.lane_inlet = np.zeros((len(tree.lane_tile), w))  # the coolant temperature at each plate inlet
        # DVFS: every chip at its nominal level to start with.
        self.level = np.zeros(n, dtype=np.intp)
        self.clock = np.ones(n)
        self.dyn_w = net.dyn_max_w.copy()  # (P_tdp − P_idle)·s^n at the current levels
        self.level_version = 0  # bumped whenever a level changes, so cached powers know to refresh
        self.throttled = 0  # chips below their nominal level
        self.active_w = np.zeros(n)  # static + dynamic at the current utilization and levels
        self.active_key: object = None
        self.uniform_active = self.uniform(net)
        self._make_views(net)

    def uniform(self, net: ThermalNetwork) -> tuple[float, float] | None:
        """(static, dynamic) power shared by every chip, or None when they differ (mixed specs or levels)."""
        if len(self.dyn_w) and np.ptp(self.dyn_w) == 0 and np.ptp(net.static_w) == 0:
            return float(net.static_w[0]), float(self.dyn_w[0])
        return None

    def _make_views(self, net: ThermalNetwork) -> None:
        """Views into the buffers the step uses, made once (a slice or reshape costs a little every time)."""
        tree = net.tree
        n, nc = tree.n_chips, tree.n_cabinets
        self.ss_j, self.ss_p, self.d_j, self.d_p = self.ss[:n], self.ss[n:], self.d[:n], self.d[n:]
        self.tmp2_j, self.tmp2_p = self.tmp2[:n], self.tmp2[n:]
        self.supply_column = self.cdu_supply[:, None]
        if net.cabinet_blocks:
            self.t_local_blocks = self.t_local.reshape(nc, -1)
        if net.upstream:
            w = tree.lane_width
            self.grid_flat = self.lane_grid.reshape(-1)
            self.inlet_flat = self.lane_inlet.reshape(-1)
            self.inlet_first = self.lane_inlet[:, 0]
            self.inlet_columns = [self.lane_inlet[:, c] for c in range(w)]
            self.grid_columns = [self.lane_grid[:, c] for c in range(w)]
            if tree.lanes_are_chips:
                self.t_local = self.lane_inlet.reshape(-1)  # the lanes are the chips in order: no copy needed

    def stored_j(self, net: ThermalNetwork) -> float:
        """Heat stored in every junction and plate, relative to 0 °C (J)."""
        return float(net.c_stack @ self.x)
