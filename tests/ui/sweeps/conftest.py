import functools

import pytest


@pytest.fixture
def make_window(make_window):
    """The simulation's tests get its panels as the app builds them: right after the window's first frame."""
    return functools.partial(make_window, panels_after_first_frame=True)
