"""The plots' axes: as many value labels as a plot's height holds and none on another, from a short "Step" plot
to a tall one; an empty plot shows no numbers, not the range of a run it no longer shows."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QApplication

from dojo_gui.ui.simulation.plots import THERMAL_PLOTS, CurveSpec, PlotSpec, SeriesPlots

SPECS = {spec.key: spec for spec in THERMAL_PLOTS}
SHARES = PlotSpec("progress", "Collective", "%", [CurveSpec("delivered_fraction", "Bytes delivered", "#1f6fe0")])
T = np.linspace(0.0, 30.0, 61)
CASES = {  # a plot and what it shows: a flat step time, a power of tens to hundreds of kW, shares of 0 to 1
    "step": (SPECS["step"], {"step_time_s": np.full_like(T, 1.66)}),
    "power": (SPECS["power"], {"it_power_w": np.full_like(T, 179e3), "facility_power_w": np.full_like(T, 200e3),
                               "cooling_power_w": np.linspace(15e3, 21e3, len(T))}),
    "shares": (SHARES, {"delivered_fraction": np.linspace(0.0, 1.0, len(T))}),
}


def plots_with(qtbot, case: str) -> SeriesPlots:
    spec, series = CASES[case]
    plots = SeriesPlots([spec])
    qtbot.addWidget(plots)
    plots.setMinimumSize(500, 100)  # (a size of its own: the offscreen platform cannot take size hints)
    plots.resize(500, 300)
    plots.show()
    qtbot.waitExposed(plots)
    for name, y in series.items():
        plots.set_data(name, T, y)
    plots.auto_range()
    return plots


def ink_px(axis, text: str) -> float:
    """How tall the ink of a label is (its digits' tight box, in the font the axis draws with)."""
    return QFontMetricsF(axis.style["tickFont"] or QFont()).tightBoundingRect(text).height()


def laid_out(qtbot, plot) -> float:
    """The plot's height once the layout has settled (it follows a resize over a few turns of the event loop)."""
    seen = []

    def steady() -> bool:
        seen.append(plot.getViewBox().height())
        return len(seen) >= 3 and seen[-1] == seen[-2] == seen[-3]

    qtbot.waitUntil(steady, timeout=2000)
    return seen[-1]


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_plot_labels_its_values_as_often_as_its_height_allows_and_never_one_on_another(qtbot, drawn_labels, case):
    plots = plots_with(qtbot, case)
    plot = next(iter(plots.plots.values()))
    axis = plot.getAxis("left")
    label_px = QFontMetricsF(axis.style["tickFont"] or QFont()).height()
    counts = {}
    for height in range(110, 420, 10):  # plots from about 30 px tall (a kept run's "Step" in a short dock) up
        plots.resize(500, height)
        plot_px = laid_out(qtbot, plot)
        labels = sorted(drawn_labels(axis), key=lambda label: label[1].top())
        # No two labels' boxes overlap, and their digits (as tall as the font's ink) are 2 px apart at least.
        for (text, upper), (_, lower) in itertools.pairwise(labels):
            assert upper.bottom() <= lower.top(), (plot_px, [text for text, _ in labels])
            assert lower.center().y() - upper.center().y() >= ink_px(axis, text) + 2, (plot_px, text)
        # One label from two label heights, two from seven (1-2-5 steps jump by up to 2.5 times, and a label
        # must not be cut at the plot's edge).
        least = 2 if plot_px >= 7 * label_px else 1 if plot_px >= 2 * label_px else 0
        assert len(labels) >= least, (plot_px, [text for text, _ in labels])
        assert all(rect.top() >= 0 and rect.bottom() <= axis.boundingRect().bottom() for _t, rect in labels)
        counts[round(plot_px)] = len(labels)
    # ... and a tall plot gets more labels than a short one, but not a ruler's worth.
    heights = sorted(counts)
    assert counts[heights[-1]] > counts[heights[0]] and max(counts.values()) <= 7


def test_an_empty_plot_shows_no_numbers_until_data_or_a_time_span_come(qtbot, drawn_labels):
    plots = plots_with(qtbot, "shares")
    plot = plots.plots["progress"]
    left, bottom = plot.getAxis("left"), plot.getAxis("bottom")
    assert drawn_labels(left) and drawn_labels(bottom)
    shown = plot.getViewBox().viewRange()
    plots.clear_data()  # a new run starts: its curves are empty
    QApplication.processEvents()
    assert shown[0][1] > 30 and plot.getViewBox().viewRange() == [[0.0, 1.0], [0.0, 1.0]]  # not the run's 30 s
    assert drawn_labels(left) == [] and drawn_labels(bottom) == []
    plots.set_time_span(120.0)  # a thermal run's duration, known at its start: its time axis, and no value yet
    QApplication.processEvents()
    assert drawn_labels(left) == [] and "90 s" in [text for text, _ in drawn_labels(bottom)]
    plots.set_data("delivered_fraction", T, np.linspace(0.0, 1.0, len(T)))  # the first points
    plots.auto_range()
    QApplication.processEvents()
    assert [text for text, _ in drawn_labels(left)][-1] == "100 %"
