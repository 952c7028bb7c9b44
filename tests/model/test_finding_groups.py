"""Findings grouped by rule and spec: one line for the 120 tiles one edit broke, every part still in it."""

from dataclasses import replace

import pytest

from dojo_gui.model.design import Part
from dojo_gui.model.finding_groups import format_range, group_findings
from dojo_gui.model.rules import check


def names(design):
    return {spec_id: spec.name for spec_id, spec in design.specs.items()}


def test_a_hotter_chip_puts_every_tile_over_budget_in_one_group(exapod):
    exapod.put_spec(replace(exapod.specs["dojo-d1"], tdp_w=500.0))
    findings = check(exapod)
    groups = group_findings(findings, names(exapod))
    assert len(findings) > 250 and len(groups) < 10  # the flood of the issue: 261 rows become a handful
    assert sum(g.count for g in groups) == len(findings)
    firsts = [findings.index(g.findings[0]) for g in groups]
    assert firsts == sorted(firsts)  # every finding here is an error: the groups come in the order of the findings
    tiles = next(g for g in groups if g.rule == "power-budget" and g.level == "tile")
    assert tiles.count == 120 and len({f.path for f in tiles.findings}) == 120
    assert tiles.where() == "120 tiles (Dojo training tile)"
    one = tiles.findings[0]
    figure = one.message.split("draws ")[1].split(" at full load")[0]  # "17.2 kW"
    assert tiles.message == f"{figure} at full load, over the 15 kW budget"
    assert str(tiles).startswith("error: 120 tiles (Dojo training tile): ")


def test_a_group_states_the_range_of_figures_that_differ(exapod):
    d1 = exapod.specs["dojo-d1"]
    exapod.put_spec(replace(d1, tdp_w=500.0))
    exapod.put_spec(replace(d1, id="d1-hot", name="Hot D1", tdp_w=700.0))
    exapod.set_part_spec(((0, 0), (0, 0), (2, 2)), "d1-hot")  # one tile draws 300 W more than the others
    groups = group_findings(check(exapod), names(exapod))
    tiles = next(g for g in groups if g.rule == "power-budget" and g.level == "tile")
    values = sorted(f.value for f in tiles.findings)
    assert tiles.count == 120 and values[-1] > values[0]
    assert tiles.message == f"{format_range(values[0], values[-1], 'W')} at full load, over the 15 kW budget"
    assert "–" in tiles.message


def test_parts_of_other_specs_and_other_rules_stay_apart(exapod, catalog):
    exapod.put_spec(replace(exapod.specs["dojo-training-tile"], power_budget_w=10e3))
    exapod.remove(((0, 1), (0, 0), (1, 1)))
    exapod.remove(((0, 2), (1, 1), (3, 3)))
    groups = group_findings(check(exapod), names(exapod))
    by_rule = {(g.rule, g.level): g for g in groups}
    assert by_rule[("power-budget", "tile")].count == 120
    empty = by_rule[("empty-slots", "tile")]
    assert empty.count == 2 and empty.severity == "warning" and empty.message == "1 of 25 chip slots empty"
    assert empty.where() == "2 tiles (Dojo training tile)"
    # Errors come before warnings whatever the paths.
    assert [g.severity for g in groups] == sorted((g.severity for g in groups), key=["error", "warning", "info"].index)


def test_a_group_of_one_reads_as_its_finding(dojo_tile):
    dojo_tile.remove(((0, 0), (0, 0), (2, 2)))
    [finding] = [f for f in check(dojo_tile) if f.rule == "empty-slots"]
    [group] = [g for g in group_findings(check(dojo_tile)) if g.rule == "empty-slots"]
    assert group.count == 1 and group.message == finding.message and group.where() == finding.where()


def test_findings_without_a_gist_group_only_when_they_say_the_same(catalog, dojo_tile):
    stand = dojo_tile.part(((0, 0),))
    for row in (3, 4):
        stray = Part("dojo-training-tile", "tile", (row, 0))
        stray.parent = stand
        stand.children[(row, 0)] = stray
    placement = [g for g in group_findings(check(dojo_tile)) if g.rule == "placement"]
    assert [g.count for g in placement] == [2]  # two tiles outside the same grid: one line
    assert placement[0].message == "outside the 1x1 grid of Dojo tile test stand"
    assert {f.message for f in placement[0].findings} == {
        "slot (3, 0) is outside the 1x1 grid of Dojo tile test stand",
        "slot (4, 0) is outside the 1x1 grid of Dojo tile test stand"}


@pytest.mark.parametrize(("low", "high", "unit", "text"), [
    (17.2e3, 17.9e3, "W", "17.2–17.9 kW"),
    (17.21e3, 17.24e3, "W", "17.2 kW"),
    (950e3, 1.02e6, "W", "950 kW–1.02 MW"),
    (1, 24, "", "1–24"),
])
def test_format_range(low, high, unit, text):
    assert format_range(low, high, unit) == text
