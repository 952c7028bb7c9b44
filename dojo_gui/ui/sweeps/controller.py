"""A sweep in the background: a worker on its own QThread runs it, a GUI-side timer drains what it found.

The worker (a QObject without a parent, moved to a QThread) runs
:class:`~dojo_gui.jobs.sweep.runner.SweepRun` on a snapshot of the design, which starts the Dask cluster,
hands out the variants and waits for them; it never touches a widget, it writes each result as it
comes into a :class:`SweepBuffer`.  The :class:`SweepController` on the GUI thread drains the buffer
about ten times a second (``sigResults``, ``sigProgress``), as the live simulation does.  Stop cancels
what has not run (the cluster's workers finish the variant they hold, then the cluster closes).
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from ...jobs.sweep.backends import BackendError, DaskBackend, SerialBackend
from ...jobs.sweep.cache import ResultCache
from ...jobs.sweep.runner import SweepRun
from ...model.design import Design
from ...model.sweep import Sweep, SweepError, VariantResult

log = logging.getLogger(__name__)

TICK_MS = 100


@dataclass
class SweepProgress:
    """Where a sweep is: variants done of all, from the cache, failed, its workers and time left."""

    total: int = 0
    done: int = 0
    cached: int = 0
    failed: int = 0
    workers: int = 0
    left_s: float | None = None
    status: str = "starting"
    dashboard: str | None = None
    where: str = ""


@dataclass
class SweepOutcome:
    status: str  # "finished", "stopped" or "failed"
    results: list[VariantResult] = field(default_factory=list)
    message: str = ""
    wall_s: float = 0.0


class SweepBuffer:
    """What the worker found since the GUI last looked (thread-safe)."""

    def __init__(self, total: int) -> None:
        self._lock = threading.Lock()
        self._results: list[VariantResult] = []
        self.progress = SweepProgress(total)

    def add(self, result: VariantResult, run: SweepRun) -> None:
        p = run.progress
        with self._lock:
            self._results.append(result)
            self.progress.done, self.progress.cached, self.progress.failed = p.done, p.cached, p.failed
            self.progress.left_s = p.left_s()

    def status(self, text: str, **changes: Any) -> None:
        with self._lock:
            self.progress.status = text
            for key, value in changes.items():
                setattr(self.progress, key, value)

    def take(self) -> tuple[list[VariantResult], SweepProgress]:
        with self._lock:
            results, self._results = self._results, []
            snapshot = SweepProgress(**vars(self.progress))
        return results, snapshot


def make_backend(scheduler: str, workers: int | None, on_status: Callable[[str], None]) -> Any:
    """In this process for ``workers`` 0, else on Dask: the cluster at ``scheduler``, or a local one."""
    if workers == 0 and not scheduler:
        return SerialBackend()
    return DaskBackend(scheduler or None, workers or None, on_status=on_status)


class SweepWorker(QObject):
    sigDone = Signal(object)  # fires once, from the worker's thread, when the sweep ended; its SweepOutcome

    def __init__(self, run: SweepRun, buffer: SweepBuffer) -> None:
        super().__init__()  # no parent: it moves to a thread of its own
        self.run_, self.buffer = run, buffer

    @Slot()
    def run(self) -> None:
        started = time.perf_counter()
        run = self.run_
        try:
            results = run.run()
        except (BackendError, SweepError) as exc:
            outcome = SweepOutcome("failed", message=str(exc))
        except Exception as exc:  # a bug must not take the application down
            log.error("the sweep failed:\n%s", traceback.format_exc())
            outcome = SweepOutcome("failed", message=f"The sweep failed unexpectedly ({type(exc).__name__}: {exc}).")
        else:
            outcome = SweepOutcome("stopped" if run.stopped else "finished", results)
        outcome.wall_s = time.perf_counter() - started
        self.sigDone.emit(outcome)


class SweepController(QObject):
    sigStarted = Signal(object)  # fires when a sweep started; the Sweep
    sigResults = Signal(object)  # fires at a tick when variants arrived; the list of VariantResult, in arrival order
    sigProgress = Signal(object)  # fires at every tick of a running sweep; its SweepProgress
    sigEnded = Signal(object)  # fires when a sweep ended, finished, stopped or failed; its SweepOutcome
    sigStateChanged = Signal(str)  # fires when the controller becomes "idle", "running" or "stopping"

    def __init__(self, parent: QObject | None = None, cache: ResultCache | None = None) -> None:
        super().__init__(parent)
        self.cache = cache if cache is not None else ResultCache()
        self.state = "idle"
        self.run: SweepRun | None = None
        self.buffer: SweepBuffer | None = None
        self.worker_thread: QThread | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.drain)

    @property
    def busy(self) -> bool:
        return self.run is not None

    def start(self, design: Design, sweep: Sweep, *, scheduler: str = "", workers: int | None = None) -> bool:
        """Run ``sweep`` on ``design`` (a snapshot nobody else touches); False while another sweep runs.  A bad
        scenario or axis raises :class:`SweepError` here, before anything starts."""
        if self.run is not None:
            return False
        buffer = SweepBuffer(0)
        backend = make_backend(scheduler, workers, buffer.status)
        run = SweepRun(design, sweep, backend, cache=self.cache)
        buffer.progress.total = len(run.variants)
        buffer.progress.where = backend.description
        run.on_result = lambda result: self._on_result(run, buffer, backend, result)
        thread = QThread()
        thread.setObjectName("sweep")
        worker = SweepWorker(run, buffer)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.sigDone.connect(worker.deleteLater)
        # From the worker's thread: queued, so it is handled here on the GUI thread.
        worker.sigDone.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self.run, self.buffer, self.worker_thread, self._worker = run, buffer, thread, worker
        self._set_state("running")
        thread.start()
        self.timer.start()
        self.sigStarted.emit(sweep)
        return True

    @staticmethod
    def _on_result(run: SweepRun, buffer: SweepBuffer, backend: Any, result: VariantResult) -> None:
        buffer.add(result, run)
        buffer.status("running", workers=getattr(backend, "used_workers", 0) or backend.workers,
                      dashboard=backend.dashboard_link)

    def stop(self) -> None:
        """Cancel what has not run (the sweep ends when its workers hand back what they hold)."""
        if self.run is not None and self.state == "running":
            self._set_state("stopping")
            self.run.stop()

    def drain(self) -> None:
        if self.buffer is None:
            self.timer.stop()
            return
        results, progress = self.buffer.take()
        if results:
            self.sigResults.emit(results)
        self.sigProgress.emit(progress)

    def _on_done(self, outcome: SweepOutcome) -> None:
        self.drain()
        if self.worker_thread is not None:
            self.worker_thread.quit()
            self.worker_thread.wait()
        self.run = self.buffer = self.worker_thread = None
        self.timer.stop()
        self._set_state("idle")
        log.info("sweep %s: %s", outcome.status, outcome.message or f"{len(outcome.results)} variants")
        self.sigEnded.emit(outcome)

    def shutdown(self, timeout_ms: int = 60000) -> None:
        """Stop the sweep and wait for it to close its cluster (before the window goes away)."""
        self.timer.stop()
        if self.run is not None:
            self.run.stop()
        if self.worker_thread is not None:
            self.worker_thread.quit()
            if not self.worker_thread.wait(timeout_ms):
                log.error("the sweep did not stop within %d ms", timeout_ms)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.sigStateChanged.emit(state)
