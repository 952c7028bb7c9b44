"""The project's file: new from a template, open, open recent, save, save as, revert.

Files are read and written only by :mod:`dojo_gui.io.project`; a file that cannot be read
(from Open, Open Recent, Revert, a file dropped on the window or the command line) is
reported with its precise error and the open project is left exactly as it was.  The
window owns one :class:`FileController`; it keeps the recent files and tells the window's
:class:`~.autosave.AutosaveController` which project is open.  Opening a file clears its
folder of the temporary files an interrupted save left there.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu

from ...io.atomic import remove_stale_temporaries
from ...io.catalog import example_path, resource_dir
from ...io.project import ProjectFileError, load
from ...model.specs import RoomSpec
from ...model.templates import TEMPLATES, empty_design
from .files import RecentFiles

if TYPE_CHECKING:
    from .mainwindow import MainWindow


class FileController:
    def __init__(self, window: MainWindow, recent: RecentFiles) -> None:
        self.window = window
        self.recent = recent
        self.actions = {
            "new": window.make_action("&New…", self.new_design, QKeySequence.StandardKey.New, "new",
                                      "A new, empty design: pick its room, then drag parts into it"),
            "open": window.make_action("&Open…", self.open_file, QKeySequence.StandardKey.Open, "open", "Open a project file"),
            "save": window.make_action("&Save", self.save, QKeySequence.StandardKey.Save, "save", "Save the project"),
            "save_as": window.make_action("Save &As…", self.save_as, QKeySequence.StandardKey.SaveAs,
                                          tip="Save the project under a new name"),
            "revert": window.make_action("&Revert", self.revert, None, "revert", "Go back to the saved file"),
        }

    def folder(self) -> str:
        """Where a file dialog starts: the project's folder, else the most recent file's, else home."""
        file_path = self.window.document.file_path
        if file_path is not None:
            return str(file_path.parent)
        recent = self.recent.existing()
        return str(recent[0].parent) if recent else str(Path.home())

    def maybe_save(self) -> bool:
        """Ask to save a modified project; False means the user cancelled."""
        window = self.window
        if not window.document.modified:
            return True
        answer = window.dialogs.ask_save_changes(window, window.document.title())
        if answer == "save":
            return self.save()
        return answer == "discard"

    # ----------------------------------------------------------------- opening
    def open_file(self) -> None:
        if not self.maybe_save():
            return
        path = self.window.dialogs.open_file(self.window, self.folder())
        if path:
            self.open_path(path, asked=True)

    def open_path(self, path: str | os.PathLike, *, asked: bool = False) -> bool:
        """Open a project file into this window; a file that cannot be read changes nothing."""
        window = self.window
        if not asked and not self.maybe_save():
            return False
        try:
            design = load(path)
        except ProjectFileError as exc:
            window.dialogs.show_error(window, "Cannot open the project", str(exc))
            window.show_status(f"Not opened: {exc}", 15000)
            return False
        window.autosave.discard()
        window.document.replace(design, path)
        window.autosave.follow(path)
        self.recent.add(path)
        remove_stale_temporaries([Path(path).parent])
        window.show_status(f"Opened {path}", 5000)
        window.autosave.offer_recovery(only=path)
        return True

    @staticmethod
    def dropped_file(mime: QMimeData | None) -> Path | None:
        """The project file in a drag from outside (a file manager), or None if the drag carries none."""
        if mime is None or not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile() and url.toLocalFile().lower().endswith(".dojo"):
                return Path(url.toLocalFile())
        return None

    def open_example(self, name: str) -> bool:
        """Open a bundled example as an untitled copy, so saving asks where (the package's files stay as they are)."""
        window = self.window
        try:
            design = load(example_path(name))
        except (FileNotFoundError, ProjectFileError) as exc:
            window.dialogs.show_error(window, "Cannot open the example", str(exc))
            return False
        window.autosave.discard()
        window.document.replace(design, None, origin=f"{design.name} example")
        window.autosave.follow(None)
        return True

    def new_design(self) -> None:
        """A design from scratch: the user picks a room, which opens empty."""
        if not self.maybe_save():
            return
        window = self.window
        rooms = sorted((s for s in window.catalog.values() if isinstance(s, RoomSpec)),
                       key=lambda s: (s.vendor.lower(), (s.name or s.id).lower()))
        room_id = window.dialogs.ask_room(window, rooms)
        room = window.catalog.get(room_id) if room_id else None
        if not isinstance(room, RoomSpec):
            return
        window.autosave.discard()
        window.document.replace(empty_design(room, window.catalog), None, origin=f"new in an empty {room.name or room.id}")
        window.autosave.follow(None)
        window.show_status(f"An empty {room.name or room.id}: drag cabinets into it from the palette", 8000)

    def new_from_template(self, name: str) -> None:
        if not self.maybe_save():
            return
        window = self.window
        template = TEMPLATES[name]
        window.autosave.discard()
        window.document.replace(template.make(window.catalog), None, origin=template.title.split(" (")[0])
        window.autosave.follow(None)

    def populate_recent(self, menu: QMenu) -> None:
        """Fill File > Open Recent (as it is about to show)."""
        menu.clear()
        paths = self.recent.existing()
        for path in paths:
            action = menu.addAction(str(path))
            action.triggered.connect(lambda _c=False, p=path: self.open_path(p))
        if not paths:
            menu.addAction("No recent files").setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear the List", self.recent.clear)

    # ----------------------------------------------------------------- saving
    def save(self) -> bool:
        file_path = self.window.document.file_path
        if file_path is None:
            return self.save_as()
        return self._save_to(file_path)

    def save_as(self) -> bool:
        document = self.window.document
        suggested = str(document.file_path or Path(self.folder()) / f"{file_stem(document.design.name)}.dojo")
        path = self.window.dialogs.save_file(self.window, suggested)
        if not path:
            return False
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        window = self.window
        try:
            inside = Path(path).resolve().is_relative_to(resource_dir().resolve())
        except OSError:
            inside = False
        if inside:
            window.dialogs.show_error(window, "Cannot save here", f"{path} is inside dojo-gui's own resources; "
                                      "save the project somewhere of your own.")
            return False
        try:
            window.document.save(path)
        except (OSError, ProjectFileError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            window.dialogs.show_error(window, "Cannot save the project", f"{path}: {reason}")
            return False
        window.autosave.saved(path)
        self.recent.add(path)
        window.update_title()
        window.show_status(f"Saved {path}", 5000)
        return True

    def revert(self) -> None:
        window = self.window
        document = window.document
        path = document.file_path
        if path is None:
            return
        if document.modified and not window.dialogs.confirm(
                window, "Revert", f"Discard your changes and go back to the saved {path.name}?"):
            return
        try:
            design = load(path)
        except ProjectFileError as exc:
            window.dialogs.show_error(window, "Cannot revert", str(exc))
            return
        window.autosave.discard()
        document.replace(design, path)
        window.show_status(f"Reverted to {path}", 5000)


def file_stem(name: str) -> str:
    """A file name for a design called ``name``: letters, digits, - and _, lower case."""
    stem = "".join(c if c.isalnum() or c in "-_ " else "-" for c in (name or "design")).strip().replace(" ", "-")
    return stem.lower() or "design"
