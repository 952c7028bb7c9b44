"""Canvas overlays: colour providers built from the latest analysis (View > Colour by), and their legends.

Each is a :data:`~dojo_gui.render.colours.ColourProvider`, and :func:`overlay_legend` says
what its colours mean.  The window's "Colour by" list also holds the simulation's live
overlays (temperature, power and link load, :mod:`dojo_gui.ui.simulation.liveoverlay`);
the shell puts the two lists together.  The painting does not change.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

from ...jobs.analysis import Analysis
from ...model.design import Design, PartPath
from ...render import colours as C
from ...render.colours import ColourProvider, Legend
from ...text import count

ANALYSIS_OVERLAYS: dict[str, str] = {
    "spec": "Spec (vendor and kind)",
    "findings": "Findings (errors and warnings)",
    "power": "Power against budget",
}

_OK = QColor("#8fb9a0")
_SEVERITY = {"error": QColor("#d8453b"), "warning": QColor("#e6a829")}
POWER_RAMP = (0.5, 1.1)  # share of the budget at the cool and the hot end of the power overlay's ramp
SPEC_SWATCHES = 8  # specs a legend names before "and N more"


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
        lo, hi = POWER_RAMP
        c = C.ramp((f - lo) / (hi - lo))
        return c if len(path) == 3 else (c.darker(260) if len(path) == 2 else c.lighter(170))

    return colour


def overlay_legend(kind: str, analysis: Analysis | None, design: Design) -> Legend:
    """What the colours of an analysis overlay mean."""
    if kind == "spec":
        return _spec_legend(design)
    checking = "" if analysis is not None else "Checking the design…"
    if kind == "findings":
        return Legend("Worst finding on the part or the container it is in",
                      swatches=((_SEVERITY["error"], "error"), (_SEVERITY["warning"], "warning"), (_OK, "none")),
                      caption="Tiles are drawn darker, cabinets lighter.", note=checking)
    if kind == "power":
        lo, hi = POWER_RAMP
        return Legend("Power at full load against the budget (chips: their tile's)", f"≤ {lo * 100:.0f} %",
                      f"≥ {hi * 100:.0f} %", mark=((1.0 - lo) / (hi - lo), "100 % (budget)"),
                      caption="Parts without a budget keep their spec's colour.", note=checking)
    raise ValueError(f"unknown overlay {kind!r}")


def _spec_legend(design: Design) -> Legend:
    """A swatch per spec in use, chips first (containers are paler shades of their vendor's colour)."""
    order = {"chip": 0, "tile": 1, "cabinet": 2}
    used = [design.specs[i] for i in sorted(design.used_spec_ids()) if i in design.specs]
    used = sorted((spec for spec in used if spec.level in order), key=lambda spec: order[spec.level])
    swatches = [(C.spec_colour(spec, spec.level), f"{spec.name or spec.id} ({spec.level})") for spec in used]
    more = len(swatches) - SPEC_SWATCHES
    return Legend("Spec: vendors by hue, chips vivid, containers pale", swatches=tuple(swatches[:SPEC_SWATCHES]),
                  caption=f"and {count(more, 'more spec')}" if more > 0 else "")
