"""The outline mirrors the design through the document's signals, without resetting, and selects in step."""

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtTest import QAbstractItemModelTester


def labels(model, parent):
    return [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]


@pytest.mark.slow  # Qt's model tester on every change of the ExaPOD: ~4 s
def test_the_outline_follows_edits(window):
    model = window.outline.model
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    room = model.index(0, 0)
    assert model.rowCount(room) == 10
    cabinet = model.index_for(((0, 2),))
    assert model.rowCount(cabinet) == 12
    resets = []
    model.modelReset.connect(lambda: resets.append(1))

    window.document.remove([((0, 2), (0, 3))])
    assert model.rowCount(model.index_for(((0, 2),))) == 11
    window.document.move([((0, 2), (1, 5))], (-1, -2))
    assert model.index_for(((0, 2), (0, 3))).isValid() and not model.index_for(((0, 2), (1, 5))).isValid()
    window.document.remove([((0, 4),)])
    window.document.move([((0, 5),)], (0, -1))
    assert "C06 (cabinet [0,4])" in labels(model, room)
    window.document.rename(((0, 4),), "Moved")
    assert model.index_for(((0, 4),)).data() == "Moved (cabinet [0,4])"
    while window.document.undo_stack.canUndo():
        window.document.undo_stack.undo()
    assert labels(model, room) == [f"C{k:02d} (cabinet [0,{k - 1}])" for k in range(1, 11)]
    assert resets == []
    del tester


def test_selecting_in_the_outline_selects_on_the_canvas(window):
    model = window.outline.model
    index = model.index_for(((0, 1), (1, 1), (0, 4)))
    window.outline.view.selectionModel().setCurrentIndex(index,
                                                         QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
    assert window.selection.paths == [((0, 1), (1, 1), (0, 4))]
    assert window.selection.focus == ((0, 1), (1, 1))
    visible = window.view.visible_scene_rect()
    assert visible.contains(window.scene.rect_of(((0, 1), (1, 1), (0, 4))))  # revealed on the canvas
