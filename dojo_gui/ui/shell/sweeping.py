"""The window's sweeps: the Sweeps panel in a dock, fed by the inspector and the Simulation panel.

The shell is where the editor, the simulation and the sweeps meet: the inspector's "Vary this
figure…" lands here and goes to the panel, the panel's scenario is read from the Simulation panel's
form, and a variant the user opens becomes a window of its own (an untitled design, so the project
with its sweep stays as it was).  The panel is built on first use.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from ...model.design import Design

if TYPE_CHECKING:
    from ..sweeps.panel import SweepsPanel
    from .mainwindow import MainWindow

log = logging.getLogger(__name__)


class SweepsController:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._panel: SweepsPanel | None = None
        self.dock: QDockWidget | None = None
        self.windows: list[Any] = []  # the variants opened in windows of their own
        self.actions = {"sweeps": window.make_action("S&weeps…", self.show, "Ctrl+Shift+W",
                                                     tip="Run variants of the design on a Dask cluster")}
        window.inspector.sigVaryRequested.connect(self.vary)

    @property
    def panel(self) -> SweepsPanel:
        if self._panel is None:
            from ..sweeps.panel import SweepsPanel

            window = self.window
            panel = self._panel = SweepsPanel(window.document, window.settings, parent=None)
            panel.setObjectName("sweepsPanel")
            panel.form.scenario_provider = self.scenario
            panel.sigOpenVariant.connect(self.open_variant)
            panel.sigStatus.connect(window.show_status)
            dock = self.dock = window.later_docks["sweepsDock"]
            dock.setWidget(panel)
            if not window.state_restored:
                window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
                beside = window.docks.get("thermal") or window.docks.get("findings")
                if beside is not None:
                    window.tabifyDockWidget(beside, dock)
                    layout = window.layout()
                    if layout is not None:
                        layout.activate()
            window.docks["sweeps"] = dock
            window.view_menu.addAction(dock.toggleViewAction())
            log.info("sweeps panel ready")
        return self._panel

    def show(self) -> None:
        panel = self.panel
        assert self.dock is not None
        self.dock.show()
        self.dock.raise_()
        if self.dock.height() < self.window.height() * 0.35:  # room for the definition and the plot
            self.window.resizeDocks([self.dock], [int(self.window.height() * 0.45)], Qt.Orientation.Vertical)
        panel.update_estimate()

    def vary(self, spec_id: str, figure: str) -> None:
        """The inspector's "Vary this figure…"."""
        self.show()
        self.panel.vary(spec_id, figure)

    def scenario(self) -> dict[str, Any]:
        """The Simulation panel's scenario as sweep data; a ValueError says what does not read there."""
        from ...jobs.live import CommJob
        from ...jobs.sweep.scenario import from_comm, from_thermal

        job = self.window.live.panel.job()
        if isinstance(job, CommJob):
            return from_comm(job)
        return from_thermal(job.scenario)

    def open_variant(self, design: Design, title: str) -> None:
        from .mainwindow import MainWindow

        window = self.window
        other = MainWindow(design, origin=title, catalog=window.catalog, dialogs=window.dialogs,
                           settings=window.settings)
        other.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        other.destroyed.connect(lambda *_a, w=other: self.windows.remove(w) if w in self.windows else None)
        self.windows.append(other)
        other.show()
        window.show_status(f"Opened {title} in a new window", 5000)

    def shutdown(self) -> None:
        if self._panel is not None:
            self._panel.shutdown()
