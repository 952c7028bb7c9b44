"""Exports from the window never write over the open project (nor a comparison's baseline) nor over a read-only
file: the refusal names the file and why, and every file is left as it was."""

from __future__ import annotations

import os
import stat

import pytest
from PySide6.QtGui import QImage

from dojo_gui.model.runs import parse_run


@pytest.fixture
def saved(window, tmp_path):
    """The window's project saved as work.dojo, with a kept run whose label a spreadsheet would run."""
    window.document.keep_run(parse_run({"kind": "thermal", "label": "=HYPERLINK(\"http://x\")",
                                        "key_figures": {"pue": 1.2}}))
    path = tmp_path / "work.dojo"
    window.dialogs.answers["save_file"] = [str(path)]
    assert window.files.save()
    return window, path


def no_temporaries(folder) -> bool:
    return not [p for p in os.listdir(folder) if p.endswith(".dojo-tmp")]


@pytest.mark.parametrize("action, spelling", [("export_results", "work.dojo"), ("export", "picture.svg"),
                                              ("export_report", "./sub/../work.dojo")])
def test_an_export_over_the_open_project_is_refused(saved, tmp_path, action, spelling):
    window, path = saved
    before = path.read_bytes()
    (tmp_path / "sub").mkdir()
    (tmp_path / "picture.svg").symlink_to(path)  # a link to the project, named as a picture
    # Any spelling of it or link to it, even one a file filter would suggest.
    window.dialogs.answers["export_file"] = [str(tmp_path / spelling)]
    window.actions_by_name[action].trigger()
    title, message = window.dialogs.questions("show_error")[-1]
    assert title.startswith("Cannot")
    assert "is the input file" in message and str(path) in message
    assert path.read_bytes() == before and no_temporaries(tmp_path)


def test_a_comparison_report_over_its_baseline_is_refused(saved, tmp_path):
    window, path = saved
    baseline = tmp_path / "baseline.dojo"
    baseline.write_bytes(path.read_bytes())
    window.dialogs.answers["open_file"] = [str(baseline)]
    window.dialogs.answers["export_file"] = [str(baseline)]
    window.actions_by_name["export_comparison"].trigger()
    title, message = window.dialogs.questions("show_error")[-1]
    assert title == "Cannot write the report" and "is the input file" in message
    assert baseline.read_bytes() == path.read_bytes()


def test_an_export_over_a_read_only_file_is_refused_and_the_file_kept(saved, tmp_path):
    window, _ = saved
    target = tmp_path / "results.csv"
    target.write_text("kept\n")
    target.chmod(stat.S_IRUSR | stat.S_IRGRP)
    window.dialogs.answers["export_file"] = [str(target)]
    window.actions_by_name["export_results"].trigger()
    _title, message = window.dialogs.questions("show_error")[-1]
    assert message == f"{target}: the file is read-only (it was left as it is)"
    assert target.read_text() == "kept\n" and no_temporaries(tmp_path)


def test_exported_results_neutralise_formula_cells(saved, tmp_path):
    window, _ = saved
    target = tmp_path / "results.csv"
    window.dialogs.answers["export_file"] = [str(target)]
    window.actions_by_name["export_results"].trigger()
    assert "'=HYPERLINK" in target.read_text() and not window.dialogs.questions("show_error")


def test_plot_and_link_map_exports_are_written_whole_and_refuse_a_read_only_file(window, tmp_path):
    plots = window.live.thermal_plots
    link_map = window.live.link_map
    for name in ("plots.png", "plots.csv"):
        (tmp_path / name).write_text("old")
    plots.export_png(tmp_path / "plots.png")
    plots.export_csv(tmp_path / "plots.csv")
    assert not QImage(str(tmp_path / "plots.png")).isNull()
    assert (tmp_path / "plots.csv").read_text().startswith("time_s,")
    link_map.export_png(tmp_path / "links.png")
    assert not QImage(str(tmp_path / "links.png")).isNull()

    locked = tmp_path / "locked.csv"
    locked.write_text("kept\n")
    locked.chmod(stat.S_IRUSR)
    for kind, widget in (("csv", plots), ("png", plots)):
        window.dialogs.answers["export_file"] = [str(locked)]
        assert widget.ask_export(kind) is None
        assert window.dialogs.questions("show_error")[-1][1].endswith("the file is read-only (it was left as it is)")
        assert locked.read_text() == "kept\n"
    assert no_temporaries(tmp_path)
