"""A sweep's scenario as plain data, and back to the engines' own objects.

A variant runs on a worker that may be another machine, and a sweep is kept in the project file,
so its scenario travels as JSON data, never as a path or an object: a trace or a day's ambient curve
travels as its numbers.  The data is made from the objects the command line and the Simulation panel
already build (:class:`~dojo_gui.sim.scenario.Scenario`, :class:`~dojo_gui.jobs.live.CommJob`, the
training settings and plan), so options are parsed in one place only, and turned back into them
here.  Option names carry their units (``duration_s``, ``utilization_fraction``), so a sweep's
``scenario.OPTION`` axis reads its values in the option's unit.

- ``{"kind": "thermal", ...}``: a power and cooling run (a constant load, training steps or a trace,
  under some weather) — :data:`THERMAL`;
- ``{"kind": "comm", ...}``: one collective — :data:`COMM`;
- ``{"kind": "train", ...}``: a model trained on the design, a given plan or a search — :data:`TRAIN`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ... import units
from ...model.sweep import SweepError
from ..live import CommJob

KINDS = ("thermal", "comm", "train")

# The options of each kind, each with its default (None: not set).  The defaults are the command line's.
THERMAL: dict[str, Any] = {
    "duration_s": 600.0, "dt_s": 0.5, "workload": "constant", "utilization_fraction": 1.0,
    "step_flop": None, "efficiency": 0.5, "gradient_bytes": 2e9, "collective": "allreduce", "algorithm": "auto",
    "number_format": "bf16", "comm_utilization_fraction": 0.2, "trace": None,
    "ambient_c": None, "ambient_min_c": None, "ambient_max_c": None, "ambient_day": None, "start_hour": 0.0,
    "flow_fraction": 1.0, "initial": "idle", "every_step": False,
}
COMM: dict[str, Any] = {"collective": "allreduce", "size_bytes": float(1 << 30), "algorithm": "auto", "scope": "room",
                        "chunks": 1, "latency": True, "routing": "mesh"}
TRAIN: dict[str, Any] = {
    "model": None, "tokens": None, "global_batch": None, "seq_len": None, "tp": None, "pp": None, "dp": None,
    "micro_batch": None, "schedule": None, "interleave": None, "placement": None, "simulate_best": 3,
    "precision": "bf16", "recompute": "selective", "zero_stage": 0, "sequence_parallel": False, "attention": "flash",
    "optimizer_state_bytes": 12.0, "gradient_bytes": 2.0, "dp_overlap": True,
}
OPTIONS: dict[str, dict[str, Any]] = {"thermal": THERMAL, "comm": COMM, "train": TRAIN}
_WHOLE = {"chunks", "global_batch", "seq_len", "tp", "pp", "dp", "micro_batch", "interleave", "simulate_best",
          "zero_stage"}
_FLAGS = {"every_step", "latency", "sequence_parallel", "dp_overlap"}
_UNITS = {"efficiency": "%", "start_hour": "1", "tokens": "1"}  # numbers whose names carry no unit


def options(kind: str) -> tuple[str, ...]:
    """The options a scenario of ``kind`` has (what ``scenario.OPTION`` axes may vary)."""
    return tuple(k for k in OPTIONS.get(kind, {}) if k not in ("trace", "ambient_day"))


# --------------------------------------------------------------------------- from the engines' objects
def from_thermal(scenario: Any, *, every_step: bool = False) -> dict[str, Any]:
    """The data of a :class:`~dojo_gui.sim.scenario.Scenario` (a trace and a day curve as their numbers)."""
    from ...sim.scenario import ConstantLoad, TrainingStep, UtilizationTrace

    data: dict[str, Any] = {"kind": "thermal", "duration_s": scenario.duration_s, "dt_s": scenario.dt_s,
                            "flow_fraction": scenario.coolant_flow_fraction, "initial": scenario.initial,
                            "every_step": every_step}
    w = scenario.workload
    if isinstance(w, ConstantLoad):
        data.update(workload="constant", utilization_fraction=w.utilization)
    elif isinstance(w, TrainingStep):
        data.update(workload="train", step_flop=w.flops_per_chip, efficiency=w.efficiency,
                    gradient_bytes=w.gradient_bytes, collective=w.collective, algorithm=w.algorithm,
                    number_format=w.number_format, comm_utilization_fraction=w.comm_utilization)
    elif isinstance(w, UtilizationTrace):
        data.update(workload="trace", trace={"columns": list(w.columns), "source": w.source,
                                             "times_s": w.curve.times.tolist(), "values": w.curve.values.tolist()})
    a = scenario.ambient
    if a is not None:
        data["start_hour"] = a.start_hour
        if a.constant_c is not None:
            data["ambient_c"] = a.constant_c
        elif a.daily_range_c is not None:
            data["ambient_min_c"], data["ambient_max_c"] = a.daily_range_c
        else:
            data["ambient_day"] = [[t / 3600.0, v] for t, v in zip(a.curve.times.tolist(), a.curve.values.tolist())]
    return data


def from_comm(job: CommJob, routing: str = "mesh") -> dict[str, Any]:
    return {"kind": "comm", **dataclasses.asdict(job), "routing": routing}


def from_training(model: str, settings: Any, plan: Any | None, fixed: Mapping[str, Any] | None = None,
                  simulate_best: int = 3) -> dict[str, Any]:
    """The data of a training run: the model's id, the settings that differ from the model's own, the plan
    (or what a search is pinned to)."""
    data: dict[str, Any] = {"kind": "train", "model": model, "tokens": settings.tokens,
                            "global_batch": settings.global_batch, "seq_len": settings.seq_len,
                            "simulate_best": simulate_best}
    for name in ("precision", "recompute", "zero_stage", "sequence_parallel", "attention", "optimizer_state_bytes",
                 "gradient_bytes", "dp_overlap"):
        data[name] = getattr(settings, name)
    if plan is not None:
        data.update(plan.to_json())
    for name, value in (fixed or {}).items():
        data[name] = value
    return data


# --------------------------------------------------------------------------- checking
def normalise(scenario: Mapping[str, Any], overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The scenario with every option present (defaults filled in), the overrides applied and every value
    of the right type; raises :class:`SweepError` naming ``scenario.OPTION``."""
    kind = scenario.get("kind")
    if kind not in KINDS:
        raise SweepError(f"the scenario is one of {', '.join(KINDS)}, not {kind!r}", "scenario.kind")
    table = OPTIONS[kind]
    out: dict[str, Any] = {"kind": kind}
    given = {**scenario, **(overrides or {})}
    for name in given:
        if name != "kind" and name not in table:
            raise SweepError(f"a {kind} scenario has no option {name!r} (it has {', '.join(options(kind))})",
                             f"scenario.{name}")
    for name, default in table.items():
        value = given.get(name, default)
        out[name] = None if value is None else _typed(name, value)
    return out


def _typed(name: str, value: Any) -> Any:
    where = f"scenario.{name}"
    if name in ("trace", "ambient_day"):
        return value
    if name in _FLAGS:
        if isinstance(value, str) and value.lower() in ("true", "yes", "1", "false", "no", "0"):
            return value.lower() in ("true", "yes", "1")
        if isinstance(value, bool):
            return value
        raise SweepError(f"expected true or false, got {value!r}", where)
    if name in _WHOLE:
        try:
            number = float(str(value).replace(",", "").replace("_", "")) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            raise SweepError(f"expected a whole number, got {value!r}", where) from None
        if isinstance(value, bool) or not number.is_integer():
            raise SweepError(f"expected a whole number, got {value!r}", where)
        return int(number)
    unit = units.UNITS[_UNITS[name]] if name in _UNITS else units.unit_for_name(name)
    if name == "tokens" and isinstance(value, str):
        return _tokens(value, where)
    if unit.key != "1" or name in _UNITS:
        try:
            return units.parse(value, unit)
        except units.UnitError as exc:
            raise SweepError(str(exc), where) from None
    if not isinstance(value, str):
        raise SweepError(f"expected text, got {value!r}", where)
    return value


def _tokens(text: str, where: str) -> float:
    t = text.strip().replace(",", "").replace("_", "")
    scale = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "G": 1e9, "T": 1e12}.get(t[-1:], 1.0)
    try:
        return float(t[:-1] if scale != 1.0 else t) * scale
    except ValueError:
        raise SweepError(f"{text!r} is not a count of tokens (e.g. 300B)", where) from None


# --------------------------------------------------------------------------- back to the engines' objects
def thermal_scenario(data: Mapping[str, Any]) -> Any:
    """The :class:`~dojo_gui.sim.scenario.Scenario` of normalised thermal data."""
    from ...sim.scenario import (
        Ambient,
        ConstantLoad,
        PiecewiseLinear,
        Scenario,
        ScenarioError,
        TrainingStep,
        UtilizationTrace,
    )

    try:
        kind = data["workload"]
        if kind == "constant":
            workload: Any = ConstantLoad(data["utilization_fraction"])
        elif kind == "train":
            if data["step_flop"] is None:
                raise SweepError("training steps need step_flop, the FLOPs each chip computes per step",
                                 "scenario.step_flop")
            workload = TrainingStep(flops_per_chip=data["step_flop"], efficiency=data["efficiency"],
                                    gradient_bytes=data["gradient_bytes"], collective=data["collective"],
                                    algorithm=data["algorithm"], number_format=data["number_format"],
                                    comm_utilization=data["comm_utilization_fraction"])
        elif kind == "trace":
            trace = data["trace"]
            if not isinstance(trace, dict):
                raise SweepError("a trace workload needs the trace's numbers", "scenario.trace")
            workload = UtilizationTrace(PiecewiseLinear(np.array(trace["times_s"], float),
                                                        np.array(trace["values"], float)),
                                        list(trace["columns"]), trace.get("source", ""))
        else:
            raise SweepError(f"the workload is constant, train or trace, not {kind!r}", "scenario.workload")
        ambient = None
        hour = data["start_hour"]
        if data["ambient_c"] is not None:
            ambient = Ambient(constant_c=data["ambient_c"], start_hour=hour)
        elif data["ambient_min_c"] is not None or data["ambient_max_c"] is not None:
            lo, hi = data["ambient_min_c"], data["ambient_max_c"]
            if lo is None or hi is None or hi < lo:
                raise SweepError("a daily curve needs ambient_min_c <= ambient_max_c", "scenario.ambient_max_c")
            ambient = Ambient(daily_range_c=(lo, hi), start_hour=hour, source=f"daily:{lo:g}C,{hi:g}C")
        elif data["ambient_day"] is not None:
            day = np.array(data["ambient_day"], float)
            ambient = Ambient(curve=PiecewiseLinear(day[:, 0] * 3600.0, day[:, 1], period=86400.0), start_hour=hour)
        return Scenario(workload, duration_s=data["duration_s"], dt_s=data["dt_s"], ambient=ambient,
                        coolant_flow_fraction=data["flow_fraction"], initial=data["initial"])
    except ScenarioError as exc:
        raise SweepError(str(exc), "scenario") from None
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise SweepError(f"the scenario's data is not what a thermal run takes ({exc})", "scenario") from None


def comm_job(data: Mapping[str, Any]) -> CommJob:
    return CommJob(collective=data["collective"], size_bytes=data["size_bytes"], algorithm=data["algorithm"],
                   scope=data["scope"], chunks=data["chunks"], latency=data["latency"])


def training_request(data: Mapping[str, Any], electricity_usd_per_kwh: float) -> tuple[Any, Any, Any, dict[str, Any]]:
    """(model, settings, plan or None, what a search is pinned to) of normalised train data."""
    from ...io.catalog import builtin_models
    from ...sim.training import Plan, PlanError, TrainingSettings

    models = builtin_models()
    if data["model"] not in models:
        raise SweepError(f"no model {data['model']!r} in the catalog (it has {', '.join(models)})", "scenario.model")
    model = models[data["model"]]
    try:
        settings = TrainingSettings.for_model(
            model, global_batch=data["global_batch"], seq_len=data["seq_len"], tokens=data["tokens"],
            precision=data["precision"], recompute=data["recompute"], zero_stage=data["zero_stage"],
            sequence_parallel=data["sequence_parallel"], attention=data["attention"],
            optimizer_state_bytes=data["optimizer_state_bytes"], gradient_bytes=data["gradient_bytes"],
            dp_overlap=data["dp_overlap"], electricity_usd_per_kwh=electricity_usd_per_kwh)
    except PlanError as exc:
        raise SweepError(str(exc), "scenario") from None
    degrees = [data[k] for k in ("tp", "pp", "dp")]
    if any(d is not None for d in degrees) and None in degrees:
        raise SweepError("a plan needs all of tp, pp and dp (or none of them, to search)", "scenario.tp")
    plan = None
    fixed: dict[str, Any] = {}
    if None not in degrees:
        schedule = data["schedule"] or "1f1b"
        plan = Plan(data["tp"], data["pp"], data["dp"], data["micro_batch"] or 1, schedule,
                    data["interleave"] or (2 if schedule == "interleaved" else 1),
                    data["placement"] or "data-contiguous")
    else:
        fixed = {k: data[k] for k in ("micro_batch", "schedule", "placement") if data[k] is not None}
    return model, settings, plan, fixed


def check(scenario: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise and build the scenario once, so a sweep with a bad one is refused before it starts."""
    data = normalise(scenario)
    if data["kind"] == "thermal":
        thermal_scenario(data)
    elif data["kind"] == "comm":
        comm_job(data)
    else:
        if data["model"] is None:
            raise SweepError("a training scenario needs a model", "scenario.model")
        training_request(data, 0.1)
    return data


def describe(scenario: Mapping[str, Any]) -> str:
    """A few words: "thermal: utilization 90 %, 10 min at 0.5 s"."""
    data = normalise(scenario)
    kind = data["kind"]
    if kind == "comm":
        return (f"comm: {data['collective']} of {units.format(data['size_bytes'], 'B')}, {data['algorithm']}"
                + ("" if data["scope"] in ("", "room") else f" on {data['scope']}"))
    if kind == "train":
        plan = "search" if data["tp"] is None else f"TP {data['tp']} x PP {data['pp']} x DP {data['dp']}"
        return f"train: {data['model']}, {plan}"
    what = {"constant": f"utilization {units.format(data['utilization_fraction'], '%')}",
            "train": "training steps of " + (units.format(data["step_flop"], "FLOP") if data["step_flop"] else "?"),
            "trace": "a utilization trace"}.get(data["workload"], data["workload"])
    weather = ""
    if data["ambient_c"] is not None:
        weather = f", ambient {data['ambient_c']:g} °C"
    elif data["ambient_min_c"] is not None:
        weather = f", daily {data['ambient_min_c']:g}–{data['ambient_max_c']:g} °C"
    return (f"thermal: {what}, {units.format(data['duration_s'], 's')} at {units.format(data['dt_s'], 's')}"
            f"{weather}")


def finite(value: Any) -> float | None:
    """A figure for a record: a finite float, or None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
