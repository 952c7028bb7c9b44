"""Line charts painted with QPainter into images, for reports (no widgets, no pyqtgraph).

A chart shows a few time series of one unit against time in seconds.  Long series are
reduced to the minimum and maximum per pixel column before drawing, which keeps every
peak visible and the drawing cost bounded by the image width.
"""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QPolygonF

from .. import units

# Colours that stay apart in print and for the common colour-vision deficiencies (Okabe–Ito).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")


def nice_ticks(lo: float, hi: float, target: int = 6) -> list[float]:
    """Round tick values (1, 2, 2.5, 5 x 10^k steps) covering [lo, hi]."""
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
    return points[index]


def line_chart(series: Mapping[str, np.ndarray], unit: str, *, title: str = "", width: int = 1200,
               height: int = 520, scale: float = 2.0) -> QImage:
    """A chart of ``series`` (label -> (n, 2) array of [t_s, value]) in ``unit`` (a key of units.UNITS).

    ``width`` and ``height`` are the logical size; the image has ``scale`` times as many
    pixels and that device pixel ratio, so it prints sharply at its logical size.
    """
    image = QImage(int(width * scale), int(height * scale), QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(scale)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        _paint_chart(painter, series, unit, title, width, height)
    finally:
        painter.end()
    return image


def _paint_chart(p: QPainter, series: Mapping[str, np.ndarray], unit: str, title: str, width: int, height: int) -> None:
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont("DejaVu Sans")
    font.setPixelSize(13)
    p.setFont(font)
    fm = QFontMetricsF(font)
    data = {k: np.asarray(v, dtype=float).reshape(-1, 2) for k, v in series.items()}
    nonempty = [v for v in data.values() if len(v)]
    if nonempty:
        xs = np.concatenate([v[:, 0] for v in nonempty])
        ys = np.concatenate([v[:, 1] for v in nonempty])
        x_lo, x_hi = float(xs.min()), float(xs.max())
        y_lo, y_hi = float(ys.min()), float(ys.max())
    else:
        x_lo, x_hi, y_lo, y_hi = 0.0, 1.0, 0.0, 1.0
    if x_hi <= x_lo:
        x_hi = x_lo + 1.0
    y_ticks = nice_ticks(y_lo, y_hi)
    x_ticks = nice_ticks(x_lo, x_hi)
    y_lo, y_hi = min(y_ticks[0], y_lo), max(y_ticks[-1], y_hi)
    x_lo, x_hi = min(x_ticks[0], x_lo), max(x_ticks[-1], x_hi)
    if y_hi <= y_lo:
        y_hi = y_lo + 1.0

    y_labels = [units.format(v, unit) for v in y_ticks]
    left = 14 + max(fm.horizontalAdvance(s) for s in y_labels)
    top = 34 if title else 14
    legend_h = 22 * math.ceil(len(data) / 3) if data else 0
    plot = QRectF(left, top, width - left - 36, height - top - 44 - legend_h)

    if title:
        bold = QFont(font)
        bold.setBold(True)
        bold.setPixelSize(15)
        p.setFont(bold)
        p.setPen(QColor("#222"))
        p.drawText(QRectF(0, 6, width, 24), Qt.AlignmentFlag.AlignHCenter, title)
        p.setFont(font)

    def to_x(x: float | np.ndarray):
        return plot.left() + (x - x_lo) / (x_hi - x_lo) * plot.width()

    def to_y(y: float | np.ndarray):
        return plot.bottom() - (y - y_lo) / (y_hi - y_lo) * plot.height()

    grid = QPen(QColor("#dddddd"), 1)
    p.setPen(grid)
    for v in y_ticks:
        p.drawLine(QPointF(plot.left(), to_y(v)), QPointF(plot.right(), to_y(v)))
    for v in x_ticks:
        p.drawLine(QPointF(to_x(v), plot.top()), QPointF(to_x(v), plot.bottom()))
    p.setPen(QPen(QColor("#444444"), 1.2))
    p.drawRect(plot)
    for v, text in zip(y_ticks, y_labels):
        p.drawText(QRectF(0, to_y(v) - 9, left - 6, 18), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
    for v in x_ticks:
        text = units.format(v, "s")
        w = fm.horizontalAdvance(text)
        p.drawText(QRectF(to_x(v) - w / 2 - 2, plot.bottom() + 4, w + 4, 18), Qt.AlignmentFlag.AlignHCenter, text)
    p.drawText(QRectF(plot.left(), plot.bottom() + 20, plot.width(), 18), Qt.AlignmentFlag.AlignHCenter, "time")

    p.save()
    p.setClipRect(plot.adjusted(-1, -1, 1, 1))
    for i, (name, points) in enumerate(data.items()):
        if not len(points):
            continue
        points = reduce_for_width(points, x_lo, x_hi, int(plot.width()))
        pen = QPen(QColor(PALETTE[i % len(PALETTE)]), 2)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        px, py = to_x(points[:, 0]), to_y(points[:, 1])
        if len(points) == 1:
            p.drawEllipse(QPointF(float(px[0]), float(py[0])), 3, 3)
        else:
            p.drawPolyline(QPolygonF([QPointF(float(x), float(y)) for x, y in zip(px, py)]))
    p.restore()

    x = plot.left()
    y = plot.bottom() + 42
    column_w = plot.width() / 3
    for i, name in enumerate(data):
        cx = x + (i % 3) * column_w
        cy = y + (i // 3) * 22
        p.setPen(QPen(QColor(PALETTE[i % len(PALETTE)]), 3))
        p.drawLine(QPointF(cx, cy + 9), QPointF(cx + 22, cy + 9))
        p.setPen(QColor("#222222"))
        p.drawText(QRectF(cx + 28, cy, column_w - 32, 18), Qt.AlignmentFlag.AlignVCenter,
                   fm.elidedText(name, Qt.TextElideMode.ElideRight, column_w - 32))
