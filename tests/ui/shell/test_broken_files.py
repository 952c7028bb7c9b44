"""A broken project file, whichever way it comes in (Open, Open Recent, Revert, dropped on the window, the
command line), is named with the place of the fault and leaves the open project exactly as it was."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMenu

from dojo_gui.io.catalog import example_path
from dojo_gui.io.project import dumps, save
from dojo_gui.model.templates import TEMPLATES

CHIP = ((0, 0), (0, 0), (2, 2))
GOOD = example_path("dojo-tile").read_text(encoding="utf-8")

# (file text, what the message must say): the place and the fault.
BROKEN = {
    "unknown spec": (GOOD.replace('"spec": "dojo-d1"', '"spec": "dojo-d9"', 1),
                     ["room.cabinets[0].tiles[0].chips[0].spec", "unknown chip spec 'dojo-d9'"]),
    "truncated": (GOOD[: len(GOOD) // 2], ["line ", "not valid JSON"]),
    "huge integer": (GOOD.replace('"tdp_w": 400.0', '"tdp_w": 1' + "0" * 400, 1), ["specs[", "tdp_w"]),
    "NaN": (GOOD.replace('"tdp_w": 400.0', '"tdp_w": NaN', 1), ["line ", "NaN"]),
    "deep nesting": (GOOD.replace('"description": ', '"description": ' + "[" * 5000 + "]" * 5000 + ", \"x\": ", 1),
                     ["nest"]),
    "not text": (b"\x89PNG\r\n\x1a\n\x00\x00".decode("latin-1"), ["not a text file"]),
}


def edited_window(window):
    """The window with unsaved work: what must survive a failed open."""
    window.document.remove([CHIP])
    return window, (dumps(window.document.design), window.document.undo_stack.count(), window.windowTitle(),
                    window.document.file_path, window.isWindowModified())


def state(window):
    return (dumps(window.document.design), window.document.undo_stack.count(), window.windowTitle(),
            window.document.file_path, window.isWindowModified())


def write_broken(tmp_path, kind: str):
    text, _ = BROKEN[kind]
    path = tmp_path / f"{kind.replace(' ', '-')}.dojo"
    path.write_bytes(text.encode("latin-1") if kind == "not text" else text.encode("utf-8"))
    return path


def assert_refused(window, path, kind, before, title="Cannot open the project"):
    shown = window.dialogs.questions("show_error")
    assert shown, "no message"
    got_title, message = shown[-1]
    assert got_title == title
    assert str(path) in message
    for words in BROKEN[kind][1]:
        assert words in message, message
    assert state(window) == before


@pytest.mark.parametrize("kind", BROKEN)
def test_file_open(window, tmp_path, kind):
    window, before = edited_window(window)
    path = write_broken(tmp_path, kind)
    window.dialogs.answers["ask_save_changes"] = ["discard"]  # the user lets the changes go, then the file fails
    window.dialogs.answers["open_file"] = [str(path)]
    window.actions_by_name["open"].trigger()
    assert_refused(window, path, kind, before)
    assert window.statusBar().currentMessage().startswith("Not opened: ")


def test_open_recent(window, tmp_path):
    window, before = edited_window(window)
    path = write_broken(tmp_path, "unknown spec")
    window.files.recent.add(path)
    menu = QMenu(window)
    window.files.populate_recent(menu)
    action, = [a for a in menu.actions() if a.text() == str(path.resolve())]
    window.dialogs.answers["ask_save_changes"] = ["discard"]
    action.trigger()
    assert_refused(window, path.resolve(), "unknown spec", before)


def test_revert_to_a_file_broken_since(window, tmp_path):
    path = tmp_path / "work.dojo"
    window.dialogs.answers["save_file"] = [str(path)]
    assert window.files.save()
    window, before = edited_window(window)
    path.write_text(BROKEN["truncated"][0], encoding="utf-8")  # another program wrote half a file there
    window.dialogs.answers["confirm"] = [True]
    window.actions_by_name["revert"].trigger()
    assert_refused(window, path, "truncated", before, title="Cannot revert")
    assert window.autosave.save_now() is not None  # the unsaved work is still autosaved


def drop(window, path, qtbot):
    """A file dragged from a file manager onto the window's canvas and dropped (events as Qt delivers them)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    target = window.view.viewport()
    point = target.rect().center()
    enter = QDragEnterEvent(point, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(target, enter)
    accepted = enter.isAccepted()
    if accepted:
        drop_event = QDropEvent(QPointF(point), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
        QApplication.sendEvent(window, drop_event)
        qtbot.wait(50)  # the file opens once the drop is over
    return accepted


def test_a_file_dropped_on_the_window(window, tmp_path, catalog, qtbot):
    window, before = edited_window(window)
    path = write_broken(tmp_path, "huge integer")
    window.dialogs.answers["ask_save_changes"] = ["cancel", "discard"]
    assert drop(window, path, qtbot)
    assert state(window) == before and not window.dialogs.questions("show_error")  # cancelled: nothing read
    assert drop(window, path, qtbot)
    assert_refused(window, path, "huge integer", before)

    good = tmp_path / "good.dojo"
    save(TEMPLATES["dojo-cabinet"].make(catalog), good)
    window.dialogs.answers["ask_save_changes"] = ["discard"]
    assert drop(window, good, qtbot)
    assert window.document.file_path == good and not window.isWindowModified()
    assert not drop(window, tmp_path / "notes.txt", qtbot)  # not a project: the drag is refused


def test_a_broken_file_on_the_command_line(qtbot, tmp_path, scripted_dialogs, monkeypatch):
    from dojo_gui.ui.shell.app import open_windows

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    path = write_broken(tmp_path, "NaN")
    window, = open_windows([str(path)], None, dialogs=scripted_dialogs)
    qtbot.addWidget(window)
    QApplication.processEvents()
    title, message = scripted_dialogs.questions("show_error")[-1]
    assert title == "Cannot open the project" and str(path) in message and "NaN" in message
    assert window.document.file_path is None and not window.isWindowModified()  # the example, untitled
    window.analyzer.shutdown()
    window.live.shutdown()
