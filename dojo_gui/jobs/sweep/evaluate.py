"""One variant, start to end, on whichever process runs it: the task a sweep hands to a worker.

:func:`run_variant` takes the variant's design as the text of a project file and its scenario as
plain data (:mod:`.scenario`), runs the engine to the end, and returns a plain record: the figures
(:mod:`.figures`) or why it failed.  It never raises for a problem with the design or the scenario,
nor for a bug in an engine: a failed variant is a record, and the sweep goes on.  It must stay a
module-level function of an importable module, since Dask sends it to other processes by reference.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import traceback
from typing import Any

from .scenario import finite, normalise

log = logging.getLogger(__name__)


def run_variant(design_json: str, scenario: dict[str, Any]) -> dict[str, Any]:
    """``{"status": "ok", "figures": {...}, "wall_s": ..., "cpu_s": ..., "worker": ...}`` (``cpu_s``: the task's own
    thread), or ``{"status": "failed", "error": ...}`` with the reason."""
    started, cpu = time.perf_counter(), time.thread_time()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    try:
        figures = evaluate(design_json, scenario)
    except Exception as exc:  # a variant that fails is reported, the sweep goes on
        from ...model.sweep import SweepError

        expected = isinstance(exc, (SweepError, *_input_errors()))
        message = str(exc) if expected else f"{type(exc).__name__}: {exc}"
        if not expected:
            log.warning("a variant failed unexpectedly:\n%s", traceback.format_exc())
        return {"status": "failed", "error": message, "wall_s": time.perf_counter() - started, "worker": worker}
    return {"status": "ok", "figures": figures, "wall_s": time.perf_counter() - started,
            "cpu_s": time.thread_time() - cpu, "worker": worker}


def _input_errors() -> tuple[type[BaseException], ...]:
    from ...fabric.routing import NoRoute
    from ...io.project import ProjectFileError
    from ...sim.collectives import CollectiveError
    from ...sim.comm import TooLarge
    from ...sim.scenario import ScenarioError
    from ...sim.thermal import InvariantError, ThermalModelError
    from ...sim.training import PlanError

    return (ProjectFileError, ScenarioError, ThermalModelError, InvariantError, CollectiveError, TooLarge, NoRoute,
            PlanError)


def evaluate(design_json: str, scenario: dict[str, Any]) -> dict[str, float | None]:
    """The engine's figures of the design under the scenario, and the design's own (peak, power, cost)."""
    from ...io.project import loads

    design = loads(design_json)
    data = normalise(scenario)
    figures = design_figures(design)
    kind = data["kind"]
    if kind == "thermal":
        figures.update(_thermal(design, data))
    elif kind == "comm":
        figures.update(_comm(design, data))
    else:
        figures.update(_train(design, data))
    return {k: finite(v) for k, v in figures.items()}


def design_figures(design: Any) -> dict[str, float | None]:
    """What a design is, whatever it runs: peak, chips, power at full load, capital cost, floor area, errors."""
    from ...model.aggregate import summarize
    from ...model.economics import capex, footprint_m2
    from ...model.rules import check

    summary = summarize(design)
    cost = capex(design)
    peak = summary.peak("bf16") or max(summary.peak_flops.values(), default=0.0)
    errors = sum(1 for f in check(design) if f.severity == "error")
    return {"peak_flops": peak, "chips": summary.chips, "feed_power_w": summary.max_power_w,
            "capex_usd": cost.total_usd, "hardware_usd": cost.hardware_usd, "footprint_m2": footprint_m2(design),
            "design_errors": errors}


def _thermal(design: Any, data: dict[str, Any]) -> dict[str, Any]:
    from ...sim.thermal import ThermalRun
    from .scenario import thermal_scenario

    result = ThermalRun(design, thermal_scenario(data), skip_settled=not data["every_step"]).run()
    s = result.summary()
    return {"it_power_w": s["it_power_w"], "facility_power_w": s["facility_power_w"],
            "cooling_power_w": s["cooling_power_w"], "pue": s["pue"], "tj_max_c": s["tj_max_c"],
            "throttled_chips": s["throttled_chips_max"], "energy_j": s["energy_kwh"] * 3.6e6,
            "free_cooling_fraction": s["free_cooling_fraction"], "step_time_s": s.get("step_time_mean_s")}


def _comm(design: Any, data: dict[str, Any]) -> dict[str, Any]:
    from ...sim.comm import simulate_collective

    r = simulate_collective(design, data["collective"], data["size_bytes"], data["algorithm"],
                            None if data["scope"] in ("", "room") else data["scope"], data["chunks"],
                            latency=data["latency"], routing=data["routing"])
    return {"time_s": r.time_s, "busbw_Bps": r.busbw_Bps, "algbw_Bps": r.algbw_Bps,
            "max_link_utilization_fraction": r.max_link_utilization}


def _train(design: Any, data: dict[str, Any]) -> dict[str, Any]:
    from ...sim.training import simulate_training
    from .scenario import training_request

    model, settings, plan, fixed = training_request(data, 0.0)  # electricity is priced by the sweep's economics
    r = simulate_training(design, model, settings, plan, fixed=fixed, simulate_best=data["simulate_best"])
    assert r.energy is not None  # the default thermal window ran
    return {"step_time_s": r.step_time_s, "tokens_per_s": r.tokens_per_s, "mfu_fraction": r.mfu,
            "chips_used": r.step.chips, "memory_per_chip_bytes": r.memory_per_chip_bytes,
            "time_to_train_s": r.time_to_train_s, "run_power_w": r.energy.feed_power_w}
