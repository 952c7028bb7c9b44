"""One class per mouse gesture on the canvas, from the press (or drag enter) to the release (or drop).

The view starts a gesture and hands it the events until it ends.  A gesture reads the
scene to find what is under the pointer, shows temporary marks, and at its end asks the
document for one edit (which the document checks and pushes as an undoable command).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, QRect, QSize, Qt
from PySide6.QtWidgets import QRubberBand

from ...model.design import PartPath, format_path
from ...model.placement import accepting_slots, default_contents, describe_contents, slot_problem, spec_title
from ...model.specs import CHILD_LEVEL, AnySpec
from ...render import colours as C
from ...text import agree, count
from ..project.document import EditRefused
from .canvas.items import MarkItem
from .mime import SpecDrag

if TYPE_CHECKING:
    from .canvas.view import CanvasView

# Held while dropping a container from the palette: it arrives the other way round from the palette's
# "filled" toggle (empty by default, so filled with its default contents).
FILL_MODIFIER = Qt.KeyboardModifier.ShiftModifier
FILL_MODIFIER_NAME = "Shift"


class Interaction:
    """A gesture in progress on ``view``."""

    cursor: Qt.CursorShape | None = None

    def __init__(self, view: CanvasView) -> None:
        self.view = view
        self.scene = view.canvas
        self.document = view.document
        self.selection = view.selection
        self.design = view.document.design

    def press(self, pos: QPoint, modifiers: Qt.KeyboardModifier) -> None: ...

    def move(self, pos: QPoint, modifiers: Qt.KeyboardModifier) -> None: ...

    def release(self, pos: QPoint, modifiers: Qt.KeyboardModifier) -> None:
        self.end()

    def cancel(self) -> None:
        self.end()

    def end(self) -> None:
        """Remove every temporary mark and hand the view back its idle state."""
        self.view.interaction_ended(self)

    def scene_pos(self, pos: QPoint) -> QPointF:
        return self.view.mapToScene(pos)

    def status(self, text: str, timeout_ms: int = 0) -> None:
        self.view.sigStatus.emit(text, timeout_ms)


class Pan(Interaction):
    """Drag the view around (middle button, or the left button with Space held)."""

    cursor = Qt.CursorShape.ClosedHandCursor

    def press(self, pos, modifiers) -> None:
        self.last = pos

    def move(self, pos, modifiers) -> None:
        delta = pos - self.last
        self.last = pos
        self.view.scroll_by(-delta.x(), -delta.y())


class ClickSelect(Interaction):
    """A press on a part: select it (Ctrl/Shift adds or toggles); dragging a selected part moves the selection."""

    DRAG_DISTANCE = 5

    def __init__(self, view: CanvasView, path: PartPath) -> None:
        super().__init__(view)
        self.path = path

    def press(self, pos, modifiers) -> None:
        self.origin = pos
        self.additive = bool(modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier))
        self.was_selected = self.path in self.selection.paths
        if self.additive:
            self.selection.toggle(self.path)
        elif not self.was_selected:
            self.selection.set([self.path])
        else:
            self.selection.set(self.selection.paths, self.path)

    def move(self, pos, modifiers) -> None:
        if (pos - self.origin).manhattanLength() < self.DRAG_DISTANCE or self.path not in self.selection.paths:
            return
        siblings = [p for p in self.selection.paths if p[:-1] == self.path[:-1] and p]
        if siblings:
            gesture = MoveParts(self.view, siblings, self.origin)
            self.view.replace_interaction(self, gesture)
            gesture.move(pos, modifiers)

    def release(self, pos, modifiers) -> None:
        if self.was_selected and not self.additive:
            self.selection.set([self.path])  # a plain click on one of several selected parts keeps only it
        self.end()


class RubberBand(Interaction):
    """A press on empty space inside the entered container: drag a rectangle to select the parts it touches."""

    def press(self, pos, modifiers) -> None:
        self.origin = pos
        self.additive = bool(modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier))
        self.before = list(self.selection.paths) if self.additive else []
        self.band = QRubberBand(QRubberBand.Shape.Rectangle, self.view.viewport())
        self.band.setGeometry(QRect(pos, QSize()))
        self.band.show()
        if not self.additive:
            self.selection.clear()

    def move(self, pos, modifiers) -> None:
        rect = QRect(self.origin, pos).normalized()
        self.band.setGeometry(rect)
        scene_rect = self.view.mapToScene(rect).boundingRect()
        focus = self.selection.focus
        parent = self.design.find(focus)
        hits = []
        if parent is not None:
            for slot in sorted(parent.children):
                path = focus + (slot,)
                if self.scene.rect_of(path).intersects(scene_rect):
                    hits.append(path)
        self.selection.set(self.before + [p for p in hits if p not in self.before])

    def end(self) -> None:
        self.band.hide()
        self.band.deleteLater()
        super().end()


class MoveParts(Interaction):
    """Drag selected sibling parts to other slots of their container, or into another container of their level
    (a tile into the next cabinet), snapped to the grid (cabinets on the floor)."""

    cursor = Qt.CursorShape.SizeAllCursor

    def __init__(self, view: CanvasView, paths: list[PartPath], origin: QPoint) -> None:
        super().__init__(view)
        self.paths = paths
        self.parent_path = paths[0][:-1]
        self.parent = self.design.part(self.parent_path)
        self.place = self.scene.layout.place_of(self.parent_path)
        self.level = self.design.part(paths[0]).level
        self.start = self._slot_at(origin)
        self.delta = (0, 0)
        self.target = self.parent_path  # the container the parts go into
        self.ghosts = []
        for _ in paths:
            ghost = MarkItem(C.ACCEPT)
            ghost.hide()
            self.scene.addItem(ghost)
            self.ghosts.append(ghost)
        self.faded = [self.scene.cabinet_items[p[0]] for p in paths if len(p) == 1 and p[0] in self.scene.cabinet_items]
        for item in self.faded:
            item.setOpacity(0.45)

    def _slot_at(self, pos: QPoint):
        local = self.place.unmap(self.scene_pos(pos))
        return self.scene.layout.slot_near(self.parent, local, clamp=True)

    @property
    def moving(self) -> bool:
        return self.delta != (0, 0) or self.target != self.parent_path

    def move(self, pos, modifiers) -> None:
        # Over a slot of another container of the parts' level, they go there; elsewhere they stay in
        # their own container, at the slot nearest the pointer.
        hit = self.scene.layout.slot_at(self.scene_pos(pos), self.level) if self.parent_path else None
        if hit is not None and hit[0] != self.parent_path:
            self.target, slot = hit
        else:
            self.target, slot = self.parent_path, self._slot_at(pos)
        self.delta = (slot[0] - self.start[0], slot[1] - self.start[1])
        problem = self.document.move_problem(self.paths, self.delta, self.target) if self.moving else None
        colour = C.REFUSE if problem else C.ACCEPT
        for path, ghost in zip(self.paths, self.ghosts):
            target = (path[-1][0] + self.delta[0], path[-1][1] + self.delta[1])
            ghost.setRect(self.scene.layout.slot_scene_rect(self.target, target))
            ghost.set_colour(colour)
            ghost.setVisible(self.moving)
        what = count(len(self.paths), "part")
        if problem:
            self.status(f"Cannot move here: {problem}")
        elif self.target != self.parent_path:
            self.status(f"Move {what} into {format_path(self.target)}")
        elif self.moving:
            rows, cols = self.delta
            self.status(f"Move {what} by {rows:+d} {agree(abs(rows), 'row')}, {cols:+d} {agree(abs(cols), 'column')}")

    def release(self, pos, modifiers) -> None:
        self.move(pos, modifiers)
        if self.moving:
            try:
                moved = self.document.move(self.paths, self.delta, self.target)
                self.selection.set(moved)
                self.status(f"Moved {count(len(moved), 'part')}", 4000)
            except EditRefused as exc:
                self.status(f"Not moved: {exc}", 8000)
        self.end()

    def end(self) -> None:
        for ghost in self.ghosts:
            self.scene.removeItem(ghost)
        self.ghosts = []
        for item in self.faded:
            item.setOpacity(1.0)
        super().end()


class PaletteDrop(Interaction):
    """A spec dragged from the palette: light up the slots that take it, show the one under the pointer, place it on drop."""

    def __init__(self, view: CanvasView, drag: SpecDrag) -> None:
        super().__init__(view)
        self.drag = drag
        self.spec: AnySpec | None = self.document.resolve(drag.spec_id, drag.carried)
        self.mark = MarkItem(C.ACCEPT)
        self.mark.hide()
        self.scene.addItem(self.mark)
        accepting = set()
        if self.spec is not None:
            parent_level = next((p for p, c in CHILD_LEVEL.items() if c == self.spec.level), None)
            for container in self.design.parts(parent_level) if parent_level else ():
                path = container.path
                accepting.update((path, slot) for slot in accepting_slots(self.design, container, self.spec))
        self.accepting = accepting
        self.scene.set_paint_state(accepting=accepting)
        self.contents = default_contents(self.spec, self.document.lookup(drag.carried)) if self.spec else {}
        self.problem: str | None = None  # why the slot under the pointer at the last move does not take it

    def target(self, pos: QPoint) -> tuple[tuple[PartPath, tuple[int, int]] | None, str | None]:
        """The slot under ``pos`` and why the spec does not fit there (None if it does)."""
        if self.spec is None:
            return None, f"unknown spec {self.drag.spec_id!r}"
        hit = self.scene.layout.slot_at(self.scene_pos(pos), self.spec.level)
        if hit is None:
            holder = {"chip": "an empty chip slot of a tile", "tile": "an empty tile slot of a cabinet",
                      "cabinet": "a free floor position"}.get(self.spec.level, "a slot")
            return None, f"drop {spec_title(self.spec)} on {holder}"
        return hit, slot_problem(self.design, hit[0], hit[1], self.spec, self.document.lookup(self.drag.carried))

    def filled(self, modifiers: Qt.KeyboardModifier) -> bool:
        """Whether a container dropped now arrives with its default contents."""
        return self.drag.filled != bool(modifiers & FILL_MODIFIER)

    def what(self, modifiers: Qt.KeyboardModifier) -> tuple[str, str]:
        """(the new part as the status bar names it, how to get it the other way), e.g. ("Dojo cabinet (empty)",
        "hold Shift to bring it filled with 12 tiles, 300 chips"); no hint for a part that holds nothing."""
        assert self.spec is not None
        title = spec_title(self.spec)
        if not self.contents:
            return title, ""
        held = bool(modifiers & FILL_MODIFIER)
        other = ("release" if held else "hold") + f" {FILL_MODIFIER_NAME}"
        if self.filled(modifiers):
            return f"{title} (with {describe_contents(self.contents)})", f"{other} to bring it empty"
        return f"{title} (empty)", f"{other} to bring it filled with {describe_contents(self.contents)}"

    def move(self, pos, modifiers) -> bool:
        hit, problem = self.target(pos)
        self.problem = problem
        if hit is not None:
            self.mark.setRect(self.scene.layout.slot_scene_rect(*hit))
            self.mark.set_colour(C.REFUSE if problem else C.ACCEPT)
            self.mark.show()
        else:
            self.mark.hide()
        if problem:
            self.status(f"Cannot drop here: {problem}", 10000)
        elif hit is not None:
            what, hint = self.what(modifiers)
            self.status(f"Drop to add {what} at {format_path(hit[0] + (hit[1],))}" + (f" · {hint}" if hint else ""))
        return problem is None

    def drop(self, pos: QPoint,
             modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> PartPath | None:
        hit, problem = self.target(pos)
        path = None
        if problem is None and hit is not None:
            try:
                path = self.document.place_new(hit[0], hit[1], self.drag.spec_id, self.drag.carried,
                                               filled=self.filled(modifiers))
            except EditRefused as exc:
                problem = str(exc)
        if path is not None:
            self.selection.set([path])
            self.status(f"Added {self.what(modifiers)[0]} at {format_path(path)}", 5000)
        else:
            self.status(f"Drop refused: {problem}", 10000)
        self.end()
        return path

    def end(self) -> None:
        if self.mark.scene() is not None:
            self.scene.removeItem(self.mark)
        self.scene.set_paint_state(accepting=None)
        super().end()

