"""What a sweep is made of, as a form: the axes, the plan, the scenario, the economics and where it runs.

Axes are typed as on the command line (``dojo-d1.tdp=350W..500W:4``, ``tile.grid=4x4,5x5``) and read
by :func:`dojo_gui.model.sweep.parse_axis`, so the panel refuses what ``dojo-gui sweep`` refuses, with
the same message.  "Vary this figure…" in the inspector fills the axis line with the figure and a
range around its value.  The scenario is the Simulation panel's (the shell says how to get it) or a
model to train.  The economics and the scheduler address are kept in the app's settings.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ... import units
from ...io.catalog import builtin_models
from ...jobs.sweep.scenario import describe, options
from ...model.design import Design
from ...model.economics import DEFAULT_ELECTRICITY_USD_PER_KWH, DEFAULT_SERVICE_YEARS, Economics
from ...model.specs import ContainerSpec, spec_fields
from ...model.sweep import Axis, Plan, Sweep, SweepError, parse_axis

PLANS = {"product": "Every combination", "list": "Values side by side", "lhs": "Latin-hypercube sample"}
ERROR_STYLE = "QLineEdit { border: 1px solid #d8453b; background: #fff1f0; }"

# The Simulation panel's scenario as sweep data, or why there is none (a message): provided by the shell.
ScenarioProvider = Callable[[], dict[str, Any]]


class FormError(ValueError):
    """A field that does not read; ``field`` is the widget to mark."""

    def __init__(self, message: str, field: QWidget | None = None) -> None:
        super().__init__(message)
        self.field = field


def suggested_axis(design: Design, spec_id: str, figure: str) -> str:
    """``SPEC.FIGURE=LO..HI:5`` around the figure's value (±20 %), or ``SPEC.FIGURE=`` for a value of 0."""
    spec = design.specs[spec_id]
    value = getattr(spec, figure)
    name = units.base_name(figure)
    if isinstance(spec, ContainerSpec) and figure in ("rows", "cols"):
        return f"{spec_id}.grid={spec.rows}x{spec.cols}"
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value == 0:
        return f"{spec_id}.{name}="
    meta = spec_fields(type(spec))[figure].metadata
    unit = units.unit_for_name(figure)
    lo, hi = value * 0.8, value * 1.2
    if meta.get("max") is not None:
        hi = min(hi, meta["max"])
    if meta.get("integer"):
        return f"{spec_id}.{name}={max(1, round(lo))}..{round(hi)}:5"

    def text(v: float) -> str:
        return units.format(v, unit, 3).replace(" ", "") if unit.key not in ("1", "%") else f"{v:.3g}"

    return f"{spec_id}.{name}={text(lo)}..{text(hi)}:5"


class SweepForm(QWidget):
    sigChanged = Signal()  # fires when anything that changes the variants or their count was edited
    sigError = Signal(str)  # fires when a field does not read; what is wrong

    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.scenario_provider: ScenarioProvider | None = None
        self.design: Design | None = None
        self._marked: list[QWidget] = []

        self.axes = QListWidget()
        self.axes.setObjectName("sweepAxes")
        self.axes.setMaximumHeight(72)
        self.axis_edit = QLineEdit()
        self.axis_edit.setObjectName("sweepAxisEdit")
        self.axis_edit.setPlaceholderText("SPEC.FIGURE=VALUES, e.g. dojo-d1.tdp=350W..500W:4 or tile.grid=4x4,5x5")
        self.axis_edit.returnPressed.connect(self.add_axis)
        self.axis_edit.textEdited.connect(lambda _t: self._unmark(self.axis_edit))
        add = QPushButton("Add")
        add.setObjectName("sweepAddAxis")
        add.clicked.connect(self.add_axis)
        remove = QPushButton("Remove")
        remove.setObjectName("sweepRemoveAxis")
        remove.clicked.connect(self.remove_axis)
        line = QHBoxLayout()
        line.addWidget(self.axis_edit, 1)
        line.addWidget(add)
        line.addWidget(remove)

        self.plan = QComboBox()
        self.plan.setObjectName("sweepPlan")
        for key, title in PLANS.items():
            self.plan.addItem(title, key)
        self.samples = QSpinBox()
        self.samples.setObjectName("sweepSamples")
        self.samples.setRange(1, 100_000)
        self.samples.setValue(32)
        self.samples.setPrefix("N = ")
        self.seed = QSpinBox()
        self.seed.setObjectName("sweepSeed")
        self.seed.setRange(0, 1_000_000)
        self.seed.setPrefix("seed ")
        plan_line = QHBoxLayout()
        plan_line.addWidget(self.plan, 1)
        plan_line.addWidget(self.samples)
        plan_line.addWidget(self.seed)

        self.scenario = QComboBox()
        self.scenario.setObjectName("sweepScenario")
        self.scenario.addItem("The Simulation panel's scenario", "panel")
        self.scenario.addItem("Train a model (plan search)", "train")
        self.model = QComboBox()
        self.model.setObjectName("sweepModel")
        for model in builtin_models().values():
            self.model.addItem(model.name, model.id)
        index = self.model.findData("gpt3-175b")
        self.model.setCurrentIndex(max(index, 0))
        self.scenario_label = QLabel()
        self.scenario_label.setObjectName("sweepScenarioLabel")
        self.scenario_label.setWordWrap(True)
        self.scenario_label.setStyleSheet("color: palette(mid);")

        self.price = QLineEdit(self._setting("electricity_usd_per_kwh", f"{DEFAULT_ELECTRICITY_USD_PER_KWH:g}"))
        self.price.setObjectName("sweepPrice")
        self.price.setToolTip("Electricity price in US dollars per kWh")
        self.years = QLineEdit(self._setting("service_years", f"{DEFAULT_SERVICE_YEARS:g}"))
        self.years.setObjectName("sweepYears")
        self.years.setToolTip("Years of service, over which the capital cost is spent")
        self.scheduler = QLineEdit(self._setting("scheduler", ""))
        self.scheduler.setObjectName("sweepScheduler")
        self.scheduler.setPlaceholderText("empty: a local cluster; or tcp://HOST:8786")
        self.workers = QSpinBox()
        self.workers.setObjectName("sweepWorkers")
        self.workers.setRange(0, 256)
        self.workers.setSpecialValueText("in this process")
        self.workers.setValue(int(self._setting("workers", str(os.cpu_count() or 1))))
        self.workers.setSuffix(" local workers")

        what = QGroupBox("Vary")
        what_column = QVBoxLayout(what)
        what_column.addWidget(self.axes)
        what_column.addLayout(line)
        # Two columns of label and field: the dock is wider than it is tall.
        grid = QGridLayout()
        rows = [("Plan", plan_line, "Scenario", self.scenario),
                ("Electricity ($/kWh)", self.price, "Model", self.model),
                ("Years of service", self.years, "Scheduler", self.scheduler),
                ("Workers", self.workers, "", None)]
        for r, (left_label, left, right_label, right) in enumerate(rows):
            grid.addWidget(QLabel(left_label), r, 0)
            if isinstance(left, QLayout):
                grid.addLayout(left, r, 1)
            elif isinstance(left, QWidget):
                grid.addWidget(left, r, 1)
            if right is not None:
                grid.addWidget(QLabel(right_label), r, 2)
                grid.addWidget(right, r, 3)
        grid.addWidget(self.scenario_label, len(rows), 0, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(what)
        column.addLayout(grid)

        for combo in (self.plan, self.scenario, self.model):  # as narrow as the dock likes; the list shows it all
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        for edit in (self.price, self.years, self.scheduler):
            edit.setMinimumWidth(60)
        for signal in (self.plan.currentIndexChanged, self.samples.valueChanged, self.seed.valueChanged,
                       self.scenario.currentIndexChanged, self.model.currentIndexChanged, self.workers.valueChanged):
            signal.connect(lambda *_: self._changed())
        for edit in (self.price, self.years, self.scheduler):
            edit.editingFinished.connect(self._changed)
            edit.textEdited.connect(lambda _t, e=edit: self._unmark(e))
        self._changed()

    # ----------------------------------------------------------------- settings
    def _setting(self, key: str, default: str) -> str:
        if self.settings is None:
            return default
        value = self.settings.value(f"sweeps/{key}")
        return default if value is None else str(value)

    def save_settings(self) -> None:
        if self.settings is None:
            return
        for key, widget in (("electricity_usd_per_kwh", self.price), ("service_years", self.years),
                            ("scheduler", self.scheduler)):
            self.settings.setValue(f"sweeps/{key}", widget.text().strip())
        self.settings.setValue("sweeps/workers", self.workers.value())

    # ----------------------------------------------------------------- axes
    def axis_texts(self) -> list[str]:
        return [self.axes.item(i).text() for i in range(self.axes.count())]

    def set_design(self, design: Design) -> None:
        self.design = design

    def vary(self, spec_id: str, figure: str) -> None:
        """Start an axis for a figure (the inspector's "Vary this figure…"): a range around its value, to edit."""
        if self.design is None or spec_id not in self.design.specs:
            return
        self.axis_edit.setText(suggested_axis(self.design, spec_id, figure))
        self._unmark(self.axis_edit)
        self.axis_edit.setFocus()
        self.axis_edit.end(False)

    def add_axis(self) -> bool:
        text = self.axis_edit.text().strip()
        if not text or self.design is None:
            return False
        try:
            axis = parse_axis(text, self.design.specs, scenario_options=self._scenario_options())
        except SweepError as exc:
            self._mark(self.axis_edit, str(exc))
            return False
        texts = self.axis_texts()
        for i, existing in enumerate(texts):
            if existing.split("=", 1)[0] in (axis.label, axis.target):
                self.axes.item(i).setText(axis.text())  # the same target again: its values change
                break
        else:
            self.axes.addItem(axis.text())
        self.axis_edit.clear()
        self._changed()
        return True

    def remove_axis(self) -> None:
        row = self.axes.currentRow()
        if row >= 0:
            self.axes.takeItem(row)
            self._changed()

    def set_axes(self, axes: list[Axis]) -> None:
        self.axes.clear()
        for axis in axes:
            self.axes.addItem(axis.text())
        self._changed()

    # ----------------------------------------------------------------- the sweep
    def _scenario_options(self) -> tuple[str, ...]:
        try:
            return options(self.scenario_data()["kind"])
        except FormError:
            return ()

    def scenario_data(self) -> dict[str, Any]:
        """The scenario as sweep data: the Simulation panel's, or a model to train."""
        if self.scenario.currentData() == "train":
            return {"kind": "train", "model": self.model.currentData(), "recompute": "full",
                    "sequence_parallel": True, "zero_stage": 1}
        if self.scenario_provider is None:
            raise FormError("the Simulation panel is not ready yet", self.scenario)
        try:
            return self.scenario_provider()
        except ValueError as exc:
            raise FormError(f"the Simulation panel's scenario: {exc}", self.scenario) from None

    def economics(self) -> Economics:
        try:
            price = units.parse(self.price.text().strip() or "0", "USD/kWh")
        except units.UnitError as exc:
            raise FormError(f"electricity price: {exc}", self.price) from None
        try:
            years = float(self.years.text().strip())
        except ValueError:
            raise FormError(f"years of service: {self.years.text()!r} is not a number", self.years) from None
        try:
            return Economics(price, years)
        except ValueError as exc:
            raise FormError(str(exc), self.years) from None

    def plan_value(self) -> Plan:
        kind = self.plan.currentData()
        return Plan(kind, self.samples.value(), self.seed.value()) if kind == "lhs" else Plan(kind)

    def sweep(self, name: str = "") -> Sweep:
        """The sweep the form describes, on the design it was given; raises :class:`FormError` naming the field."""
        if self.design is None:
            raise FormError("no design")
        texts = self.axis_texts()
        if not texts:
            raise FormError("add something to vary (SPEC.FIGURE=VALUES)", self.axis_edit)
        scenario = self.scenario_data()
        try:
            axes = [parse_axis(t, self.design.specs, scenario_options=options(scenario["kind"])) for t in texts]
            sweep = Sweep(name or ", ".join(a.label for a in axes), axes, self.plan_value(), scenario,
                          self.economics())
            sweep.variants()
        except SweepError as exc:
            raise FormError(str(exc), self.axes) from None
        return sweep

    def describe_scenario(self) -> str:
        try:
            return describe(self.scenario_data())
        except (FormError, SweepError) as exc:
            return str(exc)

    def where(self) -> tuple[str, int | None]:
        """(scheduler address or "", local workers: 0 in this process)."""
        return self.scheduler.text().strip(), self.workers.value()

    # ----------------------------------------------------------------- marks
    def _changed(self) -> None:
        lhs = self.plan.currentData() == "lhs"
        self.samples.setVisible(lhs)
        self.seed.setVisible(lhs)
        self.model.setEnabled(self.scenario.currentData() == "train")
        self.scheduler_used = bool(self.scheduler.text().strip())
        self.workers.setEnabled(not self.scheduler_used)
        self.scenario_label.setText(self.describe_scenario())
        self.save_settings()
        self.sigChanged.emit()

    def _mark(self, widget: QWidget, message: str) -> None:
        widget.setStyleSheet(ERROR_STYLE)
        widget.setToolTip(message)
        self._marked.append(widget)
        self.sigError.emit(message)

    def mark(self, error: FormError) -> None:
        if error.field is not None:
            self._mark(error.field, str(error))

    def _unmark(self, widget: QWidget) -> None:
        if widget in self._marked:
            widget.setStyleSheet("")
            widget.setToolTip("")
            self._marked.remove(widget)
