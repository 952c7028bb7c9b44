"""Writing a :class:`Report` as HTML (one self-contained file, or images beside it) and as PDF.

The PDF is Qt's rich-text layout of the same blocks, placed on A4 pages by :mod:`.pages`
(tables split only between rows, charts as vectors) and painted page by page into a
QPdfWriter with a running header and "page i of n" footer.  The contents carry the page
each section starts on; those numbers come from the layout itself (a second pass fills
them in).
"""

from __future__ import annotations

import base64
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
)

from ..io.atomic import OutputIsInput, atomic_path, write_atomic
from .document import Figure, Report, render_html
from .pages import Page, paginate, paint_body, section_pages

LOGICAL_DPI = 96.0  # the layout's unit: CSS pixels
PAGE_SIZE_MM = (210.0, 297.0)  # A4 portrait
MARGINS_PX = {"left": 52.0, "right": 52.0, "top": 64.0, "bottom": 60.0}
PDF_RESOLUTION = 600
# The application made here: Qt needs a reference kept for as long as the process writes reports.
_made_apps: list[QGuiApplication] = []


class ReportWriteError(Exception):
    """A report file that could not be written; the message names the file and the reason."""


def ensure_gui_application() -> None:
    """Fonts and images need a QGuiApplication; make one (offscreen unless told otherwise) when none exists.

    It is a QApplication, which costs no more: a process that writes a report (the CLI's, or a test
    session's) may open a window later, and Qt cannot upgrade an application once it exists."""
    app = QCoreApplication.instance()
    if app is None:
        from PySide6.QtWidgets import QApplication

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _made_apps.append(QApplication(["dojo-gui"]))
    elif not isinstance(app, QGuiApplication):
        raise ReportWriteError("reports need a QGuiApplication, but this process runs a QCoreApplication")


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6's stub types the format as bytes, but the binding takes only a str (bytes raise ValueError).
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    buffer.close()
    return bytes(data.data())


# --------------------------------------------------------------------------- HTML
def write_html(report: Report, path: str | os.PathLike[str], *, images: str = "embed",
               inputs: Iterable[str | os.PathLike[str]] = ()) -> list[Path]:
    """Write the HTML; ``images`` is "embed" (data URIs, one file) or "beside" (PNGs in ``<stem>-images/``).

    Every file is written atomically and never over one of ``inputs``.  Returns every file written.
    """
    path = Path(path)
    inputs = list(inputs)
    written = [path]
    if images == "embed":
        def src(figure: Figure) -> str:
            return "data:image/png;base64," + base64.b64encode(png_bytes(figure.picture())).decode("ascii")
    elif images == "beside":
        folder = path.with_name(f"{path.stem}-images")

        def src(figure: Figure) -> str:
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{figure.key}.png"
            write_atomic(target, png_bytes(figure.picture()), inputs=inputs)
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
    pages_laid: list[Page]  # what is on each page, where
    page_width: float  # CSS px, the whole page
    page_height: float
    body: QRectF  # the text area on every page
    pages: int
    section_pages: dict[str, int]  # section key -> the page (from 1) its heading is on


def _page_px() -> tuple[float, float]:
    width_mm, height_mm = PAGE_SIZE_MM
    return width_mm / 25.4 * LOGICAL_DPI, height_mm / 25.4 * LOGICAL_DPI


def layout_pdf(report: Report) -> PdfLayout:
    """Lay the report out on A4 pages (:mod:`.pages`); the contents get the real page numbers."""
    ensure_gui_application()
    width, height = _page_px()
    body = QRectF(MARGINS_PX["left"], MARGINS_PX["top"], math.floor(width - MARGINS_PX["left"] - MARGINS_PX["right"]),
                  math.floor(height - MARGINS_PX["top"] - MARGINS_PX["bottom"]))
    numbers: dict[str, int] = {s.key: 0 for s in report.sections}
    documents: dict[str, QTextDocument] = {}
    for _ in range(3):  # the contents' numbers do not change its length, so this settles on the second pass
        laid = paginate(report, body, numbers, documents)
        found = section_pages(laid)
        if found == numbers:
            break
        numbers = found
    return PdfLayout(laid, width, height, body, len(laid), numbers)


def write_pdf(report: Report, path: str | os.PathLike[str], *,
              inputs: Iterable[str | os.PathLike[str]] = ()) -> PdfLayout:
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
    # Made here first, so a folder that refuses it gives the system's reason (QPainter.begin only says no, on stderr).
    tmp.touch(exist_ok=False)
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
    paint_body(painter, layout.pages_laid[index], body)
