"""Design rules and capacity figures, kept up to date while the user edits.

Every change restarts a short timer; when it fires, a snapshot of the design is checked
on a worker thread (:func:`dojo_gui.jobs.analysis.analyse` takes ~50 ms on the ExaPOD and
~0.5 s on a 30,000-chip room, too long to block typing).  The result comes back to the GUI
thread as one :class:`~dojo_gui.jobs.analysis.Analysis`; a result for an older revision is
dropped and the check runs again.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QRunnable, QThreadPool, QTimer, Signal

from ...jobs.analysis import Analysis, analyse
from ...model.finding_groups import group_findings
from ...model.rules import Finding
from ..project.document import DesignDocument


class _Check(QRunnable):
    """One check on the pool.  A Python subclass, not ``QRunnable.create``: when the pool deletes a
    finished runnable, shiboken learns of it only for a subclass; otherwise the dead wrapper stays
    registered at its address and a later C++ object there (a QAction, say) comes back to Python
    as a "QRunnable"."""

    def __init__(self, work: Callable[[], None]) -> None:
        super().__init__()
        self.work = work

    def run(self) -> None:
        self.work()


class _Bridge(QObject):
    done = Signal(object)  # fires (queued to the GUI thread) when the worker finished an analysis


class Analyzer(QObject):
    sigReady = Signal(object)  # fires on the GUI thread with a fresh Analysis of the current design
    sigBusy = Signal(bool)  # fires when checking starts (True) or the latest result arrived (False)

    def __init__(self, document: DesignDocument, delay_ms: int = 250, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.latest: Analysis | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._bridge = _Bridge(self)
        self._bridge.done.connect(self._on_done)
        self._running = False
        self._running_key: tuple[object, int] | None = None  # the design and revision the running check is of
        self._latest_key: tuple[object, int] | None = None  # and those of ``latest``
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._start)
        document.sigChanged.connect(self.schedule)

    def schedule(self) -> None:
        """Check again after the user paused for ``delay_ms`` (each change restarts the wait)."""
        if self._stopped:
            return
        if self._checked_or_checking():
            return  # nothing changed since the last check, or the check under way is of this revision
        self._timer.start()

    def _checked_or_checking(self) -> bool:
        if self._running:
            return self._running_key == self._key()
        return self.latest is not None and self._latest_key == self._key()

    def _key(self) -> tuple[object, int]:
        """What a check is of: the design (another one after File > Open or New) at its revision."""
        design = self.document.design
        return design, design.revision

    def run_now(self) -> None:
        self._timer.stop()
        self._start()

    @property
    def busy(self) -> bool:
        return self._running or self._timer.isActive()

    def _start(self) -> None:
        if self._stopped:
            return
        if self._running:
            if self._running_key != self._key():
                self._timer.start()  # one at a time: try again once the current one is back
            return
        if self._checked_or_checking():
            return  # a late request (the start's, say) for a revision already checked
        design = self.document.design
        revision = design.revision
        self._running_key = self._key()
        snapshot = design.copy()  # specs are immutable; the tree is copied, so the worker never sees an edit
        self._running = True
        self.sigBusy.emit(True)
        bridge = self._bridge

        def work() -> None:
            result: Analysis | Exception
            try:
                result = analyse(snapshot, revision)
            except Exception as exc:
                result = exc
            bridge.done.emit(result)

        self._pool.start(_Check(work))

    def _on_done(self, result: object) -> None:
        self._running = False
        if isinstance(result, Exception):
            failed = [Finding("error", "internal", (), f"the design rules failed: {result!r}")]
            result = Analysis(self.document.design.revision, failed, {}, groups=group_findings(failed))
        assert isinstance(result, Analysis)
        if self._running_key != self._key():
            self.schedule()  # the design moved on (or was replaced) while we checked
            return
        self.latest, self._latest_key = result, self._running_key
        self.sigBusy.emit(False)
        self.sigReady.emit(result)

    def wait(self, timeout_s: float = 30.0) -> Analysis | None:
        """Block (processing events) until the analysis of the current revision is in; for tests and scripts."""
        deadline = time.monotonic() + timeout_s
        if not self.busy and (self.latest is None or self._latest_key != self._key()):
            self.run_now()
        while time.monotonic() < deadline:
            if self.latest is not None and self._latest_key == self._key() and not self.busy:
                return self.latest
            if self._timer.isActive() and not self._running:
                self.run_now()
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            self._pool.waitForDone(5)
        return None

    def shutdown(self) -> None:
        """Stop checking and wait for a running check (before the window goes away)."""
        self._stopped = True
        self._timer.stop()
        self._pool.waitForDone(30_000)
