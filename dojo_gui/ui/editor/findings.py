"""The findings panel: the design rules' results, live, one row per rule and spec, each linked to its parts.

A row stands for a :class:`~dojo_gui.model.finding_groups.FindingGroup`: "120 tiles (Dojo
training tile): 17.2 kW at full load, over the 15 kW budget".  Clicking it selects all its
parts; expanding it lists them, one row per part, and clicking one of those selects that
part.  A group of one is a plain row for its part.  The rows of a group are made only when
it is first expanded (a broken 30,000-chip room has thousands), and a group stays expanded
from one check to the next.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...jobs.analysis import Analysis
from ...model.finding_groups import FindingGroup, GroupKey
from ...model.rules import SEVERITIES, Finding
from ...text import count
from .icons import severity_icon
from .selection import Selection

FINDING_ROLE = Qt.ItemDataRole.UserRole + 1  # on a part's row: its Finding
GROUP_ROLE = Qt.ItemDataRole.UserRole + 2  # on a group's row (and a group of one's): its FindingGroup


class FindingsWidget(QWidget):
    sigSpecRequested = Signal(str)  # fires when the user picks a finding about a spec; the spec id
    sigCountsChanged = Signal(dict)  # fires after new findings arrived; counts by severity

    def __init__(self, selection: Selection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.groups: list[FindingGroup] = []
        self._expanded: set[GroupKey] = set()  # keys of the groups the user opened
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
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setColumnWidth(0, 110)
        self.tree.setColumnWidth(1, 260)
        self.tree.itemClicked.connect(self._on_clicked)
        self.tree.itemActivated.connect(self._on_clicked)
        self.tree.itemExpanded.connect(self._on_expanded)
        self.tree.itemCollapsed.connect(lambda item: self._expanded.discard(self._key(item)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.tree)

    @property
    def findings(self) -> list[Finding]:
        """Every finding shown or filtered out, group by group."""
        return [f for group in self.groups for f in group.findings]

    def set_analysis(self, analysis: Analysis) -> None:
        self.groups = analysis.groups
        counts = analysis.counts()
        self.summary.setText(f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes"
                             f"{_in_rows(len(analysis.findings), len(self.groups))}"
                             f"  ·  checked in {analysis.seconds * 1000:.0f} ms")
        for severity, button in self.filters.items():
            button.setText(str(counts[severity]))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._fill()
        self.sigCountsChanged.emit(counts)

    def clear(self) -> None:
        """Forget the findings (the design was replaced); new ones come with the next analysis."""
        self.groups = []
        self._expanded.clear()
        self.summary.setText("Checking…")
        for button in self.filters.values():
            button.setText("")
        self._fill()

    # ----------------------------------------------------------------- rows
    def _fill(self, *_args: object) -> None:
        shown = {s for s, b in self.filters.items() if b.isChecked()}
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        items = []
        for group in self.groups:
            if group.severity not in shown:
                continue
            item = QTreeWidgetItem([group.severity, group.where(), group.message])
            item.setIcon(0, severity_icon(group.severity))
            item.setToolTip(2, group.message)
            item.setData(0, GROUP_ROLE, group)
            if group.count == 1:
                item.setData(0, FINDING_ROLE, group.findings[0])
            else:
                item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
                item.setToolTip(1, f"{group.count:,} parts: expand to list them, click to select them all")
            items.append(item)
        self.tree.addTopLevelItems(items)
        for item in items:
            if self._key(item) in self._expanded:
                item.setExpanded(True)  # its rows are made by _on_expanded
        self.tree.setUpdatesEnabled(True)

    def _on_expanded(self, item: QTreeWidgetItem) -> None:
        group: FindingGroup | None = item.data(0, GROUP_ROLE)
        if group is None:
            return
        self._expanded.add(group.key)
        if item.childCount():
            return
        children = []
        for finding in group.findings:
            child = QTreeWidgetItem(["", finding.where(), finding.message])
            child.setToolTip(2, finding.message)
            child.setData(0, FINDING_ROLE, finding)
            children.append(child)
        item.addChildren(children)

    @staticmethod
    def _key(item: QTreeWidgetItem) -> GroupKey | None:
        group = item.data(0, GROUP_ROLE)
        return group.key if group is not None else None

    def group_item(self, rule: str, level: str | None = None) -> QTreeWidgetItem | None:
        """The first row of a group of ``rule`` (on parts of ``level``), for tests and scripts."""
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            group = item.data(0, GROUP_ROLE) if item is not None else None
            if group is not None and group.rule == rule and (level is None or group.level == level):
                return item
        return None

    # ----------------------------------------------------------------- picking
    def _on_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        finding: Finding | None = item.data(0, FINDING_ROLE)
        if finding is not None:
            self._pick([finding])
            return
        group: FindingGroup | None = item.data(0, GROUP_ROLE)
        if group is not None:
            self._pick(list(group.findings))

    def _pick(self, findings: list[Finding]) -> None:
        first = findings[0]
        if first.spec_id:
            self.sigSpecRequested.emit(first.spec_id)
            return
        paths = [f.path for f in findings if f.path]
        if paths:
            self.selection.select_all_and_show(paths)
        else:
            self.selection.set_focus(())
            self.selection.clear()


def _in_rows(findings: int, groups: int) -> str:
    return f" in {count(groups, 'row')}" if groups < findings else ""
