"""The engines give the same answers whether routes are kept as runs of link places (as grids route
them) or listed link by link, and a schedule is never refused for the hops of its routes alone."""

from __future__ import annotations

import numpy as np
import pytest

from dojo_gui.fabric.fabric import Fabric
from dojo_gui.fabric.routeset import RouteSet
from dojo_gui.model.templates import grid_design
from dojo_gui.sim import comm_classes, comm_engine, comm_levels
from dojo_gui.sim.collectives import build_schedule, resolve_scope
from dojo_gui.sim.comm_plan import Plan
from dojo_gui.sim.comm_schedule import Schedule

S = float(1 << 30)


def _listed(sched: Schedule) -> Schedule:
    """The same schedule with its routes listed link by link (the representation grids used before)."""
    rs = sched.routes
    return Schedule(sched.fabric, sched.chips, RouteSet(rs.indptr, rs.links, sched.fabric), sched.steps,
                    list(sched.notes))


def _same(a: comm_engine.EngineResult, b: comm_engine.EngineResult) -> None:
    assert a.mode == b.mode
    assert a.time_s == pytest.approx(b.time_s, rel=1e-12)
    np.testing.assert_allclose(a.chip_finish_s, b.chip_finish_s, rtol=1e-12)
    np.testing.assert_allclose(a.link_bytes, b.link_bytes, rtol=1e-9)
    np.testing.assert_allclose(a.link_saturated_s, b.link_saturated_s, rtol=1e-9, atol=1e-15)
    np.testing.assert_array_equal(a.link_peak_flows, b.link_peak_flows)
    np.testing.assert_array_equal(a.link_bytes > 0, b.link_bytes > 0)
    np.testing.assert_allclose(a.timeline_bytes, b.timeline_bytes, rtol=1e-5, atol=1e-3)


CASES = [
    # (tile, cabinet, room, torus, collective, algorithm): exclusive links and max-min, meshes and tori
    ((5, 5), (1, 1), (1, 1), {"tile"}, "allreduce", "ring"),
    ((5, 5), (1, 1), (1, 1), {"tile"}, "allreduce", "bidirectional-ring"),
    ((4, 6), (1, 1), (1, 1), {"tile"}, "allreduce", "2d"),
    ((4, 4), (1, 1), (1, 1), {"tile"}, "alltoall", "direct"),
    ((3, 3), (2, 2), (1, 2), set(), "allreduce", "hierarchical"),
    ((3, 4), (1, 2), (2, 1), set(), "alltoall", "2d"),
]


@pytest.mark.parametrize("latency", [True, False])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[5]}-{c[4]}-{c[0]}{'-torus' if c[3] else ''}")
def test_runs_and_listed_links_give_the_same_run(catalog, case, latency):
    tile, cabinet, room, torus, collective, algorithm = case
    fabric = Fabric.from_design(grid_design(catalog, "dojo-d1", tile, cabinet, room, torus))
    sched = build_schedule(fabric, collective, algorithm, S, resolve_scope(fabric, None))
    assert sched.routes._links is None  # a grid's routes are runs
    listed = _listed(sched)
    _same(comm_engine.run(sched, latency=latency), comm_engine.run(listed, latency=latency))
    assert comm_engine.quick_floor_s(sched, latency) == pytest.approx(comm_engine.quick_floor_s(listed, latency),
                                                                      rel=1e-12)


def test_hierarchical_with_latency_level_by_level_and_exact_agree_across_representations(catalog):
    """The level-by-level estimate (copies found by runs) and the exact run, each with routes as runs
    and as link lists; the estimate is never below the exact run."""
    fabric = Fabric.from_design(grid_design(catalog, "dojo-d1", (3, 3), (2, 2), (1, 2)))
    sched = build_schedule(fabric, "allreduce", "hierarchical", S, resolve_scope(fabric, None))
    listed = _listed(sched)
    exact = comm_engine.run(sched, latency=True)
    _same(exact, comm_engine.run(listed, latency=True))
    estimate = comm_levels.run_levels(sched, latency=True)
    _same(estimate, comm_levels.run_levels(listed, latency=True))
    assert estimate.time_s >= exact.time_s * (1 - 1e-12)
    np.testing.assert_allclose(estimate.link_bytes, exact.link_bytes, rtol=1e-9)


def test_copies_found_by_runs_run_as_the_whole_level(catalog):
    """Each level's classes, found by runs: running one copy of each gives the whole level's figures, and
    the copies are there to be found (tiles, then the rings across each cabinet's tiles)."""
    fabric = Fabric.from_design(grid_design(catalog, "dojo-d1", (2, 3), (2, 2), (2, 2)))
    sched = build_schedule(fabric, "allreduce", "hierarchical", S, resolve_scope(fabric, None))
    found = 0
    for level in comm_levels.levels_of(sched):
        copies = comm_classes.find_copies(level)
        found += copies is not None
        for latency in (True, False):
            _same(comm_classes.run_copies(level, latency=latency), comm_engine.run(level, latency=latency))
    assert found >= 2


def test_copies_on_a_torus_whose_rings_use_the_wraparound(catalog):
    """The rows of a 6x6 torus, each a ring through its wraparound link: one row run, five copied."""
    fabric = Fabric.from_design(grid_design(catalog, "dojo-d1", (6, 6), (1, 1), (1, 1), {"tile"}))
    assert fabric.wrap_x and fabric.chip_coords is not None
    plan = Plan(fabric, np.arange(fabric.n_chips), 1)
    grid = np.full(fabric.grid_shape, -1)
    grid[fabric.chip_coords[:, 0], fabric.chip_coords[:, 1]] = np.arange(fabric.n_chips)
    plan.ring_phase(list(grid), 5, S / 6, plan.start(), "rows")
    sched = plan.build()
    found = comm_classes.find_copies(sched)
    assert found is not None and found[0].patterns()[0].size == 6 and len(found[1]) == 5
    for latency in (True, False):
        _same(comm_classes.run_copies(sched, latency=latency), comm_engine.run(sched, latency=latency))


def test_the_30000_chip_hierarchical_schedule_is_planned_not_refused(catalog):
    """``new grid --chip dojo-d1 --tile 1x250``: its room level's routes cross 81 million links, which
    were refused before routing; as runs they take a few per route."""
    fabric = Fabric.from_design(grid_design(catalog, "dojo-d1", (1, 250), (2, 6), (1, 10)))
    sched = build_schedule(fabric, "allreduce", "hierarchical", S, resolve_scope(fabric, None))
    hops = sum(int(sched.routes.hops[s.pattern.route].sum()) for s in sched.steps)
    assert hops > 80_000_000 * 18  # every step of the room level crosses 81 million links
    _, lo, _ = sched.routes.segments()
    assert len(lo) <= 4 * sched.routes.n  # at most two runs a dimension
    assert sched.routes._links is None  # never listed
    assert comm_levels.use_levels(sched, "hierarchical", "allreduce", 1, True)
