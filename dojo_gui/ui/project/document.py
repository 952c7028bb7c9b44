"""The open project as the widgets see it: the design, its undo stack and its file.

:class:`DesignDocument` wraps the model's :class:`Design`, re-emits its change
notifications as Qt signals, and is the only thing the widgets edit through: every
method that changes the design checks the edit first (raising :class:`EditRefused`
with a sentence for the status bar) and then pushes an undoable command.  An edit that
adds parts or slots (a fill, a paste, a larger grid) is refused before anything is built
if the design would then hold more chips, parts or slots than the limits allow
(:mod:`dojo_gui.limits`), with the figure and the limit.

A spec id names one spec within a project.  A spec dragged from the built-in catalog
(or pasted from another project) whose id the project already has means the project's
spec; a spec the project does not have yet is copied into the project's table by the
same undoable step that first uses it, so a project file is always self-contained.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from ... import limits, units
from ...io.project import save as save_project
from ...model.design import Change, Design, Part, PartPath, Slot, count_slots, count_when_filled, format_path
from ...model.placement import (
    accepting_slots,
    build_part,
    fit_problem,
    next_free_name,
    slot_problem,
    spec_closure,
    spec_title,
)
from ...model.runs import RunRecord
from ...model.specs import CHILD_LEVEL, AnySpec, ContainerSpec, field_meta, parse_figure
from ...text import count
from .commands import (
    DropRun,
    KeepRun,
    Macro,
    MovePart,
    PlacePart,
    PutSpec,
    RelocatePart,
    RemovePart,
    RenamePart,
    SetMeta,
    SetPartSpec,
    SetSweeps,
)


class EditRefused(Exception):
    """An edit that does not fit; the message says why, in words for the status bar."""


class DesignDocument(QObject):
    sigPartAdded = Signal(object)  # fires after a part was placed; its path
    sigPartRemoved = Signal(object)  # fires after a part was taken out; the path it had
    sigPartMoved = Signal(object, object)  # fires after a part moved to another slot; its new and old path
    sigPartChanged = Signal(object)  # fires after a part was renamed or given another spec; its path
    sigSpecsChanged = Signal(str)  # fires after a spec was added to, replaced in or dropped from the design; its id
    sigReset = Signal()  # fires after the whole design was replaced (open, revert, new, recover)
    sigMetaChanged = Signal()  # fires after the design's name or description changed
    sigRunsChanged = Signal()  # fires after a saved run was kept or removed
    sigSweepsChanged = Signal()  # fires after a sweep was kept with the project, replaced or removed
    sigChanged = Signal()  # fires after every change of the design, once per change
    sigFileChanged = Signal()  # fires when the file the document belongs to changed (open, save as)
    sigModifiedChanged = Signal(bool)  # fires when the design becomes modified or returns to its saved state

    def __init__(self, design: Design, catalog: dict[str, AnySpec], file_path: str | os.PathLike | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.design = design
        self.catalog = catalog
        self.file_path: Path | None = Path(file_path) if file_path else None
        self.origin = ""  # what an untitled document was made from ("the ExaPOD example"), for the title
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        # Design.revision at the latest change of what a simulation sees (parts and specs; not the
        # name, description or saved runs): results computed at this revision still hold.
        self.content_revision = design.revision
        design.subscribe(self._on_change)

    def _on_clean_changed(self, clean: bool) -> None:
        self.sigModifiedChanged.emit(not clean)

    # ----------------------------------------------------------------- model notifications -> signals
    def _on_change(self, change: Change) -> None:
        kind = change.kind
        if kind not in ("meta", "runs", "sweeps"):
            self.content_revision = self.design.revision
        if kind == "added":
            self.sigPartAdded.emit(change.path)
        elif kind == "removed":
            self.sigPartRemoved.emit(change.path)
        elif kind == "moved":
            self.sigPartMoved.emit(change.path, change.old_path)
        elif kind in ("renamed", "spec"):
            self.sigPartChanged.emit(change.path)
        elif kind == "specs":
            self.sigSpecsChanged.emit(change.spec_id or "")
        elif kind == "reset":
            self.sigReset.emit()
        elif kind == "meta":
            self.sigMetaChanged.emit()
        elif kind == "runs":
            self.sigRunsChanged.emit()
        elif kind == "sweeps":
            self.sigSweepsChanged.emit()
        self.sigChanged.emit()

    # ----------------------------------------------------------------- file state
    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean()

    def title(self) -> str:
        if self.file_path is not None:
            return self.file_path.name
        return f"Untitled ({self.origin})" if self.origin else "Untitled"

    def replace(self, design: Design, file_path: str | os.PathLike | None, *, origin: str = "",
                modified: bool = False) -> None:
        """Become another project (open, revert, new, recover); the undo history starts afresh."""
        was_modified = self.modified
        self.undo_stack.clear()
        self.design.replace_all(design)
        self.file_path = Path(file_path) if file_path else None
        self.origin = origin
        if modified:
            self.undo_stack.resetClean()  # never clean until saved: the content is not in any file
        else:
            self.undo_stack.setClean()
        if was_modified != self.modified:
            self.sigModifiedChanged.emit(self.modified)
        self.sigFileChanged.emit()

    def save(self, file_path: str | os.PathLike | None = None) -> Path:
        """Write the design (atomically) to ``file_path`` or its own file; raises OSError or ProjectFileError."""
        target = Path(file_path) if file_path else self.file_path
        if target is None:
            raise ValueError("an untitled document needs a file name to be saved")
        save_project(self.design, target)
        changed_file = target != self.file_path
        self.file_path = target
        self.undo_stack.setClean()
        if changed_file:
            self.sigFileChanged.emit()
        return target

    # ----------------------------------------------------------------- specs
    def lookup(self, extra: dict[str, AnySpec] | None = None) -> dict[str, AnySpec]:
        """Every spec an id can mean here: the project's first, then the catalog, then ``extra``."""
        return {**(extra or {}), **self.catalog, **self.design.specs}

    def resolve(self, spec_id: str, carried: dict[str, AnySpec] | None = None) -> AnySpec | None:
        return self.lookup(carried).get(spec_id)

    def _import(self, macro: Macro, specs: list[AnySpec]) -> None:
        """Copy into the project the specs it does not have yet (as steps of ``macro``)."""
        for spec in specs:
            if spec.id not in self.design.specs:
                macro.add(PutSpec(self.design, spec, text=f"Copy spec {spec.id} into the project"))

    def _push(self, macro: Macro) -> None:
        if len(macro):
            self.undo_stack.push(macro)

    def _check_growth(self, chips: int, parts: int, slots: int, specs: dict[str, AnySpec] | None = None) -> None:
        """Refuse (before anything is built) an edit that adds ``chips``, ``parts`` and ``slots`` if the design
        would then hold more than the limits allow; ``specs`` are the project's specs as the edit leaves them."""
        have = list(self.design.parts())
        try:
            limits.CHIPS.check(sum(part.level == "chip" for part in have) + chips)
            limits.PARTS.check(len(have) + parts)
            limits.SLOTS.check(count_slots(have, self.design.specs if specs is None else specs) + slots)
        except limits.LimitExceeded as exc:
            raise EditRefused(f"the design would hold {exc}") from None

    # ----------------------------------------------------------------- placing
    def placement_problem(self, parent_path: PartPath, slot: Slot, spec: AnySpec,
                          carried: dict[str, AnySpec] | None = None) -> str | None:
        return slot_problem(self.design, parent_path, slot, spec, self.lookup(carried))

    def place_new(self, parent_path: PartPath, slot: Slot, spec_id: str,
                  carried: dict[str, AnySpec] | None = None, *, filled: bool = False) -> PartPath:
        """Put a new part of ``spec_id`` into a slot, empty or (``filled``) with its default children; returns
        its path."""
        lookup = self.lookup(carried)
        spec = lookup.get(spec_id)
        if spec is None:
            raise EditRefused(f"unknown spec {spec_id!r}")
        problem = slot_problem(self.design, parent_path, slot, spec, lookup)
        if problem:
            raise EditRefused(problem)
        chips, parts, slots = count_when_filled(spec, lookup) if filled else count_when_filled(spec, {})
        self._check_growth(chips, parts, slots)
        part = build_part(spec, slot, lookup, fill=filled)
        state = "" if not isinstance(spec, ContainerSpec) else (" (filled)" if part.children else " (empty)")
        macro = Macro(f"Add {spec_title(spec)}{state} at {format_path(parent_path + (slot,))}")
        self._import(macro, spec_closure(spec, lookup))  # empty or not, the project knows what fills it
        parent = self.design.part(parent_path)
        part.name = next_free_name(self.design, parent, "C") if spec.level == "cabinet" else ""
        macro.add(PlacePart(self.design, parent_path, part))
        self._push(macro)
        return parent_path + (slot,)

    def fill_empty(self, parent_path: PartPath, spec_id: str, carried: dict[str, AnySpec] | None = None) -> int:
        """Fill every empty slot of a container with new parts of ``spec_id``; returns how many."""
        lookup = self.lookup(carried)
        spec = lookup.get(spec_id)
        parent = self.design.find(parent_path)
        if spec is None or parent is None:
            raise EditRefused(f"unknown spec {spec_id!r}" if spec is None else f"{format_path(parent_path)} does not exist")
        slots = accepting_slots(self.design, parent, spec)
        if not slots:
            empty = self.design.empty_slots(parent)
            if not empty:
                raise EditRefused(f"{format_path(parent_path)} has no empty slot")
            raise EditRefused(slot_problem(self.design, parent_path, empty[0], spec, lookup) or "it does not fit")
        chips, parts, inner = count_when_filled(spec, lookup)
        self._check_growth(len(slots) * chips, len(slots) * parts, len(slots) * inner)
        macro = Macro(f"Fill {count(len(slots), 'empty slot')} of {format_path(parent_path)} with {spec_title(spec)}")
        self._import(macro, spec_closure(spec, lookup))
        names = self._cabinet_names(parent, len(slots)) if spec.level == "cabinet" else [""] * len(slots)
        for slot, name in zip(slots, names):
            macro.add(PlacePart(self.design, parent_path, build_part(spec, slot, lookup, name)))
        self._push(macro)
        return len(slots)

    def _cabinet_names(self, room: Part, n: int) -> list[str]:
        used = {c.name for c in room.children.values()}
        free = (f"C{k:02d}" for k in itertools.count(1) if f"C{k:02d}" not in used)
        return list(itertools.islice(free, n))

    # ----------------------------------------------------------------- removing and moving
    def remove(self, paths: list[PartPath]) -> int:
        """Remove parts with everything in them (parts inside another removed part are covered by it)."""
        paths = [tuple(p) for p in paths if p]
        top = [p for p in paths if not any(q != p and p[: len(q)] == q for q in paths)]
        top = [p for p in dict.fromkeys(top) if self.design.find(p) is not None]
        if not top:
            raise EditRefused("nothing to remove" if not paths else "the selected parts are gone")
        text = f"Remove {format_path(top[0])}" if len(top) == 1 else f"Remove {count(len(top), 'part')}"
        macro = Macro(text)
        for path in sorted(top, reverse=True):
            macro.add(RemovePart(self.design, path))
        self._push(macro)
        return len(top)

    def move_problem(self, paths: list[PartPath], delta: tuple[int, int], into: PartPath | None = None) -> str | None:
        """Why shifting these sibling parts by (rows, cols) does not fit; None if it does.

        ``into``: another container of their level to shift them into (the slots counted from its corner).
        """
        if not paths:
            return "nothing to move"
        parents = {p[:-1] for p in paths}
        if len(parents) != 1 or () in paths:
            return "only parts of the same container move together"
        if into is not None and tuple(into) != next(iter(parents)):
            for path in paths:
                part = self.design.find(path)
                spec = self.design.specs.get(part.spec_id) if part is not None else None
                if spec is None:
                    return f"{format_path(path)} is gone"
                problem = slot_problem(self.design, tuple(into), (path[-1][0] + delta[0], path[-1][1] + delta[1]), spec,
                                       self.lookup())
                if problem:
                    return problem
            return None
        parent = self.design.find(next(iter(parents)))
        spec = self.design.specs.get(parent.spec_id) if parent else None
        if parent is None or not isinstance(spec, ContainerSpec):
            return "the container is gone"
        moving = {p[-1] for p in paths}
        for slot in moving:
            r, c = slot[0] + delta[0], slot[1] + delta[1]
            if not (0 <= r < spec.rows and 0 <= c < spec.cols):
                return f"{format_path(parent.path)} has no slot [{r},{c}] (its grid is {spec.rows}x{spec.cols})"
            if (r, c) in parent.children and (r, c) not in moving:
                other = parent.children[(r, c)]
                return f"{format_path(parent.path + ((r, c),))} is taken by {other.name or other.spec_id}"
        return None

    def move(self, paths: list[PartPath], delta: tuple[int, int], into: PartPath | None = None) -> list[PartPath]:
        """Shift sibling parts by (rows, cols) in their container, or into container ``into``; returns their
        new paths."""
        paths = list(dict.fromkeys(tuple(p) for p in paths))
        elsewhere = into is not None and paths and tuple(into) != paths[0][:-1]
        if delta == (0, 0) and not elsewhere:
            return paths
        problem = self.move_problem(paths, delta, into)
        if problem:
            raise EditRefused(problem)
        if elsewhere:
            into = tuple(into)
            targets = [into + ((p[-1][0] + delta[0], p[-1][1] + delta[1]),) for p in paths]
            what = format_path(paths[0]) if len(paths) == 1 else count(len(paths), "part")
            macro = Macro(f"Move {what} into {format_path(into)}")
            for path, target in zip(paths, targets):
                macro.add(RelocatePart(self.design, path, into, target[-1]))
            self._push(macro)
            return targets
        # Parts furthest along the move go first, so every target slot is free when its part arrives.
        order = sorted(paths, key=lambda p: p[-1][0] * delta[0] + p[-1][1] * delta[1], reverse=True)
        text = f"Move {format_path(paths[0])}" if len(paths) == 1 else f"Move {count(len(paths), 'part')}"
        macro = Macro(text)
        for path in order:
            macro.add(MovePart(self.design, path, (path[-1][0] + delta[0], path[-1][1] + delta[1])))
        self._push(macro)
        return [p[:-1] + ((p[-1][0] + delta[0], p[-1][1] + delta[1]),) for p in paths]

    # ----------------------------------------------------------------- names, specs, figures
    def rename(self, path: PartPath, name: str) -> None:
        if self.design.part(path).name != name:
            macro = Macro(f"Rename {format_path(path)}")
            macro.add(RenamePart(self.design, path, name))
            self._push(macro)

    def set_meta(self, *, name: str | None = None, description: str | None = None) -> None:
        if (name is None or name == self.design.name) and (description is None or description == self.design.description):
            return
        macro = Macro("Edit the design's name and description")
        macro.add(SetMeta(self.design, name=name, description=description))
        self._push(macro)

    def set_part_spec(self, paths: list[PartPath], spec_id: str) -> None:
        """Give parts another spec of their level (what they hold stays where it fits)."""
        lookup = self.lookup()
        spec = lookup.get(spec_id)
        if spec is None:
            raise EditRefused(f"unknown spec {spec_id!r}")
        for path in paths:
            part = self.design.part(path)
            if spec.level != part.level:
                raise EditRefused(f"{spec_title(spec)} is a {spec.level}; {format_path(path)} is a {part.level} slot")
            parent_spec = self.design.specs.get(part.parent.spec_id) if part.parent else None
            problem = fit_problem(parent_spec, spec, lookup) if isinstance(parent_spec, ContainerSpec) else None
            if problem:
                raise EditRefused(problem)
        todo = [p for p in paths if self.design.part(p).spec_id != spec.id]
        if not todo:
            return
        grid = spec.slots if isinstance(spec, ContainerSpec) else 0  # every part in todo is of the spec's level
        self._check_growth(0, 0, len(todo) * grid - count_slots([self.design.part(p) for p in todo], self.design.specs))
        macro = Macro(f"Make {count(len(todo), 'part')} {spec_title(spec)}" if len(todo) > 1
                      else f"Make {format_path(todo[0])} {spec_title(spec)}")
        self._import(macro, [spec])
        for path in todo:
            macro.add(SetPartSpec(self.design, path, spec.id))
        self._push(macro)

    def edit_figure(self, spec_id: str, field: str, raw) -> bool:
        """Set one figure of a project spec from user text; every part using the spec follows.

        Raises :class:`~dojo_gui.model.specs.FigureError` (with the reason) for a value the
        field does not take.  Returns False when the value is what the spec already has.
        """
        spec = self.design.specs.get(spec_id)
        if spec is None:
            raise EditRefused(f"spec {spec_id!r} is not part of the project; use it in the design first")
        value = parse_figure(type(spec), field, raw)
        if getattr(spec, field) == value:
            return False
        new = dataclasses.replace(spec, **{field: value})
        if field in ("rows", "cols"):  # every part of the spec gets the new grid: its slots must fit the limit
            self._check_growth(0, 0, 0, {**self.design.specs, spec_id: new})
        label = field_meta(type(spec), field).get("label", field)
        shown = units.format_for_name(field, value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
        macro = Macro(f"Set {label} of {spec_title(spec)} to {shown}")
        macro.add(PutSpec(self.design, new))
        self._push(macro)
        return True

    def make_variant(self, spec_id: str, paths: list[PartPath]) -> str:
        """A copy of a spec under a new id, given to ``paths``, so it can be edited for those parts alone."""
        spec = self.resolve(spec_id)
        if spec is None:
            raise EditRefused(f"unknown spec {spec_id!r}")
        taken = set(self.lookup())
        new_id = next(f"{spec_id}-v{k}" for k in itertools.count(2) if f"{spec_id}-v{k}" not in taken)
        variant = dataclasses.replace(spec, id=new_id, name=f"{spec_title(spec)} (variant {new_id.rsplit('-v', 1)[1]})")
        macro = Macro(f"Make a variant of {spec_title(spec)}")
        macro.add(PutSpec(self.design, variant))
        for path in paths:
            if self.design.part(path).spec_id == spec_id:
                macro.add(SetPartSpec(self.design, path, new_id))
        self._push(macro)
        return new_id

    # ----------------------------------------------------------------- saved runs
    def keep_run(self, record: RunRecord) -> int:
        """Keep a finished run with the project (undoable; the project becomes modified); returns its index."""
        command = KeepRun(self.design, record)
        self.undo_stack.push(command)
        assert command.index is not None
        return command.index

    def remove_runs(self, indices: list[int]) -> int:
        """Remove kept runs (one undoable step); returns how many."""
        indices = sorted({i for i in indices if 0 <= i < len(self.design.runs)}, reverse=True)
        if not indices:
            raise EditRefused("no saved run selected")
        macro = Macro(f"Remove {len(indices)} saved runs" if len(indices) > 1 else
                      f"Remove run {self.design.runs[indices[0]].label!r}")
        for index in indices:  # from the end, so every index is still valid when its turn comes
            macro.add(DropRun(self.design, index))
        self._push(macro)
        return len(indices)

    # ----------------------------------------------------------------- sweeps
    def keep_sweep(self, sweep, index: int | None = None) -> int:
        """Keep a sweep and its results with the project, in place of the one at ``index`` or after the others
        (undoable); returns its index."""
        sweeps = list(self.design.sweeps)
        if index is None or not 0 <= index < len(sweeps):
            sweeps.append(sweep)
            index = len(sweeps) - 1
        else:
            sweeps[index] = sweep
        self.undo_stack.push(SetSweeps(self.design, sweeps, f"Keep sweep {sweep.name!r}"))
        return index

    def remove_sweep(self, index: int) -> None:
        sweeps = list(self.design.sweeps)
        if not 0 <= index < len(sweeps):
            raise EditRefused("no kept sweep selected")
        name = sweeps.pop(index).name
        self.undo_stack.push(SetSweeps(self.design, sweeps, f"Remove sweep {name!r}"))

    # ----------------------------------------------------------------- paste
    def paste(self, parent_path: PartPath, parts: list[Part], specs: dict[str, AnySpec]) -> list[PartPath]:
        """Place copies of detached parts into the empty slots of a container, in order.

        ``specs`` are what the parts were made of; ids the project already has mean the project's spec.
        """
        parent = self.design.find(parent_path)
        if parent is None:
            raise EditRefused(f"{format_path(parent_path)} does not exist")
        if not parts:
            raise EditRefused("nothing to paste")
        lookup = self.lookup(specs)
        child_level = CHILD_LEVEL[parent.level]
        if child_level != parts[0].level:
            raise EditRefused(f"the clipboard holds {parts[0].level}s; {format_path(parent_path)} holds "
                              f"{child_level + 's' if child_level else 'nothing'}")
        free = self.design.empty_slots(parent)
        # Keep the pasted parts' own slots where those are free, else the next free slots in order.
        wanted = [p.slot for p in parts]
        if all(s in free for s in wanted) and len(set(wanted)) == len(wanted):
            slots = wanted
        else:
            slots = free[: len(parts)]
        if len(slots) < len(parts):
            raise EditRefused(f"{format_path(parent_path)} has {count(len(free), 'empty slot')}; the clipboard holds "
                              f"{count(len(parts), 'part')}")
        for part, slot in zip(parts, slots):
            spec = lookup.get(part.spec_id)
            if spec is None:
                raise EditRefused(f"the clipboard uses spec {part.spec_id!r}, which it does not carry")
            problem = slot_problem(self.design, parent_path, slot, spec, lookup)
            if problem:
                raise EditRefused(problem)
        pasted = [p for part in parts for p in part.walk()]
        self._check_growth(sum(p.level == "chip" for p in pasted), len(pasted), count_slots(pasted, lookup))
        needed = {p.spec_id for p in pasted}
        macro = Macro(f"Paste {count(len(parts), parts[0].level)} into {format_path(parent_path)}")
        self._import(macro, [lookup[i] for i in sorted(needed) if i in lookup])
        names = self._cabinet_names(parent, len(parts)) if child_level == "cabinet" else None
        for k, (part, slot) in enumerate(zip(parts, slots)):
            twin = part.clone()
            twin.slot = slot
            if names is not None:
                twin.name = names[k]
            macro.add(PlacePart(self.design, parent_path, twin))
        self._push(macro)
        return [parent_path + (s,) for s in slots]
