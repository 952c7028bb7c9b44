"""Routes kept as runs of link places give the same links, latencies and bottlenecks as the routes
walked hop by hop, and the same per-link counts."""

from __future__ import annotations

import numpy as np
import pytest

from dojo_gui.fabric.fabric import EAST, NORTH, SOUTH, WEST, Fabric
from dojo_gui.fabric.routeset import MAX_EXPANDED_HOPS, RouteSet, TooManyHops, blocks, coverage
from dojo_gui.model.templates import grid_design

GRIDS = [((3, 4), (1, 2), (2, 1), set()),  # a mesh of tiles with slower edges
         ((5, 5), (1, 1), (1, 1), {"tile"}),  # an odd torus
         ((4, 6), (1, 1), (1, 1), {"tile"}),  # an even torus: half way round goes east or south
         ((1, 7), (2, 2), (1, 2), set()),  # rows of one chip: long runs
         ((3, 3), (1, 1), (1, 1), {"tile"})]


def _walk(fabric: Fabric, src: int, dst: int) -> list[int]:
    """The dimension-order route hop by hop: along the row first, the shorter way round (forward on a tie)."""
    rows, cols = fabric.grid_shape
    assert fabric.chip_coords is not None and fabric.grid_step_link is not None
    (r, c), (r2, c2) = fabric.chip_coords[src], fabric.chip_coords[dst]
    links = []
    for size, wraps, along_row in ((cols, fabric.wrap_x, True), (rows, fabric.wrap_y, False)):
        delta = (c2 - c) if along_row else (r2 - r)
        if wraps:
            delta %= size
            if delta > size // 2:
                delta -= size
        step = 1 if delta > 0 else -1
        for _ in range(abs(delta)):
            direction = (EAST if step > 0 else WEST) if along_row else (SOUTH if step > 0 else NORTH)
            links.append(int(fabric.grid_step_link[direction, r, c]))
            if along_row:
                c = (c + step) % cols
            else:
                r = (r + step) % rows
    return links


@pytest.mark.parametrize("grid", GRIDS, ids=lambda g: f"{g[0]}-{g[1]}-{g[2]}-{'torus' if g[3] else 'mesh'}")
def test_runs_give_the_routes_walked_hop_by_hop(catalog, grid):
    fabric = Fabric.from_design(grid_design(catalog, "dojo-d1", *grid))
    assert fabric.regular_grid
    rng = np.random.default_rng(7)
    src = rng.integers(0, fabric.n_chips, 400)
    dst = (src + rng.integers(1, fabric.n_chips, 400)) % fabric.n_chips
    routes = fabric.routes(src, dst)
    assert routes._links is None  # kept as runs: the links are listed only on demand
    walked = [_walk(fabric, int(s), int(d)) for s, d in zip(src, dst)]
    for i, want in enumerate(walked):
        assert routes.route(i).tolist() == want
    assert routes.links.tolist() == [k for w in walked for k in w]
    assert routes.hops.tolist() == [len(w) for w in walked]
    # Latency: the sum of the links' latencies; the slowest link: exactly the smallest capacity.
    np.testing.assert_allclose(routes.latency_s, [fabric.link_latency_s[w].sum() for w in walked], rtol=1e-14)
    assert routes.bottleneck_Bps.tolist() == [float(fabric.link_capacity_Bps[w].min()) for w in walked]
    # The same routes listed link by link have the same runs and per-link counts.
    listed = RouteSet(routes.indptr, routes.links, fabric)
    for a, b in zip(listed.segments(), routes.segments()):
        np.testing.assert_array_equal(a, b)
    every = np.arange(routes.n)
    want_counts = np.bincount(routes.links, minlength=fabric.n_links)
    np.testing.assert_array_equal(routes.link_counts(every), want_counts)
    weights = rng.random(routes.n)
    np.testing.assert_allclose(routes.link_counts(every, weights),
                               np.bincount(routes.links, weights[routes.owner()], minlength=fabric.n_links),
                               rtol=1e-12, atol=0)
    assert not routes.link_counts(every, weights)[want_counts == 0].any()  # exactly zero off the routes


def test_translated_routes_have_the_same_latency_to_the_bit(catalog):
    """Latency is counted per distinct value, so routes over the same links in another order (here 199
    mesh hops and the cabinet edge, met at every place along the way) are alike to the bit: the
    exclusive engine's uniform steps depend on it."""
    fabric = Fabric.from_design(grid_design(catalog, "dojo-d1", (1, 250), (1, 1), (1, 2)))
    src = np.arange(50, 250)
    routes = fabric.routes(src, src + 200)
    assert len(np.unique(fabric.link_latency_s[routes.links])) == 2  # two kinds of link on every route
    assert len(np.unique(routes.latency_s)) == 1


def test_runs_too_long_to_list_are_refused_not_listed(catalog):
    fabric = Fabric.from_design(grid_design(catalog, "dojo-d1", (1, 250), (1, 2), (1, 2)))
    cols = fabric.grid_shape[1]
    n = MAX_EXPANDED_HOPS // (cols - 1) + 1
    routes = fabric.routes(np.zeros(n, np.int64), np.full(n, cols - 1))
    assert routes.hops.sum() > MAX_EXPANDED_HOPS
    assert routes.link_counts(np.arange(n)).max() == n  # counted from runs
    with pytest.raises(TooManyHops, match="more than the"):
        _ = routes.links


def test_blocks_join_overlapping_runs_and_coverage_counts_them():
    lo = np.array([5, 0, 2, 9, 12, 11])
    hi = np.array([7, 3, 4, 10, 14, 12])
    block, first, end = blocks(lo, hi)
    assert first.tolist() == [0, 5, 9, 11, 12]  # runs that only touch share no link
    assert end.tolist() == [4, 7, 10, 12, 14]
    assert block.tolist() == [1, 0, 0, 2, 4, 3]
    assert coverage(lo, hi, 15).tolist() == [1, 1, 2, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0]
