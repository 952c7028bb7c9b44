"""Comparing two variants: exactly what changed in parts and specs, and the report's side-by-side."""

from __future__ import annotations

import dataclasses

import pytest

from dojo_gui.model.design import format_path
from dojo_gui.model.runs import parse_run
from dojo_gui.report import export_report
from dojo_gui.report.compare import describe_changes, describe_contents, diff_designs, diff_parts

LAST_CABINET = ((0, 9),)


@pytest.fixture
def minus_one(exapod):
    variant = exapod.copy()
    variant.remove(LAST_CABINET)
    return variant


def test_a_missing_cabinet_is_one_removal_with_its_contents(exapod, minus_one):
    diff = diff_designs(exapod, minus_one)
    assert len(diff.parts) == 1 and diff.specs == []
    change = diff.parts[0]
    assert (change.kind, change.path, change.level, change.old_spec, change.new_spec) == (
        "removed", LAST_CABINET, "cabinet", "dojo-cabinet", None)
    assert dict(change.contents) == {"tile": 12, "chip": 300}
    assert describe_contents(change.contents) == "12 tiles, 300 chips"
    assert [(g.kind, g.count) for g in diff.groups] == [("removed", 1)]


def test_the_other_way_round_it_is_one_addition(exapod, minus_one):
    diff = diff_designs(minus_one, exapod)
    assert [(c.kind, c.path) for c in diff.parts] == [("added", LAST_CABINET)]


def test_identical_designs_have_no_differences(exapod):
    assert diff_designs(exapod, exapod.copy()).same


def test_swapping_every_chip_is_one_group_of_3000(exapod, catalog):
    variant = exapod.copy()
    faster = dataclasses.replace(catalog["dojo-d1"], id="dojo-d1-fast", tdp_w=450.0)
    variant.put_spec(faster)
    for part in list(variant.parts("chip")):
        part.spec_id = "dojo-d1-fast"
    diff = diff_designs(exapod, variant)
    assert len(diff.parts) == 3000
    assert len(diff.groups) == 1
    group = diff.groups[0]
    assert (group.kind, group.level, group.old_spec, group.new_spec, group.count) == (
        "changed", "chip", "dojo-d1", "dojo-d1-fast", 3000)
    assert group.where() == (f"{format_path(((0, 0), (0, 0), (0, 0)))}, {format_path(((0, 0), (0, 0), (0, 1)))}, "
                             f"{format_path(((0, 0), (0, 0), (0, 2)))} and 2,997 more")
    assert [(s.kind, s.spec_id) for s in diff.specs] == [("added", "dojo-d1-fast")]


def test_a_changed_figure_is_named_with_both_values(exapod):
    variant = exapod.copy()
    variant.put_spec(dataclasses.replace(exapod.specs["dojo-d1"], tdp_w=450.0, idle_w=120.0))
    diff = diff_designs(exapod, variant)
    assert diff.parts == []
    (change,) = diff.specs
    assert change.kind == "changed" and change.spec_id == "dojo-d1"
    assert {(f.name, f.old, f.new) for f in change.figures} == {("tdp_w", 400.0, 450.0), ("idle_w", 100.0, 120.0)}


def test_renames_and_removals_come_in_slot_order(exapod):
    variant = exapod.copy()
    variant.remove(LAST_CABINET)
    variant.rename(((0, 0),), "first")
    changes = diff_parts(exapod, variant)
    assert [(c.kind, c.path) for c in changes] == [("renamed", ((0, 0),)), ("removed", LAST_CABINET)]
    assert (changes[0].old_name, changes[0].new_name) == ("C01", "first")


def test_a_moved_cabinet_leaves_one_slot_and_fills_another(exapod):
    variant = exapod.copy()
    variant.remove(LAST_CABINET)
    variant.move(((0, 8),), (0, 9))
    changes = diff_parts(exapod, variant)
    # (0,9) now holds the cabinet named C09, identical to C10 but for its name.
    assert [(c.kind, c.path) for c in changes] == [("removed", ((0, 8),)), ("renamed", ((0, 9),))]
    assert (changes[1].old_name, changes[1].new_name) == ("C10", "C09")


def test_the_report_compares_exactly_the_missing_cabinet(qapp, exapod, minus_one, tmp_path, read_html):
    html = tmp_path / "cmp.html"
    result = export_report(minus_one, html=html, pdf=tmp_path / "cmp.pdf", source="minus-one.dojo",
                           other=exapod, other_source="exapod", picture=None)
    assert "comparison" in result.sections
    doc = read_html(html)
    parts = doc.tables["compare-parts"]
    assert parts[0] == ["Change", "Level", "From", "To", "Parts", "Holding", "Where"]
    assert parts[1:] == [["removed", "cabinet", "Dojo cabinet (dojo-cabinet)", "—", "1", "12 tiles, 300 chips",
                          "room.cabinet[0,9]"]]
    figures = {r[0]: r[1:] for r in doc.tables["compare-figures"][1:]}
    assert figures["Cabinets"] == ["10", "9", "−1 (−10.0 %)"]
    assert figures["Tiles"] == ["120", "108", "−12 (−10.0 %)"]
    assert figures["Chips"] == ["3,000", "2,700", "−300 (−10.0 %)"]
    assert figures["Peak compute BF16"][:2] == ["1.09 EFLOPS", "977 PFLOPS"]
    assert figures["Cooling capacity"][2] == "same"
    assert "compare-specs" not in doc.tables
    assert "The same specs with the same figures." in "".join(doc.text)
    assert "Neither design has saved simulation results" in "".join(doc.text)


def test_the_comparison_includes_pue_and_collective_time_when_both_have_results(
        qapp, exapod, minus_one, tmp_path, read_html, make_comm, make_thermal):
    for design, runs in ((exapod, [make_comm(time_s=0.02), make_thermal(pue=1.20)]),
                         (minus_one, [make_comm(time_s=0.018), make_thermal(pue=1.10)])):
        for run in runs:
            design.add_run(parse_run(run))
    html = tmp_path / "cmp.html"
    export_report(minus_one, html=html, other=exapod, picture=None)
    figures = {r[0]: r[1:] for r in read_html(html).tables["compare-figures"][1:]}
    assert figures["Collective time (latest communication run)"] == ["20 ms", "18 ms", "−2 ms (−10.0 %)"]
    assert figures["PUE (latest power and cooling run)"] == ["1.2", "1.1", "−0.1 (−8.3 %)"]


def test_what_changed_reads_as_lines_of_figures_and_parts(exapod):
    from dojo_gui.model.design import with_figures
    from dojo_gui.model.fingerprint import design_print, skeleton

    variant = exapod.copy()
    variant.put_spec(with_figures(variant.specs["dojo-d1"], tdp_w=500.0))
    variant.remove(((0, 2),))
    variant.put_spec(with_figures(variant.specs["dojo-d1"], id="d1-hot", name="D1 hot", tdp_w=520.0))
    for chip in [p.path for p in variant.part(((0, 3),)).walk() if p.level == "chip"]:
        variant.set_part_spec(chip, "d1-hot")
    # Between the designs two runs were made on, as their prints keep them.
    lines = describe_changes(skeleton(design_print(exapod)), skeleton(design_print(variant)))
    d1 = exapod.specs["dojo-d1"].name
    assert f"{d1}: TDP 400 W → 500 W" in lines
    assert "cabinet C03 (room.cabinet[0,2]) removed, with 12 tiles, 300 chips" in lines
    assert f"300 chips in room.cabinet[0,3] are now D1 hot (d1-hot), not {d1}: TDP 400 W → 520 W" in lines
    assert describe_changes(exapod, exapod.copy()) == []
    many = describe_changes(exapod, variant, limit=2)
    assert len(many) == 2 and many[-1].startswith("and 3 more changes")
