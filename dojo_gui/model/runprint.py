"""What a saved run keeps of its design: a print of the design it ran on, and its parts' values.

A run is looked at later, on a design that may have changed since, and compared with runs
of other variants.  So a record (:mod:`dojo_gui.model.runs`) may keep

- ``design``: a :class:`DesignPrint`, the design's name, the specs it used (every figure;
  the words about a spec -- description, sources, notes -- left out) and its parts down to
  the chips, compact: each tile's chips as runs of one spec over its slots in row-major
  order.  The ExaPOD's print is about 12 kB.  A design of more than
  :data:`STRUCTURE_MAX_CONTAINERS` cabinets and tiles keeps its specs only;
- ``parts``: :class:`PartValues`, values of every cabinet, tile and chip at a few times (a
  thermal run's junction temperatures and powers, a collective's busiest link per chip), in
  the order of the print's parts, so a kept run colours the canvas as a live one does.

In a file::

    "design": {"name": "Dojo ExaPOD", "room": "exapod-hall",
               "specs": [{"level": "chip", "id": "dojo-d1", "tdp_w": 400.0, ...}, ...],
               "cabinets": [{"slot": [0, 0], "spec": "dojo-cabinet", "name": "C01",
                             "tiles": [{"slot": [0, 0], "spec": "dojo-training-tile", "cols": 5,
                                        "chips": [["dojo-d1", 25]]}, ...]}, ...]},
    "parts": {"time_s": [300.0, 600.0],
              "chip": {"tj_c": [[61.2, 60.9, ...], [63.0, ...]], "power_w": [...]},
              "tile": {"power_w": [...]}, "cabinet": {...}}

A value of ``null`` is a part without one (a part the engine did not simulate).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .specs import AnySpec, FigureError, spec_from_dict, spec_to_dict

STRUCTURE_MAX_CONTAINERS = 2000  # cabinets and tiles a print keeps (about 100 kB); a larger design keeps its specs
PART_LEVELS = ("cabinet", "tile", "chip")  # the levels of the parts a print lists, in its order
WORDS = ("description", "sources", "notes", "vendor", "family")  # what a print leaves out of a spec: not figures

Slot = tuple[int, int]
Path = tuple[Slot, ...]
ChipRun = tuple[str | None, int]  # a spec (None: empty slots) and how many slots in a row have it


class PrintError(ValueError):
    """A design print or part values that do not fit the form; ``where`` is the place inside them."""

    def __init__(self, where: str, message: str) -> None:
        self.where, self.message = where, message
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class TilePrint:
    slot: Slot
    spec_id: str
    name: str
    cols: int  # the width of its grid: chip slot k of the runs is (k // cols, k % cols)
    chips: tuple[ChipRun, ...]

    def chip_slots(self) -> list[tuple[Slot, str]]:
        """Its chips: (slot, spec id) in row-major order."""
        out: list[tuple[Slot, str]] = []
        k = 0
        for spec_id, n in self.chips:
            if spec_id is not None:
                out += [((j // self.cols, j % self.cols), spec_id) for j in range(k, k + n)]
            k += n
        return out


@dataclass(frozen=True)
class CabinetPrint:
    slot: Slot
    spec_id: str
    name: str
    tiles: tuple[TilePrint, ...]


@dataclass(frozen=True)
class DesignPrint:
    """The design a run was made on: its name, its specs' figures and (unless it is very large) its parts."""

    name: str
    room_spec: str
    specs: dict[str, AnySpec]
    cabinets: tuple[CabinetPrint, ...] | None  # None: too large to keep

    def paths(self) -> dict[str, list[Path]]:
        """Every part's path per level, in the order part values are kept (slots in row-major order)."""
        out: dict[str, list[Path]] = {level: [] for level in PART_LEVELS}
        for cab in self.cabinets or ():
            out["cabinet"].append((cab.slot,))
            for tile in cab.tiles:
                out["tile"].append((cab.slot, tile.slot))
                out["chip"] += [(cab.slot, tile.slot, slot) for slot, _ in tile.chip_slots()]
        return out

    def counts(self) -> dict[str, int]:
        cabinets = self.cabinets or ()
        return {"cabinet": len(cabinets), "tile": sum(len(c.tiles) for c in cabinets),
                "chip": sum(n for c in cabinets for t in c.tiles for s, n in t.chips if s is not None)}

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "room": self.room_spec,
                                "specs": [_spec_dict(spec) for spec in self.specs.values()]}
        if self.cabinets is not None:
            data["cabinets"] = [_named({"slot": list(c.slot), "spec": c.spec_id}, c.name) | {"tiles": [
                _named({"slot": list(t.slot), "spec": t.spec_id}, t.name) | {"cols": t.cols, "chips": [
                    [s, n] for s, n in t.chips]} for t in c.tiles]} for c in self.cabinets]
        return data


def _named(data: dict[str, Any], name: str) -> dict[str, Any]:
    return data | {"name": name} if name else data


def _spec_dict(spec: AnySpec) -> dict[str, Any]:
    return {k: v for k, v in spec_to_dict(spec).items() if k not in WORDS}


@dataclass(frozen=True)
class PartValues:
    """Values of the print's parts at a few times: ``values[level][name]`` holds one frame per time, each
    a value per part of that level in the print's order (None: that part has none)."""

    time_s: tuple[float, ...]
    values: dict[str, dict[str, list[list[float | None]]]]

    def to_dict(self) -> dict[str, Any]:
        return {"time_s": list(self.time_s),
                **{level: {name: [list(f) for f in frames] for name, frames in names.items()}
                   for level, names in self.values.items()}}

    def numbers(self) -> int:
        return sum(len(f) for names in self.values.values() for frames in names.values() for f in frames)


# --------------------------------------------------------------------------- reading
def parse_design_print(data: Any, where: str) -> DesignPrint:
    data = _object(data, where)
    _only(data, where, ("name", "room", "specs", "cabinets"))
    name, room = _text(data.get("name", ""), f"{where}.name"), _text(data.get("room", ""), f"{where}.room")
    specs_raw = data.get("specs", [])
    if not isinstance(specs_raw, list):
        raise PrintError(f"{where}.specs", "expected a list of specs")
    specs: dict[str, AnySpec] = {}
    for i, raw in enumerate(specs_raw):
        try:
            spec = spec_from_dict(raw)
        except FigureError as exc:
            raise PrintError(f"{where}.specs[{i}]" + (f".{exc.field}" if exc.field else ""), exc.message) from None
        specs[spec.id] = spec
    cabinets = None
    if "cabinets" in data:
        cabinets = tuple(_cabinet(c, f"{where}.cabinets[{i}]") for i, c in enumerate(_list(data["cabinets"],
                                                                                          f"{where}.cabinets")))
    return DesignPrint(name, room, specs, cabinets)


def _cabinet(data: Any, where: str) -> CabinetPrint:
    data = _object(data, where)
    _only(data, where, ("slot", "spec", "name", "tiles"))
    tiles = tuple(_tile(t, f"{where}.tiles[{i}]") for i, t in enumerate(_list(data.get("tiles", []),
                                                                              f"{where}.tiles")))
    return CabinetPrint(_slot(data.get("slot"), f"{where}.slot"), _text(data.get("spec"), f"{where}.spec"),
                        _text(data.get("name", ""), f"{where}.name"), tiles)


def _tile(data: Any, where: str) -> TilePrint:
    data = _object(data, where)
    _only(data, where, ("slot", "spec", "name", "cols", "chips"))
    cols = data.get("cols")
    if isinstance(cols, bool) or not isinstance(cols, int) or not 1 <= cols <= 100_000:
        raise PrintError(f"{where}.cols", f"expected a whole number of columns, got {cols!r}"[:200])
    runs: list[ChipRun] = []
    for i, run in enumerate(_list(data.get("chips", []), f"{where}.chips")):
        here = f"{where}.chips[{i}]"
        if not isinstance(run, list) or len(run) != 2:
            raise PrintError(here, "expected [spec id or null, count]")
        spec_id, n = run
        if spec_id is not None and not isinstance(spec_id, str):
            raise PrintError(f"{here}[0]", f"expected a spec id or null, got {spec_id!r}"[:200])
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 1_000_000:
            raise PrintError(f"{here}[1]", f"expected a count of slots, got {n!r}"[:200])
        runs.append((spec_id, n))
    return TilePrint(_slot(data.get("slot"), f"{where}.slot"), _text(data.get("spec"), f"{where}.spec"),
                     _text(data.get("name", ""), f"{where}.name"), cols, tuple(runs))


def parse_part_values(data: Any, where: str, design: DesignPrint | None) -> PartValues:
    """Part values, checked against the print of the design they are about (one value per part per frame)."""
    data = _object(data, where)
    _only(data, where, ("time_s",) + PART_LEVELS)
    if design is None or design.cabinets is None:
        raise PrintError(where, "part values need the design's parts beside them (design.cabinets)")
    times = []
    for i, t in enumerate(_list(data.get("time_s", []), f"{where}.time_s")):
        times.append(_finite(t, f"{where}.time_s[{i}]"))
        if i and times[-1] < times[-2]:
            raise PrintError(f"{where}.time_s[{i}]", "times must not decrease")
    counts = design.counts()
    values: dict[str, dict[str, list[list[float | None]]]] = {}
    for level in PART_LEVELS:
        if level not in data:
            continue
        names = _object(data[level], f"{where}.{level}")
        values[level] = {}
        for name, frames in names.items():
            here = f"{where}.{level}.{name}"
            if not isinstance(name, str) or not name:
                raise PrintError(f"{where}.{level}", f"expected a value name, got {name!r}")
            frames = _list(frames, here)
            if len(frames) != len(times):
                raise PrintError(here, f"expected {len(times)} frames (one per time), got {len(frames)}")
            values[level][name] = [_frame(f, f"{here}[{k}]", counts[level]) for k, f in enumerate(frames)]
    return PartValues(tuple(times), values)


def _frame(frame: Any, where: str, n: int) -> list[float | None]:
    frame = _list(frame, where)
    if len(frame) != n:
        raise PrintError(where, f"expected a value for each of the {n:,} parts, got {len(frame):,}")
    return [None if v is None else _finite(v, f"{where}[{i}]") for i, v in enumerate(frame)]


def _object(value: Any, where: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise PrintError(where, f"expected an object, got {type(value).__name__}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise PrintError(where, f"expected a list, got {type(value).__name__}")
    return value


def _only(data: Mapping[Any, Any], where: str, allowed: tuple[str, ...]) -> None:
    for key in data:
        if key not in allowed:
            raise PrintError(f"{where}.{key}", f"unexpected key (allowed here: {', '.join(allowed)})")


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise PrintError(where, f"expected text, got {value!r}"[:200])
    return value


def _slot(value: Any, where: str) -> Slot:
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 1_000_000 for v in value)):
        raise PrintError(where, f"expected [row, col], got {value!r}"[:200])
    return (value[0], value[1])


def _finite(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PrintError(where, f"expected a finite number, got {value!r}"[:200])
    return float(value)

