"""Ring embeddings: every chip once, neighbours where the grid allows, and no link used twice."""

import numpy as np
import pytest

from dojo_gui.fabric.embed import line_cycle, rectangle_cycle, ring_order
from dojo_gui.fabric.fabric import Fabric
from dojo_gui.model.templates import TEMPLATES, grid_design


def steps(cycle):
    return [abs(a[0] - b[0]) + abs(a[1] - b[1]) for a, b in zip(cycle, cycle[1:] + cycle[:1])]


@pytest.mark.parametrize("rows", range(1, 8))
@pytest.mark.parametrize("cols", range(1, 8))
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


def test_rings_on_a_torus_use_the_wraparound(catalog):
    f = Fabric.from_design(grid_design(catalog, "dojo-d1", (1, 7), (1, 1), (1, 1), {"tile"}))
    order = ring_order(f, np.arange(7))
    assert np.all(f.routes(order, np.roll(order, -1)).hops == 1)
