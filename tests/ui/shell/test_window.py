"""The window around the canvas: menus and shortcuts, the palette's search, overlays, starting the app."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget

from dojo_gui.io.catalog import example_path
from dojo_gui.io.project import VERSION
from dojo_gui.render.colours import spec_colour

TILE = ((0, 1), (1, 1))


def menu_titles(window):
    return [a.text().replace("&", "") for a in window.menuBar().actions()]


def test_the_simulation_comes_after_the_first_frame_and_keeps_its_place(qtbot, make_window, exapod):
    """The simulation's docks and menu are built once the canvas is on screen (their imports would hold up
    the first frame); they join their tab groups, and where the user moved them is restored next time."""
    window = make_window(exapod, show=False, panels_after_first_frame=True)
    assert window._live is None and window.view.frames_painted == 0
    window.show()
    qtbot.waitUntil(lambda: window._live is not None)
    assert window.view.frames_painted >= 1
    assert menu_titles(window) == ["File", "Edit", "View", "Simulate", "Help"]
    assert window.docks["thermal"] in window.tabifiedDockWidgets(window.docks["findings"])
    assert window.docks["simulation"] in window.tabifiedDockWidgets(window.docks["inspector"])
    assert not any(window.docks[k].isHidden() for k in ("simulation", "thermal", "links", "runs"))
    view_titles = [a.text() for a in window.view_menu.actions()]
    assert "Power and Cooling" in view_titles and "Runs" in view_titles

    window.addDockWidget(Qt.LeftDockWidgetArea, window.docks["links"])  # the user moves one
    window.docks["runs"].hide()  # and closes another
    window.save_settings()
    again = make_window(exapod, panels_after_first_frame=True)
    assert again.state_restored
    assert again.dockWidgetArea(again.docks["links"]) == Qt.LeftDockWidgetArea
    assert again.docks["links"] not in again.tabifiedDockWidgets(again.docks["findings"])
    assert again.docks["runs"].isHidden()


@pytest.mark.slow  # two windows with every panel: ~2 s
def test_a_second_start_finds_every_dock_where_the_first_left_it(qtbot, make_window, exapod):
    """The state a window leaves (the simulation tabbed with the inspector, the sweeps open) is the next
    window's: its later-built panels fill the docks the saved state placed (Qt 6.11 crashed placing them)."""
    window = make_window(exapod, panels_after_first_frame=True)
    window.sweeps.show()
    window.save_settings()
    again = make_window(exapod, panels_after_first_frame=True)
    assert again.state_restored
    assert again.docks["simulation"] in again.tabifiedDockWidgets(again.docks["inspector"])
    assert again.docks["thermal"] in again.tabifiedDockWidgets(again.docks["findings"])
    qtbot.waitUntil(lambda: again.sweeps.dock is not None)  # its dock was open: its panel is built too
    assert again.sweeps.dock.widget() is again.sweeps.panel and not again.sweeps.dock.isHidden()
    assert [d.objectName() for d in again.findChildren(QDockWidget)].count("sweepsDock") == 1


def test_a_sweeps_tab_left_behind_another_gets_its_panel_when_picked(qtbot, make_window, exapod):
    window = make_window(exapod, panels_after_first_frame=True)
    window.sweeps.show()
    window.docks["findings"].raise_()  # the sweeps' tab behind the findings'
    window.save_settings()
    again = make_window(exapod, panels_after_first_frame=True)
    qtbot.wait(100)
    assert again.sweeps.dock is None  # not built while nobody looks at it
    again.later_docks["sweepsDock"].raise_()  # its tab picked
    qtbot.waitUntil(lambda: again.sweeps.dock is not None)
    assert again.sweeps.dock.widget() is again.sweeps.panel


def test_menus_have_the_standard_actions_and_shortcuts(window):
    window.live  # noqa: B018 (the Simulate menu comes with the simulation's panels)
    assert menu_titles(window) == ["File", "Edit", "View", "Simulate", "Help"]
    a = window.actions_by_name
    assert a["save"].shortcut() == QKeySequence(QKeySequence.Save)
    assert a["undo"].shortcut() == QKeySequence(QKeySequence.Undo)
    assert a["copy"].shortcut() == QKeySequence(QKeySequence.Copy)
    assert a["select_all"].shortcut() == QKeySequence(QKeySequence.SelectAll)
    titles = [act.text() for act in window.template_menu.actions()]
    assert any("ExaPOD" in t for t in titles) and any("NVL72" in t for t in titles)
    window.actions_by_name["shortcuts"].trigger()
    (rows,), = window.dialogs.questions("show_shortcuts")
    assert ("Save", QKeySequence(QKeySequence.Save).toString(QKeySequence.NativeText)) in rows


def test_keyboard_zoom_and_select_all(qtbot, window):
    before = window.view.scale_factor()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key_Equal, Qt.ControlModifier)
    assert window.view.scale_factor() > before
    window.view.enter(((0, 1),))
    window.actions_by_name["select_all"].trigger()
    assert len(window.selection.paths) == 12


def test_the_palette_search_filters_by_name_vendor_and_figures(window):
    palette = window.palette_panel
    assert {"dojo-d1", "nvidia-h100-sxm", "google-tpu-v4"} <= set(palette.visible_spec_ids())
    palette.search.setText("nvidia")
    visible = palette.visible_spec_ids()
    assert visible and all(i.startswith("nvidia") for i in visible)
    palette.search.setText("362 tflops")
    assert palette.visible_spec_ids() == ["dojo-d1"]
    palette.search.clear()
    assert len(palette.visible_spec_ids()) == len(window.catalog)


def test_fill_menu_fills_the_selected_container(window):
    design = window.document.design
    window.document.remove([TILE + ((0, 0),), TILE + ((0, 1),)])
    window.selection.select_and_focus([TILE])
    window.fill.populate(window.fill_menu, None)
    actions = [a for a in window.fill_menu.actions() if a.isEnabled()]
    d1 = next(a for a in actions if a.text().startswith("Tesla D1"))
    assert "(2 slots)" in d1.text()
    d1.trigger()
    assert len(design.part(TILE).children) == 25


def test_duplicate_places_copies_in_free_slots(window):
    design = window.document.design
    window.document.remove([((0, 9),), ((0, 8),)])
    window.selection.select_and_focus([((0, 0),)])
    window.actions_by_name["duplicate"].trigger()
    assert design.part(((0, 8),)).spec_id == "dojo-cabinet"
    assert sum(1 for p in design.part(((0, 8),)).walk() if p.level == "chip") == 300
    assert window.selection.paths == [((0, 8),)]


def test_overlays_recolour_the_canvas_through_a_colour_provider(window):
    window.document.edit_figure("dojo-training-tile", "power_budget_w", "10 kW")
    window.analyzer.wait()
    item = window.scene.cabinet_items[(0, 0)]
    chip = next(b for b in item.drawing.chips)
    assert chip.fill.name() == spec_colour(window.document.design.specs["dojo-d1"]).name()
    window.overlay_combo.setCurrentIndex(window.overlay_combo.findData("findings"))
    chip = next(b for b in item.drawing.chips)
    assert chip.fill.name() == "#d8453b"  # its tile is over budget: an error
    window.set_overlay("spec")
    d1 = window.document.design.specs["dojo-d1"]
    assert next(b for b in item.drawing.chips).fill.name() == spec_colour(d1).name()


@pytest.mark.slow  # a start of the app on the ExaPOD: ~4 s
def test_starting_on_a_broken_file_shows_the_error_and_opens_the_example(qtbot, tmp_path, scripted_dialogs):
    from dojo_gui.ui.shell.app import open_windows

    broken = tmp_path / "broken.dojo"
    broken.write_text(example_path("exapod").read_text().replace(f'"version": {VERSION}', '"version": 99', 1))
    good = tmp_path / "good.dojo"
    good.write_bytes(example_path("dojo-tile").read_bytes())
    windows = open_windows([str(broken), str(good)], None, dialogs=scripted_dialogs)
    for w in windows:
        qtbot.addWidget(w)
    qtbot.waitUntil(lambda: bool(scripted_dialogs.questions("show_error")))
    (_title, message), = scripted_dialogs.questions("show_error")
    assert "newer dojo-gui" in message and "version" in message
    assert windows[0].document.file_path is None and windows[0].document.design.name == "Dojo ExaPOD"
    assert windows[1].document.file_path == good and sum(1 for _ in windows[1].document.design.parts("chip")) == 25
    for w in windows:
        w.analyzer.shutdown()
        w.close()
    QApplication.processEvents()


def test_results_about_the_old_design_never_show_against_a_new_one(window):
    window.analyzer.wait()
    assert window.scene.paint_state.summaries
    window.files.new_from_template("gb200-nvl72")
    assert window.scene.paint_state.summaries is None and window.findings.findings == []
    assert window.inspector.analysis is None
    analysis = window.analyzer.wait()
    assert analysis.summaries[()].chips == 72
    assert window.scene.paint_state.summaries is analysis.summaries


def test_the_context_menu_offers_what_fits_the_part(window):
    window.document.remove([((0, 3), (0, 0))])
    menu = window.build_context_menu(((0, 3),))
    texts = [a.text() for a in menu.actions()]
    assert texts[0].startswith("Enter C04")
    fill = next(a.menu() for a in menu.actions() if a.menu() is not None)
    window.fill.populate(fill, ((0, 3),))
    option = next(a for a in fill.actions() if a.text().startswith("Dojo training tile"))
    option.trigger()
    assert len(window.document.design.part(((0, 3),)).children) == 12
    assert "Delete" in [t.replace("&", "") for t in texts]


def test_export_picture_writes_svg_and_png_of_the_entered_container(window, tmp_path):
    from PySide6.QtGui import QImage

    window.view.enter(((0, 4),))
    window.dialogs.answers["export_file"] = [str(tmp_path / "c05.svg"), str(tmp_path / "c05.png")]
    window.actions_by_name["export"].trigger()
    svg = (tmp_path / "c05.svg").read_text()
    assert "<svg" in svg and "Dojo ExaPOD" in svg
    window.actions_by_name["export"].trigger()
    image = QImage(str(tmp_path / "c05.png"))
    assert max(image.width(), image.height()) in (2400, 1400) and image.width() <= 2400 and image.height() <= 1400


def test_live_colours_recolour_without_relayout(window):
    from PySide6.QtGui import QColor

    item = window.scene.cabinet_items[(0, 0)]
    rects_before = [b.rect for b in item.drawing.chips]
    hot = ((0, 0), (1, 5), (4, 4))
    window.scene.set_colours(lambda path: QColor("#ff00ff") if path == hot else None)
    colours = {b.path: b.fill.name() for b in item.drawing.chips}
    assert colours[hot] == "#ff00ff" and colours[((0, 0), (1, 5), (4, 3))] != "#ff00ff"
    assert [b.rect for b in item.drawing.chips] == rects_before
    assert any(c.name() == "#ff00ff" and len(r) == 1 for c, r in item.drawing.chip_batches)


def pdf_pages(data: bytes) -> int:
    import re

    return len(re.findall(rb"/Type\s*/Page[^s]", data))


def test_export_report_writes_the_review_of_the_open_design(window, tmp_path):
    window.dialogs.answers["export_file"] = [str(tmp_path / "review.pdf"), str(tmp_path / "review.html")]
    window.actions_by_name["export_report"].trigger()
    assert pdf_pages((tmp_path / "review.pdf").read_bytes()) >= 7
    window.actions_by_name["export_report"].trigger()
    html = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert "Dojo ExaPOD" in html and "3,000" in html and 'id="design-picture"' in html
    assert window.dialogs.questions("show_error") == []


def test_export_comparison_report_names_the_removed_cabinet(window, tmp_path):
    from dojo_gui.io.project import save

    baseline = tmp_path / "baseline.dojo"
    save(window.document.design, baseline)
    window.selection.set([((0, 9),)])
    window.actions_by_name["delete"].trigger()
    window.dialogs.answers["open_file"] = [str(baseline)]
    window.dialogs.answers["export_file"] = [str(tmp_path / "cmp.html")]
    window.actions_by_name["export_comparison"].trigger()
    html = (tmp_path / "cmp.html").read_text(encoding="utf-8")
    assert "removed" in html and "cabinet[0,9]" in html and "300 chips" in html


def test_export_results_without_runs_says_so_and_writes_nothing(window, tmp_path):
    window.actions_by_name["export_results"].trigger()
    (title, text), = window.dialogs.questions("show_error")
    assert title == "No results to export" and "no simulation runs" in text
    assert window.dialogs.questions("export_file") == []
