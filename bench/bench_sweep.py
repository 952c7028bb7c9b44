"""A 64-variant ExaPOD thermal sweep, in this process and on a local Dask cluster of two workers.

The sweep varies the D1's TDP (350–500 W) and the tiles' coolant flow (15–30 L/min), 8 x 8 variants,
each an hour of the ExaPOD under a daily ambient curve at 1 s steps.  No cache: every variant is
computed.  Prints, as medians over ``--repeat`` runs:

- the wall time of the whole sweep in this process and on the cluster (its start-up apart), the speed-up;
- the engine's time per variant (inside the task: reading the design, running it; wall and processor time: on a
  machine shared with other work the two part) and the overhead per
  variant of each way of running: in this process, what preparing a variant costs (applying it to the
  design, writing the design's text); on the cluster, worker time not spent in a task, per variant
  ((workers x wall time after start-up - the tasks' time) / variants): scheduling, sending the design,
  and waiting at the end for the last variants;
- the cluster's start-up time (spawning the workers, which then import the engines).

    python bench/bench_sweep.py [--repeat 3] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import SMOKE, repeats

EXAMPLE, AXES, SCENARIO = (
    ("dojo-tile", ["dojo-d1.tdp=350W..500W:2", "dojo-training-tile.coolant_flow=15..30:2"],
     {"kind": "thermal", "duration_s": 60.0, "dt_s": 1.0}) if SMOKE else
    ("exapod", ["dojo-d1.tdp=350W..500W:8", "dojo-training-tile.coolant_flow=15..30:8"],
     {"kind": "thermal", "duration_s": 3600.0, "dt_s": 1.0, "ambient_min_c": 15.0, "ambient_max_c": 38.0,
      "start_hour": 12.0}))


class TimedStart:
    """A backend whose start-up is timed apart from the sweep."""

    def __init__(self, backend):
        self.backend = backend
        self.start_s = 0.0

    def start(self):
        t0 = time.perf_counter()
        self.backend.start()
        self.start_s = time.perf_counter() - t0

    def __getattr__(self, name):
        return getattr(self.backend, name)


def one_sweep(design, sweep, backend) -> dict:
    from dojo_gui.jobs.sweep.runner import SweepRun

    timed = TimedStart(backend)
    t0 = time.perf_counter()
    results = SweepRun(design, sweep, timed).run()
    wall = time.perf_counter() - t0
    assert all(r.status == "ok" for r in results), [r.error for r in results if r.status != "ok"][:3]
    return {"wall_s": wall, "start_s": timed.start_s, "task_s": [r.wall_s for r in results],
            "cpu_s": [r.cpu_s for r in results], "workers": getattr(backend, "used_workers", 1) or 1,
            "load": os.getloadavg()[0]}


def prepare_s(design, sweep) -> float:
    """Preparing every variant (apply it, write the design's text, its cache key), as a sweep does."""
    from dojo_gui.jobs.sweep.backends import SerialBackend
    from dojo_gui.jobs.sweep.runner import SweepRun

    t0 = time.perf_counter()
    for _ in SweepRun(design, sweep, SerialBackend()).tasks():
        pass
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (medians are printed; default 1)")
    parser.add_argument("--workers", type=int, default=2, help="local Dask workers (default 2)")
    args = parser.parse_args()

    from dojo_gui.io.catalog import example_path
    from dojo_gui.io.project import load
    from dojo_gui.jobs.sweep.backends import DaskBackend, SerialBackend
    from dojo_gui.jobs.sweep.scenario import describe
    from dojo_gui.model.sweep import Plan, Sweep, parse_axis

    design = load(example_path(EXAMPLE))
    sweep = Sweep("bench", [parse_axis(a, design.specs) for a in AXES], Plan(), dict(SCENARIO))
    n = len(sweep.variants())
    print(f"{design.name}: {n} variants ({', '.join(AXES)}); {describe(SCENARIO)}; no cache")
    serial, dask = [], []
    for _ in range(repeats(args.repeat)):
        serial.append(one_sweep(design, sweep, SerialBackend()))
        dask.append(one_sweep(design, sweep, DaskBackend(workers=args.workers)))
    prep = prepare_s(design, sweep) / n

    def med(runs, key):
        return statistics.median(r[key] for r in runs)

    t_serial = med(serial, "wall_s")
    t_dask = med(dask, "wall_s")
    t_start = med(dask, "start_s")
    workers = dask[0]["workers"]
    task_serial = statistics.median(t for r in serial for t in r["task_s"])
    task_dask = statistics.median(t for r in dask for t in r["task_s"])
    overhead_serial = statistics.median((r["wall_s"] - sum(r["task_s"])) / n for r in serial)
    overhead_dask = statistics.median((workers * (r["wall_s"] - r["start_s"]) - sum(r["task_s"])) / n for r in dask)
    print(f"  in this process       {t_serial:8.1f} s   ({t_serial / n * 1e3:,.0f} ms per variant)")
    print(f"  Dask, {workers} workers       {t_dask:8.1f} s   of which {t_start:.1f} s starting the cluster")
    print(f"  speed-up              {t_serial / t_dask:8.2f}x  ({t_serial / (t_dask - t_start):.2f}x once started)")
    cpu_serial = statistics.median(t for r in serial for t in r["cpu_s"])
    cpu_dask = statistics.median(t for r in dask for t in r["cpu_s"])
    print(f"  engine per variant    {task_serial * 1e3:8,.0f} ms in this process, {task_dask * 1e3:,.0f} ms on a "
          f"worker (the task: reading the design, running it)")
    print(f"                        {cpu_serial * 1e3:8,.0f} ms of processor time in this process, "
          f"{cpu_dask * 1e3:,.0f} ms on a worker (the task's own thread)")
    print(f"  overhead per variant  {overhead_serial * 1e3:8,.0f} ms in this process (preparing it: "
          f"{prep * 1e3:,.0f} ms)")
    print(f"                        {overhead_dask * 1e3:8,.0f} ms of worker time on the cluster "
          f"(scheduling, sending the design, the last variants' wait)")
    print(f"  (medians of {len(serial)} run{'s' if len(serial) != 1 else ''} each; {os.cpu_count()} cores, load "
          f"average "
          f"{med(serial, 'load'):.1f} after the serial runs, {med(dask, 'load'):.1f} after the Dask runs; "
          f"python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
