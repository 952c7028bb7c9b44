"""The report's Sweeps section: each kept sweep's table (a row per variant) and its plot."""

from __future__ import annotations

from PySide6.QtGui import QColor

from dojo_gui.jobs.sweep.backends import SerialBackend
from dojo_gui.jobs.sweep.runner import SweepRun, finish
from dojo_gui.model.sweep import Plan, Sweep, parse_axis
from dojo_gui.report import export_report
from dojo_gui.report.sections import ReportContext, build_report
from dojo_gui.report.sweeps import PLOT_AXES


def kept_sweep(design, scenario=None):
    axes = [parse_axis("dojo-d1.tdp=300W,400W,500W", design.specs), parse_axis("scenario.initial=idle,warm",
                                                                                 design.specs)]
    sweep = Sweep("TDP", axes, Plan(), scenario or {"kind": "thermal", "duration_s": 30.0, "dt_s": 1.0})
    return finish(sweep, design, SweepRun(design, sweep, SerialBackend()).run())


def test_a_kept_sweep_has_its_table_and_plot_in_the_report(qapp, dojo_tile, tmp_path, read_html):
    dojo_tile.sweeps.append(kept_sweep(dojo_tile))
    html = tmp_path / "r.html"
    export_report(dojo_tile, html=html, source="dojo-tile", picture=None)
    doc = read_html(html)
    rows = doc.tables["sweep-1"]
    assert rows[0][:3] == ["#", "dojo-d1.tdp", "scenario.initial"]
    assert len(rows) == 1 + 6 and rows[1][1] == "300 W" and rows[6][1] == "500 W"
    assert [r[-1] for r in rows[1:]] == ["ok", "failed"] * 3  # "warm" is not a starting state
    text = " ".join(doc.text)
    assert "Variant 1 failed: scenario: the initial state is idle, load or coolant, not" in text
    assert "sweep-1-plot" in doc.images


def test_the_plot_rings_the_pareto_front(qapp, dojo_tile):
    sweep = kept_sweep(dojo_tile)
    dojo_tile.sweeps.append(sweep)
    report = build_report(ReportContext(dojo_tile, "dojo-tile"))
    section = next(s for s in report.sections if s.key == "sweeps")
    figure = section.figures()[0]
    image = figure.image
    # The front's colour is in the picture (the rings), and the plot's colours go from dark to light.
    colours = {QColor(image.pixel(x, y)).name()
               for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)}
    assert "#d55e00" in colours
    assert PLOT_AXES["thermal"][1] in ("peak_flops_per_w",) and "Pareto front" in figure.caption


def test_a_design_without_sweeps_has_no_sweeps_section(qapp, dojo_tile):
    report = build_report(ReportContext(dojo_tile, "dojo-tile"))
    assert "sweeps" not in [s.key for s in report.sections]
