"""The inspector: figures with units, refused values, spec edits that reach every part, variants, capacity bars."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from dojo_gui.ui.editor.inspector import CapacityBar

CHIP = ((0, 0), (0, 0), (2, 2))
TILE = ((0, 0), (0, 0))


def show(qtbot, window, path):
    window.selection.select_and_focus([path], reveal=False)
    qtbot.waitUntil(lambda: window.inspector.target == ("part", path) and not window.inspector._rebuild_timer.isActive())


def type_into(qtbot, editor: QLineEdit, text: str) -> None:
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key_Return)


def editor(window, name) -> QLineEdit:
    return window.inspector.findChild(QLineEdit, f"figure-{name}")


def test_figures_show_with_units(qtbot, window):
    show(qtbot, window, CHIP)
    assert editor(window, "tdp_w").text() == "400 W"
    assert editor(window, "edge_bw_Bps").text() == "4 TB/s"
    assert "362 TFLOPS" in editor(window, "peak_flops").text()


def test_a_negative_power_is_refused_with_its_message_and_changes_nothing(qtbot, window, h):
    show(qtbot, window, CHIP)
    before, depth = h.snapshot(window.document.design), window.document.undo_stack.count()
    type_into(qtbot, editor(window, "tdp_w"), "-5 W")
    error = window.inspector.findChild(QLabel, "error-tdp_w")
    assert error.isVisible() and "cannot be negative" in error.text()
    assert "Not changed" in window.statusBar().currentMessage()
    assert h.snapshot(window.document.design) == before and window.document.undo_stack.count() == depth

    type_into(qtbot, editor(window, "edge_bw_Bps"), "fast")
    error = window.inspector.findChild(QLabel, "error-edge_bw_Bps")
    assert error.isVisible() and "'fast' is not a bandwidth" in error.text()
    assert window.document.design.specs["dojo-d1"].edge_bw_Bps == 4e12


def test_editing_a_project_spec_changes_every_part_that_uses_it_and_undo_restores(qtbot, window):
    show(qtbot, window, CHIP)
    design = window.document.design
    note = window.inspector.findChild(QLabel, "specNote")
    assert "used by 3,000 parts" in note.text()
    type_into(qtbot, editor(window, "tdp_w"), "450W")
    assert design.specs["dojo-d1"].tdp_w == 450.0
    assert editor(window, "tdp_w").text() == "450 W"  # shown back in the canonical form
    analysis = window.analyzer.wait()
    assert analysis.summaries[()].chip_tdp_w == 3000 * 450.0  # every chip of the room draws the new TDP
    window.actions_by_name["undo"].trigger()
    assert design.specs["dojo-d1"].tdp_w == 400.0
    qtbot.waitUntil(lambda: editor(window, "tdp_w").text() == "400 W")


def test_a_variant_lets_one_part_differ(qtbot, window):
    design = window.document.design
    show(qtbot, window, TILE)
    window.inspector.findChild(QPushButton, "makeVariant").click()
    variant_id = design.part(TILE).spec_id
    assert variant_id != "dojo-training-tile" and variant_id in design.specs
    qtbot.waitUntil(lambda: editor(window, "power_budget_w") is not None
                    and "used by 1 part" in window.inspector.findChild(QLabel, "specNote").text())
    type_into(qtbot, editor(window, "power_budget_w"), "10 kW")
    assert design.specs[variant_id].power_budget_w == 10e3
    assert design.specs["dojo-training-tile"].power_budget_w == 15e3  # the other 119 tiles keep theirs


def test_containers_show_capacity_bars(qtbot, window):
    window.analyzer.wait()
    show(qtbot, window, ((0, 0),))
    bars = {w.objectName(): w.capacity for w in window.inspector.findChildren(CapacityBar)}
    assert set(bars) >= {"capacity-slots", "capacity-power", "capacity-cooling"}
    power = bars["capacity-power"]
    s = window.analyzer.latest.summaries[((0, 0),)]
    assert (power.used, power.limit) == (s.max_power_w, s.power_budget_w)
    assert bars["capacity-slots"].text == "12 of 12 slots filled"


def test_the_fill_row_fills_every_empty_slot_in_one_step(qtbot, window):
    design = window.document.design
    window.document.remove([TILE + ((0, 0),), TILE + ((4, 4),), TILE + ((2, 3),)])
    show(qtbot, window, TILE)
    depth = window.document.undo_stack.count()
    window.inspector.findChild(QPushButton, "fillButton").click()
    assert len(design.part(TILE).children) == 25
    assert window.document.undo_stack.count() == depth + 1
    window.document.undo_stack.undo()
    assert len(design.part(TILE).children) == 22


def test_design_name_is_edited_from_the_room(qtbot, window):
    show(qtbot, window, ())
    window.selection.clear()
    qtbot.waitUntil(lambda: window.inspector.findChild(QLineEdit, "designName") is not None)
    type_into(qtbot, window.inspector.findChild(QLineEdit, "designName"), "Dojo ExaPOD B")
    assert window.document.design.name == "Dojo ExaPOD B"
    assert "Dojo ExaPOD B" in window.windowTitle()


def test_a_table_figure_shows_in_its_own_unit_and_an_edit_reads_back(qtbot, window):
    """matmul_efficiency is a share by matrix size, not FLOP/s: it shows as one and takes an edit as one."""
    show(qtbot, window, CHIP)
    field = editor(window, "matmul_efficiency")
    assert field.text().startswith("256: 12 %, 512: 35 %") and "FLOPS" not in field.text()
    type_into(qtbot, field, field.text().replace("4096: 83 %", "4096: 80 %"))
    spec = window.document.design.specs["dojo-d1"]
    assert spec.matmul_efficiency["4096"] == 0.8 and spec.matmul_efficiency["256"] == 0.12
    assert editor(window, "matmul_efficiency").text() == field.text().replace("4096: 83 %", "4096: 80 %")
    type_into(qtbot, editor(window, "matmul_efficiency"), "4096 80 %")
    error = window.inspector.findChild(QLabel, "error-matmul_efficiency")
    assert error.isVisible() and "write each size as 'size: share'" in error.text()
    assert window.document.design.specs["dojo-d1"].matmul_efficiency["4096"] == 0.8
