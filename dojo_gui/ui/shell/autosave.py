"""Autosave and recovery: a copy of unsaved work every minute, offered back after a crash.

The window owns one :class:`AutosaveController`.  The copy is keyed by the project's file
(:meth:`Autosaves.key_for`), so the controller follows the project as it is opened, saved
under another name or replaced; a project that is left (saved, or knowingly discarded)
takes its autosave with it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from ...io.project import ProjectFileError, load
from .files import Autosaves

if TYPE_CHECKING:
    from .mainwindow import MainWindow

AUTOSAVE_INTERVAL_MS = 60_000


class AutosaveController(QObject):
    def __init__(self, window: MainWindow, store: Autosaves, file_path: str | os.PathLike | None) -> None:
        super().__init__(window)
        self.window = window
        self.store = store
        self.key = Autosaves.key_for(file_path)  # the open project's autosave
        self.timer = QTimer(self)
        self.timer.setInterval(AUTOSAVE_INTERVAL_MS)
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
        """The project was saved at ``path``: no autosave of it, under its old key or its new one, is worth keeping."""
        self.discard()
        self.follow(path)
        self.discard()

    def offer_recovery(self, only: str | None = None) -> None:
        """Offer to recover autosaves newer than their files.

        At start, those of every project but the open one; after opening a file, only its own (keyed ``only``).
        """
        window = self.window
        candidates = [a for a in self.store.recoverable(exclude={self.key} if only is None else set())
                      if only is None or a.key == only]
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
            window.dialogs.show_error(window, "Cannot recover", f"The autosave cannot be read: {exc}")
            self.store.discard(chosen.key)
            return
        if chosen.key != self.key:
            self.discard()
        window.document.replace(design, chosen.original, origin="recovered", modified=True)
        self.key = chosen.key
        window.show_status(f"Recovered unsaved work from {chosen.describe()}", 10000)

    def stop(self) -> None:
        self.timer.stop()
