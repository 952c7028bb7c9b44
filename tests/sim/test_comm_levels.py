"""Identical components run once (exact), and hierarchical collectives estimated level by level."""

from __future__ import annotations

import numpy as np
import pytest

from dojo_gui.fabric.fabric import Fabric
from dojo_gui.model.templates import grid_design
from dojo_gui.sim import comm_classes, comm_engine, comm_levels
from dojo_gui.sim.collectives import build_schedule, resolve_scope
from dojo_gui.sim.comm import simulate_collective

S = float(1 << 30)


@pytest.fixture
def pod(catalog):
    """Two cabinets of 2x2 Dojo tiles of 3x3 chips: 72 chips, every level of the hierarchy, rings with
    a two-hop step, tile edges shared by the rings across tiles."""
    return Fabric.from_design(grid_design(catalog, "dojo-d1", (3, 3), (2, 2), (1, 2)))


def _levels(fabric: Fabric, collective: str = "allreduce"):
    sched = build_schedule(fabric, collective, "hierarchical", S, resolve_scope(fabric, None))
    return comm_levels.levels_of(sched)


@pytest.mark.parametrize("latency", [True, False])
def test_a_level_run_once_per_class_is_the_level_run_whole(pod, latency):
    reduced = 0
    for level in _levels(pod):
        found = comm_classes.find_copies(level)
        whole = comm_engine.run(level, latency=latency)
        fast = comm_classes.run_copies(level, latency=latency)
        if found is not None:
            reduced += 1
            assert found[0].n_transfers < level.n_transfers  # something was left out and copied back
        assert fast.time_s == pytest.approx(whole.time_s, rel=1e-12)
        for name in ("chip_finish_s", "link_bytes", "link_saturated_s", "timeline_bytes"):
            np.testing.assert_allclose(getattr(fast, name), getattr(whole, name), rtol=1e-9, atol=1e-3, err_msg=name)
        np.testing.assert_array_equal(fast.link_peak_flows, whole.link_peak_flows)
        assert fast.transfers == whole.transfers
    assert reduced >= 2  # the tiles' rings and the rings across each cabinet's tiles


def test_copies_need_the_same_links(catalog):
    """A tile whose edge links are slower than the others' is not a copy of them."""
    fabric = Fabric.from_design(grid_design(catalog, "dojo-d1", (3, 3), (1, 2), (1, 1)))
    level = _levels(fabric)[0]
    assert comm_classes.find_copies(level) is not None
    fabric.link_capacity_Bps[fabric.link_src == 0] *= 0.5  # chip 0's outgoing links: only its tile differs
    found = comm_classes.find_copies(level)
    assert found is None or found[0].n_transfers == level.n_transfers


@pytest.mark.parametrize("collective", ["allreduce", "reducescatter", "allgather"])
def test_level_by_level_is_marked_conserves_bytes_and_keeps_above_the_bounds(pod, collective, monkeypatch):
    exact = simulate_collective(pod, collective, S, "hierarchical")
    monkeypatch.setattr(comm_levels, "LEVELWISE_TRANSFERS", 0)
    estimate = simulate_collective(pod, collective, S, "hierarchical")
    assert exact.exact and not estimate.exact
    assert estimate.engine == comm_levels.MODE and comm_levels.LEVELWISE_NOTE in estimate.notes
    doc = estimate.to_json()
    assert doc["exact"] is False and comm_levels.LEVELWISE_NOTE in doc["notes"]
    assert estimate.run_record()["parameters"]["exact"] is False
    # The same transfers on the same links: the same bytes everywhere.
    np.testing.assert_allclose(estimate.link_bytes, exact.link_bytes, rtol=1e-9)
    sched = build_schedule(pod, collective, "hierarchical", S, resolve_scope(pod, None))
    assert estimate.link_bytes.sum() == pytest.approx(sum(
        s.nbytes * comm_engine.pattern_infos(sched, True)[id(s.pattern)].inc_link.size for s in sched.steps))
    assert estimate.time_s >= estimate.lower_bound_s
    # Each level is exact and starts when the one below has ended: the sum of the levels run alone.
    alone = sum(comm_engine.run(level).time_s for level in _levels(pod, collective))
    assert estimate.time_s == pytest.approx(alone, rel=1e-12)
    # The timeline holds every byte, and chips finish by the end.
    widths = np.diff(estimate.timeline_edges_s)
    carried = (estimate.timeline_utilization * widths[:, None] * pod.link_capacity_Bps[None, :]).sum()
    assert carried == pytest.approx(estimate.link_bytes.sum(), rel=1e-4)
    assert estimate.chip_finish_s.max() == pytest.approx(estimate.time_s, rel=1e-12)
    # Asked for, the exact run is what runs.
    assert simulate_collective(pod, collective, S, "hierarchical", exact=True).time_s == exact.time_s


def test_only_large_hierarchical_runs_with_latency_are_estimated(pod, monkeypatch):
    monkeypatch.setattr(comm_levels, "LEVELWISE_TRANSFERS", 0)
    assert not simulate_collective(pod, "allreduce", S, "hierarchical", latency=False).notes.count(
        comm_levels.LEVELWISE_NOTE)
    assert simulate_collective(pod, "allreduce", S, "hierarchical", chunks=2).exact
    assert simulate_collective(pod, "allreduce", S, "ring").exact
