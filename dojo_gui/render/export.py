"""Pictures of a design without a window: a QImage for reports, an SVG for File > Export canvas."""

from __future__ import annotations

import os

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter

from ..model.design import Design, PartPath
from .colours import ColourProvider
from .drawing import PaintState, PartDrawing
from .geometry import Layout

BACKGROUND = QColor("#fbfbfc")


def paint_design(painter: QPainter, design: Design, target: QRectF, colours: ColourProvider | None = None,
                 path: PartPath = (), state: PaintState | None = None, margin: float = 12.0) -> float:
    """Paint the part at ``path`` (the whole room by default) fitted into ``target``; returns the scale used."""
    layout = Layout(design)
    drawing = PartDrawing(design, layout, path, colours)
    box = drawing.rect
    avail_w, avail_h = max(1.0, target.width() - 2 * margin), max(1.0, target.height() - 2 * margin)
    scale = min(avail_w / box.width(), avail_h / box.height())
    painter.save()
    painter.translate(target.x() + (target.width() - box.width() * scale) / 2,
                      target.y() + (target.height() - box.height() * scale) / 2)
    painter.scale(scale, scale)
    drawing.paint(painter, scale, None, state)
    painter.restore()
    return scale


def fitted_height(design: Design, width: int, max_height: int, path: PartPath = (), margin: float = 12.0,
                  min_height: int = 160) -> int:
    """The picture height that shows the part at ``path`` at ``width`` without empty bands above and below."""
    box = PartDrawing(design, Layout(design), path, None).rect
    if box.width() <= 0:
        return max_height
    height = (width - 2 * margin) * box.height() / box.width() + 2 * margin
    return int(min(max_height, max(min_height, round(height))))


def fitted_size(design: Design, width: int, height: int, path: PartPath = (), margin: float = 12.0) -> tuple[int, int]:
    """The largest picture within ``width`` x ``height`` that has the shape of the part at ``path`` (the room):
    a row of ten cabinets is a wide strip, not a strip in the middle of an empty 2400 x 1500 frame."""
    box = PartDrawing(design, Layout(design), path, None).rect
    if box.width() <= 0 or box.height() <= 0:
        return width, height
    scale = min((width - 2 * margin) / box.width(), (height - 2 * margin) / box.height())
    return (max(1, min(width, round(box.width() * scale + 2 * margin))),
            max(1, min(height, round(box.height() * scale + 2 * margin))))


def render_design(design: Design, width: int, height: int, colours: ColourProvider | None = None,
                  path: PartPath = (), state: PaintState | None = None) -> QImage:
    """A ``width`` x ``height`` picture of the design (or of the part at ``path``), as the canvas draws it."""
    image = QImage(max(1, int(width)), max(1, int(height)), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(BACKGROUND)
    painter = QPainter(image)
    try:
        paint_design(painter, design, QRectF(0, 0, image.width(), image.height()), colours, path, state)
    finally:
        painter.end()
    return image


def export_svg(design: Design, target: str | os.PathLike[str] | QIODevice, width: int = 1600, height: int = 900,
               colours: ColourProvider | None = None, path: PartPath = (), state: PaintState | None = None,
               title: str | None = None) -> None:
    """Write the picture as SVG to a file name or an open QIODevice."""
    from PySide6.QtSvg import QSvgGenerator

    generator = QSvgGenerator()
    if isinstance(target, QIODevice):
        generator.setOutputDevice(target)
    else:
        generator.setFileName(os.fspath(target))
    generator.setSize(QSize(int(width), int(height)))
    generator.setViewBox(QRectF(0, 0, width, height))
    generator.setTitle(title or design.name or "dojo-gui design")
    generator.setDescription(f"{design.name}: drawn by dojo-gui")
    painter = QPainter(generator)
    try:
        painter.fillRect(QRectF(0, 0, width, height), BACKGROUND)
        paint_design(painter, design, QRectF(0, 0, width, height), colours, path, state)
    finally:
        painter.end()


def svg_bytes(design: Design, width: int = 1600, height: int = 900, colours: ColourProvider | None = None,
              path: PartPath = (), state: PaintState | None = None) -> bytes:
    """The SVG picture as bytes (for embedding in an HTML report)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    export_svg(design, buffer, width, height, colours, path, state)
    buffer.close()
    return bytes(data.data())


def image_bytes(image: QImage, fmt: str = "PNG") -> bytes:
    """The image encoded as ``fmt`` (PNG, JPG), for one atomic write of the file (empty if it cannot be)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6's stub types the format as bytes, but the binding takes only a str (bytes raise ValueError).
    ok = image.save(buffer, fmt)  # type: ignore[call-overload]
    buffer.close()
    return bytes(data.data()) if ok else b""


def image_png_bytes(image: QImage) -> bytes:
    return image_bytes(image, "PNG")


__all__ = ["BACKGROUND", "export_svg", "image_bytes", "image_png_bytes", "paint_design", "render_design", "svg_bytes"]
