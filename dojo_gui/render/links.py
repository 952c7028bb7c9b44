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

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QTransform

from .. import units
from ..model.design import PartPath
from ..model.links import PartLink
from .geometry import CHIP

RectOf = Callable[[PartPath], "QRectF | None"]  # where a part is drawn, in scene coordinates (None: not drawn)

LINK = QColor(24, 52, 88, 215)
LINK_FAINT = QColor(24, 52, 88, 120)  # links too small to label: the mesh shows, the labelled links stand out
LABEL_FILL = QColor(255, 255, 255, 235)

# When each level shows: the width on screen (device pixels) of one of its parts.
SHOW_FROM = {"cabinet": 30.0, "tile": 40.0, "chip": 12.0}
LABELS_FROM = {"cabinet": 64.0, "tile": 80.0, "chip": 80.0}
OVER_EDGES = {"cabinet": True, "tile": True, "chip": False}  # a label too big for its gap may cover the parts' edges
FINER = {"cabinet": "tile", "tile": "chip"}  # a level steps back once the level below it is labelled
REACH = 0.14  # how far a bar reaches into each part, as a share of the part's smaller side
MAX_WIDTH_SHARE = 0.16  # a bar is never wider than this share of its parts on screen
LABEL_REACH_PX = 40.0  # how far a label reaches from the middle of its bar, at most


def width_px(bw_Bps: float) -> float:
    """Line width for a bandwidth: 1 px near nothing, 4 px at 4 TB/s, 7.4 px at 18 TB/s (square root)."""
    return min(9.0, 1.0 + 1.5 * math.sqrt(max(bw_Bps, 0.0) / 1e12))


def bandwidth_label(bw_Bps: float) -> str:
    return units.format(bw_Bps, "B/s")


class Connector:
    """One drawn link: its bar in scene coordinates, the gap it crosses, its width and its label."""

    __slots__ = ("bw_Bps", "centre", "foot", "gap", "label", "line", "part_px", "span", "vertical", "width")

    def __init__(self, link: PartLink, ra: QRectF, rb: QRectF) -> None:
        self.bw_Bps = link.bw_Bps
        self.width = width_px(link.bw_Bps)
        self.label = bandwidth_label(link.bw_Bps)
        self.part_px = min(ra.width(), ra.height(), rb.width(), rb.height())  # scene units; times lod for pixels
        self.vertical = False
        if ra.right() <= rb.left() or rb.right() <= ra.left():  # side by side: a horizontal bar
            left, right = (ra, rb) if ra.center().x() <= rb.center().x() else (rb, ra)
            top, bottom = max(ra.top(), rb.top()), min(ra.bottom(), rb.bottom())
            y = (top + bottom) / 2 if top < bottom else (ra.center().y() + rb.center().y()) / 2
            self.line = QLineF(left.right() - _reach(left), y, right.left() + _reach(right), y)
            self.centre = QPointF((left.right() + right.left()) / 2, y)
            self.gap, self.span = right.left() - left.right(), max(bottom - top, 0.0)
            self.foot = self.centre
        elif ra.bottom() <= rb.top() or rb.bottom() <= ra.top():  # one above the other: a vertical bar
            upper, lower = (ra, rb) if ra.center().y() <= rb.center().y() else (rb, ra)
            left_x, right_x = max(ra.left(), rb.left()), min(ra.right(), rb.right())
            x = (left_x + right_x) / 2 if left_x < right_x else (ra.center().x() + rb.center().x()) / 2
            self.line = QLineF(x, upper.bottom() - _reach(upper), x, lower.top() + _reach(lower))
            self.centre = QPointF(x, (upper.bottom() + lower.top()) / 2)
            self.gap, self.span = lower.top() - upper.bottom(), max(right_x - left_x, 0.0)
            self.foot = QPointF(x, upper.bottom())  # a label that does not fit the gap sits here, clear of a header
            self.vertical = True
        else:  # overlapping (a misplaced part): centre to centre
            self.line = QLineF(ra.center(), rb.center())
            self.centre = self.foot = self.line.center()
            self.gap = self.span = 0.0

    def label_box(self, lod: float, transform: QTransform, w: float, h: float, bar_px: float,
                  over_edges: bool) -> tuple[QRectF, bool] | None:
        """Where the label goes on screen and whether it runs upwards (rotated): in the gap beside the bar
        when the gap and the shared edge leave room, in the gap over the bar when only the gap does,
        else (``over_edges``) over the parts' edges: above a horizontal bar, at the foot of the upper part
        beside a vertical one (clear of the lower part's header)."""
        centre = transform.map(self.centre)
        if self.gap * lod >= h + 2:
            room_beside = self.span * lod >= 2 * w + bar_px + 8
            offset = bar_px / 2 + 3 + w / 2 if room_beside else 0.0
            if self.vertical:  # the gap is a horizontal strip: the label reads across it, right of the bar
                return QRectF(centre.x() + offset - w / 2, centre.y() - h / 2, w, h), False
            return QRectF(centre.x() - h / 2, centre.y() - offset - w / 2, h, w), True  # a vertical strip
        if not over_edges:
            return None
        if self.vertical:
            foot = transform.map(self.foot)
            return QRectF(foot.x() + bar_px / 2 + 2, foot.y() - h - 1, w, h), False
        return QRectF(centre.x() - w / 2, centre.y() - bar_px / 2 - 1 - h, w, h), False


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
        self._connectors: dict[str, list[Connector]] = {}
        self._part_px: dict[str, float] = {}
        self._tile_rects: list[tuple[PartPath, QRectF]] | None = None
        self._chip_connectors: dict[PartPath, list[Connector]] = {}

    # ----------------------------------------------------------------- geometry
    def connectors(self, level: str) -> list[Connector]:
        """Every drawn link of ``level`` ("cabinet" or "tile"; chips go tile by tile, see :meth:`chip_connectors`)."""
        made = self._connectors.get(level)
        if made is None:
            made = self._connectors[level] = self._make(self.links.get(level, ()))
        return made

    def chip_connectors(self, tile: PartPath) -> list[Connector]:
        made = self._chip_connectors.get(tile)
        if made is None:
            made = self._chip_connectors[tile] = self._make(self._chip_links_by_tile.get(tile, ()))
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
        if self._tile_rects is None:
            rects = []
            for tile in self._chip_links_by_tile:
                rect = self.rect_of(tile)
                if rect is not None:
                    # The tile's links reach its neighbours: look a little beyond its edges.
                    margin = 0.2 * min(rect.width(), rect.height())
                    rects.append((tile, rect.adjusted(-margin, -margin, margin, margin)))
            self._tile_rects = rects
        return [tile for tile, rect in self._tile_rects if rect.intersects(exposed)]

    # ----------------------------------------------------------------- painting
    def paint(self, painter: QPainter, lod: float, exposed: QRectF) -> int:
        """Paint the links that show at this zoom inside ``exposed`` (scene coordinates); returns how many."""
        drawn: list[tuple[Connector, str | None]] = []  # each link, and its level when it is labelled
        margin = LABEL_REACH_PX / max(lod, 1e-9)  # a label may stick out of the exposed area's edge: redraw it whole
        exposed = exposed.adjusted(-margin, -margin, margin, margin)
        for level, labelled in self.levels_shown(lod).items():
            if level == "chip":
                found = [c for tile in self._visible_tiles(exposed) for c in self.chip_connectors(tile)]
            else:
                found = self.connectors(level)
            drawn += [(c, level if labelled else None) for c in found if _near(c.line, exposed)]
        self.last_labels = []
        if not drawn:
            return 0
        painter.save()
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            by_pen: dict[tuple[float, bool], list[QLineF]] = {}
            for c, labelled_level in drawn:
                width = min(c.width, max(1.0, MAX_WIDTH_SHARE * c.part_px * lod))
                by_pen.setdefault((round(width * 2) / 2, labelled_level is not None), []).append(c.line)
            for (width, labelled), lines in by_pen.items():
                pen = QPen(LINK if labelled else LINK_FAINT, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
                pen.setCosmetic(True)
                painter.setPen(pen)
                painter.drawLines(lines)
            labels = [(c, labelled_level) for c, labelled_level in drawn if labelled_level is not None]
            if labels:
                self._paint_labels(painter, labels, lod)
        finally:
            painter.restore()
        return len(drawn)

    def _paint_labels(self, painter: QPainter, connectors: list[tuple[Connector, str]], lod: float) -> None:
        """Labels in device coordinates (crisp at any zoom), none over another."""
        transform = painter.worldTransform()
        painter.resetTransform()
        font = QFont()
        font.setPixelSize(10)
        metrics = QFontMetricsF(font)
        painter.setFont(font)
        taken: list[QRectF] = []
        border = QPen(LINK, 1.0)
        for c, level in connectors:
            w, h = metrics.horizontalAdvance(c.label) + 8, metrics.height() + 2
            bar_px = min(c.width, max(1.0, MAX_WIDTH_SHARE * c.part_px * lod))
            placed = c.label_box(lod, transform, w, h, bar_px, OVER_EDGES[level])
            if placed is None:
                continue
            box, upwards = placed
            if any(box.intersects(other) for other in taken):
                continue
            taken.append(box)
            self.last_labels.append(c.label)
            painter.save()
            painter.translate(box.center())
            if upwards:
                painter.rotate(-90)
            text_box = QRectF(-w / 2, -h / 2, w, h)
            painter.setPen(border)
            painter.setBrush(LABEL_FILL)
            painter.drawRoundedRect(text_box, 3, 3)
            painter.setPen(LINK)
            painter.drawText(text_box, int(Qt.AlignmentFlag.AlignCenter), c.label)
            painter.restore()


def _near(line: QLineF, exposed: QRectF) -> bool:
    x0, x1 = sorted((line.x1(), line.x2()))
    y0, y1 = sorted((line.y1(), line.y2()))
    return x1 >= exposed.left() and x0 <= exposed.right() and y1 >= exposed.top() and y0 <= exposed.bottom()
