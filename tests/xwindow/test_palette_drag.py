"""Dragging specs from the palette onto the canvas in a real window, the mouse moved through the X server."""

from __future__ import annotations

import pytest

from dojo_gui.io.catalog import builtin_specs
from dojo_gui.io.project import save
from dojo_gui.model.templates import TEMPLATES

pytestmark = pytest.mark.slow

TILE = "room.cabinet[0,0].tile[0,0]"


def tile_with_a_hole(tmp_path, slot=(2, 2)):
    """The one-tile example with one chip slot empty, saved as a project file."""
    design = TEMPLATES["dojo-tile"].make(builtin_specs())
    tile = design.part(((0, 0), (0, 0)))
    design.remove(tile.children[slot].path)
    path = tmp_path / "tile.dojo"
    save(design, path)
    return path


def zoom_until_the_canvas_edge_is_over_a_chip(app, target):
    """Wheel up over ``target`` until the canvas's left edge, at the target's height, lies over a placed chip."""
    canvas = app.probe.widget("canvasView")
    edge = (canvas["x"] + 6, target[1])
    for _ in range(12):
        hit = app.probe.at(*edge)
        if hit["depth"] == 3:
            return edge, hit["path"]
        app.x.wheel(*target, 1)
        target = tuple(app.probe.slot(TILE, (2, 2))["centre"])
    raise AssertionError(f"the canvas's edge never came over a chip (last: {hit})")


def test_a_chip_dragged_from_the_palette_over_filled_slots_lands_in_the_empty_one(launch, tmp_path, parts):
    app = launch(str(tile_with_a_hole(tmp_path)))
    before = app.probe.design()
    assert f"{TILE}.chip[2,2]" not in parts(before)
    target = tuple(app.probe.slot(TILE, (2, 2))["centre"])
    edge, _over = zoom_until_the_canvas_edge_is_over_a_chip(app, target)
    target = tuple(app.probe.slot(TILE, (2, 2))["centre"])
    assert app.probe.design() == before  # zooming changes nothing

    row = app.probe.palette_row("dojo-d1")
    assert row["visible"]
    start = tuple(row["centre"])
    x = app.x
    x.move(*start)
    x.down()
    x.glide([(start[0] + 4, start[1]), (start[0] + 16, start[1])], step=2)
    # Into the canvas at the target's height: the first point inside is over a placed chip, which refuses.
    x.glide([(edge[0] - 30, edge[1]), (edge[0] + 2, edge[1])])
    app.wait_until(lambda: "taken by" in app.probe.status(), what="the refusal over the filled slot",
                   timeout=5)
    x.glide([target])
    x.glide([(target[0] + 1, target[1]), target], step=1)
    app.wait_until(lambda: app.probe.status().startswith("Drop to add Tesla D1"),
                   what="the status bar to offer the empty slot under the pointer", timeout=5)
    x.up()
    app.wait_until(lambda: parts(app.probe.design()).get(f"{TILE}.chip[2,2]") == "dojo-d1",
                   what="the D1 to land in the empty slot", timeout=5)
    assert "Added Tesla D1" in app.probe.status()

    x.key("ctrl+z")
    app.wait_until(lambda: app.probe.design() == before, what="undo to take the chip back", timeout=5)


def test_a_b200_over_a_d1_slot_is_refused_with_the_reason_and_its_release_changes_nothing(launch, tmp_path, parts):
    app = launch(str(tile_with_a_hole(tmp_path)))
    before = app.probe.design()
    undo = app.probe.window()["undo"]
    reason = "Cannot drop here: the Dojo training tile's slots take Tesla D1, not NVIDIA B200 (in GB200)"

    def refused_while_hovering():
        app.wait_until(lambda: app.probe.status() == reason, timeout=5,
                       what=f"the reason in the status bar (it says {app.probe.status()!r})")
        assert app.probe.window()["accepting"] == 0  # no slot lights up for it
        app.screenshot("b200-over-a-d1-slot")

    app.drag_spec("nvidia-b200-gb200", app.probe.slot(TILE, (2, 2))["centre"], before_release=refused_while_hovering)
    app.wait_until(lambda: app.probe.window()["interaction"] is None, what="the drag to end", timeout=5)
    assert app.probe.design() == before
    assert app.probe.window()["undo"] == undo
    assert app.probe.status() == reason  # still there after the release, for whoever missed it
