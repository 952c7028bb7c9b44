"""One kept run on its own: its plots (the live run's plots, from its saved series) and its parts' values on the canvas.

A kept run keeps a print of its design and its parts' values at a few times
(:mod:`dojo_gui.model.runprint`); :class:`RunView` turns them into what the canvas overlay
takes (:class:`KeptCanvas`), at the run's end or at the time picked on its slider.  Runs
kept before runs kept their parts show their plots and say why the canvas cannot show them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from ... import units
from ...model.design import PartPath
from ...model.fingerprint import skeleton
from ...model.partindex import PartIndex
from ...model.runs import RunRecord
from ...model.specs import ChipSpec, ContainerSpec
from ...report.runs import figure_label
from ..project.dialogs import Dialogs
from .plots import PALETTE, THERMAL_PLOTS, CurveSpec, PlotSpec, SeriesPlots

# Plots of series that are not a live thermal run's, by the unit of the series they hold.
UNIT_TITLES = {"W": "Power", "C": "Temperature", "1": "Ratio", "s": "Time", "%": "Share", "B/s": "Bandwidth"}
KIND_WORDS = {"thermal": "power and cooling run", "comm": "collective", "train": "training plan"}
# The canvas overlay's state names for a kept thermal run's part values (level, name in the record).
STATE_NAMES = {"chip_tj_c": ("chip", "tj_c"), "chip_power_w": ("chip", "power_w"), "chip_level": ("chip", "level"),
               "tile_power_w": ("tile", "power_w"), "tile_in_c": ("tile", "coolant_in_c"),
               "tile_out_c": ("tile", "coolant_out_c"), "cabinet_power_w": ("cabinet", "power_w"),
               "cdu_load_w": ("cabinet", "cdu_load_w"), "cdu_supply_c": ("cabinet", "supply_c"),
               "cdu_return_c": ("cabinet", "return_c")}
LINK_LOAD = "link_load_fraction"
# Saved series the live plots do not draw, drawn in one of theirs: the outdoor air beside the coolant (the
# plot of its own would take a row of a short dock).
JOINED = {"ambient_c": "coolant"}


# --------------------------------------------------------------------------- plots of saved series
def series_layout(names: Iterable[str], kind: str) -> list[tuple[PlotSpec, list[str]]]:
    """Which plot each series goes in: a thermal run's series in the live power and cooling plots, the
    others one plot per unit (a collective's shares in one "Collective" plot)."""
    names = list(dict.fromkeys(names))
    out: list[tuple[PlotSpec, list[str]]] = []
    placed: set[str] = set()
    for spec in THERMAL_PLOTS:
        mine = [c.name for c in spec.curves if c.name in names]
        mine += [n for n, key in JOINED.items() if key == spec.key and n in names and mine]
        if mine:
            out.append((spec, mine))
            placed.update(mine)
    by_unit: dict[str, list[str]] = {}
    for name in names:
        if name not in placed:
            by_unit.setdefault(units.unit_for_name(name).key, []).append(name)
    for key, group in by_unit.items():
        unit = key if key in units.UNITS else "1"
        title = ("Collective" if kind == "comm" and key == "%" else figure_label(group[0]) if len(group) == 1
                 else UNIT_TITLES.get(key, figure_label(group[0])))
        out.append((PlotSpec(f"unit-{key}", title, unit), group))
    return out


def plot_specs(layout: list[tuple[PlotSpec, list[str]]], tags: tuple[str, ...] = ("",),
               has: Iterable[set[str]] | None = None) -> list[PlotSpec]:
    """The plots of ``layout``; one curve per series and tag (``A:name`` solid, ``B:name`` dashed when tagged),
    a series's colour and label as the live plots give them."""
    present = list(has) if has is not None else [{n for _, names in layout for n in names}] * len(tags)
    specs = []
    for spec, names in layout:
        live = {c.name: c for c in spec.curves}
        free = [colour for colour in PALETTE if colour not in {c.colour for c in spec.curves}]
        curves = []
        for k, name in enumerate(names):
            base = live.get(name) or CurveSpec(name, figure_label(name), free[k % len(free)], dashed=name in JOINED)
            for j, tag in enumerate(tags):
                if name not in present[j]:
                    continue
                if tag:
                    curves.append(CurveSpec(f"{tag}:{name}", f"{base.label} {tag}", base.colour, dashed=j > 0,
                                            legend=base.label))
                else:
                    curves.append(CurveSpec(name, base.label, base.colour, dashed=base.dashed))
        specs.append(PlotSpec(spec.key, spec.title, spec.unit, curves, spec.min_span, spec.include))
    return specs


def show_series(plots: SeriesPlots, record: RunRecord, tag: str = "") -> None:
    for name, points in record.series.items():
        curve = f"{tag}:{name}" if tag else name
        if curve in plots.curves:
            xy = np.asarray(points, float).reshape(-1, 2)
            plots.set_data(curve, xy[:, 0], xy[:, 1])


# --------------------------------------------------------------------------- the canvas
@dataclass
class KeptCanvas:
    """What the canvas overlay takes to show a kept run (:meth:`LiveOverlay.show_kept`)."""

    caption: str
    kind: str  # the overlay that shows it best: "temperature" or "links"
    index: PartIndex | None = None
    limits: dict[str, np.ndarray] | None = None
    state: dict[str, np.ndarray] | None = None
    chip_paths: list[PartPath] | None = None
    chip_load: np.ndarray | None = None
    what: str = ""


class KeptParts:
    """A kept run's part values, read once, as the overlay takes them frame by frame."""

    def __init__(self, record: RunRecord) -> None:
        assert record.design is not None and record.parts is not None
        self.record = record
        self.parts = record.parts
        self.paths = record.design.paths()
        self.times = self.parts.time_s
        self.frames = {(level, name): np.array([[math.nan if v is None else v for v in f] for f in frames], float)
                       for level, names in self.parts.values.items() for name, frames in names.items()}
        self.limits = _limits(record, self.paths) if record.kind == "thermal" else {}

    def canvas(self, frame: int) -> KeptCanvas:
        record = self.record
        t = self.times[frame]
        end = " (the end)" if frame == len(self.times) - 1 else ""
        if record.kind != "thermal":
            load = self.frames.get(("chip", LINK_LOAD))
            what = str(record.parameters.get("algorithm", ""))
            return KeptCanvas(f"kept run “{record.label}”", "links", chip_paths=self.paths["chip"],
                              chip_load=load[frame] if load is not None else np.zeros(0),
                              what=f"{record.parameters.get('collective', record.label)}, {what}".strip(", "))
        levels = {level for level, _ in self.frames}
        index = PartIndex({level: self.paths[level] for level in levels})
        state: dict[str, np.ndarray] = {}
        for key, (level, name) in STATE_NAMES.items():
            values = self.frames.get((level, name))
            n = len(index.paths.get(level, ()))
            missing = np.zeros(n) if name == "level" else np.full(n, np.nan)  # a level kept only if some chip throttled
            state[key] = values[frame] if values is not None else missing
        return KeptCanvas(f"kept run “{record.label}” at {units.format(t, 's')}{end}", "temperature", index=index,
                          limits=dict(self.limits.items()), state=state)


def _limits(record: RunRecord, paths: dict[str, list[PartPath]]) -> dict[str, np.ndarray]:
    """Each part's power limit (chip TDP, tile and cabinet budget) and the chips' throttle temperature, from
    the specs of the design the run was made on (as the live overlay measures them)."""
    assert record.design is not None
    design = skeleton(record.design)

    def figure(path: PartPath, name: str) -> float:
        part = design.find(path)
        spec = design.specs.get(part.spec_id) if part is not None else None
        return float(getattr(spec, name, math.nan)) if isinstance(spec, (ChipSpec, ContainerSpec)) else math.nan

    return {"chip": np.array([figure(p, "tdp_w") for p in paths["chip"]]),
            "tj_c": np.array([figure(p, "tj_max_c") for p in paths["chip"]]),
            "tile": np.array([figure(p, "power_budget_w") for p in paths["tile"]]),
            "cabinet": np.array([figure(p, "power_budget_w") for p in paths["cabinet"]])}


# --------------------------------------------------------------------------- the view
class RunView(QWidget):
    sigCanvas = Signal(object)  # fires when the canvas should show a kept run's values (a KeptCanvas) or not (None)

    def __init__(self, dialogs: Dialogs | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record: RunRecord | None = None
        self.kept: KeptParts | None = None
        self.title = QLabel()
        self.title.setObjectName("runViewTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.on_canvas = QCheckBox("Show on the canvas")
        self.on_canvas.setObjectName("runOnCanvas")
        self.on_canvas.setToolTip("Colour the canvas by this run's values (its parts at the time on the slider)")
        self.on_canvas.toggled.connect(lambda _on: self._emit_canvas())
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("runTimeSlider")
        self.slider.setToolTip("The time of the run whose values colour the canvas")
        self.slider.valueChanged.connect(self._on_slider)
        self.time_label = QLabel("")
        self.time_label.setObjectName("runTimeLabel")
        self.time_label.setMinimumWidth(150)
        canvas_row = QHBoxLayout()
        canvas_row.setContentsMargins(6, 0, 6, 0)
        canvas_row.addWidget(self.on_canvas)
        canvas_row.addWidget(self.slider, 1)
        canvas_row.addWidget(self.time_label)
        self.plots = SeriesPlots([], dialogs=dialogs, name="keptRun", columns=2)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.title)
        column.addLayout(canvas_row)
        column.addWidget(self.plots, 1)
        self.show_record(None)

    def show_record(self, record: RunRecord | None, hint: str = "Select a run to see it here.") -> None:
        """Show ``record`` (None: nothing, with ``hint`` in its place)."""
        self.record = record
        self.kept = KeptParts(record) if record is not None and record.parts is not None and record.design else None
        if record is None:
            self.title.setText(hint)
            self.plots.set_specs([])
        else:
            self.title.setText(_title(record))
            self.plots.set_specs(plot_specs(series_layout(record.series, record.kind)))
            show_series(self.plots, record)
            self.plots.auto_range()
        kept = self.kept
        frames = len(kept.times) if kept is not None else 0
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(frames - 1, 0))
        self.slider.setValue(max(frames - 1, 0))
        self.slider.blockSignals(False)
        self.slider.setEnabled(frames > 1)
        self.on_canvas.setEnabled(kept is not None)
        if record is not None and kept is None:
            self.on_canvas.setToolTip("This run keeps no values of its parts (it was kept before runs did, or is "
                                      "not a thermal run or a collective)")
        self.on_canvas.blockSignals(True)
        self.on_canvas.setChecked(kept is not None)
        self.on_canvas.blockSignals(False)
        self._update_time_label()
        self._emit_canvas()

    def release_canvas(self) -> None:
        """The canvas shows something else now (a new run): untick, without asking for anything."""
        self.on_canvas.blockSignals(True)
        self.on_canvas.setChecked(False)
        self.on_canvas.blockSignals(False)

    def canvas(self) -> KeptCanvas | None:
        """What the canvas should show of this run now (None: nothing of it)."""
        if self.kept is None or not self.on_canvas.isChecked():
            return None
        return self.kept.canvas(self.slider.value())

    def _on_slider(self, _value: int) -> None:
        self._update_time_label()
        self._emit_canvas()

    def _update_time_label(self) -> None:
        kept = self.kept
        if kept is None:
            self.time_label.setText("")
            return
        k = self.slider.value()
        if self.record is not None and self.record.kind != "thermal":
            self.time_label.setText("whole collective")
            return
        end = " (the end)" if k == len(kept.times) - 1 else ""
        self.time_label.setText(f"at {units.format(kept.times[k], 's')}{end}")

    def _emit_canvas(self) -> None:
        self.sigCanvas.emit(self.canvas())


def _title(record: RunRecord) -> str:
    when = record.finished.replace("T", " ").replace("Z", " UTC")
    made = f" on {record.design.name}" if record.design is not None and record.design.name else ""
    kind = KIND_WORDS.get(record.kind, record.kind)
    return f"{record.label or '(no label)'}: a {kind} kept{made}" + (f", finished {when}" if when else "")
