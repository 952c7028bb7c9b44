"""What travels in drags and on the clipboard: a spec from the palette, or copied parts.

Both are JSON with the app's own mime types.  A dragged spec carries its id and level
and the specs a new part of it is filled with, so a drop works in another window whose
project does not know them; copied parts carry every spec they use.  Both may come from
another program (the clipboard is shared), so they are read as untrusted JSON
(:func:`dojo_gui.io.safejson.read_json`): anything unusable is refused with a reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from PySide6.QtCore import QMimeData

from ...io.safejson import read_json
from ...model.design import Design, Part, PartPath, plural
from ...model.specs import CHILD_LEVEL, LEVELS, AnySpec, FigureError, spec_from_dict, spec_to_dict
from ...text import count

SPEC_MIME = "application/x-dojo-gui-spec"
PARTS_MIME = "application/x-dojo-gui-parts"


class MimeError(ValueError):
    """Data in a drag or on the clipboard that dojo-gui cannot use; the message says why."""


@dataclass(frozen=True)
class SpecDrag:
    """A spec being dragged: its id and level, where it came from, and the specs it needs."""

    spec_id: str
    level: str
    source: str  # "project" or "catalog"
    carried: dict[str, AnySpec]
    filled: bool = False  # a container arrives with its default contents (the palette's toggle when the drag began)


def spec_mime(spec: AnySpec, source: str, closure: list[AnySpec], *, filled: bool = False) -> QMimeData:
    mime = QMimeData()
    payload = {"id": spec.id, "level": spec.level, "source": source, "specs": [spec_to_dict(s) for s in closure],
               "filled": filled}
    mime.setData(SPEC_MIME, json.dumps(payload).encode("utf-8"))
    mime.setText(spec.name or spec.id)
    return mime


def spec_drag(mime: QMimeData | None) -> SpecDrag | None:
    """The dragged spec, or None when the data is not a (readable) dojo-gui spec."""
    if mime is None or not mime.hasFormat(SPEC_MIME):
        return None
    try:
        payload = read_json(bytes(mime.data(SPEC_MIME).data()).decode("utf-8"))
        spec_id, level = payload["id"], payload["level"]
        if not isinstance(spec_id, str) or level not in LEVELS:
            return None
        carried = {}
        for data in payload.get("specs", []):
            spec = spec_from_dict(data)
            carried[spec.id] = spec
    except (ValueError, KeyError, TypeError, FigureError):
        return None
    return SpecDrag(spec_id, level, str(payload.get("source", "")), carried, payload.get("filled") is True)


# --------------------------------------------------------------------------- copied parts
def parts_mime(design: Design, paths: list[PartPath]) -> QMimeData:
    parts = [design.part(p) for p in paths]
    used = sorted({q.spec_id for part in parts for q in part.walk() if q.spec_id in design.specs})
    payload = {
        "format": "dojo-gui-parts",
        "version": 1,
        "level": parts[0].level,
        "specs": [spec_to_dict(design.specs[i]) for i in used],
        "parts": [part.to_dict() for part in parts],
    }
    mime = QMimeData()
    mime.setData(PARTS_MIME, json.dumps(payload).encode("utf-8"))
    names = ", ".join(p.name or p.spec_id for p in parts[:5]) + (" ..." if len(parts) > 5 else "")
    mime.setText(f"{count(len(parts), parts[0].level)} from {design.name}: {names}")
    return mime


def parts_from_mime(mime: QMimeData | None) -> tuple[list[Part], dict[str, AnySpec]]:
    """Copied parts (detached, with their children) and the specs they carry; raises MimeError."""
    if mime is None or not mime.hasFormat(PARTS_MIME):
        raise MimeError("the clipboard holds no dojo-gui parts")
    try:
        payload = read_json(bytes(mime.data(PARTS_MIME).data()).decode("utf-8"))
    except ValueError as exc:
        raise MimeError(f"the clipboard's parts are not readable: {exc}") from None
    if not isinstance(payload, dict) or payload.get("format") != "dojo-gui-parts":
        raise MimeError("the clipboard's data is not dojo-gui parts")
    level = payload.get("level")
    if level not in LEVELS or level == "room":
        raise MimeError(f"the clipboard holds parts of an unknown level {level!r}")
    specs: dict[str, AnySpec] = {}
    for i, data in enumerate(_list(payload.get("specs", []), "specs")):
        try:
            spec = spec_from_dict(data)
        except FigureError as exc:
            raise MimeError(f"the clipboard's spec #{i + 1} is not usable: {exc}") from None
        specs[spec.id] = spec
    items = payload.get("parts")
    if not isinstance(items, list) or not items:
        raise MimeError("the clipboard holds no parts")
    return [_part(item, level, f"parts[{i}]") for i, item in enumerate(items)], specs


def _part(data, level: str, where: str) -> Part:
    if not isinstance(data, dict) or not isinstance(data.get("spec"), str):
        raise MimeError(f"the clipboard's {where} is not a part")
    slot = data.get("slot", [0, 0])
    if (not isinstance(slot, list) or len(slot) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 100_000 for v in slot)):
        raise MimeError(f"the clipboard's {where}.slot is not [row, col]")
    name = data.get("name", "")
    part = Part(data["spec"], level, (slot[0], slot[1]), name if isinstance(name, str) else "")
    child_level = CHILD_LEVEL[level]
    if child_level:
        for k, item in enumerate(_list(data.get(plural(child_level), []), f"{where}.{plural(child_level)}")):
            child = _part(item, child_level, f"{where}.{plural(child_level)}[{k}]")
            if child.slot in part.children:
                raise MimeError(f"the clipboard's {where} uses slot {list(child.slot)} twice")
            child.parent = part
            part.children[child.slot] = child
    return part


def _list(value, where: str) -> list:
    if not isinstance(value, list):
        raise MimeError(f"the clipboard's {where} is not a list")
    return value
