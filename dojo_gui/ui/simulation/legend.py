"""Colour legends: what a :class:`~dojo_gui.render.colours.Legend` says, as a widget, and the one that floats
over the canvas.

A legend is a title, a ramp bar with its ends labelled (and perhaps a tick where a limit
is), named swatches, and a note.  The link map has one beside its plot; the window keeps one
in the canvas's top-right corner for whatever colours the canvas (View > Colour By), fed by
whoever made those colours: the editor's overlays or the simulation's live ones.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QLinearGradient, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ...render.colours import Legend, ramp_colours
from ...text import esc

BAR_H = 12
MARK_TEXT_H = 12


class RampBar(QWidget):
    """The colour ramp the overlays and the link map use, coolest on the left; a tick where ``mark`` says."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._colours = ramp_colours()
        self.mark: tuple[float, str] | None = None
        self.set_mark(None)

    def set_mark(self, mark: tuple[float, str] | None) -> None:
        self.mark = mark
        self.setMinimumSize(120, BAR_H + (MARK_TEXT_H if mark else 0))
        self.setMaximumHeight(BAR_H + (MARK_TEXT_H if mark else 0))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        bar = QRectF(0, 0, self.width(), BAR_H)
        gradient = QLinearGradient(0, 0, self.width(), 0)
        n = len(self._colours)
        for k, colour in enumerate(self._colours):
            gradient.setColorAt(k / (n - 1), colour)
        painter.fillRect(bar, gradient)
        painter.setPen(QColor("#7d8792"))
        painter.drawRect(bar.adjusted(0, 0, -1, -1))
        if self.mark is not None:
            fraction, text = self.mark
            x = min(max(fraction, 0.0), 1.0) * (self.width() - 1)
            painter.setPen(QColor("#1d232b"))
            painter.drawLine(int(x), 0, int(x), BAR_H + 2)
            font = QFont(self.font())
            font.setPixelSize(10)
            painter.setFont(font)
            width = QFontMetricsF(font).horizontalAdvance(text) + 4
            left = min(max(x - width / 2, 0.0), self.width() - width)  # centred under the tick, inside the bar
            under = QRectF(left, BAR_H + 1, width, MARK_TEXT_H)
            painter.drawText(under, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), text)
        painter.end()


class LegendPanel(QFrame):
    """A legend: its title, the ramp and its two ends, the swatches, a caption, and a note (e.g. that the values
    are stale)."""

    def __init__(self, parent: QWidget | None = None, name: str = "legend") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.legend: Legend | None = None
        self.title = QLabel()
        self.title.setObjectName(f"{name}Title")
        self.title.setStyleSheet("font-weight: 600;")
        self.title.setWordWrap(True)
        self.bar = RampBar()
        self.low = QLabel()
        self.low.setObjectName(f"{name}Low")
        self.high = QLabel()
        self.high.setObjectName(f"{name}High")
        self.high.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.swatches = QLabel()
        self.swatches.setObjectName(f"{name}Swatches")
        self.swatches.setTextFormat(Qt.TextFormat.RichText)
        self.swatches.setWordWrap(True)
        self.caption = QLabel()
        self.caption.setObjectName(f"{name}Caption")
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("color: #5d6670;")
        self.note = QLabel()
        self.note.setObjectName(f"{name}Note")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #a15c00;")
        self.ends = QWidget()
        ends = QHBoxLayout(self.ends)
        ends.setContentsMargins(0, 0, 0, 0)
        ends.addWidget(self.low)
        ends.addStretch(1)
        ends.addWidget(self.high)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 6, 8, 6)
        column.setSpacing(3)
        column.addWidget(self.title)
        column.addWidget(self.bar)
        column.addWidget(self.ends)
        column.addWidget(self.swatches)
        column.addWidget(self.caption)
        column.addWidget(self.note)

    def set_legend(self, legend: Legend) -> None:
        self.legend = legend
        self.title.setText(legend.title)
        self.bar.setVisible(legend.has_ramp)
        self.ends.setVisible(legend.has_ramp)
        self.bar.set_mark(legend.mark)
        self.low.setText(legend.low)
        self.high.setText(legend.high)
        self.swatches.setText("<br>".join(f'<span style="color: {colour.name()};">&#9632;</span>&nbsp;'
                                          f"{esc(text)}" for colour, text in legend.swatches))
        self.swatches.setVisible(bool(legend.swatches))
        self.caption.setText(legend.caption)
        self.caption.setVisible(bool(legend.caption))
        self.note.setText(legend.note)
        self.note.setVisible(bool(legend.note))
        self.adjustSize()

    def set_scale(self, title: str, low: str, high: str, note: str = "") -> None:
        """A ramp from ``low`` to ``high``."""
        self.set_legend(Legend(title, low, high, note=note))


class CanvasLegend(LegendPanel):
    """A legend floating in the top-right corner of a view, following its size; hidden without a legend."""

    MARGIN = 10

    def __init__(self, view: QWidget) -> None:
        super().__init__(view, "canvasLegend")
        self.setFixedWidth(250)
        self.view = view
        view.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self.place()
        return False

    def show_legend(self, legend: Legend | None) -> None:
        """Show what ``legend`` says over the canvas (None: nothing to say, so no legend)."""
        if legend is None:
            self.legend = None
            self.hide()
            return
        self.set_legend(legend)
        self.place()
        self.show()
        self.raise_()

    def place(self) -> None:
        # Wrapped text: the height follows from the fixed width, which adjustSize does not ask for.
        layout = self.layout()
        if layout is not None:
            self.resize(self.width(), layout.totalHeightForWidth(self.width()))
        scroll = getattr(self.view, "verticalScrollBar", None)
        bar = scroll().width() if scroll is not None and scroll().isVisible() else 0
        self.move(self.view.width() - self.width() - self.MARGIN - bar, self.MARGIN)
