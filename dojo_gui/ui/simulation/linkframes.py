"""Where each cabinet and tile is on the link map: their outlines, and their names once legible.

The link map draws the chip grid; without landmarks a hot spot reads as "row 7, column 43".
:class:`PartFrames` outlines every cabinet (darker) and tile (lighter) around its chips, names
each cabinet in its outline's top-left corner ("C01"), and names the tiles in view ("[1,2]",
or their own name) in their middle once a tile is wide enough on screen for its label: tile
labels are made only for the tiles in view, so a 30,000-chip room stays quick to pan.  The
labels sit on a pale ground over the links, so they read whatever the links' colours.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QFont

from ...model.design import PartPath

CABINET_PEN = "#4f5863"
TILE_PEN = "#aab2bb"
TILE_LABELS_FROM_PX = 42.0  # a tile this wide on screen gets its name
CABINET_LABELS_FROM_PX = 26.0
MAX_TILE_LABELS = 300  # more tiles than this in view: too small to name anyway
LABEL_Z = 50  # over the links (their colour batches sit at 1..13)


class PartFrames:
    """The outlines and names of the cabinets and tiles on a link map's plot."""

    def __init__(self, plot: pg.PlotWidget) -> None:
        self.plot = plot
        self.cabinet_lines = pg.PlotDataItem(pen=pg.mkPen(CABINET_PEN, width=1.6), connect="pairs")
        self.tile_lines = pg.PlotDataItem(pen=pg.mkPen(TILE_PEN, width=1.0), connect="pairs")
        self.cabinet_lines.setZValue(-1)
        self.tile_lines.setZValue(-2)
        plot.addItem(self.tile_lines)
        plot.addItem(self.cabinet_lines)
        self.cabinets: list[tuple[str, np.ndarray]] = []  # (label, [row0, col0, row1, col1]) in grid units
        self.tiles: list[tuple[str, np.ndarray]] = []
        self.cabinet_labels: list[pg.TextItem] = []
        self._tile_label_pool: list[pg.TextItem] = []
        self.tile_labels_shown: list[str] = []  # the tile names on the map now (for tests)
        self._shown: tuple[object, ...] | None = None  # what the frames show: paths, grid places, names
        self._pending = 0  # counts shows asked for: only the latest is made
        self._font = QFont()
        self._font.setPixelSize(11)
        self._small = QFont()
        self._small.setPixelSize(9)
        plot.getPlotItem().getViewBox().sigRangeChanged.connect(lambda *_: self.update_labels())

    def show(self, chip_paths: list[PartPath], chip_rc: np.ndarray | None, names: dict[PartPath, str]) -> None:
        """Outline the parts of a design whose chips sit at ``chip_rc`` (row, col per chip, in path order).

        Done a moment later (the next turn of the event loop): the outlines and names are a guide to the
        map, and making them (tens of milliseconds for the ExaPOD) need not hold up the end of a run.
        The same design again keeps what is drawn.
        """
        shown = (list(chip_paths), None if chip_rc is None else np.asarray(chip_rc).tobytes(), dict(names))
        if shown == self._shown:
            return
        self._shown = shown
        self._pending += 1
        ticket = self._pending
        QTimer.singleShot(0, self.plot, lambda: self._show(ticket, chip_paths, chip_rc, names))

    def _show(self, ticket: int, chip_paths: list[PartPath], chip_rc: np.ndarray | None,
              names: dict[PartPath, str]) -> None:
        if ticket != self._pending:
            return  # another design came since
        self._clear_items()
        if chip_rc is None or not len(chip_paths):
            return
        self.cabinets = _boxes(chip_paths, chip_rc, 1, lambda p: names.get(p) or f"cabinet [{p[0][0]},{p[0][1]}]")
        self.tiles = _boxes(chip_paths, chip_rc, 2, lambda p: names.get(p) or f"[{p[1][0]},{p[1][1]}]")
        self.cabinet_lines.setData(*_outlines([box for _, box in self.cabinets]), connect="pairs")
        self.tile_lines.setData(*_outlines([box for _, box in self.tiles]), connect="pairs")
        for name, box in self.cabinets:
            label = pg.TextItem(name, color=QColor("#1d232b"), anchor=(0, 0), border=pg.mkPen(CABINET_PEN),
                                fill=pg.mkBrush(255, 255, 255, 225))
            label.setFont(self._font)
            label.setZValue(LABEL_Z + 1)
            label.setPos(box[1] - 0.5, box[0] - 0.5)  # in its outline's top-left corner (row 0 at the top)
            self.plot.addItem(label)
            self.cabinet_labels.append(label)
        self.update_labels()

    def clear(self) -> None:
        self._shown = None
        self._pending += 1  # a show still on its way is dropped
        self._clear_items()

    def _clear_items(self) -> None:
        for label in self.cabinet_labels + self._tile_label_pool:
            self.plot.removeItem(label)
        self.cabinet_labels, self._tile_label_pool, self.tile_labels_shown = [], [], []
        self.cabinets, self.tiles = [], []
        self.cabinet_lines.setData([], [])
        self.tile_lines.setData([], [])

    def update_labels(self) -> None:
        """Name what is wide enough on screen (after every zoom and pan)."""
        if not self.cabinets:
            return
        box = self.plot.getPlotItem().getViewBox()
        (x0, x1), (y0, y1) = box.viewRange()
        px_per_col = box.width() / max(x1 - x0, 1e-9)
        cab_w = float(self.cabinets[0][1][3] - self.cabinets[0][1][1] + 1) * px_per_col
        for label in self.cabinet_labels:
            label.setVisible(cab_w >= CABINET_LABELS_FROM_PX)
        tile_w = float(self.tiles[0][1][3] - self.tiles[0][1][1] + 1) * px_per_col if self.tiles else 0.0
        in_view = []
        if tile_w >= TILE_LABELS_FROM_PX:
            lo_r, hi_r = min(y0, y1), max(y0, y1)
            in_view = [(name, b) for name, b in self.tiles
                       if b[3] >= x0 and b[1] <= x1 and b[2] >= lo_r and b[0] <= hi_r][:MAX_TILE_LABELS]
        while len(self._tile_label_pool) < len(in_view):
            label = pg.TextItem("", color=QColor("#3d4650"), anchor=(0.5, 0.5), fill=pg.mkBrush(255, 255, 255, 200))
            label.setFont(self._small)
            label.setZValue(LABEL_Z)
            self.plot.addItem(label)
            self._tile_label_pool.append(label)
        for label, (name, b) in zip(self._tile_label_pool, in_view):
            label.setText(name)
            label.setPos((b[1] + b[3]) / 2, (b[0] + b[2]) / 2)  # in its middle
            label.setVisible(True)
        for label in self._tile_label_pool[len(in_view):]:
            label.setVisible(False)
        self.tile_labels_shown = [name for name, _ in in_view]


def _boxes(paths: list[PartPath], rc: np.ndarray, depth: int,
           name_of: Callable[[PartPath], str]) -> list[tuple[str, np.ndarray]]:
    """Each part of path ``depth`` (1 cabinets, 2 tiles) with the grid box of its chips: row0, col0, row1, col1."""
    index: dict[PartPath, int] = {}
    owner = np.fromiter((index.setdefault(p[:depth], len(index)) for p in paths), np.int64, len(paths))
    n = len(index)
    lo = np.full((n, 2), np.inf)
    hi = np.full((n, 2), -np.inf)
    np.minimum.at(lo, owner, rc)
    np.maximum.at(hi, owner, rc)
    return [(name_of(part), np.concatenate([lo[k], hi[k]])) for part, k in index.items()]


def _outlines(boxes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """x, y of the four edges of every box (half a chip outside its chips), as pairs of points."""
    if not boxes:
        return np.zeros(0), np.zeros(0)
    b = np.asarray(boxes)
    r0, c0, r1, c1 = b[:, 0] - 0.5, b[:, 1] - 0.5, b[:, 2] + 0.5, b[:, 3] + 0.5
    xs = np.stack([c0, c1, c1, c1, c1, c0, c0, c0], axis=1).ravel()
    ys = np.stack([r0, r0, r0, r1, r1, r1, r1, r0], axis=1).ravel()
    return xs, ys
