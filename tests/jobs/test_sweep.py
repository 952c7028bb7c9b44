"""A sweep run in this process: variants in order, their figures what the engines give, failures, the cache, Stop."""

import itertools
import json

import numpy as np
import pytest

from dojo_gui.jobs.sweep import scenario as sc
from dojo_gui.jobs.sweep.backends import SerialBackend
from dojo_gui.jobs.sweep.cache import ResultCache, engine_version, variant_key
from dojo_gui.jobs.sweep.figures import derive, format_figure, money
from dojo_gui.jobs.sweep.runner import SweepRun, design_text, finish, reprice
from dojo_gui.jobs.sweep.table import columns, csv_text, pareto_front
from dojo_gui.model.economics import HOURS_PER_YEAR, Economics, capex
from dojo_gui.model.sweep import Plan, Sweep, SweepError, parse_axis
from dojo_gui.model.variants import apply_variant
from dojo_gui.sim.scenario import Ambient, ConstantLoad, Scenario, TrainingStep
from dojo_gui.sim.thermal import ThermalRun

SHORT = {"kind": "thermal", "duration_s": 60.0, "dt_s": 1.0}


def tdp_sweep(design, values="300W,400W,500W", scenario=SHORT, plan="product"):
    axes = [parse_axis(f"dojo-d1.tdp={values}", design.specs)]
    return Sweep("TDP", axes, Plan.parse(plan), dict(scenario))


def test_a_thermal_scenario_travels_as_data_and_comes_back_the_same():
    scenario = Scenario(TrainingStep(3e14, efficiency=0.6, gradient_bytes=1e9, algorithm="2d"), 600.0, 0.5,
                        ambient=Ambient.parse_curve("daily:12C,35C", 14.0), coolant_flow_fraction=0.8,
                        initial="load")
    data = json.loads(json.dumps(sc.from_thermal(scenario)))  # plain JSON all the way
    again = sc.thermal_scenario(sc.normalise(data))
    assert again.describe() == scenario.describe() | {"ambient": again.ambient.describe()}
    assert again.ambient.daily_range_c == (12.0, 35.0) and again.ambient.start_hour == 14.0
    assert again.workload.describe() == scenario.workload.describe()


def test_a_scenario_option_is_checked_in_its_unit_and_named_when_wrong():
    assert sc.normalise({"kind": "thermal", "duration_s": "10min"})["duration_s"] == 600.0
    assert sc.normalise({"kind": "comm"}, {"size_bytes": "1GiB"})["size_bytes"] == 2.0 ** 30
    with pytest.raises(SweepError) as info:
        sc.normalise({"kind": "thermal", "durration_s": 5})
    assert info.value.where == "scenario.durration_s"
    with pytest.raises(SweepError) as info:
        sc.normalise({"kind": "comm", "chunks": 2.5})
    assert info.value.where == "scenario.chunks" and "whole number" in info.value.message
    with pytest.raises(SweepError, match=r"scenario\.step_flop"):
        sc.check({"kind": "thermal", "workload": "train"})


def test_variants_come_back_in_order_with_what_the_engine_gives(dojo_tile):
    sweep = tdp_sweep(dojo_tile)
    seen = []
    results = SweepRun(dojo_tile, sweep, SerialBackend(), on_result=seen.append).run()
    assert [r.index for r in results] == [0, 1, 2] and [r.status for r in results] == ["ok"] * 3
    assert [r.variant["dojo-d1.tdp_w"] for r in results] == [300.0, 400.0, 500.0]
    for result in results:
        design, _ = apply_variant(dojo_tile, sweep.axes, result.variant)
        direct = ThermalRun(design, Scenario(ConstantLoad(1.0), 60.0, 1.0)).run().summary()
        assert result.figures["facility_power_w"] == pytest.approx(direct["facility_power_w"], rel=1e-12)
        assert result.figures["tj_max_c"] == pytest.approx(direct["tj_max_c"], rel=1e-12)
        assert result.figures["capex_usd"] == pytest.approx(capex(design).total_usd)
    powers = [r.figures["facility_power_w"] for r in results]
    assert powers == sorted(powers) and powers[0] < powers[-1]  # a hotter chip draws more
    assert sorted(r.index for r in seen) == [0, 1, 2]


def test_a_failing_variant_reports_why_and_the_others_run(dojo_tile):
    axes = [parse_axis("dojo-d1.tdp=300W,400W", dojo_tile.specs),
            parse_axis("scenario.initial=idle,lukewarm", dojo_tile.specs, scenario_options=sc.options("thermal"))]
    results = SweepRun(dojo_tile, Sweep("x", axes, Plan(), dict(SHORT)), SerialBackend()).run()
    assert [r.status for r in results] == ["ok", "failed", "ok", "failed"]
    assert all("lukewarm" in r.error for r in results if r.status == "failed")
    assert all(r.figures == {} for r in results if r.status == "failed")


def test_a_second_run_is_served_from_the_cache(dojo_tile, tmp_path):
    sweep = tdp_sweep(dojo_tile)
    cache = ResultCache(tmp_path)
    first = SweepRun(dojo_tile, sweep, SerialBackend(), cache=cache).run()
    assert len(cache) == 3 and not any(r.cached for r in first)

    class Refuses(SerialBackend):
        def submit(self, task):
            raise AssertionError("a cached variant was computed again")

    second = SweepRun(dojo_tile, sweep, Refuses(), cache=cache).run()
    assert all(r.cached for r in second) and [r.figures for r in second] == [r.figures for r in first]
    changed = tdp_sweep(dojo_tile, scenario={**SHORT, "duration_s": 61.0})
    third = SweepRun(dojo_tile, changed, SerialBackend(), cache=cache).run()
    assert not any(r.cached for r in third)  # another scenario is another key


def test_the_key_depends_on_design_scenario_and_engine(dojo_tile):
    text = design_text(dojo_tile)
    key = variant_key(text, SHORT)
    assert key == variant_key(text, dict(reversed(list(SHORT.items()))))  # the order of options does not matter
    assert key != variant_key(text, {**SHORT, "dt_s": 2.0})
    assert key != variant_key(text.replace('"tdp_w":400.0', '"tdp_w":401.0'), SHORT)
    assert engine_version().startswith("0.") and "+" in engine_version()


def test_stop_cancels_what_has_not_run(dojo_tile):
    sweep = tdp_sweep(dojo_tile, "300W..500W:6")
    run = SweepRun(dojo_tile, sweep, SerialBackend(), on_result=lambda r: run.stop() if r.index == 1 else None)
    results = run.run()
    assert [r.status for r in results] == ["ok", "ok"] + ["cancelled"] * 4
    assert run.progress.done == 6


def test_economics_are_derived_from_the_figures_and_can_be_priced_again(dojo_tile):
    sweep = tdp_sweep(dojo_tile, "400W")
    result = SweepRun(dojo_tile, sweep, SerialBackend()).run()[0]
    f = result.figures
    years = sweep.economics.service_years
    assert f["tco_usd"] == pytest.approx(f["capex_usd"] + f["facility_power_w"] / 1e3 * years * HOURS_PER_YEAR * 0.1)
    assert f["peak_flops_per_w"] == pytest.approx(f["peak_flops"] / f["feed_power_w"])
    done = finish(sweep, dojo_tile, [result])
    dear = reprice(done, Economics(electricity_usd_per_kwh=0.2, service_years=years))
    g = dear.results[0].figures
    assert g["facility_power_w"] == f["facility_power_w"]  # nothing ran again
    assert g["tco_usd"] - g["capex_usd"] == pytest.approx(2 * (f["tco_usd"] - f["capex_usd"]))


def test_a_training_run_costs_its_energy_and_its_share_of_the_machine():
    econ = Economics(0.1, 4.0)
    f = derive({"capex_usd": 4e7, "feed_power_w": 2e6, "peak_flops": 1e18, "time_to_train_s": 86400.0,
                "run_power_w": 1.5e6, "tokens_per_s": 3e5}, "train", econ)
    assert f["run_energy_j"] == pytest.approx(1.5e6 * 86400)
    assert f["run_cost_usd"] == pytest.approx(1.5e3 * 24 * 0.1 + 4e7 / (4 * 365.25))
    assert f["tokens_per_j"] == pytest.approx(3e5 / 1.5e6)


def test_the_pareto_front_is_what_nothing_beats_on_both():
    rng = np.random.default_rng(3)
    x, y = rng.random(60), rng.random(60)
    x[5], y[5] = x[4], y[4]  # a point twice
    y[7] = np.nan
    for xb, yb in itertools.product(("high", "low"), repeat=2):
        front = pareto_front(x, y, xb, yb)
        sx, sy = (x if xb == "high" else -x), (y if yb == "high" else -y)
        for i in range(len(x)):
            if not np.isfinite(sy[i]):
                assert not front[i]
                continue
            beaten = any(sx[j] >= sx[i] and sy[j] >= sy[i] and (sx[j] > sx[i] or sy[j] > sy[i])
                         for j in range(len(x)) if np.isfinite(sy[j]))
            assert front[i] == (not beaten)


def test_the_table_and_csv_have_a_row_per_variant(dojo_tile):
    sweep = finish(tdp_sweep(dojo_tile), dojo_tile, SweepRun(dojo_tile, tdp_sweep(dojo_tile), SerialBackend()).run())
    lines = csv_text(sweep).splitlines()
    header = lines[0].split(",")
    assert header[:2] == ["index", "dojo-d1.tdp_w"] and "facility_power_w" in header and header[-1] == "error"
    assert len(lines) == 4 and lines[1].split(",")[1] == "300.0"
    assert [c.title for c in columns(sweep)][:2] == ["#", "dojo-d1.tdp"]


def test_figures_print_with_their_units():
    assert money(9.8e6) == "$9.8M" and money(250e3) == "$250k" and money(1.234e9) == "$1.23B"
    assert format_figure("facility_power_w", 1.91e6) == "1.91 MW"
    assert format_figure("peak_flops_per_w", 5.69e11) == "569 GFLOPS/W"
    assert format_figure("energy_j", 3.6e9) == "1 MWh"
    assert format_figure("mfu_fraction", 0.518) == "51.8 %"
    assert format_figure("pue", None) == "—"
