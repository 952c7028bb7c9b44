"""The main window: menus, toolbar, docks, status bar and settings.

The window owns one :class:`DesignDocument` and the widgets that show it; all edits go
through the document.  It composes the editor's widgets and, once the canvas is on screen,
the simulation's (:attr:`MainWindow.live`).  What the File and Edit menus do is in the
controllers it owns, each with the actions it serves: :attr:`~MainWindow.files`
(:mod:`.project_files`), :attr:`~MainWindow.autosave` (:mod:`.autosave`),
:attr:`~MainWindow.export` (:mod:`.export`), :attr:`~MainWindow.clipboard`
(:mod:`.clipboard`), :attr:`~MainWindow.fill` (:mod:`.fill`) and :attr:`~MainWindow.sweeps` (:mod:`.sweeping`,
the Sweeps panel).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QComboBox, QDockWidget, QLabel, QMainWindow, QMenu, QVBoxLayout, QWidget

from ... import __version__, units
from ...io.catalog import builtin_specs, example_path
from ...io.project import load
from ...jobs.analysis import Analysis
from ...model.design import Design, PartPath, format_path
from ...model.specs import CHILD_LEVEL, AnySpec
from ...model.templates import TEMPLATES
from ...text import count
from ..editor.analysis import Analyzer
from ..editor.breadcrumbs import Breadcrumbs
from ..editor.canvas import CanvasScene, CanvasView
from ..editor.findings import FindingsWidget
from ..editor.icons import standard_icon
from ..editor.inspector import InspectorWidget
from ..editor.outline import OutlineWidget
from ..editor.overlays import ANALYSIS_OVERLAYS, overlay_colours, overlay_legend
from ..editor.palette import PaletteWidget
from ..editor.selection import Selection
from ..project.document import DesignDocument
from ..simulation.legend import CanvasLegend
from ..simulation.liveoverlay import LIVE_OVERLAYS
from .autosave import AutosaveController
from .clipboard import ClipboardController
from .dialogs import WindowDialogs, shortcut_text
from .export import ExportController
from .files import Autosaves, RecentFiles
from .fill import FillController
from .logs import setup_logging
from .project_files import FileController
from .sweeping import SweepsController

if TYPE_CHECKING:
    from ..simulation.live import LiveSimulation

OVERLAYS = {**ANALYSIS_OVERLAYS, **LIVE_OVERLAYS}  # View > Colour by: the design check's, then a simulation's
VIEW_TOGGLES = ("labels", "ports", "links", "bars", "legend")  # View's checkable actions, remembered in the settings
# A key sequence as QKeySequence takes it: text ("Ctrl+D"), a standard key, or a sequence.
Shortcut = str | QKeySequence | QKeySequence.StandardKey
MAXIMISE_BELOW = (1600, 900)  # a first window on a screen with less room than this (available pixels) is maximised
# The docks whose panels are built after the window: (object name, title, area).
LATER_DOCKS = (
    ("simulationDock", "Simulation", Qt.DockWidgetArea.RightDockWidgetArea),
    ("thermalPlotsDock", "Power and Cooling", Qt.DockWidgetArea.BottomDockWidgetArea),
    ("linkMapDock", "Fabric Load", Qt.DockWidgetArea.BottomDockWidgetArea),
    ("trainingDock", "Training", Qt.DockWidgetArea.BottomDockWidgetArea),
    ("runsDock", "Runs", Qt.DockWidgetArea.BottomDockWidgetArea),
    ("sweepsDock", "Sweeps", Qt.DockWidgetArea.BottomDockWidgetArea),
)
log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    # Whether the simulation's panels are built right after the first frame (else on first use of ``live``):
    # tests of the editor alone turn it off, the panels cost half a second a window.
    build_later_panels = True

    def __init__(self, design: Design | None = None, *, file_path: str | os.PathLike[str] | None = None,
                 origin: str = "", catalog: dict[str, AnySpec] | None = None, dialogs: WindowDialogs | None = None,
                 autosaves: Autosaves | None = None, recent: RecentFiles | None = None,
                 settings: QSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("dojoMainWindow")
        self.catalog = catalog if catalog is not None else builtin_specs()
        self.dialogs = dialogs or WindowDialogs()
        self.settings = settings or QSettings()
        if design is None:
            design, origin = load(example_path("exapod")), "Dojo ExaPOD example"
        self.document = DesignDocument(design, self.catalog, file_path, parent=self)
        self.document.origin = origin
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
        self.legend = CanvasLegend(self.view)  # what the canvas's colours mean, whichever overlay made them

        self.palette_panel = PaletteWidget(self.document)
        self.outline = OutlineWidget(self.document, self.selection)
        self.inspector = InspectorWidget(self.document, self.selection)
        self.findings = FindingsWidget(self.selection)
        areas = Qt.DockWidgetArea
        self.docks = {
            "palette": self._dock("Palette", "paletteDock", self.palette_panel, areas.LeftDockWidgetArea),
            "outline": self._dock("Outline", "outlineDock", self.outline, areas.LeftDockWidgetArea),
            "inspector": self._dock("Inspector", "inspectorDock", self.inspector, areas.RightDockWidgetArea),
            "findings": self._dock("Findings", "findingsDock", self.findings, areas.BottomDockWidgetArea),
        }

        # The docks of the panels built later (the simulation's right after the first frame, the sweeps' on first
        # use) exist, empty and hidden, from the start: the saved window state puts them where the user left them.
        # (Placing a dock made after restoreState with restoreDockWidget crashes Qt 6.11 when its tab group is
        # the inspector's.)
        self.later_docks = {name: self._dock(title, name, None, area) for name, title, area in LATER_DOCKS}
        for dock in self.later_docks.values():
            dock.hide()
        self.later_docks["sweepsDock"].visibilityChanged.connect(self._on_sweeps_dock_visible)
        self._live: LiveSimulation | None = None  # built once the canvas is on screen (see live)

        self.palette_panel.sigSpecActivated.connect(self.inspector.show_spec)
        self.findings.sigSpecRequested.connect(self.inspector.show_spec)
        self.inspector.sigStatus.connect(self.show_status)
        self.view.sigStatus.connect(self.show_status)
        self.view.sigZoomChanged.connect(self._on_zoom)
        self.view.sigContextMenuRequested.connect(self._context_menu)
        self.analyzer.sigReady.connect(self._on_analysis)
        self.document.sigModifiedChanged.connect(self.setWindowModified)
        self.document.sigFileChanged.connect(self.update_title)
        self.document.sigReset.connect(self._after_reset)
        self.document.sigMetaChanged.connect(self.update_title)

        self.files = FileController(self, recent or RecentFiles())
        self.autosave = AutosaveController(self, autosaves or Autosaves(), file_path)
        self.export = ExportController(self)
        self.clipboard = ClipboardController(self)
        self.fill = FillController(self)
        self.sweeps = SweepsController(self)

        # An explicit minimum keeps the layout from pushing size hints to the window system at every
        # change (which some platforms, like the offscreen one the tests use, cannot take).
        self.setMinimumSize(720, 480)
        self._build_status_bar()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._restore_settings()
        self.update_title()

        # The first frame comes before anything else: the design is checked once it is on screen.
        self.view.sigFirstFrame.connect(self.analyzer.schedule)
        if self.build_later_panels:
            self.view.sigFirstFrame.connect(lambda: QTimer.singleShot(0, self, self._build_later_panels))
        QTimer.singleShot(1000, self.analyzer, self.analyzer.schedule)  # and in any case soon, even if never shown
        self.view.fit_all()  # and the view keeps it fitted while the window takes its size
        self.setAcceptDrops(True)  # a project file dropped from a file manager opens here

    # ----------------------------------------------------------------- building
    def _build_later_panels(self) -> None:
        """The simulation's panels (built on access)."""
        self.live  # noqa: B018

    def _on_sweeps_dock_visible(self, visible: bool) -> None:
        """The Sweeps dock came into view (the saved state had it open, or its tab was picked): its panel,
        built once the event that showed it is over."""
        if visible and self.sweeps.dock is None:
            QTimer.singleShot(0, self, lambda: self.sweeps.panel)

    @property
    def live(self) -> LiveSimulation:
        """The simulation's panel, plots, runs and canvas overlays.

        Built right after the canvas's first frame, or earlier when something asks for it: its
        imports (pyqtgraph, the engines) and widgets would hold the first frame up by most of a second.
        """
        if self._live is None:
            from ..simulation.live import LiveSimulation

            live = self._live = LiveSimulation(self, log_file=setup_logging())
            live.overlay.sigColoursChanged.connect(self._on_live_colours)
            live.overlay.sigLegendChanged.connect(self.update_legend)
            live.menu.addSeparator()
            live.menu.addAction(self.sweeps.actions["sweeps"])
            self.menuBar().insertMenu(self.help_menu.menuAction(), live.menu)
            for dock in live.docks.values():
                self.view_menu.addAction(dock.toggleViewAction())
            for key in ("inspector", "findings"):  # the editor's docks stay in front until a run is asked for
                if self.docks[key].isVisible():
                    self.docks[key].raise_()
            if not self.state_restored:
                self.first_start_docks()
            live.show_overlay(self.overlay)
            log.info("simulation panel ready")
        return self._live

    def _dock(self, title: str, name: str, widget: QWidget | None, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        if widget is not None:
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

    def make_action(self, text: str, slot: Callable[[], object], shortcut: Shortcut | list[Shortcut] | None = None,
                    icon: str | None = None, tip: str = "") -> QAction:
        """An action of this window (its controllers' and the simulation's too); ``shortcut`` is one key
        sequence or a list of them (the first is the one menus show)."""
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
        a: dict[str, QAction] = {}
        self.actions_by_name = a
        a.update(self.files.actions)
        a.update(self.export.actions)
        a["quit"] = self.make_action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        undo = self.document.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts(QKeySequence.StandardKey.Undo)
        undo.setIcon(standard_icon("undo"))
        redo = self.document.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts(QKeySequence.StandardKey.Redo)
        redo.setIcon(standard_icon("redo"))
        a["undo"], a["redo"] = undo, redo
        a.update(self.clipboard.actions)
        a.update(self.sweeps.actions)
        a["select_all"] = self.make_action("Select &All", self.select_all, QKeySequence.StandardKey.SelectAll)
        view = self.view
        a["zoom_in"] = self.make_action("Zoom &In", view.zoom_in,
                                        [QKeySequence.StandardKey.ZoomIn, QKeySequence("Ctrl+=")], "zoom_in")
        a["zoom_out"] = self.make_action("Zoom &Out", view.zoom_out, QKeySequence.StandardKey.ZoomOut, "zoom_out")
        a["fit"] = self.make_action("&Fit", view.fit_focus, "Ctrl+0", "fit", "Fit the entered container in the view")
        a["fit_room"] = self.make_action("Fit &Room", self._fit_room, "Ctrl+Shift+0")
        a["up"] = self.make_action("&Up One Level", view.go_up, "Alt+Up", "up", "Leave the entered container")
        a["enter"] = self.make_action("&Enter",
                                      lambda: view.enter(self.selection.current) if self.selection.current else None,
                                      "Alt+Down", tip="Enter the selected container")
        a["labels"] = self._toggle("Show &Labels", "labels", True)
        a["ports"] = self._toggle("Show Link &Ports", "ports", True)
        a["links"] = self._toggle("Show Lin&ks and Bandwidths", "links", True)
        a["links"].setStatusTip("Draw the links between chips, tiles and cabinets, as wide as their bandwidth")
        a["bars"] = self._toggle("Show &Capacity Bars", "bars", True)
        a["legend"] = QAction("Show Colour Le&gend", self)
        a["legend"].setCheckable(True)
        a["legend"].setChecked(True)
        a["legend"].toggled.connect(lambda _on: self.update_legend())
        a["about"] = self.make_action("&About dojo-gui", self.about)
        a["shortcuts"] = self.make_action("&Keyboard Shortcuts", self.show_shortcuts,
                                          QKeySequence.StandardKey.HelpContents)
        for action in a.values():
            self.addAction(action)  # shortcuts work wherever the focus is in the window

    def _fit_room(self) -> None:
        self.view.enter(())
        self.view.fit_all()

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
            action.triggered.connect(lambda _c=False, name=template.name: self.files.new_from_template(name))
        file_menu.addAction(a["open"])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(lambda: self.files.populate_recent(self.recent_menu))
        file_menu.addSeparator()
        for key in ("save", "save_as", "revert"):
            file_menu.addAction(a[key])
        file_menu.addSeparator()
        for key in ("export_report", "export_comparison", "export", "export_results"):
            file_menu.addAction(a[key])
        file_menu.addSeparator()
        file_menu.addAction(a["quit"])

        edit = bar.addMenu("&Edit")
        for entry in ("undo", "redo", None, "cut", "copy", "paste", "duplicate", "delete", None, "select_all"):
            edit.addSeparator() if entry is None else edit.addAction(a[entry])
        self.fill_menu = edit.addMenu("&Fill Empty Slots With")
        self.fill_menu.aboutToShow.connect(lambda: self.fill.populate(self.fill_menu, None))

        view = bar.addMenu("&View")
        for entry in ("zoom_in", "zoom_out", "fit", "fit_room", None, "enter", "up", None):
            view.addSeparator() if entry is None else view.addAction(a[entry])
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
        for key in VIEW_TOGGLES:
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
        for key in ("new", "open", "save", None, "undo", "redo", None, "delete", None,
                    "zoom_in", "zoom_out", "fit", "up"):
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
        self.start_maximized = False  # how the app shows the window the first time (see app.open_windows)
        if geometry is None or not self.restoreGeometry(geometry):
            self._first_start_geometry()
        state = self.settings.value("window/state")
        self.state_restored = state is not None and self.restoreState(state)
        if not self.state_restored:
            self.first_start_docks()
        for key in VIEW_TOGGLES:
            value = self.settings.value(f"view/{key}")
            if value is not None:
                self.actions_by_name[key].setChecked(str(value).lower() in ("true", "1"))
        overlay = self.settings.value("view/overlay")
        if overlay in OVERLAYS:
            self.set_overlay(overlay)

    def _first_start_geometry(self) -> None:
        """No saved geometry: most of the screen's available area, centred; all of it (maximised) on a screen
        smaller than :data:`MAXIMISE_BELOW`."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry()
        width, height = int(available.width() * 0.9), int(available.height() * 0.9)
        self.resize(max(width, self.minimumWidth()), max(height, self.minimumHeight()))
        # move() places the frame; its title bar is not known before the window is shown, hence the nudge up.
        self.move(available.x() + (available.width() - width) // 2,
                  available.y() + max(0, (available.height() - height) // 2 - 16))
        self.start_maximized = available.width() < MAXIMISE_BELOW[0] or available.height() < MAXIMISE_BELOW[1]

    def first_start_docks(self) -> None:
        """The docks' first sizes, as a share of the window: the canvas gets most of it, the findings panel (empty
        until the design check has run) a strip; again once the simulation's docks have joined them."""
        width, height = self.width(), self.height()
        palette = min(max(int(width * 0.19), 240), 320)
        inspector = min(max(int(width * 0.23), 300), 380)
        self.resizeDocks([self.docks["palette"], self.docks["inspector"]], [palette, inspector],
                         Qt.Orientation.Horizontal)
        bottom = max(self.docks["findings"].minimumSizeHint().height(), int(height * 0.15))
        self.resizeDocks([self.docks["findings"]], [bottom], Qt.Orientation.Vertical)

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        for key in VIEW_TOGGLES:
            self.settings.setValue(f"view/{key}", self.actions_by_name[key].isChecked())
        self.settings.setValue("view/overlay", self.overlay)
        self.settings.sync()

    # ----------------------------------------------------------------- status and title
    def show_status(self, text: str, timeout_ms: int = 0) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def update_title(self) -> None:
        name = self.document.design.name
        title = self.document.title()
        self.setWindowTitle(f"{title}[*] — {name} — dojo-gui" if name else f"{title}[*] — dojo-gui")
        self.setWindowModified(self.document.modified)
        self.actions_by_name["revert"].setEnabled(self.document.file_path is not None)

    def _on_zoom(self, scale: float) -> None:
        self.zoom_label.setText(f"chip {scale * 10:.3g} px")

    def _on_analysis(self, analysis: Analysis) -> None:
        self.scene.set_paint_state(summaries=analysis.summaries, severities=analysis.severities)
        self.scene.set_links(analysis.links)
        self.inspector.set_analysis(analysis)
        self.findings.set_analysis(analysis)
        counts = analysis.counts()
        self.findings_label.setText(f"{count(counts['error'], 'error')} · {count(counts['warning'], 'warning')}")
        room = analysis.summaries.get(())
        if room is not None:
            peak = max(room.peak_flops.values()) if room.peak_flops else 0.0
            self.totals_label.setText(f"{count(room.chips, 'chip')} · {units.format(peak, 'FLOPS')} peak · "
                                      f"{units.format(room.max_power_w, 'W')} at full load")
        if self.overlay != "spec" and self.overlay not in LIVE_OVERLAYS:
            self.scene.set_colours(overlay_colours(self.overlay, analysis))
        if self.overlay not in LIVE_OVERLAYS:
            self.update_legend()

    def set_overlay(self, key: str) -> None:
        self.overlay = key
        self.overlay_actions[key].setChecked(True)
        index = self.overlay_combo.findData(key)
        if self.overlay_combo.currentIndex() != index:
            self.overlay_combo.setCurrentIndex(index)
        is_live = key in LIVE_OVERLAYS
        if self._live is not None or is_live:
            self.live.show_overlay(key)
        self.scene.set_colours(self.live.colours() if is_live else overlay_colours(key, self.analyzer.latest))
        self.update_legend()

    def update_legend(self) -> None:
        """Say what the canvas's colours mean (View > Show Colour Legend hides it)."""
        if not self.actions_by_name["legend"].isChecked():
            self.legend.show_legend(None)
        elif self.overlay in LIVE_OVERLAYS:
            self.legend.show_legend(self.live.overlay.legend() if self._live is not None else None)
        else:
            self.legend.show_legend(overlay_legend(self.overlay, self.analyzer.latest, self.document.design))

    def _on_live_colours(self) -> None:
        if self.overlay in LIVE_OVERLAYS:
            self.scene.set_colours(self.live.colours())

    def _after_reset(self) -> None:
        """Another design: results about the old one must not show against the new one's parts."""
        self.analyzer.latest = None
        self.scene.set_paint_state(summaries=None, severities=None)
        self.scene.set_links({})
        if self.overlay != "spec" and self.overlay not in LIVE_OVERLAYS:
            self.scene.set_colours(None)
        if self.overlay not in LIVE_OVERLAYS:
            self.update_legend()
        self.inspector.analysis = None
        self.findings.clear()
        self.findings_label.setText("checking…")
        self.totals_label.setText("")
        self.view.fit_all()
        self.update_title()

    # ----------------------------------------------------------------- edit menu
    def select_all(self) -> None:
        focus = self.selection.focus
        part = self.document.design.find(focus)
        if part is not None:
            self.selection.set([focus + (slot,) for slot in sorted(part.children)])

    def _context_menu(self, path: PartPath, global_pos: QPoint) -> None:
        self.build_context_menu(path).popup(global_pos)

    def build_context_menu(self, path: PartPath) -> QMenu:
        menu = QMenu(self)
        part = self.document.design.find(path)
        a = self.actions_by_name
        if part is not None and CHILD_LEVEL.get(part.level):
            menu.addAction(f"Enter {part.name or format_path(path)}", lambda: self.view.enter(path))
            fill = menu.addMenu("Fill Empty Slots With")
            self.fill.populate(fill, path)
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
                 ("Add a part", "Drag a spec from the palette onto an empty slot"),
                 ("Add a tile or cabinet filled", "Hold Shift while dropping it (or tick Drop containers filled)")]
        return rows

    def show_shortcuts(self) -> None:
        self.dialogs.show_shortcuts(self, self.shortcut_rows())

    # ----------------------------------------------------------------- a project file dropped on the window
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.files.dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self.files.dropped_file(event.mimeData())
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        # Once the drop is over: the file manager is not kept waiting while the save question is open.
        QTimer.singleShot(0, self, lambda: self.files.open_path(path))

    # ----------------------------------------------------------------- closing
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.maybe_save():
            event.ignore()
            return
        self.save_settings()
        self.autosave.stop()
        self.autosave.discard()
        self.analyzer.shutdown()
        if self._live is not None:
            self._live.shutdown()
        self.sweeps.shutdown()
        event.accept()
