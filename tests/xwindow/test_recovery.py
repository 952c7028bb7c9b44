"""Work survives a crash, and a broken file changes nothing, in a real window: the app started as a
double-click starts it (``dojo-gui FILE``), edited and killed with SIGKILL, started on the same file again;
every answer given through the X server."""

from __future__ import annotations

import os
import signal

import pytest

from dojo_gui.io.catalog import builtin_specs
from dojo_gui.io.project import load, save
from dojo_gui.model.templates import TEMPLATES

pytestmark = pytest.mark.slow

CABINET, TILE = "room.cabinet[0,0]", "room.cabinet[0,0].tile[0,0]"
CHIP, CHIP_PATH = "room.cabinet[0,0].tile[0,0].chip[2,2]", ((0, 0), (0, 0), (2, 2))


def project(tmp_path):
    path = tmp_path / "work.dojo"
    save(TEMPLATES["dojo-tile"].make(builtin_specs()), path)
    return path


def autosave_often(home) -> None:
    """The user's setting: an autosave every second (a minute by default), so the test need not wait."""
    folder = home / "xdg_config_home" / "dojo-gui"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dojo-gui.conf").write_text("[autosave]\ninterval_s=1\n")


def autosaves(home):
    return sorted((home / "xdg_data_home" / "dojo-gui" / "autosave").glob("*.dojo"))


def delete_the_chip(app, parts) -> None:
    """Enter the stand and its tile, select the chip, press Delete: all through the X server."""
    app.x.click(*app.probe.part(CABINET)["centre"], double=True)
    app.wait_until(lambda: app.probe.window()["focus"] == CABINET, what="entering the stand")
    app.x.click(*app.probe.part(TILE)["centre"], double=True)
    app.wait_until(lambda: app.probe.window()["focus"] == TILE, what="entering the tile")
    app.x.click(*app.probe.part(CHIP)["centre"])
    app.wait_until(lambda: app.probe.window()["selection"] == [CHIP], what="selecting the chip")
    app.x.key("Delete")
    app.wait_until(lambda: CHIP not in parts(app.probe.design()) and app.probe.window()["modified"],
                   what="the chip deleted")


def recovery_dialog(app):
    """The recovery question on screen (waits for it), as the probe sees it."""
    return app.wait_until(lambda: [d for d in app.probe.dialogs() if d["name"] == "recoveryDialog" and d["modal"]],
                          what="the recovery dialog", timeout=60)[0]


def click_button(app, name: str) -> None:
    button = app.wait_until(lambda: (b := app.probe.widget(name))["visible"] and b, what=f"the button {name}")
    app.x.click(*button["centre"])


def test_after_kill_9_starting_with_the_file_offers_the_work_and_recover_restores_it(launch, tmp_path, parts):
    path = project(tmp_path)
    home = tmp_path / "home"
    autosave_often(home)
    app = launch(str(path), home=home)
    delete_the_chip(app, parts)
    edited = app.probe.design()
    app.wait_until(lambda: any(load(a).find(CHIP_PATH) is None for a in autosaves(home)),
                   what="the autosave of the edit", timeout=20)
    os.kill(app.proc.pid, signal.SIGKILL)  # the crash: nothing of the app's own runs after this
    assert app.proc.wait(10) == -signal.SIGKILL
    crash, = autosaves(home)
    assert load(path).find(CHIP_PATH) is not None  # the file never had the edit

    # Started again on the file, as a double-click starts it: the work is offered; Later keeps it.
    again = launch(str(path), home=home, wait=False)
    dialog = recovery_dialog(again)
    assert [i for i in dialog["items"] if f"unsaved changes to {path.resolve()}, autosaved" in i]
    again.screenshot("recovery-offered")
    click_button(again, "laterButton")
    again.wait_until(lambda: not again.probe.dialogs(), what="the dialog to close")
    assert CHIP in parts(again.probe.design()) and not again.probe.window()["modified"]  # the file as it is
    assert again.quit() == 0
    assert autosaves(home) == [crash]  # quitting without choosing deleted nothing

    # Once more, and this time Recover: the edit is back, not yet saved; saving it settles the autosave.
    third = launch(str(path), home=home, wait=False)
    recovery_dialog(third)
    click_button(third, "recoverButton")
    third.wait_until(lambda: not third.probe.dialogs() and third.probe.window()["modified"],
                     what="the work recovered")
    assert third.probe.design() == edited
    assert third.probe.window()["file"] == str(path.resolve())
    third.screenshot("recovered")
    third.x.key("ctrl+s")
    third.wait_until(lambda: not third.probe.window()["modified"], what="the recovered work saved")
    assert load(path).find(CHIP_PATH) is None
    assert third.quit() == 0
    assert autosaves(home) == []  # saved: nothing left to recover


def press(app, text: str) -> None:
    """Click the button labelled ``text`` in the dialog on screen."""
    button = app.wait_until(lambda: [b for b in app.probe.widgets("QPushButton") if b["text"] == text],
                            what=f"a {text} button")[0]
    app.x.click(*button["centre"])


def test_a_broken_file_from_file_open_is_named_and_the_open_project_stays_as_it_was(launch, tmp_path, parts):
    path = project(tmp_path)
    broken = tmp_path / "broken.dojo"
    broken.write_text(path.read_text(encoding="utf-8").replace('"spec": "dojo-d1"', '"spec": "dojo-d9"', 1),
                      encoding="utf-8")
    app = launch(str(path))
    delete_the_chip(app, parts)  # unsaved work, which must survive the failed open
    before, window = app.probe.design(), app.probe.window()

    app.x.key("ctrl+o")
    app.wait_until(lambda: [d for d in app.probe.dialogs() if d["title"] == "Unsaved changes"],
                   what="the question to save the changes")
    press(app, "Discard")  # the user lets the changes go for the file they are about to open
    dialog = app.wait_until(lambda: [d for d in app.probe.dialogs() if d["cls"] == "QFileDialog"],
                            what="the Open dialog")[0]
    assert dialog["title"] == "Open project"
    app.wait_until(lambda: any(a.startswith("QFileDialog") for a in (app.probe.focus() or {}).get("ancestors", [])),
                   what="the dialog to have the keyboard focus")
    app.x.key("ctrl+a")
    app.x.type(str(broken))
    app.x.key("Return")

    error = app.wait_until(lambda: [d for d in app.probe.dialogs() if d["title"] == "Cannot open the project"],
                           what="the message naming the problem")[0]
    assert str(broken) in error["text"]
    assert "room.cabinets[0].tiles[0].chips[0].spec" in error["text"] and "'dojo-d9'" in error["text"]
    app.screenshot("broken-file-named")
    app.x.key("Return")
    app.wait_until(lambda: not app.probe.dialogs(), what="the message to close")
    assert app.probe.design() == before
    after = app.probe.window()
    assert (after["title"], after["file"], after["modified"], after["undo"]) == \
        (window["title"], window["file"], True, window["undo"])
    assert app.probe.status().startswith(f"Not opened: {broken}")
