"""What the wheel guard (dojo_gui.ui.shell.wheel) costs the events it sees, and why it watches windows.

N events sent (``QApplication.sendEvent``, the path every Qt event takes through the filters) to a
QObject and to a window, timed bare, with the guard on the application (which would see every
event of the app), and with the guard watching the window (as installed: it sees that window's
input and update requests, nothing sent to widgets); median of 5 runs, per event.

    QT_QPA_PLATFORM=offscreen python bench/bench_events.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SMOKE, repeats

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
N = 2_000 if SMOKE else 100_000


def per_event_s(app, target, event) -> float:
    times = []
    for _ in range(repeats(5)):
        t0 = time.perf_counter()
        for _ in range(N):
            app.sendEvent(target, event)
        times.append((time.perf_counter() - t0) / N)
    return sorted(times)[len(times) // 2]


def main() -> int:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtGui import QWindow
    from PySide6.QtWidgets import QApplication

    from dojo_gui.ui.shell.wheel import WheelGuard

    app = QApplication.instance() or QApplication(sys.argv[:1])
    widget_like, window, event = QObject(), QWindow(), QEvent(QEvent.Type.User)
    guard = WheelGuard(app)
    rows = [("bare", "an object", per_event_s(app, widget_like, event))]
    app.installEventFilter(guard)
    rows.append(("guard on the application", "an object", per_event_s(app, widget_like, event)))
    app.removeEventFilter(guard)
    guard.watch(window)
    rows.append(("guard on the window (as installed)", "an object", per_event_s(app, widget_like, event)))
    rows.append(("guard on the window (as installed)", "the window", per_event_s(app, window, event)))
    print(f"events sent: {N:,} per run, median of {repeats(5)} runs")
    for setup, target, seconds in rows:
        print(f"  {setup:36s} to {target:10s} {seconds * 1e6:7.2f} µs per event")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
