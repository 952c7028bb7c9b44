"""Two kept runs compared in a real window: a thermal soak of the cabinet run and kept, a tile deleted, the soak run
and kept again; both picked in the Runs list (a click, then Ctrl+click) and Compare… clicked.  The comparison names
both runs, shows their figures with the B − A column in view, and says what changed between the designs.  All
input goes through the X server."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

CABINET, TILE = "room.cabinet[0,0]", "room.cabinet[0,0].tile[1,5]"


def soak_and_keep(app, label: str) -> None:
    """Run the Simulation panel's thermal soak, then keep it as ``label``."""
    probe, x = app.probe, app.x
    runs = len(probe.design().get("runs", []))
    x.click(*probe.widget("tab:Simulation")["centre"])
    app.wait_until(lambda: probe.widget("scenarioCombo")["shown"], what="the Simulation panel in front")
    assert probe.widget("scenarioCombo")["value"] == "Thermal soak"
    x.click(*probe.widget("runButton")["centre"])
    app.wait_until(lambda: probe.widget("runProgressLabel")["value"].startswith("Finished")
                   and probe.widget("keepButton")["enabled"], timeout=120, what="the soak to finish")
    x.click(*probe.widget("tab:Simulation")["centre"])
    field = app.wait_until(lambda: probe.widget("keepLabel")["shown"], what="the label of the run to keep in view")
    x.click(*field["centre"])
    x.key("ctrl+a")
    x.type(label)
    keep = app.wait_until(lambda: probe.widget("keepButton")["enabled"] and probe.widget("keepButton")["shown"],
                          what="Keep Run enabled")
    x.click(*keep["centre"])
    app.wait_until(lambda: len(probe.design().get("runs", [])) == runs + 1, what=f"the run {label!r} kept")


def inside(inner, outer) -> bool:
    return (inner["x"] >= outer["x"] and inner["y"] >= outer["y"] and inner["x"] + inner["w"] <= outer["x"] + outer["w"]
            and inner["y"] + inner["h"] <= outer["y"] + outer["h"])


def test_two_kept_runs_picked_in_the_runs_list_are_compared(launch, tmp_path, parts, template_file):
    app = launch(str(template_file(tmp_path / "cabinet.dojo", "dojo-cabinet")))
    probe, x = app.probe, app.x

    soak_and_keep(app, "twelve tiles")
    # The design changed between the runs: into the cabinet, a tile picked and deleted.
    x.click(*probe.part(CABINET)["centre"], double=True)
    app.wait_until(lambda: probe.window()["focus"] == CABINET, what="entering the cabinet")
    x.click(*probe.part(TILE)["centre"])
    app.wait_until(lambda: probe.window()["selection"] == [TILE], what="selecting the tile")
    x.key("Delete")
    app.wait_until(lambda: TILE not in parts(probe.design()), what="the tile deleted")
    soak_and_keep(app, "eleven tiles")
    app.screenshot("1-two-runs-kept")

    # Both picked in the Runs list: a click on the first, Ctrl+click on the second; then Compare…
    x.click(*probe.widget("tab:Runs")["centre"])
    app.wait_until(lambda: probe.widget("runsList")["shown"], what="the Runs list in front")
    rows = {r["label"]: r for r in probe.q("runs")["rows"]}
    assert rows["twelve tiles"]["visible"] and rows["eleven tiles"]["visible"]
    assert not probe.widget("compareButton")["enabled"]
    x.click(*rows["twelve tiles"]["centre"])
    app.wait_until(lambda: probe.q("runs")["shown"] == "twelve tiles", what="the first run shown")
    x.keydown("ctrl")
    x.click(*rows["eleven tiles"]["centre"])
    x.keyup("ctrl")
    app.wait_until(lambda: [r["selected"] for r in probe.q("runs")["rows"]] == [True, True],
                   what="both runs selected")
    compare = app.wait_until(lambda: (b := probe.widget("compareButton"))["enabled"] and b["shown"] and b,
                             what="Compare… enabled")
    app.screenshot("2-both-selected")
    x.click(*compare["centre"])
    app.wait_until(lambda: [d for d in probe.dialogs() if d["name"] == "compareDialog" and d["active"]],
                   what="the comparison window in front")
    shown = probe.q("comparison")
    app.screenshot("3-comparison")

    # Both runs, A the first picked.
    assert shown["title"] == "Compare runs: twelve tiles and eleven tiles"
    assert "A (solid lines): twelve tiles (thermal)" in shown["runs"]
    assert "B (dashed lines): eleven tiles (thermal)" in shown["runs"]
    # The window on the screen, the figures' four columns in view, B − A whole, beside the plots.
    screen = probe.window()["screen"]["available"]
    assert inside(shown, screen)
    assert [h["text"] for h in shown["headings"]] == ["Figure", "A", "B", "B − A"]
    table = shown["table_shown"]
    for heading in shown["headings"]:
        assert heading["w"] > 20 and inside({**heading, "y": table["y"], "h": 1}, table), heading
    assert shown["plots"]["shown"] and shown["plots"]["w"] >= 500
    assert shown["headings"][3]["x"] + shown["headings"][3]["w"] <= shown["plots"]["x"]
    # The figures differ: the cabinet drew less power with a tile fewer, and the column says by how much.
    power = next(r for r in shown["rows"] if r[0].lower().startswith("it power"))
    assert power[1] != power[2] and power[3].startswith(("−", "-"))
    # What changed between the designs: the tile that went.
    assert shown["changes"].startswith("What changed between their designs:")
    assert "tile" in shown["changes"].lower() and "Nothing" not in shown["changes"]
