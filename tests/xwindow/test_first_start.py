"""The window's first start on screens of several sizes: it fits, the canvas gets the room, no dock is cut off."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def area(rect) -> int:
    return rect["w"] * rect["h"]


def inside(inner, outer) -> bool:
    return (inner["x"] >= outer["x"] and inner["y"] >= outer["y"]
            and inner["x"] + inner["w"] <= outer["x"] + outer["w"]
            and inner["y"] + inner["h"] <= outer["y"] + outer["h"])


@pytest.mark.parametrize("xserver", [(1366, 768), (1920, 1080)], indirect=True, ids=["1366x768", "1920x1080"])
def test_the_first_window_fits_the_screen_and_gives_the_canvas_the_room(xserver, launch):
    app = launch("--example", "exapod")
    window = app.probe.window()
    available = window["screen"]["available"]
    assert available["h"] < xserver.height  # the window manager keeps a panel's strip free
    app.wait_until(lambda: inside(app.probe.window()["frame"], available),
                   what=f"the window's frame inside the available geometry {available}", timeout=10)
    window = app.probe.window()
    small = available["w"] < 1600 or available["h"] < 900
    assert window["maximized"] == small

    canvas = app.probe.widget("canvasView")
    docks = [d for d in app.probe.docks() if d["shown"]]
    assert {d["name"] for d in docks} >= {"paletteDock", "outlineDock", "inspectorDock", "findingsDock"}
    for dock in docks:
        assert inside(dock, window["geometry"]), f"{dock['title']} reaches outside the window"
        assert dock["cut_off"] == [], f"{dock['title']}: {dock['cut_off']}"
        assert area(canvas) > area(dock), f"{dock['title']} ({dock['w']}x{dock['h']}) is bigger than the canvas"
    findings = next(d for d in docks if d["name"] == "findingsDock")
    assert findings["h"] <= 0.2 * window["geometry"]["h"], "the findings panel takes more than a fifth of the height"
    assert canvas["w"] >= 0.45 * window["geometry"]["w"] and canvas["h"] >= 0.5 * window["geometry"]["h"]
    app.screenshot(f"first-start-{xserver.width}x{xserver.height}")

    # The inspector at its fullest: a chip's spec, every figure with its label, field and unit.
    cabinet = app.probe.part("room.cabinet[0,0]")["centre"]
    app.x.click(*cabinet, double=True)
    app.wait_until(lambda: app.probe.window()["focus"] == "room.cabinet[0,0]", what="entering C01")
    app.x.click(*app.probe.part("room.cabinet[0,0].tile[0,0]")["centre"], double=True)
    app.wait_until(lambda: app.probe.window()["focus"] == "room.cabinet[0,0].tile[0,0]", what="entering its tile")
    app.x.click(*app.probe.part("room.cabinet[0,0].tile[0,0].chip[1,1]")["centre"])
    app.wait_until(lambda: app.probe.window()["selection"] == ["room.cabinet[0,0].tile[0,0].chip[1,1]"],
                   what="selecting a chip")
    inspector = next(d for d in app.probe.docks() if d["name"] == "inspectorDock")
    assert inspector["cut_off"] == [], inspector["cut_off"]
    app.screenshot(f"first-start-{xserver.width}x{xserver.height}-chip")
