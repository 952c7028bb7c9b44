"""Write PNG screenshots of live simulations on the ExaPOD to docs/ (for the README's "Running simulations").

    python scripts/screenshots_live.py [--out docs]

- live-thermal.png: a training run under a hot afternoon, one cabinet of hotter chips,
  caught half way: the power and cooling plots growing, the canvas coloured by live
  temperature, the values of the chip under the pointer;
- live-links.png: the gradient all-reduce (2d) on the fabric: every link by its
  utilization, the collective over time, the canvas coloured by each chip's busiest link;
- live-runs.png: a kept run shown on its own (its plots, the canvas at its end);
- live-compare.png: two kept runs compared in their window: what changed between the designs, the figures
  side by side with the difference, the curves overlaid.

Offscreen, with private settings, so the pictures do not depend on the machine.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from _shots import ROOT, present  # before Qt: offscreen, private settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs"), help="folder for the PNGs (default: docs/)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QEventLoop, QTimer

    from dojo_gui.ui.shell.app import application, open_windows

    _app = application()  # held, not used: the application lives as long as this function runs
    window = open_windows([], "exapod")[0]
    present(window)
    live, panel, document = window.live, window.live.panel, window.document
    shots = []

    def settle(ms: int = 300) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def shot(name: str) -> None:
        path = out / name
        if not window.grab().save(str(path)):
            raise SystemExit(f"cannot write {path}")
        shots.append(path)

    def run_and_wait(until_fraction: float | None = None) -> None:
        """Press Run; wait for the end, or until the run is that far (then leave it running)."""
        loop = QEventLoop()
        live.controller.sigEnded.connect(loop.quit)
        if until_fraction is not None:
            live.controller.sigUpdate.connect(
                lambda u: loop.quit() if u.duration_s and u.time_s >= until_fraction * u.duration_s else None)
        panel.run_button.click()
        loop.exec()
        live.controller.sigEnded.disconnect(loop.quit)

    settle()
    window.analyzer.wait()

    # One cabinet of D1 pushed to 520 W: it runs hot and throttles under the afternoon sun.
    hot_cabinet = ((0, 3),)
    chips = [p.path for p in document.design.part(hot_cabinet).walk() if p.level == "chip"]
    variant = document.make_variant("dojo-d1", chips)
    document.edit_figure(variant, "tdp_w", "520 W")

    # 1. A training run under a daily curve, caught half way.
    panel.set_scenario("train")
    panel.train_algorithm.setCurrentIndex(panel.train_algorithm.findData("2d"))
    panel.duration.setText("4h")
    panel.dt.setText("1s")
    panel.ambient_kind.setCurrentIndex(panel.ambient_kind.findData("daily"))
    panel.ambient.setText("18C, 38C")
    panel.start_hour.setText("10")
    window.set_overlay("temperature")
    run_and_wait(until_fraction=0.55)
    live.controller.pause()
    settle(500)
    window.view.fit_all()
    settle()
    hot_chip = hot_cabinet + ((0, 2), (2, 2))
    live.overlay.hover_at(window.view.mapFromScene(window.scene.rect_of(hot_chip).center()))
    live.thermal_plots.show_crosshair(live.thermal_plots.series.time_s[live.thermal_plots.series.n - 1] * 0.6)
    settle()
    shot("live-thermal.png")
    live.controller.resume()
    loop = QEventLoop()
    live.controller.sigEnded.connect(loop.quit)
    loop.exec()
    live.overlay.hover.hide()
    panel.keep_label.setText("training, 4 h, hot afternoon, C04 at 520 W")
    panel.keep_button.click()

    # 2. The gradient all-reduce on the fabric.
    panel.set_scenario("comm")
    panel.size_edit.setText("2GB")
    panel.algorithm.setCurrentIndex(panel.algorithm.findData("2d"))
    window.set_overlay("links")
    run_and_wait()
    live.link_map.slider.setValue(live.link_map.slider.maximum() // 3)
    live.link_map.map.setXRange(-0.5, 60.5, padding=0)  # the first two cabinets: every link can be seen
    window.view.fit_all()
    settle()
    shot("live-links.png")

    # 3. The same training run with the hot cabinet back to 400 W, kept, and the two compared.
    document.edit_figure(variant, "tdp_w", "400 W")
    panel.set_scenario("train")
    window.set_overlay("temperature")
    run_and_wait()
    panel.keep_label.setText("training, 4 h, hot afternoon, every D1 at 400 W")
    panel.keep_button.click()
    live.docks["runs"].raise_()
    hot, cool = len(document.design.runs) - 2, len(document.design.runs) - 1  # after the example's own runs
    live.runs.select([hot])  # one kept run, shown on its own: its plots and the canvas at its end
    settle()
    shot("live-runs.png")
    comparison = live.runs.compare(hot, cool)  # the two side by side, in a window of their own
    settle()
    path = out / "live-compare.png"
    if not comparison.grab().save(str(path)):
        raise SystemExit(f"cannot write {path}")
    shots.append(path)

    for path in shots:
        print(path)
    document.undo_stack.setClean()
    window.close()
    os._exit(0)  # leave without Qt teardown from atexit handlers


if __name__ == "__main__":
    raise SystemExit(main())
