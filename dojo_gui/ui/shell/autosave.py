"""Autosave and recovery: a copy of unsaved work every minute, offered back after a crash.

The window owns one :class:`AutosaveController`.  Its copy has a key of its own, new for
every project the window opens (:meth:`Autosaves.key_for`), so the controller follows the
project as it is opened, saved under another name or replaced; a project that is left
(saved, or knowingly discarded) takes its autosave with it.  Autosaves the window did not
write (a crash's) are only ever offered: each stays until the user recovers or discards it.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QTimer

from ...io.project import ProjectFileError, load
from .files import Autosaves

if TYPE_CHECKING:
    from .mainwindow import MainWindow

AUTOSAVE_INTERVAL_S = 60.0  # unless the setting autosave/interval_s says otherwise (1 s to an hour)


def autosave_interval_ms(settings: QSettings) -> int:
    try:
        seconds = float(str(settings.value("autosave/interval_s", AUTOSAVE_INTERVAL_S)))
    except (TypeError, ValueError):
        seconds = AUTOSAVE_INTERVAL_S
    return round(1000 * min(max(seconds, 1.0), 3600.0)) if math.isfinite(seconds) else round(1000 * AUTOSAVE_INTERVAL_S)


class AutosaveController(QObject):
    def __init__(self, window: MainWindow, store: Autosaves, file_path: str | os.PathLike | None) -> None:
        super().__init__(window)
        self.window = window
        self.store = store
        self.key = Autosaves.key_for(file_path)  # the open project's autosave
        self.timer = QTimer(self)
        self.timer.setInterval(autosave_interval_ms(window.settings))
        self.timer.timeout.connect(self.save_now)
        self.timer.start()

    def save_now(self) -> Path | None:
        """Write the project to the autosave folder if it has unsaved changes."""
        document = self.window.document
        if not document.modified:
            return None
        try:
            return self.store.write(self.key, document.design, document.file_path)
        except (OSError, ProjectFileError) as exc:
            self.window.show_status(f"Autosave failed: {exc}", 10000)
            return None

    def follow(self, path: str | os.PathLike | None) -> None:
        """The open project is now the one at ``path`` (None: untitled)."""
        self.key = Autosaves.key_for(path)

    def discard(self) -> None:
        """The open project is being left (saved, or knowingly discarded): its autosave goes too."""
        self.store.discard(self.key)

    def saved(self, path: str | os.PathLike) -> None:
        """The project was saved at ``path``: its autosave is not worth keeping."""
        self.discard()
        self.follow(path)

    def offer_recovery(self, only: str | os.PathLike[str] | None = None) -> None:
        """Offer to recover autosaves newer than their files: at start every one, after opening a file only
        those of ``only`` (that file).  Nothing is deleted unless the user says so."""
        window = self.window
        candidates = self.store.recoverable(exclude={self.key})
        if only is not None:
            wanted = Path(only).resolve()
            candidates = [a for a in candidates if a.original is not None and a.original == wanted]
        if not candidates:
            return
        answer, chosen = window.dialogs.ask_recover(window, candidates)
        if answer == "discard":
            for autosave in candidates:
                self.store.discard(autosave.key)
            return
        if answer != "recover" or chosen is None:
            return
        try:
            design = load(chosen.copy)
        except ProjectFileError as exc:
            kept = self.store.set_aside(chosen.key)
            window.dialogs.show_error(window, "Cannot recover",
                                      f"The autosave of {chosen.describe()} cannot be read: {exc}\n\n"
                                      f"It was kept as {kept}; the open project is as it was.")
            return
        self.discard()  # this window's own, of the project the recovered work replaces
        window.document.replace(design, chosen.original, origin="recovered", modified=True)
        self.key = chosen.key  # the recovered work is autosaved where it was found, until saved or discarded
        window.show_status(f"Recovered unsaved work from {chosen.describe()}", 10000)

    def stop(self) -> None:
        self.timer.stop()
