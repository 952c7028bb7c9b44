"""Communication engine benchmarks: whole-process wall time and peak memory of collectives.

Every case runs as its own process (``python bench/bench_comm.py --case NAME``): start the
interpreter, import, build the design and its fabric, simulate once, print the result.  The
parent times that whole process and reads its peak resident memory (``os.wait4``'s rusage), runs
it several times and prints the medians next to the targets of issue 15.

Designs: ``1x250`` is ``dojo-gui new grid --chip dojo-d1 --tile 1x250`` (default 2x6 cabinets,
1x10 room: 30,000 chips on a 2 x 15,000 grid, tiles joined by slower edges); ``1x250-102k`` the
same with a 1x34 room (102,000 chips); ``torus3000`` a 1 x 3,000 torus tile (the ring the issue
compared with ASTRA-sim); ``exapod`` and ``dojo-cabinet`` the bundled templates.

    python bench/bench_comm.py                 # every case
    python bench/bench_comm.py --only ring-30k exapod-auto --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

S = float(1 << 30)
# case -> (design, collective, algorithm, latency, target wall s, target peak MB, runs)
CASES: dict[str, tuple[str, str, str, bool, float | None, float | None, int]] = {
    "ring-3000": ("torus3000", "allreduce", "ring", False, None, None, 5),
    "ring-30k": ("1x250", "allreduce", "ring", True, 5.0, 1000.0, 3),
    "2d-30k": ("1x250", "allreduce", "2d", True, 5.0, 1000.0, 3),
    "hierarchical-30k": ("1x250", "allreduce", "hierarchical", True, 5.0, 1000.0, 1),
    "ring-102k": ("1x250-102k", "allreduce", "ring", True, 20.0, None, 3),
    "exapod-hierarchical": ("exapod", "allreduce", "hierarchical", True, 1.0, None, 3),
    "exapod-auto": ("exapod", "allreduce", "auto", True, 2.0, None, 3),
    "alltoall-cabinet": ("dojo-cabinet", "alltoall", "direct", True, 1.0, None, 1),
}
# A case still running after this long is stopped and reported as such.
CASE_TIMEOUT_S = 300


def make_design(which: str):
    from dojo_gui.io.catalog import builtin_specs
    from dojo_gui.model.templates import TEMPLATES, grid_design

    catalog = builtin_specs()
    if which == "torus3000":
        return grid_design(catalog, "dojo-d1", (1, 3000), (1, 1), (1, 1), {"tile"})
    if which == "1x250":
        return grid_design(catalog, "dojo-d1", (1, 250), (2, 6), (1, 10))
    if which == "1x250-102k":
        return grid_design(catalog, "dojo-d1", (1, 250), (2, 6), (1, 34))
    return TEMPLATES[which].make(catalog)


def one_case(case: str) -> dict:
    """Run the case in this process (the parent times the process)."""
    from dojo_gui.fabric.fabric import Fabric
    from dojo_gui.sim.comm import simulate_collective

    which, collective, algorithm, latency, *_ = CASES[case]
    design = make_design(which)
    fabric = Fabric.from_design(design)
    t0 = time.perf_counter()
    try:
        r = simulate_collective(design, collective, S, algorithm, latency=latency, fabric=fabric)
    except ValueError as exc:  # refused (TooLarge), with its reason
        return {"refused": str(exc)}
    return {"chips": r.chips, "algorithm": r.algorithm, "engine": r.engine, "simulate_s": time.perf_counter() - t0,
            "simulated_s": r.time_s, "lower_bound_s": r.lower_bound_s, "transfers": r.transfers,
            "events": r.events}


def run_process(case: str) -> tuple[float, float, dict | None]:
    """(wall s, peak MB, the case's figures or None if it failed or ran out of time) of one process."""
    import threading

    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--case", case], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    timer = threading.Timer(CASE_TIMEOUT_S, proc.kill)
    timer.start()
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak memory
    wall = time.perf_counter() - t0
    timer.cancel()
    ok = os.waitstatus_to_exitcode(status) == 0 and out.strip()
    return wall, usage.ru_maxrss / 1024, json.loads(out.strip().splitlines()[-1]) if ok else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", choices=list(CASES), help="run one case in this process and print its JSON")
    parser.add_argument("--only", nargs="*", choices=list(CASES), help="run these cases (default: all)")
    parser.add_argument("--runs", type=int, help="processes per case (default: the case's own)")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(one_case(args.case)))
        return
    print("whole process (interpreter, imports, design, fabric, simulation): median wall time and peak memory")
    print(f"{'case':22s} {'chips':>8s} {'wall s':>8s} {'target':>7s} {'peak MB':>8s} {'target':>7s}  "
          f"{'simulated':>12s}  algorithm, engine")
    for case in args.only or CASES:
        *_, target_s, target_mb, runs = CASES[case]
        walls, peaks, doc = [], [], None
        for _ in range(args.runs or runs):
            wall, peak, got = run_process(case)
            walls.append(wall)
            peaks.append(peak)
            doc = got or doc
            if got is None:
                break
        wall, peak = statistics.median(walls), statistics.median(peaks)
        met = ("" if target_s is None else ("  met" if wall <= target_s and (target_mb is None or peak <= target_mb)
                                            else "  MISSED"))
        if doc is not None and "refused" in doc:
            print(f"{case:22s} {'':>8s} {wall:8.2f} {target_s or '':>7} {peak:8.0f} {target_mb or '':>7}  "
                  f"refused: {doc['refused']}{met.replace('met', 'MISSED')}", flush=True)
            continue
        if doc is None:
            print(f"{case:22s} {'':>8s} {wall:8.2f} {target_s or '':>7} {peak:8.0f} {target_mb or '':>7}  "
                  f"failed or stopped after {CASE_TIMEOUT_S} s{met}", flush=True)
            continue
        print(f"{case:22s} {doc['chips']:8,d} {wall:8.2f} {target_s or '':>7} {peak:8.0f} {target_mb or '':>7}  "
              f"{doc['simulated_s'] * 1e6:10.1f} us  {doc['algorithm']}, {doc['engine']} "
              f"(runs: {', '.join(f'{w:.2f}' for w in walls)}){met}", flush=True)


if __name__ == "__main__":
    main()
