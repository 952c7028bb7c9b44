"""The window's own questions in modal dialogs: which project to open or save to, whether to
save changes, which unsaved work to recover; and the About and shortcuts boxes.

:class:`WindowDialogs` adds them to the questions any part may ask
(:class:`dojo_gui.ui.project.dialogs.Dialogs`); the window hands that one object to every
panel.  Tests pass a subclass with scripted answers, so nothing blocks.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...model.specs import RoomSpec
from ..editor.icons import spec_icon
from ..editor.palette import key_figures
from ..project.dialogs import Dialogs
from .files import Autosave

PROJECT_FILTER = "dojo-gui projects (*.dojo);;All files (*)"


class WindowDialogs(Dialogs):
    def open_file(self, parent: QWidget, folder: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, "Open project", folder, PROJECT_FILTER)
        return path or None

    def save_file(self, parent: QWidget, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, "Save project as", suggested, PROJECT_FILTER)
        if path and not path.endswith(".dojo"):
            path += ".dojo"
        return path or None

    def ask_save_changes(self, parent: QWidget, title: str) -> str:
        """'save', 'discard' or 'cancel'."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes", f"Save the changes to {title}?",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, parent)
        box.setInformativeText("Your changes are lost if you don't save them.")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save", QMessageBox.StandardButton.Discard: "discard"}.get(answer, "cancel")

    def ask_recover(self, parent: QWidget, autosaves: list[Autosave]) -> tuple[str, Autosave | None]:
        """('recover', autosave), ('discard', None) to delete them all, or ('later', None)."""
        dialog = RecoveryDialog(autosaves, parent)
        result = dialog.exec()
        if result == QDialog.DialogCode.Accepted and dialog.choice() is not None:
            return "recover", dialog.choice()
        if dialog.discard_all:
            return "discard", None
        return "later", None

    def ask_room(self, parent: QWidget, rooms: list[RoomSpec]) -> str | None:
        """The id of the room a new design starts from, or None (cancelled)."""
        dialog = RoomDialog(rooms, parent)
        return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def show_about(self, parent: QWidget, text: str) -> None:
        QMessageBox.about(parent, "About dojo-gui", text)

    def show_shortcuts(self, parent: QWidget, rows: list[tuple[str, str]]) -> None:
        ShortcutsDialog(rows, parent).exec()


class RecoveryDialog(QDialog):
    """Lists autosaves with unsaved work; the user recovers one, discards them, or decides later."""

    def __init__(self, autosaves: list[Autosave], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Recover unsaved work")
        self.setObjectName("recoveryDialog")
        self.discard_all = False
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("dojo-gui found work that was not saved when it last closed:"))
        layout.addWidget(QLabel("Later keeps it to be offered again at the next start."))
        self.list = QListWidget()
        self.list.setObjectName("recoveryList")
        for autosave in autosaves:
            item = QListWidgetItem(autosave.describe())
            item.setData(Qt.ItemDataRole.UserRole, autosave)
            item.setToolTip(autosave.describe())
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        # Wide enough for the whole line (a file's path is most of it), up to most of a small screen.
        widest = max(self.list.fontMetrics().horizontalAdvance(a.describe()) for a in autosaves)
        self.list.setMinimumWidth(min(widest + 40, 1000))
        layout.addWidget(self.list)
        buttons = QDialogButtonBox()
        recover = buttons.addButton("Recover", QDialogButtonBox.ButtonRole.AcceptRole)
        recover.setObjectName("recoverButton")
        recover.setDefault(True)  # Enter recovers the work selected in the list
        discard = buttons.addButton("Discard all", QDialogButtonBox.ButtonRole.DestructiveRole)
        discard.setObjectName("discardAllButton")
        buttons.addButton("Later", QDialogButtonBox.ButtonRole.RejectRole).setObjectName("laterButton")
        recover.clicked.connect(self.accept)
        discard.clicked.connect(self._discard)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _discard(self) -> None:
        self.discard_all = True
        self.reject()

    def choice(self) -> Autosave | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None


class RoomDialog(QDialog):
    """File > New: which room the new design starts from (empty; its parts are dragged in from the palette)."""

    def __init__(self, rooms: list[RoomSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newDesignDialog")
        self.setWindowTitle("New design")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Start from an empty room; drag cabinets, tiles and chips into it from the palette.\n"
                                "(File > New from Template opens a design that is already built.)"))
        self.list = QListWidget()
        self.list.setObjectName("roomList")
        for room in rooms:
            item = QListWidgetItem(spec_icon(room), f"{room.name or room.id}\n{key_figures(room)}")
            item.setData(Qt.ItemDataRole.UserRole, room.id)
            item.setToolTip(room.description)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(460, 320)

    def choice(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None


class ShortcutsDialog(QDialog):
    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(520, 560)
        layout = QVBoxLayout(self)
        table = QTableWidget(len(rows), 2)
        table.setHorizontalHeaderLabels(["Action", "Shortcut"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, (action, keys) in enumerate(rows):
            table.setItem(r, 0, QTableWidgetItem(action))
            table.setItem(r, 1, QTableWidgetItem(keys))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def shortcut_text(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)
