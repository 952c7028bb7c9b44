"""The wheel guard: the wheel changes a combo box or spin box only when it has the keyboard focus.

Here the wheel is sent to the window, as the window system sends it; that Qt then hands the
refused wheel on to the panel around the field is what the real-window test shows
(tests/xwindow/test_wheel.py), spin boxes too (the wheel lands on a spin box's line edit, which
passes it up): Qt passes a wheel up to the parents only when it came from the window system.
"""

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QSpinBox, QVBoxLayout, QWidget

from dojo_gui.ui.shell.wheel import install_wheel_guard


def wheel_down_over(widget) -> QWheelEvent:
    """A wheel notch down with the pointer on ``widget``, sent to its window."""
    window = widget.window().windowHandle()
    at = widget.mapTo(widget.window(), widget.rect().center())
    event = QWheelEvent(QPointF(at), QPointF(widget.mapToGlobal(widget.rect().center())), QPoint(), QPoint(0, -120),
                        Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(window, event)
    return event


def test_the_wheel_changes_a_field_only_once_it_has_the_focus(qtbot, qapp):
    guard = install_wheel_guard(qapp)
    assert install_wheel_guard(qapp) is guard  # one per application
    panel = QWidget()
    combo, spin = QComboBox(), QSpinBox()
    combo.addItems(["design ambient", "constant", "daily curve"])
    spin.setRange(0, 10)
    spin.setValue(5)
    layout = QVBoxLayout(panel)
    layout.addWidget(combo)
    layout.addWidget(spin)
    qtbot.addWidget(panel)
    panel.setMinimumSize(240, 120)  # (a size of its own: the offscreen platform cannot take size hints)
    panel.show()
    qtbot.waitExposed(panel)
    guard.watch(panel.windowHandle())  # (what gaining the focus does in the app)

    for widget in (combo, spin):
        wheel_down_over(widget)
    assert combo.currentIndex() == 0 and spin.value() == 5
    # Qt would have given them the focus on the wheel (their default policy); the guard took that away.
    assert combo.focusPolicy() == Qt.StrongFocus and spin.focusPolicy() == Qt.StrongFocus
    assert not combo.hasFocus() and not spin.hasFocus()

    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    wheel_down_over(combo)
    assert combo.currentIndex() == 1
