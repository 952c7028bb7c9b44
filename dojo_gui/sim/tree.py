"""A design compiled to flat numpy arrays for the power and thermal engines.

Chips, tiles and cabinets each get an index (in tree order, so the chips of a tile and
the tiles of a cabinet are contiguous) and every figure the engines need becomes an
array over that level.  Parts whose spec is unknown or of the wrong level are left out,
as the design rules report them; a tile with no chips still draws its own load, a
cabinet with no tiles its own.

The coolant path of a tile (``TileSpec.coolant_path``) becomes *lanes*: with
``"rows"`` each row of chip slots is one lane the coolant crosses west to east; with
``"parallel"`` every chip is a lane of its own.  Lanes are laid out in a padded
(n_lanes, width) grid so the heat upstream of every chip is one small matrix product.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from ..model.design import Design, Part, PartPath, format_path
from ..model.specs import CabinetSpec, ChipSpec, RoomSpec, Spec, TileSpec
from .arrays import FloatArray, IndexArray
from .cooling import COOLANTS

S = TypeVar("S", ChipSpec, TileSpec, CabinetSpec, RoomSpec)


class ThermalModelError(ValueError):
    """A design the engines cannot run, with what is missing."""


class InvariantError(RuntimeError):
    """A physical invariant failed: a bug, or figures outside what the model can represent."""


def _valid(design: Design, part: Part, cls: type[S]) -> S | None:
    """The part's spec if it is a ``cls`` of the part's own level, else None."""
    spec = design.specs.get(part.spec_id)
    return spec if isinstance(spec, cls) and spec.level == part.level else None


@dataclass
class PartTree:
    """Every figure of every valid part, as arrays over its level (SI, temperatures in °C)."""

    room_spec: RoomSpec
    chip_paths: list[PartPath] = field(default_factory=list)
    chip_specs: list[ChipSpec] = field(default_factory=list)
    tile_paths: list[PartPath] = field(default_factory=list)
    tile_specs: list[TileSpec] = field(default_factory=list)
    cabinet_paths: list[PartPath] = field(default_factory=list)
    cabinet_specs: list[CabinetSpec] = field(default_factory=list)

    # Set by :meth:`compile`.
    chip_tile: IndexArray = field(default_factory=lambda: np.zeros(0, int))
    tile_cabinet: IndexArray = field(default_factory=lambda: np.zeros(0, int))
    chip_slot: IndexArray = field(default_factory=lambda: np.zeros((0, 2), int))
    chip: dict[str, FloatArray] = field(default_factory=dict)
    tile: dict[str, np.ndarray] = field(default_factory=dict)  # floats, and the bool "liquid"
    cabinet: dict[str, FloatArray] = field(default_factory=dict)
    dvfs_table: FloatArray = field(default_factory=lambda: np.ones((0, 1)))
    dvfs_count: IndexArray = field(default_factory=lambda: np.zeros(0, int))
    # Lanes: chip k sits at lane_cell[k] of the flattened (n_lanes, lane_width) grid.
    lane_tile: IndexArray = field(default_factory=lambda: np.zeros(0, int))
    lane_width: int = 1
    lane_cell: IndexArray = field(default_factory=lambda: np.zeros(0, int))
    lanes_are_chips: bool = True  # the padded grid is exactly the chip order: no scatter or gather needed
    tile_lanes: IndexArray = field(default_factory=lambda: np.zeros(0, int))  # lanes per tile (flow splits among them)

    @property
    def n_chips(self) -> int:
        return len(self.chip_specs)

    @property
    def n_tiles(self) -> int:
        return len(self.tile_specs)

    @property
    def n_cabinets(self) -> int:
        return len(self.cabinet_specs)

    def chip_name(self, k: int) -> str:
        return format_path(self.chip_paths[k])

    def tile_name(self, k: int) -> str:
        return format_path(self.tile_paths[k])

    def cabinet_name(self, k: int) -> str:
        return format_path(self.cabinet_paths[k])

    # ----------------------------------------------------------------- building
    @classmethod
    def from_design(cls, design: Design) -> PartTree:
        room_spec = _valid(design, design.room, RoomSpec)
        if room_spec is None:
            raise ThermalModelError(f"the room's spec {design.room.spec_id!r} is unknown or not a room spec")
        tree = cls(room_spec=room_spec)
        chip_tile: list[int] = []
        tile_cab: list[int] = []
        slots: list[tuple[int, int]] = []
        for cslot in sorted(design.room.children):
            cab = design.room.children[cslot]
            cab_spec = _valid(design, cab, CabinetSpec)
            if cab_spec is None:
                continue
            c_index = len(tree.cabinet_specs)
            tree.cabinet_paths.append((cslot,))
            tree.cabinet_specs.append(cab_spec)
            for tslot in sorted(cab.children):
                tile = cab.children[tslot]
                tile_spec = _valid(design, tile, TileSpec)
                if tile_spec is None:
                    continue
                t_index = len(tree.tile_specs)
                tree.tile_paths.append((cslot, tslot))
                tree.tile_specs.append(tile_spec)
                tile_cab.append(c_index)
                for kslot in sorted(tile.children):
                    chip_spec = _valid(design, tile.children[kslot], ChipSpec)
                    if chip_spec is None or not (0 <= kslot[0] < tile_spec.rows and 0 <= kslot[1] < tile_spec.cols):
                        continue
                    tree.chip_paths.append((cslot, tslot, kslot))
                    tree.chip_specs.append(chip_spec)
                    chip_tile.append(t_index)
                    slots.append(kslot)
        if not tree.chip_specs:
            raise ThermalModelError("the design has no chips to simulate")
        tree.chip_tile = np.asarray(chip_tile, dtype=np.intp)
        tree.tile_cabinet = np.asarray(tile_cab, dtype=np.intp)
        tree.chip_slot = np.asarray(slots, dtype=np.intp).reshape(-1, 2)
        tree._figures()
        tree._lanes()
        return tree

    def _figures(self) -> None:
        def arr(specs: Sequence[Spec], name: str) -> FloatArray:
            return np.array([getattr(s, name) for s in specs], dtype=float)

        chips = self.chip_specs
        self.chip = {name: arr(chips, name) for name in (
            "tdp_w", "idle_w", "leakage_fraction", "leakage_ref_c", "leakage_doubling_k", "dvfs_power_exponent",
            "tj_max_c", "throttle_hysteresis_k", "r_junction_plate_k_per_w", "r_plate_coolant_k_per_w",
            "heat_capacity_j_per_k", "plate_heat_capacity_j_per_k")}
        widest = max(len(s.dvfs_levels) or 1 for s in chips)
        table = np.ones((len(chips), widest))
        count = np.ones(len(chips), dtype=np.intp)
        for k, s in enumerate(chips):
            levels = s.dvfs_levels or (1.0,)
            table[k, : len(levels)] = levels
            table[k, len(levels):] = levels[-1]
            count[k] = len(levels)
        self.dvfs_table, self.dvfs_count = table, count

        tiles = self.tile_specs
        self.tile = {name: arr(tiles, name) for name in (
            "overhead_w", "conversion_efficiency", "conversion_overhead_w", "power_budget_w", "cooling_capacity_w",
            "coolant_flow_lpm", "flow_exponent", "overhead_to_coolant_fraction", "rows")}
        self.tile["liquid"] = np.array([COOLANTS[s.coolant].liquid for s in tiles], dtype=bool)
        self.tile["capacity_rate_w_per_k"] = np.array(
            [COOLANTS[s.coolant].capacity_rate_w_per_k(s.coolant_flow_lpm) for s in tiles], dtype=float)
        for k, tile in enumerate(tiles):
            if tile.coolant_flow_lpm <= 0 and any(self.chip_tile == k):
                raise ThermalModelError(f"{self.tile_name(k)}: tile spec {tile.id!r} has no coolant flow "
                                        f"(coolant_flow_lpm is 0), so its chips cannot be cooled")
        cabs = self.cabinet_specs
        self.cabinet = {name: arr(cabs, name) for name in (
            "overhead_w", "conversion_efficiency", "conversion_overhead_w", "power_budget_w", "cooling_capacity_w",
            "cdu_approach_k", "cdu_pump_fraction")}

    def _lanes(self) -> None:
        """Lanes of chips in coolant order, in a padded grid, and where each chip sits in it."""
        lane_of_key: dict[tuple[int, int], int] = {}
        lane_tile: list[int] = []
        width = 1
        for spec in self.tile_specs:
            if spec.coolant_path == "rows":
                width = max(width, spec.cols)
        cells = np.empty(self.n_chips, dtype=np.intp)
        tile_lanes = np.zeros(self.n_tiles, dtype=np.intp)
        for t, spec in enumerate(self.tile_specs):
            tile_lanes[t] = spec.rows if spec.coolant_path == "rows" else spec.slots
        for k in range(self.n_chips):
            t = int(self.chip_tile[k])
            r, c = (int(v) for v in self.chip_slot[k])
            spec = self.tile_specs[t]
            if spec.coolant_path == "rows":
                key, pos = (t, r), c
            else:
                key, pos = (t, -1 - k), 0
            lane = lane_of_key.get(key)
            if lane is None:
                lane = lane_of_key[key] = len(lane_tile)
                lane_tile.append(t)
            cells[k] = lane * width + pos
        self.lane_tile = np.asarray(lane_tile, dtype=np.intp)
        self.lane_width = width
        self.lane_cell = cells
        self.tile_lanes = tile_lanes
        self.lanes_are_chips = bool(np.array_equal(cells, np.arange(self.n_chips)))

    # ----------------------------------------------------------------- sums
    # numpy's stub types bincount as intp whatever its weights; with float weights the sums are float64.
    def per_tile(self, chip_values: FloatArray) -> FloatArray:
        return np.bincount(self.chip_tile, weights=chip_values, minlength=self.n_tiles)  # type: ignore[return-value]

    def per_cabinet(self, tile_values: FloatArray) -> FloatArray:
        return np.bincount(self.tile_cabinet, weights=tile_values,  # type: ignore[return-value]
                           minlength=self.n_cabinets)
