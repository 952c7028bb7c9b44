"""What the run panel's forms share: the error that names a field, how a marked field looks, reading a figure."""

from __future__ import annotations

import math

from PySide6.QtWidgets import QLineEdit, QWidget

from ... import units

ERROR_STYLE = "QLineEdit, QComboBox { border: 1px solid #d8453b; background: #fff1f0; }"


class FormError(ValueError):
    """A parameter that does not read; ``fields`` are the widgets to mark (``field`` the first)."""

    def __init__(self, label: str, message: str, field: QWidget | list[QWidget] | None = None) -> None:
        super().__init__(f"{label}: {message}" if label else message)
        self.fields = [] if field is None else field if isinstance(field, list) else [field]
        self.field = self.fields[0] if self.fields else None


def read_quantity(edit: QLineEdit, label: str, unit: str) -> float:
    """The figure typed into ``edit`` in ``unit`` (SI); :class:`FormError` naming ``label`` if it does not read."""
    text = edit.text().strip()
    if not text:
        raise FormError(label, "needs a value", edit)
    try:
        value = units.parse(text, unit)
    except (units.UnitError, ValueError) as exc:
        raise FormError(label, str(exc), edit) from None
    if not math.isfinite(value):
        raise FormError(label, f"{text!r} is not a number", edit)
    return value
