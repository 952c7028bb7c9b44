"""Live simulation in the main window: the run panel, the plots, the link map, kept runs and the canvas overlays.

:class:`LiveSimulation` builds the docks and the Simulate menu of a :class:`MainWindow`
and connects them to one :class:`~dojo_gui.ui.simulation.worker.SimulationController`:

    run panel --job--> controller --(worker thread)--> LiveBuffer
    controller tick (~30 Hz) --LiveUpdate--> progress, power/cooling plots, canvas overlay
    controller end --Outcome--> link map, overlay (link load), Keep Run
    runs list: one kept run selected --> its plots beside the list, its values on the canvas (overlay)

    a training run: its plan (as soon as it is known) --> training view, overlay (placement);
                    its window on the thermal engine --> the power and cooling plots, like a thermal run

A run that starts clears the views it will fill before its first frame (a training step's
plots say what it computes meanwhile: its collective, which can take a while).

Editing the design during or after a run marks what is shown as stale (the results
remember the design's content revision); opening another design stops the run and
clears every view.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QLabel, QMenu, QProgressBar, QWidget

from ...jobs.live import CommJob, Job, LiveUpdate, Outcome, ThermalJob, chip_link_load, run_record
from ...jobs.training import TrainingJob
from ...model.design import format_path
from ...model.runs import RunRecordError
from ...render.colours import ArrayColours, CategoryColours
from ...sim.results import ThermalResult
from ...sim.training import TrainingResult
from .linkmap import LinkMapWidget
from .liveoverlay import LIVE_OVERLAYS, LiveOverlay
from .plots import ThermalPlots
from .runpanel import RunPanel
from .runs import RunsWidget
from .runview import KeptCanvas
from .trainingview import TrainingView
from .worker import SimulationController

log = logging.getLogger(__name__)
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea
BOTTOM_MIN_PX = 110  # the least height of a simulation dock in the bottom strip


class LiveSimulation(QObject):
    def __init__(self, window: Any, log_file: Path | None = None) -> None:
        """``window``: the shell's MainWindow (its document, dialogs, docks, canvas view and status bar), which this
        layer may not import."""
        super().__init__(window)
        self.window = window
        document = window.document
        self.document = document
        self.controller = SimulationController(document, log_file, self)
        self.panel = RunPanel(window.dialogs)
        self.thermal_plots = ThermalPlots(window.dialogs)
        self.link_map = LinkMapWidget(window.dialogs)
        self.runs = RunsWidget(document, window.dialogs)
        self.training_view = TrainingView()
        self.overlay = LiveOverlay(window.view, window.view.sigZoomChanged, window.view.canvas.path_at)
        # Tabbed with the editor's docks: the inspector stays in front until a run is asked for, the
        # plots share the bottom with the findings.
        findings, inspector = window.docks.get("findings"), window.docks.get("inspector")
        self.docks = {
            "simulation": self._dock("simulationDock", self.panel, Qt.DockWidgetArea.RightDockWidgetArea,
                                     inspector),
            "thermal": self._dock("thermalPlotsDock", self.thermal_plots, BOTTOM, findings),
        }
        self.docks["links"] = self._dock("linkMapDock", self.link_map, BOTTOM,
                                         self.docks["thermal"])
        self.docks["training"] = self._dock("trainingDock", self.training_view,
                                            Qt.DockWidgetArea.BottomDockWidgetArea,
                                            self.docks["links"])
        self.docks["runs"] = self._dock("runsDock", self.runs, Qt.DockWidgetArea.BottomDockWidgetArea,
                                        self.docks["training"])
        for dock in (inspector, findings):
            if dock is not None:
                dock.raise_()
        window.docks.update(self.docks)

        bar = window.statusBar()
        self.status_label = QLabel()
        self.status_label.setObjectName("simulationStatus")
        self.status_progress = QProgressBar()
        self.status_progress.setObjectName("simulationStatusProgress")
        self.status_progress.setRange(0, 1000)
        self.status_progress.setMaximumWidth(160)
        self.status_progress.setMaximumHeight(14)
        self.status_progress.setTextVisible(False)
        bar.insertPermanentWidget(0, self.status_label)  # before the window's own figures
        bar.insertPermanentWidget(1, self.status_progress)
        self.status_label.hide()
        self.status_progress.hide()

        self.actions = self._make_actions()
        self.menu = self._make_menu()
        c = self.controller
        self.panel.sigRunRequested.connect(self.start)
        self.panel.sigPauseRequested.connect(c.pause)
        self.panel.sigResumeRequested.connect(c.resume)
        self.panel.sigStopRequested.connect(c.stop)
        self.panel.sigKeepRequested.connect(self.keep)
        c.sigStarted.connect(self._on_started)
        c.sigUpdate.connect(self._on_update)
        c.sigEnded.connect(self._on_ended)
        c.sigStateChanged.connect(self._on_state)
        c.sigStaleChanged.connect(self._on_stale)
        self.runs.sigStatus.connect(window.show_status)
        self.runs.sigCanvas.connect(self._show_kept)
        self._collective_pending = False  # a run is computing a collective the link map has not shown yet
        self.overlay.sigHover.connect(lambda text: window.show_status(text, 8000) if text else None)
        document.sigReset.connect(self._on_reset)
        document.sigChanged.connect(self._update_scopes)
        window.selection.sigChanged.connect(self._update_scopes)
        self._update_scopes()

    def _dock(self, name: str, widget: QWidget, area: Qt.DockWidgetArea, beside: QDockWidget | None) -> QDockWidget:
        dock: QDockWidget = self.window.later_docks[name]
        if area == Qt.DockWidgetArea.BottomDockWidgetArea:
            # The bottom strip is as tall as the tallest minimum of its tabs: these may shrink to the findings
            # panel's, which stays small while it is empty (the user drags the strip taller to read a plot).
            widget.setMinimumHeight(min(widget.minimumSizeHint().height(), BOTTOM_MIN_PX))
        dock.setWidget(widget)
        # The window is built (and its saved state restored) before this: the dock is where that state had it.
        if self.window.state_restored:
            return dock
        dock.show()  # a widget added to a window already on screen stays hidden until shown
        if beside is not None:
            self.window.tabifyDockWidget(beside, dock)
            # Lay the window out after each tab group is made: a second group made before that leaves a
            # stray copy of the first group's tab bar on the window (Qt 6.11).
            self.window.layout().activate()
        else:
            self.window.addDockWidget(area, dock)
        return dock

    # ----------------------------------------------------------------- menu
    def _make_actions(self) -> dict[str, QAction]:
        w = self.window
        a = {
            "run": w.make_action("&Run", self._run_from_menu, "F5", tip="Run the scenario of the Simulation panel"),
            "pause": w.make_action("&Pause / Resume", self._toggle_pause, "F6", tip="Pause the run, or resume it"),
            "stop": w.make_action("&Stop", self.controller.stop, "Shift+F5",
                                  tip="Stop the run (what was computed stays)"),
            "keep": w.make_action("&Keep Run", lambda: self.keep(self.panel.keep_label.text().strip()), "Ctrl+K",
                                  tip="Keep the last run's results with the project"),
        }
        for action in a.values():
            w.addAction(action)
        a["pause"].setEnabled(False)
        a["stop"].setEnabled(False)
        a["keep"].setEnabled(False)
        return a

    def _make_menu(self) -> QMenu:
        """The Simulate menu (the window puts it in its menu bar, before Help)."""
        menu = QMenu("&Simulate", self.window)
        for key in ("run", "pause", "stop", None, "keep"):
            menu.addSeparator() if key is None else menu.addAction(self.actions[key])
        menu.addSeparator()
        for dock in self.docks.values():
            menu.addAction(dock.toggleViewAction())
        return menu

    def _run_from_menu(self) -> None:
        self.docks["simulation"].show()
        self.docks["simulation"].raise_()  # where a parameter that does not read is pointed out
        self.panel.request_run()

    def _toggle_pause(self) -> None:
        if self.controller.state == "running":
            self.controller.pause()
        elif self.controller.state == "paused":
            self.controller.resume()

    # ----------------------------------------------------------------- running
    def start(self, job: Job) -> bool:
        """Run a job (from the panel or a script); False when a run is already going."""
        return self.controller.start(job)

    def _on_started(self, job: Job) -> None:
        self.panel.started(job)
        self.docks["simulation"].raise_()
        self.thermal_plots.note.setText("")
        self.link_map.title.setStyleSheet("")
        # What the last run left is not this run's: the views this run fills are cleared now, not at its first frame.
        self.runs.view.release_canvas()
        self.overlay.show_live()
        self.overlay.clear()  # the canvas's colours too: the last run's temperatures and link loads
        self.overlay.set_computing(job.describe())
        computes_collective = isinstance(job, CommJob) or getattr(job, "training", None) is not None
        if not isinstance(job, CommJob):
            self.thermal_plots.clear()
            self.thermal_plots.set_waiting(f"Starting: {job.describe()}")
            if isinstance(job, ThermalJob):  # its time axis, not the last run's
                self.thermal_plots.set_time_span(job.scenario.duration_s)
        self._collective_pending = computes_collective
        if computes_collective:
            self.link_map.clear()
            self.link_map.title.setText(f"Starting: {job.describe()}")
        dock = self.docks["links"] if isinstance(job, CommJob) else self.docks["thermal"]
        if isinstance(job, TrainingJob):
            dock = self.docks["training"]
            self.training_view.clear()
            self.training_view.summary.setText(f"Simulating: {job.describe()}…")
        dock.show()
        dock.raise_()
        if dock.height() < 300:  # room for the plots (the findings alone needed less), once the tab is up
            QTimer.singleShot(0, self, lambda: self.window.resizeDocks([dock], [380], Qt.Orientation.Vertical))
        self.window.show_status(f"Simulating: {job.describe()}", 4000)

    def _on_update(self, update: LiveUpdate) -> None:
        if update.setup is not None and update.setup.get("kind") == "thermal":
            setup = update.setup
            self.thermal_plots.begin(setup["frames"], setup["training"], setup["duration_s"])
            self.overlay.begin_thermal(setup["index"], setup["limits"])
            if setup.get("plan") is not None:  # a training run's plan, known before its steps run
                self._show_training(setup["plan"])
                self.docks["thermal"].raise_()
        elif self.thermal_plots.series is None and self.thermal_plots.waiting.text():
            # Before its first step (a training step's collective, a model's plan): say what it does, and how far.
            done = f": {update.fraction * 100:.0f} %" if update.fraction > 0 else ""
            self.thermal_plots.set_waiting(f"{update.phase}{done} — the curves start with the first step.")
        if self._collective_pending and update.phase.startswith(("Simulating the", "Communication time")):
            self.link_map.title.setText(f"{update.phase}: {update.fraction * 100:.0f} %")
        if len(update.room_time_s):
            self.thermal_plots.append(update.room_time_s, update.room)
        if update.state is not None:
            self.overlay.set_state(update.state)
        self.panel.show_progress(update)
        self.status_progress.setValue(self.panel.progress.value())
        self.status_label.setText(update.phase.split(":")[0])

    def _on_ended(self, outcome: Outcome) -> None:
        self.panel.ended(outcome)
        self.overlay.set_computing("")
        if self.thermal_plots.series is None and self.thermal_plots.waiting.text():
            self.thermal_plots.set_waiting(f"{outcome.status.capitalize()} before the first step: nothing to plot.")
        if self._collective_pending and outcome.links is None:
            self.link_map.title.setText(f"{outcome.status.capitalize()}: {outcome.job.describe()}; no collective "
                                        "to show.")
        self._collective_pending = False
        self.actions["keep"].setEnabled(self.panel.keep_button.isEnabled())
        self.thermal_plots.refresh()  # every frame on the curves, whatever the refresh pace
        if isinstance(outcome.result, ThermalResult) and self.overlay.state is not None:
            self.overlay.set_state(self.overlay.state, force=True)  # the final values, whatever the refresh pace
        if isinstance(outcome.result, TrainingResult):
            self._show_training(outcome.result)
            self.docks["training"].raise_()
        if outcome.comm is not None and outcome.links is not None:
            self.link_map.show_result(outcome.comm, outcome.links)
            what = f"{outcome.comm.collective}, {outcome.comm.algorithm}"
            self.overlay.set_links(outcome.links["chip_paths"],
                                   chip_link_load(outcome.links, outcome.comm.link_utilization), what)
        if outcome.status == "failed":
            where = f" Details are in the log: {self.controller.log_file}." if self.controller.log_file else ""
            self.panel.show_message(outcome.message + where, error=True)
            self.window.show_status(f"Simulation failed: {outcome.message}", 15000)
        elif outcome.status == "stopped":
            self.window.show_status(f"Stopped: {outcome.job.describe()}", 6000)
        else:
            self.window.show_status(f"Finished in {outcome.wall_s:.1f} s: {outcome.job.describe()}", 6000)

    def _show_training(self, result: TrainingResult) -> None:
        self.training_view.show_result(result)
        self.training_view.set_stale(self.controller.stale)
        self.overlay.set_plan(result.chip_paths, result.step.layout.ranks, result.plan.describe())

    def _on_state(self, state: str) -> None:
        self.panel.set_state(state)
        busy = state != "idle"
        self.actions["run"].setEnabled(not busy)
        self.actions["pause"].setEnabled(busy)
        self.actions["stop"].setEnabled(busy)
        if busy:
            self.actions["keep"].setEnabled(False)
        self.status_label.setVisible(busy)
        self.status_progress.setVisible(busy)
        if state == "paused":
            self.status_label.setText("Paused")

    def _on_stale(self, stale: bool) -> None:
        self.panel.set_stale(stale)
        self.overlay.set_stale(stale)
        note = "Stale: the design was edited after this run started." if stale else ""
        self.thermal_plots.note.setText(note)
        self.link_map.title.setStyleSheet("color: #a15c00;" if stale else "")
        self.training_view.set_stale(stale)

    def keep(self, label: str = "") -> bool:
        """Keep the last run with the project (an undoable edit); False if there is nothing to keep."""
        outcome = self.controller.latest
        if outcome is None or not self.panel.keep_button.isEnabled():
            self.window.show_status("Nothing to keep: run a simulation first", 4000)
            return False
        try:
            record = run_record(outcome, label)
        except RunRecordError as exc:
            self.window.show_status(f"This run cannot be kept: {exc}", 6000)
            return False
        self.document.keep_run(record)
        self.panel.set_keepable(False)
        self.actions["keep"].setEnabled(False)
        self.window.show_status(f"Kept run {record.label!r} with the project (saved with it; Undo takes it back)", 6000)
        return True

    # ----------------------------------------------------------------- the design
    def _on_reset(self) -> None:
        """Another design: results about the old one must not show against the new one's parts."""
        self.controller.discard()
        self.overlay.clear()
        self.thermal_plots.clear()
        self.link_map.clear()
        self.training_view.clear()
        self.panel.set_keepable(False)
        self.panel.set_stale(False)
        self.actions["keep"].setEnabled(False)

    def _update_scopes(self) -> None:
        design = self.document.design
        scopes = ["room"]
        for slot in sorted(design.room.children):
            part = design.room.children[slot]
            scopes.append(f"cabinet:{part.name}" if part.name else f"cabinet:{format_path((slot,))[5:]}")
        current = self.window.selection.current
        if current is not None and len(current) == 2 and design.find(current) is not None:
            scopes.append(f"tile:{format_path(current)[5:]}")
        self.panel.set_scopes(scopes)

    # ----------------------------------------------------------------- overlays
    def _show_kept(self, canvas: KeptCanvas | None) -> None:
        """A kept run's values on the canvas (None: the live run's again)."""
        if canvas is None:
            self.overlay.show_live()
            return
        self.overlay.show_kept(canvas.caption, index=canvas.index, limits=canvas.limits, state=canvas.state,
                               chip_paths=canvas.chip_paths, chip_load=canvas.chip_load, what=canvas.what)
        current = getattr(self.window, "overlay", None)
        fits = current == "links" if canvas.kind == "links" else current in ("temperature", "live-power")
        if not fits:  # the canvas colours by what this run has
            self.window.set_overlay(canvas.kind)

    def colours(self) -> ArrayColours | CategoryColours | None:
        """The canvas colours of the live overlay on show (None: no values yet)."""
        return self.overlay.provider

    def show_overlay(self, key: str | None) -> None:
        self.overlay.show(key if key in LIVE_OVERLAYS else None)

    def shutdown(self) -> None:
        self.controller.shutdown()
