"""The pipeline's time and bubble against an event-by-event 1F1B schedule and the closed form."""

import pytest

from dojo_gui.sim.training.step import pipeline_time


def one_f_one_b(p: int, m: int, t_f: float, t_b: float) -> float:
    """Makespan of PipeDream-Flush (1F1B): stage j runs p-j-1 warm-up forwards, then alternates one forward
    and one backward, then drains its backwards; a forward waits for the previous stage's, a backward for
    the next stage's."""
    orders = []
    for j in range(p):
        warm = min(p - j - 1, m)
        order = [("F", i) for i in range(warm)]
        f, b = warm, 0
        while b < m:
            if f < m:
                order.append(("F", f))
                f += 1
            order.append(("B", b))
            b += 1
        orders.append(order)
    done: dict = {}
    clock = [0.0] * p
    pos = [0] * p
    while any(pos[j] < len(orders[j]) for j in range(p)):
        progressed = False
        for j in range(p):
            if pos[j] >= len(orders[j]):
                continue
            kind, i = orders[j][pos[j]]
            dep = ("F", j - 1, i) if kind == "F" and j > 0 else ("B", j + 1, i) if kind == "B" and j < p - 1 else None
            if kind == "B" and j == p - 1:
                dep = ("F", j, i)
            if dep is not None and dep not in done:
                continue
            start = max(clock[j], done.get(dep, 0.0))
            clock[j] = start + (t_f if kind == "F" else t_b)
            done[(kind, j, i)] = clock[j]
            pos[j] += 1
            progressed = True
        assert progressed
    return max(clock)


@pytest.mark.parametrize("p,m", [(1, 4), (2, 8), (4, 4), (4, 16), (8, 32), (6, 7)])
def test_1f1b_matches_the_event_schedule(p, m):
    t_f, t_b = 1.0, 2.0
    busy, bubble = pipeline_time([t_f + t_b] * p, m)
    assert busy + bubble == pytest.approx(one_f_one_b(p, m, t_f, t_b))


@pytest.mark.parametrize("p,m,v", [(4, 8, 1), (8, 64, 1), (8, 64, 2), (16, 64, 4)])
def test_bubble_share_is_p_minus_1_over_m_plus_p_minus_1(p, m, v):
    """(p − 1)/(m + p − 1) for 1F1B; the bubble divided by v interleaved chunks."""
    busy, bubble = pipeline_time([3.0] * p, m, v)
    assert bubble / (busy + bubble) == pytest.approx(((p - 1) / v) / (m + (p - 1) / v))
    if v == 1:
        assert bubble / (busy + bubble) == pytest.approx((p - 1) / (m + p - 1))


def test_the_slowest_stage_sets_the_pace():
    busy, bubble = pipeline_time([1.0, 1.0, 1.5], 10)
    assert busy == pytest.approx(15.0) and bubble == pytest.approx(2.0)
