"""Fuzz the project loader and the commands after it: 10,000 mutated project files (issue 14).

Every case (bench/_fuzz_cases.py: truncations, byte flips, wrong types, huge and non-finite
numbers, deep nesting, huge grids, unicode, missing and extra keys, versions) is written to
a file and put through info, info --json, validate and validate --json.  Targets: no
exception other than the project's own error, every refusal names its place, no case over
5 s or 1 GB.

Prints, per category, the cases loaded, refused and failed and the worst time; overall the
median and worst time per case and the peak memory of a case (the worker process's resident
peak during that case, the interpreter and imports included; the workers' baseline beside
it).  Each case runs in a worker process under a hard bound (60 s, 3 GB of address space),
so a runaway case is reported, not waited for.  Exit status 1 if any case failed.

    python bench/fuzz_projects.py [--cases 10000] [--workers 2] [--first 0]
    DOJO_BENCH_SMOKE=1 python bench/fuzz_projects.py     # 45 cases
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _fuzz_cases import CATEGORIES, CaseResult, run_case

TIME_LIMIT_S, MEMORY_LIMIT_MB = 5.0, 1024.0  # the targets
HARD_TIME_S, HARD_MEMORY_BYTES = 60, 3 * 2**30  # where a worker stops a runaway case
BATCH = 25


class _CaseTimeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise _CaseTimeout


def _worker_setup() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (HARD_MEMORY_BYTES, HARD_MEMORY_BYTES))
    signal.signal(signal.SIGALRM, _on_alarm)
    import dojo_gui.cli  # noqa: F401 - imports and first-use costs out of the first case's figures
    from dojo_gui.model import rules  # noqa: F401


def _peak_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> bool:
    """Start a new resident-memory peak for this process (Linux 4.0+); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:
        return False


def run_batch(seeds: list[int]) -> list[tuple[CaseResult, float]]:
    """Run cases in this worker; each with (result, peak resident MB during the case)."""
    out = []
    with tempfile.TemporaryDirectory(prefix="dojo-fuzz-") as tmp:
        for seed in seeds:
            reset = _reset_peak()
            signal.alarm(HARD_TIME_S)
            started = time.perf_counter()
            try:
                result = run_case(seed, Path(tmp))
            except _CaseTimeout:
                result = CaseResult(seed, "?", "?", 0, "failed", f"still running after {HARD_TIME_S} s",
                                    time.perf_counter() - started)
            except MemoryError:
                result = CaseResult(seed, "?", "?", 0, "failed", "MemoryError (over the 3 GB bound)",
                                    time.perf_counter() - started)
            finally:
                signal.alarm(0)
            out.append((result, _peak_rss_mb() if reset else float("nan")))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    smoke = os.environ.get("DOJO_BENCH_SMOKE") == "1"
    parser.add_argument("--cases", type=int, default=45 if smoke else 10_000)
    parser.add_argument("--first", type=int, default=0, help="seed of the first case")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    seeds = list(range(args.first, args.first + args.cases))
    batches = [seeds[i:i + BATCH] for i in range(0, len(seeds), BATCH)]
    started = time.perf_counter()
    results: list[tuple[CaseResult, float]] = []
    with ProcessPoolExecutor(args.workers, initializer=_worker_setup) as pool:
        baseline = max(pool.map(_baseline_mb, range(args.workers)))
        for batch in pool.map(run_batch, batches):
            results.extend(batch)
    wall = time.perf_counter() - started

    failures = []
    by_category: dict[str, list[tuple[CaseResult, float]]] = defaultdict(list)
    for result, peak in results:
        if result.outcome != "failed" and result.seconds > TIME_LIMIT_S:
            result = replace(result, outcome="failed", detail=f"took {result.seconds:.1f} s")
        if result.outcome != "failed" and peak > MEMORY_LIMIT_MB:
            result = replace(result, outcome="failed", detail=f"peak {peak:.0f} MB")
        if result.outcome == "failed":
            failures.append(result)
        by_category[result.category].append((result, peak))

    print(f"fuzz_projects: {len(results):,} cases (seeds {args.first}..{args.first + args.cases - 1}) in "
          f"{wall:.0f} s on {args.workers} workers{' [smoke]' if smoke else ''}")
    print(f"{'category':<10} {'cases':>6} {'loaded':>7} {'refused':>8} {'failed':>7} {'worst s':>8} {'peak MB':>8}")
    for category in [*CATEGORIES, "?"]:
        rows = by_category.get(category)
        if not rows:
            continue
        count = defaultdict(int)
        for r, _ in rows:
            count[r.outcome] += 1
        print(f"{category:<10} {len(rows):>6} {count['loaded']:>7} {count['refused']:>8} {count['failed']:>7} "
              f"{max(r.seconds for r, _ in rows):>8.2f} {max(p for _, p in rows):>8.0f}")
    times = [r.seconds for r, _ in results]
    worst = max(results, key=lambda rp: rp[0].seconds)[0]
    heaviest = max(results, key=lambda rp: rp[1])
    print(f"time per case: median {statistics.median(times) * 1000:.0f} ms, worst {worst.seconds:.2f} s "
          f"(seed {worst.seed}, {worst.category}, {worst.example}, {worst.outcome})")
    print(f"peak memory of a case: {heaviest[1]:.0f} MB (seed {heaviest[0].seed}, {heaviest[0].category}, "
          f"{heaviest[0].example}); a worker at rest: {baseline:.0f} MB")
    print(f"failures: {len(failures)}")
    for f in failures[:20]:
        print(f"  seed {f.seed} ({f.category}, {f.example}): {f.detail}")
    return 1 if failures else 0


def _baseline_mb(_: int) -> float:
    return _peak_rss_mb()


if __name__ == "__main__":
    sys.exit(main())
