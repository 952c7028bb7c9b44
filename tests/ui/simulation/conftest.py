import functools

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

from dojo_gui.model.templates import TEMPLATES


@pytest.fixture
def make_window(make_window):
    """The simulation's tests get its panels as the app builds them: right after the window's first frame."""
    return functools.partial(make_window, panels_after_first_frame=True)


@pytest.fixture
def simulation_window(make_window):
    """``simulation_window(design)``: a window on ``design`` with the Simulation panel in front."""

    def open_on(design):
        window = make_window(design)
        window.live.docks["simulation"].raise_()
        QApplication.processEvents()
        return window

    return open_on


@pytest.fixture
def cabinet_window(simulation_window, catalog):
    """A window on one Dojo cabinet (300 chips): small enough for quick runs."""
    return simulation_window(TEMPLATES["dojo-cabinet"].make(catalog))


@pytest.fixture
def type_into(qtbot):
    """``type_into(edit, text)``: replace what a line edit holds with ``text``, typed key by key as a user types it."""

    def type_text(edit, text: str) -> None:
        edit.selectAll()
        qtbot.keyClick(edit, Qt.Key.Key_Delete)
        qtbot.keyClicks(edit, text)

    return type_text


@pytest.fixture
def drawn_labels():
    """``drawn_labels(axis)``: the tick labels a pyqtgraph axis draws now, as (text, rectangle) in its coordinates."""

    def labels(axis):
        image = QImage(8, 8, QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        if axis.style["tickFont"] is not None:
            painter.setFont(axis.style["tickFont"])
        try:
            _axis, _ticks, texts = axis.generateDrawSpecs(painter)
        finally:
            painter.end()
        return [(text, rect) for rect, _flags, text in texts]

    return labels
