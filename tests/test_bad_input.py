"""Issue 14: bad input never crashes, hangs or costs work.  One test per defect the fuzzer and the bad
command lines found; each failed on the code before the fix (see the commit message)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import stat

import pytest

from dojo_gui import limits
from dojo_gui.cli import main
from dojo_gui.io.catalog import example_path
from dojo_gui.io.project import ProjectFileError, load, loads


@pytest.fixture(autouse=True)
def _normal_limits(monkeypatch):
    """Every test starts at the normal limits; --allow-large sets the variable, and this puts it back."""
    monkeypatch.setenv("DOJO_GUI_ALLOW_LARGE", "")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def tile_text() -> str:
    return example_path("dojo-tile").read_text(encoding="utf-8")


def write(tmp_path, text: str, name: str = "p.dojo"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error(text: str) -> ProjectFileError:
    with pytest.raises(ProjectFileError) as info:
        loads(text)
    return info.value


# --------------------------------------------------------------------------- 1. the loader names every place
def test_an_integer_of_hundreds_of_digits_in_a_figure_names_its_place():
    """Was an OverflowError from float(int) in units.parse."""
    err = error(tile_text().replace('"tdp_w": 400.0', '"tdp_w": 1' + "0" * 400, 1))
    assert err.where == "specs[0].tdp_w" and "digits" in err.message


def test_an_integer_of_thousands_of_digits_names_its_place():
    """Was "not valid JSON: Exceeds the limit (4300 digits)" with no place."""
    err = error(tile_text().replace('"edges": 4', '"edges": 1' + "0" * 5000, 1))
    assert err.where == "specs[0].edges"


def test_deep_nesting_is_refused_with_its_line_not_a_recursion_error():
    """Was "maximum recursion depth exceeded" with no place."""
    text = tile_text().replace('"runs": []', '"runs": [' + "[" * 5000 + "]" * 5000 + "]", 1)
    err = error(text)
    assert "nested more than" in err.message and err.line == text[:text.index("[[[[")].count("\n") + 1


def test_moderately_deep_nesting_names_the_place():
    err = error(tile_text().replace('"runs": []', '"runs": [{"x": ' + "[" * 100 + "]" * 100 + "}]", 1))
    assert "nested more than" in err.message and err.where.startswith("runs[0].x[0][0]")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_name_the_place_and_the_line(constant):
    text = tile_text()
    line = text[:text.index('"tdp_w"')].count("\n") + 1
    err = error(text.replace('"tdp_w": 400.0', f'"tdp_w": {constant}', 1))
    assert err.where == "specs[0].tdp_w" and err.line == line and constant in err.message
    assert f"line {line}" in str(err)


def test_the_empty_key_has_a_readable_place():
    """Was refused with an empty place."""
    err = error(tile_text().replace('"description":', '"": 1, "description":', 1))
    assert err.where == '[""]' and "unexpected key ''" in err.message
    err = error(tile_text().replace('"tdp_w":', '"": 1, "tdp_w":', 1))
    assert err.where == 'specs[0][""]'


def test_an_over_large_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from dojo_gui import limits

    monkeypatch.setattr(limits, "FILE_BYTES", dataclasses.replace(limits.FILE_BYTES, normal=1000))
    path = write(tmp_path, tile_text())
    size = path.stat().st_size
    with pytest.raises(ProjectFileError, match=f"too large: {size:,} bytes, over the limit of 1,000"):
        load(path)


# --------------------------------------------------------------------------- 2. nothing unbounded after the loader
@pytest.mark.parametrize("value", ["1000000000", "1e308", "1025", "0"])
def test_a_grid_side_is_a_whole_number_in_its_range(value):
    """ "cols": 1000000000 made validate spend 140 s and 7.6 GB; 1e308 was taken as a whole number."""
    text = re.sub(r'"cols": 5,', f'"cols": {value},', tile_text(), count=1)
    err = error(text)
    assert err.where.endswith(".cols") and "between 1 and 1,024" in err.message


def test_a_million_empty_slots_are_refused_at_the_part_that_passes_the_slot_limit():
    """A 9 KB file with one 1,024x1,024 tile (every grid side in range) took 16 s to open in the window: each
    empty slot is drawn.  Slots, filled or empty, are counted like chips and parts."""
    text = tile_text().replace('"rows": 5,', '"rows": 1024,', 1).replace('"cols": 5,', '"cols": 1024,', 1)
    err = error(text)
    assert err.where == "room.cabinets[0].tiles[0]"
    assert f"{1 + 1 + 1024 * 1024:,} slots, over the limit of 300,000" in err.message  # room, stand, tile


def test_a_figure_beyond_its_physical_range_names_the_range():
    err = error(tile_text().replace('"tdp_w": 400.0', '"tdp_w": 1e308', 1))
    assert err.where == "specs[0].tdp_w" and "between 0 W and 100 kW" in err.message


def test_edges_at_ten_to_the_400_is_refused_not_an_overflow_in_aggregate(capsys, tmp_path):
    """Loaded as a whole number; info then died of an OverflowError in aggregate.py."""
    path = write(tmp_path, tile_text().replace('"edges": 4', '"edges": 1' + "0" * 400, 1))
    code, out, err = run(capsys, "info", path)
    assert code == 2 and out == "" and "specs[0].edges" in err


def test_info_json_never_prints_half_a_document(capsys, tmp_path):
    """A 1e308 figure printed half a JSON document, then a ValueError; now it is refused at load, and
    print_json itself prints all or nothing."""
    path = write(tmp_path, tile_text().replace('"tdp_w": 400.0', '"tdp_w": 1e308', 1))
    code, out, err = run(capsys, "info", path, "--json")
    assert code == 2 and out == "" and "specs[0].tdp_w" in err

    from dojo_gui.cli.common import CliError, print_json

    with pytest.raises(CliError, match=r"peak\.bf16 is not a finite number"):
        print_json({"name": "x", "peak": {"bf16": float("inf")}})
    assert capsys.readouterr().out == ""


def test_too_many_chips_in_a_file_are_refused_at_the_chip_that_passes_the_limit(monkeypatch):
    from dojo_gui import limits

    monkeypatch.setattr(limits, "CHIPS", dataclasses.replace(limits.CHIPS, normal=20))
    err = error(tile_text())
    assert err.where == "room.cabinets[0].tiles[0].chips[20]" and "over the limit of 20" in err.message


# --------------------------------------------------------------------------- 3. text that is not text
def test_a_lone_surrogate_in_a_name_is_refused_at_load(capsys, tmp_path):
    """Loaded, then info and simulate ... --save failed with UnicodeEncodeError."""
    path = write(tmp_path, tile_text().replace('"name": "Dojo training tile"', '"name": "\\ud800"', 1))
    for argv in (["info", path], ["simulate", "comm", path, "--save"]):
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == "" and "name: " in err and "surrogate" in err


def test_a_label_that_is_not_text_is_refused_before_the_run(capsys, tmp_path):
    path = write(tmp_path, tile_text())
    code, _, err = run(capsys, "simulate", "comm", path, "--save", "--label", "bad \udcff")
    assert code == 2 and "--label" in err
    assert path.read_text(encoding="utf-8") == tile_text()


# --------------------------------------------------------------------------- 4. outputs never over inputs
def test_thermal_csv_over_the_project_is_refused(capsys, tmp_path):
    """Overwrote the project with CSV and exited 0."""
    path = write(tmp_path, tile_text(), "my.dojo")
    code, _, err = run(capsys, "simulate", "thermal", path, "--duration", "10s", "--csv", path)
    assert code == 2 and "--csv" in err and "input file" in err
    assert path.read_text(encoding="utf-8") == tile_text()


def test_report_over_its_own_input_is_refused_even_through_a_link(capsys, tmp_path):
    path = write(tmp_path, tile_text(), "p.html")
    code, _, err = run(capsys, "report", path, "-o", path)
    assert code == 2 and "input file" in err
    link = tmp_path / "link.html"
    link.symlink_to(path)
    code, _, err = run(capsys, "report", path, "--html", link)
    assert code == 2 and "input file" in err
    assert path.read_text(encoding="utf-8") == tile_text()


def test_export_csv_over_the_project_is_refused(capsys, tmp_path):
    path = write(tmp_path, tile_text(), "p.dojo")
    assert run(capsys, "simulate", "comm", path, "--save", "-q")[0] == 0
    saved = path.read_text(encoding="utf-8")
    target = tmp_path / "p.csv"
    target.symlink_to(path)
    code, _, err = run(capsys, "export", path, "-o", target)
    assert code == 2 and "input file" in err and path.read_text(encoding="utf-8") == saved


def test_a_read_only_project_is_reported_not_replaced(capsys, tmp_path):
    """A read-only project was replaced silently by --save."""
    path = write(tmp_path, tile_text())
    path.chmod(0o444)
    code, _, err = run(capsys, "simulate", "comm", path, "--save")
    assert code == 2 and "read-only" in err
    assert stat.S_IMODE(path.stat().st_mode) == 0o444 and path.read_text(encoding="utf-8") == tile_text()


def test_saving_through_a_symlink_writes_the_real_file_and_keeps_the_link(capsys, tmp_path):
    """Saving replaced the link with a file and left the real file stale."""
    real = write(tmp_path, tile_text(), "real.dojo")
    real.chmod(0o640)
    link = tmp_path / "link.dojo"
    link.symlink_to(real)
    assert run(capsys, "simulate", "comm", link, "--save", "-q")[0] == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert len(json.loads(real.read_text(encoding="utf-8"))["runs"]) == 1
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_a_killed_save_leaves_a_temporary_that_the_next_command_removes(capsys, tmp_path):
    """A killed save left its full-size temporary file behind for good."""
    import subprocess
    import sys

    path = write(tmp_path, tile_text())
    # A writer killed between writing its temporary file and renaming it.
    script = ("import os, sys; from dojo_gui.io import atomic\n"
              "with atomic.atomic_path(sys.argv[1]) as tmp:\n"
              "    open(tmp, 'wb').write(b'x' * 100000); os.kill(os.getpid(), 9)\n")
    proc = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, check=False)
    assert proc.returncode == -9
    left = [p for p in tmp_path.iterdir() if p.name != "p.dojo"]
    assert len(left) == 1 and left[0].name.startswith(".p.dojo.") and left[0].name.endswith(".dojo-tmp")
    assert run(capsys, "info", path)[0] == 0
    assert [p.name for p in tmp_path.iterdir()] == ["p.dojo"]


# --------------------------------------------------------------------------- 5. work bounded before it starts
def test_a_collective_of_absurd_size_is_refused_naming_the_option(capsys):
    """--bytes 1e30B never ended."""
    code, _, err = run(capsys, "simulate", "comm", "dojo-tile", "--bytes", "1e30B")
    assert code == 2 and "--bytes" in err and "1e30B" in err and "1,000 EB" in err
    code, _, err = run(capsys, "simulate", "comm", "dojo-tile", "--bytes", "1e19B")
    assert code == 2 and "from 0 B to 1 EB" in err and "--allow-large" in err


def test_a_billion_chunks_are_refused_naming_the_option_and_the_range(capsys):
    """--chunks 1000000000 died with a MemoryError traceback at 4 GB."""
    code, _, err = run(capsys, "simulate", "comm", "dojo-tile", "--chunks", "1000000000")
    assert code == 2 and "--chunks: '1000000000'" in err and "from 1 to 1,000" in err


def test_a_grid_of_ten_billion_chips_is_refused_with_the_count_and_the_limit(capsys, tmp_path):
    """new grid --tile 1000x1000 --cabinet 100x100 --room 100x100 grew until MemoryError."""
    out = tmp_path / "g.dojo"
    code, _, err = run(capsys, "new", "grid", "--chip", "dojo-d1", "--tile", "1000x1000", "--cabinet", "100x100",
                       "--room", "100x100", "-o", out)
    assert code == 2 and not out.exists()
    assert f"100,000,000,000,000 chips, over the limit of {limits.CHIPS.normal:,}" in err


@pytest.mark.slow  # builds a design over the normal limit: ~7 s
def test_allow_large_raises_a_limit_deliberately(capsys, tmp_path):
    out = tmp_path / "g.dojo"
    argv = ["new", "grid", "--chip", "dojo-d1", "--tile", "20x20", "--cabinet", "30x30", "--room", "1x1", "-o", out,
            "-q"]
    code, _, err = run(capsys, *argv)
    assert code == 2 and "360,000 chips" in err
    assert run(capsys, *argv, "--allow-large")[0] == 0 and out.exists()


def test_a_thermal_run_of_absurd_length_is_refused(capsys):
    code, _, err = run(capsys, "simulate", "thermal", "dojo-tile", "--duration", "1000d", "--dt", "1ms")
    assert code == 2 and "time steps, over the limit of 100,000,000" in err


# --------------------------------------------------------------------------- 7. no markup, no formulas
def test_a_design_named_like_a_script_is_shown_not_run_in_the_html_report(capsys, tmp_path):
    """The title page's facts (design name, "Compared with", file name) were written unescaped."""
    doc = json.loads(tile_text())
    doc["name"] = "<script>alert(1)</script>"
    path = write(tmp_path, json.dumps(doc), "<b>x.dojo")
    html = tmp_path / "r.html"
    assert run(capsys, "report", path, "--html", html, "--compare", path, "-q")[0] == 0
    text = html.read_text(encoding="utf-8")
    assert "<script>" not in text and "<b>x.dojo" not in text
    assert text.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # title, design, compared with


def test_run_labels_never_become_spreadsheet_formulas(capsys, tmp_path):
    """Run labels went unescaped into the results CSV."""
    path = write(tmp_path, tile_text())
    label = '=HYPERLINK("http://example.com","x")'
    assert run(capsys, "simulate", "comm", path, "--save", "--label", label, "-q")[0] == 0
    out = tmp_path / "r.csv"
    assert run(capsys, "export", path, "-o", out, "-q")[0] == 0
    import csv

    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert rows and all(r["label"] == "'" + label for r in rows)
    assert all(float(r["value"]) == float(r["value"]) for r in rows)  # numbers stay numbers


# --------------------------------------------------------------------------- 9. unknown commands, absurd sizes
def test_a_mistyped_command_is_named_with_the_nearest_one(capsys, monkeypatch):
    """dojo-gui frobnicate opened the window."""
    import dojo_gui.cli as cli

    monkeypatch.setattr(cli, "run_gui", lambda args: pytest.fail("the window must not open"))
    code, _, err = run(capsys, "frobnicate")
    assert code == 2 and "unknown command 'frobnicate'" in err and "did you mean" in err
    code, _, err = run(capsys, "valdate", "x.dojo")
    assert code == 2 and "did you mean 'validate'" in err


def test_a_project_path_still_opens_the_window(monkeypatch, tmp_path):
    import dojo_gui.cli as cli

    opened = []
    monkeypatch.setattr(cli, "run_gui", lambda args: opened.append(args.files) or 0)
    existing = write(tmp_path, "not even a project", "notes.txt")
    assert main(["missing.dojo"]) == 0 and main([str(existing)]) == 0 and main(["--example", "exapod"]) == 0
    assert opened == [["missing.dojo"], [str(existing)], []]


def test_an_absurd_picture_size_is_blamed_on_the_size(capsys, tmp_path):
    """export --size 100000x100000 blamed the file."""
    out = tmp_path / "x.png"
    code, _, err = run(capsys, "export", "dojo-tile", "-o", out, "--size", "100000x100000")
    assert code == 2 and err.startswith("dojo-gui export: --size: 100000x100000") and "16,384" in err
    assert not out.exists()
