"""Live simulation in the window, through the run panel with real clicks and keys: runs finish and show
what the engines compute, Stop and Pause work at once, failures become messages, edits make results stale."""

from __future__ import annotations

import csv
import itertools
import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QTabBar

from dojo_gui import units
from dojo_gui.jobs.live import LIVE_RECORD, ThermalJob
from dojo_gui.model.templates import TEMPLATES
from dojo_gui.sim.scenario import ConstantLoad, Scenario
from dojo_gui.sim.thermal import ThermalRun
from dojo_gui.ui.simulation import worker as worker_module

RUN_TIMEOUT_MS = 60_000


def run_from_panel(qtbot, window, timeout=RUN_TIMEOUT_MS):
    """Press Run and wait for the run to end; returns its outcome."""
    with qtbot.waitSignal(window.live.controller.sigEnded, timeout=timeout) as ended:
        qtbot.mouseClick(window.live.panel.run_button, Qt.LeftButton)
    return ended.args[0]


def settle(qtbot, window) -> None:
    """Wait until the canvas stops changing its zoom (the window's layout has settled)."""
    seen = []

    def steady() -> bool:
        seen.append((window.view.transform().m11(), window.view.viewport().size().toTuple()))
        return len(seen) >= 3 and seen[-1] == seen[-2] == seen[-3]

    qtbot.waitUntil(steady, timeout=5000)


def soak(type_into, panel, utilization="80%", duration="2min", dt="0.5s"):
    panel.set_scenario("soak")
    type_into(panel.utilization, utilization)
    type_into(panel.duration, duration)
    type_into(panel.dt, dt)


# --------------------------------------------------------------------------- runs finish and show the engine's answer
def test_a_short_thermal_run_from_the_panel_plots_what_the_engine_computes(qtbot, type_into, cabinet_window):
    window, panel = cabinet_window, cabinet_window.live.panel
    soak(type_into, panel, "80%", "2min", "0.5s")
    panel.ambient_kind.setCurrentIndex(panel.ambient_kind.findData("constant"))
    type_into(panel.ambient, "30C")
    outcome = run_from_panel(qtbot, window)
    assert outcome.status == "finished", outcome.message

    # The panel read the form as the scenario it says.
    scenario = outcome.job.scenario
    assert (scenario.duration_s, scenario.dt_s, scenario.workload.utilization) == (120.0, 0.5, 0.8)
    assert scenario.ambient.constant_c == 30.0
    # The same input straight into the engine gives exactly what the plots hold.
    expected = ThermalRun(TEMPLATES["dojo-cabinet"].make(window.catalog), scenario, record=LIVE_RECORD).run()
    plots = window.live.thermal_plots
    for name in ("it_power_w", "facility_power_w", "tj_max_c", "tj_mean_c", "coolant_supply_c", "coolant_return_c"):
        t, y = plots.data(name)
        np.testing.assert_array_equal(t, expected.room_time_s)
        np.testing.assert_allclose(y, expected.room[name], rtol=1e-12)
    t, pue = plots.data("pue")
    np.testing.assert_allclose(pue, expected.room["facility_power_w"] / expected.room["it_power_w"], rtol=1e-12)
    assert t[-1] == 120.0 and pue.min() >= 1.0
    assert not plots.plots["step"].isVisible()  # no training step, no step time
    assert panel.progress.value() == 1000 and "Finished" in panel.progress_label.text()
    # The canvas overlay holds the run's final per-part values.
    final = window.live.overlay.state
    assert len(final["chip_tj_c"]) == 300
    assert math.isclose(float(final["chip_tj_c"].max()), expected.final["tj_max_c"], rel_tol=1e-12)
    assert math.isclose(float(final["chip_tj_c"].mean()), expected.final["tj_mean_c"], rel_tol=1e-12)
    assert panel.keep_button.isEnabled()


def test_a_collective_from_the_panel_shows_its_links_and_timeline(qtbot, type_into, cabinet_window):
    from dojo_gui.sim.comm import simulate_collective

    window, panel = cabinet_window, cabinet_window.live.panel
    panel.set_scenario("comm")
    panel.collective.setCurrentIndex(panel.collective.findData("allreduce"))
    type_into(panel.size_edit, "256MiB")
    panel.algorithm.setCurrentIndex(panel.algorithm.findData("ring"))
    outcome = run_from_panel(qtbot, window)
    assert outcome.status == "finished", outcome.message
    expected = simulate_collective(TEMPLATES["dojo-cabinet"].make(window.catalog), "allreduce", 256 * 2**20, "ring")
    assert outcome.result.time_s == pytest.approx(expected.time_s, rel=1e-12)
    link_map = window.live.link_map
    np.testing.assert_allclose(link_map.shown_utilization, expected.link_utilization, rtol=1e-12)
    assert units.format(expected.time_s, "s") in link_map.title.text()
    # Every link of the 10x30 chip grid is drawn in one of the colour batches (a ring leaves some idle).
    drawn = sum(len(item.xData) for item in link_map.batches if item.xData is not None) // 2
    assert drawn == int(link_map._on_grid.sum()) > 0
    _t, delivered = link_map.timeline.data("delivered_fraction")
    assert delivered[-1] == pytest.approx(1.0) and np.all(np.diff(delivered) >= -1e-12)
    assert link_map.timeline.data("chips_done_fraction")[1][-1] == pytest.approx(1.0)
    # The cabinet and its 12 tiles are outlined and named; the tiles' names once they are wide enough.
    frames = link_map.frames
    qtbot.waitUntil(lambda: bool(frames.cabinets))  # made on the next turn of the event loop
    cabinet = window.document.design.part(((0, 0),)).name or "cabinet [0,0]"
    assert [label.toPlainText() for label in frames.cabinet_labels] == [cabinet]
    assert frames.cabinets[0][1].tolist() == [0, 0, 9, 29] and len(frames.tiles) == 12  # 10x30 chips
    assert sorted(name for name, _ in frames.tiles)[:2] == ["[0,0]", "[0,1]"]
    window.live.docks["links"].raise_()
    link_map.map.setXRange(-0.5, 29.5, padding=0)
    QApplication.processEvents()
    wide = link_map.map.getPlotItem().getViewBox().width() / 6  # a tile of 5 chips, on screen
    assert (len(frames.tile_labels_shown) == 12) == (wide >= 42)
    link_map.map.setXRange(-0.5, 9.5, padding=0)  # two tiles across
    QApplication.processEvents()
    assert "[0,0]" in frames.tile_labels_shown and "[0,5]" not in frames.tile_labels_shown
    assert link_map.readout_at(0, 0).startswith(f"{cabinet}: " if cabinet != "cabinet [0,0]" else "room.")
    # The slider steps through the timeline: the map then shows one bin's utilization.
    link_map.slider.setValue(3)
    np.testing.assert_allclose(link_map.shown_utilization, expected.timeline_utilization[2], rtol=1e-6)
    # And the canvas can be coloured by each chip's busiest link.
    window.set_overlay("links")
    chip = ((0, 0), (0, 0), (2, 2))
    value = window.live.overlay.link_values["chip"][window.live.overlay.link_index.position("chip", chip)]
    assert 0 < value <= 1
    assert window.legend.isVisible() and "Busiest link per chip (allreduce, ring)" in window.legend.title.text()
    assert (window.legend.low.text(), window.legend.high.text()) == ("0 %", "100 %")


# --------------------------------------------------------------------------- stop, pause
def long_training(type_into, panel, duration="1h", dt="0.001s"):
    panel.set_scenario("train")
    panel.train_algorithm.setCurrentIndex(panel.train_algorithm.findData("2d"))
    type_into(panel.duration, duration)
    type_into(panel.dt, dt)


def wait_until_simulating(qtbot, window):
    seen = []
    window.live.controller.sigUpdate.connect(lambda u: seen.append(u.time_s))
    qtbot.waitUntil(lambda: bool(seen) and seen[-1] > 0, timeout=RUN_TIMEOUT_MS)


def test_stop_ends_a_long_run_with_what_was_computed(qtbot, type_into, cabinet_window, monkeypatch):
    # The window gives a stopped engine STOP_GRACE_MS to hand back its partial result; here it gets all the
    # time a loaded machine may need, so the test checks what Stop does, not how fast this machine is.
    monkeypatch.setattr(worker_module, "STOP_GRACE_MS", 20_000)
    window, panel, controller = cabinet_window, cabinet_window.live.panel, cabinet_window.live.controller
    long_training(type_into, panel)  # 3.6 million steps: minutes of work
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    plots = window.live.thermal_plots
    qtbot.waitUntil(lambda: plots.series is not None and plots.series.n >= 2, timeout=RUN_TIMEOUT_MS)
    with qtbot.waitSignal(controller.sigEnded, timeout=20_000) as ended:
        qtbot.mouseClick(panel.stop_button, Qt.LeftButton)
    outcome = ended.args[0]
    assert outcome.status == "stopped"
    qtbot.waitUntil(lambda: controller.threads_running() == 0, timeout=2000)  # the engine itself stopped
    assert 0 < outcome.result.time_s < 3600 and outcome.result.stopped
    t, _ = plots.data("tj_max_c")
    assert len(t) >= 2 and t[-1] <= outcome.result.time_s
    np.testing.assert_array_equal(t, outcome.result.room_time_s)  # every frame the engine recorded, and no other
    assert panel.run_button.isEnabled() and not panel.stop_button.isEnabled()
    assert panel.keep_button.isEnabled()  # a thermal run stopped part way can still be kept
    assert "Stopped" in panel.progress_label.text()


@pytest.mark.slow  # waits out a collective's setup: ~2 s
def test_stop_during_a_collective_ends_it(qtbot, type_into, make_window, exapod):
    window = make_window(exapod)  # the hierarchical all-reduce on 3,000 chips takes tens of seconds
    panel, controller = window.live.panel, window.live.controller
    panel.set_scenario("comm")
    panel.algorithm.setCurrentIndex(panel.algorithm.findData("hierarchical"))
    type_into(panel.size_edit, "2GB")
    progress = []
    controller.sigUpdate.connect(lambda u: progress.append(u.fraction))
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(progress) and progress[-1] > 0, timeout=RUN_TIMEOUT_MS)
    with qtbot.waitSignal(controller.sigEnded, timeout=5000) as ended:
        qtbot.mouseClick(panel.stop_button, Qt.LeftButton)
    assert ended.args[0].status == "stopped"
    qtbot.waitUntil(lambda: controller.threads_running() == 0, timeout=5000)  # the engine stopped too
    assert not panel.keep_button.isEnabled()  # half a collective is not a result


def test_pause_holds_the_engine_and_resume_lets_it_go_on(qtbot, type_into, cabinet_window):
    window, panel, controller = cabinet_window, cabinet_window.live.panel, cabinet_window.live.controller
    long_training(type_into, panel)
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    wait_until_simulating(qtbot, window)
    control = controller.current.control
    qtbot.mouseClick(panel.pause_button, Qt.LeftButton)
    assert panel.pause_button.text() == "Resume" and controller.state == "paused"
    qtbot.waitUntil(lambda: control.waiting, timeout=2000)  # the worker is held at its next check
    held_at = controller.current.buffer.take().time_s
    qtbot.mouseClick(panel.pause_button, Qt.LeftButton)
    assert panel.pause_button.text() == "Pause" and controller.state == "running"
    qtbot.waitUntil(lambda: controller.current.buffer.take().time_s > held_at, timeout=5000)
    with qtbot.waitSignal(controller.sigEnded, timeout=2000):
        qtbot.mouseClick(panel.stop_button, Qt.LeftButton)


# --------------------------------------------------------------------------- failures
def test_an_engine_that_raises_gives_a_message_and_a_log_entry_and_the_app_goes_on(qtbot, type_into,
                                                                                   cabinet_window, monkeypatch):
    window, panel = cabinet_window, cabinet_window.live.panel
    soak(type_into, panel, "50%", "1min", "1s")

    def broken(self, *args, **kwargs):
        raise RuntimeError("coolant table exploded")

    monkeypatch.setattr(ThermalRun, "advance", broken)
    outcome = run_from_panel(qtbot, window)
    assert outcome.status == "failed"
    assert panel.message.isVisible() and "RuntimeError: coolant table exploded" in panel.message.text()
    log_file = window.live.controller.log_file
    assert log_file is not None and str(log_file) in panel.message.text()
    logged = log_file.read_text(encoding="utf-8")
    assert "coolant table exploded" in logged and "Traceback" in logged
    assert "coolant table exploded" in window.statusBar().currentMessage()
    assert panel.run_button.isEnabled() and not panel.keep_button.isEnabled()

    # The window is still usable: edits go through, and the next run works.
    monkeypatch.undo()
    window.document.rename(((0, 0),), "After the failure")
    assert window.document.design.part(((0, 0),)).name == "After the failure"
    outcome = run_from_panel(qtbot, window)
    assert outcome.status == "finished" and not panel.message.isVisible()


def test_a_scenario_the_design_cannot_run_is_refused_with_the_reason(qtbot, type_into, cabinet_window):
    window, panel = cabinet_window, cabinet_window.live.panel
    long_training(type_into, panel, "1min", "1s")
    panel.number_format.setCurrentText("fp4")  # the D1 lists no fp4 peak
    outcome = run_from_panel(qtbot, window)
    assert outcome.status == "failed"
    assert "no fp4 peak compute" in panel.message.text()


def test_a_parameter_that_does_not_read_is_named_and_nothing_runs(qtbot, type_into, cabinet_window):
    panel = cabinet_window.live.panel
    soak(type_into, panel, "80%", "ten minutes", "0.5s")
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    assert not cabinet_window.live.controller.busy
    assert panel.message.text().startswith("Duration:") and "ten minutes" in panel.message.text()
    assert "border" in panel.duration.styleSheet()  # the field is marked ...
    qtbot.keyClicks(panel.duration, "x")
    assert panel.duration.styleSheet() == ""  # ... until the user types in it
    type_into(panel.utilization, "180%")
    type_into(panel.duration, "1min")
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    assert panel.message.text().startswith("Utilization:") and not cabinet_window.live.controller.busy


# --------------------------------------------------------------------------- stale results
def test_editing_the_design_during_a_run_marks_the_results_stale(qtbot, type_into, cabinet_window):
    window, panel, controller = cabinet_window, cabinet_window.live.panel, cabinet_window.live.controller
    long_training(type_into, panel, "1h", "0.01s")
    window.set_overlay("temperature")
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    wait_until_simulating(qtbot, window)
    assert not panel.stale_label.isVisible()
    window.document.edit_figure("dojo-d1", "tdp_w", "450 W")
    assert controller.stale and panel.stale_label.isVisible()
    assert "edited" in window.live.thermal_plots.note.text()
    assert window.legend.note.isVisible() and "edited" in window.legend.note.text()
    with qtbot.waitSignal(controller.sigEnded, timeout=2000):
        qtbot.mouseClick(panel.stop_button, Qt.LeftButton)
    assert controller.stale  # still about the design as it was
    # Keeping the run is not an edit of the design: a fresh run stays fresh when kept.
    soak(type_into, panel, "80%", "1min", "1s")
    run_from_panel(qtbot, window)
    assert not controller.stale and not panel.stale_label.isVisible()
    qtbot.mouseClick(panel.keep_button, Qt.LeftButton)
    assert not controller.stale and len(window.document.design.runs) == 1


def test_opening_another_design_stops_the_run_and_clears_the_views(qtbot, type_into, cabinet_window):
    window, panel, controller = cabinet_window, cabinet_window.live.panel, cabinet_window.live.controller
    long_training(type_into, panel, "1h", "0.01s")
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    wait_until_simulating(qtbot, window)
    with qtbot.waitSignal(controller.sigEnded, timeout=2000):
        window.files.new_from_template("dojo-tile")
    assert controller.latest is None and window.live.overlay.state is None
    assert len(window.live.thermal_plots.data("tj_max_c")[0]) == 0
    assert not panel.keep_button.isEnabled()


# --------------------------------------------------------------------------- overlays
def test_overlay_colours_follow_the_live_values(qtbot, type_into, cabinet_window):
    from dojo_gui.render.colours import ramp

    window, panel = cabinet_window, cabinet_window.live.panel
    # Hot chips in one tile: a variant of the D1 with a higher TDP there.
    tile = ((0, 0), (1, 2))
    hot = [tile + ((r, c),) for r in range(5) for c in range(5)]
    window.document.make_variant("dojo-d1", hot)
    variant = window.document.design.part(hot[0]).spec_id
    window.document.edit_figure(variant, "tdp_w", "600 W")
    window.set_overlay("temperature")
    soak(type_into, panel, "100%", "10min", "1s")
    assert run_from_panel(qtbot, window).status == "finished"

    overlay = window.live.overlay
    state, index = overlay.state, overlay.index
    lo, hi = overlay.scale_c
    item = window.scene.cabinet_items[(0, 0)]
    fills = {box.path: box.fill for box in item.drawing.chips}
    for path, fill in fills.items():
        tj = float(state["chip_tj_c"][index.position("chip", path)])
        assert fill.name() == ramp((tj - lo) / (hi - lo)).name(), path
    hot_hue = fills[hot[12]].hsvHue()
    cool_hue = fills[((0, 0), (0, 0), (2, 2))].hsvHue()
    assert hot_hue < cool_hue  # the ramp runs from blue (hue 230) to red (hue 0)
    # The tiles follow their coolant outlet on the same scale, the legend says so.
    tile_box = next(b for b in item.drawing.containers if b.path == tile)
    out = float(state["tile_out_c"][index.position("tile", tile)])
    assert tile_box.fill.name() == ramp((out - lo) / (hi - lo)).name()
    legend = window.legend
    assert legend.isVisible() and "Temperature" in legend.title.text() and f"{hi:.0f} °C" in legend.high.text()

    # Power against limits: each chip's share of its own TDP.
    window.set_overlay("live-power")
    fills = {box.path: box.fill for box in item.drawing.chips}
    limits = overlay.limits["chip"]
    for path in (hot[0], ((0, 0), (0, 0), (0, 0))):
        i = index.position("chip", path)
        assert fills[path].name() == ramp(float(state["chip_power_w"][i] / limits[i]) / 1.1).name()
    assert "110 %" in legend.high.text()

    # Hovering a chip (a real mouse move) shows its live values.
    window.set_overlay("temperature")
    window.view.enter(tile)
    qtbot.waitUntil(lambda: window.view.viewport().hasMouseTracking())
    settle(qtbot, window)  # the docks took their sizes after the run started: the fitted view follows
    where = window.view.mapFromScene(window.scene.rect_of(hot[12]).center())
    qtbot.mouseMove(window.view.viewport(), where)
    tj = float(state["chip_tj_c"][index.position("chip", hot[12])])
    qtbot.waitUntil(overlay.hover.isVisible)
    assert overlay.hover.text().startswith("room.cabinet[0,0].tile[1,2].chip[2,2]")
    assert f"junction {units.format(tj, 'C')}" in overlay.hover.text()
    assert units.format(tj, "C") in window.statusBar().currentMessage()


def test_the_array_colours_paint_what_a_value_per_path_paints(qapp, exapod):
    """The fast path (numpy over every chip) and a provider called per path give the same picture."""
    from dojo_gui.render import Layout, PartDrawing, ValueColours
    from dojo_gui.render.colours import ArrayColours, PartIndex
    from dojo_gui.sim.tree import PartTree

    tree = PartTree.from_design(exapod)
    rng = np.random.default_rng(7)
    values = rng.uniform(30, 100, tree.n_chips)
    values[::17] = np.nan  # no value: the spec colour
    index = PartIndex({"chip": tree.chip_paths, "tile": tree.tile_paths, "cabinet": tree.cabinet_paths})
    tiles = rng.uniform(30, 100, tree.n_tiles)
    fast = ArrayColours(index, {"chip": values, "tile": tiles}, 40.0, 95.0)
    slow = ValueColours({**{p: v for p, v in zip(tree.chip_paths, values.tolist()) if not math.isnan(v)},
                         **dict(zip(tree.tile_paths, tiles.tolist()))}, 40.0, 95.0)
    layout = Layout(exapod)
    for slot in [(0, 0), (0, 7)]:
        a = PartDrawing(exapod, layout, (slot,))
        b = PartDrawing(exapod, layout, (slot,))
        a.recolour(fast)
        b.recolour(slow)
        assert [x.fill.name() for x in a.chips] == [x.fill.name() for x in b.chips]
        assert [x.fill.name() for x in a.containers] == [x.fill.name() for x in b.containers]
        count = lambda batches: sorted((c.name(), len(r)) for c, r in batches)  # noqa: E731
        assert count(a.chip_batches) == count(b.chip_batches)
        assert count(a.block_batches) == count(b.block_batches)
        assert count(a.tile_batches(a.containers[1])) == count(b.tile_batches(b.containers[1]))


# --------------------------------------------------------------------------- plots: crosshair and export
def test_the_crosshair_reads_every_curve_and_plots_export_as_png_and_csv(qtbot, type_into, cabinet_window, tmp_path):
    window, panel = cabinet_window, cabinet_window.live.panel
    soak(type_into, panel, "70%", "5min", "1s")
    run_from_panel(qtbot, window)
    plots = window.live.thermal_plots
    window.live.docks["thermal"].raise_()
    qtbot.waitUntil(plots.graphics.isVisible)

    # A real mouse move over the junction plot, at about 150 s.  The point is found again at each try, a
    # pixel to the side every other time: the plots settle their axes' widths over the first frames after
    # the dock comes to the front (a point found before may then lie on an axis), and a move to where the
    # pointer already is makes no event.
    vb = plots.plots["junction"].getViewBox()
    nudge = itertools.cycle((0, 1))

    def hovered_at_150_s() -> bool:
        point = QPointF(vb.mapViewToScene(QPointF(150.0, 0.0)).x(), vb.sceneBoundingRect().center().y())
        qtbot.mouseMove(plots.graphics.viewport(), plots.graphics.mapFromScene(point) + QPoint(next(nudge), 0))
        return plots.crosshair_t is not None

    qtbot.waitUntil(hovered_at_150_s)
    t, tj = plots.data("tj_max_c")
    i = int(np.searchsorted(t, plots.crosshair_t, side="right") - 1)
    assert abs(plots.crosshair_t - 150.0) < 5.0
    assert f"Hottest {units.format(float(tj[i]), 'C')}" in plots.readout.text()
    assert all(plots.lines[key].value() == plots.crosshair_t for key in ("power", "coolant"))

    window.dialogs.answers["export_file"] = [str(tmp_path / "thermal.csv"), str(tmp_path / "thermal.png")]
    qtbot.mouseClick(plots.csv_button, Qt.LeftButton)
    with open(tmp_path / "thermal.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    assert header[0] == "time_s" and "tj_max_c" in header and "step_time_s" not in header  # no hidden plot
    column = header.index("tj_max_c")
    np.testing.assert_allclose([float(r[column]) for r in rows[1:]], tj, rtol=1e-15)
    np.testing.assert_allclose([float(r[0]) for r in rows[1:]], t)
    qtbot.mouseClick(plots.png_button, Qt.LeftButton)
    image = QImage(str(tmp_path / "thermal.png"))
    assert not image.isNull() and image.width() == plots.graphics.width()

    # One plot alone, from its own menu: only its curves.
    plots.export_csv(tmp_path / "coolant.csv", "coolant")
    header = (tmp_path / "coolant.csv").read_text().splitlines()[0].split(",")
    assert header == ["time_s", "coolant_supply_c", "coolant_return_c", "facility_supply_c"]


def test_the_link_map_exports_every_link_and_reads_the_chip_under_the_pointer(qtbot, cabinet_window, tmp_path):
    window, panel = cabinet_window, cabinet_window.live.panel
    panel.set_scenario("comm")
    panel.algorithm.setCurrentIndex(panel.algorithm.findData("2d"))
    run_from_panel(qtbot, window)
    link_map = window.live.link_map
    result = window.live.controller.latest.result
    window.dialogs.answers["export_file"] = [str(tmp_path / "links.csv")]
    qtbot.mouseClick(link_map.csv_button, Qt.LeftButton)
    with open(tmp_path / "links.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(result.links)
    np.testing.assert_allclose([float(r["utilization_fraction"]) for r in rows], result.link_utilization)
    assert rows[0]["src"] == result.links.src[0]
    text = link_map.readout_at(0, 0)
    cabinet = window.document.design.part(((0, 0),)).name
    assert text.startswith(f"{cabinet}: room.cabinet[0,0].tile[0,0].chip[0,0]") and "%" in text


# --------------------------------------------------------------------------- runs kept with the project
@pytest.mark.slow  # two runs, a save and a reopen: ~3 s
def test_a_kept_run_survives_save_and_reopen_and_two_runs_compare(qtbot, type_into, cabinet_window,
                                                                  make_window, tmp_path):
    from dojo_gui.io.project import load

    window, panel = cabinet_window, cabinet_window.live.panel
    soak(type_into, panel, "50%", "3min", "1s")
    run_from_panel(qtbot, window)
    type_into(panel.keep_label, "half load")
    qtbot.mouseClick(panel.keep_button, Qt.LeftButton)
    design = window.document.design
    assert [r.label for r in design.runs] == ["half load"] and window.isWindowModified()
    assert not panel.keep_button.isEnabled()  # kept once
    window.document.undo_stack.undo()
    assert design.runs == ()
    window.document.undo_stack.redo()
    assert design.runs[0].kind == "thermal"

    soak(type_into, panel, "100%", "3min", "1s")
    run_from_panel(qtbot, window)
    qtbot.mouseClick(panel.keep_button, Qt.LeftButton)  # no label: the description of the scenario
    assert len(design.runs) == 2 and "utilization 100 %" in design.runs[1].label

    target = tmp_path / "kept.dojo"
    window.dialogs.answers["save_file"] = [str(target)]
    window.actions_by_name["save"].trigger()
    assert not window.isWindowModified()
    reopened = make_window(load(target), file_path=target)
    runs = reopened.live.runs
    assert runs.tree.topLevelItemCount() == 2
    assert runs.tree.topLevelItem(0).text(0) == "half load"
    assert reopened.document.design.runs == window.document.design.runs

    runs.select([0, 1])
    qtbot.mouseClick(runs.compare_button, Qt.LeftButton)
    dialog = runs.comparison
    assert dialog is not None and dialog.isVisible()
    table = dialog.table
    figures = {table.item(r, 0).data(Qt.UserRole): (table.item(r, 1).text(), table.item(r, 2).text())
               for r in range(table.rowCount())}
    first, second = reopened.document.design.runs
    it_a, it_b = first.key_figures["it_power_w"], second.key_figures["it_power_w"]
    assert figures["it_power_w"] == (units.format(it_a, "W"), units.format(it_b, "W")) and it_b > it_a
    for tag, run in (("A", first), ("B", second)):
        t, y = dialog.plots.data(f"{tag}:tj_max_c")
        np.testing.assert_allclose(np.column_stack([t, y]), np.asarray(run.series["tj_max_c"]))
    assert dialog.plots.curve_specs["B:tj_max_c"][0].dashed and not dialog.plots.curve_specs["A:tj_max_c"][0].dashed
    dialog.close()

    # Removing a run is undoable too.
    runs.select([0])
    qtbot.mouseClick(runs.remove_button, Qt.LeftButton)
    assert [r.label for r in reopened.document.design.runs] == [second.label]
    assert runs.tree.topLevelItemCount() == 1
    reopened.document.undo_stack.undo()
    assert runs.tree.topLevelItemCount() == 2


def test_a_kept_collective_is_a_comm_record_the_report_reads(qtbot, cabinet_window):
    import json

    from dojo_gui.model.runs import parse_run

    window, panel = cabinet_window, cabinet_window.live.panel
    panel.set_scenario("comm")
    panel.algorithm.setCurrentIndex(panel.algorithm.findData("ring"))
    run_from_panel(qtbot, window)
    assert window.live.actions["keep"].isEnabled()
    window.live.actions["keep"].trigger()
    records = window.document.design.runs
    assert len(records) == 1 and records[0].kind == "comm"
    assert parse_run(json.loads(json.dumps(records[0].to_dict()))) == records[0]  # as a project file keeps it
    result = window.live.controller.latest.result
    assert records[0].figure("time_s") == pytest.approx(result.time_s)
    assert records[0].figure("busbw_Bps") == pytest.approx(result.busbw_Bps)


# --------------------------------------------------------------------------- the collective time of training steps
def test_the_gradient_collective_is_computed_once_per_design_revision(qtbot, type_into, cabinet_window, monkeypatch):
    import dojo_gui.sim.comm as comm

    window, panel, controller = cabinet_window, cabinet_window.live.panel, cabinet_window.live.controller
    calls = []
    simulate = comm.simulate_collective
    monkeypatch.setattr(comm, "simulate_collective", lambda *a, **k: calls.append(a[1:4]) or simulate(*a, **k))
    long_training(type_into, panel, "30s", "0.5s")
    first = run_from_panel(qtbot, window)
    assert first.status == "finished" and calls == [("allreduce", 2e9, "2d")]
    assert first.result.comm["source"] == "comm-engine" and len(controller.cache) == 1
    _t, step = window.live.thermal_plots.data("step_time_s")
    assert window.live.thermal_plots.plots["step"].isVisible() and step[-1] > first.result.comm["time_s"]
    second = run_from_panel(qtbot, window)
    assert len(calls) == 1 and len(controller.cache) == 1
    assert second.result.comm["time_s"] == first.result.comm["time_s"]
    window.document.edit_figure("dojo-d1", "edge_bw_Bps", "1 TB/s")  # slower links: computed again
    third = run_from_panel(qtbot, window)
    assert len(calls) == 2 and len(controller.cache) == 2 and third.result.comm["time_s"] > first.result.comm["time_s"]


# --------------------------------------------------------------------------- the window around it
def test_the_simulate_menu_and_docks_are_in_place_without_stray_tab_bars(qtbot, type_into, cabinet_window):
    window = cabinet_window
    titles = [a.text().replace("&", "") for a in window.live.menu.actions() if a.text()]
    assert titles[:4] == ["Run", "Pause / Resume", "Stop", "Keep Run"]
    assert window.live.actions["run"].shortcut().toString() == "F5"
    bars = [tuple(b.tabText(i) for i in range(b.count())) for b in window.findChildren(QTabBar) if b.isVisible()]
    assert len(bars) == len(set(bars))  # each group of tabs once
    assert ("Findings", "Power and Cooling", "Fabric Load", "Training", "Runs") in bars
    # Run from the menu (F5 anywhere in the window) with a bad field: the panel comes up and says why.
    window.docks["inspector"].raise_()
    type_into(window.live.panel.dt, "-1s")
    window.live.actions["run"].trigger()
    assert window.live.panel.message.text().startswith("Time step")
    assert not window.live.docks["simulation"].visibleRegion().isEmpty()


def test_run_stop_and_progress_stay_in_view_in_a_short_dock(qtbot, cabinet_window):
    """The training scenario's figures do not fit a short dock: they scroll, the controls do not."""
    window, panel, dock = cabinet_window, cabinet_window.live.panel, cabinet_window.live.docks["simulation"]
    window.resize(1100, 620)
    panel.set_scenario("train")
    qtbot.waitUntil(lambda: panel.form_area.verticalScrollBar().maximum() > 0)  # the figures do scroll here
    for widget in (panel.run_button, panel.pause_button, panel.stop_button, panel.progress):
        assert dock.rect().contains(QRect(widget.mapTo(dock, QPoint(0, 0)), widget.size())), widget.text()


def test_a_job_can_be_started_without_the_panel(qtbot, cabinet_window):
    window = cabinet_window
    job = ThermalJob(Scenario(ConstantLoad(0.3), duration_s=20.0, dt_s=1.0))
    with qtbot.waitSignal(window.live.controller.sigEnded, timeout=RUN_TIMEOUT_MS) as ended:
        assert window.live.start(job)
        assert not window.live.start(job)  # one run at a time
    assert ended.args[0].status == "finished" and ended.args[0].result.time_s == 20.0


def test_the_time_axis_ticks_at_clock_steps(qapp):
    from dojo_gui.ui.simulation.plots import TimeAxis

    axis = TimeAxis("bottom")
    (major, _), (minor, _) = axis.tickSpacing(0.0, 3600.0, 900.0)
    assert major in (300.0, 600.0) and minor < major
    assert axis.tickStrings([0.0, 300.0, 5400.0], 1.0, 300.0) == ["0", "5 min", "1:30 h"]
    assert axis.tickStrings([0.0, 0.5], 1.0, 0.5) == ["0", "500 ms"]
