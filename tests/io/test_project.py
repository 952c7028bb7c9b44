import json
import os
from pathlib import Path

import pytest

from dojo_gui.io import project
from dojo_gui.io.catalog import example_path
from dojo_gui.io.project import ProjectFileError, dumps, load, loads, save
from dojo_gui.model.runs import RunRecord, RunTable
from dojo_gui.model.specs import spec_to_dict
from dojo_gui.model.templates import EXAMPLES, TEMPLATES


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_save_open_round_trip_is_identical(name, catalog, tmp_path):
    design = TEMPLATES[name].make(catalog)
    path = tmp_path / "x.dojo"
    save(design, path)
    again = load(path)
    assert again.specs == design.specs
    assert again.room.to_dict() == design.room.to_dict()
    assert (again.name, again.description) == (design.name, design.description)
    assert dumps(again) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", EXAMPLES)
def test_bundled_examples_match_their_templates(name, catalog):
    """The files in resources/examples are what `dojo-gui new NAME` writes, and the runs some of them keep
    (regenerate them with scripts/make-examples.py if this fails)."""
    bundled = json.loads(example_path(name).read_text(encoding="utf-8"))
    made = json.loads(dumps(TEMPLATES[name].make(catalog)))
    assert made.pop("runs") == []
    bundled.pop("runs")
    assert bundled == made


def test_the_bundled_exapod_keeps_a_communication_and_a_thermal_run():
    """Issue 13, item 16: the first `report exapod` had no results and `export exapod -o x.csv` failed."""
    design = load(example_path("exapod"))
    assert [r.kind for r in design.runs] == ["comm", "thermal"]
    comm, thermal = design.runs
    assert 0 < comm.key_figures["time_s"] < 0.1 and comm.parameters["requested_algorithm"] == "auto"
    assert 1.0 < thermal.key_figures["pue"] < 2.0 and thermal.key_figures["simulated_s"] == 3600.0
    assert len(thermal.series["pue"]) > 100


def doc_of(design):
    return json.loads(dumps(design))


def error_of(doc) -> ProjectFileError:
    with pytest.raises(ProjectFileError) as info:
        loads(json.dumps(doc))
    return info.value


def test_unknown_spec_names_its_place(exapod):
    doc = doc_of(exapod)
    doc["room"]["cabinets"][3]["tiles"][2]["spec"] = "x"
    err = error_of(doc)
    assert err.where == "room.cabinets[3].tiles[2].spec"
    assert "unknown tile spec 'x'" in str(err)


def test_bad_figure_names_the_spec_and_field(dojo_tile):
    doc = doc_of(dojo_tile)
    doc["specs"][0]["edge_bw_Bps"] = "fast"
    err = error_of(doc)
    assert err.where == "specs[0].edge_bw_Bps" and "not a bandwidth" in err.message
    doc["specs"][0]["edge_bw_Bps"] = "4TB/s"
    doc["specs"][0]["tdp_w"] = -1
    assert error_of(doc).where == "specs[0].tdp_w"
    del doc["specs"][0]["tdp_w"]
    doc["specs"][0]["tdp"] = 400
    err = error_of(doc)
    assert err.where == "specs[0].tdp" and "did you mean 'tdp_w'" in err.message


@pytest.mark.parametrize("count", ["1e999", "-1e999", "2.5", '"many"'])
def test_a_count_must_be_a_finite_whole_number(dojo_tile, count):
    """Found by the fuzzer: 1e999 (read as infinity) as a chip's core count escaped as an OverflowError."""
    doc = doc_of(dojo_tile)
    doc["specs"][0]["cores"] = "COUNT"
    with pytest.raises(ProjectFileError) as info:
        loads(json.dumps(doc).replace('"COUNT"', count))
    assert info.value.where == "specs[0].cores"
    assert "whole number" in info.value.message or "too large" in info.value.message


@pytest.mark.parametrize("mutate,where,fragment", [
    (lambda d: d["room"]["cabinets"][0]["tiles"][0]["chips"][1].__setitem__("slot", [0, 0]),
     "room.cabinets[0].tiles[0].chips[1].slot", "used twice"),
    (lambda d: d["room"]["cabinets"][0].__setitem__("slot", "A1"), "room.cabinets[0].slot", "[row, col]"),
    (lambda d: d["room"].__setitem__("cabinets", {}), "room.cabinets", "expected a list"),
    (lambda d: d.__setitem__("specs", [d["specs"][0], d["specs"][0]]), "specs[1].id", "second spec"),
    (lambda d: d["room"].__setitem__("colour", "red"), "room.colour", "unexpected key"),
    (lambda d: d.__setitem__("format", "something-else"), "format", "not a dojo-gui project"),
])
def test_structural_errors_name_their_place(dojo_tile, mutate, where, fragment):
    doc = doc_of(dojo_tile)
    mutate(doc)
    err = error_of(doc)
    assert err.where == where and fragment in err.message


def test_newer_version_is_refused_clearly(dojo_tile):
    doc = doc_of(dojo_tile)
    doc["version"] = project.VERSION + 1
    err = error_of(doc)
    assert err.where == "version" and "newer dojo-gui" in err.message


def test_older_versions_are_migrated_one_step_at_a_time(dojo_tile, monkeypatch):
    """Pretend the format is two versions on: a file of today's version passes through both migrations, in order."""
    steps = []
    now = project.VERSION

    def step_one(doc):
        steps.append(doc["version"])
        return {**doc, "title": doc.pop("name")}

    def step_two(doc):
        steps.append(doc["version"])
        doc = dict(doc)
        doc["name"] = doc.pop("title") + " (migrated)"
        return doc

    text = dumps(dojo_tile)  # written at today's version
    monkeypatch.setitem(project.MIGRATIONS, now, step_one)
    monkeypatch.setitem(project.MIGRATIONS, now + 1, step_two)
    monkeypatch.setattr(project, "VERSION", now + 2)
    design = loads(text)
    assert steps == [now, now + 1]
    assert design.name == dojo_tile.name + " (migrated)"
    assert design.room.to_dict() == dojo_tile.room.to_dict()


def test_a_version_1_file_opens_as_a_project_without_sweeps_or_prices(dojo_tile):
    """tests/io/data/dojo-tile-v1.dojo is the bundled dojo-tile example as version 1 wrote it (before sweeps and
    prices): it opens as the same design, without sweeps, its specs without prices, and saves as today's version."""
    path = os.path.join(os.path.dirname(__file__), "data", "dojo-tile-v1.dojo")
    old = load(path)
    assert old.sweeps == [] and old.room.to_dict() == dojo_tile.room.to_dict()
    assert {s.price_usd for s in old.specs.values()} == {0.0}
    for data in json.loads(Path(path).read_text(encoding="utf-8"))["specs"]:  # every figure the old file has reads back
        now = spec_to_dict(dojo_tile.specs[data["id"]])
        keys = set(data) - {"notes", "sources", "accepts"}  # the catalog has moved on there since (sockets)
        assert {k: spec_to_dict(old.specs[data["id"]])[k] for k in keys} == {k: now[k] for k in keys}
    again = json.loads(dumps(old))
    assert again["version"] == project.VERSION and again["sweeps"] == []


def test_not_json_and_not_utf8():
    with pytest.raises(ProjectFileError, match="line 1: not valid JSON: "):
        loads(b"{nope")
    with pytest.raises(ProjectFileError, match="invalid UTF-8"):
        loads(b"\xff\xfe{}")
    with pytest.raises(ProjectFileError, match="NaN is not allowed"):
        loads('{"format": "dojo-gui-project", "version": 1, "x": NaN}')


def test_a_file_cut_short_is_called_so_with_its_line(dojo_tile):
    text = dumps(dojo_tile)
    for cut in (len(text) // 3, len(text) // 2, len(text) - 3):
        with pytest.raises(ProjectFileError) as info:
            loads(text[:cut])
        line = text[:cut].count("\n") + 1
        message = str(info.value)
        assert message.startswith(f"line {line}: not valid JSON: ") and "cut short" in message, message
    with pytest.raises(ProjectFileError, match="line 1: not valid JSON: the file is empty"):
        loads("   ")
    # A mistake inside a whole file is not called a cut.
    with pytest.raises(ProjectFileError) as info:
        loads(text.replace('"name":', '"name"', 1))
    assert "a ':' was expected at column" in str(info.value) and "cut short" not in str(info.value)


def test_a_spec_figure_names_the_spec_by_its_id(dojo_tile):
    doc = json.loads(dumps(dojo_tile))
    at = next(i for i, s in enumerate(doc["specs"]) if "tdp_w" in s)
    doc["specs"][at]["tdp_w"] = -400
    with pytest.raises(ProjectFileError) as info:
        loads(json.dumps(doc))
    assert str(info.value) == (f"specs[{at}].tdp_w: a power cannot be negative, got -400 "
                               f"(in the spec {doc['specs'][at]['id']!r})")


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(ProjectFileError) as info:
        load(tmp_path / "missing.dojo")
    assert "missing.dojo" in str(info.value) and "cannot read" in str(info.value)


def test_failed_save_keeps_the_old_file(dojo_tile, tmp_path, monkeypatch):
    path = tmp_path / "keep.dojo"
    save(dojo_tile, path)
    good = path.read_bytes()

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    dojo_tile.name = "changed"
    with pytest.raises(OSError):
        save(dojo_tile, path)
    assert path.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["keep.dojo"]  # no temporary file left behind


def test_non_finite_values_are_not_saved(dojo_tile, tmp_path):
    dojo_tile.add_run(RunRecord("thermal", "x", {"peak_w": float("nan")}))
    with pytest.raises(ProjectFileError, match="non-finite") as caught:
        save(dojo_tile, tmp_path / "x.dojo")
    assert caught.value.where == "runs[0].key_figures.peak_w"
    assert not (tmp_path / "x.dojo").exists()


# ----------------------------------------------------------------------------- saved runs
RUNS_V1 = Path(__file__).parent / "data" / "runs-v1.dojo"  # written by dojo-gui before runs were typed


def test_a_file_with_runs_from_before_reads_and_writes_back_as_it_was():
    """The saved runs of an older file (a thermal soak and a ring all-reduce kept by the CLI's --save) read as
    records and write back exactly as they were; only spec figures added since are new in the file (files
    write every figure, so those appear with their defaults)."""
    design = load(RUNS_V1)
    assert [(r.kind, r.label) for r in design.runs] == [("thermal", "tile soak"),
                                                        ("comm", "all-reduce 67.1 MB, ring, room")]
    thermal, comm = design.runs
    assert thermal.figure("pue") > 1 and len(thermal.series["tj_max_c"]) == 20
    assert comm.parameters["algorithm"] == "ring" and comm.tables[0].columns[0] == "link"
    old, new = json.loads(RUNS_V1.read_text(encoding="utf-8")), json.loads(dumps(design))
    assert new["runs"] == old["runs"] and new["room"] == old["room"]
    for old_spec, new_spec in zip(old["specs"], new["specs"], strict=True):
        assert {k: new_spec[k] for k in old_spec} == old_spec  # every figure the old file had, unchanged


def test_runs_survive_save_and_open(dojo_tile, tmp_path):
    record = RunRecord("comm", "ring", {"time_s": 0.5}, {"chips_done_fraction": [(0.0, 0.0), (0.5, 1.0)]},
                       [RunTable("Links", ["link", "utilization_fraction"], [["3->4", 0.98]])],
                       {"collective": "all-reduce", "chunks": 2, "latency_and_overhead": False}, revision=4,
                       finished="2025-05-01T10:00:00Z")
    dojo_tile.add_run(record)
    save(dojo_tile, tmp_path / "x.dojo")
    assert load(tmp_path / "x.dojo").runs == (record,)


@pytest.mark.parametrize("mutate, where, message", [
    (lambda doc: doc.update(runs={}), "runs", "expected a list of saved runs, got an object"),
    (lambda doc: doc["runs"].append(3), "runs[2]", "expected an object, got a number"),
    (lambda doc: doc["runs"][1].update(kind="fabric"), "runs[1].kind", "expected one of comm, thermal"),
    (lambda doc: doc["runs"][0]["key_figures"].update(pue="low"), "runs[0].key_figures.pue", "finite number"),
    (lambda doc: doc["runs"][0]["series"]["tj_max_c"][3].pop(), "runs[0].series.tj_max_c[3]", "expected [t, value]"),
    (lambda doc: doc["runs"][1]["tables"][0]["rows"][0].append(1), "runs[1].tables[0].rows[0]", "values"),
    (lambda doc: doc["runs"][1].update(seen_by="me"), "runs[1].seen_by", "unexpected key"),
])
def test_a_bad_saved_run_is_named_where_it_is(mutate, where, message):
    doc = json.loads(RUNS_V1.read_text(encoding="utf-8"))
    mutate(doc)
    with pytest.raises(ProjectFileError) as caught:
        loads(json.dumps(doc))
    assert caught.value.where == where and message in caught.value.message
