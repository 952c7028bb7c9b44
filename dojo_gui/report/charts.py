"""Line charts of run series for reports, painted with QPainter (no widgets, no pyqtgraph).

A :class:`Chart` shows a few series of one unit against time.  It paints itself on any
painter: into a PNG for the HTML, and as vectors straight onto a PDF page (its labels
are text there).  Its axes come from :mod:`dojo_gui.ticks`: they end where the data
ends, are ticked in 1-2-5 steps of the unit they read in ("Time (min)", "Power (MW)")
and never repeat a label.  Long series are reduced to the extremes of each pixel column
before drawing, which keeps every peak visible and the cost bounded by the width.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QPolygonF

from ..ticks import Axis, time_axis, value_axis

# Colours that stay apart in print and for the common colour-vision deficiencies (Okabe–Ito).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
Y_PADDING = 0.04  # share of the data's span left above and below it, so a line is not drawn on the frame
FONT_PX = 11
LEGEND_COLUMNS = 3


def nice_ticks(lo: float, hi: float, target: int = 6) -> list[float]:
    """Round tick values (1, 2, 2.5, 5 x 10^k steps) covering [lo, hi], ends included: for scatter plots, whose
    axes frame the points; a line chart's axes end where its data ends (:mod:`dojo_gui.ticks`)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0]
    if hi <= lo:
        pad = abs(lo) * 0.05 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / max(target - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(lo / step + 1e-9)
    last = math.ceil(hi / step - 1e-9)
    return [k * step for k in range(first, max(last, first + 1) + 1)]


def reduce_for_width(points: np.ndarray, x_lo: float, x_hi: float, columns: int) -> np.ndarray:
    """At most about 2 points per pixel column: each column's first, minimum, maximum and last, in time order."""
    n = len(points)
    if n <= 4 * columns or x_hi <= x_lo:
        return points
    col = np.clip(((points[:, 0] - x_lo) / (x_hi - x_lo) * (columns - 1)).astype(np.int64), 0, columns - 1)
    starts = np.flatnonzero(np.r_[True, col[1:] != col[:-1]])
    ends = np.r_[starts[1:], n] - 1
    values = points[:, 1]
    run_of = np.repeat(np.arange(len(starts)), ends - starts + 1)
    keep = [starts, ends]
    for extreme in (np.minimum, np.maximum):
        at = np.flatnonzero(values == extreme.reduceat(values, starts)[run_of])
        _, first = np.unique(run_of[at], return_index=True)
        keep.append(at[first])
    index = np.unique(np.concatenate(keep))
    reduced: np.ndarray = points[index]
    return reduced


@dataclass
class TickMark:
    """A tick label as painted: which axis, its value (SI), its text and where the text went."""

    axis: str  # "x" or "y"
    value: float
    label: str
    rect: QRectF  # in the painter's coordinates


@dataclass
class ChartGeometry:
    """Where a painted chart put its plot area and tick labels (for tests that read the page back)."""

    plot: QRectF
    x: Axis
    y: Axis
    ticks: list[TickMark] = field(default_factory=list)


@dataclass
class Chart:
    """Series of one unit against time: ``series`` maps a label to an (n, 2) array of [t_s, value]."""

    series: Mapping[str, np.ndarray]
    unit: str  # a key of dojo_gui.units.UNITS
    name: str  # the y axis' name before its unit: "Power", "PUE", "Temperature"
    title: str = ""
    width: float = 620.0  # logical size (CSS px): how large it is shown
    height: float = 300.0

    def __post_init__(self) -> None:
        self.series = {k: np.asarray(v, dtype=float).reshape(-1, 2) for k, v in self.series.items()}

    def axes(self) -> tuple[Axis, Axis]:
        """The time axis over the data's times and the value axis over its values."""
        nonempty = [v for v in self.series.values() if len(v)]
        if not nonempty:
            return time_axis(0.0, 1.0), value_axis(0.0, 1.0, self.unit, self.name)
        xs = np.concatenate([v[:, 0] for v in nonempty])
        ys = np.concatenate([v[:, 1] for v in nonempty])
        ys = ys[np.isfinite(ys)]
        y_lo, y_hi = (float(ys.min()), float(ys.max())) if len(ys) else (0.0, 1.0)
        return time_axis(float(xs.min()), float(xs.max())), value_axis(y_lo, y_hi, self.unit, self.name)

    def image(self, scale: float = 2.0) -> QImage:
        """The chart as an image with ``scale`` pixels per logical pixel (and that device pixel ratio)."""
        image = QImage(int(self.width * scale), int(self.height * scale), QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(scale)
        image.fill(QColor("white"))
        painter = QPainter(image)
        try:
            self.paint(painter, QRectF(0, 0, self.width, self.height))
        finally:
            painter.end()
        return image

    def paint(self, p: QPainter, target: QRectF) -> ChartGeometry:
        """Paint the chart into ``target`` (logical px) and say where its parts went."""
        p.save()
        try:
            return self._paint(p, target)
        finally:
            p.restore()

    def _paint(self, p: QPainter, target: QRectF) -> ChartGeometry:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont("DejaVu Sans")
        font.setPixelSize(FONT_PX)
        p.setFont(font)
        fm = QFontMetricsF(font)
        x_axis, y_axis = self.axes()
        x_lo, x_hi = x_axis.lo, x_axis.hi
        if x_hi <= x_lo:
            x_hi = x_lo + 1.0
        pad = (y_axis.hi - y_axis.lo) * Y_PADDING or max(abs(y_axis.lo) * 0.01, 1e-12)
        y_lo, y_hi = y_axis.lo - pad, y_axis.hi + pad

        line_h = fm.height()
        top = target.top() + (line_h + 10 if self.title else 6)
        legend_rows = math.ceil(len(self.series) / LEGEND_COLUMNS) if len(self.series) > 1 else 0
        bottom = target.bottom() - (2 * line_h + 8) - legend_rows * (line_h + 4)
        left = target.left() + line_h + 6 + max(fm.horizontalAdvance(s) for s in y_axis.labels) + 6
        right = target.right() - max(8.0, fm.horizontalAdvance(x_axis.labels[-1]) / 2 + 2)
        plot = QRectF(left, top, right - left, bottom - top)
        geometry = ChartGeometry(plot, x_axis, y_axis)

        def to_x(x: np.ndarray) -> np.ndarray:
            return plot.left() + (x - x_lo) / (x_hi - x_lo) * plot.width()

        def to_y(y: np.ndarray) -> np.ndarray:
            return plot.bottom() - (y - y_lo) / (y_hi - y_lo) * plot.height()

        def x_of(x: float) -> float:
            return float(to_x(np.asarray(x)))

        def y_of(y: float) -> float:
            return float(to_y(np.asarray(y)))

        if self.title:
            bold = QFont(font)
            bold.setBold(True)
            bold.setPixelSize(FONT_PX + 1)
            p.setFont(bold)
            p.setPen(QColor("#222222"))
            p.drawText(QRectF(target.left(), target.top() + 2, target.width(), line_h + 4),
                       Qt.AlignmentFlag.AlignHCenter, self.title)
            p.setFont(font)

        p.setPen(QPen(QColor("#dddddd"), 0.8))
        for v in y_axis.ticks:
            p.drawLine(QPointF(plot.left(), y_of(v)), QPointF(plot.right(), y_of(v)))
        for v in x_axis.ticks:
            p.drawLine(QPointF(x_of(v), plot.top()), QPointF(x_of(v), plot.bottom()))
        p.setPen(QPen(QColor("#444444"), 1.0))
        p.drawRect(plot)
        for v, text in zip(y_axis.ticks, y_axis.labels):
            w = fm.horizontalAdvance(text)
            rect = QRectF(plot.left() - 6 - w, y_of(v) - line_h / 2, w, line_h)
            p.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
            geometry.ticks.append(TickMark("y", v, text, rect))
        for v, text in zip(x_axis.ticks, x_axis.labels):
            w = fm.horizontalAdvance(text)
            rect = QRectF(x_of(v) - w / 2, plot.bottom() + 3, w, line_h)
            p.drawText(rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, text)
            geometry.ticks.append(TickMark("x", v, text, rect))
        p.drawText(QRectF(plot.left(), plot.bottom() + line_h + 5, plot.width(), line_h),
                   Qt.AlignmentFlag.AlignHCenter, x_axis.title)
        p.save()
        p.translate(target.left() + 2, plot.center().y())
        p.rotate(-90)
        p.drawText(QRectF(-plot.height() / 2, 0, plot.height(), line_h), Qt.AlignmentFlag.AlignHCenter, y_axis.title)
        p.restore()

        p.save()
        p.setClipRect(plot.adjusted(-1, -1, 1, 1))
        for i, points in enumerate(self.series.values()):
            points = points[np.isfinite(points[:, 1])]
            if not len(points):
                continue
            points = reduce_for_width(points, x_lo, x_hi, max(1, int(plot.width())))
            pen = QPen(QColor(PALETTE[i % len(PALETTE)]), 1.6)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            p.setPen(pen)
            px, py = to_x(points[:, 0]), to_y(points[:, 1])
            if len(points) == 1:
                p.drawEllipse(QPointF(float(px[0]), float(py[0])), 2.5, 2.5)
            else:
                p.drawPolyline(QPolygonF([QPointF(float(x), float(y)) for x, y in zip(px, py)]))
        p.restore()

        if legend_rows:
            column_w = plot.width() / LEGEND_COLUMNS
            y0 = plot.bottom() + 2 * line_h + 10
            for i, name in enumerate(self.series):
                cx = plot.left() + (i % LEGEND_COLUMNS) * column_w
                cy = y0 + (i // LEGEND_COLUMNS) * (line_h + 4)
                p.setPen(QPen(QColor(PALETTE[i % len(PALETTE)]), 2.5))
                p.drawLine(QPointF(cx, cy + line_h / 2), QPointF(cx + 18, cy + line_h / 2))
                p.setPen(QColor("#222222"))
                p.drawText(QRectF(cx + 24, cy, column_w - 28, line_h), Qt.AlignmentFlag.AlignVCenter,
                           fm.elidedText(name, Qt.TextElideMode.ElideRight, column_w - 28))
        return geometry


def line_chart(series: Mapping[str, np.ndarray], unit: str, *, name: str = "", title: str = "", width: int = 620,
               height: int = 300, scale: float = 2.0) -> QImage:
    """A chart of ``series`` (label -> (n, 2) array of [t_s, value]) in ``unit`` as an image."""
    return Chart(series, unit, name or unit, title, width, height).image(scale)
