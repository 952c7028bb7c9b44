"""The report pages the README shows, made as a user makes them (the command line) and rendered with pdftoppm.

    python scripts/report_pages.py        # writes docs/report-first-page.png and docs/report-comparison.png

* docs/report-first-page.png: the first page of ``dojo-gui report exapod`` (the bundled ExaPOD and its runs);
* docs/report-comparison.png: the first page of the report of a variant with the D1 at 500 W, its own runs
  made by the same commands as the example's (scripts/make-examples.py), compared with the ExaPOD.
"""

from __future__ import annotations

import dataclasses
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dojo_gui.cli import main as dojo_gui
from dojo_gui.io.project import load, save

DOCS = ROOT / "docs"
RESOLUTION = 110  # dpi: a page about 910 px wide, readable in the README


def first_page_png(pdf: Path, target: Path) -> None:
    stem = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(RESOLUTION), "-f", "1", "-l", "1", "-singlefile", "-png", str(pdf),
                    str(stem)], check=True)
    shutil.move(f"{stem}.png", target)
    print(target)


def main() -> None:
    if shutil.which("pdftoppm") is None:
        raise SystemExit("report_pages.py needs pdftoppm (poppler-utils; scripts/system-deps.sh test installs it)")
    runs = runpy.run_path(str(ROOT / "scripts" / "make-examples.py"), run_name="make_examples")["EXAMPLE_RUNS"]
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        work = Path(folder)
        assert dojo_gui(["report", "exapod", "-o", str(work / "exapod.pdf"), "-q"]) == 0
        first_page_png(work / "exapod.pdf", DOCS / "report-first-page.png")

        variant = Path("variant.dojo")  # named as a user in that folder names it, in the report too
        assert dojo_gui(["new", "exapod", "-o", str(variant), "-q", "--name", "ExaPOD, D1 at 500 W"]) == 0
        design = load(variant)
        design.put_spec(dataclasses.replace(design.specs["dojo-d1"], tdp_w=500.0))
        save(design, variant)
        for argv in runs["exapod"]:
            assert dojo_gui(["simulate", argv[0], str(variant), *argv[1:], "--save"]) == 0
        assert dojo_gui(["report", str(variant), "-o", str(work / "variant.pdf"), "--compare", "exapod", "-q"]) == 0
        first_page_png(work / "variant.pdf", DOCS / "report-comparison.png")


if __name__ == "__main__":
    main()
