"""Scene items.  Few and large: the room's floor is one item, each cabinet is one item that
paints its tiles and chips in batches (so the 30,000-chip room is about a hundred items),
one item draws the links between parts over them all, plus the temporary marks a gesture
shows (the drop target, ghosts of moving parts).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QGraphicsView, QStyleOptionGraphicsItem, QWidget

from ....model.design import PartPath
from ....model.links import PartLink
from ....render import colours as C
from ....render.drawing import PartDrawing
from ....render.links import LinkDrawing

if TYPE_CHECKING:
    from .scene import CanvasScene


class PartItem(QGraphicsItem):
    """One part painted from its :class:`PartDrawing`: the room's floor (``descend=False``) or a whole cabinet."""

    def __init__(self, canvas: CanvasScene, path: PartPath, descend: bool) -> None:
        super().__init__()
        self.canvas = canvas
        self.path = path
        self.descend = descend
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)  # paint() gets the exposed rect for culling
        self.drawing = PartDrawing(canvas.document.design, canvas.layout, path, canvas.colours, descend)
        self.setZValue(0 if not path else 1)

    def rebuild(self) -> None:
        """Recompute the drawing after the part, its specs or the colours changed."""
        self.prepareGeometryChange()
        self.drawing.path = self.path
        self.drawing.colours = self.canvas.colours
        self.drawing.build()
        self.update()

    def recolour(self) -> None:
        """New colours from the scene's provider; the shapes stay."""
        self.drawing.recolour(self.canvas.colours)
        self.update()

    def boundingRect(self) -> QRectF:
        return self.drawing.rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        self.drawing.paint(painter, lod, option.exposedRect, self.canvas.paint_state)
        self._paint_selection(painter, lod)

    def _paint_selection(self, painter: QPainter, lod: float) -> None:
        selection = self.canvas.selection
        n = len(self.path)
        mine = [p for p in selection.paths if p[:n] == self.path and (self.descend or p == self.path)]
        if not mine:
            return
        inset = 1.5 / max(lod, 1e-6)  # keep the cosmetic outline inside the item's bounds
        for path in mine:
            rect = self.drawing.rect_of(path)
            if rect is None:
                continue
            current = path == selection.current
            pen = QPen(C.SELECTION, 3.0 if current else 2.0)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(QColor(C.SELECTION.red(), C.SELECTION.green(), C.SELECTION.blue(), 30))
            painter.drawRect(rect.adjusted(inset, inset, -inset, -inset))


class LinkItem(QGraphicsItem):
    """The links between chips, tiles and cabinets, over every part (View > Show Links)."""

    def __init__(self, canvas: CanvasScene) -> None:
        super().__init__()
        self.canvas = canvas
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(5)  # over the parts and their selection, under a gesture's marks
        self.drawing = LinkDrawing({}, canvas.scene_rect_of)
        self._bounds = QRectF()

    def set_links(self, links: Mapping[str, list[PartLink]]) -> None:
        self.drawing.set_links(links)
        self.relayout()

    def relayout(self) -> None:
        """The parts moved or changed size: where the links go is worked out again when next painted."""
        self.prepareGeometryChange()
        self._bounds = self.canvas.sceneRect()
        self.drawing.invalidate()
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if not self.canvas.paint_state.links:
            self.drawing.last_labels = []
            return
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        visible = None  # all the view shows: labels are placed over all of it, whatever part is repainted
        view = widget.parentWidget() if widget is not None else None
        if widget is not None and isinstance(view, QGraphicsView):
            visible = view.mapToScene(widget.rect()).boundingRect()
        self.drawing.paint(painter, lod, option.exposedRect, visible)


class MarkItem(QGraphicsRectItem):
    """A temporary outline in scene coordinates: the slot under a drag, or where a moving part would land."""

    def __init__(self, colour: QColor, fill_alpha: int = 70) -> None:
        super().__init__()
        self.setZValue(10)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.set_colour(colour, fill_alpha)

    def set_colour(self, colour: QColor, fill_alpha: int = 70) -> None:
        pen = QPen(colour, 2.0)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.setBrush(QColor(colour.red(), colour.green(), colour.blue(), fill_alpha))
