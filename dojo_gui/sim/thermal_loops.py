"""The coolant loops and the plant: the coolant side of a coupled step, over every part at once.

:class:`CoolantLoops` moves heat from the chips to facility water.  Each cabinet's CDU
supplies its tiles at facility water + approach (phase 2 of a step); the coolant warms
along each lane of a tile, so a chip's plate inlet is the tile supply plus the heat of
the chips upstream, Q = ṁ·c_p·ΔT (phase 4); each tile loop carries its chips' heat and a
share of the tile's own conversion losses to the CDU (phase 6).  A CDU over its capacity
cannot hold its supply: everything in the step is affine in the supply temperature, so
the supply at which the exchanger moves the step's own heat
(:func:`cooling.cdu_overload_rise_k`) is solved exactly and the step corrected to it.

:class:`Facility` is the room above the IT equipment (the rest of phase 6): the UPS and
the transformer, the facility plant (chiller, dry coolers, pumps, fans), facility power
and PUE, which is checked to be at least 1.  The models are in ``docs/design.md`` §5 Cooling.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .arrays import FloatArray
from .cooling import RCStep, cdu_overload_rise_k
from .thermal_network import ThermalNetwork, ThermalState
from .tree import InvariantError


class ITHeat(NamedTuple):
    """Where the IT equipment's power went in one step (W), and what the room needs of it."""

    it_w: float  # drawn by the cabinets
    coolant_w: float  # into the liquid loops
    air_w: float  # into air: air-cooled tiles and the room air
    chip_w: float  # drawn by the chips
    room_air_w: float  # into the room air directly (tile and cabinet losses the loops do not take)
    cdu_w: float  # Σ CDU loads
    utilization: float  # mean over the chips
    tj_max_c: float  # hottest junction at the step's end


# What the room did in one step: its mean series (in the order of thermal_record.MEAN_SERIES), the heat the
# plant removes (W), the facility water supply (°C), the chiller's COP (0 when off) and the UPS input (W).
# A plain tuple: one is made for every step, settled ones too.
RoomStep = tuple[tuple[float, ...], float, float, float, float]


class CoolantLoops:
    """Tile loops, lanes and CDUs, on the buffers of a :class:`ThermalState`."""

    def __init__(self, net: ThermalNetwork, state: ThermalState) -> None:
        self.net = net
        self.st = state

    def supply(self, facility_supply_c: float) -> None:
        """Phase 2: every CDU supplies at facility water + approach (corrected later for any over capacity)."""
        st = self.st
        np.add(self.net.cdu_approach, facility_supply_c, out=st.cdu_supply)
        st.cdu_supply.take(self.net.tree.tile_cabinet, out=st.tile_in_c)

    def plate_inlets(self) -> None:
        """Phase 4: the coolant at each plate inlet (``t_local``), the CDU supply plus the heat of the chips
        upstream in its lane at the step's power."""
        net, st = self.net, self.st
        tree = net.tree
        if net.upstream:
            # Along each lane (a Python loop over the few positions, numpy over every lane):
            # inlet[c] = inlet[c − 1] + P[c − 1]/(ṁ·c_p of the lane).
            if tree.lanes_are_chips:
                np.multiply(st.power, net.chip_inv_lane_rate, out=st.grid_flat)
            else:
                st.lane_grid.flat[tree.lane_cell] = st.power * net.chip_inv_lane_rate
            st.cdu_supply.take(net.lane_cabinet, out=st.inlet_first)
            inlets, grid = st.inlet_columns, st.grid_columns
            for c in range(1, tree.lane_width):
                np.add(inlets[c - 1], grid[c - 1], out=inlets[c])
            if not tree.lanes_are_chips:
                st.inlet_flat.take(tree.lane_cell, out=st.t_local)
        elif net.cabinet_blocks:
            st.t_local_blocks[:] = st.supply_column
        else:
            st.cdu_supply.take(net.chip_cabinet, out=st.t_local)

    def loads(self, dt: float) -> FloatArray:
        """Phase 6, tiles and cabinets: power through the regulators and supplies, the heat each tile loop
        carries and each CDU's load; returns the chips' power per tile.

        loop = chips' coolant heat + share·(own heat) = extra/Δt + chips·(1 + share·(1/η − 1)) + share·fixed/η.
        """
        net, st = self.net, self.st
        sums = net.chip_sums(st.pq)
        tile_chips: FloatArray = sums[0]
        extra = sums[1]
        tl = st.tl
        tile_in, loop = tl[0], tl[1]
        np.add(tile_chips, net.tile_fixed_w, out=tile_in)
        tile_in *= net.tile_inv_eta
        np.multiply(tile_chips, net.tile_loop_gain, out=loop)
        loop += net.tile_loop_fixed_w
        extra *= 1.0 / dt
        loop += extra
        cab_sums = net.tile_sums(tl)
        cb = st.cb
        np.add(cab_sums[0], net.cab_fixed_w, out=cb[0])
        cb[0] *= net.cab_inv_eta
        cb[1] = cab_sums[1]
        return tile_chips

    def overloaded(self) -> bool:
        return bool(np.logical_or.reduce(np.greater(self.st.cdu_load, self.net.cdu_capacity)))

    def correct_overloaded_cdus(self, rc: RCStep, facility_supply_c: float, dt: float, step_index: int) -> None:
        """Move the step to the supply temperature at which each overloaded CDU moves the step's heat."""
        net, st = self.net, self.st
        shift_j, shift_p, tile_j, conductance = net.shift[id(rc)]
        load = st.cdu_load
        over = load > net.cdu_capacity
        rise = cdu_overload_rise_k(net.cdu_approach, load, net.cdu_capacity, conductance)
        delta = np.where(over, rise - net.cdu_approach, 0.0)
        chip_delta = delta[net.chip_cabinet]
        st.tj += shift_j * chip_delta
        st.tp += shift_p * chip_delta
        tile_delta = delta[net.tree.tile_cabinet]
        st.tile_loop_w += tile_j * tile_delta / dt
        st.tile_in_c += tile_delta
        st.cdu_supply += delta
        load[:] = net.tile_sums(st.tl)[1]
        if np.min(st.cdu_supply - net.cdu_approach) < facility_supply_c - 1e-9:
            raise InvariantError(f"a CDU supplies below facility water + approach at step {step_index}")

    def heat_flows(self, tile_chips: np.ndarray) -> tuple[float, float, float, float, float]:
        """(IT power, chips' power, heat to the room air, to coolant, to air) of the step (W)."""
        net, st = self.net, self.st
        add = np.add.reduce
        it_w = float(add(st.cab_power))
        chip_w = float(add(tile_chips))
        # Heat to air: air-cooled tiles' streams (to their cabinet's air handler), and into the room air the
        # share of liquid-cooled tiles' own heat their coolant does not take and the cabinets' supply losses.
        room_air_w = net.tile_room_air_fixed_w + it_w - float(add(st.tile_power))
        if net.any_room_air_gain:
            room_air_w += float(tile_chips @ net.tile_room_air_gain)
        loop = st.tile_loop_w
        if net.any_air_tiles:
            coolant_w = float(loop @ net.tile_liquid)
            air_w = float(loop @ net.tile_air) + room_air_w
        else:
            coolant_w = float(add(loop))
            air_w = room_air_w
        return it_w, chip_w, room_air_w, coolant_w, air_w

    def update_outlets(self) -> None:
        """Tile outlet and CDU return temperatures (Q = ṁ·c_p·ΔT), for records and views."""
        net, st = self.net, self.st
        np.multiply(st.tile_loop_w, net.tile_inv_rate, out=st.tile_out_c)
        st.tile_out_c += st.tile_in_c
        self.update_returns()

    def update_returns(self) -> None:
        st = self.st
        np.multiply(st.cdu_load, self.net.cdu_inv_rate, out=st.cdu_return)
        st.cdu_return += st.cdu_supply


class Facility:
    """The room's conversion stages and plant for one step, from where the IT equipment's power went."""

    def __init__(self, net: ThermalNetwork) -> None:
        self.plant = net.plant
        self.cdu_pumps_w = net.cdu_pumps_w
        self.ups_fixed_w, self.ups_inv_eta = net.ups_fixed_w, net.ups_inv_eta
        self.transformer_overhead_w = net.room_spec.transformer_overhead_w
        self.transformer_inv_eta = net.transformer_inv_eta

    def step(self, heat: ITHeat, ambient_c: float, step_index: int) -> RoomStep:
        """The room in one step; an :class:`InvariantError` if PUE falls below 1."""
        it_w, coolant_w, air_w, chip_w, room_air_w, cdu_w, util, _ = heat
        ups_in = (it_w + self.ups_fixed_w) * self.ups_inv_eta
        air_heat = room_air_w + ups_in - it_w  # the UPS's loss and the room's own load also end in the room air
        t_fws, free, cop, chiller, dry_fans, pumps, air_fans, water = self.plant.step(cdu_w + air_heat, air_heat,
                                                                                    ambient_c)
        cooling_w = self.cdu_pumps_w + chiller + dry_fans + pumps + air_fans
        facility_w = (ups_in + cooling_w + self.transformer_overhead_w) * self.transformer_inv_eta
        if facility_w < it_w * (1 - 1e-12):
            raise InvariantError(f"PUE below 1 at step {step_index}: facility {facility_w:.6g} W, IT {it_w:.6g} W")
        series = (it_w, facility_w, cooling_w, chip_w, coolant_w, air_w, chiller, self.cdu_pumps_w + pumps,
                  dry_fans + air_fans, free, water, util, ambient_c)
        return series, cdu_w + air_heat, t_fws, cop, ups_in
