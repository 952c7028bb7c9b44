"""Fixtures for the editor's tests: a main window whose dialogs answer from a script, in private folders."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from dojo_gui.io.project import dumps
from dojo_gui.ui.editor.mime import spec_drag
from dojo_gui.ui.shell.dialogs import WindowDialogs
from dojo_gui.ui.shell.files import Autosaves, RecentFiles


class ScriptedDialogs(WindowDialogs):
    """Answers every modal question from ``answers`` (method name -> list of answers) and records the questions."""

    def __init__(self) -> None:
        self.answers: dict[str, list] = {}
        self.asked: list[tuple[str, tuple]] = []

    def _answer(self, name: str, args: tuple, default):
        self.asked.append((name, args))
        queue = self.answers.get(name)
        return queue.pop(0) if queue else default

    def open_file(self, parent, folder):
        return self._answer("open_file", (folder,), None)

    def save_file(self, parent, suggested):
        return self._answer("save_file", (suggested,), None)

    def open_data_file(self, parent, title, folder, file_filter):
        return self._answer("open_data_file", (title, folder, file_filter), None)

    def export_file(self, parent, suggested, file_filter):
        return self._answer("export_file", (suggested, file_filter), None)

    def ask_save_changes(self, parent, title):
        return self._answer("ask_save_changes", (title,), "discard")

    def ask_recover(self, parent, autosaves):
        return self._answer("ask_recover", (autosaves,), ("later", None))

    def show_error(self, parent, title, text):
        self._answer("show_error", (title, text), None)

    def confirm(self, parent, title, text):
        return self._answer("confirm", (title, text), True)

    def ask_room(self, parent, rooms):
        return self._answer("ask_room", ([r.id for r in rooms],), None)

    def show_about(self, parent, text):
        self._answer("show_about", (text,), None)

    def show_shortcuts(self, parent, rows):
        self._answer("show_shortcuts", (rows,), None)

    def questions(self, name: str) -> list[tuple]:
        return [args for n, args in self.asked if n == name]


@pytest.fixture
def make_window(qtbot, tmp_path, catalog, monkeypatch):
    """Build main windows on a design; each shares the test's private data folder.

    The simulation's panels are built when the test first asks for ``window.live`` (they cost half a
    second a window); ``panels_after_first_frame=True`` builds them as the app does, right after the
    first frame, and waits for them."""
    from dojo_gui.ui.shell.mainwindow import MainWindow

    made = []

    def make(design=None, *, file_path=None, origin="test design", show=True, size=(1400, 860),
             panels_after_first_frame=False):
        monkeypatch.setattr(MainWindow, "build_later_panels", panels_after_first_frame)
        dialogs = ScriptedDialogs()
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
        window = MainWindow(design, file_path=file_path, origin=origin, catalog=catalog, dialogs=dialogs,
                            autosaves=Autosaves(tmp_path / "data"), recent=RecentFiles(tmp_path / "data"),
                            settings=settings)
        qtbot.addWidget(window)
        window.resize(*size)
        if show:
            window.show()
            qtbot.waitExposed(window)
            if panels_after_first_frame:
                qtbot.waitUntil(lambda: window._live is not None, timeout=30000)
        made.append(window)
        return window

    yield make
    for window in made:
        window.document.undo_stack.setClean()  # no save question at teardown
        window.analyzer.shutdown()
        if window._live is not None:
            window._live.shutdown()  # no simulation thread outlives its test


@pytest.fixture
def window(make_window, exapod):
    w = make_window(exapod)
    w.view.fit_all()
    QApplication.processEvents()
    return w


class Helpers:
    """Helpers the tests share (conftest modules cannot be imported with --import-mode=importlib)."""

    @staticmethod
    def snapshot(design) -> str:
        return snapshot(design)

    @staticmethod
    def drag_spec(window, spec_id, scene_point, *, drop=True, modifiers=Qt.NoModifier, enter_at=None):
        return drag_spec(window, spec_id, scene_point, drop=drop, modifiers=modifiers, enter_at=enter_at)

    @staticmethod
    def centre(window, path):
        return centre(window, path)

    @staticmethod
    def slot_centre(window, parent_path, slot):
        return slot_centre(window, parent_path, slot)

    @staticmethod
    def view_point(view, scene_point):
        return view_point(view, scene_point)


@pytest.fixture
def scripted_dialogs():
    return ScriptedDialogs()


@pytest.fixture
def h():
    return Helpers


def snapshot(design) -> str:
    """The design as its project file would say it: equal text means equal designs."""
    return dumps(design)


def view_point(view, scene_point: QPointF) -> QPoint:
    return view.mapFromScene(scene_point)


def drag_spec(window, spec_id: str, scene_point: QPointF, *, drop: bool = True, modifiers=Qt.NoModifier,
              enter_at: QPointF | None = None):
    """Drag a palette entry onto the canvas with drag-enter, drag-move and drop events.

    The mime data is what the palette's model gives a drag of that entry.  As a drag from the
    palette does, it enters the canvas somewhere that does not take the part: over ``enter_at``,
    by default over a placed part of the spec's level (a filled slot) or else the view's corner;
    then it moves to ``scene_point`` and drops there (with ``modifiers`` held).  Returns the
    (enter, move, drop) events so a test can see whether each was accepted.  (The real-window
    tests in tests/xwindow drag through Qt's own drag manager.)
    """
    mime = window.palette_panel.mime_for(spec_id)
    assert mime is not None, f"{spec_id} is not in the palette"
    view = window.view
    pos = view.mapFromScene(scene_point)
    if enter_at is None:
        level = spec_drag(mime).level
        placed = next((p.path for p in window.document.design.parts(level) if p.path), None)
        enter_pos = view.mapFromScene(window.scene.rect_of(placed).center()) if placed else QPoint(1, 1)
    else:
        enter_pos = view.mapFromScene(enter_at)
    target = view.viewport()
    enter = QDragEnterEvent(enter_pos, Qt.CopyAction, mime, Qt.LeftButton, modifiers)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted(), "the canvas takes every palette drag on enter (Qt sends it no more events otherwise)"
    move = QDragMoveEvent(pos, Qt.CopyAction, mime, Qt.LeftButton, modifiers)
    QApplication.sendEvent(target, move)
    drop_event = None
    if drop:
        drop_event = QDropEvent(QPointF(pos), Qt.CopyAction, mime, Qt.LeftButton, modifiers)
        QApplication.sendEvent(target, drop_event)
    return enter, move, drop_event


def centre(window, path) -> QPointF:
    return window.scene.rect_of(path).center()


def slot_centre(window, parent_path, slot) -> QPointF:
    return window.scene.layout.slot_scene_rect(parent_path, slot).center()
