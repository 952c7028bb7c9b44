"""Broken project files opened through File > Open in a real window: one cut short (truncated JSON), one with a
negative TDP deep in its specs.  Each is named with what is wrong and where; the app keeps running with the good
project open as it was, and neither file changes on disk.  All input goes through the X server."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

TILE = "room.cabinet[0,0].tile[0,0]"


def menu_item(app, text):
    return app.wait_until(lambda: app.probe.menu_item(text), what=f"the menu item {text!r}", timeout=5)


def open_through_the_dialog(app, path, shot: str) -> None:
    """The Open dialog on screen (waits for it): the path typed into it (a screenshot ``shot`` then), Enter."""
    dialog = app.wait_until(lambda: [d for d in app.probe.dialogs() if d["cls"] == "QFileDialog"],
                            what="the Open dialog")[0]
    assert dialog["title"] == "Open project"
    assert dialog["folder"] == str(path.parent)  # it starts in the open project's folder
    app.wait_until(lambda: any(a.startswith("QFileDialog") for a in (app.probe.focus() or {}).get("ancestors", [])),
                   what="the dialog to have the keyboard focus")
    app.x.key("ctrl+a")
    app.x.type(str(path))
    app.screenshot(shot)
    app.x.key("Return")


def the_error(app):
    """The message on screen (waits until it is drawn)."""
    return app.wait_until(lambda: [d for d in app.probe.dialogs() if d["title"] == "Cannot open the project"
                                   and d["active"]], what="the message naming the problem")[0]


def on_screen(box, screen) -> bool:
    return box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["w"] <= screen["w"] and box["y"] + box["h"] <= screen["h"]


def test_broken_files_from_file_open_are_named_and_change_nothing(launch, tmp_path, parts, template_file):
    folder = tmp_path / "projects"
    folder.mkdir()
    good = template_file(folder / "good.dojo", "dojo-tile")
    text = good.read_text(encoding="utf-8")
    truncated = folder / "cut-short.dojo"
    end = text.index('"name": "', text.index('"room"')) + len('"name": "') + 3  # cut short in the room's name
    truncated.write_text(text[:end], encoding="utf-8")
    negative = folder / "negative-tdp.dojo"
    assert text.count('"tdp_w": 400.0') == 1  # the D1's spec: the one TDP in the file
    negative.write_text(text.replace('"tdp_w": 400.0', '"tdp_w": -400.0'), encoding="utf-8")
    originals = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (good, truncated, negative)}

    app = launch(str(good))
    probe, x = app.probe, app.x
    before, window, tile = probe.design(), probe.window(), probe.part(TILE)
    screen = window["screen"]["geometry"]
    app.screenshot("1-good-project-open")

    # The file cut short, through the menu: File, then Open…
    file_menu = next(m for m in probe.q("menubar") if m["text"] == "File")
    x.click(*file_menu["centre"])
    item = menu_item(app, "Open…")
    app.screenshot("2-file-menu")
    x.click(*item["centre"])
    open_through_the_dialog(app, truncated, "3-truncated-typed")
    error = the_error(app)
    app.screenshot("4-truncated-named")
    assert error["modal"] and on_screen(error, screen)
    # The file, the line where the JSON stops making sense (its last), and what is wrong there.
    last_line = text[:end].count("\n") + 1
    assert error["text"].startswith(f"{truncated}: line {last_line}: not valid JSON: a string starting at column ")
    assert error["text"].endswith("(was it cut short?)")
    assert probe.ping()["windows"] == 1 and probe.design() == before  # behind the message: as it was
    x.key("Return")
    app.wait_until(lambda: not probe.dialogs(), what="the message to close")
    assert probe.status().startswith(f"Not opened: {truncated}")

    # The negative TDP, through Ctrl+O.
    x.key("ctrl+o")
    open_through_the_dialog(app, negative, "5-negative-typed")
    error = the_error(app)
    app.screenshot("6-negative-tdp-named")
    assert on_screen(error, screen)
    assert error["text"] == (f"{negative}: specs[0].tdp_w: a power cannot be negative, got -400.0 "
                             "(in the spec 'dojo-d1')")
    x.key("Return")
    app.wait_until(lambda: not probe.dialogs(), what="the message to close")
    app.screenshot("7-good-project-still-open")

    # The good project still open, unchanged, drawn where it was; the app still answers the keyboard.
    assert app.proc.poll() is None
    assert probe.design() == before
    after = probe.window()
    assert (after["title"], after["file"], after["modified"], after["undo"]) == \
        (window["title"], window["file"], False, window["undo"])
    assert probe.part(TILE) == tile
    assert TILE in parts(probe.design())
    for path, (data, mtime) in originals.items():  # nothing written over any of them
        assert (path.read_bytes(), path.stat().st_mtime_ns) == (data, mtime), path
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in originals)
    assert app.quit() == 0  # a clean quit: nothing unsaved to ask about
    assert good.read_bytes() == originals[good][0]
