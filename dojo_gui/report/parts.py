"""Placed parts grouped where they are alike, so ten identical cabinets are one line of a report."""

from __future__ import annotations

from dataclasses import dataclass

from ..model.aggregate import Summary
from ..model.design import Design, Part, format_path


@dataclass
class PartGroup:
    """Placed parts of one level with the same spec and the same figures (ten identical cabinets)."""

    level: str
    spec_id: str
    parts: list[Part]
    summary: Summary | None  # of one of them (all are alike); None for chips

    def label(self, design: Design) -> str:
        spec = design.specs.get(self.spec_id)
        name = spec.name if spec is not None and spec.name else self.spec_id
        if len(self.parts) == 1:
            part = self.parts[0]
            return f"{format_path(part.path)}" + (f" “{part.name}”" if part.name else "") + f": {name}"
        first, last = format_path(self.parts[0].path), format_path(self.parts[-1].path)
        return f"{len(self.parts):,} × {name} ({first} … {last})"


def _summary_key(s: Summary) -> tuple[object, ...]:
    return (s.spec_id, tuple(s.counts.values()), tuple(sorted(s.peak_flops.items())), s.sram_bytes, s.hbm_bytes,
            round(s.max_power_w, 6), round(s.idle_power_w, 6), s.power_budget_w, s.cooling_capacity_w,
            round(s.load_kg, 6), s.max_load_kg, s.filled, s.slots)


def part_groups(design: Design, summaries: dict[int, Summary], level: str) -> list[PartGroup]:
    """The parts of ``level`` in groups of alike ones (``summaries``: every container's, by ``id(part)``)."""
    groups: dict[tuple[object, ...], PartGroup] = {}
    for part in design.parts(level):
        if level == "chip":
            key: tuple[object, ...] = (part.spec_id,)
            summary = None
        else:
            summary = summaries.get(id(part))
            if summary is None:
                continue
            key = _summary_key(summary)
        group = groups.get(key)
        if group is None:
            group = groups[key] = PartGroup(level, part.spec_id, [], summary)
        group.parts.append(part)
    return list(groups.values())
