"""Design rules: checks over a design that return findings, never raise.

Each rule is a function ``(design, context) -> iterable of Finding``; :func:`check`
runs them all.  A finding names the part it concerns by path, so the UI can select it
and the CLI can print where the problem is.  It also says what it shares with the same
finding on other parts of its spec (``gist``, with the figure that differs as ``value``), so
one edit that breaks 120 tiles reads as one line (:mod:`.finding_groups`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from .. import units
from ..text import agree
from .aggregate import Summary, summarize_all
from .design import Design, PartPath, format_path, plural
from .links import PhysicalLinks, chip_components, physical_links
from .placement import fit_problem
from .specs import CHILD_LEVEL, ContainerSpec, check_spec

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    severity: str  # "error", "warning" or "info"
    rule: str  # which rule produced it, e.g. "power-budget"
    path: PartPath  # the part concerned; () is the room (or the design as a whole)
    message: str
    spec_id: str | None = None  # set when the finding is about a spec rather than a placed part
    part_spec: str | None = None  # the spec of the part concerned (findings on parts of one spec group together)
    gist: str = ""  # the message as it reads for every part of that spec, "{value}" where their figures differ
    value: float | None = None  # the figure that differs from part to part (in ``unit``)
    unit: str = ""  # a units.py unit ("W", "kg") or "" for a count

    def where(self) -> str:
        return f"spec {self.spec_id!r}" if self.spec_id else format_path(self.path)

    def __str__(self) -> str:
        return f"{self.severity}: {self.where()}: {self.message}"


class Context:
    """What several rules need, computed once."""

    def __init__(self, design: Design) -> None:
        self.design = design
        self.summaries: dict[int, Summary] = summarize_all(design)

    @cached_property
    def links(self) -> PhysicalLinks:
        """The design's physical links (the fabric rule needs them, and so does the canvas that draws them)."""
        return physical_links(self.design)


Rule = Callable[[Design, Context], Iterable[Finding]]


def rule_placement(design: Design, ctx: Context) -> Iterable[Finding]:
    """A part whose spec is unknown, of the wrong level, outside the grid or not accepted there."""
    for part in design.parts():
        spec = design.specs.get(part.spec_id)
        path = part.path
        if spec is None:
            yield Finding("error", "placement", path, f"unknown spec {part.spec_id!r}", part_spec=part.spec_id)
            continue
        if spec.level != part.level:
            yield Finding("error", "placement", path,
                          f"a {spec.level} ({spec.name or spec.id}) does not fit in a {part.level} slot",
                          part_spec=part.spec_id)
            continue
        parent = part.parent
        if parent is None:
            continue
        parent_spec = design.specs.get(parent.spec_id)
        if not isinstance(parent_spec, ContainerSpec) or parent_spec.level != parent.level:
            continue
        grid = f"the {parent_spec.rows}x{parent_spec.cols} grid of {parent_spec.name or parent_spec.id}"
        if not design.slot_fits(parent, part.slot):
            yield Finding("error", "placement", path, f"slot {part.slot} is outside {grid}",
                          part_spec=part.spec_id, gist=f"outside {grid}")
        elif (problem := fit_problem(parent_spec, spec, design.specs)) is not None:
            yield Finding("error", "placement", path, problem, part_spec=part.spec_id)


def rule_empty_slots(design: Design, ctx: Context) -> Iterable[Finding]:
    """Containers with unfilled slots: a warning in tiles and cabinets, a note for free floor space."""
    for part in design.parts():
        spec = design.specs.get(part.spec_id)
        if not isinstance(spec, ContainerSpec) or spec.level != part.level:
            continue
        empty = spec.slots - sum(1 for s in part.children if design.slot_fits(part, s))
        if empty <= 0:
            continue
        what = plural(CHILD_LEVEL[spec.level] or "")
        if spec.level == "room":
            severity, where, state = "info", f" of {spec.slots} floor positions", "free"
        else:
            severity, where, state = "warning", f" of {spec.slots} {what[:-1]} slots", "empty"
        # The gist leaves the verb out: it reads for one tile as for a range ("1–3 of 25 chip slots empty").
        yield Finding(severity, "empty-slots", part.path, f"{empty}{where} {agree(empty, 'is')} {state}",
                      part_spec=part.spec_id, gist=f"{{value}}{where} {state}", value=float(empty))


def _w(watts: float) -> str:
    return units.format(watts, "W")


def rule_budgets(design: Design, ctx: Context) -> Iterable[Finding]:
    """Power over budget, heat over cooling capacity, mass over the maximum load."""
    for part in design.parts():
        s = ctx.summaries.get(id(part))
        if s is None or part.level == "chip":
            continue
        if s.power_budget_w > 0 and s.max_power_w > s.power_budget_w * (1 + 1e-9):
            yield Finding("error", "power-budget", part.path,
                          f"draws {_w(s.max_power_w)} at full load, over its budget of {_w(s.power_budget_w)}",
                          part_spec=part.spec_id,
                          gist=f"{{value}} at full load, over the {_w(s.power_budget_w)} budget",
                          value=s.max_power_w, unit="W")
        if s.cooling_capacity_w > 0 and s.cooling_demand_w > s.cooling_capacity_w * (1 + 1e-9):
            yield Finding("error", "cooling-capacity", part.path,
                          f"makes {_w(s.cooling_demand_w)} of heat, "
                          f"over its cooling capacity of {_w(s.cooling_capacity_w)}",
                          part_spec=part.spec_id,
                          gist=f"{{value}} of heat, over the {_w(s.cooling_capacity_w)} cooling capacity",
                          value=s.cooling_demand_w, unit="W")
        if s.max_load_kg > 0 and s.load_kg > s.max_load_kg * (1 + 1e-9):
            yield Finding("warning", "mass", part.path,
                          f"carries {s.load_kg:,.0f} kg, over its maximum load of {s.max_load_kg:,.0f} kg",
                          part_spec=part.spec_id,
                          gist=f"{{value}} carried, over the maximum load of {s.max_load_kg:,.0f} kg",
                          value=s.load_kg, unit="kg")


def rule_fabric_connected(design: Design, ctx: Context) -> Iterable[Finding]:
    """Every chip must reach every other chip over the fabric."""
    links = ctx.links
    if links.n_chips < 2:
        return
    labels = chip_components(links)
    sizes = Counter(labels)
    if len(sizes) <= 1:
        return
    main = sizes.most_common(1)[0][0]
    cut_off = [links.chip_paths[i] for i, lab in enumerate(labels) if lab != main]
    # Name the largest container that is cut off as a whole, so the finding points somewhere useful.
    first = cut_off[0]
    yield Finding("error", "fabric-connected", first[:1] if len(cut_off) > 1 else first,
                  f"the fabric falls apart into {len(sizes)} pieces: {len(cut_off)} of {links.n_chips} chips "
                  f"cannot reach the rest (first: {format_path(first)})")


def rule_specs(design: Design, ctx: Context) -> Iterable[Finding]:
    """Figures of one spec that contradict each other, and fill-with ids that do not exist."""
    for spec_id, spec in design.specs.items():
        for problem in check_spec(spec):
            yield Finding("error", "spec", (), str(problem), spec_id=spec_id)
        if isinstance(spec, ContainerSpec) and spec.default_child and spec.default_child not in design.specs:
            yield Finding("warning", "spec", (), f"fills with unknown spec {spec.default_child!r}", spec_id=spec_id)


RULES: tuple[Rule, ...] = (rule_specs, rule_placement, rule_empty_slots, rule_budgets, rule_fabric_connected)


def check(design: Design, rules: Iterable[Rule] = RULES) -> list[Finding]:
    """All findings, errors first, then by path."""
    ctx = Context(design)
    findings = [f for rule in rules for f in rule(design, ctx)]
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: (order[f.severity], f.path, f.rule))
    return findings


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        counts[f.severity] += 1
    return counts
