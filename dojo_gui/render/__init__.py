"""Painting the design with Qt (no widgets): shapes, colours and level of detail shared by the canvas, exports
and reports.

- :func:`render_design` ``(design, width, height, colours=None) -> QImage`` and :func:`export_svg` /
  :func:`svg_bytes` draw a design (or one part of it, ``path=``) as the canvas does;
- a *colour provider* (``path -> QColor | None``) recolours any part without touching the painting;
  :class:`ValueColours` colours by a value per path (temperature, power, link load) on a ramp;
- :class:`PartDrawing` and :class:`Layout` are what the canvas items paint with.
"""

from .capacity import Capacity, capacities
from .colours import ColourProvider, ValueColours, ramp, spec_colour
from .drawing import PaintState, PartDrawing
from .export import (
                     export_svg,
                     fitted_height,
                     fitted_size,
                     image_bytes,
                     image_png_bytes,
                     paint_design,
                     render_design,
                     svg_bytes,
)
from .geometry import CHIP, Layout, Place

__all__ = [
                     "CHIP",
                     "Capacity",
                     "ColourProvider",
                     "Layout",
                     "PaintState",
                     "PartDrawing",
                     "Place",
                     "ValueColours",
                     "capacities",
                     "export_svg",
                     "fitted_height",
                     "fitted_size",
                     "image_bytes",
                     "image_png_bytes",
                     "paint_design",
                     "ramp",
                     "render_design",
                     "spec_colour",
                     "svg_bytes",
]
