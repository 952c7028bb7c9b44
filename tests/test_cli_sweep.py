"""``dojo-gui sweep`` and ``dojo-gui compare-claims`` from the command line (in process: --workers 0)."""

import json

import pytest

from dojo_gui.cli import main
from dojo_gui.io.project import load


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_sweep_prints_a_row_per_variant_and_writes_csv(capsys, tmp_path):
    csv = tmp_path / "r.csv"
    code, out, err = run(capsys, "sweep", "dojo-tile", "--vary", "dojo-d1.tdp=350W,450W", "--vary", "tile.grid=4x4,5x5",
                         "--scenario", "thermal", "--duration", "1min", "--dt", "1s", "--utilization", "90%",
                         "--workers", "0", "-o", str(csv))
    assert code == 0, err
    rows = [line for line in out.splitlines() if line.strip()[:1].isdigit() and "W " in line]
    assert len(rows) == 4 and "4x4" in rows[0] and "350 W" in rows[0] and "5x5" in rows[3] and "450 W" in rows[3]
    assert "thermal: utilization 90 %, 60 s at 1 s" in out
    assert len(csv.read_text().splitlines()) == 5


def test_json_carries_the_sweep_and_a_rerun_comes_from_the_cache(capsys):
    argv = ["sweep", "dojo-tile", "--vary", "chip.tdp=300W..500W:3", "--scenario", "thermal", "--duration", "30s",
            "--workers", "0", "--json"]
    code, out, _ = run(capsys, *argv)
    first = json.loads(out)
    assert code == 0 and first["variants"] == 3 and first["failed"] == 0
    assert [r["variant"]["chip.tdp_w"] for r in first["sweep"]["results"]] == [300.0, 400.0, 500.0]
    code, out, _ = run(capsys, *argv)
    second = json.loads(out)
    assert second["cached"] == 3 and second["computed"] == 0
    assert [r["figures"] for r in second["sweep"]["results"]] == [r["figures"] for r in first["sweep"]["results"]]


def test_scenario_options_are_those_of_simulate(capsys):
    code, _, err = run(capsys, "sweep", "dojo-tile", "--vary", "chip.tdp=300W", "--scenario", "comm",
                       "--bytes", "a lot", "--workers", "0")
    assert code == 2 and "--bytes" in err
    code, _, err = run(capsys, "sweep", "dojo-tile", "--vary", "chip.tdp=300W", "--scenario", "thermal",
                       "--nonsense", "1", "--workers", "0")
    assert code == 2 and "unrecognized arguments: --nonsense 1" in err
    code, _, err = run(capsys, "sweep", "dojo-tile", "--vary", "chip.tdpp=300W", "--scenario", "thermal",
                       "--workers", "0")
    assert code == 2 and "did you mean 'tdp'" in err


def test_a_failed_variant_sets_the_exit_code(capsys):
    code, out, _ = run(capsys, "sweep", "dojo-tile", "--vary", "scenario.algorithm=ring,sideways", "--scenario",
                       "comm", "--bytes", "64MiB", "--workers", "0")
    assert code == 1 and "#1 failed: unknown algorithm 'sideways'" in out


def test_save_keeps_the_sweep_in_the_project(capsys, tmp_path):
    path = tmp_path / "t.dojo"
    assert main(["new", "dojo-tile", "-o", str(path), "-q"]) == 0
    code, _out, err = run(capsys, "sweep", str(path), "--vary", "dojo-d1.tdp=350W,400W", "--scenario", "thermal",
                         "--duration", "30s", "--workers", "0", "--save", "--name", "TDP")
    assert code == 0, err
    design = load(path)
    assert [s.name for s in design.sweeps] == ["TDP"] and len(design.sweeps[0].results) == 2
    assert design.sweeps[0].results[0].figures["facility_power_w"] > 0
    code, _, err = run(capsys, "sweep", "dojo-tile", "--vary", "dojo-d1.tdp=350W", "--scenario", "thermal",
                       "--workers", "0", "--save")
    assert code == 2 and "bundled example" in err


def test_compare_claims_sets_each_ratio_beside_the_claim(capsys):
    code, out, _ = run(capsys, "compare-claims", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["claims"]["performance at the same cost"] == 4.0
    same_cost, dojo = doc["gpu_same_cost"], doc["dojo"]
    assert same_cost["capex_usd"] <= dojo["capex_usd"]
    assert doc["ratios"]["performance at the same cost"] == pytest.approx(dojo["peak_flops"] / same_cost["peak_flops"])
    assert doc["ratios"]["performance per watt"] == pytest.approx(dojo["flops_per_w"] / same_cost["flops_per_w"])
    code, out, _ = run(capsys, "compare-claims")
    assert "Tesla's claim" in out and "performance per watt" in out and "assumptions" in out
