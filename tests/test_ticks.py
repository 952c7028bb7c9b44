"""Chart axes: 1-2-5 ticks inside the data's range, labels that differ, the unit in the title."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dojo_gui.ticks import label_step, step_at_least, ticks_inside, time_axis, value_axis


def _mantissa(step: float) -> float:
    return step / 10 ** math.floor(math.log10(step) + 1e-12)


@given(st.floats(-1e9, 1e9), st.floats(1e-6, 1e9))
@settings(max_examples=300, deadline=None)
def test_ticks_are_round_steps_inside_the_range(lo, span):
    assume(span >= 1e-6 * abs(lo))  # a chart's range is never a millionth of its values
    hi = lo + span
    ticks = ticks_inside(lo, hi)
    tolerance = 1e-9 * max(abs(lo), abs(hi), span)
    assert all(lo - tolerance <= t <= hi + tolerance for t in ticks)
    assert 4 <= len(ticks) <= 12
    steps = [b - a for a, b in itertools.pairwise(ticks)]
    assert max(steps) - min(steps) <= 1e-6 * steps[0] + tolerance
    assert any(math.isclose(_mantissa(steps[0]), m, rel_tol=1e-6) for m in (1, 2, 5, 10))


def test_a_pue_that_moves_by_a_thousandth_gets_labels_that_differ():
    """The report ticked such a PUE "1.12" seven times."""
    axis = value_axis(1.1226, 1.1236, "1", "PUE")
    assert axis.title == "PUE"
    assert len(set(axis.labels)) == len(axis.labels) >= 4
    assert axis.labels[:2] == ("1.1226", "1.1228")
    assert all(1.1226 - 1e-12 <= t <= 1.1236 + 1e-12 for t in axis.ticks)


@pytest.mark.parametrize("lo,hi,title,labels", [
    (1.0, 3600.0, "Time (min)", ("10", "20", "30", "40", "50", "60")),  # not 16.7, 33.3 ... 66.7 min
    (0.0, 86400.0, "Time (h)", ("0", "5", "10", "15", "20")),  # not 5.56 h, 27.8 h
    (0.0, 1.01e-3, "Time (ms)", ("0", "0.2", "0.4", "0.6", "0.8", "1.0")),
    (0.0, 100.0, "Time (s)", ("0", "20", "40", "60", "80", "100")),
])
def test_time_axes_read_in_the_unit_their_length_suits(lo, hi, title, labels):
    axis = time_axis(lo, hi)
    assert (axis.title, axis.labels) == (title, labels)
    assert axis.ticks[-1] <= hi


def test_one_prefix_for_the_whole_axis_and_the_unit_in_the_title():
    axis = value_axis(4e5, 2.6e6, "W", "Power")
    assert axis.title == "Power (MW)"
    assert axis.labels == ("0.5", "1.0", "1.5", "2.0", "2.5")
    assert value_axis(0.3, 0.95, "%", "Utilization").title == "Utilization (%)"
    assert value_axis(0, 3000, "1", "Chips").labels == ("0", "1,000", "2,000", "3,000")


def test_a_constant_series_gets_its_value_as_the_one_tick():
    axis = value_axis(1.2, 1.2, "1", "PUE")
    assert axis.ticks == (1.2,) and axis.labels == ("1.20",)


def test_a_range_that_is_not_finite_is_refused():
    with pytest.raises(ValueError, match="finite range"):
        ticks_inside(0.0, math.inf)


# --------------------------------------------------------------------------- labels as many as an axis' length holds
def _inside(lo: float, hi: float, step: float) -> int:
    return max(0, math.floor(hi / step + 1e-9) - math.ceil(lo / step - 1e-9) + 1)


@pytest.mark.parametrize("least,step", [(0.3, 0.5), (7, 10), (1, 1), (0.2 + 1e-17, 0.2), (123, 200), (5.0001, 10)])
def test_the_step_at_least_a_length_is_the_next_1_2_5_step(least, step):
    assert step_at_least(least) == pytest.approx(step, rel=1e-12)


@given(st.floats(-1e6, 1e6), st.floats(1e-3, 1e6), st.floats(10, 1000), st.floats(8, 30), st.floats(1, 4))
@settings(max_examples=400, deadline=None)
def test_labels_never_come_closer_than_they_may_and_two_show_where_two_can(lo, span, length_px, label_px, ratio):
    assume(span >= 1e-6 * abs(lo))
    hi, least, inset = lo + span, 0.95 * label_px, 0.4 * label_px + 1.5
    step = label_step(lo, hi, length_px, least, ratio * label_px, inset)
    assert any(math.isclose(_mantissa(step), m, rel_tol=1e-9) for m in (1, 2, 5, 10))
    per = span / length_px
    inner = (lo + inset * per, hi - inset * per)
    fits = _inside(*inner, step) if inner[1] > inner[0] else 0
    # Labels are never closer than the least pitch ...
    assert step / per >= least * (1 - 1e-9)
    # ... and where some step that keeps them that far apart fits two, two fit.
    steps = [step_at_least(least * per)]
    while steps[-1] < span:
        steps.append(step_at_least(steps[-1] * 1.01))
    assert fits >= 2 or not any(_inside(*inner, s) >= 2 for s in steps if inner[1] > inner[0])


def test_a_short_plot_gets_two_labels_half_a_second_apart():
    """A kept run's "Step" plot, 37 px tall over 1.16 - 2.16 s with labels 14 px tall: 1.5 and 2.0, not four labels
    0.2 s (7 px) apart."""
    assert label_step(1.16, 2.16, 38.7, 0.95 * 13.95, 2 * 13.95, 0.4 * 13.95 + 1.5) == 0.5
