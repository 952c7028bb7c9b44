"""Undoable edits.  Each command touches only the model (the :class:`Design`); the scene,
the outline and the inspector follow through the design's change notifications.

A cascade — placing a cabinet with its tiles and the specs it needs, removing several
parts, filling every empty slot, pasting — is one :class:`Macro`, so one Undo takes it back.
Commands refer to parts by path and replay in order, so a path is always valid when used.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from ...model.design import Design, Part, PartPath, Slot, format_path
from ...model.runs import RunRecord
from ...model.specs import AnySpec
from ...model.sweep import Sweep


class DesignCommand(QUndoCommand):
    """A command on one design; ``parent`` makes it part of a macro."""

    def __init__(self, design: Design, text: str, parent: QUndoCommand | None = None) -> None:
        super().__init__(text, parent)
        self.design = design


class Macro(QUndoCommand):
    """Several commands undone and redone as one (children run in order, undo in reverse)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._children: list[QUndoCommand] = []  # Python references keep the overriding wrappers alive

    def add(self, command: QUndoCommand) -> QUndoCommand:
        self._children.append(command)
        return command

    def __len__(self) -> int:
        return len(self._children)

    def redo(self) -> None:
        for child in self._children:
            child.redo()

    def undo(self) -> None:
        for child in reversed(self._children):
            child.undo()


class PlacePart(DesignCommand):
    """Put a detached part (with everything in it) into a slot; undo takes the same object out again."""

    def __init__(self, design: Design, parent_path: PartPath, part: Part, parent: QUndoCommand | None = None) -> None:
        where = format_path(parent_path + (part.slot,))
        super().__init__(design, f"Add {part.name or part.spec_id} at {where}", parent)
        self.parent_path, self.part = parent_path, part

    def redo(self) -> None:
        self.design.place(self.parent_path, self.part)

    def undo(self) -> None:
        self.part = self.design.remove(self.parent_path + (self.part.slot,))


class RemovePart(DesignCommand):
    def __init__(self, design: Design, path: PartPath, parent: QUndoCommand | None = None) -> None:
        super().__init__(design, f"Remove {format_path(path)}", parent)
        self.path = path
        self.part: Part | None = None

    def redo(self) -> None:
        self.part = self.design.remove(self.path)

    def undo(self) -> None:
        assert self.part is not None
        self.design.place(self.path[:-1], self.part)


class MovePart(DesignCommand):
    def __init__(self, design: Design, path: PartPath, slot: Slot, parent: QUndoCommand | None = None) -> None:
        super().__init__(design, f"Move {format_path(path)} to [{slot[0]},{slot[1]}]", parent)
        self.path, self.slot = path, (slot[0], slot[1])  # a tuple, whatever sequence the slot came as

    def redo(self) -> None:
        self.design.move(self.path, self.slot)

    def undo(self) -> None:
        self.design.move(self.path[:-1] + (self.slot,), self.path[-1])


class RelocatePart(DesignCommand):
    """Move a part, with everything in it, into a slot of another container of its level."""

    def __init__(self, design: Design, path: PartPath, parent_path: PartPath, slot: Slot,
                 parent: QUndoCommand | None = None) -> None:
        target = tuple(parent_path) + ((slot[0], slot[1]),)
        super().__init__(design, f"Move {format_path(path)} to {format_path(target)}", parent)
        self.path, self.target = path, target

    def redo(self) -> None:
        self._carry(self.path, self.target)

    def undo(self) -> None:
        self._carry(self.target, self.path)

    def _carry(self, source: PartPath, target: PartPath) -> None:
        part = self.design.remove(source)
        part.slot = target[-1]
        self.design.place(target[:-1], part)


class RenamePart(DesignCommand):
    def __init__(self, design: Design, path: PartPath, name: str, parent: QUndoCommand | None = None) -> None:
        super().__init__(design, f"Rename {format_path(path)} to {name!r}", parent)
        self.path, self.name = path, name
        self.old = design.part(path).name

    def redo(self) -> None:
        self.design.rename(self.path, self.name)

    def undo(self) -> None:
        self.design.rename(self.path, self.old)


class SetPartSpec(DesignCommand):
    def __init__(self, design: Design, path: PartPath, spec_id: str, parent: QUndoCommand | None = None) -> None:
        super().__init__(design, f"Make {format_path(path)} a {spec_id}", parent)
        self.path, self.spec_id = path, spec_id
        self.old = design.part(path).spec_id

    def redo(self) -> None:
        self.design.set_part_spec(self.path, self.spec_id)

    def undo(self) -> None:
        self.design.set_part_spec(self.path, self.old)


class PutSpec(DesignCommand):
    """Add a spec to the design's table or replace the one with its id (every part using it follows)."""

    def __init__(self, design: Design, spec: AnySpec, parent: QUndoCommand | None = None, text: str = "") -> None:
        verb = "Edit" if spec.id in design.specs else "Add"
        super().__init__(design, text or f"{verb} spec {spec.id}", parent)
        self.spec = spec
        self.old: AnySpec | None = design.specs.get(spec.id)

    def redo(self) -> None:
        self.design.put_spec(self.spec)

    def undo(self) -> None:
        if self.old is not None:
            self.design.put_spec(self.old)
        else:
            self.design.drop_spec(self.spec.id)


class SetMeta(DesignCommand):
    def __init__(self, design: Design, *, name: str | None = None, description: str | None = None,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(design, "Rename the design" if name is not None else "Edit the description", parent)
        self.new = (name, description)
        self.old = (design.name if name is not None else None, design.description if description is not None else None)

    def redo(self) -> None:
        self.design.set_meta(name=self.new[0], description=self.new[1])

    def undo(self) -> None:
        self.design.set_meta(name=self.old[0], description=self.old[1])


class KeepRun(DesignCommand):
    """Keep a finished simulation run with the project (its record in ``design.runs``)."""

    def __init__(self, design: Design, record: RunRecord, parent: QUndoCommand | None = None) -> None:
        super().__init__(design, f"Keep run {record.label or record.kind!r}", parent)
        self.record = record
        self.index: int | None = None

    def redo(self) -> None:
        self.index = self.design.add_run(self.record, self.index)

    def undo(self) -> None:
        assert self.index is not None
        self.design.remove_run(self.index)


class DropRun(DesignCommand):
    """Remove a kept run from the project; undo puts the same record back in its place."""

    def __init__(self, design: Design, index: int, parent: QUndoCommand | None = None) -> None:
        label = design.runs[index].label or design.runs[index].kind
        super().__init__(design, f"Remove run {label!r}", parent)
        self.index = index
        self.record: RunRecord | None = None

    def redo(self) -> None:
        self.record = self.design.remove_run(self.index)

    def undo(self) -> None:
        assert self.record is not None
        self.design.add_run(self.record, self.index)


class SetSweeps(DesignCommand):
    """Keep another list of sweeps with the project (a sweep kept, replaced or dropped); undo restores the old list."""

    def __init__(self, design: Design, sweeps: list[Sweep], text: str, parent: QUndoCommand | None = None) -> None:
        super().__init__(design, text, parent)
        self.new, self.old = list(sweeps), list(design.sweeps)

    def redo(self) -> None:
        self.design.set_sweeps(self.new)

    def undo(self) -> None:
        self.design.set_sweeps(self.old)
