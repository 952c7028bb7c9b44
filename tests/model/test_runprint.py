"""What a kept run keeps of its design: a print that rebuilds the same parts and figures, part values in its
order, both read back with the place of any problem named; records without them read as before."""

from __future__ import annotations

import copy
import json

import pytest

from dojo_gui.io.project import to_document
from dojo_gui.model.design import with_figures
from dojo_gui.model.fingerprint import design_print, skeleton
from dojo_gui.model.runprint import STRUCTURE_MAX_CONTAINERS, DesignPrint
from dojo_gui.model.runs import RunRecord, RunRecordError, parse_run
from dojo_gui.model.templates import TEMPLATES


def test_a_print_rebuilds_the_same_parts_in_the_same_slots(exapod):
    p = design_print(exapod)
    again = parse_run({"kind": "thermal", "design": json.loads(json.dumps(p.to_dict()))}).design
    assert again == p
    rebuilt = skeleton(again)
    assert to_document(rebuilt)["room"] == to_document(exapod)["room"]
    assert p.counts() == {"cabinet": 10, "tile": 120, "chip": 3000}
    # Only the specs the design uses, every figure of them, no words about them.
    assert set(p.specs) == exapod.used_spec_ids()
    d1 = p.specs["dojo-d1"]
    assert d1.tdp_w == exapod.specs["dojo-d1"].tdp_w and d1.sources == () and d1.description == ""
    # The ExaPOD's print is small: each tile's 25 chips are one run of one spec.
    assert len(json.dumps(p.to_dict())) < 20_000


def test_a_tile_with_holes_and_other_chips_keeps_each_slot(catalog):
    design = TEMPLATES["dojo-tile"].make(catalog)
    tile = design.room.children[(0, 0)].children[(0, 0)]
    tile_path = tile.path
    design.remove(tile_path + ((1, 1),))
    design.remove(tile_path + ((4, 4),))
    design.put_spec(with_figures(design.specs["dojo-d1"], id="d1-hot", tdp_w=500.0))
    design.set_part_spec(tile_path + ((2, 3),), "d1-hot")
    p = design_print(design)
    (runs,) = [t.chips for c in p.cabinets for t in c.tiles]
    assert runs == (("dojo-d1", 6), (None, 1), ("dojo-d1", 6), ("d1-hot", 1), ("dojo-d1", 10))  # the last slot empty
    assert to_document(skeleton(p))["room"] == to_document(design)["room"]
    assert p.paths()["chip"][6] == tile_path + ((1, 2),)  # values follow the chips in slot order


def test_a_very_large_design_keeps_its_specs_only(catalog, monkeypatch):
    import dojo_gui.model.fingerprint as fingerprint

    design = TEMPLATES["dojo-cabinet"].make(catalog)  # 1 cabinet and its 12 tiles
    assert design_print(design).cabinets is not None
    monkeypatch.setattr(fingerprint, "STRUCTURE_MAX_CONTAINERS", 12)
    p = design_print(design)
    assert p.cabinets is None and p.specs["dojo-d1"].tdp_w == design.specs["dojo-d1"].tdp_w  # figures, no parts
    assert p.paths() == {"cabinet": [], "tile": [], "chip": []}
    assert parse_run({"kind": "thermal", "design": p.to_dict()}).design == p
    assert STRUCTURE_MAX_CONTAINERS >= 130  # the ExaPOD's 10 cabinets and 120 tiles are kept


def kept_record(exapod) -> dict:
    p = design_print(exapod)
    n = p.counts()
    return {"kind": "thermal", "label": "soak", "key_figures": {"pue": 1.2}, "design": p.to_dict(),
            "parts": {"time_s": [60.0, 120.0], "chip": {"tj_c": [[50.0] * n["chip"], [55.5] * n["chip"]]},
                      "cabinet": {"power_w": [[1e5] * n["cabinet"], [None] + [1.1e5] * (n["cabinet"] - 1)]}}}


def test_part_values_are_read_back_unchanged(exapod):
    data = kept_record(exapod)
    record = parse_run(data)
    assert record.parts.time_s == (60.0, 120.0) and record.parts.values["cabinet"]["power_w"][1][0] is None
    assert record.parts.numbers() == 2 * 3000 + 2 * 10
    assert parse_run(json.loads(json.dumps(record.to_dict()))) == record


@pytest.mark.parametrize("mutate, where, message", [
    (lambda r: r["parts"]["chip"]["tj_c"][1].pop(), "run.parts.chip.tj_c[1]", "each of the 3,000 parts, got 2,999"),
    (lambda r: r["parts"]["chip"]["tj_c"].pop(), "run.parts.chip.tj_c", "expected 2 frames (one per time), got 1"),
    (lambda r: r["parts"]["chip"]["tj_c"][0].__setitem__(7, "hot"), "run.parts.chip.tj_c[0][7]", "finite number"),
    (lambda r: r["parts"]["time_s"].reverse(), "run.parts.time_s[1]", "must not decrease"),
    (lambda r: r["parts"].update(room={}), "run.parts.room", "unexpected key"),
    (lambda r: r.pop("design"), "run.parts", "need the design's parts beside them"),
    (lambda r: r["design"]["specs"][1].update(tdp_w=-5), "run.design.specs[1].tdp_w", "cannot be negative"),
    (lambda r: r["design"]["cabinets"][0]["tiles"][0]["chips"][0].__setitem__(1, 0),
     "run.design.cabinets[0].tiles[0].chips[0][1]", "count of slots"),
    (lambda r: r["design"]["cabinets"][2].update(slot=[1]), "run.design.cabinets[2].slot", "[row, col]"),
])
def test_a_bad_print_or_bad_values_name_their_place(exapod, mutate, where, message):
    data = copy.deepcopy(kept_record(exapod))
    mutate(data)
    with pytest.raises(RunRecordError) as caught:
        parse_run(data)
    assert caught.value.where == where and message in caught.value.message


def test_a_record_from_before_prints_reads_as_it_did():
    old = {"kind": "comm", "label": "ring", "parameters": {}, "key_figures": {"time_s": 0.5}, "series": {},
           "tables": [], "revision": 3}
    record = parse_run(old)
    assert record == RunRecord("comm", "ring", {"time_s": 0.5}, revision=3)
    assert record.design is None and record.parts is None and record.to_dict() == old


def test_the_print_equals_itself_across_copies(exapod):
    assert design_print(exapod) == design_print(exapod.copy())
    assert isinstance(design_print(exapod), DesignPrint)
