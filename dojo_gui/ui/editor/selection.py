"""What the user is looking at: the selected parts and the container the canvas has entered.

The canvas, the outline, the findings panel and the inspector share one :class:`Selection`.
It follows the design: a moved part stays selected under its new path, a removed one
leaves the selection, and the entered container ("focus") climbs out of anything removed.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ...model.design import PartPath
from ..project.document import DesignDocument


class Selection(QObject):
    sigChanged = Signal()  # fires when the selected paths or the current one changed
    sigFocusChanged = Signal(object)  # fires when the canvas entered or left a container; the new focus path
    sigRevealRequested = Signal(object)  # fires when a panel asks the canvas to show a part; its path

    def __init__(self, document: DesignDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.paths: list[PartPath] = []
        self.current: PartPath | None = None
        self.focus: PartPath = ()
        document.sigPartRemoved.connect(self._on_removed)
        document.sigPartMoved.connect(self._on_moved)
        document.sigReset.connect(self._on_reset)

    # ----------------------------------------------------------------- changing
    def set(self, paths: list[PartPath], current: PartPath | None = None, *, reveal: bool = False) -> None:
        paths = list(dict.fromkeys(tuple(p) for p in paths))
        current = tuple(current) if current is not None else (paths[-1] if paths else None)
        if current is not None and current not in paths:
            paths.append(current)
        changed = paths != self.paths or current != self.current
        self.paths, self.current = paths, current
        if changed:
            self.sigChanged.emit()
        if reveal and current is not None:
            self.sigRevealRequested.emit(current)

    def clear(self) -> None:
        self.set([])

    def toggle(self, path: PartPath) -> None:
        if path in self.paths:
            rest = [p for p in self.paths if p != path]
            self.set(rest, rest[-1] if rest else None)
        else:
            self.set(self.paths + [path], path)

    def select_and_focus(self, paths: list[PartPath], *, reveal: bool = True) -> None:
        """Select parts and enter the container that holds the first (panels use this)."""
        if paths:
            self.set_focus(paths[0][:-1] if paths[0] else ())
        self.set(paths, reveal=reveal)

    def select_all_and_show(self, paths: list[PartPath]) -> None:
        """Select parts (the first is the current one) and enter the smallest container holding them all,
        brought into view: what picking a group of findings does."""
        if len(paths) <= 1:
            self.select_and_focus(paths)
            return
        common = paths[0][:-1]
        for path in paths[1:]:
            n = 0
            while n < min(len(common), len(path) - 1) and common[n] == path[n]:
                n += 1
            common = common[:n]
        self.set_focus(common)
        self.set(paths, paths[0])
        self.sigRevealRequested.emit(common)

    def set_focus(self, path: PartPath) -> None:
        path = tuple(path)
        if self.document.design.find(path) is None:
            path = ()
        if path != self.focus:
            self.focus = path
            self.sigFocusChanged.emit(path)

    # ----------------------------------------------------------------- following the design
    def _on_removed(self, path: PartPath) -> None:
        n = len(path)
        kept = [p for p in self.paths if p[:n] != path]
        if self.focus[:n] == path:
            self.focus = path[:-1]
            self.sigFocusChanged.emit(self.focus)
        if kept != self.paths:
            self.set(kept, self.current if self.current in kept else (kept[-1] if kept else None))

    def _on_moved(self, new: PartPath, old: PartPath) -> None:
        n = len(old)

        def moved(p: PartPath) -> PartPath:
            return new + p[n:] if p[:n] == old else p

        if self.focus[:n] == old:
            self.focus = moved(self.focus)
            self.sigFocusChanged.emit(self.focus)
        paths = [moved(p) for p in self.paths]
        current = moved(self.current) if self.current is not None else None
        if paths != self.paths or current != self.current:
            self.paths, self.current = paths, current
            self.sigChanged.emit()

    def _on_reset(self) -> None:
        self.paths, self.current = [], None
        self.focus = ()
        self.sigFocusChanged.emit(())
        self.sigChanged.emit()
