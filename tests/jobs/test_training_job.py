"""Training as a live job without a window: the plan, then its window on the thermal engine, streamed; refusals."""

from __future__ import annotations

import pytest

from dojo_gui.jobs.live import CommTimeCache, Control, LiveBuffer, execute
from dojo_gui.jobs.training import TrainingJob
from dojo_gui.model.templates import TEMPLATES
from dojo_gui.model.transformer import TransformerModel
from dojo_gui.sim.training import Plan, ThermalWindow, TrainingSettings, simulate_training

GPT = TransformerModel(id="gpt-small", name="GPT small", layers=8, hidden=1024, heads=16, vocab=32000, seq_len=1024,
                       global_batch=64)


@pytest.fixture
def pod(catalog):
    return TEMPLATES["dgx-a100-superpod"].make(catalog, 2)


def run(job, design, control=None):
    buffer = LiveBuffer()
    outcome = execute(job, design, 7, buffer, control or Control(), CommTimeCache())
    return outcome, buffer


def test_the_plan_then_its_window_streamed_then_the_result_as_simulate_training_gives_it(pod):
    settings = TrainingSettings.for_model(GPT, recompute="full", tokens=1e9)
    job = TrainingJob(GPT, settings, Plan(4, 2, 2, 2), window=ThermalWindow(duration_s=60.0))
    outcome, buffer = run(job, pod)
    assert outcome.status == "finished" and outcome.revision == 7, outcome.message
    headless = simulate_training(pod.copy(), GPT, settings, Plan(4, 2, 2, 2), thermal=ThermalWindow(duration_s=60.0))
    assert outcome.result.step_time_s == headless.step_time_s
    assert outcome.result.energy.feed_power_w == pytest.approx(headless.energy.feed_power_w, rel=1e-12)
    update = buffer.take()
    assert update.setup["kind"] == "thermal" and update.setup["training"] is True
    assert update.setup["plan"].plan == outcome.result.plan  # the plan, before its window ran
    assert update.time_s == pytest.approx(60.0) and len(update.room_time_s) > 0
    assert update.room["step_time_s"][-1] == pytest.approx(headless.step_time_s)


def test_a_plan_the_design_cannot_take_is_refused_with_its_field(pod):
    job = TrainingJob(GPT, TrainingSettings.for_model(GPT), Plan(16, 1, 1))
    outcome, buffer = run(job, pod)
    assert outcome.status == "failed" and outcome.field == "tp" and "larger than a tile" in outcome.message
    assert buffer.take().setup["kind"] == "training"  # no thermal run was announced


def test_stopped_before_the_window_it_ends_with_nothing_to_keep(pod):
    control = Control()
    control.stop()
    outcome, _ = run(TrainingJob(GPT, TrainingSettings.for_model(GPT)), pod, control)
    assert outcome.status == "stopped" and outcome.result is None
