import dataclasses

from dojo_gui.model.placement import (
    accepting_slots,
    build_part,
    default_contents,
    describe_contents,
    fit_problem,
    next_free_name,
    slot_problem,
    spec_closure,
)


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


def test_a_cabinet_takes_the_tiles_of_its_socket_and_says_why_not_in_names(exapod, catalog):
    cabinet = exapod.part(((0, 0),))
    exapod.remove(((0, 0), (1, 5)))
    tpu_board = catalog["google-tpu-v4-board"]
    assert (slot_problem(exapod, ((0, 0),), (1, 5), tpu_board)
            == "the Dojo cabinet's slots take Dojo training tile, not TPU v4 board")
    assert accepting_slots(exapod, cabinet, tpu_board) == []
    assert accepting_slots(exapod, cabinet, catalog["dojo-training-tile"]) == [(1, 5)]
    assert accepting_slots(exapod, cabinet, catalog["dojo-d1"]) == []


def test_a_dojo_tile_takes_d1_only_and_a_dgx_board_h100_only(exapod, catalog):
    tile_path = ((0, 0), (0, 0))
    b200, d1, h100 = catalog["nvidia-b200-gb200"], catalog["dojo-d1"], catalog["nvidia-h100-sxm"]
    exapod.remove(tile_path + ((2, 2),))
    tile = exapod.part(tile_path)
    # The reason names what fits, from the specs the caller knows (here the whole catalog).
    assert (slot_problem(exapod, tile_path, (2, 2), b200, catalog)
            == "the Dojo training tile's slots take Tesla D1, not NVIDIA B200 (in GB200)")
    # Over a taken slot the misfit is said first: no slot of this tile would take it.
    assert "slots take Tesla D1" in slot_problem(exapod, tile_path, (1, 1), b200, catalog)
    assert accepting_slots(exapod, tile, b200) == accepting_slots(exapod, tile, h100) == []
    assert accepting_slots(exapod, tile, d1) == [(2, 2)]
    dgx = catalog["nvidia-dgx-h100"]
    assert fit_problem(dgx, h100) is None
    assert fit_problem(dgx, d1, catalog) == "the NVIDIA DGX H100's slots take NVIDIA H100 SXM, not Tesla D1"
    assert fit_problem(dgx, b200, catalog) is not None


def test_rooms_take_the_cabinets_of_their_socket_and_generic_rooms_any(catalog):
    hall, lab = catalog["dojo-exapod-room"], catalog["lab-1x1"]
    assert fit_problem(hall, catalog["dojo-cabinet"]) is None
    assert fit_problem(hall, catalog["nvidia-dgx-h100-rack"], catalog) == (
        "the ExaPOD hall's slots take Dojo cabinet, not DGX H100 rack (4 nodes)")
    assert all(fit_problem(lab, s) is None for s in catalog.values() if s.level == "cabinet")


def test_a_variant_keeps_its_socket_and_fits_where_the_original_does(catalog):
    variant = dataclasses.replace(catalog["dojo-d1"], id="dojo-d1-v2", name="Tesla D1 (variant 2)", tdp_w=500.0)
    assert fit_problem(catalog["dojo-training-tile"], variant) is None


def test_specs_without_sockets_fit_where_they_did_before(catalog):
    """A file written before sockets existed: no container names sockets, so every part fits as it did."""
    old_tile = dataclasses.replace(catalog["dojo-training-tile"], takes=())
    old_chip = dataclasses.replace(catalog["nvidia-b200-gb200"], socket="")
    assert fit_problem(old_tile, old_chip) is None
    assert fit_problem(old_tile, catalog["google-tpu-v4"]) is None
    # A container that names sockets does not take a part that names none; the reason says what would fit.
    assert fit_problem(catalog["dojo-training-tile"], old_chip, {}) == (
        "the Dojo training tile's slots take dojo-d1 parts, not NVIDIA B200 (in GB200)")


def test_accepts_still_limits_by_spec_id(catalog):
    only = dataclasses.replace(catalog["dojo-cabinet"], takes=(), accepts=("dojo-training-tile",))
    assert fit_problem(only, catalog["dojo-training-tile"]) is None
    assert fit_problem(only, catalog["google-tpu-v4-board"], catalog) == (
        "the Dojo cabinet accepts only Dojo training tile, not TPU v4 board")


def test_a_new_container_comes_empty_or_with_its_default_contents(catalog):
    cabinet = catalog["dojo-cabinet"]
    assert build_part(cabinet, (0, 0), catalog, fill=False).children == {}
    assert default_contents(cabinet, catalog) == {"tile": 12, "chip": 300}
    assert describe_contents(default_contents(cabinet, catalog)) == "12 tiles, 300 chips"
    assert default_contents(catalog["dojo-training-tile"], catalog) == {"chip": 25}
    assert default_contents(catalog["dojo-d1"], catalog) == {}


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
