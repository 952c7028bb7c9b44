"""A scatter plot of a sweep: any two figures against each other, a third as colour, the Pareto front over them.

X, Y and the colour are chosen among the varied figures and the results.  The Pareto front of X and
Y (each in the direction that is better for it, :data:`dojo_gui.jobs.sweep.figures.FIGURES`) is drawn
as a line through ringed points.  Clicking a point says which variant it is (``sigVariantClicked``);
the panel opens it as a design.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...jobs.sweep.figures import FIGURES, format_figure
from ...jobs.sweep.table import Column, columns, pareto_front, scenario_kind
from ...model.sweep import Sweep, VariantResult

pg.setConfigOptions(background="w", foreground="#1d232b", antialias=False)

COLOURMAP = pg.colormap.get("viridis")
FRONT_PEN = pg.mkPen("#d8453b", width=2)
DEFAULT_AXES = {"thermal": ("capex_usd", "peak_flops_per_w", "tj_max_c"),
                "comm": ("capex_usd", "busbw_Bps", "time_s"),
                "train": ("capex_usd", "tokens_per_s", "mfu_fraction")}


class FigureAxis(pg.AxisItem):  # type: ignore[misc]
    """An axis whose ticks read as the figure on it reads ("$2.2M", "450 W", "5x5" is not on an axis)."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)
        self.formatter: Callable[[float], str] | None = None

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if self.formatter is None:
            return list(super().tickStrings(values, scale, spacing))
        return [self.formatter(v) for v in values]


def numeric(values: list[Any]) -> np.ndarray:
    return np.array([float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else np.nan for v in values])


class SweepScatter(QWidget):
    sigVariantClicked = Signal(int)  # fires when a point is clicked; the variant's index

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sweep: Sweep | None = None
        self.results: list[VariantResult] = []
        self.cols: dict[str, Column] = {}
        self.combos = {}
        row = QHBoxLayout()
        for key, title in (("x", "X"), ("y", "Y"), ("colour", "Colour")):
            combo = QComboBox()
            combo.setObjectName(f"sweepScatter-{key}")
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
            combo.currentIndexChanged.connect(self.redraw)
            row.addWidget(QLabel(title))
            row.addWidget(combo, 1)
            self.combos[key] = combo
        self.axes = {"bottom": FigureAxis("bottom"), "left": FigureAxis("left")}
        self.plot = pg.PlotWidget(axisItems=self.axes)
        self.plot.setObjectName("sweepScatterPlot")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.points = pg.ScatterPlotItem(size=9, pen=pg.mkPen("#1d232b", width=0.5))
        self.points.sigClicked.connect(self._clicked)
        self.front_line = pg.PlotDataItem(pen=FRONT_PEN)
        self.front_points = pg.ScatterPlotItem(size=15, pen=FRONT_PEN, brush=pg.mkBrush(0, 0, 0, 0))
        for item in (self.front_line, self.points, self.front_points):
            self.plot.addItem(item)
        self.legend = QLabel(" ")
        self.legend.setObjectName("sweepScatterLegend")
        self.legend.setWordWrap(True)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.plot, 1)
        column.addWidget(self.legend)
        self.x_index = np.zeros(0, int)  # the variant index of each point drawn

    def set_sweep(self, sweep: Sweep | None, results: list[VariantResult] | None = None) -> None:
        self.sweep = sweep
        self.results = list(results if results is not None else (sweep.results if sweep else []))
        cols = [c for c in columns(sweep) if c.axis is not None or c.is_figure] if sweep is not None else []
        self.cols = {c.key: c for c in cols}
        kind = scenario_kind(sweep) if sweep is not None else ""
        defaults = DEFAULT_AXES.get(kind, ("", "", ""))
        for combo, default in zip(self.combos.values(), defaults):
            chosen = combo.currentData() or default
            combo.blockSignals(True)
            combo.clear()
            for c in cols:
                combo.addItem(c.title, c.key)
            index = combo.findData(chosen)
            combo.setCurrentIndex(index if index >= 0 else (combo.findData(default) if combo.findData(default) >= 0
                                                            else 0))
            combo.blockSignals(False)
        self.redraw()

    def add(self, results: list[VariantResult]) -> None:
        self.results.extend(results)
        self.redraw()

    def choose(self, x: str, y: str, colour: str | None = None) -> None:
        for key, value in (("x", x), ("y", y), ("colour", colour)):
            if value is not None:
                combo = self.combos[key]
                combo.setCurrentIndex(combo.findData(value))

    def values(self, key: str) -> np.ndarray:
        column = self.cols.get(key)
        if column is None:
            return np.full(len(self.results), np.nan)
        return numeric([column.value(r) if r.status == "ok" else None for r in self.results])

    def redraw(self) -> None:
        keys = {k: c.currentData() for k, c in self.combos.items()}
        x, y, colour = self.values(keys["x"] or ""), self.values(keys["y"] or ""), self.values(keys["colour"] or "")
        ok = np.isfinite(x) & np.isfinite(y)
        self.x_index = np.array([r.index for r in self.results], int)[ok]
        brushes = self._brushes(colour[ok])
        self.points.setData(x=x[ok], y=y[ok], brush=brushes, data=self.x_index)
        front = pareto_front(x[ok], y[ok], self._better(keys["x"]), self._better(keys["y"]))
        order = np.argsort(x[ok][front])
        self.front_line.setData(x[ok][front][order], y[ok][front][order])
        self.front_points.setData(x=x[ok][front], y=y[ok][front])
        for axis, key in (("bottom", keys["x"]), ("left", keys["y"])):
            self.axes[axis].formatter = (lambda v, k=key: self._text(k, v)) if key in self.cols else None
            self.plot.setLabel(axis, self.cols[key].title if key in self.cols else "")
        self.front = self.x_index[front]
        lo, hi = (np.nanmin(colour[ok]), np.nanmax(colour[ok])) if ok.any() and np.isfinite(colour[ok]).any() else \
            (np.nan, np.nan)
        colour_text = (f"colour: {self.cols[keys['colour']].title} from {self._text(keys['colour'], lo)} (dark) to "
                       f"{self._text(keys['colour'], hi)} (light)") if np.isfinite(lo) else ""
        titles = {k: self.cols[v].title if v in self.cols else "" for k, v in keys.items()}
        self.legend.setText(f"{int(ok.sum())} variants; the Pareto front ({int(front.sum())}, ringed): "
                            f"{self._words(keys['x'])} {titles['x']} and {self._words(keys['y'])} {titles['y']}. "
                            f"{colour_text}. Click a point to open it.")

    def _better(self, key: str | None) -> str:
        figure = FIGURES.get(key or "")
        return figure.better if figure is not None and figure.better else "high"

    def _words(self, key: str | None) -> str:
        return "lower" if self._better(key) == "low" else "higher"

    def _text(self, key: str, value: float) -> str:
        column = self.cols.get(key)
        if column is None or not np.isfinite(value):
            return "—"
        if column.axis is not None:
            return column.axis.format_value(value)
        return format_figure(key, value)

    @staticmethod
    def _brushes(values: np.ndarray) -> list[Any]:
        if not len(values) or not np.isfinite(values).any():
            return [pg.mkBrush("#4a7fb0")] * len(values)
        lo, hi = np.nanmin(values), np.nanmax(values)
        span = hi - lo if hi > lo else 1.0
        out = []
        for v in values:
            if not np.isfinite(v):
                out.append(pg.mkBrush(QColor("#bbbbbb")))
            else:
                out.append(pg.mkBrush(COLOURMAP.map((v - lo) / span, mode="qcolor")))
        return out

    def _clicked(self, _item: Any, points: Any, _event: Any = None) -> None:
        if len(points):
            self.sigVariantClicked.emit(int(points[0].data()))

    def point_of(self, variant_index: int) -> tuple[float, float] | None:
        """Where a variant's point is (plot coordinates), for tests and the real-window test."""
        keys = {k: c.currentData() for k, c in self.combos.items()}
        for r in self.results:
            if r.index == variant_index and r.status == "ok":
                x, y = self.cols[keys["x"]].value(r), self.cols[keys["y"]].value(r)
                if isinstance(x, (int, float)) and isinstance(y, (int, float)):
                    return float(x), float(y)
        return None

