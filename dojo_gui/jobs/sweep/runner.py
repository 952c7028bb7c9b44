"""Running a sweep: variants prepared one by one, served from the cache or sent to a backend, results as they come.

:class:`SweepRun` prepares each variant (:func:`dojo_gui.model.variants.apply_variant`, the design as
the text of its project file, the scenario with the variant's options), looks it up in the
:class:`~.cache.ResultCache`, and hands the rest to a backend (:mod:`.backends`), a bounded number at
a time so that a large sweep never holds every variant's design in memory.  Each result arrives as a
:class:`~dojo_gui.model.sweep.VariantResult` with the economics derived (:func:`.figures.derive`), in
the order they finish, through ``on_result`` (called on the thread that runs the sweep); ``run``
returns them all in variant order.  :meth:`SweepRun.stop` may be called from any thread: what has not
run is cancelled and reported as such.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ...model.design import Design
from ...model.sweep import Sweep, SweepError, VariantResult
from ...model.variants import apply_variant
from .cache import ResultCache, variant_key
from .figures import derive
from .scenario import check, normalise

IN_FLIGHT_PER_WORKER = 4  # variants handed out per worker before waiting for one to finish


@dataclass
class Task:
    index: int
    variant: dict[str, Any]
    design_json: str
    scenario: dict[str, Any]
    key: str


def design_text(design: Design) -> str:
    """The design as the compact, canonical text of its project file (without its runs and sweeps)."""
    from ...io.project import to_document

    doc = to_document(design)
    doc["runs"], doc["sweeps"] = [], []
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def design_digest(design: Design) -> str:
    """What a sweep's results were computed on, to tell when the design has changed since."""
    return hashlib.sha256(design_text(design).encode()).hexdigest()[:16]


@dataclass
class Progress:
    total: int
    done: int = 0
    cached: int = 0
    failed: int = 0
    started: float = 0.0

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0

    def left_s(self, now: float | None = None) -> float | None:
        """Wall time left at the pace of the variants computed so far (cached ones cost nothing)."""
        computed = self.done - self.cached
        if computed <= 0:
            return None
        elapsed = (time.monotonic() if now is None else now) - self.started
        return elapsed / computed * (self.total - self.done)


class SweepRun:
    """One run of a sweep on a backend; ``on_result`` gets each variant's result as it arrives."""

    def __init__(self, design: Design, sweep: Sweep, backend: Any, *, cache: ResultCache | None = None,
                 on_result: Callable[[VariantResult], None] | None = None) -> None:
        self.design, self.sweep, self.backend, self.cache = design, sweep, backend, cache
        self.on_result = on_result or (lambda _r: None)
        self.scenario = check(sweep.scenario)  # a bad scenario stops the sweep before it starts
        self.variants = sweep.variants()
        self.progress = Progress(len(self.variants))
        self.results: dict[int, VariantResult] = {}
        self._stop = threading.Event()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def stop(self) -> None:
        """Cancel what has not run (from any thread)."""
        self._stop.set()
        self.backend.cancel()

    def tasks(self) -> Iterator[Task | VariantResult]:
        """Each variant ready to run, or a failed result for one that cannot even be built."""
        for index, variant in enumerate(self.variants):
            try:
                design, options = apply_variant(self.design, self.sweep.axes, variant)
                scenario = normalise(self.scenario, options)
                text = design_text(design)
            except SweepError as exc:
                yield VariantResult(index, variant, "failed", error=str(exc))
                continue
            yield Task(index, variant, text, scenario, variant_key(text, scenario))

    def run(self) -> list[VariantResult]:
        """Every variant's result, in variant order (variants not reached after a stop are "cancelled")."""
        self.progress.started = time.monotonic()
        started = False  # the backend starts with the first variant the cache does not have
        limit = 1
        try:
            for item in self.tasks():
                if self.stopped:
                    break
                if isinstance(item, VariantResult):
                    self._emit(item)
                    continue
                cached = self.cache.get(item.key) if self.cache is not None else None
                if cached is not None:
                    self._emit(self._result(item, cached, cached=True))
                    continue
                if not started:
                    self.backend.start()
                    started = True
                    limit = max(1, self.backend.workers) * IN_FLIGHT_PER_WORKER
                    if self.stopped:  # stopped while the cluster was starting
                        break
                self.backend.submit(item)
                self._collect(block=self.backend.pending >= limit)
            while self.backend.pending:
                if self.stopped:
                    self.backend.cancel()
                self._collect(block=True)
        finally:
            self.backend.close()
        for index, variant in enumerate(self.variants):
            if index not in self.results:
                self._emit(VariantResult(index, variant, "cancelled", error="stopped before it ran"))
        return [self.results[i] for i in range(len(self.variants))]

    def _collect(self, block: bool) -> None:
        for task, record in self.backend.completed(block):
            if self.cache is not None and record.get("status") == "ok":
                self.cache.put(task.key, record)
            self._emit(self._result(task, record))

    def _result(self, task: Task, record: dict[str, Any], cached: bool = False) -> VariantResult:
        status = record.get("status", "failed")
        if status != "ok":
            return VariantResult(task.index, task.variant, status, error=str(record.get("error", "")),
                                 wall_s=float(record.get("wall_s", 0.0)))
        figures = derive(record["figures"], self.scenario["kind"], self.sweep.economics)
        return VariantResult(task.index, task.variant, "ok", figures, cached=cached,
                             wall_s=0.0 if cached else float(record.get("wall_s", 0.0)),
                             cpu_s=0.0 if cached else float(record.get("cpu_s", 0.0)))

    def _emit(self, result: VariantResult) -> None:
        self.results[result.index] = result
        p = self.progress
        p.done += 1
        p.cached += result.cached
        p.failed += result.status == "failed"
        self.on_result(result)


def finish(sweep: Sweep, design: Design, results: list[VariantResult]) -> Sweep:
    """The sweep with these results, the design they were computed on and when."""
    from dataclasses import replace

    return replace(sweep, results=list(results), design_digest=design_digest(design),
                   finished=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))


def reprice(sweep: Sweep, economics: Any) -> Sweep:
    """The sweep's results priced with other economics (nothing runs again)."""
    from dataclasses import replace

    kind = normalise(sweep.scenario)["kind"]
    results = [replace(r, figures=derive(r.figures, kind, economics)) if r.status == "ok" else r
               for r in sweep.results]
    return replace(sweep, economics=economics, results=results)
