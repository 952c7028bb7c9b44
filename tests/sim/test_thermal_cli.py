"""``dojo-gui simulate thermal``: output, CSV, bad input, the progress bar and Ctrl-C."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dojo_gui.cli import main
from dojo_gui.cli import simulate_thermal as cli_thermal

ROOT = Path(__file__).resolve().parents[2]
JSON_KEYS = {"it_power_w", "facility_power_w", "pue", "tj_max_c", "coolant_supply_c", "coolant_return_c",
             "throttled_chips", "energy_kwh"}


def run_cli(capsys, *args):
    code = main(["simulate", "thermal", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_the_promised_figures(capsys):
    code, out, err = run_cli(capsys, "dojo-tile", "--duration", "10min", "--dt", "0.5s", "--utilization", "0.9",
                             "--ambient", "25C", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) >= JSON_KEYS
    assert doc["completed"] and doc["steps"] == 1200 and doc["simulated_s"] == 600
    assert doc["pue"] >= 1 and doc["facility_power_w"] > doc["it_power_w"] > 10e3
    assert doc["coolant_return_c"] > doc["coolant_supply_c"] >= doc["facility_supply_c"]
    assert doc["energy_kwh"] == pytest.approx(doc["facility_power_w"] * 600 / 3.6e6)
    assert doc["scenario"]["workload"] == {"kind": "constant", "utilization": 0.9}
    assert doc["file"].endswith("dojo-tile.dojo")
    (cabinet,) = doc["cabinets"]
    assert cabinet["path"] == "room.cabinet[0,0]" and 10e3 < cabinet["peak_power_w"] <= cabinet["power_budget_w"]
    assert cabinet["peak_cdu_load_w"] <= cabinet["cooling_capacity_w"]


def test_text_summary_and_csv(capsys, tmp_path):
    out_csv = tmp_path / "series.csv"
    code, out, err = run_cli(capsys, "exapod", "--duration", "2min", "--dt", "1s", "--workload", "train",
                             "--step-flops", "200TFLOP", "--csv", str(out_csv))
    assert code == 0, err
    assert "Dojo ExaPOD" in out and "PUE" in out and "Tj max" in out and "training" in out
    assert "simulated by the communication engine" in out or "the ring's closed form" in out
    rows = list(csv.DictReader(out_csv.read_text().splitlines()))
    assert rows and float(rows[-1]["time_s"]) == 120 and float(rows[-1]["it_power_w"]) > 1e6
    code, out, err = run_cli(capsys, "dojo-tile", "--duration", "20s", "--dt", "1s", "--csv", str(out_csv),
                             "--csv-level", "tile", "--json")
    assert code == 0, err
    rows = list(csv.DictReader(out_csv.read_text().splitlines()))
    assert rows[0]["path"] == "room.cabinet[0,0].tile[0,0]" and "coolant_out_c" in rows[0]


def test_trace_and_ambient_curve_from_files(capsys, tmp_path):
    trace = tmp_path / "load.csv"
    trace.write_text("time_s,utilization\n0,10%\n60,100%\n")
    day = tmp_path / "day.csv"
    day.write_text("hour,ambient_c\n0,10\n14,35\n")
    code, out, err = run_cli(capsys, "dojo-tile", "--duration", "2min", "--dt", "2s", "--trace", str(trace),
                             "--ambient-curve", str(day), "--start-hour", "13", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["scenario"]["workload"]["kind"] == "trace"
    assert doc["scenario"]["ambient"]["kind"] == "curve"
    assert doc["final"]["ambient_c"] == pytest.approx(10 + 25 * (13 + 119 / 3600) / 14, rel=1e-3)


@pytest.mark.parametrize("args,fragment", [
    (["dojo-tile", "--dt", "fast"], "--dt: 'fast' is not a time"),
    (["dojo-tile", "--duration=-5s"], "--duration: duration must be positive: -5s"),
    (["dojo-tile", "--utilization", "1.5"], "--utilization: must be between 0 and 1"),
    (["dojo-tile", "--workload", "train"], "needs --step-flops"),
    (["dojo-tile", "--ambient-curve", "daily:30C"], "expected daily:MIN,MAX"),
    (["no-such-design"], "no such file"),
    (["dojo-tile", "--trace", "missing.csv"], "missing.csv: cannot read the trace"),
])
def test_bad_input_names_the_problem(capsys, args, fragment):
    code, out, err = run_cli(capsys, *args)
    assert code == 2
    assert fragment in err and err.startswith("dojo-gui simulate thermal: ")
    assert out == ""


def test_a_bad_trace_line_is_named(capsys, tmp_path):
    trace = tmp_path / "bad.csv"
    trace.write_text("time_s,utilization\n0,0.5\n10,lots\n")
    code, _, err = run_cli(capsys, "dojo-tile", "--trace", str(trace))
    assert code == 2 and f"{trace}:3, column 2" in err


@pytest.mark.slow  # minutes of simulated time on a terminal: ~3 s
def test_progress_bar_on_a_terminal_only(capsys, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(cli_thermal, "PROGRESS_AFTER_S", 0.0)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["simulate", "thermal", "dojo-tile", "--duration", "30min", "--dt", "0.1s", "--every-step",
                 "--json"]) == 0
    text = terminal.getvalue()
    assert "\r[" in text and "%" in text and "of 30 min" in text
    assert text.endswith("\r")  # the bar is cleared at the end
    json.loads(capsys.readouterr().out)
    # Not a terminal: no bar.
    plain = io.StringIO()
    monkeypatch.setattr(sys, "stderr", plain)
    assert main(["simulate", "thermal", "dojo-tile", "--duration", "5min", "--dt", "0.1s", "--json"]) == 0
    assert plain.getvalue() == ""


@pytest.mark.slow  # a child process interrupted: ~3 s
def test_ctrl_c_stops_cleanly_with_what_was_computed():
    """A real SIGINT to a real process, its stderr a terminal so the progress bar tells us it is running."""
    master, slave = pty.openpty()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "dojo_gui", "simulate", "thermal", "exapod", "--workload", "train",
                             "--step-flops", "300TFLOP", "--duration", "10h", "--dt", "0.1s", "--json"],
                            stdout=subprocess.PIPE, stderr=slave, env=env, cwd=ROOT)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 120
    try:
        while b"\r[" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if ready:
                seen += os.read(master, 4096)
        assert b"\r[" in seen, seen
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        try:
            while select.select([master], [], [], 0.2)[0]:
                chunk = os.read(master, 4096)
                if not chunk:
                    break
                seen += chunk
        except OSError:
            pass
        os.close(master)
    assert proc.returncode == 130
    doc = json.loads(out)
    assert doc["stopped"] and not doc["completed"]
    assert 0 < doc["simulated_s"] < 36000 and doc["steps"] == round(doc["simulated_s"] / 0.1)
    assert set(doc) >= JSON_KEYS and doc["pue"] >= 1
    assert b"interrupted at" in seen


def test_save_keeps_the_run_where_the_report_reads_it(capsys, tmp_path):
    from dojo_gui.io.project import load
    from dojo_gui.report.runs import read_runs

    project = tmp_path / "pod.dojo"
    assert main(["new", "dojo-tile", "-o", str(project), "-q"]) == 0
    for ambient in ("20C", "35C"):
        code, out, err = run_cli(capsys, str(project), "--duration", "10min", "--dt", "1s", "--ambient", ambient,
                                 "--save", "--json")
        assert code == 0, err
        assert json.loads(out)["saved_to"] == str(project)
    code, out, err = run_cli(capsys, str(project), "--duration", "1min", "--save", "--label", "quick look")
    assert code == 0 and "saved" in out
    design = load(project)
    records, problems = read_runs(design.runs)
    assert problems == [] and [r.kind for r in records] == ["thermal"] * 3
    cool, hot, quick = records
    assert quick.label == "quick look" and "ambient 20 °C" in cool.label
    assert hot.figure("pue") > cool.figure("pue") >= 1
    assert hot.series["tj_max_c"][-1][0] == pytest.approx(600.0)
    assert hot.tables[0].columns[0] == "cabinet" and len(hot.tables[0].rows) == 1
    assert cool.parameters["ambient_c"] == 20.0 and cool.parameters["workload"] == "constant"


def test_save_refuses_a_bundled_example(capsys):
    code, out, err = run_cli(capsys, "exapod", "--save")
    assert code == 2 and "make your own copy first" in err and out == ""
