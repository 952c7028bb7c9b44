"""Chart axes: 1-2-5 ticks inside the data's range, labels that differ, the unit in the title."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dojo_gui.ticks import ticks_inside, time_axis, value_axis


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
