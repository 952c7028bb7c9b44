"""Where variants run: in this process one after another, or on a Dask cluster.

:class:`DaskBackend` starts a ``LocalCluster`` of worker processes on 127.0.0.1 (as many as the
machine has cores, one thread each: the engines are numpy and hold the GIL between calls) or joins an
existing cluster at a scheduler address (``tcp://HOST:8786``).  It hands out one task per variant,
collects them as they finish (``as_completed``), cancels what has not run when asked, and closes
what it started — the workers of a local cluster too — however the sweep ends.  A worker that dies
mid-task has its task run again on another (Dask's own rescheduling), so no variant is lost.
:class:`SerialBackend` runs the same task function in this process, for small sweeps, the tests and
the benchmark's baseline.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import signal
import threading
from collections.abc import Callable
from typing import Any

from .evaluate import run_variant

log = logging.getLogger(__name__)

Done = tuple[Any, dict[str, Any]]  # (the task it was given, the record run_variant returned)


class BackendError(RuntimeError):
    """A cluster that cannot be started or reached, in words."""


class SerialBackend:
    """Every variant in this process, in order."""

    workers = used_workers = 1
    dashboard_link: str | None = None
    description = "in this process"

    def __init__(self) -> None:
        self._done: list[Done] = []

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    def submit(self, task: Any) -> None:
        self._done.append((task, run_variant(task.design_json, task.scenario)))

    def completed(self, block: bool) -> list[Done]:
        done, self._done = self._done, []
        return done

    @property
    def pending(self) -> int:
        return 0

    def cancel(self) -> None:
        pass


def _ignore_sigint() -> Any:
    try:
        return signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: there is no Ctrl-C to keep from the workers
        return None


def _restore_sigint(previous: Any) -> None:
    if previous is not None:
        signal.signal(signal.SIGINT, previous)


def has_dashboard() -> bool:
    """Whether the Dask dashboard can be served here (it needs bokeh)."""
    return importlib.util.find_spec("bokeh") is not None


class DaskBackend:
    """Variants as Dask tasks, on a local cluster started here or on an existing one."""

    def __init__(self, scheduler: str | None = None, workers: int | None = None, *,
                 on_status: Callable[[str], None] | None = None) -> None:
        self.scheduler = scheduler or None
        self.requested_workers = workers
        self.on_status = on_status or (lambda _text: None)
        self.client: Any = None
        self.cluster: Any = None
        self._futures: dict[str, tuple[Any, Any]] = {}  # key -> (future, task)
        self._lock = threading.Lock()
        self._as_completed: Any = None
        self._number = 0
        self.used_workers = 0  # the most workers seen while the sweep ran

    # ------------------------------------------------------------------ the cluster
    def start(self) -> None:
        try:
            dd: Any = importlib.import_module("distributed")
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise BackendError(f"Dask is not installed ({exc}); pip install 'dask[distributed]'") from None
        try:
            if self.scheduler:
                self.on_status(f"connecting to the Dask scheduler at {self.scheduler}")
                self.client = dd.Client(self.scheduler, timeout="10s", set_as_default=False)
            else:
                n = self.requested_workers or os.cpu_count() or 1
                self.on_status(f"starting {n} local worker{'s' if n != 1 else ''}")
                # The workers ignore Ctrl-C (a disposition a spawned process keeps): at a terminal it reaches the
                # whole process group, and it is for this process to stop the sweep and close the cluster.
                # Nor do they profile themselves: sampling the task's stack every 10 ms takes the GIL from it.
                previous = _ignore_sigint()
                try:
                    with importlib.import_module("dask").config.set({"distributed.worker.profile.enabled": False}):
                        self.cluster = dd.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                                       host="127.0.0.1",
                                                       # Its HTTP server always runs (the dashboard too with
                                                       # bokeh): on a free port, never a fixed one another has.
                                                       dashboard_address="127.0.0.1:0",
                                                       silence_logs=logging.ERROR)
                finally:
                    _restore_sigint(previous)
                self.client = dd.Client(self.cluster, set_as_default=False)
        except OSError as exc:
            self.close()
            where = f"the Dask scheduler at {self.scheduler}" if self.scheduler else "a local Dask cluster"
            raise BackendError(f"cannot reach {where}: {exc}") from None
        self._as_completed = dd.as_completed(loop=self.client.loop)

    def close(self) -> None:
        """Close the client and, for a local cluster, stop its workers and scheduler."""
        client, cluster, self.client, self.cluster = self.client, self.cluster, None, None
        for thing in (client, cluster):
            if thing is not None:
                try:
                    thing.close()
                except Exception as exc:  # closing must go on to the next
                    log.warning("closing %s: %s", type(thing).__name__, exc)

    @property
    def workers(self) -> int:
        if self.client is None:
            return 0
        try:
            count = len(self.client.scheduler_info().get("workers", {}))
        except Exception:  # a scheduler that went away has no workers
            return 0
        self.used_workers = max(self.used_workers, count)
        return count

    @property
    def dashboard_link(self) -> str | None:
        if self.client is None or (self.cluster is not None and not has_dashboard()):
            return None
        try:
            return str(self.client.dashboard_link)
        except Exception:  # no dashboard
            return None

    @property
    def description(self) -> str:
        return f"on the Dask cluster at {self.scheduler}" if self.scheduler else "on a local Dask cluster"

    # ------------------------------------------------------------------ tasks
    def submit(self, task: Any) -> None:
        self._number += 1
        future = self.client.submit(run_variant, task.design_json, task.scenario, pure=False,
                                    key=f"dojo-variant-{task.index}-{task.key[:12]}-{id(self):x}-{self._number}")
        with self._lock:
            self._futures[future.key] = (future, task)
        self._as_completed.add(future)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._futures)

    def completed(self, block: bool) -> list[Done]:
        """The variants that ended since the last call; with ``block`` wait for at least one (if any is running)."""
        if self.pending == 0:
            return []
        out = []
        for future in self._as_completed.next_batch(block=block):
            with self._lock:
                _future, task = self._futures.pop(future.key)
            out.append((task, self._record(future)))
            future.release()
        return out

    @staticmethod
    def _record(future: Any) -> dict[str, Any]:
        if future.status == "cancelled":
            return {"status": "cancelled", "error": "stopped before it ran"}
        if future.status == "error":
            exc = future.exception()
            name = type(exc).__name__
            why = ("the workers that ran it died" if name == "KilledWorker" else f"{name}: {exc}")
            return {"status": "failed", "error": why}
        return dict(future.result())

    def cancel(self) -> None:
        """Cancel every variant that has not finished (thread-safe: Stop comes from another thread)."""
        with self._lock:
            futures = [f for f, _task in self._futures.values()]
        if futures and self.client is not None:
            self.client.cancel(futures)
