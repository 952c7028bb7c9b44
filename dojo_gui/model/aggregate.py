"""Aggregates of any part: what it holds, computes, stores, draws and needs to shed.

Power follows ``docs/design.md`` §4 Power at full load: a chip draws its TDP; a container draws
``(Σ children + overhead + P₀) / η`` through its conversion stage, and a room adds its
transformer stage on top.  Every placed part ends as heat, so a container's cooling
demand is what it draws.  The power engine refines this over time (utilization,
leakage, throttling); these static figures are what budgets are checked against.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .design import Design, Part
from .specs import LEVELS, ChipSpec, ContainerSpec, RoomSpec, TileSpec


def conversion_input_w(output_w: float, efficiency: float, overhead_w: float) -> float:
    """What a conversion stage draws to deliver ``output_w``: P_in = (P_out + P_0)/η."""
    return (output_w + overhead_w) / efficiency


@dataclass
class Summary:
    """Figures of one part and everything in it.  Powers are at the part's own input."""

    level: str
    spec_id: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    peak_flops: dict[str, float] = field(default_factory=dict)
    sram_bytes: float = 0.0
    hbm_bytes: float = 0.0
    chip_tdp_w: float = 0.0  # nameplate: Σ chip TDP
    nominal_power_w: float = 0.0  # Σ chip TDP and other loads, before conversion losses
    idle_power_w: float = 0.0  # at the input, every chip idle
    max_power_w: float = 0.0  # at the input, every chip at TDP
    it_power_w: float = 0.0  # room: what the cabinets draw (before UPS and transformer)
    power_budget_w: float = 0.0
    cooling_demand_w: float = 0.0  # heat to remove at full load
    cooling_capacity_w: float = 0.0
    off_edge_bw_Bps: float = 0.0  # per direction, to everything outside this part
    mass_kg: float = 0.0  # the part and everything in it
    load_kg: float = 0.0  # what it carries: the mass of its contents
    max_load_kg: float = 0.0
    slots: int = 0
    filled: int = 0

    @property
    def chips(self) -> int:
        return self.counts["chip"]

    def peak(self, fmt: str) -> float:
        return self.peak_flops.get(fmt, 0.0)


def summarize(design: Design, part: Part | None = None) -> Summary:
    """The :class:`Summary` of ``part`` (the room by default).  Unknown or misplaced specs count as empty."""
    return _summaries(design, part or design.room)[id(part or design.room)]


def summarize_all(design: Design) -> dict[int, Summary]:
    """Summaries of every container in one pass, keyed by ``id(part)``."""
    return _summaries(design, design.room, keep_containers=True)


def _summaries(design: Design, top: Part, keep_containers: bool = False) -> dict[int, Summary]:
    out: dict[int, Summary] = {}
    chip_cache: dict[str, Summary] = {}

    def visit(part: Part, parent_spec: ContainerSpec | None) -> Summary:
        spec = design.specs.get(part.spec_id)
        if spec is None or spec.level != part.level:
            return Summary(part.level, part.spec_id)
        if isinstance(spec, ChipSpec):
            s = chip_cache.get(spec.id)
            if s is None:
                s = Summary("chip", spec.id)
                s.counts["chip"] = 1
                s.peak_flops = dict(spec.peak_flops)
                s.sram_bytes, s.hbm_bytes = spec.sram_bytes, spec.hbm_bytes
                s.chip_tdp_w = s.nominal_power_w = s.max_power_w = s.cooling_demand_w = spec.tdp_w
                s.idle_power_w = spec.idle_w
                s.off_edge_bw_Bps = spec.edges * spec.edge_bw_Bps
                s.mass_kg = spec.mass_kg
                chip_cache[spec.id] = s
            if parent_spec is not None and parent_spec.topology == "switch":
                s = _with_edge(s, parent_spec.switch_bw_Bps)
            if part is top:
                out[id(part)] = s
            return s
        assert isinstance(spec, ContainerSpec)
        s = Summary(spec.level, spec.id)
        s.counts[spec.level] = 1
        s.slots, s.filled = spec.slots, len(part.children)
        idle_out = max_out = 0.0
        for child in part.children.values():
            c = visit(child, spec)
            for lv, n in c.counts.items():
                s.counts[lv] += n
            for fmt, v in c.peak_flops.items():
                s.peak_flops[fmt] = s.peak_flops.get(fmt, 0.0) + v
            s.sram_bytes += c.sram_bytes
            s.hbm_bytes += c.hbm_bytes
            s.chip_tdp_w += c.chip_tdp_w
            s.nominal_power_w += c.nominal_power_w
            idle_out += c.idle_power_w
            max_out += c.max_power_w
            s.mass_kg += c.mass_kg
        if isinstance(spec, TileSpec):
            s.hbm_bytes += spec.interface_count * spec.interface_hbm_bytes
        s.nominal_power_w += spec.overhead_w
        s.it_power_w = max_out + spec.overhead_w
        s.idle_power_w = conversion_input_w(idle_out + spec.overhead_w, spec.conversion_efficiency, spec.conversion_overhead_w)
        s.max_power_w = conversion_input_w(max_out + spec.overhead_w, spec.conversion_efficiency, spec.conversion_overhead_w)
        if isinstance(spec, RoomSpec):
            s.it_power_w = max_out
            s.idle_power_w = conversion_input_w(s.idle_power_w, spec.transformer_efficiency, spec.transformer_overhead_w)
            s.max_power_w = conversion_input_w(s.max_power_w, spec.transformer_efficiency, spec.transformer_overhead_w)
        s.power_budget_w = spec.power_budget_w
        s.cooling_demand_w = s.max_power_w
        s.cooling_capacity_w = spec.cooling_capacity_w
        s.load_kg = s.mass_kg
        s.mass_kg += spec.mass_kg
        s.max_load_kg = spec.max_load_kg
        if parent_spec is not None and parent_spec.topology == "switch":
            s.off_edge_bw_Bps = parent_spec.switch_bw_Bps
        else:
            s.off_edge_bw_Bps = 4 * spec.edge_bw_Bps
        if keep_containers or part is top:
            out[id(part)] = s
        return s

    parent = top.parent
    parent_spec = design.specs.get(parent.spec_id) if parent is not None else None
    visit(top, parent_spec if isinstance(parent_spec, ContainerSpec) else None)
    return out


def _with_edge(s: Summary, edge_bw: float) -> Summary:
    twin = Summary(**{k: (dict(v) if isinstance(v, dict) else v) for k, v in s.__dict__.items()})
    twin.off_edge_bw_Bps = edge_bw
    return twin
