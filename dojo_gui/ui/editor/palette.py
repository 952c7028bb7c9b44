"""The palette: every spec the user can place, grouped by level, searchable, and a drag source.

It lists the project's specs and the built-in catalog together: an id the project has
is shown once, as the project's (bold; marked "edited" when it differs from the built-in
one).  Within a level the order is by vendor and name and stays put as the project takes
specs in; the search hides entries, it never re-orders them.  Dragging an entry carries
:data:`~dojo_gui.ui.editor.mime.SPEC_MIME` data; a container arrives empty unless the
"Drop containers filled" toggle is on (Shift while dropping turns it the other way).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QCheckBox, QLineEdit, QTreeView, QVBoxLayout, QWidget

from ... import units
from ...model.placement import spec_closure, spec_title
from ...model.specs import AnySpec, ChipSpec, ContainerSpec
from ...text import esc
from ..project.document import DesignDocument
from .icons import spec_icon
from .mime import SPEC_MIME, spec_mime

SPEC_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SOURCE_ROLE = Qt.ItemDataRole.UserRole + 2
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 3

GROUPS = (("chip", "Chips"), ("tile", "Tiles"), ("cabinet", "Cabinets"), ("room", "Rooms"))


def key_figures(spec: AnySpec) -> str:
    """One line of what matters most about a spec."""
    bits: list[str] = []
    if isinstance(spec, ChipSpec):
        if spec.peak_flops:
            fmt, value = max(spec.peak_flops.items(), key=lambda kv: kv[1])
            bits.append(f"{units.format(value, 'FLOPS')} {fmt}")
        if spec.tdp_w:
            bits.append(units.format(spec.tdp_w, "W"))
        memory = spec.sram_bytes + spec.hbm_bytes
        if memory:
            bits.append(units.format(memory, "B"))
    elif isinstance(spec, ContainerSpec):
        bits.append(f"{spec.rows}x{spec.cols} {spec.topology}")
        if spec.power_budget_w:
            bits.append(f"{units.format(spec.power_budget_w, 'W')} budget")
        if spec.cooling_capacity_w:
            bits.append(f"{units.format(spec.cooling_capacity_w, 'W')} cooling")
    return " · ".join(bits)


class PaletteModel(QStandardItemModel):
    """Spec entries under one group per level; spec entries (not rooms) can be dragged."""

    def __init__(self, document: DesignDocument, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.fill_new = False  # containers dragged from here arrive with their default contents
        self.refresh()

    def entries(self) -> list[tuple[AnySpec, str, str]]:
        """(spec, source, note) for every spec the palette shows."""
        design, catalog = self.document.design, self.document.catalog
        out = []
        for spec_id, spec in design.specs.items():
            builtin = catalog.get(spec_id)
            note = "in project" if builtin == spec else ("edited in project" if builtin else "project spec")
            out.append((spec, "project", note))
        for spec_id, spec in catalog.items():
            if spec_id not in design.specs:
                out.append((spec, "catalog", "built-in"))
        return out

    def refresh(self) -> None:
        self.clear()
        self.setHorizontalHeaderLabels(["Spec"])
        groups: dict[str, QStandardItem] = {}
        for level, title in GROUPS:
            group = QStandardItem(title)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font()
            font.setBold(True)
            group.setFont(font)
            groups[level] = group
            self.appendRow(group)
        for spec, source, note in sorted(self.entries(), key=lambda e: (e[0].vendor.lower(), spec_title(e[0]).lower())):
            item = QStandardItem(spec_icon(spec), f"{spec.name or spec.id}\n{key_figures(spec)}")
            item.setData(spec.id, SPEC_ID_ROLE)
            item.setData(source, SOURCE_ROLE)
            item.setData(" ".join([spec.id, spec.name, spec.vendor, spec.family, key_figures(spec), note]).lower(), SEARCH_ROLE)
            # Rich text: every value from the spec (a project's own can say anything) goes through esc.
            item.setToolTip(f"<b>{esc(spec.name or spec.id)}</b> ({esc(spec.id)})<br>{esc(spec.vendor)} · {esc(note)}"
                            f"<br>{esc(key_figures(spec))}"
                            + (f"<br><i>{esc(spec.description)}</i>" if spec.description else ""))
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if spec.level != "room":
                flags |= Qt.ItemFlag.ItemIsDragEnabled
            item.setFlags(flags)
            if source == "project":
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            groups[spec.level].appendRow(item)
        for level, group in groups.items():
            group.setText(f"{dict(GROUPS)[level]} ({group.rowCount()})")

    def mimeTypes(self) -> list[str]:
        return [SPEC_MIME]

    def mimeData(self, indexes):
        for index in indexes:
            spec_id = index.data(SPEC_ID_ROLE)
            if spec_id:
                lookup = self.document.lookup()
                spec = lookup[spec_id]
                return spec_mime(spec, index.data(SOURCE_ROLE), spec_closure(spec, lookup), filled=self.fill_new)
        return None

    def supportedDragActions(self):
        return Qt.DropAction.CopyAction


class _Filter(QSortFilterProxyModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.words: list[str] = []
        self.setRecursiveFilteringEnabled(True)

    def set_text(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9; invalidateFilter() is deprecated there
            self.beginFilterChange()
            self.words = text.lower().split()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.words = text.lower().split()
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:
        if not self.words:
            return True
        index = self.sourceModel().index(row, 0, parent)
        haystack = index.data(SEARCH_ROLE)
        return bool(haystack) and all(w in haystack for w in self.words)


class PaletteWidget(QWidget):
    sigSpecActivated = Signal(str)  # fires when the user picks a spec in the list (to show it in the inspector)

    def __init__(self, document: DesignDocument, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.model = PaletteModel(document, self)
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit()
        self.search.setObjectName("paletteSearch")
        self.search.setPlaceholderText("Search specs (name, vendor, figures)…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search)
        self.fill_toggle = QCheckBox("Drop containers filled")
        self.fill_toggle.setObjectName("paletteFillToggle")
        self.fill_toggle.setToolTip("On: a tile or cabinet dropped from here arrives filled with its default "
                                    "contents (a cabinet with its tiles and their chips).  Off: it arrives empty.  "
                                    "Holding Shift while dropping does the opposite.")
        self.fill_toggle.toggled.connect(self._on_fill_toggled)
        self.view = QTreeView()
        self.view.setObjectName("paletteView")
        self.view.setModel(self.proxy)
        self.view.setHeaderHidden(True)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setIconSize(QSize(28, 28))
        self.view.setUniformRowHeights(False)
        self.view.setAlternatingRowColors(False)
        self.view.clicked.connect(self._on_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.view)
        layout.addWidget(self.fill_toggle)
        self.view.expandAll()
        document.sigSpecsChanged.connect(self._refresh)
        document.sigReset.connect(self._refresh)

    def _refresh(self, *_args) -> None:
        self.model.refresh()
        self.view.expandAll()

    def _on_fill_toggled(self, on: bool) -> None:
        self.model.fill_new = on

    def _on_search(self, text: str) -> None:
        self.proxy.set_text(text)
        self.view.expandAll()

    def _on_clicked(self, index: QModelIndex) -> None:
        spec_id = index.data(SPEC_ID_ROLE)
        if spec_id:
            self.sigSpecActivated.emit(spec_id)

    # ----------------------------------------------------------------- for drags started in code (and tests)
    def index_of(self, spec_id: str) -> QModelIndex:
        """The view's index of a spec entry (invalid if filtered out)."""
        for g in range(self.proxy.rowCount()):
            group = self.proxy.index(g, 0)
            for r in range(self.proxy.rowCount(group)):
                index = self.proxy.index(r, 0, group)
                if index.data(SPEC_ID_ROLE) == spec_id:
                    return index
        return QModelIndex()

    def mime_for(self, spec_id: str):
        """What dragging the entry carries: the view's model is asked exactly as a drag asks it."""
        index = self.index_of(spec_id)
        return self.proxy.mimeData([index]) if index.isValid() else None

    def visible_spec_ids(self) -> list[str]:
        out = []
        for g in range(self.proxy.rowCount()):
            group = self.proxy.index(g, 0)
            out += [self.proxy.index(r, 0, group).data(SPEC_ID_ROLE) for r in range(self.proxy.rowCount(group))]
        return out
