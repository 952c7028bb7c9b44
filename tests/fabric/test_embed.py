"""Ring embeddings: every chip once, neighbours where the grid allows, and no link used twice."""

import numpy as np
import pytest

from dojo_gui.fabric.embed import line_cycle, rectangle_cycle, ring_order
from dojo_gui.fabric.fabric import Fabric
from dojo_gui.model.templates import TEMPLATES, grid_design


def steps(cycle):
    return [abs(a[0] - b[0]) + abs(a[1] - b[1]) for a, b in zip(cycle, cycle[1:] + cycle[:1])]


def torus_steps(cycle, rows, cols):
    return [min(abs(a[0] - b[0]), rows - abs(a[0] - b[0])) + min(abs(a[1] - b[1]), cols - abs(a[1] - b[1]))
            for a, b in zip(cycle, cycle[1:] + cycle[:1])]


@pytest.mark.parametrize("rows", range(1, 10))
@pytest.mark.parametrize("cols", range(1, 10))
def test_rectangle_cycles_visit_every_cell_once_with_the_fewest_long_steps(rows, cols):
    cycle = rectangle_cycle(rows, cols)
    assert sorted(cycle) == [(r, c) for r in range(rows) for c in range(cols)]
    hops = steps(cycle)
    if rows * cols <= 2:
        return
    if rows == 1 or cols == 1:
        assert max(hops) == 2  # folded line
    elif rows % 2 == 0 or cols % 2 == 0:
        assert max(hops) == 1  # a Hamiltonian cycle
    else:
        assert sorted(hops)[-2:] == [1, 2]  # bipartite with one colour larger: exactly one 2-hop step
        if rows * cols > 9:
            # ... straight across a chip the ring crosses the other way: no other step on its edges.
            k = hops.index(2)
            a, b = cycle[k], cycle[(k + 1) % len(cycle)]
            middle = ((a[0] + b[0]) // 2, (a[1] + b[1]) // 2)
            assert a[0] == b[0] or a[1] == b[1]
            ring_edges = {frozenset(e) for e in zip(cycle, cycle[1:] + cycle[:1])}
            assert frozenset((a, middle)) not in ring_edges and frozenset((middle, b)) not in ring_edges


@pytest.mark.parametrize("rows", range(1, 10))
@pytest.mark.parametrize("cols", range(1, 10))
def test_every_torus_has_a_one_hop_ring(rows, cols):
    for wrap_x, wrap_y in ((True, True), (True, False), (False, True)):
        cycle = rectangle_cycle(rows, cols, wrap_x, wrap_y)
        assert sorted(cycle) == [(r, c) for r in range(rows) for c in range(cols)]
        if rows * cols <= 2:
            continue
        wraps_x, wraps_y = wrap_x and cols > 2, wrap_y and rows > 2  # a dimension of 2 has no wraparound link
        hops = torus_steps(cycle, rows if wraps_y else 10**9, cols if wraps_x else 10**9)
        line = (rows == 1 and not wraps_x) or (cols == 1 and not wraps_y)
        odd_mesh = rows % 2 and cols % 2 and not wraps_x and not wraps_y
        assert max(hops) == (2 if line or odd_mesh else 1), (wrap_x, wrap_y)


def test_a_wrapping_line_is_used_as_it_is():
    assert line_cycle(5, wraps=True) == [0, 1, 2, 3, 4]
    assert line_cycle(5, wraps=False) == [0, 2, 4, 3, 1]
    assert line_cycle(6, wraps=False) == [0, 2, 4, 5, 3, 1]


@pytest.mark.parametrize("template", ["dojo-tile", "dojo-cabinet", "tpu-v4-slice", "exapod", "dgx-h100-pod"])
def test_ring_routes_never_share_a_link(catalog, template):
    f = Fabric.from_design(TEMPLATES[template].make(catalog))
    order = ring_order(f, np.arange(f.n_chips))
    assert sorted(order.tolist()) == list(range(f.n_chips))
    routes = f.routes(order, np.roll(order, -1))
    assert len(np.unique(routes.links)) == len(routes.links)


def test_the_5x5_tile_ring_has_one_two_hop_step(dojo_tile):
    f = Fabric.from_design(dojo_tile)
    order = ring_order(f, np.arange(25))
    hops = f.routes(order, np.roll(order, -1)).hops
    assert sorted(hops.tolist()) == [1] * 24 + [2]


@pytest.mark.parametrize("shape,torus", [((5, 5), {"tile"}), ((7, 9), {"tile"}), ((5, 5), set()), ((3, 5), set()),
                                         ((7, 9), set()), ((9, 5), set()), ((4, 5), set())])
def test_a_ring_and_its_reverse_use_disjoint_directed_links(catalog, shape, torus):
    f = Fabric.from_design(grid_design(catalog, "dojo-d1", shape, (1, 1), (1, 1), torus))
    order = ring_order(f, np.arange(f.n_chips))
    forward = f.routes(order, np.roll(order, -1)).links
    backward = f.routes(order, np.roll(order, 1)).links
    assert len(np.unique(forward)) == len(forward) and len(np.unique(backward)) == len(backward)
    assert not set(forward.tolist()) & set(backward.tolist())
    hops = f.routes(order, np.roll(order, -1)).hops
    odd_mesh = not torus and shape[0] % 2 and shape[1] % 2
    assert sorted(hops.tolist())[-1] == (2 if odd_mesh else 1) and (hops == 2).sum() <= 1


def test_rings_on_a_torus_use_the_wraparound(catalog):
    f = Fabric.from_design(grid_design(catalog, "dojo-d1", (1, 7), (1, 1), (1, 1), {"tile"}))
    order = ring_order(f, np.arange(7))
    assert np.all(f.routes(order, np.roll(order, -1)).hops == 1)
