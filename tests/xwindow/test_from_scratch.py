"""A design from scratch in a real window: File > New, an empty room, a tile built in it part by part."""

from __future__ import annotations

import json

import pytest

from dojo_gui.io.project import loads
from dojo_gui.model.rules import check

pytestmark = pytest.mark.slow

STAND, TILE = "room.cabinet[0,0]", "room.cabinet[0,0].tile[0,0]"


def test_file_new_opens_an_empty_room_where_a_tile_is_built_chip_by_chip(launch, parts):
    app = launch()  # as a user starts it: the ExaPOD example
    app.x.key("ctrl+n")
    dialog = app.wait_until(lambda: [d for d in app.probe.dialogs() if d["modal"]], what="the New dialog")[0]
    assert dialog["title"] == "New design" and "empty room" in dialog["text"]
    app.wait_until(lambda: (app.probe.focus() or {}).get("name") == "roomList", what="the room list to have the focus")
    app.x.type("Single")  # the list finds the room by its name as it is typed
    app.x.key("Return")
    app.wait_until(lambda: app.probe.design()["room"]["spec"] == "lab-1x1", what="the new design's room")
    assert parts(app.probe.design()) == {}
    assert not [d for d in app.probe.dialogs() if d["modal"]]
    assert all(d["cut_off"] == [] for d in app.probe.docks()), "a dock is cut off"

    app.drag_spec("dojo-tile-stand", app.probe.slot("room", (0, 0))["centre"])
    app.wait_until(lambda: parts(app.probe.design()) == {STAND: "dojo-tile-stand"}, what="an empty stand", timeout=5)
    app.drag_spec("dojo-training-tile", app.probe.slot(STAND, (0, 0))["centre"])
    app.wait_until(lambda: parts(app.probe.design()).get(TILE) == "dojo-training-tile", what="an empty tile",
                   timeout=5)
    app.drag_spec("dojo-d1", app.probe.slot(TILE, (2, 2))["centre"])
    app.wait_until(lambda: len(parts(app.probe.design())) == 3, what="the first chip", timeout=5)
    assert parts(app.probe.design())[f"{TILE}.chip[2,2]"] == "dojo-d1"

    # The rest at once: into the stand, then the tile's context menu, Fill Empty Slots With > Tesla D1.
    app.x.click(*app.probe.part(STAND)["centre"], double=True)
    app.wait_until(lambda: app.probe.window()["focus"] == STAND, what="entering the stand")
    app.x.click(*app.probe.part(TILE)["centre"], button=3)
    fill = app.wait_until(lambda: app.probe.menu_item("Fill Empty Slots With"), what="the context menu")
    app.x.click(*fill["centre"])
    item = app.wait_until(lambda: app.probe.menu_item("Tesla D1"), what="the fill menu")
    assert item["text"].endswith("(24 slots)")
    app.x.click(*item["centre"])
    app.wait_until(lambda: len(parts(app.probe.design())) == 2 + 25, what="the tile filled", timeout=5)
    assert app.probe.status() == f"Filled 24 empty slots of {TILE}"

    design = loads(json.dumps(app.probe.design()))
    assert [f for f in check(design) if f.severity == "error"] == []
    app.screenshot("a-tile-built-from-an-empty-room")

    app.x.key("ctrl+z")
    app.wait_until(lambda: len(parts(app.probe.design())) == 3, what="undo to take the fill back", timeout=5)
