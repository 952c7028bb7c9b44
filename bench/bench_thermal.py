"""One simulated hour of the ExaPOD at 0.1 s steps: 36,000 steps x 3,000 chips (target <= 10 s).

Cases, each in a fresh process (so its peak memory is its own):

- ``train``: synchronous training steps (a changing load every step: no step can be skipped);
- ``every-step``: constant 90 % load with every step computed in full (the raw cost of a step);
- ``constant``: the same with settled steps skipped (the default; the tests show the answers agree);
- ``daily``: constant load under a daily ambient curve, the chiller and economizer following it.

Prints, per case, the median wall time of a whole run (setup included) over several
runs, the CPU time, microseconds per step and the peak memory of a fresh process (the
interpreter and imports included, and that baseline beside it).

    python bench/bench_thermal.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import SMOKE, peak_rss_mb, repeats

HOUR_S, DT_S, TARGET_S = (60.0, 1.0, 10.0) if SMOKE else (3600.0, 0.1, 10.0)
EXAMPLE = "dojo-tile" if SMOKE else "exapod"
CASES = ("train", "every-step", "constant", "daily")


def scenario_for(case: str):
    from dojo_gui.sim.scenario import Ambient, ConstantLoad, Scenario, TrainingStep

    if case == "train":
        workload = TrainingStep(flops_per_chip=300e12, efficiency=0.6, gradient_bytes=2e9)
        return Scenario(workload, duration_s=HOUR_S, dt_s=DT_S)
    ambient = Ambient.parse_curve("daily:15C,38C", start_hour=12) if case == "daily" else None
    return Scenario(ConstantLoad(0.9), duration_s=HOUR_S, dt_s=DT_S, ambient=ambient)


def one_case(case: str, repeat: int) -> dict:
    from dojo_gui.io.catalog import example_path
    from dojo_gui.io.project import load
    from dojo_gui.sim.thermal import ThermalRun

    baseline = peak_rss_mb()
    design = load(example_path(EXAMPLE))
    walls, cpus, setups = [], [], []
    result = None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        run = ThermalRun(design, scenario_for(case), skip_settled=case != "every-step")
        setups.append(time.perf_counter() - w0)
        result = run.run()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    assert result is not None and result.completed
    s = result.summary()
    return {"case": case, "chips": run.tree.n_chips, "steps": result.steps_done, "median_s": statistics.median(walls),
            "times_s": walls, "cpu_s": statistics.median(cpus), "setup_s": statistics.median(setups),
            "skipped": int(result.totals["skipped_steps"]), "peak_rss_mb": peak_rss_mb(), "baseline_rss_mb": baseline,
            "it_power_w": s["it_power_w"], "pue": s["pue"], "tj_max_c": s["tj_max_c"],
            "comm_source": s.get("comm_source"), "residual": s["energy_balance"]["max_step_residual_fraction"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", choices=CASES)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    args.repeat = repeats(args.repeat)
    if args.case:
        print(json.dumps(one_case(args.case, args.repeat)))
        return
    print(f"ExaPOD, one simulated hour at {DT_S} s steps (median of {args.repeat} runs, setup included; "
          f"peak RSS of a fresh process); {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start")
    for case in CASES:
        r = run_isolated_repeat(case, args.repeat)
        per_step = r["median_s"] / r["steps"] * 1e6
        print(f"  {case:10s} {r['chips']:,} chips x {r['steps']:,} steps: median {r['median_s']:.2f} s "
              f"(target <= {TARGET_S:.0f} s, {r['median_s'] / TARGET_S:.0%} of it), CPU {r['cpu_s']:.2f} s, "
              f"{per_step:.0f} µs/step, setup {r['setup_s'] * 1e3:.0f} ms, {r['skipped']:,} steps skipped as settled; "
              f"{r['peak_rss_mb']:.0f} MB peak RSS (imports alone {r['baseline_rss_mb']:.0f} MB); "
              f"runs {', '.join(f'{t:.2f}' for t in r['times_s'])}")
        print(f"  {'':10s} IT {r['it_power_w'] / 1e6:.3f} MW, PUE {r['pue']:.3f}, Tj max {r['tj_max_c']:.1f} °C, "
              f"worst energy residual {r['residual']:.1e}" + (f", comm {r['comm_source']}" if r["comm_source"] else ""))
    print(f"load average {os.getloadavg()[0]:.2f} at the end (other work on the machine slows the wall times; "
          f"CPU time is the steadier figure)")


def run_isolated_repeat(case: str, repeat: int) -> dict:
    import subprocess

    out = subprocess.run([sys.executable, __file__, "--case", case, "--repeat", str(repeat)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
