"""Simulations in the background: a worker on its own QThread, a GUI-side controller draining its results.

:class:`SimulationWorker` is a QObject without a parent, moved to a QThread of its own; it
runs one job (:func:`dojo_gui.jobs.live.execute`) on a snapshot of the design and never
touches a widget: it writes into a :class:`~dojo_gui.jobs.live.LiveBuffer`.  The
:class:`SimulationController` lives on the GUI thread: a ~30 Hz timer drains the buffer and
hands each batch to the views (``sigUpdate``), and it starts, pauses, resumes and stops runs.

Any exception in an engine (BaseException included) ends the run with a message (``sigEnded``
with a failed outcome) and a log entry with the traceback; the application goes on.  Stop ends a run within a
slice of the engine (tens of milliseconds); should an engine be inside a step it cannot
leave (building a large schedule), the run is ended for the user at once and its thread
left to finish in the background, its late results ignored.
"""

from __future__ import annotations

import itertools
import logging
import time
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from ...jobs.live import CommTimeCache, Control, Job, LiveBuffer, Outcome, execute
from ...model.design import Design
from ..project.document import DesignDocument

log = logging.getLogger(__name__)

TICK_MS = 33  # the GUI drains the buffer about 30 times a second
STOP_GRACE_MS = 150  # a stopped run whose engine has not come back by then is ended for the user anyway


class SimulationWorker(QObject):
    sigDone = Signal(int, object)  # fires once, from the worker's thread, when the job ended; run number, Outcome

    def __init__(self, number: int, job: Job, design: Design, revision: int, buffer: LiveBuffer, control: Control,
                 cache: CommTimeCache) -> None:
        super().__init__()  # no parent: it moves to a thread of its own
        self.number = number
        self.job, self.design, self.revision = job, design, revision
        self.buffer, self.control, self.cache = buffer, control, cache

    @Slot()
    def run(self) -> None:
        try:
            outcome = execute(self.job, self.design, self.revision, self.buffer, self.control, self.cache)
        # Anything at all: a KeyboardInterrupt or SystemExit an engine raises here would otherwise leave the
        # run "running" and this thread alive, and Qt aborts the process when it destroys a running thread.
        except BaseException as exc:  # a bug in an engine must not take the application down
            detail = traceback.format_exc()
            log.error("the simulation %s failed:\n%s", self.job.describe(), detail)
            outcome = Outcome("failed", self.job, self.revision,
                              message=f"The simulation failed unexpectedly ({type(exc).__name__}: {exc}).",
                              detail=detail)
        else:
            if outcome.status == "failed":
                log.warning("the simulation %s failed: %s", self.job.describe(), outcome.message)
        self.sigDone.emit(self.number, outcome)


class _Run:
    """One started job: its thread, worker, buffer and control."""

    def __init__(self, number: int, job: Job, thread: QThread, worker: SimulationWorker, buffer: LiveBuffer,
                 control: Control) -> None:
        self.number, self.job, self.thread, self.worker, self.buffer, self.control = \
            number, job, thread, worker, buffer, control
        self.started = time.monotonic()
        self.stop_requested: float | None = None


class SimulationController(QObject):
    sigStarted = Signal(object)  # fires when a run started; its job
    sigUpdate = Signal(object)  # fires at every tick of a run with what arrived since the last (a LiveUpdate)
    sigEnded = Signal(object)  # fires when a run ended, finished, stopped or failed; its Outcome
    sigStateChanged = Signal(str)  # fires when the controller becomes "idle", "running" or "paused"
    sigStaleChanged = Signal(bool)  # fires when the shown results become stale (the design was edited) or current

    def __init__(self, document: DesignDocument, log_file: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.cache = CommTimeCache()
        self.state = "idle"
        self.current: _Run | None = None
        self.latest: Outcome | None = None  # the last run that ended
        self.results_revision: int | None = None  # content revision of the results on show
        self.stale = False
        self.log_file = log_file  # where a failed run's traceback is, for its message (None: not in a file)
        self._threads: dict[int, _Run] = {}  # every run whose thread has not finished yet
        self._numbers = itertools.count(1)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.drain)
        document.sigChanged.connect(self._check_stale)

    # ----------------------------------------------------------------- commands
    @property
    def busy(self) -> bool:
        return self.current is not None

    def start(self, job: Job) -> bool:
        """Run ``job`` on a snapshot of the design as it is now; False if a run is already going."""
        if self.current is not None:
            return False
        design = self.document.design.copy()  # the worker's own: edits from now on do not reach it
        revision = self.document.content_revision
        buffer, control = LiveBuffer(), Control()
        thread = QThread()
        thread.setObjectName("simulation")
        number = next(self._numbers)
        worker = SimulationWorker(number, job, design, revision, buffer, control, self.cache)
        worker.moveToThread(thread)
        run = _Run(number, job, thread, worker, buffer, control)
        thread.started.connect(worker.run)
        # The worker is deleted here on the GUI thread once its thread has finished (_reap), never in its
        # own thread: destroying a Python-made QObject there makes Qt ask Python about it (for the GIL)
        # while holding one of its shared connection locks, and the GUI thread, holding the GIL, can be
        # waiting for that same lock (any connect may hash to it): both threads then wait for ever.
        # Both come from the worker's thread: queued, so the slots run here on the GUI thread.
        worker.sigDone.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        thread.finished.connect(self._reap, Qt.ConnectionType.QueuedConnection)
        self._threads[run.number] = run
        self.current = run
        self.results_revision = revision
        self._set_stale(False)
        self._set_state("running")
        log.info("started %s (revision %d)", job.describe(), revision)
        thread.start()
        self.timer.start()
        self.sigStarted.emit(job)
        return True

    def threads_running(self) -> int:
        """How many runs' threads have not finished (a stopped run's engine may still be winding down)."""
        return sum(1 for run in self._threads.values() if not run.thread.isFinished())

    def pause(self) -> None:
        if self.current is not None and self.state == "running":
            self.current.control.pause()
            self._set_state("paused")

    def resume(self) -> None:
        if self.current is not None and self.state == "paused":
            self.current.control.resume()
            self._set_state("running")

    def stop(self) -> None:
        """End the run: at the engine's next check (tens of milliseconds), and for the user at the latest
        after STOP_GRACE_MS even if the engine is in a step it cannot leave."""
        run = self.current
        if run is None or run.stop_requested is not None:
            return
        run.stop_requested = time.monotonic()
        run.control.stop()
        QTimer.singleShot(STOP_GRACE_MS, self, lambda n=run.number: self._give_up(n))

    def discard(self) -> None:
        """Stop the run and drop what it computed (its design is gone): the run ends now, without results,
        and its engine stops in the background."""
        run = self.current
        if run is not None:
            run.control.stop()
            self._end(Outcome("stopped", run.job, self.results_revision or 0,
                              message="discarded: another design was opened"))
        self.forget()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop everything and wait for the threads (before the window goes away)."""
        self.timer.stop()
        for run in list(self._threads.values()):
            run.control.stop()
        for number, run in list(self._threads.items()):
            run.thread.quit()
            if run.thread.wait(timeout_ms):
                del self._threads[number]
            else:  # kept referenced: destroying a running QThread would abort the process
                log.error("the simulation %s did not stop within %d ms", run.job.describe(), timeout_ms)
        self.current = None

    # ----------------------------------------------------------------- the GUI tick
    def drain(self) -> None:
        """Hand what the worker published since the last tick to the views."""
        run = self.current
        if run is None:
            self.timer.stop()
            return
        self.sigUpdate.emit(run.buffer.take())

    def _on_done(self, number: int, outcome: Outcome) -> None:
        finished = self._threads.get(number)
        if finished is not None:
            finished.thread.quit()  # its event loop ends; the thread finishes and is reaped
        run = self.current
        if run is None or run.number != number:
            return  # a run the user already left (stopped while its engine could not listen)
        self.drain()  # the last frames before the end
        self._end(outcome)

    def _give_up(self, number: int) -> None:
        run = self.current
        if run is None or run.number != number:
            return
        log.info("the stopped run %s is still busy; left to finish in the background", run.job.describe())
        self.drain()
        self._end(Outcome("stopped", run.job, self.results_revision or 0,
                          message="stopped before its engine could hand back a result"))

    def _end(self, outcome: Outcome) -> None:
        self.current = None
        self.timer.stop()
        self.latest = outcome
        self._set_state("idle")
        log.info("%s: %s%s", outcome.status, outcome.job.describe(), f" ({outcome.message})" if outcome.message else "")
        self.sigEnded.emit(outcome)
        self._check_stale()

    def _reap(self) -> None:
        """Let go of the threads that have finished."""
        for number, run in list(self._threads.items()):
            if run.thread.isFinished():
                # The worker and the thread (both ours, without a parent) go with their last references,
                # here on the GUI thread, now that nothing runs in that thread.
                del self._threads[number]

    # ----------------------------------------------------------------- state
    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.sigStateChanged.emit(state)

    def _check_stale(self) -> None:
        if self.results_revision is not None:
            self._set_stale(self.document.content_revision != self.results_revision)

    def _set_stale(self, stale: bool) -> None:
        if stale != self.stale:
            self.stale = stale
            self.sigStaleChanged.emit(stale)

    def forget(self) -> None:
        """No results are on show any more (another design was opened)."""
        self.results_revision = None
        self.latest = None
        self._set_stale(False)
