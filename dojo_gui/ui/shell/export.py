"""File > Export: a picture of the design, a design-review report, a comparison with a baseline, the runs as CSV.

The window owns one :class:`ExportController`.  The report and picture modules are
imported when first used: they are not needed for the first frame.  Every export is
written whole or not at all, never over the open project's file (nor the baseline a
comparison reads), nor over a read-only file; a refusal says which file and why.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ...io.atomic import OutputIsInput
from ...io.project import ProjectFileError, load
from ...model.design import format_path
from ...text import count
from .project_files import file_stem

if TYPE_CHECKING:
    from .mainwindow import MainWindow


class ExportController:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.actions = {
            "export": window.make_action("&Export Picture…", self.export_picture, None,
                                         tip="Save the design as an SVG or PNG picture"),
            "export_report": window.make_action("Export &Report…", self.export_report, "Ctrl+Shift+R",
                                                tip="Write a design-review report (PDF or HTML)"),
            "export_comparison": window.make_action("Export &Comparison Report…", self.export_comparison, None,
                                                    tip="A report of this design side by side with a baseline project"),
            "export_results": window.make_action("Export Results as &CSV…", self.export_results, None,
                                                 tip="The saved simulation runs' key figures and series as CSV"),
        }

    def _suggested(self, suffix: str) -> str:
        return str(Path(self.window.files.folder()) / f"{file_stem(self.window.document.design.name)}{suffix}")

    def _inputs(self, *more: str | os.PathLike[str] | None) -> list[str | os.PathLike[str]]:
        """The files an export must not write over: the open project's, and ``more``."""
        file_path = self.window.document.file_path
        return [p for p in (file_path, *more) if p]

    def export_picture(self) -> None:
        from ...report.export import export_picture

        window = self.window
        path = window.dialogs.export_file(window, self._suggested(".svg"), "SVG pictures (*.svg);;PNG pictures (*.png)")
        if not path:
            return
        focus = window.selection.focus
        size = (2400, 1400) if path.lower().endswith(".png") else (1600, 900)
        try:
            export_picture(window.document.design, path, width=size[0], height=size[1], colours=window.scene.colours,
                           part=focus, state=window.scene.paint_state, inputs=self._inputs())
        except (OSError, ValueError) as exc:  # OutputIsInput and a picture too large are ValueErrors
            window.dialogs.show_error(window, "Cannot export", why_not(exc, path))
            return
        window.show_status(f"Exported {format_path(focus)} to {path}", 5000)

    def export_report(self, baseline: Path | None = None) -> None:
        """Write the design-review report of the open design (compared with ``baseline`` when given)."""
        from ...report import export_report
        from ...report.output import ReportWriteError

        window = self.window
        document = window.document
        suggested = self._suggested("-comparison.pdf" if baseline else "-review.pdf")
        path = window.dialogs.export_file(window, suggested, "PDF reports (*.pdf);;HTML reports (*.html)")
        if not path:
            return
        other = None
        if baseline is not None:
            try:
                other = load(baseline)
            except ProjectFileError as exc:
                window.dialogs.show_error(window, "Cannot read the baseline", str(exc))
                return
        target = {"html": path} if path.lower().endswith((".html", ".htm")) else {"pdf": path}
        source = str(document.file_path) if document.file_path else document.title()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            export_report(document.design, source=source, other=other,
                          other_source=str(baseline) if baseline else "", inputs=self._inputs(baseline),
                          **target)
        except (ReportWriteError, OSError, OutputIsInput) as exc:
            window.dialogs.show_error(window, "Cannot write the report", why_not(exc, path))
            return
        finally:
            QApplication.restoreOverrideCursor()
        window.show_status(f"Report written to {path}", 5000)

    def export_comparison(self) -> None:
        baseline = self.window.dialogs.open_file(self.window, self.window.files.folder())
        if baseline:
            self.export_report(Path(baseline))

    def export_results(self) -> None:
        from ...report.export import write_results_csv
        window = self.window
        records = list(window.document.design.runs)
        if not records:
            window.dialogs.show_error(window, "No results to export",
                                      "This project keeps no simulation runs yet. Run a simulation and keep it first.")
            return
        path = window.dialogs.export_file(window, self._suggested("-results.csv"), "CSV tables (*.csv)")
        if not path:
            return
        try:
            written = write_results_csv(records, path, inputs=self._inputs())
        except (OSError, OutputIsInput) as exc:
            window.dialogs.show_error(window, "Cannot export", why_not(exc, path))
            return
        window.show_status(f"Exported {count(len(records), 'run')} to {count(len(written), 'CSV file')} beside {path}",
                           5000)


def why_not(exc: Exception, path: str) -> str:
    """A failed write in words: the file and the reason (an OSError's own text, not its errno)."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename or path}: {exc.strerror}"
    return str(exc)
