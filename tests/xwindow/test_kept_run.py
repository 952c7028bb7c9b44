"""A kept run looked at on its own in a real window: a thermal soak run and kept with clicks, then picked in the
Runs list with a click; its plots show beside the list and its parts colour the canvas.  All input goes through
the X server."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_a_kept_run_picked_in_the_runs_list_shows_its_plots(launch, tmp_path, template_file):
    app = launch(str(template_file(tmp_path / "cabinet.dojo", "dojo-cabinet")))
    probe, x = app.probe, app.x

    # A thermal soak (the panel's first scenario, 10 min of the cabinet), run and kept with a label.
    x.click(*probe.widget("tab:Simulation")["centre"])
    app.wait_until(lambda: probe.widget("scenarioCombo")["shown"], what="the Simulation panel in front")
    assert probe.widget("scenarioCombo")["value"] == "Thermal soak"
    x.click(*probe.widget("runButton")["centre"])
    app.wait_until(lambda: probe.widget("runProgressLabel")["value"].startswith("Finished"), timeout=120,
                   what="the soak to finish")
    x.click(*probe.widget("tab:Simulation")["centre"])
    label = app.wait_until(lambda: probe.widget("keepLabel")["shown"], what="the label of the run to keep in view")
    x.click(*label["centre"])
    x.key("ctrl+a")
    x.type("ten minutes")
    keep = app.wait_until(lambda: probe.widget("keepButton")["enabled"] and probe.widget("keepButton")["shown"],
                          what="Keep Run enabled")
    x.click(*keep["centre"])
    app.wait_until(lambda: probe.design().get("runs"), what="the run kept with the project")

    # The Runs dock: nothing shown until a run is picked.
    x.click(*probe.widget("tab:Runs")["centre"])
    app.wait_until(lambda: probe.widget("runsList")["shown"], what="the Runs list in front")
    runs = probe.q("runs")
    assert runs["shown"] is None and runs["points"] == {}
    row = next(r for r in runs["rows"] if r["label"] == "ten minutes")
    assert row["visible"] and not row["selected"]

    # One click on its row: its plots, from the series it keeps, beside the list.
    x.click(*row["centre"])
    runs = app.wait_until(lambda: (r := probe.q("runs"))["shown"] == "ten minutes" and r, what="the run shown")
    (kept,) = probe.design()["runs"]
    assert runs["rows"][0]["selected"] and "ten minutes" in runs["title"]
    assert {"power", "pue", "junction", "coolant"} <= set(runs["plots"])
    for name in ("it_power_w", "pue", "tj_max_c", "coolant_return_c"):
        assert runs["points"][name] == len(kept["series"][name]) > 10, name
    graphics = runs["graphics"]
    assert graphics["visible"] and graphics["w"] > 300 and graphics["h"] > 150
    assert "keptRunGraphics" in " ".join(probe.at(*graphics["centre"])["widgets"])
    # Its parts on the canvas, at its end, the legend naming it.
    assert runs["caption"].startswith("kept run “ten minutes” at 10 min")
    canvas = probe.q("canvas")
    assert canvas["overlay"] == "temperature" and canvas["legend"]["shown"]
    app.screenshot("kept-run-shown")
