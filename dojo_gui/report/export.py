"""Exports beside the report: saved results as CSV, and the design's picture as PNG or SVG.

CSV layout (comma-separated, UTF-8, one header line; numbers in SI, the unit in the
column name or in a ``unit`` column, so a spreadsheet needs no guessing):

* key figures of every run: ``run,kind,label,finished,figure,value,unit``
* the time series of one run: ``t_s,<series name>,...`` on the union of the series'
  times, a cell left empty where a series has no sample at that time.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Iterable

import numpy as np

from .. import units
from ..model.design import Design, PartPath
from ..model.runs import RunRecord
from ..render import ColourProvider, PaintState, export_svg, fitted_size, render_design


def key_figures_csv(records: Iterable[RunRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["run", "kind", "label", "finished", "figure", "value", "unit"])
    for number, record in enumerate(records, 1):
        for name, value in record.key_figures.items():
            writer.writerow([number, record.kind, record.label, record.finished, name, repr(float(value)),
                             units.unit_for_name(name).symbol])
    return out.getvalue()


def series_csv(record: RunRecord) -> str:
    series = {name: np.asarray(points, float).reshape(-1, 2) for name, points in record.series.items()}
    names = list(series)
    times = np.unique(np.concatenate([series[n][:, 0] for n in names])) if names else np.empty(0)
    columns = []
    for name in names:
        points = series[name]
        column = np.full(len(times), np.nan)
        # Repeated times keep the last sample, as a plot of the series would show it.
        column[np.searchsorted(times, points[:, 0])] = points[:, 1]
        columns.append(column)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["t_s", *names])
    for i, t in enumerate(times):
        writer.writerow([repr(float(t)), *("" if np.isnan(c[i]) else repr(float(c[i])) for c in columns)])
    return out.getvalue()


def write_results_csv(records: list[RunRecord], path: str | os.PathLike) -> list[Path]:
    """Key figures of all runs to ``path``; each run's series to ``<stem>-run<N>-series.csv`` beside it."""
    path = Path(path)
    written = [path]
    path.write_text(key_figures_csv(records), encoding="utf-8")
    for number, record in enumerate(records, 1):
        if record.series:
            target = path.with_name(f"{path.stem}-run{number}-series.csv")
            target.write_text(series_csv(record), encoding="utf-8")
            written.append(target)
    return written


def export_picture(design: Design, path: str | os.PathLike, *, width: int = 2400, height: int = 1500,
                   colours: ColourProvider | None = None, part: PartPath = (), state: PaintState | None = None) -> Path:
    """The design's picture (or one part's, at ``part``) as PNG/JPEG or SVG, chosen by the file's suffix.

    ``colours`` and ``state`` draw it as the canvas shows it (overlays, capacity bars).  ``width`` x
    ``height`` is the most it takes: the picture has the design's own shape, cropped to it.
    """
    width, height = fitted_size(design, width, height, part)
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        export_svg(design, path, width, height, colours, part, state)
        if not path.is_file():
            raise OSError(f"{path}: cannot write the picture")
        return path
    if suffix in (".png", ".jpg", ".jpeg"):
        image = render_design(design, width, height, colours, part, state)
        if image.isNull() or not image.save(str(path)):
            raise OSError(f"{path}: cannot write the picture")
        return path
    raise ValueError(f"{path}: a picture is saved as .png, .jpg or .svg")
