"""The inspector: what the selected part is, what it uses against what it has, and its spec's figures.

Figures are shown with their units and edited as text ("15 kW", "4 TB/s"); the text goes
through :func:`~dojo_gui.model.specs.parse_figure`, so what the file loader refuses the
inspector refuses too, with the same message, and the design is left as it was.  A
spec is shared: editing it changes every part that uses it (the header says how many);
"Make a variant" gives the selected parts their own copy first.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ... import units
from ...jobs.analysis import Analysis
from ...model.aggregate import Summary
from ...model.design import PartPath, format_path
from ...model.placement import accepting_slots, spec_title
from ...model.specs import CHILD_LEVEL, AnySpec, ContainerSpec, FigureError
from ...render.capacity import STATE_COLOURS, Capacity, capacities
from ...text import count
from ..project.document import DesignDocument, EditRefused
from .selection import Selection


def _narrow(combo: QComboBox) -> QComboBox:
    """A combo box that does not widen the inspector to its longest entry."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    # Qt 6 still asks for the longest item's width as the minimum of a combo that is not editable.
    combo.setMinimumWidth(combo.fontMetrics().averageCharWidth() * 8 + 40)
    return combo


ERROR_STYLE = "QLineEdit, QComboBox { border: 1px solid #d8453b; background: #fff3f2; }"


class CapacityBar(QWidget):
    """A labelled bar: what a container uses against what it has, green / amber / red."""

    def __init__(self, capacity: Capacity, parent=None) -> None:
        super().__init__(parent)
        self.capacity = capacity
        self.setMinimumHeight(34)
        self.setMinimumWidth(120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip(capacity.text)

    def sizeHint(self) -> QSize:
        return QSize(200, 34)

    def paintEvent(self, event) -> None:
        c = self.capacity
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        w = self.width()
        bold = QFont(self.font())
        bold.setBold(True)
        p.setFont(bold)
        p.setPen(self.palette().windowText().color())
        p.drawText(QRectF(0, 0, w, 16), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), c.label)
        label_w = p.fontMetrics().horizontalAdvance(c.label) + 10
        p.setFont(self.font())
        share = f"{c.fraction * 100:.0f} %" if c.key != "slots" else ""
        text = p.fontMetrics().elidedText(f"{c.text}  {share}".rstrip(), Qt.TextElideMode.ElideLeft, int(w - label_w))
        p.drawText(QRectF(label_w, 0, w - label_w, 16), int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), text)
        bar = QRectF(0, 20, w - 1, 10)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 35))
        p.drawRoundedRect(bar, 3, 3)
        p.setBrush(STATE_COLOURS[c.state])
        p.drawRoundedRect(QRectF(bar.x(), bar.y(), bar.width() * min(1.0, c.fraction), bar.height()), 3, 3)
        p.end()


def _numeric(value: Any) -> bool:
    """A figure a sweep can vary: a number (a table's entries are varied by name, on the Sweeps panel)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def figure_text(spec: AnySpec, name: str) -> str:
    """A spec figure as the inspector shows it (and parses it back)."""
    value = getattr(spec, name)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, dict):  # a table: peak_flops in FLOP/s by format, matmul_efficiency a share by size
        unit = units.unit_for_name(name)
        return ", ".join(f"{k}: {units.format(v, unit, 6)}" for k, v in value.items())
    if isinstance(value, tuple):
        if name == "dvfs_levels":
            return ", ".join(f"{v:g}" for v in value)
        return "; ".join(value)
    if isinstance(value, int) and not isinstance(value, float):
        return str(value)
    return units.format_for_name(name, value, digits=6)


def raw_from_text(spec: AnySpec, name: str, text: str) -> Any:
    """What :func:`parse_figure` takes for ``text`` typed into the field ``name``."""
    value = getattr(spec, name)
    if isinstance(value, dict):
        out = {}
        for item in [t for t in text.split(",") if t.strip()]:
            if ":" not in item:
                raise FigureError(name, f"{_table_example(spec, name)} (got {item.strip()!r})")
            key, val = item.split(":", 1)
            out[key.strip()] = val.strip()
        return out
    if isinstance(value, tuple):
        sep = ";" if name == "sources" else ","
        items = [t.strip() for t in text.split(sep) if t.strip()]
        return items
    return text


def _table_example(spec: AnySpec, name: str) -> str:
    """How to write a row of a table figure, from what the table is keyed by."""
    if next((f.metadata.get("keys") for f in spec.figures() if f.name == name), "format") == "size":
        return "write each size as 'size: share', e.g. '4096: 83 %'"
    return "write each format as 'name: value', e.g. 'bf16: 362 TFLOPS'"


class _ValueForm(QFormLayout):
    """A form of short read-only values, one per line (no word wrap: wrapped labels make forms in a
    scroll area misjudge their height)."""

    def addRow(self, label, field=None):  # type: ignore[override]
        if isinstance(field, QLabel):
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return super().addRow(label, field)


class InspectorWidget(QScrollArea):
    sigStatus = Signal(str, int)  # fires with a message for the status bar (a refused value, a done edit)
    sigVaryRequested = Signal(str, str)  # fires when the user asks to vary a figure in a sweep; the spec id and figure

    def __init__(self, document: DesignDocument, selection: Selection, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.selection = selection
        self.analysis: Analysis | None = None
        self.target: tuple[str, Any] = ("part", ())
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the form follows the dock's width
        self._rebuild_timer = QTimer(self)
        self._rebuild_timer.setSingleShot(True)
        self._rebuild_timer.setInterval(0)
        self._rebuild_timer.timeout.connect(self.rebuild)
        selection.sigChanged.connect(self._follow_selection)
        selection.sigFocusChanged.connect(lambda _p: self._follow_selection())
        document.sigSpecsChanged.connect(self._on_specs)
        document.sigPartChanged.connect(self._on_part)
        document.sigPartRemoved.connect(self._on_part)
        document.sigPartAdded.connect(self._on_part)
        document.sigPartMoved.connect(lambda new, old: self._on_part(new))
        document.sigReset.connect(self._follow_selection)
        document.sigMetaChanged.connect(self._on_meta)
        self.rebuild()

    # ----------------------------------------------------------------- what to show
    def _follow_selection(self) -> None:
        current = self.selection.current
        self.target = ("part", current if current is not None else self.selection.focus)
        self.schedule_rebuild()

    def show_spec(self, spec_id: str) -> None:
        self.target = ("spec", spec_id)
        self.schedule_rebuild()

    def schedule_rebuild(self) -> None:
        """Rebuild after the current event: an editor's own signal may be what changed the target."""
        self._rebuild_timer.start()

    def set_analysis(self, analysis: Analysis) -> None:
        """New capacity figures: only the capacity and totals boxes change, so typing is never interrupted."""
        self.analysis = analysis
        if self.target[0] == "part" and not self._rebuild_timer.isActive():
            self._refresh_analysis()

    def _on_specs(self, spec_id: str) -> None:
        if self._rebuild_timer.isActive():
            return
        if spec_id == self._shown_spec_id and self.document.design.specs.get(spec_id) is not None:
            self._refresh_values()
        elif self.target[0] == "spec" and self.target[1] == spec_id:
            self.schedule_rebuild()

    def _on_part(self, path: PartPath) -> None:
        if self.target[0] != "part":
            return
        shown = self.target[1]
        part = self.document.design.find(shown)
        if part is None:
            focus = self.selection.focus
            self.target = ("part", focus if self.document.design.find(focus) is not None else ())
            self.schedule_rebuild()
        elif part.spec_id != self._shown_spec_id or path[:-1] == shown:
            self.schedule_rebuild()  # another spec, or the slots inside it changed

    def _on_meta(self) -> None:
        if self.target == ("part", ()):
            self.schedule_rebuild()

    def _shown_spec(self) -> AnySpec | None:
        kind, what = self.target
        if kind == "spec":
            return self.document.resolve(what)
        part = self.document.design.find(what)
        return self.document.design.specs.get(part.spec_id) if part is not None else None

    # ----------------------------------------------------------------- building the form
    def rebuild(self) -> None:
        self._rebuild_timer.stop()
        scroll = self.verticalScrollBar().value()
        old = self.takeWidget()
        if old is not None:
            old.hide()
            old.deleteLater()
        self.editors, self.errors = {}, {}
        self._shown_spec_id = None
        self._analysis_box = None
        body = QWidget()
        body.setObjectName("inspectorBody")
        self.body = QVBoxLayout(body)
        self.body.setContentsMargins(8, 8, 8, 8)
        self.body.setSpacing(8)
        kind, what = self.target
        if kind == "part" and self.document.design.find(what) is not None:
            self._build_part(what)
        elif kind == "spec" and self.document.resolve(what) is not None:
            self._build_spec_only(what)
        else:
            self.body.addWidget(QLabel("Nothing selected."))
        self.body.addStretch(1)
        self.setWidget(body)
        self.verticalScrollBar().setValue(scroll)

    def _title(self, text: str, sub: str = "") -> None:
        title = QLabel(text)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        title.setFont(font)
        title.setWordWrap(True)
        self.body.addWidget(title)
        if sub:
            label = QLabel(sub)
            label.setWordWrap(True)
            label.setStyleSheet("color: #5b6570;")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.body.addWidget(label)

    def _build_part(self, path: PartPath) -> None:
        design = self.document.design
        part = design.part(path)
        spec = design.specs.get(part.spec_id)
        what = spec_title(spec) if spec else part.spec_id
        if path:
            name = part.name or f"{part.level} [{part.slot[0]},{part.slot[1]}]"
            self._title(f"{name} · {what}", format_path(path))
        else:
            self._title(design.name or "Untitled design", f"The room: {what}")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if path:
            name_edit = QLineEdit(part.name)
            name_edit.setObjectName("partName")
            name_edit.setPlaceholderText("(no name)")
            name_edit.editingFinished.connect(lambda: self._rename(path, name_edit.text()))
            form.addRow("Name", name_edit)
        else:
            name_edit = QLineEdit(design.name)
            name_edit.setObjectName("designName")
            name_edit.editingFinished.connect(lambda: self.document.set_meta(name=name_edit.text()))
            form.addRow("Design", name_edit)
            description = QLineEdit(design.description)
            description.setCursorPosition(0)
            description.setObjectName("designDescription")
            description.editingFinished.connect(lambda: self.document.set_meta(description=description.text()))
            form.addRow("Description", description)
        self.spec_combo = _narrow(QComboBox())
        self.spec_combo.setObjectName("partSpec")
        for s in sorted((s for s in self.document.lookup().values() if s.level == part.level),
                        key=lambda s: (s.id not in design.specs, spec_title(s).lower())):
            self.spec_combo.addItem(f"{spec_title(s)}  ({s.id})", s.id)
        self.spec_combo.setCurrentIndex(max(0, self.spec_combo.findData(part.spec_id)))
        self.spec_combo.currentIndexChanged.connect(lambda _i: self._swap_spec(path))
        form.addRow("Spec", self.spec_combo)
        self.body.addLayout(form)

        if isinstance(spec, ContainerSpec):
            self._build_fill_row(path, spec)
        if part.level != "chip":
            self._analysis_box = QWidget()
            self._analysis_box.setObjectName("analysisBox")
            QVBoxLayout(self._analysis_box).setContentsMargins(0, 0, 0, 0)
            self.body.addWidget(self._analysis_box)
            self._refresh_analysis()
        if spec is not None:
            self._build_spec(spec, editable=True, for_part=path)

    def _build_fill_row(self, path: PartPath, spec: ContainerSpec) -> None:
        part = self.document.design.part(path)
        empty = self.document.design.empty_slots(part)
        if not empty:
            return
        child_level = CHILD_LEVEL[part.level]
        options = [s for s in self.document.lookup().values()
                   if s.level == child_level and accepting_slots(self.document.design, part, s)]
        if not options:
            return
        # The count on a line of its own, the choice below it: side by side they were wider than the dock.
        self.body.addWidget(QLabel(f"{count(len(empty), 'empty slot')}: fill with"))
        row = QHBoxLayout()
        combo = _narrow(QComboBox())
        combo.setObjectName("fillSpec")
        for s in sorted(options, key=lambda s: (s.id != spec.default_child, s.id not in self.document.design.specs, spec_title(s))):
            combo.addItem(spec_title(s), s.id)
        row.addWidget(combo, 1)
        button = QPushButton("Fill")
        button.setObjectName("fillButton")
        button.clicked.connect(lambda: self._fill(path, combo.currentData()))
        row.addWidget(button)
        self.body.addLayout(row)

    def _refresh_analysis(self) -> None:
        box = self._analysis_box
        if box is None:
            return
        layout = box.layout()
        while layout.count():
            widget = layout.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        summary = self.analysis.summaries.get(self.target[1]) if self.analysis else None
        if summary is None:
            waiting = QLabel("Checking the design…")
            waiting.setStyleSheet("color: #5b6570;")
            layout.addWidget(waiting)
            return
        self._build_capacity(summary, layout)
        self._build_totals(summary, layout)
        # The box changed height: the scroll area must size the form anew (it only does so on a layout request).
        self.body.invalidate()
        QCoreApplication.postEvent(self, QEvent(QEvent.LayoutRequest))

    def _refresh_values(self) -> None:
        """Show a spec's new figures in the existing editors (after an edit or an undo)."""
        spec = self.document.design.specs.get(self._shown_spec_id)
        if spec is None:
            return
        for name, editor in self.editors.items():
            editor.blockSignals(True)
            try:
                value = getattr(spec, name)
                if isinstance(editor, QCheckBox):
                    editor.setChecked(bool(value))
                elif isinstance(editor, QComboBox):
                    index = editor.findData(value)
                    if index < 0:
                        editor.addItem(value, value)
                        index = editor.findData(value)
                    editor.setCurrentIndex(index)
                elif isinstance(editor, QLineEdit):
                    if not self.errors[name].isVisible():
                        editor.setText(figure_text(spec, name))
                        editor.setCursorPosition(0)
                        editor.setProperty("shown", editor.text())
            finally:
                editor.blockSignals(False)

    def _build_capacity(self, summary: Summary, layout) -> None:
        items = capacities(summary)
        if not items:
            return
        box = QGroupBox("Capacity")
        bars = QVBoxLayout(box)
        for item in items:
            bar = CapacityBar(item)
            bar.setObjectName(f"capacity-{item.key}")
            bars.addWidget(bar)
        layout.addWidget(box)

    def _build_totals(self, s: Summary, layout) -> None:
        box = QGroupBox("Totals")
        form = _ValueForm(box)
        counts = "\n".join(count(s.counts[lv], lv)
                           for lv in ("cabinet", "tile", "chip") if s.counts[lv] and lv != s.level)
        form.addRow("Holds", QLabel(counts or "nothing"))
        if s.peak_flops:
            form.addRow("Peak compute", QLabel("\n".join(f"{units.format(v, 'FLOPS')} {k}" for k, v in s.peak_flops.items())))
        form.addRow("Memory", QLabel(f"{units.format(s.sram_bytes, 'B')} SRAM\n{units.format(s.hbm_bytes, 'B')} HBM"))
        form.addRow("Power, full load", QLabel(units.format(s.max_power_w, "W")))
        form.addRow("Power, idle", QLabel(units.format(s.idle_power_w, "W")))
        form.addRow("Chip TDP", QLabel(units.format(s.chip_tdp_w, "W")))
        form.addRow("Mass", QLabel(f"{s.mass_kg:,.0f} kg"))
        layout.addWidget(box)

    def _build_spec_only(self, spec_id: str) -> None:
        spec = self.document.resolve(spec_id)
        assert spec is not None
        in_project = spec_id in self.document.design.specs
        self._title(f"Spec: {spec_title(spec)}", f"{spec.level} spec {spec.id}" + ("" if in_project else " · built-in"))
        self._build_spec(spec, editable=in_project, for_part=None)

    def _build_spec(self, spec: AnySpec, *, editable: bool, for_part: PartPath | None) -> None:
        design = self.document.design
        self._shown_spec_id = spec.id
        users = [p.path for p in design.parts() if p.spec_id == spec.id] if spec.id in design.specs else []
        header = QHBoxLayout()
        if editable:
            note = f"Spec {spec.id} · used by {count(len(users), 'part')}"
            if len(users) > 1:
                note += " — edits apply to all of them"
        else:
            note = f"Built-in spec {spec.id}, not used in this project: place one to edit its figures here."
        label = QLabel(note)
        label.setObjectName("specNote")
        label.setWordWrap(True)
        header.addWidget(label, 1)
        if for_part is not None and editable and len(users) > 1:
            variant = QPushButton("Make a variant")
            variant.setObjectName("makeVariant")
            variant.setToolTip("Give the selected parts their own copy of this spec, to edit it for them alone")
            variant.clicked.connect(lambda: self._make_variant(spec.id))
            header.addWidget(variant)
        self.body.addLayout(header)
        groups: dict[str, QFormLayout] = {}
        for f in spec.figures():
            meta = f.metadata
            group = meta.get("group", "Other")
            if group not in groups:
                box = QGroupBox(group)
                form = QFormLayout(box)
                form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
                groups[group] = form
                self.body.addWidget(box)
            editor = self._editor(spec, f.name, meta, editable)
            error = QLabel()
            error.setObjectName(f"error-{f.name}")
            error.setStyleSheet("color: #c0392b;")
            error.setWordWrap(True)
            error.hide()
            cell = QWidget()
            column = QVBoxLayout(cell)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(editor)
            column.addWidget(error)
            label = QLabel(meta.get("label", f.name))
            if meta.get("help"):
                label.setToolTip(meta["help"])
                editor.setToolTip(meta["help"])
            if editable and isinstance(editor, QLineEdit) and _numeric(getattr(spec, f.name)):
                for widget in (label, editor):
                    widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
                    widget.customContextMenuRequested.connect(
                        lambda pos, w=widget, n=f.name: self._figure_menu(w, spec.id, n).popup(w.mapToGlobal(pos)))
            groups[group].addRow(label, cell)
            self.editors[f.name] = editor
            self.errors[f.name] = error

    def _editor(self, spec: AnySpec, name: str, meta, editable: bool) -> QWidget:
        value = getattr(spec, name)
        if isinstance(value, bool):
            editor: QWidget = QCheckBox()
            editor.setChecked(value)
            editor.toggled.connect(lambda checked: self._commit(spec.id, name, checked))
        elif isinstance(value, str) and (meta.get("choices") or name == "default_child"):
            editor = _narrow(QComboBox())
            choices = list(meta.get("choices") or ())
            if name == "default_child":
                child_level = CHILD_LEVEL.get(spec.level)
                choices = [""] + sorted(s.id for s in self.document.lookup().values() if s.level == child_level)
            if value not in choices:
                choices.append(value)
            for choice in choices:
                editor.addItem(choice or "(nothing)", choice)
            editor.setCurrentIndex(editor.findData(value))
            editor.currentIndexChanged.connect(lambda _i, e=editor: self._commit(spec.id, name, e.currentData()))
        else:
            editor = QLineEdit(figure_text(spec, name))
            editor.setCursorPosition(0)  # long texts show their beginning
            editor.setProperty("shown", editor.text())
            editor.editingFinished.connect(lambda e=editor: self._commit_text(spec.id, name, e))
        editor.setObjectName(f"figure-{name}")
        editor.setEnabled(editable)
        return editor

    def _figure_menu(self, widget: QWidget, spec_id: str, name: str) -> QMenu:
        """A figure's context menu: the line's own (cut, copy, paste) and "Vary this figure…"."""
        menu = widget.createStandardContextMenu() if isinstance(widget, QLineEdit) else QMenu(widget)
        if not menu.isEmpty():
            menu.addSeparator()
        action = menu.addAction("Vary this figure…")
        action.setObjectName("varyFigure")
        action.triggered.connect(lambda: self.sigVaryRequested.emit(spec_id, name))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return menu

    # ----------------------------------------------------------------- edits
    def _commit_text(self, spec_id: str, name: str, editor: QLineEdit) -> None:
        text = editor.text()
        if text == editor.property("shown") and not self.errors[name].isVisible():
            return
        spec = self.document.design.specs.get(spec_id)
        if spec is None:
            return
        try:
            raw = raw_from_text(spec, name, text)
        except FigureError as exc:
            self._show_error(name, exc.message)
            return
        self._commit(spec_id, name, raw)

    def _commit(self, spec_id: str, name: str, raw: Any) -> None:
        try:
            changed = self.document.edit_figure(spec_id, name, raw)
        except FigureError as exc:
            self._show_error(name, exc.message)
            return
        except EditRefused as exc:
            self._show_error(name, str(exc))
            return
        self._clear_error(name)
        if changed:
            spec = self.document.design.specs[spec_id]
            self.sigStatus.emit(f"{spec_title(spec)}: {name} = {figure_text(spec, name)}", 4000)

    def _show_error(self, name: str, message: str) -> None:
        label = self.errors.get(name)
        if label is not None:
            label.setText(message)
            label.show()
            self.editors[name].setStyleSheet(ERROR_STYLE)
        self.sigStatus.emit(f"Not changed: {message}", 10000)

    def _clear_error(self, name: str) -> None:
        label = self.errors.get(name)
        if label is not None:
            label.hide()
            self.editors[name].setStyleSheet("")

    def _rename(self, path: PartPath, name: str) -> None:
        if self.document.design.find(path) is not None:
            self.document.rename(path, name)

    def _targets(self, path: PartPath) -> list[PartPath]:
        """The parts an edit of the shown part applies to: every selected part of its level."""
        level = self.document.design.part(path).level
        same = [p for p in self.selection.paths if self.document.design.find(p) is not None
                and self.document.design.part(p).level == level]
        return same if path in same else [path]

    def _swap_spec(self, path: PartPath) -> None:
        spec_id = self.spec_combo.currentData()
        try:
            self.document.set_part_spec(self._targets(path), spec_id)
        except EditRefused as exc:
            self.sigStatus.emit(f"Not changed: {exc}", 10000)
            self.schedule_rebuild()

    def _make_variant(self, spec_id: str) -> None:
        path = self.target[1] if self.target[0] == "part" else None
        paths = self._targets(path) if path is not None else []
        new_id = self.document.make_variant(spec_id, paths)
        self.sigStatus.emit(f"Made spec {new_id} for {count(len(paths), 'part')}", 5000)

    def _fill(self, path: PartPath, spec_id: str) -> None:
        try:
            n = self.document.fill_empty(path, spec_id)
            self.sigStatus.emit(f"Filled {count(n, 'slot')} of {format_path(path)}", 5000)
        except EditRefused as exc:
            self.sigStatus.emit(f"Not filled: {exc}", 10000)


