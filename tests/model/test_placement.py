from dojo_gui.model.placement import accepting_slots, build_part, next_free_name, slot_problem, spec_closure


def test_a_chip_fits_an_empty_chip_slot_and_nothing_else(exapod, catalog):
    d1 = catalog["dojo-d1"]
    tile_path = ((0, 0), (0, 0))
    assert "taken by" in slot_problem(exapod, tile_path, (2, 2), d1)
    exapod.remove(tile_path + ((2, 2),))
    assert slot_problem(exapod, tile_path, (2, 2), d1) is None
    assert "no slot [5,0]" in slot_problem(exapod, tile_path, (5, 0), d1)
    assert "holds tiles" in slot_problem(exapod, ((0, 0),), (0, 0), d1)
    assert "a chip has no slots" in slot_problem(exapod, tile_path + ((0, 0),), (0, 0), d1)
    assert "does not exist" in slot_problem(exapod, ((0, 9), (5, 5)), (0, 0), d1)


def test_accepts_limits_what_a_container_takes(exapod, catalog):
    cabinet = exapod.part(((0, 0),))
    exapod.remove(((0, 0), (1, 5)))
    tpu_board = catalog["google-tpu-v4-board"]
    assert "accepts only dojo-training-tile" in slot_problem(exapod, ((0, 0),), (1, 5), tpu_board)
    assert accepting_slots(exapod, cabinet, tpu_board) == []
    assert accepting_slots(exapod, cabinet, catalog["dojo-training-tile"]) == [(1, 5)]
    assert accepting_slots(exapod, cabinet, catalog["dojo-d1"]) == []


def test_closure_and_built_parts_follow_the_default_children(catalog):
    closure = [s.id for s in spec_closure(catalog["dojo-cabinet"], catalog)]
    assert closure == ["dojo-cabinet", "dojo-training-tile", "dojo-d1"]
    part = build_part(catalog["dojo-cabinet"], (0, 3), catalog, name="C04")
    assert part.slot == (0, 3) and part.name == "C04"
    assert sum(1 for p in part.walk() if p.level == "chip") == 300
    # A default child the lookup does not know leaves the slots empty instead of failing.
    lonely = build_part(catalog["dojo-training-tile"], (0, 0), {})
    assert lonely.children == {}


def test_next_free_name_skips_used_ones(exapod):
    assert next_free_name(exapod, exapod.room, "C") == "C11"
    exapod.part(((0, 0),)).name = ""
    assert next_free_name(exapod, exapod.room, "C") == "C01"
