"""What the command line says, as issue 13 found it: words a reader understands, in the right number."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from dojo_gui.cli import main


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def my_tile(tmp_path):
    path = tmp_path / "my.dojo"
    assert main(["new", "dojo-tile", "-o", str(path), "-q"]) == 0
    return path


# --------------------------------------------------------------------------- item 9
def test_auto_says_why_it_skipped_an_algorithm(capsys):
    """It printed "2d (n/a)" for an algorithm skipped only because its lower bound could not beat the best."""
    code, out, _ = run(capsys, "simulate", "comm", "dojo-cabinet", "--algorithm", "auto")
    assert code == 0
    assert "(n/a)" not in out
    tried = out[out.index("  tried"):out.index("  bottleneck")]
    assert "2d: skipped: its lower bound 1.15 ms exceeds the best, 818 µs (hierarchical)" in tried
    assert "hierarchical: 818 µs (the fastest, kept)" in tried
    assert "0.00" not in tried  # no seconds left as the engine writes them


def test_a_reason_in_the_engine_s_words_reads_in_readable_units():
    from dojo_gui.sim.comm_reasons import why_not

    assert why_not("needs 0.00123 s more than 2 s allows") == "not run: needs 1.23 ms more than 2 s allows"
    assert why_not("not simulated: it cannot take less than 0.002 s, and ring takes 0.002 s").endswith(
        "its lower bound 2 ms equals the best, 2 ms (ring)")


# --------------------------------------------------------------------------- item 10
def test_counts_take_the_number_of_their_noun(capsys, my_tile):
    """ "1 room, 1 cabinets, 1 tiles" and "(1 saved runs)". """
    _, out, _ = run(capsys, "info", "gb200-nvl72")
    assert "parts     1 room, 1 cabinet, 18 tiles, 72 chips" in out
    _, out, _ = run(capsys, "info", "dojo-tile")
    assert "1 room, 1 cabinet, 1 tile, 25 chips" in out and "0 errors, 0 warnings, 0 notes" in out
    code, out, _ = run(capsys, "simulate", "comm", my_tile, "--algorithm", "2d", "--save")
    assert code == 0 and "(1 saved run)" in out


def test_the_thermal_summary_names_energy_totals_and_means_apart(capsys):
    """It called an energy total "means over the run" and named no IT or facility energy."""
    code, out, _ = run(capsys, "simulate", "thermal", "dojo-tile", "--duration", "1h")
    assert code == 0
    power = next(line for line in out.splitlines() if line.startswith("  power"))
    energy = next(line for line in out.splitlines() if line.startswith("  energy"))
    assert "(means over the run)" in power and "Wh" not in power
    assert energy.startswith("  energy    IT 15") and "kWh · facility 16" in energy
    assert energy.endswith("(totals over the run)")


def test_a_training_run_says_in_words_what_timed_its_collective(capsys):
    """It said "simulated by dojo_gui.sim.comm" (a module's name), then "comm-engine: ..." (a key)."""
    code, out, _ = run(capsys, "simulate", "thermal", "dojo-tile", "--workload", "train", "--step-flops", "300TFLOP",
                       "--duration", "2min")
    assert code == 0
    training = next(line for line in out.splitlines() if line.startswith("  training"))
    assert "(allreduce of 2 GB simulated by the communication engine)" in training
    assert "dojo_gui" not in out and "comm-engine" not in out


# --------------------------------------------------------------------------- item 12
@pytest.mark.parametrize("argv,message", [
    (["--duration", "-5s"], "--duration: duration must be positive: -5s"),
    (["--duration", "0s"], "--duration: duration must be positive: 0s"),
    (["--dt", "-.5s"], "--dt: time step must be positive: -.5s"),
])
def test_a_negative_duration_is_refused_with_its_reason(capsys, argv, message):
    """`--duration -5s` answered "expected one argument": argparse took -5s for an option."""
    code, out, err = run(capsys, "simulate", "thermal", "dojo-tile", *argv)
    assert code == 2 and message in err and "expected one argument" not in err and out == ""


def test_other_values_that_look_negative_reach_their_own_checks(capsys):
    code, _, err = run(capsys, "simulate", "comm", "dojo-tile", "--bytes", "-1GiB")
    assert code == 2 and "--bytes" in err and "negative" in err


# --------------------------------------------------------------------------- item 14
def test_the_exported_picture_is_cropped_to_the_design(qapp, capsys, tmp_path):
    """The ExaPOD, a long row of cabinets, came out 85 % empty in a 2400 x 1500 frame."""
    from PySide6.QtGui import QImage

    from dojo_gui.render.export import BACKGROUND

    out = tmp_path / "room.png"
    code, _, err = run(capsys, "export", "exapod", "-o", out)
    assert code == 0, err
    image = QImage(str(out)).convertToFormat(QImage.Format.Format_RGB888)
    w, h = image.width(), image.height()
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine())[:, : 3 * w].reshape(h, w, 3)
    background = np.array([BACKGROUND.red(), BACKGROUND.green(), BACKGROUND.blue()])
    empty_rows = np.all(np.abs(pixels.astype(int) - background).sum(axis=2) <= 3, axis=1)
    empty_cols = np.all(np.abs(pixels.astype(int) - background).sum(axis=2) <= 3, axis=0)
    assert w == 2400 and h < 400  # the row's own shape
    assert empty_rows.mean() < 0.2 and empty_cols.mean() < 0.05


# --------------------------------------------------------------------------- item 15
def test_a_thinned_csv_says_so_and_every_step_can_be_asked_for(capsys, tmp_path):
    """The thermal CSV was thinned to 2,000 rows without a word."""
    out_csv = tmp_path / "t.csv"
    code, out, _ = run(capsys, "simulate", "thermal", "dojo-tile", "--duration", "1h", "--csv", out_csv)
    assert code == 0
    with out_csv.open() as f:
        rows = list(csv.reader(f))[1:]
    assert len(rows) == 1800  # 7,200 steps of 0.5 s, four to a row
    assert (f"csv       {out_csv}: 1,800 rows, each standing for 4 steps of the 7,200" in out
            and "--max-rows all keeps every step" in out)
    code, out, _ = run(capsys, "simulate", "thermal", "dojo-tile", "--duration", "1h", "--csv", out_csv,
                       "--max-rows", "all", "--json")
    with out_csv.open() as f:
        assert len(list(csv.reader(f))) - 1 == 7200
    assert '"steps_per_point": 1' in out
    code, _, err = run(capsys, "simulate", "thermal", "dojo-tile", "--csv", out_csv, "--max-rows", "few")
    assert code == 2 and "--max-rows: 'few' is not a whole number or 'all'" in err
