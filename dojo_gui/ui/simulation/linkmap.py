"""The fabric under load: every link of the chip grid coloured by its utilization, and the collective over time.

The map draws each chip at its place on the global chip grid and each directed link as a
short segment beside the line between its chips (the two directions of a link on either
side), coloured on the overlays' ramp from idle to fully used; the cabinets and tiles are
outlined and named (:mod:`.linkframes`).  Links are drawn in a dozen batches, one per
colour step, so the ExaPOD's 13,780 directed links are a dozen items.
A slider steps through the collective's timeline (its bins); the plot below shows the
share of bytes delivered, of chips finished and the mean utilization of the links in use.
"""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QSplitter, QToolButton, QVBoxLayout, QWidget

from ... import units
from ...io.atomic import open_atomic, write_atomic
from ...io.csvcells import csv_row
from ...jobs.live import collective_progress
from ...model.design import format_path
from ...render import image_bytes
from ...render.colours import ramp_colours
from ...sim.comm import CommResult
from ..project.dialogs import Dialogs
from .legend import LegendPanel
from .linkframes import PartFrames
from .plots import PALETTE, CurveSpec, PlotSpec, SeriesPlots

LEVELS = 12  # colour steps of the links
IDLE = "#d5d9de"  # a link that carried nothing


class LinkMapWidget(QWidget):
    sigBinChanged = Signal(int)  # fires when the slider shows another time bin (-1: the whole collective)

    def __init__(self, dialogs: Dialogs | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dialogs = dialogs or Dialogs()
        self.result: CommResult | None = None
        self.links: dict[str, Any] | None = None
        self.bin = -1
        self.shown_utilization = np.zeros(0)
        self.progress: dict[str, np.ndarray] = {}
        self._on_grid = np.zeros(0, bool)
        self._chip_rc = np.zeros((0, 2))
        self._xy = np.zeros((0, 2))
        self.title = QLabel("Run a collective (or a training step) to see its links here.")
        self.title.setObjectName("linkMapTitle")
        self.title.setWordWrap(True)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("linkMapSlider")
        self.slider.setEnabled(False)
        self.slider.valueChanged.connect(lambda v: self.show_bin(v - 1))
        self.slider_label = QLabel("")  # the time the map shows; empty while there is no collective
        self.slider_label.setMinimumWidth(200)
        self.png_button = _tool_button("PNG…", "Save the link map as a PNG picture")
        self.png_button.clicked.connect(lambda _c=False: self.ask_export("png"))
        self.csv_button = _tool_button("CSV…", "Save every link's bytes and utilization as a CSV table")
        self.csv_button.clicked.connect(lambda _c=False: self.ask_export("csv"))

        self.map = pg.PlotWidget()
        self.map.setObjectName("linkMapPlot")
        self.map.invertY(True)  # row 0 at the top, as on the canvas
        self.map.setAspectLocked(False)
        self.map.hideButtons()
        self.map.getPlotItem().hideAxis("left")
        self.map.getPlotItem().hideAxis("bottom")
        self.map.setMouseEnabled(x=True, y=True)
        self.chips = pg.ScatterPlotItem(symbol="s", size=0.4, pxMode=False, pen=None, brush=pg.mkBrush("#8a939d"))
        self.map.addItem(self.chips)
        self.batches: list[pg.PlotDataItem] = []
        colours = [IDLE] + [c.name() for c in _level_colours()]
        for k, colour in enumerate(colours):
            item = pg.PlotDataItem(pen=pg.mkPen(colour, width=1.5 if k == 0 else 2.2), connect="pairs")
            item.setZValue(k + 1)
            self.map.addItem(item)
            self.batches.append(item)
        self.frames = PartFrames(self.map)
        self.map.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.legend = LegendPanel(name="linkLegend")
        self.legend.set_scale("Link utilization", "0 %", "100 %")
        self.legend.setMaximumWidth(260)
        self.readout = QLabel(" ")
        self.readout.setObjectName("linkMapReadout")
        self.readout.setTextFormat(Qt.TextFormat.PlainText)

        self.timeline = SeriesPlots([PlotSpec("progress", "Collective", "%", [
            CurveSpec("delivered_fraction", "Bytes delivered", PALETTE[0]),
            CurveSpec("chips_done_fraction", "Chips done", PALETTE[2]),
            CurveSpec("mean_utilization_fraction", "Mean link utilization", PALETTE[3], dashed=True)])],
            dialogs=self.dialogs, name="collective")

        controls = QHBoxLayout()
        controls.setContentsMargins(4, 2, 4, 0)
        controls.addWidget(QLabel("Time:"))
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.slider_label)
        controls.addWidget(self.png_button)
        controls.addWidget(self.csv_button)
        top = QWidget()
        top_column = QVBoxLayout(top)
        top_column.setContentsMargins(0, 0, 0, 0)
        top_column.setSpacing(2)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.legend)
        top_column.addLayout(head)
        top_column.addLayout(controls)
        top_column.addWidget(self.map, 1)
        top_column.addWidget(self.readout)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(top)
        splitter.addWidget(self.timeline)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(splitter)

    # ----------------------------------------------------------------- showing a result
    def show_result(self, result: CommResult, links: dict[str, Any]) -> None:
        """Show a collective's links (its CommResult and :func:`~dojo_gui.jobs.live.link_geometry`)."""
        self.result, self.links = result, links
        on_grid = np.isfinite(links["src_rc"][:, 0]) & ~links["wrap"]
        self._on_grid = on_grid
        src, dst = links["src_rc"][on_grid], links["dst_rc"][on_grid]
        # Segment of each directed link: its middle stretch, moved to its own side of the chip-to-chip line.
        d = dst - src
        length = np.hypot(d[:, 0], d[:, 1])
        length[length == 0] = 1.0
        unit = d / length[:, None]
        side = np.column_stack([unit[:, 1], -unit[:, 0]]) * 0.13
        a = src + unit * 0.28 + side
        b = dst - unit * 0.28 + side
        self._xy = np.empty((2 * len(a), 2))
        self._xy[0::2], self._xy[1::2] = a, b  # (row, col) pairs
        coords = np.unique(np.concatenate([links["src_rc"][on_grid], links["dst_rc"][on_grid]]), axis=0) \
            if on_grid.any() else np.zeros((0, 2))
        self.chips.setData(x=coords[:, 1], y=coords[:, 0]) if len(coords) else self.chips.clear()
        self._chip_rc = coords
        self.frames.show(links["chip_paths"], links.get("chip_rc"), links.get("part_names", {}))
        n_bins = len(result.timeline_edges_s) - 1
        self.slider.blockSignals(True)
        self.slider.setRange(0, n_bins)
        self.slider.setValue(0)
        self.slider.blockSignals(False)
        self.slider.setEnabled(n_bins > 0)
        progress = collective_progress(result)
        self.progress = progress
        for name in ("delivered_fraction", "chips_done_fraction", "mean_utilization_fraction"):
            self.timeline.set_data(name, progress["time_s"], progress[name])
        self.timeline.auto_range()
        off = int((~on_grid).sum())
        skipped = f"; {off} links to switches, interface processors or around a torus not drawn" if off else ""
        self.title.setText(f"{result.collective} of {units.format(result.size_bytes, 'B')} with {result.algorithm} "
                           f"on {result.chips:,} chips: {units.format(result.time_s, 's')}, bus bandwidth "
                           f"{units.format(result.busbw_Bps, 'B/s')}, busiest link "
                           f"{units.format(result.max_link_utilization, '%')}{skipped}")
        self.show_bin(-1)
        self.map.autoRange(padding=0.02)

    def utilization(self, b: int) -> np.ndarray:
        """Every directed link's utilization over the whole collective (``b`` = -1) or in time bin ``b``."""
        if self.result is None:
            return np.zeros(0)
        if b < 0:
            return np.asarray(self.result.link_utilization, float)
        return np.asarray(self.result.timeline_utilization[b], float)

    def show_bin(self, b: int) -> None:
        """Colour the links by their utilization in time bin ``b`` (-1: over the whole collective)."""
        if self.result is None:
            return
        self.bin = b
        util = self.utilization(b)
        self.shown_utilization = util
        edges = self.result.timeline_edges_s
        if b < 0:
            self.slider_label.setText("whole collective")
        else:
            self.slider_label.setText(f"{units.format(edges[b], 's')} – {units.format(edges[b + 1], 's')}")
            self.timeline.show_crosshair(0.5 * (edges[b] + edges[b + 1]))
        u = util[self._on_grid]
        used = u > 0
        level = np.where(used, 1 + np.minimum((np.clip(u, 0, 1) * LEVELS).astype(int), LEVELS - 1), 0)
        for k, item in enumerate(self.batches):
            mine = np.flatnonzero(level == k)
            if not len(mine):
                item.setData([], [])
                continue
            pairs = np.empty(2 * len(mine), np.intp)
            pairs[0::2], pairs[1::2] = 2 * mine, 2 * mine + 1
            xy = self._xy[pairs]
            item.setData(xy[:, 1], xy[:, 0], connect="pairs")
        self.sigBinChanged.emit(b)

    def clear(self) -> None:
        self.result, self.links = None, None
        self.chips.clear()
        self.frames.clear()
        for item in self.batches:
            item.setData([], [])
        self.timeline.clear_data()
        self.slider.setEnabled(False)
        self.slider_label.setText("")
        self.title.setText("Run a collective (or a training step) to see its links here.")
        self.readout.setText(" ")

    # ----------------------------------------------------------------- readout
    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        if self.result is None or not len(self._chip_rc):
            return
        p = self.map.getPlotItem().getViewBox().mapSceneToView(scene_pos)
        self.readout.setText(self.readout_at(p.y(), p.x()))

    def readout_at(self, row: float, col: float) -> str:
        """The chip nearest a grid position and the load of its links (in the time shown)."""
        rc = self._chip_rc
        k = int(np.argmin((rc[:, 0] - row) ** 2 + (rc[:, 1] - col) ** 2))
        r, c = rc[k]
        links = self.links
        if links is None:
            return ""
        grid = links["src_rc"]
        out_links = np.flatnonzero((grid[:, 0] == r) & (grid[:, 1] == c))
        if not len(out_links):
            return f"grid [{int(r)},{int(c)}]"
        chip = int(links["link_src"][out_links[0]])
        paths = links["chip_paths"]
        name = format_path(paths[chip]) if chip < len(paths) else f"chip {chip}"
        cabinet = links.get("part_names", {}).get(paths[chip][:1], "") if chip < len(paths) else ""
        name = f"{cabinet}: {name}" if cabinet else name
        util = self.shown_utilization
        into = np.flatnonzero(links["link_dst"] == chip)
        when = "over the whole collective" if self.bin < 0 else self.slider_label.text()
        return (f"{name} (grid [{int(r)},{int(c)}]): out {_pct(util[out_links].max())}, "
                f"in {_pct(util[into].max()) if len(into) else '—'} at most, {when}")

    # ----------------------------------------------------------------- export
    def ask_export(self, kind: str) -> str | None:
        if self.result is None:
            self.dialogs.show_error(self, "Nothing to export", "Run a collective first.")
            return None
        suffix, file_filter = (".png", "PNG pictures (*.png)") if kind == "png" else (".csv", "CSV tables (*.csv)")
        path = self.dialogs.export_file(self, str(Path.home() / f"link-utilization{suffix}"), file_filter)
        if not path:
            return None
        try:
            self.export_png(path) if kind == "png" else self.export_csv(path)
        except OSError as exc:
            self.dialogs.show_error(self, "Cannot export", f"{path}: {exc.strerror or exc}")
            return None
        return path

    def export_png(self, path: str | os.PathLike[str]) -> None:
        data = image_bytes(self.map.grab().toImage(), "PNG")
        if not data:
            raise OSError(f"cannot draw the picture for {path}")
        write_atomic(path, data)

    def export_csv(self, path: str | os.PathLike[str]) -> None:
        """Every directed link: its ends, kind, capacity, bytes, and utilization in the time shown."""
        r = self.result
        if r is None:
            raise OSError("no collective to export: run one first")
        table = r.links
        with open_atomic(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["link", "src", "dst", "kind", "capacity_Bps", "bytes", "utilization_fraction"])
            for i in range(len(table)):
                writer.writerow(csv_row([i, table.src[i], table.dst[i], table.kind[i],
                                         repr(float(table.capacity_Bps[i])), repr(float(r.link_bytes[i])),
                                         repr(float(self.shown_utilization[i]))]))


def _tool_button(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setAutoRaise(True)
    button.setToolTip(tip)
    return button


def _level_colours() -> list[QColor]:
    ramp = ramp_colours()
    return [ramp[round(k * (len(ramp) - 1) / (LEVELS - 1))] for k in range(LEVELS)]


def _pct(value: float) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value * 100:.0f} %"
