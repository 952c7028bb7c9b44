"""The application's wheel guard: the wheel changes a combo box or spin box only when it has the keyboard focus."""

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QSpinBox, QVBoxLayout, QWidget


def wheel_down(widget) -> QWheelEvent:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(), QPoint(0, -120),
                        Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)
    return event


def test_the_wheel_changes_a_field_only_once_it_has_the_focus(qtbot, qapp):
    panel = QWidget()
    combo, spin = QComboBox(), QSpinBox()
    combo.addItems(["design ambient", "constant", "daily curve"])
    spin.setRange(0, 10)
    layout = QVBoxLayout(panel)
    layout.addWidget(combo)
    layout.addWidget(spin)
    qtbot.addWidget(panel)
    panel.setMinimumSize(240, 120)  # (a size of its own: the offscreen platform cannot take size hints)
    spin.setValue(5)
    panel.show()
    qtbot.waitExposed(panel)
    # Qt would give these the focus on a wheel event (their default policy); the guard takes that away.
    assert combo.focusPolicy() == Qt.StrongFocus and spin.focusPolicy() == Qt.StrongFocus

    for widget in (combo, spin):
        event = wheel_down(widget)
        assert not event.isAccepted()  # left for the panel around them
    assert combo.currentIndex() == 0 and spin.value() == 5

    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    wheel_down(combo)
    assert combo.currentIndex() == 1
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    wheel_down(spin)
    assert spin.value() == 4
