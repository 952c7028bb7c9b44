"""Design-review exports: the report (PDF and HTML), results as CSV, and the design's picture.

The ways in:

* :func:`export_report` writes the report of a design (optionally compared with a
  baseline) as PDF and/or HTML; ``dojo-gui report`` and File > Export Report call it.
* :func:`dojo_gui.report.export.write_results_csv` writes saved runs as CSV.
* :func:`dojo_gui.report.export.export_picture` writes the design's picture as PNG or SVG.

The picture is the canvas's own drawing (:mod:`dojo_gui.render`); the
results come from ``design.runs`` (:mod:`dojo_gui.model.runs`).
"""

from __future__ import annotations

from .api import ExportResult, export_report

__all__ = ["ExportResult", "export_report"]
