"""``info``, ``validate`` and ``new``: summarize, check and create project files."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from ..text import count
from .common import EXIT_FINDINGS, EXIT_OK, CliError, add_file_argument, check_outputs, load_design, print_json


# --------------------------------------------------------------------------- info
def summary_document(path: Path, design) -> dict:
    from ..model.aggregate import summarize
    from ..model.rules import check, count_by_severity

    s = summarize(design)
    findings = check(design)
    counts = count_by_severity(findings)
    return {
        "file": str(path),
        "name": design.name,
        "counts": {"room": s.counts["room"], "cabinet": s.counts["cabinet"], "tile": s.counts["tile"], "chip": s.counts["chip"]},
        "chips": s.chips,
        "peak_flops": s.peak_flops,
        "peak_pflops": {fmt: v / 1e15 for fmt, v in s.peak_flops.items()},
        "sram_bytes": s.sram_bytes,
        "hbm_bytes": s.hbm_bytes,
        "chip_tdp_w": s.chip_tdp_w,
        "it_power_w": s.it_power_w,
        "idle_power_w": s.idle_power_w,
        "max_power_w": s.max_power_w,
        "power_budget_w": s.power_budget_w,
        "cooling_demand_w": s.cooling_demand_w,
        "cooling_capacity_w": s.cooling_capacity_w,
        "mass_kg": s.mass_kg,
        "findings": counts,
        "findings_count": len(findings),
    }


def cmd_info(args: argparse.Namespace) -> int:
    from .. import units

    path, design = load_design(args.file)
    doc = summary_document(path, design)
    if args.json:
        print_json(doc)
        return EXIT_OK
    c = doc["counts"]
    w = lambda v: units.format(v, "W")  # noqa: E731
    peak = " · ".join(f"{units.format(v, 'FLOPS')} {fmt}" for fmt, v in doc["peak_flops"].items()) or "—"
    print(f"{design.name}  ({path})")
    print(f"  parts     {', '.join(count(c[level], level) for level in ('room', 'cabinet', 'tile', 'chip'))}")
    print(f"  peak      {peak}")
    print(f"  memory    {units.format(doc['sram_bytes'], 'B')} SRAM · {units.format(doc['hbm_bytes'], 'B')} HBM")
    print(f"  power     {w(doc['chip_tdp_w'])} chip TDP · {w(doc['it_power_w'])} IT at full load · "
          f"{w(doc['max_power_w'])} at the feed (budget {w(doc['power_budget_w'])}) · {w(doc['idle_power_w'])} idle")
    print(f"  cooling   {w(doc['cooling_demand_w'])} of heat at full load (capacity {w(doc['cooling_capacity_w'])})")
    f = doc["findings"]
    print(f"  findings  {count(f['error'], 'error')}, {count(f['warning'], 'warning')}, {count(f['info'], 'note')}"
          + ("  (dojo-gui validate for details)" if doc["findings_count"] else ""))
    return EXIT_OK


# --------------------------------------------------------------------------- validate
PARTS_NAMED = 3  # parts a group names in the text output without --all


def cmd_validate(args: argparse.Namespace) -> int:
    from ..model.design import format_path
    from ..model.finding_groups import group_findings
    from ..model.rules import Finding, check, count_by_severity

    path, design = load_design(args.file)
    findings = check(design)
    groups = group_findings(findings, {spec_id: spec.name for spec_id, spec in design.specs.items()})
    counts = count_by_severity(findings)

    def part(f: Finding) -> dict[str, object]:
        return {"severity": f.severity, "rule": f.rule, "path": format_path(f.path), "spec": f.spec_id,
                "message": f.message}

    if args.json:
        print_json({
            "file": str(path),
            "valid": counts["error"] == 0,
            "counts": counts,
            "groups": [{"severity": g.severity, "rule": g.rule, "level": g.level, "spec": g.spec_id, "count": g.count,
                        "where": g.where(), "message": g.message, "parts": [part(f) for f in g.findings]}
                       for g in groups],
            "findings": [part(f) for f in findings],
        })
    else:
        for g in groups:
            print(f"{path}: {g}")
            if g.count == 1:
                continue
            if args.all:
                for f in g.findings:
                    print(f"    {f.where()}: {f.message}")
            else:
                named = ", ".join(f.where() for f in g.findings[:PARTS_NAMED])
                rest = g.count - PARTS_NAMED
                print(f"    {named}" + (f" and {rest:,} more (--all lists every part)" if rest > 0 else ""))
        verdict = "valid" if counts["error"] == 0 else "INVALID"
        print(f"{path}: {verdict}: {count(counts['error'], 'error')}, {count(counts['warning'], 'warning')}, "
              f"{count(counts['info'], 'note')}")
    return EXIT_OK if counts["error"] == 0 else EXIT_FINDINGS


# --------------------------------------------------------------------------- new
def cmd_new(args: argparse.Namespace) -> int:
    from .. import limits, units
    from ..io.catalog import builtin_specs
    from ..io.project import save
    from ..model.design import DesignError
    from ..model.specs import GRID_SIDE_MAX
    from ..model.templates import TEMPLATES, grid_design

    out = Path(args.output)
    if out.exists() and not args.force:
        raise CliError(f"{out}: already exists (use --force to replace it)")
    if out.suffix != ".dojo":
        raise CliError(f"{out}: project files end in .dojo")
    check_outputs({"-o": out}, [])
    catalog = builtin_specs()
    try:
        if args.template == "grid":
            if not args.chip:
                raise CliError("new grid needs --chip (e.g. --chip dojo-d1)")
            sizes = {}
            for level, text in (("tile", args.tile), ("cabinet", args.cabinet), ("room", args.room)):
                try:
                    sizes[level] = units.parse_grid(text, GRID_SIDE_MAX)
                except units.UnitError as exc:
                    raise CliError(f"--{level}: {exc}") from None
            chips = math.prod(rows * cols for rows, cols in sizes.values())
            try:
                limits.CHIPS.check(chips)
            except limits.LimitExceeded as exc:
                raise CliError(f"--tile {args.tile} --cabinet {args.cabinet} --room {args.room} make {exc}") from None
            design = grid_design(catalog, args.chip, sizes["tile"], sizes["cabinet"], sizes["room"],
                                 set(args.torus or ()), name=args.name or "")
        else:
            template = TEMPLATES[args.template]
            size = None
            for option in ("nodes", "chips"):
                value = getattr(args, option)
                if value is None:
                    continue
                if template.size != option:
                    takes = f"it takes --{template.size}" if template.size else "it is a fixed design"
                    raise CliError(f"--{option}: {args.template} is not sized by {option} ({takes})")
                size = _count(option, value)
            design = template.make(catalog, size)
            if args.name:
                design.name = args.name
    except DesignError as exc:
        raise CliError(str(exc)) from None
    try:
        save(design, out)
    except OSError as exc:
        raise CliError(f"{out}: cannot write: {exc.strerror or exc}") from None
    if not args.quiet:
        print(f"{out}: {design.name}")
    return EXIT_OK


def _count(option: str, text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise CliError(f"--{option}: {text!r} is not a whole number") from None
    if value < 1:
        raise CliError(f"--{option}: must be at least 1, not {value}")
    return value


def register(sub) -> None:
    """Add ``info``, ``validate`` and ``new``."""
    p = sub.add_parser("info", help="summarize a design: counts, peak compute, memory, power, cooling, findings")
    add_file_argument(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("validate", help="check a design against the design rules (exit 1 on errors)",
                       description="Findings of one rule on parts of one spec are one line with their count; "
                                   "--all lists every part under it.  The JSON has the groups with their parts, "
                                   "and every finding in a flat list.")
    add_file_argument(p)
    p.add_argument("--all", action="store_true", help="list every part of each group of findings")
    p.add_argument("--json", action="store_true", help="print JSON (groups with all their parts, and every finding)")
    p.set_defaults(func=cmd_validate)

    from ..model.templates import TEMPLATES

    p = sub.add_parser("new", help="make a project from a template",
                       description="Templates: " + "; ".join(f"{t.name}: {t.title}" for t in TEMPLATES.values())
                       + "; grid: a parametric grid (--chip, --tile, --cabinet, --room, --torus).",
                       epilog="sizable: " + "; ".join(
                           f"{t.name} --{t.size} N ({t.size_help}, default {t.default_size:,})"
                           for t in TEMPLATES.values() if t.size))
    p.add_argument("template", choices=[*TEMPLATES, "grid"], metavar="TEMPLATE",
                   help=f"one of {', '.join([*TEMPLATES, 'grid'])}")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the .dojo file to write")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.add_argument("--name", help="the design's name")
    p.add_argument("--chip", help="grid: chip spec id, e.g. dojo-d1")
    p.add_argument("--tile", default="5x5", help="grid: chips per tile, ROWSxCOLS (default 5x5)")
    p.add_argument("--cabinet", default="2x6", help="grid: tiles per cabinet (default 2x6)")
    p.add_argument("--room", default="1x10", help="grid: cabinet positions in the room (default 1x10)")
    p.add_argument("--torus", action="append", choices=["tile", "cabinet", "room"],
                   help="grid: give this level wraparound links (repeatable)")
    p.add_argument("--nodes", metavar="N", help="dgx-a100-superpod, dgx-h100-pod: how many nodes of 8 GPUs")
    p.add_argument("--chips", metavar="N", help="tpu-v4-slice: how many chips (a multiple of 64)")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_new)
