"""Shared helpers for the benchmarks: medians of repeated runs and peak memory of one case."""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from typing import Callable


def median_time(fn: Callable[[], object], repeat: int = 5) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_isolated(script: str, case: str) -> dict:
    """Run ``script --case CASE`` in a fresh interpreter (so peak memory is this case alone); it prints JSON."""
    out = subprocess.run([sys.executable, script, "--case", case], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])
