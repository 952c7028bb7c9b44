"""A sweep: the figures of a design to vary, how to combine them into variants, and what each gave.

An **axis** is one thing to vary, written as ``TARGET=VALUES``:

- ``SPEC.FIGURE=350W,400W,450W``: a figure of a spec, ``SPEC`` its id or a level (``chip``: every
  chip spec the design uses), ``FIGURE`` its name with or without its unit (``tdp`` or ``tdp_w``), a
  table figure's entry as ``FIGURE.KEY`` (``peak_flops.bf16``).  Values go through the spec's own
  parser (:func:`dojo_gui.model.specs.parse_figure`), so they take units and are checked against the
  figure's limits;
- ``SPEC.FIGURE=LO..HI:N``: N evenly spaced values from LO to HI; ``LO..HI`` without N is a
  continuous range, for a sample;
- ``LEVEL.grid=4x4,5x5`` (or ``SPEC.grid``): every tile (cabinet, room) resized to a grid, slots
  added filled like their neighbours, slots dropped with what they held;
- ``scenario.OPTION=...``: a figure of the scenario (``scenario.utilization=50%,90%``), its unit from
  its name.

The **plan** combines the axes: ``product`` (every combination, the first axis slowest), ``list``
(the i-th value of every axis together; all axes as long) or ``lhs:N`` (a Latin-hypercube sample
of N variants with a seed: each axis's range cut in N strata, each stratum used once).

A :class:`Sweep` holds the axes, the plan, the scenario (plain data, see
:mod:`dojo_gui.jobs.sweep.scenario`), the economics and the results, and reads and writes itself as
plain JSON data (the project file keeps it).  Nothing here runs anything.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from .. import units
from .economics import Economics
from .specs import LEVELS, SPEC_CLASSES, AnySpec, ContainerSpec, FigureError, parse_figure, spec_fields

MAX_VARIANTS = 100_000
STATUSES = ("ok", "failed", "cancelled")
Value = float | int | str


class SweepError(ValueError):
    """A sweep that cannot be read or run: ``where`` names the place (``axes[1]``), the message what is wrong."""

    def __init__(self, message: str, where: str = "") -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


# --------------------------------------------------------------------------- axes
@dataclass(frozen=True)
class Axis:
    """One thing to vary: explicit ``values``, or a range from ``low`` to ``high`` (``count`` points, or sampled)."""

    target: str  # normalised: "dojo-d1.tdp_w", "chip.peak_flops.bf16", "tile.grid", "scenario.utilization"
    values: tuple[Value, ...] = ()
    low: float | None = None
    high: float | None = None
    count: int | None = None
    integer: bool = False

    @property
    def kind(self) -> str:
        """"figure", "grid" or "scenario"."""
        owner, _, rest = self.target.partition(".")
        if owner == "scenario":
            return "scenario"
        return "grid" if rest == "grid" else "figure"

    @property
    def owner(self) -> str:
        """The spec id or level (or "scenario") the axis acts on."""
        return self.target.partition(".")[0]

    @property
    def figure(self) -> str:
        """The figure's name, without a table key (``peak_flops`` of ``chip.peak_flops.bf16``)."""
        return self.target.split(".")[1]

    @property
    def key(self) -> str | None:
        """A table figure's entry (``bf16``), or None."""
        parts = self.target.split(".")
        return parts[2] if len(parts) > 2 else None

    @property
    def is_range(self) -> bool:
        return self.low is not None

    @property
    def label(self) -> str:
        """A short name for tables: the target without the figure's unit suffix."""
        parts = self.target.split(".")
        parts[1] = units.base_name(parts[1])
        return ".".join(parts)

    def points(self) -> tuple[Value, ...]:
        """Every value of the axis in order; a range without a count has none to list."""
        if not self.is_range:
            return self.values
        if self.count is None:
            raise SweepError(f"{self.text()}: a range without :N has no list of values; give :N (e.g. "
                             f"{self.text()}:4) or sample it (--plan lhs:N)")
        assert self.low is not None and self.high is not None
        return tuple(self._round(v) for v in np.linspace(self.low, self.high, self.count))

    def sample(self, quantiles: np.ndarray) -> list[Value]:
        """The values at ``quantiles`` in [0, 1): within the range, or the listed values' strata."""
        if self.is_range and self.count is None:
            assert self.low is not None and self.high is not None
            return [self._round(self.low + float(q) * (self.high - self.low)) for q in quantiles]
        values = self.points()
        return [values[min(int(q * len(values)), len(values) - 1)] for q in quantiles]

    def _round(self, value: float) -> Value:
        return round(float(value)) if self.integer else float(value)

    def unit(self) -> units.Unit:
        if self.kind == "grid":
            return units.UNITS["1"]
        return units.unit_for_name(self.figure)

    def format_value(self, value: Any) -> str:
        if isinstance(value, str) or self.kind == "grid":
            return str(value)
        if self.integer:
            return f"{int(value):,}"
        return units.format(float(value), self.unit())

    def text(self) -> str:
        """The axis as it would be written on the command line."""
        if self.is_range:
            assert self.low is not None and self.high is not None
            span = f"{self.format_value(self.low)}..{self.format_value(self.high)}".replace(" ", "")
            return f"{self.label}={span}" + (f":{self.count}" if self.count is not None else "")
        return f"{self.label}=" + ",".join(self.format_value(v).replace(" ", "") for v in self.values)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"target": self.target}
        if self.is_range:
            data.update(low=self.low, high=self.high)
            if self.count is not None:
                data["count"] = self.count
        else:
            data["values"] = list(self.values)
        if self.integer:
            data["integer"] = True
        return data


def parse_axis(text: str, specs: dict[str, AnySpec], *, scenario_options: tuple[str, ...] = (),
               split: bool = True) -> Axis:
    """``TARGET=VALUES`` (see the module's docstring) against the specs of a design; raises :class:`SweepError`.

    ``scenario_options`` are the names of the scenario's options (with their units), so that
    ``scenario.duration`` finds ``duration_s``; without them a scenario option is taken as written.
    Values are split at commas, or at semicolons where there are any (a value may hold a comma); with
    ``split`` False the values are one value."""
    target, sep, raw = text.partition("=")
    target, raw = target.strip(), raw.strip()
    if not sep or not target or not raw:
        raise SweepError(f"{text!r}: expected TARGET=VALUES, e.g. dojo-d1.tdp=350W,400W or tile.grid=4x4,5x5")
    parts = target.split(".")
    if len(parts) < 2 or not all(parts):
        raise SweepError(f"{target!r}: expected SPEC.FIGURE (a spec id or a level, then a figure), LEVEL.grid or "
                         f"scenario.OPTION")
    owner = parts[0]
    if owner == "scenario":
        if len(parts) == 2 and scenario_options and parts[1] not in scenario_options:
            matches = [o for o in scenario_options if units.base_name(o) == parts[1]]
            if len(matches) != 1:
                raise SweepError(f"scenario.{parts[1]}: the scenario has no option {parts[1]!r}"
                                 f"{_hint(parts[1], dict.fromkeys(scenario_options))} (it has "
                                 f"{', '.join(scenario_options)})")
            parts = [parts[0], matches[0]]
        return _scenario_axis(parts, raw, split)
    if parts[1:] == ["grid"]:
        _container_specs(owner, specs)
        grids = [_grid(v, target) for v in _split(raw, target)]
        return Axis(target=f"{owner}.grid", values=tuple(grids))
    return _figure_axis(owner, parts[1:], raw, specs)


def _split(raw: str, target: str) -> list[str]:
    items = [v.strip() for v in raw.split(";" if ";" in raw else ",")]
    if not all(items):
        raise SweepError(f"{target}: an empty value in {raw!r}")
    return items


def _grid(text: str, target: str) -> str:
    try:
        rows, cols = units.parse_grid(text)
    except units.UnitError as exc:
        raise SweepError(f"{target}: {exc}") from None
    return f"{rows}x{cols}"


def _container_specs(owner: str, specs: dict[str, AnySpec]) -> list[AnySpec]:
    if owner in LEVELS:
        if owner == "chip":
            raise SweepError("chip.grid: a chip has no grid; vary tile.grid, cabinet.grid or room.grid")
        return [s for s in specs.values() if s.level == owner]
    spec = specs.get(owner)
    if spec is None:
        raise SweepError(f"{owner}.grid: no spec {owner!r} in the design{_hint(owner, specs)}")
    if not isinstance(spec, ContainerSpec):
        raise SweepError(f"{owner}.grid: {owner!r} is a {spec.level}, which has no grid")
    return [spec]


def target_specs(owner: str, specs: dict[str, AnySpec]) -> list[AnySpec]:
    """The specs an axis's owner names: one by its id, or every one of a level."""
    if owner in LEVELS:
        return [s for s in specs.values() if s.level == owner]
    spec = specs.get(owner)
    if spec is None:
        raise SweepError(f"no spec {owner!r} in the design{_hint(owner, specs)} (or a level: {', '.join(LEVELS)})")
    return [spec]


def _hint(name: str, options: dict[str, Any]) -> str:
    close = difflib.get_close_matches(name, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def resolve_figure(level: str, name: str) -> str:
    """A figure's field name from what a user typed: the name itself or the name without its unit suffix."""
    fields = spec_fields(SPEC_CLASSES[level])
    if name in fields:
        return name
    matches = [f for f in fields if units.base_name(f) == name]
    if len(matches) == 1:
        return matches[0]
    numeric = [f for f in fields if f not in ("id",)]
    raise SweepError(f"a {level} spec has no figure {name!r}{_hint(name, {units.base_name(f): f for f in numeric})}")


def _figure_axis(owner: str, rest: list[str], raw: str, specs: dict[str, AnySpec]) -> Axis:
    specs_hit = target_specs(owner, specs)
    level = owner if owner in LEVELS else specs_hit[0].level
    cls = SPEC_CLASSES[level]
    if len(rest) > 2:
        raise SweepError(f"{owner}.{'.'.join(rest)}: expected SPEC.FIGURE or SPEC.FIGURE.KEY")
    name = resolve_figure(level, rest[0])
    key = rest[1] if len(rest) > 1 else None
    f = spec_fields(cls)[name]
    default = f.default if f.default is not dataclasses.MISSING else cast(Callable[[], Any], f.default_factory)()
    if isinstance(default, dict):
        if key is None:
            raise SweepError(f"{owner}.{name} is a table: vary one entry, e.g. {owner}.{name}.bf16")
    elif key is not None:
        raise SweepError(f"{owner}.{name} is not a table figure; drop .{key}")
    elif isinstance(default, (bool, str, tuple)):
        raise SweepError(f"{owner}.{name} is not a number: only numeric figures can be varied")
    target = f"{owner}.{name}" + (f".{key}" if key else "")
    integer = bool(f.metadata.get("integer"))

    def value(text: str) -> float:
        try:
            if key is not None:
                return float(parse_figure(cls, name, {key: text})[key])
            return float(parse_figure(cls, name, text))
        except FigureError as exc:
            raise SweepError(f"{target}: {exc.message}") from None

    if ".." in raw:
        return _range(target, raw, value, integer)
    values = [value(v) for v in _split(raw, target)]
    return Axis(target=target, values=tuple(int(v) if integer else v for v in values), integer=integer)


def _range(target: str, raw: str, value: Any, integer: bool) -> Axis:
    span, _, count_text = raw.partition(":")
    lo_text, _, hi_text = span.partition("..")
    lo, hi = value(lo_text.strip()), value(hi_text.strip())
    if not hi > lo:
        raise SweepError(f"{target}: a range goes from low to high, got {raw!r}")
    count = None
    if count_text:
        try:
            count = int(count_text.strip())
        except ValueError:
            raise SweepError(f"{target}: {count_text!r} after ':' is not a number of values") from None
        if count < 2:
            raise SweepError(f"{target}: a range needs at least 2 values, not {count}")
    return Axis(target=target, low=lo, high=hi, count=count, integer=integer)


def _scenario_axis(parts: list[str], raw: str, split: bool) -> Axis:
    if len(parts) != 2:
        raise SweepError(f"{'.'.join(parts)}: expected scenario.OPTION")
    name = parts[1]
    target = f"scenario.{name}"
    unit = units.unit_for_name(name)

    def value(text: str) -> Value:
        if unit.key != "1":
            try:
                return units.parse(text, unit)
            except units.UnitError as exc:
                raise SweepError(f"{target}: {exc}") from None
        for kind in (int, float):
            try:
                return kind(text)
            except ValueError:
                pass
        return text

    if ".." in raw and split:
        def number(text: str) -> float:
            v = value(text)
            if isinstance(v, str):
                raise SweepError(f"{target}: {text!r} is not a number, so it cannot bound a range")
            return float(v)

        return _range(target, raw, number, False)
    values = tuple(value(v) for v in (_split(raw, target) if split else [raw]))
    integer = all(isinstance(v, int) for v in values)
    return Axis(target=target, values=values, integer=integer)


def axis_from_dict(data: Any, specs: dict[str, AnySpec], where: str) -> Axis:
    """An axis as the project file keeps it, checked as carefully as one typed."""
    if not isinstance(data, dict):
        raise SweepError("expected an object describing an axis", where)
    unknown = set(data) - {"target", "values", "low", "high", "count", "integer"}
    if unknown:
        raise SweepError(f"unexpected key {sorted(unknown)[0]!r}", where)
    target = data.get("target")
    if not isinstance(target, str):
        raise SweepError("expected the axis's target as text", f"{where}.target")
    try:
        if "values" in data:
            values = data["values"]
            if not isinstance(values, list) or not values or not all(
                    isinstance(v, (int, float, str)) and not isinstance(v, bool) for v in values):
                raise SweepError("expected a non-empty list of numbers or text", f"{where}.values")
            # One value at a time: a value of the scenario may hold a comma.
            single = [parse_axis(f"{target}={_raw(v)}", specs, split=False) for v in values]
            return Axis(target=single[0].target, values=tuple(a.values[0] for a in single),
                        integer=all(a.integer for a in single))
        low, high, count = data.get("low"), data.get("high"), data.get("count")
        for key, v in (("low", low), ("high", high)):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise SweepError("expected a number", f"{where}.{key}")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
            raise SweepError("expected a whole number", f"{where}.count")
        return parse_axis(f"{target}={_raw(low)}..{_raw(high)}" + (f":{count}" if count is not None else ""), specs)
    except SweepError as exc:
        raise SweepError(exc.message, exc.where or where) from None


def _raw(value: Any) -> str:
    return repr(float(value)) if isinstance(value, float) else str(value)


# --------------------------------------------------------------------------- plans
@dataclass(frozen=True)
class Plan:
    """How the axes combine: "product", "list" or "lhs" (``samples`` variants from ``seed``)."""

    kind: str = "product"
    samples: int = 0
    seed: int = 0

    @classmethod
    def parse(cls, text: str, seed: int = 0) -> Plan:
        """``product``, ``list`` (or ``zip``), ``lhs:N`` (or ``lhs:N:SEED``)."""
        word, _, rest = text.strip().partition(":")
        if word in ("product", "list", "zip") and not rest:
            return cls("list" if word == "zip" else word)
        if word == "lhs":
            n_text, _, seed_text = rest.partition(":")
            try:
                samples = int(n_text)
                seed = int(seed_text) if seed_text else seed
            except ValueError:
                raise SweepError(f"{text!r}: expected lhs:N (N variants), or lhs:N:SEED") from None
            if samples < 1:
                raise SweepError(f"{text!r}: a sample needs at least one variant")
            return cls("lhs", samples, seed)
        raise SweepError(f"{text!r} is not a plan: product, list or lhs:N")

    def text(self) -> str:
        return f"lhs:{self.samples}:{self.seed}" if self.kind == "lhs" else self.kind

    def variants(self, axes: list[Axis]) -> list[dict[str, Value]]:
        """Every variant: a value for each axis's target."""
        if not axes:
            return [{}]
        targets = [a.target for a in axes]
        if len(set(targets)) != len(targets):
            twice = next(t for t in targets if targets.count(t) > 1)
            raise SweepError(f"{twice} is varied twice")
        if self.kind == "lhs":
            rng = np.random.default_rng(self.seed)
            columns = []
            for axis in axes:
                quantiles = (rng.permutation(self.samples) + rng.random(self.samples)) / self.samples
                columns.append(axis.sample(quantiles))
            return [dict(zip(targets, row)) for row in zip(*columns)]
        points = [axis.points() for axis in axes]
        if self.kind == "list":
            lengths = {len(p) for p in points}
            if len(lengths) > 1:
                sizes = ", ".join(f"{a.label} {len(p)}" for a, p in zip(axes, points))
                raise SweepError(f"a list plan takes the i-th value of every axis together, so the axes must be as "
                                 f"long: {sizes}")
            return [dict(zip(targets, row)) for row in zip(*points)]
        count = math.prod(len(p) for p in points)
        if count > MAX_VARIANTS:
            raise SweepError(f"the product of the axes is {count:,} variants (at most {MAX_VARIANTS:,}); sample it "
                             f"with --plan lhs:N")
        return [dict(zip(targets, row)) for row in itertools.product(*points)]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "samples": self.samples, "seed": self.seed} if self.kind == "lhs" else \
            {"kind": self.kind}


def plan_from_dict(data: Any, where: str) -> Plan:
    if not isinstance(data, dict) or data.get("kind") not in ("product", "list", "lhs"):
        raise SweepError("expected {\"kind\": \"product\" | \"list\" | \"lhs\", ...}", where)
    if data["kind"] != "lhs":
        return Plan(data["kind"])
    for key in ("samples", "seed"):
        v = data.get(key)
        if isinstance(v, bool) or not isinstance(v, int) or v < (1 if key == "samples" else 0):
            raise SweepError("expected a whole number" + (" >= 1" if key == "samples" else ""), f"{where}.{key}")
    return Plan("lhs", data["samples"], data["seed"])


# --------------------------------------------------------------------------- results
@dataclass
class VariantResult:
    """What one variant gave: its figures (SI, units in their names), or why it failed."""

    index: int
    variant: dict[str, Value]
    status: str  # "ok", "failed" or "cancelled"
    figures: dict[str, float | None] = field(default_factory=dict)
    error: str = ""
    cached: bool = False
    wall_s: float = 0.0  # the variant's task, start to end (0 when it came from the cache)
    cpu_s: float = 0.0  # of that, the processor time of the task's own thread

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"index": self.index, "variant": dict(self.variant), "status": self.status}
        if self.figures:
            data["figures"] = dict(self.figures)
        if self.error:
            data["error"] = self.error
        if self.cached:
            data["cached"] = True
        data["wall_s"] = self.wall_s
        if self.cpu_s:
            data["cpu_s"] = self.cpu_s
        return data


def result_from_dict(data: Any, where: str) -> VariantResult:
    if not isinstance(data, dict):
        raise SweepError("expected an object describing a variant's result", where)
    index, variant, status = data.get("index"), data.get("variant"), data.get("status")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise SweepError("expected a whole number >= 0", f"{where}.index")
    if not isinstance(variant, dict) or not all(isinstance(v, (int, float, str)) for v in variant.values()):
        raise SweepError("expected an object of the variant's values", f"{where}.variant")
    if status not in STATUSES:
        raise SweepError(f"expected one of {', '.join(STATUSES)}, got {status!r}", f"{where}.status")
    figures = data.get("figures", {})
    if not isinstance(figures, dict):
        raise SweepError("expected an object of figures", f"{where}.figures")
    for name, value in figures.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise SweepError("expected a number or null", f"{where}.figures.{name}")
    error, cached = data.get("error", ""), data.get("cached", False)
    if not isinstance(error, str):
        raise SweepError("expected text", f"{where}.error")
    seconds = {}
    for key in ("wall_s", "cpu_s"):
        value = data.get(key, 0.0)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SweepError("expected a number of seconds", f"{where}.{key}")
        seconds[key] = float(value)
    return VariantResult(index, dict(variant), status, {k: None if v is None else float(v) for k, v in figures.items()},
                         error, bool(cached), **seconds)


# --------------------------------------------------------------------------- the sweep
@dataclass
class Sweep:
    """Variants of the project's design, the scenario each runs, and their results once run."""

    name: str
    axes: list[Axis]
    plan: Plan = field(default_factory=Plan)
    scenario: dict[str, Any] = field(default_factory=lambda: {"kind": "thermal"})
    economics: Economics = field(default_factory=Economics)
    results: list[VariantResult] = field(default_factory=list)
    design_digest: str = ""  # of the design the results were computed on ("" before a run)
    finished: str = ""  # when the last run ended (UTC, ISO 8601)

    def variants(self) -> list[dict[str, Value]]:
        return self.plan.variants(self.axes)

    def count(self) -> int:
        if self.plan.kind == "lhs":
            return self.plan.samples
        return len(self.variants())

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "axes": [a.to_dict() for a in self.axes], "plan": self.plan.to_dict(),
                "scenario": self.scenario, "economics": self.economics.to_json(),
                "results": [r.to_dict() for r in self.results], "design_digest": self.design_digest,
                "finished": self.finished}


def sweep_from_dict(data: Any, specs: dict[str, AnySpec], where: str = "") -> Sweep:
    """A sweep as the project file keeps it; every problem is a :class:`SweepError` naming its place."""
    def at(key: str) -> str:
        return f"{where}.{key}" if where else key

    if not isinstance(data, dict):
        raise SweepError("expected an object describing a sweep", where)
    allowed = {"name", "axes", "plan", "scenario", "economics", "results", "design_digest", "finished"}
    unknown = set(data) - allowed
    if unknown:
        raise SweepError(f"unexpected key {sorted(unknown)[0]!r} (allowed here: {', '.join(sorted(allowed))})",
                         at(sorted(unknown)[0]))
    name = data.get("name", "")
    if not isinstance(name, str):
        raise SweepError("expected text", at("name"))
    axes_raw = data.get("axes")
    if not isinstance(axes_raw, list):
        raise SweepError("expected a list of axes", at("axes"))
    axes = [axis_from_dict(a, specs, at(f"axes[{i}]")) for i, a in enumerate(axes_raw)]
    plan = plan_from_dict(data.get("plan", {"kind": "product"}), at("plan"))
    scenario = data.get("scenario")
    if not isinstance(scenario, dict) or not isinstance(scenario.get("kind"), str):
        raise SweepError("expected an object with the scenario's kind", at("scenario"))
    econ = data.get("economics", {})
    if not isinstance(econ, dict) or set(econ) - {"electricity_usd_per_kwh", "service_years"}:
        raise SweepError("expected {\"electricity_usd_per_kwh\": ..., \"service_years\": ...}", at("economics"))
    try:
        economics = Economics(**{k: float(v) for k, v in econ.items()})
    except (TypeError, ValueError) as exc:
        raise SweepError(str(exc), at("economics")) from None
    results_raw = data.get("results", [])
    if not isinstance(results_raw, list):
        raise SweepError("expected a list of results", at("results"))
    results = [result_from_dict(r, at(f"results[{i}]")) for i, r in enumerate(results_raw)]
    digest, finished = data.get("design_digest", ""), data.get("finished", "")
    for key, value in (("design_digest", digest), ("finished", finished)):
        if not isinstance(value, str):
            raise SweepError("expected text", at(key))
    return Sweep(name, axes, plan, dict(scenario), economics, results, digest, finished)
