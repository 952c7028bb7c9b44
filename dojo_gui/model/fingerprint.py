"""A design's print (:class:`~dojo_gui.model.runprint.DesignPrint`) and the design rebuilt from one.

:func:`design_print` takes what a kept run needs of the design it ran on; :func:`skeleton`
builds a :class:`~dojo_gui.model.design.Design` back from it (the parts and specs, without
the words about the specs), so two runs' designs can be compared with the same diff as two
designs (:mod:`dojo_gui.report.compare`).
"""

from __future__ import annotations

import dataclasses
import itertools

from .design import Design, Part
from .runprint import STRUCTURE_MAX_CONTAINERS, WORDS, CabinetPrint, ChipRun, DesignPrint, TilePrint
from .specs import AnySpec, ContainerSpec


def design_print(design: Design) -> DesignPrint:
    """The print of ``design``: its used specs' figures and its parts (unless it has more than
    STRUCTURE_MAX_CONTAINERS cabinets and tiles)."""
    used = design.used_spec_ids()
    specs = {sid: _figures_only(design.specs[sid]) for sid in sorted(used) if sid in design.specs}
    room = design.room
    containers = sum(1 + len(cab.children) for cab in room.children.values())
    cabinets = None
    if containers <= STRUCTURE_MAX_CONTAINERS:
        cabinets = tuple(CabinetPrint(slot, cab.spec_id, cab.name,
                                      tuple(_tile(design, tile) for _, tile in sorted(cab.children.items())))
                         for slot, cab in sorted(room.children.items()))
    return DesignPrint(design.name, room.spec_id, specs, cabinets)


def _figures_only(spec: AnySpec) -> AnySpec:
    """The spec without the words about it (its description, sources, notes...): the figures a print keeps."""
    blank: dict[str, object] = {f.name: f.default for f in dataclasses.fields(spec) if f.name in WORDS}
    return dataclasses.replace(spec, **blank)  # type: ignore[arg-type]


def _tile(design: Design, tile: Part) -> TilePrint:
    spec = design.specs.get(tile.spec_id)
    cols = spec.cols if isinstance(spec, ContainerSpec) else 1
    cols = max([cols] + [c + 1 for _, c in tile.children])  # a chip outside its grid (flagged by the rules) still fits
    last = max((r * cols + c for r, c in tile.children), default=-1)
    by_index = {r * cols + c: chip.spec_id for (r, c), chip in tile.children.items()}
    runs: list[ChipRun] = [(spec_id, len(list(group))) for spec_id, group in
                           itertools.groupby(by_index.get(k) for k in range(last + 1))]
    return TilePrint(tile.slot, tile.spec_id, tile.name, cols, tuple(runs))


def skeleton(p: DesignPrint) -> Design:
    """The design a print describes (no parts if it kept none): the same parts in the same slots, the same
    specs with the same figures."""
    room = Part(p.room_spec, "room")
    design = Design(name=p.name, specs=dict(p.specs), room=room)
    for cab in p.cabinets or ():
        cabinet = _child(room, Part(cab.spec_id, "cabinet", cab.slot, cab.name))
        for t in cab.tiles:
            tile = _child(cabinet, Part(t.spec_id, "tile", t.slot, t.name))
            for slot, spec_id in t.chip_slots():
                _child(tile, Part(spec_id, "chip", slot))
    return design


def _child(parent: Part, part: Part) -> Part:
    part.parent = parent
    parent.children[part.slot] = part
    return part
