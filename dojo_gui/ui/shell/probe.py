"""A read-only window into the running app for the real-window tests.

When the environment variable ``DOJO_GUI_PROBE`` names a local socket (a file path), the
app listens there (:class:`QLocalServer`) and answers line-delimited JSON queries about what
is on screen: the design, the status bar, the window, where things are in global screen
coordinates, the open dialogs, and a screenshot of the whole screen.  It never changes the
app: the tests give all their input through the X server, as a user would.

A query is one line ``{"q": NAME, ...arguments}``; the answer is one line
``{"ok": true, "result": ...}`` or ``{"ok": false, "error": TEXT}``.  Rectangles are
``{"x", "y", "w", "h", "centre": [x, y]}`` in global (screen) pixels.  The queries are the
methods ``q_NAME`` below; each docstring says what it answers.
"""

from __future__ import annotations

import json
import logging
import os
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDockWidget,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QMessageBox,
    QTabBar,
    QToolTip,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from ...io.project import to_document
from ...model.design import PartPath, format_path, parse_path
from ..editor.findings import GROUP_ROLE

if TYPE_CHECKING:
    from .mainwindow import MainWindow

ENV = "DOJO_GUI_PROBE"
log = logging.getLogger(__name__)


class ProbeError(Exception):
    """A query the probe cannot answer; the message says why."""


def rect_json(rect: QRect) -> dict[str, Any]:
    centre = rect.center()
    return {"x": rect.x(), "y": rect.y(), "w": rect.width(), "h": rect.height(), "centre": [centre.x(), centre.y()]}


def global_rect(widget: QWidget, rect: QRect | None = None) -> QRect:
    rect = widget.rect() if rect is None else rect
    return QRect(widget.mapToGlobal(rect.topLeft()), rect.size())


class Probe(QObject):
    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.server = QLocalServer(self)
        QLocalServer.removeServer(name)  # a socket file left by a crashed run
        if not self.server.listen(name):
            raise OSError(f"the probe cannot listen on {name}: {self.server.errorString()}")
        self.server.newConnection.connect(self._on_connection)
        self._buffers: dict[QLocalSocket, bytes] = {}
        log.info("probe listening on %s", name)

    def _on_connection(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._on_ready(s))
            socket.disconnected.connect(lambda s=socket: self._drop(s))

    def _drop(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def _on_ready(self, socket: QLocalSocket) -> None:
        self._buffers[socket] = self._buffers.get(socket, b"") + bytes(socket.readAll().data())
        while b"\n" in self._buffers[socket]:
            line, self._buffers[socket] = self._buffers[socket].split(b"\n", 1)
            socket.write(self.answer(line) + b"\n")
            socket.flush()

    def answer(self, line: bytes) -> bytes:
        try:
            query = json.loads(line.decode("utf-8"))
            name = query.pop("q")
            handler = getattr(self, f"q_{name}", None)
            if handler is None:
                raise ProbeError(f"no query {name!r}")
            reply: dict[str, Any] = {"ok": True, "result": handler(**query)}
        except Exception as exc:  # the answer says what went wrong; the app carries on
            reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        return json.dumps(reply).encode("utf-8")

    # ----------------------------------------------------------------- what is open
    def window(self) -> MainWindow:
        from .mainwindow import MainWindow

        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            raise ProbeError("no main window is open")
        active = QApplication.activeWindow()
        return active if active in windows else windows[0]

    def q_ping(self) -> dict[str, Any]:
        """The process id and how many main windows are open."""
        from .mainwindow import MainWindow

        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        return {"pid": os.getpid(), "windows": len(windows), "live": bool(windows and windows[0]._live is not None)}

    def q_design(self) -> dict[str, Any]:
        """The open design as its project file would hold it (the format of :mod:`dojo_gui.io.project`)."""
        return to_document(self.window().document.design)

    def q_status(self) -> str:
        """The status bar's message."""
        return str(self.window().statusBar().currentMessage())

    def q_window(self) -> dict[str, Any]:
        """Title, modified flag, undo stack, geometry (client and frame), maximised, the screen and its
        available geometry, the canvas's entered container, selection and zoom."""
        w = self.window()
        stack = w.document.undo_stack
        screen = w.screen()
        return {
            "title": w.windowTitle(), "modified": w.document.modified,
            "file": str(w.document.file_path) if w.document.file_path else None,
            "undo": {"count": stack.count(), "index": stack.index(), "clean": stack.isClean(),
                     "undo_text": stack.undoText(), "redo_text": stack.redoText()},
            "geometry": rect_json(w.geometry()), "frame": rect_json(w.frameGeometry()),
            "maximized": w.isMaximized(), "active": w.isActiveWindow(),
            "screen": {"geometry": rect_json(screen.geometry()), "available": rect_json(screen.availableGeometry()),
                       "dpr": screen.devicePixelRatio()},
            "focus": format_path(w.selection.focus), "selection": [format_path(p) for p in w.selection.paths],
            "zoom": w.view.scale_factor(),
            "interaction": type(w.view.interaction).__name__ if w.view.interaction is not None else None,
            "accepting": len(w.scene.paint_state.accepting or ()),
        }

    # ----------------------------------------------------------------- where things are
    def q_palette_row(self, spec: str) -> dict[str, Any]:
        """Where the palette shows spec ``spec``: its row's rect, and whether all of it is in view."""
        palette = self.window().palette_panel
        index = palette.index_of(spec)
        if not index.isValid():
            raise ProbeError(f"the palette does not show {spec!r}")
        view = palette.view
        rect = view.visualRect(index)
        viewport = view.viewport()
        out = rect_json(global_rect(viewport, rect))
        out["visible"] = viewport.isVisible() and viewport.rect().contains(rect)
        return out

    def _canvas_rect(self, scene_rect: QRectF) -> dict[str, Any]:
        view = self.window().view
        viewport = view.viewport()
        rect = view.mapFromScene(scene_rect).boundingRect()
        out = rect_json(global_rect(viewport, rect))
        out["visible"] = viewport.rect().contains(rect.center())
        return out

    def q_part(self, path: str) -> dict[str, Any]:
        """Where the part at ``path`` (``room.cabinet[0,3].tile[1,2]``) is drawn on the canvas."""
        w = self.window()
        parsed = parse_path(path)
        if w.document.design.find(parsed) is None:
            raise ProbeError(f"there is no part at {path}")
        return self._canvas_rect(w.scene.rect_of(parsed))

    def q_slot(self, parent: str, slot: list[int]) -> dict[str, Any]:
        """Where slot ``[row, col]`` of the container at ``parent`` is drawn (taken or not)."""
        w = self.window()
        return self._canvas_rect(w.scene.layout.slot_scene_rect(parse_path(parent), (slot[0], slot[1])))

    def q_at(self, x: int, y: int) -> dict[str, Any]:
        """What is at global point (x, y): the widget there (its class and object name, and those of its
        ancestors), and on the canvas the deepest part there."""
        widget = QApplication.widgetAt(QPoint(x, y))
        chain = []
        probe = widget
        while probe is not None:
            chain.append(f"{type(probe).__name__}#{probe.objectName()}")
            probe = probe.parentWidget()
        out: dict[str, Any] = {"widgets": chain, "path": None}
        w = self.window()
        viewport = w.view.viewport()
        local = viewport.mapFromGlobal(QPoint(x, y))
        if viewport.rect().contains(local):
            path: PartPath = w.scene.path_at(w.view.mapToScene(local))
            out["path"] = format_path(path)
            out["depth"] = len(path)
        return out

    def q_widget(self, name: str) -> dict[str, Any]:
        """A widget by object name (or ``tab:TITLE`` for a dock's tab): where it is, whether it is visible,
        ``shown``: the part of it on screen (None when a scroll area or another window hides all of it), and
        its value (a combo box's text, a spin box's or line edit's text, a check box's state); a button's ``text``."""
        w = self.window()
        if name.startswith("tab:"):
            title = name[4:]
            for bar in w.findChildren(QTabBar):
                for i in range(bar.count()):
                    if bar.tabText(i) == title and bar.isVisible():
                        out = rect_json(global_rect(bar, bar.tabRect(i)))
                        out.update(visible=True, current=bar.currentIndex() == i)
                        return out
            raise ProbeError(f"no visible tab {title!r}")
        widget = w if name == w.objectName() else w.findChild(QWidget, name)
        if widget is None:
            raise ProbeError(f"no widget named {name!r}")
        return self._describe(widget)

    def _describe(self, widget: QWidget) -> dict[str, Any]:
        out = rect_json(global_rect(widget))
        shown = widget.visibleRegion().boundingRect()
        out.update(cls=type(widget).__name__, name=widget.objectName(), visible=widget.isVisible(),
                   enabled=widget.isEnabled(), focus=widget.hasFocus(),
                   shown=rect_json(global_rect(widget, shown)) if not shown.isEmpty() else None)
        if isinstance(widget, QComboBox):
            out["value"] = widget.currentText()
        elif isinstance(widget, (QAbstractSpinBox, QLineEdit)):
            out["value"] = widget.text()
        elif isinstance(widget, (QCheckBox, QAbstractButton)) and widget.isCheckable():
            out["value"] = widget.isChecked()
        elif isinstance(widget, QLabel):
            out["value"] = widget.text()
        if isinstance(widget, QAbstractButton):
            out["text"] = widget.text().replace("&", "")
        if isinstance(widget, QAbstractScrollArea):
            out["scroll"] = {"v": widget.verticalScrollBar().value(), "v_max": widget.verticalScrollBar().maximum(),
                             "h": widget.horizontalScrollBar().value(), "h_max": widget.horizontalScrollBar().maximum()}
        return out

    def q_widgets(self, cls: str) -> list[dict[str, Any]]:
        """Every visible widget of class ``cls`` (``QComboBox``...) in the window, as :meth:`q_widget` describes it."""
        return [self._describe(c) for c in self.window().findChildren(QWidget)
                if type(c).__name__ == cls or any(k.__name__ == cls for k in type(c).__mro__)
                if c.isVisible()]

    def q_docks(self) -> list[dict[str, Any]]:
        """Every dock: title, object name, rect, ``visible`` (open), ``shown`` (open and on screen: not a tab
        behind another), its minimum size, and ``cut_off``: the widgets in it whose right or left edge lies
        outside what shows of them (the dock, or the scroll area they are in)."""
        out = []
        for dock in self.window().findChildren(QDockWidget):
            shown = dock.isVisible() and not dock.visibleRegion().isEmpty()
            item = rect_json(global_rect(dock))
            minimum = dock.minimumSizeHint()
            item.update(title=dock.windowTitle(), name=dock.objectName(), visible=dock.isVisible(), shown=shown,
                        floating=dock.isFloating(), min=[minimum.width(), minimum.height()],
                        cut_off=self._cut_off(dock) if shown else [])
            out.append(item)
        return out

    @staticmethod
    def _cut_off(dock: QDockWidget) -> list[str]:
        cut = []
        for child in dock.findChildren(QWidget):
            if not child.isVisible() or child.width() <= 0:
                continue
            clip = child.parentWidget()
            while clip is not None and clip is not dock:
                holder = clip.parentWidget()
                if isinstance(holder, QAbstractScrollArea) and clip is holder.viewport():
                    break
                clip = holder
            if clip is None:
                continue
            mine, theirs = global_rect(child), global_rect(clip)
            if mine.right() > theirs.right() + 1 or mine.left() < theirs.left() - 1:
                cut.append(f"{type(child).__name__}#{child.objectName()} x {mine.left()}..{mine.right()} "
                           f"outside {type(clip).__name__}#{clip.objectName()} x {theirs.left()}..{theirs.right()}")
        return cut

    def q_focus(self) -> dict[str, Any] | None:
        """The widget with the keyboard focus (class, object name, its ancestors)."""
        widget = QApplication.focusWidget()
        if widget is None:
            return None
        out = self._describe(widget)
        chain = []
        parent = widget.parentWidget()
        while parent is not None:
            chain.append(f"{type(parent).__name__}#{parent.objectName()}")
            parent = parent.parentWidget()
        out["ancestors"] = chain
        return out

    def q_dialogs(self) -> list[dict[str, Any]]:
        """The dialogs on screen (modal or not): class, title, whether modal, whether active (the window manager
        has given it the focus: it is mapped and drawn), their text, the rows of their lists (``items``), and for
        a file dialog its folder."""
        out = []
        modal = QApplication.activeModalWidget()
        for widget in QApplication.topLevelWidgets():
            if not widget.isVisible() or not isinstance(widget, QDialog):
                continue
            item = rect_json(global_rect(widget))
            item.update(cls=type(widget).__name__, name=widget.objectName(), title=widget.windowTitle(),
                        modal=widget is modal, active=widget.isActiveWindow())
            if isinstance(widget, QMessageBox):
                item["text"] = widget.text()
                item["informative"] = widget.informativeText()
            else:
                item["text"] = "\n".join(label.text() for label in widget.findChildren(QLabel)
                                         if label.isVisible() and label.text())
            item["items"] = [view.item(i).text() for view in widget.findChildren(QListWidget) if view.isVisible()
                             for i in range(view.count())]
            if isinstance(widget, QFileDialog):
                item["folder"] = widget.directory().absolutePath()
            out.append(item)
        return out

    def q_popup(self) -> dict[str, Any] | None:
        """The popup menu on screen (a context menu): its rect and each action's text and rect, or None."""
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            return None
        out = rect_json(global_rect(menu))
        out["actions"] = [{"text": a.text(), "name": a.objectName(), "enabled": a.isEnabled(),
                           **rect_json(global_rect(menu, menu.actionGeometry(a)))}
                          for a in menu.actions() if not a.isSeparator()]
        return out

    def q_sweep_point(self, index: int) -> dict[str, Any]:
        """Where the Sweeps panel's plot draws variant ``index`` (screen pixels), and the variants on its front."""
        panel = self.window().sweeps._panel
        if panel is None:
            raise ProbeError("the Sweeps panel has not been opened")
        scatter = panel.scatter
        point = scatter.point_of(index)
        if point is None:
            raise ProbeError(f"variant {index} is not on the plot")
        view = scatter.plot
        at = view.mapFromScene(scatter.plot.getPlotItem().vb.mapViewToScene(QPointF(*point)))
        where = view.viewport().mapToGlobal(at)
        return {"centre": [where.x(), where.y()], "front": [int(i) for i in scatter.front],
                "points": len(scatter.x_index)}

    def q_tooltip(self) -> str | None:
        """The text of the tooltip on screen (None when none shows)."""
        return QToolTip.text() if QToolTip.isVisible() else None

    def q_menus(self) -> list[dict[str, Any]]:
        """The menus open on screen, each with its title and its actions: text, enabled, where each is, whether
        it is checkable and checked, and whether it opens a submenu."""
        out = []
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMenu) and widget.isVisible():
                actions = [dict(rect_json(global_rect(widget, widget.actionGeometry(a))),
                                text=a.text().replace("&", ""), enabled=a.isEnabled(), separator=a.isSeparator(),
                                checkable=a.isCheckable(), checked=a.isChecked(), submenu=a.menu() is not None)
                           for a in widget.actions() if a.isVisible()]
                out.append(dict(rect_json(global_rect(widget)), title=widget.title().replace("&", ""), actions=actions))
        return out

    def q_training(self) -> dict[str, Any]:
        """The Training dock: the plan on show (None before a run), the Gantt chart's stages and segments, the
        breakdown bar's parts, the plans table's headings (with where each is) and rows as on screen, the column
        it is sorted by, the canvas legend's title (None when no legend shows)."""
        live = self.window().live
        view = live.training_view
        proxy = view.proxy
        rows = [[str(proxy.index(r, c).data() or "") for c in range(proxy.columnCount())]
                for r in range(proxy.rowCount())]
        header = view.table.horizontalHeader()
        headings = [{"text": str(view.model.horizontalHeaderItem(c).text()),
                     **rect_json(global_rect(header.viewport(), QRect(header.sectionViewportPosition(c), 0,
                                                                      header.sectionSize(c), header.height())))}
                    for c in range(view.model.columnCount())]
        return {"plan": view.result.plan.describe() if view.result is not None else None,
                "stages": view.gantt.stages, "segments": view.gantt.segments,
                "kinds": sorted(view.gantt.bars), "parts": [name for name, _ in view.bar.parts],
                "headings": headings, "rows": rows, "summary": view.summary.text(),
                "sorted_by": header.sortIndicatorSection(),
                "ascending": header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder,
                "legend": self.window().legend.title.text() if self.window().legend.isVisible() else None}

    def q_runs(self) -> dict[str, Any]:
        """The Runs dock: its rows as on screen (label, kind, rect, selected), the run shown beside them (its title,
        the plots on show with how many points each curve holds, the plots' rect) and what the canvas says it
        shows (the overlay's caption, "" for the live run's values)."""
        live = self.window().live
        runs, view = live.runs, live.runs.view
        viewport = runs.tree.viewport()
        rows = []
        for _depth, item in _tree_rows(runs.tree):
            rect = runs.tree.visualItemRect(item)
            rows.append({"label": item.text(0), "kind": item.text(1), "selected": item.isSelected(),
                         "visible": viewport.isVisible() and viewport.rect().contains(rect.center()),
                         **rect_json(global_rect(viewport, rect))})
        plots = view.plots
        shown = [key for key, plot in plots.plots.items() if plot.isVisible()]
        return {"rows": rows, "shown": view.record.label if view.record is not None else None,
                "title": view.title.text(), "plots": shown,
                "points": {name: len(plots.data(name)[0]) for name in plots.curves},
                "graphics": self._describe(plots.graphics), "caption": live.overlay.caption}

    def q_comparison(self) -> dict[str, Any] | None:
        """The comparison of two kept runs last opened from the Runs dock (None when none is open): its title,
        rect, the runs' heading and what changed between their designs as shown, the figures table's headings
        (with where each is), its rows, the part of its viewport on screen, and the plots' rect."""
        dialog = self.window().live.runs.comparison
        if dialog is None or not dialog.isVisible():
            return None
        table = dialog.table
        header = table.horizontalHeader()
        headings = [{"text": str(table.model().headerData(c, Qt.Orientation.Horizontal)),
                     **rect_json(global_rect(header.viewport(), QRect(header.sectionViewportPosition(c), 0,
                                                                      header.sectionSize(c), header.height())))}
                    for c in range(table.columnCount())]
        rows = [[str(table.model().index(r, c).data() or "") for c in range(table.columnCount())]
                for r in range(table.rowCount())]
        viewport = table.viewport()
        shown = viewport.visibleRegion().boundingRect()
        return {"title": dialog.windowTitle(), **rect_json(global_rect(dialog)), "runs": dialog.title.text(),
                "changes": dialog.changes.text(), "headings": headings, "rows": rows,
                "table_shown": rect_json(global_rect(viewport, shown)) if not shown.isEmpty() else None,
                "plots": self._describe(dialog.plots)}

    def q_screenshot(self, path: str) -> str:
        """Save a picture of the whole screen to ``path`` (PNG); answers the path."""
        screen = QGuiApplication.primaryScreen()
        if not screen.grabWindow(0).save(path):
            raise ProbeError(f"cannot save a screenshot to {path}")
        return path

    # ----------------------------------------------------------------- menus, findings, the canvas's colours
    def q_menubar(self) -> list[dict[str, Any]]:
        """The menu bar's menus: each title (without the ``&``) and where it is."""
        bar = self.window().menuBar()
        return [{"text": a.text().replace("&", ""), **rect_json(global_rect(bar, bar.actionGeometry(a)))}
                for a in bar.actions() if a.isVisible()]

    def q_findings(self) -> list[dict[str, Any]]:
        """The findings panel's rows as shown, top to bottom (groups, and the parts of the opened ones): depth
        (0 a group, 1 a part), the three columns, whether it is expanded, how many parts it stands for, the
        row's rect, whether that is in view, and for a group of several its expand arrow's centre."""
        tree = self.window().findings.tree
        viewport = tree.viewport()
        out = []
        for depth, item in _tree_rows(tree):
            rect = tree.visualItemRect(item)
            if rect.isEmpty():
                continue
            group = item.data(0, GROUP_ROLE)
            row = {"depth": depth, "severity": item.text(0), "where": item.text(1), "finding": item.text(2),
                   "expanded": item.isExpanded(), "count": group.count if group is not None else 1,
                   "visible": viewport.isVisible() and viewport.rect().contains(rect.center()),
                   **rect_json(global_rect(viewport, rect))}
            if group is not None and group.count > 1:
                arrow = QPoint(rect.left() - tree.indentation() // 2, rect.center().y())
                centre = viewport.mapToGlobal(arrow)
                row["arrow"] = [centre.x(), centre.y()]
            out.append(row)
        return out

    def q_canvas(self) -> dict[str, Any]:
        """How the canvas is coloured and what it draws: the Colour By overlay, whether the links are drawn, the
        bandwidth labels the links' last paint drew, and the legend over the canvas (shown, title, the ramp's
        ends, the swatches' names)."""
        w = self.window()
        legend = w.legend
        shown = legend.isVisible() and legend.legend is not None
        described = legend.legend
        return {"overlay": w.overlay, "links": w.scene.paint_state.links,
                "link_labels": list(w.scene.link_item.drawing.last_labels),
                "legend": {"shown": shown, "title": described.title if shown and described else "",
                           "low": described.low if shown and described else "",
                           "high": described.high if shown and described else "",
                           "swatches": [text for _, text in described.swatches] if shown and described else [],
                           **rect_json(global_rect(legend))}}


def _tree_rows(tree: QTreeWidget) -> list[tuple[int, QTreeWidgetItem]]:
    """Every row of a tree widget shown (a collapsed item's children are not), with its depth, in order."""
    rows: list[tuple[int, QTreeWidgetItem]] = []

    def walk(item: QTreeWidgetItem, depth: int) -> None:
        rows.append((depth, item))
        if item.isExpanded():
            for k in range(item.childCount()):
                child = item.child(k)
                if child is not None:
                    walk(child, depth + 1)

    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        if top is not None:
            walk(top, 0)
    return rows


def start_probe(app: QObject) -> Probe | None:
    """Listen for probe queries when the environment asks for it (see the module's docstring)."""
    name = os.environ.get(ENV)
    if not name:
        return None
    return Probe(name, app)

