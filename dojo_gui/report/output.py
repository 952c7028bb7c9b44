"""Writing a :class:`Report` as HTML (one self-contained file, or images beside it) and as PDF.

The PDF is Qt's rich-text layout of the same HTML, paginated on A4 and painted page by
page into a QPdfWriter with a running header and "page i of n" footer.  The contents
on the title page carry the page each section starts on; those numbers come from the
layout itself (a second layout pass fills them in).
"""

from __future__ import annotations

import base64
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (QAbstractTextDocumentLayout, QColor, QFont, QGuiApplication, QImage, QPageLayout,
                           QPageSize, QPainter, QPdfWriter, QPen, QTextDocument)
from PySide6.QtCore import QCoreApplication

from ..io.atomic import OutputIsInput, atomic_path, write_atomic
from .document import Figure, Report, render_html

LOGICAL_DPI = 96.0  # the layout's unit: CSS pixels
PAGE_SIZE_MM = (210.0, 297.0)  # A4 portrait
MARGINS_PX = {"left": 52.0, "right": 52.0, "top": 64.0, "bottom": 60.0}
PDF_RESOLUTION = 600
_app: QGuiApplication | None = None


class ReportWriteError(Exception):
    """A report file that could not be written; the message names the file and the reason."""


def ensure_gui_application() -> None:
    """Fonts and images need a QGuiApplication; make one (offscreen unless told otherwise) when none exists.

    It is a QApplication, which costs no more: a process that writes a report (the CLI's, or a test
    session's) may open a window later, and Qt cannot upgrade an application once it exists."""
    global _app
    app = QCoreApplication.instance()
    if app is None:
        from PySide6.QtWidgets import QApplication

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _app = QApplication(["dojo-gui"])
    elif not isinstance(app, QGuiApplication):
        raise ReportWriteError("reports need a QGuiApplication, but this process runs a QCoreApplication")


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


# --------------------------------------------------------------------------- HTML
def write_html(report: Report, path: str | os.PathLike, *, images: str = "embed",
               inputs: Iterable[str | os.PathLike[str]] = ()) -> list[Path]:
    """Write the HTML; ``images`` is "embed" (data URIs, one file) or "beside" (PNGs in ``<stem>-images/``).

    Every file is written atomically and never over one of ``inputs``.  Returns every file written.
    """
    path = Path(path)
    inputs = list(inputs)
    written = [path]
    if images == "embed":
        def src(figure: Figure) -> str:
            return "data:image/png;base64," + base64.b64encode(png_bytes(figure.image)).decode("ascii")
    elif images == "beside":
        folder = path.with_name(f"{path.stem}-images")

        def src(figure: Figure) -> str:
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{figure.key}.png"
            write_atomic(target, png_bytes(figure.image), inputs=inputs)
            written.append(target)
            return f"{folder.name}/{target.name}"
    else:
        raise ValueError(f"images must be 'embed' or 'beside', not {images!r}")
    try:
        text = render_html(report, src)
        write_atomic(path, text.encode("utf-8"), inputs=inputs)
    except OSError as exc:
        raise ReportWriteError(f"{exc.filename or path}: cannot write: {exc.strerror or exc}") from None
    except OutputIsInput as exc:
        raise ReportWriteError(str(exc)) from None
    return written


# --------------------------------------------------------------------------- PDF
@dataclass
class PdfLayout:
    document: QTextDocument
    page_width: float  # CSS px, the whole page
    page_height: float
    body: QRectF  # the text area on every page
    pages: int
    section_pages: dict[str, int]  # section key -> the page (from 1) its heading is on


def _page_px() -> tuple[float, float]:
    return tuple(mm / 25.4 * LOGICAL_DPI for mm in PAGE_SIZE_MM)  # type: ignore[return-value]


def layout_pdf(report: Report) -> PdfLayout:
    """Lay the report out on A4 pages; the contents get the real page numbers."""
    ensure_gui_application()
    width, height = _page_px()
    # Whole pixels: Qt lays out in 1/64 px, and a page height it cannot represent lets a heading that
    # starts a page leak a hair into the page before (invisible, but there for text extraction).
    body = QRectF(MARGINS_PX["left"], MARGINS_PX["top"], math.floor(width - MARGINS_PX["left"] - MARGINS_PX["right"]),
                  math.floor(height - MARGINS_PX["top"] - MARGINS_PX["bottom"]))
    pages: dict[str, int] = {s.key: 0 for s in report.sections}
    for _ in range(3):  # the contents' numbers do not change its length, so this settles on the second pass
        doc = _document(report, body, pages)
        found = _section_pages(doc, report, body.height())
        if found == pages:
            break
        pages = found
    return PdfLayout(doc, width, height, body, doc.pageCount(), pages)


def _document(report: Report, body: QRectF, section_pages: dict[str, int]) -> QTextDocument:
    doc = QTextDocument()
    font = QFont("DejaVu Sans")
    font.setPointSizeF(9.0)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    doc.setPageSize(QSizeF(body.width(), body.height()))
    for figure in report.figures():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"report-image:{figure.key}"), figure.image)
    doc.setHtml(render_html(report, lambda f: f"report-image:{f.key}", section_pages=section_pages, qt=True))
    return doc


def _section_pages(doc: QTextDocument, report: Report, page_height: float) -> dict[str, int]:
    layout = doc.documentLayout()
    doc.pageCount()  # Qt lays out lazily; positions are final only once the whole document is laid out
    tops = []
    block = doc.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() == 2:
            tops.append(layout.blockBoundingRect(block).top())
        block = block.next()
    if len(tops) != len(report.sections):
        raise AssertionError(f"found {len(tops)} section headings in the layout for {len(report.sections)} sections")
    return {s.key: int(top // page_height) + 1 for s, top in zip(report.sections, tops)}


def write_pdf(report: Report, path: str | os.PathLike, *, inputs: Iterable[str | os.PathLike[str]] = ()) -> PdfLayout:
    """Write the PDF (atomically, never over one of ``inputs``) and return its layout (page count and where
    each section starts)."""
    path = Path(path)
    layout = layout_pdf(report)
    try:
        with atomic_path(path, inputs=inputs) as tmp:
            _paint_pdf(report, layout, path, tmp)
    except OSError as exc:
        raise ReportWriteError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except OutputIsInput as exc:
        raise ReportWriteError(str(exc)) from None
    return layout


def _paint_pdf(report: Report, layout: PdfLayout, path: Path, tmp: Path) -> None:
    writer = QPdfWriter(str(tmp))
    writer.setTitle(report.title)
    writer.setCreator("dojo-gui")
    writer.setResolution(PDF_RESOLUTION)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0)))
    painter = QPainter()
    if not painter.begin(writer):
        raise ReportWriteError(f"{path}: cannot write (the folder may not exist or not be writable)")
    try:
        scale = PDF_RESOLUTION / LOGICAL_DPI
        for index in range(layout.pages):
            if index:
                writer.newPage()
            painter.save()
            painter.scale(scale, scale)
            _paint_page(painter, layout, report, index)
            painter.restore()
    finally:
        painter.end()
    del writer  # flushes and closes the file
    if not tmp.exists() or tmp.stat().st_size == 0:
        raise ReportWriteError(f"{path}: the PDF came out empty")


def _paint_page(painter: QPainter, layout: PdfLayout, report: Report, index: int) -> None:
    body = layout.body
    small = QFont("DejaVu Sans")
    small.setPixelSize(10)  # pixels of the painter's (scaled) coordinates, so CSS px
    painter.setFont(small)
    painter.setPen(QColor("#555555"))
    header = QRectF(body.left(), body.top() - 34, body.width(), 18)
    painter.drawText(header, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, report.title)
    painter.drawText(header, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                     dict(report.facts).get("Made", ""))
    painter.setPen(QPen(QColor("#9aa5b1"), 0.6))
    painter.drawLine(header.bottomLeft(), header.bottomRight())
    footer = QRectF(body.left(), body.bottom() + 16, body.width(), 18)
    painter.setPen(QColor("#555555"))
    painter.drawText(footer, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                     f"page {index + 1} of {layout.pages}")
    painter.drawText(footer, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     dict(report.facts).get("By", ""))

    page_h = body.height()
    clip = QRectF(0, index * page_h, body.width(), page_h)
    painter.save()
    painter.translate(body.left(), body.top() - index * page_h)
    painter.setClipRect(clip)
    context = QAbstractTextDocumentLayout.PaintContext()
    # Qt draws a block whose edge touches the clip, so a heading that starts the next page would also be
    # written (clipped away, but present for text extraction) at the foot of this one; stay a hair inside.
    context.clip = clip.adjusted(0, 0.01, 0, -0.01)
    layout.document.documentLayout().draw(painter, context)
    painter.restore()
