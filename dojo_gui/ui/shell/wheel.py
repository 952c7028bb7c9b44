"""The mouse wheel scrolls panels, never a value the user is not editing.

Qt lets the wheel change a combo box or a spin box the pointer merely passes over (and gives
it the focus on the way), so scrolling down the Simulation panel switched its weather from
the design ambient to a daily curve.  One guard, on every window of the application, sees
the wheel before Qt hands it to a widget: headed for such a field without the keyboard focus,
the field is told to refuse it, and Qt hands the refused wheel on to what holds the field
(the panel's scroll area).  Once the user has clicked into the field (or tabbed to it) the
wheel steps its value as usual.

The guard watches the windows, not the application: an application filter would run Python
for every event the app dispatches (see bench/bench_events.py); a window sees its input and
little else, and a field is watched only from the first wheel that comes its way.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication, QWheelEvent, QWindow
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

GUARDED = (QComboBox, QAbstractSpinBox)
REFUSED = "_dojo_wheel_guarded"  # property of a field the guard watches


class WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel:
            return False
        if isinstance(watched, QWindow):
            assert isinstance(event, QWheelEvent)
            self._arm(QApplication.widgetAt(event.globalPosition().toPoint()))
            return False
        if isinstance(watched, GUARDED) and not watched.hasFocus():
            # Ignored and filtered out: Qt hands an ignored wheel event on to the parent widgets in turn.
            event.ignore()
            return True
        return False

    def _arm(self, widget: QWidget | None) -> None:
        """Watch the field under the pointer (a spin box's line edit stands for its spin box)."""
        for _ in range(3):
            if widget is None or isinstance(widget, GUARDED):
                break
            widget = widget.parentWidget()
        if not isinstance(widget, GUARDED) or widget.property(REFUSED):
            return
        if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Qt would focus it before any filter sees the wheel
        widget.installEventFilter(self)
        widget.setProperty(REFUSED, True)

    def watch(self, window: QWindow | None) -> None:
        if window is not None:
            window.installEventFilter(self)  # (installing it twice keeps one)


def install_wheel_guard(app: QCoreApplication) -> WheelGuard:
    """Once per application: from now on the wheel changes only a focused combo box or spin box."""
    existing = app.findChild(WheelGuard)
    if existing is not None:
        return existing
    guard = WheelGuard(app)
    for window in QGuiApplication.topLevelWindows():
        guard.watch(window)
    # Every window the user works in gains the focus at some point; that is where the guard joins it.
    cast(QGuiApplication, app).focusWindowChanged.connect(guard.watch)
    return guard
