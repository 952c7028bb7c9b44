"""Saved-run records: read from their plain form with the place of every problem named, written back unchanged."""

from __future__ import annotations

import copy
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dojo_gui.model.runs import RunRecord, RunRecordError, RunTable, parse_run


def plain_comm() -> dict:
    """A record in the form the communication engine writes (``CommResult.run_record``)."""
    return {
        "kind": "comm", "label": "all-reduce 1 GiB, ring (auto), room",
        "parameters": {"collective": "all-reduce", "size_bytes": 1073741824.0, "chunks": 1,
                       "latency_and_overhead": True, "scope": "room"},
        "key_figures": {"time_s": 0.0123, "algbw_Bps": 8.7e10, "chips": 25.0},
        "series": {"chips_done_fraction": [[0.0, 0.0], [0.01, 0.0], [0.01, 0.5], [0.0123, 1.0]]},
        "tables": [{"title": "Algorithms auto tried", "columns": ["algorithm", "time_s", "why_not"],
                    "rows": [["ring", 0.0123, ""], ["direct", None, "no switch"]]}],
        "finished": "2025-05-01T10:00:00Z", "revision": 7,
    }


def test_a_record_is_read_and_written_back_unchanged():
    data = plain_comm()
    record = parse_run(data)
    assert (record.kind, record.revision, record.finished) == ("comm", 7, "2025-05-01T10:00:00Z")
    assert record.series["chips_done_fraction"][2] == (0.01, 0.5)  # a staircase: equal times are allowed
    assert record.tables[0] == RunTable("Algorithms auto tried", ["algorithm", "time_s", "why_not"],
                                        [["ring", 0.0123, ""], ["direct", None, "no switch"]])
    assert record.parameters["latency_and_overhead"] is True and record.parameters["chunks"] == 1
    assert record.to_dict() == data  # the same keys, in the same order, with the same values
    assert list(record.to_dict()) == list(data)
    assert parse_run(json.loads(json.dumps(record.to_dict()))) == record
    assert parse_run(record) is record  # an engine may hand over a record already


def test_optional_parts_may_be_missing_and_are_not_written_empty():
    record = parse_run({"kind": "thermal", "key_figures": {"pue": 1}})
    assert record == RunRecord("thermal", "", {"pue": 1.0})
    assert isinstance(record.key_figures["pue"], float)
    assert record.to_dict() == {"kind": "thermal", "label": "", "parameters": {}, "key_figures": {"pue": 1.0},
                                "series": {}, "tables": []}


@pytest.mark.parametrize("mutate, where, message", [
    (lambda r: r.update(kind="fabric"), "run.kind", "expected one of comm, thermal"),
    (lambda r: r.update(notes="x"), "run.notes", "unexpected key"),
    (lambda r: r.update(label=3), "run.label", "expected text"),
    (lambda r: r["key_figures"].update(time_s=True), "run.key_figures.time_s", "expected a finite number"),
    (lambda r: r["key_figures"].update(time_s=math.inf), "run.key_figures.time_s", "finite"),
    (lambda r: r.update(key_figures=[1]), "run.key_figures", "expected an object of name -> number, got a list"),
    (lambda r: r["series"].update(x_c={"t": 1}), "run.series.x_c", "expected a list of [t, value] pairs"),
    (lambda r: r["series"]["chips_done_fraction"].append([0.0, 1.0]), "run.series.chips_done_fraction[4][0]",
     "times must not decrease"),
    (lambda r: r["series"]["chips_done_fraction"][1].append(2), "run.series.chips_done_fraction[1]", "[t, value]"),
    (lambda r: r["series"]["chips_done_fraction"][1].__setitem__(1, "x"), "run.series.chips_done_fraction[1][1]",
     "finite number"),
    (lambda r: r["parameters"].update(scope=["room"]), "run.parameters.scope",
     "expected a number, text, true/false or null, got a list"),
    (lambda r: r["parameters"].update(size_bytes=math.nan), "run.parameters.size_bytes", "finite"),
    (lambda r: r["tables"][0].update(note=""), "run.tables[0].note", "unexpected key"),
    (lambda r: r["tables"][0].update(title=None), "run.tables[0].title", "expected text"),
    (lambda r: r["tables"][0]["rows"][1].__setitem__(2, {"a": 1}), "run.tables[0].rows[1][2]", "got an object"),
    (lambda r: r["tables"][0]["rows"].append(["x"]), "run.tables[0].rows[2]", "expected a list of 3 values"),
    (lambda r: r.update(revision=True), "run.revision", "whole number"),
    (lambda r: r.update(finished=20250501), "run.finished", "ISO-8601"),
])
def test_a_bad_record_names_the_place_of_its_problem(mutate, where, message):
    data = copy.deepcopy(plain_comm())
    mutate(data)
    with pytest.raises(RunRecordError) as caught:
        parse_run(data)
    assert caught.value.where == where and message in caught.value.message
    assert str(caught.value).startswith(f"{where}: ")


def test_a_record_that_is_not_an_object():
    with pytest.raises(RunRecordError, match=r"^runs\[3\]: expected an object, got a list"):
        parse_run([1, 2], "runs[3]")


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
names = st.text(alphabet="abcdefghij_", min_size=1, max_size=8)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), finite, st.text(max_size=5))


@st.composite
def plain_records(draw):
    series = {}
    for name in draw(st.lists(names, max_size=3, unique=True)):
        times = sorted(draw(st.lists(finite, max_size=5)))
        series[name] = [[t, draw(finite)] for t in times]
    columns = draw(st.lists(names, min_size=1, max_size=3))
    rows = [[draw(scalars) for _ in columns] for _ in range(draw(st.integers(0, 3)))]
    data = {"kind": draw(st.sampled_from(["comm", "thermal"])), "label": draw(st.text(max_size=10)),
            "parameters": draw(st.dictionaries(names, scalars, max_size=3)),
            "key_figures": draw(st.dictionaries(names, finite, max_size=3)), "series": series,
            "tables": [{"title": draw(st.text(max_size=5)), "columns": columns, "rows": rows}]}
    if draw(st.booleans()):
        data["revision"] = draw(st.integers(0, 10**9))
    return data


@settings(max_examples=60, deadline=None)
@given(plain_records())
def test_any_record_survives_json_and_back(data):
    record = parse_run(data)
    assert parse_run(json.loads(json.dumps(record.to_dict(), allow_nan=False))) == record
