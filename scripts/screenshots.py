"""Write PNG screenshots of the editor on the ExaPOD example to docs/ (for the README).

    python scripts/screenshots.py [--out docs]

Runs on the offscreen platform (no display needed) with private settings, so the
pictures do not depend on the machine's saved window layout.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from _shots import ROOT, present  # before Qt: offscreen, private settings


def settle(app, window) -> None:
    for _ in range(5):
        app.processEvents()
    window.analyzer.wait()
    for _ in range(5):
        app.processEvents()


def drag_into(window, spec_id: str, scene_point) -> None:
    """A palette entry dragged over the canvas to ``scene_point`` and held there (enter and move, no drop)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent
    from PySide6.QtWidgets import QApplication

    mime = window.palette.mime_for(spec_id)
    pos = window.view.mapFromScene(scene_point)
    for kind in (QDragEnterEvent, QDragMoveEvent):
        QApplication.sendEvent(window.view.viewport(), kind(pos, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs"), help="folder for the PNGs (default: docs/)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import Qt

    from dojo_gui.ui.shell.app import application, open_windows

    app = application()
    window = open_windows([], "exapod")[0]
    present(window)
    settle(app, window)
    shots = []

    def shot(name: str) -> None:
        settle(app, window)
        path = out / name
        if not window.grab().save(str(path)):
            raise SystemExit(f"cannot write {path}")
        shots.append(path)

    # 1. The room: ten cabinets, 3,000 chips, the links between cabinets; the inspector shows the room's budgets.
    window.view.fit_all()
    shot("editor-room.png")

    # 2. One cabinet entered (double-click), a tile selected: its capacity bars in the inspector.
    cabinet = ((0, 2),)
    window.view.enter(cabinet)
    window.selection.set([cabinet + ((0, 1),)])
    window.outline.view.expand(window.outline.model.index_for(cabinet))
    shot("editor-cabinet.png")

    # 3. The links at cabinet zoom: tiles joined at 9 TB/s, inside the cabinet and across to the next one.
    window.view.enter(())  # in the room, so that neither cabinet is dimmed
    boundary = window.scene.rect_of(cabinet).united(window.scene.rect_of(((0, 3),)))
    window.view.fit_rect(boundary.adjusted(boundary.width() * 0.3, 0, -boundary.width() * 0.3, 0))
    shot("editor-links.png")

    # 4. One tile entered, a chip selected: 25 D1 with their links, bandwidths and figures.
    tile = cabinet + ((1, 3),)
    window.view.enter(tile)
    window.view.zoom_in()  # close enough for every chip's figures and every link's bandwidth
    window.selection.set([tile + ((2, 2),)])
    shot("editor-tile.png")

    # 5. What breaks a budget: the D1 raised to 500 W, coloured by power against budget, with its legend.
    window.document.edit_figure("dojo-d1", "tdp_w", "500 W")
    window.document.remove([cabinet + ((0, 4),)])
    window.view.enter(cabinet)
    window.selection.set([cabinet + ((1, 1),)])
    window.set_overlay("power")
    shot("editor-budget.png")

    # 6. The findings of that edit grouped: one row per rule and spec, the 120 tiles over budget opened,
    #    one of them picked (selected on the canvas).
    findings = window.findings
    window.docks["findings"].raise_()
    window.resizeDocks([window.docks["findings"]], [330], Qt.Vertical)
    window.set_overlay("findings")
    settle(app, window)
    group = findings.group_item("power-budget", "tile")
    findings.tree.expandItem(group)
    part = group.child(5)
    findings.tree.setCurrentItem(part)
    findings.tree.itemClicked.emit(part, 1)
    window.view.fit_focus()  # Ctrl+0: its cabinet in full
    shot("editor-findings.png")

    # 7. From scratch (File > New, an empty lab): a test stand and a tile dragged in empty, chips dropping in;
    #    a D1 on its way: the empty slots that take it light up.
    from dojo_gui.model.templates import empty_design

    document = window.document
    document.replace(empty_design(window.catalog["lab-1x1"], window.catalog), None,
                     origin="new in an empty Single-position lab")
    window.set_overlay("spec")
    stand = document.place_new((), (0, 0), "dojo-tile-stand")
    tile = document.place_new(stand, (0, 0), "dojo-training-tile")
    for r, c in [(0, 0), (0, 1), (0, 2), (0, 3), (0, 4), (1, 0), (1, 1), (1, 2), (1, 3), (2, 0), (2, 1)]:
        document.place_new(tile, (r, c), "dojo-d1")
    window.view.enter(tile)
    window.selection.clear()
    settle(app, window)
    drag_into(window, "dojo-d1", window.scene.layout.slot_scene_rect(tile, (2, 2)).center())
    shot("editor-from-scratch.png")
    window.view.interaction.cancel()

    for path in shots:
        print(path)
    window.document.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
