import pytest

from dojo_gui.model.aggregate import conversion_input_w, summarize, summarize_all
from dojo_gui.model.templates import EXAMPLES, TEMPLATES


def test_exapod_counts_and_peak(exapod, catalog):
    s = summarize(exapod)
    assert (s.counts["chip"], s.counts["tile"], s.counts["cabinet"], s.counts["room"]) == (3000, 120, 10, 1)
    d1 = catalog["dojo-d1"]
    assert s.peak("bf16") == pytest.approx(3000 * d1.peak_flops["bf16"])
    assert s.peak("fp32") == pytest.approx(3000 * d1.peak_flops["fp32"])
    assert s.sram_bytes == pytest.approx(3000 * d1.sram_bytes)
    # 1.1 EFLOPS and 1.3 TB of SRAM are the published ExaPOD figures.
    assert s.peak("bf16") == pytest.approx(1.1e18, rel=0.02)
    assert s.sram_bytes == pytest.approx(1.3e12, rel=0.02)


def test_tile_power_follows_the_conversion_stage(dojo_tile, catalog):
    tile_spec = catalog["dojo-training-tile"]
    tile = next(dojo_tile.parts("tile"))
    s = summarize(dojo_tile, tile)
    chips_w = 25 * catalog["dojo-d1"].tdp_w
    expected = (chips_w + tile_spec.overhead_w + tile_spec.conversion_overhead_w) / tile_spec.conversion_efficiency
    assert s.max_power_w == pytest.approx(expected)
    assert s.chip_tdp_w == pytest.approx(chips_w)
    # The published tile draws about 15 kW at full load.
    assert s.max_power_w == pytest.approx(15e3, rel=0.10)
    assert s.off_edge_bw_Bps == pytest.approx(4 * 9e12)  # 36 TB/s off-tile


def test_power_sums_agree_through_the_hierarchy(exapod, catalog):
    sums = summarize_all(exapod)
    room_spec = catalog["dojo-exapod-room"]
    cabinets = list(exapod.parts("cabinet"))
    room = sums[id(exapod.room)]
    assert room.it_power_w == pytest.approx(sum(sums[id(c)].max_power_w for c in cabinets))
    ups_out = room.it_power_w + room_spec.overhead_w
    ups_in = conversion_input_w(ups_out, room_spec.conversion_efficiency, room_spec.conversion_overhead_w)
    assert room.max_power_w == pytest.approx(
        conversion_input_w(ups_in, room_spec.transformer_efficiency, room_spec.transformer_overhead_w))
    for cab in cabinets:
        cab_spec = catalog[cab.spec_id]
        tiles_w = sum(sums[id(t)].max_power_w for t in cab.children.values())
        expected_w = (tiles_w + cab_spec.overhead_w) / cab_spec.conversion_efficiency
        assert sums[id(cab)].max_power_w == pytest.approx(expected_w)
    # ExaPOD IT power: about 1.8 MW published (derived from the tiles).
    assert room.it_power_w == pytest.approx(1.8e6, rel=0.10)
    assert room.idle_power_w < room.max_power_w


def test_a_stage_loses_what_its_formula_says():
    assert conversion_input_w(900.0, 0.9, 0.0) == pytest.approx(1000.0)
    assert conversion_input_w(1000.0, 0.96, 17.0) - 1000.0 == pytest.approx((1000 + 17) / 0.96 - 1000)


def test_removing_a_part_lowers_every_aggregate_above_it(exapod):
    before = summarize(exapod)
    exapod.remove(((0, 3), (1, 2), (4, 4)))
    after = summarize(exapod)
    assert after.chips == before.chips - 1
    assert after.max_power_w < before.max_power_w
    assert after.peak("bf16") < before.peak("bf16")


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_has_chips_power_and_cooling(name, catalog):
    s = summarize(TEMPLATES[name].make(catalog))
    assert s.chips > 0 and s.max_power_w > 0 and s.cooling_capacity_w > 0
    assert s.max_power_w <= s.power_budget_w


def test_examples_are_the_templates():
    assert set(EXAMPLES) <= set(TEMPLATES)
