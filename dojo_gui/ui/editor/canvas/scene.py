"""The scene: draws the design and follows it through the document's signals.

It never edits anything.  A part event below a cabinet rebuilds that cabinet's drawing;
an event at cabinet level adds, removes or repositions one cabinet item; a spec edit or
a new design lays everything out again (a cabinet spec with other rows may change the
size of every floor position).  The links between parts come with each design check
(:meth:`CanvasScene.set_links`) and are drawn by one item over all the parts.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsScene

from ....model.design import PartPath, Slot
from ....model.links import PartLink
from ....render.colours import ColourProvider
from ....render.drawing import PaintState
from ....render.geometry import Layout
from ...project.document import DesignDocument
from ..selection import Selection
from .items import LinkItem, PartItem

MARGIN = 60.0


class CanvasScene(QGraphicsScene):
    sigLaidOut = Signal()  # fires after every part was laid out anew (sizes and positions may have changed)

    def __init__(self, document: DesignDocument, selection: Selection, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.selection = selection
        self.layout = Layout(document.design)
        self.paint_state = PaintState()
        self.colours: ColourProvider | None = None
        self.room_item: PartItem | None = None
        self.cabinet_items: dict[Slot, PartItem] = {}
        self.setBackgroundBrush(QColor("#eef0f3"))
        self.link_item = LinkItem(self)
        self.addItem(self.link_item)
        self.rebuild()
        document.sigPartAdded.connect(self._on_part_event)
        document.sigPartRemoved.connect(self._on_part_event)
        document.sigPartChanged.connect(self._on_part_event)
        document.sigPartMoved.connect(self._on_moved)
        document.sigSpecsChanged.connect(self.rebuild)
        document.sigReset.connect(self.rebuild)
        selection.sigChanged.connect(self._on_selection)
        self._selected_items: set[PartItem] = set()

    # ----------------------------------------------------------------- building
    def rebuild(self) -> None:
        """Lay out and draw every part anew."""
        self.layout.invalidate()
        for item in list(self.cabinet_items.values()) + ([self.room_item] if self.room_item else []):
            self.removeItem(item)
        self.cabinet_items.clear()
        self.room_item = PartItem(self, (), descend=False)
        self.addItem(self.room_item)
        room = self.document.design.room
        for slot in sorted(room.children):
            self._add_cabinet(slot)
        self._room_cell = self.layout.cell(room)
        self._update_scene_rect()
        self.sigLaidOut.emit()

    def _add_cabinet(self, slot: Slot) -> PartItem:
        item = PartItem(self, (slot,), descend=True)
        self._position(item)
        self.addItem(item)
        self.cabinet_items[slot] = item
        return item

    def _position(self, item: PartItem) -> None:
        room = self.document.design.room
        slot = item.path[0]
        place = self.layout.child_place(room, slot, room.children.get(slot))
        item.setPos(place.x, place.y)
        item.setScale(place.scale)

    def _update_scene_rect(self) -> None:
        """After anything moved or changed size: the scene's bounds, and where the links go."""
        rect = self.layout.room_rect()
        for item in self.cabinet_items.values():
            rect = rect.united(item.sceneBoundingRect())
        self.setSceneRect(rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN))
        self.link_item.relayout()

    # ----------------------------------------------------------------- following the design
    def _on_part_event(self, path: PartPath) -> None:
        if not path:
            self.rebuild()
            return
        slot = path[0]
        if len(path) == 1:
            self._cabinet_changed(slot)
        else:
            item = self.cabinet_items.get(slot)
            if item is not None:
                old_size = item.drawing.rect.size()
                item.rebuild()
                if item.drawing.rect.size() != old_size:
                    self._cabinet_changed(slot)
                else:
                    self.link_item.relayout()

    def _cabinet_changed(self, slot: Slot) -> None:
        room = self.document.design.room
        if self.layout.cell(room) != self._room_cell:
            self.rebuild()  # the floor positions changed size: everything moves
            return
        item = self.cabinet_items.get(slot)
        if slot not in room.children:
            if item is not None:
                self.removeItem(item)
                del self.cabinet_items[slot]
        elif item is None:
            self._add_cabinet(slot)
        else:
            item.rebuild()
            self._position(item)
        self.room_item.rebuild()
        self._update_scene_rect()

    def _on_moved(self, new: PartPath, old: PartPath) -> None:
        if len(new) == 1:
            item = self.cabinet_items.pop(old[0], None)
            if item is not None:
                item.path = new
                self.cabinet_items[new[0]] = item
                item.rebuild()
                self._position(item)
            self.room_item.rebuild()
            self._update_scene_rect()
        else:
            self._on_part_event(new)
            if old[0] != new[0]:
                self._on_part_event(old)

    def _on_selection(self) -> None:
        touched = {self.item_for(p) for p in self.selection.paths} - {None}
        for item in touched | self._selected_items:
            item.update()
        self._selected_items = touched

    # ----------------------------------------------------------------- overlays
    def set_colours(self, provider: ColourProvider | None) -> None:
        """Colour parts through ``provider`` (None: by spec) and repaint everything.

        This is the one way to colour the canvas by anything (findings, power, and later live
        temperature or link load): call it again with a new provider whenever the values change.
        """
        self.colours = provider
        for item in [self.room_item, *self.cabinet_items.values()]:
            item.recolour()

    def set_links(self, links: dict[str, list[PartLink]]) -> None:
        """The links between chips, tiles and cabinets to draw (:func:`dojo_gui.model.links.part_links`)."""
        self.link_item.set_links(links)

    def set_paint_state(self, **changes) -> None:
        for key, value in changes.items():
            setattr(self.paint_state, key, value)
        self.update()

    # ----------------------------------------------------------------- queries
    def item_for(self, path: PartPath) -> PartItem | None:
        if not path:
            return self.room_item
        return self.cabinet_items.get(path[0])

    def rect_of(self, path: PartPath) -> QRectF:
        """Where a part is drawn, in scene coordinates."""
        return self.layout.scene_rect(path)

    def scene_rect_of(self, path: PartPath) -> QRectF | None:
        """Where a part is drawn, in scene coordinates, from what its cabinet's item drew (None: not drawn).

        Cheaper than :meth:`rect_of` for many parts: no walk down the design from the room.
        """
        if not path:
            return self.layout.room_rect()
        item = self.cabinet_items.get(path[0])
        if item is None:
            return None
        local = item.drawing.rect_of(path)
        return item.mapRectToScene(local) if local is not None else None

    def path_at(self, pos: QPointF) -> PartPath:
        """The deepest part drawn under a scene position (() for the room's floor)."""
        return self.layout.part_at(pos)
