"""The ``report`` and ``export`` subcommands: design-review documents and exports, headless.

    dojo-gui report FILE -o report.pdf [--html report.html] [--compare BASELINE.dojo] [--runs RUNS.json]
    dojo-gui export FILE -o results.csv | picture.png | picture.svg

This module is the command line's part of the report package: it may use the CLI's
helpers (an allowed exception to the layer rule, see pyproject.toml).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from .common import EXIT_OK, EXIT_USAGE, CliError, add_file_argument, check_outputs, load_design, resolve_design_path

REPORT_SUFFIXES = (".pdf", ".html", ".htm")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "report", help="write a design-review report (PDF and/or HTML), optionally compared with a baseline",
        description="Write a design-review report: summary per level, budgets, findings, saved simulation "
                    "results with plots, and every spec's figures and sources. With --compare, a side-by-side "
                    "with a baseline design. Works without a display.")
    add_file_argument(p)
    p.add_argument("-o", "--output", metavar="OUT", help="the report to write: .pdf or .html")
    p.add_argument("--html", metavar="OUT.html", help="also write the report as HTML")
    p.add_argument("--html-images", choices=["embed", "beside"], default="embed",
                   help="HTML images inside the file as data URIs (default) or as PNGs in OUT-images/ beside it")
    p.add_argument("--compare", metavar="BASELINE", help="a second .dojo (or bundled example) to compare with")
    p.add_argument("--runs", metavar="RUNS.json", action="append", default=[],
                   help="saved simulation runs to include besides the design's own (a JSON list or one run; repeatable)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    p.set_defaults(func=cmd_report)

    p = subparsers.add_parser(
        "export", help="export saved results as CSV, or the design's picture as PNG or SVG",
        description="By the suffix of OUT: .csv writes the key figures of every saved run (and each run's time "
                    "series beside it); .png or .svg writes the picture of the design.")
    add_file_argument(p)
    p.add_argument("-o", "--output", metavar="OUT", required=True, help="OUT.csv, OUT.png or OUT.svg")
    p.add_argument("--size", default="2400x1500", metavar="WxH", help="picture size in pixels (default 2400x1500)")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_export)


def _read_runs_file(text: str) -> list:
    from .. import limits
    from ..io.safejson import JsonInputError, read_json

    path = Path(text)
    try:
        with open(path, "rb") as handle:
            limits.FILE_BYTES.check(os.fstat(handle.fileno()).st_size)
            data = read_json(handle.read().decode("utf-8"), bounded_under=None)
    except OSError as exc:
        raise CliError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except limits.LimitExceeded as exc:
        raise CliError(f"{path}: the file is too large: {exc}") from None
    except UnicodeDecodeError as exc:
        raise CliError(f"{path}: not a text file (invalid UTF-8 at byte {exc.start:,})") from None
    except JsonInputError as exc:
        at = ", ".join(str(p) for p in (exc.where, f"line {exc.line}" if exc.line else "") if p)
        raise CliError(f"{path}: {at + ': ' if at else ''}{exc.message}") from None
    if isinstance(data, dict) and isinstance(data.get("runs"), list):  # a whole project's runs list, or a saved file
        data = data["runs"]
    return data if isinstance(data, list) else [data]


def cmd_report(args: argparse.Namespace) -> int:
    pdf = html = None
    if args.output:
        out = Path(args.output)
        suffix = out.suffix.lower()
        if suffix not in REPORT_SUFFIXES:
            raise CliError(f"{out}: a report is written as .pdf or .html (got {suffix or 'no suffix'})")
        if suffix == ".pdf":
            pdf = out
        else:
            html = out
    if args.html:
        if html is not None:
            raise CliError("two HTML outputs given (-o and --html); give one")
        html = Path(args.html)
    if pdf is None and html is None:
        raise CliError("say where to write the report: -o report.pdf and/or --html report.html")
    inputs = [resolve_design_path(args.file), resolve_design_path(args.compare) if args.compare else None, *args.runs]
    check_outputs({"-o": args.output, "--html": args.html}, inputs)
    if pdf is not None and html is not None:
        check_outputs({"--html": html}, [pdf])
    path, design = load_design(args.file)
    other = other_path = None
    if args.compare:
        other_path, other = load_design(args.compare)
    runs = [run for text in args.runs for run in _read_runs_file(text)]

    from ..report.api import export_report
    from ..report.output import ReportWriteError

    started = time.perf_counter()
    try:
        result = export_report(design, pdf=pdf, html=html, source=source_name(path), other=other,
                               other_source=source_name(other_path) if other_path else "", runs=runs,
                               html_images=args.html_images, inputs=[p for p in inputs if p])
    except ReportWriteError as exc:
        raise CliError(str(exc)) from None
    if not args.quiet:
        took = time.perf_counter() - started
        if pdf is not None:
            print(f"{pdf}: {result.pdf_pages} pages ({', '.join(result.sections)})")
        if html is not None:
            extra = len(result.files) - (2 if pdf is not None else 1)
            print(f"{html}: HTML" + (f", with {extra} images beside it" if extra > 0 else ""))
        print(f"report of {design.name} written in {took:.2f} s")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from .. import units
    from ..io.atomic import OutputIsInput
    from ..report.export import PictureTooLarge, check_picture_size, export_picture, write_results_csv
    from ..report.output import ensure_gui_application

    out = Path(args.output)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".png", ".svg", ".jpg", ".jpeg"):
        raise CliError(f"{out}: export writes .csv (results), .png or .svg (the design's picture)")
    size = None
    if suffix != ".csv":
        try:
            size = units.parse_grid(args.size)
            check_picture_size(*size)
        except (units.UnitError, PictureTooLarge) as exc:
            raise CliError(f"--size: {exc}") from None
    inputs = [resolve_design_path(args.file)]
    check_outputs({"-o": out}, inputs)
    path, design = load_design(args.file)
    try:
        if size is None:
            records = list(design.runs)
            if not records:
                raise CliError(f"{path}: the design has no saved simulation runs to export", EXIT_USAGE)
            written = write_results_csv(records, out, inputs=inputs)
        else:
            ensure_gui_application()
            written = [export_picture(design, out, width=size[0], height=size[1], inputs=inputs)]
    except OutputIsInput as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"{exc.filename or out}: cannot write: {exc.strerror or exc}") from None
    if not args.quiet:
        for target in written:
            print(target)
    return EXIT_OK


def source_name(path: Path) -> str:
    """How the report names where a design came from: its path, or "the bundled example exapod" rather than the
    path of the package's resources folder."""
    from .common import is_bundled

    return f"the bundled example {path.stem}" if is_bundled(path) else str(path)
