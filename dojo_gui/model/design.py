"""The design tree: placed parts in slots, and the specs they refer to.

A :class:`Part` is an instance: it names its spec by id and sits in a slot (row, col)
of its parent.  The tree is room -> cabinets -> tiles -> chips; a part's *slot level*
is fixed by its depth, while its spec says what it actually is, so a tile spec in a
chip slot can be represented (and flagged by the rules) rather than crash a loader.

The :class:`Design` owns the tree and the project's specs and is the single source of
truth.  Every mutation goes through one of its methods, which notifies listeners with
a :class:`Change`; the UI turns those into Qt signals, the engines ignore them.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from .. import limits
from .runs import RunRecord
from .specs import CHILD_LEVEL, LEVELS, AnySpec, ContainerSpec, Spec

if TYPE_CHECKING:
    from .sweep import Sweep

Slot = tuple[int, int]
PartPath = tuple[Slot, ...]  # slots from the room down; () is the room itself


class DesignError(ValueError):
    """An edit that cannot be applied (a slot that does not exist, an occupied slot...)."""


class Part:
    """A placed part: a spec id, a slot in its parent, and children by slot."""

    __slots__ = ("children", "level", "name", "parent", "slot", "spec_id")

    def __init__(self, spec_id: str, level: str, slot: Slot = (0, 0), name: str = "") -> None:
        self.spec_id = spec_id
        self.name = name
        self.slot = slot
        self.level = level  # the level of the slot this part sits in
        self.parent: Part | None = None
        self.children: dict[Slot, Part] = {}

    def __repr__(self) -> str:
        return f"Part({self.level} {self.spec_id!r} at {self.slot}, {len(self.children)} children)"

    @property
    def path(self) -> PartPath:
        slots: list[Slot] = []
        part: Part | None = self
        while part is not None and part.parent is not None:
            slots.append(part.slot)
            part = part.parent
        return tuple(reversed(slots))

    def walk(self) -> Iterator[Part]:
        """This part and every part below it, parents before children, slots in row-major order."""
        stack = [self]
        while stack:
            part = stack.pop()
            yield part
            stack.extend(part.children[s] for s in sorted(part.children, reverse=True))

    def parts_at_level(self, level: str) -> Iterator[Part]:
        for part in self.walk():
            if part.level == level:
                yield part

    def clone(self) -> Part:
        """A deep copy, detached from any parent."""
        twin = Part(self.spec_id, self.level, self.slot, self.name)
        for slot, child in self.children.items():
            c = child.clone()
            c.parent = twin
            twin.children[slot] = c
        return twin

    def to_dict(self) -> dict:
        """Plain data for the clipboard and the project file (no parent links)."""
        data: dict = {"slot": list(self.slot), "spec": self.spec_id}
        if self.name:
            data["name"] = self.name
        child_level = CHILD_LEVEL[self.level]
        if child_level is not None and self.children:
            data[plural(child_level)] = [self.children[s].to_dict() for s in sorted(self.children)]
        return data


def plural(level: str) -> str:
    return {"chip": "chips", "tile": "tiles", "cabinet": "cabinets", "room": "rooms"}[level]


def format_path(path: PartPath) -> str:
    """``((0, 3), (1, 2))`` -> ``room.cabinet[0,3].tile[1,2]``."""
    text = "room"
    for depth, (r, c) in enumerate(path):
        text += f".{LEVELS[2 - depth]}[{r},{c}]"
    return text


def parse_path(text: str) -> PartPath:
    """The inverse of :func:`format_path`; raises :class:`DesignError` on anything else."""
    parts = text.strip().split(".")
    if not parts or parts[0] != "room":
        raise DesignError(f"{text!r} is not a part path (it must start with 'room')")
    path: list[Slot] = []
    for depth, item in enumerate(parts[1:]):
        level = LEVELS[2 - depth] if depth < 3 else "?"
        if not (item.startswith(level + "[") and item.endswith("]")):
            raise DesignError(f"{text!r}: expected {level}[row,col] at position {depth + 1}")
        try:
            r, c = (int(x) for x in item[len(level) + 1 : -1].split(","))
        except ValueError:
            raise DesignError(f"{text!r}: {item!r} is not {level}[row,col]") from None
        path.append((r, c))
    return tuple(path)


@dataclass(frozen=True)
class Change:
    """What changed in a design, for listeners.

    kind is one of: "added", "removed", "moved", "renamed", "spec", "specs", "reset",
    "meta", "runs" (a saved run was kept or dropped: what the design is did not change), "sweeps" (likewise
    for the sweeps kept with it).  ``path`` is the part's path after the change (for "removed", before it);
    ``old_path`` is set for "moved"; ``spec_id`` for spec changes.
    """

    kind: str
    path: PartPath | None = None
    old_path: PartPath | None = None
    spec_id: str | None = None


Listener = Callable[[Change], None]


@dataclass
class Design:
    """A whole project: its name, the specs it uses, the room tree and saved runs."""

    name: str
    specs: dict[str, AnySpec]
    room: Part
    description: str = ""
    runs: tuple[RunRecord, ...] = ()  # finished simulation runs kept with the project, oldest first
    sweeps: list[Sweep] = field(default_factory=list)  # design-space sweeps kept with the project, with their results
    revision: int = 0  # bumped on every change; results remember the revision they ran on
    _listeners: list[Listener] = field(default_factory=list, repr=False, compare=False)

    # ----------------------------------------------------------------- queries
    def spec(self, spec_id: str) -> AnySpec:
        try:
            return self.specs[spec_id]
        except KeyError:
            raise DesignError(f"unknown spec {spec_id!r}") from None

    def spec_of(self, part: Part) -> AnySpec:
        return self.spec(part.spec_id)

    def part(self, path: PartPath) -> Part:
        part = self.room
        for depth, slot in enumerate(path):
            try:
                part = part.children[tuple(slot)]
            except KeyError:
                raise DesignError(f"{format_path(path[: depth + 1])}: no part in that slot") from None
        return part

    def find(self, path: PartPath) -> Part | None:
        try:
            return self.part(path)
        except DesignError:
            return None

    def parts(self, level: str | None = None) -> Iterator[Part]:
        return self.room.walk() if level is None else self.room.parts_at_level(level)

    def used_spec_ids(self) -> set[str]:
        return {p.spec_id for p in self.room.walk()}

    def slot_fits(self, parent: Part, slot: Slot) -> bool:
        spec = self.specs.get(parent.spec_id)
        return isinstance(spec, ContainerSpec) and 0 <= slot[0] < spec.rows and 0 <= slot[1] < spec.cols

    def empty_slots(self, parent: Part) -> list[Slot]:
        spec = self.specs.get(parent.spec_id)
        if not isinstance(spec, ContainerSpec):
            return []
        return [s for s in itertools.product(range(spec.rows), range(spec.cols)) if s not in parent.children]

    # ----------------------------------------------------------------- listening
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _notify(self, change: Change) -> None:
        self.revision += 1
        for listener in list(self._listeners):
            listener(change)

    # ----------------------------------------------------------------- edits
    def place(self, parent_path: PartPath, part: Part) -> Part:
        """Put ``part`` (detached) into ``part.slot`` of the part at ``parent_path``."""
        parent = self.part(parent_path)
        child_level = CHILD_LEVEL[parent.level]
        if child_level is None:
            raise DesignError(f"{format_path(parent_path)}: a {parent.level} has no slots")
        if part.spec_id not in self.specs:
            raise DesignError(f"unknown spec {part.spec_id!r}")
        if not self.slot_fits(parent, part.slot):
            raise DesignError(f"{format_path(parent_path)}: there is no slot {part.slot}")
        if part.slot in parent.children:
            raise DesignError(f"{format_path(parent_path + (part.slot,))}: the slot is taken")
        _set_levels(part, child_level)
        part.parent = parent
        parent.children[part.slot] = part
        self._notify(Change("added", parent_path + (part.slot,)))
        return part

    def remove(self, path: PartPath) -> Part:
        """Take the part at ``path`` (with everything in it) out of the design and return it."""
        if not path:
            raise DesignError("the room cannot be removed")
        part = self.part(path)
        assert part.parent is not None
        del part.parent.children[part.slot]
        part.parent = None
        self._notify(Change("removed", path))
        return part

    def move(self, path: PartPath, new_slot: Slot) -> PartPath:
        """Move a part to another slot of the same parent."""
        part = self.part(path)
        parent = part.parent
        if parent is None:
            raise DesignError("the room cannot be moved")
        new_slot = tuple(new_slot)  # type: ignore[assignment]
        if new_slot == part.slot:
            return path
        if not self.slot_fits(parent, new_slot):
            raise DesignError(f"{format_path(path[:-1])}: there is no slot {new_slot}")
        if new_slot in parent.children:
            raise DesignError(f"{format_path(path[:-1] + (new_slot,))}: the slot is taken")
        del parent.children[part.slot]
        part.slot = new_slot
        parent.children[new_slot] = part
        new_path = path[:-1] + (new_slot,)
        self._notify(Change("moved", new_path, old_path=path))
        return new_path

    def rename(self, path: PartPath, name: str) -> None:
        self.part(path).name = name
        self._notify(Change("renamed", path))

    def set_part_spec(self, path: PartPath, spec_id: str) -> None:
        """Swap the spec of a placed part (its children stay where they fit)."""
        if spec_id not in self.specs:
            raise DesignError(f"unknown spec {spec_id!r}")
        self.part(path).spec_id = spec_id
        self._notify(Change("spec", path, spec_id=spec_id))

    def put_spec(self, spec: Spec) -> AnySpec | None:
        """Add or replace a spec; returns the spec it replaced, if any."""
        if not spec.id:
            raise DesignError("a spec needs an id")
        old = self.specs.get(spec.id)
        self.specs[spec.id] = spec  # type: ignore[assignment]
        self._notify(Change("specs", spec_id=spec.id))
        return old

    def drop_spec(self, spec_id: str) -> AnySpec:
        if spec_id in self.used_spec_ids():
            raise DesignError(f"spec {spec_id!r} is still in use")
        old = self.specs.pop(spec_id)
        self._notify(Change("specs", spec_id=spec_id))
        return old

    def set_meta(self, *, name: str | None = None, description: str | None = None) -> None:
        if name is not None:
            self.name = name
        if description is not None:
            self.description = description
        self._notify(Change("meta"))

    def add_run(self, record: RunRecord, index: int | None = None) -> int:
        """Keep a finished run's record at ``index`` (default: last); returns its index.  The one way to add a run."""
        if not isinstance(record, RunRecord):
            raise TypeError(f"a saved run is a RunRecord (dojo_gui.model.runs.parse_run reads one), not {type(record).__name__}")
        index = len(self.runs) if index is None else index
        self.runs = (*self.runs[:index], record, *self.runs[index:])
        self._notify(Change("runs"))
        return index

    def remove_run(self, index: int) -> RunRecord:
        """Drop the saved run at ``index``; returns its record."""
        index = range(len(self.runs))[index]  # an IndexError if there is no such run; -1 is the last
        record = self.runs[index]
        self.runs = self.runs[:index] + self.runs[index + 1:]
        self._notify(Change("runs"))
        return record

    def set_sweeps(self, sweeps: list[Sweep]) -> None:
        """Keep these sweeps with the project (in place of those it kept)."""
        self.sweeps = list(sweeps)
        self._notify(Change("sweeps"))

    def replace_all(self, other: Design) -> None:
        """Become ``other`` (used by Revert and by opening into an existing window)."""
        self.name, self.description = other.name, other.description
        self.specs, self.room, self.runs, self.sweeps = other.specs, other.room, other.runs, other.sweeps
        self._notify(Change("reset"))

    def copy(self) -> Design:
        """An independent snapshot (specs are immutable and shared)."""
        return Design(self.name, dict(self.specs), self.room.clone(), self.description,
                      copy.deepcopy(self.runs), copy.deepcopy(self.sweeps), self.revision)


def _set_levels(part: Part, level: str) -> None:
    part.level = level
    child_level = CHILD_LEVEL[level]
    for child in part.children.values():
        child.parent = part
        if child_level is not None:
            _set_levels(child, child_level)


def count_when_filled(spec: AnySpec, specs: dict[str, AnySpec], fill: dict[str, str] | None = None
                      ) -> tuple[int, int, int]:
    """(chips, parts, slots) of a part of ``spec`` once every slot below is filled (by ``fill``, a container id ->
    the spec id for its slots, or else each container's default child), itself included; counted, not built."""
    if not isinstance(spec, ContainerSpec):
        return (1, 1, 0) if spec.level == "chip" else (0, 1, 0)
    child_id = (fill or {}).get(spec.id) or spec.default_child
    child = specs.get(child_id) if child_id else None
    if child is None or child.level != CHILD_LEVEL[spec.level]:  # what make_part would not place either
        return 0, 1, spec.slots
    chips, parts, slots = count_when_filled(child, specs, fill)
    return spec.slots * chips, 1 + spec.slots * parts, spec.slots * (1 + slots)


def count_slots(parts: Iterable[Part], specs: Mapping[str, AnySpec]) -> int:
    """How many slots, filled or empty, the containers among ``parts`` have (parts whose spec is missing or of
    another level have none: the editor draws them as misfits)."""
    total = 0
    for part in parts:
        spec = specs.get(part.spec_id)
        if isinstance(spec, ContainerSpec) and spec.level == part.level:
            total += spec.slots
    return total


def check_fill_size(spec: AnySpec, specs: dict[str, AnySpec], fill: dict[str, str] | None = None) -> None:
    """Raise :class:`DesignError` if filling a part of ``spec`` would make more chips (or parts, or slots) than
    the limits allow (:data:`dojo_gui.limits.CHIPS`, :data:`~dojo_gui.limits.PARTS`, :data:`~dojo_gui.limits.SLOTS`)."""
    chips, parts, slots = count_when_filled(spec, specs, fill)
    try:
        limits.CHIPS.check(chips)
        limits.PARTS.check(parts)
        limits.SLOTS.check(slots)
    except limits.LimitExceeded as exc:
        raise DesignError(f"{spec.name or spec.id}, filled, would hold {exc}") from None


def make_part(spec: AnySpec, slot: Slot, specs: dict[str, AnySpec], *, fill: bool = True, name: str = "") -> Part:
    """A new part of ``spec`` at ``slot``; with ``fill``, every slot below gets its spec's default child.

    Raises :class:`DesignError` when filling would go over the chip limit (:data:`dojo_gui.limits.CHIPS`).
    """
    if fill:
        check_fill_size(spec, specs)
    part = Part(spec.id, spec.level, slot, name)
    child_spec = specs.get(spec.default_child) if fill and isinstance(spec, ContainerSpec) else None
    if isinstance(spec, ContainerSpec) and child_spec is not None and child_spec.level == CHILD_LEVEL[spec.level]:
        for r in range(spec.rows):
            for c in range(spec.cols):
                child = make_part(child_spec, (r, c), specs, fill=True)
                child.parent = part
                part.children[(r, c)] = child
    return part


def with_figures(spec: AnySpec, **changes) -> AnySpec:
    """A copy of ``spec`` with some figures changed."""
    return replace(spec, **changes)
