"""Scenarios: exact step means of traces and ambient curves, and files that say what is wrong with them."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dojo_gui.sim.scenario import DAY_S, Ambient, PiecewiseLinear, ScenarioError, UtilizationTrace


def numeric_mean(curve, t0, t1, n=20001):
    t = np.linspace(t0, t1, n)
    v = np.interp(t, curve.times, curve.values)  # held beyond the ends, as the trace is
    return float(np.trapezoid(v, t) / (t1 - t0))


@settings(max_examples=60, deadline=None)
@given(knots=st.lists(st.tuples(st.floats(0, 100), st.floats(0, 1)), min_size=2, max_size=8),
       a=st.floats(-20, 130), span=st.floats(0.5, 80))
def test_trace_means_are_exact_integrals(knots, a, span):
    knots = sorted(knots)
    times = np.array([k[0] for k in knots])
    if times[-1] - times[0] < 1e-3:
        return
    curve = PiecewiseLinear(times, np.array([k[1] for k in knots]))
    got = float(curve.means(np.array([a]), np.array([a + span]))[0])
    assert got == pytest.approx(numeric_mean(curve, a, a + span), abs=2e-3)


def test_a_jump_in_a_trace_is_a_jump():
    curve = PiecewiseLinear(np.array([0.0, 10.0, 10.0, 20.0]), np.array([0.2, 0.2, 1.0, 1.0]))
    assert curve.means(np.array([0.0, 10.0, 5.0]), np.array([10.0, 20.0, 15.0])) == pytest.approx([0.2, 1.0, 0.6])
    # Before the first row and after the last, the ends hold.
    assert curve.means(np.array([-10.0, 30.0]), np.array([0.0, 40.0])) == pytest.approx([0.2, 1.0])


def test_trace_file_with_part_columns(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('# a comment\ntime_s,utilization,"room.cabinet[0,1]","room.cabinet[0,1].tile[0,0]"\n'
                    "0,50%,0.1,1\n10min,0.9,0.2,0\n")
    trace = UtilizationTrace.from_csv(path)
    assert trace.columns == ["utilization", "room.cabinet[0,1]", "room.cabinet[0,1].tile[0,0]"]
    assert trace.curve.times.tolist() == [0.0, 600.0]
    chips = [((0, 0), (0, 0), (0, 0)), ((0, 1), (0, 0), (1, 1)), ((0, 1), (0, 1), (0, 0))]
    assert trace.chip_columns(chips).tolist() == [0, 2, 1]  # the most specific part path wins
    means = trace.curve.means(np.array([0.0]), np.array([600.0]))[0]
    assert means == pytest.approx([0.7, 0.15, 0.5])


@pytest.mark.parametrize("text,fragment", [
    ("", "the trace is empty"),
    ("when,utilization\n0,1\n", ":1: the header must start with 'time_s,utilization'"),
    ("time_s,load\n0,1\n", ":1: the second column must be 'utilization'"),
    ("time_s,utilization\n", "has a header but no rows"),
    ("time_s,utilization\n0,0.5\n10,0.5,3\n", ":3: expected 2 values, got 3"),
    ("time_s,utilization\n0,0.5\nlater,0.5\n", ":3, column 1:"),
    ("time_s,utilization\n10,0.5\n5,0.5\n", ":3, column 1: time 5 goes backwards"),
    ("time_s,utilization\n0,150%\n", ":2, column 2: utilization must be between 0 and 1"),
    ("time_s,utilization,room.cabinet[0,1]\n0,1,1\n", "quote it"),
    ("time_s,utilization,rack7\n0,1,1\n", ":1, column 3:"),
])
def test_bad_trace_files_name_the_line_and_column(tmp_path, text, fragment):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        UtilizationTrace.from_csv(path)
    assert fragment in str(info.value) and str(path) in str(info.value)


def test_daily_cosine_means_are_exact():
    amb = Ambient.parse_curve("daily:10C,30C", start_hour=0)
    # Coolest at 03:00, warmest at 15:00, the mean over a whole day is the middle.
    assert amb.means(np.array([3 * 3600.0 - 1]), np.array([3 * 3600.0 + 1]))[0] == pytest.approx(10.0, abs=1e-6)
    assert amb.means(np.array([15 * 3600.0 - 1]), np.array([15 * 3600.0 + 1]))[0] == pytest.approx(30.0, abs=1e-6)
    assert amb.means(np.array([0.0]), np.array([DAY_S]))[0] == pytest.approx(20.0)
    a, b = 3600.0, 5 * 3600.0
    w = 2 * math.pi / DAY_S
    exact = 20 + 10 * (math.sin(w * (b - 15 * 3600)) - math.sin(w * (a - 15 * 3600))) / (w * (b - a))
    assert amb.means(np.array([a]), np.array([b]))[0] == pytest.approx(exact)
    later = Ambient.parse_curve("daily:10C,30C", start_hour=12)
    assert later.means(np.array([3 * 3600.0]), np.array([3 * 3600.0 + 1]))[0] == pytest.approx(30.0, abs=1e-6)


def test_day_curve_file_wraps_around_midnight(tmp_path):
    path = tmp_path / "day.csv"
    path.write_text("hour,ambient_c\n6,10\n18,30\n")
    amb = Ambient.parse_curve(str(path))
    # Midnight lies halfway between 18:00 (30 °C) and 06:00 the next day (10 °C).
    assert amb.means(np.array([-1.0]), np.array([1.0]))[0] == pytest.approx(20.0, abs=1e-3)
    assert amb.means(np.array([12 * 3600 - 1.0]), np.array([12 * 3600 + 1.0]))[0] == pytest.approx(20.0, abs=1e-3)
    assert amb.means(np.array([0.0]), np.array([DAY_S]))[0] == pytest.approx(20.0)
    two_days = amb.means(np.array([0.0]), np.array([2 * DAY_S]))[0]
    assert two_days == pytest.approx(20.0)


@pytest.mark.parametrize("text,fragment", [
    ("hour,temp\n0,10\n12,20\n", "the header must be 'hour,ambient_c'"),
    ("hour,ambient_c\n0,10\n", "needs at least two hours"),
    ("hour,ambient_c\n0,10\n25,20\n", ":3, column 1: hours must rise within 0..24"),
    ("hour,ambient_c\n0,10\n12,warm\n", ":3, column 2:"),
])
def test_bad_ambient_files(tmp_path, text, fragment):
    path = tmp_path / "day.csv"
    path.write_text(text)
    with pytest.raises(ScenarioError, match=fragment.replace("(", r"\(").replace(".", r"\.")):
        Ambient.parse_curve(str(path))


def test_bad_daily_ranges():
    with pytest.raises(ScenarioError, match="below the minimum"):
        Ambient.parse_curve("daily:30C,10C")
    with pytest.raises(ScenarioError, match="is not a temperature"):
        Ambient.parse_curve("daily:cold,10C")
    with pytest.raises(ScenarioError, match="cannot read the ambient curve"):
        Ambient.parse_curve("nowhere.csv")
