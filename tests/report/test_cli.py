"""`dojo-gui report` and `dojo-gui export` from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dojo_gui.cli import main
from dojo_gui.io.catalog import example_path
from dojo_gui.io.project import load, save
from dojo_gui.model.runs import parse_run

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_report_pdf_and_html(qapp, capsys, tmp_path, read_html):
    code, out, err = run(capsys, "report", "exapod", "-o", tmp_path / "r.pdf", "--html", tmp_path / "r.html")
    assert code == 0, err
    assert f"{tmp_path / 'r.pdf'}: " in out
    assert "pages (summary, overview, levels, budgets, findings, results, assumptions)" in out
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
    assert dict(read_html(tmp_path / "r.html").tables["totals"][1:])["Parts"].endswith("3,000 chips")


def test_report_html_only_by_suffix(qapp, capsys, tmp_path):
    code, out, _ = run(capsys, "report", "dojo-tile", "-o", tmp_path / "r.html", "-q")
    assert code == 0 and out == ""
    assert (tmp_path / "r.html").is_file() and not list(tmp_path.glob("*.pdf"))


def test_report_compare_with_a_copy_missing_a_cabinet(qapp, capsys, tmp_path, read_html):
    variant = load(example_path("exapod"))
    variant.remove(((0, 9),))
    save(variant, tmp_path / "nine.dojo")
    code, _, err = run(capsys, "report", tmp_path / "nine.dojo", "--html", tmp_path / "c.html", "--compare", "exapod")
    assert code == 0, err
    parts = read_html(tmp_path / "c.html").tables["compare-parts"][1:]
    assert [(r[0], r[1], r[5], r[6]) for r in parts] == [("removed", "cabinet", "12 tiles, 300 chips",
                                                           "room.cabinet[0,9]")]


def test_report_with_runs_from_a_file(qapp, capsys, tmp_path, read_html, make_comm):
    (tmp_path / "runs.json").write_text(json.dumps([make_comm(0.0123)]))
    code, _, err = run(capsys, "report", "dojo-tile", "--html", tmp_path / "r.html", "--runs", tmp_path / "runs.json")
    assert code == 0, err
    assert dict(read_html(tmp_path / "r.html").tables["results-comm"][1:])["Collective time"] == "12.3 ms"


@pytest.mark.parametrize("argv, message", [
    (["report", "exapod"], "say where to write the report"),
    (["report", "exapod", "-o", "{tmp}/r.docx"], "a report is written as .pdf or .html (got .docx)"),
    (["report", "exapod", "-o", "{tmp}/missing/r.pdf"], "the folder"),
    (["report", "{tmp}/none.dojo", "-o", "{tmp}/r.pdf"], "none.dojo"),
    (["report", "exapod", "-o", "{tmp}/r.pdf", "--compare", "no-such-example"], "no bundled example"),
    (["report", "exapod", "-o", "{tmp}/r.pdf", "--runs", "{tmp}/nothing.json"], "cannot read"),
    (["export", "dojo-tile", "-o", "{tmp}/r.csv"], "has no saved simulation runs"),
    (["export", "exapod", "-o", "{tmp}/r.png", "--size", "big"], "--size"),
    (["export", "exapod", "-o", "{tmp}/r.txt"], "export writes .csv"),
])
def test_bad_requests_say_what_is_wrong(qapp, capsys, tmp_path, argv, message):
    code, _, err = run(capsys, *[a.replace("{tmp}", str(tmp_path)) for a in argv])
    assert code == 2
    assert message in err and err.startswith(f"dojo-gui {argv[0]}: ")
    assert not list(tmp_path.glob("r.*"))


def test_export_results_csv(capsys, tmp_path, make_comm, make_thermal):
    design = load(example_path("dojo-tile"))
    design.add_run(parse_run(make_comm()))
    design.add_run(parse_run(make_thermal()))
    save(design, tmp_path / "t.dojo")
    code, out, err = run(capsys, "export", tmp_path / "t.dojo", "-o", tmp_path / "res.csv")
    assert code == 0, err
    assert out.split() == [str(tmp_path / n) for n in ("res.csv", "res-run1-series.csv", "res-run2-series.csv")]
    assert (tmp_path / "res.csv").read_text().startswith("run,kind,label,finished,figure,value,unit\n1,comm,")


@pytest.mark.slow  # a fresh process: ~2 s
def test_report_runs_headless_in_a_fresh_process(tmp_path):
    """No display and no QT_QPA_PLATFORM: the command picks the offscreen platform itself."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-m", "dojo_gui", "report", "exapod", "-o", str(tmp_path / "r.pdf")],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
                          check=False)  # the exit status is asserted below, with the command's stderr
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "r.pdf").read_bytes()[:5] == b"%PDF-"
    assert "report of Dojo ExaPOD written in" in proc.stdout


@pytest.mark.parametrize("name,magic", [("design.png", b"\x89PNG"), ("design.svg", b"<?xml")])
def test_export_the_design_picture(qapp, capsys, tmp_path, name, magic):
    out = tmp_path / name
    code, printed, _ = run(capsys, "export", "exapod", "-o", str(out), "--size", "800x400")
    assert code == 0 and printed.strip() == str(out)
    assert out.read_bytes().startswith(magic)


def test_the_bundled_exapod_reports_and_exports_its_runs(qapp, capsys, tmp_path, read_html):
    """Issue 13, item 16: the first `report exapod` had an empty results section and `export exapod -o x.csv`
    failed; the example now keeps a run of each kind (scripts/make-examples.py)."""
    import csv

    code, _, err = run(capsys, "report", "exapod", "-o", tmp_path / "r.html")
    assert code == 0, err
    doc = read_html(tmp_path / "r.html")
    assert [row[1] for row in doc.tables["runs"][1:]] == ["Communication", "Power and cooling"]
    code, _, err = run(capsys, "export", "exapod", "-o", tmp_path / "x.csv")
    assert code == 0, err
    with (tmp_path / "x.csv").open() as f:
        assert {row["run"] for row in csv.DictReader(f)} == {"1", "2"}
