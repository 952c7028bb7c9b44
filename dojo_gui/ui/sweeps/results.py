"""A sweep's results as a sortable table: one row per variant, the varied figures, then what it gave.

The columns are :func:`dojo_gui.jobs.sweep.table.columns` (the command line's and the report's);
cells show figures with their units and sort by their numbers.  Rows arrive as variants finish.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from ...jobs.sweep.table import Column, columns
from ...model.sweep import Sweep, VariantResult

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # the raw value: numbers sort as numbers
STATUS_COLOURS = {"failed": QColor("#c0392b"), "cancelled": QColor("#8a8a8a")}
Index = QModelIndex | QPersistentModelIndex


class ResultsModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sweep: Sweep | None = None
        self.cols: list[Column] = []
        self.rows: list[VariantResult] = []

    def set_sweep(self, sweep: Sweep | None, results: list[VariantResult] | None = None) -> None:
        self.beginResetModel()
        self.sweep = sweep
        self.cols = columns(sweep) if sweep is not None else []
        self.rows = sorted(results if results is not None else (sweep.results if sweep else []), key=lambda r: r.index)
        self.endResetModel()

    def add(self, results: list[VariantResult]) -> None:
        if not results:
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(results) - 1)
        self.rows.extend(results)
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.cols)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        result, column = self.rows[index.row()], self.cols[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(result)
        if role == SORT_ROLE:
            value = column.value(result)
            return value if value is not None else float("-inf")
        if role == Qt.ItemDataRole.ForegroundRole:
            return STATUS_COLOURS.get(result.status)
        if role == Qt.ItemDataRole.ToolTipRole and result.error:
            return result.error
        right = column.is_figure or column.axis is not None or column.key == "index"
        if role == Qt.ItemDataRole.TextAlignmentRole and right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.cols):
            return self.cols[section].title
        return None


class _Sorter(QSortFilterProxyModel):
    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return a < b
        return str(a) < str(b)


class ResultsTable(QWidget):
    sigVariantActivated = Signal(int)  # fires when a row is double-clicked; the variant's index

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ResultsModel(self)
        self.proxy = _Sorter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setObjectName("sweepResultsTable")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.doubleClicked.connect(self._activated)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.view)

    def _activated(self, index: QModelIndex) -> None:
        row = self.proxy.mapToSource(index).row()
        self.sigVariantActivated.emit(self.model.rows[row].index)

    def select_variant(self, variant_index: int) -> None:
        for row, result in enumerate(self.model.rows):
            if result.index == variant_index:
                proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
                self.view.selectRow(proxy_index.row())
                self.view.scrollTo(proxy_index)
                return
