"""Two kept runs side by side, in a window of their own: what changed between their designs, their figures with
the difference, their curves overlaid (A solid, B dashed).

The window opens wide enough to read: the figures' columns are as wide as their contents and
the table as wide as its columns; the plots take the rest.  What changed between the two
designs comes from the prints the runs keep (:mod:`dojo_gui.model.runprint`), put in words by
the same diff the report uses (:func:`dojo_gui.report.compare.describe_changes`).
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ... import units
from ...model.fingerprint import skeleton
from ...model.runs import RunRecord
from ...report.compare import describe_changes
from ...report.runs import HEADLINE_FIGURES, figure_label
from ...report.summary import DIGITS, LOWER_IS_BETTER, change
from ..project.dialogs import Dialogs
from .plots import SeriesPlots
from .runview import plot_specs, series_layout, show_series

WIDTH_SHARE = 0.9  # of the screen's width the window may take, at most
PLOTS_MIN_PX = 520  # the plots beside the figures are at least this wide
VERDICT_COLOURS = {"good": "#1e7b34", "warn": "#a15c00"}  # a change for the better, for the worse


def figure_text(name: str, value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    unit = units.unit_for_name(name)
    if unit.key == "1":
        return f"{value:.4g}"
    return units.format(value, unit)


def design_changes(a: RunRecord, b: RunRecord) -> list[str]:
    """What changed from the design run A was made on to run B's, a line each (or why that is not known)."""
    if a.design is None or b.design is None:
        missing = " and ".join(tag for tag, r in (("A", a), ("B", b)) if r.design is None)
        return [f"Not known: run {missing} was kept before runs kept the design they were made on."]
    if a.design.cabinets is None or b.design.cabinets is None:
        note = ["(Parts not compared: a design this large keeps its specs only.)"]
        old, new = skeleton(a.design), skeleton(b.design)
        old.room.children.clear()
        new.room.children.clear()
        return (describe_changes(old, new) or ["The specs' figures are the same."]) + note
    lines = describe_changes(skeleton(a.design), skeleton(b.design))
    return lines or ["Nothing: both runs were made on the same parts with the same figures."]


class ComparisonDialog(QDialog):
    """A and B: the runs' titles, what changed between their designs, their figures, their curves."""

    def __init__(self, a: RunRecord, b: RunRecord, dialogs: Dialogs | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareDialog")
        self.setWindowTitle(f"Compare runs: {a.label} and {b.label}")
        self.records = (a, b)
        self.title = QLabel(f"A (solid lines): {a.label} ({a.kind})\nB (dashed lines): {b.label} ({b.kind})"
                            + ("" if a.kind == b.kind else "\nThese runs are of different kinds: only the curves "
                               "both have are overlaid."))
        self.title.setObjectName("compareTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.changes_lines = design_changes(a, b)
        self.changes = QLabel("What changed between their designs:\n" + "\n".join(f"• {line}"
                                                                                   for line in self.changes_lines))
        self.changes.setObjectName("compareChanges")
        self.changes.setWordWrap(True)
        self.changes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = self._figures(a, b)
        self.plots = SeriesPlots([], dialogs=dialogs, name="comparison", columns=2)
        # Runs of different kinds share no time scale (minutes of cooling, a millisecond's collective): only the
        # curves both have are overlaid.
        names = list(a.series) + list(b.series) if a.kind == b.kind else [n for n in a.series if n in b.series]
        if not names:
            self.plots.note.setText("These runs have no curves in common to overlay.")
        layout = series_layout(names, a.kind if a.kind == b.kind else "")
        self.plots.set_specs(plot_specs(layout, ("A", "B"), [set(a.series), set(b.series)]))
        show_series(self.plots, a, "A")
        show_series(self.plots, b, "B")
        self.plots.auto_range()

        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        column.addWidget(self.changes)
        column.addWidget(self.table, 1)
        table_px = self.table_width()
        left.setMinimumWidth(table_px)
        self.changes.setMaximumWidth(max(table_px, 420))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("compareSplitter")
        splitter.addWidget(left)
        splitter.addWidget(self.plots)
        splitter.setChildrenCollapsible(False)
        self.plots.setMinimumWidth(PLOTS_MIN_PX)
        outer = QVBoxLayout(self)
        outer.addWidget(splitter)
        outer.activate()  # its minimum size set before it has a window (offscreen platforms warn after)
        self._size_to_fit(table_px)
        splitter.setSizes([table_px, max(self.width() - table_px, PLOTS_MIN_PX)])

    def _figures(self, a: RunRecord, b: RunRecord) -> QTableWidget:
        headline = list(HEADLINE_FIGURES.get(a.kind, ())) + list(HEADLINE_FIGURES.get(b.kind, ()))
        names = list(dict.fromkeys(headline + [n for n in a.key_figures if n in b.key_figures]))
        names = [n for n in names if n in a.key_figures or n in b.key_figures]
        table = QTableWidget(len(names), 4)
        table.setObjectName("compareTable")
        table.setHorizontalHeaderLabels(["Figure", "A", "B", "B − A"])
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(22)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the table is as wide as its columns
        for row, name in enumerate(names):
            # As the report's comparison writes them: A and B told apart, the change signed, better or worse.
            lower = True if name in LOWER_IS_BETTER else None if units.unit_for_name(name).key == "1" else False
            *cells, verdict = change(a.figure(name), b.figure(name), units.unit_for_name(name).key, lower,
                                     DIGITS.get(name, 3))
            for column, text in enumerate([figure_label(name), *cells]):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, name)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 3 and verdict:
                    item.setForeground(QColor(VERDICT_COLOURS[verdict]))
                table.setItem(row, column, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        return table

    def table_width(self) -> int:
        """The width the figures need: every column as wide as its contents, and the frame."""
        table = self.table
        table.resizeColumnsToContents()
        columns = sum(table.columnWidth(c) for c in range(table.columnCount()))
        scroll = table.verticalScrollBar().sizeHint().width()
        return columns + 2 * table.frameWidth() + scroll + 4

    def _size_to_fit(self, table_px: int) -> None:
        owner = self.parentWidget()
        screen = owner.screen() if owner is not None else self.screen()
        available = screen.availableGeometry() if screen is not None else None
        wanted = table_px + max(PLOTS_MIN_PX, int(1.4 * table_px)) + 40
        height = 640
        if available is not None:
            wanted = min(wanted, int(available.width() * WIDTH_SHARE))
            height = min(height, int(available.height() * 0.85))
        self.resize(max(wanted, table_px + PLOTS_MIN_PX + 40), height)
