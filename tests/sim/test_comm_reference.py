"""The max-min engine against a plain reference simulation of the same rules.

The engine is fast because of machinery (transfers settled ahead of time when nothing can
contend with them, rates recomputed per component, independent components advanced side by
side over a lookahead window, routes handled as runs of links).  None of that may change an
answer.  The reference below has none of it: one transfer at a time in pure Python, every
rate recomputed at every event by textbook progressive filling, time advanced to the very
next event.  It follows the rules documented in :mod:`dojo_gui.sim.comm_schedule`:

1. a transfer from chip x in step q waits until every transfer of the steps q depends on
   that delivers to x has arrived;
2. and until the previous transfer on its route (in program order) has sent its last byte;
3. and, if x spends an overhead on it, until x's previous transfer (in program order) has started
   sending (its overhead done);
4. and until x's transfer k before it has sent its last byte (k: x's messages in flight, if any);
5. it then spends its source's per-message overhead, sends at its max-min rate, and
   arrives its route's latency after its last byte left.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dojo_gui.fabric.fabric import Fabric
from dojo_gui.model.links import Link
from dojo_gui.model.templates import TEMPLATES, grid_design
from dojo_gui.sim import comm_engine
from dojo_gui.sim.collectives import SUPPORTED, CollectiveError, build_schedule, resolve_scope
from dojo_gui.sim.comm_schedule import ScheduleBuilder

S = float(1 << 30)
MAX_REFERENCE_TRANSFERS = 1500


def progressive_filling(routes: dict[int, list[int]], capacity: np.ndarray) -> dict[int, float]:
    """Textbook max-min: raise every unfrozen flow's rate together until a link is full; freeze its flows."""
    rate = dict.fromkeys(routes, 0.0)
    remaining = {link: float(capacity[link]) for links in routes.values() for link in links}
    unfrozen = set(routes)
    while unfrozen:
        count: dict[int, int] = {}
        for f in unfrozen:
            for link in routes[f]:
                count[link] = count.get(link, 0) + 1
        step = min(remaining[link] / c for link, c in count.items())
        for f in unfrozen:
            rate[f] += step
        for link, c in count.items():
            remaining[link] -= step * c
        full = {link for link in count if remaining[link] <= 1e-12 * capacity[link]}
        unfrozen = {f for f in unfrozen if not full.intersection(routes[f])}
    return rate


def reference_run(sched, latency: bool) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(completion time, per-chip finish, bytes per link, time each link was full, most transfers on
    each link at once) by the rules above, one event at a time."""
    fabric, rs = sched.fabric, sched.routes
    src, dst, route, nbytes, step_of = [], [], [], [], []
    for q, step in enumerate(sched.steps):
        p = step.pattern
        for i in range(p.size):
            src.append(int(p.src[i]))
            dst.append(int(p.dst[i]))
            route.append(int(p.route[i]))
            nbytes.append(step.nbytes)
            step_of.append(q)
    n = len(src)
    links = [rs.route(r).tolist() for r in route]
    overhead = [float(fabric.chip_overhead_s[s]) if latency else 0.0 for s in src]
    delay = [float(rs.latency_s[r]) if latency else 0.0 for r in route]
    # Dependencies: (transfer, "sent", "arrived" or "started").
    deps: list[list[tuple[int, str]]] = [[] for _ in range(n)]
    last_on_route: dict[int, int] = {}
    by_chip: dict[int, list[int]] = {}
    by_step: dict[int, list[int]] = {}
    for i in range(n):
        by_step.setdefault(step_of[i], []).append(i)
    for i in range(n):
        if route[i] in last_on_route:
            deps[i].append((last_on_route[route[i]], "sent"))
        last_on_route[route[i]] = i
        mine = by_chip.setdefault(src[i], [])
        if mine and overhead[i] > 0:
            deps[i].append((mine[-1], "started"))
        k = int(fabric.chip_max_in_flight[src[i]])
        if k and len(mine) >= k:
            deps[i].append((mine[-k], "sent"))
        mine.append(i)
        for p in sched.steps[step_of[i]].data_from:
            deps[i].extend((j, "arrived") for j in by_step[p] if dst[j] == src[i])
    sent = [None] * n
    arrived = [None] * n
    start = [None] * n
    left = list(nbytes)
    sending: set[int] = set()
    link_bytes = np.zeros(fabric.n_links)
    full_s = np.zeros(fabric.n_links)
    peak = np.zeros(fabric.n_links, int)
    t = 0.0
    while any(a is None for a in arrived):
        changed = True
        while changed:
            changed = False
            for i in range(n):
                if start[i] is None:
                    times = [{"sent": sent, "arrived": arrived, "started": start}[kind][j] for j, kind in deps[i]]
                    if all(x is not None and x <= t for x in times):
                        start[i] = max(times, default=0.0) + overhead[i]
                        changed = True
                if start[i] is not None and sent[i] is None and i not in sending and start[i] <= t:
                    if nbytes[i] == 0:
                        sent[i] = start[i]
                    else:
                        sending.add(i)
                    changed = True
                if sent[i] is not None and arrived[i] is None and sent[i] + delay[i] <= t:
                    arrived[i] = sent[i] + delay[i]
                    changed = True
        if all(a is not None for a in arrived):
            break
        rate = progressive_filling({i: links[i] for i in sending}, fabric.link_capacity_Bps)
        candidates = [t + left[i] / rate[i] for i in sending]
        candidates += [start[i] for i in range(n) if start[i] is not None and start[i] > t and sent[i] is None
                       and i not in sending]
        candidates += [sent[i] + delay[i] for i in range(n) if sent[i] is not None and arrived[i] is None]
        t_next = min(candidates)
        load = np.zeros(fabric.n_links)
        for i in sending:
            load[links[i]] += rate[i]
            peak[links[i]] = np.maximum(peak[links[i]], [sum(link in links[j] for j in sending) for link in links[i]])
        full_s[load >= fabric.link_capacity_Bps * (1 - 1e-9)] += t_next - t
        for i in list(sending):
            moved = rate[i] * (t_next - t)
            for link in links[i]:
                link_bytes[link] += min(moved, left[i])
            left[i] -= moved
            if left[i] <= 1e-9 * nbytes[i]:
                sending.discard(i)
                sent[i] = t_next
        t = t_next
    chip_finish = np.zeros(fabric.n_chips)
    for i in range(n):
        chip_finish[src[i]] = max(chip_finish[src[i]], arrived[i])
        chip_finish[dst[i]] = max(chip_finish[dst[i]], arrived[i])
    return max(arrived), chip_finish, link_bytes, full_s, peak


def assert_engine_matches_reference(sched, latency: bool) -> None:
    expect_t, expect_finish, expect_bytes, expect_full, expect_peak = reference_run(sched, latency)
    # Two timelines: the default, and one of two bins (the engine's windows stop at bin edges, so wide
    # bins let them run their full lookahead).
    for mode, n_bins in (("auto", comm_engine.DEFAULT_BINS), ("max-min", comm_engine.DEFAULT_BINS), ("max-min", 2)):
        got = comm_engine.run(sched, latency=latency, mode=mode, n_bins=n_bins)
        assert got.time_s == pytest.approx(expect_t, rel=1e-9), mode
        assert np.allclose(got.chip_finish_s, expect_finish, rtol=1e-9, atol=0), mode
        assert np.allclose(got.link_bytes, expect_bytes, rtol=1e-6, atol=1e-3 * S), mode
        if got.mode == "max-min":  # (the exclusive-links engine counts a link's full time per transfer)
            assert np.allclose(got.link_saturated_s, expect_full, rtol=1e-6, atol=1e-9 * expect_t), mode
            assert np.array_equal(got.link_peak_flows, expect_peak), mode


def test_the_reference_on_a_hand_worked_case():
    """Two transfers share a 1 GB/s link for a while: 0->2 (2 GB over links 0->1->2) and 1->2 (1 GB from
    t = 1 s, after 1 s of overhead).  Alone until 1 s, 0->2 sends 1 GB; then each gets half: 1->2
    finishes its 1 GB at 3 s; 0->2 has 0 GB left then too.  Both done at 3 s."""
    f = Fabric(3, [Link(0, 1, 1e9, 0.0, "mesh", "tile"), Link(1, 2, 1e9, 0.0, "mesh", "tile")],
               message_overhead_s=[0.0, 1.0, 0.0])
    b = ScheduleBuilder(f, [0, 1, 2])
    b.step(b.pattern([0], [2]), 2e9)
    b.step(b.pattern([1], [2]), 1e9)
    sched = b.build()
    t, finish, link_bytes, _, peak = reference_run(sched, latency=True)
    assert t == pytest.approx(3.0) and finish.tolist() == pytest.approx([3.0, 3.0, 3.0])
    assert link_bytes[f.link_between(1, 2)] == pytest.approx(3e9) and peak[f.link_between(1, 2)] == 2
    assert_engine_matches_reference(sched, latency=True)


def test_a_transfer_released_mid_window_slows_one_already_sending():
    """Every chip has 1 us of overhead, so nothing released at t starts before t + 1 us: the engine
    advances independent groups over such windows.  On a line 0 - 1 - 2 - 3 of 1 GB/s links, at 1 us
    A (1->2, 2000 B) starts alone on its link, and C (3->0, 100 B) and D (2->1, 100 B) start sharing
    link 2->1: both end at 1.2 us.  C's data reaching 0 releases B (0->2, 5000 B) to start at 2.2 us
    on A's link.  A has sent 1200 B alone; its last 800 B at 0.5 GB/s take 1.6 us, so A ends at
    3.8 us (alone it would end at 3 us, within the first window: the window must not outrun B).
    B has sent 800 B by then and sends its last 4200 B alone: it ends at 8 us."""
    f = Fabric(4, [Link(0, 1, 1e9, 0.0, "mesh", "tile"), Link(1, 2, 1e9, 0.0, "mesh", "tile"),
                   Link(2, 3, 1e9, 0.0, "mesh", "tile")], message_overhead_s=1e-6)
    b = ScheduleBuilder(f, [0, 1, 2, 3])
    b.step(b.pattern([1], [2]), 2000.0)  # A
    c = b.step(b.pattern([3, 2], [0, 1]), 100.0)  # C and D
    b.step(b.pattern([0], [2]), 5000.0, [c])  # B
    sched = b.build()
    for mode, n_bins in (("auto", comm_engine.DEFAULT_BINS), ("max-min", 2)):
        got = comm_engine.run(sched, latency=True, mode=mode, n_bins=n_bins)
        assert got.time_s == pytest.approx(8.0e-6, rel=1e-9)
        assert got.chip_finish_s[1] == pytest.approx(3.8e-6, rel=1e-9)  # A's end
    assert reference_run(sched, latency=True)[0] == pytest.approx(8.0e-6, rel=1e-9)
    assert_engine_matches_reference(sched, latency=True)


grids = st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 2), st.integers(1, 3), st.booleans())
routings = st.sampled_from(["mesh", "zplane"])


@pytest.mark.slow  # hypothesis over the reference simulator: ~8 s
@settings(max_examples=40, deadline=None)
@example(grid=(2, 1, 1, 3, False), collective="allreduce", algorithm="hierarchical", chunks=2, latency=True,
         subset=None, routing="mesh")
@example(grid=(3, 3, 1, 2, False), collective="allreduce", algorithm="bidirectional-ring", chunks=1, latency=True,
         subset=None, routing="mesh")
@example(grid=(2, 2, 1, 2, True), collective="alltoall", algorithm="direct", chunks=2, latency=False, subset=None,
         routing="mesh")
@example(grid=(2, 2, 1, 3, False), collective="allreduce", algorithm="hierarchical", chunks=2, latency=True,
         subset=None, routing="zplane")
@example(grid=(1, 2, 2, 2, False), collective="alltoall", algorithm="direct", chunks=1, latency=True, subset=None,
         routing="zplane")
@given(grid=grids, collective=st.sampled_from(list(SUPPORTED)), algorithm=st.sampled_from(
    ["ring", "bidirectional-ring", "2d", "hierarchical", "direct"]), chunks=st.integers(1, 3), latency=st.booleans(),
    subset=st.none() | st.lists(st.integers(0, 53), min_size=2, max_size=8, unique=True), routing=routings)
def test_the_engine_follows_the_reference_on_grids(catalog, grid, collective, algorithm, chunks, latency, subset,
                                                    routing):
    rows, cols, cab_rows, cab_cols, torus = grid
    design = grid_design(catalog, "dojo-d1", (rows, cols), (cab_rows, cab_cols), (1, 1), {"tile"} if torus else set())
    f = Fabric.from_design(design)
    if algorithm not in SUPPORTED[collective]:
        algorithm = SUPPORTED[collective][0]
    chips = None if subset is None else [c for c in subset if c < f.n_chips]
    if chips is not None and len(chips) < 2:
        return
    try:
        sched = build_schedule(f, collective, algorithm, S, resolve_scope(f, chips), chunks, routing=routing)
    except CollectiveError:
        return
    if sched.n_transfers > MAX_REFERENCE_TRANSFERS:
        return
    assert_engine_matches_reference(sched, latency)


# The TPU v4 torus takes ~18 s against the reference: with the slow tests.
@pytest.mark.parametrize("name", [pytest.param("tpu-v4-slice", marks=pytest.mark.slow), "gb200-nvl72"])
def test_the_engine_follows_the_reference_on_tori_and_switches(catalog, name):
    f = Fabric.from_design(TEMPLATES[name].make(catalog))
    chips = list(range(0, f.n_chips, max(1, f.n_chips // 12)))[:12]
    for collective, algorithm in (("allreduce", "bidirectional-ring"), ("alltoall", "direct"),
                                  ("broadcast", "direct"), ("allgather", "ring")):
        sched = build_schedule(f, collective, algorithm, S, resolve_scope(f, chips), 2)
        for latency in (False, True):
            assert_engine_matches_reference(sched, latency)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), latency=st.booleans())
def test_the_engine_follows_the_reference_on_irregular_fabrics(seed, latency):
    """Random connected graphs of chips and a switch, random bandwidths, latencies, overheads, messages
    in flight and injection bandwidths, random steps with random dependencies: shortest-path routes,
    links shared every which way."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 8))
    links = [Link(i, int(rng.integers(0, i)), float(rng.choice([1e9, 2e9, 5e9])), float(rng.choice([0, 1e-6])),
                  "mesh", "tile") for i in range(1, n)]
    links += [Link(int(a), int(b), float(rng.choice([1e9, 3e9])), 2e-6, "mesh", "tile")
              for a, b in rng.integers(0, n, (int(rng.integers(0, 4)), 2)) if a != b]
    if rng.random() < 0.5:
        links += [Link(i, "switch:s", 1e9, 5e-7, "switch", "room") for i in range(n) if rng.random() < 0.6]
    overhead = rng.choice([0.0, 1e-6, 3e-6], n) if rng.random() < 0.5 else float(rng.choice([1e-7, 1e-6]))
    # Chips that can have only one or two messages in flight, or inject slower than their links take.
    in_flight = rng.choice([0, 1, 2], n) if rng.random() < 0.5 else 0
    injection = rng.choice([0.0, 1e9, 1.5e9], n) if rng.random() < 0.5 else 0.0
    f = Fabric(n, links, message_overhead_s=overhead, max_messages_in_flight=in_flight, injection_bw_Bps=injection)
    b = ScheduleBuilder(f, np.arange(n))
    for q in range(int(rng.integers(1, 6))):
        k = int(rng.integers(1, 5))
        src = rng.integers(0, n, k)
        dst = (src + rng.integers(1, n, k)) % n
        deps = [p for p in range(q) if rng.random() < 0.5]
        b.step(b.pattern(src, dst), float(rng.choice([0.0, 1e6, 3e6, 1e7])), deps)
    assert_engine_matches_reference(b.build(), latency)
