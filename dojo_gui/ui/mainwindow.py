"""The main window: menus, toolbar, docks, status bar, and everything about files.

The window owns one :class:`DesignDocument` and the widgets that show it; all edits go
through the document.  Files are read and written only by :mod:`dojo_gui.io.project`;
a file that cannot be read is reported with its precise error and the open project is
left exactly as it was.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QApplication, QComboBox, QDockWidget, QLabel, QMainWindow, QMenu, QVBoxLayout,
                               QWidget)

from .. import __version__, units
from ..io.catalog import builtin_specs, example_path, resource_dir
from ..io.project import ProjectFileError, load
from ..model.design import Design, PartPath, format_path
from ..model.placement import accepting_slots, spec_title
from ..model.specs import CHILD_LEVEL
from ..model.templates import TEMPLATES
from .analysis import Analysis, Analyzer
from .breadcrumbs import Breadcrumbs
from .canvas import CanvasScene, CanvasView
from .dialogs import Dialogs, shortcut_text
from .document import DesignDocument, EditRefused
from .files import Autosaves, RecentFiles
from .findings import FindingsWidget
from .icons import spec_icon, standard_icon
from .inspector import InspectorWidget
from .liveoverlay import LIVE_OVERLAYS
from .mime import MimeError, parts_from_mime, parts_mime
from .outline import OutlineWidget
from .overlays import OVERLAYS, overlay_colours
from .palette import PaletteWidget
from .selection import Selection

if TYPE_CHECKING:
    from .live import LiveSimulation

AUTOSAVE_INTERVAL_MS = 60_000
log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    def __init__(self, design: Design | None = None, *, file_path: str | os.PathLike | None = None, origin: str = "",
                 catalog=None, dialogs: Dialogs | None = None, autosaves: Autosaves | None = None,
                 recent: RecentFiles | None = None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("dojoMainWindow")
        self.catalog = catalog if catalog is not None else builtin_specs()
        self.dialogs = dialogs or Dialogs()
        self.autosaves = autosaves or Autosaves()
        self.recent = recent or RecentFiles()
        self.settings = settings or QSettings()
        if design is None:
            design, origin = load(example_path("exapod")), "Dojo ExaPOD example"
        self.document = DesignDocument(design, self.catalog, file_path, parent=self)
        self.document.origin = origin
        self.autosave_key = Autosaves.key_for(file_path)
        self.selection = Selection(self.document, self)
        self.analyzer = Analyzer(self.document, parent=self)
        self.overlay = "spec"

        self.scene = CanvasScene(self.document, self.selection, self)
        self.view = CanvasView(self.scene)
        self.view.setObjectName("canvasView")
        self.breadcrumbs = Breadcrumbs(self.document, self.selection)
        self.breadcrumbs.sigEnter.connect(self.view.enter)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.breadcrumbs)
        column.addWidget(self.view, 1)
        self.setCentralWidget(central)

        self.palette = PaletteWidget(self.document)
        self.outline = OutlineWidget(self.document, self.selection)
        self.inspector = InspectorWidget(self.document, self.selection)
        self.findings = FindingsWidget(self.selection)
        self.docks = {
            "palette": self._dock("Palette", "paletteDock", self.palette, Qt.LeftDockWidgetArea),
            "outline": self._dock("Outline", "outlineDock", self.outline, Qt.LeftDockWidgetArea),
            "inspector": self._dock("Inspector", "inspectorDock", self.inspector, Qt.RightDockWidgetArea),
            "findings": self._dock("Findings", "findingsDock", self.findings, Qt.BottomDockWidgetArea),
        }

        self._live: LiveSimulation | None = None  # built once the canvas is on screen (see live)

        self.palette.sigSpecActivated.connect(self.inspector.show_spec)
        self.findings.sigSpecRequested.connect(self.inspector.show_spec)
        self.inspector.sigStatus.connect(self.show_status)
        self.view.sigStatus.connect(self.show_status)
        self.view.sigZoomChanged.connect(self._on_zoom)
        self.view.sigContextMenuRequested.connect(self._context_menu)
        self.analyzer.sigReady.connect(self._on_analysis)
        self.document.sigModifiedChanged.connect(self.setWindowModified)
        self.document.sigFileChanged.connect(self._update_title)
        self.document.sigReset.connect(self._after_reset)
        self.document.sigMetaChanged.connect(self._update_title)

        # An explicit minimum keeps the layout from pushing size hints to the window system at every
        # change (which some platforms, like the offscreen one the tests use, cannot take).
        self.setMinimumSize(720, 480)
        self._build_status_bar()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._restore_settings()
        self._update_title()

        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_INTERVAL_MS)
        self.autosave_timer.timeout.connect(self.autosave_now)
        self.autosave_timer.start()
        # The first frame comes before anything else: the design is checked once it is on screen.
        self.view.sigFirstFrame.connect(self.analyzer.schedule)
        self.view.sigFirstFrame.connect(lambda: QTimer.singleShot(0, self, lambda: self.live))
        QTimer.singleShot(1000, self.analyzer, self.analyzer.schedule)  # and in any case soon, even if never shown
        self.view.fit_all()  # and the view keeps it fitted while the window takes its size

    # ----------------------------------------------------------------- building
    @property
    def live(self) -> LiveSimulation:
        """The simulation's panel, plots, runs and canvas overlays.

        Built right after the canvas's first frame, or earlier when something asks for it: its
        imports (pyqtgraph, the engines) and widgets would hold the first frame up by most of a second.
        """
        if self._live is None:
            from .live import LiveSimulation

            live = self._live = LiveSimulation(self)
            live.overlay.sigColoursChanged.connect(self._on_live_colours)
            self.menuBar().insertMenu(self.help_menu.menuAction(), live.menu)
            for dock in live.docks.values():
                self.view_menu.addAction(dock.toggleViewAction())
            for key in ("inspector", "findings"):  # the editor's docks stay in front until a run is asked for
                if self.docks[key].isVisible():
                    self.docks[key].raise_()
            live.show_overlay(self.overlay)
            log.info("simulation panel ready")
        return self._live

    def _dock(self, title: str, name: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.totals_label = QLabel()
        self.totals_label.setObjectName("totalsLabel")
        self.findings_label = QLabel("checking…")
        self.findings_label.setObjectName("findingsLabel")
        self.zoom_label = QLabel()
        for label in (self.totals_label, self.findings_label, self.zoom_label):
            bar.addPermanentWidget(label)

    def _action(self, text: str, slot, shortcut=None, icon: str | None = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(k) for k in keys])
        if icon:
            action.setIcon(standard_icon(icon))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        a = self.actions_by_name = {}
        a["open"] = self._action("&Open…", self.open_file, QKeySequence.Open, "open", "Open a project file")
        a["save"] = self._action("&Save", self.save, QKeySequence.Save, "save", "Save the project")
        a["save_as"] = self._action("Save &As…", self.save_as, QKeySequence.SaveAs, tip="Save the project under a new name")
        a["revert"] = self._action("&Revert", self.revert, None, "revert", "Go back to the saved file")
        a["export"] = self._action("&Export Picture…", self.export_picture, None, tip="Save the design as an SVG or PNG picture")
        a["export_report"] = self._action("Export &Report…", self.export_report, "Ctrl+Shift+R",
                                          tip="Write a design-review report (PDF or HTML)")
        a["export_comparison"] = self._action("Export &Comparison Report…", self.export_comparison, None,
                                              tip="A report of this design side by side with a baseline project")
        a["export_results"] = self._action("Export Results as &CSV…", self.export_results, None,
                                           tip="The saved simulation runs' key figures and series as CSV")
        a["quit"] = self._action("&Quit", self.close, QKeySequence.Quit)
        undo = self.document.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts(QKeySequence.Undo)
        undo.setIcon(standard_icon("undo"))
        redo = self.document.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts(QKeySequence.Redo)
        redo.setIcon(standard_icon("redo"))
        a["undo"], a["redo"] = undo, redo
        a["cut"] = self._action("Cu&t", self.cut, QKeySequence.Cut)
        a["copy"] = self._action("&Copy", self.copy, QKeySequence.Copy)
        a["paste"] = self._action("&Paste", self.paste, QKeySequence.Paste)
        a["duplicate"] = self._action("D&uplicate", self.duplicate, "Ctrl+D")
        a["delete"] = self._action("&Delete", self.delete, QKeySequence.Delete, "delete")
        a["select_all"] = self._action("Select &All", self.select_all, QKeySequence.SelectAll)
        a["zoom_in"] = self._action("Zoom &In", self.view.zoom_in, [QKeySequence.ZoomIn, QKeySequence("Ctrl+=")], "zoom_in")
        a["zoom_out"] = self._action("Zoom &Out", self.view.zoom_out, QKeySequence.ZoomOut, "zoom_out")
        a["fit"] = self._action("&Fit", self.view.fit_focus, "Ctrl+0", "fit", "Fit the entered container in the view")
        a["fit_room"] = self._action("Fit &Room", lambda: (self.view.enter(()), self.view.fit_all()), "Ctrl+Shift+0")
        a["up"] = self._action("&Up One Level", self.view.go_up, "Alt+Up", "up", "Leave the entered container")
        a["enter"] = self._action("&Enter", lambda: self.view.enter(self.selection.current) if self.selection.current else None,
                                  "Alt+Down", tip="Enter the selected container")
        a["labels"] = self._toggle("Show &Labels", "labels", True)
        a["ports"] = self._toggle("Show Link &Ports", "ports", True)
        a["bars"] = self._toggle("Show &Capacity Bars", "bars", True)
        a["about"] = self._action("&About dojo-gui", self.about)
        a["shortcuts"] = self._action("&Keyboard Shortcuts", self.show_shortcuts, QKeySequence.HelpContents)
        for action in a.values():
            self.addAction(action)  # shortcuts work wherever the focus is in the window

    def _toggle(self, text: str, key: str, default: bool) -> QAction:
        action = QAction(text, self)
        action.setCheckable(True)
        action.setChecked(default)
        action.toggled.connect(lambda on: self.scene.set_paint_state(**{key: on}))
        return action

    def _build_menus(self) -> None:
        a = self.actions_by_name
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.template_menu = file_menu.addMenu("&New from Template")
        for template in TEMPLATES.values():
            action = self.template_menu.addAction(template.title)
            action.setObjectName(f"template-{template.name}")
            action.triggered.connect(lambda _c=False, name=template.name: self.new_from_template(name))
        a["new"] = self._action("&New ExaPOD", lambda: self.new_from_template("exapod"), QKeySequence.New, "new",
                                "A new project from the ExaPOD template")
        file_menu.addAction(a["open"])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        for key in ("save", "save_as", "revert"):
            file_menu.addAction(a[key])
        file_menu.addSeparator()
        for key in ("export_report", "export_comparison", "export", "export_results"):
            file_menu.addAction(a[key])
        file_menu.addSeparator()
        file_menu.addAction(a["quit"])

        edit = bar.addMenu("&Edit")
        for key in ("undo", "redo", None, "cut", "copy", "paste", "duplicate", "delete", None, "select_all"):
            edit.addSeparator() if key is None else edit.addAction(a[key])
        self.fill_menu = edit.addMenu("&Fill Empty Slots With")
        self.fill_menu.aboutToShow.connect(lambda: self._fill_fill_menu(self.fill_menu, None))

        view = bar.addMenu("&View")
        for key in ("zoom_in", "zoom_out", "fit", "fit_room", None, "enter", "up", None):
            view.addSeparator() if key is None else view.addAction(a[key])
        colour_menu = view.addMenu("&Colour By")
        self.overlay_group = QActionGroup(self)
        self.overlay_actions: dict[str, QAction] = {}
        for key, title in OVERLAYS.items():
            action = colour_menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(key == "spec")
            action.triggered.connect(lambda _c=False, k=key: self.set_overlay(k))
            self.overlay_group.addAction(action)
            self.overlay_actions[key] = action
        for key in ("labels", "ports", "bars"):
            view.addAction(a[key])
        view.addSeparator()
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())

        self.view_menu = view
        help_menu = self.help_menu = bar.addMenu("&Help")
        help_menu.addAction(a["shortcuts"])
        help_menu.addAction(a["about"])

    def _build_toolbar(self) -> None:
        a = self.actions_by_name
        bar = self.addToolBar("Main")
        bar.setObjectName("mainToolBar")
        for key in ("new", "open", "save", None, "undo", "redo", None, "delete", None, "zoom_in", "zoom_out", "fit", "up"):
            bar.addSeparator() if key is None else bar.addAction(a[key])
        bar.addSeparator()
        bar.addWidget(QLabel(" Colour by "))
        self.overlay_combo = QComboBox()
        self.overlay_combo.setObjectName("overlayCombo")
        for key, title in OVERLAYS.items():
            self.overlay_combo.addItem(title, key)
        self.overlay_combo.currentIndexChanged.connect(lambda i: self.set_overlay(self.overlay_combo.itemData(i)))
        bar.addWidget(self.overlay_combo)

    # ----------------------------------------------------------------- settings
    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1440, 900)
        state = self.settings.value("window/state")
        self.state_restored = state is not None and self.restoreState(state)
        if not self.state_restored:  # first start: most of the room for the canvas
            self.resizeDocks([self.docks["palette"], self.docks["inspector"]], [300, 350], Qt.Horizontal)
            self.resizeDocks([self.docks["findings"]], [150], Qt.Vertical)
        for key in ("labels", "ports", "bars"):
            value = self.settings.value(f"view/{key}")
            if value is not None:
                self.actions_by_name[key].setChecked(str(value).lower() in ("true", "1"))
        overlay = self.settings.value("view/overlay")
        if overlay in OVERLAYS:
            self.set_overlay(overlay)

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        for key in ("labels", "ports", "bars"):
            self.settings.setValue(f"view/{key}", self.actions_by_name[key].isChecked())
        self.settings.setValue("view/overlay", self.overlay)
        self.settings.sync()

    # ----------------------------------------------------------------- status and title
    def show_status(self, text: str, timeout_ms: int = 0) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def _update_title(self) -> None:
        name = self.document.design.name
        title = self.document.title()
        self.setWindowTitle(f"{title}[*] — {name} — dojo-gui" if name else f"{title}[*] — dojo-gui")
        self.setWindowModified(self.document.modified)
        self.actions_by_name["revert"].setEnabled(self.document.file_path is not None)

    def _on_zoom(self, scale: float) -> None:
        self.zoom_label.setText(f"chip {scale * 10:.3g} px")

    def _on_analysis(self, analysis: Analysis) -> None:
        self.scene.set_paint_state(summaries=analysis.summaries, severities=analysis.severities)
        self.inspector.set_analysis(analysis)
        self.findings.set_analysis(analysis)
        counts = analysis.counts()
        self.findings_label.setText(f"{counts['error']} errors · {counts['warning']} warnings")
        room = analysis.summaries.get(())
        if room is not None:
            peak = max(room.peak_flops.values()) if room.peak_flops else 0.0
            self.totals_label.setText(f"{room.chips:,} chips · {units.format(peak, 'FLOPS')} peak · "
                                      f"{units.format(room.max_power_w, 'W')} at full load")
        if self.overlay != "spec" and self.overlay not in LIVE_OVERLAYS:
            self.scene.set_colours(overlay_colours(self.overlay, analysis))

    def set_overlay(self, key: str) -> None:
        self.overlay = key
        self.overlay_actions[key].setChecked(True)
        index = self.overlay_combo.findData(key)
        if self.overlay_combo.currentIndex() != index:
            self.overlay_combo.setCurrentIndex(index)
        if self._live is not None or key in LIVE_OVERLAYS:
            self.live.show_overlay(key)
        self.scene.set_colours(self.live.colours() if key in LIVE_OVERLAYS else overlay_colours(key, self.analyzer.latest))

    def _on_live_colours(self) -> None:
        if self.overlay in LIVE_OVERLAYS:
            self.scene.set_colours(self.live.colours())

    def _after_reset(self) -> None:
        """Another design: results about the old one must not show against the new one's parts."""
        self.analyzer.latest = None
        self.scene.set_paint_state(summaries=None, severities=None)
        if self.overlay != "spec" and self.overlay not in LIVE_OVERLAYS:
            self.scene.set_colours(None)
        self.inspector.analysis = None
        self.findings.clear()
        self.findings_label.setText("checking…")
        self.totals_label.setText("")
        self.view.fit_all()
        self._update_title()

    # ----------------------------------------------------------------- files
    def maybe_save(self) -> bool:
        """Ask to save a modified project; False means the user cancelled."""
        if not self.document.modified:
            return True
        answer = self.dialogs.ask_save_changes(self, self.document.title())
        if answer == "save":
            return self.save()
        return answer == "discard"

    def _folder(self) -> str:
        if self.document.file_path is not None:
            return str(self.document.file_path.parent)
        recent = self.recent.existing()
        return str(recent[0].parent) if recent else str(Path.home())

    def open_file(self) -> None:
        if not self.maybe_save():
            return
        path = self.dialogs.open_file(self, self._folder())
        if path:
            self.open_path(path, asked=True)

    def open_path(self, path: str | os.PathLike, *, asked: bool = False) -> bool:
        """Open a project file into this window; a file that cannot be read changes nothing."""
        if not asked and not self.maybe_save():
            return False
        try:
            design = load(path)
        except ProjectFileError as exc:
            self.dialogs.show_error(self, "Cannot open the project", str(exc))
            self.show_status(f"Not opened: {exc}", 15000)
            return False
        self._leave_current()
        self.document.replace(design, path)
        self.autosave_key = Autosaves.key_for(path)
        self.recent.add(path)
        self.show_status(f"Opened {path}", 5000)
        self._offer_recovery(only=self.autosave_key)
        return True

    def open_example(self, name: str) -> bool:
        """Open a bundled example as an untitled copy, so saving asks where (the package's files stay as they are)."""
        try:
            design = load(example_path(name))
        except (FileNotFoundError, ProjectFileError) as exc:
            self.dialogs.show_error(self, "Cannot open the example", str(exc))
            return False
        self._leave_current()
        self.document.replace(design, None, origin=f"{design.name} example")
        self.autosave_key = Autosaves.key_for(None)
        return True

    def new_from_template(self, name: str) -> None:
        if not self.maybe_save():
            return
        template = TEMPLATES[name]
        self._leave_current()
        self.document.replace(template.make(self.catalog), None, origin=template.title.split(" (")[0])
        self.autosave_key = Autosaves.key_for(None)

    def _leave_current(self) -> None:
        """The current project is being replaced (saved or knowingly discarded): its autosave goes too."""
        self.autosaves.discard(self.autosave_key)

    def save(self) -> bool:
        if self.document.file_path is None:
            return self.save_as()
        return self._save_to(self.document.file_path)

    def save_as(self) -> bool:
        suggested = str(self.document.file_path or Path(self._folder()) / f"{_file_stem(self.document.design.name)}.dojo")
        path = self.dialogs.save_file(self, suggested)
        if not path:
            return False
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        try:
            inside = Path(path).resolve().is_relative_to(resource_dir().resolve())
        except OSError:
            inside = False
        if inside:
            self.dialogs.show_error(self, "Cannot save here", f"{path} is inside dojo-gui's own resources; "
                                    "save the project somewhere of your own.")
            return False
        old_key = self.autosave_key
        try:
            self.document.save(path)
        except (OSError, ProjectFileError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.dialogs.show_error(self, "Cannot save the project", f"{path}: {reason}")
            return False
        self.autosaves.discard(old_key)
        self.autosave_key = Autosaves.key_for(path)
        self.autosaves.discard(self.autosave_key)
        self.recent.add(path)
        self._update_title()
        self.show_status(f"Saved {path}", 5000)
        return True

    def revert(self) -> None:
        path = self.document.file_path
        if path is None:
            return
        if self.document.modified and not self.dialogs.confirm(
                self, "Revert", f"Discard your changes and go back to the saved {path.name}?"):
            return
        try:
            design = load(path)
        except ProjectFileError as exc:
            self.dialogs.show_error(self, "Cannot revert", str(exc))
            return
        self._leave_current()
        self.document.replace(design, path)
        self.show_status(f"Reverted to {path}", 5000)

    def export_picture(self) -> None:
        from ..report.export import export_picture

        suggested = str(Path(self._folder()) / f"{_file_stem(self.document.design.name)}.svg")
        path = self.dialogs.export_file(self, suggested, "SVG pictures (*.svg);;PNG pictures (*.png)")
        if not path:
            return
        focus = self.selection.focus
        size = (2400, 1400) if path.lower().endswith(".png") else (1600, 900)
        try:
            export_picture(self.document.design, path, width=size[0], height=size[1], colours=self.scene.colours,
                           part=focus, state=self.scene.paint_state)
        except (OSError, ValueError) as exc:
            self.dialogs.show_error(self, "Cannot export", str(exc))
            return
        self.show_status(f"Exported {format_path(focus)} to {path}", 5000)

    def export_report(self, baseline: Path | None = None) -> None:
        """Write the design-review report of the open design (compared with ``baseline`` when given)."""
        from ..report import export_report
        from ..report.output import ReportWriteError

        stem = _file_stem(self.document.design.name) + ("-comparison" if baseline else "-review")
        suggested = str(Path(self._folder()) / f"{stem}.pdf")
        path = self.dialogs.export_file(self, suggested, "PDF reports (*.pdf);;HTML reports (*.html)")
        if not path:
            return
        other = None
        if baseline is not None:
            try:
                other = load(baseline)
            except ProjectFileError as exc:
                self.dialogs.show_error(self, "Cannot read the baseline", str(exc))
                return
        target = {"html": path} if path.lower().endswith((".html", ".htm")) else {"pdf": path}
        source = str(self.document.file_path) if self.document.file_path else self.document.title()
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            export_report(self.document.design, source=source, other=other,
                          other_source=str(baseline) if baseline else "", **target)
        except (ReportWriteError, OSError) as exc:
            self.dialogs.show_error(self, "Cannot write the report", str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.show_status(f"Report written to {path}", 5000)

    def export_comparison(self) -> None:
        baseline = self.dialogs.open_file(self, self._folder())
        if baseline:
            self.export_report(Path(baseline))

    def export_results(self) -> None:
        from ..report.export import write_results_csv

        records = list(self.document.design.runs)
        if not records:
            self.dialogs.show_error(self, "No results to export",
                                    "This project keeps no simulation runs yet. Run a simulation and keep it first.")
            return
        suggested = str(Path(self._folder()) / f"{_file_stem(self.document.design.name)}-results.csv")
        path = self.dialogs.export_file(self, suggested, "CSV tables (*.csv)")
        if not path:
            return
        try:
            written = write_results_csv(records, path)
        except OSError as exc:
            self.dialogs.show_error(self, "Cannot export", str(exc))
            return
        self.show_status(f"Exported {len(records)} runs to {len(written)} CSV files beside {path}", 5000)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = self.recent.existing()
        for path in paths:
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda _c=False, p=path: self.open_path(p))
        if not paths:
            self.recent_menu.addAction("No recent files").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear the List", self.recent.clear)

    # ----------------------------------------------------------------- autosave and recovery
    def autosave_now(self) -> Path | None:
        """Write the project to the autosave folder if it has unsaved changes."""
        if not self.document.modified:
            return None
        try:
            return self.autosaves.write(self.autosave_key, self.document.design, self.document.file_path)
        except (OSError, ProjectFileError) as exc:
            self.show_status(f"Autosave failed: {exc}", 10000)
            return None

    def offer_recovery(self) -> None:
        """At start: offer to recover autosaves newer than their files."""
        self._offer_recovery(None)

    def _offer_recovery(self, only: str | None) -> None:
        candidates = [a for a in self.autosaves.recoverable(exclude={self.autosave_key} if only is None else set())
                      if only is None or a.key == only]
        if not candidates:
            return
        answer, chosen = self.dialogs.ask_recover(self, candidates)
        if answer == "discard":
            for autosave in candidates:
                self.autosaves.discard(autosave.key)
            return
        if answer != "recover" or chosen is None:
            return
        try:
            design = load(chosen.copy)
        except ProjectFileError as exc:
            self.dialogs.show_error(self, "Cannot recover", f"The autosave cannot be read: {exc}")
            self.autosaves.discard(chosen.key)
            return
        if chosen.key != self.autosave_key:
            self.autosaves.discard(self.autosave_key)
        self.document.replace(design, chosen.original, origin="recovered", modified=True)
        self.autosave_key = chosen.key
        self.show_status(f"Recovered unsaved work from {chosen.describe()}", 10000)

    # ----------------------------------------------------------------- edit menu
    def _selected_siblings(self) -> list[PartPath]:
        paths = [p for p in self.selection.paths if p and self.document.design.find(p) is not None]
        if not paths:
            return []
        anchor = self.selection.current if self.selection.current in paths else paths[0]
        return [p for p in paths if p[:-1] == anchor[:-1]]

    def copy(self) -> bool:
        paths = self._selected_siblings()
        if not paths:
            self.show_status("Select parts to copy", 4000)
            return False
        QApplication.clipboard().setMimeData(parts_mime(self.document.design, paths))
        self.show_status(f"Copied {len(paths)} part{'s' if len(paths) > 1 else ''}", 4000)
        return True

    def cut(self) -> None:
        if self.copy():
            self.delete()

    def paste_target(self, level: str) -> PartPath | None:
        """The container a pasted part of ``level`` goes into: the selected one, or the one in view."""
        design = self.document.design
        for path in ([self.selection.current] if self.selection.current is not None else []) + [self.selection.focus]:
            while path is not None:
                part = design.find(path)
                if part is not None and CHILD_LEVEL.get(part.level) == level:
                    return path
                path = path[:-1] if path else None
        return () if level == "cabinet" else None

    def paste(self) -> None:
        try:
            parts, specs = parts_from_mime(QApplication.clipboard().mimeData())
        except MimeError as exc:
            self.show_status(f"Nothing pasted: {exc}", 8000)
            return
        self._place_copies(parts, specs, self.paste_target(parts[0].level), "Pasted")

    def duplicate(self) -> None:
        paths = self._selected_siblings()
        if not paths:
            self.show_status("Select parts to duplicate", 4000)
            return
        design = self.document.design
        parts = [design.part(p).clone() for p in paths]
        self._place_copies(parts, {}, paths[0][:-1], "Duplicated")

    def _place_copies(self, parts, specs, target: PartPath | None, verb: str) -> None:
        if target is None:
            self.show_status(f"Nothing pasted: select a container that holds {parts[0].level}s", 8000)
            return
        try:
            new = self.document.paste(target, parts, specs)
        except EditRefused as exc:
            self.show_status(f"Nothing pasted: {exc}", 8000)
            return
        self.selection.select_and_focus(new, reveal=True)
        self.show_status(f"{verb} {len(new)} part{'s' if len(new) > 1 else ''} into {format_path(target)}", 5000)

    def delete(self) -> None:
        paths = [p for p in self.selection.paths if p]
        if not paths:
            self.show_status("Select parts to delete", 4000)
            return
        try:
            n = self.document.remove(paths)
            self.show_status(f"Removed {n} part{'s' if n > 1 else ''} (Undo brings {'them' if n > 1 else 'it'} back)", 5000)
        except EditRefused as exc:
            self.show_status(f"Nothing removed: {exc}", 6000)

    def select_all(self) -> None:
        focus = self.selection.focus
        part = self.document.design.find(focus)
        if part is not None:
            self.selection.set([focus + (slot,) for slot in sorted(part.children)])

    def fill_target(self) -> PartPath:
        current = self.selection.current
        part = self.document.design.find(current) if current is not None else None
        if part is not None and CHILD_LEVEL.get(part.level):
            return current
        return self.selection.focus

    def _fill_fill_menu(self, menu: QMenu, target: PartPath | None) -> None:
        menu.clear()
        target = self.fill_target() if target is None else target
        design = self.document.design
        part = design.find(target)
        empty = design.empty_slots(part) if part is not None else []
        if not empty:
            menu.addAction(f"{format_path(target)} has no empty slot").setEnabled(False)
            return
        level = CHILD_LEVEL[part.level]
        options = [s for s in self.document.lookup().values() if s.level == level and accepting_slots(design, part, s)]
        if not options:
            menu.addAction(f"No {level} spec fits {format_path(target)}").setEnabled(False)
        for spec in sorted(options, key=lambda s: (s.id not in design.specs, spec_title(s).lower())):
            action = menu.addAction(spec_icon(spec), f"{spec_title(spec)}  ({len(accepting_slots(design, part, spec))} slots)")
            action.triggered.connect(lambda _c=False, sid=spec.id, t=target: self.fill_empty(t, sid))

    def fill_empty(self, target: PartPath, spec_id: str) -> None:
        try:
            n = self.document.fill_empty(target, spec_id)
            self.show_status(f"Filled {n} empty slots of {format_path(target)}", 5000)
        except EditRefused as exc:
            self.show_status(f"Not filled: {exc}", 8000)

    def _context_menu(self, path: PartPath, global_pos) -> None:
        self.build_context_menu(path).popup(global_pos)

    def build_context_menu(self, path: PartPath) -> QMenu:
        menu = QMenu(self)
        part = self.document.design.find(path)
        a = self.actions_by_name
        if part is not None and CHILD_LEVEL.get(part.level):
            menu.addAction(f"Enter {part.name or format_path(path)}", lambda: self.view.enter(path))
            fill = menu.addMenu("Fill Empty Slots With")
            self._fill_fill_menu(fill, path)
            menu.addSeparator()
        for key in ("cut", "copy", "paste", "duplicate", "delete"):
            menu.addAction(a[key])
        if self.selection.focus:
            menu.addSeparator()
            menu.addAction(a["up"])
        return menu

    # ----------------------------------------------------------------- help
    def about(self) -> None:
        self.dialogs.show_about(self, f"<b>dojo-gui {__version__}</b><p>Design AI-training supercomputers the way "
                                      "Tesla's Dojo is built: chips in training tiles, tiles in cabinets, cabinets in a "
                                      "room — and see at once what breaks a budget.</p>")

    def shortcut_rows(self) -> list[tuple[str, str]]:
        rows = []
        for action in self.actions_by_name.values():
            keys = ", ".join(shortcut_text(k) for k in action.shortcuts())
            if keys:
                rows.append((action.text().replace("&", ""), keys))
        rows += [("Zoom", "Mouse wheel"), ("Pan", "Middle button drag, or Space + drag, or arrow keys"),
                 ("Select several", "Ctrl+click, or drag a rectangle on empty space"),
                 ("Enter a container", "Double-click, or Enter"), ("Go up a level", "Backspace or Esc"),
                 ("Move parts", "Drag selected parts (cabinets snap to the floor grid)"),
                 ("Add a part", "Drag a spec from the palette onto an empty slot")]
        return rows

    def show_shortcuts(self) -> None:
        self.dialogs.show_shortcuts(self, self.shortcut_rows())

    # ----------------------------------------------------------------- closing
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self.save_settings()
        self.autosave_timer.stop()
        self._leave_current()
        self.analyzer.shutdown()
        if self._live is not None:
            self._live.shutdown()
        event.accept()


def _file_stem(name: str) -> str:
    stem = "".join(c if c.isalnum() or c in "-_ " else "-" for c in (name or "design")).strip().replace(" ", "-")
    return stem.lower() or "design"
