"""The physical links a design implies (``docs/design.md`` §2 The design and its fabric), as plain records.

This is the one place that knows which chips are wired to which: the design rules use
it for connectivity and the fabric package builds its graph, routes and numpy arrays
from it.  Every link is full duplex with ``bw_Bps`` in each direction.

- inside a tile: mesh neighbours (and wraparound for a torus) at the chips' link
  bandwidth, or every chip to the tile's switch;
- between adjacent tiles of a cabinet: the facing boundary chips pairwise, sharing the
  tile-edge bandwidth; between adjacent cabinets of a room, likewise at the
  cabinet-edge bandwidth; a torus adds the wraparound pairs; a switched container links
  the chips of each child to its switch, sharing the child's port bandwidth;
- with the room's Z-plane on, every interface processor links to a chip on its tile's
  west edge and to the Z-plane switch.

Nodes are chip indices (0..N-1, in tree order) or strings for switches and
interface processors.  Parts whose spec is unknown or of the wrong level are skipped:
the rules report them.

:func:`part_links` folds the chip-to-chip links into what joins two chips, two tiles and
two cabinets, for the canvas to draw at each zoom.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .design import Design, Part, PartPath, format_path
from .specs import CabinetSpec, ChipSpec, ContainerSpec, RoomSpec, TileSpec

Node = int | str


@dataclass(frozen=True, slots=True)
class Link:
    a: Node
    b: Node
    bw_Bps: float  # per direction
    latency_s: float
    kind: str  # "mesh", "tile-edge", "cabinet-edge", "switch", "interface", "zplane"
    level: str  # the level whose spec set this link's figures
    wrap: bool = False


@dataclass
class PhysicalLinks:
    chips: list[Part] = field(default_factory=list)
    chip_paths: list[PartPath] = field(default_factory=list)
    chip_specs: list[ChipSpec] = field(default_factory=list)
    coords: list[tuple[int, int]] = field(default_factory=list)  # global (row, col) on the chip grid
    grid_shape: tuple[int, int] = (0, 0)
    uniform: bool = True  # every tile, cabinet and position alike and filled: a true global grid
    switches: list[str] = field(default_factory=list)
    interfaces: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    @property
    def n_chips(self) -> int:
        return len(self.chips)


def _valid(design: Design, part: Part, cls: type) -> object | None:
    spec = design.specs.get(part.spec_id)
    return spec if isinstance(spec, cls) and spec.level == part.level else None


def physical_links(design: Design) -> PhysicalLinks:
    out = PhysicalLinks()
    room_spec = _valid(design, design.room, RoomSpec)
    if room_spec is None:
        return out
    assert isinstance(room_spec, RoomSpec)

    # Valid parts, and the largest tile and cabinet extents, which fix the global grid.
    cabinets: dict[tuple[int, int], tuple[Part, CabinetSpec]] = {}
    tile_rows = tile_cols = 1
    cab_rows = cab_cols = 1
    shapes: set[tuple] = set()
    for slot, cab in design.room.children.items():
        cab_spec = _valid(design, cab, CabinetSpec)
        if cab_spec is None or not design.slot_fits(design.room, slot):
            out.uniform = False
            continue
        cabinets[slot] = (cab, cab_spec)  # type: ignore[assignment]
        cab_rows, cab_cols = max(cab_rows, cab_spec.rows), max(cab_cols, cab_spec.cols)
        shapes.add(("cab", cab_spec.rows, cab_spec.cols, len(cab.children) == cab_spec.slots))
        for tile in cab.children.values():
            tile_spec = _valid(design, tile, TileSpec)
            if tile_spec is not None:
                tile_rows, tile_cols = max(tile_rows, tile_spec.rows), max(tile_cols, tile_spec.cols)
                shapes.add(("tile", tile_spec.rows, tile_spec.cols, len(tile.children) == tile_spec.slots))
    cab_extent = (cab_rows * tile_rows, cab_cols * tile_cols)
    out.grid_shape = (room_spec.rows * cab_extent[0], room_spec.cols * cab_extent[1])
    out.uniform = out.uniform and len(cabinets) == room_spec.slots and all(s[3] for s in shapes) and \
        len({s[:3] for s in shapes if s[0] == "cab"}) <= 1 and len({s[:3] for s in shapes if s[0] == "tile"}) <= 1

    # Chips, with their index, per tile.
    tile_chips: dict[int, dict[tuple[int, int], int]] = {}  # id(tile) -> chip slot -> index
    tiles_of_cab: dict[int, dict[tuple[int, int], tuple[Part, TileSpec]]] = {}
    for cslot in sorted(cabinets):
        cab, cab_spec = cabinets[cslot]
        tiles: dict[tuple[int, int], tuple[Part, TileSpec]] = {}
        for tslot in sorted(cab.children):
            tile = cab.children[tslot]
            tile_spec = _valid(design, tile, TileSpec)
            if tile_spec is None or not design.slot_fits(cab, tslot):
                out.uniform = False
                continue
            tiles[tslot] = (tile, tile_spec)  # type: ignore[assignment]
            chips: dict[tuple[int, int], int] = {}
            for kslot in sorted(tile.children):
                chip = tile.children[kslot]
                chip_spec = _valid(design, chip, ChipSpec)
                if chip_spec is None or not design.slot_fits(tile, kslot):
                    out.uniform = False
                    continue
                index = len(out.chips)
                chips[kslot] = index
                out.chips.append(chip)
                out.chip_paths.append((cslot, tslot, kslot))
                out.chip_specs.append(chip_spec)  # type: ignore[arg-type]
                out.coords.append((cslot[0] * cab_extent[0] + tslot[0] * tile_rows + kslot[0],
                                   cslot[1] * cab_extent[1] + tslot[1] * tile_cols + kslot[1]))
            tile_chips[id(tile)] = chips
        tiles_of_cab[id(cab)] = tiles

    links = out.links
    specs = out.chip_specs

    def chip_link(a: int, b: int, wrap: bool) -> None:
        sa, sb = specs[a], specs[b]
        links.append(Link(a, b, min(sa.edge_bw_Bps, sb.edge_bw_Bps), max(sa.link_latency_s, sb.link_latency_s),
                          "mesh", "tile", wrap))

    def switch_links(owner: Part, spec: ContainerSpec, groups: list[list[int]]) -> None:
        """Each child's chips share the child's switch port."""
        name = f"switch:{format_path(owner.path)}"
        out.switches.append(name)
        for group in groups:
            for chip in group:
                links.append(Link(chip, name, spec.switch_bw_Bps / len(group), spec.switch_latency_s / 2,
                                  "switch", spec.level))

    # Inside tiles.
    for cab_tiles in tiles_of_cab.values():
        for tile, tile_spec in cab_tiles.values():
            chips = tile_chips[id(tile)]
            if tile_spec.topology == "switch":
                if chips:
                    switch_links(tile, tile_spec, [[i] for i in chips.values()])
                continue
            _grid_pairs(chips, tile_spec.rows, tile_spec.cols, tile_spec.topology == "torus",
                        lambda a, b, wrap: chip_link(a, b, wrap))

    # Between tiles of a cabinet.
    for cslot in sorted(cabinets):
        cab, cab_spec = cabinets[cslot]
        tiles = tiles_of_cab[id(cab)]
        if cab_spec.topology == "switch":
            groups = [list(tile_chips[id(t)].values()) for t, _ in tiles.values()]
            switch_links(cab, cab_spec, [g for g in groups if g])
            continue

        def tile_edge(ta: tuple[int, int], tb: tuple[int, int], wrap: bool, cab_spec: ContainerSpec = cab_spec,
                      tiles: dict = tiles) -> None:
            (pa, sa), (pb, sb) = tiles[ta], tiles[tb]
            horizontal = ta[0] == tb[0]
            _edge_pairs(tile_chips[id(pa)], tile_chips[id(pb)], _facing(sa, horizontal, first=True),
                        _facing(sb, horizontal, first=False), min(sa.edge_bw_Bps, sb.edge_bw_Bps),
                        max(sa.edge_latency_s, sb.edge_latency_s), "tile-edge", "tile", wrap, specs, links)

        _grid_pairs({s: s for s in tiles}, cab_spec.rows, cab_spec.cols, cab_spec.topology == "torus", tile_edge)

    # Between cabinets of the room.
    if room_spec.topology == "switch":
        groups = []
        for cslot in sorted(cabinets):
            cab, _ = cabinets[cslot]
            groups.append([i for t, _ in tiles_of_cab[id(cab)].values() for i in tile_chips[id(t)].values()])
        switch_links(design.room, room_spec, [g for g in groups if g])
    else:
        boundary = {cslot: _cabinet_boundaries(cabinets[cslot][1], tiles_of_cab[id(cabinets[cslot][0])], tile_chips,
                                               tile_rows, tile_cols) for cslot in cabinets}

        def cabinet_edge(ca: tuple[int, int], cb: tuple[int, int], wrap: bool) -> None:
            sa, sb = cabinets[ca][1], cabinets[cb][1]
            horizontal = ca[0] == cb[0]
            len_a, side_a = boundary[ca]["E" if horizontal else "S"]
            len_b, side_b = boundary[cb]["W" if horizontal else "N"]
            positions = max(len_a, len_b, 1)
            bw = min(sa.edge_bw_Bps, sb.edge_bw_Bps) / positions
            lat = max(sa.edge_latency_s, sb.edge_latency_s)
            for k in sorted(side_a):
                if k < len_b and k in side_b:
                    links.append(Link(side_a[k], side_b[k], bw, lat, "cabinet-edge", "cabinet", wrap))

        _grid_pairs({s: s for s in cabinets}, room_spec.rows, room_spec.cols, room_spec.topology == "torus",
                    cabinet_edge)

    # The Z-plane: interface processors on each tile's west edge, all on one switch.
    if room_spec.zplane_enabled:
        zplane = "switch:zplane"
        out.switches.append(zplane)
        for cab_tiles in tiles_of_cab.values():
            for tile, tile_spec in cab_tiles.values():
                west = [tile_chips[id(tile)].get((r, 0)) for r in range(tile_spec.rows)]
                west = [w for w in west if w is not None]
                if not west:
                    continue
                for k in range(tile_spec.interface_count):
                    name = f"ip:{format_path(tile.path)}#{k}"
                    out.interfaces.append(name)
                    links.append(Link(west[k % len(west)], name, tile_spec.interface_link_bw_Bps,
                                      tile_spec.edge_latency_s, "interface", "tile"))
                    links.append(Link(name, zplane, tile_spec.interface_network_bw_Bps,
                                      room_spec.zplane_latency_s / 2, "zplane", "room"))
    return out


@dataclass(frozen=True, slots=True)
class PartLink:
    """What joins two parts of one level: the chip-to-chip links between them, as one."""

    a: PartPath
    b: PartPath
    bw_Bps: float  # per direction, the sum over the chip links it stands for
    count: int  # how many chip-to-chip links that is


# The levels part links are folded at, and the depth of a part's path at each.
PART_LINK_DEPTH = {"chip": 3, "tile": 2, "cabinet": 1}


def part_links(links: PhysicalLinks) -> dict[str, list[PartLink]]:
    """The links between chips, between tiles and between cabinets.

    ``["chip"]`` has every chip-to-chip link; ``["tile"]`` one entry per pair of tiles with links
    between their chips (the bandwidths summed: a Dojo tile's 5 boundary links of 1.8 TB/s are
    its 9 TB/s edge), ``["cabinet"]`` likewise per pair of cabinets.  Links that close a torus
    and links to switches or interface processors are left out: they join no two places side
    by side on the floor.
    """
    paths = links.chip_paths
    n = len(paths)
    # Parts as small integers (a chip's index, its tile's and its cabinet's), so pairs hash fast.
    tile_index: dict[PartPath, int] = {}
    cabinet_index: dict[PartPath, int] = {}
    tile_of = [tile_index.setdefault(p[:2], len(tile_index)) for p in paths]
    cabinet_of = [cabinet_index.setdefault(p[:1], len(cabinet_index)) for p in paths]
    chip_pairs: dict[int, list[float]] = {}
    tile_pairs: dict[int, list[float]] = {}
    cabinet_pairs: dict[int, list[float]] = {}

    def add(pairs: dict[int, list[float]], key: int, bw: float) -> None:
        entry = pairs.get(key)
        if entry is None:
            pairs[key] = [bw, 1]
        else:
            entry[0] += bw
            entry[1] += 1

    for link in links.links:
        a, b = link.a, link.b
        if link.wrap or type(a) is not int or type(b) is not int:
            continue
        if a > b:
            a, b = b, a
        bw = link.bw_Bps
        add(chip_pairs, a * n + b, bw)
        ta, tb = tile_of[a], tile_of[b]
        if ta != tb:
            add(tile_pairs, ta * n + tb if ta < tb else tb * n + ta, bw)
            ca, cb = cabinet_of[a], cabinet_of[b]
            if ca != cb:
                add(cabinet_pairs, ca * n + cb if ca < cb else cb * n + ca, bw)

    def unfold(pairs: dict[int, list[float]], parts: list[PartPath]) -> list[PartLink]:
        return [PartLink(parts[key // n], parts[key % n], bw, int(count)) for key, (bw, count) in pairs.items()]

    return {"chip": unfold(chip_pairs, paths), "tile": unfold(tile_pairs, list(tile_index)),
            "cabinet": unfold(cabinet_pairs, list(cabinet_index))}


def _grid_pairs(occupied: dict, rows: int, cols: int, torus: bool, connect) -> None:
    """Call ``connect(a, b, wrap)`` for every pair of grid neighbours present in ``occupied``."""
    for (r, c), a in occupied.items():
        for dr, dc in ((0, 1), (1, 0)):
            nr, nc = r + dr, c + dc
            wrap = False
            if nr >= rows or nc >= cols:
                span = cols if dc else rows
                if not torus or span <= 2:  # a 2-wide torus would only double the mesh link
                    continue
                nr, nc, wrap = nr % rows, nc % cols, True
            b = occupied.get((nr, nc))
            if b is not None:
                connect(a, b, wrap)


def _facing(spec: ContainerSpec, horizontal: bool, first: bool) -> tuple[int, int, int]:
    """The side of a grid that faces its neighbour (east/south for the first, west/north for the second), as
    (axis the side runs along: 0 rows, 1 columns; the fixed row or column; its length)."""
    if horizontal:
        return 0, spec.cols - 1 if first else 0, spec.rows
    return 1, spec.rows - 1 if first else 0, spec.cols


def _edge_pairs(chips_a: dict, chips_b: dict, side_a: tuple[int, int, int], side_b: tuple[int, int, int],
                edge_bw: float, latency: float, kind: str, level: str, wrap: bool, specs: list[ChipSpec],
                links: list[Link]) -> None:
    """Link the chips facing each other across the edge, position by position.  Only placed chips are
    visited: a 1,024-slot side with two chips costs two look-ups, not 1,024."""
    (along, fixed_a, len_a), (_, fixed_b, len_b) = side_a, side_b
    positions = max(len_a, len_b, 1)
    for slot, a in chips_a.items():
        k = slot[along]
        if slot[1 - along] != fixed_a or k >= len_b:
            continue
        b = chips_b.get((k, fixed_b) if along == 0 else (fixed_b, k))
        if b is not None:
            links.append(Link(a, b, edge_bw / positions, max(latency, specs[a].link_latency_s, specs[b].link_latency_s),
                              kind, level, wrap))


def _cabinet_boundaries(cab_spec: CabinetSpec, tiles: dict, tile_chips: dict, tile_rows: int,
                        tile_cols: int) -> dict[str, tuple[int, dict[int, int]]]:
    """The chips along each side of a cabinet: (the number of facing positions, position -> chip index).

    Position k * span + j is row or column j of the k-th tile along the side, span being the largest tile's
    extent, so the sides of unlike cabinets line up.  Only placed chips are visited (a 1,024 x 1,024 cabinet
    of 1,024 x 1,024 tiles costs what its chips cost, not a million positions per side).
    """
    sides: dict[str, tuple[int, dict[int, int]]] = {}
    for side in "NESW":
        along_cols = side in "NS"
        span = tile_cols if along_cols else tile_rows
        length = (cab_spec.cols if along_cols else cab_spec.rows) * span
        found: dict[int, int] = {}
        edge = {"N": 0, "S": cab_spec.rows - 1, "W": 0, "E": cab_spec.cols - 1}[side]
        for tslot, (tile, tspec) in tiles.items():
            if tslot[0 if along_cols else 1] != edge:
                continue
            k = tslot[1 if along_cols else 0]
            chip_edge = {"N": 0, "S": tspec.rows - 1, "W": 0, "E": tspec.cols - 1}[side]
            for kslot, chip in tile_chips[id(tile)].items():
                if kslot[0 if along_cols else 1] == chip_edge:
                    j = kslot[1 if along_cols else 0]
                    if j < span:
                        found[k * span + j] = chip
        sides[side] = (length, found)
    return sides


def components(n_nodes: int, pairs) -> list[int]:
    """Connected-component label of every node 0..n-1 given undirected index pairs (union-find)."""
    parent = list(range(n_nodes))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
    return [root(x) for x in range(n_nodes)]


def chip_components(links: PhysicalLinks) -> list[int]:
    """Component label per chip; switches and interface processors join what they link."""
    names = {name: links.n_chips + k for k, name in enumerate(links.switches + links.interfaces)}
    n = links.n_chips + len(names)
    pairs = ((l.a if isinstance(l.a, int) else names[l.a], l.b if isinstance(l.b, int) else names[l.b])
             for l in links.links if l.bw_Bps > 0)
    return components(n, pairs)[: links.n_chips]
