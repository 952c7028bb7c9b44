"""What a run keeps besides its figures: the print of its design and its parts' values, within a budget.

The window (Keep Run) and the command line (``--save``) both keep runs through
:func:`keep_design`, so a run saved either way can later colour the canvas and be compared
with a run of another design (:mod:`dojo_gui.model.runprint`).

The part values are bounded: at most :data:`PART_VALUES_BUDGET` numbers a run (about 150 kB in
a project file), rounded to three significant digits (a tenth of a degree, a watt: what a colour
or a hover shows).  A thermal run keeps as many of its part
frames as fit (at most :data:`FRAMES_MAX`, the last one always: the state it ended in); a
design too large for one frame of every chip keeps its tiles and cabinets only.  A collective
keeps each chip's busiest link over the whole collective.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from ..model.design import Design, format_path
from ..model.fingerprint import design_print
from ..model.runprint import PART_LEVELS, DesignPrint, PartValues
from ..model.runs import RunRecord, parse_run
from ..sim.results import ThermalResult

PART_VALUES_BUDGET = 40_000
FRAMES_MAX = 12
SIGNIFICANT_DIGITS = 3
# A thermal run's values per level: the names of ThermalResult's part series the canvas colours and hovers read.
THERMAL_VALUES = {"cabinet": ("power_w", "cdu_load_w", "supply_c", "return_c"),
                  "tile": ("power_w", "coolant_in_c", "coolant_out_c"),
                  "chip": ("tj_c", "power_w", "level")}
LINK_LOAD = "link_load_fraction"  # a collective's value per chip: its busiest link (in or out)


def keep_design(record: Any, design: Design, result: Any = None) -> RunRecord:
    """``record`` (a RunRecord or its plain form) with the print of ``design`` (the one the run ran on) and,
    for a thermal run or a collective (``result``), its parts' values."""
    record = parse_run(record, "the run")
    p = design_print(design)
    parts = None
    if p.cabinets is not None:
        if isinstance(result, ThermalResult):
            parts = thermal_values(result, p)
        elif result is not None and hasattr(result, "link_utilization") and hasattr(result, "links"):
            parts = link_values(result, p)
    kept: RunRecord = dataclasses.replace(record, design=p, parts=parts)
    return kept


def thermal_values(result: ThermalResult, p: DesignPrint, budget: int = PART_VALUES_BUDGET) -> PartValues | None:
    """Frames of the run's per-part series, in the print's order, evenly spread and ending with the last."""
    frames = len(result.part_time_s)
    if frames == 0:
        return None
    counts = p.counts()
    series = {"cabinet": result.cabinets, "tile": result.tiles, "chip": result.chips}
    # A chip's throttle level is kept only if some chip throttled: zeros everywhere say nothing.
    names = {lv: [n for n in THERMAL_VALUES[lv] if n in series[lv] and (n != "level" or np.any(series[lv][n]))]
             for lv in PART_LEVELS if counts[lv]}
    per_frame = sum(counts[lv] * len(names[lv]) for lv in names)
    if per_frame > budget and "chip" in names:  # every chip does not fit even once: the containers do
        per_frame -= counts["chip"] * len(names.pop("chip"))
    n = min(FRAMES_MAX, frames, budget // max(per_frame, 1))
    if n == 0 or not names:
        return None
    picked = sorted({round((frames - 1) * (k + 1) / n) for k in range(n)})
    run_paths = {"cabinet": result.cabinet_paths, "tile": result.tile_paths, "chip": result.chip_paths}
    values: dict[str, dict[str, list[list[float | None]]]] = {}
    for level, kept in names.items():
        order = _positions(p.paths()[level], run_paths[level])
        values[level] = {name: [_rounded(_placed(np.asarray(series[level][name][k], float), order, counts[level]))
                                for k in picked] for name in kept}
    return PartValues(tuple(float(result.part_time_s[k]) for k in picked), values)


def link_values(result: Any, p: DesignPrint) -> PartValues:
    """Each chip's busiest link (in or out) over the whole collective, in the print's chip order."""
    paths = p.paths()["chip"]
    index = {format_path(path): i for i, path in enumerate(paths)}
    load = np.full(len(paths), np.nan)
    util = np.asarray(result.link_utilization, float)
    for names in (result.links.src, result.links.dst):
        at = np.array([index.get(name, -1) for name in names], np.intp)
        mine = at >= 0
        chips, u = at[mine], util[mine]
        np.fmax.at(load, chips, u)
    return PartValues((float(result.time_s),), {"chip": {LINK_LOAD: [_rounded(load)]}})


def _positions(print_paths: list[Any], run_paths: list[Any]) -> np.ndarray:
    """For each of the run's parts, its position in the print's order (-1: the print does not have it)."""
    where = {tuple(path): i for i, path in enumerate(print_paths)}
    return np.array([where.get(tuple(path), -1) for path in run_paths], np.intp)


def _placed(values: np.ndarray, order: np.ndarray, n: int) -> np.ndarray:
    out = np.full(n, np.nan)
    mine = order >= 0
    out[order[mine]] = values[mine]
    return out


def _rounded(values: np.ndarray) -> list[float | None]:
    """Values to SIGNIFICANT_DIGITS (what a colour or a hover shows, and short in a file); NaN -> None."""
    out: list[float | None] = []
    for v in values.tolist():
        if not math.isfinite(v):
            out.append(None)
        else:
            r = float(f"{v:.{SIGNIFICANT_DIGITS}g}")
            out.append(int(r) if r.is_integer() and abs(r) < 1e15 else r)  # "389", not "389.0", in a file
    return out
