"""The outline: the design's hierarchy as a tree, in step with the canvas selection.

The model mirrors the design lazily (a container's rows are made when first shown) and
follows it through the document's signals with proper insert/remove/move notifications,
so expanded branches and the selection survive edits.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QItemSelection, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QVBoxLayout, QWidget

from ...model.design import PartPath, Slot, format_path
from ..project.document import DesignDocument
from .icons import spec_icon
from .selection import Selection


class Node:
    """A row of the outline: one part, known by its slot under its parent node."""

    __slots__ = ("_children", "parent", "slot")

    def __init__(self, slot: Slot | None, parent: Node | None) -> None:
        self.slot = slot
        self.parent = parent
        self._children: list[Node] | None = None  # made when first asked for


class OutlineModel(QAbstractItemModel):
    def __init__(self, document: DesignDocument, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.root = Node(None, None)  # invisible; its one child is the room
        self.room = Node((), self.root)  # the room's "slot" is the empty path marker
        self.root._children = [self.room]
        document.sigPartAdded.connect(self._on_added)
        document.sigPartRemoved.connect(self._on_removed)
        document.sigPartMoved.connect(self._on_moved)
        document.sigPartChanged.connect(self._on_changed)
        document.sigSpecsChanged.connect(self._on_specs)
        document.sigReset.connect(self._on_reset)
        document.sigMetaChanged.connect(lambda: self._on_changed(()))

    # ----------------------------------------------------------------- mirror
    def _path(self, node: Node) -> PartPath:
        if node is self.room:
            return ()
        slots = []
        while node is not None and node is not self.room:
            slots.append(node.slot)
            node = node.parent
        return tuple(reversed(slots))

    def children(self, node: Node) -> list[Node]:
        if node._children is None:
            part = self.document.design.find(self._path(node))
            node._children = [Node(slot, node) for slot in sorted(part.children)] if part is not None else []
        return node._children

    def node_for(self, path: PartPath, *, build: bool = True) -> Node | None:
        node = self.room
        for slot in path:
            if node._children is None and not build:
                return None
            node = next((n for n in self.children(node) if n.slot == slot), None)
            if node is None:
                return None
        return node

    def index_for(self, path: PartPath) -> QModelIndex:
        node = self.node_for(path)
        return self._index(node) if node is not None else QModelIndex()

    def _index(self, node: Node, column: int = 0) -> QModelIndex:
        if node is self.room:
            return self.createIndex(0, column, node)
        return self.createIndex(node.parent._children.index(node), column, node)

    def path_of(self, index: QModelIndex) -> PartPath | None:
        return self._path(index.internalPointer()) if index.isValid() else None

    # ----------------------------------------------------------------- QAbstractItemModel
    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        node = parent.internalPointer() if parent.isValid() else self.root
        children = self.children(node) if node is not self.root else self.root._children
        if 0 <= row < len(children) and 0 <= column < 2:
            return self.createIndex(row, column, children[row])
        return QModelIndex()

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        node: Node = index.internalPointer()
        if node is self.room or node.parent is None:
            return QModelIndex()
        return self._index(node.parent)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        if parent.column() > 0:
            return 0
        if not parent.isValid():
            return 1
        return len(self.children(parent.internalPointer()))

    def hasChildren(self, parent: QModelIndex = QModelIndex()) -> bool:
        if not parent.isValid():
            return True
        node: Node = parent.internalPointer()
        if node._children is not None:
            return bool(node._children)
        part = self.document.design.find(self._path(node))
        return bool(part and part.children)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 2

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Part", "Spec")[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        path = self._path(index.internalPointer())
        design = self.document.design
        part = design.find(path)
        if part is None:
            return None
        spec = design.specs.get(part.spec_id)
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 1:
                return spec.name if spec else part.spec_id
            if not path:
                return design.name or "Room"
            where = f"{part.level} [{part.slot[0]},{part.slot[1]}]"
            return f"{part.name} ({where})" if part.name else where
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            return spec_icon(spec, 16)
        if role == Qt.ItemDataRole.ToolTipRole:
            return format_path(path)
        return None

    # ----------------------------------------------------------------- following the design
    def _on_added(self, path: PartPath) -> None:
        parent = self.node_for(path[:-1], build=False) if path else None
        if parent is None or parent._children is None:
            if parent is not None:
                self.dataChanged.emit(self._index(parent), self._index(parent, 1))
            return
        slots = [n.slot for n in parent._children]
        row = sum(1 for s in slots if s < path[-1])
        self.beginInsertRows(self._index(parent), row, row)
        parent._children.insert(row, Node(path[-1], parent))
        self.endInsertRows()

    def _on_removed(self, path: PartPath) -> None:
        parent = self.node_for(path[:-1], build=False) if path else None
        if parent is None or parent._children is None:
            return
        row = next((i for i, n in enumerate(parent._children) if n.slot == path[-1]), None)
        if row is None:
            return
        self.beginRemoveRows(self._index(parent), row, row)
        del parent._children[row]
        self.endRemoveRows()

    def _on_moved(self, new: PartPath, old: PartPath) -> None:
        parent = self.node_for(old[:-1], build=False)
        if parent is None or parent._children is None:
            return
        row = next((i for i, n in enumerate(parent._children) if n.slot == old[-1]), None)
        if row is None:
            return
        node = parent._children[row]
        others = [n.slot for i, n in enumerate(parent._children) if i != row]
        target = sum(1 for s in others if s < new[-1])  # its row once moved
        dest = target + 1 if target >= row else target  # Qt counts the destination before the move
        index = self._index(parent)
        if dest in (row, row + 1):
            node.slot = new[-1]
            self.dataChanged.emit(self._index(node), self._index(node, 1))
            return
        self.beginMoveRows(index, row, row, index, dest)
        del parent._children[row]
        node.slot = new[-1]
        parent._children.insert(target, node)
        self.endMoveRows()

    def _on_changed(self, path: PartPath) -> None:
        node = self.node_for(path, build=False)
        if node is not None:
            self.dataChanged.emit(self._index(node), self._index(node, 1))

    def _on_specs(self, _spec_id: str) -> None:
        self.layoutAboutToBeChanged.emit()
        self.layoutChanged.emit()

    def _on_reset(self) -> None:
        self.beginResetModel()
        self.room._children = None
        self.endResetModel()


class OutlineWidget(QWidget):
    def __init__(self, document: DesignDocument, selection: Selection, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.selection = selection
        self.model = OutlineModel(document, self)
        self.view = QTreeView()
        self.view.setObjectName("outlineView")
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setUniformRowHeights(True)
        self.view.header().setStretchLastSection(True)
        self.view.setColumnWidth(0, 190)
        self.view.expand(self.model.index(0, 0))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self._syncing = False
        self.view.selectionModel().selectionChanged.connect(self._on_tree_selection)
        selection.sigChanged.connect(self._on_selection)
        document.sigReset.connect(lambda: self.view.expand(self.model.index(0, 0)))

    def _on_tree_selection(self, *_args) -> None:
        if self._syncing:
            return
        rows = self.view.selectionModel().selectedRows(0)
        paths = [self.model.path_of(i) for i in rows]
        paths = [p for p in paths if p]  # the room row stands for "nothing selected"
        current = self.model.path_of(self.view.currentIndex())
        if not paths:
            self.selection.set_focus(())
            self.selection.clear()
            return
        if current not in paths:
            current = paths[-1]
        self.selection.set_focus(current[:-1])
        self.selection.set(paths, current, reveal=True)

    def _on_selection(self) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            tree_selection = QItemSelection()
            for path in self.selection.paths:
                index = self.model.index_for(path)
                if index.isValid():
                    tree_selection.select(index, self.model._index(index.internalPointer(), 1))
            model = self.view.selectionModel()
            model.select(tree_selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            if self.selection.current is not None:
                index = self.model.index_for(self.selection.current)
                if index.isValid():
                    model.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
                    self.view.scrollTo(index)
        finally:
            self._syncing = False
