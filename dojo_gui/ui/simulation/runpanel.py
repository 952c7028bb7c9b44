"""The run panel: pick a scenario and its parameters; Run, Pause, Resume, Stop; progress; keep the result.

Scenarios:

- *Thermal soak*: every chip at a constant utilization, or utilization over time from a
  CSV trace;
- *Training step*: synchronous training steps (compute, then the gradient collective,
  whose time comes from the communication engine);
- *Model training*: a model of the catalog with its batch and sequence, on the plan given
  (TP, PP, DP, micro-batch, schedule, placement) or the fastest a search finds; then the
  plan's steps on the power and cooling engine over a window;
- *Collective*: one collective on a scope, link by link.

The two thermal scenarios share a duration, a time step, the weather (the room's design
ambient, a constant, a daily curve between a minimum and a maximum, or a day's curve from
a CSV file), the coolant flow and the starting state.  Every figure is typed with its unit
("10min", "25C", "2GB") and read by :mod:`dojo_gui.units`; a figure that does not read is
named in the message and its field marked, and nothing runs.  So is a training plan that
cannot run on the model (TP that does not divide the heads, ...); one that cannot run on the
design (TP larger than a tile, more chips than it has, too little memory) comes back from the
worker refused, before any engine ran, its field marked the same way.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ... import units
from ...jobs.live import CommJob, Job, LiveUpdate, Outcome, ThermalJob
from ...jobs.timeleft import TimeLeft
from ...jobs.training import TrainingJob
from ...sim.collectives import ALGORITHMS, COLLECTIVES, SCOPE_HELP
from ...sim.results import ThermalResult
from ...sim.scenario import Ambient, ConstantLoad, Scenario, ScenarioError, TrainingStep, UtilizationTrace
from ..project.dialogs import Dialogs
from .forms import ERROR_STYLE, FormError, read_quantity
from .trainingform import TrainingForm

SCENARIOS = {"soak": "Thermal soak", "train": "Training step", "model": "Model training", "comm": "Collective"}
COLLECTIVE_TITLES = {"allreduce": "All-reduce", "reducescatter": "Reduce-scatter", "allgather": "All-gather",
                     "alltoall": "All-to-all", "broadcast": "Broadcast", "p2p": "Point-to-point"}
AMBIENTS = {"design": "The room's design ambient", "constant": "Constant", "daily": "Daily curve (min, max)",
            "csv": "Day's curve from a CSV file"}
class RunPanel(QWidget):
    sigRunRequested = Signal(object)  # fires when the user asks to run; the job the form describes
    sigPauseRequested = Signal()  # fires when the user asks to pause the run
    sigResumeRequested = Signal()  # fires when the user asks to resume the paused run
    sigStopRequested = Signal()  # fires when the user asks to stop the run
    sigKeepRequested = Signal(str)  # fires when the user asks to keep the last run with the project; its label

    def __init__(self, dialogs: Dialogs | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dialogs = dialogs or Dialogs()
        self.state = "idle"
        self._marked: list[QWidget] = []
        self.time_left = TimeLeft()

        self.scenario = QComboBox()
        self.scenario.setObjectName("scenarioCombo")
        for key, title in SCENARIOS.items():
            self.scenario.addItem(title, key)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._soak_page())
        self.pages.addWidget(self._train_page())
        self.training_form = TrainingForm(self._edit)
        self.training_form.sigComboChanged.connect(self._unmark)
        self.pages.addWidget(self.training_form)
        self.pages.addWidget(self._comm_page())
        self.thermal_box = self._thermal_box()
        self.scenario.currentIndexChanged.connect(self._on_scenario)

        style = self.style()
        self.run_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), "Run")
        self.run_button.setObjectName("runButton")
        self.run_button.setToolTip("Run the scenario on the design as it is now (F5)")
        self.pause_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_MediaPause), "Pause")
        self.pause_button.setObjectName("pauseButton")
        self.stop_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_MediaStop), "Stop")
        self.stop_button.setObjectName("stopButton")
        self.run_button.clicked.connect(self.request_run)
        self.pause_button.clicked.connect(self._on_pause_clicked)
        self.stop_button.clicked.connect(self.sigStopRequested.emit)
        buttons = QHBoxLayout()
        for button in (self.run_button, self.pause_button, self.stop_button):
            buttons.addWidget(button)

        self.progress = QProgressBar()
        self.progress.setObjectName("runProgress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.progress.setFormat("")
        self.progress_label = QLabel(" ")
        self.progress_label.setObjectName("runProgressLabel")
        self.progress_label.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("runMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.stale_label = QLabel("The design was edited after this run started: its results show the design as it "
                                  "was. Run again for the current one.")
        self.stale_label.setObjectName("staleLabel")
        self.stale_label.setWordWrap(True)
        self.stale_label.setStyleSheet("color: #a15c00;")
        self.stale_label.hide()

        self.keep_label = QLineEdit()
        self.keep_label.setObjectName("keepLabel")
        self.keep_label.setPlaceholderText("what to call the run")
        self.keep_button = QPushButton("Keep Run")
        self.keep_button.setObjectName("keepButton")
        self.keep_button.setToolTip("Keep this run's results with the project (saved in the .dojo; undoable)")
        self.keep_button.clicked.connect(lambda: self.sigKeepRequested.emit(self.keep_label.text().strip()))
        keep = QHBoxLayout()
        keep.addWidget(self.keep_label, 1)
        keep.addWidget(self.keep_button)

        top = QFormLayout()
        top.addRow("Scenario", self.scenario)
        # The scenario's figures scroll; Run, Pause, Stop and the progress stay in view below them
        # however short the dock.
        form = QWidget()
        form_column = QVBoxLayout(form)
        form_column.setContentsMargins(0, 0, 0, 0)
        form_column.addLayout(top)
        form_column.addWidget(self.pages)
        form_column.addWidget(self.thermal_box)
        form_column.addStretch(1)
        self.form_area = QScrollArea()
        self.form_area.setObjectName("runFormArea")
        self.form_area.setWidget(form)
        self.form_area.setWidgetResizable(True)
        self.form_area.setFrameShape(QFrame.Shape.NoFrame)
        self.form_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the fields narrow instead
        column = QVBoxLayout(self)
        column.addWidget(self.form_area, 1)
        column.addLayout(buttons)
        column.addWidget(self.progress)
        column.addWidget(self.progress_label)
        column.addWidget(self.message)
        column.addWidget(self.stale_label)
        column.addLayout(keep)
        for combo in self.findChildren(QComboBox):  # as narrow as the dock likes; the list shows the long titles
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
            # Qt 6 still asks for the longest item's width as the minimum of a combo that is not editable.
            combo.setMinimumWidth(combo.fontMetrics().averageCharWidth() * 10 + 40)
        self._on_scenario()
        self.set_state("idle")
        self.set_keepable(False)

    # ----------------------------------------------------------------- the form
    def _edit(self, name: str, text: str, tip: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        edit.setObjectName(name)
        if tip:
            edit.setToolTip(tip)
        edit.textEdited.connect(lambda _t, e=edit: self._unmark(e))
        edit.returnPressed.connect(self.request_run)
        return edit

    def _soak_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        self.constant_radio = QRadioButton("Constant utilization")
        self.constant_radio.setChecked(True)
        self.utilization = self._edit("utilizationEdit", "90%", "every chip's utilization, 0..1 or 0–100 %")
        self.trace_radio = QRadioButton("Trace (CSV)")
        self.trace_path = self._edit("traceEdit", "", "time_s,utilization[,PART PATH...] — see the README")
        browse = QPushButton("…")
        browse.setMaximumWidth(30)
        browse.clicked.connect(self._browse_trace)
        trace_row = QHBoxLayout()
        trace_row.addWidget(self.trace_path, 1)
        trace_row.addWidget(browse)
        form.addRow(self.constant_radio, self.utilization)
        form.addRow(self.trace_radio, trace_row)
        return page

    def _train_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        self.step_flops = self._edit("stepFlopsEdit", "300TFLOP", "FLOPs each chip computes per step")
        self.efficiency = self._edit("efficiencyEdit", "50%", "achieved share of peak compute")
        self.gradient_bytes = self._edit("gradientEdit", "2GB", "bytes of the gradient collective")
        self.train_collective = QComboBox()
        for key in ("allreduce", "reducescatter", "allgather"):
            self.train_collective.addItem(COLLECTIVE_TITLES[key], key)
        self.train_algorithm = self._algorithm_combo("trainAlgorithmCombo")
        self.number_format = QComboBox()
        self.number_format.setEditable(True)
        self.number_format.addItems(["bf16", "fp16", "fp8", "fp32", "tf32"])
        self.comm_utilization = self._edit("commUtilizationEdit", "20%", "chips' utilization while communicating")
        form.addRow("FLOPs per chip", self.step_flops)
        form.addRow("Efficiency", self.efficiency)
        form.addRow("Gradients", self.gradient_bytes)
        form.addRow("Collective", self.train_collective)
        form.addRow("Algorithm", self.train_algorithm)
        form.addRow("Number format", self.number_format)
        form.addRow("Comm. utilization", self.comm_utilization)
        return page

    def _comm_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        self.collective = QComboBox()
        self.collective.setObjectName("collectiveCombo")
        for key in COLLECTIVES:
            self.collective.addItem(COLLECTIVE_TITLES[key], key)
        self.size_edit = self._edit("sizeEdit", "1GiB",
                                    "S, the whole buffer (the vector reduced, the gathered result, ...)")
        self.algorithm = self._algorithm_combo("algorithmCombo")
        self.scope = QComboBox()
        self.scope.setObjectName("scopeCombo")
        self.scope.setEditable(True)
        self.scope.addItem("room")
        self.scope.setToolTip(SCOPE_HELP)
        self.chunks = QSpinBox()
        self.chunks.setObjectName("chunksSpin")
        self.chunks.setRange(1, 4096)
        self.latency = QCheckBox("Count link latency and message overheads")
        self.latency.setChecked(True)
        form.addRow("Collective", self.collective)
        form.addRow("Size", self.size_edit)
        form.addRow("Algorithm", self.algorithm)
        form.addRow("Scope", self.scope)
        form.addRow("Chunks", self.chunks)
        form.addRow(self.latency)
        return page

    def _algorithm_combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItem("auto (the fastest that fits)", "auto")
        for key in ALGORITHMS:
            combo.addItem(key, key)
        return combo

    def _thermal_box(self) -> QGroupBox:
        box = QGroupBox("Time and weather")
        form = QFormLayout(box)
        self.duration = self._edit("durationEdit", "10min", "simulated time")
        self.dt = self._edit("dtEdit", "0.5s", "time step (any step is stable)")
        self.ambient_kind = QComboBox()
        self.ambient_kind.setObjectName("ambientCombo")
        for key, title in AMBIENTS.items():
            self.ambient_kind.addItem(title, key)
        self.ambient = self._edit("ambientEdit", "", "")
        self.ambient_kind.currentIndexChanged.connect(self._on_ambient_kind)
        self.start_hour = self._edit("startHourEdit", "0", "hour of the day the run starts (for a daily curve)")
        self.flow = self._edit("flowEdit", "100%", "coolant flow of every tile loop as a share of its design flow")
        self.initial = QComboBox()
        self.initial.setObjectName("initialCombo")
        for key, title in (("idle", "settled at idle"), ("load", "settled at the first load"),
                           ("coolant", "everything at coolant temperature")):
            self.initial.addItem(title, key)
        form.addRow("Duration", self.duration)
        form.addRow("Time step", self.dt)
        form.addRow("Ambient", self.ambient_kind)
        form.addRow("", self.ambient)
        form.addRow("Start hour", self.start_hour)
        form.addRow("Coolant flow", self.flow)
        form.addRow("Start", self.initial)
        self._on_ambient_kind()
        return box

    def _on_scenario(self) -> None:
        key = self.scenario.currentData()
        self.pages.setCurrentIndex(list(SCENARIOS).index(key))
        self.thermal_box.setVisible(key not in ("comm", "model"))

    def _on_ambient_kind(self) -> None:
        kind = self.ambient_kind.currentData()
        self.ambient.setEnabled(kind != "design")
        self.ambient.setPlaceholderText({"design": "", "constant": "25C", "daily": "12C, 35C",
                                         "csv": "a CSV of hour,ambient_c"}[kind])
        self.start_hour.setEnabled(kind in ("daily", "csv"))

    def _browse_trace(self) -> None:
        path = self.dialogs.open_data_file(self, "Utilization trace", str(Path.home()),
                                           "CSV files (*.csv);;All files (*)")
        if path:
            self.trace_path.setText(path)
            self.trace_radio.setChecked(True)

    def set_scopes(self, scopes: list[str]) -> None:
        """Offer these scopes (the room and the design's cabinets), keeping what the user typed."""
        current = self.scope.currentText()
        self.scope.blockSignals(True)
        self.scope.clear()
        self.scope.addItems(scopes)
        self.scope.setCurrentText(current if current else "room")
        self.scope.blockSignals(False)

    def set_scenario(self, key: str) -> None:
        self.scenario.setCurrentIndex(list(SCENARIOS).index(key))

    # ----------------------------------------------------------------- reading the form
    def _quantity(self, edit: QLineEdit, label: str, unit: str) -> float:
        return read_quantity(edit, label, unit)

    def job(self) -> Job:
        """The job the form describes; raises :class:`FormError` naming the first field that does not read."""
        key = self.scenario.currentData()
        if key == "model":
            return self.training_form.job()
        if key == "comm":
            size_bytes = self._quantity(self.size_edit, "Size", "B")
            return CommJob(collective=self.collective.currentData(), size_bytes=size_bytes,
                           algorithm=self.algorithm.currentData(), scope=self.scope.currentText().strip() or "room",
                           chunks=self.chunks.value(), latency=self.latency.isChecked())
        duration = self._quantity(self.duration, "Duration", "s")
        dt = self._quantity(self.dt, "Time step", "s")
        flow = self._quantity(self.flow, "Coolant flow", "%")
        try:
            workload: TrainingStep | UtilizationTrace | ConstantLoad
            if key == "train":
                workload = TrainingStep(
                    flops_per_chip=self._quantity(self.step_flops, "FLOPs per chip", "FLOP"),
                    efficiency=self._quantity(self.efficiency, "Efficiency", "%"),
                    gradient_bytes=self._quantity(self.gradient_bytes, "Gradients", "B"),
                    collective=self.train_collective.currentData(), algorithm=self.train_algorithm.currentData(),
                    number_format=self.number_format.currentText().strip() or "bf16",
                    comm_utilization=self._quantity(self.comm_utilization, "Comm. utilization", "%"))
            elif self.trace_radio.isChecked():
                if not self.trace_path.text().strip():
                    raise FormError("Trace", "choose a CSV file (time_s,utilization)", self.trace_path)
                workload = UtilizationTrace.from_csv(self.trace_path.text().strip())
            else:
                u = self._quantity(self.utilization, "Utilization", "%")
                if not 0 <= u <= 1:
                    raise FormError("Utilization", "must be between 0 and 1 (or 0–100 %)", self.utilization)
                workload = ConstantLoad(u)
            ambient = self._ambient()
            scenario = Scenario(workload, duration_s=duration, dt_s=dt, ambient=ambient, coolant_flow_fraction=flow,
                                initial=self.initial.currentData())
        except ScenarioError as exc:
            raise FormError(SCENARIOS[key], str(exc)) from None
        return ThermalJob(scenario)

    def _ambient(self) -> Ambient | None:
        kind = self.ambient_kind.currentData()
        if kind == "design":
            return None
        if kind == "constant":
            return Ambient(constant_c=self._quantity(self.ambient, "Ambient", "C"))
        start = self._quantity(self.start_hour, "Start hour", "1")
        if not 0 <= start < 24:
            raise FormError("Start hour", "must be in 0..24", self.start_hour)
        text = self.ambient.text().strip()
        if kind == "daily":
            try:
                return Ambient.parse_curve(f"daily:{text}", start)
            except ScenarioError as exc:
                raise FormError("Ambient", str(exc).replace("--ambient-curve ", ""), self.ambient) from None
        if not text:
            raise FormError("Ambient", "choose a CSV file of hour,ambient_c", self.ambient)
        try:
            return Ambient.parse_curve(text, start)
        except ScenarioError as exc:
            raise FormError("Ambient", str(exc), self.ambient) from None

    def request_run(self) -> None:
        """Read the form and ask for the run (or say which field does not read)."""
        if self.state != "idle":
            return
        self._unmark_all()
        try:
            job = self.job()
        except FormError as exc:
            self.show_message(str(exc), error=True)
            self.mark(exc.fields)
            return
        self.show_message("")
        self.sigRunRequested.emit(job)

    def mark(self, fields: list[QWidget]) -> None:
        """Mark the fields a problem is about, and put the cursor in the first."""
        for field in fields:
            field.setStyleSheet(ERROR_STYLE)
            self._marked.append(field)
        if fields:
            fields[0].setFocus()

    def _unmark(self, edit: QWidget) -> None:
        if edit in self._marked:
            edit.setStyleSheet("")
            self._marked.remove(edit)

    def _unmark_all(self) -> None:
        for edit in list(self._marked):
            self._unmark(edit)

    # ----------------------------------------------------------------- following the run
    def _on_pause_clicked(self) -> None:
        if self.state == "running":
            self.sigPauseRequested.emit()
        elif self.state == "paused":
            self.sigResumeRequested.emit()

    def set_state(self, state: str) -> None:
        """"idle", "running" or "paused": which buttons work."""
        self.state = state
        self.run_button.setEnabled(state == "idle")
        self.pause_button.setEnabled(state != "idle")
        self.stop_button.setEnabled(state != "idle")
        self.pause_button.setText("Resume" if state == "paused" else "Pause")
        self.pause_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay if state == "paused"
                                                            else QStyle.StandardPixmap.SP_MediaPause))
        self.scenario.setEnabled(state == "idle")
        if state == "paused":
            self.progress_label.setText("Paused. " + self.progress_label.text().removeprefix("Paused. "))
        if state != "idle":
            self.set_keepable(False)

    def started(self, job: Job) -> None:
        self.time_left = TimeLeft()
        self.progress.setValue(0)
        self.progress.setFormat("%p %")
        self.progress_label.setText(f"Starting: {job.describe()}")
        self.show_message("")
        self.stale_label.hide()

    def show_progress(self, update: LiveUpdate) -> None:
        """The progress bar and the line under it: what runs, how far, how long until done."""
        if update.duration_s > 0:
            simulating = update.phase.startswith("Simulating power")
            fraction = update.time_s / update.duration_s if simulating else update.fraction
        else:
            fraction = update.fraction
        self.progress.setValue(round(fraction * 1000))
        self.time_left.update(update.phase, update.fraction, update.fraction_at)
        left = self.time_left.left(time.monotonic())
        bits = [update.phase]
        if update.duration_s > 0 and update.phase.startswith("Simulating power"):
            bits.append(f"{units.format(update.time_s, 's')} of {units.format(update.duration_s, 's')} simulated")
        if update.fraction < 1:
            # Per phase: a training run's steps cannot be timed before its collective is done.
            what = " of the collective" if update.phase.startswith("Communication time") else ""
            bits.append(f"about {_wall(left)} left{what}" if left is not None else "time left not known yet")
        prefix = "Paused. " if self.state == "paused" else ""
        self.progress_label.setText(prefix + " · ".join(bits))

    def ended(self, outcome: Outcome) -> None:
        self.set_state("idle")
        # A finished run can be kept, and a thermal run stopped part way (its record says so); a
        # collective stopped part way cannot: its figures would be those of a collective that never ended.
        stopped_thermal = (outcome.status == "stopped" and isinstance(outcome.result, ThermalResult)
                           and outcome.result.steps_done > 0)
        keepable = outcome.result is not None and (outcome.status == "finished" or stopped_thermal)
        if outcome.status == "finished":
            self.progress.setValue(1000)
            self.progress_label.setText(f"Finished in {_wall(outcome.wall_s)}: {outcome.job.describe()}")
        elif outcome.status == "stopped":
            self.progress_label.setText(f"Stopped: {outcome.job.describe()}"
                                        + (f" at {units.format(outcome.result.time_s, 's')} simulated"
                                           if isinstance(outcome.result, ThermalResult) else ""))
        else:
            self.progress.setValue(0)
            refused = isinstance(outcome.job, TrainingJob) and outcome.field
            self.progress_label.setText(f"{'Refused' if refused else 'Failed'}: {outcome.job.describe()}")
            self.show_message(outcome.message, error=True)
            if refused:
                self.mark(self.training_form.plan_field(outcome.field))
        self.set_keepable(keepable)
        self.keep_label.setText("")
        self.keep_label.setPlaceholderText(outcome.job.describe())

    def set_keepable(self, keepable: bool) -> None:
        self.keep_button.setEnabled(keepable)
        self.keep_label.setEnabled(keepable)

    def set_stale(self, stale: bool) -> None:
        self.stale_label.setVisible(stale)

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b3261e;" if error else "color: #1d232b;")
        self.message.setVisible(bool(text))


def _wall(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 90:
        return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"
    return f"{seconds / 60:.0f} min"
