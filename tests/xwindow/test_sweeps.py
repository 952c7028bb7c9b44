"""A sweep in a real window, every gesture through the X server: vary a figure from the inspector's context menu,
run the sweep, click a point of the plot to open that variant in a window of its own."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.slow


def scroll_into_view(app, name: str, over: str) -> dict:
    """Wheel over what shows of widget ``over`` until widget ``name`` shows whole."""
    for _ in range(40):
        widget = app.probe.widget(name)
        if widget["shown"] and widget["shown"]["h"] == widget["h"]:
            return widget
        app.x.wheel(*app.probe.widget(over)["shown"]["centre"], -1)
    raise AssertionError(f"{name} never came into view in {over}")


def test_vary_a_figure_run_a_sweep_and_open_a_variant(launch, tmp_path, template_file):
    app = launch(str(template_file(tmp_path / "cabinet.dojo", "dojo-cabinet")))
    p, x = app.probe, app.x

    # The D1's figures in the inspector: pick it in the palette.
    x.click(*p.palette_row("dojo-d1")["centre"])
    app.wait_until(lambda: p.widget("figure-tdp_w")["visible"], what="the D1's figures in the inspector")
    tdp = scroll_into_view(app, "figure-tdp_w", "inspectorBody")
    assert tdp["value"] == "400 W"

    # Right-click the figure: its menu has "Vary this figure…".
    x.click(*tdp["centre"], button=3)
    menu = app.wait_until(p.popup, what="the figure's context menu")
    vary = next(a for a in menu["actions"] if a["name"] == "varyFigure")
    assert vary["text"] == "Vary this figure…" and vary["enabled"]
    x.click(*vary["centre"])
    app.wait_until(lambda: p.widget("sweepAxisEdit")["value"] == "dojo-d1.tdp=320W..480W:5",
                   what="the Sweeps panel with an axis line for the TDP")
    assert p.focus()["name"] == "sweepAxisEdit"
    x.key("Return")
    app.wait_until(lambda: "5 variants" in p.widget("sweepCount")["value"], what="five variants counted")

    # In this process (no cluster to start for five short variants), then Run.
    workers = scroll_into_view(app, "sweepWorkers", "sweepDefinition")
    x.click(*workers["centre"])
    x.key("ctrl+a")
    x.type("0")
    x.key("Tab")
    app.wait_until(lambda: p.widget("sweepWorkers")["value"] == "in this process", what="workers set to none")
    x.click(*p.widget("sweepRun")["centre"])
    app.wait_until(lambda: p.widget("sweepMessage")["value"].startswith("Sweep finished: 5 variants"), timeout=120,
                   what="the sweep to finish")
    assert p.widget("sweepProgressLabel")["value"].startswith("5 of 5 variants")
    shot = app.screenshot("sweep-finished")
    assert shot.exists()

    # A click on the point of the hottest variant (index 4: 480 W) opens it in a new window.
    point = p.sweep_point(4)
    assert point["points"] == 5
    x.click(*point["centre"])
    app.wait_until(lambda: p.ping()["windows"] == 2, what="a second window with the variant")
    design = app.wait_until(lambda: (lambda d: d if "tdp 480 W" in d["name"] else None)(p.design()),
                            what="the variant's window in front")
    d1 = next(s for s in design["specs"] if s["id"] == "dojo-d1")
    assert d1["tdp_w"] == 480.0 and p.window()["file"] is None  # an untitled design of its own
    assert json.dumps(design["sweeps"]) == "[]"
    app.screenshot("variant-opened")
