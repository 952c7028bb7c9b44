"""What a model's training costs to simulate: GPT-3 175B on the ExaPOD (3,000 D1).

Cases, each timed as the median of several runs in this process (the design and the catalog loaded once):

- ``search``: the search over every plan (screened with closed forms, the best three on the
  communication engine), power left out (``thermal=None``);
- ``plan``: the plan the search finds, evaluated alone (its collectives on the communication engine);
- ``window``: that plan's steps on the thermal engine over the default window (20 steps, settled at
  the plan's mean load): what the thermal coupling adds to every ``simulate train``;
- ``window-throttled``: the same window on a 35 °C day with the coolant at 20 % of its flow, where
  chips throttle and the pipelines are laid out again at every throttle change.

Prints per case the median wall time, the time steps and training steps of a window, and the peak
memory of the process.

    python bench/bench_training.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import SMOKE, median_time, peak_rss_mb

EXAMPLE, MODEL = ("dojo-tile", "megatron-gpt-1.7b") if SMOKE else ("exapod", "gpt3-175b")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from dojo_gui.cli.common import load_design
    from dojo_gui.io.catalog import builtin_models
    from dojo_gui.sim.scenario import Ambient
    from dojo_gui.sim.thermal import ThermalRun
    from dojo_gui.sim.training import ThermalWindow, TrainingSettings, run_window, simulate_training, thermal_scenario

    _, design = load_design(EXAMPLE)
    model = builtin_models()[MODEL]
    settings = TrainingSettings.for_model(model, recompute="full", sequence_parallel=True, zero_stage=1,
                                          global_batch=16 if SMOKE else None)
    started = time.perf_counter()
    found = simulate_training(design, model, settings, thermal=None)
    print(f"{model.name} on {design.name}: {found.plan.describe()}, step {found.step_time_s:.3f} s "
          f"(first search {time.perf_counter() - started:.2f} s)")
    cases = {
        "search": lambda: simulate_training(design, model, settings, thermal=None),
        "plan": lambda: simulate_training(design, model, settings, found.plan, thermal=None),
        "window": lambda: run_window(design, found),
        "window-throttled": lambda: run_window(design, found, ThermalWindow(ambient=Ambient(constant_c=35.0),
                                                                           coolant_flow_fraction=0.2)),
    }
    for name, case in cases.items():
        median, times = median_time(case, args.repeat)
        extra = ""
        if name.startswith("window"):
            window = ThermalWindow() if name == "window" else ThermalWindow(ambient=Ambient(constant_c=35.0),
                                                                             coolant_flow_fraction=0.2)
            run = ThermalRun(design, thermal_scenario(found, window))
            result = run.run()
            extra = (f"  {run.n_steps:,} time steps, {int(result.totals['train_steps'])} training steps, "
                     f"up to {result.peaks['throttled_chips']:,} chips throttled")
        print(f"{name:17s} median {median:7.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)}){extra}")
    print(f"peak memory of the process: {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
