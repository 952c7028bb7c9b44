"""Open, validate and summarize the ExaPOD and a 10-ExaPOD room (30,000 chips).

Prints, per case, the median wall time of open + validate + summarize over several runs,
and the peak memory of a fresh process doing it (the interpreter and imports included,
and that baseline shown beside it).  Targets (issue 2): ExaPOD <= 0.5 s; 30,000 chips <= 3 s
and <= 500 MB.

    python bench/bench_project.py
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import big_room, median_time, peak_rss_mb, run_isolated


def make_file(case: str, folder: Path) -> Path:
    from dojo_gui.io.catalog import builtin_specs, example_path
    from dojo_gui.io.project import save
    from dojo_gui.model.templates import grid_design

    if case == "exapod":
        return example_path("exapod")
    path = folder / "ten-exapods.dojo"
    # Ten ExaPODs side by side: 100 Dojo cabinets, 1,200 tiles, 30,000 D1.
    save(grid_design(builtin_specs(), "dojo-d1", *big_room(), name="Ten ExaPODs"), path)
    return path


def one_case(case: str) -> dict:
    from dojo_gui.io.project import load
    from dojo_gui.model.aggregate import summarize
    from dojo_gui.model.rules import check

    baseline = peak_rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        path = make_file(case, Path(tmp))
        size = path.stat().st_size
        result = {}

        def open_validate_summarize():
            design = load(path)
            result["findings"] = len(check(design))
            result["chips"] = summarize(design).chips

        median, times = median_time(open_validate_summarize, repeat=5)
    return {"case": case, "chips": result["chips"], "findings": result["findings"], "file_mb": size / 1e6,
            "median_s": median, "times_s": times, "peak_rss_mb": peak_rss_mb(), "baseline_rss_mb": baseline}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case", choices=["exapod", "ten-exapods"])
    args = parser.parse_args()
    if args.case:
        print(json.dumps(one_case(args.case)))
        return
    targets = {"exapod": (0.5, None), "ten-exapods": (3.0, 500.0)}
    print("open + validate + summarize (median of 5; peak RSS of a fresh process)")
    for case, (t_target, mem_target) in targets.items():
        r = run_isolated(__file__, case)
        mem = f"{r['peak_rss_mb']:.0f} MB peak RSS (imports alone {r['baseline_rss_mb']:.0f} MB)"
        print(f"  {case:12s} {r['chips']:6,d} chips, {r['file_mb']:5.2f} MB file: median {r['median_s']:.3f} s "
              f"(target <= {t_target} s), {mem}" + (f" (target <= {mem_target:.0f} MB)" if mem_target else "")
              + f"; runs {', '.join(f'{t:.3f}' for t in r['times_s'])}")


if __name__ == "__main__":
    main()
