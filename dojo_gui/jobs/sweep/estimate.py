"""How long a sweep will take, from how long the sweeps before it took here.

A variant's cost grows with its work: chips times simulated steps for a thermal run, chips for a
collective or a training run.  After each sweep the seconds per unit of work of its computed
variants are kept (a small JSON file beside the cache); the estimate of the next sweep of the same
kind is its uncached variants' work at that rate, over the workers, plus a cluster's start-up.  Until
a sweep of a kind has run here there is no estimate, and the panel says so.
"""

from __future__ import annotations

import json
import logging
import math
import statistics
from pathlib import Path
from typing import Any

from .cache import default_folder
from .scenario import normalise

log = logging.getLogger(__name__)

LOCAL_START_S = 5.0  # starting a local cluster's workers, as measured by bench/bench_sweep.py
KEEP = 20  # rates kept per kind (the median of them is used)


def work(scenario: dict[str, Any], chips: int) -> float:
    """Units of work of one variant: chips x steps (thermal), chips (comm, train)."""
    data = normalise(scenario)
    if data["kind"] == "thermal":
        return float(chips * max(1.0, data["duration_s"] / data["dt_s"]))
    return float(max(chips, 1))


class Timings:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_folder() / "timings.json"

    def _load(self) -> dict[str, list[float]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {k: [float(x) for x in v] for k, v in data.items() if isinstance(v, list)} if isinstance(data, dict) \
            else {}

    def record(self, kind: str, units: float, walls: list[float]) -> None:
        """Keep the seconds per unit of work of the variants of a sweep (those computed, not cached)."""
        walls = [w for w in walls if w > 0]
        if not walls or units <= 0:
            return
        data = self._load()
        data[kind] = (data.get(kind, []) + [statistics.median(walls) / units])[-KEEP:]
        try:
            from ...io.project import write_atomic

            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(data).encode("utf-8"))
        except OSError as exc:
            log.warning("cannot keep the sweep timings in %s: %s", self.path, exc)

    def estimate_s(self, kind: str, units: float, variants: int, workers: int, local: bool) -> float | None:
        """Wall time of ``variants`` of ``units`` each on ``workers``, or None without a sweep of ``kind`` before."""
        rates = self._load().get(kind)
        if not rates or variants <= 0:
            return None
        per_variant = statistics.median(rates) * units
        return math.ceil(variants / max(workers, 1)) * per_variant + (LOCAL_START_S if local and workers else 0.0)
