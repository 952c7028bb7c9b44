"""A training run's results: the plan and its figures, the step as a Gantt chart, its breakdown, the search's table.

:class:`TrainingView` shows a :class:`~dojo_gui.sim.training.TrainingResult`:

- a summary: the plan, the step time, tokens/s, MFU, memory per chip, and (once the thermal window has
  run) the power at the feed, PUE, throttling, the time and energy to train;
- the **breakdown** of the step as one stacked bar (compute, exposed communication of each kind,
  bubble, streaming, optimizer, throttling), with each part's share;
- the **step timeline** of every pipeline stage as a Gantt chart (pyqtgraph): idle while the pipeline
  fills, compute, tensor and pipeline communication, the bubble, the gradient reduction, the optimizer;
- the **plans** the search tried, in a table sorted by any column: every plan that fits, best first,
  with why each lost, then those refused and why.

The plan shows as soon as it is known (while its steps still run on the thermal engine); the figures
from the thermal engine follow at the end.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QResizeEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ... import units
from ...sim.training import TrainingResult
from ...sim.training.result import PART_WORDS
from ...sim.training.timeline import Segment

# What each kind of segment is called and drawn in, the step's parts in the same colours.
KIND_STYLE: dict[str, tuple[str, str]] = {
    "compute": ("compute", "#1f6fe0"),
    "tp-comm": ("tensor comm.", "#e0701f"),
    "pp-comm": ("pipeline comm.", "#c79a12"),
    "dp-comm": ("gradient comm.", "#2fa866"),
    "idle": ("idle (bubble)", "#d5d9de"),
    "memory-stream": ("streaming", "#8a5cd0"),
    "other": ("optimizer", "#7d8792"),
}
PART_KIND = {"compute_s": "compute", "tp_comm_s": "tp-comm", "pp_comm_s": "pp-comm", "dp_comm_s": "dp-comm",
             "bubble_s": "idle", "memory_stream_s": "memory-stream", "other_s": "other", "throttle_s": "throttle"}
THROTTLE_COLOUR = "#d8453b"
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
# The plan's rank, its time and why it lost first (what a reader looks for), then the plan's figures.
PLAN_COLUMNS = ["#", "Step time", "Why", "TP", "PP", "DP", "µ-batch", "Schedule", "Placement", "Memory", "Evaluated"]
WHY_WIDTH = 230  # px: the why column shows its start (the whole text in its tooltip)


def part_colour(name: str) -> str:
    kind = PART_KIND[name]
    return THROTTLE_COLOUR if kind == "throttle" else KIND_STYLE[kind][1]


class BreakdownBar(QWidget):
    """The step's parts as one bar, each as wide as its share of the step."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("breakdownBar")
        self.setMinimumHeight(22)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.parts: list[tuple[str, float]] = []  # (part name, seconds)

    def set_parts(self, parts: list[tuple[str, float]]) -> None:
        self.parts = [(name, value) for name, value in parts if value > 0]
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # Qt's name
        painter = QPainter(self)
        total = sum(v for _, v in self.parts)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        x = rect.left()
        if total > 0:
            for name, value in self.parts:
                width = rect.width() * value / total
                painter.fillRect(QRectF(x, rect.top(), width, rect.height()), QColor(part_colour(name)))
                x += width
        painter.setPen(QColor("#7d8792"))
        painter.drawRect(rect)
        painter.end()


class GanttChart(pg.PlotWidget):  # type: ignore[misc]  # pyqtgraph ships no types
    """Every pipeline stage's step, a row each (stage 1 on top), segments coloured by what the chips do."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ganttChart")
        self.setBackground("w")
        item = self.getPlotItem()
        item.showGrid(x=True, y=False, alpha=0.15)
        item.hideButtons()
        item.setMenuEnabled(True)
        item.invertY(True)
        item.setLabel("bottom", "time in the step", units="s")
        item.getAxis("left").setWidth(58)
        item.setMouseEnabled(x=True, y=False)
        self.bars: dict[str, pg.BarGraphItem] = {}
        self.segments = 0  # drawn, for the tests and the probe
        self.stages = 0

    def _label_stages(self) -> None:
        """Name as many stages as there is room for (a label every 14 px or more), the first always."""
        rows = max(1, self.stages)
        every = max(1, math.ceil(rows * 14 / max(self.getPlotItem().getViewBox().height(), 14)))
        self.getPlotItem().getAxis("left").setTicks([[(j, f"stage {j + 1}") for j in range(0, rows, every)], []])

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt's name
        super().resizeEvent(event)
        if self.__dict__.get("stages"):  # (resized once while being made, before it has stages)
            self._label_stages()

    def show_timeline(self, stages: list[list[Segment]], step_time_s: float) -> None:
        item = self.getPlotItem()
        for bar in self.bars.values():
            item.removeItem(bar)
        self.bars = {}
        by_kind: dict[str, list[tuple[float, float, int]]] = {}
        for j, segments in enumerate(stages):
            for s in segments:
                by_kind.setdefault(s.kind, []).append((s.start_s, s.end_s - s.start_s, j))
        self.segments = sum(len(v) for v in by_kind.values())
        for kind, rows in by_kind.items():
            a = np.array(rows, float)
            colour = KIND_STYLE.get(kind, (kind, "#7d8792"))[1]
            bar = pg.BarGraphItem(x0=a[:, 0], width=a[:, 1], y=a[:, 2], height=0.72, brush=colour,
                                  pen=pg.mkPen(colour))
            item.addItem(bar)
            self.bars[kind] = bar
        p = self.stages = len(stages)
        self._label_stages()
        item.setYRange(-0.6, p - 0.4, padding=0.0)
        item.setXRange(0.0, step_time_s, padding=0.01)
        shown = [k for k in KIND_STYLE if k in by_kind]
        item.setTitle("&nbsp;&nbsp;".join(f"<span style='color:{KIND_STYLE[k][1]}'>■</span> {KIND_STYLE[k][0]}"
                                         for k in shown), size="8pt")

    def clear_timeline(self) -> None:
        item = self.getPlotItem()
        for bar in self.bars.values():
            item.removeItem(bar)
        self.bars = {}
        self.segments = 0
        self.stages = 0
        item.getAxis("left").setTicks(None)
        item.setTitle("")


class TrainingView(QWidget):
    """The last training run: its summary, breakdown, step timeline and the plans its search tried."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: TrainingResult | None = None
        self.summary = QLabel("Run the Training scenario (Simulation panel) to see a model's plan on this design.")
        self.summary.setObjectName("trainingSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel("")
        self.note.setObjectName("trainingNote")
        self.note.setStyleSheet("color: #a15c00;")
        self.note.hide()
        self.bar = BreakdownBar()
        self.parts = QLabel("")
        self.parts.setObjectName("breakdownParts")
        self.parts.setWordWrap(True)
        self.gantt = GanttChart()
        self.model = QStandardItemModel(0, len(PLAN_COLUMNS))
        self.model.setHorizontalHeaderLabels(PLAN_COLUMNS)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("plansTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(20)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PLAN_COLUMNS.index("Why"), QHeaderView.ResizeMode.Interactive)
        header.resizeSection(PLAN_COLUMNS.index("Why"), WHY_WIDTH)
        header.setStretchLastSection(True)
        self.plans_title = QLabel("")
        self.plans_title.setObjectName("plansTitle")
        self.plans_title.setWordWrap(True)
        self.refused = QLabel("")
        self.refused.setObjectName("plansRefused")
        self.refused.setWordWrap(True)

        step = QWidget()
        column = QVBoxLayout(step)
        column.setContentsMargins(4, 2, 4, 2)
        column.addWidget(self.summary)
        column.addWidget(self.note)
        column.addWidget(self.bar)
        column.addWidget(self.parts)
        column.addWidget(self.gantt, 1)
        plans = QWidget()
        right = QVBoxLayout(plans)
        right.setContentsMargins(4, 2, 4, 2)
        right.addWidget(self.plans_title)
        right.addWidget(self.table, 1)
        right.addWidget(self.refused)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(step)
        self.splitter.addWidget(plans)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

    # ----------------------------------------------------------------- showing
    def show_result(self, result: TrainingResult) -> None:
        """Show a plan (and, once it has them, its power and energy)."""
        self.result = result
        self.summary.setText(summary_html(result))
        bd = result.step.breakdown.to_json()
        step = result.step_time_s
        self.bar.set_parts(list(bd.items()))
        self.parts.setText("&nbsp;&nbsp; ".join(
            f"<span style='color:{part_colour(name)}'>■</span> {PART_WORDS[name]} {value / step:.1%} "
            f"({units.format(value, 's')})" for name, value in bd.items() if value > 0))
        self.gantt.show_timeline(result.step.timeline.stages, result.step.timeline.step_time_s)
        self._fill_plans(result)

    def _fill_plans(self, result: TrainingResult) -> None:
        self.model.removeRows(0, self.model.rowCount())
        search = result.search
        if search is None:
            self.plans_title.setText(f"The plan given: {result.plan.describe()} (no search).")
            self.refused.setText("")
            return
        self.plans_title.setText(f"{search.tried:,} plans tried, {len(search.ranked):,} fit, {search.simulated} "
                                 f"simulated with the communication engine, in {units.format(search.elapsed_s, 's')}; "
                                 f"click a heading to sort.")
        for rank, c in enumerate(search.ranked + search.rejected):
            p = c.plan
            step = (units.format(c.step_time_s, "s") if c.step_time_s else "—",
                    c.step_time_s if c.step_time_s else math.inf)
            cells = [(str(rank + 1) if c.verdict in ("best", "slower") else "—", rank), step, (c.why, c.why),
                     (str(p.tp), p.tp), (str(p.pp), p.pp), (str(p.dp), p.dp), (str(p.micro_batch), p.micro_batch),
                     (p.schedule if p.schedule == "1f1b" else f"interleaved x{p.interleave}",
                      f"{p.schedule}{p.interleave:02d}"),
                     (p.placement, p.placement),
                     (units.format(c.memory_bytes, "B") if c.memory_bytes else "—", c.memory_bytes or math.inf),
                     (c.evaluated or "—", c.evaluated)]
            row = []
            for text, key in cells:
                item = QStandardItem(text)
                item.setData(key, SORT_ROLE)
                item.setToolTip(f"{p.describe()}: {c.why}")
                if c.verdict == "best":
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                elif c.verdict in ("does not fit", "invalid"):
                    item.setForeground(QColor("#8a5a00"))
                row.append(item)
            self.model.appendRow(row)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        reasons = sorted(search.reasons.items(), key=lambda kv: -kv[1])
        self.refused.setText("Refused: " + "; ".join(f"{n:,} {why}" for why, n in reasons[:6]) if reasons else "")

    def set_stale(self, stale: bool) -> None:
        self.note.setText("Stale: the design was edited after this run started." if stale else "")
        self.note.setVisible(stale and self.result is not None)

    def clear(self) -> None:
        self.result = None
        self.summary.setText("Run the Training scenario (Simulation panel) to see a model's plan on this design.")
        self.bar.set_parts([])
        self.parts.setText("")
        self.gantt.clear_timeline()
        self.model.removeRows(0, self.model.rowCount())
        self.plans_title.setText("")
        self.refused.setText("")
        self.note.hide()


def summary_html(r: TrainingResult) -> str:
    """The run in a few lines: what, how fast, how well, what it draws and costs."""
    f = units.format
    mem = r.step.memory
    lines = [f"<b>{r.model.name}</b> on {r.design_name}: {r.step.chips:,} of {r.machine_chips:,} {r.chip_name}",
             (f"<b>{r.plan.describe()}</b>; {r.plan.micro_batches(r.settings)} micro-batches of "
              f"{r.settings.seq_len:,} tokens"),
             (f"step <b>{f(r.step_time_s, 's')}</b> ({r.step.evaluated}) · {r.tokens_per_s:,.0f} tokens/s · "
              f"{f(r.achieved_flops_per_chip, 'FLOPS')} per chip · MFU <b>{r.mfu:.1%}</b> · memory "
              f"{f(mem.total_bytes, 'B')} per chip of {f(mem.capacity_bytes, 'B')}")]
    e = r.energy
    if e is None:
        lines.append("power and cooling: running the plan's steps on the thermal engine…")
    else:
        heat = (f"up to {e.throttled_chips_max:,} chips throttled: the step is "
                f"{r.step.breakdown.throttle_s / e.step_time_full_clock_s:.1%} longer than at full clock"
                if e.throttled_chips_max else f"hottest junction {f(e.tj_max_c, 'C')} of {f(e.tj_limit_c, 'C')}, "
                                              f"no throttling")
        pue = f"PUE {e.pue:.3f}" if e.pue is not None else "PUE —"
        lines.append(f"{f(e.feed_power_w, 'W')} at the feed · {pue} · {heat}")
        days = r.time_to_train_s / 86400
        when = f"{days:,.1f} days" if days >= 2 else f(r.time_to_train_s, "s")
        lines.append(f"{r.settings.tokens / 1e9:,.4g}B tokens in <b>{when}</b>, {e.energy_kwh / 1e3:,.4g} MWh, "
                     f"${e.electricity_usd:,.0f} of electricity")
    return "<br>".join(lines)
