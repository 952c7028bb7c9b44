"""Designs made from the catalog: the named templates and the parametric grid.

Every function takes the catalog (id -> spec) it draws from and returns a new
:class:`Design` whose spec table holds exactly the specs it uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from .design import Design, DesignError, Part, check_fill_size, make_part
from .placement import spec_closure
from .specs import AnySpec, CabinetSpec, ChipSpec, ContainerSpec, RoomSpec, TileSpec


def design_from(name: str, catalog: dict[str, AnySpec], room_id: str, fill: dict[str, str], *,
                description: str = "") -> Design:
    """A design with room ``room_id`` whose every slot is filled, level by level.

    ``fill`` maps a container spec id to the spec id to put in its slots; a container not
    named there uses its own ``default_child``.
    """
    specs: dict[str, AnySpec] = {}

    def take(spec_id: str) -> AnySpec:
        if spec_id not in catalog:
            raise DesignError(f"the catalog has no spec {spec_id!r}")
        specs[spec_id] = catalog[spec_id]
        return catalog[spec_id]

    def build(spec: AnySpec, slot: tuple[int, int]) -> Part:
        part = Part(spec.id, spec.level, slot)
        if isinstance(spec, ContainerSpec):
            child_id = fill.get(spec.id) or spec.default_child
            if not child_id:
                raise DesignError(f"{spec.id!r} has no default child; say what fills it")
            child_spec = take(child_id)
            for r in range(spec.rows):
                for c in range(spec.cols):
                    child = build(child_spec, (r, c))
                    child.parent = part
                    part.children[(r, c)] = child
        return part

    if room_id in catalog:
        check_fill_size(catalog[room_id], catalog, fill)
    room = build(take(room_id), (0, 0))
    for k, slot in enumerate(sorted(room.children)):
        room.children[slot].name = f"C{k + 1:02d}"
    return Design(name=name, specs=specs, room=room, description=description)


def empty_design(room: RoomSpec, catalog: dict[str, AnySpec], name: str = "New design") -> Design:
    """A design from scratch: the room and nothing in it.  Its specs are the room's and those the room fills
    with (its default cabinet, that one's tile and chip), so Fill works and the file names what it refers to."""
    specs = {spec.id: spec for spec in spec_closure(room, catalog)}
    return Design(name=name, specs=specs, room=Part(room.id, "room"),
                  description=f"Built from an empty {room.name or room.id}.")


@dataclass(frozen=True)
class Template:
    """A named design.  A sizable one (``size`` is "nodes" or "chips") takes how many it should hold;
    ``default_size`` is what it makes without one (and what its bundled example holds)."""

    name: str
    title: str
    build: Callable[[dict[str, AnySpec], int], Design]
    size: str = ""  # "nodes", "chips" or "" (a fixed design)
    default_size: int = 0
    size_help: str = ""

    def make(self, catalog: dict[str, AnySpec], size: int | None = None) -> Design:
        if size is not None and not self.size:
            raise DesignError(f"{self.name} is a fixed design: it takes no size")
        return self.build(catalog, self.default_size if size is None else size)


def _fixed(name: str, title: str, make: Callable[[dict[str, AnySpec]], Design]) -> Template:
    return Template(name, title, lambda cat, _size: make(cat))


def floor_grid(positions: int, widest: int = 16) -> tuple[int, int]:
    """rows x cols holding exactly ``positions``, as square as it goes with at most ``widest`` columns
    (a prime count longer than that makes one long row)."""
    best = (positions, 1)
    for cols in range(1, min(positions, widest) + 1):
        if positions % cols == 0:
            rows = positions // cols
            if abs(rows - cols) < abs(best[0] - best[1]) or best == (positions, 1):
                best = (rows, cols)
    return best if best != (positions, 1) or positions <= widest else (1, positions)


def switched_pod(catalog: dict[str, AnySpec], name: str, room_id: str, rack_id: str, nodes: int, description: str
                 ) -> Design:
    """``nodes`` nodes in racks of the rack spec's size under a switched room resized to hold them; the last
    rack holds what is left (its empty slots are reported by the design rules)."""
    rack = catalog.get(rack_id)
    base = catalog.get(room_id)
    if not isinstance(rack, CabinetSpec) or not isinstance(base, RoomSpec):
        raise DesignError(f"the catalog has no rack {rack_id!r} or room {room_id!r}")
    if nodes < 1:
        raise DesignError(f"--nodes must be at least 1, not {nodes}")
    racks = -(-nodes // rack.slots)
    if racks == base.slots:  # the room as the catalog has it
        design = design_from(name, catalog, room_id, {room_id: rack_id}, description=description)
    else:
        rows, cols = floor_grid(racks)
        room = _derive(base, rows, cols, base.topology, rack_id)  # type: ignore[arg-type]
        design = design_from(name, {**catalog, room.id: room}, room.id, {}, description=description)
    extra = racks * rack.slots - nodes
    last = design.room.children[sorted(design.room.children)[racks - 1]]
    for slot in sorted(last.children)[rack.slots - extra:]:
        design.remove(last.children[slot].path)
    return design


def tpu_v4_pod(catalog: dict[str, AnySpec], chips: int) -> Design:
    """``chips`` TPU v4 (a multiple of 64) in 64-chip racks, the racks on a floor grid with wraparound."""
    rack = catalog.get("google-tpu-v4-rack")
    base = catalog.get("lab-1x1")
    if not isinstance(rack, CabinetSpec) or not isinstance(base, RoomSpec):
        raise DesignError("the catalog has no TPU v4 rack or generic lab room")
    per_rack = 64
    if chips < per_rack or chips % per_rack:
        raise DesignError(f"a TPU v4 slice here is built of 64-chip racks: --chips must be a multiple of 64, "
                          f"not {chips}")
    racks = chips // per_rack
    if racks == 1:
        return design_from("TPU v4 torus slice", catalog, "lab-1x1", {"lab-1x1": "google-tpu-v4-rack"},
                           description="One 64-chip TPU v4 rack wired as an 8x8 torus.")
    rows, cols = floor_grid(racks)
    room = _derive(base, rows, cols, "torus", rack.id)  # type: ignore[arg-type]
    room = replace(room, name=f"TPU v4 pod floor ({rows}x{cols} racks)", family="google-tpu-v4")
    design = design_from(f"TPU v4 slice ({chips:,} chips)", {**catalog, room.id: room}, room.id, {},
                         description=f"{chips:,} TPU v4 in {racks} racks of 64, the racks joined as a torus "
                                     f"(the optical circuit switches of a TPU v4 pod).")
    return design


TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in [
        _fixed("dojo-tile", "One Dojo training tile (25 D1) on a test stand",
               lambda cat: design_from("Dojo training tile", cat, "lab-1x1", {"lab-1x1": "dojo-tile-stand"},
                                       description="A single 5x5 D1 training tile on a bench stand.")),
        _fixed("dojo-cabinet", "One Dojo cabinet (12 tiles, 300 D1)",
               lambda cat: design_from("Dojo cabinet", cat, "lab-1x1", {"lab-1x1": "dojo-cabinet"},
                                       description="Two system trays of six training tiles.")),
        _fixed("exapod", "Dojo ExaPOD (10 cabinets, 120 tiles, 3,000 D1)",
               lambda cat: design_from("Dojo ExaPOD", cat, "dojo-exapod-room", {},
                                       description="Tesla's ExaPOD: ten cabinets, 120 training tiles, 3,000 D1.")),
        Template("tpu-v4-slice", "Google TPU v4 torus slice (64 chips, 8x8 torus; --chips for more)",
                 tpu_v4_pod, "chips", 64, "TPU v4 chips, a multiple of 64 (a rack)"),
        Template("dgx-h100-pod", "NVIDIA DGX H100 pod (16 racks x 4 DGX, 512 GPUs; --nodes to size)",
                 lambda cat, n: switched_pod(cat, f"DGX H100 pod ({n} nodes)" if n != 64 else "DGX H100 pod",
                                             "data-hall-switched", "nvidia-dgx-h100-rack", n,
                                             f"{n} DGX H100 in {-(-n // 4)} racks under a switched spine."),
                 "nodes", 64, "DGX H100 nodes of 8 GPUs, 4 to a rack"),
        Template("dgx-a100-superpod", "NVIDIA DGX A100 SuperPOD (140 DGX A100, 1,120 GPUs; --nodes to size)",
                 lambda cat, n: switched_pod(cat, f"DGX A100 SuperPOD ({n} nodes)", "nvidia-a100-superpod-hall",
                                             "nvidia-dgx-a100-rack", n,
                                             f"{n} DGX A100 ({8 * n:,} A100 80GB) in racks of 4 on a non-blocking "
                                             f"HDR InfiniBand fat tree."),
                 "nodes", 140, "DGX A100 nodes of 8 GPUs, 4 to a rack"),
        _fixed("gb200-nvl72", "NVIDIA GB200 NVL72 rack (72 GPUs)",
               lambda cat: design_from("GB200 NVL72", cat, "lab-1x1", {"lab-1x1": "nvidia-gb200-nvl72"},
                                       description="One NVL72 rack: 72 GPUs in one NVLink domain.")),
    ]
}

# Built-in examples shipped as files, by the template that makes each (every template, at its default size).
EXAMPLES: tuple[str, ...] = tuple(TEMPLATES)


def _family_spec(catalog: dict[str, AnySpec], cls: type, family: str, child_id: str | None) -> AnySpec | None:
    candidates = [s for s in catalog.values() if isinstance(s, cls) and s.family == family]
    for spec in candidates:
        if child_id and spec.default_child == child_id:
            return spec
    return candidates[0] if candidates else None


def _derive(base: ContainerSpec, rows: int, cols: int, topology: str, child_id: str) -> ContainerSpec:
    """A copy of ``base`` resized to rows x cols: slot-bound figures scale with the slot count,
    edge bandwidths with the edge length, so per-chip shares stay what the base spec says."""
    if (rows, cols, topology, child_id) == (base.rows, base.cols, base.topology, base.default_child):
        return base
    k = rows * cols / base.slots
    changes: dict = dict(
        id=f"{base.id}-{rows}x{cols}{'-torus' if topology == 'torus' and base.topology != 'torus' else ''}",
        name=f"{base.name} ({rows}x{cols}{', torus' if topology == 'torus' else ''})",
        rows=rows, cols=cols, topology=topology, default_child=child_id, accepts=(),
        power_budget_w=base.power_budget_w * k, cooling_capacity_w=base.cooling_capacity_w * k,
        overhead_w=base.overhead_w * k, max_load_kg=base.max_load_kg * k,
        edge_bw_Bps=base.edge_bw_Bps * (rows / base.rows),
        description=f"Derived from {base.name} ({base.id}) for a {rows}x{cols} grid. "
                    f"Budgets, load and other load scaled by slot count ({k:.3g}x), edge bandwidth by edge length.",
        sources=base.sources,
    )
    if isinstance(base, TileSpec):
        changes["coolant_flow_lpm"] = base.coolant_flow_lpm * k
    if isinstance(base, RoomSpec):
        changes["edge_bw_Bps"] = base.edge_bw_Bps
    return replace(base, **changes)


def resized(base: ContainerSpec, rows: int, cols: int) -> ContainerSpec:
    """``base`` with a rows x cols grid, its slot-bound figures scaled as :func:`_derive` scales them, keeping its
    id (a variant of a design changes its spec in place)."""
    if (rows, cols) == (base.rows, base.cols):
        return base
    derived = _derive(base, rows, cols, base.topology, base.default_child)
    return replace(derived, id=base.id, name=f"{base.name} ({rows}x{cols})", accepts=base.accepts)


def grid_design(catalog: dict[str, AnySpec], chip: str, tile: tuple[int, int], cabinet: tuple[int, int],
                room: tuple[int, int], torus: set[str] | frozenset[str] = frozenset(), name: str = "") -> Design:
    """A uniform design: ``chip`` in rows x cols tiles, cabinets and room.

    The containers are the chip family's own catalog specs, resized (and given
    wraparound for the levels named in ``torus``) as new project specs when needed.
    """
    chip_spec = catalog.get(chip)
    if not isinstance(chip_spec, ChipSpec):
        chips = ", ".join(sorted(s.id for s in catalog.values() if isinstance(s, ChipSpec)))
        raise DesignError(f"{chip!r} is not a chip spec (chips: {chips})")
    unknown = set(torus) - {"tile", "cabinet", "room"}
    if unknown:
        raise DesignError(f"--torus takes tile, cabinet or room, not {', '.join(sorted(unknown))}")
    family = chip_spec.family
    generic_room = catalog.get("lab-1x1") if isinstance(catalog.get("lab-1x1"), RoomSpec) else None
    plan = [("tile", TileSpec, tile), ("cabinet", CabinetSpec, cabinet), ("room", RoomSpec, room)]
    specs: dict[str, AnySpec] = {chip_spec.id: chip_spec}
    child_id = chip_spec.id
    chain: list[ContainerSpec] = []
    for level, cls, (rows, cols) in plan:
        base = _family_spec(catalog, cls, family, child_id)
        if base is None and level == "room":
            base = generic_room
        if base is None:
            raise DesignError(f"the catalog has no {level} spec of the {family!r} family to start from")
        topology = base.topology
        if level in torus:
            if topology == "switch":
                raise DesignError(f"{base.name} is switched; a switched {level} cannot be a torus")
            topology = "torus"
        derived = _derive(base, rows, cols, topology, child_id)  # type: ignore[arg-type]
        specs[derived.id] = derived
        chain.append(derived)
        child_id = derived.id
    title = name or f"{chip_spec.name} grid: tile {tile[0]}x{tile[1]}, cabinet {cabinet[0]}x{cabinet[1]}, room {room[0]}x{room[1]}"
    design = design_from(title, specs, chain[-1].id, {})
    design.description = f"Parametric grid of {chip_spec.name}" + (
        f", wraparound at the {', '.join(sorted(torus))} level" if torus else "") + "."
    return design


def new_part(catalog: dict[str, AnySpec], spec_id: str, slot: tuple[int, int]) -> tuple[Part, dict[str, AnySpec]]:
    """A filled part of ``spec_id`` and the specs it uses (for drops from the palette)."""
    spec = catalog[spec_id]
    part = make_part(spec, slot, catalog, fill=True)
    used = {p.spec_id: catalog[p.spec_id] for p in part.walk()}
    return part, used
