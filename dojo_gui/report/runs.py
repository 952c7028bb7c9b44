"""Run records: the small, plain form in which a finished simulation is kept and reported.

A design keeps its finished runs in ``design.runs`` (a list of JSON objects, oldest
first), and the report, the comparison and the CSV export read them in this form.
The engines produce it; nothing here runs a simulation.  One record::

    {
      "kind": "comm",                      # which engine made it: "comm", "thermal" or "train"
      "label": "all-reduce 1 GiB, ring",   # what was run, in the user's words
      "revision": 12,                      # optional: Design.revision the run saw
      "finished": "2025-05-01T10:00:00Z",  # optional: ISO-8601 time it finished
      "parameters": {"collective": "all-reduce", "size_bytes": 1073741824},   # optional
      "key_figures": {"time_s": 0.0123, "algbw_Bps": 8.7e10, "busbw_Bps": 1.7e11},
      "series": {"tj_max_c": [[0.0, 40.0], [1.0, 55.2], ...]},   # optional: name -> [[t_s, value], ...]
      "tables": [{"title": "Bottleneck links",                   # optional
                  "columns": ["link", "utilization_fraction"], "rows": [["3->4", 0.98]]}]
    }

Every figure name (key figures, series, table columns and parameters) carries its
unit in its suffix, as spec figures do (``_s``, ``_w``, ``_c``, ``_Bps``, ``_fraction``;
:func:`dojo_gui.units.unit_for_name`); values are SI.  Series times are seconds.
Names the report and the comparison look for (others are shown as they come):

    comm:     time_s, algbw_Bps, busbw_Bps
    thermal:  it_power_w, facility_power_w, pue, tj_max_c, coolant_supply_c, coolant_return_c
    train:    step_time_s, tokens_per_second, mfu_fraction, time_to_train_s, energy_j

A record that does not fit is never dropped silently: :func:`read_runs` returns the
good ones and, for each bad one, a message naming where it is and what is wrong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np

KINDS = ("comm", "thermal", "train")

# The figures that stand for a run in comparisons, per kind, in the order shown.
HEADLINE_FIGURES: dict[str, tuple[str, ...]] = {
    "comm": ("time_s", "algbw_Bps", "busbw_Bps"),
    "thermal": ("pue", "it_power_w", "facility_power_w", "tj_max_c", "coolant_supply_c"),
    "train": ("step_time_s", "tokens_per_second", "mfu_fraction", "time_to_train_s", "energy_j"),
}

# Readable labels for figure names the engines use; any other name is spelled out from itself.
FIGURE_LABELS: dict[str, str] = {
    "time_s": "Collective time",
    "algbw_Bps": "Algorithm bandwidth",
    "busbw_Bps": "Bus bandwidth",
    "size_bytes": "Message size",
    "pue": "PUE",
    "wue_l_per_kwh": "WUE (L/kWh)",
    "it_power_w": "IT power",
    "facility_power_w": "Facility power",
    "cooling_power_w": "Cooling power",
    "tj_max_c": "Hottest junction",
    "coolant_supply_c": "Coolant supply",
    "coolant_return_c": "Coolant return",
    "facility_supply_c": "Facility water supply",
    "step_time_s": "Training step time",
    "tokens_per_second": "Tokens per second",
    "achieved_flops": "Achieved FLOP/s per chip",
    "mfu_fraction": "MFU",
    "time_to_train_s": "Time to train",
    "throttled_fraction": "Chips throttled",
    "energy_j": "Energy",
}

_SUFFIX_WORDS = ("_k_per_w", "_j_per_k", "_lpm_per_kw", "_fraction", "_efficiency", "_bytes", "_flops",
                 "_flop", "_Bps", "_lpm", "_mm2", "_hz", "_kg", "_pa", "_nm", "_w", "_s", "_c", "_k", "_j", "_m")


def figure_label(name: str) -> str:
    """``tj_max_c`` -> "Hottest junction"; an unknown ``pump_power_w`` -> "Pump power"."""
    if name in FIGURE_LABELS:
        return FIGURE_LABELS[name]
    stem = name
    for suffix in _SUFFIX_WORDS:
        if stem.endswith(suffix) and len(stem) > len(suffix):
            stem = stem[: -len(suffix)]
            break
    words = stem.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


class RunRecordError(ValueError):
    """A saved run that does not fit the format; ``where`` is its place (``runs[2].series.tj_c[5]``)."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}")


@dataclass
class RunTable:
    title: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass
class RunRecord:
    kind: str
    label: str
    key_figures: dict[str, float]
    series: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (n, 2) array of [t_s, value]
    tables: list[RunTable] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    revision: int | None = None
    finished: str = ""
    index: int = -1  # its place in the list it came from

    def figure(self, name: str) -> float | None:
        return self.key_figures.get(name)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(float(value)):
        raise RunRecordError(where, f"expected a finite number, got {value!r}"[:200])
    return float(value)


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise RunRecordError(where, f"expected a non-empty name, got {value!r}")
    return value


def parse_run(data: Any, where: str = "run", index: int = -1) -> RunRecord:
    """One record from plain data; raises :class:`RunRecordError` naming the place of the first problem."""
    if not isinstance(data, Mapping):
        raise RunRecordError(where, f"expected an object, got {type(data).__name__}")
    kind = data.get("kind")
    if kind not in KINDS:
        raise RunRecordError(f"{where}.kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
    label = data.get("label", "")
    if not isinstance(label, str):
        raise RunRecordError(f"{where}.label", f"expected text, got {label!r}")
    figures_raw = data.get("key_figures", {})
    if not isinstance(figures_raw, Mapping):
        raise RunRecordError(f"{where}.key_figures", "expected an object of name -> number")
    key_figures = {_name(k, f"{where}.key_figures"): _number(v, f"{where}.key_figures.{k}")
                   for k, v in figures_raw.items()}
    series_raw = data.get("series", {})
    if not isinstance(series_raw, Mapping):
        raise RunRecordError(f"{where}.series", "expected an object of name -> [[t, value], ...]")
    series = {}
    for name, points in series_raw.items():
        here = f"{where}.series.{_name(name, f'{where}.series')}"
        if not isinstance(points, list):
            raise RunRecordError(here, f"expected a list of [t, value] pairs, got {type(points).__name__}")
        for i, point in enumerate(points):
            if not isinstance(point, (list, tuple)) or len(point) != 2:
                raise RunRecordError(f"{here}[{i}]", f"expected [t, value], got {point!r}"[:200])
            _number(point[0], f"{here}[{i}][0]")
            _number(point[1], f"{here}[{i}][1]")
        array = np.asarray(points, dtype=float).reshape(-1, 2)
        if len(array) > 1 and np.any(np.diff(array[:, 0]) < 0):
            bad = int(np.argmax(np.diff(array[:, 0]) < 0)) + 1
            raise RunRecordError(f"{here}[{bad}][0]", "times must not decrease")
        series[name] = array
    tables = []
    tables_raw = data.get("tables", [])
    if not isinstance(tables_raw, list):
        raise RunRecordError(f"{where}.tables", "expected a list of tables")
    for t, table in enumerate(tables_raw):
        here = f"{where}.tables[{t}]"
        if not isinstance(table, Mapping):
            raise RunRecordError(here, "expected an object with title, columns and rows")
        columns = table.get("columns")
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise RunRecordError(f"{here}.columns", "expected a list of column names")
        rows = table.get("rows", [])
        if not isinstance(rows, list):
            raise RunRecordError(f"{here}.rows", "expected a list of rows")
        for r, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != len(columns):
                raise RunRecordError(f"{here}.rows[{r}]", f"expected a list of {len(columns)} values")
        tables.append(RunTable(str(table.get("title", "")), list(columns), [list(r) for r in rows]))
    parameters = data.get("parameters", {})
    if not isinstance(parameters, Mapping):
        raise RunRecordError(f"{where}.parameters", "expected an object of name -> value")
    revision = data.get("revision")
    if revision is not None and (isinstance(revision, bool) or not isinstance(revision, int)):
        raise RunRecordError(f"{where}.revision", f"expected a whole number, got {revision!r}")
    finished = data.get("finished", "")
    if not isinstance(finished, str):
        raise RunRecordError(f"{where}.finished", f"expected an ISO-8601 time as text, got {finished!r}")
    return RunRecord(kind, label, key_figures, series, tables, dict(parameters), revision, finished, index)


def read_runs(runs: Iterable[Any], where: str = "runs") -> tuple[list[RunRecord], list[RunRecordError]]:
    """Every record that fits, in order, and a :class:`RunRecordError` for each one that does not."""
    good, bad = [], []
    for i, data in enumerate(runs):
        try:
            good.append(parse_run(data, f"{where}[{i}]", i))
        except RunRecordError as exc:
            bad.append(exc)
    return good, bad


def latest_by_kind(records: Iterable[RunRecord]) -> dict[str, RunRecord]:
    """The last record of each kind (records are kept oldest first), in the order of :data:`KINDS`."""
    latest: dict[str, RunRecord] = {}
    for record in records:
        latest[record.kind] = record
    return {k: latest[k] for k in KINDS if k in latest}
