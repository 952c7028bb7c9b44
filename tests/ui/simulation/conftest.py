import functools

import pytest
from PySide6.QtWidgets import QApplication

from dojo_gui.model.templates import TEMPLATES


@pytest.fixture
def make_window(make_window):
    """The simulation's tests get its panels as the app builds them: right after the window's first frame."""
    return functools.partial(make_window, panels_after_first_frame=True)


@pytest.fixture
def cabinet_window(make_window, catalog):
    """A window on one Dojo cabinet (300 chips): small enough for quick runs."""
    window = make_window(TEMPLATES["dojo-cabinet"].make(catalog))
    window.live.docks["simulation"].raise_()
    QApplication.processEvents()
    return window
