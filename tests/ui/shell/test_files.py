"""Files: save and reopen, the modified marker, broken files, the save prompt, recent files, autosave and recovery."""

import os
import time

from PySide6.QtWidgets import QApplication

from dojo_gui.io.catalog import example_path
from dojo_gui.io.project import load, save

CHIP = ((0, 0), (0, 0), (2, 2))


def title_shows_modified(window) -> bool:
    """What the title bar shows: Qt replaces '[*]' with '*' when the window is modified."""
    return window.isWindowModified() and "[*]" in window.windowTitle()


def test_save_and_reopen_give_the_same_design(window, make_window, tmp_path, h):
    window.document.remove([CHIP])
    window.document.rename(((0, 1),), "Spare")
    target = tmp_path / "variant.dojo"
    window.dialogs.answers["save_file"] = [str(target)]
    window.actions_by_name["save"].trigger()  # untitled: Save asks where
    assert window.dialogs.questions("save_file")
    assert target.is_file()
    assert window.document.file_path == target and not window.isWindowModified()
    assert "variant.dojo" in window.windowTitle()

    other = make_window(None)
    assert other.files.open_path(target)
    assert h.snapshot(other.document.design) == h.snapshot(window.document.design)
    assert other.document.design.find(CHIP) is None and other.document.design.part(((0, 1),)).name == "Spare"
    assert window.files.recent.paths()[0] == target.resolve()


def test_the_modified_marker_follows_the_undo_stack(window, tmp_path):
    assert not title_shows_modified(window)
    window.document.remove([CHIP])
    assert title_shows_modified(window)
    window.actions_by_name["undo"].trigger()
    assert not title_shows_modified(window)
    window.actions_by_name["redo"].trigger()
    assert title_shows_modified(window)
    window.dialogs.answers["save_file"] = [str(tmp_path / "x.dojo")]
    assert window.files.save()
    assert not title_shows_modified(window)
    window.actions_by_name["undo"].trigger()  # back past the saved state: modified again
    assert title_shows_modified(window)


def test_a_broken_file_is_reported_precisely_and_changes_nothing(window, tmp_path, h):
    window.document.remove([CHIP])
    before = h.snapshot(window.document.design)
    depth, title = window.document.undo_stack.count(), window.windowTitle()
    broken = tmp_path / "broken.dojo"
    text = example_path("exapod").read_text()
    broken.write_text(text.replace('"spec": "dojo-cabinet"', '"spec": "dojo-cabinett"', 1))
    assert not window.files.open_path(broken)
    (title_, message), = window.dialogs.questions("show_error")
    assert "room.cabinets[0].spec" in message and "dojo-cabinett" in message
    assert h.snapshot(window.document.design) == before
    assert window.document.undo_stack.count() == depth and window.windowTitle() == title
    assert window.document.file_path is None and window.isWindowModified()

    (tmp_path / "not-json.dojo").write_text("{ nope")
    assert not window.files.open_path(tmp_path / "not-json.dojo")
    assert "not valid JSON" in window.dialogs.questions("show_error")[-1][1]
    assert h.snapshot(window.document.design) == before


def test_closing_with_unsaved_changes_asks_first(window):
    window.document.remove([CHIP])
    window.dialogs.answers["ask_save_changes"] = ["cancel"]
    assert not window.close()
    assert window.isVisible() and window.dialogs.questions("ask_save_changes")
    window.dialogs.answers["ask_save_changes"] = ["discard"]
    assert window.close()


def test_the_example_opens_untitled_and_never_writes_into_the_package(make_window, tmp_path):
    original = example_path("exapod").read_bytes()
    window = make_window(None)
    assert window.document.file_path is None
    assert "Untitled" in window.windowTitle()
    window.document.remove([CHIP])
    window.dialogs.answers["save_file"] = [str(example_path("exapod"))]  # a user picking the package's own file
    assert not window.files.save()
    assert "own resources" in window.dialogs.questions("show_error")[-1][1]
    assert example_path("exapod").read_bytes() == original
    assert window.isWindowModified()


def test_new_from_template_and_revert(window, tmp_path, h):
    path = tmp_path / "saved.dojo"
    window.dialogs.answers["save_file"] = [str(path)]
    window.files.save()
    saved = h.snapshot(window.document.design)
    window.document.remove([((0, 0),)])
    window.dialogs.answers["confirm"] = [True]
    window.actions_by_name["revert"].trigger()
    assert h.snapshot(window.document.design) == saved and not window.isWindowModified()
    window.files.new_from_template("dojo-tile")
    assert window.document.file_path is None
    assert sum(1 for p in window.document.design.parts("chip")) == 25


def test_autosave_is_offered_for_recovery_and_brings_the_work_back(window, make_window, tmp_path, h):
    path = tmp_path / "work.dojo"
    window.dialogs.answers["save_file"] = [str(path)]
    window.files.save()
    saved_mtime = path.stat().st_mtime
    window.document.remove([CHIP])
    window.document.rename(((0, 2),), "Renamed before the crash")
    autosave = window.autosave.save_now()
    assert autosave is not None and autosave.is_file()
    os.utime(path, (saved_mtime - 60, saved_mtime - 60))  # the file is older than its autosave
    work = h.snapshot(window.document.design)
    window.autosave.timer.stop()  # the "crash": this window never closes cleanly

    fresh = make_window(None)
    candidates = fresh.autosave.store.recoverable()
    assert [c.original for c in candidates] == [path.resolve()]
    fresh.dialogs.answers["ask_recover"] = [("recover", candidates[0])]
    fresh.autosave.offer_recovery()
    assert h.snapshot(fresh.document.design) == work
    assert fresh.document.file_path == path.resolve()
    assert fresh.isWindowModified()  # recovered work is not in the file until saved
    assert fresh.files.save()
    assert load(path).find(CHIP) is None
    assert fresh.autosave.store.recoverable() == []  # saved: nothing left to recover


def test_an_autosave_older_than_its_file_is_not_offered(window, tmp_path):
    path = tmp_path / "work.dojo"
    window.dialogs.answers["save_file"] = [str(path)]
    window.files.save()
    window.document.remove([CHIP])
    window.autosave.save_now()
    time.sleep(0.01)
    save(load(path), path)  # the file was saved again elsewhere since
    later = time.time() + 5
    os.utime(path, (later, later))
    assert window.autosave.store.recoverable(exclude=set()) == []


def test_window_layout_is_remembered(make_window):
    first = make_window(None)
    first.docks["findings"].hide()
    first.resize(1100, 700)
    first.save_settings()
    QApplication.processEvents()
    second = make_window(None)
    assert not second.docks["findings"].isVisible()


def test_new_asks_for_a_room_and_opens_it_empty(window, h):
    dialogs = window.dialogs
    before = h.snapshot(window.document.design)
    dialogs.answers["ask_room"] = [None]  # cancelled: nothing changes
    window.actions_by_name["new"].trigger()
    assert h.snapshot(window.document.design) == before
    asked = dialogs.questions("ask_room")[0][0]
    assert {"lab-1x1", "dojo-exapod-room", "data-hall-switched"} <= set(asked)

    dialogs.answers["ask_room"] = ["dojo-exapod-room"]
    window.actions_by_name["new"].trigger()
    design = window.document.design
    assert design.room.spec_id == "dojo-exapod-room" and design.room.children == {}
    assert list(design.parts()) == [design.room]
    assert {"dojo-exapod-room", "dojo-cabinet", "dojo-training-tile", "dojo-d1"} <= set(design.specs)
    assert window.document.file_path is None and not window.document.modified
    assert "new in an empty ExaPOD hall" in window.windowTitle()
    assert "An empty ExaPOD hall" in window.statusBar().currentMessage()
    # Templates stay where they were.
    assert [a.objectName() for a in window.template_menu.actions()][:1] == ["template-dojo-tile"]
