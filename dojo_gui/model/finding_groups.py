"""Findings grouped: one line per rule and spec with a count, instead of one per part.

Raising a chip's TDP puts every tile of the room over its budget at once; listed part by
part that is hundreds of lines saying the same thing.  :func:`group_findings` folds the
findings of one rule on parts of one spec into a :class:`FindingGroup` ("120 tiles: 17.2 kW
at full load, over the 15 kW budget"), with the range of their figures where they differ
("17.2–17.9 kW").  The findings panel, ``dojo-gui validate`` and the report all show these
groups, each of which still holds every finding (and so every part) it stands for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .. import units
from .design import plural
from .rules import SEVERITIES, Finding
from .specs import LEVELS

GroupKey = tuple[str, str, str, "str | None", str]  # severity, rule, level, spec, what the findings say


@dataclass(frozen=True)
class FindingGroup:
    """Findings of one rule on parts of one spec that say the same thing (a group of one is a finding)."""

    severity: str
    rule: str
    level: str  # the parts' level ("tile"), or "spec" for findings about specs
    spec_id: str | None  # the parts' spec, or the spec the findings are about
    spec_name: str  # how a person calls that spec ("" when unknown)
    message: str  # what every part has, with the range of the figures that differ
    findings: tuple[Finding, ...]

    @property
    def count(self) -> int:
        return len(self.findings)

    @property
    def key(self) -> GroupKey:
        """What identifies the group from one check to the next (its count and figures may change)."""
        return (self.severity, self.rule, self.level, self.spec_id, _gist(self.findings[0]))

    def where(self) -> str:
        """The part's path for a group of one, else how many parts of which spec: "120 tiles (Dojo training tile)"."""
        if self.count == 1:
            return self.findings[0].where()
        noun = "specs" if self.level == "spec" else (plural(self.level) if self.level in LEVELS else "parts")
        named = f" ({self.spec_name})" if self.spec_name and self.level != "spec" else ""
        return f"{self.count:,} {noun}{named}"

    def __str__(self) -> str:
        return f"{self.severity}: {self.where()}: {self.message}"


def group_findings(findings: Iterable[Finding], spec_names: Mapping[str, str] | None = None) -> list[FindingGroup]:
    """The findings folded into groups, in the order of each group's first finding (errors first, as
    :func:`~dojo_gui.model.rules.check` sorts them); ``spec_names`` names the specs (id -> name)."""
    names = spec_names or {}
    by_key: dict[GroupKey, list[Finding]] = {}
    for finding in findings:
        level = "spec" if finding.spec_id else _level(finding)
        spec = finding.spec_id or finding.part_spec
        by_key.setdefault((finding.severity, finding.rule, level, spec, _gist(finding)), []).append(finding)
    groups = []
    for (severity, rule, level, spec, _), members in by_key.items():
        message = members[0].message if len(members) == 1 else _common_message(members)
        groups.append(FindingGroup(severity, rule, level, spec, names.get(spec or "", ""), message, tuple(members)))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    groups.sort(key=lambda g: order.get(g.severity, len(order)))  # stable: within a severity, as they came
    return groups


def _level(finding: Finding) -> str:
    depth = len(finding.path)
    return LEVELS[len(LEVELS) - 1 - depth] if depth < len(LEVELS) else "part"


def _gist(finding: Finding) -> str:
    return finding.gist or finding.message


def _common_message(members: list[Finding]) -> str:
    first = members[0]
    if "{value}" not in first.gist:
        return _gist(first)
    values = [f.value for f in members if f.value is not None]
    if not values:
        return first.gist.replace("{value}", "?")
    return first.gist.replace("{value}", format_range(min(values), max(values), first.unit))


def format_range(low: float, high: float, unit: str) -> str:
    """``17.2–17.9 kW``; one figure when both ends print alike; ``950 kW–1.02 MW`` across prefixes."""
    a, b = _format(low, unit), _format(high, unit)
    if a == b:
        return a
    number_a, _, suffix_a = a.partition(" ")
    number_b, _, suffix_b = b.partition(" ")
    if suffix_a == suffix_b:
        return f"{number_a}–{number_b}" + (f" {suffix_a}" if suffix_a else "")
    return f"{a}–{b}"


def _format(value: float, unit: str) -> str:
    return units.format(value, unit) if unit else f"{value:,.0f}"
