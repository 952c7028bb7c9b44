"""Project files (``.dojo``): versioned, self-contained JSON, written atomically.

Layout (version 2)::

    {"format": "dojo-gui-project", "version": 1,
     "name": ..., "description": ...,
     "specs": [ {"level": "chip", "id": "dojo-d1", ...}, ... ],
     "room": {"spec": "dojo-exapod-room", "name": ..., "cabinets": [
         {"slot": [0, 0], "spec": "dojo-cabinet", "tiles": [
             {"slot": [0, 0], "spec": "dojo-tile", "chips": [{"slot": [0, 0], "spec": "dojo-d1"}, ...]}]}]},
     "runs": [ {"kind": "thermal", "label": ..., "key_figures": {...}, ...}, ... ],
     "sweeps": [ {"name": ..., "axes": [...], "plan": {...}, "scenario": {...}, "results": [...]}, ... ]}

The saved runs' form is :mod:`dojo_gui.model.runs`, the sweeps' :mod:`dojo_gui.model.sweep`.
Version 2 added the sweeps and the specs' prices (``price_usd``, the room's ``facility_usd_per_w``);
a version-1 file has neither and reads as a project without sweeps whose specs have no price.

Reading never trusts the file: every problem becomes a :class:`ProjectFileError`
that names the place inside the file (``room.cabinets[3].tiles[2].spec``) and what is
wrong there.  Files from a newer version are refused; older ones are migrated forward
one version at a time by the functions in ``MIGRATIONS``.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Iterable
from typing import Any

from .. import limits
from ..model.design import Design, Part, plural
from ..model.runs import RunRecordError, parse_run
from ..model.specs import (
    CHILD_LEVEL,
    GRID_SIDE_MAX,
    LEVELS,
    AnySpec,
    ContainerSpec,
    FigureError,
    spec_from_dict,
    spec_to_dict,
)
from ..model.sweep import SweepError, sweep_from_dict
from ..units import describe
from .atomic import write_atomic
from .safejson import JsonInputError, place, read_json

__all__ = [
    "FORMAT",
    "SUFFIX",
    "VERSION",
    "ProjectFileError",
    "dumps",
    "from_document",
    "load",
    "loads",
    "save",
    "to_document",
    "write_atomic",
]

FORMAT = "dojo-gui-project"
VERSION = 2
SUFFIX = ".dojo"


def _v1_to_v2(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 2 keeps sweeps with the project: a version-1 project has none."""
    return {**doc, "sweeps": []}


# version -> function turning a version-N document into a version-(N+1) document.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


class ProjectFileError(Exception):
    """A project file that cannot be read: where in the file (a place such as ``specs[0].tdp_w``, and the
    line when the text tells it) and what is wrong."""

    def __init__(self, message: str, where: str = "", file: str | os.PathLike[str] | None = None,
                 line: int | None = None) -> None:
        self.message = message
        self.where = where
        self.file = str(file) if file is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        prefix = f"{self.file}: " if self.file else ""
        at = [self.where] if self.where else []
        if self.line is not None:
            at.append(f"line {self.line}")
        return f"{prefix}{', '.join(at) + ': ' if at else ''}{self.message}"


# --------------------------------------------------------------------------- reading
def load(path: str | os.PathLike[str]) -> Design:
    """Read a project file.  Raises :class:`ProjectFileError` and nothing else."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            _check_size(size)
            raw = handle.read(int(limits.FILE_BYTES.value) + 1)  # a file still growing is cut at the limit
    except OSError as exc:
        raise ProjectFileError(f"cannot read the file: {exc.strerror or exc}", file=path) from None
    except ValueError as exc:  # a name no file can have ("embedded null byte")
        raise ProjectFileError(f"cannot read the file: {exc}", file=repr(os.fspath(path))) from None
    except ProjectFileError as exc:
        exc.file = str(path)
        raise
    try:
        return loads(raw)
    except ProjectFileError as exc:
        exc.file = str(path)
        raise


def loads(raw: bytes | str) -> Design:
    """Read a project from the text of a file.  Raises :class:`ProjectFileError` and nothing else."""
    _check_size(len(raw))
    if isinstance(raw, (bytes, bytearray)):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise ProjectFileError(f"not a text file (invalid UTF-8 at byte {exc.start:,})", line=line) from None
    else:
        text = raw
    try:
        doc = read_json(text, bounded_under=("runs", "sweeps"))
    except JsonInputError as exc:
        raise ProjectFileError(exc.message, exc.where, line=exc.line) from None
    return from_document(doc)


def _check_size(size: int) -> None:
    try:
        limits.FILE_BYTES.check(size)
    except limits.LimitExceeded as exc:
        raise ProjectFileError(f"the file is too large: {exc}") from None


def from_document(doc: Any) -> Design:
    if not isinstance(doc, dict):
        raise ProjectFileError(f"expected a JSON object at the top, got {_kind(doc)}", "the top level")
    if doc.get("format") != FORMAT:
        raise ProjectFileError(f"not a dojo-gui project (\"format\" is {describe(doc.get('format'))}, "
                               f"expected {FORMAT!r})", "format")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ProjectFileError(f"expected a whole number >= 1, got {describe(version)}", "version")
    if version > VERSION:
        raise ProjectFileError(
            f"this file was written by a newer dojo-gui (file format version {version}; this version reads up to "
            f"{VERSION}). Open it with a newer dojo-gui.", "version")
    while version < VERSION:
        doc = MIGRATIONS[version](doc)
        version += 1
        doc["version"] = version
    _only_keys(doc, "", {"format", "version", "name", "description", "specs", "room", "runs", "sweeps"})
    name = _text(doc.get("name", ""), "name")
    description = _text(doc.get("description", ""), "description")

    specs_raw = doc.get("specs")
    if not isinstance(specs_raw, list):
        raise ProjectFileError(f"expected a list of specs, got {_kind(specs_raw)}", "specs")
    specs: dict[str, AnySpec] = {}
    for i, data in enumerate(specs_raw):
        where = f"specs[{i}]"
        try:
            spec = spec_from_dict(data)
        except FigureError as exc:
            named = _spec_named(data, exc.field)
            raise ProjectFileError(exc.message + named, _figure_place(where, exc.field)) from None
        if spec.id in specs:
            raise ProjectFileError(f"a second spec with the id {spec.id!r}", f"{where}.id")
        specs[spec.id] = spec

    room_raw = doc.get("room")
    room = _part(room_raw, "room", "room", specs,
                 [0, 0, 0, int(limits.CHIPS.value), int(limits.PARTS.value), int(limits.SLOTS.value)])
    runs_raw = doc.get("runs", [])
    if not isinstance(runs_raw, list):
        raise ProjectFileError(f"expected a list of saved runs, got {_kind(runs_raw)}", "runs")
    try:
        runs = tuple(parse_run(data, f"runs[{i}]") for i, data in enumerate(runs_raw))
    except RunRecordError as exc:
        raise ProjectFileError(exc.message, exc.where) from None
    sweeps_raw = doc.get("sweeps", [])
    if not isinstance(sweeps_raw, list):
        raise ProjectFileError(f"expected a list of sweeps, got {_kind(sweeps_raw)}", "sweeps")
    sweeps = []
    for i, data in enumerate(sweeps_raw):
        try:
            sweeps.append(sweep_from_dict(data, specs, f"sweeps[{i}]"))
        except SweepError as exc:
            raise ProjectFileError(exc.message, exc.where or f"sweeps[{i}]") from None
    return Design(name=name, specs=specs, room=room, description=description, runs=runs, sweeps=sweeps)


def _spec_named(data: Any, field: str | None) -> str:
    """" (in the spec 'dojo-d1')": which spec a place such as ``specs[3].tdp_w`` is, when its id says (a file
    lists its specs by id, not by position)."""
    spec_id = data.get("id") if isinstance(data, dict) else None
    if field == "id" or not isinstance(spec_id, str) or not spec_id.strip():
        return ""
    shown = spec_id if len(spec_id) <= 60 else spec_id[:57] + "..."
    return f" (in the spec {shown!r})"


def _figure_place(where: str, field: str | None) -> str:
    """``specs[0]`` and ``tdp_w`` -> ``specs[0].tdp_w``; a table entry's field ``peak_flops.bf16`` stays dotted;
    None is the spec itself."""
    if field is None:
        return where
    if "." in field:
        head, key = field.split(".", 1)
        return place(place(where, head), key)
    return place(where, field)


def _part(data: Any, where: str, level: str, specs: dict[str, AnySpec], counts: list[int]) -> Part:
    """The part described at ``where``; ``counts`` holds the chips, parts and slots (of containers, filled or
    empty) read so far, and the limits of all three (read once: this runs for every part)."""
    if not isinstance(data, dict):
        raise ProjectFileError(f"expected an object describing a {level}, got {_kind(data)}", where)
    child_level = CHILD_LEVEL[level]  # None for a chip
    children_key = plural(child_level) if child_level is not None else ""
    allowed = {"spec", "name"} | ({children_key} if children_key else set()) | ({"slot"} if level != "room" else set())
    _only_keys(data, where, allowed)
    spec_id = data.get("spec")
    if not isinstance(spec_id, str) or not spec_id:
        raise ProjectFileError(f"expected the id of a {level} spec, got {describe(spec_id)}", f"{where}.spec")
    if spec_id not in specs:
        raise ProjectFileError(f"unknown {level} spec {describe(spec_id)} (the file's specs list does not define it)",
                               f"{where}.spec")
    spec = specs[spec_id]
    counts[0] += level == "chip"
    counts[1] += 1
    counts[2] += spec.slots if isinstance(spec, ContainerSpec) and spec.level == level else 0
    if counts[0] > counts[3] or counts[1] > counts[4] or counts[2] > counts[5]:
        try:
            limits.CHIPS.check(counts[0])
            limits.PARTS.check(counts[1])
            limits.SLOTS.check(counts[2])
        except limits.LimitExceeded as exc:
            raise ProjectFileError(f"counting to here, the design has {exc}", where) from None
    slot = (0, 0)
    if level != "room":
        slot = _slot(data.get("slot"), f"{where}.slot")
    part = Part(spec_id, level, slot, _text(data.get("name", ""), f"{where}.name"))
    if child_level is not None:
        items = data.get(children_key, [])
        if not isinstance(items, list):
            raise ProjectFileError(f"expected a list of {children_key}, got {_kind(items)}", f"{where}.{children_key}")
        for i, item in enumerate(items):
            child_where = f"{where}.{children_key}[{i}]"
            child = _part(item, child_where, child_level, specs, counts)
            if child.slot in part.children:
                raise ProjectFileError(f"slot {list(child.slot)} is used twice", f"{child_where}.slot")
            child.parent = part
            part.children[child.slot] = child
    return part


def _slot(value: Any, where: str) -> tuple[int, int]:
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        raise ProjectFileError(f"expected [row, col] as two whole numbers, got {json.dumps(value)[:40]}", where)
    if not (0 <= value[0] < GRID_SIDE_MAX and 0 <= value[1] < GRID_SIDE_MAX):
        raise ProjectFileError(f"slot {value} is out of range (rows and columns count from 0 to {GRID_SIDE_MAX - 1})",
                               where)
    return (value[0], value[1])


def _only_keys(data: dict[str, Any], where: str, allowed: set[str]) -> None:
    for key in data:
        if key not in allowed:
            hint = ", ".join(sorted(allowed))
            raise ProjectFileError(f"unexpected key {describe(key)} (allowed here: {hint})", place(where, key))


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ProjectFileError(f"expected text, got {_kind(value)}", where)
    return value


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__)


# --------------------------------------------------------------------------- writing
def spec_closure(design: Design) -> list[str]:
    """Ids of the specs a file must carry: every one in the design's own table, in level order."""
    return sorted(design.specs, key=lambda sid: (LEVELS.index(design.specs[sid].level), sid))


def to_document(design: Design) -> dict[str, Any]:
    room = design.room.to_dict()
    room.pop("slot", None)
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": design.name,
        "description": design.description,
        "specs": [spec_to_dict(design.specs[sid]) for sid in spec_closure(design)],
        "room": room,
        "runs": [run.to_dict() for run in design.runs],
        "sweeps": [sweep.to_dict() for sweep in design.sweeps],
    }


def dumps(design: Design) -> str:
    """The file's text.  What :func:`loads` would refuse (a non-finite number, an unpaired surrogate) raises
    ProjectFileError with its place instead of being written."""
    doc = to_document(design)
    try:
        text = _pretty(doc, 0) + "\n"
        text.encode("utf-8")
    except (ValueError, RecursionError):  # UnicodeEncodeError is a ValueError: find the place, then say it
        _check_savable(doc, "")
        raise
    return text


def _pretty(value: Any, depth: int, width: int = 100) -> str:
    """JSON that reads well and diffs well: anything whose compact form is short stays on one line."""
    compact = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))
    if len(compact) + depth <= width or not isinstance(value, (dict, list)) or not value:
        return compact
    pad, inner = " " * depth, " " * (depth + 1)
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {_pretty(v, depth + 1, width)}"
                 for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if not any(isinstance(v, (dict, list)) for v in value):
        # A long list of numbers (a run's part values): as many to a line as fit, not one a line.
        lines, line = [], ""
        for v in value:
            text = json.dumps(v, ensure_ascii=False, allow_nan=False)
            if line and len(inner) + len(line) + len(text) + 2 > width:
                lines.append(line + ",")
                line = ""
            line += (", " if line else "") + text
        return "[\n" + "\n".join(inner + item for item in lines + [line]) + "\n" + pad + "]"
    items = [inner + _pretty(v, depth + 1, width) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + pad + "]"


def _check_savable(value: Any, where: str) -> None:
    """What :func:`loads` would refuse is never written: non-finite numbers and unpaired surrogates in text."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ProjectFileError(f"cannot save a non-finite number ({value})", where)
    if isinstance(value, str) and _SURROGATE.search(value):
        raise ProjectFileError(f"cannot save text with an unpaired UTF-16 surrogate ({json.dumps(value)[:60]})", where)
    if isinstance(value, dict):
        for k, v in value.items():
            _check_savable(k, place(where, "(a key)"))
            _check_savable(v, place(where, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_savable(v, place(where, i))


_SURROGATE = re.compile("[\ud800-\udfff]")


def save(design: Design, path: str | os.PathLike[str], *, inputs: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Write atomically (:func:`dojo_gui.io.atomic.write_atomic`): a failure at any point leaves the previous
    file as it was; a symbolic link keeps pointing at the saved file; a read-only file is refused."""
    write_atomic(path, dumps(design).encode("utf-8"), inputs=inputs)
