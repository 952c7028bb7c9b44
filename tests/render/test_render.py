"""Painting without widgets: layout geometry, level of detail, colour providers, pictures and SVG."""

import itertools

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from dojo_gui.model.templates import TEMPLATES, grid_design
from dojo_gui.render import Layout, PartDrawing, ValueColours, ramp, render_design, spec_colour, svg_bytes
from dojo_gui.render.geometry import CHIP


@pytest.fixture
def app(qapp):
    return qapp


def test_layout_puts_every_slot_where_hit_testing_finds_it(app, exapod):
    layout = Layout(exapod)
    for path in [((0, 0),), ((0, 9), (1, 5)), ((0, 4), (0, 2), (3, 1))]:
        rect = layout.scene_rect(path)
        level = ["cabinet", "tile", "chip"][len(path) - 1]
        assert layout.part_at(rect.center(), down_to=level) == path
        assert layout.part_at(rect.center())[: len(path)] == path
        assert layout.slot_at(rect.center(), level) == (path[:-1], path[-1])
    chip = layout.scene_rect(((0, 0), (0, 0), (0, 0)))
    assert (chip.width(), chip.height()) == (CHIP, CHIP)
    # Cabinets sit side by side without overlapping, inside the room.
    rects = [layout.scene_rect(((0, c),)) for c in range(10)]
    assert all(a.right() < b.left() for a, b in itertools.pairwise(rects))
    assert all(layout.room_rect().contains(r) for r in rects)
    # Between two cabinets (in the aisle) nothing is hit below the room.
    aisle = QPointF((rects[0].right() + rects[1].left()) / 2, rects[0].center().y())
    assert layout.part_at(aisle) == ()


def test_cells_follow_the_default_child_so_racks_of_trays_come_out_tall(app, catalog):
    design = TEMPLATES["gb200-nvl72"].make(catalog)
    rack = Layout(design).scene_rect(((0, 0),))
    assert rack.height() > 3 * rack.width()  # 18 flat trays stacked


def test_drawing_batches_chips_by_colour_and_paints_what_the_provider_says(app, exapod):
    layout = Layout(exapod)
    drawing = PartDrawing(exapod, layout, ((0, 0),))
    assert len(drawing.chips) == 300 and len(drawing.chip_batches) == 1  # one colour, one drawRects
    hot = ((0, 0), (0, 0), (2, 2))
    drawing = PartDrawing(exapod, layout, ((0, 0),), colours=lambda p: QColor("#0000ff") if p == hot else None)
    assert len(drawing.chip_batches) == 2
    image = QImage(int(drawing.rect.width() * 4), int(drawing.rect.height() * 4), QImage.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.scale(4, 4)
    drawing.paint(painter, 4.0)
    painter.end()
    centre = drawing.rect_of(hot).center()
    assert image.pixelColor(int(centre.x() * 4), int(centre.y() * 4)).name() == "#0000ff"
    other = drawing.rect_of(((0, 0), (0, 0), (2, 3))).center()
    d1_colour = spec_colour(exapod.specs["dojo-d1"])
    assert image.pixelColor(int(other.x() * 4), int(other.y() * 4)).name() == d1_colour.name()


def test_far_away_tiles_are_single_blocks_and_near_chips_get_ports(app, exapod):
    drawing = PartDrawing(exapod, Layout(exapod), ((0, 0),))
    calls = []

    class Recorder(QPainter):
        def drawRects(self, rects):
            calls.append(len(rects))
            super().drawRects(rects)

    image = QImage(800, 400, QImage.Format_ARGB32)
    for lod, expect in ((0.1, 12), (1.0, 300)):
        calls.clear()
        p = Recorder(image)
        p.scale(lod, lod)
        drawing.paint(p, lod)
        p.end()
        assert expect in calls
    calls.clear()
    p = Recorder(image)
    p.scale(4, 4)
    drawing.paint(p, 4.0, QRectF(0, 0, 60, 60))
    p.end()
    assert any(n % 4 == 0 and n < 1200 for n in calls)  # ports, culled to the exposed corner


def test_render_design_draws_the_room_and_its_parts(app, exapod):
    image = render_design(exapod, 1600, 300)
    assert (image.width(), image.height()) == (1600, 300)
    # A tile fitted into a 400 x 400 picture: each chip's centre shows the chip's colour.
    tile = ((0, 0), (0, 0))
    layout = Layout(exapod)
    box = layout.scene_rect(tile)
    picture = render_design(exapod, 400, 400, path=tile)
    scale = min((400 - 24) / box.width(), (400 - 24) / box.height())
    ox, oy = (400 - box.width() * scale) / 2, (400 - box.height() * scale) / 2
    d1 = spec_colour(exapod.specs["dojo-d1"]).name()
    for slot in [(0, 0), (2, 2), (4, 4)]:
        chip = layout.scene_rect(tile + (slot,)).translated(-box.x(), -box.y())
        x, y = ox + chip.center().x() * scale, oy + (chip.top() + chip.height() * 0.8) * scale
        assert picture.pixelColor(int(x), int(y)).name() == d1


def test_value_colours_paint_by_value(app, exapod):
    chips = [p.path for p in exapod.parts("chip")]
    provider = ValueColours({chips[0]: 95.0, chips[1]: 40.0}, lo=40.0, hi=95.0)
    assert provider(chips[0]) == ramp(1.0) and provider(chips[1]) == ramp(0.0) and provider(chips[2]) is None
    assert ramp(0.0) != ramp(1.0)


def test_svg_export_is_a_picture_of_every_chip(app, catalog):
    design = grid_design(catalog, "dojo-d1", (2, 2), (1, 2), (1, 1))
    data = svg_bytes(design, 800, 400).decode()
    assert data.lstrip().startswith("<?xml") and "<svg" in data
    assert data.count("<rect") >= 8 or data.count("<path") >= 1
