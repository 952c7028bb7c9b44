"""What a container uses against what it has: slots, power, cooling, load.

One list of :class:`Capacity` per container summary feeds both the bars painted on the
canvas and the bars in the inspector, so both always agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from .. import units
from ..model.aggregate import Summary
from ..text import count

NEAR = 0.9  # a share of the limit from which a bar turns amber
STATE_COLOURS = {"info": QColor("#7d9cc0"), "ok": QColor("#3aa76d"), "near": QColor("#e0a020"),
                 "over": QColor("#d8453b")}


@dataclass(frozen=True)
class Capacity:
    key: str  # "slots", "power", "cooling", "load"
    label: str  # what the inspector shows before the bar
    short: str  # what the canvas shows before a small bar
    used: float
    limit: float
    text: str

    @property
    def fraction(self) -> float:
        return self.used / self.limit if self.limit > 0 else 0.0

    @property
    def state(self) -> str:
        f = self.fraction
        if self.key == "slots":  # a full container is the normal case, not a warning
            return "over" if f > 1 + 1e-9 else "info"
        return "over" if f > 1 + 1e-9 else "near" if f >= NEAR else "ok"


def capacities(summary: Summary) -> list[Capacity]:
    """The capacities of a container that has limits (a bar without a limit would say nothing)."""
    out = []
    if summary.slots:
        out.append(Capacity("slots", "Slots", "slots", summary.filled, summary.slots,
                            f"{summary.filled} of {count(summary.slots, 'slot')} filled"))
    if summary.power_budget_w > 0:
        out.append(Capacity("power", "Power", "kW", summary.max_power_w, summary.power_budget_w,
                            f"{units.format(summary.max_power_w, 'W')} of "
                            f"{units.format(summary.power_budget_w, 'W')} budget"))
    if summary.cooling_capacity_w > 0:
        out.append(Capacity("cooling", "Cooling", "cool", summary.cooling_demand_w, summary.cooling_capacity_w,
                            f"{units.format(summary.cooling_demand_w, 'W')} of "
                            f"{units.format(summary.cooling_capacity_w, 'W')} cooling"))
    if summary.max_load_kg > 0:
        out.append(Capacity("load", "Load", "kg", summary.load_kg, summary.max_load_kg,
                            f"{summary.load_kg:,.0f} kg of {summary.max_load_kg:,.0f} kg load"))
    return out


def paint_bars(painter: QPainter, rect: QRectF, items: list[Capacity], font: QFont,
               text_colour: QColor | None = None) -> None:
    """Small labelled bars side by side in ``rect`` (device coordinates, painter untransformed)."""
    text_colour = text_colour or QColor("#3b434d")
    light = text_colour.lightness() > 128  # on a dark background the empty part of a bar must be light
    if not items or rect.width() < 40 or rect.height() < 5:
        return
    metrics = QFontMetricsF(font)
    painter.setFont(font)
    slot_w = rect.width() / len(items)
    bar_h = max(3.0, min(7.0, rect.height() * 0.45))
    for k, item in enumerate(items):
        x = rect.x() + k * slot_w
        label_w = metrics.horizontalAdvance(item.short) + 4
        show_label = slot_w - label_w > 24
        bar_x = x + (label_w if show_label else 0)
        bar_w = slot_w - (label_w if show_label else 0) - 6
        if bar_w < 8:
            continue
        if show_label:
            painter.setPen(text_colour)
            painter.drawText(QRectF(x, rect.y(), label_w, rect.height()),
                             int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), item.short)
        y = rect.center().y() - bar_h / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 50) if light else QColor(0, 0, 0, 40))
        painter.drawRect(QRectF(bar_x, y, bar_w, bar_h))
        painter.setBrush(STATE_COLOURS[item.state])
        painter.drawRect(QRectF(bar_x, y, bar_w * min(1.0, item.fraction), bar_h))
        if item.state == "over":
            painter.setPen(QPen(STATE_COLOURS["over"], 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(bar_x, y, bar_w, bar_h))
