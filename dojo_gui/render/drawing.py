"""Painting a part and everything in it, at any level of detail, in batches.

A :class:`PartDrawing` walks one part (a cabinet, a tile, or the whole room) once and
keeps flat lists of rectangles grouped by colour.  Painting is then a handful of
``drawRects`` calls, whatever the number of chips, and what is drawn depends on how
large a chip is on the screen (``lod`` = device pixels per scene unit), as in Qt's
"40000 Chips" example:

- far: each tile is one rectangle in the mean colour of its chips;
- near: every chip is a filled rectangle;
- close: chips get outlines, link ports, names; containers get labels and capacity bars.

The drawing knows nothing about widgets: the canvas items, :func:`render_design` and
the SVG export all paint through it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen

from ..model.aggregate import Summary
from ..model.design import Design, Part, PartPath, Slot
from ..model.specs import CHILD_LEVEL, AnySpec, ChipSpec
from . import colours as C
from .capacity import capacities, paint_bars
from .geometry import CHIP, GAP, HEADER, PAD, Layout, Place

# Chip sizes on screen (device pixels) at which more detail appears.
CHIPS_AS_TILES_BELOW = 3.0
CHIP_OUTLINES_FROM = 12.0
PORTS_FROM = 22.0
CHIP_LABELS_FROM = 44.0
CHIP_FIGURES_FROM = 96.0
CONTAINER_LABEL_FROM = 90.0  # container width on screen
CONTAINER_BARS_FROM = 210.0


ColourBatch = tuple[QColor, list[QRectF]]  # rectangles painted in one colour
# Each chip's index into a colour table, the table, and the table's colours as rows of (red, green, blue).
ChipCodes = tuple[np.ndarray, list[QColor], np.ndarray]


@dataclass(slots=True)
class Box:
    """One part as drawn: where, in which colour, and whether its spec fits its slot."""

    path: PartPath
    part: Part
    spec: AnySpec | None
    level: str
    rect: QRectF
    scale: float
    fill: QColor
    fits: bool
    chip_batches: list[ColourBatch] | None = None  # its own chips by colour, for culling (made on demand)
    chips_range: tuple[int, int] | None = None  # a tile's chips: this slice of the drawing's chip list


EMPTY_FILL = {"chip": QColor("#2b3038"), "tile": QColor("#c3c9d0"), "cabinet": QColor("#e6e9ed"),
              "": QColor("#dddddd")}


@dataclass
class PaintState:
    """What besides the design decides the picture: overlays and analysis results."""

    labels: bool = True
    ports: bool = True
    bars: bool = True
    summaries: Mapping[PartPath, Summary] | None = None
    severities: Mapping[PartPath, str] | None = None  # worst finding per path
    accepting: Collection[tuple[PartPath, Slot]] | None = None  # empty slots to light up during a drag
    links: bool = True  # the links between parts (painted by the canvas over every part, see render.links)


class PartDrawing:
    """Everything needed to paint the part at ``path``, in that part's own coordinates (origin at its top left).

    With ``descend=False`` only the part itself and its empty slots are drawn (the canvas draws
    each cabinet as its own item over the room).
    """

    def __init__(self, design: Design, layout: Layout, path: PartPath, colours: C.ColourProvider | None = None,
                 descend: bool = True) -> None:
        self.design, self.layout, self.path = design, layout, path
        self.colours = colours
        self.descend = descend
        self.build()

    # ----------------------------------------------------------------- building
    def build(self) -> None:
        """(Re)compute every rectangle and colour; call after the part or the colours changed."""
        self.part = self.design.part(self.path)
        w, h = self.layout.size(self.part)
        self.rect = QRectF(0, 0, w, h)
        self.containers: list[Box] = []
        self.chips: list[Box] = []
        self.misfits: list[Box] = []
        self.empty: list[tuple[PartPath, Slot, str, QRectF]] = []  # (parent path, slot, child level, rect)
        self.rects: dict[PartPath, QRectF] = {}
        self.child_boxes: list[tuple[Part, QRectF]] = []  # without descending: where the children are drawn
        self._spec_colours: dict[tuple[str, str], QColor] = {}
        self._codes_for: object = None  # the PartIndex _chip_positions was made for
        self._chip_positions = np.zeros(0, np.int64)
        self._visit(self.part, self.path, Place(), 0)
        self._prepare()
        self._batch()

    def recolour(self, colours: C.ColourProvider | None) -> None:
        """Take colours from another provider, keeping every rectangle (cheaper than :meth:`build`:
        for live values changing many times a second).

        An :class:`~dojo_gui.render.colours.ArrayColours` colours the chips with a few numpy
        operations (a ramp step per chip, then the rectangles grouped by step), not a call per chip.
        """
        self.colours = colours
        if isinstance(colours, C.ArrayColours) and self.chips:
            for box in self.containers + self.misfits:
                box.fill = self._colour(box.path, box.spec, box.level)
            chip_codes = self._chip_codes(colours)
            codes, table, _ = chip_codes
            fills = [table[k] for k in codes.tolist()]
            for box, fill in zip(self.chips, fills):
                box.fill = fill
            self._batch(chip_codes)
            return
        for box in self.containers + self.chips + self.misfits:
            box.fill = self._colour(box.path, box.spec, box.level)
        self._batch()

    def _chip_codes(self, colours: C.ArrayColours) -> ChipCodes:
        """Each chip's colour as an index into a table: the ramp's steps, then the chips' default colours."""
        index = colours.index
        if self._codes_for is not index:  # where this drawing's chips sit in the provider's arrays: once per index
            self._chip_positions = np.asarray(index.positions_of("chip", [b.path for b in self.chips]), np.int64)
            self._codes_for = index
        positions = self._chip_positions
        steps = colours.codes("chip")
        known = (positions >= 0) & (positions < len(steps))
        codes = np.where(known, steps[np.where(known, positions, 0)], -1).astype(np.intp)
        table = colours.table
        if np.any(codes < 0):
            table = list(table)  # chips without a value keep their spec colour
            defaults: dict[int, int] = {}  # a default colour's rgba -> its place in the table
            for i in np.flatnonzero(codes < 0).tolist():
                box = self.chips[i]
                colour = self._spec_fill(box.spec, "chip")
                code = defaults.get(colour.rgba())
                if code is None:
                    code = defaults[colour.rgba()] = len(table)
                    table.append(colour)
                codes[i] = code
        rgb = colours.table_rgb
        if len(table) > len(rgb):
            rgb = np.concatenate([rgb, [[c.red(), c.green(), c.blue()] for c in table[len(rgb):]]]).astype(np.int64)
        return codes, table, rgb

    def _colour(self, path: PartPath, spec: AnySpec | None, level: str) -> QColor:
        if self.colours is not None:
            colour = self.colours(path)
            if colour is not None:
                return colour
        return self._spec_fill(spec, level)

    def _spec_fill(self, spec: AnySpec | None, level: str) -> QColor:
        key = (spec.id if spec else "", level)
        colour = self._spec_colours.get(key)
        if colour is None:
            colour = self._spec_colours[key] = C.spec_colour(spec, level)
        return colour

    def _visit(self, part: Part, path: PartPath, place: Place, depth: int) -> None:
        spec = self.design.specs.get(part.spec_id)
        fits = spec is not None and spec.level == part.level
        w, h = self.layout.size(part)
        rect = place.map_rect(QRectF(0, 0, w, h))
        box = Box(path, part, spec, part.level, rect, place.scale, self._colour(path, spec, part.level), fits)
        self.rects[path] = rect
        if not fits:
            self.misfits.append(box)
            return
        if part.level == "chip":
            self.chips.append(box)
            return
        self.containers.append(box)
        rows, cols = self.layout.grid(part)
        child_level = CHILD_LEVEL[part.level] or ""
        for r in range(rows):
            for c in range(cols):
                if (r, c) not in part.children:
                    cell = place.map_rect(self.layout.slot_rect(part, (r, c)))
                    self.empty.append((path, (r, c), child_level, cell))
        if not self.descend:
            for slot in sorted(part.children):
                child = part.children[slot]
                w, h = self.layout.size(child)
                child_place = place.then(self.layout.child_place(part, slot, child))
                self.child_boxes.append((child, child_place.map_rect(QRectF(0, 0, w, h))))
            return
        if child_level == "chip":
            start = len(self.chips)
            self._visit_chips(part, path, place)
            box.chips_range = (start, len(self.chips))
            return
        for slot in sorted(part.children):
            child = part.children[slot]
            self._visit(child, path + (slot,), place.then(self.layout.child_place(part, slot, child)), depth + 1)

    def _visit_chips(self, tile: Part, path: PartPath, place: Place) -> None:
        """The chips of a tile: a regular grid of chip-sized cells, so no per-chip layout lookups."""
        level = self.layout.level_of(tile)
        cw, ch = self.layout.cell(tile)
        pad, gap, top = PAD[level], GAP[level], HEADER[level] + PAD[level]
        s, x0, y0 = place.scale, place.x, place.y
        specs = self.design.specs
        for slot in sorted(tile.children):
            chip = tile.children[slot]
            spec = specs.get(chip.spec_id)
            if spec is None or spec.level != "chip" or (cw, ch) != (CHIP, CHIP):
                cell = self.layout.child_place(tile, slot, chip)
                self._visit(chip, path + (slot,), place.then(cell), 1)
                continue
            r, c = slot
            rect = QRectF(x0 + s * (pad + c * (cw + gap)), y0 + s * (top + r * (ch + gap)), s * cw, s * ch)
            chip_path = path + (slot,)
            self.rects[chip_path] = rect
            self.chips.append(Box(chip_path, chip, spec, "chip", rect, s, self._colour(chip_path, spec, "chip"), True))

    def _prepare(self) -> None:
        """What stays the same whatever the colours: empty slots, the tiles' chip blocks, ports, marks."""
        self.empty_batches = _group((EMPTY_FILL.get(level, EMPTY_FILL[""]), rect) for _, _, level, rect in self.empty)
        self._chip_rects = [b.rect for b in self.chips]
        spans = [(box, box.chips_range) for box in self.containers
                 if box.chips_range is not None and box.chips_range[1] > box.chips_range[0]]
        self._tiles = [box for box, _ in spans]
        self._tile_blocks = [self._block(box) for box in self._tiles]
        self._tile_first = np.array([start for _, (start, _) in spans], np.intp)
        self._tile_end = np.array([end for _, (_, end) in spans], np.intp)
        self._ports: list[QRectF] | None = None
        self._marked_for: object = None  # the severities mapping _marked was made from
        self._marked: dict[str, list[QRectF]] = {}
        self._inner_cabinets = any(b.level == "cabinet" and b.path != self.path for b in self.containers)

    def _batch(self, chip_codes: ChipCodes | None = None) -> None:
        """Group rectangles by colour so painting is one drawRects per colour.

        With ``chip_codes`` (each chip's index into a table of colours, the table, and its colours as
        numbers) the chips are grouped with numpy; each tile's own groups (for culling when close) are
        made only when first painted that close.
        """
        for box in self._tiles:
            box.chip_batches = None
        blocks: list[tuple[QColor, QRectF]] = []
        if chip_codes is None:
            self.chip_batches = _group((b.fill, b.rect) for b in self.chips)
            for box, block in zip(self._tiles, self._tile_blocks):
                batches = self.tile_batches(box)
                if len(batches) == 1:  # one colour: nothing to blend
                    blocks.append((batches[0][0], block))
                else:
                    blocks.append((C.blend_weighted([(c, len(r)) for c, r in batches], box.fill), block))
        else:
            codes, table, table_rgb = chip_codes
            rects = self._chip_rects
            order = np.argsort(codes, kind="stable")
            ordered = codes[order]
            starts = np.flatnonzero(np.diff(ordered, prepend=-2))
            ends = np.append(starts[1:], len(ordered))
            self.chip_batches = [(table[k], [rects[i] for i in order[a:b].tolist()])
                                 for k, a, b in zip(ordered[starts].tolist(), starts.tolist(), ends.tolist())]
            if self._tiles:  # each tile's block in the mean colour of its chips
                first, end = self._tile_first, self._tile_end
                rgb = table_rgb[codes]
                sums = np.concatenate([np.zeros((1, 3), np.int64), np.cumsum(rgb, axis=0)])
                means = ((sums[end] - sums[first]) // (end - first)[:, None]).tolist()
                changes = np.concatenate([[0], np.cumsum(codes[1:] != codes[:-1])])
                alike = (changes[end - 1] == changes[first]).tolist()
                firsts = codes[first].tolist()
                for block, mean, same, code in zip(self._tile_blocks, means, alike, firsts):
                    blocks.append((table[code] if same else QColor(*mean), block))
        self.block_batches = _group(blocks)
        self.frame_batches = _group((b.fill, b.rect) for b in self.containers if b.path != self.path)

    def _block(self, box: Box) -> QRectF:
        """Where a tile's chips are, as one rectangle (what the tile looks like from far away)."""
        grid = self.layout.grid_rect(box.part)
        return QRectF(box.rect.x() + box.scale * grid.x(), box.rect.y() + box.scale * grid.y(),
                      box.scale * grid.width(), box.scale * grid.height())

    def tile_batches(self, box: Box) -> list[ColourBatch]:
        """A tile's chips grouped by colour (made when first needed after a recolour)."""
        if box.chip_batches is None:
            start, end = box.chips_range or (0, 0)
            box.chip_batches = _group((b.fill, b.rect) for b in self.chips[start:end])
        return box.chip_batches

    def ports(self) -> list[QRectF]:
        """Small squares at the middle of each chip edge: where its links leave it (made when first needed)."""
        if self._ports is None:
            out = []
            for chip in self.chips:
                r = chip.rect
                s = r.width() * 0.08
                cx, cy = r.center().x(), r.center().y()
                out += [QRectF(cx - s / 2, r.top() - s / 2, s, s), QRectF(cx - s / 2, r.bottom() - s / 2, s, s),
                        QRectF(r.left() - s / 2, cy - s / 2, s, s), QRectF(r.right() - s / 2, cy - s / 2, s, s)]
            self._ports = out
        return self._ports

    def rect_of(self, path: PartPath) -> QRectF | None:
        """Where a part inside this drawing is, in the drawing's coordinates."""
        return self.rects.get(path)

    # ----------------------------------------------------------------- painting
    def paint(self, painter: QPainter, lod: float, exposed: QRectF | None = None,
              state: PaintState | None = None) -> None:
        state = state or PaintState()
        chip_px = CHIP * lod
        visible = (lambda r: r.intersects(exposed)) if exposed is not None else (lambda r: True)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

        # The part itself, then the containers inside it, in batches of one colour.
        own = self.containers[0] if self.containers and self.containers[0].path == self.path else None
        frame_pen = QPen(C.FRAME.get(self.part.level, C.FRAME["cabinet"]), 0)
        if own is not None:
            painter.setPen(frame_pen)
            painter.setBrush(own.fill)
            painter.drawRect(own.rect)
        painter.setPen(Qt.PenStyle.NoPen)
        for colour, rects in self.frame_batches:
            painter.setBrush(colour)
            painter.drawRects(rects)
        if self.empty and chip_px >= 0.8:
            for colour, rects in self.empty_batches:
                painter.setBrush(colour)
                painter.drawRects(rects)
            if chip_px >= 6:  # close enough to see an empty slot's edge: a dashed outline says "put something here"
                dashed = QPen(QColor("#9aa3ad"), 1.0, Qt.PenStyle.DashLine)
                dashed.setCosmetic(True)
                painter.setPen(dashed)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRects([rect for _, _, _, rect in self.empty if visible(rect)])
                painter.setPen(Qt.PenStyle.NoPen)

        # Chips: blocks from far away, rectangles nearer, culled to what is exposed when close.
        if self.chips:
            if chip_px < CHIPS_AS_TILES_BELOW and self.block_batches:
                batches = self.block_batches
            elif chip_px >= CHIP_OUTLINES_FROM and exposed is not None:
                batches = [item for box in self.containers if box.chips_range is not None and visible(box.rect)
                           for item in self.tile_batches(box)]
            else:
                batches = self.chip_batches
            if chip_px >= CHIP_OUTLINES_FROM:
                painter.setPen(QPen(C.FRAME["chip"], 0))
            for colour, rects in batches:
                painter.setBrush(colour)
                painter.drawRects(rects)
            painter.setPen(Qt.PenStyle.NoPen)
            if state.ports and chip_px >= PORTS_FROM:
                painter.setBrush(QColor("#f2d7a0"))
                ports = self.ports()
                if exposed is not None:
                    ports = [p for p in ports if p.intersects(exposed)]
                painter.drawRects(ports)

        if self.misfits:
            painter.setPen(QPen(C.REFUSE, 0))
            for box in self.misfits:
                painter.setBrush(QBrush(C.REFUSE, Qt.BrushStyle.BDiagPattern))
                painter.drawRect(box.rect)

        if state.accepting:
            lit = [rect for parent, slot, _, rect in self.empty if (parent, slot) in state.accepting]
            if lit:
                painter.setPen(QPen(C.ACCEPT, 0))
                painter.setBrush(QColor(C.ACCEPT.red(), C.ACCEPT.green(), C.ACCEPT.blue(), 110))
                painter.drawRects(lit)

        if state.severities:
            self._paint_severities(painter, state.severities, visible)
        if state.labels or state.bars:
            self._paint_text(painter, lod, chip_px, state, visible)

    def _paint_severities(self, painter: QPainter, severities: Mapping[PartPath, str],
                          visible: Callable[[QRectF], bool]) -> None:
        # Which of this drawing's parts have findings changes only with a new analysis: look it up once.
        if self._marked_for is not severities:
            marked: dict[str, list[QRectF]] = {"error": [], "warning": []}
            for box in self.containers + self.chips:
                severity = severities.get(box.path)
                if severity in marked:
                    marked[severity].append(box.rect)
            self._marked, self._marked_for = marked, severities
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for severity, rects in self._marked.items():
            shown = [r for r in rects if visible(r)]
            if shown:
                painter.setPen(_cosmetic(C.SEVERITY_COLOURS[severity], 2.0))
                painter.drawRects(shown)

    def _paint_text(self, painter: QPainter, lod: float, chip_px: float, state: PaintState,
                    visible: Callable[[QRectF], bool]) -> None:
        """Labels and bars in device coordinates, so text stays crisp and readable at any zoom."""
        if (self.rect.width() * lod < CONTAINER_LABEL_FROM and chip_px < CHIP_LABELS_FROM
                and not self._inner_cabinets and not self.child_boxes):
            return  # far away: nothing here is big enough for text (the common case in a large room)
        transform = painter.worldTransform()
        jobs = []
        small_cabinets = []  # (part, rect in this drawing's coordinates) of cabinets too small for their label
        for box in self.containers:
            if box.level == "room" and box.path != self.path:
                continue
            if not visible(box.rect):
                continue
            header = transform.mapRect(QRectF(box.rect.x(), box.rect.y(), box.rect.width(),
                                              HEADER[box.level] * box.scale))
            needed = 13 if box.level == "room" else 8  # the room's title must not crowd its cabinets' tags
            if box.rect.width() * lod >= CONTAINER_LABEL_FROM and header.height() >= needed:
                jobs.append(("container", box, header))
            elif box.level == "cabinet" and box.path != self.path:
                small_cabinets.append((box.part, box.rect))
        small_cabinets += [(part, rect) for part, rect in self.child_boxes if part.level == "cabinet"]
        # Cabinets too small for their label get a short tag just above them (inside this drawing's bounds).
        tags = []
        for part, rect in small_cabinets if state.labels else ():
            device = transform.mapRect(rect)
            header_px = HEADER["cabinet"] * device.height() / max(rect.height(), 1e-9)
            if device.width() >= 28 and (device.width() < CONTAINER_LABEL_FROM or header_px < 8):
                tags.append((part, QRectF(device.x() - 10, device.y() - 12, device.width() + 20, 11)))
        chip_jobs = []
        if state.labels and chip_px >= CHIP_LABELS_FROM:
            chip_jobs = [(box, transform.mapRect(box.rect)) for box in self.chips if visible(box.rect)]
        if not jobs and not chip_jobs and not tags:
            return
        painter.save()
        try:  # a restore that is always reached keeps the caller's painter usable
            painter.resetTransform()
            font = QFont()
            font.setPixelSize(11)
            small = QFont()
            small.setPixelSize(9)
            metrics = QFontMetricsF(font)
            for _, box, header in jobs:
                text_colour = C.text_colour_on(box.fill)
                summary = state.summaries.get(box.path) if state.summaries else None
                bars = capacities(summary) if (summary is not None and state.bars) else []
                show_bars = bool(bars) and header.width() >= CONTAINER_BARS_FROM and header.height() >= 9
                label_w = header.width() * (0.42 if show_bars else 1.0)
                if state.labels and header.height() >= 8:
                    painter.setFont(font if header.height() >= 13 else small)
                    painter.setPen(text_colour)
                    text = _container_label(box)
                    text_rect = QRectF(header.x() + 4, header.y(), label_w - 6, header.height())
                    elided = QFontMetricsF(painter.font()).elidedText(text, Qt.TextElideMode.ElideRight,
                                                                      text_rect.width())
                    painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), elided)
                if show_bars:
                    bar_rect = QRectF(header.x() + label_w, header.y() + 1, header.width() - label_w - 4,
                                      header.height() - 2)
                    paint_bars(painter, bar_rect, bars, small, text_colour)
            if tags:
                painter.setFont(small)
                painter.setPen(C.TEXT)
                tag_metrics = QFontMetricsF(small)
                for part, rect in tags:
                    name = part.name or f"[{part.slot[0]},{part.slot[1]}]"
                    painter.drawText(rect, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                                     tag_metrics.elidedText(name, Qt.TextElideMode.ElideRight, rect.width()))
            small_metrics = QFontMetricsF(small)
            for box, rect in chip_jobs:
                painter.setPen(C.text_colour_on(box.fill))
                name = box.part.name or (box.spec.name if box.spec else box.part.spec_id)
                inner = rect.adjusted(3, 3, -3, -3)
                if rect.width() < CHIP_FIGURES_FROM:
                    painter.setFont(font)
                    painter.drawText(inner, int(Qt.AlignmentFlag.AlignCenter),
                                     metrics.elidedText(name, Qt.TextElideMode.ElideRight, inner.width()))
                    continue
                lines = [f"[{box.part.slot[0]},{box.part.slot[1]}]"]
                if isinstance(box.spec, ChipSpec):
                    lines += _chip_figures(box.spec)
                painter.setFont(font)
                top = QRectF(inner.x(), inner.y(), inner.width(), inner.height() * 0.4)
                painter.drawText(top, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                                 metrics.elidedText(name, Qt.TextElideMode.ElideRight, inner.width()))
                painter.setFont(small)
                bottom = QRectF(inner.x(), top.bottom() + 1, inner.width(), inner.height() - top.height() - 1)
                painter.drawText(bottom, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                                 "\n".join(small_metrics.elidedText(line, Qt.TextElideMode.ElideRight, inner.width())
                                           for line in lines))
        finally:
            painter.restore()


def _cosmetic(colour: QColor, width: float) -> QPen:
    pen = QPen(colour, width)
    pen.setCosmetic(True)
    return pen


def _group(items: Iterable[tuple[QColor, QRectF]]) -> list[ColourBatch]:
    """Rectangles by colour.  Providers hand out shared QColor objects, so grouping by object
    first is fast; groups of equal colours from different objects are merged after."""
    by_object: dict[int, ColourBatch] = {}
    for colour, rect in items:
        group = by_object.get(id(colour))
        if group is None:
            group = by_object[id(colour)] = (colour, [])
        group[1].append(rect)
    merged: dict[int, ColourBatch] = {}
    for colour, rects in by_object.values():
        key = colour.rgba()
        if key in merged:
            merged[key][1].extend(rects)
        else:
            merged[key] = (colour, rects)
    return list(merged.values())


def _container_label(box: Box) -> str:
    title = box.spec.name if box.spec else box.part.spec_id
    if box.level == "room":
        return title
    where = box.part.name or f"{box.level} [{box.part.slot[0]},{box.part.slot[1]}]"
    return f"{where} · {title}"


def _chip_figures(spec: ChipSpec) -> list[str]:
    from .. import units

    bits = []
    if spec.peak_flops:
        fmt, value = max(spec.peak_flops.items(), key=lambda kv: kv[1])
        bits.append(f"{units.format(value, 'FLOPS')} {fmt}")
    if spec.tdp_w:
        bits.append(units.format(spec.tdp_w, "W"))
    return bits
