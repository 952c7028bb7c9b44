"""Mouse gestures on the canvas: click, Ctrl+click, double-click to enter, rubber band, dragging cabinets."""

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from dojo_gui.model.templates import grid_design


def press_move_release(qtbot, window, h, start, end, steps=6, modifier=Qt.NoModifier):
    viewport = window.view.viewport()
    a, b = h.view_point(window.view, start), h.view_point(window.view, end)
    qtbot.mousePress(viewport, Qt.LeftButton, modifier, a)
    for k in range(1, steps + 1):
        qtbot.mouseMove(viewport, QPoint(a.x() + (b.x() - a.x()) * k // steps, a.y() + (b.y() - a.y()) * k // steps))
    qtbot.mouseRelease(viewport, Qt.LeftButton, modifier, b)


def click(qtbot, window, h, scene_point, modifier=Qt.NoModifier):
    qtbot.mouseClick(window.view.viewport(), Qt.LeftButton, modifier, h.view_point(window.view, scene_point))


def test_clicks_select_at_the_level_of_the_entered_container(qtbot, window, h):
    cabinet, tile, chip = ((0, 4),), ((0, 4), (1, 2)), ((0, 4), (1, 2), (3, 3))
    click(qtbot, window, h, h.centre(window, chip))
    assert window.selection.paths == [cabinet]  # in the room a click picks a cabinet
    outline_rows = window.outline.view.selectionModel().selectedRows()
    assert [window.outline.model.path_of(i) for i in outline_rows] == [cabinet]  # the outline follows

    qtbot.mouseDClick(window.view.viewport(), Qt.LeftButton, Qt.NoModifier, h.view_point(window.view, h.centre(window, chip)))
    assert window.selection.focus == cabinet
    assert [b.text() for b in window.breadcrumbs.buttons] == ["Dojo ExaPOD", "C05"]
    click(qtbot, window, h, h.centre(window, chip))
    assert window.selection.paths == [tile]
    click(qtbot, window, h, h.centre(window, ((0, 4), (1, 3))), Qt.ControlModifier)
    assert window.selection.paths == [tile, ((0, 4), (1, 3))]

    qtbot.mouseDClick(window.view.viewport(), Qt.LeftButton, Qt.NoModifier, h.view_point(window.view, h.centre(window, chip)))
    assert window.selection.focus == tile
    click(qtbot, window, h, h.centre(window, chip))
    assert window.selection.paths == [chip]
    assert window.inspector.target == ("part", chip)

    qtbot.keyClick(window.view, Qt.Key_Backspace)
    assert window.selection.focus == cabinet and window.selection.paths == [tile]
    window.breadcrumbs.buttons[0].click()
    assert window.selection.focus == ()


def test_a_click_outside_the_entered_container_climbs_out(qtbot, window, h):
    window.view.enter(((0, 4),))
    window.view.fit_all()
    click(qtbot, window, h, h.centre(window, ((0, 7), (0, 0))))
    assert window.selection.focus == ()
    assert window.selection.paths == [((0, 7),)]


def test_rubber_band_selects_the_cabinets_it_touches(qtbot, window, h):
    room = window.scene.layout.room_rect()
    first, third = window.scene.rect_of(((0, 0),)), window.scene.rect_of(((0, 2),))
    start = room.topLeft()
    start.setX(first.left() - 4)
    start.setY(room.top() + 4)
    end = third.center()
    press_move_release(qtbot, window, h, start, end)
    assert window.selection.paths == [((0, 0),), ((0, 1),), ((0, 2),)]


def test_dragging_a_cabinet_moves_it_on_the_floor_snapped_and_undo_moves_it_back(qtbot, make_window, catalog, h):
    design = grid_design(catalog, "dojo-d1", (5, 5), (2, 6), (2, 3))
    window = make_window(design)
    window.view.fit_all()
    window.document.remove([((1, 2),)])
    before = h.snapshot(design)
    moving = design.part(((0, 1),))
    grab = h.centre(window, ((0, 1),))
    target = h.slot_centre(window, (), (1, 2))
    target.setX(target.x() - 40)  # not the exact centre: the drop snaps to the floor position under it
    target.setY(target.y() + 25)
    click(qtbot, window, h, grab)
    assert window.selection.paths == [((0, 1),)]
    press_move_release(qtbot, window, h, grab, target)
    assert design.find(((0, 1),)) is None
    assert design.part(((1, 2),)) is moving
    assert window.selection.paths == [((1, 2),)]  # the selection follows the part
    item = window.scene.cabinet_items[(1, 2)]
    place = window.scene.layout.child_place(design.room, (1, 2), moving)
    assert (item.pos().x(), item.pos().y()) == (place.x, place.y)
    assert "Moved 1 part" in window.statusBar().currentMessage()
    window.actions_by_name["undo"].trigger()
    assert h.snapshot(design) == before
    assert (0, 1) in window.scene.cabinet_items and (1, 2) not in window.scene.cabinet_items


def test_dragging_onto_a_taken_position_is_refused(qtbot, window, h):
    before = h.snapshot(window.document.design)
    click(qtbot, window, h, h.centre(window, ((0, 1),)))
    press_move_release(qtbot, window, h, h.centre(window, ((0, 1),)), h.centre(window, ((0, 3),)))
    assert h.snapshot(window.document.design) == before
    assert "taken by C04" in window.statusBar().currentMessage()
    assert not [i for i in window.scene.items() if type(i).__name__ == "MarkItem"]  # the ghosts are gone


def test_wheel_zooms_and_fit_shows_the_whole_room(qtbot, window):
    view = window.view
    before = view.scale_factor()
    window.actions_by_name["zoom_in"].trigger()
    assert view.scale_factor() > before
    window.actions_by_name["fit"].trigger()
    visible = view.visible_scene_rect()
    assert visible.contains(window.scene.layout.room_rect())


def test_selected_parts_can_be_deleted_copied_and_pasted(qtbot, window, h):
    design = window.document.design
    window.view.enter(((0, 0),))
    window.selection.set([((0, 0), (0, 0)), ((0, 0), (0, 1))])
    window.actions_by_name["copy"].trigger()
    window.actions_by_name["delete"].trigger()
    assert design.find(((0, 0), (0, 0))) is None and design.find(((0, 0), (0, 1))) is None
    assert window.selection.paths == []
    window.selection.set([((0, 0),)])
    window.actions_by_name["paste"].trigger()
    assert len(design.part(((0, 0),)).children) == 12
    assert window.selection.paths == [((0, 0), (0, 0)), ((0, 0), (0, 1))]
    window.document.undo_stack.undo()
    window.document.undo_stack.undo()
    assert len(design.part(((0, 0),)).children) == 12  # delete undone: back to where it started
    QApplication.processEvents()


def test_a_tile_dragged_onto_the_next_cabinet_moves_into_it_and_undo_brings_it_back(qtbot, window, h):
    design = window.document.design
    here, there = ((0, 6),), ((0, 7),)
    window.document.remove([there + ((1, 0),)])  # a free slot in the next cabinet
    window.view.enter(here)
    for _ in range(3):  # far enough out to see the next cabinet's slots
        window.view.zoom_out()
    QApplication.processEvents()
    tile = design.part(here + ((1, 5),))
    before = snapshot_without(design, there + ((1, 0),), here + ((1, 5),))
    click(qtbot, window, h, h.centre(window, here + ((1, 5),)))
    press_move_release(qtbot, window, h, h.centre(window, here + ((1, 5),)), h.slot_centre(window, there, (1, 0)))
    assert design.part(there + ((1, 0),)) is tile and design.find(here + ((1, 5),)) is None
    assert len(tile.children) == 25 and tile.parent is design.part(there)  # with its chips
    assert window.selection.paths == [there + ((1, 0),)]
    assert snapshot_without(design, there + ((1, 0),), here + ((1, 5),)) == before  # nothing else changed
    assert window.scene.rect_of(there + ((1, 0),)).contains(h.slot_centre(window, there, (1, 0)))
    window.document.undo_stack.undo()
    assert design.part(here + ((1, 5),)) is tile and design.find(there + ((1, 0),)) is None
    window.document.undo_stack.redo()
    assert design.part(there + ((1, 0),)) is tile


def test_a_tile_dragged_onto_a_taken_slot_of_the_next_cabinet_is_refused_with_the_reason(qtbot, window, h):
    design = window.document.design
    here, there = ((0, 6),), ((0, 7),)
    window.view.enter(here)
    for _ in range(3):
        window.view.zoom_out()
    QApplication.processEvents()
    count = window.document.undo_stack.count()
    click(qtbot, window, h, h.centre(window, here + ((1, 5),)))
    press_move_release(qtbot, window, h, h.centre(window, here + ((1, 5),)), h.slot_centre(window, there, (1, 0)))
    assert design.find(here + ((1, 5),)) is not None and window.document.undo_stack.count() == count
    assert "is taken by" in window.statusBar().currentMessage()


def snapshot_without(design, *paths):
    """Every part's path and spec, except those under ``paths``."""
    return sorted((p.path, p.spec_id) for p in design.parts() if not any(p.path[:len(q)] == q for q in paths))


def test_tiles_move_inside_their_cabinet_and_the_delete_key_removes_the_selection(qtbot, window, h):
    design = window.document.design
    cabinet = ((0, 6),)
    window.document.remove([cabinet + ((1, 5),)])
    window.view.enter(cabinet)
    tile = design.part(cabinet + ((1, 4),))
    click(qtbot, window, h, h.centre(window, cabinet + ((1, 4),)))
    press_move_release(qtbot, window, h, h.centre(window, cabinet + ((1, 4),)), h.slot_centre(window, cabinet, (1, 5)))
    assert design.part(cabinet + ((1, 5),)) is tile and design.find(cabinet + ((1, 4),)) is None
    assert window.selection.paths == [cabinet + ((1, 5),)]
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key_Delete)
    assert design.find(cabinet + ((1, 5),)) is None
    window.actions_by_name["undo"].trigger()
    assert design.part(cabinet + ((1, 5),)) is tile


def test_a_part_under_the_pointer_says_its_spec_figures_and_budget_use(qtbot, window, h):
    qtbot.waitUntil(lambda: window.scene.paint_state.summaries is not None, timeout=10000)
    cabinet = ((0, 4),)
    text = window.view.tooltip_at(h.view_point(window.view, h.centre(window, cabinet + ((1, 2),))))
    assert "<b>C05</b> · Dojo cabinet" in text and "room.cabinet[0,4]" in text
    assert "2x6 mesh · 200 kW budget" in text  # the spec's key figures
    power = window.scene.paint_state.summaries[cabinet]
    assert f"Power: {power.max_power_w / 1e3:.3g} kW of 200 kW budget ({power.max_power_w / 200e3:.0%})" in text
    assert "Slots: 12 of 12 slots filled" in text
    window.view.enter(cabinet)
    QApplication.processEvents()
    tile = window.view.tooltip_at(h.view_point(window.view, h.centre(window, cabinet + ((1, 2), (0, 0)))))
    assert "<b>Dojo training tile</b>" in tile and "Power: " in tile  # inside the cabinet: its tiles
