"""The editor's canvas: time to the first painted frame, and frame times with the whole room in view.

Cases, each in a fresh process on the offscreen platform (so imports and caches count):

- start to first frame: from launching the interpreter to the canvas's first painted frame with
  the project open (the ExaPOD example; the 30,000-chip room from a file); and when the
  simulation's docks and menu, built right after that frame, are ready;
- frame time, whole room in view: the window at 1600 x 1000, the room fitted, the design check
  done (it runs on a thread after the first frame), and ``viewport().repaint()`` forced N times
  (every item really repainted, synchronously); median;
- frame time at chip detail: the same, zoomed to where chips start being drawn one by one
  (3 px per chip, the most expensive level of detail), centred on the room;
- the links' cost: repaints with the links between parts drawn (View > Show Links and Bandwidths)
  and without, alternating, with the whole room in view and with a cabinet entered (the links
  between its tiles labelled with their bandwidths, its chips' mesh underneath);
- live colouring: every chip given a colour from a value (a colour provider, as a simulation
  tick will do) and the view repainted.

Targets (issue 5): first frame <= 1.5 s; ExaPOD whole room <= 16 ms; 30,000 chips whole room <= 33 ms.

    QT_QPA_PLATFORM=offscreen python bench/bench_ui.py
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SMOKE, big_room, median_of, peak_rss_mb, repeats

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(1, str(ROOT))  # the checkout's dojo_gui, installed or not
FRAMES = 3 if SMOKE else 60
SIZE = (1600, 1000)


def ten_exapods_file(folder: Path) -> Path:
    from dojo_gui.io.catalog import builtin_specs
    from dojo_gui.io.project import save
    from dojo_gui.model.templates import grid_design

    path = folder / "ten-exapods.dojo"
    # Ten ExaPODs as a 10x10 floor of Dojo cabinets: 100 cabinets, 1,200 tiles, 30,000 D1.
    save(grid_design(builtin_specs(), "dojo-d1", *big_room(), name="Ten ExaPODs"), path)
    return path


def child(case: str, file: str | None, launched: float) -> dict:
    """Runs in the fresh process: open the window, wait for its first frame, then time repaints."""
    from PySide6.QtCore import QTimer

    from dojo_gui.ui.shell.app import application, open_windows

    app = application()
    first = {}
    windows = open_windows([file] if file else [], None if file else "exapod")
    window = windows[0]
    window.view.sigFirstFrame.connect(lambda: first.setdefault("t", time.time()))
    window.resize(*SIZE)
    while "t" not in first:
        app.processEvents()
    while window._live is None:  # the simulation's docks and menu come right after the first frame
        app.processEvents()
    result = {"case": case, "first_frame_s": first["t"] - launched, "simulation_ready_s": time.time() - launched,
              "chips": sum(1 for p in window.document.design.parts("chip"))}
    window.resize(*SIZE)
    app.processEvents()
    view = window.view

    def frame_times() -> list[float]:
        for _ in range(5):
            view.viewport().repaint()
        times = []
        for _ in range(FRAMES):
            t0 = time.perf_counter()
            view.viewport().repaint()
            times.append(time.perf_counter() - t0)
        return times

    links = window.actions_by_name["links"]

    def with_and_without_links() -> tuple[float, float, int]:
        """Median repaint with the links and without, the two alternating (a busy machine slows both alike);
        and how many bandwidth labels were drawn."""
        on, off, labels = [], [], 0
        for k in range(FRAMES + 4):
            for shown, times in ((True, on), (False, off)):
                links.setChecked(shown)
                t0 = time.perf_counter()
                view.viewport().repaint()
                if k >= 2:  # the first repaints lay the links out
                    times.append(time.perf_counter() - t0)
                if shown:
                    labels = len(window.scene.link_item.drawing.last_labels)
        links.setChecked(True)
        return statistics.median(on) * 1000, statistics.median(off) * 1000, labels

    # The design check (which brings the links) runs on a thread after the first frame: let it end first.
    while window.analyzer.latest is None or window.analyzer.busy:
        app.processEvents()
    view.fit_all()
    app.processEvents()
    times = frame_times()
    result["viewport"] = [view.viewport().width(), view.viewport().height()]
    result["fit_chip_px"] = view.scale_factor() * 10
    result["fit_median_ms"] = statistics.median(times) * 1000
    result["fit_p90_ms"] = sorted(times)[int(0.9 * len(times))] * 1000
    result["fit_links_ms"], result["fit_no_links_ms"], result["fit_link_labels"] = with_and_without_links()

    view.set_scale(0.3)  # 3 px per chip: every visible chip drawn as its own rectangle
    view.centerOn(window.scene.layout.room_rect().center())
    app.processEvents()
    times = frame_times()
    result["detail_median_ms"] = statistics.median(times) * 1000

    # A cabinet entered: the links between tiles (labelled) and between chips drawn over it.
    view.enter((min(window.document.design.room.children),))
    app.processEvents()
    result["cabinet_links_ms"], result["cabinet_no_links_ms"], result["cabinet_link_labels"] = \
        with_and_without_links()

    # Live colouring: every chip recoloured from a value per chip (what a simulation tick will do).
    import random

    from dojo_gui.render import ValueColours

    paths = [p.path for p in window.document.design.parts("chip")]
    rng = random.Random(1)
    recolour = []
    for _ in range(7):
        provider = ValueColours({p: rng.uniform(40.0, 95.0) for p in paths}, 40.0, 95.0)
        t0 = time.perf_counter()
        window.scene.set_colours(provider)
        view.viewport().repaint()
        recolour.append(time.perf_counter() - t0)
    result["recolour_median_ms"] = statistics.median(recolour) * 1000
    result["peak_rss_mb"] = peak_rss_mb()
    window.document.undo_stack.setClean()
    window.close()
    QTimer.singleShot(0, app.quit)
    return result


def run_case(case: str, file: Path | None) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryDirectory() as home:
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
            env[var] = os.path.join(home, var.lower())  # no saved window layout or autosaves from elsewhere
        launched = time.time()
        cmd = [sys.executable, __file__, "--case", case, "--launched", repr(launched)]
        cmd += ["--file", str(file)] if file else []
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case")
    parser.add_argument("--file")
    parser.add_argument("--launched", type=float)
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per case (the medians are reported)")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(child(args.case, args.file, args.launched)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        cases = [("exapod", None, 16.0), ("ten-exapods", ten_exapods_file(Path(tmp)), 33.0)]
        print(f"editor canvas, offscreen, window {SIZE[0]}x{SIZE[1]}, {FRAMES} forced repaints per figure, "
              f"{args.repeat} fresh processes per case (medians)")
        for case, file, target in cases:
            runs = [run_case(case, file) for _ in range(repeats(args.repeat))]
            med = functools.partial(median_of, runs)
            r = runs[0]
            print(f"  {case:12s} {r['chips']:6,d} chips: first frame {med('first_frame_s'):.2f} s (target <= 1.5 s), "
                  f"simulation docks ready {med('simulation_ready_s'):.2f} s; "
                  f"whole room in view (chip {r['fit_chip_px']:.2g} px, "
                  f"viewport {r['viewport'][0]}x{r['viewport'][1]}): "
                  f"median {med('fit_median_ms'):.2f} ms, p90 {med('fit_p90_ms'):.2f} ms (target <= {target:.0f} ms); "
                  f"at chip detail (3 px): median {med('detail_median_ms'):.2f} ms; "
                  f"with its links and without, alternating: whole room {med('fit_links_ms'):.2f} / "
                  f"{med('fit_no_links_ms'):.2f} ms ({r['fit_link_labels']} bandwidth labels), a cabinet entered "
                  f"{med('cabinet_links_ms'):.2f} / {med('cabinet_no_links_ms'):.2f} ms "
                  f"({r['cabinet_link_labels']} labels); "
                  f"every chip recoloured by a value and repainted: median {med('recolour_median_ms'):.0f} ms; "
                  f"peak RSS {med('peak_rss_mb'):.0f} MB")
            firsts = ", ".join(f"{x['first_frame_s']:.2f}" for x in runs)
            print(f"  {'':12s} first frames of each process: {firsts} s")


if __name__ == "__main__":
    main()
