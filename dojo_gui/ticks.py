"""Chart axes: round 1-2-5 ticks inside the data's range, labels that differ, the unit in the axis title.

An axis ends where its data ends (a 60 min run is not drawn to 66.7 min), its ticks are
multiples of 1, 2 or 5 times a power of ten in the axis' own unit (10, 20, 30 min; 0.5,
1, 1.5 MW), and its labels carry as many decimals as the step needs, so a PUE that moves
by 0.001 is ticked 1.1228, 1.1230, ... and never "1.12" seven times.  The unit goes once
into the axis title ("Power (MW)", "Time (min)"), with one prefix for every tick.

Qt-free: the report's charts and the window's plots read their axes here.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from . import units

__all__ = ["Axis", "label_step", "mantissa", "step_at_least", "ticks_inside", "time_axis", "value_axis"]

MANTISSAS = (5, 2, 1)  # tick steps are these times a power of ten, largest first
FEWEST_TICKS = 4

# Time axes read in the largest of these that the axis reaches twice (a 60 min run in minutes, a day in hours).
_TIME_UNITS = ((86400.0, "d"), (3600.0, "h"), (60.0, "min"))
_PREFIXES = ((1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, ""), (1e-3, "m"),
             (1e-6, "µ"), (1e-9, "n"), (1e-12, "p"))


@dataclass(frozen=True)
class Axis:
    """One axis of a chart: its ends and ticks in SI, and how they read."""

    lo: float  # the data's range (SI); the ticks lie inside it
    hi: float
    ticks: tuple[float, ...]
    labels: tuple[str, ...]  # one per tick, in the axis unit the title names
    title: str  # "Power (MW)", "Time (min)", "PUE"
    scale: float  # SI units per axis unit: a tick reads value / scale


def ticks_inside(lo: float, hi: float, fewest: int = FEWEST_TICKS) -> list[float]:
    """Multiples of the largest 1-2-5 step that puts at least ``fewest`` of them in [lo, hi].

    A range of one value gets that value as its only tick; a range too short for even two ticks
    (never for ``fewest`` up to 4: some step always fits) gets its two ends.
    """
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi < lo:
        raise ValueError(f"an axis needs a finite range, not [{lo}, {hi}]")
    if hi == lo:
        return [lo]
    exponent = math.floor(math.log10(hi - lo))
    for e in range(exponent + 1, exponent - 4, -1):
        for mantissa in MANTISSAS:
            step = mantissa * 10.0**e
            first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
            if last - first + 1 >= fewest:
                return [_clean(k * step, step) for k in range(first, last + 1)]
    return [lo, hi]


def step_at_least(least: float) -> float:
    """The smallest step of 1, 2 or 5 times a power of ten that is at least ``least``: 0.3 -> 0.5, 7 -> 10.

    A plot that must keep its labels some pixels apart asks for the step that many pixels stand for.
    """
    if not (math.isfinite(least) and least > 0):
        raise ValueError(f"a tick step must be positive and finite, not {least}")
    exponent = math.floor(math.log10(least))
    for e in (exponent, exponent + 1):
        for mantissa in reversed(MANTISSAS):
            step = mantissa * 10.0**e
            if step >= least * (1 - 1e-12):  # 0.2 asked as 0.20000000000000004 is 0.2
                return step
    raise AssertionError("unreachable: 10 ** (exponent + 1) exceeds least")


def label_step(lo: float, hi: float, length: float, least_pitch: float, pitch: float, inset: float = 0.0) -> float:
    """The 1-2-5 step of the labelled ticks of an axis over [lo, hi] drawn ``length`` long (pixels, points).

    Labels are ``pitch`` apart where two of them fit, closer where that is what it takes for two (a short
    plot's two labels rather than one), never closer than ``least_pitch`` (they would overlap); a label fits
    when its tick is ``inset`` or more from either end (a label cut by the plot's edge is not drawn).
    """
    if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo and length > 0 and least_pitch > 0):
        raise ValueError(f"an axis needs a range and a length, not [{lo}, {hi}] over {length}")
    per = (hi - lo) / length  # axis units per unit of length
    smallest = step_at_least(per * least_pitch)
    step = step_at_least(per * max(pitch, least_pitch))
    inner = (lo + inset * per, hi - inset * per)
    while _multiples(*inner, step) < 2 and _smaller_step(step) >= smallest * (1 - 1e-9):
        step = _smaller_step(step)
    return step


def _multiples(lo: float, hi: float, step: float) -> int:
    return max(0, math.floor(hi / step + 1e-9) - math.ceil(lo / step - 1e-9) + 1)


def mantissa(step: float) -> int:
    """1, 2 or 5: the leading digit of a 1-2-5 step (0.5 -> 5, 20 -> 2)."""
    return round(step / 10.0 ** math.floor(math.log10(step) + 1e-9))


def _smaller_step(step: float) -> float:
    """The 1-2-5 step below ``step``: 5 -> 2 -> 1 -> 0.5."""
    return {5: 2, 2: 1}.get(mantissa(step), 0.5) * step / mantissa(step)


def _clean(value: float, step: float) -> float:
    """k × step without the binary noise (1.1228000000000002 -> 1.1228)."""
    decimals = max(0, -math.floor(math.log10(step)) + 1)
    return round(value, decimals) + 0.0


def _labels(ticks: list[float]) -> tuple[str, ...]:
    """Every tick (in axis units) with the decimals its step needs, so neighbours differ; thousands separated."""
    if len(ticks) > 1:
        step = min(b - a for a, b in itertools.pairwise(ticks))
        decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    else:  # one value: three significant figures, as units.format prints it
        decimals = min(6, max(0, 2 - math.floor(math.log10(abs(ticks[0]))))) if ticks[0] else 0
    out = []
    for v in ticks:
        text = f"{v:,.{decimals}f}"
        out.append("0" if text.lstrip("-").strip("0.,") == "" else text)
    return tuple(out)


def _prefix(magnitude: float, unit: units.Unit) -> tuple[float, str]:
    """The scale and symbol one prefix gives a whole axis (the one its largest value reads best in)."""
    if unit.key == "%":
        return 0.01, "%"
    if unit.prefixes == "none" or magnitude == 0:
        return 1.0, unit.symbol
    for size, prefix in _PREFIXES:
        if magnitude >= size * 0.9995:
            return size, prefix + unit.symbol
    return _PREFIXES[-1][0], _PREFIXES[-1][1] + unit.symbol


def _time_scale(magnitude: float) -> tuple[float, str]:
    for size, name in _TIME_UNITS:
        if magnitude >= 2 * size:
            return size, name
    return _prefix(magnitude, units.UNITS["s"])


def _title(name: str, symbol: str) -> str:
    return f"{name} ({symbol})" if symbol else name


def value_axis(lo: float, hi: float, unit: units.Unit | str, name: str) -> Axis:
    """An axis for values of ``unit`` (a key of :data:`dojo_gui.units.UNITS`) between ``lo`` and ``hi``,
    titled ``name`` and the unit: ``value_axis(4e5, 2.6e6, "W", "Power")`` is "Power (MW)", 0.5 … 2.5."""
    if isinstance(unit, str):
        unit = units.UNITS[unit]
    magnitude = max(abs(lo), abs(hi))
    scale, symbol = _time_scale(magnitude) if unit.key == "s" else _prefix(magnitude, unit)
    ticks = ticks_inside(lo / scale, hi / scale)  # round steps in the unit the axis reads in: 10 min, not 600 s
    return Axis(lo, hi, tuple(t * scale for t in ticks), _labels(ticks), _title(name, symbol), scale)


def time_axis(lo_s: float, hi_s: float, name: str = "Time") -> Axis:
    """A time axis in the unit its length reads best in: ``time_axis(0, 3600)`` is "Time (min)", 0, 10 … 60."""
    return value_axis(lo_s, hi_s, "s", name)
