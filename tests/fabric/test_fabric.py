"""The fabric: directed link arrays, the graph and its analysis figures, built from designs and by hand."""

import numpy as np
import pytest

from dojo_gui.fabric.fabric import Fabric
from dojo_gui.model.links import Link
from dojo_gui.model.templates import TEMPLATES, grid_design

TB = 1e12


def test_a_dojo_tile_is_a_5x5_mesh_of_4_TBps_links(dojo_tile):
    f = Fabric.from_design(dojo_tile)
    assert (f.n_chips, f.physical_link_count, f.n_links) == (25, 40, 80)
    assert np.all(f.link_capacity_Bps == 4 * TB)
    # Each physical link is two directed links, one each way.
    assert np.array_equal(f.link_src[0::2], f.link_dst[1::2]) and np.array_equal(f.link_dst[0::2], f.link_src[1::2])
    assert f.regular_grid and f.routing == "dimension-order" and not (f.wrap_x or f.wrap_y)
    assert f.is_connected()
    assert f.diameter() == 8  # corner to corner
    # Odd side: a balanced bisection (12 | 13 chips) cuts 5 links straight across and one more.
    assert f.bisection_bandwidth() == pytest.approx(6 * 4 * TB)
    assert f.chip_name(7) == "room.cabinet[0,0].tile[0,0].chip[1,2]"


def test_tiles_of_a_cabinet_share_the_tile_edge(catalog):
    f = Fabric.from_design(TEMPLATES["dojo-cabinet"].make(catalog))
    edge = f.link_kind == f.kinds.index("tile-edge")
    assert edge.sum() == 2 * 80
    assert np.all(f.link_capacity_Bps[edge] == pytest.approx(9 * TB / 5))  # 9 TB/s over 5 chips
    assert f.grid_shape == (10, 30) and f.regular_grid
    # The narrowest balanced cut goes between two tile columns: 10 tile-edge links.
    assert f.bisection_bandwidth() == pytest.approx(10 * 9 * TB / 5)


def test_a_torus_wraps_and_halves_its_diameter(catalog):
    f = Fabric.from_design(TEMPLATES["tpu-v4-slice"].make(catalog))
    assert f.grid_shape == (8, 8) and f.wrap_x and f.wrap_y
    assert f.diameter() == 8  # 4 + 4, against 14 for the mesh
    assert f.bisection_bandwidth() == pytest.approx(16 * 50e9)  # the cut crosses 8 links twice


def test_the_exapod_has_its_z_plane(exapod):
    f = Fabric.from_design(exapod)
    s = f.summary()
    assert s["chips"] == 3000 and s["links_by_kind"]["interface"] == 600 and s["links_by_kind"]["zplane"] == 600
    assert "switch:zplane" in f.node_names
    assert f.regular_grid  # the chips' own links still form the 10 x 300 grid
    assert f.diameter() <= 10  # through the Z-plane, not 308 hops across the mesh
    assert s["connected"]


def test_dimension_order_routes_go_along_the_row_first(dojo_tile):
    f = Fabric.from_design(dojo_tile)
    coords = f.chip_coords
    a, b = 0, 19  # (0,0) -> (3,4)
    route = f.route(a, b)
    path = [tuple(coords[f.link_src[route[0]]])] + [tuple(coords[f.link_dst[link]]) for link in route]
    assert path == [(0, 0), (0, 1), (0, 2), (0, 3), (0, 4), (1, 4), (2, 4), (3, 4)]
    # Many routes at once equal the routes one by one.
    src = np.array([0, 24, 12, 3])
    dst = np.array([24, 0, 12, 20])
    rs = f.routes(src, dst)
    for i in range(4):
        assert np.array_equal(rs.route(i), f.route(src[i], dst[i]))
    assert rs.hops.tolist() == [8, 8, 0, 7]
    assert rs.latency_s[0] == pytest.approx(8 * 100e-9)


def test_torus_routes_take_the_short_way_round(catalog):
    f = Fabric.from_design(TEMPLATES["tpu-v4-slice"].make(catalog))
    grid = f.grid_index
    route = f.route(grid[0, 0], grid[0, 7])
    assert len(route) == 1 and f.link_wrap[route[0]]
    route = f.route(grid[1, 1], grid[6, 2])  # 1 east, then 3 north round the wrap
    assert len(route) == 4


def test_a_hole_in_the_grid_makes_routes_go_round_it(dojo_tile):
    dojo_tile.remove(((0, 0), (0, 0), (2, 2)))
    f = Fabric.from_design(dojo_tile)
    assert f.n_chips == 24 and not f.regular_grid and f.routing == "shortest-path"
    west, east = [i for i, p in enumerate(f.chip_paths) if p[2] in ((2, 1), (2, 3))]
    route = f.route(west, east)
    assert len(route) == 4
    visited = {f.chip_paths[f.link_dst[link]][2] for link in route}
    assert (2, 2) not in visited


def test_switched_designs_route_through_the_nearest_fast_switch(catalog):
    f = Fabric.from_design(TEMPLATES["dgx-h100-pod"].make(catalog))
    assert f.routing == "shortest-path"
    same_dgx = [i for i, p in enumerate(f.chip_paths) if p[:2] == f.chip_paths[0][:2]]
    route = f.route(same_dgx[0], same_dgx[1])
    assert len(route) == 2
    hub = f.node_names[f.link_dst[route[0]]]
    assert hub.startswith("switch:room.cabinet[0,0].tile[0,0]")  # the DGX's own NVSwitch
    assert f.link_capacity_Bps[route[0]] == pytest.approx(450e9)


def test_hand_made_links_merge_parallel_pairs_and_drop_dead_ones():
    links = [Link(0, 1, 2 * TB, 1e-7, "mesh", "tile"), Link(1, 0, 1 * TB, 2e-7, "mesh", "tile"),
             Link(1, 2, 0.0, 1e-7, "mesh", "tile"), Link(2, "switch:x", 1 * TB, 1e-7, "switch", "tile")]
    f = Fabric(4, links)
    assert f.physical_link_count == 2
    k = f.link_between(0, 1)
    assert f.link_capacity_Bps[k] == 3 * TB and f.link_latency_s[k] == 1e-7
    assert not f.is_connected() and f.diameter() is None
    assert [sorted(c) for c in f.chip_components()] == [[0, 1], [2], [3]]
    from dojo_gui.fabric.routing import NoRoute
    with pytest.raises(NoRoute, match="no path from chip0 to chip2"):
        f.route(0, 2)
    with pytest.raises(ValueError, match="chip 7"):
        Fabric(2, [Link(0, 7, TB, 0, "mesh", "tile")])


def test_cut_bandwidth_puts_switches_on_the_cheaper_side():
    # Four chips on one switch: any 2|2 split cuts 2 ports whichever side the switch is on.
    links = [Link(i, "switch:s", TB, 0, "switch", "tile") for i in range(4)]
    f = Fabric(4, links)
    out, back = f.cut_bandwidth(np.array([True, False, False, False]))
    assert out == back == pytest.approx(TB)  # the switch sides with the three
    assert f.bisection_bandwidth() == pytest.approx(2 * TB)


def test_a_3000_chip_ring_fabric(catalog):
    f = Fabric.from_design(grid_design(catalog, "dojo-d1", (1, 3000), (1, 1), (1, 1), {"tile"}))
    assert f.n_chips == 3000 and f.wrap_x and f.regular_grid
    ring = f.routes(np.arange(3000), np.roll(np.arange(3000), -1))
    assert np.all(ring.hops == 1) and len(np.unique(ring.links)) == 3000


@pytest.mark.parametrize("template", ["dojo-tile", "tpu-v4-slice", "exapod"])
def test_dimension_order_routes_are_runs_of_consecutive_link_places(catalog, template):
    f = Fabric.from_design(TEMPLATES[template].make(catalog))
    assert sorted(f.link_position.tolist()) == list(range(f.n_links))  # a numbering of the links
    rng = np.random.default_rng(0)
    src, dst = rng.integers(0, f.n_chips, (2, 500))
    keep = src != dst
    rs = f.routes(src[keep], dst[keep])
    ptr, lo, hi = rs.segments()
    link_at = np.empty(f.n_links, np.int64)
    link_at[f.link_position] = np.arange(f.n_links)
    for i in range(rs.n):
        runs = range(ptr[i], ptr[i + 1])
        assert np.array_equal(np.concatenate([link_at[lo[k]:hi[k]] for k in runs]), rs.route(i))
        # One run per dimension, two where the route wraps round a torus.
        assert 1 <= len(runs) <= (4 if f.wrap_x or f.wrap_y else 2)


def test_routes_off_the_grid_are_runs_too(catalog):
    f = Fabric.from_design(TEMPLATES["dgx-h100-pod"].make(catalog))
    rs = f.routes([0, 0, 5], [1, 9, 0])
    ptr, lo, hi = rs.segments()
    link_at = np.empty(f.n_links, np.int64)
    link_at[f.link_position] = np.arange(f.n_links)
    for i in range(rs.n):
        assert np.array_equal(np.concatenate([link_at[lo[k]:hi[k]] for k in range(ptr[i], ptr[i + 1])]), rs.route(i))
