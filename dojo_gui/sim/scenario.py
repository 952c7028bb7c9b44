"""Scenarios (``docs/design.md`` §6 The coupled run): a workload and the weather over a duration, in time steps.

A workload gives every chip's utilization over each step:

- :class:`ConstantLoad`: one utilization for every chip;
- :class:`UtilizationTrace`: utilization over time from a CSV file, for every chip or,
  in extra columns headed by a part path (``room.cabinet[0,3]``), for the chips under
  that part (the most specific column wins);
- :class:`~dojo_gui.sim.plan_workload.TrainingPlanWorkload`: a training plan's steps, every
  chip following its tensor group's timeline (its own module);
- :class:`TrainingStep`: a synchronous training step: compute for
  FLOPs per chip / (peak × efficiency), slowed by each chip's DVFS clock, then the
  gradient collective.  Chips that finish their compute early wait for the slowest,
  so one throttled chip sets the pace of all.  The collective's time comes from a
  :data:`CommTimeProvider`: by default :func:`default_comm_time`, the communication
  engine; :func:`ring_closed_form` (the ring closed form over the design's slowest chip
  link) or any other provider may be passed instead, and the result says which.

Ambient temperature is :class:`Ambient`: constant, or a daily curve (a 24-hour CSV or a
cosine between a minimum and a maximum), starting at a chosen hour of the day.

All averages over a step are exact (piecewise-linear traces are integrated, not sampled),
so a step of an hour sees the hour's mean.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

import numpy as np

from .. import limits, units
from ..model.design import Design, DesignError, parse_path
from ..model.links import physical_links
from .comm import simulate_collective

if TYPE_CHECKING:
    from .plan_workload import TrainingPlanWorkload

DAY_S = 86400.0


class ScenarioError(ValueError):
    """A scenario that cannot run, with where the problem is (a file and line, an option)."""


# --------------------------------------------------------------------------- piecewise-linear curves
@dataclass
class PiecewiseLinear:
    """Values at knots, linear between them and held beyond the ends (or periodic)."""

    times: np.ndarray  # non-decreasing; equal neighbours make a jump
    values: np.ndarray  # shape (n_knots,) or (n_knots, n_columns)
    period: float | None = None  # repeat with this period (the knots span [0, period])
    _cumulative: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.times = np.asarray(self.times, float)
        self.values = np.asarray(self.values, float)
        widths = np.diff(self.times)
        area = 0.5 * (self.values[1:] + self.values[:-1]) * (widths[:, None] if self.values.ndim == 2 else widths)
        self._cumulative = np.concatenate([np.zeros((1,) + self.values.shape[1:]), np.cumsum(area, axis=0)])

    def integral(self, t: np.ndarray) -> np.ndarray:
        """∫ from times[0] (or 0 for a periodic curve) to each t."""
        t = np.asarray(t, float)
        if self.period is not None:
            whole, t = np.divmod(t, self.period)
            per_period = self._cumulative[-1]
        else:
            whole, per_period = None, None
        t0, t1 = self.times[0], self.times[-1]
        tc = np.clip(t, t0, t1)
        k = np.clip(np.searchsorted(self.times, tc, side="right") - 1, 0, len(self.times) - 2)
        width = self.times[k + 1] - self.times[k]
        frac = np.divide(tc - self.times[k], width, out=np.zeros_like(tc), where=width > 0)
        two_d = self.values.ndim == 2
        f = frac[:, None] if two_d else frac
        v_at = self.values[k] + (self.values[k + 1] - self.values[k]) * f
        dt = (tc - self.times[k])[:, None] if two_d else tc - self.times[k]
        inside = self._cumulative[k] + 0.5 * (self.values[k] + v_at) * dt
        before = (np.minimum(t, t0) - t0)[:, None] if two_d else np.minimum(t, t0) - t0
        after = (np.maximum(t, t1) - t1)[:, None] if two_d else np.maximum(t, t1) - t1
        out = inside + before * self.values[0] + after * self.values[-1]
        if whole is not None:
            out = out + (whole[:, None] if two_d else whole) * per_period
        return out

    def means(self, t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
        """The mean over each interval [t0, t1] (t1 > t0)."""
        t0, t1 = np.asarray(t0, float), np.asarray(t1, float)
        span = (t1 - t0)[:, None] if self.values.ndim == 2 else t1 - t0
        return (self.integral(t1) - self.integral(t0)) / span


# --------------------------------------------------------------------------- workloads
@dataclass
class ConstantLoad:
    utilization: float = 1.0

    kind = "constant"

    def __post_init__(self) -> None:
        self.utilization = float(self.utilization)
        if not 0.0 <= self.utilization <= 1.0:
            raise ScenarioError(f"utilization must be between 0 and 1, got {self.utilization:g}")

    def describe(self) -> dict:
        return {"kind": self.kind, "utilization": self.utilization}


@dataclass
class UtilizationTrace:
    """Utilization over time: column 0 for every chip, further columns for the chips under a part path."""

    curve: PiecewiseLinear
    columns: list[str]  # "utilization" first, then part paths as written in the header
    source: str = ""

    kind = "trace"

    def describe(self) -> dict:
        return {"kind": self.kind, "source": self.source, "columns": self.columns,
                "start_s": float(self.curve.times[0]), "end_s": float(self.curve.times[-1])}

    def chip_columns(self, chip_paths: Sequence[tuple]) -> np.ndarray:
        """For each chip, the column that drives it: the longest part path above it, else column 0."""
        paths = [parse_path(c) for c in self.columns[1:]]
        out = np.zeros(len(chip_paths), dtype=np.intp)
        best = np.full(len(chip_paths), -1)
        for j, path in enumerate(paths, start=1):
            depth = len(path)
            matched = False
            for k, chip in enumerate(chip_paths):
                if tuple(chip[:depth]) == path:
                    matched = True
                    if depth > best[k]:
                        out[k], best[k] = j, depth
            if not matched:
                raise ScenarioError(f"{self.source}: column {j + 2} ({self.columns[j]}) names no part with chips "
                                    f"in this design")
        return out

    @classmethod
    def from_csv(cls, path: str | os.PathLike) -> UtilizationTrace:
        """Read ``time_s,utilization[,room.cabinet[0,1],...]``; errors name the file, line and column."""
        name = os.fspath(path)
        try:
            with open(path, newline="", encoding="utf-8") as handle:
                _check_size(handle, name)
                lines = list(csv.reader(handle))
        except OSError as exc:
            raise ScenarioError(f"{name}: cannot read the trace: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise ScenarioError(f"{name}: not a text file (invalid UTF-8 at byte {exc.start})") from None
        rows = [(i + 1, r) for i, r in enumerate(lines) if r and any(c.strip() for c in r) and not r[0].lstrip().startswith("#")]
        if not rows:
            raise ScenarioError(f"{name}: the trace is empty (expected a header 'time_s,utilization' and rows)")
        line, raw_header = rows[0]
        header = [h.strip() for h in raw_header]
        if len(header) < 2 or header[0].lower() not in ("time", "time_s", "t", "seconds"):
            raise ScenarioError(f"{name}:{line}: the header must start with 'time_s,utilization', got {','.join(header)!r}")
        if header[1].lower() not in ("utilization", "u", "util"):
            raise ScenarioError(f"{name}:{line}: the second column must be 'utilization', got {header[1]!r}")
        columns = ["utilization"]
        for col, text in enumerate(header[2:], start=3):
            try:
                parse_path(text)
            except DesignError as exc:
                hint = " (a part path holds a comma: quote it, \"room.cabinet[0,1]\")" if "[" in text and "]" not in text else ""
                raise ScenarioError(f"{name}:{line}, column {col}: {exc}{hint}") from None
            columns.append(text)
        times: list[float] = []
        values: list[list[float]] = []
        for line, row in rows[1:]:
            if len(row) != len(header):
                raise ScenarioError(f"{name}:{line}: expected {len(header)} values, got {len(row)}")
            try:
                t = units.parse(row[0].strip(), "s")
            except units.UnitError as exc:
                raise ScenarioError(f"{name}:{line}, column 1: {exc}") from None
            if times and t < times[-1]:
                raise ScenarioError(f"{name}:{line}, column 1: time {row[0].strip()} goes backwards (after {times[-1]:g} s)")
            vals = []
            for col, text in enumerate(row[1:], start=2):
                try:
                    v = units.parse(text.strip(), "%")
                except units.UnitError as exc:
                    raise ScenarioError(f"{name}:{line}, column {col}: {exc}") from None
                if not 0.0 <= v <= 1.0:
                    raise ScenarioError(f"{name}:{line}, column {col}: utilization must be between 0 and 1 (or 0–100%), got {text.strip()!r}")
                vals.append(v)
            times.append(t)
            values.append(vals)
        if not times:
            raise ScenarioError(f"{name}: the trace has a header but no rows")
        if len(times) == 1:  # a single row holds for ever
            times.append(times[0] + 1.0)
            values.append(values[0])
        return cls(PiecewiseLinear(np.array(times), np.array(values)), columns, source=name)


@dataclass
class TrainingStep:
    """A synchronous data-parallel training step: compute, then the gradient collective."""

    flops_per_chip: float  # FLOPs each chip computes per step
    efficiency: float = 0.5  # achieved / peak compute
    gradient_bytes: float = 2e9
    collective: str = "allreduce"
    algorithm: str = "auto"
    number_format: str = "bf16"
    compute_utilization: float = 1.0
    comm_utilization: float = 0.2  # while the collective runs
    wait_utilization: float = 0.0  # a chip that finished its compute early waits idle

    kind = "train"

    def __post_init__(self) -> None:
        if self.flops_per_chip <= 0:
            raise ScenarioError("a training step needs FLOPs per chip above zero")
        if not 0 < self.efficiency <= 1:
            raise ScenarioError(f"efficiency must be in (0, 1], got {self.efficiency:g}")
        if self.gradient_bytes < 0:
            raise ScenarioError("gradient bytes cannot be negative")
        for name in ("compute_utilization", "comm_utilization", "wait_utilization"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ScenarioError(f"{name.replace('_', ' ')} must be between 0 and 1, got {value:g}")

    def describe(self) -> dict:
        return {"kind": self.kind, "flops_per_chip": self.flops_per_chip, "efficiency": self.efficiency,
                "gradient_bytes": self.gradient_bytes, "collective": self.collective, "algorithm": self.algorithm,
                "number_format": self.number_format, "compute_utilization": self.compute_utilization,
                "comm_utilization": self.comm_utilization, "wait_utilization": self.wait_utilization}


# The plan's workload is named, not imported: its module builds on this one.
Workload = Union[ConstantLoad, UtilizationTrace, TrainingStep, "TrainingPlanWorkload"]


# --------------------------------------------------------------------------- ambient
@dataclass
class Ambient:
    """Outdoor dry-bulb temperature: constant, or a 24-hour curve repeated every day."""

    constant_c: float | None = None
    curve: PiecewiseLinear | None = None  # over seconds of the day, periodic
    daily_range_c: tuple[float, float] | None = None  # cosine between min (03:00) and max (15:00)
    start_hour: float = 0.0
    source: str = ""

    def describe(self) -> dict:
        if self.constant_c is not None:
            return {"kind": "constant", "ambient_c": self.constant_c}
        if self.daily_range_c is not None:
            return {"kind": "daily", "min_c": self.daily_range_c[0], "max_c": self.daily_range_c[1],
                    "start_hour": self.start_hour}
        return {"kind": "curve", "source": self.source, "start_hour": self.start_hour}

    @property
    def varies(self) -> bool:
        return self.constant_c is None

    def means(self, t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
        """Mean ambient over each interval of simulated time (seconds from the start)."""
        t0, t1 = np.asarray(t0, float), np.asarray(t1, float)
        if self.constant_c is not None:
            return np.full(t0.shape, self.constant_c)
        offset = self.start_hour * 3600.0
        if self.daily_range_c is not None:
            lo, hi = self.daily_range_c
            w = 2 * math.pi / DAY_S
            peak = 15 * 3600.0
            # mean of cos(w(t − peak)) over [a, b] = (sin(w(b − peak)) − sin(w(a − peak)))/(w(b − a))
            a, b = t0 + offset - peak, t1 + offset - peak
            mean_cos = (np.sin(w * b) - np.sin(w * a)) / (w * (b - a))
            return 0.5 * (lo + hi) + 0.5 * (hi - lo) * mean_cos
        assert self.curve is not None
        return self.curve.means(t0 + offset, t1 + offset)

    @classmethod
    def parse_curve(cls, text: str, start_hour: float = 0.0) -> Ambient:
        """``daily:MIN,MAX`` (e.g. ``daily:12C,28C``) or a CSV file of ``hour,ambient_c`` over one day."""
        if text.startswith("daily:"):
            parts = text[len("daily:"):].split(",")
            if len(parts) != 2:
                raise ScenarioError(f"--ambient-curve {text!r}: expected daily:MIN,MAX, e.g. daily:12C,28C")
            try:
                lo, hi = (units.parse(p.strip(), "C") for p in parts)
            except units.UnitError as exc:
                raise ScenarioError(f"--ambient-curve {text!r}: {exc}") from None
            if hi < lo:
                raise ScenarioError(f"--ambient-curve {text!r}: the maximum is below the minimum")
            return cls(daily_range_c=(lo, hi), start_hour=start_hour, source=text)
        return cls(curve=_read_day_curve(text), start_hour=start_hour, source=text)


def _check_size(handle: Any, name: str) -> None:
    """A CSV a scenario reads is held whole in memory: refuse one over the file limit before reading it."""
    try:
        limits.FILE_BYTES.check(os.fstat(handle.fileno()).st_size)
    except limits.LimitExceeded as exc:
        raise ScenarioError(f"{name}: the file is too large: {exc}") from None


def _read_day_curve(path: str) -> PiecewiseLinear:
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            _check_size(handle, path)
            rows = [(i + 1, r) for i, r in enumerate(csv.reader(handle)) if r and any(c.strip() for c in r)
                    and not r[0].lstrip().startswith("#")]
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read the ambient curve: {exc.strerror or exc} "
                            f"(expected a CSV file of hour,ambient_c or daily:MIN,MAX)") from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: not a text file (invalid UTF-8 at byte {exc.start})") from None
    if not rows:
        raise ScenarioError(f"{path}: the ambient curve is empty (expected a header 'hour,ambient_c' and rows)")
    line, header = rows[0]
    if [h.strip().lower() for h in header] != ["hour", "ambient_c"]:
        raise ScenarioError(f"{path}:{line}: the header must be 'hour,ambient_c', got {','.join(header)!r}")
    hours: list[float] = []
    temps: list[float] = []
    for line, row in rows[1:]:
        if len(row) != 2:
            raise ScenarioError(f"{path}:{line}: expected 2 values, got {len(row)}")
        try:
            h = float(row[0])
        except ValueError:
            raise ScenarioError(f"{path}:{line}, column 1: {row[0].strip()!r} is not an hour of the day") from None
        if not 0 <= h <= 24 or (hours and h <= hours[-1]):
            raise ScenarioError(f"{path}:{line}, column 1: hours must rise within 0..24, got {row[0].strip()}")
        try:
            temps.append(units.parse(row[1].strip(), "C"))
        except units.UnitError as exc:
            raise ScenarioError(f"{path}:{line}, column 2: {exc}") from None
        hours.append(h)
    if len(hours) < 2:
        raise ScenarioError(f"{path}: an ambient curve needs at least two hours")
    # Close the day: the curve wraps from its last hour to its first one a day later.
    times = [h * 3600 for h in hours]
    first_t, first_v = times[0], temps[0]
    last_t, last_v = times[-1], temps[-1]
    span = first_t + DAY_S - last_t
    v0 = last_v + (first_v - last_v) * (DAY_S - last_t) / span if span > 0 else first_v
    t_all = ([0.0] if first_t > 0 else []) + times + ([DAY_S] if last_t < DAY_S else [])
    v_all = ([v0] if first_t > 0 else []) + temps + ([v0] if last_t < DAY_S else [])
    return PiecewiseLinear(np.array(t_all), np.array(v_all), period=DAY_S)


# --------------------------------------------------------------------------- the scenario
@dataclass
class Scenario:
    workload: Workload
    duration_s: float
    dt_s: float
    ambient: Ambient | None = None  # None: the room spec's design ambient
    coolant_flow_fraction: float = 1.0  # every tile loop's flow as a share of its design flow
    initial: str = "idle"  # "idle": settled at idle; "load": settled at the first step's load; "coolant": all at coolant temperature

    def __post_init__(self) -> None:
        if not (self.duration_s > 0 and math.isfinite(self.duration_s)):
            raise ScenarioError(f"the duration must be above zero, got {self.duration_s:g} s")
        if not (self.dt_s > 0 and math.isfinite(self.dt_s)):
            raise ScenarioError(f"the time step must be above zero, got {self.dt_s:g} s")
        try:
            limits.THERMAL_STEPS.check(self.duration_s / self.dt_s)
        except limits.LimitExceeded as exc:
            raise ScenarioError(f"{self.duration_s:g} s in steps of {self.dt_s:g} s is {exc}") from None
        if not 0 < self.coolant_flow_fraction <= 10:
            raise ScenarioError(f"the coolant flow must be a share of the design flow in (0, 10], got {self.coolant_flow_fraction:g}")
        if self.initial not in ("idle", "load", "coolant"):
            raise ScenarioError(f"the initial state is idle, load or coolant, not {self.initial!r}")

    def describe(self) -> dict:
        return {"workload": self.workload.describe(), "duration_s": self.duration_s, "dt_s": self.dt_s,
                "ambient": self.ambient.describe() if self.ambient else {"kind": "design"},
                "coolant_flow_fraction": self.coolant_flow_fraction, "initial": self.initial}


# --------------------------------------------------------------------------- communication time
@dataclass(frozen=True)
class CommTime:
    time_s: float
    source: str  # "comm-engine" or "ring-closed-form" (or what a custom provider says)
    detail: str = ""


# The time of a training step's gradient collective on a design.
CommTimeProvider = Callable[[Design, TrainingStep], CommTime]


def default_comm_time(design: Design, workload: TrainingStep, *, should_stop: Callable[[], bool] | None = None) -> CommTime:
    """The gradient collective's time, simulated by the communication engine (stopped early when ``should_stop()``)."""
    result = simulate_collective(design, collective=workload.collective, size_bytes=workload.gradient_bytes,
                                 algorithm=workload.algorithm, should_stop=should_stop)
    return CommTime(float(result.time_s), "comm-engine",
                    f"{workload.collective} of {units.format(workload.gradient_bytes, 'B')} simulated by the "
                    f"communication engine")


def _closed_form_factor(collective: str) -> float:
    name = collective.lower().replace("-", "").replace("_", "")
    factors = {"allreduce": 2.0, "reducescatter": 1.0, "allgather": 1.0}
    if name not in factors:
        raise ScenarioError(f"only allreduce, reduce-scatter and all-gather have a ring closed form; {collective!r} "
                            f"needs the communication engine")
    return factors[name]


def ring_closed_form(design: Design, workload: TrainingStep) -> CommTime:
    """Ring collective over every chip: k(N−1)/N·S/B + k(N−1)·α, k = 2 for all-reduce, 1 for its halves.

    B is the slowest link with a chip at an end (chip-to-chip, or chip-to-switch share);
    α is that class of link's largest latency plus the chips' per-message overhead.
    """
    factor = _closed_form_factor(workload.collective)
    links = physical_links(design)
    n = links.n_chips
    if n < 2 or workload.gradient_bytes == 0:
        return CommTime(0.0, "ring-closed-form", f"{n} chip(s): nothing to exchange")
    chip_links = [l for l in links.links if (isinstance(l.a, int) or isinstance(l.b, int))
                  and l.kind not in ("interface", "zplane") and l.bw_Bps > 0]
    if not chip_links:
        raise ScenarioError("the design's chips have no links, so the gradient collective cannot run")
    slowest = min(l.bw_Bps for l in chip_links)
    alpha = max(l.latency_s for l in chip_links) + max(s.message_overhead_s for s in links.chip_specs)
    time_s = factor * (n - 1) / n * workload.gradient_bytes / slowest + factor * (n - 1) * alpha
    return CommTime(time_s, "ring-closed-form",
                    f"ring {workload.collective} over {n} chips: slowest chip link {units.format(slowest, 'B/s')}, "
                    f"alpha {units.format(alpha, 's')}")
