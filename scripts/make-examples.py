"""Write the bundled examples (resources/examples/*.dojo) from their templates, the ExaPOD with saved runs.

Every example is what ``dojo-gui new NAME`` writes.  The ExaPOD also carries a communication run
and a power-and-cooling run made by the command line (``simulate ... --save``, the commands in
EXAMPLE_RUNS), so the first ``dojo-gui report exapod`` has results to show and ``dojo-gui export
exapod -o results.csv`` has runs to export.  Run it again whenever a template or an engine
changes (tests/io/test_project.py says when the examples no longer match their templates):

    python scripts/make-examples.py            # every example
    python scripts/make-examples.py exapod     # only those named
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dojo_gui.cli import main as dojo_gui
from dojo_gui.io.catalog import builtin_specs
from dojo_gui.io.project import save
from dojo_gui.model.templates import TEMPLATES

EXAMPLES = ROOT / "resources" / "examples"

# The runs an example keeps: the arguments of `dojo-gui simulate` after the project file.
EXAMPLE_RUNS: dict[str, list[list[str]]] = {
    "exapod": [
        ["comm", "--collective", "allreduce", "--bytes", "1GiB", "--algorithm", "auto", "-q",
         "--label", "gradient all-reduce, 1 GiB over the room (auto)"],
        ["thermal", "--workload", "train", "--step-flops", "300TFLOP", "--gradient-bytes", "1GiB",
         "--duration", "1h", "--dt", "1s", "--ambient-curve", "daily:18C,35C", "--start-hour", "12",
         "--label", "training steps of 300 TFLOP, 1 h of a hot afternoon (18–35 °C)"],
    ],
}


def make(name: str) -> Path:
    """Write one example; its runs are made by the command line on a copy outside the examples folder."""
    target = EXAMPLES / f"{name}.dojo"
    design = TEMPLATES[name].make(builtin_specs())
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder) / target.name
        save(design, work)
        for argv in EXAMPLE_RUNS.get(name, []):
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                code = dojo_gui(["simulate", argv[0], str(work), *argv[1:], "--save"])
            if code != 0:
                raise SystemExit(f"{name}: `dojo-gui simulate {' '.join(argv)}` failed (exit {code})\n"
                                 + printed.getvalue())
            print(f"{name}: {argv[0]} run kept ({argv[argv.index('--label') + 1]})")
        shutil.copyfile(work, target)
    return target


if __name__ == "__main__":
    for example in sys.argv[1:] or list(TEMPLATES):
        print(make(example))
