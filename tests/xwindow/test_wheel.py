"""The mouse wheel over the Simulation panel scrolls the panel; it never changes a field the user is not editing."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

SCREEN = (1366, 768)  # a laptop: the panel's fields do not all fit, so the wheel has something to scroll


def test_the_wheel_over_the_simulation_panel_scrolls_it_and_changes_no_field(launch):
    app = launch("--example", "exapod")
    app.x.click(*app.probe.widget("tab:Simulation")["centre"])
    app.wait_until(lambda: app.probe.widget("scenarioCombo")["visible"], what="the Simulation panel in front")
    fields = ("scenarioCombo", "ambientCombo", "initialCombo")
    before = {name: app.probe.widget(name)["value"] for name in fields}
    area = app.probe.widget("runFormArea")
    assert area["scroll"]["v_max"] > 0, "the panel's fields all fit: nothing to scroll on this screen"

    # Down, the pointer resting on the Scenario combo: the panel scrolls until the Ambient combo shows.
    app.x.wheel(*app.probe.widget("scenarioCombo")["centre"], -1)
    app.wait_until(lambda: app.probe.widget("runFormArea")["scroll"]["v"] > area["scroll"]["v"],
                   what="the panel to scroll", timeout=5)
    assert app.probe.widget("scenarioCombo")["value"] == before["scenarioCombo"]
    for _ in range(10):
        ambient = app.probe.widget("ambientCombo")["shown"]
        if ambient and ambient["h"] >= 10:
            break
        app.x.wheel(*app.probe.widget("runFormArea")["shown"]["centre"], -1)
    assert ambient, "the wheel never brought the Ambient combo into view"
    for name in fields:
        shown = app.probe.widget(name)["shown"]
        if shown:
            app.x.wheel(*shown["centre"], -2)
            app.x.wheel(*shown["centre"], 2)
    assert {name: app.probe.widget(name)["value"] for name in fields} == before
    assert app.probe.window()["undo"]["count"] == 0

    # A spin box: the Collective scenario's chunk count (the wheel lands on its line edit, which passes it up).
    scenario = app.probe.widget("scenarioCombo")["shown"] or app.probe.widget("scenarioCombo")
    if not app.probe.widget("scenarioCombo")["shown"]:
        app.x.wheel(*app.probe.widget("runFormArea")["shown"]["centre"], 10)  # back up to the top
        scenario = app.wait_until(lambda: app.probe.widget("scenarioCombo")["shown"], what="the Scenario combo")
    app.x.click(*scenario["centre"])  # opens its list; End and Return pick the last entry
    app.x.key("End")
    app.x.key("Return")
    app.wait_until(lambda: app.probe.widget("scenarioCombo")["value"] == "Collective", what="the Collective scenario")
    chunks = app.wait_until(lambda: app.probe.widget("chunksSpin")["shown"], what="the chunk count in view")
    value = app.probe.widget("chunksSpin")["value"]
    app.x.wheel(*chunks["centre"], 2)
    app.x.wheel(*chunks["centre"], -3)
    assert app.probe.widget("chunksSpin")["value"] == value
    assert not app.probe.widget("chunksSpin")["focus"]
