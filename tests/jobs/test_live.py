"""The parts of a live run that need no window: the buffer, the control, progress of a collective, run records."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from dojo_gui.fabric.fabric import Fabric
from dojo_gui.jobs.live import (
    CommJob,
    CommTimeCache,
    Control,
    LiveBuffer,
    ThermalJob,
    chip_link_load,
    collective_progress,
    execute,
    link_geometry,
)
from dojo_gui.model.templates import TEMPLATES
from dojo_gui.sim.comm import simulate_collective
from dojo_gui.sim.scenario import ConstantLoad, Scenario


@pytest.fixture
def cabinet(catalog):
    return TEMPLATES["dojo-cabinet"].make(catalog)


def test_the_buffer_hands_over_every_frame_once_and_only_the_latest_state():
    buffer = LiveBuffer()
    buffer.frames(np.array([1.0, 2.0]), {"a": np.array([10.0, 20.0])}, 2.0, 0.2)
    buffer.state({"n": 1})
    buffer.frames(np.array([3.0]), {"a": np.array([30.0])}, 3.0, 0.3)
    buffer.state({"n": 2})
    update = buffer.take()
    np.testing.assert_array_equal(update.room_time_s, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(update.room["a"], [10.0, 20.0, 30.0])
    assert update.state == {"n": 2} and update.time_s == 3.0 and update.fraction == 0.3
    again = buffer.take()
    assert len(again.room_time_s) == 0 and again.state is None


def test_control_holds_a_paused_worker_until_resumed_or_stopped():
    control = Control()
    assert control.should_stop() is False
    control.pause()
    answers = []
    worker = threading.Thread(target=lambda: answers.append(control.should_stop()))
    worker.start()
    worker.join(0.05)
    assert worker.is_alive() and control.waiting  # held
    control.stop()  # stopping a paused run wakes it to stop
    worker.join(5)
    assert answers == [True] and not control.waiting


def test_a_collectives_progress_ends_with_every_byte_and_chip(cabinet):
    fabric = Fabric.from_design(cabinet)
    result = simulate_collective(cabinet, "allreduce", 2**28, "2d", fabric=fabric)
    progress = collective_progress(result)
    t = progress["time_s"]
    assert np.all(np.diff(t) > 0) and t[-1] == pytest.approx(result.time_s)
    assert progress["delivered_fraction"][-1] == pytest.approx(1.0)
    assert np.all(np.diff(progress["delivered_fraction"]) >= -1e-12)
    assert progress["chips_done_fraction"][-1] == pytest.approx(1.0)
    # All bytes over the links are what the timeline holds, bin by bin.
    widths = np.diff(result.timeline_edges_s)
    carried = (result.timeline_utilization * result.links.capacity_Bps[None, :]).sum(axis=1) @ widths
    assert carried == pytest.approx(result.link_bytes.sum(), rel=1e-5)
    # Each chip's busiest link is the largest utilization of any link it sends or receives on.
    links = link_geometry(fabric, result)
    load = chip_link_load(links, result.link_utilization)
    k = 17
    mine = (fabric.link_src == k) | (fabric.link_dst == k)
    assert load[k] == result.link_utilization[mine].max()
    assert links["grid_shape"] == (10, 30)


def test_jobs_run_without_a_window_and_problems_are_outcomes_not_exceptions(cabinet):
    buffer, control, cache = LiveBuffer(), Control(), CommTimeCache()
    outcome = execute(ThermalJob(Scenario(ConstantLoad(0.5), 30.0, 1.0)), cabinet, 3, buffer, control, cache)
    assert outcome.status == "finished" and outcome.result.time_s == 30.0 and outcome.revision == 3
    update = buffer.take()
    assert update.setup["kind"] == "thermal" and len(update.room_time_s) == len(outcome.result.room_time_s)
    bad = execute(CommJob(scope="cabinet:nowhere"), cabinet, 3, LiveBuffer(), Control(), cache)
    assert bad.status == "failed" and "no cabinet is named 'nowhere'" in bad.message
    stopped_control = Control()
    stopped_control.stop()
    stopped = execute(ThermalJob(Scenario(ConstantLoad(0.5), 3600.0, 0.1)), cabinet, 3, LiveBuffer(), stopped_control,
                      cache)
    assert stopped.status == "stopped" and stopped.result is None  # stopped before it began: nothing to show

