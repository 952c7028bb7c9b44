"""The coupled power and cooling engine: numpy over every chip at once (``docs/design.md`` §6 The coupled run).

A run steps a :class:`~dojo_gui.sim.scenario.Scenario` on a design; each time step goes
through seven phases for all chips together, with no per-chip Python anywhere in a step
(the workload and weather; the coolant supply; chip power; plate inlets; the exact RC
update; sums through the conversion stages, CDUs and the plant; throttling).  The engine
is split by idea:

- :mod:`.thermal_network` — the design compiled to the constants and buffers a step uses;
- :mod:`.thermal_workload` — phase 1: the time steps, utilization and ambient per step;
- :mod:`.thermal_loops` — the coolant loops, CDUs and the plant (phases 2, 4 and 6);
- :mod:`.thermal_step` — :class:`ThermalRun`: the phases in order, settled steps skipped,
  advancing in chunks and cancelling;
- :mod:`.thermal_record` — frames, peaks, throttle events and the :class:`ThermalResult`.

This module is the entry point the CLI, the UI and the tests use.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..model.design import Design
from .results import ThermalResult
from .scenario import Scenario
from .thermal_step import SETTLE_TOLERANCE_K, ThermalRun
from .tree import InvariantError, ThermalModelError

__all__ = ["SETTLE_TOLERANCE_K", "InvariantError", "ThermalModelError", "ThermalRun", "run_thermal", "with_figures"]


def run_thermal(design: Design, scenario: Scenario, **options: Any) -> ThermalResult:
    """Run a scenario to the end and return its result."""
    return ThermalRun(design, scenario, **options).run()


def with_figures(design: Design, spec_id: str, **figures: Any) -> Design:
    """A copy of ``design`` with some figures of one spec changed (for what-if runs and tests)."""
    twin = design.copy()
    twin.specs[spec_id] = replace(twin.specs[spec_id], **figures)
    return twin
