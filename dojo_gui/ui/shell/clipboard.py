"""Edit > Cut, Copy, Paste, Duplicate and Delete of the selected parts.

Copies carry their specs (:mod:`dojo_gui.ui.editor.mime`), so parts pasted into another
window or another project bring what they are made of.  Only siblings are copied together:
the selected parts in the container of the current one.  The window owns one
:class:`ClipboardController`; every edit goes through the document, so Undo takes it back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from ...model.design import Part, PartPath, format_path
from ...model.specs import CHILD_LEVEL, AnySpec
from ..editor.mime import MimeError, parts_from_mime, parts_mime
from ..project.document import EditRefused

if TYPE_CHECKING:
    from .mainwindow import MainWindow


class ClipboardController:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.actions = {
            "cut": window.make_action("Cu&t", self.cut, QKeySequence.StandardKey.Cut),
            "copy": window.make_action("&Copy", self.copy, QKeySequence.StandardKey.Copy),
            "paste": window.make_action("&Paste", self.paste, QKeySequence.StandardKey.Paste),
            "duplicate": window.make_action("D&uplicate", self.duplicate, "Ctrl+D"),
            "delete": window.make_action("&Delete", self.delete, QKeySequence.StandardKey.Delete, "delete"),
        }

    def _selected_siblings(self) -> list[PartPath]:
        selection, design = self.window.selection, self.window.document.design
        paths = [p for p in selection.paths if p and design.find(p) is not None]
        if not paths:
            return []
        anchor = selection.current if selection.current in paths else paths[0]
        return [p for p in paths if p[:-1] == anchor[:-1]]

    def copy(self) -> bool:
        paths = self._selected_siblings()
        if not paths:
            self.window.show_status("Select parts to copy", 4000)
            return False
        QApplication.clipboard().setMimeData(parts_mime(self.window.document.design, paths))
        self.window.show_status(f"Copied {len(paths)} part{'s' if len(paths) > 1 else ''}", 4000)
        return True

    def cut(self) -> None:
        if self.copy():
            self.delete()

    def paste_target(self, level: str) -> PartPath | None:
        """The container a pasted part of ``level`` goes into: the selected one, or the one in view."""
        selection, design = self.window.selection, self.window.document.design
        for path in ([selection.current] if selection.current is not None else []) + [selection.focus]:
            while path is not None:
                part = design.find(path)
                if part is not None and CHILD_LEVEL.get(part.level) == level:
                    return path
                path = path[:-1] if path else None
        return () if level == "cabinet" else None

    def paste(self) -> None:
        try:
            parts, specs = parts_from_mime(QApplication.clipboard().mimeData())
        except MimeError as exc:
            self.window.show_status(f"Nothing pasted: {exc}", 8000)
            return
        self._place_copies(parts, specs, self.paste_target(parts[0].level), "Pasted")

    def duplicate(self) -> None:
        paths = self._selected_siblings()
        if not paths:
            self.window.show_status("Select parts to duplicate", 4000)
            return
        design = self.window.document.design
        parts = [design.part(p).clone() for p in paths]
        self._place_copies(parts, {}, paths[0][:-1], "Duplicated")

    def _place_copies(self, parts: list[Part], specs: dict[str, AnySpec], target: PartPath | None, verb: str) -> None:
        window = self.window
        if target is None:
            window.show_status(f"Nothing pasted: select a container that holds {parts[0].level}s", 8000)
            return
        try:
            new = window.document.paste(target, parts, specs)
        except EditRefused as exc:
            window.show_status(f"Nothing pasted: {exc}", 8000)
            return
        window.selection.select_and_focus(new, reveal=True)
        window.show_status(f"{verb} {len(new)} part{'s' if len(new) > 1 else ''} into {format_path(target)}", 5000)

    def delete(self) -> None:
        paths = [p for p in self.window.selection.paths if p]
        if not paths:
            self.window.show_status("Select parts to delete", 4000)
            return
        try:
            n = self.window.document.remove(paths)
            self.window.show_status(f"Removed {n} part{'s' if n > 1 else ''} (Undo brings "
                                    f"{'them' if n > 1 else 'it'} back)", 5000)
        except EditRefused as exc:
            self.window.show_status(f"Nothing removed: {exc}", 6000)
