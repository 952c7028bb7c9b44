from dataclasses import replace

import pytest

from dojo_gui.model.design import Part
from dojo_gui.model.rules import check
from dojo_gui.model.templates import EXAMPLES, TEMPLATES


def rules_fired(design):
    return {f.rule for f in check(design)}


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_have_no_findings(name, catalog):
    assert check(TEMPLATES[name].make(catalog)) == []


def test_power_budget(dojo_tile, catalog):
    tile_spec = catalog["dojo-training-tile"]
    dojo_tile.put_spec(replace(tile_spec, power_budget_w=10e3))
    findings = [f for f in check(dojo_tile) if f.rule == "power-budget"]
    assert [f.path for f in findings] == [((0, 0), (0, 0))]
    assert "over its budget of 10 kW" in findings[0].message


def test_cooling_capacity(dojo_tile, catalog):
    cab = catalog["dojo-tile-stand"]
    dojo_tile.put_spec(replace(cab, cooling_capacity_w=5e3))
    findings = [f for f in check(dojo_tile) if f.rule == "cooling-capacity"]
    assert [f.path for f in findings] == [((0, 0),)]


def test_empty_slots(dojo_tile):
    dojo_tile.remove(((0, 0), (0, 0), (2, 2)))
    findings = [f for f in check(dojo_tile) if f.rule == "empty-slots"]
    assert len(findings) == 1 and findings[0].severity == "warning"
    assert "1 of 25 chip slots is empty" in findings[0].message


def test_level_that_does_not_fit(dojo_tile):
    tile = dojo_tile.part(((0, 0), (0, 0)))
    # A tile spec sitting in a chip slot, as a hand-edited file could say.
    tile.children[(2, 2)].spec_id = "dojo-training-tile"
    findings = [f for f in check(dojo_tile) if f.rule == "placement"]
    assert findings and findings[0].path == ((0, 0), (0, 0), (2, 2))
    assert "does not fit in a chip slot" in findings[0].message


def test_part_outside_the_grid_and_not_accepted(catalog, dojo_tile):
    stand = dojo_tile.part(((0, 0),))
    stray = Part("dojo-training-tile", "tile", (3, 0))
    stray.parent = stand
    stand.children[(3, 0)] = stray
    dojo_tile.put_spec(catalog["google-tpu-v4-board"])
    dojo_tile.set_part_spec(((0, 0), (0, 0)), "google-tpu-v4-board")
    messages = [f.message for f in check(dojo_tile) if f.rule == "placement"]
    assert any("outside the 1x1 grid" in m for m in messages)
    assert "the Dojo tile test stand's slots take Dojo training tile, not TPU v4 board" in messages


def test_a_chip_its_tile_does_not_take_is_an_error_in_names(catalog, dojo_tile):
    """A file that puts an NVIDIA B200 into a Dojo tile's D1 slot breaks the rule (validate reports it)."""
    dojo_tile.put_spec(catalog["nvidia-b200-gb200"])
    dojo_tile.set_part_spec(((0, 0), (0, 0), (2, 2)), "nvidia-b200-gb200")
    findings = [f for f in check(dojo_tile) if f.rule == "placement"]
    assert [(f.severity, f.path) for f in findings] == [("error", ((0, 0), (0, 0), (2, 2)))]
    assert findings[0].message == "the Dojo training tile's slots take Tesla D1, not NVIDIA B200 (in GB200)"


def test_disconnected_fabric(dojo_tile):
    # Empty the middle column: the 5x5 mesh splits into a left and a right half.
    for r in range(5):
        dojo_tile.remove(((0, 0), (0, 0), (r, 2)))
    findings = [f for f in check(dojo_tile) if f.rule == "fabric-connected"]
    assert len(findings) == 1 and "2 pieces" in findings[0].message


def test_exapod_stays_connected_without_one_chip(exapod):
    exapod.remove(((0, 0), (0, 0), (0, 0)))
    assert "fabric-connected" not in rules_fired(exapod)


def test_mass(catalog, dojo_tile):
    dojo_tile.put_spec(replace(catalog["dojo-tile-stand"], max_load_kg=10))
    assert "mass" in rules_fired(dojo_tile)


def test_inconsistent_spec(catalog, dojo_tile):
    dojo_tile.put_spec(replace(catalog["dojo-d1"], idle_w=500))
    findings = [f for f in check(dojo_tile) if f.rule == "spec"]
    assert findings and findings[0].spec_id == "dojo-d1" and "idle power" in findings[0].message


def test_a_design_from_scratch_is_only_its_room_and_raises_nothing_but_the_free_floor(catalog):
    from dojo_gui.model.templates import empty_design

    design = empty_design(catalog["dojo-exapod-room"], catalog)
    assert list(design.parts()) == [design.room]
    assert [(f.severity, f.rule, f.message) for f in check(design)] == [
        ("info", "empty-slots", "10 of 10 floor positions are free")]
