"""A step's invariants: its parts add up, its timeline covers it, its power lies between idle and full load."""

import itertools

import numpy as np
import pytest

from dojo_gui.model.aggregate import summarize
from dojo_gui.model.economics import capex
from dojo_gui.model.templates import TEMPLATES
from dojo_gui.sim.training import Plan, TrainingSettings, simulate_training
from dojo_gui.sim.training.energy import SERVICE_YEARS


@pytest.fixture
def result(dgx2, gpt_small):
    return simulate_training(dgx2, gpt_small, TrainingSettings.for_model(gpt_small, recompute="full"),
                             Plan(tp=4, pp=2, dp=2, micro_batch=2, schedule="interleaved", interleave=2))


def test_the_parts_add_up_to_the_step(result):
    bd = result.step.breakdown
    assert bd.step_time_s == pytest.approx(result.step_time_s)
    assert min(bd.to_json().values()) >= 0 and bd.compute_s > bd.tp_comm_s > 0 and bd.bubble_s > 0


def test_the_timeline_covers_the_step_for_every_stage(result):
    timeline = result.step.timeline
    assert len(timeline.stages) == 2
    for segments in timeline.stages:
        assert segments[0].start_s == 0 and segments[-1].end_s == pytest.approx(result.step_time_s)
        assert all(a.end_s == pytest.approx(b.start_s) for a, b in itertools.pairwise(segments))
    used = timeline.chip_utilization(16)
    assert used.shape == (16,) and np.all((used > 0) & (used < 1))  # every GPU of the two nodes works
    times, values = timeline.utilization_trace(1)
    assert times[0] == 0 and times[-1] == pytest.approx(result.step_time_s) and set(values) <= {0.0, 0.2, 1.0}


def test_power_lies_between_idle_and_full_load(dgx2, result):
    s = summarize(dgx2)
    assert s.idle_power_w < result.energy.feed_power_w < s.max_power_w
    assert result.energy.energy_j == pytest.approx(result.energy.feed_power_w * result.time_to_train_s)
    assert result.energy.electricity_usd == pytest.approx(result.energy.energy_kwh * 0.10)
    assert result.energy.capex_usd == pytest.approx(capex(dgx2).total_usd) and result.energy.capex_usd > 0
    service_s = SERVICE_YEARS * 365.25 * 86400
    assert result.energy.capex_share_usd == pytest.approx(result.energy.capex_usd * result.time_to_train_s / service_s)


def test_a_chip_without_hbm_streams_what_sram_cannot_hold(catalog, models):
    design = TEMPLATES["dojo-cabinet"].make(catalog)
    model = models["llama3-8b"]
    settings = TrainingSettings.for_model(model, recompute="full", zero_stage=1, global_batch=64)
    result = simulate_training(design, model, settings, Plan(tp=4, pp=8, dp=8))
    mem = result.step.memory
    assert mem.fast_kind == "SRAM" and mem.total_bytes > mem.fast_bytes and mem.fits
    assert mem.streamed_bytes > 0
    bd = result.step.breakdown
    assert bd.memory_stream_s == pytest.approx(max(0.0, mem.stream_s - bd.compute_s - bd.tp_comm_s))
