"""The findings panel: the design rules' results, live, each linked to the part it concerns."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QToolButton, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from ...jobs.analysis import Analysis
from ...model.rules import SEVERITIES, Finding
from .icons import severity_icon
from .selection import Selection

FINDING_ROLE = Qt.UserRole + 1


class FindingsWidget(QWidget):
    sigSpecRequested = Signal(str)  # fires when the user picks a finding about a spec; the spec id
    sigCountsChanged = Signal(dict)  # fires after new findings arrived; counts by severity

    def __init__(self, selection: Selection, parent=None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.findings: list[Finding] = []
        self.summary = QLabel("Checking…")
        self.summary.setObjectName("findingsSummary")
        self.filters: dict[str, QToolButton] = {}
        top = QHBoxLayout()
        top.setContentsMargins(4, 4, 4, 0)
        top.addWidget(self.summary, 1)
        for severity in SEVERITIES:
            button = QToolButton()
            button.setObjectName(f"show-{severity}")
            button.setIcon(severity_icon(severity))
            button.setCheckable(True)
            button.setChecked(True)
            button.setToolTip(f"Show {severity}s")
            button.toggled.connect(self._fill)
            top.addWidget(button)
            self.filters[severity] = button
        self.tree = QTreeWidget()
        self.tree.setObjectName("findingsTree")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Severity", "Where", "Finding"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SingleSelection)
        self.tree.setColumnWidth(0, 90)
        self.tree.setColumnWidth(1, 220)
        self.tree.itemClicked.connect(self._on_clicked)
        self.tree.itemActivated.connect(self._on_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.tree)

    def set_analysis(self, analysis: Analysis) -> None:
        self.findings = analysis.findings
        counts = analysis.counts()
        self.summary.setText(f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes"
                             f"  ·  checked in {analysis.seconds * 1000:.0f} ms")
        for severity, button in self.filters.items():
            button.setText(str(counts[severity]))
            button.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self._fill()
        self.sigCountsChanged.emit(counts)

    def clear(self) -> None:
        """Forget the findings (the design was replaced); new ones come with the next analysis."""
        self.findings = []
        self.summary.setText("Checking…")
        for button in self.filters.values():
            button.setText("")
        self._fill()

    def _fill(self, *_args) -> None:
        shown = {s for s, b in self.filters.items() if b.isChecked()}
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        items = []
        for finding in self.findings:
            if finding.severity not in shown:
                continue
            item = QTreeWidgetItem([finding.severity, finding.where(), finding.message])
            item.setIcon(0, severity_icon(finding.severity))
            item.setToolTip(2, finding.message)
            item.setData(0, FINDING_ROLE, finding)
            items.append(item)
        self.tree.addTopLevelItems(items)
        self.tree.setUpdatesEnabled(True)

    def _on_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        finding: Finding = item.data(0, FINDING_ROLE)
        if finding is None:
            return
        if finding.spec_id:
            self.sigSpecRequested.emit(finding.spec_id)
        elif finding.path:
            self.selection.select_and_focus([finding.path])
        else:
            self.selection.set_focus(())
            self.selection.clear()
