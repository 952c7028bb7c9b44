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
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from .. import limits, units
from ..io.atomic import write_atomic
from ..io.csvcells import csv_row
from ..model.design import Design, PartPath
from ..model.runs import RunRecord
from ..render import ColourProvider, PaintState, fitted_size, image_bytes, render_design, svg_bytes


def key_figures_csv(records: Iterable[RunRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["run", "kind", "label", "finished", "figure", "value", "unit"])
    for number, record in enumerate(records, 1):
        for name, value in record.key_figures.items():
            writer.writerow(csv_row([number, record.kind, record.label, record.finished, name, repr(float(value)),
                                     units.unit_for_name(name).symbol]))
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
    writer.writerow(csv_row(["t_s", *names]))
    for i, t in enumerate(times):
        writer.writerow([repr(float(t)), *("" if np.isnan(c[i]) else repr(float(c[i])) for c in columns)])
    return out.getvalue()


def write_results_csv(records: list[RunRecord], path: str | os.PathLike[str], *,
                      inputs: Iterable[str | os.PathLike[str]] = ()) -> list[Path]:
    """Key figures of all runs to ``path``; each run's series to ``<stem>-run<N>-series.csv`` beside it.

    Every file is written atomically and never over one of ``inputs``.
    """
    path = Path(path)
    inputs = list(inputs)
    written = [path]
    write_atomic(path, key_figures_csv(records).encode("utf-8"), inputs=inputs)
    for number, record in enumerate(records, 1):
        if record.series:
            target = path.with_name(f"{path.stem}-run{number}-series.csv")
            write_atomic(target, series_csv(record).encode("utf-8"), inputs=inputs)
            written.append(target)
    return written


class PictureTooLarge(ValueError):
    """A picture size over the limits (:data:`dojo_gui.limits.PICTURE_SIDE` and ``PICTURE_PIXELS``)."""


def check_picture_size(width: int, height: int) -> None:
    """Refuse a picture size before any memory is taken for it; the message names the size and the limit."""
    if width < 1 or height < 1:
        raise PictureTooLarge(f"{width}x{height}: a picture needs at least one pixel each way")
    try:
        limits.PICTURE_SIDE.check(max(width, height))
        limits.PICTURE_PIXELS.check(width * height)
    except limits.LimitExceeded as exc:
        raise PictureTooLarge(f"{width}x{height}: {exc}") from None


def export_picture(design: Design, path: str | os.PathLike[str], *, width: int = 2400, height: int = 1500,
                   colours: ColourProvider | None = None, part: PartPath = (), state: PaintState | None = None,
                   inputs: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """The design's picture (or one part's, at ``part``) as PNG/JPEG or SVG, chosen by the file's suffix.

    ``colours`` and ``state`` draw it as the canvas shows it (overlays, capacity bars).  ``width`` x
    ``height`` is the most it takes: the picture has the design's own shape, cropped to it.  Raises
    :class:`PictureTooLarge` for a size over the limits, OSError when the file cannot be written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png", ".jpg", ".jpeg"):
        raise ValueError(f"{path}: a picture is saved as .png, .jpg or .svg")
    check_picture_size(width, height)
    width, height = fitted_size(design, width, height, part)
    if suffix == ".svg":
        data = svg_bytes(design, width, height, colours, part, state)
    else:
        image = render_design(design, width, height, colours, part, state)
        data = b"" if image.isNull() else image_bytes(image, "PNG" if suffix == ".png" else "JPG")
    if not data:
        raise OSError(f"{path}: the picture could not be drawn ({width}x{height} pixels)")
    write_atomic(path, data, inputs=inputs)
    return path
