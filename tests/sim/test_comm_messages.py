"""Per-message costs: a chip pays its overhead once per message, one message after another; it has at
most so many messages in flight; it injects no faster than its injection bandwidth."""

import numpy as np
import pytest

from dojo_gui.fabric.fabric import Fabric
from dojo_gui.model.links import Link
from dojo_gui.model.templates import grid_design
from dojo_gui.sim import comm_engine
from dojo_gui.sim.comm import TooLarge, simulate_collective
from dojo_gui.sim.comm_schedule import ScheduleBuilder

S = float(1 << 30)
D1_BW, D1_OVERHEAD, D1_HOP = 4e12, 1e-6, 100e-9


def ring25(catalog):
    return Fabric.from_design(grid_design(catalog, "dojo-d1", (1, 25), (1, 1), (1, 1), {"tile"}))


def test_direct_pays_an_overhead_for_every_message(catalog):
    """ring-25 at 1 KiB: each chip sends 24 messages to reduce-scatter and 24 to all-gather, one
    overhead after another, so direct takes at least 48 overheads.  (It once paid one per step: 4.4 us,
    and won auto at every small size.)  Its latencies overlap: on top come at most the all-gather's
    wait for the farthest reduce-scatter message (12 hops) and its own last message's hops."""
    f = ring25(catalog)
    n = 25
    r = simulate_collective(f, "allreduce", 1024, "direct")
    floor = 2 * (n - 1) * D1_OVERHEAD
    assert floor < r.time_s < floor + 2 * 12 * D1_HOP + 1024 / D1_BW * n
    # The ring pays as many overheads, and a hop's latency in every step besides.
    ring = simulate_collective(f, "allreduce", 1024, "ring")
    assert ring.time_s == pytest.approx(2 * (n - 1) * (D1_OVERHEAD + D1_HOP) + 2 * (n - 1) / n * 1024 / D1_BW,
                                        rel=1e-9)
    # auto keeps the fastest, and every algorithm it skipped could not have beaten it.
    auto = simulate_collective(f, "allreduce", 1024, "auto")
    times = {a: t for a, t in auto.candidates.items() if isinstance(t, float)}
    assert auto.time_s == min(times.values())
    for alg, why in auto.candidates.items():
        if isinstance(why, str) and why.startswith("not simulated"):
            assert simulate_collective(f, "allreduce", 1024, alg).time_s >= auto.time_s
    # With gigabytes, bandwidth decides: direct's transfers share the ring's links, the two rings win.
    big = simulate_collective(f, "allreduce", S, "auto")
    assert big.algorithm == "bidirectional-ring"


def two_chips(in_flight=0, injection=0.0, overhead=1e-6):
    """Chip 0 with two links (to 1 and 2), 1 GB/s each, no latency."""
    return Fabric(3, [Link(0, 1, 1e9, 0.0, "mesh", "tile"), Link(0, 2, 1e9, 0.0, "mesh", "tile")],
                  message_overhead_s=overhead, max_messages_in_flight=in_flight, injection_bw_Bps=injection)


def fan(f, nbytes=1e6):
    b = ScheduleBuilder(f, [0, 1, 2])
    b.step(b.pattern([0, 0], [1, 2]), nbytes)
    return b.build()


def test_messages_in_flight_and_injection_bandwidth_by_hand():
    """Chip 0 sends 1 MB to each of its two neighbours over their own 1 GB/s links.
    - no limits: the second message starts one overhead after the first: 1 us + 1 us + 1 ms;
    - one message in flight: the second starts its overhead when the first has left: 2 (1 us + 1 ms);
    - injection 1 GB/s: the first sends 1 KB alone from 1 us to 2 us; then both share the chip's
      injection link at 0.5 GB/s each until the first ends (its last 999 KB: at 2.000 ms), and the
      second sends its last 1 KB alone: 2.001 ms = 1 us + 2 MB / 1 GB/s, the injection link never idle."""
    free = comm_engine.run(fan(two_chips()))
    assert free.time_s == pytest.approx(2e-6 + 1e-3, rel=1e-12)
    one = comm_engine.run(fan(two_chips(in_flight=1)))
    assert one.time_s == pytest.approx(2 * (1e-6 + 1e-3), rel=1e-12)
    f = two_chips(injection=1e9)
    assert f.chip_injection_link[0] >= 0 and f.chip_injection_link[1] < 0  # chips 1, 2 have one 1 GB/s link
    shared = comm_engine.run(fan(f))
    assert shared.mode == "max-min"
    assert shared.time_s == pytest.approx(1e-6 + 2e6 / 1e9, rel=1e-9)
    assert shared.link_bytes[f.chip_injection_link[0]] == pytest.approx(2e6)
    # Every route from chip 0 starts on its injection link.
    assert f.route(0, 2)[0] == f.chip_injection_link[0] and len(f.route(0, 2)) == 2


def test_the_catalog_gives_every_chip_its_message_limits(catalog):
    for spec_id in ("dojo-d1", "nvidia-h100-sxm", "google-tpu-v4"):
        spec = catalog[spec_id]
        assert spec.message_overhead_s > 0 and spec.max_messages_in_flight > 0
        assert "messages in flight" in spec.notes and "njection" in spec.notes
    f = ring25(catalog)
    assert np.all(f.chip_max_in_flight == 32) and np.all(f.chip_injection_link < 0)


def test_an_all_to_all_over_a_cabinet_is_refused_directly_and_runs_in_two_dimensions(catalog):
    """Over a Dojo cabinet (a 10 x 30 mesh) each chip sends 299 messages and has 32 in flight, so
    80,100 messages start only as earlier ones leave, each chip on its own clock: about an hour of
    events for the max-min engine, which refuses at once and says why.  auto then runs the
    dimension-ordered all-to-all: 29 row messages and 9 column messages a chip, within its window."""
    cabinet = grid_design(catalog, "dojo-d1", (5, 5), (2, 6), (1, 1))
    with pytest.raises(TooLarge, match=r"80,100 messages here start only as earlier ones leave"):
        simulate_collective(cabinet, "alltoall", S, "direct")
    r = simulate_collective(cabinet, "alltoall", S, "auto")
    assert r.algorithm == "2d" and "80,100" in str(r.candidates["direct"])
    assert r.time_s >= r.lower_bound_s
    # A smaller all-to-all still runs directly (each chip's 24 messages fit in its window).
    tile = simulate_collective(cabinet, "alltoall", S, "direct", scope="tile:cabinet[0,0].tile[0,0]")
    assert tile.time_s > tile.lower_bound_s
