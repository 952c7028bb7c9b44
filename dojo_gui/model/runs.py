"""Saved runs: the record of a finished simulation that a design keeps (``Design.runs``).

The engines make records (:meth:`dojo_gui.sim.results.ThermalResult.run_record`; the
communication engine's ``CommResult.run_record`` gives the plain form, read with
:func:`parse_run`); the report, the comparison, the runs panel and the CSV export read
them; nothing here runs a simulation.  In a project file (and a ``--runs`` file) a record
is a JSON object::

    {
      "kind": "comm",                      # which engine made it: "comm", "thermal" or "train"
      "label": "all-reduce 1 GiB, ring",   # what was run, in the user's words
      "parameters": {"collective": "all-reduce", "size_bytes": 1073741824},   # optional
      "key_figures": {"time_s": 0.0123, "algbw_Bps": 8.7e10, "busbw_Bps": 1.7e11},
      "series": {"tj_max_c": [[0.0, 40.0], [1.0, 55.2], ...]},   # optional: name -> [[t_s, value], ...]
      "tables": [{"title": "Bottleneck links",                   # optional
                  "columns": ["link", "utilization_fraction"], "rows": [["3->4", 0.98]]}],
      "finished": "2025-05-01T10:00:00Z",  # optional: ISO-8601 time it finished
      "revision": 12,                      # optional: Design.revision the run saw
      "design": {...},                     # optional: a print of the design it ran on
      "parts": {...}                       # optional: its parts' values (needs "design")
    }

The last two are in :mod:`dojo_gui.model.runprint`: what a run keeps of its design, so
that it can be shown on the canvas and compared with a run of another design later.
Records written before they existed read as they always did.

Every figure name (key figures, series, table columns and parameters) carries its
unit in its suffix, as spec figures do (``_s``, ``_w``, ``_c``, ``_Bps``, ``_fraction``;
:func:`dojo_gui.units.unit_for_name`); values are SI, series times are seconds.
Parameters and table cells are numbers, text, true/false or null.  :func:`parse_run`
reads this form and names the place of the first problem (``runs[2].series.tj_max_c[5][0]``);
:meth:`RunRecord.to_dict` writes it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .runprint import DesignPrint, PartValues, PrintError, parse_design_print, parse_part_values

KINDS = ("comm", "thermal", "train")

# A parameter or a table cell: what a JSON scalar holds.
Scalar = str | int | float | bool | None

Point = tuple[float, float]  # (t_s, value)


class RunRecordError(ValueError):
    """A saved run that does not fit the format; ``where`` is its place (``runs[2].series.tj_c[5]``)."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class RunTable:
    """A table of a run (bottleneck links, cabinets against their limits, ...)."""

    title: str
    columns: list[str]
    rows: list[list[Scalar]]

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "columns": list(self.columns), "rows": [list(r) for r in self.rows]}


@dataclass(frozen=True)
class RunRecord:
    """A finished run: what ran, its key figures, its series over time and its tables."""

    kind: str  # one of KINDS
    label: str
    key_figures: dict[str, float]
    series: dict[str, list[Point]] = field(default_factory=dict)  # times non-decreasing
    tables: list[RunTable] = field(default_factory=list)
    parameters: dict[str, Scalar] = field(default_factory=dict)
    revision: int | None = None
    finished: str = ""
    design: DesignPrint | None = None  # the design it ran on, as far as it was kept
    parts: PartValues | None = None  # its parts' values at a few times (in the order of design.paths())

    def figure(self, name: str) -> float | None:
        return self.key_figures.get(name)

    def to_dict(self) -> dict[str, Any]:
        """The plain form, as project files keep it (:func:`parse_run` reads it back to an equal record)."""
        data: dict[str, Any] = {
            "kind": self.kind, "label": self.label, "parameters": dict(self.parameters),
            "key_figures": dict(self.key_figures),
            "series": {name: [[t, v] for t, v in points] for name, points in self.series.items()},
            "tables": [table.to_dict() for table in self.tables]}
        if self.finished:
            data["finished"] = self.finished
        if self.revision is not None:
            data["revision"] = self.revision
        if self.design is not None:
            data["design"] = self.design.to_dict()
        if self.parts is not None:
            data["parts"] = self.parts.to_dict()
        return data


FIELDS = ("kind", "label", "parameters", "key_figures", "series", "tables", "finished", "revision", "design", "parts")


def parse_run(data: Any, where: str = "run") -> RunRecord:
    """A record from its plain form; raises :class:`RunRecordError` naming the place of the first problem.

    A :class:`RunRecord` is returned as it is, so an engine's record reads the same whichever form it gives.
    """
    if isinstance(data, RunRecord):
        return data
    if not isinstance(data, Mapping):
        raise RunRecordError(where, f"expected an object, got {_kind(data)}")
    for key in data:
        if key not in FIELDS:
            raise RunRecordError(f"{where}.{key}", f"unexpected key (allowed here: {', '.join(FIELDS)})")
    kind = data.get("kind")
    if kind not in KINDS:
        raise RunRecordError(f"{where}.kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
    label = data.get("label", "")
    if not isinstance(label, str):
        raise RunRecordError(f"{where}.label", f"expected text, got {label!r}")
    figures = _object(data.get("key_figures", {}), f"{where}.key_figures", "name -> number")
    key_figures = {_name(k, f"{where}.key_figures"): _number(v, f"{where}.key_figures.{k}") for k, v in figures.items()}
    series = {}
    for name, points in _object(data.get("series", {}), f"{where}.series", "name -> [[t, value], ...]").items():
        here = f"{where}.series.{_name(name, f'{where}.series')}"
        series[name] = _points(points, here)
    tables_raw = data.get("tables", [])
    if not isinstance(tables_raw, list):
        raise RunRecordError(f"{where}.tables", "expected a list of tables")
    tables = [_table(table, f"{where}.tables[{t}]") for t, table in enumerate(tables_raw)]
    parameters = {_name(k, f"{where}.parameters"): _scalar(v, f"{where}.parameters.{k}")
                  for k, v in _object(data.get("parameters", {}), f"{where}.parameters", "name -> value").items()}
    revision = data.get("revision")
    if revision is not None and (isinstance(revision, bool) or not isinstance(revision, int)):
        raise RunRecordError(f"{where}.revision", f"expected a whole number, got {revision!r}")
    finished = data.get("finished", "")
    if not isinstance(finished, str):
        raise RunRecordError(f"{where}.finished", f"expected an ISO-8601 time as text, got {finished!r}")
    try:
        design = parse_design_print(data["design"], f"{where}.design") if "design" in data else None
        parts = parse_part_values(data["parts"], f"{where}.parts", design) if "parts" in data else None
    except PrintError as exc:
        raise RunRecordError(exc.where, exc.message) from None
    return RunRecord(kind, label, key_figures, series, tables, parameters, revision, finished, design, parts)


def _object(value: Any, where: str, what: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise RunRecordError(where, f"expected an object of {what}, got {_kind(value)}")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(float(value)):
        raise RunRecordError(where, f"expected a finite number, got {value!r}"[:200])
    return float(value)


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise RunRecordError(where, f"expected a non-empty name, got {value!r}")
    return value


def _scalar(value: Any, where: str) -> Scalar:
    if isinstance(value, float) and not math.isfinite(value):
        raise RunRecordError(where, f"expected a finite number, got {value!r}")
    if value is not None and not isinstance(value, (str, int, float)):
        raise RunRecordError(where, f"expected a number, text, true/false or null, got {_kind(value)}")
    return value


def _points(points: Any, where: str) -> list[Point]:
    if not isinstance(points, list):
        raise RunRecordError(where, f"expected a list of [t, value] pairs, got {_kind(points)}")
    out: list[Point] = []
    for i, point in enumerate(points):
        if not isinstance(point, (list, tuple)) or len(point) != 2:
            raise RunRecordError(f"{where}[{i}]", f"expected [t, value], got {point!r}"[:200])
        t = _number(point[0], f"{where}[{i}][0]")
        if out and t < out[-1][0]:
            raise RunRecordError(f"{where}[{i}][0]", "times must not decrease")
        out.append((t, _number(point[1], f"{where}[{i}][1]")))
    return out


def _table(table: Any, where: str) -> RunTable:
    if not isinstance(table, Mapping):
        raise RunRecordError(where, "expected an object with title, columns and rows")
    for key in table:
        if key not in ("title", "columns", "rows"):
            raise RunRecordError(f"{where}.{key}", "unexpected key (allowed here: title, columns, rows)")
    title = table.get("title", "")
    if not isinstance(title, str):
        raise RunRecordError(f"{where}.title", f"expected text, got {title!r}")
    columns = table.get("columns")
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise RunRecordError(f"{where}.columns", "expected a list of column names")
    rows = table.get("rows", [])
    if not isinstance(rows, list):
        raise RunRecordError(f"{where}.rows", "expected a list of rows")
    for r, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(columns):
            raise RunRecordError(f"{where}.rows[{r}]", f"expected a list of {len(columns)} values")
    cells = [[_scalar(v, f"{where}.rows[{r}][{c}]") for c, v in enumerate(row)] for r, row in enumerate(rows)]
    return RunTable(title, list(columns), cells)


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__)
