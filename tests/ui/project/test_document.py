"""The document: every edit is checked, pushed as one undoable command, and undo restores the design exactly."""

import random

import pytest
from PySide6.QtWidgets import QApplication

from dojo_gui.io.project import dumps
from dojo_gui.model.runs import RunRecord
from dojo_gui.model.templates import grid_design
from dojo_gui.ui.editor.mime import MimeError, parts_from_mime, parts_mime
from dojo_gui.ui.project.document import DesignDocument, EditRefused


@pytest.fixture
def document(qapp, catalog):
    design = grid_design(catalog, "dojo-d1", (3, 3), (2, 2), (2, 3))
    return DesignDocument(design, catalog)


def test_signals_mirror_the_model(document):
    seen = []
    document.sigPartAdded.connect(lambda p: seen.append(("added", p)))
    document.sigPartRemoved.connect(lambda p: seen.append(("removed", p)))
    document.sigPartMoved.connect(lambda n, o: seen.append(("moved", n, o)))
    document.sigPartChanged.connect(lambda p: seen.append(("changed", p)))
    document.remove([((1, 2),)])
    document.move([((1, 1),)], (0, 1))
    document.rename(((0, 0),), "A")
    document.undo_stack.undo()
    assert seen == [("removed", ((1, 2),)), ("moved", ((1, 2),), ((1, 1),)), ("changed", ((0, 0),)),
                    ("changed", ((0, 0),))]


def test_refused_edits_raise_and_push_nothing(document):
    with pytest.raises(EditRefused, match="taken by"):
        document.place_new(((0, 0), (0, 0)), (1, 1), "dojo-d1")
    with pytest.raises(EditRefused, match="a cabinet holds tiles"):
        document.place_new(((0, 0),), (0, 0), "dojo-d1")
    with pytest.raises(EditRefused, match="taken by"):
        document.move([((0, 0),)], (0, 1))
    with pytest.raises(EditRefused, match="no slot"):
        document.move([((0, 0),)], (0, -1))
    with pytest.raises(EditRefused, match="no empty slot"):
        document.fill_empty(((0, 0),), "dojo-training-tile")
    assert document.undo_stack.count() == 0 and not document.modified


def test_moving_a_row_of_parts_along_itself_works_in_one_step(document):
    document.remove([((0, 2),)])
    document.move([((0, 0),), ((0, 1),)], (0, 1))  # each target is freed by the part ahead of it
    assert sorted(document.design.room.children) == [(0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]
    document.undo_stack.undo()
    assert sorted(document.design.room.children) == [(0, 0), (0, 1), (1, 0), (1, 1), (1, 2)]


def test_random_edits_undo_to_the_original_and_redo_to_the_end(document):
    rng = random.Random(5)
    design = document.design
    original = dumps(design)
    for _ in range(60):
        parts = [p for p in design.parts() if p.parent is not None]
        kind = rng.choice(["remove", "fill", "move", "rename", "figure", "spec", "paste"])
        try:
            if kind == "remove":
                document.remove([rng.choice(parts).path for _ in range(rng.randint(1, 3))])
            elif kind == "fill":
                containers = [p for p in design.parts() if p.level != "chip" and design.empty_slots(p)]
                if containers:
                    target = rng.choice(containers)
                    child = {"room": "dojo-cabinet", "cabinet": "dojo-training-tile", "tile": "dojo-d1"}[target.level]
                    document.fill_empty(target.path, child)
            elif kind == "move":
                part = rng.choice(parts)
                document.move([part.path], (rng.randint(-1, 1), rng.randint(-1, 1)))
            elif kind == "rename":
                document.rename(rng.choice(parts).path, f"n{rng.randint(0, 99)}")
            elif kind == "figure":
                document.edit_figure("dojo-d1", "tdp_w", f"{rng.randint(300, 500)} W")
            elif kind == "spec":
                chips = [p for p in parts if p.level == "chip"]
                if chips:
                    document.set_part_spec([rng.choice(chips).path], rng.choice(["google-tpu-v4", "dojo-d1"]))
            elif kind == "paste":
                tiles = [p for p in parts if p.level == "tile"]
                cabinets = [p for p in design.parts("cabinet") if design.empty_slots(p)]
                if tiles and cabinets:
                    mime = parts_mime(design, [rng.choice(tiles).path])
                    pasted, specs = parts_from_mime(mime)
                    document.paste(rng.choice(cabinets).path, pasted, specs)
        except EditRefused:
            pass
    end = dumps(design)
    assert document.undo_stack.count() > 20
    while document.undo_stack.canUndo():
        document.undo_stack.undo()
    assert dumps(design) == original
    while document.undo_stack.canRedo():
        document.undo_stack.redo()
    assert dumps(design) == end


def test_copied_parts_carry_their_specs_and_bad_clipboards_are_refused(document, catalog):
    mime = parts_mime(document.design, [((0, 0), (0, 1)), ((0, 0), (1, 1))])
    parts, specs = parts_from_mime(mime)
    assert [p.slot for p in parts] == [(0, 1), (1, 1)] and all(len(p.children) == 9 for p in parts)
    assert set(specs) == {parts[0].spec_id, "dojo-d1"}
    broken = parts_mime(document.design, [((0, 0), (0, 1))])
    broken.setData("application/x-dojo-gui-parts",
                   b'{"format": "dojo-gui-parts", "level": "tile", "parts": [{"slot": "x"}]}')
    with pytest.raises(MimeError, match="not a part"):
        parts_from_mime(broken)
    QApplication.clipboard().clear()
    with pytest.raises(MimeError, match="no dojo-gui parts"):
        parts_from_mime(QApplication.clipboard().mimeData())


def test_a_spec_the_project_has_wins_over_the_catalogs(document):
    document.edit_figure("dojo-d1", "tdp_w", "500 W")
    document.remove([((0, 0), (0, 0), (0, 0))])
    document.place_new(((0, 0), (0, 0)), (0, 0), "dojo-d1")
    assert document.design.specs["dojo-d1"].tdp_w == 500.0  # not replaced by the built-in 400 W


def test_make_variant_gives_a_new_spec_to_the_chosen_parts(document):
    new_id = document.make_variant("dojo-d1", [((0, 0), (0, 0), (1, 1))])
    assert new_id == "dojo-d1-v2"
    assert document.design.part(((0, 0), (0, 0), (1, 1))).spec_id == new_id
    assert document.design.part(((0, 0), (0, 0), (1, 2))).spec_id == "dojo-d1"
    document.undo_stack.undo()
    assert new_id not in document.design.specs


def test_kept_runs_are_undoable_and_do_not_count_as_design_changes(document):
    runs_seen = []
    document.sigRunsChanged.connect(lambda: runs_seen.append(len(document.design.runs)))
    content = document.content_revision
    record = RunRecord("thermal", "soak", {"pue": 1.1})
    assert document.keep_run(record) == 0
    assert document.modified and document.design.runs == (record,)
    assert document.content_revision == content  # results computed before are still about this design
    document.keep_run(RunRecord("comm", "ring", {}))
    assert document.remove_runs([0, 1]) == 2 and document.design.runs == ()
    document.undo_stack.undo()
    assert [r.label for r in document.design.runs] == ["soak", "ring"]
    assert document.undo_stack.redoText() == "Remove 2 saved runs"
    assert document.undo_stack.undoText() == "Keep run 'ring'"
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert document.design.runs == () and not document.modified
    assert runs_seen == [1, 2, 1, 0, 1, 2, 1, 0]  # one notification per run kept or dropped
    with pytest.raises(EditRefused):
        document.remove_runs([5])
    document.rename(((0, 0),), "X")
    assert document.content_revision == document.design.revision != content
