"""Record the progress the engines report during real runs, for the tests of the time-left estimate.

    python scripts/record_progress.py [--out tests/jobs/data/progress] [NAME ...]

Each run goes through :func:`dojo_gui.jobs.live.execute` as the window runs it (without the
window) and every report of progress is written down: ``[seconds since the start, phase,
fraction of the phase done]``.  The files are what :mod:`tests.jobs.test_timeleft` replays;
they depend on the machine that made them (its speed, its load), which is the point: real
sequences, uneven where the engines are.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dojo_gui.io.catalog import builtin_specs
from dojo_gui.jobs.live import CommJob, CommTimeCache, Control, LiveBuffer, ThermalJob, execute
from dojo_gui.model.templates import TEMPLATES
from dojo_gui.sim.scenario import ConstantLoad, Scenario, TrainingStep


def training(algorithm: str, duration_s: float, dt_s: float) -> ThermalJob:
    return ThermalJob(Scenario(TrainingStep(flops_per_chip=300e12, efficiency=0.5, gradient_bytes=2e9,
                                            collective="allreduce", algorithm=algorithm),
                               duration_s=duration_s, dt_s=dt_s))


RUNS = {
    "exapod-train-auto": ("exapod", "training steps, the gradient all-reduce (2 GB, auto) computed first",
                          lambda: training("auto", 600.0, 0.5)),
    "exapod-train-2d": ("exapod", "training steps, the gradient all-reduce (2 GB, 2d) computed first",
                        lambda: training("2d", 86400.0, 0.5)),
    "exapod-soak": ("exapod", "a thermal soak at 90 %, a day at 0.5 s",
                    lambda: ThermalJob(Scenario(ConstantLoad(0.9), duration_s=86400.0, dt_s=0.5))),
    "exapod-hierarchical": ("exapod", "an all-reduce of 2 GB, hierarchical",
                            lambda: CommJob("allreduce", 2e9, "hierarchical")),
}


class RecordingBuffer(LiveBuffer):
    def __init__(self) -> None:
        super().__init__()
        self.start = time.monotonic()
        self.reports: list[list] = []

    def _note(self, phase: str, fraction: float) -> None:
        self.reports.append([round(time.monotonic() - self.start, 4), phase, round(float(fraction), 6)])

    def phase(self, text: str, fraction: float = 0.0) -> None:
        super().phase(text, fraction)
        self._note(text, fraction)

    def frames(self, times, room, time_s: float, fraction: float) -> None:
        super().frames(times, room, time_s, fraction)
        self._note(self._phase, fraction)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", default=list(RUNS), help=f"which runs (default: all of {', '.join(RUNS)})")
    parser.add_argument("--out", default=str(ROOT / "tests" / "jobs" / "data" / "progress"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    catalog = builtin_specs()
    for name in args.names:
        template, what, make = RUNS[name]
        buffer = RecordingBuffer()
        outcome = execute(make(), TEMPLATES[template].make(catalog), 1, buffer, Control(), CommTimeCache())
        if outcome.status != "finished":
            raise SystemExit(f"{name}: {outcome.status} {outcome.message}")
        doc = {"run": what, "design": template, "wall_s": round(outcome.wall_s, 3),
               "machine": f"{platform.machine()}, {platform.python_version()}", "reports": buffer.reports}
        path = out / f"{name}.json"
        path.write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"{path}: {len(buffer.reports)} reports over {outcome.wall_s:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
