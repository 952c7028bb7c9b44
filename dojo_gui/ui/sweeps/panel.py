"""The Sweeps panel: define a sweep, see how many variants and how long, run it, read and plot the results.

Left: the definition (:class:`.definition.SweepForm`), the count and time estimate, Run and Stop, the
progress (done of all, workers, time left, the Dask dashboard's link) and Keep Sweep.  Right: the
results as a sortable table and as a scatter plot with the Pareto front; a click on a point (or a
double-click on a row) opens that variant as a design (``sigOpenVariant``: the shell opens it in a
window of its own).  The sweeps kept with the project can be shown again from the list at the top.
"""

from __future__ import annotations

import dataclasses
import logging

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ... import units
from ...jobs.sweep.estimate import Timings, work
from ...jobs.sweep.runner import design_digest, finish
from ...model.aggregate import summarize
from ...model.design import Design
from ...model.sweep import Sweep, SweepError, VariantResult
from ...model.variants import apply_variant, describe_variant
from ..project.document import DesignDocument
from .controller import SweepController, SweepOutcome, SweepProgress
from .definition import FormError, SweepForm
from .results import ResultsTable
from .scatter import SweepScatter

log = logging.getLogger(__name__)


def wall(seconds: float) -> str:
    return units.format(seconds, "s", 2) if seconds >= 1 else "under a second"


class SweepsPanel(QWidget):
    sigOpenVariant = Signal(object, str)  # fires when the user asks to open a variant; its Design and a title
    sigStatus = Signal(str, int)  # fires with a message for the status bar and how long to show it (ms)

    def __init__(self, document: DesignDocument, settings: QSettings | None = None,
                 controller: SweepController | None = None, timings: Timings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.controller = controller or SweepController(self)
        self.timings = timings or Timings()
        self.shown: Sweep | None = None  # the sweep whose results are on show
        self.shown_design: Design | None = None  # the design it ran on (None: the project's as it is now)
        self.arrived: list[VariantResult] = []

        self.form = SweepForm(settings)
        self.form.set_design(document.design)
        self.form.sigChanged.connect(self.update_estimate)
        self.form.sigError.connect(lambda text: self.show_message(text, error=True))
        self.kept = QComboBox()
        self.kept.setObjectName("sweepKept")
        self.kept.currentIndexChanged.connect(self._on_kept_chosen)
        self.count_label = QLabel()
        self.count_label.setObjectName("sweepCount")
        self.count_label.setWordWrap(True)
        style = self.style()
        self.run_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), "Run Sweep")
        self.run_button.setObjectName("sweepRun")
        self.run_button.clicked.connect(self.run)
        self.stop_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_MediaStop), "Stop")
        self.stop_button.setObjectName("sweepStop")
        self.stop_button.setToolTip("Cancel the variants that have not run")
        self.stop_button.clicked.connect(self.controller.stop)
        self.keep_button = QPushButton("Keep Sweep")
        self.keep_button.setObjectName("sweepKeep")
        self.keep_button.setToolTip("Keep this sweep and its results with the project (saved in the .dojo; undoable)")
        self.keep_button.clicked.connect(self.keep)
        buttons = QHBoxLayout()
        for button in (self.run_button, self.stop_button, self.keep_button):
            buttons.addWidget(button)
        self.progress = QProgressBar()
        self.progress.setObjectName("sweepProgress")
        self.progress_label = QLabel(" ")
        self.progress_label.setObjectName("sweepProgressLabel")
        self.progress_label.setWordWrap(True)
        self.dashboard = QLabel()
        self.dashboard.setObjectName("sweepDashboard")
        self.dashboard.setOpenExternalLinks(True)
        self.dashboard.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.message = QLabel()
        self.message.setObjectName("sweepMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.dashboard.hide()

        definition = QScrollArea()
        definition.setObjectName("sweepDefinition")
        definition.setWidget(self.form)
        definition.setWidgetResizable(True)
        definition.setFrameShape(QFrame.Shape.NoFrame)
        definition.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the fields narrow instead
        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(definition, 1)
        left_column.addWidget(self.count_label)
        left_column.addLayout(buttons)
        left_column.addWidget(self.progress)
        left_column.addWidget(self.progress_label)
        left_column.addWidget(self.dashboard)
        left_column.addWidget(self.message)

        self.table = ResultsTable()
        self.scatter = SweepScatter()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("sweepResultTabs")
        self.tabs.addTab(self.scatter, "Plot")
        self.tabs.addTab(self.table, "Table")
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        shown = QHBoxLayout()
        shown.addWidget(QLabel("Results of"))
        shown.addWidget(self.kept, 1)
        right_column.addLayout(shown)
        right_column.addWidget(self.tabs, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 700])
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(splitter)

        self.scatter.sigVariantClicked.connect(self.open_variant)
        self.table.sigVariantActivated.connect(self.open_variant)
        c = self.controller
        c.sigResults.connect(self._on_results)
        c.sigProgress.connect(self._on_progress)
        c.sigEnded.connect(self._on_ended)
        c.sigStateChanged.connect(self._on_state)
        document.sigReset.connect(self._on_reset)
        document.sigSweepsChanged.connect(self._fill_kept)
        self._fill_kept()
        self._on_state("idle")
        self.keep_button.setEnabled(False)
        self.update_estimate()

    # ----------------------------------------------------------------- what to vary
    def vary(self, spec_id: str, figure: str) -> None:
        """The inspector's "Vary this figure…": an axis line for it, ready to edit and add."""
        self.form.set_design(self.document.design)
        self.form.vary(spec_id, figure)
        self.sigStatus.emit(f"Sweeps: edit the values of {spec_id}.{units.base_name(figure)} and press Enter to add "
                            f"it", 8000)

    def update_estimate(self) -> None:
        try:
            sweep = self.form.sweep()
        except (FormError, SweepError) as exc:
            self.count_label.setText(f"Nothing to run yet: {exc}" if self.form.axis_texts() else
                                     "Add something to vary (type SPEC.FIGURE=VALUES, or right-click a figure in the "
                                     "inspector: Vary this figure…)")
            return
        count = sweep.count()
        scheduler, workers = self.form.where()
        kind = sweep.scenario["kind"]
        chips = summarize(self.document.design).chips
        estimate = self.timings.estimate_s(kind, work(sweep.scenario, chips), count, workers or 1,
                                           local=not scheduler)
        where = f"the cluster at {scheduler}" if scheduler else (
            f"{workers} local worker{'s' if workers != 1 else ''}" if workers else "this process")
        where = f"in {where}" if where == "this process" else f"on {where}"
        time_text = (f"about {wall(estimate)} {where} (at the pace of the last {kind} sweeps here; "
                     f"variants computed before take no time)" if estimate is not None else
                     f"{where}; no estimate yet: no {kind} sweep has run here")
        self.count_label.setText(f"{count:,} variant{'s' if count != 1 else ''}, {time_text}")

    # ----------------------------------------------------------------- running
    def run(self) -> bool:
        self.form.set_design(self.document.design)
        try:
            sweep = self.form.sweep()
        except FormError as exc:
            self.form.mark(exc)
            self.show_message(str(exc), error=True)
            return False
        design = self.document.design.copy()
        scheduler, workers = self.form.where()
        try:
            started = self.controller.start(design, sweep, scheduler=scheduler, workers=workers)
        except SweepError as exc:
            self.show_message(str(exc), error=True)
            return False
        if not started:
            return False
        self.message.hide()
        self.shown, self.shown_design, self.arrived = sweep, design, []
        self._show(sweep, [])
        self.kept.blockSignals(True)
        self.kept.setCurrentIndex(0)
        self.kept.blockSignals(False)
        self.progress.setRange(0, max(sweep.count(), 1))
        self.progress.setValue(0)
        self.keep_button.setEnabled(False)
        self.sigStatus.emit(f"Sweep of {sweep.count():,} variants started", 4000)
        return True

    def _on_results(self, results: list[VariantResult]) -> None:
        self.arrived.extend(results)
        self.table.model.add(results)
        self.scatter.add(results)

    def _on_progress(self, p: SweepProgress) -> None:
        self.progress.setRange(0, max(p.total, 1))
        self.progress.setValue(p.done)
        parts = [f"{p.done:,} of {p.total:,} variants"]
        if p.workers:
            parts.append(f"{p.workers} worker{'s' if p.workers != 1 else ''}")
        if p.cached:
            parts.append(f"{p.cached:,} from the cache")
        if p.failed:
            parts.append(f"{p.failed:,} failed")
        if p.left_s is not None and p.done < p.total:
            parts.append(f"about {wall(p.left_s)} left")
        status = "" if p.status == "running" else f" — {p.status}…"
        self.progress_label.setText(", ".join(parts) + status)
        self.dashboard.setText(f'<a href="{p.dashboard}">Dask dashboard</a> {p.dashboard}' if p.dashboard else "")
        self.dashboard.setVisible(bool(p.dashboard))

    def _on_ended(self, outcome: SweepOutcome) -> None:
        if self.shown is None or self.shown_design is None:
            return
        if outcome.status == "failed":
            self.show_message(outcome.message, error=True)
            return
        self.shown = finish(self.shown, self.shown_design, outcome.results)
        self._show(self.shown, self.shown.results)
        computed = [r.wall_s for r in outcome.results if r.status == "ok" and not r.cached]
        if computed:
            kind = self.shown.scenario["kind"]
            self.timings.record(kind, work(self.shown.scenario, summarize(self.shown_design).chips), computed)
        failed = sum(r.status == "failed" for r in outcome.results)
        cancelled = sum(r.status == "cancelled" for r in outcome.results)
        text = (f"Sweep {outcome.status}: {len(outcome.results) - failed - cancelled:,} variants in "
                f"{wall(outcome.wall_s)}" + (f", {failed} failed" if failed else "")
                + (f", {cancelled} cancelled" if cancelled else ""))
        self.show_message(text, error=bool(failed))
        self.keep_button.setEnabled(True)
        self.update_estimate()

    def _on_state(self, state: str) -> None:
        running = state != "idle"
        self.run_button.setEnabled(not running)
        self.stop_button.setEnabled(state == "running")
        self.form.setEnabled(not running)

    # ----------------------------------------------------------------- results
    def _show(self, sweep: Sweep | None, results: list[VariantResult] | None) -> None:
        self.table.model.set_sweep(sweep, results)
        self.scatter.set_sweep(sweep, results)

    def keep(self) -> None:
        if self.shown is None or not self.shown.results:
            return
        index = self.document.keep_sweep(self.shown)
        self.keep_button.setEnabled(False)
        self.kept.setCurrentIndex(index + 1)
        self.sigStatus.emit(f"Kept sweep {self.shown.name!r} with the project", 5000)

    def _fill_kept(self) -> None:
        current = self.kept.currentIndex()
        self.kept.blockSignals(True)
        self.kept.clear()
        self.kept.addItem("this session's sweep", None)
        for i, sweep in enumerate(self.document.design.sweeps):
            self.kept.addItem(f"{sweep.name} ({len(sweep.results):,} variants, {sweep.finished or 'not run'})", i)
        self.kept.setCurrentIndex(min(max(current, 0), self.kept.count() - 1))
        self.kept.blockSignals(False)

    def _on_kept_chosen(self) -> None:
        index = self.kept.currentData()
        if index is None or not 0 <= index < len(self.document.design.sweeps):
            return
        sweep = self.document.design.sweeps[index]
        self.shown, self.shown_design = sweep, None
        self._show(sweep, sweep.results)
        self.form.set_axes(sweep.axes)
        stale = sweep.design_digest and sweep.design_digest != design_digest(self.document.design)
        self.show_message(f"Sweep {sweep.name!r}, finished {sweep.finished}" + (
            ": the design has changed since it ran" if stale else ""), error=False)

    def open_variant(self, variant_index: int) -> None:
        """Open a variant of the sweep on show as a design of its own (the shell decides where)."""
        sweep = self.shown
        if sweep is None:
            return
        result = next((r for r in (sweep.results or self.arrived) if r.index == variant_index), None)
        if result is None:
            return
        base = self.shown_design or self.document.design
        try:
            design, _options = apply_variant(base, sweep.axes, result.variant)
        except SweepError as exc:
            self.show_message(f"Cannot open variant {variant_index}: {exc}", error=True)
            return
        words = describe_variant(sweep.axes, result.variant)
        design = dataclasses.replace(design, name=f"{base.name} — {words}",
                                     description=f"Variant {variant_index} of the sweep {sweep.name!r}: {words}.")
        self.table.select_variant(variant_index)
        self.sigOpenVariant.emit(design, f"variant {variant_index} of {sweep.name}")

    # ----------------------------------------------------------------- the rest
    def show_message(self, text: str, *, error: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c0392b;" if error else "")
        self.message.show()

    def _on_reset(self) -> None:
        """Another design: its sweeps, not the old one's results."""
        self.controller.stop()
        self.form.set_design(self.document.design)
        self.shown = self.shown_design = None
        self._show(None, None)
        self._fill_kept()
        self.keep_button.setEnabled(False)
        self.update_estimate()

    def shutdown(self) -> None:
        self.form.save_settings()
        self.controller.shutdown()
