"""Write a PNG screenshot of a model's training on the ExaPOD to docs/ (for the README's "Training a model").

    python scripts/screenshots_training.py [--out docs]

- live-training.png: GPT-3 175B searched for on the ExaPOD, its plan's steps run on the power and
  cooling engine: the Training dock (the plan and its figures, the breakdown as a stacked bar, the
  step per pipeline stage as a Gantt chart, the plans the search tried) and the first cabinets
  coloured by the training plan (a hue per pipeline stage, a shade per tensor group).

Offscreen, with private settings, so the picture does not depend on the machine.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from _shots import ROOT, present  # before Qt: offscreen, private settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs"), help="folder for the PNG (default: docs/)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QEventLoop, QRectF, Qt, QTimer

    from dojo_gui.ui.shell.app import application, open_windows

    application()
    window = open_windows([], "exapod")[0]
    present(window)
    live, panel = window.live, window.live.panel

    def settle(ms: int = 300) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    settle()
    window.analyzer.wait()
    panel.set_scenario("model")
    models = panel.training_form.model_combo
    models.setCurrentIndex(models.findData("gpt3-175b"))
    live.docks["simulation"].raise_()
    loop = QEventLoop()
    live.controller.sigEnded.connect(loop.quit)
    panel.run_button.click()
    loop.exec()
    window.set_overlay("plan")
    window.resizeDocks([live.docks["training"]], [470], Qt.Orientation.Vertical)
    settle()
    # The first three cabinets, close enough to see each chip's colour.
    first = window.scene.rect_of(((0, 0),))
    third = window.scene.rect_of(((0, 2),))
    window.view.fit_rect(QRectF(first.topLeft(), third.bottomRight()))
    settle()
    path = out / "live-training.png"
    if not window.grab().save(str(path)):
        raise SystemExit(f"cannot write {path}")
    print(path)
    window.document.undo_stack.setClean()
    window.close()
    os._exit(0)  # leave without Qt teardown from atexit handlers


if __name__ == "__main__":
    raise SystemExit(main())
