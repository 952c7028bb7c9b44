"""Python's cyclic garbage collector, run on the GUI thread only.

Left to itself the collector runs in whichever thread happens to allocate when a
generation fills up -- in this app often a simulation or design-check thread.  If the
garbage it finds holds Qt objects (a closed window's widgets in a reference cycle), their
C++ destructors then run on that thread, while the GUI thread may be destroying widgets
of its own: the two wait for each other's locks (Qt's and the GIL) and the app hangs.
So automatic collection is switched off and a GUI timer collects instead, generation by
generation with Python's own thresholds, as the automatic collector would have.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.collections = 0
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> None:
        """Collect the generations that are over their threshold (the youngest first, as gc would)."""
        counts = gc.get_count()
        generation = -1
        for g in range(3):
            if counts[g] > self.thresholds[g]:
                generation = g
            else:
                break
        if generation >= 0:
            gc.collect(generation)
            self.collections += 1


def install_gui_thread_collector(app: QObject) -> GuiThreadCollector:
    """Once per application: collect garbage on its thread from now on."""
    existing = app.findChild(GuiThreadCollector)
    return existing if existing is not None else GuiThreadCollector(app)
