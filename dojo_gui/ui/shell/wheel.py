"""The mouse wheel scrolls panels, never a value the user is not editing.

Qt lets the wheel change a combo box or a spin box the pointer merely passes over, so
scrolling down the Simulation panel switched its weather from the design ambient to a
daily curve.  One filter on the application sends the wheel of such a field that does not
have the keyboard focus on to what holds it (the panel's scroll area); once the user has
clicked into the field (or tabbed to it) the wheel steps its value as usual.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox

GUARDED = (QComboBox, QAbstractSpinBox)


class WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Wheel and isinstance(watched, GUARDED) and not watched.hasFocus():
            # Ignored and filtered out: Qt hands an ignored wheel event on to the parent widgets in turn.
            event.ignore()
            return True
        if kind == QEvent.Type.Polish and isinstance(watched, GUARDED) and watched.focusPolicy() == Qt.WheelFocus:
            # Qt gives the wheel's widget the focus before any filter sees the event, when its policy says so.
            watched.setFocusPolicy(Qt.StrongFocus)
        return False


def install_wheel_guard(app: QApplication) -> WheelGuard:
    """Once per application: from now on the wheel changes only a focused combo box or spin box."""
    existing = app.findChild(WheelGuard)
    if existing is not None:
        return existing
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    return guard
