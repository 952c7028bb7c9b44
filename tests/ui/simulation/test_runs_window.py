"""Runs in the window, as a design review uses them: a new run clears what the last one left before its first
frame, one kept run is shown on its own (plots and canvas, also after reopening the project), two open side by
side wide enough to read with what changed between their designs, and the readouts stay on the data."""

from __future__ import annotations

import itertools
import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QApplication

from dojo_gui import units

RUN_TIMEOUT_MS = 60_000


def run_from_panel(qtbot, window):
    """Press Run and wait for the run to end; returns its outcome."""
    with qtbot.waitSignal(window.live.controller.sigEnded, timeout=RUN_TIMEOUT_MS) as ended:
        qtbot.mouseClick(window.live.panel.run_button, Qt.MouseButton.LeftButton)
    return ended.args[0]


def soak(type_into, panel, utilization: str, duration: str = "3min", dt: str = "1s") -> None:
    panel.set_scenario("soak")
    type_into(panel.utilization, utilization)
    type_into(panel.duration, duration)
    type_into(panel.dt, dt)


def training_step(type_into, panel, duration: str = "30s", dt: str = "0.5s") -> None:
    panel.set_scenario("train")
    panel.train_algorithm.setCurrentIndex(panel.train_algorithm.findData("2d"))
    type_into(panel.duration, duration)
    type_into(panel.dt, dt)


def collective(qtbot, panel, algorithm: str = "ring") -> None:
    panel.set_scenario("comm")
    panel.algorithm.setCurrentIndex(panel.algorithm.findData(algorithm))


def keep(qtbot, type_into, window, label: str) -> None:
    panel = window.live.panel
    type_into(panel.keep_label, label)
    qtbot.mouseClick(panel.keep_button, Qt.MouseButton.LeftButton)


# --------------------------------------------------------------------------- a new run
def test_a_new_run_clears_stale_curves_and_the_link_map_before_its_first_frame(qtbot, type_into, drawn_labels,
                                                                               cabinet_window, monkeypatch):
    import dojo_gui.sim.comm as comm

    window, live = cabinet_window, cabinet_window.live
    soak(type_into, live.panel, "80%")
    assert run_from_panel(qtbot, window).status == "finished"
    collective(qtbot, live.panel)
    assert run_from_panel(qtbot, window).status == "finished"
    assert len(live.thermal_plots.data("tj_max_c")[0]) and live.link_map.result is not None

    # A training step whose collective takes as long as the test wants (the ExaPOD's takes about 30 s).
    release = threading.Event()

    def slow_collective(*args, progress=None, should_stop=None, **kwargs):
        progress(0.25)
        while not should_stop():
            release.wait(0.01)
        raise comm.Cancelled(None)

    monkeypatch.setattr(comm, "simulate_collective", slow_collective)
    training_step(type_into, live.panel)
    at_start = []
    assert live.overlay.link_values  # the canvas shows the last run's link loads
    timeline = live.link_map.timeline.plots["progress"]
    last_end = live.link_map.timeline.data("delivered_fraction")[0][-1]
    assert timeline.getViewBox().viewRange()[0][1] >= last_end and drawn_labels(timeline.getAxis("bottom"))
    live.controller.sigStarted.connect(lambda _job: at_start.append(
        (len(live.thermal_plots.data("tj_max_c")[0]), live.link_map.result, live.thermal_plots.waiting.text(),
         live.overlay.link_values, live.overlay.state, timeline.getViewBox().viewRange(),
         drawn_labels(timeline.getAxis("bottom")) + drawn_labels(timeline.getAxis("left")),
         live.link_map.slider_label.text())))
    qtbot.mouseClick(live.panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(at_start))
    points, links, waiting, canvas_links, canvas_state, timeline_range, timeline_labels, map_time = at_start[0]
    assert points == 0 and links is None and waiting.startswith("Starting: ")
    assert map_time == ""  # the link map's time label no longer says "whole collective" of a collective gone
    # The empty Fabric Load timeline is not read by the last collective's time axis: no numbers, a neutral range.
    assert timeline_labels == [] and timeline_range == [[0.0, 1.0], [0.0, 1.0]]
    assert not canvas_links and canvas_state is None  # nor does the canvas keep the last run's colours
    window.set_overlay("links")
    assert f"{live.controller.current.job.describe()} is under way" in live.overlay.legend().note
    # While the collective is computed, the plots and the link map say so, and how far it is.
    qtbot.waitUntil(lambda: "25 %" in live.thermal_plots.waiting.text(), timeout=RUN_TIMEOUT_MS)
    assert live.thermal_plots.waiting.isVisible() or not live.thermal_plots.isVisible()
    assert "Communication time" in live.thermal_plots.waiting.text()
    assert "25 %" in live.link_map.title.text()
    with qtbot.waitSignal(live.controller.sigEnded, timeout=RUN_TIMEOUT_MS) as ended:
        qtbot.mouseClick(live.panel.stop_button, Qt.MouseButton.LeftButton)
    assert ended.args[0].status == "stopped"
    # Stopped before its first step: no old curves, and the views say why they are empty.
    for name in ("tj_max_c", "it_power_w", "pue"):
        assert len(live.thermal_plots.data(name)[0]) == 0
    assert live.thermal_plots.waiting.text() == "Stopped before the first step: nothing to plot."
    assert live.link_map.result is None and "no collective to show" in live.link_map.title.text()


# --------------------------------------------------------------------------- one kept run
def test_one_kept_run_shows_its_plots_and_its_parts_also_after_reopening(qtbot, type_into, cabinet_window, make_window,
                                                                        tmp_path):
    from dojo_gui.io.project import load

    window, live = cabinet_window, cabinet_window.live
    soak(type_into, live.panel, "80%", "3min", "1s")
    run_from_panel(qtbot, window)
    keep(qtbot, type_into, window, "soak")
    collective(qtbot, live.panel, "2d")
    run_from_panel(qtbot, window)
    keep(qtbot, type_into, window, "all-reduce")
    target = tmp_path / "kept.dojo"
    window.dialogs.answers["save_file"] = [str(target)]
    window.actions_by_name["save"].trigger()

    reopened = make_window(load(target), file_path=target)
    runs, overlay = reopened.live.runs, reopened.live.overlay
    soak_run, comm_run = reopened.document.design.runs
    reopened.live.docks["runs"].raise_()
    runs.select([0])
    view = runs.view
    assert view.record is soak_run and "soak" in view.title.text() and "Select" not in view.title.text()
    for name in ("tj_max_c", "it_power_w", "pue"):
        t, y = view.plots.data(name)
        np.testing.assert_allclose(np.column_stack([t, y]), np.asarray(soak_run.series[name]))
    assert view.plots.plots["junction"].isVisible() and view.isVisible()

    # The canvas shows its parts at its end, by temperature, the legend naming the run.
    assert reopened.overlay == "temperature" and overlay.caption.startswith("kept run “soak” at 3 min")
    legend = overlay.legend()
    assert legend is not None and "No values" not in legend.note and "soak" in legend.note
    last = soak_run.parts.values["chip"]["tj_c"][-1]
    np.testing.assert_allclose(overlay.state["chip_tj_c"], np.asarray(last, float))
    assert reopened.live.colours() is not None
    # ... or at a time picked on its slider.
    view.slider.setValue(0)
    first = soak_run.parts.values["chip"]["tj_c"][0]
    np.testing.assert_allclose(overlay.state["chip_tj_c"], np.asarray(first, float))
    assert units.format(soak_run.parts.time_s[0], "s") in view.time_label.text()

    # A kept collective: its busiest link per chip.
    runs.select([1])
    assert view.record is comm_run and reopened.overlay == "links"
    load_kept = np.asarray(comm_run.parts.values["chip"]["link_load_fraction"][-1], float)
    np.testing.assert_allclose(overlay.link_values["chip"], load_kept)
    assert "No values" not in overlay.legend().note
    # Unticked, the canvas goes back to the live run's values (none in this window).
    view.on_canvas.setChecked(False)
    assert overlay.caption == "" and overlay.link_index is None


def test_the_runs_list_shows_every_column_and_a_kept_runs_short_plots_labels_that_do_not_overlap(
        qtbot, type_into, drawn_labels, cabinet_window):
    window, live = cabinet_window, cabinet_window.live  # at the tests' window size, 1400 x 860
    training_step(type_into, live.panel)
    assert run_from_panel(qtbot, window).status == "finished"
    keep(qtbot, type_into, window, "training step, 30 s, 2d all-reduce, every D1 at 400 W")
    runs = live.runs
    live.docks["runs"].raise_()
    runs.select([0])
    QApplication.processEvents()
    # Every column in view, none cut by the list's edge; the kind and the time whole, the label and the figures
    # at least a few words wide, and the whole row in every column's tooltip.
    tree, header = runs.tree, runs.tree.header()
    assert header.length() <= tree.viewport().width() and not tree.horizontalScrollBar().isVisible()
    item, record = tree.topLevelItem(0), window.document.design.runs[0]
    metrics = tree.fontMetrics()
    for column in (1, 3):
        assert metrics.horizontalAdvance(item.text(column)) <= header.sectionSize(column)
    for column in (0, 2):
        assert header.sectionSize(column) >= 150
    assert item.text(3) == record.finished.replace("T", " ")[:16]  # to the minute, in UTC as the header says
    for column in range(4):
        tip = item.toolTip(column)
        assert record.label in tip and "PUE " in tip and "IT power " in tip and record.finished[11:19] in tip
    # The kept run's "Step" plot is as short as the dock makes it: its labels do not run into each other.
    step = runs.view.plots.plots["step"]
    axis = step.getAxis("left")
    labels = sorted(drawn_labels(axis), key=lambda label: label[1].top())
    metrics = QFontMetricsF(QFont())
    assert step.getViewBox().height() < 4 * metrics.height()  # (the case: a short plot)
    assert labels
    for (text, upper), (_, lower) in itertools.pairwise(labels):  # apart, the digits 2 px apart at least
        assert upper.bottom() <= lower.top()
        assert lower.center().y() - upper.center().y() >= metrics.tightBoundingRect(text).height() + 2


# --------------------------------------------------------------------------- two kept runs
def test_a_comparison_opens_wide_enough_to_read_and_lists_a_changed_tdp(qtbot, type_into, cabinet_window):
    window, live = cabinet_window, cabinet_window.live
    soak(type_into, live.panel, "80%")
    run_from_panel(qtbot, window)
    keep(qtbot, type_into, window, "D1 at 400 W")
    window.document.edit_figure("dojo-d1", "tdp_w", "500 W")
    run_from_panel(qtbot, window)
    keep(qtbot, type_into, window, "D1 at 500 W")
    runs = live.runs
    live.docks["runs"].raise_()
    runs.select([0, 1])
    assert "Compare" in runs.view.title.text()  # not "select two runs": two are
    qtbot.mouseClick(runs.compare_button, Qt.MouseButton.LeftButton)
    dialog = runs.comparison
    assert dialog is not None
    qtbot.waitExposed(dialog)
    name = window.document.design.specs["dojo-d1"].name
    assert f"{name}: TDP 400 W → 500 W" in dialog.changes_lines
    assert f"{name}: TDP 400 W → 500 W" in dialog.changes.text()
    # Every column of the figures can be read, B − A included: none is cut off by the table's edge.
    table = dialog.table
    assert table.horizontalHeaderItem(3).text() == "B − A"
    right = table.columnViewportPosition(3) + table.columnWidth(3)
    assert right <= table.viewport().width()
    for row in range(table.rowCount()):
        item = table.item(row, 3)
        assert table.fontMetrics().horizontalAdvance(item.text()) < table.columnWidth(3)
    assert dialog.width() >= 800 and dialog.plots.width() >= 500
    dialog.close()


# --------------------------------------------------------------------------- readouts
def test_the_readout_stays_on_the_data_and_the_first_fabric_load_plot_shows_it_all(qtbot, type_into, cabinet_window):
    window, live = cabinet_window, cabinet_window.live
    training_step(type_into, live.panel)  # the link map fills while its dock is behind the plots' (the bug's case)
    assert run_from_panel(qtbot, window).status == "finished"
    live.docks["links"].raise_()
    QApplication.processEvents()
    timeline = live.link_map.timeline
    x, _ = timeline.data("delivered_fraction")
    shown = timeline.plots["progress"].getViewBox().viewRange()[0]
    assert shown[0] <= x[0] and shown[1] >= x[-1]
    # Past the collective's end, the readout reads its end, not the pointer's time.
    timeline.show_crosshair(1.5 * x[-1])
    assert timeline.crosshair_t == x[-1]
    assert timeline.readout.text().startswith(f"t = {units.format(x[-1], 's')} ·")
    timeline.show_crosshair(-1.0)
    assert timeline.crosshair_t == x[0]


@pytest.mark.slow  # a run, then the pointer: up to 5 s
def test_the_hover_label_goes_when_the_view_is_fitted(qtbot, type_into, cabinet_window):
    window, live = cabinet_window, cabinet_window.live
    soak(type_into, live.panel, "80%", "1min", "1s")
    run_from_panel(qtbot, window)
    window.set_overlay("temperature")
    overlay = live.overlay
    chip = ((0, 0), (1, 2), (2, 2))
    window.view.enter(chip[:2])
    QApplication.processEvents()
    qtbot.mouseMove(window.view.viewport(), window.view.mapFromScene(window.scene.rect_of(chip).center()))
    qtbot.waitUntil(overlay.hover.isVisible)
    qtbot.keyClick(window.view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)  # Fit
    assert not overlay.hover.isVisible()
