"""A spec's figures as the inspector shows them and reads them back, as text ("15 kW", "bf16: 362 TFLOPS").

What the text becomes is what :func:`~dojo_gui.model.specs.parse_figure` takes, so the inspector
refuses what the file loader refuses, with the same message.
"""

from __future__ import annotations

from typing import Any

from ... import units
from ...model.specs import AnySpec, FigureError


def figure_text(spec: AnySpec, name: str) -> str:
    """A spec figure as the inspector shows it (and parses it back)."""
    value = getattr(spec, name)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, dict):  # a table: peak_flops in FLOP/s by format, matmul_efficiency a share by size
        unit = units.unit_for_name(name)
        return ", ".join(f"{k}: {units.format(v, unit, 6)}" for k, v in value.items())
    if isinstance(value, tuple):
        if name == "dvfs_levels":
            return ", ".join(f"{v:g}" for v in value)
        return "; ".join(value)
    if isinstance(value, int) and not isinstance(value, float):
        return str(value)
    return units.format_for_name(name, value, digits=6)


def raw_from_text(spec: AnySpec, name: str, text: str) -> Any:
    """What :func:`parse_figure` takes for ``text`` typed into the field ``name``."""
    value = getattr(spec, name)
    if isinstance(value, dict):
        out = {}
        for item in [t for t in text.split(",") if t.strip()]:
            if ":" not in item:
                raise FigureError(name, f"{_table_example(spec, name)} (got {item.strip()!r})")
            key, val = item.split(":", 1)
            out[key.strip()] = val.strip()
        return out
    if isinstance(value, tuple):
        sep = ";" if name == "sources" else ","
        items = [t.strip() for t in text.split(sep) if t.strip()]
        return items
    return text


def _table_example(spec: AnySpec, name: str) -> str:
    """How to write a row of a table figure, from what the table is keyed by."""
    if next((f.metadata.get("keys") for f in spec.figures() if f.name == name), "format") == "size":
        return "write each size as 'size: share', e.g. '4096: 83 %'"
    return "write each format as 'name: value', e.g. 'bf16: 362 TFLOPS'"
