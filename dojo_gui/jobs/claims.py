"""Tesla's AI Day 2021 claims for the ExaPOD, as a comparison anyone can run and question.

Tesla said the ExaPOD gives, against its GPU clusters, **4x the performance at the same cost, 1.3x
the performance per watt and a 5x smaller footprint**.  Here the ExaPOD (or any design) is set
beside DGX A100 clusters (Tesla's GPU cluster of 2021 was 720 nodes of 8 A100 80GB): one of the same
capital cost — sized by ``dgx-a100-superpod --nodes N`` to the largest N the ExaPOD's cost buys — and
one of the same peak compute, since the footprint claim reads most naturally at equal performance.
Every figure comes from the catalog (prices with their sources or marked as estimates), the power
model (every chip at its TDP, through the conversion stages to the feed) and, with a model, the
training engine.  The prices are the weakest link, so the comparison also says what the ExaPOD
would have to cost for the 4x claim to hold exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..model.aggregate import summarize
from ..model.design import Design
from ..model.economics import capex, footprint_m2
from ..model.specs import AnySpec
from ..model.templates import TEMPLATES

CLAIMS = {"performance at the same cost": 4.0, "performance per watt": 1.3, "footprint (smaller by)": 5.0}
SOURCE = "Tesla AI Day 2021 (19 August 2021): the ExaPOD against Tesla's GPU-based systems"
GPU_TEMPLATE = "dgx-a100-superpod"


@dataclass
class Machine:
    """One side of the comparison: what it costs, computes, draws and occupies."""

    name: str
    design: Design
    nodes: int = 0  # DGX nodes, for the GPU side
    capex_usd: float = 0.0  # as compared (with or without the facility)
    hardware_usd: float = 0.0
    total_usd: float = 0.0
    peak_flops: float = 0.0
    feed_power_w: float = 0.0
    footprint_m2: float = 0.0
    chips: int = 0
    training: dict[str, Any] | None = None  # tokens_per_s, run_power_w, plan (with a model)

    @property
    def flops_per_w(self) -> float:
        return self.peak_flops / self.feed_power_w if self.feed_power_w else 0.0


@dataclass
class Comparison:
    dojo: Machine
    same_cost: Machine  # GPU cluster of the same capital cost
    same_peak: Machine  # GPU cluster of the same peak compute
    with_facility: bool
    break_even_usd: float  # what the Dojo side would have to cost for exactly 4x the performance at the same cost
    ratios: dict[str, float] = field(default_factory=dict)
    model: str = ""

    def to_json(self) -> dict[str, Any]:
        def side(m: Machine) -> dict[str, Any]:
            return {"name": m.name, "nodes": m.nodes, "chips": m.chips, "capex_usd": m.capex_usd,
                    "hardware_usd": m.hardware_usd, "total_usd": m.total_usd, "peak_flops": m.peak_flops,
                    "feed_power_w": m.feed_power_w, "flops_per_w": m.flops_per_w, "footprint_m2": m.footprint_m2,
                    "training": m.training}

        return {"source": SOURCE, "claims": CLAIMS, "ratios": self.ratios, "with_facility": self.with_facility,
                "model": self.model or None, "dojo": side(self.dojo), "gpu_same_cost": side(self.same_cost),
                "gpu_same_peak": side(self.same_peak), "break_even_usd": self.break_even_usd}


def machine(name: str, design: Design, with_facility: bool, nodes: int = 0) -> Machine:
    cost = capex(design)
    if cost.total_usd is None or cost.hardware_usd is None:
        raise ValueError(f"{name}: the catalog has no price for {', '.join(cost.unpriced_chips)}")
    s = summarize(design)
    return Machine(name, design, nodes, cost.total_usd if with_facility else cost.hardware_usd, cost.hardware_usd,
                   cost.total_usd, s.peak("bf16"), s.max_power_w, footprint_m2(design), s.chips)


def gpu_cluster(catalog: dict[str, AnySpec], nodes: int, with_facility: bool) -> Machine:
    design = TEMPLATES[GPU_TEMPLATE].make(catalog, nodes)
    return machine(f"DGX A100 cluster ({nodes:,} nodes)", design, with_facility, nodes)


def largest_within(catalog: dict[str, AnySpec], value: Callable[[Machine], float], limit: float,
                   with_facility: bool) -> Machine:
    """The DGX A100 cluster of the most nodes whose ``value`` stays within ``limit`` (at least one node)."""
    lo, hi = 1, 2
    while value(gpu_cluster(catalog, hi, with_facility)) <= limit:
        lo, hi = hi, hi * 2
    while hi - lo > 1:  # value(lo) <= limit < value(hi), or lo is the one-node floor
        mid = (lo + hi) // 2
        if value(gpu_cluster(catalog, mid, with_facility)) <= limit:
            lo = mid
        else:
            hi = mid
    return gpu_cluster(catalog, lo, with_facility)


def smallest_reaching(catalog: dict[str, AnySpec], peak: float, with_facility: bool) -> Machine:
    per_node = gpu_cluster(catalog, 1, with_facility).peak_flops
    nodes = max(1, -(-round(peak) // int(per_node)))
    return gpu_cluster(catalog, nodes, with_facility)


def compare(dojo_design: Design, catalog: dict[str, AnySpec], *, with_facility: bool = True,
            train: Callable[[Design], dict[str, Any]] | None = None, model: str = "") -> Comparison:
    """The ExaPOD (``dojo_design``) against DGX A100 clusters of its cost and of its peak; ``train`` (a design ->
    {"tokens_per_s", "run_power_w", ...}) adds the training engine's throughput and energy."""
    dojo = machine(dojo_design.name, dojo_design, with_facility)
    same_cost = largest_within(catalog, lambda m: m.capex_usd, dojo.capex_usd, with_facility)
    same_peak = smallest_reaching(catalog, dojo.peak_flops, with_facility)
    # For exactly 4x at the same cost the GPU side would be the cluster of a quarter of the Dojo's peak.
    quarter = smallest_reaching(catalog, dojo.peak_flops / CLAIMS["performance at the same cost"], with_facility)
    ratios = {"performance at the same cost": dojo.peak_flops / same_cost.peak_flops,
              "performance per watt": dojo.flops_per_w / same_cost.flops_per_w,
              "footprint (smaller by), same cost": same_cost.footprint_m2 / dojo.footprint_m2,
              "footprint (smaller by), same peak": same_peak.footprint_m2 / dojo.footprint_m2}
    if train is not None:
        for m in (dojo, same_cost):
            m.training = train(m.design)
        d, g = dojo.training or {}, same_cost.training or {}
        if d.get("tokens_per_s") and g.get("tokens_per_s"):
            ratios["training throughput at the same cost"] = d["tokens_per_s"] / g["tokens_per_s"]
            ratios["training tokens per joule"] = (d["tokens_per_s"] / d["run_power_w"]) / (
                g["tokens_per_s"] / g["run_power_w"])
    return Comparison(dojo, same_cost, same_peak, with_facility, quarter.capex_usd, ratios, model)
