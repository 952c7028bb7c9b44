"""Test settings shared by every test: headless Qt, private user folders, the built-in catalog."""

from __future__ import annotations

import os
import sys
import tempfile

# Before anything imports Qt: no screen here, and never the user's real config or data.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
_private_home = tempfile.mkdtemp(prefix="dojo-gui-tests-")
for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[var] = os.path.join(_private_home, var.lower())
os.environ.setdefault("XDG_RUNTIME_DIR", os.path.join(_private_home, "runtime"))
os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)

import pytest  # noqa: E402

from dojo_gui.io.catalog import builtin_specs  # noqa: E402
from dojo_gui.model.templates import TEMPLATES  # noqa: E402


@pytest.fixture(scope="session")
def catalog():
    return builtin_specs()


@pytest.fixture
def exapod(catalog):
    return TEMPLATES["exapod"].make(catalog)


@pytest.fixture
def dojo_tile(catalog):
    return TEMPLATES["dojo-tile"].make(catalog)


def pytest_report_header(config):
    return f"dojo-gui tests: python {sys.version.split()[0]}, QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']}"


@pytest.fixture(scope="session")
def qapp():
    """The application as the app makes it (pytest-qt's qtbot takes it from here)."""
    from dojo_gui.ui.shell.app import application

    return application()


@pytest.fixture(scope="session", autouse=True)
def _release_clipboard_at_the_end():
    """What the application does on quit, for the test session's one QApplication (see ui.app)."""
    yield
    if "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtWidgets import QApplication

        from dojo_gui.ui.shell.app import release_clipboard

        if QApplication.instance() is not None:  # (the real-window tests run the app in other processes)
            release_clipboard()
