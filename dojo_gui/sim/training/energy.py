"""A training step's utilization over time, the power it draws, the energy and the cost of a run.

The step's **timeline** gives, for every pipeline stage, what its chips do from the start of a
step to its end: idle while the pipeline fills, compute, tensor and pipeline communication, idle
while it drains (the bubble), the exposed gradient all-reduce, the optimizer.  Each kind has a
utilization (compute 1; communicating, streaming and the optimizer the settings'
``comm_utilization``; idle 0), so every chip has a mean utilization over the step.  This timeline
is what the thermal coupling drives the thermal engine with; until it does, power comes from the
power model (:mod:`dojo_gui.sim.power`) at each chip's mean utilization, at the leakage reference
temperature, summed up through the conversion stages to the room's feed — the cooling plant is not
in it (the thermal engine adds it).

Cost is the electricity at ``electricity_usd_per_kwh``; capital cost comes from spec figures where
the catalog has them (:func:`capex_usd`), amortized over :data:`SERVICE_YEARS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...model.design import Design
from ...model.economics import DEFAULT_SERVICE_YEARS
from ...model.economics import capex as design_capex
from ..power import chip_power_w, hierarchy_power
from ..tree import PartTree

KINDS = ("idle", "compute", "tp-comm", "pp-comm", "dp-comm", "memory-stream", "other")
SERVICE_YEARS = DEFAULT_SERVICE_YEARS  # capital cost spread over this many years of service
YEAR_S = 365.25 * 86400


@dataclass(frozen=True)
class Segment:
    start_s: float
    end_s: float
    kind: str  # one of KINDS

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class StepTimeline:
    """What each pipeline stage's chips do over one step: ``stages[j]`` is a list of segments from 0 to
    ``step_time_s``; ``stage_chips[j]`` the fabric chip indices of stage j."""

    step_time_s: float
    stages: list[list[Segment]]
    stage_chips: list[np.ndarray]
    utilization: dict[str, float]  # of each kind

    def stage_utilization(self) -> np.ndarray:
        """Mean utilization of each stage's chips over the step."""
        return np.array([sum(s.duration_s * self.utilization[s.kind] for s in segs) / self.step_time_s
                         for segs in self.stages])

    def chip_utilization(self, n_chips: int) -> np.ndarray:
        """Mean utilization of every chip of the fabric over the step (0 for chips the plan leaves idle)."""
        out = np.zeros(n_chips)
        for chips, u in zip(self.stage_chips, self.stage_utilization()):
            out[chips] = u
        return out

    def utilization_trace(self, stage: int) -> tuple[np.ndarray, np.ndarray]:
        """Stage ``stage``'s utilization as a step function over one step: (times_s, values), each value
        holding from its time to the next; the thermal coupling repeats it step after step."""
        segs = self.stages[stage]
        return (np.array([s.start_s for s in segs] + [self.step_time_s]),
                np.array([self.utilization[s.kind] for s in segs] + [self.utilization[segs[-1].kind]]))

    def to_json(self) -> list[list[dict[str, Any]]]:
        return [[{"start_s": s.start_s, "end_s": s.end_s, "kind": s.kind} for s in segs] for segs in self.stages]


@dataclass(frozen=True)
class Energy:
    it_power_w: float  # IT equipment at the step's mean utilization
    feed_power_w: float  # at the room's feed: through the UPS and the transformer (no cooling plant)
    energy_j: float  # over the whole run, at the feed
    electricity_usd: float
    capex_usd: float | None  # the machine's capital cost where the catalog knows it
    capex_share_usd: float | None  # the part of it the run uses up (its time over SERVICE_YEARS)

    @property
    def energy_kwh(self) -> float:
        return self.energy_j / 3.6e6

    @property
    def cost_usd(self) -> float:
        return self.electricity_usd + (self.capex_share_usd or 0.0)


def capex_usd(design: Design) -> float | None:
    """The capital cost of the design (its parts' prices and its facility, :func:`dojo_gui.model.economics.capex`),
    or None while a chip it uses has no price."""
    return design_capex(design).total_usd


def run_energy(design: Design, timeline: StepTimeline, run_time_s: float, electricity_usd_per_kwh: float,
               chip_paths: list[tuple[tuple[int, int], ...]]) -> Energy:
    """Power at each chip's mean utilization over the step, held for the whole run."""
    tree = PartTree.from_design(design)
    index = {path: k for k, path in enumerate(tree.chip_paths)}
    u_fabric = timeline.chip_utilization(len(chip_paths))
    utilization = np.zeros(tree.n_chips)
    for k, path in enumerate(chip_paths):
        if path in index:
            utilization[index[path]] = u_fabric[k]
    tj = tree.chip["leakage_ref_c"]
    power = hierarchy_power(tree, chip_power_w(tree.chip, utilization, np.ones(tree.n_chips), tj))
    energy = power.room_in_w * run_time_s
    capex = capex_usd(design)
    share = capex * run_time_s / (SERVICE_YEARS * YEAR_S) if capex is not None else None
    return Energy(power.it_w, power.room_in_w, energy, energy / 3.6e6 * electricity_usd_per_kwh, capex, share)
