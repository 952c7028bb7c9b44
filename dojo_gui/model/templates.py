"""Designs made from the catalog: the named templates and the parametric grid.

Every function takes the catalog (id -> spec) it draws from and returns a new
:class:`Design` whose spec table holds exactly the specs it uses.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from .design import Design, DesignError, Part, make_part
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
    name: str
    title: str
    make: Callable[[dict[str, AnySpec]], Design]


TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in [
        Template("dojo-tile", "One Dojo training tile (25 D1) on a test stand",
                 lambda cat: design_from("Dojo training tile", cat, "lab-1x1", {"lab-1x1": "dojo-tile-stand"},
                                         description="A single 5x5 D1 training tile on a bench stand.")),
        Template("dojo-cabinet", "One Dojo cabinet (12 tiles, 300 D1)",
                 lambda cat: design_from("Dojo cabinet", cat, "lab-1x1", {"lab-1x1": "dojo-cabinet"},
                                         description="Two system trays of six training tiles.")),
        Template("exapod", "Dojo ExaPOD (10 cabinets, 120 tiles, 3,000 D1)",
                 lambda cat: design_from("Dojo ExaPOD", cat, "dojo-exapod-room", {},
                                         description="Tesla's ExaPOD: ten cabinets, 120 training tiles, 3,000 D1.")),
        Template("tpu-v4-slice", "Google TPU v4 torus slice (64 chips, 8x8 torus)",
                 lambda cat: design_from("TPU v4 torus slice", cat, "lab-1x1", {"lab-1x1": "google-tpu-v4-rack"},
                                         description="One 64-chip TPU v4 rack wired as an 8x8 torus.")),
        Template("dgx-h100-pod", "NVIDIA DGX H100 pod (16 racks x 4 DGX, 512 GPUs)",
                 lambda cat: design_from("DGX H100 pod", cat, "data-hall-switched",
                                         {"data-hall-switched": "nvidia-dgx-h100-rack"},
                                         description="64 DGX H100 in 16 racks under a switched spine.")),
        Template("gb200-nvl72", "NVIDIA GB200 NVL72 rack (72 GPUs)",
                 lambda cat: design_from("GB200 NVL72", cat, "lab-1x1", {"lab-1x1": "nvidia-gb200-nvl72"},
                                         description="One NVL72 rack: 72 GPUs in one NVLink domain.")),
    ]
}

# Built-in examples shipped as files, by the template that makes each.
EXAMPLES: tuple[str, ...] = ("dojo-tile", "dojo-cabinet", "exapod", "tpu-v4-slice")


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
