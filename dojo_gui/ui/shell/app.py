"""Starting the desktop application: ``dojo-gui [FILE...] [--example NAME]``."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from ... import __version__
from .collector import install_gui_thread_collector
from .wheel import install_wheel_guard

APP_NAME = "dojo-gui"
log = logging.getLogger(__name__)


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
        app.aboutToQuit.connect(release_clipboard)
    else:
        app.setApplicationName(APP_NAME)
        app.setOrganizationName(APP_NAME)
    install_gui_thread_collector(app)
    install_wheel_guard(app)
    return app  # type: ignore[return-value]


def release_clipboard() -> None:
    """Give up copied parts before Python shuts down.

    Qt deletes the clipboard's data from its own exit handlers, after the interpreter is
    gone; data made in Python still has its wrapper then, and PySide crashes destroying it.
    As on X11 without a clipboard manager, what this app copied ends with the app.
    """
    from ..editor.mime import PARTS_MIME

    clipboard = QGuiApplication.clipboard()
    data = clipboard.mimeData() if clipboard is not None else None
    # ownsClipboard() says False on some platforms (offscreen) even for our own data; the format does not lie.
    if data is not None and data.hasFormat(PARTS_MIME):
        clipboard.clear()


def open_windows(files: list[str], example: str | None, *, dialogs=None):
    """One window per file (or one on the example, the ExaPOD by default); returns them, shown.

    ``dialogs`` replaces the windows' modal dialogs (tests answer them from a script).
    """
    from ...io.atomic import remove_stale_temporaries
    from ...io.catalog import builtin_specs, example_path
    from ...io.project import ProjectFileError, load
    from .mainwindow import MainWindow

    catalog = builtin_specs()
    name = example or "exapod"

    def on_example() -> MainWindow:
        design = load(example_path(name))
        return MainWindow(design, origin=f"{design.name} example", catalog=catalog, dialogs=dialogs)

    windows = []
    problems = []
    for path in files:
        try:
            design = load(path)
        except ProjectFileError as exc:
            log.warning("cannot open %s: %s", path, exc)
            window = on_example()  # the window stays useful; the error is shown once it is up
            problems.append((window, str(exc)))
        else:
            window = MainWindow(design, file_path=path, catalog=catalog, dialogs=dialogs)
            window.files.recent.add(path)
        windows.append(window)
    if not windows:
        windows.append(on_example())
    for window in windows:
        if window.start_maximized:
            window.showMaximized()
        else:
            window.show()
        design = window.document.design
        chips = sum(1 for part in design.parts() if part.level == "chip")
        log.info("opened %s (%s chips) from %s", design.name, f"{chips:,}",
                 window.document.file_path or window.document.origin)
    # What saves killed before their rename left behind: the app's own folders, and those of the files it opened.
    first = windows[0]
    remove_stale_temporaries([first.autosave.store.folder, first.files.recent.file.parent,
                              *(Path(path).parent for path in files)])
    for window, message in problems:
        QTimer.singleShot(0, window, lambda w=window, m=message: w.dialogs.show_error(w, "Cannot open the project", m))
    QTimer.singleShot(0, windows[0], windows[0].autosave.offer_recovery)
    return windows


def main(files: list[str], example: str | None) -> int:
    """Run the GUI until the last window closes; returns the exit code."""
    from .logs import setup_logging  # (logs names its folder after APP_NAME, from here)

    if example is not None:
        from ...io.catalog import example_path

        try:
            example_path(example)
        except FileNotFoundError as exc:
            print(f"dojo-gui: {exc}", file=sys.stderr)
            return 2
    app = application()
    setup_logging()
    app.setWindowIcon(QIcon.fromTheme("applications-science"))
    windows = open_windows(list(files or []), example)
    from .probe import start_probe

    probe = start_probe(app)  # only when the real-window tests ask for it
    code = app.exec()
    del probe
    del windows
    return code
