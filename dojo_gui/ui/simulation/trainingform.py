"""The run panel's Model training form: a model of the catalog, how it is trained, the plan or a search, the
window of its steps on the power and cooling engine.

It reads into a :class:`~dojo_gui.jobs.training.TrainingJob`.  What the model cannot take (TP that
does not divide the heads, a batch that does not split, ...) is refused here, its field named; what the
design cannot take comes back refused from the worker (:attr:`Outcome.field`), and :meth:`plan_field`
says which fields to mark for it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QRadioButton, QWidget

from ...io.catalog import builtin_models
from ...jobs.training import TrainingJob
from ...sim.scenario import Ambient
from ...sim.training import (
    PLACEMENTS,
    RECOMPUTE,
    Plan,
    PlanError,
    ThermalWindow,
    TrainingSettings,
    check_plan,
    count_of_tokens,
)
from .forms import FormError, read_quantity


class TrainingForm(QWidget):
    sigComboChanged = Signal(object)  # fires when the schedule or placement combo changes; the combo (to unmark it)

    def __init__(self, edit: Callable[[str, str, str], QLineEdit], parent: QWidget | None = None) -> None:
        """``edit(object name, text, tooltip)`` makes a line edit as the panel's others are made (unmarked when
        typed into, Return runs)."""
        super().__init__(parent)
        self._edit = edit
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.models = builtin_models()
        self.model_combo = QComboBox()
        self.model_combo.setObjectName("modelCombo")
        for model in self.models.values():
            self.model_combo.addItem(f"{model.name} ({model.parameters() / 1e9:,.1f}B)", model.id)
        self.model_combo.setCurrentIndex(max(0, self.model_combo.findData("gpt3-175b")))
        self.model_combo.currentIndexChanged.connect(self._on_model)
        self.global_batch = self._edit("globalBatchEdit", "", "sequences per step (empty: the model's source's)")
        self.seq_len = self._edit("seqEdit", "", "tokens per sequence (empty: the model's)")
        self.tokens = self._edit("tokensEdit", "", "tokens to train, e.g. 300B or 1.5T (empty: the model's source's)")
        self.recompute = QComboBox()
        self.recompute.setObjectName("recomputeCombo")
        for key in RECOMPUTE:
            self.recompute.addItem(key, key)
        self.recompute.setCurrentIndex(self.recompute.findData("full"))
        self.zero = QComboBox()
        self.zero.setObjectName("zeroCombo")
        for stage, title in enumerate(("0: none", "1: optimizer state", "2: + gradients", "3: + weights")):
            self.zero.addItem(title, stage)
        self.zero.setCurrentIndex(1)
        self.sequence_parallel = QCheckBox("Sequence parallelism")
        self.sequence_parallel.setChecked(True)
        self.search_radio = QRadioButton("Search for the fastest plan")
        self.search_radio.setObjectName("searchRadio")
        self.search_radio.setChecked(True)
        self.plan_radio = QRadioButton("This plan")
        self.plan_radio.setObjectName("planRadio")
        self.tp = self._edit("tpEdit", "8", "tensor-parallel degree: neighbouring chips of one tile")
        self.pp = self._edit("ppEdit", "16", "pipeline stages")
        self.dp = self._edit("dpEdit", "8", "data-parallel replicas")
        self.micro_batch = self._edit("microBatchEdit", "", "sequences per micro-batch (empty: 1, or searched)")
        self.schedule = QComboBox()
        self.schedule.setObjectName("scheduleCombo")
        self.schedule.addItem("1F1B", "1f1b")
        self.schedule.addItem("interleaved", "interleaved")
        self.interleave = self._edit("interleaveEdit", "2", "model chunks per chip (interleaved schedule)")
        self.placement = QComboBox()
        self.placement.setObjectName("placementCombo")
        for key in PLACEMENTS:
            self.placement.addItem(key, key)
        self.placement.setCurrentIndex(self.placement.findData("data-contiguous"))
        degrees = QHBoxLayout()
        for label, degree in (("TP", self.tp), ("PP", self.pp), ("DP", self.dp)):
            degrees.addWidget(QLabel(label))
            degrees.addWidget(degree, 1)
            degree.textEdited.connect(lambda _t: self.plan_radio.setChecked(True))  # typing a degree: this plan
        self.schedule.currentIndexChanged.connect(self._on_plan_mode)
        for combo in (self.schedule, self.placement):
            combo.currentIndexChanged.connect(lambda _i, c=combo: self.sigComboChanged.emit(c))
        self.window_duration = self._edit("windowEdit", "", "training simulated on the power and cooling engine "
                                                   "(empty: 20 steps or 2 min)")
        self.window_duration.setPlaceholderText("20 steps or 2 min")
        self.window_ambient = self._edit("windowAmbientEdit", "", "constant outdoor temperature "
                                                                  "(empty: the room's design ambient)")
        self.window_ambient.setPlaceholderText("design ambient")
        self.window_flow = self._edit("windowFlowEdit", "100%", "coolant flow of every tile loop as a share of its "
                                                                "design flow")
        form.addRow("Model", self.model_combo)
        form.addRow("Global batch", self.global_batch)
        form.addRow("Sequence", self.seq_len)
        form.addRow("Tokens", self.tokens)
        form.addRow("Recompute", self.recompute)
        form.addRow("ZeRO", self.zero)
        form.addRow(self.sequence_parallel)
        form.addRow(self.search_radio)
        form.addRow(self.plan_radio)
        form.addRow("Degrees", degrees)
        form.addRow("Micro-batch", self.micro_batch)
        form.addRow("Schedule", self.schedule)
        form.addRow("Chunks", self.interleave)
        form.addRow("Placement", self.placement)
        form.addRow("Window", self.window_duration)
        form.addRow("Ambient", self.window_ambient)
        form.addRow("Coolant flow", self.window_flow)
        self.plan_fields: dict[str, QWidget] = {
            "tp": self.tp, "pp": self.pp, "dp": self.dp, "micro_batch": self.micro_batch, "schedule": self.schedule,
            "interleave": self.interleave, "placement": self.placement, "global_batch": self.global_batch,
            "seq_len": self.seq_len, "tokens": self.tokens}
        self._on_model()
        self._on_plan_mode()

    def _on_model(self) -> None:
        """The model's own batch, sequence and tokens as what an empty field means."""
        model = self.models.get(self.model_combo.currentData())
        if model is None:
            return
        self.global_batch.setPlaceholderText(f"{model.global_batch or 1024:,} (the model's)")
        self.seq_len.setPlaceholderText(f"{model.seq_len:,} (the model's)")
        tokens = model.training_tokens or 300e9
        self.tokens.setPlaceholderText(f"{tokens / 1e9:,.4g}B")

    def _on_plan_mode(self) -> None:
        self.interleave.setEnabled(self.schedule.currentData() == "interleaved")

    def plan_field(self, name: str) -> list[QWidget]:
        """The fields a training plan's problem is about (``PlanError.field``)."""
        if name == "plan":
            return [self.tp, self.pp, self.dp]
        widget = self.plan_fields.get(name)
        return [widget] if widget is not None else []

    def _whole(self, edit: QLineEdit, label: str, default: int | None = None) -> int | None:
        text = edit.text().strip().replace(",", "").replace("_", "")
        if not text:
            if default is None:
                return None
            return default
        try:
            value = int(text)
        except ValueError:
            raise FormError(label, f"{edit.text().strip()!r} is not a whole number", edit) from None
        if value < 1:
            raise FormError(label, f"must be at least 1, not {value}", edit)
        return value

    def job(self) -> TrainingJob:
        """The job the form describes; :class:`FormError` naming the first field that does not read, or the
        field a plan the model cannot take is at fault in."""
        model = self.models[self.model_combo.currentData()]
        tokens = None
        if self.tokens.text().strip():
            try:
                tokens = count_of_tokens(self.tokens.text())
            except PlanError as exc:
                raise FormError("Tokens", str(exc), self.tokens) from None
        try:
            settings = TrainingSettings.for_model(
                model, global_batch=self._whole(self.global_batch, "Global batch"),
                seq_len=self._whole(self.seq_len, "Sequence"), tokens=tokens,
                recompute=self.recompute.currentData(), zero_stage=self.zero.currentData(),
                sequence_parallel=self.sequence_parallel.isChecked())
        except PlanError as exc:
            raise FormError("Model training", str(exc)) from None
        micro = self._whole(self.micro_batch, "Micro-batch")
        schedule = self.schedule.currentData()
        interleave = self._whole(self.interleave, "Chunks", 2) if schedule == "interleaved" else 1
        plan = None
        fixed: dict[str, object] = {}
        if self.plan_radio.isChecked():
            plan = Plan(self._whole(self.tp, "TP", 0) or 0, self._whole(self.pp, "PP", 0) or 0,
                        self._whole(self.dp, "DP", 0) or 0, micro or 1, schedule, interleave or 1,
                        self.placement.currentData())
            for name, value in (("tp", plan.tp), ("pp", plan.pp), ("dp", plan.dp)):
                if value < 1:
                    raise FormError(name.upper(), "needs a value", self.plan_fields[name])
            try:
                check_plan(plan, model, settings)
            except PlanError as exc:
                raise FormError("Plan", str(exc), self.plan_field(exc.field)) from None
        elif micro is not None:
            fixed["micro_batch"] = micro
        window = self._window()
        return TrainingJob(model, settings, plan, fixed, window)

    def _window(self) -> ThermalWindow:
        edit = self.window_duration
        duration = read_quantity(edit, "Window", "s") if edit.text().strip() else None
        if duration is not None and not duration > 0:
            raise FormError("Window", "must be above zero", edit)
        ambient = None
        if self.window_ambient.text().strip():
            ambient = Ambient(constant_c=read_quantity(self.window_ambient, "Ambient", "C"))
        flow = read_quantity(self.window_flow, "Coolant flow", "%")
        if not 0 < flow <= 10:
            raise FormError("Coolant flow", "a share of the design flow above 0 and up to 1000 %", self.window_flow)
        return ThermalWindow(duration, None, ambient, flow)
