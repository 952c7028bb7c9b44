"""PySide6 6.12.0 corrupted the refcount of None on every QGraphicsItem.setPos/setRect/setZValue/moveBy
(and aborted the process).  The canvas calls these on every layout and drag: None must stay flat."""

import sys

from PySide6.QtCore import QPoint, QRectF, Qt


def test_none_refcount_stays_flat_across_thousands_of_scene_updates(qtbot, window):
    scene = window.scene
    cabinet = scene.cabinet_items[(0, 3)]
    room = scene.room_item
    from dojo_gui.render import colours
    from dojo_gui.ui.editor.canvas.items import MarkItem

    mark = MarkItem(colours.ACCEPT)
    scene.addItem(mark)
    start = sys.getrefcount(None)
    for k in range(3000):
        cabinet.setPos(k % 50, k % 7)
        cabinet.moveBy(1.0, -1.0)
        cabinet.setZValue(1 + k % 3)
        room.setZValue(0)
        mark.setRect(QRectF(k, k, 10 + k % 5, 10))
        mark.setPos(k % 13, 0)
    scene._position(cabinet)
    # And through a real gesture: a cabinet dragged back and forth, each move re-placing its ghost.
    viewport = window.view.viewport()
    a = window.view.mapFromScene(scene.rect_of(((0, 3),)).center())
    qtbot.mousePress(viewport, Qt.LeftButton, Qt.NoModifier, a)
    for k in range(600):
        qtbot.mouseMove(viewport, QPoint(a.x() + (k % 40) * 3, a.y()))
    qtbot.mouseRelease(viewport, Qt.LeftButton, Qt.NoModifier, a)
    end = sys.getrefcount(None)
    assert abs(end - start) < 200, f"refcount of None drifted by {end - start} over ~20,000 scene updates"
    scene.removeItem(mark)
