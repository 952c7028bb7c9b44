"""Routing through the Z-plane: routes, a closed form, the trade-off it makes, and bad requests."""

import numpy as np
import pytest

from dojo_gui.fabric.fabric import Fabric
from dojo_gui.fabric.routing import zplane_exits
from dojo_gui.model.templates import TEMPLATES
from dojo_gui.sim.comm import CollectiveError, simulate_collective

S = float(1 << 30)


@pytest.fixture(scope="module")
def exapod_fabric():
    from dojo_gui.io.catalog import builtin_specs

    return Fabric.from_design(TEMPLATES["exapod"].make(builtin_specs()))


def chip(f: Fabric, cabinet: tuple, tile: tuple, position: tuple) -> int:
    return f.chip_paths.index((cabinet, tile, position))


def test_between_cabinets_the_route_takes_the_switch(exapod_fabric):
    f = exapod_fabric
    a, b = chip(f, (0, 0), (0, 0), (2, 3)), chip(f, (0, 1), (0, 0), (2, 3))  # 30 columns apart
    assert len(f.route(a, b)) == 30
    route = f.route(a, b, "zplane")
    kinds = [f.kinds[k] for k in f.link_kind[route]]
    # Two hops east to the next tile's west edge, where an interface processor hangs; its Ethernet port
    # to the switch and down to the processor nearest b; two hops west to b.
    assert kinds == ["mesh", "tile-edge", "interface", "zplane", "zplane", "interface", "tile-edge", "mesh"]
    assert f.node_names[f.link_dst[route[3]]] == "switch:zplane"
    assert f.link_src[route[0]] == a and f.link_dst[route[-1]] == b
    assert np.all(f.link_dst[route[:-1]] == f.link_src[route[1:]])  # a path
    # Within a cabinet nothing changes.
    c = chip(f, (0, 0), (1, 5), (4, 4))
    assert np.array_equal(f.route(a, c, "zplane"), f.route(a, c))


def test_every_chip_leaves_by_its_nearest_interface_processor(exapod_fabric):
    f = exapod_fabric
    exits = zplane_exits(f)
    attached = {int(f.link_src[k]) for k in np.flatnonzero(f.link_kind == f.kinds.index("interface"))
                if f.link_src[k] < f.n_chips}
    assert len(attached) == 600 and set(exits.chip.tolist()) <= attached
    rc = f.chip_coords
    hops = np.abs(rc[:, None, :] - rc[None, sorted(attached), :]).sum(axis=2).min(axis=1)
    assert np.array_equal(np.abs(rc - rc[exits.chip]).sum(axis=1), hops)


@pytest.mark.parametrize("latency", [False, True])
def test_a_transfer_through_the_z_plane_meets_its_closed_form(exapod_fabric, latency):
    """Uncontended: overhead + the route's latencies + S / its slowest link, a 50 GB/s Ethernet port.
    Latency: 4 chip links and 2 interface links of 100 ns, 2 Z-plane links of 1 us (2 us switch to switch)."""
    f = exapod_fabric
    a, b = chip(f, (0, 0), (0, 0), (2, 3)), chip(f, (0, 1), (0, 0), (2, 3))
    r = simulate_collective(f, "p2p", S, scope=[a, b], routing="zplane", latency=latency)
    alpha = (1e-6 + 6 * 100e-9 + 2 * 1e-6) if latency else 0.0
    assert r.time_s == pytest.approx(alpha + S / 50e9, rel=1e-9)
    assert r.routing == "zplane" and r.to_json()["routing"] == "zplane"


def test_the_z_plane_pays_for_small_messages_and_costs_for_big_ones(exapod_fabric):
    """The hierarchical all-reduce over the first tile of each of the ten cabinets: its room level
    crosses two cabinets (60 mesh hops) per step.  Through the Z-plane the steps are short (a few
    microseconds saved each) but every tile shares five 50 GB/s ports: better for 1 MiB, far worse
    for 1 GiB."""
    f = exapod_fabric
    chips = [i for i, p in enumerate(f.chip_paths) if p[1] == (0, 0)]
    zplane = f.link_kind == f.kinds.index("zplane")
    small = {rt: simulate_collective(f, "allreduce", 1 << 20, "hierarchical", scope=chips, routing=rt)
             for rt in ("mesh", "zplane")}
    assert small["zplane"].time_s < 0.8 * small["mesh"].time_s
    big = {rt: simulate_collective(f, "allreduce", S, "hierarchical", scope=chips, routing=rt)
           for rt in ("mesh", "zplane")}
    assert big["zplane"].time_s > 3 * big["mesh"].time_s
    assert big["mesh"].link_bytes[zplane].sum() == 0 and big["zplane"].link_bytes[zplane].sum() > 0
    assert all(big["zplane"].links.kind[i] == "zplane" for i in big["zplane"].bottleneck_links)


def test_routing_requests_that_cannot_be_met(catalog):
    tpu = Fabric.from_design(TEMPLATES["tpu-v4-slice"].make(catalog))
    with pytest.raises(CollectiveError, match=r"routing zplane: this design has no switched network \(Z-plane\)"):
        simulate_collective(tpu, "allreduce", S, "ring", routing="zplane")
    with pytest.raises(CollectiveError, match="unknown routing 'bus' \\(routings: mesh, zplane\\)"):
        simulate_collective(tpu, "allreduce", S, "ring", routing="bus")
