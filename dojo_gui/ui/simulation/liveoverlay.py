"""The design lit by a simulation: chips, tiles and cabinets coloured by live values, a legend, hover values.

Four overlays (View > Colour By):

- temperature: chips by junction temperature, tiles by their coolant outlet, cabinets by
  their CDU return, on one °C scale from the coolant supply to the chips' throttle limit;
- power: every part's draw as a share of its limit (chip TDP, tile and cabinet budget);
- link utilization: chips by their busiest link in the last collective, tiles and
  cabinets by the mean over their chips;
- training plan: chips by the pipeline stage they run (a hue per stage), in a shade per
  tensor group of the stage (its data-parallel replicas); chips the plan leaves idle grey.

Values arrive as numpy arrays in a simulation's part order; they become one
:class:`~dojo_gui.render.colours.ArrayColours` per refresh (a few times a second, not at
every tick: the eye does not need more and the canvas repaints the whole room), and
:meth:`LiveOverlay.legend` says what they mean (the window shows it over the canvas).
Hovering a part shows its latest values in a tooltip and the status bar; zooming or
scrolling the canvas takes the tooltip away (the part under it has moved).

A kept run's values (:meth:`LiveOverlay.show_kept`) take the place of the live run's while
that run is looked at, the legend naming it; :meth:`LiveOverlay.show_live` brings the live
run's back, and so does the next run.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt, Signal, SignalInstance
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import QGraphicsView, QLabel

from ... import units
from ...model.design import PartPath, format_path
from ...model.partindex import PartIndex
from ...render.colours import ArrayColours, CategoryColours, Legend, category_colour

LIVE_OVERLAYS: dict[str, str] = {
    "temperature": "Temperature (live)",
    "live-power": "Power against limits (live)",
    "links": "Link utilization (live)",
    "plan": "Training plan: stage and tensor group",
}
IDLE = QColor("#c9ced4")  # a chip the training plan leaves idle
LEGEND_STAGES = 12  # stages the legend names one by one (a longer pipeline: the first ones, then the last)
REFRESH_S = 0.25  # the canvas follows live values at most four times a second
LEVELS = ("chip", "tile", "cabinet")


class LiveOverlay(QObject):
    sigColoursChanged = Signal()  # fires when the live colours changed (the canvas should take the new provider)
    sigHover = Signal(str)  # fires when the pointer rests on a part with live values; what they are (or "")
    sigLegendChanged = Signal()  # fires when what the legend of the live overlay says changed (see legend())

    def __init__(self, view: QGraphicsView, zoomed: SignalInstance, path_at: Callable[[QPointF], PartPath]) -> None:
        """``view``: the canvas; ``zoomed``: its signal that the zoom changed; ``path_at``: the part at a scene
        point (the canvas is the editor's, which this layer may not import)."""
        super().__init__(view)
        self.view = view
        self.path_at = path_at
        self.kind: str | None = None  # the overlay shown, if a live one
        self.stale = False
        # Thermal values, in the run's part order.
        self.index: PartIndex | None = None
        self.limits: dict[str, np.ndarray] = {}
        self.state: dict[str, np.ndarray] | None = None
        self.scale_c: tuple[float, float] | None = None
        # Link load of the last collective, in its fabric's chip order.
        self.link_index: PartIndex | None = None
        self.link_values: dict[str, np.ndarray] = {}
        self.link_what = ""
        # The training plan on show: chips in its fabric order, each one's stage, replica and rank (-1: idle).
        self.plan_index: PartIndex | None = None
        self.plan_ranks: dict[str, np.ndarray] = {}
        self.plan_what = ""
        self._last_refresh = -math.inf
        self._pending = False
        self.provider: ArrayColours | None = None
        # A label inside the view rather than a tooltip window: it follows the pointer at once, and needs no
        # window of its own (which some platforms cannot raise).
        self.hover = QLabel(view)
        self.hover.setObjectName("hoverValues")
        self.hover.setTextFormat(Qt.TextFormat.PlainText)
        self.hover.setStyleSheet("background: rgba(255, 255, 240, 235); border: 1px solid #aab2bb; padding: 3px;")
        self.hover.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hover.hide()
        view.viewport().installEventFilter(self)
        zoomed.connect(lambda _scale: self.hover.hide())
        view.horizontalScrollBar().valueChanged.connect(lambda _v: self.hover.hide())
        view.verticalScrollBar().valueChanged.connect(lambda _v: self.hover.hide())
        self.caption = ""  # whose values show when they are not the live run's ("kept run 'soak' at 10 min")
        self._live: dict[str, object] | None = None  # the live run's values, put aside while a kept run's show
        self.computing = ""  # the run under way, named by the legend while there are no values yet

    # ----------------------------------------------------------------- values in
    def begin_thermal(self, index: PartIndex, limits: dict[str, np.ndarray]) -> None:
        """A thermal run starts: its part order and each part's power limit."""
        self.show_live()
        self.index, self.limits, self.state, self.scale_c = index, limits, None, None

    def set_state(self, state: dict[str, np.ndarray], force: bool = False) -> None:
        """The latest per-part values of the thermal run (recolours at most every REFRESH_S unless ``force``)."""
        if self._live is not None:  # a kept run's values show: the live run's wait
            self._live["state"] = state
            return
        self._apply_state(state, force)

    def _apply_state(self, state: dict[str, np.ndarray], force: bool) -> None:
        self.state = state
        if self.scale_c is None:
            tj_limit = float(np.nanmax(self.limits.get("tj_c", [np.nan]))) if "tj_c" in self.limits else math.nan
            low = float(np.min(state["cdu_supply_c"])) if len(state["cdu_supply_c"]) else 20.0
            high = tj_limit if math.isfinite(tj_limit) else float(np.max(state["chip_tj_c"], initial=low + 10))
            self.scale_c = (5.0 * math.floor(low / 5.0), max(high, low + 10.0))
        if self.kind in ("temperature", "live-power"):
            self._refresh(force)

    def set_links(self, chip_paths: list[PartPath], chip_load: np.ndarray, what: str) -> None:
        """Each chip's busiest-link utilization in a collective (``chip_paths`` in the same order)."""
        self.show_live()
        self._set_links(chip_paths, chip_load, what)
        if self.kind == "links":
            self._refresh(True)

    def _set_links(self, chip_paths: list[PartPath], chip_load: np.ndarray, what: str) -> None:
        tiles: dict[PartPath, list[int]] = {}
        cabinets: dict[PartPath, list[int]] = {}
        for i, path in enumerate(chip_paths):
            if len(path) == 3:
                tiles.setdefault(path[:2], []).append(i)
                cabinets.setdefault(path[:1], []).append(i)
        load = np.asarray(chip_load, float)
        self.link_index = PartIndex({"chip": chip_paths, "tile": list(tiles), "cabinet": list(cabinets)})
        self.link_values = {"chip": load,
                            "tile": np.array([load[i].mean() for i in tiles.values()]),
                            "cabinet": np.array([load[i].mean() for i in cabinets.values()])}
        self.link_what = what

    # ----------------------------------------------------------------- a kept run's values
    _FIELDS = ("index", "limits", "state", "scale_c", "link_index", "link_values", "link_what", "stale")

    def show_kept(self, caption: str, *, index: PartIndex | None = None, limits: dict[str, np.ndarray] | None = None,
                  state: dict[str, np.ndarray] | None = None, chip_paths: list[PartPath] | None = None,
                  chip_load: np.ndarray | None = None, what: str = "") -> None:
        """Show a kept run's values instead of the live run's: a thermal run's (``index``, ``limits``, ``state``
        as :meth:`begin_thermal` and :meth:`set_state` take them) or a collective's (as :meth:`set_links`)."""
        if self._live is None:
            self._live = {name: getattr(self, name) for name in self._FIELDS}
        self.caption = caption
        self.index, self.limits, self.state, self.scale_c = index, limits or {}, None, None
        self.link_index, self.link_values, self.link_what = None, {}, ""
        self.stale = False
        if chip_paths is not None and chip_load is not None:
            self._set_links(chip_paths, chip_load, what)
        if state is not None:
            self._apply_state(state, force=True)
        if self.kind is not None:
            self._refresh(True)

    def show_live(self) -> None:
        """The live run's values again (if a kept run's were showing)."""
        if self._live is None:
            return
        for name, value in self._live.items():
            setattr(self, name, value)
        self._live, self.caption = None, ""
        if self.state is not None and self.scale_c is None:
            self._apply_state(self.state, force=False)
        if self.kind is not None:
            self._refresh(True)

    def set_plan(self, chip_paths: list[PartPath], ranks: np.ndarray, what: str) -> None:
        """A training plan's placement: ``ranks[stage, replica, tp_rank]`` indexes ``chip_paths``."""
        n = len(chip_paths)
        stage, replica, rank = (np.full(n, -1, np.int64) for _ in range(3))
        p, d, t = ranks.shape
        chips = ranks.reshape(-1)
        stage[chips] = np.repeat(np.arange(p), d * t)
        replica[chips] = np.tile(np.repeat(np.arange(d), t), p)
        rank[chips] = np.tile(np.arange(t), p * d)
        self.plan_index = PartIndex({"chip": chip_paths})
        self.plan_ranks = {"stage": stage, "replica": replica, "rank": rank, "shape": np.array([p, d, t])}
        self.plan_what = what
        if self.kind == "plan":
            self._refresh(True)

    def _plan_colours(self) -> CategoryColours | None:
        if self.plan_index is None:
            return None
        r = self.plan_ranks
        stages = int(r["shape"][0])
        table = [category_colour(j, shade) for j in range(stages) for shade in range(3)] + [IDLE]
        codes = np.where(r["stage"] >= 0, 3 * r["stage"] + r["replica"] % 3, len(table) - 1)
        return CategoryColours(self.plan_index, {"chip": codes.astype(float)}, table)

    def set_stale(self, stale: bool) -> None:
        if self._live is not None:  # about the live run, which is put aside
            self._live["stale"] = stale
            return
        self.stale = stale
        if self.kind is not None:
            self._update_legend()

    def clear(self) -> None:
        """Forget every value (another design is open)."""
        self.index, self.state, self.limits, self.scale_c = None, None, {}, None
        self.link_index, self.link_values = None, {}
        self.plan_index, self.plan_ranks, self.plan_what = None, {}, ""
        self.provider = None
        self.stale = False
        self._live, self.caption = None, ""
        if self.kind is not None:
            self._update_legend()
            self.sigColoursChanged.emit()

    # ----------------------------------------------------------------- colours out
    def show(self, kind: str | None) -> None:
        """Show a live overlay (``kind`` in LIVE_OVERLAYS) or none (None)."""
        self.kind = kind
        self.view.viewport().setMouseTracking(kind is not None)  # hovering shows values only with a live overlay
        if kind is None:
            self.hover.hide()
            self.provider = None
            self.sigLegendChanged.emit()
            return
        self._refresh(True)

    def _refresh(self, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self._last_refresh < REFRESH_S:
            return
        self._last_refresh = now
        self.provider = self.make_provider(self.kind)
        self._update_legend()
        self.sigColoursChanged.emit()

    def make_provider(self, kind: str | None) -> ArrayColours | None:
        """The colours of ``kind`` for the latest values (None when there are none yet)."""
        if kind == "links":
            if self.link_index is None:
                return None
            return ArrayColours(self.link_index, self.link_values, 0.0, 1.0)
        if kind == "plan":
            return self._plan_colours()
        if self.index is None or self.state is None:
            return None
        s = self.state
        if kind == "temperature":
            if self.scale_c is None:
                return None
            lo, hi = self.scale_c
            return ArrayColours(self.index, {"chip": s["chip_tj_c"], "tile": s["tile_out_c"],
                                             "cabinet": s["cdu_return_c"]}, lo, hi)
        if kind == "live-power":
            return ArrayColours(self.index, {"chip": _share(s["chip_power_w"], self.limits["chip"]),
                                             "tile": _share(s["tile_power_w"], self.limits["tile"]),
                                             "cabinet": _share(s["cabinet_power_w"], self.limits["cabinet"])},
                                0.0, 1.1)
        return None

    def _update_legend(self) -> None:
        self.sigLegendChanged.emit()

    def set_computing(self, what: str) -> None:
        """Name the run under way ("" once it ended): the legend says its values are coming."""
        self.computing = what
        if self.kind is not None:
            self._update_legend()

    def _no_values(self, how: str) -> str:
        if self.computing:
            return f"No values yet: {self.computing} is under way."
        return f"No values yet: {how}."

    def legend(self) -> Legend | None:
        """What the live colours on show mean (None when no live overlay is shown)."""
        kind = self.kind
        note = "Values from before the design was edited; run again." if self.stale else ""
        if self.caption:
            note = f"Values of the {self.caption}."
        if kind == "temperature":
            if self.scale_c is None:
                return Legend("Temperature", note=self._no_values("run a thermal simulation"))
            lo, hi = self.scale_c
            return Legend("Temperature: chip junction, tile coolant out, cabinet CDU return",
                          f"{lo:.0f} °C", f"{hi:.0f} °C (throttle limit)", note=note)
        if kind == "live-power":
            if self.state is None:
                return Legend("Power", note=self._no_values("run a thermal simulation"))
            return Legend("Power against each part's limit (chip TDP, tile and cabinet budget)", "0 %", "110 %",
                          mark=(1.0 / 1.1, "100 %"), note=note)
        if kind == "links":
            if self.link_index is None:
                return Legend("Link utilization", note=self._no_values("run a collective or a training step"))
            return Legend(f"Busiest link per chip ({self.link_what}); tiles, cabinets: their chips' mean",
                          "0 %", "100 %", note=note)
        if kind == "plan":
            return self._plan_legend(note)
        return None

    def _plan_legend(self, note: str) -> Legend:
        if self.plan_index is None:
            return Legend("Training plan", note="No plan yet: run the Training scenario.")
        p, d, _ = (int(x) for x in self.plan_ranks["shape"])
        if p <= LEGEND_STAGES:
            items = [(category_colour(j), f"stage {j + 1}") for j in range(p)]
        else:
            items = [(category_colour(j), f"stage {j + 1}") for j in range(LEGEND_STAGES - 2)]
            items += [(QColor("white"), f"… stages {LEGEND_STAGES - 1}–{p - 1}"),
                      (category_colour(p - 1), f"stage {p}")]
        if np.any(self.plan_ranks["stage"] < 0):
            items.append((IDLE, "idle"))
        shades = ("; shades: its tensor groups (data-parallel replicas)" if d > 1 else "")
        return Legend(f"Pipeline stage of each chip ({self.plan_what})", swatches=tuple(items),
                      caption=f"A hue per stage{shades}.", note=note)

    # ----------------------------------------------------------------- hover
    def describe(self, path: PartPath) -> str:
        """The live values of a part, in words (empty when there are none)."""
        if not path:
            return ""
        level = {1: "cabinet", 2: "tile", 3: "chip"}.get(len(path))
        lines = []
        s = self.state
        if self.index is not None and s is not None and level is not None:
            i = self.index.position(level, path)
            if i is not None:
                if level == "chip":
                    lines.append(f"junction {units.format(float(s['chip_tj_c'][i]), 'C')} · "
                                 f"{units.format(float(s['chip_power_w'][i]), 'W')}"
                                 f"{_of(s['chip_power_w'][i], self.limits['chip'][i], 'TDP')}"
                                 + (f" · throttled {int(s['chip_level'][i])} level(s)" if s["chip_level"][i] else ""))
                elif level == "tile":
                    lines.append(f"{units.format(float(s['tile_power_w'][i]), 'W')}"
                                 f"{_of(s['tile_power_w'][i], self.limits['tile'][i], 'budget')} · coolant "
                                 f"{units.format(float(s['tile_in_c'][i]), 'C')} in, "
                                 f"{units.format(float(s['tile_out_c'][i]), 'C')} out")
                else:
                    lines.append(f"{units.format(float(s['cabinet_power_w'][i]), 'W')}"
                                 f"{_of(s['cabinet_power_w'][i], self.limits['cabinet'][i], 'budget')} · CDU "
                                 f"{units.format(float(s['cdu_load_w'][i]), 'W')}, supply "
                                 f"{units.format(float(s['cdu_supply_c'][i]), 'C')}, return "
                                 f"{units.format(float(s['cdu_return_c'][i]), 'C')}")
        if self.plan_index is not None and level == "chip":
            i = self.plan_index.position("chip", path)
            if i is not None:
                r = self.plan_ranks
                p, d, t = (int(x) for x in r["shape"])
                lines.append("idle in the training plan" if r["stage"][i] < 0 else
                             f"pipeline stage {r['stage'][i] + 1} of {p} · replica {r['replica'][i] + 1} of {d} · "
                             f"tensor rank {r['rank'][i] + 1} of {t}")
        if self.link_index is not None and level is not None:
            i = self.link_index.position(level, path)
            if i is not None:
                what = "busiest link" if level == "chip" else "mean busiest link of its chips"
                lines.append(f"{what} {units.format(float(self.link_values[level][i]), '%')} ({self.link_what})")
        if not lines:
            return ""
        stale = " (before the latest edit)" if self.stale else (f" ({self.caption})" if self.caption else "")
        return f"{format_path(path)}{stale}\n" + "\n".join(lines)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if (self.kind is not None and isinstance(event, QMouseEvent) and kind == QEvent.Type.MouseMove
                and event.buttons() == Qt.MouseButton.NoButton):
            self.hover_at(event.position().toPoint())
        elif kind in (QEvent.Type.Leave, QEvent.Type.MouseButtonPress):
            self.hover.hide()
        return False

    def hover_at(self, pos: QPoint) -> str:
        """Show the live values of the part under a viewport position beside the pointer; returns them."""
        path = self.path_at(self.view.mapToScene(pos))
        text = self.describe(path)
        if text:
            self.hover.setText(text)
            self.hover.adjustSize()
            viewport = self.view.viewport()
            width, height = self.hover.width(), self.hover.height()
            x = pos.x() + 16 if pos.x() + 16 + width < viewport.width() else pos.x() - 8 - width
            y = pos.y() + 18 if pos.y() + 18 + height < viewport.height() else pos.y() - 8 - height
            self.hover.move(viewport.mapTo(self.view, QPoint(max(x, 0), max(y, 0))))
            self.hover.show()
            self.hover.raise_()
        else:
            self.hover.hide()
        self.sigHover.emit(text.replace("\n", " · "))
        return text


def _share(values: np.ndarray, limits: np.ndarray) -> np.ndarray:
    limits = np.asarray(limits, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(limits > 0, np.asarray(values, float) / limits, np.nan)


def _of(value: float, limit: float, what: str) -> str:
    return f" ({value / limit * 100:.0f} % of {what})" if limit > 0 else ""
