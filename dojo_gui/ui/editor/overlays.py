"""Canvas overlays: colour providers built from the latest analysis (View > Colour by).

Each is a :data:`~dojo_gui.render.colours.ColourProvider`.  The window's "Colour by" list
also holds the simulation's live overlays (temperature, power and link load,
:mod:`dojo_gui.ui.simulation.liveoverlay`); the shell puts the two lists together.  The
painting does not change.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

from ...jobs.analysis import Analysis
from ...model.design import PartPath
from ...render import colours as C
from ...render.colours import ColourProvider

ANALYSIS_OVERLAYS: dict[str, str] = {
    "spec": "Spec (vendor and kind)",
    "findings": "Findings (errors and warnings)",
    "power": "Power against budget",
}

_OK = QColor("#8fb9a0")
_SEVERITY = {"error": QColor("#d8453b"), "warning": QColor("#e6a829")}


def overlay_colours(kind: str, analysis: Analysis | None) -> ColourProvider | None:
    """The colours of an analysis overlay (None for the spec colours or no analysis yet)."""
    if kind == "spec" or analysis is None:
        return None
    if kind == "findings":
        return _findings(analysis)
    if kind == "power":
        return _power(analysis)
    raise ValueError(f"unknown overlay {kind!r}")


def _findings(analysis: Analysis) -> ColourProvider:
    severities = analysis.severities

    def colour(path: PartPath) -> QColor | None:
        # A part shows the worst finding on itself or on a container it sits in (not the room: that would colour all).
        worst = None
        for depth in range(len(path), 0, -1):
            severity = severities.get(path[:depth])
            if severity == "error":
                worst = "error"
                break
            if severity == "warning":
                worst = "warning"
        base = _SEVERITY.get(worst, _OK) if worst else _OK
        return base if len(path) == 3 else (base.darker(260) if len(path) == 2 else base.lighter(160))

    return colour


def _power(analysis: Analysis) -> ColourProvider:
    summaries = analysis.summaries

    def share(path: PartPath) -> float | None:
        s = summaries.get(path)
        if s is None or s.power_budget_w <= 0:
            return None
        return s.max_power_w / s.power_budget_w

    def colour(path: PartPath) -> QColor | None:
        # Chips take their tile's share of its power budget; containers their own. 50 % is cool, 110 % is hot.
        f = share(path[:-1] if len(path) == 3 else path)
        if f is None:
            return None
        c = C.ramp((f - 0.5) / 0.6)
        return c if len(path) == 3 else (c.darker(260) if len(path) == 2 else c.lighter(170))

    return colour
