"""One call that builds a report and writes it, for the CLI and the application alike."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..model.design import Design
from ..render import render_design
from .output import ReportWriteError, ensure_gui_application, write_html, write_pdf
from .sections import SECTIONS, PictureFn, ReportContext, SectionBuilder, build_report


@dataclass
class ExportResult:
    files: list[Path] = field(default_factory=list)
    pdf_pages: int = 0
    section_pages: dict[str, int] = field(default_factory=dict)
    sections: list[str] = field(default_factory=list)


def export_report(design: Design, *, pdf: str | os.PathLike[str] | None = None,
                  html: str | os.PathLike[str] | None = None, source: str = "", other: Design | None = None,
                  other_source: str = "", picture: PictureFn | None = render_design, runs: Iterable[object] = (),
                  html_images: str = "embed", sections: Iterable[SectionBuilder] = SECTIONS,
                  inputs: Iterable[str | os.PathLike[str]] = ()) -> ExportResult:
    """Write the report of ``design`` as PDF and/or HTML.

    ``other`` is a baseline to compare with; ``picture`` draws the design (default: the canvas's own
    renderer, :func:`dojo_gui.render.render_design`; None for no picture); ``runs`` are run records given
    beside the design's own, unchecked (one that does not fit becomes a warning in the report).  No file is
    written over one of ``inputs`` (the files the report was made from).
    Raises :class:`ReportWriteError` when a file cannot be written.
    """
    inputs = list(inputs)
    if pdf is None and html is None:
        raise ValueError("export_report needs a PDF path, an HTML path or both")
    ensure_gui_application()
    ctx = ReportContext(design, source=source, other=other, other_source=other_source,
                        picture=picture, extra_runs=list(runs))
    report = build_report(ctx, sections)
    result = ExportResult(sections=[s.key for s in report.sections])
    if pdf is not None:
        layout = write_pdf(report, pdf, inputs=inputs)
        result.files.append(Path(pdf))
        result.pdf_pages, result.section_pages = layout.pages, layout.section_pages
    if html is not None:
        result.files.extend(write_html(report, html, images=html_images, inputs=inputs + ([pdf] if pdf else [])))
    return result


__all__ = ["ExportResult", "ReportWriteError", "export_report"]
