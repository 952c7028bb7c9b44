"""Links visible while designing: the canvas draws the links between chips, tiles and cabinets with their
bandwidth, follows edits, and View > Show Links turns them off (remembered)."""

from PySide6.QtWidgets import QApplication

TILE = ((0, 3), (1, 2))


def show_tile_close(window, chip_px: float = 110.0) -> None:
    window.view.enter(TILE)
    window.view.set_scale(chip_px / 10.0)
    window.view.centerOn(window.scene.rect_of(TILE).center())
    QApplication.processEvents()


def bar_point(window):
    """A viewport point on the bar between chips [0,0] and [0,1] of TILE, just inside chip [0,0]."""
    chip = window.scene.rect_of(TILE + ((0, 0),))
    scene_point = chip.topRight()
    scene_point.setX(chip.right() - 0.4)
    scene_point.setY(chip.center().y())
    return window.view.mapFromScene(scene_point)


def test_links_show_with_their_bandwidth_and_view_turns_them_off(qtbot, window):
    window.analyzer.wait()
    show_tile_close(window)
    viewport = window.view.viewport()
    on = viewport.grab().toImage()
    drawing = window.scene.link_item.drawing
    assert drawing.last_labels.count("4 TB/s") >= 30  # the tile's mesh, each link labelled
    assert "1.8 TB/s" in drawing.last_labels  # and the links leaving it for the next tiles
    point = bar_point(window)
    pixel = on.pixelColor(point)
    assert pixel.blue() > pixel.red() and pixel.lightness() < 120  # the bar, over the red D1

    action = window.actions_by_name["links"]
    assert action in window.view_menu.actions() and action.isChecked()
    action.trigger()
    off = viewport.grab().toImage()
    assert off != on
    assert off.pixelColor(point).red() > off.pixelColor(point).blue()  # the chip's own red again
    action.trigger()
    assert viewport.grab().toImage() == on


def test_a_cabinet_shows_the_links_between_its_tiles(qtbot, window):
    window.analyzer.wait()
    window.view.enter(((0, 3),))
    QApplication.processEvents()
    window.view.viewport().repaint()
    labels = window.scene.link_item.drawing.last_labels
    assert labels.count("9 TB/s") >= 16  # the cabinet's 2x6 tiles: 16 joins inside, more to the next cabinets


def test_links_follow_the_design(qtbot, window):
    window.analyzer.wait()
    drawing = window.scene.link_item.drawing
    before = len(drawing.chip_connectors(TILE))
    window.document.remove([TILE + ((0, 1),)])  # a chip out: its three links inside the tile go
    window.analyzer.wait()
    show_tile_close(window)
    assert len(drawing.chip_connectors(TILE)) == before - 3
    assert window.view.viewport().grab().toImage().pixelColor(bar_point(window)).red() > 150


def test_the_links_toggle_is_remembered(qtbot, make_window, exapod):
    window = make_window(exapod)
    window.actions_by_name["links"].setChecked(False)
    assert not window.scene.paint_state.links
    window.save_settings()
    again = make_window(exapod)
    assert not again.actions_by_name["links"].isChecked() and not again.scene.paint_state.links
