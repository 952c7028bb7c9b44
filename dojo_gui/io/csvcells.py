"""CSV cells a spreadsheet reads as data, never as a formula.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some spreadsheets skip first) is run as a formula when the file is opened:
``=HYPERLINK(...)`` in a run label becomes a link, worse ones run commands.  Every CSV the
app writes passes its text cells through :func:`csv_text`, which puts a ``'`` in front of
such text (spreadsheets show it as text and hide the quote).  Numbers stay numbers: a
number, or text that is exactly a number (``-1.5``, ``2e-3``), is written as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\Z")


def csv_text(value: str) -> str:
    """``value`` made safe to put in a CSV cell (see the module)."""
    if value.startswith(_TRIGGERS) and not _NUMBER.match(value):
        return "'" + value
    return value


def csv_cell(value: Any) -> Any:
    """A cell for ``csv.writer``: numbers (and numeric text) as they are, other text through :func:`csv_text`."""
    if isinstance(value, str):
        return csv_text(value)
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]
