"""Where a training plan's ranks sit on the machine: tensor groups, pipeline stages, data-parallel groups.

The machine is read from the design's fabric: its chips in tree order (cabinet, tile, chip),
each with its tile and cabinet.  A plan's chips are chosen in three steps:

1. **tensor-parallel groups** of ``tp`` neighbouring chips inside one tile (a node of an NVLink
   domain, a Dojo training tile): a rectangle of the tile's grid when one tiles it (2x4 before
   1x8: a rectangle with an even side has a ring of one-hop steps), otherwise consecutive chips
   along a serpentine through the tile, with what is left over idle.  A group never spans
   tiles: ``tp`` larger than a tile is refused;
2. the groups, tile after tile, are numbered; **pipeline stages and data-parallel ranks** take
   them in one of two orders (the ``placement``):

   - ``pipeline-contiguous``: a pipeline's stages are consecutive groups (stage-to-stage sends
     go to the next tile or node), its data-parallel replicas spread over the machine;
   - ``data-contiguous``: one stage's data-parallel ranks are consecutive groups (gradient
     all-reduces stay near), the stages spread across tiles and cabinets — Megatron-LM's order;
3. groups left over sit idle.

The result is ``ranks[stage, dp, tp]`` = the fabric's chip index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ...fabric.fabric import Fabric
from ...model.design import Design, format_path
from ...model.specs import ChipSpec, TileSpec
from .errors import PlanError

PLACEMENTS: tuple[str, ...] = ("pipeline-contiguous", "data-contiguous")


@dataclass
class Machine:
    """The chips of a design as the training model sees them: tiles, cabinets and region capacities."""

    design: Design
    fabric: Fabric
    chip_spec: ChipSpec
    tile_specs: list[TileSpec]
    chip_tile: np.ndarray  # tile index of every chip
    chip_cabinet: np.ndarray  # cabinet index of every chip
    chip_slot: np.ndarray  # (row, col) of every chip in its tile
    tile_chips: list[np.ndarray]  # chip indices of every tile, in slot order
    tile_cabinet: np.ndarray
    _tp_cache: dict[int, np.ndarray] = field(default_factory=dict, repr=False)

    @classmethod
    def from_design(cls, design: Design, fabric: Fabric | None = None) -> Machine:
        fabric = fabric or Fabric.from_design(design)
        paths = fabric.chip_paths or []
        if fabric.n_chips == 0 or not paths:
            raise PlanError("the design has no chips to train on")
        chip_ids = {design.part(p).spec_id for p in paths}
        if len(chip_ids) > 1:
            raise PlanError(f"the training model needs one kind of chip, and this design mixes "
                            f"{', '.join(sorted(chip_ids))}")
        chip_spec = design.specs[chip_ids.pop()]
        assert isinstance(chip_spec, ChipSpec)
        tiles: dict[tuple[tuple[int, int], tuple[int, int]], int] = {}
        cabinets: dict[tuple[int, int], int] = {}
        chip_tile, chip_cab, slots, tile_cab, tile_specs = [], [], [], [], []
        for cslot, tslot, kslot in paths:
            if (cslot, tslot) not in tiles:
                tiles[(cslot, tslot)] = len(tiles)
                cabinets.setdefault(cslot, len(cabinets))
                tile_cab.append(cabinets[cslot])
                spec = design.specs[design.part((cslot, tslot)).spec_id]
                assert isinstance(spec, TileSpec)
                tile_specs.append(spec)
            chip_tile.append(tiles[(cslot, tslot)])
            chip_cab.append(cabinets[cslot])
            slots.append(kslot)
        chip_tile_a = np.asarray(chip_tile, np.int64)
        order = np.argsort(chip_tile_a, kind="stable")
        bounds = np.searchsorted(chip_tile_a[order], np.arange(len(tiles) + 1))
        tile_chips = [order[bounds[k]:bounds[k + 1]] for k in range(len(tiles))]
        return cls(design, fabric, chip_spec, tile_specs, chip_tile_a, np.asarray(chip_cab, np.int64),
                   np.asarray(slots, np.int64).reshape(-1, 2), tile_chips, np.asarray(tile_cab, np.int64))

    # ------------------------------------------------------------------ sizes
    @property
    def n_chips(self) -> int:
        return self.fabric.n_chips

    @property
    def n_tiles(self) -> int:
        return len(self.tile_chips)

    @property
    def n_cabinets(self) -> int:
        return int(self.tile_cabinet.max()) + 1 if len(self.tile_cabinet) else 0

    @property
    def largest_tile(self) -> int:
        return max(len(c) for c in self.tile_chips)

    # ------------------------------------------------------------------ tensor groups
    def tp_groups(self, tp: int) -> np.ndarray:
        """Every tensor-parallel group of ``tp`` chips the tiles hold, tile after tile: (groups, tp)."""
        if tp < 1:
            raise PlanError(f"TP must be at least 1, not {tp}", "tp")
        if tp > self.largest_tile:
            raise PlanError(f"TP {tp} is larger than a tile ({self.largest_tile} chips): tensor-parallel groups "
                            f"stay on the neighbouring chips of one tile or node", "tp")
        if tp not in self._tp_cache:
            groups = [g for k in range(self.n_tiles) for g in self._tile_groups(k, tp)]
            self._tp_cache[tp] = np.asarray(groups, np.int64).reshape(-1, tp)
        return self._tp_cache[tp]

    def _tile_groups(self, k: int, tp: int) -> list[np.ndarray]:
        chips = self.tile_chips[k]
        spec = self.tile_specs[k]
        if len(chips) < tp:
            return []
        if spec.topology == "switch":
            return [chips[i:i + tp] for i in range(0, len(chips) - tp + 1, tp)]
        grid = np.full((spec.rows, spec.cols), -1, np.int64)
        grid[self.chip_slot[chips, 0], self.chip_slot[chips, 1]] = chips
        block = _tiling_rectangle(spec.rows, spec.cols, tp) if (grid >= 0).all() else None
        if block is not None:
            r, c = block
            return [grid[i:i + r, j:j + c].ravel() for i in range(0, spec.rows, r) for j in range(0, spec.cols, c)]
        snake = np.concatenate([row if i % 2 == 0 else row[::-1] for i, row in enumerate(grid)])
        snake = snake[snake >= 0]
        return [snake[i:i + tp] for i in range(0, len(snake) - tp + 1, tp)]

    # ------------------------------------------------------------------ regions
    @cached_property
    def _node_region(self) -> tuple[np.ndarray, np.ndarray]:
        """Tile and cabinet index of every fabric node (chips, and the switches a tile or cabinet owns);
        -1 where a node belongs to no tile (or no cabinet): a room switch, the Z-plane, an interface."""
        n = self.fabric.n_nodes
        tile = np.full(n, -1, np.int64)
        cab = np.full(n, -1, np.int64)
        tile[: self.n_chips] = self.chip_tile
        cab[: self.n_chips] = self.chip_cabinet
        paths = self.fabric.chip_paths or []
        tile_names = {format_path(paths[int(c[0])][:2]): k for k, c in enumerate(self.tile_chips)}
        cab_names = {format_path(paths[int(c[0])][:1]): int(self.tile_cabinet[k])
                     for k, c in enumerate(self.tile_chips)}
        for node in range(self.n_chips, n):
            name = self.fabric.node_names[node]
            if not name.startswith("switch:"):
                continue
            owner = name.removeprefix("switch:")
            if owner in tile_names:
                tile[node] = tile_names[owner]
                cab[node] = self.tile_cabinet[tile_names[owner]]
            elif owner in cab_names:
                cab[node] = cab_names[owner]
        return tile, cab

    @cached_property
    def tile_out_Bps(self) -> np.ndarray:
        """Per tile: the bandwidth (per direction) of its links to the rest of its cabinet."""
        tile, cab = self._node_region
        f = self.fabric
        src_t, dst_t = tile[f.link_src], tile[f.link_dst]
        mask = (src_t >= 0) & (dst_t != src_t) & (cab[f.link_dst] == cab[f.link_src]) & (cab[f.link_src] >= 0)
        return np.bincount(src_t[mask], weights=f.link_capacity_Bps[mask], minlength=self.n_tiles)

    @cached_property
    def cabinet_out_Bps(self) -> np.ndarray:
        """Per cabinet: the bandwidth (per direction) of its links to the rest of the room (chips and switches
        of the mesh or switched network; not the Z-plane, which the default routing does not use)."""
        _, cab = self._node_region
        f = self.fabric
        kinds = np.asarray([k in ("zplane", "interface") for k in f.kinds])[f.link_kind]
        src_c, dst_c = cab[f.link_src], cab[f.link_dst]
        mask = (src_c >= 0) & (dst_c != src_c) & ~kinds
        return np.bincount(src_c[mask], weights=f.link_capacity_Bps[mask], minlength=self.n_cabinets)

    @cached_property
    def chip_local_Bps(self) -> float:
        """One chip's bandwidth to the next chip of its tile: its mesh link, or its port into the tile's switch."""
        f = self.fabric
        tile, _ = self._node_region
        src, dst = f.link_src, f.link_dst
        inside = (src < self.n_chips) & (tile[dst] == tile[src]) & (tile[src] >= 0)
        if not inside.any():
            return 0.0
        # A mesh chip's ring step uses one of its links; a switched chip its one port.
        return float(np.median(f.link_capacity_Bps[inside]))


def _tiling_rectangle(rows: int, cols: int, size: int) -> tuple[int, int] | None:
    """The r x c block (r·c = size) that tiles a rows x cols grid, preferring a block with an even side
    and both sides above one (it has a ring of one-hop steps), then a row, then a column."""
    options = [(r, size // r) for r in range(1, size + 1)
               if size % r == 0 and rows % r == 0 and cols % (size // r) == 0]
    if not options:
        return None
    return min(options, key=lambda rc: (not (min(rc) > 1 and (rc[0] % 2 == 0 or rc[1] % 2 == 0)), rc[0] > 1))


@dataclass(frozen=True)
class Layout:
    """A plan's ranks on the machine: ``ranks[stage, dp, tp]`` is a fabric chip index."""

    ranks: np.ndarray
    placement: str

    @property
    def pp(self) -> int:
        return int(self.ranks.shape[0])

    @property
    def dp(self) -> int:
        return int(self.ranks.shape[1])

    @property
    def tp(self) -> int:
        return int(self.ranks.shape[2])

    def tp_groups(self) -> np.ndarray:
        """(stage·dp, tp) chip indices."""
        return self.ranks.reshape(-1, self.tp)

    def dp_groups(self) -> np.ndarray:
        """(stage·tp, dp) chip indices: the replicas of one stage's shard."""
        return self.ranks.transpose(0, 2, 1).reshape(-1, self.dp)

    def stage_pairs(self, stage: int) -> tuple[np.ndarray, np.ndarray]:
        """Senders in ``stage`` and their receivers in ``stage + 1``, rank by rank."""
        return self.ranks[stage].ravel(), self.ranks[stage + 1].ravel()

    def chips(self) -> np.ndarray:
        return self.ranks.ravel()


def layout(machine: Machine, tp: int, pp: int, dp: int, placement: str) -> Layout:
    """Place a (tp, pp, dp) plan; :class:`PlanError` says why it cannot be placed."""
    if placement not in PLACEMENTS:
        raise PlanError(f"placement must be one of {', '.join(PLACEMENTS)}, not {placement!r}", "placement")
    if pp < 1 or dp < 1:
        raise PlanError(f"PP and DP must be at least 1 (got PP {pp}, DP {dp})", "pp" if pp < 1 else "dp")
    groups = machine.tp_groups(tp)
    need = pp * dp
    if need > len(groups):
        raise PlanError(f"TP {tp} x PP {pp} x DP {dp} needs {need:,} tensor-parallel groups of {tp} chips, and the "
                        f"machine's tiles hold {len(groups):,} ({len(groups) * tp:,} of its {machine.n_chips:,} chips)",
                        "dp")
    used = groups[:need]
    if placement == "pipeline-contiguous":
        ranks = used.reshape(dp, pp, tp).transpose(1, 0, 2)
    else:
        ranks = used.reshape(pp, dp, tp)
    return Layout(np.ascontiguousarray(ranks), placement)
