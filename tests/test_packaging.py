"""The project's own structure: the package list, the layering rule, the README commands."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parents[1]


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_package_is_listed_for_the_wheel():
    listed = set(pyproject()["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "dojo_gui").rglob("__init__.py")}
    data = {f"dojo_gui.resources.{d.name}" for d in (ROOT / "resources").iterdir()
            if d.is_dir() and d.name != "__pycache__"}
    assert found | {"dojo_gui.resources"} | data == listed


def test_pyside_is_pinned_below_6_12_on_old_pythons():
    deps = pyproject()["project"]["dependencies"]
    assert "PySide6-Essentials>=6.8,<6.12; python_version < '3.12'" in deps


def test_the_core_never_imports_qt():
    """import-linter's contracts (also run by `make test`), checked here on the source too."""
    pattern = re.compile(r"^\s*(from|import)\s+(PySide6|PyQt|pyqtgraph|shiboken6)", re.M)
    for layer in ("model", "fabric", "sim", "io", "jobs"):
        for path in (ROOT / "dojo_gui" / layer).rglob("*.py"):
            assert not pattern.search(path.read_text()), f"{path} imports Qt"
    imports = ("import sys, dojo_gui.model, dojo_gui.io.catalog, dojo_gui.cli, "
               "dojo_gui.jobs.live, dojo_gui.jobs.analysis")
    check = "print(any(m.split('.')[0] in ('PySide6', 'pyqtgraph') for m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", f"{imports}; {check}"], capture_output=True, text=True, check=True,
                          cwd=ROOT)
    assert proc.stdout.strip() == "False"


def test_readme_has_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_readme_layout_names_every_package_and_every_part_of_the_ui():
    layout = (ROOT / "README.md").read_text().split("## Layout", 1)[1].split("\n## ", 1)[0]
    packages = [p.parent for p in (ROOT / "dojo_gui").glob("*/__init__.py")]
    assert {p.name for p in packages} >= {"model", "ui", "jobs"}
    for package in packages:
        assert f"dojo_gui/{package.name} " in layout, f"README's Layout does not list dojo_gui/{package.name}"
    for part in (ROOT / "dojo_gui" / "ui").glob("*/__init__.py"):
        assert f"ui/{part.parent.name} " in layout, f"README's Layout does not list ui/{part.parent.name}"
