"""Power (``docs/design.md`` §4 Power): every chip's draw and its sums through the conversion stages.

A chip draws P = P_static + P_leak(T_j) + u·(P_tdp − P_idle)·s^n, where

- P_idle = P_static + P_leak(T_ref): a share ``leakage_fraction`` of the idle power is
  leakage at the reference junction temperature, doubling every ``leakage_doubling_k``;
- u is the utilization the workload gives (0 idle .. 1 full compute);
- s is the chip's DVFS clock level (1 nominal) and n its ``dvfs_power_exponent``
  (dynamic power ∝ C·V²·f, and V falls with f).

So at u = 1, s = 1 and T_j = T_ref a chip draws exactly its TDP, which is what the static
aggregates (:mod:`dojo_gui.model.aggregate`) assume.  Each container feeds its children
and its own other load through a conversion stage, P_in = (P_out + P_0)/η: the tile's
voltage regulators, the cabinet's power supplies, the room's UPS, and the transformer
above it all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model.aggregate import conversion_input_w
from .tree import PartTree

__all__ = ["HierarchyPower", "chip_power_w", "conversion_input_w", "hierarchy_power", "leakage_w"]


def leakage_w(idle_w, leakage_fraction, leakage_ref_c, leakage_doubling_k, tj_c):
    """Leakage power at junction temperature ``tj_c``: it doubles every ``leakage_doubling_k``."""
    return leakage_fraction * idle_w * np.exp2((np.asarray(tj_c, float) - leakage_ref_c) / leakage_doubling_k)


def chip_power_w(chip: dict[str, np.ndarray], utilization, clock, tj_c) -> np.ndarray:
    """Every chip's electrical power (W) from the figure arrays of :attr:`PartTree.chip`."""
    idle, tdp = chip["idle_w"], chip["tdp_w"]
    static = idle * (1.0 - chip["leakage_fraction"])
    leak = leakage_w(idle, chip["leakage_fraction"], chip["leakage_ref_c"], chip["leakage_doubling_k"], tj_c)
    dynamic = np.asarray(utilization, float) * (tdp - idle) * np.asarray(clock, float) ** chip["dvfs_power_exponent"]
    return static + leak + dynamic


@dataclass
class HierarchyPower:
    """Power at every level for one state (W).  ``*_in`` is drawn at that level's input."""

    chip_w: np.ndarray
    tile_chips_w: np.ndarray  # Σ chips of each tile
    tile_in_w: np.ndarray
    cabinet_tiles_w: np.ndarray  # Σ tile inputs of each cabinet
    cabinet_in_w: np.ndarray
    it_w: float  # Σ cabinet inputs: what the IT equipment draws
    ups_in_w: float
    room_in_w: float  # through the transformer (without the cooling plant)


def hierarchy_power(tree: PartTree, chip_w: np.ndarray) -> HierarchyPower:
    """Sum chip power up through every conversion stage."""
    t, c, room = tree.tile, tree.cabinet, tree.room_spec
    tile_chips = tree.per_tile(chip_w)
    tile_in = conversion_input_w(tile_chips + t["overhead_w"], t["conversion_efficiency"], t["conversion_overhead_w"])
    cab_tiles = tree.per_cabinet(tile_in)
    cab_in = conversion_input_w(cab_tiles + c["overhead_w"], c["conversion_efficiency"], c["conversion_overhead_w"])
    it = float(cab_in.sum())
    ups_in = conversion_input_w(it + room.overhead_w, room.conversion_efficiency, room.conversion_overhead_w)
    room_in = conversion_input_w(ups_in, room.transformer_efficiency, room.transformer_overhead_w)
    return HierarchyPower(chip_w, tile_chips, tile_in, cab_tiles, cab_in, it, ups_in, room_in)
