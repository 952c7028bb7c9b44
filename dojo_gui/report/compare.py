"""What differs between two variants of a design: placed parts, specs and their figures.

The part tree is walked in step, slot by slot.  A part present on one side only is
*one* change however much it holds (a removed cabinet is one removal "with 12 tiles,
300 chips", not 313 lines); a part present on both sides with another spec is one
"changed" entry and the walk goes on below it.  Many identical changes (every chip
swapped for another chip) then fold into one group with a count and a few example
places, so a 3,000-chip design gives a short, exact answer.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..model.design import Design, Part, PartPath, format_path
from ..model.specs import LEVELS

EXAMPLES_PER_GROUP = 3


@dataclass(frozen=True)
class PartChange:
    kind: str  # "added", "removed", "changed" (another spec in the slot) or "renamed"
    path: PartPath
    level: str
    old_spec: str | None
    new_spec: str | None
    contents: tuple[tuple[str, int], ...] = ()  # added/removed: parts below it, per level (level, count)
    old_name: str = ""
    new_name: str = ""


@dataclass
class ChangeGroup:
    """Identical changes at one level: what, how many, and where (the first few places)."""

    kind: str
    level: str
    old_spec: str | None
    new_spec: str | None
    paths: list[PartPath] = field(default_factory=list)
    contents: dict[str, int] = field(default_factory=dict)  # summed over the group

    @property
    def count(self) -> int:
        return len(self.paths)

    def where(self, limit: int = EXAMPLES_PER_GROUP) -> str:
        shown = ", ".join(format_path(p) for p in self.paths[:limit])
        more = self.count - limit
        return shown + (f" and {more:,} more" if more > 0 else "")


@dataclass(frozen=True)
class FigureChange:
    name: str
    old: object
    new: object


@dataclass(frozen=True)
class SpecChange:
    kind: str  # "added", "removed" or "changed"
    spec_id: str
    level: str
    figures: tuple[FigureChange, ...] = ()


@dataclass
class DesignDiff:
    parts: list[PartChange]
    groups: list[ChangeGroup]
    specs: list[SpecChange]

    @property
    def same(self) -> bool:
        return not self.parts and not self.specs


def _contents(part: Part) -> tuple[tuple[str, int], ...]:
    counts = dict.fromkeys(LEVELS, 0)
    for p in part.walk():
        if p is not part:
            counts[p.level] += 1
    return tuple((lv, counts[lv]) for lv in reversed(LEVELS) if counts[lv])


def diff_parts(old: Design, new: Design) -> list[PartChange]:
    """Every change from ``old`` to ``new``, parents before children, slots in row-major order.

    A part moved to another slot shows as removed from one and added to the other: slots are
    what the fabric and the budgets see.
    """
    changes: list[PartChange] = []
    stack: list[tuple[Part | None, Part | None]] = [(old.room, new.room)]
    while stack:
        a, b = stack.pop()
        if b is None:
            if a is not None:  # a slot is stacked when either side fills it, so this always holds
                changes.append(PartChange("removed", a.path, a.level, a.spec_id, None, _contents(a)))
            continue
        if a is None:
            changes.append(PartChange("added", b.path, b.level, None, b.spec_id, _contents(b)))
            continue
        if a.spec_id != b.spec_id:
            changes.append(PartChange("changed", b.path, b.level, a.spec_id, b.spec_id))
        if a.name != b.name:
            changes.append(PartChange("renamed", b.path, b.level, a.spec_id, b.spec_id,
                                      old_name=a.name, new_name=b.name))
        slots = sorted(set(a.children) | set(b.children), reverse=True)
        stack.extend((a.children.get(slot), b.children.get(slot)) for slot in slots)
    return changes


def group_changes(changes: list[PartChange]) -> list[ChangeGroup]:
    """Fold identical changes (same kind, level and specs) into groups, in order of first appearance."""
    groups: dict[tuple[object, ...], ChangeGroup] = {}
    for change in changes:
        key: tuple[object, ...] = (change.kind, change.level, change.old_spec, change.new_spec)
        if change.kind == "renamed":
            key += (change.path,)  # a rename is about one part's name; keep each
        group = groups.get(key)
        if group is None:
            group = groups[key] = ChangeGroup(change.kind, change.level, change.old_spec, change.new_spec)
        group.paths.append(change.path)
        for level, n in change.contents:
            group.contents[level] = group.contents.get(level, 0) + n
    return list(groups.values())


def diff_specs(old: Design, new: Design) -> list[SpecChange]:
    """Specs only one side has, and figures that differ in specs with the same id."""
    out: list[SpecChange] = []
    order = {lv: i for i, lv in enumerate(reversed(LEVELS))}
    for spec_id in sorted(set(old.specs) | set(new.specs),
                          key=lambda s: (order[(new.specs.get(s) or old.specs[s]).level], s)):
        a, b = old.specs.get(spec_id), new.specs.get(spec_id)
        if a is None:
            out.append(SpecChange("added", spec_id, new.specs[spec_id].level))
        elif b is None:
            out.append(SpecChange("removed", spec_id, a.level))
        elif a != b:
            if type(a) is not type(b):
                out.append(SpecChange("changed", spec_id, b.level, (FigureChange("level", a.level, b.level),)))
                continue
            figures = tuple(FigureChange(f.name, getattr(a, f.name), getattr(b, f.name))
                            for f in dataclasses.fields(a) if getattr(a, f.name) != getattr(b, f.name))
            out.append(SpecChange("changed", spec_id, b.level, figures))
    return out


def diff_designs(old: Design, new: Design) -> DesignDiff:
    parts = diff_parts(old, new)
    return DesignDiff(parts, group_changes(parts), diff_specs(old, new))


def describe_contents(contents: dict[str, int] | tuple[tuple[str, int], ...]) -> str:
    """``{"tile": 12, "chip": 300}`` -> "12 tiles, 300 chips"."""
    items = dict(contents)
    words = []
    for level in reversed(LEVELS):
        n = items.get(level, 0)
        if n:
            words.append(f"{n:,} {level}{'s' if n != 1 else ''}")
    return ", ".join(words)


# --------------------------------------------------------------------------- in words
CHANGES_LISTED = 12  # lines of :func:`describe_changes` before "and N more"


def describe_changes(old: Design, new: Design, diff: DesignDiff | None = None,
                     limit: int = CHANGES_LISTED) -> list[str]:
    """What changed from ``old`` to ``new``, a line each: "Tesla D1: TDP 400 W → 500 W", "cabinet C03
    (room.cabinet[0,2]) removed, with 12 tiles, 300 chips", "300 chips now Tesla D1 (variant 2), were
    Tesla D1 (room.cabinet[0,3].tile[0,0].chip[0,0] ...)".  Empty when nothing did."""
    diff = diff if diff is not None else diff_designs(old, new)
    lines: list[str] = []
    for change in diff.specs:
        spec = new.specs.get(change.spec_id) or old.specs[change.spec_id]
        title = spec.name or change.spec_id
        if change.kind == "added":
            lines.append(f"{change.level} spec {title} ({change.spec_id}) added")
        elif change.kind == "removed":
            lines.append(f"{change.level} spec {title} ({change.spec_id}) no longer used")
        else:
            lines.append(f"{title}: {_figures(spec, change.figures)}")
    for group in diff.groups:
        common = _common_prefix(group.paths) if group.count > 1 else ()
        where = f"in {format_path(common)}" if common else f"({group.where()})"
        holding = describe_contents(group.contents)
        with_contents = f", with {holding}" if holding else ""
        if group.kind in ("added", "removed"):
            if group.count == 1:
                part = (new if group.kind == "added" else old).find(group.paths[0])
                name = f" {part.name}" if part is not None and part.name else ""
                lines.append(f"{group.level}{name} {where} {group.kind}{with_contents}")
            else:
                lines.append(f"{group.count:,} {group.level}s {group.kind} {where}{with_contents}")
        elif group.kind == "changed":
            was, now = _spec_name(old, group.old_spec), _spec_name(new, group.new_spec)
            what = f"{group.count:,} {group.level}s {where} are" if group.count > 1 else f"{group.level} {where} is"
            line = f"{what} now {now} ({group.new_spec}), not {was}"
            a, b = old.specs.get(group.old_spec or ""), new.specs.get(group.new_spec or "")
            if a is not None and b is not None and type(a) is type(b):
                figures = [FigureChange(f.name, getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a)
                           if f.name not in ("id", "name") and getattr(a, f.name) != getattr(b, f.name)]
                if figures:
                    line += f": {_figures(b, figures)}"
            lines.append(line)
        else:
            rename = next(c for c in diff.parts if c.kind == "renamed" and c.path == group.paths[0])
            lines.append(f"{group.level} {group.where()} renamed {rename.old_name or '(no name)'} → "
                         f"{rename.new_name or '(no name)'}")
    if len(lines) > limit:
        lines = lines[: limit - 1] + [f"and {len(lines) - limit + 1:,} more changes"]
    return lines


def _figures(spec: object, figures: tuple[FigureChange, ...] | list[FigureChange], shown: int = 4) -> str:
    text = ", ".join(f"{_label(spec, f.name)} {_value(f.name, f.old)} → {_value(f.name, f.new)}"
                     for f in figures[:shown])
    return text + (f" and {len(figures) - shown} more figures" if len(figures) > shown else "")


def _common_prefix(paths: list[PartPath]) -> PartPath:
    first = paths[0]
    n = min(len(p) for p in paths)
    k = 0
    while k < n - 1 and all(p[k] == first[k] for p in paths):
        k += 1
    return first[:k]


def _label(spec: object, name: str) -> str:
    for f in dataclasses.fields(spec):  # type: ignore[arg-type]
        if f.name == name and f.metadata.get("label"):
            return str(f.metadata["label"])
    return name


def _value(name: str, value: object) -> str:
    from .. import units

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return units.format_for_name(name, float(value))


def _spec_name(design: Design, spec_id: str | None) -> str:
    spec = design.specs.get(spec_id or "")
    return spec.name if spec is not None and spec.name else str(spec_id)
