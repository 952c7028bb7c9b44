"""Run records: reading them (and saying where a bad one is wrong), the results section and its charts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QColor

from dojo_gui.model.runs import RunRecordError, parse_run
from dojo_gui.report import export_report
from dojo_gui.report.charts import PALETTE, line_chart, nice_ticks, reduce_for_width
from dojo_gui.report.runs import figure_label, latest_by_kind, read_runs


def test_a_record_is_read_with_its_series(make_comm):
    record = parse_run(make_comm(time_s=0.01))
    assert record.kind == "comm" and record.key_figures["time_s"] == 0.01
    series = np.asarray(record.series["link_utilization_max_fraction"])
    assert series.shape == (51, 2) and series[-1, 0] == pytest.approx(0.01)
    assert record.tables[0].columns == ["link", "utilization_fraction", "bytes"]


@pytest.mark.parametrize("mutate, where, message", [
    (lambda r: r.update(kind="fabric"), "runs[0].kind", "expected one of comm, thermal"),
    (lambda r: r["key_figures"].update(time_s="fast"), "runs[0].key_figures.time_s", "expected a finite number"),
    (lambda r: r["key_figures"].update(time_s=float("nan")), "runs[0].key_figures.time_s", "finite"),
    (lambda r: r["series"]["link_utilization_max_fraction"].__setitem__(7, [1.0]),
     "runs[0].series.link_utilization_max_fraction[7]", "expected [t, value]"),
    (lambda r: r["series"]["link_utilization_max_fraction"].__setitem__(9, [0.0, 0.5]),
     "runs[0].series.link_utilization_max_fraction[9][0]", "times must not decrease"),
    (lambda r: r["tables"][0]["rows"].append(["x"]), "runs[0].tables[0].rows[2]", "expected a list of 3 values"),
    (lambda r: r.update(revision="3"), "runs[0].revision", "whole number"),
])
def test_a_bad_record_given_beside_a_design_is_named_and_the_good_ones_kept(make_comm, mutate, where, message):
    data = make_comm()
    mutate(data)
    good, bad = read_runs([data, make_comm(label="good")])
    assert [r.label for r in good] == ["good"]
    (problem,) = bad
    assert isinstance(problem, RunRecordError)
    assert problem.where == where and message in problem.message


def test_latest_of_each_kind(make_comm, make_thermal):
    records, _ = read_runs([make_comm(0.3, "a"), make_thermal(label="t"), make_comm(0.2, "b")])
    latest = latest_by_kind(records)
    assert list(latest) == ["comm", "thermal"]
    assert latest["comm"].label == "b" and latest["thermal"].label == "t"


def test_figure_labels():
    assert figure_label("tj_max_c") == "Hottest junction"
    assert figure_label("pump_power_w") == "Pump power"
    assert figure_label("link_utilization_max_fraction") == "Link utilization max"


def test_labels_made_from_names_keep_their_acronyms():
    """The report said "It energy" for it_energy_j."""
    assert figure_label("it_energy_j") == "IT energy"
    assert figure_label("peak_cdu_load_w") == "Peak CDU load"
    assert figure_label("wue_l") == "WUE l"
    assert figure_label("mfu_fraction") == "MFU"
    assert figure_label("energy_j", "thermal") == "Facility energy" and figure_label("energy_j") == "Energy"


def test_results_section_shows_the_latest_runs_with_plots(qapp, dojo_tile, tmp_path, read_html, make_comm,
                                                           make_thermal):
    for run in (make_comm(0.05, "old ring"), make_thermal(pue=1.08, tj_peak=81.5), make_comm(0.0123)):
        dojo_tile.add_run(parse_run(run))
    html = tmp_path / "res.html"
    pdf = tmp_path / "res.pdf"
    result = export_report(dojo_tile, html=html, pdf=pdf, picture=None)
    doc = read_html(html)
    runs = doc.tables["runs"][1:]
    assert [r[2] for r in runs] == ["old ring", "training soak, 10 min", "all-reduce 1 GiB, ring"]
    comm = dict(doc.tables["results-comm"][1:])
    assert comm["Collective time"] == "12.3 ms"  # the latest comm run, not the old one
    assert comm["Algorithm bandwidth"] == "87.3 GB/s"  # 2^30 B / 12.3 ms
    thermal = dict(doc.tables["results-thermal"][1:])
    assert thermal["PUE"] == "1.08" and thermal["Hottest junction"] == "81.5 °C"
    bottlenecks = doc.tables["results-comm-table-0"]
    assert bottlenecks[1] == ["chip 12 -> chip 13", "98 %", "2,100,000,000"]
    # One chart for the comm run (a fraction) and two for the thermal one (temperatures, powers).
    charts = sorted(k for k in doc.images if k.startswith("chart-"))
    assert charts == ["chart-comm-0", "chart-thermal-0", "chart-thermal-1"]
    overview = dict(doc.tables["totals"][1:])
    assert overview["PUE (training soak, 10 min)"] == "1.08"
    assert result.section_pages["results"] < result.section_pages["assumptions"]


def test_an_unreadable_run_is_reported_not_dropped(qapp, dojo_tile, tmp_path, make_comm):
    bad = make_comm()
    bad["key_figures"]["time_s"] = "soon"
    html = tmp_path / "bad.html"
    export_report(dojo_tile, html=html, picture=None, runs=[bad])
    text = html.read_text()
    assert ("A saved run could not be read and is left out: given runs[0].key_figures.time_s: expected a finite "
            "number") in text
    assert "No simulation results are saved" in text


def test_runs_given_beside_the_design_are_included(qapp, dojo_tile, tmp_path, read_html, make_thermal):
    html = tmp_path / "extra.html"
    export_report(dojo_tile, html=html, picture=None, runs=[make_thermal(pue=1.3)])
    assert dict(read_html(html).tables["results-thermal"][1:])["PUE"] == "1.3"


# --------------------------------------------------------------------------- charts
def test_a_flat_line_is_drawn_at_its_value(qapp):
    t = np.linspace(0, 10, 200)
    series = {"low": np.c_[t, np.full_like(t, 20.0)], "high": np.c_[t, np.full_like(t, 80.0)]}
    image = line_chart(series, "C", width=600, height=400, scale=1.0)
    column = image.width() // 2
    rows_of = {name: [y for y in range(image.height())
                      if _close(image.pixelColor(column, y), QColor(PALETTE[i]))]
               for i, name in enumerate(series)}
    assert rows_of["low"] and rows_of["high"]
    # Higher values are higher up, and the 20 → 80 gap is three times the 20 → 40 gap on a linear axis.
    assert np.mean(rows_of["high"]) < np.mean(rows_of["low"])


def _close(a: QColor, b: QColor, tol: int = 40) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < tol


@given(st.floats(-1e9, 1e9), st.floats(1e-6, 1e9))
@settings(max_examples=200, deadline=None)
def test_nice_ticks_cover_the_range_with_round_steps(lo, span):
    assume(span >= 1e-6 * abs(lo))  # a chart's range is never a millionth of its values
    hi = lo + span
    ticks = nice_ticks(lo, hi)
    steps = np.diff(ticks)
    # Covered up to a billionth of a step (the chart's axis also takes in the data's own ends).
    assert ticks[0] <= lo + 1e-9 * steps[0] and ticks[-1] >= hi - 1e-9 * steps[0]
    assert 2 <= len(ticks) <= 12
    assert np.allclose(steps, steps[0], rtol=1e-6, atol=1e-9 * max(1.0, abs(hi)))
    mantissa = steps[0] / 10 ** np.floor(np.log10(steps[0]))
    assert any(np.isclose(mantissa, m, rtol=1e-6) for m in (1, 2, 2.5, 5, 10))


def test_reducing_a_long_series_keeps_every_extreme():
    rng = np.random.default_rng(7)
    t = np.linspace(0, 1, 100_000)
    v = rng.normal(size=t.size)
    v[31_337] = 9.0
    v[77_777] = -9.0
    points = np.c_[t, v]
    reduced = reduce_for_width(points, 0.0, 1.0, 500)
    assert len(reduced) <= 4 * 500
    assert reduced[:, 1].max() == 9.0 and reduced[:, 1].min() == -9.0
    assert np.all(np.diff(reduced[:, 0]) >= 0)
    assert reduced[0, 0] == 0.0 and reduced[-1, 0] == 1.0
    # Every pixel column keeps its own maximum and minimum.
    col = np.minimum((t * 499).astype(int), 499)
    rcol = np.minimum((reduced[:, 0] * 499).astype(int), 499)
    for c in (0, 63, 250, 499):
        assert reduced[rcol == c, 1].max() == v[col == c].max()
        assert reduced[rcol == c, 1].min() == v[col == c].min()


def test_the_algorithms_auto_skipped_read_in_words(qapp, dojo_tile, tmp_path, read_html, make_comm):
    run = make_comm()
    run["tables"].append({"title": "Algorithms auto tried", "columns": ["algorithm", "time_s", "why_not"],
                          "rows": [["ring", 0.0123, ""],
                                   ["2d", None, ("not simulated: it cannot take less than 0.0151 s, and ring "
                                                 "takes 0.0123 s")]]})
    html = tmp_path / "r.html"
    export_report(dojo_tile, html=html, picture=None, runs=[run])
    rows = read_html(html).tables["results-comm-table-1"]
    assert rows[0] == ["Algorithm", "Collective time", "Why not"]
    assert rows[2][2] == "skipped: its lower bound 15.1 ms exceeds the best, 12.3 ms (ring)"
