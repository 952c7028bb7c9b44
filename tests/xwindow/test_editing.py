"""Building and changing a design in a real window: tiles and cabinets from the palette, moving parts between
containers, undo, saving and reopening in a new process.  All input goes through the X server."""

from __future__ import annotations

import time

import pytest

from dojo_gui.io.catalog import builtin_specs
from dojo_gui.io.project import save
from dojo_gui.model.templates import grid_design

pytestmark = pytest.mark.slow

C01, C02, FREE = "room.cabinet[0,0]", "room.cabinet[0,1]", "room.cabinet[0,2]"


def three_positions(tmp_path):
    """Two Dojo cabinets on a floor of three positions: the third free, C02 with one empty tile slot."""
    design = grid_design(builtin_specs(), "dojo-d1", (5, 5), (2, 6), (1, 3), name="Three positions")
    design.remove(((0, 2),))
    design.remove(((0, 1), (1, 0)))
    path = tmp_path / "three.dojo"
    save(design, path)
    return path


def counts(parts, prefix):
    """How many tiles and chips the design holds under ``prefix``."""
    under = [p for p in parts if p.startswith(prefix + ".")]
    return sum(".tile[" in p and ".chip[" not in p for p in under), sum(".chip[" in p for p in under)


def test_a_tile_from_the_palette_arrives_empty_or_with_shift_filled_and_undo_takes_it_back(launch, tmp_path, parts):
    app = launch(str(three_positions(tmp_path)))
    before = app.probe.design()
    slot = app.probe.slot(C02, (1, 0))
    assert slot["w"] >= 12, "the empty tile slot is too small on screen to aim at"
    over_c01 = app.probe.part(f"{C01}.tile[0,0]")["centre"]  # on the way: a filled tile slot of C01
    tile_spec = parts(before)[f"{C01}.tile[0,0]"]

    def says(start):
        return lambda: app.wait_until(lambda: app.probe.status().startswith(start), timeout=5,
                                      what=f"the status bar to say {start!r} (it says {app.probe.status()!r})")

    app.drag_spec(tile_spec, slot["centre"], via=[over_c01],
                  before_release=says(f"Drop to add Dojo training tile (empty) at {C02}.tile[1,0] · hold Shift"))
    app.wait_until(lambda: f"{C02}.tile[1,0]" in parts(app.probe.design()), what="the tile to land", timeout=5)
    assert counts(parts(app.probe.design()), f"{C02}.tile[1,0]") == (0, 0)
    app.x.key("ctrl+z")
    app.wait_until(lambda: app.probe.design() == before, what="undo to take the empty tile back", timeout=5)

    app.drag_spec(tile_spec, slot["centre"], via=[over_c01], hold=["shift"],
                  before_release=says("Drop to add Dojo training tile (with 25 chips) at"))
    app.wait_until(lambda: counts(parts(app.probe.design()), f"{C02}.tile[1,0]") == (0, 25),
                   what="the tile to land with its 25 chips", timeout=5)
    app.x.key("ctrl+z")
    app.wait_until(lambda: app.probe.design() == before, what="undo to take the filled tile back", timeout=5)


def test_a_cabinet_onto_the_free_floor_then_save_as_quit_and_reopen(launch, tmp_path, parts):
    app = launch(str(three_positions(tmp_path)))
    cabinet_spec = parts(app.probe.design())[C01]
    # The palette's toggle: containers dropped from it come filled.
    app.x.click(*app.probe.widget("paletteFillToggle")["centre"])
    app.wait_until(lambda: app.probe.widget("paletteFillToggle")["value"] is True, what="the toggle on")
    floor = app.probe.slot("room", (0, 2))
    app.drag_spec(cabinet_spec, floor["centre"], via=[app.probe.part(C02)["centre"]],
                  before_release=lambda: app.wait_until(
                      lambda: "(with 12 tiles, 300 chips)" in app.probe.status(), timeout=5,
                      what="the status bar to say the cabinet comes filled"))
    app.wait_until(lambda: counts(parts(app.probe.design()), FREE) == (12, 300), what="a filled cabinet", timeout=5)
    assert app.probe.window()["modified"]

    # A tooltip on the new cabinet names it, its spec and its budgets.
    app.x.move(*app.probe.part(FREE)["centre"])
    app.x.move(app.probe.part(FREE)["centre"][0] + 3, app.probe.part(FREE)["centre"][1])
    tip = app.wait_until(app.probe.tooltip, what="a tooltip on the cabinet", timeout=5)
    assert "C03" in tip and "Dojo cabinet" in tip and "Power:" in tip

    target = tmp_path / "saved elsewhere.dojo"
    app.x.key("ctrl+shift+s")
    dialog = app.wait_until(lambda: [d for d in app.probe.dialogs() if d["modal"]], what="the Save As dialog")[0]
    assert dialog["cls"] == "QFileDialog"
    app.wait_until(lambda: any(a.startswith("QFileDialog") for a in (app.probe.focus() or {}).get("ancestors", [])),
                   what="the dialog to have the keyboard focus")
    app.x.key("ctrl+a")
    app.x.type(str(target))
    app.x.key("Return")
    app.wait_until(lambda: target.exists() and not app.probe.window()["modified"], what="the file saved")
    assert app.probe.window()["file"] == str(target)
    saved = parts(app.probe.design())
    assert app.quit() == 0

    again = launch(str(target))
    assert parts(again.probe.design()) == saved
    assert counts(saved, FREE) == (12, 300)
    assert "saved elsewhere.dojo" in again.probe.window()["title"]


def test_selected_tiles_dragged_into_the_next_cabinet_move_with_their_chips_and_undo_brings_them_back(
        launch, tmp_path, parts):
    app = launch(str(three_positions(tmp_path)))
    before = app.probe.design()
    # Enter C01, then zoom out until C02's empty slot is in view beside it.
    app.x.click(*app.probe.part(C01)["centre"], double=True)
    app.wait_until(lambda: app.probe.window()["focus"] == C01, what="entering C01")
    for _ in range(8):
        slot = app.probe.slot(C02, (1, 0))
        if slot["visible"] and slot["w"] >= 12:
            break
        app.x.wheel(*app.probe.part(C01)["centre"], -1)
    moving = f"{C01}.tile[1,5]"
    app.x.click(*app.probe.part(moving)["centre"])
    app.wait_until(lambda: app.probe.window()["selection"] == [moving], what="the tile selected")
    time.sleep(0.6)  # a press sooner after the click would be a double-click (which enters the tile)

    start, slot = app.probe.part(moving)["centre"], app.probe.slot(C02, (1, 0))
    app.x.move(*start)
    app.x.down()
    app.x.glide([(start[0] + 10, start[1])], step=2)
    app.x.glide([slot["centre"]])
    app.wait_until(lambda: app.probe.status() == f"Move 1 part into {C02}", what="the move offered", timeout=5)
    app.x.up()
    app.wait_until(lambda: counts(parts(app.probe.design()), f"{C02}.tile[1,0]") == (0, 25),
                   what="the tile to move into C02 with its chips", timeout=5)
    assert moving not in parts(app.probe.design())
    assert app.probe.window()["selection"] == [f"{C02}.tile[1,0]"]

    app.x.key("ctrl+z")
    app.wait_until(lambda: app.probe.design() == before, what="undo to bring the tile back", timeout=5)
