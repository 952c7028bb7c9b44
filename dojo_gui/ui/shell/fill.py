"""Edit > Fill Empty Slots With: every empty slot of a container filled with one spec, in one undoable step.

The menu lists the specs of the container's child level that fit at least one of its
empty slots, the design's own first, each with the number of slots it would fill.  The
window owns one :class:`FillController` for the Edit menu and the canvas's context menu.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

from ...model.design import PartPath, format_path
from ...model.placement import accepting_slots, spec_title
from ...model.specs import CHILD_LEVEL
from ...text import count
from ..editor.icons import spec_icon
from ..project.document import EditRefused

if TYPE_CHECKING:
    from .mainwindow import MainWindow


class FillController:
    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def target(self) -> PartPath:
        """The selected container, or else the one in view."""
        selection = self.window.selection
        current = selection.current
        part = self.window.document.design.find(current) if current is not None else None
        if part is not None and CHILD_LEVEL.get(part.level):
            return current
        return selection.focus

    def populate(self, menu: QMenu, target: PartPath | None) -> None:
        """Fill ``menu`` with the specs that fit ``target``'s empty slots (None: :meth:`target`)."""
        menu.clear()
        target = self.target() if target is None else target
        document = self.window.document
        design = document.design
        part = design.find(target)
        empty = design.empty_slots(part) if part is not None else []
        if not empty:
            menu.addAction(f"{format_path(target)} has no empty slot").setEnabled(False)
            return
        level = CHILD_LEVEL[part.level]
        options = [s for s in document.lookup().values() if s.level == level and accepting_slots(design, part, s)]
        if not options:
            menu.addAction(f"No {level} spec fits {format_path(target)}").setEnabled(False)
        for spec in sorted(options, key=lambda s: (s.id not in design.specs, spec_title(s).lower())):
            slots = len(accepting_slots(design, part, spec))
            action = menu.addAction(spec_icon(spec), f"{spec_title(spec)}  ({count(slots, 'slot')})")
            action.triggered.connect(lambda _c=False, sid=spec.id, t=target: self.fill_empty(t, sid))

    def fill_empty(self, target: PartPath, spec_id: str) -> None:
        try:
            n = self.window.document.fill_empty(target, spec_id)
            self.window.show_status(f"Filled {count(n, 'empty slot')} of {format_path(target)}", 5000)
        except EditRefused as exc:
            self.window.show_status(f"Not filled: {exc}", 8000)
