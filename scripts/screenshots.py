"""Write PNG screenshots of the editor on the ExaPOD example to docs/ (for the README).

    python scripts/screenshots.py [--out docs]

Runs on the offscreen platform (no display needed) with private settings, so the
pictures do not depend on the machine's saved window layout.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from _shots import ROOT, SIZE  # before Qt: offscreen, private settings


def settle(app, window) -> None:
    for _ in range(5):
        app.processEvents()
    window.analyzer.wait()
    for _ in range(5):
        app.processEvents()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs"), help="folder for the PNGs (default: docs/)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from dojo_gui.ui.shell.app import application, open_windows

    app = application()
    window = open_windows([], "exapod")[0]
    window.resize(*SIZE)
    window.show()
    settle(app, window)
    shots = []

    def shot(name: str) -> None:
        settle(app, window)
        path = out / name
        if not window.grab().save(str(path)):
            raise SystemExit(f"cannot write {path}")
        shots.append(path)

    # 1. The room: ten cabinets, 3,000 chips; the inspector shows the room's budgets.
    window.view.fit_all()
    shot("editor-room.png")

    # 2. One cabinet entered (double-click), a tile selected: its capacity bars in the inspector.
    cabinet = ((0, 2),)
    window.view.enter(cabinet)
    window.selection.set([cabinet + ((0, 1),)])
    window.outline.view.expand(window.outline.model.index_for(cabinet))
    shot("editor-cabinet.png")

    # 3. One tile entered, a chip selected: 25 D1 with their links and figures.
    tile = cabinet + ((1, 3),)
    window.view.enter(tile)
    window.view.zoom_in()  # close enough for every chip's figures
    window.selection.set([tile + ((2, 2),)])
    shot("editor-tile.png")

    # 4. What breaks a budget: the D1 raised to 500 W, coloured by power against budget.
    window.document.edit_figure("dojo-d1", "tdp_w", "500 W")
    window.document.remove([cabinet + ((0, 4),)])
    window.view.enter(cabinet)
    window.selection.set([cabinet + ((1, 1),)])
    window.set_overlay("power")
    shot("editor-budget.png")

    for path in shots:
        print(path)
    window.document.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
