"""Runs kept with the project: the list, removing runs (undoably), and comparing two by overlaying their curves.

The list follows ``design.runs`` (:class:`dojo_gui.model.runs.RunRecord`, checked when
read from a file).  Comparing two runs puts their key figures side by side with the
difference, and draws every series either has on shared axes: the first run solid, the
second dashed.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ... import units
from ...model.runs import RunRecord
from ...report.runs import HEADLINE_FIGURES, figure_label
from ..project.dialogs import Dialogs
from ..project.document import DesignDocument, EditRefused
from .plots import PALETTE, CurveSpec, PlotSpec, SeriesPlots

# Plots of a comparison, by the unit of the series they hold.
UNIT_TITLES = {"W": "Power", "C": "Temperature", "1": "Ratio", "s": "Time", "%": "Share", "B/s": "Bandwidth"}


def figure_text(name: str, value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    unit = units.unit_for_name(name)
    if unit.key == "1":
        return f"{value:.4g}"
    return units.format(value, unit)


class RunsWidget(QWidget):
    sigStatus = Signal(str, int)  # fires with a message for the status bar and how long to show it

    def __init__(self, document: DesignDocument, dialogs: Dialogs | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.dialogs = dialogs or Dialogs()
        self.records: list[RunRecord] = []
        self.tree = QTreeWidget()
        self.tree.setObjectName("runsList")
        self.tree.setHeaderLabels(["Run", "Kind", "Key figures", "Finished"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tree.setColumnWidth(0, 220)
        self.tree.itemSelectionChanged.connect(self._on_selection)
        self.tree.itemDoubleClicked.connect(lambda *_: self.compare_selected())
        self.compare_button = QPushButton("Compare")
        self.compare_button.setObjectName("compareButton")
        self.compare_button.setToolTip("Overlay the curves of the two selected runs and set their figures side by side")
        self.compare_button.clicked.connect(self.compare_selected)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeRunButton")
        self.remove_button.setToolTip("Remove the selected runs from the project (Undo brings them back)")
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.compare_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.compare_title = QLabel("Select two runs and press Compare (or double-click).")
        self.compare_title.setObjectName("compareTitle")
        self.compare_title.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("compareTable")
        self.table.setHorizontalHeaderLabels(["Figure", "A", "B", "B − A"])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.plots = SeriesPlots([], dialogs=self.dialogs, name="comparison", columns=2)
        # Left: the runs, the buttons, then the figures of the two compared; right: their curves, overlaid.
        runs = QWidget()
        runs_column = QVBoxLayout(runs)
        runs_column.setContentsMargins(0, 0, 0, 0)
        runs_column.addWidget(self.tree, 1)
        runs_column.addLayout(buttons)
        figures = QWidget()
        figures_column = QVBoxLayout(figures)
        figures_column.setContentsMargins(0, 0, 0, 0)
        figures_column.addWidget(self.compare_title)
        figures_column.addWidget(self.table, 1)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(runs)
        left.addWidget(figures)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.plots)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(splitter)
        self.compared: tuple[int, int] | None = None
        document.sigRunsChanged.connect(self.refresh)
        document.sigReset.connect(self.refresh)
        self.refresh()

    # ----------------------------------------------------------------- the list
    def refresh(self) -> None:
        """Read the design's runs again (after one was kept, removed, or another design opened)."""
        self.records = list(self.document.design.runs)
        self.tree.clear()
        for index, record in enumerate(self.records):
            figures = [f"{figure_label(n)} {figure_text(n, record.figure(n))}"
                       for n in HEADLINE_FIGURES.get(record.kind, ()) if record.figure(n) is not None][:3]
            item = QTreeWidgetItem([record.label or "(no label)", record.kind, " · ".join(figures),
                                    record.finished.replace("T", " ").replace("Z", " UTC")])
            item.setData(0, Qt.ItemDataRole.UserRole, index)
            item.setToolTip(0, record.label)
            self.tree.addTopLevelItem(item)
        self.tree.resizeColumnToContents(1)
        if self.compared is not None and max(self.compared) >= len(self.records):
            self.clear_comparison()
        self._on_selection()

    def selected_indices(self) -> list[int]:
        """Indices in ``design.runs`` of the selected runs, in list order."""
        items = sorted(self.tree.selectedItems(), key=self.tree.indexOfTopLevelItem)
        return [item.data(0, Qt.ItemDataRole.UserRole) for item in items]

    def select(self, indices: list[int]) -> None:
        self.tree.clearSelection()
        for k in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(k)
            if item.data(0, Qt.ItemDataRole.UserRole) in indices:
                item.setSelected(True)

    def _on_selection(self) -> None:
        n = len(self.selected_indices())
        self.compare_button.setEnabled(n == 2)
        self.remove_button.setEnabled(n >= 1)

    def remove_selected(self) -> None:
        try:
            n = self.document.remove_runs(self.selected_indices())
        except EditRefused as exc:
            self.sigStatus.emit(str(exc), 4000)
            return
        self.sigStatus.emit(f"Removed {n} saved run{'s' if n > 1 else ''} (Undo brings {'them' if n > 1 else 'it'} back)",
                            5000)

    # ----------------------------------------------------------------- comparing
    def record(self, index: int) -> RunRecord:
        return self.records[index]

    def compare_selected(self) -> None:
        chosen = self.selected_indices()
        if len(chosen) != 2:
            self.sigStatus.emit("Select two runs to compare", 4000)
            return
        self.compare(*chosen)

    def compare(self, a: int, b: int) -> None:
        """Show runs ``a`` and ``b`` (indices in ``design.runs``) side by side and overlaid."""
        ra, rb = self.record(a), self.record(b)
        self.compared = (a, b)
        self.compare_title.setText(f"A (solid lines): {ra.label} ({ra.kind})\nB (dashed lines): {rb.label} ({rb.kind})"
                                   + ("" if ra.kind == rb.kind else "\nThese runs are of different kinds: only the "
                                      "figures both have are set side by side."))
        headline = list(HEADLINE_FIGURES.get(ra.kind, ())) + [n for n in HEADLINE_FIGURES.get(rb.kind, ())]
        names = list(dict.fromkeys(headline + [n for n in ra.key_figures if n in rb.key_figures]))
        names = [n for n in names if n in ra.key_figures or n in rb.key_figures]
        self.table.setRowCount(len(names))
        for row, name in enumerate(names):
            va, vb = ra.figure(name), rb.figure(name)
            diff = vb - va if va is not None and vb is not None else None
            change = ""
            if diff is not None and va:
                change = f" ({diff / abs(va) * 100:+.2g} %)"
            cells = [figure_label(name), figure_text(name, va), figure_text(name, vb),
                     ("—" if diff is None else ("+" if diff > 0 else "") + figure_text(name, diff) + change)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, name)
                self.table.setItem(row, column, item)
        # One plot per unit; each series of A solid, of B dashed, in the same colour.
        series = list(dict.fromkeys(list(ra.series) + list(rb.series)))
        by_unit: dict[str, list[str]] = {}
        for name in series:
            by_unit.setdefault(units.unit_for_name(name).key, []).append(name)
        specs = []
        for key, group in by_unit.items():
            curves = []
            for k, name in enumerate(group):
                colour = PALETTE[k % len(PALETTE)]
                legend = figure_label(name)
                if name in ra.series:
                    curves.append(CurveSpec(f"A:{name}", f"{legend} A", colour, legend=legend))
                if name in rb.series:
                    curves.append(CurveSpec(f"B:{name}", f"{legend} B", colour, dashed=True, legend=legend))
            unit = key if key in units.UNITS else "1"
            specs.append(PlotSpec(key, UNIT_TITLES.get(key, figure_label(group[0])), unit, curves))
        self.plots.set_specs(specs)
        for tag, record in (("A", ra), ("B", rb)):
            for name, points in record.series.items():
                xy = np.asarray(points, float).reshape(-1, 2)
                self.plots.set_data(f"{tag}:{name}", xy[:, 0], xy[:, 1])
        self.plots.auto_range()

    def clear_comparison(self) -> None:
        self.compared = None
        self.compare_title.setText("Select two runs and press Compare (or double-click).")
        self.table.setRowCount(0)
        self.plots.set_specs([])
