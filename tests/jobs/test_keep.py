"""A kept run keeps a print of its design and its parts' values: the engine's own values, in the print's order,
within the budget, and as a project file keeps them."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dojo_gui.fabric.fabric import Fabric
from dojo_gui.jobs.keep import FRAMES_MAX, LINK_LOAD, PART_VALUES_BUDGET, keep_design, thermal_values
from dojo_gui.jobs.live import (
    LIVE_RECORD,
    CommJob,
    CommTimeCache,
    Control,
    LiveBuffer,
    ThermalJob,
    chip_link_load,
    execute,
    link_geometry,
    run_record,
)
from dojo_gui.model.fingerprint import design_print
from dojo_gui.model.runs import parse_run
from dojo_gui.model.templates import TEMPLATES
from dojo_gui.sim.comm import simulate_collective
from dojo_gui.sim.scenario import ConstantLoad, Scenario
from dojo_gui.sim.thermal import ThermalRun


@pytest.fixture(scope="module")
def cabinet_run(catalog):
    design = TEMPLATES["dojo-cabinet"].make(catalog)
    design.remove(((0, 0), (1, 2), (3, 3)))  # a hole: values stay with their chips
    result = ThermalRun(design, Scenario(ConstantLoad(0.8), duration_s=600.0, dt_s=1.0), record=LIVE_RECORD).run()
    return design, result


def test_a_thermal_run_keeps_its_parts_final_values_in_the_prints_order(cabinet_run):
    design, result = cabinet_run
    record = keep_design(result.run_record(label="soak"), design, result)
    paths = record.design.paths()
    assert record.design == design_print(design) and len(paths["chip"]) == 299
    parts = record.parts
    assert parts.time_s[-1] == pytest.approx(result.part_time_s[-1]) == pytest.approx(600.0)  # the end is kept
    assert len(parts.time_s) == FRAMES_MAX  # a cabinet is small: as many frames as it may keep
    final = dict(zip(paths["chip"], parts.values["chip"]["tj_c"][-1]))
    engine = dict(zip(result.chip_paths, result.chips["tj_c"][-1]))
    assert set(final) == set(engine)
    for path, value in engine.items():
        assert final[path] == pytest.approx(value, rel=5e-3)  # three significant digits
    cabinet_power = parts.values["cabinet"]["power_w"][-1][0]
    assert cabinet_power == pytest.approx(result.cabinets["power_w"][-1][0], rel=5e-3)
    assert "level" not in parts.values["chip"]  # no chip throttled: its zeros are not kept
    # As a project file keeps it.
    assert parse_run(json.loads(json.dumps(record.to_dict()))) == record


def test_the_part_values_stay_within_their_budget(cabinet_run):
    design, result = cabinet_run
    p = design_print(design)
    per_frame = 299 * 2 + 12 * 3 + 1 * 4
    few = thermal_values(result, p, budget=3 * per_frame)
    assert len(few.time_s) == 3 and few.numbers() == 3 * per_frame
    assert few.time_s[-1] == pytest.approx(600.0)
    # Less than one frame of every chip: the tiles and cabinets only.
    containers = thermal_values(result, p, budget=per_frame - 1)
    assert set(containers.values) == {"tile", "cabinet"} and containers.numbers() <= per_frame - 1


def test_the_exapods_kept_run_is_bounded(exapod):
    result = ThermalRun(exapod, Scenario(ConstantLoad(0.9), duration_s=600.0, dt_s=1.0), record=LIVE_RECORD).run()
    record = keep_design(result.run_record(), exapod, result)
    assert record.parts.numbers() <= PART_VALUES_BUDGET and len(record.parts.time_s) >= 4
    size = len(json.dumps(record.to_dict()["parts"], separators=(",", ":")))
    assert size < 200_000, size


def test_a_collective_keeps_each_chips_busiest_link(catalog):
    design = TEMPLATES["dojo-cabinet"].make(catalog)
    result = simulate_collective(design, "allreduce", 64 * 2**20, "ring")
    record = keep_design(result.run_record(), design, result)
    fabric = Fabric.from_design(design)
    links = link_geometry(fabric, result)
    expected = dict(zip(links["chip_paths"], chip_link_load(links, result.link_utilization)))
    kept = dict(zip(record.design.paths()["chip"], record.parts.values["chip"][LINK_LOAD][0]))
    assert set(kept) == set(expected)
    for path, value in expected.items():
        assert kept[path] == pytest.approx(value, rel=5e-3, abs=1e-12)
    assert max(kept.values()) > 0 and record.parts.time_s == (pytest.approx(result.time_s),)


def test_a_run_kept_from_the_window_carries_the_design_it_ran_on(catalog):
    design = TEMPLATES["dojo-cabinet"].make(catalog)
    cache = CommTimeCache()
    thermal = execute(ThermalJob(Scenario(ConstantLoad(0.5), 60.0, 1.0)), design.copy(), 4, LiveBuffer(), Control(),
                      cache)
    record = run_record(thermal, "half")
    assert record.design == design_print(thermal.design) and record.parts is not None
    comm = execute(CommJob("allreduce", float(2**26), "ring"), design.copy(), 4, LiveBuffer(), Control(), cache)
    kept = run_record(comm)
    assert kept.kind == "comm" and np.nanmax([v for v in kept.parts.values["chip"][LINK_LOAD][0] if v is not None]) > 0
