"""A sweep's results as a table (one row per variant), as CSV, and its Pareto front.

The columns are the varied figures (as the axes name them), then the figures the scenario reports
(:func:`.figures.figures_for`), then the status and the error of a failed variant.  The command
line, the Sweeps panel and the report all read this one table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...io.csvcells import csv_row
from ...model.sweep import Axis, Sweep, VariantResult
from .figures import FIGURES, KEY_FIGURES, figures_for, format_figure, label
from .scenario import normalise


@dataclass(frozen=True)
class Column:
    key: str  # an axis's target, a figure's key, or "index", "status", "error"
    title: str
    axis: Axis | None = None

    @property
    def is_figure(self) -> bool:
        return self.key in FIGURES

    def value(self, result: VariantResult) -> float | str | None:
        """The raw value (SI numbers, text), for sorting, plotting and CSV."""
        if self.axis is not None:
            return result.variant.get(self.key)
        if self.key == "index":
            return result.index
        if self.key == "status":
            return result.status
        if self.key == "error":
            return result.error
        return result.figures.get(self.key)

    def text(self, result: VariantResult) -> str:
        """The value as a person reads it."""
        value = self.value(result)
        if self.axis is not None:
            return "—" if value is None else self.axis.format_value(value)
        if self.is_figure:
            return format_figure(self.key, value) if result.status == "ok" else ""
        return "" if value is None else str(value)


def scenario_kind(sweep: Sweep) -> str:
    return str(normalise(sweep.scenario)["kind"])


def columns(sweep: Sweep, *, key_only: bool = False) -> list[Column]:
    """Index, the axes, the figures (only the kind's key figures with ``key_only``), status, error."""
    kind = scenario_kind(sweep)
    keys = KEY_FIGURES[kind] if key_only else figures_for(kind)
    out = [Column("index", "#")]
    out += [Column(a.target, a.label, a) for a in sweep.axes]
    out += [Column(k, label(k)) for k in keys]
    out += [Column("status", "Status"), Column("error", "Error")]
    return out


def csv_text(sweep: Sweep) -> str:
    """Every variant, SI numbers with the unit in the column name (``facility_power_w``), the axes by target."""
    cols = columns(sweep)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_row(c.key for c in cols))
    for result in sweep.results:
        row = []
        for c in cols:
            value = c.value(result)
            row.append("" if value is None else repr(value) if isinstance(value, float) else str(value))
        writer.writerow(csv_row(row))  # a variant's error text or label never becomes a spreadsheet formula
    return out.getvalue()


def text_table(sweep: Sweep, results: Sequence[VariantResult] | None = None) -> str:
    """The key figures of every variant as aligned text (what ``dojo-gui sweep`` prints)."""
    cols = [c for c in columns(sweep, key_only=True) if c.key != "error"]
    rows = [[c.title for c in cols]]
    notes = []
    for result in sweep.results if results is None else results:
        rows.append([c.text(result) for c in cols])
        if result.status == "failed":
            notes.append(f"  #{result.index} failed: {result.error}")
    widths = [max(len(r[i]) for r in rows) for i in range(len(cols))]
    lines = ["  ".join(cell.ljust(w) if i < len(cols) - 1 else cell for i, (cell, w) in enumerate(zip(r, widths)))
             .rstrip() for r in rows]
    return "\n".join(lines + notes)


def pareto_front(x: np.ndarray, y: np.ndarray, x_better: str, y_better: str) -> np.ndarray:
    """Which points no other point beats on both (a mask): ``*_better`` is "high" or "low" for each axis.

    A point is dominated when another is at least as good on both figures and better on one.  NaNs
    are never on the front."""
    x = np.asarray(x, float) * (1.0 if x_better == "high" else -1.0)
    y = np.asarray(y, float) * (1.0 if y_better == "high" else -1.0)
    ok = np.isfinite(x) & np.isfinite(y)
    front = np.zeros(len(x), bool)
    idx = np.flatnonzero(ok)
    # Sort by x descending (then y descending): a point is on the front when its y beats every y before it.
    order = idx[np.lexsort((-y[idx], -x[idx]))]
    best_y = -np.inf
    last_x, last_y = np.nan, np.nan
    for i in order:
        if y[i] > best_y:
            front[i] = True
            best_y = y[i]
            last_x, last_y = x[i], y[i]
        elif x[i] == last_x and y[i] == last_y:
            front[i] = True  # the same point twice: both on the front
    return front
