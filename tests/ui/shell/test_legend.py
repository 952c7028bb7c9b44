"""Every Colour By mode says what its colours mean: a legend over the canvas with its range and units."""

import pytest

from dojo_gui.render.colours import spec_colour
from dojo_gui.ui.shell.mainwindow import OVERLAYS


def legend_text(window) -> str:
    legend = window.legend
    parts = [legend.title, legend.low, legend.high, legend.swatches, legend.caption, legend.note]
    return " | ".join(label.text() for label in parts if label.isVisible())


def test_every_colour_by_mode_has_a_legend(qtbot, window):
    window.analyzer.wait()
    seen = {}
    for key in OVERLAYS:
        window.set_overlay(key)
        assert window.legend.isVisible(), key
        assert window.legend.title.text(), key
        seen[key] = legend_text(window)
    assert len(set(seen.values())) == len(OVERLAYS)  # each says something of its own
    # Live ones before any run say how to get values.
    for key in ("temperature", "live-power", "links"):
        assert "No values yet" in seen[key]


def test_power_against_budget_legend_has_its_range_and_the_budget_marked(qtbot, window):
    window.document.edit_figure("dojo-d1", "tdp_w", "500 W")
    window.analyzer.wait()
    window.set_overlay("power")
    legend = window.legend
    assert legend.isVisible() and legend.bar.isVisible()
    assert "budget" in legend.title.text()
    assert (legend.low.text(), legend.high.text()) == ("≤ 50 %", "≥ 110 %")
    fraction, label = legend.bar.mark
    assert label == "100 % (budget)" and fraction == pytest.approx((1.0 - 0.5) / (1.1 - 0.5))
    # The tick is painted where the colour of a part at 100 % of its budget is on the ramp.
    image = legend.bar.grab().toImage()
    x = round(fraction * (legend.bar.width() - 1))
    assert image.pixelColor(x, 4).name() == "#1d232b"
    assert image.pixelColor(x + 4, 4).name() != "#1d232b"


def test_spec_and_findings_legends_name_their_swatches(qtbot, window):
    window.analyzer.wait()
    window.set_overlay("spec")
    swatches = window.legend.swatches.text()
    d1 = window.document.design.specs["dojo-d1"]
    assert all(name in swatches for name in ("Tesla D1 (chip)", "Dojo training tile (tile)", "Dojo cabinet (cabinet)"))
    assert spec_colour(d1, "chip").name() in swatches  # the swatch is the colour the canvas paints D1 chips with
    window.set_overlay("findings")
    swatches = window.legend.swatches.text()
    assert all(word in swatches for word in ("error", "warning", "none")) and "#d8453b" in swatches


def test_the_legend_can_be_hidden_from_the_view_menu_and_stays_so(qtbot, make_window, exapod):
    window = make_window(exapod)
    window.analyzer.wait()
    action = window.actions_by_name["legend"]
    assert action in window.view_menu.actions() and action.isChecked() and window.legend.isVisible()
    action.trigger()
    assert not window.legend.isVisible()
    window.set_overlay("power")
    assert not window.legend.isVisible()
    window.save_settings()
    again = make_window(exapod)
    assert not again.actions_by_name["legend"].isChecked()
