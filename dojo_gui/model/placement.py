"""Where a part may go: why a spec does not fit a slot, and what a new part brings with it.

The editor asks these questions while the user drags (to light up the slots that accept
a part and to say why a drop is refused) and before every placement, paste or fill.
The answers are plain sentences, because they are shown to the user as they are.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

from ..text import count
from .design import Design, Part, PartPath, Slot, format_path, plural
from .specs import CHILD_LEVEL, AnySpec, ContainerSpec, Spec


def spec_title(spec: Spec) -> str:
    return spec.name or spec.id


def socket_of(spec: Spec) -> str:
    """The kind of slot a part of ``spec`` fits ('' for a spec that names none, and for rooms)."""
    return str(getattr(spec, "socket", ""))


def fit_problem(container: ContainerSpec, spec: Spec, lookup: Mapping[str, Spec] | None = None) -> str | None:
    """Why a part of ``spec`` may not go into a slot of a ``container`` (by the sockets its slots take and the
    spec ids it accepts); None if it may.  ``lookup`` (id -> spec) names the parts that would fit, for the reason.
    """
    if container.takes and socket_of(spec) not in container.takes:
        return f"the {spec_title(container)}'s slots take {_fitting(container, lookup or {})}, not {spec_title(spec)}"
    if container.accepts and spec.id not in container.accepts:
        known = lookup or {}
        names = [spec_title(known[i]) if i in known else i for i in container.accepts]
        return f"the {spec_title(container)} accepts only {_either(names)}, not {spec_title(spec)}"
    return None


def _fitting(container: ContainerSpec, lookup: Mapping[str, Spec]) -> str:
    """What fits the sockets ``container`` takes, in names a person reads ("Tesla D1")."""
    names = sorted({spec_title(s) for s in lookup.values()
                    if s.level == container.child_level and socket_of(s) in container.takes})
    if not names:
        return _either([f"{socket} parts" for socket in container.takes])
    return _either(names if len(names) <= 3 else names[:3] + [f"{len(names) - 3} more"])


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def slot_problem(design: Design, parent_path: PartPath, slot: Slot, spec: AnySpec,
                 lookup: Mapping[str, Spec] | None = None) -> str | None:
    """Why a new part of ``spec`` cannot go into ``slot`` of the part at ``parent_path``; None if it can.

    ``lookup`` (the design's specs by default) names the specs that would fit, for the reason.
    """
    parent = design.find(parent_path)
    where = format_path(parent_path)
    if parent is None:
        return f"{where} does not exist"
    child_level = CHILD_LEVEL[parent.level]
    if child_level is None:
        return f"a chip has no slots; {spec_title(spec)} needs a {_holder(spec.level)}"
    if spec.level != child_level:
        return (f"{spec_title(spec)} is a {spec.level}; a {parent.level} holds {plural(child_level)}"
                + (f" (a {spec.level} goes into a {_holder(spec.level)})" if _holder(spec.level) else ""))
    parent_spec = design.specs.get(parent.spec_id)
    if not isinstance(parent_spec, ContainerSpec) or parent_spec.level != parent.level:
        return f"{where} has no usable {parent.level} spec ({parent.spec_id!r})"
    r, c = slot
    if not (0 <= r < parent_spec.rows and 0 <= c < parent_spec.cols):
        return f"{where} has no slot [{r},{c}] (its grid is {parent_spec.rows}x{parent_spec.cols})"
    misfit = fit_problem(parent_spec, spec, design.specs if lookup is None else lookup)
    if misfit:  # said before "taken": no slot of this container would take it
        return misfit
    occupant = parent.children.get((r, c))
    if occupant is not None:
        occupant_spec = design.specs.get(occupant.spec_id)
        what = occupant.name or (spec_title(occupant_spec) if occupant_spec else occupant.spec_id)
        return f"{format_path(parent_path + ((r, c),))} is taken by {what}"
    return None


def _holder(level: str) -> str:
    """The level whose slots take parts of ``level`` ('' for the room)."""
    for parent, child in CHILD_LEVEL.items():
        if child == level:
            return parent
    return ""


def accepting_slots(design: Design, parent: Part, spec: AnySpec) -> list[Slot]:
    """The empty slots of ``parent`` where a new part of ``spec`` fits, in row-major order."""
    parent_spec = design.specs.get(parent.spec_id)
    if not isinstance(parent_spec, ContainerSpec) or parent_spec.level != parent.level:
        return []
    if spec.level != CHILD_LEVEL[parent.level] or fit_problem(parent_spec, spec) is not None:
        return []
    return [s for s in itertools.product(range(parent_spec.rows), range(parent_spec.cols)) if s not in parent.children]


def spec_closure(spec: AnySpec, lookup: Mapping[str, AnySpec]) -> list[AnySpec]:
    """``spec`` and the specs a new part of it is filled with (its default child, that one's, ...)."""
    out = [spec]
    seen = {spec.id}
    current: AnySpec | None = spec
    while isinstance(current, ContainerSpec) and current.default_child:
        child = lookup.get(current.default_child)
        if child is None or child.id in seen or child.level != current.child_level:
            break
        out.append(child)
        seen.add(child.id)
        current = child
    return out


def default_contents(spec: AnySpec, lookup: Mapping[str, AnySpec]) -> dict[str, int]:
    """How many parts of each level a new part of ``spec`` filled with its default children holds
    (``{"tile": 12, "chip": 300}`` for a Dojo cabinet); empty for a chip or a container that fills with nothing."""
    out: dict[str, int] = {}
    per_part = 1
    for container, child in itertools.pairwise(spec_closure(spec, lookup)):
        assert isinstance(container, ContainerSpec)
        per_part *= container.slots
        out[child.level] = per_part
    return out


def describe_contents(contents: Mapping[str, int]) -> str:
    """``{"tile": 12, "chip": 300}`` -> "12 tiles, 300 chips"."""
    return ", ".join(count(n, level) for level, n in contents.items())


def build_part(spec: AnySpec, slot: Slot, lookup: Mapping[str, AnySpec], name: str = "", *,
               fill: bool = True) -> Part:
    """A new part of ``spec``; with ``fill``, its slots are filled with its default child where ``lookup`` knows
    it (and those with theirs)."""
    part = Part(spec.id, spec.level, slot, name)
    if fill and isinstance(spec, ContainerSpec) and spec.default_child:
        child_spec = lookup.get(spec.default_child)
        if child_spec is not None and child_spec.level == spec.child_level:
            for r in range(spec.rows):
                for c in range(spec.cols):
                    child = build_part(child_spec, (r, c), lookup)
                    child.parent = part
                    part.children[(r, c)] = child
    return part


def next_free_name(design: Design, parent: Part, prefix: str) -> str:
    """``C11`` after ``C01``..``C10``: the next unused numbered name among ``parent``'s children."""
    used = {child.name for child in parent.children.values()}
    for k in itertools.count(1):
        name = f"{prefix}{k:02d}"
        if name not in used:
            return name
    raise AssertionError("unreachable")
