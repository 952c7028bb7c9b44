"""Findings grouped, links drawn and Colour By legends in a real window, the mouse moved through the X server:
a group of findings opened and one of its parts picked, View > Show Links and Bandwidths turned off and on
(and remembered), View > Colour By > Power against budget with its legend."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dojo_gui.io.catalog import builtin_specs
from dojo_gui.io.project import save
from dojo_gui.model.templates import TEMPLATES

pytestmark = pytest.mark.slow

LINKS = "Show Links and Bandwidths"


def hot_exapod(tmp_path):
    """The ExaPOD with its D1 at 500 W: every tile over its 15 kW budget (and cooling), every cabinet too."""
    design = TEMPLATES["exapod"].make(builtin_specs())
    design.put_spec(replace(design.specs["dojo-d1"], tdp_w=500.0))
    path = tmp_path / "hot.dojo"
    save(design, path)
    return path


def menu_item(app, text):
    """The item ``text`` of a menu on screen, once it shows."""
    return app.wait_until(lambda: app.probe.menu_item(text), what=f"the menu item {text!r}", timeout=5)


def open_view_menu(app):
    view = next(m for m in app.probe.q("menubar") if m["text"] == "View")
    app.x.click(*view["centre"])


def gap_between(app, left, right):
    """The screen point midway between two cabinets side by side, at their middle height."""
    a, b = app.probe.part(left), app.probe.part(right)
    return (a["x"] + a["w"] + b["x"]) // 2, a["centre"][1]


def findings_row(app, match, what):
    """The first findings row ``match`` accepts, scrolled into view with the wheel over the panel as needed."""
    tree = app.probe.widget("findingsTree")
    for _ in range(40):
        row = next((r for r in app.probe.q("findings") if match(r)), None)
        if row is None:
            raise AssertionError(f"no findings row for {what}")
        if row["visible"]:
            return row
        down = row["centre"][1] > tree["y"] + tree["h"] // 2
        app.x.wheel(*tree["shown"]["centre"], -1 if down else 1)
    raise AssertionError(f"the wheel never brought {what} into view")


def pixel(path, point):
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    assert not image.isNull(), path
    return image.pixelColor(*point)


def test_a_group_of_findings_opens_to_its_parts_and_a_part_row_selects_the_part(launch, tmp_path):
    app = launch(str(hot_exapod(tmp_path)))
    groups = app.wait_until(lambda: [r for r in app.probe.q("findings") if r["depth"] == 0] or None,
                            what="the findings of the hot design", timeout=30)
    assert len(groups) < 10  # 261 findings, a handful of rows

    def is_group(r):
        return (r["depth"] == 0 and r["where"] == "120 tiles (Dojo training tile)"
                and r["finding"].endswith("at full load, over the 15 kW budget"))

    tiles = findings_row(app, is_group, "the 120 tiles over budget")
    assert tiles["count"] == 120 and not tiles["expanded"]

    app.x.click(*tiles["arrow"])  # the row's arrow opens it
    rows = app.wait_until(lambda: [r for r in app.probe.q("findings") if r["depth"] == 1] or None,
                          what="the group's parts", timeout=5)
    assert len(rows) == 120 and all(r["finding"].startswith("draws 17.2 kW") for r in rows)
    assert app.probe.window()["selection"] == []  # opening is not picking

    third = rows[2]["where"]
    part = findings_row(app, lambda r: r["depth"] == 1 and r["where"] == third, third)
    app.x.click(*part["centre"])
    app.wait_until(lambda: app.probe.window()["selection"] == [third], what=f"{third} selected on the canvas",
                   timeout=5)
    assert third.startswith(app.probe.window()["focus"] + ".tile[")  # its cabinet entered
    assert app.probe.part(third)["visible"]  # and in view on the canvas

    group_row = findings_row(app, is_group, "the group's row again")
    app.x.click(*group_row["centre"])  # the group's own row picks all its parts
    app.wait_until(lambda: len(app.probe.window()["selection"]) == 120, what="the 120 tiles selected", timeout=5)
    assert app.probe.window()["focus"] == "room"


def test_view_menu_turns_the_links_off_and_on_and_the_choice_is_remembered(launch, tmp_path):
    home = tmp_path / "home"
    app = launch("--example", "exapod", home=home)
    canvas = app.wait_until(lambda: (c := app.probe.q("canvas"))["link_labels"] and c,
                            what="the links drawn with their bandwidths", timeout=30)
    assert canvas["links"] and set(canvas["link_labels"]) == {"18 TB/s"}  # ten cabinets: nine joins of 18 TB/s
    gap = gap_between(app, "room.cabinet[0,3]", "room.cabinet[0,4]")
    on = pixel(app.screenshot("links-on"), gap)
    assert on.blue() > on.red() and on.lightness() < 110  # the bar between the two cabinets

    open_view_menu(app)
    item = menu_item(app, LINKS)
    assert item["checkable"] and item["checked"]
    app.x.click(*item["centre"])
    app.wait_until(lambda: not app.probe.q("canvas")["links"], what="the links turned off", timeout=5)
    app.wait_until(lambda: not app.probe.q("canvas")["link_labels"], what="the canvas repainted", timeout=5)
    off = pixel(app.screenshot("links-off"), gap)
    assert off != on and off.lightness() > 180  # the floor between the cabinets shows again

    assert app.quit() == 0
    again = launch("--example", "exapod", home=home)
    assert not again.probe.q("canvas")["links"]  # remembered
    open_view_menu(again)
    item = menu_item(again, LINKS)
    assert not item["checked"]
    again.x.click(*item["centre"])
    again.wait_until(lambda: again.probe.q("canvas")["link_labels"], what="the links back, labelled", timeout=5)


def test_colour_by_power_against_budget_shows_its_legend(launch, tmp_path):
    app = launch(str(hot_exapod(tmp_path)))
    app.wait_until(lambda: app.probe.q("canvas")["legend"]["shown"], what="the spec colours' legend", timeout=30)
    assert app.probe.q("canvas")["legend"]["swatches"][0] == "Tesla D1 (chip)"

    open_view_menu(app)
    colour_by = menu_item(app, "Colour By")
    assert colour_by["submenu"]
    app.x.click(*colour_by["centre"])
    item = menu_item(app, "Power against budget")
    app.x.click(*item["centre"])
    app.wait_until(lambda: app.probe.q("canvas")["overlay"] == "power", what="the power colours", timeout=5)
    legend = app.wait_until(lambda: (c := app.probe.q("canvas")["legend"])["title"].startswith("Power") and c,
                            what="the power legend", timeout=5)
    assert (legend["low"], legend["high"]) == ("≤ 50 %", "≥ 110 %")
    shown = app.probe.widget("canvasLegend")["shown"]
    canvas = app.probe.widget("canvasView")
    assert shown and canvas["x"] <= shown["x"] and shown["x"] + shown["w"] <= canvas["x"] + canvas["w"]
    picture = app.screenshot("power-legend")
    # The ramp's hot end, right of the 100 % tick: red, as the tiles over budget are.
    ramp = app.probe.widget("canvasLegendTitle")
    hot = pixel(picture, (shown["x"] + shown["w"] - 14, ramp["y"] + ramp["h"] + 8))
    assert hot.red() > 150 and hot.blue() < 120
