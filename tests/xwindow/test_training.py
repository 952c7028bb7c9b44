"""Training a model in a real window: the Model training scenario picked, a model chosen, Run, the step's Gantt
chart and the search's table on screen, the plan on the canvas, Keep Run.  All input goes through the X server."""

from __future__ import annotations

import pytest

from dojo_gui import units
from dojo_gui.io.catalog import builtin_specs
from dojo_gui.io.project import save
from dojo_gui.model.templates import TEMPLATES

pytestmark = pytest.mark.slow


def test_a_model_is_trained_from_the_panel_and_its_run_kept(launch, tmp_path):
    design = TEMPLATES["dgx-a100-superpod"].make(builtin_specs(), 2)
    path = tmp_path / "pod.dojo"
    save(design, path)
    app = launch(str(path))
    probe, x = app.probe, app.x
    x.click(*probe.widget("tab:Simulation")["centre"])
    app.wait_until(lambda: probe.widget("scenarioCombo")["shown"], what="the Simulation panel in front")

    # The scenario: its list opened with a click, the third entry picked with the keys.
    x.click(*probe.widget("scenarioCombo")["shown"]["centre"])
    for key in ("Home", "Down", "Down", "Return"):
        x.key(key)
    app.wait_until(lambda: probe.widget("scenarioCombo")["value"] == "Model training", what="Model training chosen")
    # The model: its list opened, its name typed (the list finds it), Return.
    model = app.wait_until(lambda: probe.widget("modelCombo")["shown"], what="the model field in view")
    x.click(*model["centre"])
    x.type("Megatron GPT 1.7B")
    x.key("Return")
    app.wait_until(lambda: probe.widget("modelCombo")["value"].startswith("Megatron GPT 1.7B"),
                   what="the 1.7B model chosen")
    batch = app.wait_until(lambda: probe.widget("globalBatchEdit")["shown"], what="the batch field in view")
    x.click(*batch["centre"])
    x.type("64")
    assert probe.widget("globalBatchEdit")["value"] == "64"

    x.click(*probe.widget("runButton")["centre"])
    app.wait_until(lambda: probe.widget("runProgressLabel")["value"].startswith("Finished"), timeout=240,
                   what="the search and the plan's window on the thermal engine to finish")

    # The Training dock in front: the Gantt chart and the plans the search tried.
    app.wait_until(lambda: probe.widget("tab:Training")["current"], what="the Training dock in front")
    gantt = probe.widget("ganttChart")
    table = probe.widget("plansTable")
    # On screen: what is under the middle of each is the chart and the table (a view's own viewport covers it).
    assert gantt["visible"] and gantt["h"] > 80 and "GanttChart#ganttChart" in probe.at(*gantt["centre"])["widgets"]
    assert table["shown"] and table["shown"]["w"] > 200
    shown = probe.q("training")
    assert shown["plan"] and shown["stages"] >= 1 and shown["segments"] >= shown["stages"]
    assert "compute" in shown["kinds"] and "compute_s" in shown["parts"]
    assert shown["rows"][0][0] == "1" and shown["rows"][0][2] == "the fastest plan that fits"
    assert "MFU" in shown["summary"] and "PUE" in shown["summary"]
    tp, pp, dp = (int(v) for v in shown["rows"][0][3:6])
    assert shown["plan"].startswith(f"TP {tp} x PP {pp} x DP {dp}")

    # A click on the Step time heading sorts the table by it (as times, not as text).
    heading = next(h for h in shown["headings"] if h["text"] == "Step time")
    column = shown["headings"].index(heading)
    assert table["shown"]["x"] < heading["centre"][0] < table["shown"]["x"] + table["shown"]["w"]
    x.click(*heading["centre"])
    app.wait_until(lambda: probe.q("training")["sorted_by"] == column, what="the table to sort by step time",
                   timeout=5)
    now = probe.q("training")
    times = [units.parse(row[column], "s") for row in now["rows"] if row[column] != "—"]
    assert times == (sorted(times) if now["ascending"] else sorted(times, reverse=True)) and len(set(times)) > 1
    app.screenshot("training-done")

    # The plan on the canvas: Colour By > Training plan (the last entry of the toolbar's list).
    x.click(*probe.widget("overlayCombo")["centre"])
    x.key("End")
    x.key("Return")
    app.wait_until(lambda: probe.q("training")["legend"] and "Pipeline stage" in probe.q("training")["legend"],
                   what="the canvas legend of pipeline stages")

    # Keep Run: the run goes into the project.
    x.click(*probe.widget("tab:Simulation")["centre"])
    keep = app.wait_until(lambda: probe.widget("keepButton")["shown"] and probe.widget("keepButton")["enabled"]
                          and probe.widget("keepButton"), what="Keep Run enabled")
    x.click(*keep["centre"])
    app.wait_until(lambda: probe.design().get("runs"), what="the run kept with the project")
    (record,) = probe.design()["runs"]
    assert record["kind"] == "train" and record["parameters"]["tp"] == tp and record["parameters"]["pp"] == pp
    assert probe.window()["modified"]
    app.screenshot("training-kept")
