"""The findings panel is live: edits are re-checked after a pause, grouped by rule and spec, and a
finding selects its part."""

from dojo_gui.ui.editor.findings import FINDING_ROLE, GROUP_ROLE

TILE = ((0, 3), (1, 2))


def rows(window):
    tree = window.findings.tree
    return [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]


def test_findings_follow_edits_and_select_their_part(qtbot, window):
    window.analyzer.wait()
    assert rows(window) == []  # the ExaPOD as built is clean
    window.document.remove([TILE + ((0, 0),)])
    window.document.edit_figure("dojo-training-tile", "power_budget_w", "10 kW")  # every tile now over budget
    analysis = window.analyzer.wait()
    assert analysis.revision == window.document.design.revision
    over = window.findings.group_item("power-budget", "tile").data(0, GROUP_ROLE)
    assert over.count == 120 and all(f.severity == "error" for f in over.findings)
    empty = [r.data(0, FINDING_ROLE) for r in rows(window) if r.data(0, GROUP_ROLE).rule == "empty-slots"]
    assert [f.path for f in empty] == [TILE]
    assert "120 errors" in window.findings_label.text()
    assert not rows(window)[0].icon(0).isNull()  # severity icons

    item = next(r for r in rows(window) if r.data(0, GROUP_ROLE).rule == "empty-slots")
    window.findings.tree.itemClicked.emit(item, 1)
    assert window.selection.paths == [TILE] and window.selection.focus == TILE[:-1]
    assert window.scene.paint_state.severities[TILE] == "error"  # the canvas outlines it too

    window.findings.filters["error"].setChecked(False)
    assert {r.data(0, GROUP_ROLE).severity for r in rows(window)} == {"warning"}

    window.document.undo_stack.undo()
    window.document.undo_stack.undo()
    window.analyzer.wait()
    assert rows(window) == []


def test_a_burst_of_edits_is_checked_once_after_the_pause(qtbot, window):
    window.analyzer.wait()
    seen = []
    window.analyzer.sigReady.connect(lambda a: seen.append(a.revision))
    for k in range(5):
        window.document.rename(((0, k),), f"Cab {k}")
    window.analyzer.wait()
    qtbot.wait(50)
    assert seen == [window.document.design.revision]


def test_a_late_request_for_the_revision_being_checked_checks_nothing_more(qtbot, window):
    """The start's own request (a timer) may land while the check of an edit runs: one check, one result."""
    window.analyzer.wait()
    seen = []
    window.analyzer.sigReady.connect(lambda a: seen.append(a.revision))
    window.document.rename(((0, 0),), "Cab X")
    window.analyzer.run_now()
    window.analyzer.schedule()  # arrives while that check runs
    window.analyzer.wait()
    qtbot.wait(400)  # longer than the analyzer's pause
    window.analyzer.schedule()  # and once it is done
    qtbot.wait(400)
    assert seen == [window.document.design.revision]


def test_spec_findings_open_the_spec(qtbot, window):
    window.document.edit_figure("dojo-d1", "idle_w", "500 W")  # idle above the TDP: a spec finding
    window.analyzer.wait()
    item = next(r for r in rows(window) if r.data(0, GROUP_ROLE).spec_id == "dojo-d1")
    window.findings.tree.itemClicked.emit(item, 0)
    qtbot.waitUntil(lambda: window.inspector.target == ("spec", "dojo-d1"))


def test_a_tdp_edit_is_one_row_per_rule_and_spec_that_expands_to_its_parts(qtbot, window):
    window.analyzer.wait()
    window.document.edit_figure("dojo-d1", "tdp_w", "500 W")  # every tile and cabinet over budget and cooling
    analysis = window.analyzer.wait()
    assert len(analysis.findings) > 250
    assert len(rows(window)) == len(analysis.groups) < 10
    item = window.findings.group_item("power-budget", "tile")
    assert window.findings.group_item("cooling-capacity", "tile") is not None  # the other rule: another row
    assert item.text(0) == "error" and item.text(1) == "120 tiles (Dojo training tile)"
    assert item.text(2).endswith("at full load, over the 15 kW budget") and item.childCount() == 0
    assert "120 rows" not in window.findings.summary.text() and "rows" in window.findings.summary.text()

    window.findings.tree.expandItem(item)  # as the arrow does
    parts = [item.child(k).data(0, FINDING_ROLE) for k in range(item.childCount())]
    tiles = [p.path for p in window.document.design.parts("tile")]
    assert len(parts) == 120 and sorted(f.path for f in parts) == sorted(tiles)
    assert item.child(7).text(1) == parts[7].where() and "over its budget of 15 kW" in item.child(7).text(2)

    window.findings.tree.itemClicked.emit(item.child(7), 1)  # a part's row selects that part
    assert window.selection.paths == [parts[7].path] and window.selection.focus == parts[7].path[:-1]

    window.findings.tree.itemClicked.emit(item, 1)  # the group's row selects them all, in the room
    assert sorted(window.selection.paths) == sorted(tiles) and window.selection.focus == ()

    window.document.rename(((0, 0),), "First")  # a new check keeps the group open
    window.analyzer.wait()
    again = window.findings.group_item("power-budget", "tile")
    assert again is not item and again.isExpanded() and again.childCount() == 120
