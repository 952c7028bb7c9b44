"""Power: the chip model, the conversion stages and the sums through the hierarchy."""

from __future__ import annotations

import numpy as np
import pytest

from dojo_gui.model.aggregate import summarize, summarize_all
from dojo_gui.sim.power import chip_power_w, conversion_input_w, hierarchy_power, leakage_w
from dojo_gui.sim.results import RecordPlan
from dojo_gui.sim.scenario import ConstantLoad, Scenario
from dojo_gui.sim.thermal import ThermalRun, with_figures
from dojo_gui.sim.tree import PartTree


def test_chip_power_from_idle_to_tdp(catalog):
    tree = PartTree.from_design(_tile(catalog))
    d1 = catalog["dojo-d1"]
    ref = np.full(tree.n_chips, d1.leakage_ref_c)
    assert chip_power_w(tree.chip, 1.0, 1.0, ref) == pytest.approx(d1.tdp_w)
    assert chip_power_w(tree.chip, 0.0, 1.0, ref) == pytest.approx(d1.idle_w)
    half = chip_power_w(tree.chip, 0.5, 1.0, ref)
    assert half == pytest.approx(d1.idle_w + 0.5 * (d1.tdp_w - d1.idle_w))
    # A lower DVFS level scales the dynamic part as clock^n.
    slow = chip_power_w(tree.chip, 1.0, 0.8, ref)
    assert slow == pytest.approx(d1.idle_w + (d1.tdp_w - d1.idle_w) * 0.8 ** d1.dvfs_power_exponent)
    # Leakage doubles every leakage_doubling_k.
    hotter = ref + d1.leakage_doubling_k
    leak_ref = leakage_w(d1.idle_w, d1.leakage_fraction, d1.leakage_ref_c, d1.leakage_doubling_k, d1.leakage_ref_c)
    assert leak_ref == pytest.approx(d1.leakage_fraction * d1.idle_w)
    assert chip_power_w(tree.chip, 1.0, 1.0, hotter) - chip_power_w(tree.chip, 1.0, 1.0, ref) == pytest.approx(leak_ref)


def _tile(catalog):
    from dojo_gui.model.templates import TEMPLATES

    return TEMPLATES["dojo-tile"].make(catalog)


def test_a_conversion_stage_loses_what_its_formula_says():
    out = np.array([900.0, 10_000.0])
    assert conversion_input_w(out, 0.9, 0.0) == pytest.approx([1000.0, 10_000 / 0.9])
    # Frontier's rectifier: η 0.96, P₀ 17 W.
    assert conversion_input_w(1000.0, 0.96, 17.0) - 1000.0 == pytest.approx((1000 + 17) / 0.96 - 1000)


@pytest.mark.parametrize("name", ["dojo-tile", "dojo-cabinet", "exapod", "tpu-v4-slice", "dgx-h100-pod", "gb200-nvl72"])
def test_full_load_power_equals_the_static_aggregates(name, catalog):
    """At u = 1, nominal clock and the leakage reference temperature the engine's sums are the aggregates'."""
    from dojo_gui.model.templates import TEMPLATES

    design = TEMPLATES[name].make(catalog)
    tree = PartTree.from_design(design)
    chips = chip_power_w(tree.chip, 1.0, 1.0, tree.chip["leakage_ref_c"])
    h = hierarchy_power(tree, chips)
    sums = summarize_all(design)
    room = sums[id(design.room)]
    assert h.it_w == pytest.approx(room.it_power_w, rel=1e-12)
    assert h.room_in_w == pytest.approx(room.max_power_w, rel=1e-12)
    tiles = list(design.parts("tile"))
    assert h.tile_in_w == pytest.approx([sums[id(t)].max_power_w for t in tiles], rel=1e-12)
    cabinets = list(design.parts("cabinet"))
    assert h.cabinet_in_w == pytest.approx([sums[id(c)].max_power_w for c in cabinets], rel=1e-12)


@pytest.mark.parametrize("name,level,published", [("dojo-tile", "tile", 15e3), ("exapod", "room", 1.8e6)])
def test_engine_at_full_load_lands_near_the_published_figures(name, level, published, catalog):
    """Tile about 15 kW, ExaPOD about 1.8 MW of IT power, from the specs' own figures."""
    from dojo_gui.model.templates import TEMPLATES

    design = TEMPLATES[name].make(catalog)
    r = ThermalRun(design, Scenario(ConstantLoad(1.0), duration_s=600, dt_s=1.0, initial="load")).run()
    if level == "tile":
        engine = float(r.tiles["power_w"][-1, 0])
        static = summarize(design, next(design.parts("tile"))).max_power_w
    else:
        engine = r.final["it_power_w"]
        static = summarize(design).it_power_w
    # The aggregates assume TDP at the leakage reference temperature; the engine's chips run a little cooler.
    assert engine == pytest.approx(static, rel=0.02)
    assert engine == pytest.approx(published, rel=0.10)


def test_power_sums_agree_through_the_hierarchy(small_pod, tmp_path):
    design = with_figures(small_pod, "dojo-d1", tj_max_c=56.0)  # some throttling, so chips differ
    trace = tmp_path / "t.csv"
    trace.write_text('time_s,utilization,"room.cabinet[0,1]"\n0,0.3,1\n100,1,0.5\n')
    from dojo_gui.sim.scenario import UtilizationTrace

    plan = RecordPlan(room_points=10**6, part_points=10**6)
    run = ThermalRun(design, Scenario(UtilizationTrace.from_csv(trace), duration_s=200, dt_s=0.5), record=plan)
    r = run.run()
    tree = run.tree
    assert r.chips["level"].max() > 0
    t, c, room = tree.tile, tree.cabinet, tree.room_spec
    chips_per_tile = np.stack([np.bincount(tree.chip_tile, weights=row, minlength=tree.n_tiles)
                               for row in r.chips["power_w"].astype(float)])
    tile_in = (chips_per_tile + t["overhead_w"] + t["conversion_overhead_w"]) / t["conversion_efficiency"]
    assert r.tiles["power_w"] == pytest.approx(tile_in, rel=1e-6)  # chips kept in float32
    tiles_per_cab = np.stack([np.bincount(tree.tile_cabinet, weights=row, minlength=tree.n_cabinets)
                              for row in r.tiles["power_w"]])
    cab_in = (tiles_per_cab + c["overhead_w"] + c["conversion_overhead_w"]) / c["conversion_efficiency"]
    assert r.cabinets["power_w"] == pytest.approx(cab_in, rel=1e-12)
    assert r.room["it_power_w"] == pytest.approx(r.cabinets["power_w"].sum(axis=1), rel=1e-12)
    ups_in = (r.room["it_power_w"] + room.overhead_w + room.conversion_overhead_w) / room.conversion_efficiency
    facility = (ups_in + r.room["cooling_power_w"] + room.transformer_overhead_w) / room.transformer_efficiency
    assert r.room["facility_power_w"] == pytest.approx(facility, rel=1e-12)
    assert r.room["chip_power_w"] == pytest.approx(r.chips["power_w"].astype(float).sum(axis=1), rel=1e-6)
    # The per-cabinet trace column drives only that cabinet's chips.
    first = r.part_time_s.searchsorted(1.0)
    cab_of_chip = tree.tile_cabinet[tree.chip_tile]
    assert r.chips["power_w"][first, cab_of_chip == 1].mean() > r.chips["power_w"][first, cab_of_chip == 0].mean() + 150
    s = r.summary()
    assert s["pue"] >= 1.0 and s["facility_power_w"] > s["it_power_w"]
    assert s["energy_kwh"] == pytest.approx(s["facility_power_w"] * 200 / 3.6e6)


def test_every_container_is_reported_against_its_limits(small_pod, spec_of_level):
    tile = spec_of_level(small_pod, "tile")
    tight = with_figures(small_pod, tile.id, power_budget_w=10e3)
    r = ThermalRun(tight, Scenario(ConstantLoad(1.0), duration_s=60, dt_s=1.0)).run()
    over = r.over_limits()
    tiles_over = [o for o in over if o["what"] == "power" and ".tile[" in o["path"]]
    assert len(tiles_over) == 4
    assert all(o["peak_w"] > 10e3 and o["limit_w"] == 10e3 for o in tiles_over)
    assert ThermalRun(small_pod, Scenario(ConstantLoad(1.0), duration_s=60, dt_s=1.0)).run().over_limits() == []
