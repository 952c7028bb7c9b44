"""Sweeps: axes read like the inspector reads figures, plans combine them, variants change copies of the design."""

import math

import numpy as np
import pytest

from dojo_gui.model.aggregate import summarize
from dojo_gui.model.sweep import Plan, Sweep, SweepError, VariantResult, parse_axis, sweep_from_dict
from dojo_gui.model.variants import apply_variant, describe_variant


def test_an_axis_takes_units_and_the_figure_without_its_unit(exapod):
    axis = parse_axis("dojo-d1.tdp=350W,0.4kW, 450 W", exapod.specs)
    assert axis.target == "dojo-d1.tdp_w" and axis.values == (350.0, 400.0, 450.0)
    assert parse_axis("chip.tdp_w=350W", exapod.specs).target == "chip.tdp_w"
    assert parse_axis("chip.peak_flops.bf16=300TFLOPS", exapod.specs).values == (300e12,)
    rows = parse_axis("dojo-cabinet.rows=1,2", exapod.specs)
    assert rows.integer and rows.values == (1, 2)


@pytest.mark.parametrize("text,words", [
    ("dojo-d1.tdpp=3W", "did you mean 'tdp'"),
    ("dojo-d2.tdp=3W", "did you mean 'dojo-d1'"),
    ("dojo-d1.tdp=-5W", "cannot be negative"),
    ("dojo-d1.tdp=fast", "'fast' is not a power"),
    ("dojo-d1.memory_bw_efficiency=1.5", "between 0 % and 100 %"),
    ("chip.grid=2x2", "a chip has no grid"),
    ("tile.grid=5by5", "not a grid size"),
    ("dojo-d1.name=x", "only numeric figures"),
    ("dojo-d1.peak_flops=1", "is a table"),
    ("dojo-d1.tdp=500W..300W", "from low to high"),
    ("dojo-d1.tdp=1W..3W:1", "at least 2 values"),
    ("dojo-d1.tdp", "expected TARGET=VALUES"),
])
def test_a_bad_axis_is_refused_with_the_reason(exapod, text, words):
    with pytest.raises(SweepError) as info:
        parse_axis(text, exapod.specs)
    assert words in str(info.value)


def test_a_scenario_option_is_found_by_its_name_without_unit(exapod):
    options = ("duration_s", "utilization_fraction", "workload")
    axis = parse_axis("scenario.duration=10min,1h", exapod.specs, scenario_options=options)
    assert axis.target == "scenario.duration_s" and axis.values == (600.0, 3600.0)
    assert parse_axis("scenario.utilization=50%..90%", exapod.specs, scenario_options=options).high == 0.9
    with pytest.raises(SweepError, match="has no option 'durration'"):
        parse_axis("scenario.durration=1h", exapod.specs, scenario_options=options)


def test_the_product_plan_runs_the_first_axis_slowest(exapod):
    axes = [parse_axis("dojo-d1.tdp=350W..500W:4", exapod.specs), parse_axis("tile.grid=4x4,5x5", exapod.specs)]
    variants = Plan("product").variants(axes)
    assert len(variants) == 8
    assert [v["dojo-d1.tdp_w"] for v in variants] == [350.0, 350.0, 400.0, 400.0, 450.0, 450.0, 500.0, 500.0]
    assert [v["tile.grid"] for v in variants[:2]] == ["4x4", "5x5"]


def test_a_list_plan_zips_and_needs_axes_of_one_length(exapod):
    axes = [parse_axis("dojo-d1.tdp=350W,400W", exapod.specs), parse_axis("tile.grid=4x4,5x5", exapod.specs)]
    assert Plan.parse("zip").variants(axes) == [{"dojo-d1.tdp_w": 350.0, "tile.grid": "4x4"},
                                               {"dojo-d1.tdp_w": 400.0, "tile.grid": "5x5"}]
    axes.append(parse_axis("dojo-d1.idle=50W,60W,70W", exapod.specs))
    with pytest.raises(SweepError, match="as long"):
        Plan("list").variants(axes)


def test_a_range_without_a_count_is_only_for_a_sample(exapod):
    axes = [parse_axis("dojo-d1.tdp=350W..500W", exapod.specs)]
    with pytest.raises(SweepError, match="give :N"):
        Plan("product").variants(axes)


def test_a_latin_hypercube_puts_one_variant_in_every_stratum_of_every_axis(exapod):
    axes = [parse_axis("dojo-d1.tdp=300W..500W", exapod.specs), parse_axis("dojo-d1.idle=50W..100W", exapod.specs),
            parse_axis("tile.grid=3x3,4x4,5x5,6x6", exapod.specs)]
    n = 20
    variants = Plan.parse("lhs:20:7").variants(axes)
    assert len(variants) == n
    for target, (lo, hi) in (("dojo-d1.tdp_w", (300, 500)), ("dojo-d1.idle_w", (50, 100))):
        strata = sorted(int((v[target] - lo) / (hi - lo) * n) for v in variants)
        assert strata == list(range(n))
    grids = [v["tile.grid"] for v in variants]
    assert all(grids.count(g) == 5 for g in ("3x3", "4x4", "5x5", "6x6"))
    assert Plan.parse("lhs:20:7").variants(axes) == variants  # the seed fixes the sample
    assert Plan.parse("lhs:20:8").variants(axes) != variants


def test_a_variant_changes_a_copy_and_leaves_the_base_as_it_was(exapod):
    before = (summarize(exapod).counts, exapod.specs["dojo-d1"].tdp_w)
    axes = [parse_axis(t, exapod.specs) for t in ("chip.tdp=500W", "tile.grid=4x4", "room.grid=2x6",
                                                   "dojo-training-tile.power_budget=20kW")]
    variant = Plan().variants(axes)[0]
    design, scenario = apply_variant(exapod, axes, variant)
    assert scenario == {}
    assert (summarize(exapod).counts, exapod.specs["dojo-d1"].tdp_w) == before
    counts = summarize(design).counts
    assert counts["cabinet"] == 12 and counts["tile"] == 12 * 12 and counts["chip"] == 12 * 12 * 16
    tile = design.specs["dojo-training-tile"]
    assert (tile.rows, tile.cols) == (4, 4) and tile.power_budget_w == 20e3  # the figure axis wins over the resize
    assert design.specs["dojo-d1"].tdp_w == 500.0
    assert sorted(p.name for p in design.parts("cabinet"))[-1] == "C12"
    assert describe_variant(axes, variant).startswith("chip.tdp 500 W, tile.grid 4x4")


def test_a_resized_tile_scales_its_budgets_with_its_slots(exapod):
    axes = [parse_axis("tile.grid=4x5", exapod.specs)]
    design, _ = apply_variant(exapod, axes, {"tile.grid": "4x5"})
    base, tile = exapod.specs["dojo-training-tile"], design.specs["dojo-training-tile"]
    assert tile.power_budget_w == pytest.approx(base.power_budget_w * 20 / 25)
    assert tile.coolant_flow_lpm == pytest.approx(base.coolant_flow_lpm * 20 / 25)


def test_a_sweep_reads_back_what_it_wrote_and_names_the_place_of_a_problem(exapod):
    axes = [parse_axis("dojo-d1.tdp=350W,400W", exapod.specs), parse_axis("tile.grid=4x4,5x5", exapod.specs),
            parse_axis("scenario.ambient_curve=daily:12C,35C;daily:20C,40C", exapod.specs)]
    sweep = Sweep("TDP", axes, Plan.parse("lhs:4:1"), {"kind": "thermal", "duration_s": 60.0},
                  results=[VariantResult(0, {"dojo-d1.tdp_w": 350.0}, "ok", {"pue": 1.1, "tj_max_c": None},
                                         wall_s=0.5)])
    assert axes[2].values == ("daily:12C,35C", "daily:20C,40C")
    again = sweep_from_dict(sweep.to_dict(), exapod.specs)
    assert again == sweep
    data = sweep.to_dict()
    data["axes"][0]["values"][1] = "-4W"
    with pytest.raises(SweepError) as info:
        sweep_from_dict(data, exapod.specs, "sweeps[2]")
    assert info.value.where == "sweeps[2].axes[0]" and "cannot be negative" in info.value.message
    data = sweep.to_dict()
    data["results"][0]["figures"]["pue"] = "high"
    with pytest.raises(SweepError) as info:
        sweep_from_dict(data, exapod.specs)
    assert info.value.where == "results[0].figures.pue"


def test_a_range_of_whole_figures_gives_whole_numbers(exapod):
    axis = parse_axis("dojo-cabinet.cols=2..6:3", exapod.specs)
    assert axis.points() == (2, 4, 6) and all(isinstance(v, int) for v in axis.points())
    sample = axis.sample(np.array([0.0, 0.49, 0.999]))
    assert sample == [2, 4, 6] and all(isinstance(v, int) for v in sample)
    assert not math.isnan(axis.low)
