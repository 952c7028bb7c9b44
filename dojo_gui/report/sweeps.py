"""The report's section on the sweeps kept with the design: each one's table and its scatter plot.

For every sweep: what it varied and ran, how many variants ran, failed or came from the cache, the
economics it was priced with, its table (the key figures of the scenario, as ``dojo-gui sweep``
prints them) and a scatter plot of two of its figures with a third as colour and the Pareto front
ringed and joined — the same choice of figures the Sweeps panel opens with.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QPolygonF

from ..jobs.sweep.figures import FIGURES, format_figure
from ..jobs.sweep.scenario import describe
from ..jobs.sweep.table import Column, columns, pareto_front, scenario_kind
from ..model.sweep import Sweep
from .charts import nice_ticks
from .document import Block, Figure, Note, Paragraph, Section, Subheading, Table

MAX_ROWS = 40
PLOT_AXES = {"thermal": ("capex_usd", "peak_flops_per_w", "tj_max_c"),
             "comm": ("capex_usd", "busbw_Bps", "time_s"),
             "train": ("capex_usd", "tokens_per_s", "mfu_fraction")}
FRONT = QColor("#D55E00")


def sweeps_section(ctx: Any) -> Section | None:  # ctx: sections.ReportContext (that module lists this one)
    sweeps = ctx.design.sweeps
    if not sweeps:
        return None
    blocks: list[Block] = [Paragraph(f"{len(sweeps)} sweep{'s' if len(sweeps) != 1 else ''} of this design "
                              f"{'are' if len(sweeps) != 1 else 'is'} kept with it: variants of its figures and "
                              f"grids, each run on the scenario named, with what they cost (see docs/economics.md "
                              f"for the prices and what they leave out).")]
    for number, sweep in enumerate(sweeps, 1):
        blocks.extend(_one(number, sweep))
    return Section("sweeps", "Sweeps", blocks)


def _one(number: int, sweep: Sweep) -> list[Block]:
    results = sorted(sweep.results, key=lambda r: r.index)
    ok = sum(r.status == "ok" for r in results)
    failed = sum(r.status == "failed" for r in results)
    cached = sum(r.cached for r in results)
    econ = sweep.economics
    out: list[Block] = [Subheading(f"Sweep {number}: {sweep.name}"),
                 Paragraph(f"Varied: {'; '.join(a.text() for a in sweep.axes)}. Plan: {sweep.plan.text()}. "
                           f"Scenario: {describe(sweep.scenario)}. {len(results):,} variants: {ok:,} ran"
                           + (f" ({cached:,} from the cache)" if cached else "")
                           + (f", {failed:,} failed" if failed else "")
                           + f"; finished {sweep.finished or '—'}. Electricity at "
                             f"${econ.electricity_usd_per_kwh:g}/kWh over {econ.service_years:g} years.", small=True)]
    if not results:
        out.append(Note("This sweep has not run: it has no results."))
        return out
    cols = [c for c in columns(sweep, key_only=True) if c.key != "error"]
    shown = results[:MAX_ROWS]
    numeric = frozenset(i for i, c in enumerate(cols) if c.is_figure or c.axis is not None or c.key == "index")
    out.append(Table(f"sweep-{number}", [c.title for c in cols], [[c.text(r) for c in cols] for r in shown], numeric,
                     row_kinds=["bad" if r.status == "failed" else "" for r in shown]))
    if len(results) > len(shown):
        out.append(Paragraph(f"… and {len(results) - len(shown):,} more variants (dojo-gui sweep -o, or the Sweeps "
                             f"panel, for all of them).", small=True))
    for r in shown:
        if r.status == "failed":
            out.append(Paragraph(f"Variant {r.index} failed: {r.error}", small=True))
    x, y, colour = PLOT_AXES[scenario_kind(sweep)]
    by_key = {c.key: c for c in columns(sweep)}
    image = scatter_chart(sweep, by_key[x], by_key[y], by_key[colour], width=900, height=460)
    out.append(Figure(f"sweep-{number}-plot", image,
                      f"Sweep {number}: {by_key[y].title} against {by_key[x].title}, coloured by "
                      f"{by_key[colour].title} "
                      f"(dark low, light high); the Pareto front ({_words(x)} {by_key[x].title.lower()}, "
                      f"{_words(y)} {by_key[y].title.lower()}) ringed and joined.", width=620))
    return out


def _better(key: str) -> str:
    figure = FIGURES.get(key)
    return figure.better if figure is not None and figure.better else "high"


def _words(key: str) -> str:
    return "lower" if _better(key) == "low" else "higher"


def _values(sweep: Sweep, column: Column) -> np.ndarray:
    out = []
    for r in sorted(sweep.results, key=lambda r: r.index):
        v = column.value(r) if r.status == "ok" else None
        out.append(float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else np.nan)
    return np.array(out)


def _viridis(t: float) -> QColor:
    """A few stops of the viridis colour map, interpolated (dark purple low, yellow high)."""
    stops = [(0.0, (68, 1, 84)), (0.25, (59, 82, 139)), (0.5, (33, 145, 140)), (0.75, (94, 201, 98)),
             (1.0, (253, 231, 37))]
    t = min(max(t, 0.0), 1.0)
    for (t0, c0), (t1, c1) in itertools.pairwise(stops):
        if t <= t1:
            f = (t - t0) / (t1 - t0)
            return QColor(*(round(a + (b - a) * f) for a, b in zip(c0, c1)))
    return QColor(*stops[-1][1])


def scatter_chart(sweep: Sweep, xc: Column, yc: Column, cc: Column, *, width: int = 900, height: int = 460,
                  scale: float = 2.0) -> QImage:
    """Y against X for every variant that ran, coloured by ``cc``, the Pareto front of X and Y ringed and joined."""
    image = QImage(int(width * scale), int(height * scale), QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(scale)
    image.fill(QColor("white"))
    p = QPainter(image)
    try:
        _paint(p, _values(sweep, xc), _values(sweep, yc), _values(sweep, cc), xc, yc, width, height)
    finally:
        p.end()
    return image


def _label(column: Column, value: float) -> str:
    return column.axis.format_value(value) if column.axis is not None else format_figure(column.key, value)


def _paint(p: QPainter, x: np.ndarray, y: np.ndarray, c: np.ndarray, xc: Column, yc: Column, width: int,
           height: int) -> None:
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont("DejaVu Sans")
    font.setPixelSize(13)
    p.setFont(font)
    fm = QFontMetricsF(font)
    ok = np.isfinite(x) & np.isfinite(y)
    xs, ys = x[ok], y[ok]
    x_lo, x_hi = (float(xs.min()), float(xs.max())) if len(xs) else (0.0, 1.0)
    y_lo, y_hi = (float(ys.min()), float(ys.max())) if len(ys) else (0.0, 1.0)
    x_ticks, y_ticks = nice_ticks(x_lo, x_hi), nice_ticks(y_lo, y_hi)
    x_lo, x_hi = min(x_ticks[0], x_lo), max(x_ticks[-1], x_hi)
    y_lo, y_hi = min(y_ticks[0], y_lo), max(y_ticks[-1], y_hi)
    y_labels = [_label(yc, v) for v in y_ticks]
    left = 14 + max(fm.horizontalAdvance(s) for s in y_labels)
    plot = QRectF(left, 14, width - left - 36, height - 14 - 48)

    def to_x(v: float) -> float:
        return plot.left() + (v - x_lo) / ((x_hi - x_lo) or 1.0) * plot.width()

    def to_y(v: float) -> float:
        return plot.bottom() - (v - y_lo) / ((y_hi - y_lo) or 1.0) * plot.height()

    p.setPen(QPen(QColor("#dddddd"), 1))
    for v in y_ticks:
        p.drawLine(QPointF(plot.left(), to_y(v)), QPointF(plot.right(), to_y(v)))
    for v in x_ticks:
        p.drawLine(QPointF(to_x(v), plot.top()), QPointF(to_x(v), plot.bottom()))
    p.setPen(QPen(QColor("#444444"), 1.2))
    p.drawRect(plot)
    for v, text in zip(y_ticks, y_labels):
        p.drawText(QRectF(0, to_y(v) - 9, left - 6, 18), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                   text)
    for v in x_ticks:
        text = _label(xc, v)
        w = fm.horizontalAdvance(text)
        p.drawText(QRectF(to_x(v) - w / 2 - 2, plot.bottom() + 4, w + 4, 18), Qt.AlignmentFlag.AlignHCenter, text)
    p.drawText(QRectF(plot.left(), plot.bottom() + 24, plot.width(), 18), Qt.AlignmentFlag.AlignHCenter, xc.title)

    cs = c[ok]
    finite = np.isfinite(cs)
    lo, hi = (float(cs[finite].min()), float(cs[finite].max())) if finite.any() else (0.0, 1.0)
    front = pareto_front(xs, ys, _better(xc.key), _better(yc.key))
    order = np.argsort(xs[front])
    p.setPen(QPen(FRONT, 2))
    if front.sum() > 1:
        p.drawPolyline(QPolygonF([QPointF(to_x(a), to_y(b)) for a, b in zip(xs[front][order], ys[front][order])]))
    p.setPen(QPen(QColor("#1d232b"), 0.8))
    for a, b, v in zip(xs, ys, cs):
        p.setBrush(_viridis((v - lo) / (hi - lo) if math.isfinite(v) and hi > lo else 0.5))
        p.drawEllipse(QPointF(to_x(a), to_y(b)), 5, 5)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(FRONT, 2))
    for a, b in zip(xs[front], ys[front]):
        p.drawEllipse(QPointF(to_x(a), to_y(b)), 9, 9)
    p.setPen(QColor("#222222"))
    p.drawText(QRectF(plot.left() + 6, plot.top() + 4, plot.width() - 12, 18), Qt.AlignmentFlag.AlignLeft, yc.title)
