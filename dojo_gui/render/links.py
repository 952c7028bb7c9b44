"""The links between parts drawn over the design, each as wide as its bandwidth, with a label close up.

A link between two parts side by side is a short bar across the gap between them, reaching
a little into each, at the middle of the edges they share; its width grows with the square
root of its bandwidth and, once the parts are large enough on screen, a label says the
bandwidth ("9 TB/s"), in the gap when it fits there (running upwards in a vertical gap).
What is drawn follows the zoom, like the parts themselves:

- cabinets joined to cabinets, from the room's view until the tiles' labels are legible;
- tiles joined to tiles (the chip links across their edge, summed: a Dojo tile's 9 TB/s),
  once tiles are a few tens of pixels wide, until the chips' labels are legible;
- chips joined to chips, once chips are drawn with their outlines.

The links come from :func:`dojo_gui.model.links.part_links`; where a part is drawn comes from
``rect_of`` (scene rectangles), so the drawing follows the canvas's layout.  Geometry is made
when a level first shows and kept until :meth:`LinkDrawing.invalidate`; chip links are made
tile by tile as tiles come into view, so a 30,000-chip room costs nothing until one zooms in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPixmap

from .. import units
from ..model.design import PartPath
from ..model.links import PartLink
from .geometry import CHIP

RectOf = Callable[[PartPath], "QRectF | None"]  # where a part is drawn, in scene coordinates (None: not drawn)

# Opaque: a translucent wide line is blended pixel by pixel, which costs a frame its budget in a large room.
LINK = QColor("#1c3559")
LINK_FAINT = QColor("#7f8ea3")  # links too small to label: the mesh shows, the labelled links stand out
LABEL_FILL = QColor(255, 255, 255, 235)

# When each level shows: the width on screen (device pixels) of one of its parts.
SHOW_FROM = {"cabinet": 30.0, "tile": 40.0, "chip": 12.0}
LABELS_FROM = {"cabinet": 64.0, "tile": 80.0, "chip": 80.0}
OVER_EDGES = {"cabinet": True, "tile": True, "chip": False}  # a label too big for its gap may cover the parts' edges
FINER = {"cabinet": "tile", "tile": "chip"}  # a level steps back once the level below it is labelled
REACH = 0.14  # how far a bar reaches into each part, as a share of the part's smaller side
MAX_WIDTH_SHARE = 0.16  # a bar is never wider than this share of its parts on screen
LABEL_REACH_PX = 40.0  # how far a label reaches from the middle of its bar, at most
# Screen room a level's labels need, each (device pixels square): with more of its links in view than fit
# that way, the level is a wall of labels (the whole 30,000-chip room) and none is labelled.
LABEL_ROOM_PX = {"cabinet": 90.0, "tile": 90.0, "chip": 45.0}


def width_px(bw_Bps: float) -> float:
    """Line width for a bandwidth: 1 px near nothing, 4 px at 4 TB/s, 7.4 px at 18 TB/s (square root)."""
    return min(9.0, 1.0 + 1.5 * math.sqrt(max(bw_Bps, 0.0) / 1e12))


def bandwidth_label(bw_Bps: float) -> str:
    return units.format(bw_Bps, "B/s")


Box = tuple[float, float, float, float]  # left, top, width, height on screen (device pixels)


class Connector:
    """One drawn link: its bar in scene coordinates, the gap it crosses, its width and its label."""

    __slots__ = ("bw_Bps", "centre", "foot", "gap", "label", "line", "part_px", "span", "vertical", "width")

    def __init__(self, link: PartLink, ra: QRectF, rb: QRectF) -> None:
        self.bw_Bps = link.bw_Bps
        self.width = width_px(link.bw_Bps)
        self.label = bandwidth_label(link.bw_Bps)
        self.part_px = min(ra.width(), ra.height(), rb.width(), rb.height())  # scene units; times lod for pixels
        self.vertical = False
        # The middle of the bar in the gap, and (for a vertical bar) the foot of the upper part, as (x, y).
        if ra.right() <= rb.left() or rb.right() <= ra.left():  # side by side: a horizontal bar
            left, right = (ra, rb) if ra.center().x() <= rb.center().x() else (rb, ra)
            top, bottom = max(ra.top(), rb.top()), min(ra.bottom(), rb.bottom())
            y = (top + bottom) / 2 if top < bottom else (ra.center().y() + rb.center().y()) / 2
            self.line = QLineF(left.right() - _reach(left), y, right.left() + _reach(right), y)
            self.centre = self.foot = ((left.right() + right.left()) / 2, y)
            self.gap, self.span = right.left() - left.right(), max(bottom - top, 0.0)
        elif ra.bottom() <= rb.top() or rb.bottom() <= ra.top():  # one above the other: a vertical bar
            upper, lower = (ra, rb) if ra.center().y() <= rb.center().y() else (rb, ra)
            left_x, right_x = max(ra.left(), rb.left()), min(ra.right(), rb.right())
            x = (left_x + right_x) / 2 if left_x < right_x else (ra.center().x() + rb.center().x()) / 2
            self.line = QLineF(x, upper.bottom() - _reach(upper), x, lower.top() + _reach(lower))
            self.centre = (x, (upper.bottom() + lower.top()) / 2)
            self.foot = (x, upper.bottom())  # a label that does not fit the gap sits here, clear of a header
            self.gap, self.span = lower.top() - upper.bottom(), max(right_x - left_x, 0.0)
            self.vertical = True
        else:  # overlapping (a misplaced part): centre to centre
            self.line = QLineF(ra.center(), rb.center())
            middle = self.line.center()
            self.centre = self.foot = (middle.x(), middle.y())
            self.gap = self.span = 0.0

    def label_box(self, lod: float, to_screen: Callable[[float, float], tuple[float, float]], w: float, h: float,
                  bar_px: float, over_edges: bool) -> tuple[Box, bool] | None:
        """Where the label goes on screen and whether it runs upwards (rotated): in the gap beside the bar
        when the gap and the shared edge leave room, in the gap over the bar when only the gap does,
        else (``over_edges``) over the parts' edges: above a horizontal bar, at the foot of the upper part
        beside a vertical one (clear of the lower part's header)."""
        x, y = to_screen(*self.centre)
        if self.gap * lod >= h + 2:
            room_beside = self.span * lod >= 2 * w + bar_px + 8
            offset = bar_px / 2 + 3 + w / 2 if room_beside else 0.0
            if self.vertical:  # the gap is a horizontal strip: the label reads across it, right of the bar
                return (x + offset - w / 2, y - h / 2, w, h), False
            return (x - h / 2, y - offset - w / 2, h, w), True  # a vertical strip: the label runs upwards
        if not over_edges:
            return None
        if self.vertical:
            fx, fy = to_screen(*self.foot)
            return (fx + bar_px / 2 + 2, fy - h - 1, w, h), False
        return (x - w / 2, y - bar_px / 2 - 1 - h, w, h), False


def _reach(rect: QRectF) -> float:
    return REACH * min(rect.width(), rect.height())


class LinkDrawing:
    """The links of a design between chips, tiles and cabinets, painted at the level of detail of the zoom."""

    def __init__(self, links: Mapping[str, list[PartLink]], rect_of: RectOf) -> None:
        self.rect_of = rect_of
        self.last_labels: list[str] = []  # the labels the last paint drew (for tests and the window's probe)
        self.set_links(links)

    def set_links(self, links: Mapping[str, list[PartLink]]) -> None:
        self.links = links
        # Chip links by the tile of their first end: made tile by tile, when that tile comes into view.
        self._chip_links_by_tile: dict[PartPath, list[PartLink]] = {}
        for link in links.get("chip", ()):
            self._chip_links_by_tile.setdefault(link.a[:2], []).append(link)
        self.invalidate()

    def invalidate(self) -> None:
        """Forget every position (the layout changed); made again when next painted."""
        self._connectors: dict[str, _Culled] = {}
        self._part_px: dict[str, float] = {}
        self._tiles: tuple[list[PartPath], np.ndarray] | None = None
        self._chip_connectors: dict[PartPath, _Culled] = {}

    # ----------------------------------------------------------------- geometry
    def connectors(self, level: str) -> list[Connector]:
        """Every drawn link of ``level`` ("cabinet" or "tile"; chips go tile by tile, see :meth:`chip_connectors`)."""
        return self._level(level).items

    def _level(self, level: str) -> _Culled:
        made = self._connectors.get(level)
        if made is None:
            made = self._connectors[level] = _Culled(self._make(self.links.get(level, ())))
        return made

    def chip_connectors(self, tile: PartPath) -> list[Connector]:
        """The drawn links from the chips of ``tile`` (to chips of it or of the tiles after it)."""
        return self._tile_chips(tile).items

    def _tile_chips(self, tile: PartPath) -> _Culled:
        made = self._chip_connectors.get(tile)
        if made is None:
            made = self._chip_connectors[tile] = _Culled(self._make(self._chip_links_by_tile.get(tile, ())))
        return made

    def _make(self, links: Iterable[PartLink]) -> list[Connector]:
        out = []
        rect_of = self.rect_of
        for link in links:
            ra, rb = rect_of(link.a), rect_of(link.b)
            if ra is not None and rb is not None and not ra.isEmpty() and not rb.isEmpty():
                out.append(Connector(link, ra, rb))
        return out

    def part_px(self, level: str, lod: float) -> float:
        """How wide a part of ``level`` is on screen (one of them: parts of a level are alike)."""
        if level == "chip":
            return CHIP * lod
        width = self._part_px.get(level)
        if width is None:
            width = 0.0
            for link in self.links.get(level, ())[:1]:
                rect = self.rect_of(link.a)
                width = rect.width() if rect is not None else 0.0
            self._part_px[level] = width
        return width * lod

    def levels_shown(self, lod: float) -> dict[str, bool]:
        """The levels drawn at this zoom, each with whether its labels show."""
        shown = {}
        for level in ("cabinet", "tile", "chip"):
            if not self.links.get(level):
                continue
            px = self.part_px(level, lod)
            finer = FINER.get(level)
            finer_labelled = finer is not None and self.links.get(finer) and \
                self.part_px(finer, lod) >= LABELS_FROM[finer]
            if px >= SHOW_FROM[level] and not finer_labelled:
                shown[level] = px >= LABELS_FROM[level]
        return shown

    def _visible_tiles(self, exposed: QRectF) -> list[PartPath]:
        if self._tiles is None:
            tiles: list[PartPath] = []
            boxes: list[tuple[float, float, float, float]] = []
            for tile in self._chip_links_by_tile:
                rect = self.rect_of(tile)
                if rect is not None:
                    # The tile's links reach its neighbours: look a little beyond its edges.
                    margin = 0.2 * min(rect.width(), rect.height())
                    tiles.append(tile)
                    boxes.append((rect.left() - margin, rect.top() - margin, rect.right() + margin,
                                  rect.bottom() + margin))
            self._tiles = (tiles, np.array(boxes, float).reshape(-1, 4))
        known, known_boxes = self._tiles
        return [known[i] for i in np.flatnonzero(_overlapping(known_boxes, exposed)).tolist()]

    # ----------------------------------------------------------------- painting
    def paint(self, painter: QPainter, lod: float, exposed: QRectF, visible: QRectF | None = None) -> int:
        """Paint the links that show at this zoom inside ``exposed`` (scene coordinates); returns how many.

        ``visible`` is all the view shows (default: ``exposed``).  Which links are labelled, and where
        their labels go, is decided over all of it, so that repainting a part of the view (a selection
        changed) draws the labels there exactly as the whole view did.
        """
        visible = visible if visible is not None else exposed
        area_px = visible.width() * visible.height() * lod * lod
        margin = LABEL_REACH_PX / max(lod, 1e-9)  # a label may stick out of the exposed area's edge: redraw it whole
        exposed = exposed.adjusted(-margin, -margin, margin, margin)
        visible = visible.adjusted(-margin, -margin, margin, margin)
        lines: list[tuple[Connector, bool]] = []  # each link in the exposed area, and whether it is labelled
        labels: list[tuple[Connector, str]] = []  # the labelled links in view, with their level
        for level, labelled in self.levels_shown(lod).items():
            in_view = self._within(level, visible)
            labelled = labelled and len(in_view) <= area_px / LABEL_ROOM_PX[level] ** 2
            lines += [(c, labelled) for c in (in_view if visible == exposed else self._within(level, exposed))]
            if labelled:
                labels += [(c, level) for c in in_view]
        self.last_labels = []
        if not lines:
            return 0
        painter.save()
        try:
            # Every bar is horizontal or vertical: without antialiasing it is a filled rectangle, fast.
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            by_pen: dict[tuple[float, bool], list[QLineF]] = {}
            for c, labelled in lines:
                width = min(c.width, max(1.0, MAX_WIDTH_SHARE * c.part_px * lod))
                by_pen.setdefault((round(width), labelled), []).append(c.line)
            for (width, labelled), batch in by_pen.items():
                pen = QPen(LINK if labelled else LINK_FAINT, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
                pen.setCosmetic(True)
                painter.setPen(pen)
                painter.drawLines(batch)
            if labels:
                self._paint_labels(painter, labels, lod)
        finally:
            painter.restore()
        return len(lines)

    def _within(self, level: str, rect: QRectF) -> list[Connector]:
        if level == "chip":  # tile by tile, in the tiles in view
            return [c for tile in self._visible_tiles(rect) for c in self._tile_chips(tile).within(rect)]
        return self._level(level).within(rect)

    def _paint_labels(self, painter: QPainter, connectors: list[tuple[Connector, str]], lod: float) -> None:
        """Labels in device coordinates (crisp at any zoom), none over another, each a picture made once."""
        transform = painter.worldTransform()
        painter.resetTransform()
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        if transform.m12() == 0 and transform.m21() == 0:  # the canvas only scales and moves: no Qt call per label
            sx, sy, dx, dy = transform.m11(), transform.m22(), transform.dx(), transform.dy()

            def to_screen(x: float, y: float) -> tuple[float, float]:
                return sx * x + dx, sy * y + dy
        else:
            def to_screen(x: float, y: float) -> tuple[float, float]:
                point = transform.map(QPointF(x, y))
                return point.x(), point.y()
        taken = _Taken()
        for c, level in connectors:
            w, h = _SPRITES.size(c.label)
            bar_px = min(c.width, max(1.0, MAX_WIDTH_SHARE * c.part_px * lod))
            placed = c.label_box(lod, to_screen, w, h, bar_px, OVER_EDGES[level])
            if placed is None:
                continue
            box, upwards = placed
            if not taken.take(box):
                continue
            self.last_labels.append(c.label)
            painter.drawPixmap(QPointF(box[0], box[1]), _SPRITES.picture(c.label, upwards, ratio))


class _Culled:
    """Connectors with their bars' bounding boxes in one array, to find those in view at once."""

    def __init__(self, items: list[Connector]) -> None:
        self.items = items
        self.boxes = np.array([(min(c.line.x1(), c.line.x2()), min(c.line.y1(), c.line.y2()),
                                max(c.line.x1(), c.line.x2()), max(c.line.y1(), c.line.y2())) for c in items],
                              float).reshape(-1, 4)

    def within(self, exposed: QRectF) -> list[Connector]:
        items = self.items
        return [items[i] for i in np.flatnonzero(_overlapping(self.boxes, exposed)).tolist()]


def _overlapping(boxes: np.ndarray, rect: QRectF) -> np.ndarray:
    """Which boxes (left, top, right, bottom per row) touch ``rect``."""
    return ((boxes[:, 2] >= rect.left()) & (boxes[:, 0] <= rect.right())
            & (boxes[:, 3] >= rect.top()) & (boxes[:, 1] <= rect.bottom()))


class _Taken:
    """Where labels were put on screen, in a grid of cells, so that finding an overlap costs little."""

    CELL = 64.0

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def take(self, box: Box) -> bool:
        """Claim ``box`` unless it overlaps a box claimed before."""
        x, y, w, h = box
        cell = self.CELL
        keys = [(i, j) for i in range(int(x // cell), int((x + w) // cell) + 1)
                for j in range(int(y // cell), int((y + h) // cell) + 1)]
        for key in keys:
            for ox, oy, ow, oh in self.cells.get(key, ()):
                if x < ox + ow and ox < x + w and y < oy + oh and oy < y + h:
                    return False
        for key in keys:
            self.cells.setdefault(key, []).append(box)
        return True


class _Sprites:
    """Each label drawn once into a picture (upright or running upwards), then only copied onto the canvas."""

    def __init__(self) -> None:
        self._sizes: dict[str, tuple[float, float]] = {}
        self._pictures: dict[tuple[str, bool, float], QPixmap] = {}

    def size(self, text: str) -> tuple[float, float]:
        """The label's width and height upright, in device pixels."""
        known = self._sizes.get(text)
        if known is None:
            metrics = QFontMetricsF(_font())
            known = self._sizes[text] = (float(math.ceil(metrics.horizontalAdvance(text) + 8)),
                                         float(math.ceil(metrics.height() + 2)))
        return known

    def picture(self, text: str, upwards: bool, ratio: float) -> QPixmap:
        key = (text, upwards, ratio)
        picture = self._pictures.get(key)
        if picture is None:
            w, h = self.size(text)
            size = (h, w) if upwards else (w, h)
            picture = QPixmap(math.ceil(size[0] * ratio), math.ceil(size[1] * ratio))
            picture.setDevicePixelRatio(ratio)
            picture.fill(Qt.GlobalColor.transparent)
            painter = QPainter(picture)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.translate(size[0] / 2, size[1] / 2)
            if upwards:
                painter.rotate(-90)
            box = QRectF(-w / 2 + 0.5, -h / 2 + 0.5, w - 1, h - 1)
            painter.setPen(QPen(LINK, 1.0))
            painter.setBrush(LABEL_FILL)
            painter.drawRoundedRect(box, 3, 3)
            painter.setFont(_font())
            painter.setPen(LINK)
            painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)
            painter.end()
            self._pictures[key] = picture
        return picture


def _font() -> QFont:
    font = QFont()
    font.setPixelSize(10)
    return font


_SPRITES = _Sprites()
