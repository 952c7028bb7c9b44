"""Dragging specs from the palette onto the canvas: real drag and drop events with the palette's mime data."""

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from dojo_gui.model.templates import TEMPLATES, grid_design
from dojo_gui.ui.editor.mime import SPEC_MIME

TILE = ((0, 0), (0, 0))


def test_a_d1_dropped_on_an_empty_tile_slot_arrives_and_undo_takes_it_back(window, h):
    design = window.document.design
    window.document.remove([TILE + ((2, 2),)])
    before = h.snapshot(design)
    mime = window.palette.mime_for("dojo-d1")
    assert mime.hasFormat(SPEC_MIME)

    enter, move, drop = h.drag_spec(window, "dojo-d1", h.slot_centre(window, TILE, (2, 2)), drop=False)
    # While dragging, every slot that takes a D1 lights up: here the one empty chip slot of the ExaPOD.
    assert window.scene.paint_state.accepting == {(TILE, (2, 2))}
    assert move.isAccepted()
    _, _, drop = h.drag_spec(window, "dojo-d1", h.slot_centre(window, TILE, (2, 2)))
    assert drop.isAccepted()
    chip = design.part(TILE + ((2, 2),))
    assert chip.spec_id == "dojo-d1" and chip.level == "chip"
    assert window.selection.paths == [TILE + ((2, 2),)]
    assert window.scene.paint_state.accepting is None  # the lights go out after the drop
    assert "Added Tesla D1" in window.statusBar().currentMessage()

    window.actions_by_name["undo"].trigger()
    assert design.find(TILE + ((2, 2),)) is None
    assert h.snapshot(design) == before
    window.actions_by_name["redo"].trigger()
    assert design.part(TILE + ((2, 2),)).spec_id == "dojo-d1"


def test_a_drag_that_enters_over_a_filled_slot_still_drops_on_the_empty_one(window, h):
    """The way from the palette crosses parts that refuse: the canvas takes the drag on enter, refuses while the
    pointer is over a taken slot, and takes the drop where its last point fits."""
    design = window.document.design
    window.document.remove([TILE + ((2, 2),)])
    mime = window.palette.mime_for("dojo-d1")
    viewport = window.view.viewport()
    over_filled = window.view.mapFromScene(h.slot_centre(window, TILE, (1, 1)))
    enter = QDragEnterEvent(over_filled, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    assert "room.cabinet[0,0].tile[0,0].chip[1,1] is taken by" in window.statusBar().currentMessage()
    target = window.view.mapFromScene(h.slot_centre(window, TILE, (2, 2)))
    move = QDragMoveEvent(target, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(viewport, move)
    assert move.isAccepted()
    assert window.statusBar().currentMessage().startswith("Drop to add Tesla D1 at room.cabinet[0,0].tile[0,0].chip[2,2]")
    drop = QDropEvent(QPointF(target), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(viewport, drop)
    assert drop.isAccepted() and design.part(TILE + ((2, 2),)).spec_id == "dojo-d1"


def test_a_tile_dropped_into_a_cabinet_arrives_empty_and_with_shift_filled_each_one_undo_step(window, h):
    design = window.document.design
    cabinet = ((0, 3),)
    window.document.remove([cabinet + ((1, 4),)])
    before = h.snapshot(design)
    depth = window.document.undo_stack.count()

    _, move, _ = h.drag_spec(window, "dojo-training-tile", h.slot_centre(window, cabinet, (1, 4)), drop=False)
    assert move.isAccepted()
    assert window.statusBar().currentMessage() == (
        "Drop to add Dojo training tile (empty) at room.cabinet[0,3].tile[1,4] · hold Shift to bring it filled "
        "with 25 chips")
    window.view.interaction.cancel()
    _, move, drop = h.drag_spec(window, "dojo-training-tile", h.slot_centre(window, cabinet, (1, 4)))
    assert move.isAccepted() and drop.isAccepted()
    tile = design.part(cabinet + ((1, 4),))
    assert tile.spec_id == "dojo-training-tile" and tile.children == {}
    assert window.document.undo_stack.count() == depth + 1
    window.document.undo_stack.undo()
    assert h.snapshot(design) == before

    _, move, drop = h.drag_spec(window, "dojo-training-tile", h.slot_centre(window, cabinet, (1, 4)),
                                modifiers=Qt.ShiftModifier)
    assert drop.isAccepted()
    assert window.statusBar().currentMessage().startswith("Added Dojo training tile (with 25 chips) at")
    assert len(design.part(cabinet + ((1, 4),)).children) == 25
    assert window.document.undo_stack.count() == depth + 1
    window.document.undo_stack.undo()
    assert h.snapshot(design) == before


def test_the_palette_toggle_brings_containers_filled_and_shift_turns_it_round(window, h):
    design = window.document.design
    cabinet = ((0, 3),)
    window.document.remove([cabinet + ((1, 4),)])
    window.palette.fill_toggle.setChecked(True)
    h.drag_spec(window, "dojo-training-tile", h.slot_centre(window, cabinet, (1, 4)), drop=False)
    assert window.statusBar().currentMessage() == (
        "Drop to add Dojo training tile (with 25 chips) at room.cabinet[0,3].tile[1,4] · hold Shift to bring it empty")
    window.view.interaction.cancel()
    h.drag_spec(window, "dojo-training-tile", h.slot_centre(window, cabinet, (1, 4)))
    assert len(design.part(cabinet + ((1, 4),)).children) == 25
    window.document.undo_stack.undo()
    h.drag_spec(window, "dojo-training-tile", h.slot_centre(window, cabinet, (1, 4)), modifiers=Qt.ShiftModifier)
    assert design.part(cabinet + ((1, 4),)).children == {}


def test_a_cabinet_dropped_on_a_free_floor_position(make_window, catalog, h):
    design = grid_design(catalog, "dojo-d1", (5, 5), (2, 6), (2, 3), name="Six cabinets")
    window = make_window(design)
    window.document.remove([((1, 2),)])
    window.view.fit_all()
    before = h.snapshot(design)
    # A cabinet dropped near (not exactly on) the free position's centre still lands in it.
    point = h.slot_centre(window, (), (1, 2))
    point.setX(point.x() + 30)
    _, move, drop = h.drag_spec(window, design.room.children[(0, 0)].spec_id, point, modifiers=Qt.ShiftModifier)
    assert move.isAccepted() and drop.isAccepted()
    cabinet = design.part(((1, 2),))
    assert sum(1 for p in cabinet.walk() if p.level == "chip") == 300
    assert cabinet.name == "C06"  # the next free cabinet name
    assert (1, 2) in window.scene.cabinet_items  # the scene drew it
    window.actions_by_name["undo"].trigger()
    assert h.snapshot(design) == before
    assert (1, 2) not in window.scene.cabinet_items


def test_a_built_in_spec_is_copied_into_the_project_by_the_drop_and_leaves_with_undo(make_window, dojo_tile, h):
    window = make_window(dojo_tile)
    design = window.document.design
    window.document.remove([((0, 0),)])  # the lab's one floor position, free for any cabinet
    window.view.fit_all()
    assert "google-tpu-v4-rack" not in design.specs
    _, _, drop = h.drag_spec(window, "google-tpu-v4-rack", h.slot_centre(window, (), (0, 0)),
                             modifiers=Qt.ShiftModifier)
    assert drop.isAccepted()
    assert design.part(((0, 0),)).spec_id == "google-tpu-v4-rack"
    # A project carries every spec it uses: the rack, and (filled) its boards and chips.
    assert {"google-tpu-v4-rack", "google-tpu-v4-board", "google-tpu-v4"} <= set(design.specs)
    window.document.undo_stack.undo()
    assert not {"google-tpu-v4-rack", "google-tpu-v4-board", "google-tpu-v4"} & set(design.specs)
    _, _, drop = h.drag_spec(window, "google-tpu-v4-rack", h.slot_centre(window, (), (0, 0)))
    assert drop.isAccepted() and design.part(((0, 0),)).children == {}
    # Empty, yet the project knows what fills it (Fill works, the file names every spec it refers to).
    assert {"google-tpu-v4-rack", "google-tpu-v4-board", "google-tpu-v4"} <= set(design.specs)


def test_drops_that_do_not_fit_are_refused_with_the_reason(window, h):
    design = window.document.design
    before = h.snapshot(design)
    depth = window.document.undo_stack.count()

    _, move, drop = h.drag_spec(window, "dojo-d1", h.slot_centre(window, TILE, (1, 1)))
    assert not move.isAccepted() and not drop.isAccepted()
    assert "taken by" in window.statusBar().currentMessage()

    window.document.remove([((0, 5), (0, 0))])
    depth += 1
    before = h.snapshot(design)
    _, move, drop = h.drag_spec(window, "google-tpu-v4-board", h.slot_centre(window, ((0, 5),), (0, 0)))
    assert not drop.isAccepted()
    assert "the Dojo cabinet's slots take Dojo training tile, not TPU v4 board" in window.statusBar().currentMessage()

    window.document.remove([TILE + ((3, 3),)])
    depth += 1
    before = h.snapshot(design)
    _, move, drop = h.drag_spec(window, "nvidia-b200-gb200", h.slot_centre(window, TILE, (3, 3)), drop=False)
    assert not move.isAccepted()
    assert window.statusBar().currentMessage() == (
        "Cannot drop here: the Dojo training tile's slots take Tesla D1, not NVIDIA B200 (in GB200)")
    assert window.scene.paint_state.accepting == set()  # no slot of the design takes a B200
    window.view.interaction.cancel()
    _, _, drop = h.drag_spec(window, "nvidia-b200-gb200", h.slot_centre(window, TILE, (3, 3)))
    assert not drop.isAccepted()

    below_the_room = window.scene.layout.room_rect().bottomLeft()
    below_the_room.setY(below_the_room.y() + 40)
    _, _, drop = h.drag_spec(window, "dojo-cabinet", below_the_room)
    assert not drop.isAccepted()
    assert "free floor position" in window.statusBar().currentMessage()

    assert h.snapshot(design) == before
    assert window.document.undo_stack.count() == depth
    assert window.scene.paint_state.accepting is None


def test_the_slot_under_a_drag_is_marked_and_refusals_show_while_dragging(window, h):
    h.drag_spec(window, "dojo-d1", h.slot_centre(window, TILE, (1, 1)), drop=False)
    gesture = window.view.interaction
    assert gesture is not None and gesture.mark.isVisible()
    assert gesture.mark.rect() == window.scene.layout.slot_scene_rect(TILE, (1, 1))
    assert "Cannot drop here" in window.statusBar().currentMessage()
    gesture.cancel()
    assert window.view.interaction is None and gesture.mark.scene() is None


def test_a_project_spec_dragged_from_another_window_brings_its_figures(make_window, exapod, catalog, h):
    source = make_window(exapod)
    variant = source.document.make_variant("dojo-d1", [TILE + ((0, 0),)])
    source.document.edit_figure(variant, "tdp_w", "450 W")
    target = make_window(TEMPLATES["exapod"].make(catalog))
    target.document.remove([TILE + ((3, 3),)])
    mime = source.palette.mime_for(variant)  # what a drag out of the other window's palette carries
    pos = target.view.mapFromScene(h.slot_centre(target, TILE, (3, 3)))
    over_filled = target.view.mapFromScene(h.slot_centre(target, TILE, (0, 0)))  # the way in crosses a placed chip
    QApplication.sendEvent(target.view.viewport(),
                           QDragEnterEvent(over_filled, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
    QApplication.sendEvent(target.view.viewport(), QDragMoveEvent(pos, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
    drop = QDropEvent(QPointF(pos), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(target.view.viewport(), drop)
    assert drop.isAccepted()
    assert target.document.design.part(TILE + ((3, 3),)).spec_id == variant
    assert target.document.design.specs[variant].tdp_w == 450.0
