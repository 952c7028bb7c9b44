"""Edits that add parts or slots are bounded like files are: over the chip, part or slot limit an edit is
refused before anything is built, with the figure and the limit, and the design stays as it was."""

from __future__ import annotations

import dataclasses

import pytest

from dojo_gui import limits
from dojo_gui.io.project import dumps
from dojo_gui.model.templates import grid_design
from dojo_gui.ui.editor.mime import parts_from_mime, parts_mime
from dojo_gui.ui.project.document import DesignDocument, EditRefused

# 6 cabinets of 2x2 tiles of 3x3 chips: 216 chips, 247 parts, 246 slots.
CHIPS, SLOTS = 216, 246


@pytest.fixture
def document(qapp, catalog):
    return DesignDocument(grid_design(catalog, "dojo-d1", (3, 3), (2, 2), (2, 3)), catalog)


def limit(monkeypatch, name: str, normal: int) -> None:
    monkeypatch.setattr(limits, name, dataclasses.replace(getattr(limits, name), normal=normal))


def refused(document, match: str, edit) -> None:
    """``edit`` is refused with ``match`` in its message, and neither the design nor the undo stack changed."""
    before, depth = dumps(document.design), document.undo_stack.count()
    with pytest.raises(EditRefused, match=match):
        edit()
    assert dumps(document.design) == before and document.undo_stack.count() == depth


def no_parts_built(monkeypatch) -> None:
    monkeypatch.setattr("dojo_gui.model.design.Part.__init__", lambda *a, **k: pytest.fail("a part was built"))


def test_filling_empty_slots_past_the_chip_limit_is_refused_before_a_part_is_built(document, monkeypatch):
    tile = document.design.part(((0, 0), (0, 0))).spec_id
    document.remove([((0, 0), (0, 0))])  # one tile of 9 chips out: 207
    limit(monkeypatch, "CHIPS", CHIPS - 1)
    with monkeypatch.context() as m:
        no_parts_built(m)
        refused(document, "the design would hold 216 chips, over the limit of 215",
                lambda: document.fill_empty(((0, 0),), tile))
    limit(monkeypatch, "CHIPS", CHIPS)
    assert document.fill_empty(((0, 0),), tile) == 1


def test_a_filled_container_past_the_limit_is_refused_and_an_empty_one_still_fits(document, monkeypatch):
    cabinet = document.design.part(((0, 0),)).spec_id
    document.remove([((0, 0),)])  # a cabinet of 36 chips out: 180
    limit(monkeypatch, "CHIPS", CHIPS - 1)
    refused(document, "216 chips, over the limit of 215",
            lambda: document.place_new((), (0, 0), cabinet, filled=True))
    document.place_new((), (0, 0), cabinet, filled=False)
    assert not document.design.part(((0, 0),)).children


def test_pasting_past_the_part_limit_is_refused(document, monkeypatch):
    parts, specs = parts_from_mime(parts_mime(document.design, [((0, 1),)]))
    document.remove([((0, 0),)])  # a cabinet, its 4 tiles and 36 chips out: 206 parts
    limit(monkeypatch, "PARTS", 246)
    refused(document, "247 parts, over the limit of 246", lambda: document.paste((), parts, specs))
    limit(monkeypatch, "PARTS", 247)
    assert document.paste((), parts, specs) == [((0, 0),)]


def test_a_larger_grid_for_a_spec_is_refused_past_the_slot_limit(document):
    tile = document.design.part(((0, 0), (0, 0))).spec_id
    assert document.edit_figure(tile, "cols", "1024")  # 24 tiles of 3x1,024: 73,758 slots in all, within 300,000
    over = 6 + 24 + 24 * 1024 * 1024  # the room's, the cabinets' and the tiles' at 1,024x1,024
    refused(document, f"the design would hold {over:,} slots, over the limit of 300,000",
            lambda: document.edit_figure(tile, "rows", "1024"))


def test_giving_parts_a_spec_with_more_slots_is_refused_past_the_slot_limit(document, catalog, monkeypatch):
    tile = document.design.part(((0, 0), (0, 0))).spec_id
    bigger = document.make_variant(tile, [((0, 0), (0, 0))])
    assert document.edit_figure(bigger, "rows", "6")  # 6x3: 9 slots more than the other tiles
    limit(monkeypatch, "SLOTS", SLOTS + 9 + 8)
    refused(document, f"{SLOTS + 9 + 9} slots, over the limit of {SLOTS + 17}",
            lambda: document.set_part_spec([((0, 0), (0, 1))], bigger))
    limit(monkeypatch, "SLOTS", SLOTS + 18)
    document.set_part_spec([((0, 0), (0, 1))], bigger)


def test_the_fill_menu_says_the_figure_and_the_limit_in_the_status_bar(make_window, catalog, monkeypatch):
    window = make_window(grid_design(catalog, "dojo-d1", (3, 3), (2, 2), (2, 3)), show=False)
    tile = window.document.design.part(((0, 0), (0, 0))).spec_id
    window.document.remove([((0, 0), (0, 0))])
    limit(monkeypatch, "CHIPS", CHIPS - 1)
    window.fill.fill_empty(((0, 0),), tile)
    message = window.statusBar().currentMessage()
    assert message.startswith("Not filled: the design would hold 216 chips, over the limit of 215")
    assert "DOJO_GUI_ALLOW_LARGE=1" in message
