"""The design check without a window: findings in order, each part's worst severity, every container's summary."""

from __future__ import annotations

from dataclasses import replace

from dojo_gui.jobs.analysis import analyse
from dojo_gui.model.rules import check

TILE = ((0, 0), (0, 0))


def test_a_part_takes_its_worst_finding_and_errors_come_first(dojo_tile, catalog):
    dojo_tile.put_spec(replace(catalog["dojo-training-tile"], power_budget_w=10e3))  # an error on the tile
    dojo_tile.remove(TILE + ((2, 2),))  # and a warning on the same tile
    analysis = analyse(dojo_tile, revision=7)
    assert analysis.revision == 7
    on_tile = {(f.rule, f.severity) for f in analysis.findings if f.path == TILE}
    assert ("power-budget", "error") in on_tile and ("empty-slots", "warning") in on_tile
    assert analysis.severities[TILE] == "error"
    assert sorted(analysis.findings, key=str) == sorted(check(dojo_tile), key=str)  # the same rules, all of them
    severities = [f.severity for f in analysis.findings]
    assert severities == sorted(severities, key=("error", "warning", "info").index)
    counts = analysis.counts()
    assert counts["error"] == severities.count("error") and sum(counts.values()) == len(severities)


def test_every_container_has_a_summary_and_no_chip_has_one(exapod):
    analysis = analyse(exapod, revision=0)
    containers = {p.path for p in exapod.parts() if p.level != "chip"}
    assert set(analysis.summaries) == containers
    assert analysis.summaries[()].chips == sum(1 for _ in exapod.parts("chip"))
    assert analysis.findings == [] and analysis.severities == {}
