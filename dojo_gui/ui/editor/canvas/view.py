"""The zoomable view of the room: zoom, pan, fit, entering containers, and routing events to gestures.

What a click selects depends on the container the view has entered (the *focus*): in the
room it selects cabinets, inside a cabinet tiles, inside a tile chips.  A click outside
the entered container climbs out to the container that holds the click.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QHelpEvent, QKeyEvent, QMouseEvent, QPainter, QPainterPath, QWheelEvent
from PySide6.QtWidgets import QGraphicsView, QToolTip, QWidget

from ....model.design import PartPath, format_path
from ....model.placement import spec_title
from ....model.specs import CHILD_LEVEL
from ....render.capacity import capacities
from ....render.geometry import CHIP
from ....text import esc
from ...project.document import DesignDocument
from ..interactions import ClickSelect, Interaction, PaletteDrop, Pan, RubberBand
from ..mime import spec_drag
from ..palette import key_figures
from ..selection import Selection
from .scene import CanvasScene

MIN_CHIP_PX = 0.15  # how far out the wheel zooms (a chip this many pixels wide)
MAX_CHIP_PX = 600.0  # and how far in


class CanvasView(QGraphicsView):
    sigZoomChanged = Signal(float)  # fires when the zoom changed; the new scale (device pixels per scene unit)
    sigStatus = Signal(str, int)  # fires with a message for the status bar and how long to show it (0: until replaced)
    sigContextMenuRequested = Signal(object, QPoint)  # fires on a right click; the part clicked and the global position
    sigFirstFrame = Signal()  # fires once, right after the canvas painted for the first time

    def __init__(self, canvas: CanvasScene, parent=None) -> None:
        super().__init__(canvas, parent)
        self.canvas = canvas
        self.document: DesignDocument = canvas.document
        self.selection: Selection = canvas.selection
        self.interaction: Interaction | None = None
        self._space_held = False
        self.frames_painted = 0
        self._auto_fit = False
        self.auto_fit = True  # keep what was fitted fitted while the window changes size, until the user zooms or pans
        self.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlags(QGraphicsView.OptimizationFlag.DontSavePainterState | QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)
        self.selection.sigFocusChanged.connect(lambda _path: self.viewport().update())
        self.selection.sigRevealRequested.connect(self.reveal)
        canvas.sigLaidOut.connect(lambda: self.viewport().update())

    # ----------------------------------------------------------------- zoom and fit
    @property
    def auto_fit(self) -> bool:
        return self._auto_fit

    @auto_fit.setter
    def auto_fit(self, on: bool) -> None:
        # While fitted there are no scroll bars: each fit could show or hide one, which resizes the
        # viewport, which fits again -- in a small view they took turns for ever.  Zoomed or panned by
        # the user, they come back.
        self._auto_fit = on
        policy = Qt.ScrollBarPolicy.ScrollBarAlwaysOff if on else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        if self.horizontalScrollBarPolicy() != policy:
            self.setHorizontalScrollBarPolicy(policy)
            self.setVerticalScrollBarPolicy(policy)

    def scale_factor(self) -> float:
        return self.transform().m11()

    def set_scale(self, scale: float, anchor: QPoint | None = None) -> None:
        scale = min(max(scale, MIN_CHIP_PX / CHIP), MAX_CHIP_PX / CHIP)
        self.auto_fit = False
        factor = scale / self.scale_factor()
        if abs(factor - 1.0) < 1e-9:
            return
        if anchor is not None:
            before = self.mapToScene(anchor)
        self.scale(factor, factor)
        if anchor is not None:
            moved = self.mapFromScene(before) - anchor
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + moved.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() + moved.y())
        self.sigZoomChanged.emit(self.scale_factor())

    def zoom_in(self) -> None:
        self.set_scale(self.scale_factor() * 1.25)

    def zoom_out(self) -> None:
        self.set_scale(self.scale_factor() / 1.25)

    def fit_rect(self, rect: QRectF, margin: float = 0.04) -> None:
        if rect.isEmpty():
            return
        pad_w, pad_h = rect.width() * margin + 8, rect.height() * margin + 8
        self.fitInView(rect.adjusted(-pad_w, -pad_h, pad_w, pad_h), Qt.AspectRatioMode.KeepAspectRatio)
        self.auto_fit = True
        self.sigZoomChanged.emit(self.scale_factor())

    def fit_all(self) -> None:
        self.fit_rect(self.canvas.layout.room_rect())

    def fit_focus(self) -> None:
        self.fit_rect(self.canvas.rect_of(self.selection.focus))

    def enter(self, path: PartPath) -> None:
        """Go into a container (or out to the room with ``()``) and fit it in the view."""
        part = self.document.design.find(path)
        if part is None or CHILD_LEVEL.get(part.level) is None:
            return
        self.selection.set_focus(path)
        self.selection.clear()
        self.fit_focus()

    def go_up(self) -> None:
        if self.selection.focus:
            child = self.selection.focus
            self.enter(child[:-1])
            self.selection.set([child])

    def reveal(self, path: PartPath) -> None:
        """Bring a part into view: scroll to it, or zoom to its container when it would be too small to see."""
        rect = self.canvas.rect_of(path)
        if rect.isEmpty():
            return
        if rect.width() * self.scale_factor() < 24:
            self.fit_rect(self.canvas.rect_of(path[:-1]) if path else rect)
        elif not self.mapToScene(self.viewport().rect()).boundingRect().contains(rect):
            self.auto_fit = False
            self.ensureVisible(rect, 40, 40)
        self.viewport().update()

    # ----------------------------------------------------------------- what a click means
    def target_at(self, pos: QPoint) -> tuple[PartPath, PartPath | None]:
        """(the container the click is in, the part it selects there or None) for a view position."""
        deepest = self.canvas.path_at(self.mapToScene(pos))
        focus = self.selection.focus
        common = 0
        while common < min(len(focus), len(deepest)) and focus[common] == deepest[common]:
            common += 1
        container = focus[:common]
        picked = deepest[: common + 1] if len(deepest) > common else None
        return container, picked

    # ----------------------------------------------------------------- gestures
    def start_interaction(self, interaction: Interaction) -> None:
        if self.interaction is not None:
            self.interaction.cancel()
        self.interaction = interaction
        if interaction.cursor is not None:
            self.viewport().setCursor(interaction.cursor)

    def replace_interaction(self, old: Interaction, new: Interaction) -> None:
        if self.interaction is old:
            self.interaction = new
            if new.cursor is not None:
                self.viewport().setCursor(new.cursor)

    def interaction_ended(self, interaction: Interaction) -> None:
        if self.interaction is interaction:
            self.interaction = None
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor if self._space_held else Qt.CursorShape.ArrowCursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        mods = event.modifiers()
        if event.button() == Qt.MouseButton.MiddleButton or (event.button() == Qt.MouseButton.LeftButton and self._space_held):
            gesture: Interaction = Pan(self)
        elif event.button() == Qt.MouseButton.LeftButton:
            container, picked = self.target_at(pos)
            if container != self.selection.focus:
                self.selection.set_focus(container)
            gesture = ClickSelect(self, picked) if picked is not None else RubberBand(self)
        elif event.button() == Qt.MouseButton.RightButton:
            event.accept()
            return
        else:
            super().mousePressEvent(event)
            return
        self.start_interaction(gesture)
        gesture.press(pos, mods)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.interaction is not None:
            self.interaction.move(event.position().toPoint(), event.modifiers())
            event.accept()
        else:
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self.interaction is not None and not isinstance(self.interaction, PaletteDrop):
            self.interaction.release(event.position().toPoint(), event.modifiers())
            event.accept()
        else:
            super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        container, picked = self.target_at(event.position().toPoint())
        part = self.document.design.find(picked) if picked is not None else None
        if part is not None and CHILD_LEVEL.get(part.level):
            self.enter(picked)
        elif picked is None and container == self.selection.focus and container:
            self.go_up()
        event.accept()

    def contextMenuEvent(self, event) -> None:
        container, picked = self.target_at(event.pos())
        if container != self.selection.focus:
            self.selection.set_focus(container)
        target = picked if picked is not None else container
        if picked is not None and picked not in self.selection.paths:
            self.selection.set([picked])
        self.sigContextMenuRequested.emit(target, event.globalPos())
        event.accept()

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.scroll_by(-(delta.y() or delta.x()), 0)
        elif delta.y():
            self.set_scale(self.scale_factor() * (1.0015 ** delta.y()), event.position().toPoint())
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_held = True
            if self.interaction is None:
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        elif key == Qt.Key.Key_Escape:
            if self.interaction is not None:
                self.interaction.cancel()
            elif self.selection.paths:
                self.selection.clear()
            else:
                self.go_up()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down):
            step_x, step_y = self.viewport().width() // 8, self.viewport().height() // 8
            dx = {Qt.Key.Key_Left: -step_x, Qt.Key.Key_Right: step_x}.get(key, 0)
            dy = {Qt.Key.Key_Up: -step_y, Qt.Key.Key_Down: step_y}.get(key, 0)
            self.scroll_by(dx, dy)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selection.current is not None:
            self.enter(self.selection.current)
        elif key == Qt.Key.Key_Backspace:
            self.go_up()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_held = False
            if self.interaction is None:
                self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
            event.accept()
            return
        super().keyReleaseEvent(event)

    # ----------------------------------------------------------------- drops from the palette
    def dragEnterEvent(self, event) -> None:
        drag = spec_drag(event.mimeData())
        if drag is None:
            event.ignore()
            return
        gesture = PaletteDrop(self, drag)
        self.start_interaction(gesture)
        gesture.move(event.position().toPoint(), event.modifiers())
        # Taken wherever the pointer comes in: Qt sends the moves and the drop only to a widget that
        # accepted the enter, and the way in from the palette nearly always crosses parts that refuse.
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()

    def dragMoveEvent(self, event) -> None:
        if not isinstance(self.interaction, PaletteDrop):
            event.ignore()
            return
        fits = self.interaction.move(event.position().toPoint(), event.modifiers())
        event.setDropAction(Qt.DropAction.CopyAction)
        event.setAccepted(fits)  # refused here, asked again at the next move

    def dragLeaveEvent(self, event) -> None:
        # Also what a release over a refusing slot ends with (Qt sends no drop there): its reason stays up.
        if isinstance(self.interaction, PaletteDrop):
            refused = self.interaction.problem is not None
            self.interaction.cancel()
            if not refused:
                self.sigStatus.emit("", 0)
        event.accept()

    def dropEvent(self, event) -> None:
        if not isinstance(self.interaction, PaletteDrop):
            drag = spec_drag(event.mimeData())
            if drag is None:
                event.ignore()
                return
            self.start_interaction(PaletteDrop(self, drag))
        gesture = self.interaction
        assert isinstance(gesture, PaletteDrop)
        path = gesture.drop(event.position().toPoint(), event.modifiers())
        if path is not None:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.auto_fit:
            self.fit_focus()

    def scroll_by(self, dx: int, dy: int) -> None:
        self.auto_fit = False
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + dx)
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + dy)

    # ----------------------------------------------------------------- tooltips
    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            hover = self.findChild(QWidget, "hoverValues")  # a live overlay's values say more while a run shows
            text = "" if hover is not None and hover.isVisible() else self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def tooltip_at(self, pos: QPoint) -> str:
        """What the part a click at ``pos`` would pick is: its spec, key figures and use of its budgets."""
        container, picked = self.target_at(pos)
        path = picked if picked is not None else container
        part = self.document.design.find(path)
        spec = self.document.design.specs.get(part.spec_id) if part is not None else None
        if part is None or spec is None:
            return ""
        name = esc(spec_title(spec))
        title = f"<b>{esc(part.name)}</b> · {name}" if part.name else f"<b>{name}</b>"
        lines = [title, f"<span style='color:#5b6570'>{esc(format_path(path))}</span>", esc(key_figures(spec))]
        summaries = self.canvas.paint_state.summaries
        summary = summaries.get(path) if summaries else None
        if summary is not None:
            lines += [f"{c.label}: {esc(c.text)}" + (f" ({c.fraction:.0%})" if c.key != "slots" else "")
                      for c in capacities(summary)]
        return "<br>".join(lines)

    # ----------------------------------------------------------------- painting
    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        self.frames_painted += 1
        if self.frames_painted == 1:
            self.sigFirstFrame.emit()

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        """Dim everything outside the entered container, so it is clear where clicks land."""
        focus = self.selection.focus
        if not focus:
            return
        inside = self.canvas.rect_of(focus)
        if inside.isEmpty():
            return
        shade = QPainterPath()
        shade.addRect(rect.united(inside))
        hole = QPainterPath()
        hole.addRect(inside)
        painter.fillPath(shade.subtracted(hole), QColor(238, 240, 243, 165))

    def visible_scene_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

