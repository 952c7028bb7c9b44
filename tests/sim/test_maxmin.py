"""Max-min fairness on hand-made cases with known rates, and its defining properties on random ones."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dojo_gui.sim.maxmin import elementary_intervals, max_min_rates, max_min_rates_segments


def rates(flows: list[list[int]], capacity: list[float]):
    inc_flow = np.array([f for f, links in enumerate(flows) for _ in links], np.int64)
    inc_link = np.array([link for links in flows for link in links], np.int64)
    return max_min_rates(inc_flow, inc_link, np.array(capacity, float), len(flows))


def test_flows_on_one_link_share_it_equally():
    r, full = rates([[0], [0], [0], [0]], [10.0])
    assert r.tolist() == [2.5] * 4 and full.tolist() == [True]


def test_a_flow_held_back_elsewhere_leaves_its_share_to_the_others():
    # Link 0 (cap 1) carries f0, f1; link 1 (cap 2) carries f1, f2.  f0 = f1 = 0.5; f2 takes the rest of link 1.
    r, full = rates([[0], [0, 1], [1]], [1.0, 2.0])
    assert r == pytest.approx([0.5, 0.5, 1.5])
    assert full.tolist() == [True, True]


def test_the_parking_lot():
    # A long flow over three unit links, a short flow on each: everyone gets a half.
    r, _ = rates([[0, 1, 2], [0], [1], [2]], [1.0, 1.0, 1.0])
    assert r == pytest.approx([0.5] * 4)


def test_levels_fill_in_order():
    # Link 1 (cap 4) with b, c, d saturates first at 4/3; a gets what b leaves of link 0 (cap 10).
    r, full = rates([[0], [0, 1], [1], [1]], [10.0, 4.0])
    assert r == pytest.approx([10 - 4 / 3, 4 / 3, 4 / 3, 4 / 3])
    assert full.tolist() == [True, True]


def test_a_link_with_room_to_spare_is_not_full():
    r, full = rates([[0, 1]], [5.0, 3.0])
    assert r.tolist() == [3.0] and full.tolist() == [False, True]


def test_a_flow_that_crosses_no_link_is_unconstrained():
    r, _ = max_min_rates(np.array([0]), np.array([0]), np.array([1.0, 1.0]), 2)
    assert r[0] == 1.0 and r[1] == np.inf


def progressive_filling(flows, capacity):
    """The textbook algorithm, one bottleneck level per round, as an independent reference."""
    n = len(flows)
    rate = np.zeros(n)
    frozen = np.zeros(n, bool)
    remaining = np.array(capacity, float)
    level = 0.0
    while not frozen.all():
        count = np.zeros(len(capacity))
        for f, links in enumerate(flows):
            if not frozen[f]:
                count[list(links)] += 1
        share = np.where(count > 0, remaining / np.maximum(count, 1), np.inf)
        step = share.min()
        level += step
        remaining -= step * count
        saturated = (count > 0) & (share <= step * (1 + 1e-12))
        for f, links in enumerate(flows):
            if not frozen[f] and saturated[list(links)].any():
                frozen[f] = True
                rate[f] = level
    return rate


problems = st.integers(1, 8).flatmap(lambda n_links: st.tuples(
    st.lists(st.sampled_from([0.5, 1.0, 2.0, 3.0, 7.5]), min_size=n_links, max_size=n_links),
    st.lists(st.sets(st.integers(0, n_links - 1), min_size=1, max_size=n_links), min_size=1, max_size=25)))


@pytest.mark.slow  # hypothesis: ~2 s
@settings(max_examples=300, deadline=None)
@given(problems)
def test_max_min_properties_on_random_problems(problem):
    capacity, flow_links = problem
    flows = [sorted(s) for s in flow_links]
    r, full = rates(flows, capacity)
    load = np.zeros(len(capacity))
    for f, links in enumerate(flows):
        load[links] += r[f]
    # Feasible: no link carries more than its capacity.
    assert np.all(load <= np.array(capacity) * (1 + 1e-9))
    # Max-min: every flow crosses a full link on which no other flow gets more.
    for f, links in enumerate(flows):
        assert any(load[link] >= capacity[link] * (1 - 1e-9)
                   and all(r[g] <= r[f] * (1 + 1e-9) for g, other in enumerate(flows) if link in other)
                   for link in links)
    assert r == pytest.approx(progressive_filling(flows, capacity), rel=1e-9)
    assert np.array_equal(full, load >= np.array(capacity) * (1 - 1e-9))


segment_problems = st.integers(1, 30).flatmap(lambda n_places: st.tuples(
    st.lists(st.sampled_from([0.5, 1.0, 1.8, 4.0]), min_size=n_places, max_size=n_places),
    st.lists(st.lists(st.tuples(st.integers(0, n_places - 1), st.integers(1, n_places)), min_size=1, max_size=3),
             min_size=1, max_size=20)))


@pytest.mark.slow  # hypothesis: ~2.5 s
@settings(max_examples=300, deadline=None)
@given(segment_problems)
def test_segments_give_the_rates_of_the_links_they_cover(problem):
    """Flows over runs of consecutive places (routes along grid lines): the interval solver must give
    exactly what the link-by-link solver gives for the same links."""
    capacity, flow_runs = problem
    owner, lo, hi, flows = [], [], [], []
    for f, runs in enumerate(flow_runs):
        covered: set[int] = set()
        for a, length in runs:
            b = min(a + length, len(capacity))
            if covered.isdisjoint(range(a, b)):  # a flow's runs do not overlap
                covered.update(range(a, b))
                owner.append(f)
                lo.append(a)
                hi.append(b)
        flows.append(sorted(covered))
    bounds, elo, ehi, cap = elementary_intervals(np.array(lo), np.array(hi), np.array(capacity))
    r, full = max_min_rates_segments(np.array(owner), elo, ehi, cap, len(flows))
    expect, expect_full = rates(flows, capacity)
    assert r == pytest.approx(expect, rel=1e-12)
    # An elementary interval is full when its tightest link is.
    tight = [min(range(bounds[e], bounds[e + 1]), key=lambda p: capacity[p]) for e in range(len(cap))]
    assert full.tolist() == [bool(expect_full[p]) and any(p in fl for fl in flows) for p in tight]
