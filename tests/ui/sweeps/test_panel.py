"""The Sweeps panel offscreen: vary a figure from the inspector, run in this process, read the table and the plot,
open a variant, stop, keep the sweep with the project."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu

from dojo_gui.io.project import load
from dojo_gui.jobs.sweep.estimate import Timings
from dojo_gui.jobs.sweep.table import pareto_front
from dojo_gui.model.templates import TEMPLATES

CHIP = ((0, 0), (0, 0), (2, 2))


@pytest.fixture
def window(make_window, catalog, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # a cache of this test's own
    w = make_window(TEMPLATES["dojo-cabinet"].make(catalog))
    w.live.panel.duration.setText("1min")
    yield w
    w.sweeps.shutdown()
    for other in list(w.sweeps.windows):
        other.document.undo_stack.setClean()
        other.close()


def vary_from_inspector(qtbot, window, monkeypatch, figure="tdp_w"):
    """Ask for the figure's context menu in the inspector and pick "Vary this figure…".  The offscreen platform
    cannot show a popup (the real-window test right-clicks): the menu is taken as it would pop up."""
    popped = []
    monkeypatch.setattr(QMenu, "popup", lambda menu, *_args: popped.append(menu))
    window.selection.select_and_focus([CHIP], reveal=False)
    inspector = window.inspector
    qtbot.waitUntil(lambda: inspector.target == ("part", CHIP) and not inspector._rebuild_timer.isActive())
    editor = inspector.findChild(QLineEdit, f"figure-{figure}")
    editor.customContextMenuRequested.emit(QPoint(4, 4))
    menu = popped[0]
    assert [a.text() for a in menu.actions()][-1] == "Vary this figure…" and len(menu.actions()) > 3  # and copy, paste
    next(a for a in menu.actions() if a.objectName() == "varyFigure").trigger()
    menu.deleteLater()


def run(qtbot, panel, timeout=120_000):
    with qtbot.waitSignal(panel.controller.sigEnded, timeout=timeout) as ended:
        assert panel.run()
    return ended.args[0]


def test_vary_a_figure_from_the_inspector_then_run_and_read_the_results(qtbot, window, monkeypatch):
    vary_from_inspector(qtbot, window, monkeypatch)
    panel = window.sweeps.panel
    assert window.sweeps.dock.isVisible()
    assert panel.form.axis_edit.text() == "dojo-d1.tdp=320W..480W:5"  # a range around its 400 W
    qtbot.keyClick(panel.form.axis_edit, Qt.Key_Return)
    assert panel.form.axis_texts() == ["dojo-d1.tdp=320W..480W:5"]
    panel.form.axis_edit.setText("tile.grid=4x4,5x5")
    panel.form.add_axis()
    panel.form.workers.setValue(0)
    assert panel.count_label.text().startswith("10 variants")
    outcome = run(qtbot, panel)
    assert outcome.status == "finished" and [r.index for r in outcome.results] == list(range(10))
    model = panel.table.model
    assert model.rowCount() == 10
    tdps = [r.variant["dojo-d1.tdp_w"] for r in model.rows]
    assert sorted(tdps) == [320.0, 320.0, 360.0, 360.0, 400.0, 400.0, 440.0, 440.0, 480.0, 480.0]
    # Sorting a figure's column sorts by its number, not its text.
    col = next(i for i, c in enumerate(model.cols) if c.key == "tj_max_c")
    panel.table.view.sortByColumn(col, Qt.DescendingOrder)
    shown = [panel.table.proxy.index(r, col).data(Qt.UserRole + 1) for r in range(10)]
    assert shown == sorted(shown, reverse=True)
    # The plot: every variant a point, the front what nothing beats on both figures.
    panel.scatter.choose("capex_usd", "peak_flops", "tj_max_c")
    x, y = panel.scatter.values("capex_usd"), panel.scatter.values("peak_flops")
    assert len(panel.scatter.points.data) == 10
    assert set(panel.scatter.front) == set(np.array([r.index for r in model.rows])[pareto_front(x, y, "low", "high")])
    assert "Pareto front" in panel.scatter.legend.text()


def test_a_click_on_a_point_opens_that_variant_in_a_window(qtbot, window):
    panel = window.sweeps.panel
    window.sweeps.show()
    panel.form.axis_edit.setText("dojo-d1.tdp=350W,450W")
    panel.form.add_axis()
    panel.form.workers.setValue(0)
    run(qtbot, panel)
    panel.tabs.setCurrentWidget(panel.scatter)
    scatter = panel.scatter
    scatter.choose("tj_max_c", "facility_power_w", "tj_max_c")
    qtbot.waitUntil(scatter.plot.isVisible)
    x, y = scatter.point_of(1)
    vb = scatter.plot.getPlotItem().vb
    scatter.plot.getPlotItem().enableAutoRange()
    QApplication.processEvents()
    where = scatter.plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    qtbot.mouseClick(scatter.plot.viewport(), Qt.LeftButton, pos=where)
    qtbot.waitUntil(lambda: len(window.sweeps.windows) == 1)
    other = window.sweeps.windows[0]
    design = other.document.design
    assert design.specs["dojo-d1"].tdp_w == 450.0 and "dojo-d1.tdp 450 W" in design.name
    assert other.document.file_path is None and window.document.design.specs["dojo-d1"].tdp_w == 400.0


def test_stop_cancels_the_variants_that_have_not_run(qtbot, window):
    panel = window.sweeps.panel
    window.sweeps.show()
    panel.form.axis_edit.setText("dojo-d1.tdp=300W..500W:40")
    panel.form.add_axis()
    panel.form.workers.setValue(0)
    panel.controller.sigResults.connect(lambda _r: panel.controller.stop())
    outcome = run(qtbot, panel)
    statuses = [r.status for r in outcome.results]
    assert outcome.status == "stopped" and statuses[0] == "ok" and statuses[-1] == "cancelled"
    assert "cancelled" in panel.message.text()


def test_keep_sweep_saves_it_with_the_project_and_undo_takes_it_back(qtbot, window, tmp_path):
    panel = window.sweeps.panel
    window.sweeps.show()
    panel.form.axis_edit.setText("tile.grid=4x4,5x5")
    panel.form.add_axis()
    panel.form.workers.setValue(0)
    run(qtbot, panel)
    panel.keep_button.click()
    document = window.document
    assert [len(s.results) for s in document.design.sweeps] == [2] and document.modified
    path = tmp_path / "kept.dojo"
    document.save(path)
    again = load(path)
    assert again.sweeps[0].results[1].variant == {"tile.grid": "5x5"}
    document.undo_stack.undo()
    assert document.design.sweeps == []
    document.undo_stack.redo()
    assert panel.kept.count() == 2  # this session's, and the kept one


def test_a_bad_axis_is_refused_with_the_reason_and_nothing_runs(qtbot, window):
    panel = window.sweeps.panel
    window.sweeps.show()
    panel.form.axis_edit.setText("dojo-d1.tdp=-5W")
    assert not panel.form.add_axis()
    assert "cannot be negative" in panel.message.text() and panel.form.axis_texts() == []
    panel.form.axis_edit.setText("dojo-d1.tdp=300W")
    panel.form.add_axis()
    window.live.panel.duration.setText("soon")
    assert not panel.run()
    assert "Duration" in panel.message.text() and not panel.controller.busy


def test_the_estimate_follows_the_last_sweeps_of_the_kind(qtbot, window, tmp_path):
    panel = window.sweeps.panel
    panel.timings = Timings(tmp_path / "timings.json")
    window.sweeps.show()
    panel.form.axis_edit.setText("dojo-d1.tdp=300W..500W:4")
    panel.form.add_axis()
    panel.form.workers.setValue(0)
    assert "no estimate yet" in panel.count_label.text()
    run(qtbot, panel)
    assert "about" in panel.count_label.text() and "in this process" in panel.count_label.text()


@pytest.mark.slow
def test_the_panel_runs_on_a_local_cluster_of_two_workers_from_its_thread(qtbot, window):
    """The default: a LocalCluster started from the sweep's QThread (not the main thread), closed at the end."""
    panel = window.sweeps.panel
    window.sweeps.show()
    panel.form.axis_edit.setText("dojo-d1.tdp=300W..500W:4")
    panel.form.add_axis()
    panel.form.workers.setValue(2)
    progress = []
    panel.controller.sigProgress.connect(progress.append)
    outcome = run(qtbot, panel, timeout=300_000)
    assert outcome.status == "finished" and [r.status for r in outcome.results] == ["ok"] * 4
    assert max(p.workers for p in progress) == 2 and "local Dask cluster" in progress[-1].where
    assert "2 workers" in panel.progress_label.text()
