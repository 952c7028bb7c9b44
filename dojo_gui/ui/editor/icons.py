"""Small pictures of specs (palette, outline) and severities (findings), drawn rather than shipped."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

from ...model.specs import AnySpec, ContainerSpec
from ...render import colours as C


def spec_icon(spec: AnySpec | None, size: int = 28) -> QIcon:
    return QIcon(spec_pixmap(spec, size))


def spec_pixmap(spec: AnySpec | None, size: int = 28) -> QPixmap:
    key = (spec.id, spec.level, spec.family, spec.vendor, getattr(spec, "rows", 0), getattr(spec, "cols", 0)) if spec else None
    return _pixmap(key, spec, size)


_cache: dict = {}  # (spec key, size) -> pixmap; specs are few, so it stays small


def _pixmap(key, spec: AnySpec | None, size: int) -> QPixmap:
    cached = _cache.get((key, size))
    if cached is not None:
        return cached
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    m = size * 0.1
    box = QRectF(m, m, size - 2 * m, size - 2 * m)
    if spec is None:
        p.setPen(QPen(C.UNKNOWN, 1))
        p.drawRect(box)
    elif spec.level == "chip":
        chip = C.spec_colour(spec, "chip")
        p.setPen(QPen(chip.darker(160), 1))
        p.setBrush(chip)
        inner = box.adjusted(size * 0.1, size * 0.1, -size * 0.1, -size * 0.1)
        p.drawRoundedRect(inner, 2, 2)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#f2d7a0"))
        s = size * 0.12
        c = inner.center()
        for x, y in ((c.x(), inner.top()), (c.x(), inner.bottom()), (inner.left(), c.y()), (inner.right(), c.y())):
            p.drawRect(QRectF(x - s / 2, y - s / 2, s, s))
    else:
        assert isinstance(spec, ContainerSpec)
        fill = C.spec_colour(spec, spec.level)
        p.setPen(QPen(C.FRAME.get(spec.level, QColor("#777")), 1))
        p.setBrush(fill)
        p.drawRoundedRect(box, 2, 2)
        rows, cols = max(1, min(spec.rows, 6)), max(1, min(spec.cols, 6))
        inner = box.adjusted(size * 0.1, size * 0.14, -size * 0.1, -size * 0.1)
        cw, ch = inner.width() / cols, inner.height() / rows
        child = {"tile": QColor("#e0524a"), "cabinet": QColor("#3b4048"), "room": QColor("#c9ced6")}[spec.level]
        if spec.level == "tile":
            child = C.spec_colour(spec, "chip")
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(child)
        for r in range(rows):
            for c in range(cols):
                p.drawRect(QRectF(inner.x() + c * cw + cw * 0.12, inner.y() + r * ch + ch * 0.12, cw * 0.76, ch * 0.76))
    p.end()
    _cache[(key, size)] = pixmap
    return pixmap


def severity_icon(severity: str) -> QIcon:
    style = QApplication.style()
    which = {"error": QStyle.StandardPixmap.SP_MessageBoxCritical, "warning": QStyle.StandardPixmap.SP_MessageBoxWarning}.get(
        severity, QStyle.StandardPixmap.SP_MessageBoxInformation)
    icon = style.standardIcon(which)
    if not icon.isNull():
        return icon
    return QIcon(_dot(C.SEVERITY_COLOURS.get(severity, C.UNKNOWN)))


def _dot(colour: QColor, size: int = 16) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(colour)
    p.drawEllipse(QRectF(2, 2, size - 4, size - 4))
    p.end()
    return pixmap


def _glyph(name: str, size: int = 24) -> QPixmap:
    """Zoom and view icons, drawn: the styles have no magnifier."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    ink = QColor("#3b4450")
    pen = QPen(ink, 2.0)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    if name in ("zoom_in", "zoom_out"):
        p.drawEllipse(QRectF(3, 3, 13, 13))
        p.drawLine(14.5, 14.5, 21, 21)
        p.drawLine(6.5, 9.5, 12.5, 9.5)
        if name == "zoom_in":
            p.drawLine(9.5, 6.5, 9.5, 12.5)
    elif name == "fit":
        for x, y, dx, dy in ((3, 3, 1, 1), (21, 3, -1, 1), (3, 21, 1, -1), (21, 21, -1, -1)):
            p.drawLine(x, y, x + 6 * dx, y)
            p.drawLine(x, y, x, y + 6 * dy)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#e0524a"))
        p.drawRect(QRectF(8, 8, 8, 8))
    elif name == "up":
        p.drawRect(QRectF(4, 11, 16, 10))
        p.drawLine(12, 3, 12, 15)
        p.drawLine(12, 3, 8, 7)
        p.drawLine(12, 3, 16, 7)
    p.end()
    return pixmap


def standard_icon(name: str) -> QIcon:
    """A toolbar icon: drawn for the view actions, else from the style (present everywhere, offscreen too)."""
    if name in ("zoom_in", "zoom_out", "fit", "up"):
        return QIcon(_glyph(name))
    which = {
        "new": QStyle.StandardPixmap.SP_FileIcon, "open": QStyle.StandardPixmap.SP_DialogOpenButton, "save": QStyle.StandardPixmap.SP_DialogSaveButton,
        "undo": QStyle.StandardPixmap.SP_ArrowBack, "redo": QStyle.StandardPixmap.SP_ArrowForward, "up": QStyle.StandardPixmap.SP_FileDialogToParent,
        "delete": QStyle.StandardPixmap.SP_TrashIcon, "fit": QStyle.StandardPixmap.SP_TitleBarMaxButton, "revert": QStyle.StandardPixmap.SP_BrowserReload,
        "zoom_in": QStyle.StandardPixmap.SP_ArrowUp, "zoom_out": QStyle.StandardPixmap.SP_ArrowDown,
    }[name]
    return QApplication.style().standardIcon(which)
