"""Breadcrumbs over the canvas: where the view is (room › cabinet › tile), each a button to go there."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from ...model.design import PartPath
from ..project.document import DesignDocument
from .selection import Selection


class Breadcrumbs(QWidget):
    sigEnter = Signal(object)  # fires when the user clicks a crumb; the path of the container to enter

    def __init__(self, document: DesignDocument, selection: Selection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.selection = selection
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(6, 2, 6, 2)
        self.row.setSpacing(2)
        self.buttons: list[QToolButton] = []
        selection.sigFocusChanged.connect(lambda _p: self.refresh())
        document.sigChanged.connect(self.refresh)
        self.refresh()

    def crumbs(self) -> list[tuple[str, PartPath]]:
        design = self.document.design
        focus = self.selection.focus
        out = []
        for depth in range(len(focus) + 1):
            path = focus[:depth]
            part = design.find(path)
            if part is None:
                break
            if not path:
                spec = design.specs.get(part.spec_id)
                label = design.name or (spec.name if spec else "Room")
            else:
                label = part.name or f"{part.level} [{part.slot[0]},{part.slot[1]}]"
            out.append((label, path))
        return out

    def refresh(self) -> None:
        while (item := self.row.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.buttons = []
        crumbs = self.crumbs()
        for k, (label, path) in enumerate(crumbs):
            if k:
                self.row.addWidget(QLabel("›"))
            button = QToolButton()
            button.setText(label)
            button.setAutoRaise(True)
            button.setObjectName(f"crumb-{k}")
            button.clicked.connect(lambda _checked=False, p=path: self.sigEnter.emit(p))
            if k == len(crumbs) - 1:
                font = button.font()
                font.setBold(True)
                button.setFont(font)
            self.row.addWidget(button)
            self.buttons.append(button)
        self.row.addStretch(1)
        hint = QLabel("double-click to enter · Backspace to go up" if len(crumbs) < 3 else "Backspace to go up")
        hint.setStyleSheet("color: #7a838d;")
        self.row.addWidget(hint)
