"""The sections of a design-review report, each built by one function from a :class:`ReportContext`.

:data:`SECTIONS` lists the builders in the order they appear; a builder returns a
:class:`Section` or ``None`` when it has nothing to say (no comparison asked for).
Adding a section means writing one function and listing it here.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from PySide6.QtGui import QImage

from .. import __version__, units
from ..model.aggregate import Summary, summarize, summarize_all
from ..model.design import Design
from ..model.finding_groups import FindingGroup, group_findings
from ..model.rules import Finding, check, count_by_severity
from ..model.runs import RunRecord, RunRecordError
from ..model.specs import LEVELS, ChipSpec, Spec
from ..render import fitted_height
from ..sim.comm_reasons import why_not
from ..text import count
from .charts import Chart
from .compare import DesignDiff, describe_contents, diff_designs
from .document import Block, BulletList, Figure, Note, Paragraph, Report, Section, Subheading, Table
from .parts import PartGroup, part_groups
from .runs import HEADLINE_FIGURES, figure_label, latest_by_kind, read_runs
from .summary import DIGITS, LOWER_IS_BETTER, spec_figure_label, summary_section
from .summary import change as value_change
from .sweeps import sweeps_section

# Draws the design into an image of the given size: dojo_gui.render.render_design(design, width, height).
PictureFn = Callable[[Design, int, int], QImage]

PICTURE_SIZE = (1800, 1100)  # largest picture rendered, in pixels; shown 640 CSS px wide, so about 280 dpi on paper
MAX_FINDING_ROWS = 200
MAX_RUN_TABLE_ROWS = 40
KIND_TITLES = {"comm": "Communication", "thermal": "Power and cooling", "train": "Training"}
TOP_DOWN = tuple(reversed(LEVELS))  # room, cabinet, tile, chip


@dataclass
class ReportContext:
    """Everything a section builder may use; expensive figures are computed once, on first use."""

    design: Design
    source: str = ""  # where the design came from (a path or an example name)
    other: Design | None = None  # the baseline of a comparison
    other_source: str = ""
    picture: PictureFn | None = None
    extra_runs: list[object] = field(default_factory=list)  # runs given beside the design (e.g. from files), unchecked
    now: _dt.datetime = field(default_factory=lambda: _dt.datetime.now().astimezone())

    @cached_property
    def summaries(self) -> dict[int, Summary]:
        return summarize_all(self.design)

    @cached_property
    def total(self) -> Summary:
        return summarize(self.design)

    @cached_property
    def findings(self) -> list[Finding]:
        return check(self.design)

    @cached_property
    def _runs(self) -> tuple[list[RunRecord], list[RunRecordError]]:
        extra, problems = read_runs(self.extra_runs, "given runs")
        return list(self.design.runs) + extra, problems

    @property
    def runs(self) -> list[RunRecord]:
        return self._runs[0]

    @property
    def run_problems(self) -> list[RunRecordError]:
        return self._runs[1]

    @cached_property
    def other_total(self) -> Summary | None:
        return summarize(self.other) if self.other is not None else None

    @cached_property
    def other_runs(self) -> list[RunRecord]:
        return list(self.other.runs) if self.other is not None else []

    @cached_property
    def _groups(self) -> dict[str, list[PartGroup]]:
        return {}

    def part_groups(self, level: str) -> list[PartGroup]:
        """The parts of ``level`` in groups of alike ones, found once for every section that lists them."""
        if level not in self._groups:
            self._groups[level] = part_groups(self.design, self.summaries, level)
        return self._groups[level]

    @cached_property
    def other_findings(self) -> list[Finding]:
        return check(self.other) if self.other is not None else []

    @cached_property
    def design_picture(self) -> QImage | Note:
        """The design's picture, drawn once for every section that shows it, or a note saying why there is none."""
        if self.picture is None:
            return Note("No picture of the design was asked for; the report shows figures only.")
        w, h = PICTURE_SIZE
        try:
            h = fitted_height(self.design, w, h)  # a row of cabinets gets a short, wide picture
            image = self.picture(self.design, w, h)
        except Exception as exc:  # a drawing bug must not cost the reviewer the rest of the report
            return Note(f"No picture of the design: drawing it failed ({type(exc).__name__}: {exc}).", "warning")
        if not isinstance(image, QImage) or image.isNull():
            return Note("No picture of the design: the renderer returned no image.", "warning")
        return image

    @cached_property
    def diff(self) -> DesignDiff | None:
        return diff_designs(self.other, self.design) if self.other is not None else None


SectionBuilder = Callable[[ReportContext], "Section | None"]


# --------------------------------------------------------------------------- formatting
def fmt(value: float, unit: str, digits: int = 3) -> str:
    return units.format(value, unit, digits)


def fmt_count(n: int) -> str:
    return f"{n:,}"


def fmt_peak(peak: dict[str, float]) -> str:
    return " · ".join(f"{fmt(v, 'FLOPS')} {name.upper()}" for name, v in peak.items()) or "—"


def fmt_figure_value(name: str, value: Any, digits: int = 6) -> str:
    """A record's or a spec's figure, in the unit its name says (a PUE to its third decimal at least)."""
    digits = max(digits, DIGITS.get(name, 0))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        unit = units.unit_for_name(name)
        if unit.key == "1":
            return f"{value:,}" if isinstance(value, int) else units.format(float(value), unit, digits)
        return units.format(float(value), unit, digits)
    if isinstance(value, dict):
        unit = units.unit_for_name(name)  # peak_flops: FLOP/s by format; matmul_efficiency: a fraction by size
        return " · ".join(f"{k.upper()} {units.format(v, unit, digits)}" for k, v in value.items()) or "—"
    if isinstance(value, (tuple, list)):
        if name == "dvfs_levels":
            return ", ".join(units.format(v, "%", digits) for v in value)
        return ", ".join(str(v) for v in value) or "—"
    return str(value) if value not in ("", None) else "—"


def spec_title(spec: Spec | None, spec_id: str | None) -> str:
    if spec is None:
        return f"{spec_id} (unknown spec)" if spec_id else "—"
    return f"{spec.name} ({spec.id})" if spec.name and spec.name != spec.id else spec.id


def _level_name(level: str, n: int) -> str:
    return level if n == 1 else level + "s"


# --------------------------------------------------------------------------- sections
def overview_section(ctx: ReportContext) -> Section:
    d, s = ctx.design, ctx.total
    blocks: list[Block] = []
    if d.description:
        blocks.append(Paragraph(d.description))
    counts = s.counts
    rows = [
        ["Parts", ", ".join(count(counts[level], level) for level in ("room", "cabinet", "tile", "chip"))],
        *[[f"Peak compute {name.upper()}", fmt(v, "FLOPS")] for name, v in s.peak_flops.items()],
        ["SRAM", fmt(s.sram_bytes, "B")],
        ["HBM", fmt(s.hbm_bytes, "B")],
        ["Chip TDP (sum)", fmt(s.chip_tdp_w, "W")],
        ["IT power at full load", fmt(s.it_power_w, "W")],
        ["Power at the feed, full load", fmt(s.max_power_w, "W")],
        ["Power at the feed, idle", fmt(s.idle_power_w, "W")],
        ["Power budget", fmt(s.power_budget_w, "W") if s.power_budget_w else "no limit set"],
        ["Heat to remove at full load", fmt(s.cooling_demand_w, "W")],
        ["Cooling capacity", fmt(s.cooling_capacity_w, "W") if s.cooling_capacity_w else "no limit set"],
        ["Mass", f"{s.mass_kg:,.0f} kg"],
    ]
    counts_f = count_by_severity(ctx.findings)
    rows.append(["Findings", (f"{count(counts_f['error'], 'error')}, {count(counts_f['warning'], 'warning')}, "
                              f"{count(counts_f['info'], 'note')}")])
    latest = latest_by_kind(ctx.runs)
    for kind, record in latest.items():
        for name in HEADLINE_FIGURES[kind]:
            if name in record.key_figures:
                rows.append([f"{figure_label(name, kind)} ({record.label or kind})",
                             fmt_figure_value(name, record.key_figures[name], 3)])
    blocks.append(Table("totals", ["Figure", "Whole design"], rows, frozenset({1}), column_widths=[45, 55]))
    return Section("overview", "Overview", blocks, new_page=True)


def when(finished: str) -> str:
    """A run's finishing time as a reader writes it: "2026-12-07T02:57:03Z" -> "2026-12-07 02:57 UTC"."""
    try:
        moment = _dt.datetime.fromisoformat(finished.replace("Z", "+00:00"))
    except ValueError:
        return finished or "—"
    if moment.tzinfo is not None and moment.utcoffset() == _dt.timedelta(0):
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    return moment.strftime("%Y-%m-%d %H:%M")


def levels_section(ctx: ReportContext) -> Section:
    rows, kinds = [], []
    for level in TOP_DOWN:
        groups = ctx.part_groups(level)
        for group in groups:
            spec = ctx.design.specs.get(group.spec_id)
            n = len(group.parts)
            s = group.summary
            if s is None:  # chips: the figures are their spec's
                if isinstance(spec, ChipSpec):
                    holds = "—"
                    peak = fmt_peak(spec.peak_flops)
                    memory = (f"{fmt(spec.sram_bytes, 'B')} SRAM"
                              + (f", {fmt(spec.hbm_bytes, 'B')} HBM" if spec.hbm_bytes else ""))
                    power = f"{fmt(spec.tdp_w, 'W')} TDP, {fmt(spec.idle_w, 'W')} idle"
                    heat = f"{fmt(spec.tdp_w, 'W')}; Tj limit {fmt(spec.tj_max_c, 'C')}"
                else:
                    holds = peak = memory = power = heat = "not a chip spec"
            else:
                holds = describe_contents({lv: s.counts[lv] for lv in LEVELS if lv != level}) or "nothing"
                if s.slots:
                    holds += f" ({s.filled} of {s.slots} slots filled)"
                peak = fmt_peak(s.peak_flops)
                memory = f"{fmt(s.sram_bytes, 'B')} SRAM" + (f", {fmt(s.hbm_bytes, 'B')} HBM" if s.hbm_bytes else "")
                power = f"{fmt(s.max_power_w, 'W')} full load, {fmt(s.idle_power_w, 'W')} idle"
                heat = (f"{fmt(s.cooling_demand_w, 'W')} of {fmt(s.cooling_capacity_w, 'W')}"
                        if s.cooling_capacity_w else f"{fmt(s.cooling_demand_w, 'W')} (no capacity set)")
            rows.append([level, spec_title(spec, group.spec_id), fmt_count(n), holds, peak, memory, power, heat])
            kinds.append("")
    table = Table("levels", ["Level", "Spec", "Parts", "Holds (each)", "Peak compute (each)", "Memory (each)",
                             "Power at its input (each)", "Heat / cooling capacity (each)"],
                  rows, frozenset({2}), kinds, [10, 14, 7, 17, 16, 12, 12, 12])
    text = ("Parts of each level, grouped where they are alike (same spec, same contents). Figures are per part; "
            "power is what the part draws at its input through its conversion stage (tile regulators, cabinet "
            "power supplies, room UPS and transformer), at full load with every chip at TDP.")
    return Section("levels", "Summary per level", [Paragraph(text), table])


def budgets_section(ctx: ReportContext) -> Section:
    rows, kinds = [], []
    for level in TOP_DOWN[:-1]:
        for group in ctx.part_groups(level):
            s = group.summary
            if s is None:  # only chips have none, and chips carry no budgets
                continue
            label = group.label(ctx.design)
            checks = [("Power", s.max_power_w, s.power_budget_w, "W"),
                      ("Cooling", s.cooling_demand_w, s.cooling_capacity_w, "W"),
                      ("Load", s.load_kg, s.max_load_kg, "kg"),
                      ("Slots", float(s.filled), float(s.slots), "")]
            for number, (what, need, limit, unit) in enumerate(checks):
                shown_label = label if number == 0 else ""  # the part is named once, on its first budget
                suffix = " kg" if unit == "kg" else ""
                if limit <= 0:
                    rows.append([shown_label, what, _budget_amount(need, unit) + suffix, "no limit set", "—",
                                 "not checked"])
                    kinds.append("")
                    continue
                use = need / limit
                if what == "Slots":
                    status, kind = ("all filled", "good") if need >= limit else (f"{limit - need:,.0f} empty", "warn")
                elif need > limit * (1 + 1e-9):
                    status, kind = f"over by {_budget_amount(need - limit, unit)}{suffix}", "bad"
                else:
                    status, kind = f"{_budget_amount(limit - need, unit)}{suffix} to spare", "good"
                rows.append([shown_label, what, _budget_amount(need, unit) + suffix,
                             _budget_amount(limit, unit) + suffix, f"{use * 100:.1f} %", status])
                kinds.append(kind)
    table = Table("budgets", ["Part", "Budget", "Needs", "Limit", "Use", "Status"], rows,
                  frozenset({2, 3, 4}), kinds, [36, 9, 13, 13, 9, 20])
    text = ("Each container's full-load draw against its power budget, its heat against its cooling capacity, "
            "the mass it carries against its maximum load, and its filled slots. Identical parts share a row.")
    return Section("budgets", "Budgets against limits", [Paragraph(text), table])


def _budget_amount(value: float, unit: str) -> str:
    """A need or a limit of a budget: counts and masses as whole numbers, the rest with their unit's prefix."""
    return f"{value:,.0f}" if unit in ("", "kg") else fmt(value, unit)


def findings_section(ctx: ReportContext) -> Section:
    findings = ctx.findings
    counts = count_by_severity(findings)
    groups = group_findings(findings, {spec_id: spec.name for spec_id, spec in ctx.design.specs.items()})
    text = (f"The design rules found {count(counts['error'], 'error')}, "
            f"{count(counts['warning'], 'warning')} and {count(counts['info'], 'note')}.")
    if len(groups) < len(findings):
        text += " The same finding on parts of one spec is one row, with the parts it concerns."
    blocks: list[Block] = [Paragraph(text)]
    if groups:
        shown = groups[:MAX_FINDING_ROWS]
        kinds = [{"error": "bad", "warning": "warn"}.get(g.severity, "") for g in shown]
        blocks.append(Table("findings", ["Severity", "Rule", "Where", "Finding"],
                            [[g.severity, g.rule, _group_where(g), g.message] for g in shown],
                            row_kinds=kinds, column_widths=[10, 14, 30, 46]))
        if len(groups) > len(shown):
            rest: dict[str, int] = {}
            for g in groups[len(shown):]:
                rest[f"{g.severity} {g.rule}"] = rest.get(f"{g.severity} {g.rule}", 0) + g.count
            blocks.append(Note(f"{sum(rest.values()):,} more findings are not listed: "
                               + ", ".join(f"{n:,} × {k}" for k, n in rest.items())
                               + ". `dojo-gui validate --all` lists them all."))
    return Section("findings", "Findings", blocks)


FINDING_PARTS_NAMED = 3  # parts a row of the findings names before "and N more"


def _group_where(group: FindingGroup) -> str:
    """Where a row's findings are: the part, or how many parts and the first few of them."""
    if group.count == 1:
        return group.where()
    named = ", ".join(f.where() for f in group.findings[:FINDING_PARTS_NAMED])
    rest = group.count - FINDING_PARTS_NAMED
    return f"{group.where()}: {named}" + (f" and {rest:,} more" if rest > 0 else "")


def results_section(ctx: ReportContext) -> Section:
    blocks: list[Block] = []
    for problem in ctx.run_problems:
        blocks.append(Note(f"A saved run could not be read and is left out: {problem}", "warning"))
    if not ctx.runs:
        blocks.append(Note("No simulation results are saved with this design. Run a communication or a power and "
                           "cooling simulation and save the project to bring its results into the report."))
        return Section("results", "Simulation results", blocks)
    history = []
    for number, record in enumerate(ctx.runs, 1):
        headline = "; ".join(f"{figure_label(n, record.kind)} {fmt_figure_value(n, record.key_figures[n], 3)}"
                             for n in HEADLINE_FIGURES[record.kind] if n in record.key_figures)
        history.append([str(number), KIND_TITLES[record.kind], record.label or "—", when(record.finished),
                        headline or "—"])
    blocks.append(Paragraph(f"{len(ctx.runs)} saved run{'s' if len(ctx.runs) != 1 else ''}, oldest first; the latest "
                            "of each kind is shown in full below."))
    blocks.append(Table("runs", ["#", "Kind", "Run", "Finished", "Key figures"], history, frozenset({0}),
                        column_widths=[5, 15, 25, 18, 37]))
    for kind, record in latest_by_kind(ctx.runs).items():
        blocks.append(Subheading(f"{KIND_TITLES[kind]}: {record.label or 'latest run'}"))
        if record.parameters:
            blocks.append(Paragraph("Parameters: " + "; ".join(
                f"{figure_label(k)} {fmt_figure_value(k, v, 4)}" for k, v in record.parameters.items()), small=True))
        figures = list(record.key_figures.items())
        order = {n: i for i, n in enumerate(HEADLINE_FIGURES[kind])}
        figures.sort(key=lambda kv: order.get(kv[0], len(order)))
        blocks.append(Table(f"results-{kind}", ["Key figure", "Value"],
                            [[figure_label(n, kind), fmt_figure_value(n, v, 4)] for n, v in figures], frozenset({1}),
                            column_widths=[50, 50]))
        blocks.extend(_series_figures(kind, record))
        for t, table in enumerate(record.tables):
            shown = table.rows[:MAX_RUN_TABLE_ROWS]
            blocks.append(Paragraph(table.title or f"Table {t + 1}", small=False))
            blocks.append(Table(f"results-{kind}-table-{t}", [figure_label(c) for c in table.columns],
                                [[cell_text(c, v) for c, v in zip(table.columns, row)] for row in shown],
                                frozenset(i for i, c in enumerate(table.columns) if units.unit_for_name(c).key != "1")))
            if len(table.rows) > len(shown):
                blocks.append(Paragraph(f"… and {len(table.rows) - len(shown):,} more rows (export the results as CSV "
                                        "for all of them).", small=True))
    return Section("results", "Simulation results", blocks)


# Columns of a run's tables whose text is the engine's, put in a reader's words.
CELL_WORDS: dict[str, Callable[[str], str]] = {"why_not": why_not}


def cell_text(column: str, value: Any) -> str:
    if column in CELL_WORDS and isinstance(value, str) and value:
        return CELL_WORDS[column](value)
    return fmt_figure_value(column, value, 4)


# The y axis' name for charts of several series of one unit; one series is named by its own label.
AXIS_NAMES = {"%": "Share", "1": "Value", "C": "Temperature"}


def _series_figures(kind: str, record: RunRecord) -> list[Figure]:
    """One chart per unit: temperatures together, powers together, and so on."""
    by_unit: dict[str, dict[str, np.ndarray]] = {}
    for name, points in record.series.items():
        unit = units.unit_for_name(name)
        by_unit.setdefault(unit.key, {})[figure_label(name)] = np.asarray(points, float).reshape(-1, 2)
    out = []
    for i, (unit_key, series) in enumerate(by_unit.items()):
        if len(series) == 1:
            axis_name = title = next(iter(series))
        else:
            axis_name = AXIS_NAMES.get(unit_key) or units.UNITS[unit_key].quantity.capitalize()
            title = f"{axis_name} over time"
        chart = Chart(series, unit_key, axis_name, title, width=620, height=280)
        out.append(Figure(f"chart-{kind}-{i}", None, f"{KIND_TITLES[kind]}, {record.label or 'latest run'}: "
                                                     f"{', '.join(series)}.", width=620, chart=chart))
    return out


def comparison_section(ctx: ReportContext) -> Section | None:
    if ctx.other is None:
        return None
    a, b, diff = ctx.other_total, ctx.total, ctx.diff
    assert a is not None and diff is not None
    base = ctx.other_source or ctx.other.name
    this = ctx.source or ctx.design.name
    blocks: list[Block] = [Paragraph(f"Baseline: {ctx.other.name} ({base}). This design: {ctx.design.name} ({this}). "
                                     "Changes are from the baseline to this design.")]
    rows, kinds = [], []

    def row(label: str, old: float | None, new: float | None, unit: str, lower_is_better: bool | None = None) -> None:
        if old is None and new is None:
            return
        old_text, new_text, delta, kind = value_change(old, new, unit, lower_is_better)
        rows.append([label, old_text, new_text, delta])
        kinds.append(kind)

    for level in TOP_DOWN[1:]:
        row(f"{level.capitalize()}s", a.counts[level], b.counts[level], "1")
    for name in dict.fromkeys([*a.peak_flops, *b.peak_flops]):
        row(f"Peak compute {name.upper()}", a.peak(name), b.peak(name), "FLOPS", False)
    row("SRAM", a.sram_bytes, b.sram_bytes, "B", False)
    row("HBM", a.hbm_bytes, b.hbm_bytes, "B", False)
    row("IT power at full load", a.it_power_w, b.it_power_w, "W", True)
    row("Power at the feed, full load", a.max_power_w, b.max_power_w, "W", True)
    row("Power at the feed, idle", a.idle_power_w, b.idle_power_w, "W", True)
    row("Cooling capacity", a.cooling_capacity_w, b.cooling_capacity_w, "W", False)
    fa, fb = count_by_severity(ctx.other_findings), count_by_severity(ctx.findings)
    row("Errors found", fa["error"], fb["error"], "1", True)
    row("Warnings found", fa["warning"], fb["warning"], "1", True)
    la, lb = latest_by_kind(ctx.other_runs), latest_by_kind(ctx.runs)
    for kind in ("comm", "thermal", "train"):
        ra, rb = la.get(kind), lb.get(kind)
        if kind == "train" and not (ra or rb):
            continue
        for name in HEADLINE_FIGURES[kind]:
            old = ra.figure(name) if ra else None
            new = rb.figure(name) if rb else None
            unit = units.unit_for_name(name).key
            row(f"{figure_label(name, kind)} (latest {KIND_TITLES[kind].lower()} run)", old, new, unit,
                name in LOWER_IS_BETTER)
    if not la and not lb:
        blocks.append(Note("Neither design has saved simulation results, so PUE and collective time are not compared."))
    elif not (la and lb):
        blocks.append(Note("Only one of the two designs has saved simulation results; "
                           "their figures are shown without a change."))
    blocks.append(Table("compare-figures", ["Figure", "Baseline", "This design", "Change"], rows,
                        frozenset({1, 2, 3}), kinds, [34, 22, 22, 22]))

    blocks.append(Subheading("Parts"))
    if not diff.parts:
        blocks.append(Paragraph("The same parts in the same slots."))
    else:
        prow = []
        for g in diff.groups:
            what = {"added": "added", "removed": "removed", "changed": "other spec", "renamed": "renamed"}[g.kind]
            if g.kind == "renamed":
                rename = next(c for c in diff.parts if c.kind == "renamed" and c.path == g.paths[0])
                frm, to = rename.old_name or "(no name)", rename.new_name or "(no name)"
            else:
                frm = spec_title(ctx.other.specs.get(g.old_spec), g.old_spec) if g.old_spec else "—"
                to = spec_title(ctx.design.specs.get(g.new_spec), g.new_spec) if g.new_spec else "—"
            prow.append([what, g.level, frm, to, fmt_count(g.count), describe_contents(g.contents) or "—", g.where()])
        n = len(diff.parts)
        blocks.append(Paragraph(f"{n:,} change{'s' if n != 1 else ''} to placed parts, in {len(diff.groups)} "
                                f"group{'s' if len(diff.groups) != 1 else ''}. A part added or removed counts once, "
                                "with what it holds."))
        blocks.append(Table("compare-parts", ["Change", "Level", "From", "To", "Parts", "Holding", "Where"], prow,
                            frozenset({4}), column_widths=[10, 10, 16, 16, 7, 15, 26]))

    blocks.append(Subheading("Specs"))
    if not diff.specs:
        blocks.append(Paragraph("The same specs with the same figures."))
    else:
        srow = []
        for change in diff.specs:
            if change.kind != "changed":
                srow.append([change.spec_id, change.level, change.kind, "—", "—", "—"])
                continue
            for fc in change.figures:
                srow.append([change.spec_id, change.level, "figure changed",
                             spec_figure_label(ctx.design.specs.get(change.spec_id), fc.name),
                             fmt_figure_value(fc.name, fc.old), fmt_figure_value(fc.name, fc.new)])
        blocks.append(Table("compare-specs", ["Spec", "Level", "Change", "Figure", "Baseline", "This design"], srow,
                            column_widths=[18, 9, 14, 19, 20, 20]))
    return Section("comparison", "Comparison with the baseline", blocks)


_SKIP_FIGURES = ("id", "name", "description", "sources", "notes")


def assumptions_section(ctx: ReportContext) -> Section:
    d = ctx.design
    used: dict[str, int] = {}
    for part in d.parts():
        used[part.spec_id] = used.get(part.spec_id, 0) + 1
    order = {lv: i for i, lv in enumerate(TOP_DOWN)}
    specs = sorted(d.specs.values(), key=lambda s: (s.id not in used, order[s.level], s.id))
    blocks: list[Block] = [Paragraph("Every spec this design embeds, with each figure in its unit, what it means, "
                                     "and where the figures come from. Figures marked as estimates in the notes are "
                                     "assumptions of this model, not published values.")]
    for spec in specs:
        n = used.get(spec.id, 0)
        placed = f"{n:,} placed" if n else "not placed"
        blocks.append(Subheading(f"{spec.level.capitalize()}: {spec_title(spec, spec.id)} — {placed}"))
        if spec.description:
            blocks.append(Paragraph(spec.description))
        rows = []
        fields = [f for f in dataclasses.fields(spec) if f.name not in _SKIP_FIGURES]
        group_order = {g: i for i, g in reversed(list(enumerate(f.metadata.get("group", "") for f in fields)))}
        fields.sort(key=lambda f: group_order[f.metadata.get("group", "")])  # stable: declaration order within a group
        for f in fields:
            meta = f.metadata
            rows.append([meta.get("group", ""), meta.get("label", f.name),
                         fmt_figure_value(f.name, getattr(spec, f.name)), meta.get("help", "")])
        blocks.append(Table(f"spec-{spec.id}", ["Group", "Figure", "Value", "Meaning"], rows, frozenset({2}),
                            column_widths=[12, 24, 22, 42]))
        if spec.sources:
            blocks.append(Paragraph("Sources:", small=True))
            blocks.append(BulletList(list(spec.sources)))
        else:
            blocks.append(Note("No sources are given for this spec's figures.", "warning"))
        if spec.notes:
            blocks.append(Paragraph(f"Notes: {spec.notes}", small=True))
    return Section("assumptions", "Assumptions: specs, figures and sources", blocks)


SECTIONS: list[SectionBuilder] = [
    summary_section,
    overview_section,
    levels_section,
    budgets_section,
    findings_section,
    results_section,
    sweeps_section,
    comparison_section,
    assumptions_section,
]


def build_report(ctx: ReportContext, sections: Iterable[SectionBuilder] = SECTIONS) -> Report:
    """Run every section builder and put the results together with the title page's facts."""
    built = [s for s in (builder(ctx) for builder in sections) if s is not None]
    facts = [("File", ctx.source or "—")]
    if ctx.other is not None:
        facts.append(("Compared with", f"{ctx.other.name} ({ctx.other_source or '—'})"))
    facts += [("Made", ctx.now.strftime("%Y-%m-%d %H:%M %Z").strip()),
              ("By", f"dojo-gui {__version__}")]
    return Report(f"Design review: {ctx.design.name or 'unnamed design'}",
                  "Design summary, budgets, findings, simulation results and assumptions", facts, built)
