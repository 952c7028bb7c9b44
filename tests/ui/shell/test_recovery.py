"""Recovery after a crash, whatever the app was started with, and autosaves deleted only once the user chose.

The start is the app's own (:func:`dojo_gui.ui.shell.app.open_windows`, what ``dojo-gui FILE`` and a
double-click on a .dojo file run) with the user's data folder in the test's private place.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from PySide6.QtWidgets import QApplication

from dojo_gui.io.project import dumps, load, save
from dojo_gui.model.templates import TEMPLATES
from dojo_gui.ui.shell.files import Autosaves

CHIP = ((0, 0), (0, 0), (2, 2))


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    """The user's data folder (autosaves, recent files) for this test only."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    return tmp_path / "xdg-data" / "dojo-gui"


@pytest.fixture
def start(qtbot, scripted_dialogs, data_home):
    """``start(files)``: the app's start on ``files``, its questions answered by ``scripted_dialogs``; returns the
    windows once the start's questions (recovery) were asked."""
    from dojo_gui.ui.shell.app import open_windows

    started = []

    def run(files):
        windows = open_windows([str(f) for f in files], "dojo-tile" if not files else None, dialogs=scripted_dialogs)
        for window in windows:
            qtbot.addWidget(window)
        started.extend(windows)
        QApplication.processEvents()  # the start's questions come right after the windows show
        return windows

    yield run
    for window in started:
        window.document.undo_stack.setClean()
        window.analyzer.shutdown()
        if window._live is not None:
            window._live.shutdown()


def project_with_a_crash(tmp_path, catalog, data_home, *, name="work.dojo"):
    """A saved project and the autosave a crash left of it: the file without CHIP, renamed.  Returns
    (file, the autosaved design's text)."""
    path = tmp_path / name
    save(TEMPLATES["dojo-cabinet"].make(catalog), path)
    edited = load(path)
    edited.remove(CHIP)
    edited.rename(((0, 0), (0, 1)), "Renamed before the crash")
    Autosaves(data_home).write(Autosaves.key_for(path), edited, path)
    past = time.time() - 120
    os.utime(path, (past, past))  # the file was saved before the autosave was written
    return path, dumps(edited)


def test_starting_with_the_file_offers_its_own_autosave_and_recovers_it(start, scripted_dialogs, tmp_path, catalog,
                                                                       data_home):
    path, work = project_with_a_crash(tmp_path, catalog, data_home)
    candidate, = Autosaves(data_home).recoverable()
    scripted_dialogs.answers["ask_recover"] = [("recover", candidate)]
    window, = start([path])
    (offered,), = scripted_dialogs.questions("ask_recover")
    assert [a.original for a in offered] == [path.resolve()]
    assert dumps(window.document.design) == work
    assert window.document.file_path == path.resolve() and window.isWindowModified()
    assert window.files.save()
    assert dumps(load(path)) == work
    assert Autosaves(data_home).all() == []  # saved: its autosave went with it


def test_quitting_without_choosing_keeps_the_autosave_and_editing_never_overwrites_it(
        start, scripted_dialogs, tmp_path, catalog, data_home):
    path, work = project_with_a_crash(tmp_path, catalog, data_home)
    crash, = Autosaves(data_home).all()
    scripted_dialogs.answers["ask_recover"] = [("later", None)]
    window, = start([path])
    assert scripted_dialogs.questions("ask_recover")
    assert dumps(window.document.design) != work  # the file as it is on disk
    # Edited and autosaved again: a copy of its own, beside the crash's.
    window.document.rename(((0, 0), (0, 2)), "This session")
    mine = window.autosave.save_now()
    assert mine is not None and mine != crash.copy
    assert crash.copy.read_text(encoding="utf-8") == work
    scripted_dialogs.answers["ask_save_changes"] = ["discard"]
    assert window.close()
    assert not mine.exists()  # the user said to discard this session's changes
    assert Autosaves(data_home).recoverable() == [crash]  # never chosen on: still there, still offered

    scripted_dialogs.answers["ask_recover"] = [("later", None)]
    again, = start([path])
    assert [a.key for a in scripted_dialogs.questions("ask_recover")[-1][0]] == [crash.key]
    assert again.close()
    scripted_dialogs.answers["ask_recover"] = [("discard", None)]
    start([path])  # now the user discards it
    assert Autosaves(data_home).all() == []


@pytest.mark.slow  # three starts of the app: ~3 s
def test_any_start_offers_every_autosave_newer_than_its_file(start, scripted_dialogs, tmp_path, catalog, data_home):
    first, _ = project_with_a_crash(tmp_path, catalog, data_home, name="first.dojo")
    second, _ = project_with_a_crash(tmp_path, catalog, data_home, name="second.dojo")
    for files in ([], [first], [second], [first, second]):
        scripted_dialogs.asked.clear()
        windows = start(files)
        (offered,), = scripted_dialogs.questions("ask_recover")
        assert {a.original for a in offered} == {first.resolve(), second.resolve()}, files
        for window in windows:
            assert window.close()
    assert len(Autosaves(data_home).all()) == 2


def test_opening_the_file_offers_its_autosave(make_window, tmp_path, catalog, data_home):
    path, work = project_with_a_crash(tmp_path, catalog, tmp_path / "data")  # make_window's data folder
    Autosaves(tmp_path / "data").write(Autosaves.key_for(None), TEMPLATES["dojo-tile"].make(catalog), None)
    window = make_window(None)
    window.dialogs.answers["ask_recover"] = [("later", None)]
    assert window.files.open_path(path)
    (offered,), = window.dialogs.questions("ask_recover")
    assert [a.original for a in offered] == [path.resolve()]  # not the untitled one: that is for the next start
    assert window.files.open_path(path)
    candidate = window.dialogs.questions("ask_recover")[-1][0][0]
    window.dialogs.answers["ask_recover"] = [("recover", candidate)]
    assert window.files.open_path(path)
    assert dumps(window.document.design) == work and window.isWindowModified()


def test_an_unreadable_autosave_is_named_kept_aside_and_changes_nothing(start, scripted_dialogs, tmp_path, catalog,
                                                                        data_home):
    path, _ = project_with_a_crash(tmp_path, catalog, data_home)
    crash, = Autosaves(data_home).all()
    broken_text = crash.copy.read_text(encoding="utf-8").replace('"spec": "dojo-d1"', '"spec": "dojo-d9"', 1)
    crash.copy.write_text(broken_text, encoding="utf-8")
    scripted_dialogs.answers["ask_recover"] = [("recover", crash)]
    window, = start([path])
    (title, message), = scripted_dialogs.questions("show_error")
    assert title == "Cannot recover"
    assert "unknown chip spec 'dojo-d9'" in message and ".chips[0].spec" in message  # the place in the file
    kept = data_home / "autosave" / "unreadable" / crash.copy.name
    assert str(kept) in message and kept.read_text(encoding="utf-8") == broken_text  # nothing lost
    assert dumps(window.document.design) == dumps(load(path)) and not window.isWindowModified()
    assert window.document.file_path == path
    assert Autosaves(data_home).all() == []  # set aside: not offered at every start


@pytest.mark.parametrize("note", ['{"original": "/a\\u0000b", "saved_at": 1e400, "name": 5}', "[1, 2]", "{nope",
                                  '{"original": 7, "saved_at": "soon"}'])
def test_an_autosave_with_a_damaged_note_is_still_offered(start, scripted_dialogs, tmp_path, catalog, data_home,
                                                          note):
    project_with_a_crash(tmp_path, catalog, data_home)
    crash, = Autosaves(data_home).all()
    crash.copy.with_suffix(".json").write_text(note, encoding="utf-8")
    scripted_dialogs.answers["ask_recover"] = [("later", None)]
    start([])
    (offered,), = scripted_dialogs.questions("ask_recover")
    assert [a.copy for a in offered] == [crash.copy] and offered[0].original is None
    assert "an untitled project" in offered[0].describe()


def test_the_start_clears_temporary_files_interrupted_saves_left(start, tmp_path, catalog, data_home):
    path = tmp_path / "work.dojo"
    save(TEMPLATES["dojo-tile"].make(catalog), path)
    (data_home / "autosave").mkdir(parents=True)
    gone_pid = 2**22 + 12345  # above Linux's pid_max: no process has it
    left = [tmp_path / f".work.dojo.{gone_pid}-0123abcd.dojo-tmp",
            data_home / "autosave" / f".file-x.dojo.{gone_pid}-89abcdef.dojo-tmp"]
    mine = tmp_path / f".other.dojo.{os.getpid()}-00000000.dojo-tmp"  # a save of this process, in progress
    for file in [*left, mine]:
        file.write_bytes(b"{ half a project")
    start([path])
    assert not any(f.exists() for f in left) and mine.exists()


# --------------------------------------------------------------------------- a real crash
EDIT_THEN_WAIT = textwrap.dedent("""
    import sys
    from dojo_gui.ui.shell.app import application, open_windows

    app = application()
    window, = open_windows([sys.argv[1]], None)
    window.document.remove([((0, 0), (0, 0), (2, 2))])
    window.document.rename(((0, 0), (0, 1)), "Renamed before the crash")
    print("autosaved", window.autosave.save_now(), flush=True)
    app.exec()
""")

START_AND_RECOVER = textwrap.dedent("""
    import json, sys
    from PySide6.QtCore import QTimer
    from dojo_gui.io.project import dumps
    from dojo_gui.ui.shell.app import application, open_windows
    from dojo_gui.ui.shell.dialogs import WindowDialogs

    offered = []

    class Recover(WindowDialogs):
        def ask_recover(self, parent, autosaves):
            offered.extend(str(a.original) for a in autosaves)
            return "recover", autosaves[0]

    app = application()
    window, = open_windows([sys.argv[1]], None, dialogs=Recover())

    def report():
        print(json.dumps({"offered": offered, "design": dumps(window.document.design),
                          "file": str(window.document.file_path), "modified": window.document.modified}))
        window.document.undo_stack.setClean()
        app.quit()

    QTimer.singleShot(0, report)
    app.exec()
""")


@pytest.mark.slow  # a child process killed and a second start: ~3 s
def test_after_kill_9_starting_with_the_file_again_offers_and_restores_the_edit(tmp_path, catalog):
    path = tmp_path / "work.dojo"
    save(TEMPLATES["dojo-cabinet"].make(catalog), path)
    past = time.time() - 120
    os.utime(path, (past, past))
    expected = load(path)
    expected.remove(CHIP)
    expected.rename(((0, 0), (0, 1)), "Renamed before the crash")
    env = {"QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c"),
           "XDG_DATA_HOME": str(tmp_path / "d"), "XDG_CACHE_HOME": str(tmp_path / "k"), "PATH": "/usr/bin:/bin",
           "PYTHONPATH": ":".join(sys.path)}
    first = subprocess.Popen([sys.executable, "-c", EDIT_THEN_WAIT, str(path)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        line = first.stdout.readline()
        assert line.startswith("autosaved /"), first.stderr.read()[-2000:] if first.poll() is not None else line
    finally:
        first.send_signal(signal.SIGKILL)  # the crash: nothing of the app's own runs after this
        first.wait(30)
        first.stdout.close()
        first.stderr.close()
    assert first.returncode == -signal.SIGKILL
    second = subprocess.run([sys.executable, "-c", START_AND_RECOVER, str(path)], env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert second.returncode == 0, second.stderr[-2000:]
    answer = json.loads(second.stdout.strip().splitlines()[-1])
    assert answer["offered"] == [str(path.resolve())]
    assert answer["design"] == dumps(expected)
    assert answer["file"] == str(path.resolve()) and answer["modified"]
