"""A communication run as a saved-run record, read back by the report's reader, and kept by the CLI."""

import dataclasses
import json

import numpy as np
import pytest

from dojo_gui.cli import main
from dojo_gui.fabric.fabric import Fabric
from dojo_gui.io.project import load
from dojo_gui.model.templates import TEMPLATES
from dojo_gui.report.runs import read_runs
from dojo_gui.sim import comm_engine
from dojo_gui.sim.comm import Cancelled, simulate_collective

S = float(1 << 30)


def read_back(record: dict):
    good, bad = read_runs([json.loads(json.dumps(record))])  # through JSON, as a project file keeps it
    assert bad == [] and len(good) == 1
    return dataclasses.replace(good[0], series={k: np.asarray(v) for k, v in good[0].series.items()})


def test_the_record_has_the_figures_series_and_bottlenecks(catalog):
    f = Fabric.from_design(TEMPLATES["dojo-cabinet"].make(catalog))
    r = simulate_collective(f, "allreduce", S, "2d", scope="tile:cabinet[0,0].tile[0,1]")
    rec = read_back(r.run_record(label="gradients", revision=7))
    assert (rec.kind, rec.label, rec.revision) == ("comm", "gradients", 7) and rec.finished.endswith("Z")
    figures = rec.key_figures
    assert figures["time_s"] == r.time_s and figures["algbw_Bps"] == r.algbw_Bps and figures["busbw_Bps"] == r.busbw_Bps
    assert figures["lower_bound_s"] == r.lower_bound_s and figures["chips"] == 25
    assert figures["max_link_utilization_fraction"] == r.max_link_utilization
    assert figures["links_used"] == (r.link_bytes > 0).sum()
    assert rec.parameters == {"collective": "all-reduce", "size_bytes": S, "algorithm": "2d",
                              "requested_algorithm": "2d", "scope": "tile cabinet[0,0].tile[0,1]", "routing": "mesh",
                              "chunks": 1,
                              "latency_and_overhead": True, "engine": r.engine}
    mean, peak = rec.series["link_utilization_mean_fraction"], rec.series["link_utilization_max_fraction"]
    assert np.array_equal(mean[:, 0], peak[:, 0]) and np.all(mean[:, 1] <= peak[:, 1] + 1e-12)
    assert peak[:, 1].max() == pytest.approx(float(r.timeline_utilization.max()), rel=1e-6)
    # The mean over time of the mean utilization is the mean utilization of the links that carried data.
    widths = np.diff(r.timeline_edges_s)
    assert np.sum(mean[:, 1] * widths) == pytest.approx(figures["mean_link_utilization_fraction"] * r.time_s, rel=1e-5)
    # The chips done: a staircase from none at 0 to all at the last chip's finish.
    done = rec.series["chips_done_fraction"]
    assert done[0].tolist() == [0.0, 0.0] and done[-1].tolist() == [pytest.approx(r.chip_finish_s.max()), 1.0]
    assert np.all(np.diff(done[:, 1]) >= 0)
    for t in np.unique(r.chip_finish_s):
        assert done[done[:, 0] == t][-1, 1] == pytest.approx(np.mean(r.chip_finish_s <= t))
    table = rec.tables[0]
    assert table.columns == ["link", "kind", "capacity_Bps", "utilization_fraction", "saturated_s", "peak_transfers"]
    assert [row[0] for row in table.rows] == [r.link_name(i) for i in r.bottleneck_links[:20]]
    assert table.rows[0][3] == r.link_utilization[r.bottleneck_links[0]]


@pytest.mark.slow  # ~2 s
def test_long_timelines_are_merged_to_the_points_asked_for(catalog):
    f = Fabric.from_design(TEMPLATES["dojo-tile"].make(catalog))
    r = simulate_collective(f, "allreduce", S, "direct")  # on a mesh, direct's transfers share links
    rec = read_back(r.run_record(max_points=40))
    mean = rec.series["link_utilization_mean_fraction"]
    assert len(mean) <= 40 and len(rec.series["chips_done_fraction"]) <= 40
    full = read_back(r.run_record()).series["link_utilization_mean_fraction"]
    # Merging bins keeps the time integral (bins have equal widths; the last group may be short).
    edges = r.timeline_edges_s
    group = -(-(len(edges) - 1) // 40)
    widths = np.diff(np.append(edges[:-1][::group], edges[-1]))
    assert np.sum(mean[:, 1] * widths) == pytest.approx(np.sum(full[:, 1] * np.diff(edges)), rel=1e-6)
    # Shared links get their own table.
    assert any(t.title.startswith("Links that carried several transfers") for t in rec.tables)


def test_auto_lists_what_it_tried_and_a_stopped_run_says_so(dojo_tile, monkeypatch):
    r = simulate_collective(dojo_tile, "allreduce", S, "auto")
    rec = read_back(r.run_record())
    assert rec.label.startswith("all-reduce") and "(auto)" in rec.label
    tried = next(t for t in rec.tables if t.title == "Algorithms auto tried")
    assert {row[0] for row in tried.rows} == set(r.candidates)
    assert all((row[1] is None) == bool(row[2]) for row in tried.rows)
    monkeypatch.setattr(comm_engine.Pacer, "due", lambda self: True)
    with pytest.raises(Cancelled) as stopped:
        simulate_collective(dojo_tile, "alltoall", S, "direct", should_stop=lambda: True)
    rec = read_back(stopped.value.partial.run_record())
    assert rec.label.endswith("(stopped early)")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_keeps_the_run_in_the_project(capsys, tmp_path):
    path = tmp_path / "tile.dojo"
    assert main(["new", "dojo-tile", "-o", str(path), "-q"]) == 0
    code, out, _ = run(capsys, "simulate", "comm", str(path), "--algorithm", "ring", "--save", "--label", "ring, 1 GiB")
    assert code == 0 and f"the run is kept in {path} (1 saved run)" in out
    code, out, _ = run(capsys, "simulate", "comm", str(path), "--bytes", "64MiB", "--save", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["saved_to"] == str(path) and doc["saved_runs"] == 2
    design = load(path)
    records, problems = read_runs(design.runs)
    assert problems == [] and [r.label for r in records] == ["ring, 1 GiB", doc_label(doc)]
    assert records[1].key_figures["time_s"] == doc["time_s"] and records[1].revision == design.revision


def doc_label(doc: dict) -> str:
    return f"all-reduce 67.1 MB, {doc['algorithm']} (auto), room"


@pytest.mark.parametrize("argv, message", [
    (["dojo-tile", "--save"], "'dojo-tile' is a bundled example: make your own copy first"),
    (["dojo-tile", "--label", "x"], "--label names a run kept with --save"),
])
def test_the_cli_refuses_to_save_where_it_should_not(capsys, argv, message):
    code, out, err = run(capsys, "simulate", "comm", *argv)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1
