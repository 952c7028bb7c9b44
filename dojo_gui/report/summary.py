"""The report's first page, which a review starts from and which must stand alone.

It says what the design is (a sentence and its picture), its headline figures (or, with a
baseline, the key results against it), its budgets as traffic lights and its top findings;
every detail follows in the sections after it.  One rule colours the lights everywhere:
within 90 % of a limit is green, up to the limit amber, over it red.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import units
from ..model.aggregate import Summary
from ..model.finding_groups import group_findings
from ..model.rules import count_by_severity
from ..model.runs import RunRecord
from ..text import count
from .compare import describe_contents
from .document import Block, Figure, Note, Paragraph, Section, Subheading, Table
from .parts import PartGroup
from .runs import figure_label, latest_by_kind

if TYPE_CHECKING:
    from .sections import ReportContext

NEAR_LIMIT = 0.9  # a use above this share of its limit is amber
PART_CHANGE_WORDS = {"added": "added", "removed": "removed", "changed": "given another spec", "renamed": "renamed"}
CHANGES_NAMED = 3  # spec figures, specs and groups of part changes the first page names before "and N more"
TOP_FINDINGS = 5
GROUPS_PER_LEVEL = 2  # budget rows per level on the first page (the worst groups of parts)
PICTURE_WIDTH = 690  # the page's width: a row of cabinets is a strip
PICTURE_MAX_HEIGHT = 200
LOWER_IS_BETTER = {"time_s", "pue", "it_power_w", "facility_power_w", "tj_max_c", "coolant_supply_c", "step_time_s",
                   "time_to_train_s", "energy_j"}
RUN_KIND_WORDS = {"comm": "comm run", "thermal": "thermal run", "train": "training run"}
# The run figures the first page shows, per kind of run (the details list every one).
RUN_HEADLINES = {"comm": ("time_s", "busbw_Bps"), "thermal": ("pue", "tj_max_c", "facility_power_w"),
                 "train": ("step_time_s", "mfu_fraction", "time_to_train_s")}
DIGITS = {"pue": 4}  # figures whose differences matter in the third decimal


# --------------------------------------------------------------------------- figures and changes
# A headline figure of a design, from its summary, its findings by severity and its latest run of each kind.
FigureOf = Callable[[Summary, dict[str, int], dict[str, RunRecord]], "float | None"]


@dataclass(frozen=True)
class Headline:
    """A figure the first page shows: its label, its unit, and whether less of it is better (None: neither)."""

    label: str
    unit: str
    lower_is_better: bool | None
    value: FigureOf
    digits: int = 3


def _run_figure(kind: str, name: str) -> FigureOf:
    return lambda s, f, runs: runs[kind].figure(name) if kind in runs else None


def _peak(name: str) -> FigureOf:
    return lambda s, f, r: s.peak(name)


def headlines(latest: list[dict[str, RunRecord]], formats: list[str]) -> list[Headline]:
    """The headline figures of the designs whose latest runs are ``latest`` (one or two designs)."""
    rows = [Headline("Chips", "1", None, lambda s, f, r: float(s.chips))]
    rows += [Headline(f"Peak compute {name.upper()}", "FLOPS", False, _peak(name)) for name in formats[:1]]
    rows += [Headline("SRAM", "B", False, lambda s, f, r: s.sram_bytes),
             Headline("IT power at full load", "W", True, lambda s, f, r: s.it_power_w),
             Headline("Power at the feed, full load", "W", True, lambda s, f, r: s.max_power_w),
             Headline("Heat to remove at full load", "W", True, lambda s, f, r: s.cooling_demand_w),
             Headline("Errors found", "1", True, lambda s, f, r: float(f["error"])),
             Headline("Warnings found", "1", True, lambda s, f, r: float(f["warning"]))]
    kinds = [k for k in RUN_HEADLINES if any(k in runs for runs in latest)]
    for kind in kinds:
        for name in RUN_HEADLINES[kind]:
            unit = units.unit_for_name(name).key
            rows.append(Headline(f"{figure_label(name, kind)} ({RUN_KIND_WORDS[kind]})", unit,
                                 True if name in LOWER_IS_BETTER else None if unit == "1" else False,
                                 _run_figure(kind, name), DIGITS.get(name, 3)))
    return rows


def show(value: float | None, unit: str, digits: int = 3) -> str:
    if value is None:
        return "—"
    return units.format(value, unit, digits)


def change(old: float | None, new: float | None, unit: str, lower_is_better: bool | None,
           digits: int = 3) -> tuple[str, str, str, str]:
    """The baseline's value, this design's, the change between them and how to colour it ("good", "warn", "").

    The two values get as many digits as it takes to tell them apart: a PUE of 1.199 against 1.201
    reads "1.199" and "1.201", not "1.2" twice."""
    if old is None or new is None:
        return show(old, unit, digits), show(new, unit, digits), "—", ""
    old_text, new_text = units.format_distinct([old, new], unit, digits)
    delta = new - old
    if abs(delta) <= 1e-12 * max(abs(old), abs(new), 1e-300):
        return old_text, new_text, "same", ""
    pct = f" ({delta / old * 100:+.1f} %)".replace("-", "−") if old else ""
    sign = "+" if delta > 0 else "−"
    kind = "" if lower_is_better is None else ("good" if (delta < 0) == lower_is_better else "warn")
    return old_text, new_text, sign + units.format(abs(delta), unit) + pct, kind


def spec_figure_label(spec: object, name: str) -> str:
    """How the spec's form labels figure ``name`` ("TDP" for ``tdp_w``), or a label made from the name."""
    if dataclasses.is_dataclass(spec):
        for f in dataclasses.fields(spec):
            if f.name == name and f.metadata.get("label"):
                return str(f.metadata["label"])
    return figure_label(name)


def what_changed(ctx: ReportContext) -> str:
    """The changes from the baseline in a sentence: the spec figures changed, and the parts added or removed."""
    diff, other = ctx.diff, ctx.other
    if diff is None or other is None:
        return ""
    said = []
    for spec_change in diff.specs[:CHANGES_NAMED]:
        spec = ctx.design.specs.get(spec_change.spec_id) or other.specs.get(spec_change.spec_id)
        name = f"{spec.name} ({spec_change.spec_id})" if spec is not None and spec.name else spec_change.spec_id
        if spec_change.kind != "changed":
            said.append(f"spec {name} {spec_change.kind}")
            continue
        figures = ", ".join(
            f"{spec_figure_label(spec, fc.name)} {_figure(fc.name, fc.old)} → {_figure(fc.name, fc.new)}"
            for fc in spec_change.figures[:CHANGES_NAMED])
        more = len(spec_change.figures) - CHANGES_NAMED
        said.append(f"{name}: {figures}" + (f" and {count(more, 'more figure')}" if more > 0 else ""))
    if len(diff.specs) > CHANGES_NAMED:
        said.append(f"{count(len(diff.specs) - CHANGES_NAMED, 'more spec')} changed")
    for group in diff.groups[:CHANGES_NAMED]:
        what = PART_CHANGE_WORDS[group.kind]
        said.append(f"{count(group.count, group.level)} {what} ({group.where(2)})")
    if len(diff.groups) > CHANGES_NAMED:
        said.append(f"{count(len(diff.groups) - CHANGES_NAMED, 'more group')} of part changes")
    if not said:
        return "What changed: nothing; the two designs have the same parts and specs."
    return "What changed: " + "; ".join(said) + "."


def _figure(name: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return units.format_for_name(name, float(value), DIGITS.get(name, 3))


# --------------------------------------------------------------------------- the page
def summary_section(ctx: ReportContext) -> Section:
    d, s = ctx.design, ctx.total
    chip_names = sorted({spec.name or spec.id for p in d.parts("chip") if (spec := d.specs.get(p.spec_id))})
    what = describe_contents({lv: s.counts[lv] for lv in ("cabinet", "tile", "chip")}) or "nothing placed yet"
    blocks: list[Block] = [Paragraph(f"{d.name or 'The design'}: {what}"
                                     + (f" ({', '.join(chip_names)})" if chip_names else "") + ".")]
    picture = ctx.design_picture
    if isinstance(picture, Note):
        blocks.append(picture)
    else:
        height = PICTURE_WIDTH * picture.height() / max(picture.width(), 1)
        width = PICTURE_WIDTH if height <= PICTURE_MAX_HEIGHT else round(PICTURE_MAX_HEIGHT / height * PICTURE_WIDTH)
        blocks.append(Figure("design-picture", picture,
                             f"{d.name or 'The design'}: the room with its cabinets, tiles and chips.", width))
    blocks += _key_results(ctx)
    blocks += _budget_lights(ctx)
    blocks += _top_findings(ctx)
    return Section("summary", "At a glance", blocks, new_page=False)


def _key_results(ctx: ReportContext) -> list[Block]:
    latest = latest_by_kind(ctx.runs)
    counts = count_by_severity(ctx.findings)
    if ctx.other is None or ctx.other_total is None:
        rows = [[h.label, show(h.value(ctx.total, counts, latest), h.unit, h.digits)]
                for h in headlines([latest], list(ctx.total.peak_flops))]
        half = (len(rows) + 1) // 2
        left, right = rows[:half], rows[half:] + [["", ""]] * (2 * half - len(rows))
        return [Subheading("Headline figures"),
                Table("summary-figures", ["Figure", "Value", "Figure", "Value"],
                      [a + b for a, b in zip(left, right)], frozenset({1, 3}), column_widths=[31, 19, 31, 19]),
                *_runs_named(latest, {})]
    other_latest = latest_by_kind(ctx.other_runs)
    other_counts = count_by_severity(ctx.other_findings)
    rows, kinds = [], []
    formats = list(dict.fromkeys([*ctx.total.peak_flops, *ctx.other_total.peak_flops]))
    for h in headlines([latest, other_latest], formats):
        old = h.value(ctx.other_total, other_counts, other_latest)
        new = h.value(ctx.total, counts, latest)
        if old is None and new is None:
            continue
        old_text, new_text, delta, kind = change(old, new, h.unit, h.lower_is_better, h.digits)
        rows.append([h.label, old_text, new_text, delta])
        kinds.append(kind)
    blocks: list[Block] = [Subheading(f"Key results against the baseline, {ctx.other.name or ctx.other_source}"),
                           Paragraph(what_changed(ctx))]
    if not latest or not other_latest:
        which = "Neither design has" if not latest and not other_latest else "Only one of the designs has"
        blocks.append(Paragraph(f"{which} saved simulation results, so run figures are compared only where both "
                                "have them.", small=True))
    blocks.append(Table("summary-compare", ["Figure", "Baseline", "This design", "Change"], rows,
                        frozenset({1, 2, 3}), kinds, [37, 19, 19, 25]))
    return blocks + _runs_named(latest, other_latest)


def _runs_named(latest: dict[str, RunRecord], baseline: dict[str, RunRecord]) -> list[Block]:
    """Which runs the run figures come from (the latest of each kind), in a line."""
    parts = []
    for kind, record in latest.items():
        text = f"{RUN_KIND_WORDS[kind]}: {record.label or 'unnamed'}"
        if kind in baseline and baseline[kind].label != record.label:
            text += f" (baseline: {baseline[kind].label or 'unnamed'})"
        parts.append(text)
    parts += [f"{RUN_KIND_WORDS[k]} (baseline only): {r.label or 'unnamed'}"
              for k, r in baseline.items() if k not in latest]
    return [Paragraph("Runs: " + "; ".join(parts) + ".", small=True)] if parts else []


def light(use: float) -> str:
    """The traffic light of a use of a limit (1.0 = at the limit)."""
    if use > 1 + 1e-9:
        return "bad"
    return "warn" if use >= NEAR_LIMIT else "good"


def _budget_lights(ctx: ReportContext) -> list[Block]:
    rows, lights, left_out = [], [], 0
    for level in ("room", "cabinet", "tile"):
        groups = [g for g in ctx.part_groups(level) if g.summary is not None]

        def worst(group: PartGroup) -> float:
            s = group.summary
            assert s is not None
            return max([need / limit for need, limit in ((s.max_power_w, s.power_budget_w),
                                                          (s.cooling_demand_w, s.cooling_capacity_w),
                                                          (s.load_kg, s.max_load_kg)) if limit > 0], default=0.0)

        groups.sort(key=worst, reverse=True)
        left_out += max(0, len(groups) - GROUPS_PER_LEVEL)
        for group in groups[:GROUPS_PER_LEVEL]:
            s = group.summary
            assert s is not None
            spec = ctx.design.specs.get(group.spec_id)
            name = spec.name if spec is not None and spec.name else group.spec_id
            n = len(group.parts)
            label = f"{level.capitalize()}: {name}" if level == "room" else f"{count(n, level)} ({name})"
            row, row_lights = [label], [""]
            budgets = ((s.max_power_w, s.power_budget_w, "W"), (s.cooling_demand_w, s.cooling_capacity_w, "W"),
                       (s.load_kg, s.max_load_kg, "kg"))
            for need, limit, unit in budgets:
                if limit > 0:
                    row.append(f"{need / limit * 100:.0f} % of {units.format(limit, unit)}")
                    row_lights.append(light(need / limit))
                else:
                    row.append(f"{units.format(need, unit)}, no limit")
                    row_lights.append("")
            rows.append(row)
            lights.append(row_lights)
    if not rows:
        return []
    blocks: list[Block] = [
        Subheading("Budgets"),
        Table("summary-budgets", ["Part (each)", "Power at full load", "Heat to remove", "Mass carried"], rows,
              column_widths=[34, 22, 22, 22], cell_kinds=lights),
        Paragraph(f"Green: below {NEAR_LIMIT:.0%} of the limit; amber: from {NEAR_LIMIT:.0%} up to it; red: over it. "
                  + (f"{count(left_out, 'more group')} of parts under Budgets against limits, " if left_out else "")
                  + ("which lists every budget." if left_out else "Budgets against limits lists every budget."),
                  small=True)]
    return blocks


def _top_findings(ctx: ReportContext) -> list[Block]:
    # Findings alike are one row ("120 tiles (Dojo training tile): 17.2 kW at full load, over the 15 kW budget").
    found = group_findings(ctx.findings, {spec_id: spec.name for spec_id, spec in ctx.design.specs.items()})
    counts = count_by_severity(ctx.findings)
    if not found:
        return [Subheading("Findings"), Paragraph("The design rules found nothing to report.")]
    shown = found[:TOP_FINDINGS]
    table = Table("summary-findings", ["Severity", "Where", "Finding"],
                  [[f.severity, f.where(), f.message] for f in shown], frozenset(),
                  [{"error": "bad", "warning": "warn"}.get(f.severity, "") for f in shown], [12, 33, 55])
    total = (f"{count(counts['error'], 'error')}, {count(counts['warning'], 'warning')} and "
             f"{count(counts['info'], 'note')}")
    more = len(found) - len(shown)
    blocks: list[Block] = [Subheading("Findings"), Paragraph(f"The design rules found {total}."), table]
    if more:
        blocks.append(Paragraph(f"{count(more, 'more row')} under Findings.", small=True))
    return blocks


__all__ = ["Headline", "change", "headlines", "light", "summary_section"]
