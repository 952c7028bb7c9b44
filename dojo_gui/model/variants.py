"""A variant of a design: the base design with the values of a sweep's axes applied.

Grids are applied first (resizing a container scales its budgets, flows and edge bandwidth as a
template does, :func:`dojo_gui.model.templates.resized`), then figures, so a figure given on the same
spec wins over what the resize scaled.  A grown grid's new slots are filled like the part's existing
slots (a copy of its most common child, with everything in it); a shrunk grid drops the parts outside
it.  The base design is never changed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any, cast

from .. import units
from .design import Design, Part, make_part
from .specs import LEVELS, AnySpec, ContainerSpec, check_spec
from .sweep import Axis, SweepError, Value, target_specs
from .templates import resized


def apply_variant(design: Design, axes: list[Axis], variant: dict[str, Value]) -> tuple[Design, dict[str, Value]]:
    """A new design with the variant's figures and grids, and the scenario's options it sets (by option name)."""
    out = Design(design.name, dict(design.specs), design.room.clone(), design.description)
    scenario: dict[str, Value] = {}
    by_kind = {kind: [a for a in axes if a.kind == kind] for kind in ("grid", "figure", "scenario")}
    for axis in sorted(by_kind["grid"], key=lambda a: -_depth(a, out)):  # the room first, then cabinets, tiles
        _apply_grid(out, axis, str(variant[axis.target]))
    for axis in by_kind["figure"]:
        _apply_figure(out, axis, variant[axis.target])
    for axis in by_kind["scenario"]:
        scenario[axis.figure] = variant[axis.target]
    return out, scenario


def describe_variant(axes: list[Axis], variant: dict[str, Value]) -> str:
    """``dojo-d1.tdp 450 W, tile.grid 4x4``."""
    return ", ".join(f"{a.label} {a.format_value(variant[a.target])}" for a in axes if a.target in variant)


def _depth(axis: Axis, design: Design) -> int:
    owner = axis.owner
    level = owner if owner in LEVELS else design.spec(owner).level
    return LEVELS.index(level)


def _used(design: Design, axis: Axis) -> list[Any]:
    used = design.used_spec_ids()
    specs = [s for s in target_specs(axis.owner, design.specs) if s.id in used]
    if not specs:
        raise SweepError(f"{axis.label}: the design uses no {axis.owner} spec")
    return specs


def _apply_figure(design: Design, axis: Axis, value: Value) -> None:
    for spec in _used(design, axis):
        if axis.key is not None:
            table = dict(getattr(spec, axis.figure))
            table[axis.key] = float(value)
            new = replace(spec, **{axis.figure: table})
        else:
            new = replace(spec, **{axis.figure: int(value) if axis.integer else float(value)})
        problems = check_spec(new)
        if problems:
            raise SweepError(f"{axis.label} {axis.format_value(value)}: {problems[0]}")
        design.specs[new.id] = new
        if isinstance(new, ContainerSpec) and axis.figure in ("rows", "cols"):
            for part in design.parts(new.level):
                if part.spec_id == new.id:
                    _fit(design, part, new)


def _apply_grid(design: Design, axis: Axis, grid: str) -> None:
    rows, cols = units.parse_grid(grid)
    for spec in _used(design, axis):
        assert isinstance(spec, ContainerSpec)
        new = resized(spec, rows, cols)
        design.specs[new.id] = cast(AnySpec, new)
        for part in list(design.parts(new.level)):
            if part.spec_id == new.id:
                _fit(design, part, new)


def _fit(design: Design, part: Part, spec: ContainerSpec) -> None:
    """Drop the children outside the grid, and fill its empty slots like the others (or with its default child)."""
    for slot in [s for s in part.children if not (s[0] < spec.rows and s[1] < spec.cols)]:
        part.children.pop(slot).parent = None
    model = _model_child(design, part, spec)
    if model is None:
        return
    for r in range(spec.rows):
        for c in range(spec.cols):
            if (r, c) not in part.children:
                child = model.clone()
                child.slot, child.parent = (r, c), part
                if part.level == "room":
                    child.name = f"C{len(part.children) + 1:02d}"
                part.children[(r, c)] = child


def _model_child(design: Design, part: Part, spec: ContainerSpec) -> Part | None:
    """What a new slot of ``part`` gets: a copy of its most common kind of child, with everything in it."""
    if part.children:
        common = Counter(c.spec_id for c in part.children.values()).most_common(1)[0][0]
        return next(c for c in part.children.values() if c.spec_id == common)
    if spec.default_child and spec.default_child in design.specs:
        return make_part(design.specs[spec.default_child], (0, 0), design.specs)
    return None
