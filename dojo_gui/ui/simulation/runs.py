"""Runs kept with the project: the list, one run on its own, two compared, removing runs (undoably).

The list follows ``design.runs`` (:class:`dojo_gui.model.runs.RunRecord`, checked when
read from a file).  Selecting one run shows it beside the list (:class:`~.runview.RunView`:
its plots, its parts on the canvas); Compare opens two in a window of their own
(:class:`~.comparison.ComparisonDialog`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...model.runs import RunRecord
from ...report.runs import HEADLINE_FIGURES, figure_label
from ..project.dialogs import Dialogs
from ..project.document import DesignDocument, EditRefused
from .comparison import ComparisonDialog, figure_text
from .runview import RunView

LABEL_MAX_PX = 220  # the Run column is as wide as its labels up to this; the key figures get the rest


class RunsWidget(QWidget):
    sigStatus = Signal(str, int)  # fires with a message for the status bar and how long to show it
    sigCanvas = Signal(object)  # fires when the canvas should show a kept run's values (a KeptCanvas) or not (None)

    def __init__(self, document: DesignDocument, dialogs: Dialogs | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.dialogs = dialogs or Dialogs()
        self.records: list[RunRecord] = []
        self.comparison: ComparisonDialog | None = None  # the last comparison opened
        self.tree = QTreeWidget()
        self.tree.setObjectName("runsList")
        self.tree.setHeaderLabels(["Run", "Kind", "Key figures", "Finished"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tree.itemSelectionChanged.connect(self._on_selection)
        self.tree.itemDoubleClicked.connect(lambda *_: self.compare_selected() if len(self.selected_indices()) == 2
                                            else None)
        self.compare_button = QPushButton("Compare…")
        self.compare_button.setObjectName("compareButton")
        self.compare_button.setToolTip("Open the two selected runs side by side: what changed between their designs, "
                                       "their figures, their curves overlaid")
        self.compare_button.clicked.connect(self.compare_selected)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeRunButton")
        self.remove_button.setToolTip("Remove the selected runs from the project (Undo brings them back)")
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.compare_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.view = RunView(self.dialogs)
        self.view.sigCanvas.connect(self.sigCanvas)
        runs = QWidget()
        runs_column = QVBoxLayout(runs)
        runs_column.setContentsMargins(0, 0, 0, 0)
        runs_column.addWidget(self.tree, 1)
        runs_column.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(runs)
        splitter.addWidget(self.view)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(splitter)
        document.sigRunsChanged.connect(self.refresh)
        document.sigReset.connect(self.refresh)
        self.refresh()

    # ----------------------------------------------------------------- the list
    def refresh(self) -> None:
        """Read the design's runs again (after one was kept, removed, or another design opened)."""
        self.records = list(self.document.design.runs)
        shown = self.view.record
        self.tree.blockSignals(True)
        self.tree.clear()
        for index, record in enumerate(self.records):
            figures = [f"{figure_label(n)} {figure_text(n, record.figure(n))}"
                       for n in HEADLINE_FIGURES.get(record.kind, ()) if record.figure(n) is not None][:3]
            item = QTreeWidgetItem([record.label or "(no label)", record.kind, " · ".join(figures),
                                    record.finished.replace("T", " ").replace("Z", " UTC")])
            item.setData(0, Qt.ItemDataRole.UserRole, index)
            item.setToolTip(0, record.label)
            self.tree.addTopLevelItem(item)
            if record is shown:
                item.setSelected(True)
        self.tree.blockSignals(False)
        self.tree.resizeColumnToContents(1)
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, min(self.tree.columnWidth(0), LABEL_MAX_PX))
        self._on_selection()

    def selected_indices(self) -> list[int]:
        """Indices in ``design.runs`` of the selected runs, in list order."""
        items = sorted(self.tree.selectedItems(), key=self.tree.indexOfTopLevelItem)
        return [item.data(0, Qt.ItemDataRole.UserRole) for item in items]

    def select(self, indices: list[int]) -> None:
        self.tree.clearSelection()
        for k in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(k)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole) in indices:
                item.setSelected(True)

    def _on_selection(self) -> None:
        chosen = self.selected_indices()
        self.compare_button.setEnabled(len(chosen) == 2)
        self.remove_button.setEnabled(len(chosen) >= 1)
        if len(chosen) == 1:
            if self.view.record is not self.records[chosen[0]]:
                self.view.show_record(self.records[chosen[0]])
        elif self.view.record is not None or not chosen:
            self.view.show_record(None, "Two runs selected: Compare opens them side by side." if len(chosen) == 2
                                  else "Select a run to see it here; select two to compare them.")

    def remove_selected(self) -> None:
        try:
            n = self.document.remove_runs(self.selected_indices())
        except EditRefused as exc:
            self.sigStatus.emit(str(exc), 4000)
            return
        runs, them = ("runs", "them") if n > 1 else ("run", "it")
        self.sigStatus.emit(f"Removed {n} saved {runs} (Undo brings {them} back)",
                            5000)

    # ----------------------------------------------------------------- comparing
    def record(self, index: int) -> RunRecord:
        return self.records[index]

    def compare_selected(self) -> None:
        chosen = self.selected_indices()
        if len(chosen) != 2:
            self.sigStatus.emit("Select two runs to compare (Ctrl+click the second)", 4000)
            return
        self.compare(*chosen)

    def compare(self, a: int, b: int) -> ComparisonDialog:
        """Open runs ``a`` and ``b`` (indices in ``design.runs``) side by side in a window of their own."""
        dialog = ComparisonDialog(self.record(a), self.record(b), self.dialogs, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.comparison = dialog
        dialog.finished.connect(lambda _result, d=dialog: self._forget(d))
        dialog.show()
        return dialog

    def _forget(self, dialog: ComparisonDialog) -> None:
        if self.comparison is dialog:
            self.comparison = None
