"""A training run's answer: the plan, the step and where its time goes, throughput, memory, energy, cost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ... import units
from ...model.design import PartPath
from ...model.transformer import TransformerModel
from .energy import Energy
from .search import SearchResult
from .settings import Plan, TrainingSettings
from .step import StepEstimate

PART_WORDS = {"compute_s": "compute", "tp_comm_s": "tensor-parallel communication",
              "pp_comm_s": "pipeline communication", "dp_comm_s": "gradient communication (exposed)",
              "bubble_s": "pipeline bubble", "memory_stream_s": "memory streaming (exposed)", "other_s": "optimizer",
              "throttle_s": "throttling (hot chips at a lower clock)"}


@dataclass
class TrainingResult:
    design_name: str
    chip_name: str
    machine_chips: int
    model: TransformerModel
    settings: TrainingSettings
    step: StepEstimate
    chip_paths: list[PartPath]  # the part path of every chip of the fabric: ranks index it
    search: SearchResult | None = None
    capex_usd: float | None = None  # the machine's capital cost where the catalog knows it
    energy: Energy | None = None  # from the thermal engine (None: not simulated)

    # ------------------------------------------------------------------ figures
    @property
    def plan(self) -> Plan:
        return self.step.plan

    @property
    def step_time_s(self) -> float:
        return self.step.step_time_s

    @property
    def tokens_per_s(self) -> float:
        return self.settings.tokens_per_step / self.step_time_s

    @property
    def achieved_flops_per_chip(self) -> float:
        """FLOP/s per chip the plan uses, counting the recomputation it does (Narayanan et al.'s eq. 3)."""
        return self.step.hardware_flops / self.step_time_s / self.step.chips

    @property
    def model_flops_per_chip(self) -> float:
        return self.step.model_flops / self.step_time_s / self.step.chips

    @property
    def mfu(self) -> float:
        """Model FLOPs utilization: forward and backward FLOPs (no recomputation) per second over the peak
        of the chips the plan uses."""
        return self.model_flops_per_chip / self.step.peak_flops

    @property
    def time_to_train_s(self) -> float:
        return self.settings.tokens / self.tokens_per_s

    @property
    def memory_per_chip_bytes(self) -> float:
        return self.step.memory.total_bytes

    @property
    def fits(self) -> bool:
        return self.step.memory.fits

    def describe(self) -> str:
        return f"train {self.model.name}, {self.plan.describe()}"

    # ------------------------------------------------------------------ output
    def to_json(self, search_rows: int | None = None) -> dict[str, Any]:
        bd = self.step.breakdown
        doc = {
            "design": self.design_name, "chip": self.chip_name, "model": self.model.id, "model_name": self.model.name,
            "parameters": self.model.parameters(),
            "chips": self.machine_chips, "chips_used": self.step.chips,
            "global_batch": self.settings.global_batch, "seq_len": self.settings.seq_len,
            "tokens_per_step": self.settings.tokens_per_step, "micro_batches": self.plan.micro_batches(self.settings),
            "settings": {"precision": self.settings.precision, "recompute": self.settings.recompute,
                         "zero_stage": self.settings.zero_stage, "sequence_parallel": self.settings.sequence_parallel,
                         "attention": self.settings.attention, "weight_bytes": self.settings.weight_bytes,
                         "gradient_bytes": self.settings.gradient_bytes,
                         "optimizer_state_bytes": self.settings.optimizer_state_bytes,
                         "dp_overlap": self.settings.dp_overlap,
                         "fused_grad_accumulation": self.settings.fused_grad_accumulation,
                         "electricity_usd_per_kwh": self.settings.electricity_usd_per_kwh},
            "plan": self.plan.to_json(),
            "step_time_s": self.step_time_s,
            "tokens_per_s": self.tokens_per_s,
            "achieved_flops_per_chip": self.achieved_flops_per_chip,
            "model_flops_per_chip": self.model_flops_per_chip,
            "peak_flops_per_chip": self.step.peak_flops,
            "mfu": self.mfu,
            "memory_per_chip_bytes": self.memory_per_chip_bytes,
            "memory": self.step.memory.to_json(),
            "fits": self.fits,
            "breakdown": bd.to_json(),
            "communication": {kind: {"time_s": c.time_s, "source": c.source, "algorithm": c.algorithm,
                                     "sharing": c.sharing} for kind, c in self.step.comm.items()},
            "evaluated": self.step.evaluated,
            "tokens": self.settings.tokens,
            "time_to_train_s": self.time_to_train_s,
            "mean_utilization": float(self.step.timeline.stage_utilization().mean()),
            "capex_usd": self.capex_usd,
        }
        e = self.energy
        doc.update({"it_power_w": e.it_power_w if e else None, "feed_power_w": e.feed_power_w if e else None,
                    "cooling_power_w": e.cooling_power_w if e else None, "pue": e.pue if e else None,
                    "energy_kwh": e.energy_kwh if e else None, "electricity_usd": e.electricity_usd if e else None,
                    "cost_usd": e.cost_usd if e else None, "thermal": e.to_json() if e else None})
        if self.search is not None:
            s = self.search
            doc["search"] = {"tried": s.tried, "fit": len(s.ranked), "simulated": s.simulated,
                             "elapsed_s": s.elapsed_s, "refused": s.reasons,
                             "plans": [dict(zip(s.table()["columns"], row))
                                       for row in s.table(search_rows)["rows"]]}
        return doc

    def run_record(self, label: str = "", revision: int | None = None) -> dict[str, Any]:
        """The run as a saved-run record (``Design.runs``, the format of :mod:`dojo_gui.report.runs`)."""
        bd = self.step.breakdown
        figures: dict[str, float | None] = {
            "step_time_s": self.step_time_s, "tokens_per_second": self.tokens_per_s,
            "achieved_flops": self.achieved_flops_per_chip, "mfu_fraction": self.mfu,
            "memory_per_chip_bytes": self.memory_per_chip_bytes, "time_to_train_s": self.time_to_train_s,
            "chips_used": self.step.chips, **bd.to_json()}
        e = self.energy
        if e is not None:
            figures.update(energy_j=e.energy_j, feed_power_w=e.feed_power_w, it_power_w=e.it_power_w,
                           cooling_power_w=e.cooling_power_w, pue=e.pue, electricity_usd=e.electricity_usd,
                           tj_max_c=e.tj_max_c, throttled_fraction=e.throttled_chips_max / max(self.step.chips, 1))
        parameters = {"model": self.model.id, **self.plan.to_json(), "global_batch": self.settings.global_batch,
                      "seq_len": self.settings.seq_len, "tokens": self.settings.tokens,
                      "recompute": self.settings.recompute, "zero_stage": self.settings.zero_stage,
                      "sequence_parallel": self.settings.sequence_parallel, "attention": self.settings.attention,
                      "precision": self.settings.precision, "evaluated": self.step.evaluated}
        # The first stage's utilization over a step, as the step function it is: each segment's value at its
        # start and at its end (a chart draws straight lines between points).
        first = self.step.timeline.stages[0]
        timeline = self.step.timeline
        series = {"first_stage_utilization_fraction": [
            [float(t), timeline.utilization[s.kind]] for s in first for t in (s.start_s, s.end_s)]}
        tables = [{"title": "Where the step's time goes", "columns": ["part", "duration_s", "share_fraction"],
                   "rows": [[PART_WORDS[name], value, value / self.step_time_s]
                            for name, value in bd.to_json().items() if name != "throttle_s" or value > 0]}]
        if self.search is not None:
            tables.append(self.search.summary_table())
        record: dict[str, Any] = {"kind": "train", "label": label or self.describe(), "parameters": parameters,
                  "key_figures": {k: float(v) for k, v in figures.items() if v is not None}, "series": series,
                  "tables": tables,
                  "finished": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
        if revision is not None:
            record["revision"] = int(revision)
        return record

    def _energy_lines(self) -> list[str]:
        f = units.format
        run = f"  run       {count_text(self.settings.tokens)} tokens in {_duration(self.time_to_train_s)}"
        e = self.energy
        if e is None:
            return [run + " (power and cooling not simulated)"]
        pue = f", PUE {e.pue:.3f}" if e.pue is not None else ""
        if e.throttled_chips_max:
            heat = (f"up to {e.throttled_chips_max:,} chips throttled at {f(e.tj_limit_c, 'C')}: the step takes "
                    f"{self.step.breakdown.throttle_s / e.step_time_full_clock_s:.1%} longer than at full clock")
        else:
            heat = f"hottest junction {f(e.tj_max_c, 'C')} (limit {f(e.tj_limit_c, 'C')}), no throttling"
        return [(f"  power     {f(e.feed_power_w, 'W')} at the feed (IT {f(e.it_power_w, 'W')}, cooling "
                 f"{f(e.cooling_power_w, 'W')}{pue}); {heat}"),
                (f"            over {f(e.window_s, 's')} of training ({e.steps:,} steps) in the thermal engine, "
                 f"{_ambient_text(e.ambient)}" + (f", coolant flow {e.coolant_flow_fraction:.0%}"
                                                   if e.coolant_flow_fraction != 1 else "")),
                (run + f"; {_energy_text(e.energy_kwh)}, ${e.electricity_usd:,.0f} of electricity at "
                 f"${self.settings.electricity_usd_per_kwh:g}/kWh")]

    def summary(self) -> str:
        """A few readable lines: the plan, the step and its parts, throughput, memory, the run's time and energy."""
        f = units.format
        bd = self.step.breakdown
        step = self.step_time_s
        parts = [("compute", bd.compute_s), ("tensor comm", bd.tp_comm_s), ("pipeline comm", bd.pp_comm_s),
                 ("gradient comm", bd.dp_comm_s), ("bubble", bd.bubble_s), ("memory streaming", bd.memory_stream_s),
                 ("optimizer", bd.other_s), ("throttling", bd.throttle_s)]
        mem = self.step.memory
        lines = [(f"{self.model.name} ({self.model.parameters() / 1e9:,.1f}B parameters) on {self.design_name}: "
                 f"{self.step.chips:,} of {self.machine_chips:,} {self.chip_name}"),
                 (f"  plan      {self.plan.describe()}; {self.plan.micro_batches(self.settings)} micro-batches "
                 f"of {self.settings.seq_len:,} tokens"),
                 f"  step      {f(step, 's')}  ({self.step.evaluated})  = "
                 + " + ".join(f"{name} {value / step:.1%}" for name, value in parts if value > 0),
                 (f"  speed     {self.tokens_per_s:,.0f} tokens/s; "
                 f"{f(self.achieved_flops_per_chip, 'FLOPS')} per chip (with recomputation), MFU {self.mfu:.1%}"),
                 f"  memory    {f(mem.total_bytes, 'B')} per chip of {f(mem.capacity_bytes, 'B')}"
                 + (f" ({f(mem.streamed_bytes, 'B')} streamed per step)" if mem.streamed_bytes else "")
                 + ("" if mem.fits else "  DOES NOT FIT"),
                 *self._energy_lines()]
        if self.search is not None:
            s = self.search
            lines.append(f"  search    {s.tried:,} plans tried, {len(s.ranked):,} fit, {s.simulated} simulated "
                         f"with the communication engine, in {f(s.elapsed_s, 's')}")
            for c in s.ranked[1:4]:
                lines.append(f"    {c.plan.describe()}: {c.why}")
            for why, n in sorted(s.reasons.items(), key=lambda kv: -kv[1])[:4]:
                lines.append(f"    {n:,} refused: {why}")
        return "\n".join(lines)


def count_text(n: float) -> str:
    """300e9 -> "300B", 15.6e12 -> "15.6T"."""
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= scale:
            return f"{n / scale:.4g}{suffix}"
    return f"{n:g}"


def _energy_text(kwh: float) -> str:
    """349,210 kWh -> "349 MWh"; 1,050 kWh -> "1.05 MWh"; 12 kWh -> "12 kWh"."""
    for scale, unit in ((1e6, "GWh"), (1e3, "MWh"), (1.0, "kWh")):
        if kwh >= scale or unit == "kWh":
            value = kwh / scale
            return f"{value:,.0f} {unit}" if value >= 100 else f"{value:.3g} {unit}"
    return ""


def _ambient_text(ambient: dict[str, Any]) -> str:
    kind = ambient.get("kind")
    if kind == "constant":
        return f"ambient {units.format(ambient['ambient_c'], 'C')}"
    if kind == "daily":
        return f"ambient {ambient['min_c']:g}–{ambient['max_c']:g} °C over the day"
    if kind == "curve":
        return f"ambient from {ambient.get('source', 'a curve')}"
    return "the room's design ambient"


def _duration(seconds: float) -> str:
    days = seconds / 86400
    if days >= 2:
        return f"{days:,.1f} days"
    return units.format(seconds, "s")
