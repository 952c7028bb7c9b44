"""Training a model from the run panel: the plan or a search in the worker, the step as a Gantt chart, the
breakdown, the ranked table, the placement on the canvas, Keep Run; impossible plans refused with their field."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from dojo_gui.model.templates import TEMPLATES
from dojo_gui.render.colours import CategoryColours
from dojo_gui.sim.training import Plan, simulate_training
from dojo_gui.ui.simulation.forms import ERROR_STYLE

RUN_TIMEOUT_MS = 120_000


@pytest.fixture
def pod_window(simulation_window, catalog):
    """A window on two DGX A100 (16 GPUs): a search there takes a few seconds."""
    return simulation_window(TEMPLATES["dgx-a100-superpod"].make(catalog, 2))


def choose(combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))


def fill_training_form(type_into, panel, model="megatron-gpt-1.7b", batch="64"):
    form = panel.training_form
    panel.set_scenario("model")
    choose(form.model_combo, model)
    type_into(form.global_batch, batch)
    type_into(form.tokens, "10B")


def run_from_panel(qtbot, window, timeout=RUN_TIMEOUT_MS):
    with qtbot.waitSignal(window.live.controller.sigEnded, timeout=timeout) as ended:
        qtbot.mouseClick(window.live.panel.run_button, Qt.LeftButton)
    return ended.args[0]


@pytest.mark.slow  # a plan search and its run: ~2.5 s
def test_a_search_shows_its_plan_step_breakdown_table_and_placement_and_is_kept(qtbot, type_into, pod_window):
    window, panel, live = pod_window, pod_window.live.panel, pod_window.live
    fill_training_form(type_into, panel)
    progress = []
    live.controller.sigUpdate.connect(lambda u: progress.append((u.phase, u.fraction)))
    outcome = run_from_panel(qtbot, window)
    assert outcome.status == "finished", outcome.message
    job, result = outcome.job, outcome.result
    assert job.plan is None and job.settings.global_batch == 64 and job.settings.tokens == 10e9
    assert any(phase.startswith("Searching") and 0 < f < 1 for phase, f in progress)  # the search's progress
    # The same question asked headless gets the same plan and step.
    design = TEMPLATES["dgx-a100-superpod"].make(window.catalog, 2)
    expected = simulate_training(design, job.model, job.settings, thermal=None)
    assert result.plan == expected.plan and result.step_time_s == pytest.approx(expected.step_time_s, rel=1e-12)
    assert result.energy is not None and result.energy.pue > 1

    view = live.training_view
    assert live.docks["training"].isVisible()
    # The Gantt chart draws every segment of every stage, in the step's time.
    timeline = result.step.timeline
    assert view.gantt.segments == sum(len(s) for s in timeline.stages) and view.gantt.stages == result.plan.pp
    for kind, bar in view.gantt.bars.items():
        widths = bar.opts["width"]
        expected_widths = [s.duration_s for segs in timeline.stages for s in segs if s.kind == kind]
        assert sorted(widths) == pytest.approx(sorted(expected_widths))
    # The stacked bar holds the breakdown's parts, adding up to the step.
    assert sum(v for _, v in view.bar.parts) == pytest.approx(result.step_time_s)
    assert "MFU" in view.summary.text() and "PUE" in view.summary.text()
    # The ranked table: every plan tried that fits, then the refused; sorted by step time when asked.
    search = result.search
    assert view.proxy.rowCount() == len(search.ranked) + len(search.rejected)
    assert view.proxy.index(0, 0).data() == "1" and view.proxy.index(0, 2).data() == "the fastest plan that fits"
    assert view.model.horizontalHeaderItem(1).text() == "Step time"
    header = view.table.horizontalHeader()
    middle = QPoint(header.sectionViewportPosition(1) + header.sectionSize(1) // 2, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=middle)  # a click on the heading
    assert header.sortIndicatorSection() == 1
    times = [view.proxy.index(r, 1).data(Qt.UserRole + 1) for r in range(view.proxy.rowCount())]
    if header.sortIndicatorOrder() != Qt.AscendingOrder:
        times.reverse()
    assert times == sorted(times) and len(set(times)) > 1  # as numbers, not as text

    # The placement on the canvas: chips coloured by stage, shaded by replica; a legend of stages.
    window.set_overlay("plan")
    provider = live.colours()
    assert isinstance(provider, CategoryColours)
    ranks = result.step.layout.ranks
    codes = provider.codes("chip")
    for j in range(ranks.shape[0]):
        for d in range(ranks.shape[1]):
            assert set(codes[ranks[j, d]].tolist()) == {3 * j + d % 3}
    legend = window.legend  # the one legend over the canvas, saying what the plan's colours mean
    assert legend.isVisible() and legend.swatches.isVisible() and "Pipeline stage" in legend.title.text()
    stages = ranks.shape[0]
    assert [text for _, text in legend.legend.swatches][:stages] == [f"stage {j + 1}" for j in range(stages)]
    chip = result.chip_paths[int(ranks[0, 0, 0])]
    assert "pipeline stage 1 of" in live.overlay.describe(chip)

    # Keep Run keeps the training record with the project.
    assert panel.keep_button.isEnabled()
    type_into(panel.keep_label, "1.7B search")
    qtbot.mouseClick(panel.keep_button, Qt.LeftButton)
    (record,) = window.document.design.runs
    assert record.kind == "train" and record.label == "1.7B search"
    assert record.parameters["tp"] == result.plan.tp and record.parameters["pp"] == result.plan.pp
    assert record.key_figures["pue"] == pytest.approx(result.energy.pue)
    assert record.key_figures["step_time_s"] == pytest.approx(result.step_time_s)


def test_the_plan_given_runs_as_given(qtbot, type_into, pod_window):
    window, panel = pod_window, pod_window.live.panel
    form = panel.training_form
    fill_training_form(type_into, panel)
    qtbot.mouseClick(form.plan_radio, Qt.LeftButton)
    for edit, text in ((form.tp, "4"), (form.pp, "2"), (form.dp, "2")):
        type_into(edit, text)
    type_into(form.micro_batch, "2")
    choose(form.schedule, "interleaved")
    type_into(form.interleave, "2")
    outcome = run_from_panel(qtbot, window)
    assert outcome.status == "finished", outcome.message
    assert outcome.result.plan == Plan(4, 2, 2, 2, "interleaved", 2, "data-contiguous")
    assert outcome.result.search is None
    view = window.live.training_view
    assert view.proxy.rowCount() == 0 and "no search" in view.plans_title.text()
    assert view.gantt.stages == 2


def test_a_plan_the_model_cannot_take_is_refused_at_once_with_its_field_marked(qtbot, type_into, pod_window):
    panel, live = pod_window.live.panel, pod_window.live
    form = panel.training_form
    fill_training_form(type_into, panel)
    qtbot.mouseClick(form.plan_radio, Qt.LeftButton)
    type_into(form.tp, "5")
    started = []
    live.controller.sigStarted.connect(started.append)
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    QApplication.processEvents()
    assert not started and live.controller.state == "idle"  # nothing ran
    assert "TP 5 does not divide the model's 24 attention heads" in panel.message.text()
    assert form.tp.styleSheet() == ERROR_STYLE and form.tp.hasFocus()
    type_into(form.tp, "4")
    assert form.tp.styleSheet() == ""  # typing clears the mark


def test_a_plan_the_design_cannot_take_is_refused_before_any_engine_runs(qtbot, type_into, pod_window):
    window, panel, live = pod_window, pod_window.live.panel, pod_window.live
    form = panel.training_form
    fill_training_form(type_into, panel)
    form.sequence_parallel.setChecked(False)
    qtbot.mouseClick(form.plan_radio, Qt.LeftButton)
    for edit, text in ((form.tp, "12"), (form.pp, "1"), (form.dp, "1")):  # 12 divides the 24 heads
        type_into(edit, text)
    outcome = run_from_panel(qtbot, window)
    assert outcome.status == "failed" and outcome.field == "tp" and outcome.result is None
    assert "larger than a tile (8 chips)" in panel.message.text()
    assert "Refused" in panel.progress_label.text()
    assert form.tp.styleSheet() == ERROR_STYLE
    assert live.thermal_plots.series is None  # the thermal engine never started
    assert not panel.keep_button.isEnabled()
    # Too little memory: the split as a whole is at fault, its three degrees marked.
    for edit, text in ((form.tp, "1"), (form.pp, "1"), (form.dp, "1")):
        type_into(edit, text)
    choose(form.model_combo, "gpt3-175b")
    type_into(form.global_batch, "64")
    outcome = run_from_panel(qtbot, window)
    assert outcome.status == "failed" and outcome.field == "plan" and "does not fit" in outcome.message
    assert all(e.styleSheet() == ERROR_STYLE for e in (form.tp, form.pp, form.dp))


def test_stop_ends_a_search_at_once(qtbot, type_into, make_window, exapod):
    window = make_window(exapod)  # a GPT-3 search on 3,000 chips takes many seconds
    panel, controller = window.live.panel, window.live.controller
    fill_training_form(type_into, panel, "gpt3-175b", "1536")
    progress = []
    controller.sigUpdate.connect(lambda update: progress.append(update.fraction))
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(progress) and progress[-1] > 0.05, timeout=RUN_TIMEOUT_MS)
    with qtbot.waitSignal(controller.sigEnded, timeout=2000) as ended:
        clicked = time.perf_counter()
        qtbot.mouseClick(panel.stop_button, Qt.LeftButton)
    assert time.perf_counter() - clicked < 0.5
    assert ended.args[0].status == "stopped" and ended.args[0].result is None
    qtbot.waitUntil(lambda: controller.threads_running() == 0, timeout=5000)  # the search stopped too
    assert not panel.keep_button.isEnabled() and "Stopped" in panel.progress_label.text()


@pytest.mark.slow  # a training run: ~2 s
def test_editing_the_design_marks_the_training_results_stale(qtbot, type_into, pod_window):
    window, panel, live = pod_window, pod_window.live.panel, pod_window.live
    fill_training_form(type_into, panel)
    assert run_from_panel(qtbot, window).status == "finished"
    view = live.training_view
    assert not view.note.isVisible()
    window.document.edit_figure("nvidia-a100-sxm-80gb", "tdp_w", "450W")
    qtbot.waitUntil(view.note.isVisible)
    assert "Stale" in view.note.text()
    assert np.isfinite(view.result.step_time_s)  # the results stay on show, marked
