"""Shared helpers for the benchmarks: medians of repeated runs and peak memory of one case."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

# DOJO_BENCH_SMOKE=1 runs every benchmark at tiny sizes with one repetition: the suite does that
# (tests/test_bench_smoke.py) so the scripts cannot rot; the figures it prints mean nothing.
SMOKE = os.environ.get("DOJO_BENCH_SMOKE") == "1"


def repeats(n: int) -> int:
    """How many times to repeat a measurement: ``n``, or once in a smoke run."""
    return 1 if SMOKE else n


def big_room() -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Tile, cabinet and room grids of the large case: ten ExaPODs (30,000 D1), two tiles in a smoke run."""
    return ((5, 5), (1, 2), (1, 1)) if SMOKE else ((5, 5), (2, 6), (10, 10))


def median_time(fn: Callable[[], object], repeat: int = 5) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats(repeat)):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def median_of(runs: list[dict], key: str) -> float:
    """The median of one figure over the fresh processes of a case."""
    return statistics.median(r[key] for r in runs)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_isolated(script: str, case: str) -> dict:
    """Run ``script --case CASE`` in a fresh interpreter (so peak memory is this case alone); it prints JSON."""
    out = subprocess.run([sys.executable, script, "--case", case], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])
