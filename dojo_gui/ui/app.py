"""Starting the desktop application: ``dojo-gui [FILE...] [--example NAME]``."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from .. import __version__

APP_NAME = "dojo-gui"


def application() -> QApplication:
    """The one QApplication, named so QSettings and the window system know the app."""
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setApplicationName(APP_NAME)
        QGuiApplication.setOrganizationName(APP_NAME)
        QGuiApplication.setApplicationDisplayName(APP_NAME)
        QGuiApplication.setApplicationVersion(__version__)
        QGuiApplication.setDesktopFileName(APP_NAME)
        app = QApplication(sys.argv[:1])
    else:
        app.setApplicationName(APP_NAME)
        app.setOrganizationName(APP_NAME)
    return app  # type: ignore[return-value]


def open_windows(files: list[str], example: str | None):
    """One window per file (or one on the example, the ExaPOD by default); returns them, shown."""
    from ..io.catalog import builtin_specs, example_path
    from ..io.project import load
    from .mainwindow import MainWindow

    catalog = builtin_specs()
    name = example or "exapod"

    def on_example() -> MainWindow:
        design = load(example_path(name))
        return MainWindow(design, origin=f"{design.name} example", catalog=catalog)

    windows = []
    for path in files:
        window = on_example()
        window.open_path(path)  # a file that cannot be read is reported; the window stays on the example
        windows.append(window)
    if not windows:
        windows.append(on_example())
    for window in windows:
        window.show()
    QTimer.singleShot(0, windows[0].offer_recovery)
    return windows


def main(files: list[str], example: str | None) -> int:
    """Run the GUI until the last window closes; returns the exit code."""
    if example is not None:
        from ..io.catalog import example_path

        try:
            example_path(example)
        except FileNotFoundError as exc:
            print(f"dojo-gui: {exc}", file=sys.stderr)
            return 2
    app = application()
    app.setWindowIcon(QIcon.fromTheme("applications-science"))
    windows = open_windows(list(files or []), example)
    code = app.exec()
    del windows
    return code
