"""The findings panel is live: edits are re-checked after a pause, and a finding selects its part."""

from dojo_gui.ui.editor.findings import FINDING_ROLE

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
    findings = [r.data(0, FINDING_ROLE) for r in rows(window)]
    over = [f for f in findings if f.rule == "power-budget"]
    assert len(over) == 120 and all(f.severity == "error" for f in over)
    empty = [f for f in findings if f.rule == "empty-slots"]
    assert [f.path for f in empty] == [TILE]
    assert "120 errors" in window.findings_label.text()
    assert not rows(window)[0].icon(0).isNull()  # severity icons

    item = next(r for r in rows(window) if r.data(0, FINDING_ROLE).rule == "empty-slots")
    window.findings.tree.itemClicked.emit(item, 1)
    assert window.selection.paths == [TILE] and window.selection.focus == TILE[:-1]
    assert window.scene.paint_state.severities[TILE] == "error"  # the canvas outlines it too

    window.findings.filters["error"].setChecked(False)
    assert {r.data(0, FINDING_ROLE).severity for r in rows(window)} == {"warning"}

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


def test_spec_findings_open_the_spec(qtbot, window):
    window.document.edit_figure("dojo-d1", "idle_w", "500 W")  # idle above the TDP: a spec finding
    window.analyzer.wait()
    item = next(r for r in rows(window) if r.data(0, FINDING_ROLE).spec_id == "dojo-d1")
    window.findings.tree.itemClicked.emit(item, 0)
    qtbot.waitUntil(lambda: window.inspector.target == ("spec", "dojo-d1"))
