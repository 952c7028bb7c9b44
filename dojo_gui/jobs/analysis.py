"""The design check: every design rule, its findings grouped, every container's summary and the
links between parts, on a snapshot of the design.

Pure (no Qt): :class:`~dojo_gui.ui.editor.analysis.Analyzer` runs :func:`analyse` on a worker
thread while the user edits; anything else (a script, a test) may call it directly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..model.aggregate import Summary
from ..model.design import Design, PartPath
from ..model.finding_groups import FindingGroup, group_findings
from ..model.links import PartLink, part_links
from ..model.rules import RULES, SEVERITIES, Context, Finding


@dataclass
class Analysis:
    """What the check found in one revision of the design."""

    revision: int
    findings: list[Finding]
    summaries: dict[PartPath, Summary]  # every container, by path
    severities: dict[PartPath, str] = field(default_factory=dict)  # the worst finding per part
    seconds: float = 0.0
    groups: list[FindingGroup] = field(default_factory=list)  # the findings, one group per rule and spec
    links: dict[str, list[PartLink]] = field(default_factory=dict)  # between chips, tiles, cabinets: see part_links

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(SEVERITIES, 0)
        for f in self.findings:
            out[f.severity] += 1
        return out


def analyse(design: Design, revision: int) -> Analysis:
    """Findings and container summaries of ``design`` (pure; runs on the worker thread)."""
    t0 = time.perf_counter()
    ctx = Context(design)
    findings = [f for rule in RULES for f in rule(design, ctx)]
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: (order[f.severity], f.path, f.rule))
    summaries = {}
    for part in design.parts():
        if part.level == "chip":
            continue
        s = ctx.summaries.get(id(part))
        if s is not None:
            summaries[part.path] = s
    severities: dict[PartPath, str] = {}
    for f in findings:
        if f.spec_id is None:
            known = severities.get(f.path)
            if known is None or order[f.severity] < order[known]:
                severities[f.path] = f.severity
    groups = group_findings(findings, {spec_id: spec.name for spec_id, spec in design.specs.items()})
    links = part_links(ctx.links)
    return Analysis(revision, findings, summaries, severities, time.perf_counter() - t0, groups, links)
