"""Build and write the design-review report of the ExaPOD and of a 10-ExaPOD room (30,000 chips).

Prints, per case, the median wall time of building the report and writing the PDF and the HTML
(over several runs, in one process with its QGuiApplication made once), the PDF's pages and
size, and the peak memory of a fresh process doing it (imports and Qt included; the baseline
after imports shown beside it).  Two saved runs (comm and a 10-minute thermal run at 1 s
steps, four series) are added so the charts are part of the cost.

    QT_QPA_PLATFORM=offscreen python bench/bench_report.py
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import big_room, median_time, peak_rss_mb, run_isolated


def runs() -> list[dict]:
    t = [float(i) for i in range(601)]
    return [
        {"kind": "comm", "label": "all-reduce 1 GiB, ring", "key_figures": {"time_s": 0.0123, "algbw_Bps": 8.7e10}},
        {"kind": "thermal", "label": "soak", "key_figures": {"pue": 1.1},
         "series": {"tj_max_c": [[x, 35 + 40 * (1 - math.exp(-x / 60))] for x in t],
                    "coolant_supply_c": [[x, 30 + 3 * (1 - math.exp(-x / 120))] for x in t],
                    "it_power_w": [[x, 1.8e6] for x in t], "facility_power_w": [[x, 2.0e6] for x in t]}},
    ]


def one_case(case: str) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from dojo_gui.io.catalog import builtin_specs, example_path
    from dojo_gui.io.project import load
    from dojo_gui.model.runs import parse_run
    from dojo_gui.model.templates import grid_design
    from dojo_gui.report import export_report
    from dojo_gui.report.output import ensure_gui_application

    ensure_gui_application()
    if case == "exapod":
        design = load(example_path("exapod"))
    else:
        design = grid_design(builtin_specs(), "dojo-d1", *big_room(), name="Ten ExaPODs")
    for run in runs():
        design.add_run(parse_run(run))
    baseline = peak_rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        pdf, html = Path(tmp) / "r.pdf", Path(tmp) / "r.html"
        result = {}

        def both():
            result["r"] = export_report(design, pdf=pdf, html=html, source=case, picture=None)

        def pdf_only():
            export_report(design, pdf=pdf, source=case, picture=None)

        def html_only():
            export_report(design, html=html, source=case, picture=None)

        median, times = median_time(both, repeat=5)
        pdf_median, _ = median_time(pdf_only, repeat=3)
        html_median, _ = median_time(html_only, repeat=3)
        return {"case": case, "median_s": median, "times_s": times, "pdf_s": pdf_median, "html_s": html_median,
                "pages": result["r"].pdf_pages, "pdf_kb": pdf.stat().st_size / 1e3,
                "html_kb": html.stat().st_size / 1e3, "peak_rss_mb": peak_rss_mb(), "baseline_rss_mb": baseline}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case", choices=["exapod", "ten-exapods"])
    args = parser.parse_args()
    if args.case:
        print(json.dumps(one_case(args.case)))
        return
    print("report: build + write PDF and HTML (median of 5; PDF alone and HTML alone median of 3; "
          "peak RSS of a fresh process)")
    for case in ("exapod", "ten-exapods"):
        r = run_isolated(__file__, case)
        print(f"  {case:12s} median {r['median_s']:.3f} s (PDF alone {r['pdf_s']:.3f} s, "
              f"HTML alone {r['html_s']:.3f} s); {r['pages']} pages, PDF {r['pdf_kb']:.0f} kB, "
              f"HTML {r['html_kb']:.0f} kB; "
              f"{r['peak_rss_mb']:.0f} MB peak RSS (after imports {r['baseline_rss_mb']:.0f} MB); "
              f"runs {', '.join(f'{t:.3f}' for t in r['times_s'])}")


if __name__ == "__main__":
    main()
