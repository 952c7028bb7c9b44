"""Write a PNG screenshot of the Sweeps panel to docs/ (for the README's "Sweeps and what a design costs").

    python scripts/screenshots_sweeps.py [--out docs]

- sweeps-panel.png: a Dojo cabinet, the D1's TDP (350, 400, 450 W) by the tile's grid (3x3 to 6x6)
  under a ten-minute soak at full load, run in this process; the results plotted (peak compute
  against capital cost, coloured by the hottest junction) with the Pareto front ringed and joined.

Offscreen, with private settings and cache, so the picture does not depend on the machine.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from _shots import ROOT, SIZE  # before Qt: offscreen, private settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs"), help="folder for the PNGs (default: docs/)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    smoke = os.environ.get("DOJO_BENCH_SMOKE") == "1"

    from PySide6.QtCore import QEventLoop, QTimer

    from dojo_gui.ui.shell.app import application, open_windows

    app = application()
    window = open_windows([], "dojo-cabinet")[0]
    window.showNormal()  # the offscreen screen is small: a first start would maximise the window to it
    window.resize(*SIZE)

    def settle(ms: int = 300) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    settle(600)
    panel = window.live.panel
    panel.duration.setText("1min" if smoke else "10min")
    window.sweeps.vary("dojo-d1", "tdp_w")
    sweeps = window.sweeps.panel
    form = sweeps.form
    form.axis_edit.setText("dojo-d1.tdp=350W,450W" if smoke else "dojo-d1.tdp=350W,400W,450W")
    form.add_axis()
    form.axis_edit.setText("tile.grid=4x4,5x5" if smoke else "tile.grid=3x3,4x4,5x5,6x6")
    form.add_axis()
    form.workers.setValue(0)  # in this process: no cluster to start for a picture
    loop = QEventLoop()
    sweeps.controller.sigEnded.connect(loop.quit)
    if not sweeps.run():
        raise SystemExit(f"the sweep did not start: {sweeps.message.text()}")
    loop.exec()
    sweeps.scatter.choose("capex_usd", "peak_flops", "tj_max_c")  # a trade-off: more compute costs more
    settle(400)
    path = out / "sweeps-panel.png"
    if not window.grab().save(str(path)):
        raise SystemExit(f"cannot write {path}")
    print(f"wrote {path}")
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
