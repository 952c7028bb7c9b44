"""Colour legends: a ramp bar with its ends labelled (or swatches of categories), and the legend that floats
over the canvas."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ...render.colours import ramp_colours


class RampBar(QWidget):
    """The colour ramp the overlays and the link map use, coolest on the left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(120, 12)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self._colours = ramp_colours()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        gradient = QLinearGradient(0, 0, self.width(), 0)
        n = len(self._colours)
        for k, colour in enumerate(self._colours):
            gradient.setColorAt(k / (n - 1), colour)
        painter.fillRect(QRectF(self.rect()), gradient)
        painter.setPen(QColor("#7d8792"))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()


class RampLegend(QFrame):
    """A title, the ramp, its two ends and a note (e.g. that the values are stale)."""

    def __init__(self, parent: QWidget | None = None, name: str = "legend") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.StyledPanel)
        self.setAutoFillBackground(True)
        self.title = QLabel()
        self.title.setObjectName(f"{name}Title")
        self.title.setStyleSheet("font-weight: 600;")
        self.title.setWordWrap(True)
        self.bar = RampBar()
        self.low = QLabel()
        self.low.setObjectName(f"{name}Low")
        self.high = QLabel()
        self.high.setObjectName(f"{name}High")
        self.high.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.note = QLabel()
        self.note.setObjectName(f"{name}Note")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #a15c00;")
        ends = QHBoxLayout()
        ends.setContentsMargins(0, 0, 0, 0)
        ends.addWidget(self.low)
        ends.addStretch(1)
        ends.addWidget(self.high)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 6, 8, 6)
        column.setSpacing(3)
        self.ends = QWidget()
        self.ends.setLayout(ends)
        # Categories (a swatch and a name each) instead of the ramp, for legends of kinds rather than amounts.
        self.swatches = QWidget()
        self.swatches.setObjectName(f"{name}Swatches")
        self.swatch_grid = QGridLayout(self.swatches)
        self.swatch_grid.setContentsMargins(0, 0, 0, 0)
        self.swatch_grid.setHorizontalSpacing(6)
        self.swatch_grid.setVerticalSpacing(2)
        self.swatches.hide()
        column.addWidget(self.title)
        column.addWidget(self.bar)
        column.addWidget(self.ends)
        column.addWidget(self.swatches)
        column.addWidget(self.note)

    def set_scale(self, title: str, low: str, high: str, note: str = "") -> None:
        self.title.setText(title)
        self.low.setText(low)
        self.high.setText(high)
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.bar.show()
        self.ends.show()
        self.swatches.hide()
        self.adjustSize()

    def set_categories(self, title: str, categories: list[tuple[QColor, str]], note: str = "",
                       columns: int = 2) -> None:
        """Swatches instead of the ramp: a colour and what it stands for, ``columns`` to a row."""
        self.title.setText(title)
        while self.swatch_grid.count():
            item = self.swatch_grid.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.deleteLater()
        for k, (colour, text) in enumerate(categories):
            swatch = QLabel()
            swatch.setFixedSize(12, 12)
            swatch.setStyleSheet(f"background: {colour.name()}; border: 1px solid #7d8792;")
            label = QLabel(text)
            label.setObjectName(f"{self.objectName()}Category")
            row, col = divmod(k, columns)
            self.swatch_grid.addWidget(swatch, row, 2 * col)
            self.swatch_grid.addWidget(label, row, 2 * col + 1)
            # Shown now, not when Qt gets round to it: a hidden label takes no room when the height is measured.
            swatch.show()
            label.show()
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.bar.hide()
        self.ends.hide()
        self.swatches.show()
        self.adjustSize()


class CanvasLegend(RampLegend):
    """A legend floating in the top-right corner of a view, following its size."""

    MARGIN = 10

    def __init__(self, view: QWidget) -> None:
        super().__init__(view, "canvasLegend")
        self.setFixedWidth(250)
        self.view = view
        view.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.view and event.type() == QEvent.Resize:
            self.place()
        return False

    def set_scale(self, title: str, low: str, high: str, note: str = "") -> None:
        super().set_scale(title, low, high, note)
        self.place()

    def set_categories(self, title: str, categories: list[tuple[QColor, str]], note: str = "",
                       columns: int = 2) -> None:
        super().set_categories(title, categories, note, columns)
        self.place()

    def place(self) -> None:
        # Wrapped text: the height follows from the fixed width, which adjustSize does not ask for.
        self.resize(self.width(), self.layout().totalHeightForWidth(self.width()))
        scroll = getattr(self.view, "verticalScrollBar", None)
        bar = scroll().width() if scroll is not None and scroll().isVisible() else 0
        self.move(self.view.width() - self.width() - self.MARGIN - bar, self.MARGIN)
