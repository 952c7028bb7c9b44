"""The communication engine against the alpha-beta closed forms of ``docs/design.md`` §3 Communication.

On contention-free layouts (a ring of N chips with wraparound, a torus, a switched
hierarchy) every collective and algorithm must match its formula, with and without
latency.  alpha = the sender's per-message overhead + the route's per-hop latencies.
A chip pays its overhead once per message, one message after another: in the two
counter-rotating rings every chip sends two messages a step, so a step costs 2o + h.
"""

from dataclasses import replace

import numpy as np
import pytest

from dojo_gui.fabric.fabric import Fabric
from dojo_gui.model.templates import design_from, grid_design
from dojo_gui.sim.comm import simulate_collective

S = float(1 << 30)
REL = 1e-9  # the issue asks for 0.1%; the engine is exact up to rounding
D1_BW, D1_OVERHEAD, D1_HOP = 4e12, 1e-6, 100e-9


def ring_fabric(catalog, n):
    return Fabric.from_design(grid_design(catalog, "dojo-d1", (1, n), (1, 1), (1, 1), {"tile"}))


def torus_fabric(catalog, rows, cols):
    return Fabric.from_design(grid_design(catalog, "dojo-d1", (rows, cols), (1, 1), (1, 1), {"tile"}))


@pytest.mark.parametrize("n", [3, 8, 50])
@pytest.mark.parametrize("latency", [False, True])
def test_ring_collectives(catalog, n, latency):
    f = ring_fabric(catalog, n)
    a = (D1_OVERHEAD + D1_HOP) if latency else 0.0
    a2 = (2 * D1_OVERHEAD + D1_HOP) if latency else 0.0  # two messages a step
    bw = S / D1_BW
    expect = {
        ("allreduce", "ring"): 2 * (n - 1) * a + 2 * (n - 1) / n * bw,
        ("reducescatter", "ring"): (n - 1) * a + (n - 1) / n * bw,
        ("allgather", "ring"): (n - 1) * a + (n - 1) / n * bw,
        ("allreduce", "bidirectional-ring"): 2 * (n - 1) * a2 + (n - 1) / n * bw,
        ("reducescatter", "bidirectional-ring"): (n - 1) * a2 + (n - 1) / (2 * n) * bw,
        ("allgather", "bidirectional-ring"): (n - 1) * a2 + (n - 1) / (2 * n) * bw,
        ("broadcast", "ring"): (n - 1) * (a + bw),
    }
    for (collective, algorithm), t in expect.items():
        r = simulate_collective(f, collective, S, algorithm, latency=latency)
        assert r.time_s == pytest.approx(t, rel=REL), (collective, algorithm)
        assert r.chips == n and len(r.shared_links) == 0
        assert r.time_s >= r.lower_bound_s * (1 - 1e-12)  # tight for the two rings


@pytest.mark.parametrize("latency", [False, True])
def test_2d_on_a_torus(catalog, latency):
    y, x = 4, 6
    n = x * y
    f = torus_fabric(catalog, y, x)
    a = (D1_OVERHEAD + D1_HOP) if latency else 0.0
    bw = S / D1_BW
    r = simulate_collective(f, "allreduce", S, "2d", latency=latency)
    assert r.time_s == pytest.approx(2 * (x + y - 2) * a + 2 * (n - 1) / n * bw, rel=REL)
    for collective in ("reducescatter", "allgather"):
        r = simulate_collective(f, collective, S, "2d", latency=latency)
        assert r.time_s == pytest.approx((x + y - 2) * a + (n - 1) / n * bw, rel=REL)
    # The ring and the two rings embed without contention on the same torus.
    r = simulate_collective(f, "allreduce", S, "ring", latency=latency)
    assert r.time_s == pytest.approx(2 * (n - 1) * a + 2 * (n - 1) / n * bw, rel=REL)
    r = simulate_collective(f, "allreduce", S, "bidirectional-ring", latency=latency)
    a2 = (2 * D1_OVERHEAD + D1_HOP) if latency else 0.0  # two messages a step from every chip
    assert r.time_s == pytest.approx(2 * (n - 1) * a2 + (n - 1) / n * bw, rel=REL)


def switched_hierarchy(catalog):
    """4 chips per tile on a tile switch (4 TB/s each), 3 tiles per cabinet on a cabinet switch
    (1 TB/s per chip), 2 cabinets on a room switch (0.25 TB/s per chip)."""
    tile = replace(catalog["dojo-training-tile"], id="t", rows=2, cols=2, topology="switch", switch_bw_Bps=4e12,
                   switch_latency_s=200e-9, interface_count=0, default_child="dojo-d1")
    cabinet = replace(catalog["dojo-cabinet"], id="c", rows=1, cols=3, topology="switch", switch_bw_Bps=4 * 1e12,
                      switch_latency_s=400e-9, default_child="t", accepts=())
    room = replace(catalog["dojo-exapod-room"], id="r", rows=1, cols=2, topology="switch",
                   switch_bw_Bps=12 * 0.25e12, switch_latency_s=1e-6, default_child="c", zplane_enabled=False)
    specs = {s.id: s for s in (catalog["dojo-d1"], tile, cabinet, room)}
    return Fabric.from_design(design_from("switched", specs, "r", {}))


@pytest.mark.parametrize("latency", [False, True])
def test_hierarchical_on_a_switched_hierarchy(catalog, latency):
    f = switched_hierarchy(catalog)
    (n1, b1), (n2, b2), (n3, b3) = (4, 4e12), (3, 1e12), (2, 0.25e12)
    a1, a2, a3 = ((D1_OVERHEAD + 200e-9, D1_OVERHEAD + 400e-9, D1_OVERHEAD + 1e-6) if latency else (0, 0, 0))
    half = ((n1 - 1) / n1 * S / b1 + (n2 - 1) / n2 * S / (n1 * b2) + (n3 - 1) / n3 * S / (n1 * n2 * b3))
    r = simulate_collective(f, "allreduce", S, "hierarchical", latency=latency)
    assert r.time_s == pytest.approx(2 * ((n1 - 1) * a1 + (n2 - 1) * a2 + (n3 - 1) * a3) + 2 * half, rel=REL)
    for collective in ("reducescatter", "allgather"):
        r = simulate_collective(f, collective, S, "hierarchical", latency=latency)
        assert r.time_s == pytest.approx((n1 - 1) * a1 + (n2 - 1) * a2 + (n3 - 1) * a3 + half, rel=REL)


@pytest.mark.parametrize("latency", [False, True])
def test_direct_over_a_switch(catalog, latency):
    f = switched_hierarchy(catalog)
    tile = "tile:cabinet[0,0].tile[0,0]"
    n, b = 4, 4e12
    a = D1_OVERHEAD + 200e-9 if latency else 0.0
    r = simulate_collective(f, "alltoall", S, "direct", scope=tile, latency=latency)
    assert r.time_s == pytest.approx(a + (n - 1) / n * S / b, rel=REL)
    assert r.busbw_Bps == pytest.approx(r.algbw_Bps * (n - 1) / n)
    r = simulate_collective(f, "allreduce", S, "direct", scope=tile, latency=latency)
    assert r.time_s == pytest.approx(2 * a + 2 * (n - 1) / n * S / b, rel=REL)
    r = simulate_collective(f, "broadcast", S, "direct", scope=tile, latency=latency)
    assert r.time_s == pytest.approx(a + (n - 1) * S / b, rel=REL)  # the root's port carries n-1 copies


@pytest.mark.parametrize("chunks", [1, 4])
def test_pipelined_broadcast_along_a_ring(catalog, chunks):
    n = 8
    f = ring_fabric(catalog, n)
    s = S / chunks / D1_BW
    r = simulate_collective(f, "broadcast", S, "ring", chunks=chunks)
    # The first piece crosses every hop; the rest follow one per overhead + sending time.
    expect = (n - 1) * (D1_OVERHEAD + s + D1_HOP) + (chunks - 1) * (D1_OVERHEAD + s)
    assert r.time_s == pytest.approx(expect, rel=REL)


def test_point_to_point(dojo_tile):
    f = Fabric.from_design(dojo_tile)
    scope = "chips:cabinet[0,0].tile[0,0].chip[0,0],cabinet[0,0].tile[0,0].chip[2,3]"
    r = simulate_collective(f, "p2p", S, "direct", scope=scope)
    assert r.time_s == pytest.approx(D1_OVERHEAD + 5 * D1_HOP + S / D1_BW, rel=REL)
    assert r.busbw_Bps == r.algbw_Bps == pytest.approx(S / r.time_s)
    r = simulate_collective(f, "p2p", S, "direct", scope=scope, chunks=4)
    # Pieces leave one after another; the last arrives one path latency after it is sent.
    assert r.time_s == pytest.approx(4 * D1_OVERHEAD + S / D1_BW + 5 * D1_HOP, rel=REL)


def test_a_3000_chip_ring_all_reduce_reuses_its_identical_steps(catalog):
    n = 3000
    f = ring_fabric(catalog, n)
    r = simulate_collective(f, "allreduce", S, "ring", latency=False)
    assert r.time_s == pytest.approx(2 * (n - 1) / n * S / D1_BW, rel=REL)
    assert r.engine == "exclusive-links" and r.uniform_steps == 2 * (n - 1)  # every step computed as one number
    ring_links = r.link_bytes > 0
    assert ring_links.sum() == n
    assert np.allclose(r.link_bytes[ring_links], 2 * (n - 1) * S / n)
    assert np.allclose(r.link_utilization[ring_links], 1.0)
    assert np.allclose(r.chip_finish_s, r.time_s)


@pytest.mark.parametrize("rows, cols", [(5, 5), (7, 9)])
def test_rings_on_odd_tori_use_the_wraparound(catalog, rows, cols):
    """An odd x odd torus has a Hamiltonian cycle through its wraparound links: one ring of one-hop
    steps, and its reverse on the opposite directed links.  (A 5x5 torus once gave the one-way
    ring's time for both: its ring took a two-hop step whose links the reverse ring shared.)"""
    f = torus_fabric(catalog, rows, cols)
    n = rows * cols
    bw = S / D1_BW
    r = simulate_collective(f, "allreduce", S, "bidirectional-ring", latency=False)
    assert r.time_s == pytest.approx((n - 1) / n * bw, rel=1e-3)
    assert len(r.shared_links) == 0
    r = simulate_collective(f, "allreduce", S, "ring", latency=False)
    assert r.time_s == pytest.approx(2 * (n - 1) / n * bw, rel=1e-3)


@pytest.mark.parametrize("rows, cols", [(5, 5), (4, 6)])
def test_2d_pipelines_its_phases_on_a_torus(catalog, rows, cols):
    """The 2D all-reduce's row links carry the reduce-scatter and the all-gather, 2(X-1)/X S/B, its
    column links 2(Y-1)/(XY) S/B: pipelined, the whole takes the busier of the two (1.6 S/B on a
    5x5 torus; without pipelining 1.92 S/B).  With latency, each of the C chunks also pays the
    overhead of each of the 2(X-1) row messages on the busiest route (which sends them one after
    another), and the pipelined bound is that route's time."""
    f = torus_fabric(catalog, rows, cols)
    y, x = rows, cols
    bound = max(2 * (x - 1) / x, 2 * (y - 1) / (x * y)) * S / D1_BW
    assert simulate_collective(f, "allreduce", S, "2d", latency=False).time_s > 1.1 * bound
    for chunks in (16, 64):
        r = simulate_collective(f, "allreduce", S, "2d", chunks=chunks, latency=False)
        assert bound * (1 - 1e-9) <= r.time_s <= bound * 1.01
    r = simulate_collective(f, "allreduce", S, "2d", chunks=16, latency=True)
    with_overheads = bound + 16 * 2 * (x - 1) * D1_OVERHEAD
    assert with_overheads * (1 - 1e-9) <= r.time_s <= with_overheads * 1.01


@pytest.mark.parametrize("latency", [False, True])
def test_2d_all_to_all_on_a_torus(catalog, latency):
    """2d all-to-all on a 3x3 torus: every chip's row and column peers are its neighbours, each over a
    link of its own.  Rows first: each chip sends its two row neighbours what goes to their columns,
    3 shares of S/9 each, the second message one overhead after the first; then the same along the
    columns, once both row messages have arrived: 2 (2o + h + S/3B)."""
    f = torus_fabric(catalog, 3, 3)
    o, h = (D1_OVERHEAD, D1_HOP) if latency else (0.0, 0.0)
    r = simulate_collective(f, "alltoall", S, "2d", latency=latency)
    assert r.time_s == pytest.approx(2 * (2 * o + h + S / 3 / D1_BW), rel=REL)
    assert r.engine == "exclusive-links" and len(r.shared_links) == 0
    # Each share crosses one row link and one column link, unless it stays in its row or column.
    assert r.link_bytes.sum() == pytest.approx(2 * 9 * 2 * S / 3)
    assert r.busbw_Bps == pytest.approx(r.algbw_Bps * 8 / 9)
