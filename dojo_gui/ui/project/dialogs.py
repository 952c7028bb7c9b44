"""The questions any part of the window may ask in a modal dialog, behind one seam.

No widget calls QFileDialog or QMessageBox itself; it asks the :class:`Dialogs` it was
given (the window's, :class:`dojo_gui.ui.shell.dialogs.WindowDialogs`, which adds the
window's own questions).  Tests pass a subclass with scripted answers, so nothing blocks.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


class Dialogs:
    def open_data_file(self, parent: QWidget, title: str, folder: str, file_filter: str) -> str | None:
        """A file to read that is not a project (a utilization trace, an ambient curve)."""
        path, _ = QFileDialog.getOpenFileName(parent, title, folder, file_filter)
        return path or None

    def export_file(self, parent: QWidget, suggested: str, file_filter: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, "Export", suggested, file_filter)
        return path or None

    def show_error(self, parent: QWidget, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, parent)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.exec()

    def confirm(self, parent: QWidget, title: str, text: str) -> bool:
        return QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                    QMessageBox.StandardButton.No) == QMessageBox.StandardButton.Yes
