"""The links between parts as the canvas draws them: bars across gaps, as wide as their bandwidth, by zoom."""

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from dojo_gui.model.links import PartLink, part_links, physical_links
from dojo_gui.render import Layout
from dojo_gui.render.links import LINK, SHOW_FROM, Connector, LinkDrawing, width_px


@pytest.fixture
def drawing(qapp, exapod):
    layout = Layout(exapod)
    return LinkDrawing(part_links(physical_links(exapod)), layout.scene_rect)


def test_a_bar_crosses_the_gap_at_the_middle_of_the_shared_edge(qapp):
    left, right = QRectF(0, 0, 10, 10), QRectF(12, 2, 10, 10)
    c = Connector(PartLink(((0, 0),), ((0, 1),), 4e12, 1), right, left)
    assert c.line.y1() == c.line.y2() == 6  # the middle of what the two edges share (y 2..10)
    assert c.line.x1() < 10 < 12 < c.line.x2()  # reaching into both parts
    assert (c.centre, c.gap, c.span, c.vertical) == ((11, 6), 2, 8, False)
    below = QRectF(0, 13, 10, 10)
    c = Connector(PartLink(((0, 0),), ((1, 0),), 4e12, 1), left, below)
    assert c.vertical and c.line.x1() == c.line.x2() == 5 and c.line.y1() < 10 < 13 < c.line.y2()


def test_width_grows_with_bandwidth():
    widths = [width_px(bw) for bw in (0, 50e9, 1.8e12, 4e12, 9e12, 18e12, 1e15)]
    assert widths == sorted(widths) and widths[0] == 1.0 and widths[-1] == 9.0
    assert width_px(4e12) == pytest.approx(4.0)


def test_what_shows_follows_the_zoom(drawing):
    cabinet_w = drawing.part_px("cabinet", 1.0)
    tile_w = drawing.part_px("tile", 1.0)
    assert cabinet_w > tile_w > 10
    # Far out: nothing; the whole room in view: only the cabinets' links, labelled once wide enough.
    assert drawing.levels_shown(0.9 * SHOW_FROM["cabinet"] / cabinet_w) == {}
    assert drawing.levels_shown(1.1 * SHOW_FROM["cabinet"] / cabinet_w) == {"cabinet": False}
    assert drawing.levels_shown(0.5) == {"cabinet": True}
    # A cabinet in view: tiles joined, labelled; chips joined, too small to label; the cabinets step back.
    cabinet = drawing.levels_shown(2.6)
    assert cabinet == {"tile": True, "chip": False}
    # A tile in view: every chip link labelled; the tiles' sums step back.
    assert drawing.levels_shown(11.0) == {"chip": True}


def paint(drawing, rect: QRectF, lod: float) -> tuple[QImage, int]:
    image = QImage(int(rect.width() * lod), int(rect.height() * lod), QImage.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.scale(lod, lod)
    painter.translate(-rect.topLeft())
    n = drawing.paint(painter, lod, rect)
    painter.end()
    return image, n


def test_a_tile_close_up_draws_every_chip_link_with_its_bandwidth(drawing, exapod):
    tile = Layout(exapod).scene_rect(((0, 3), (1, 2)))
    image, n = paint(drawing, tile, 11.0)
    assert n >= 40  # the tile's 40 mesh links, and those leaving it
    assert drawing.last_labels.count("4 TB/s") >= 30 and "1.8 TB/s" in drawing.last_labels
    # The bar between chips [0,0] and [0,1] reaches into [0,0] at its mid height: link-coloured there.
    chip = Layout(exapod).scene_rect(((0, 3), (1, 2), (0, 0)))
    x, y = (chip.right() - 0.5 - tile.left()) * 11.0, (chip.center().y() - tile.top()) * 11.0
    on_bar, above = image.pixelColor(int(x), int(y)), image.pixelColor(int(x), int(y - 25))
    assert on_bar.lightness() < 120 and on_bar.blue() > on_bar.red()
    assert above == QColor("white")


def test_a_cabinet_shows_its_tiles_links_summed(drawing, exapod):
    cabinet = Layout(exapod).scene_rect(((0, 3),))
    paint(drawing, cabinet, 2.6)
    assert set(drawing.last_labels) == {"9 TB/s"}  # 5 chip links of 1.8 TB/s across each tile edge
    assert len(drawing.last_labels) >= 16
    room = Layout(exapod).room_rect()
    paint(drawing, room, 0.5)
    assert drawing.last_labels.count("18 TB/s") == 9  # ten cabinets in a row: nine joins of 18 TB/s


def test_links_are_drawn_in_the_link_colour(drawing, exapod):
    room = Layout(exapod).room_rect()
    image, n = paint(drawing, room, 0.5)
    assert n == 9
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)}
    assert any(abs(QColor(c).red() - LINK.red()) < 40 and QColor(c).blue() > QColor(c).red() for c in colours)


def test_repainting_part_of_the_view_draws_its_labels_as_the_whole_view_did(drawing, exapod):
    cabinet = Layout(exapod).scene_rect(((0, 3),))
    whole, _ = paint(drawing, cabinet, 2.6)
    labels = list(drawing.last_labels)
    corner = QRectF(cabinet.topLeft(), cabinet.size() / 3)
    image = QImage(whole.size(), QImage.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.scale(2.6, 2.6)
    painter.translate(-cabinet.topLeft())
    painter.setClipRect(corner)  # as the view clips a partial update
    drawing.paint(painter, 2.6, corner, visible=cabinet)
    painter.end()
    assert drawing.last_labels == labels  # decided over the whole view, whatever was exposed
    box = (0, 0, int(corner.width() * 2.6) - 1, int(corner.height() * 2.6) - 1)
    assert all(image.pixelColor(x, y) == whole.pixelColor(x, y)
               for x in range(box[0], box[2], 3) for y in range(box[1], box[3], 3))
