"""Time series plots (pyqtgraph): stacked plots over one time axis, a crosshair readout, PNG and CSV export.

:class:`SeriesPlots` is the one mechanism: the live power and cooling plots
(:class:`ThermalPlots`) and the comparison of saved runs are both made of it.  Data arrive
as numpy arrays, one ``setData`` per curve; plots clip to the view and downsample (peak
mode keeps spikes visible), so a run of thousands of frames redraws in a few
milliseconds.
"""

from __future__ import annotations

import csv
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QAction, QFont, QFontMetricsF
from PySide6.QtWidgets import QGraphicsItem, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from ... import ticks, units
from ...io.atomic import open_atomic, write_atomic
from ...io.csvcells import csv_row
from ...render import image_bytes
from ..project.dialogs import Dialogs

pg.setConfigOptions(background="w", foreground="#1d232b", antialias=False)

PALETTE = ["#1f6fe0", "#e0701f", "#2fa866", "#d8453b", "#8a5cd0", "#7d8792", "#c79a12", "#17a2b8"]


@dataclass
class CurveSpec:
    """One curve: the series it shows (``name``, whose suffix says its unit), its label and colour."""

    name: str
    label: str
    colour: str
    dashed: bool = False
    legend: str = ""  # what the line above the plot calls it (default: the label); curves alike are named once


@dataclass
class PlotSpec:
    """One plot of the stack: a title, the unit of its y axis, and its curves."""

    key: str
    title: str
    unit: str  # a units.UNITS key ("W", "C", "s", "1", "%")
    curves: list[CurveSpec] = field(default_factory=list)
    min_span: float | None = None  # the y axis never zooms in closer (a flat curve stays readable)
    include: float | None = None  # a value the live y axis always shows (0 W, a PUE of 1)


class ValueAxis(pg.AxisItem):  # type: ignore[misc]  # pyqtgraph ships no types
    """A plot's value axis: labels a 1-2-5 step apart, as many as the plot's height holds
    (:func:`dojo_gui.ticks.label_step`), so a short plot gets one or two labels, not four on top of each other.

    Labels are best two label heights apart (and no more than about :data:`MOST_INTERVALS` on a tall plot),
    closer where that would leave one label, never closer than :data:`LEAST_PITCH` label heights.  pyqtgraph's
    own spacing labels at least two intervals however short the plot; its unlabelled ticks only mark the grid.
    """

    LEAST_PITCH = 0.95  # label heights from one labelled tick to the next, at the least: drawn 0.8 tall, 2 px apart
    PITCH = 2.0  # ... where the plot is tall enough: a label's height between them
    MOST_INTERVALS = 6  # however tall the plot

    def __init__(self, orientation: str = "left", **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self.setStyle(maxTextLevel=0)  # only the ticks chosen here carry labels

    def label_height_px(self) -> float:
        """How tall a tick label is drawn (the painter's font: the axis' tick font, or the application's)."""
        return float(QFontMetricsF(self.style["tickFont"] or QFont()).height())

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        lo, hi = sorted((minVal, maxVal))
        if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo and size > 0):
            return list(super().tickSpacing(minVal, maxVal, size))
        label = self.label_height_px()
        # pyqtgraph draws a label 0.8 of its font's height tall, maps values onto the axis and a pixel beyond each
        # end, and leaves out a label that would stick out of the plot: a label fits half of 0.8 label + 1 px in.
        major = ticks.label_step(lo, hi, size, self.LEAST_PITCH * label,
                                 max(self.PITCH * label, size / self.MOST_INTERVALS), inset=0.4 * label + 1.5)
        return [(major, 0.0), (major / (5 if ticks.mantissa(major) == 5 else 2), 0.0)]


class PercentAxis(ValueAxis):
    """Fractions shown as percentages (the data stay fractions, as the engines give them)."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        places = max(0, -math.floor(math.log10(spacing * 100))) if spacing > 0 else 0
        return [f"{v * 100:.{places}f} %" for v in values]


# Tick steps a clock uses, in seconds: 1 2 5 10 15 30 s, 1 2 5 10 15 30 min, 1 2 3 6 12 h, days.
_CLOCK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)


class TimeAxis(pg.AxisItem):  # type: ignore[misc]  # pyqtgraph ships no types
    """Seconds as people read them: ticks at whole clock steps (every 5 min, not every 8.33 min), labelled 30 s,
    5 min, 2 h."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        span = maxVal - minVal
        if span <= 0 or size <= 0 or span < 10:
            return list(super().tickSpacing(minVal, maxVal, size))
        wanted = span / max(size / 90.0, 1.0)  # a labelled tick every 90 px or so
        major = next((step for step in _CLOCK_STEPS if step >= wanted), None)
        if major is None:
            return list(super().tickSpacing(minVal, maxVal, size))
        minor = next((step for step in reversed(_CLOCK_STEPS) if step <= major / 4), major / 5)
        return [(float(major), 0.0), (float(minor), 0.0)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if spacing >= 60:
            return ["0" if v == 0 else _clock(v) for v in values]
        return ["0" if v == 0 else units.format(v, "s") for v in values]


def _clock(seconds: float) -> str:
    """90 -> "1:30" min, 5400 -> "1:30 h": a clock reading for ticks a minute or more apart."""
    seconds = round(seconds)
    if abs(seconds) >= 3600:
        h, rest = divmod(seconds, 3600)
        return f"{h} h" if rest == 0 else f"{h}:{rest // 60:02d} h"
    m, s = divmod(seconds, 60)
    return f"{m} min" if s == 0 else f"{m}:{s:02d} min"


def _format(value: float, unit: str) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    if unit == "1":
        return f"{value:.4g}"
    return units.format(value, unit)


class SeriesPlots(QWidget):
    sigCrosshair = Signal(float)  # fires when the crosshair moved over the plots; the time under it (s)

    def __init__(self, specs: list[PlotSpec], *, dialogs: Dialogs | None = None, name: str = "plots", columns: int = 1,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dialogs = dialogs or Dialogs()
        self.name = name
        self.columns = max(1, columns)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setObjectName(f"{name}Graphics")
        self.graphics.ci.setSpacing(2)
        self.readout = QLabel(" ")
        self.readout.setObjectName(f"{name}Readout")
        self.readout.setTextFormat(Qt.TextFormat.PlainText)
        self.readout.setWordWrap(True)
        self.readout.setContentsMargins(6, 0, 6, 0)  # the column has none: the plots go edge to edge
        self.note = QLabel("")
        self.note.setObjectName(f"{name}Note")
        self.note.setStyleSheet("color: #a15c00;")
        self.waiting = QLabel("")  # what a run does before its first point (computing a collective...)
        self.waiting.setObjectName(f"{name}Waiting")
        self.waiting.setWordWrap(True)
        self.waiting.setContentsMargins(6, 0, 6, 0)
        self.waiting.setStyleSheet("color: #1d232b; font-weight: bold;")
        self.waiting.hide()
        self.png_button = self._button("PNG…", "Save these plots as a PNG picture", lambda: self.ask_export("png"))
        self.csv_button = self._button("CSV…", "Save these plots' data as a CSV table", lambda: self.ask_export("csv"))
        header = QHBoxLayout()
        header.setContentsMargins(4, 2, 4, 0)
        header.addWidget(self.note, 1)
        header.addWidget(self.png_button)
        header.addWidget(self.csv_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 2)
        column.setSpacing(2)
        column.addLayout(header)
        column.addWidget(self.waiting)
        column.addWidget(self.graphics, 1)
        column.addWidget(self.readout)
        self.specs: dict[str, PlotSpec] = {}
        self.plots: dict[str, pg.PlotItem] = {}
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.curve_specs: dict[str, tuple[CurveSpec, PlotSpec]] = {}
        self.lines: dict[str, pg.InfiniteLine] = {}
        self.crosshair_t: float | None = None
        self.blank_sides: set[str] = set()  # the axes that show no numbers: nothing to read them by yet
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.set_specs(specs)

    def _button(self, text: str, tip: str, slot: Callable[[], object]) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(lambda _c=False: slot())
        return button

    # ----------------------------------------------------------------- building
    def set_specs(self, specs: list[PlotSpec]) -> None:
        """Replace every plot with the ones ``specs`` describe (their data start empty)."""
        self.graphics.clear()
        self.specs, self.plots, self.curves, self.curve_specs, self.lines = {}, {}, {}, {}, {}
        first: pg.PlotItem | None = None
        for k, spec in enumerate(specs):
            axes = {"bottom": TimeAxis("bottom"), "left": PercentAxis() if spec.unit == "%" else ValueAxis()}
            plot = self.graphics.addPlot(row=k // self.columns, col=k % self.columns, axisItems=axes)
            plot.setDownsampling(auto=True, mode="peak")
            plot.setClipToView(True)
            plot.showGrid(x=True, y=True, alpha=0.18)
            plot.setMenuEnabled(True)
            plot.hideButtons()
            for side in ("left", "bottom"):
                # An axis (with its grid) repaints only when its range changes, not with every new point.
                plot.getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            plot.getAxis("bottom").setStyle(autoReduceTextSpace=False)  # room for its labels also while empty
            left = plot.getAxis("left")
            left.setWidth(62)
            left.enableAutoSIPrefix(spec.unit in ("W", "s"))
            if spec.min_span:
                plot.setLimits(minYRange=spec.min_span)
            symbol = "" if spec.unit in ("1", "%") else units.UNITS[spec.unit].symbol
            plot.setLabel("left", spec.title, units=symbol or None, **{"font-size": "8pt"})
            if len(spec.curves) > 1:  # which curve is which, in one line above the plot (a legend would hide data)
                named = dict.fromkeys((c.legend or c.label, c.colour, c.dashed and not c.legend) for c in spec.curves)
                plot.setTitle("&nbsp;&nbsp;".join(
                    f"<span style='color:{colour}'>{'╌╌' if dashed else '━━'} {text}</span>"
                    for text, colour, dashed in named), size="8pt")
            for curve in spec.curves:
                style = Qt.PenStyle.DashLine if curve.dashed else Qt.PenStyle.SolidLine
                pen = pg.mkPen(curve.colour, width=1, style=style)
                item = plot.plot(name=curve.label, pen=pen)
                self.curves[curve.name] = item
                self.curve_specs[curve.name] = (curve, spec)
            line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#7d8792", width=1, style=Qt.PenStyle.DotLine))
            line.setVisible(False)
            plot.addItem(line, ignoreBounds=True)
            self.lines[spec.key] = line
            if first is None:
                first = plot
            else:
                plot.setXLink(first)
            vb_menu = plot.getViewBox().menu
            vb_menu.addSeparator()
            for text, kind in (("Export This Plot as PNG…", "png"), ("Export This Plot's Data as CSV…", "csv")):
                action = QAction(text, vb_menu)
                action.triggered.connect(lambda _c=False, k=kind, key=spec.key: self.ask_export(k, key))
                vb_menu.addAction(action)
            self.specs[spec.key] = spec
            self.plots[spec.key] = plot
        self._show_empty()

    def set_plot_visible(self, key: str, visible: bool) -> None:
        """Show or hide one plot; the others take its room."""
        plot = self.plots.get(key)
        if plot is None or plot.isVisible() == visible:
            return
        for item in self.plots.values():
            if item.isVisible():
                self.graphics.ci.removeItem(item)
        plot.setVisible(visible)
        shown = [item for item in self.plots.values() if item.isVisible()]
        for k, item in enumerate(shown):
            self.graphics.ci.addItem(item, row=k // self.columns, col=k % self.columns)

    # ----------------------------------------------------------------- data
    def set_data(self, name: str, x: np.ndarray, y: np.ndarray) -> None:
        """Show ``y`` over ``x`` (seconds) on the curve of series ``name``: one setData."""
        self.curves[name].setData(x, y)
        if self.blank_sides and len(x):
            self._number_axes("left", "bottom")

    def data(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """What the curve of series ``name`` holds (all of it, not what is drawn after downsampling)."""
        item = self.curves[name]
        x, y = item.xData, item.yData
        return (np.zeros(0) if x is None else np.asarray(x)), (np.zeros(0) if y is None else np.asarray(y))

    def clear_data(self) -> None:
        for item in self.curves.values():
            item.setData([], [])
        self.readout.setText(" ")
        self.crosshair_t = None
        for line in self.lines.values():
            line.setVisible(False)
        self._show_empty()

    def _show_empty(self) -> None:
        """No data: every plot over 0 to 1 with no numbers on its axes, not the range of data no longer shown
        (a new run's plots are not read by the last run's time axis); numbers return with data, or with a
        time span (:meth:`set_time_span`)."""
        for plot in self.plots.values():
            plot.setRange(xRange=(0.0, 1.0), yRange=(0.0, 1.0), padding=0.0)
            for side in ("left", "bottom"):
                plot.getAxis(side).setTicks([])
        self.blank_sides = {"left", "bottom"}

    def _number_axes(self, *sides: str) -> None:
        """Give these axes of every plot their ticks and numbers again."""
        for side in self.blank_sides.intersection(sides):
            for plot in self.plots.values():
                plot.getAxis(side).setTicks(None)
        self.blank_sides.difference_update(sides)

    def set_waiting(self, text: str) -> None:
        """Say what the run does before its first point ("" to stop saying it)."""
        self.waiting.setText(text)
        self.waiting.setVisible(bool(text))

    def auto_range(self) -> None:
        """Fit the plots to their data: the time axis to every curve's whole span, each value axis to its curves.

        The time axis is set from the data rather than left to pyqtgraph's auto range, which with clipping to the
        view measures only the points inside the range it had (a collective's plot stopped short of its end)."""
        for plot in self.plots.values():
            plot.enableAutoRange()
        span = self.data_span()
        first = next(iter(self.plots.values()), None)
        if first is not None and span is not None and span[1] > span[0]:
            first.disableAutoRange(axis="x")
            first.setXRange(*span, padding=0.01)

    def data_span(self) -> tuple[float, float] | None:
        """The first and last time any curve has a point at (None: no points)."""
        ends = [(float(x[0]), float(x[-1])) for x, _ in (self.data(name) for name in self.curves) if len(x)]
        if not ends:
            return None
        return min(lo for lo, _ in ends), max(hi for _, hi in ends)

    def set_time_span(self, end_s: float) -> None:
        """Fix the time axis to [0, end_s] (a run's duration): it does not move as points arrive."""
        first = next(iter(self.plots.values()), None)
        if first is not None and end_s > 0:
            first.disableAutoRange(axis="x")
            first.setXRange(0.0, end_s, padding=0.01)
            self._number_axes("bottom")

    # ----------------------------------------------------------------- crosshair
    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        for plot in self.plots.values():
            if plot.isVisible() and plot.sceneBoundingRect().contains(scene_pos):
                t = plot.getViewBox().mapSceneToView(scene_pos).x()
                self.show_crosshair(t)
                return

    def show_crosshair(self, t: float) -> None:
        """Put the crosshair at time ``t`` and read every curve there (the nearest sample at or before it); a time
        outside the data (the pointer past a curve's end) is read at the data's nearest end."""
        span = self.data_span()
        if span is not None:
            t = min(max(t, span[0]), span[1])
        self.crosshair_t = t
        for line in self.lines.values():
            line.setPos(t)
            line.setVisible(True)
        self.readout.setText(self.readout_text(t))
        self.sigCrosshair.emit(t)

    def readout_text(self, t: float) -> str:
        parts = [f"t = {units.format(max(t, 0.0), 's')}"]
        for name, (curve, spec) in self.curve_specs.items():
            if not self.plots[spec.key].isVisible():
                continue
            x, y = self.data(name)
            if not len(x):
                continue
            i = int(np.clip(np.searchsorted(x, t, side="right") - 1, 0, len(x) - 1))
            parts.append(f"{curve.label} {_format(float(y[i]), spec.unit)}")
        return " · ".join(parts)

    # ----------------------------------------------------------------- export
    def ask_export(self, kind: str, key: str | None = None) -> str | None:
        """Ask where, then export (PNG picture or CSV data) one plot or all of them; returns the path."""
        stem = f"{self.name}-{key}" if key else self.name
        folder = Path.home()
        if kind == "png":
            path = self.dialogs.export_file(self, str(folder / f"{stem}.png"), "PNG pictures (*.png)")
        else:
            path = self.dialogs.export_file(self, str(folder / f"{stem}.csv"), "CSV tables (*.csv)")
        if not path:
            return None
        try:
            if kind == "png":
                self.export_png(path, key)
            else:
                self.export_csv(path, key)
        except OSError as exc:
            self.dialogs.show_error(self, "Cannot export", f"{path}: {exc.strerror or exc}")
            return None
        return path

    def export_png(self, path: str | os.PathLike[str], key: str | None = None) -> None:
        """The plots (or the plot ``key``) as they are on screen, as a PNG picture."""
        if key is None:
            image = self.graphics.grab()
        else:
            rect = self.plots[key].sceneBoundingRect()
            view_rect = self.graphics.mapFromScene(rect).boundingRect()
            image = self.graphics.grab(view_rect)
        data = image_bytes(image.toImage(), "PNG")
        if not data:
            raise OSError(f"cannot draw the picture for {path}")
        write_atomic(path, data)

    def export_csv(self, path: str | os.PathLike[str], key: str | None = None) -> None:
        """The curves' data as CSV: one time column, then one column per curve (its name carries its unit).

        Curves over different times (a comparison of runs) get their own time column each.
        """
        names = [n for n, (_c, spec) in self.curve_specs.items()
                 if (spec.key == key if key is not None else self.plots[spec.key].isVisible())]
        series = [(n, *self.data(n)) for n in names]
        series = [(n, x, y) for n, x, y in series if len(x)]
        shared = all(len(x) == len(series[0][1]) and np.array_equal(x, series[0][1]) for _, x, _ in series) \
            if series else True
        with open_atomic(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            if shared:
                writer.writerow(csv_row(["time_s", *([n for n, _, _ in series] if series else names)]))
                if series:
                    x = series[0][1]
                    for i in range(len(x)):
                        writer.writerow([_num(x[i]), *(_num(y[i]) for _, _, y in series)])
                return
            writer.writerow(csv_row([h for n, _, _ in series for h in (f"{n}.time_s", n)]))
            for i in range(max(len(x) for _, x, _ in series)):
                row = []
                for _, x, y in series:
                    row += [_num(x[i]), _num(y[i])] if i < len(x) else ["", ""]
                writer.writerow(row)


def _num(value: float) -> str:
    value = float(value)
    if not math.isfinite(value):
        return ""
    return repr(value) if value != int(value) or abs(value) >= 1e15 else str(int(value))


# --------------------------------------------------------------------------- the live power and cooling plots
THERMAL_PLOTS = [
    PlotSpec("power", "Power", "W", [CurveSpec("it_power_w", "IT", PALETTE[0]),
                                     CurveSpec("facility_power_w", "Facility", PALETTE[1]),
                                     CurveSpec("cooling_power_w", "Cooling", PALETTE[2], dashed=True)], include=0.0),
    PlotSpec("pue", "PUE", "1", [CurveSpec("pue", "PUE", PALETTE[4])], min_span=0.02, include=1.0),
    PlotSpec("junction", "Junction", "C", [CurveSpec("tj_max_c", "Hottest", PALETTE[3]),
                                           CurveSpec("tj_mean_c", "Mean", PALETTE[1])], min_span=2.0),
    PlotSpec("coolant", "Coolant", "C", [CurveSpec("coolant_supply_c", "Supply", PALETTE[0]),
                                         CurveSpec("coolant_return_c", "Return", PALETTE[3]),
                                         CurveSpec("facility_supply_c", "Facility water", PALETTE[5], dashed=True)],
             min_span=2.0),
    PlotSpec("step", "Step", "s", [CurveSpec("step_time_s", "Training step", PALETTE[6])], include=0.0),
]


class ThermalSeries:
    """The room series of a running thermal run, growing as frames arrive (preallocated: no copies per tick)."""

    NAMES: ClassVar[list[str]] = [c.name for spec in THERMAL_PLOTS for c in spec.curves]

    def __init__(self, capacity: int) -> None:
        self.n = 0
        self.time_s = np.zeros(max(capacity, 1))
        self.values = {name: np.zeros(max(capacity, 1)) for name in self.NAMES}

    def append(self, times: np.ndarray, room: dict[str, np.ndarray]) -> None:
        k = len(times)
        if not k:
            return
        if self.n + k > len(self.time_s):  # more than announced (never expected): grow
            grow = max(self.n + k, 2 * len(self.time_s))
            self.time_s = np.resize(self.time_s, grow)
            self.values = {name: np.resize(v, grow) for name, v in self.values.items()}
        s = slice(self.n, self.n + k)
        self.time_s[s] = times
        for name in self.NAMES:
            if name == "pue":
                it = room["it_power_w"]
                with np.errstate(divide="ignore", invalid="ignore"):
                    self.values[name][s] = np.where(it > 0, room["facility_power_w"] / it, np.nan)
            else:
                self.values[name][s] = room[name]
        self.n += k

    def view(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        return self.time_s[: self.n], self.values[name][: self.n]


class ThermalPlots(SeriesPlots):
    """IT and facility power, PUE, hottest and mean junction, coolant supply and return, step time: live.

    Frames are taken in at every tick; the curves are redrawn at most every ``refresh_s``
    (one setData per curve then).  Redrawing a plot costs the GUI thread, which shares the
    GIL with the engine: ten redraws a second look live and leave the engine its speed.
    """

    def __init__(self, dialogs: Dialogs | None = None, parent: QWidget | None = None,
                 refresh_s: float = 0.1) -> None:
        super().__init__(THERMAL_PLOTS, dialogs=dialogs, name="thermal", columns=2, parent=parent)
        self.series: ThermalSeries | None = None
        self.refresh_s = refresh_s
        self.refreshes = 0  # how many times the curves were redrawn (for the benchmark)
        self._drawn = 0  # frames on the curves
        self._last_refresh = -math.inf
        self._y: dict[str, tuple[float, float]] = {}  # each plot's y range while live
        self.set_plot_visible("step", False)

    def begin(self, capacity: int, training: bool, duration_s: float = 0.0) -> None:
        """A new run: empty curves, room for ``capacity`` frames, the time axis over ``duration_s``."""
        self.series = ThermalSeries(capacity)
        self._drawn = 0
        self._y = {}
        self.clear_data()
        self.set_waiting("")
        self.set_plot_visible("step", training)
        self.auto_range()
        self.set_time_span(duration_s)

    def clear(self) -> None:
        """No run on the curves (a new one starts, or another design is open): empty curves."""
        self.series = None
        self._drawn = 0
        self.clear_data()
        self.set_waiting("")
        self.note.setText("")

    def append(self, times: np.ndarray, room: dict[str, np.ndarray]) -> None:
        """New frames; the curves show them at the next refresh."""
        if self.series is not None and len(times):
            self.series.append(times, room)
        self.refresh(force=False)

    def refresh(self, force: bool = True) -> bool:
        """Give each curve its whole series again (one setData per curve), if there is anything new and
        (unless ``force``) the last refresh is ``refresh_s`` ago; returns whether it did."""
        series = self.series
        now = time.monotonic()
        if series is None or series.n == self._drawn or (not force and now - self._last_refresh < self.refresh_s):
            return False
        self._last_refresh = now
        self._drawn = series.n
        self.refreshes += 1
        for name in ThermalSeries.NAMES:
            x, y = series.view(name)
            self.set_data(name, x, y)
        for key, spec in self.specs.items():
            self._fit_y(key, spec, [series.view(c.name)[1] for c in spec.curves])
        if self.crosshair_t is not None:
            self.readout.setText(self.readout_text(self.crosshair_t))
        return True

    def _fit_y(self, key: str, spec: PlotSpec, values: list[np.ndarray]) -> None:
        """Keep the data in view with a y range that moves seldom: it grows by a margin when the data leave it.

        An axis whose range changes is drawn again (its ticks, labels and grid), which costs far more
        than the curves; a range that follows every new point would redraw it at every refresh.
        """
        finite = [v[np.isfinite(v)] for v in values]
        finite = [v for v in finite if len(v)]
        if not finite:
            return
        lo = min(float(v.min()) for v in finite)
        hi = max(float(v.max()) for v in finite)
        if spec.include is not None:
            lo, hi = min(lo, spec.include), max(hi, spec.include)
        current = self._y.get(key)
        if current is not None and current[0] <= lo and hi <= current[1]:
            return
        span = max(hi - lo, spec.min_span or 0.0, abs(hi) * 0.02, 1e-12)
        margin = 0.25 * span
        new_lo = lo if spec.include is not None and lo == spec.include else lo - margin
        new_hi = hi + margin
        if current is not None:  # only ever widen while live
            new_lo, new_hi = min(new_lo, current[0]), max(new_hi, current[1])
        self._y[key] = (new_lo, new_hi)
        plot = self.plots[key]
        plot.disableAutoRange(axis="y")
        plot.setYRange(new_lo, new_hi, padding=0.0)
