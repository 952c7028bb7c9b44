"""packaging/install-desktop.sh: the launcher it installs runs a dojo-gui that works, and it says what it did.

Issue 13, item 13: the launcher said `Exec=dojo-gui` and `TryExec=dojo-gui`, but nothing put dojo-gui on
the PATH and the script said nothing, so after `make app` desktops that honour TryExec hid it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import dojo_gui

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "org.dojogui.DojoGui"
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the desktop integration is for Linux desktops")


def desktop_entry(path: Path) -> dict[str, str]:
    entry = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.startswith("#"):
            entry[key] = value
    return entry


def exec_program(entry: dict[str, str]) -> str:
    """The program of an Exec line: the first argument, unquoted as the desktop entry spec says."""
    line = entry["Exec"]
    if line.startswith('"'):
        return line[1:line.index('"', 1)]
    return line.split()[0]


def install(tmp_path: Path, *args: str, path: str = "/usr/bin:/bin", script: Path | None = None):
    env = {"HOME": str(tmp_path / "home"), "PATH": path}
    script = script or ROOT / "packaging" / "install-desktop.sh"
    return subprocess.run([str(script), *args, str(tmp_path / "prefix")], env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def fake_program(where: Path, version: str = "dojo-gui 9.9") -> Path:
    where.parent.mkdir(parents=True, exist_ok=True)
    where.write_text(f'#!/bin/sh\necho "{version}"\necho "$@" > "$0.args"\n')
    where.chmod(0o755)
    return where


def test_the_launcher_runs_the_dojo_gui_this_environment_has(tmp_path):
    """Without --exec: the bundle if built, else dojo-gui on the PATH (here: this test's environment's)."""
    here = Path(sys.executable).parent
    if not (here / "dojo-gui").exists():
        pytest.skip("dojo-gui is not installed beside this Python")
    proc = install(tmp_path, path=f"{here}:/usr/bin:/bin")
    assert proc.returncode == 0, proc.stderr
    entry = desktop_entry(tmp_path / "prefix" / "share" / "applications" / f"{APP_ID}.desktop")
    program = exec_program(entry)
    assert os.path.isabs(program) and entry["TryExec"] == program and entry["Exec"].endswith(" %F")
    version = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=120, check=True)
    assert version.stdout.strip() == f"dojo-gui {dojo_gui.__version__}"
    # It says what it found and what it wrote.
    assert f"dojo-gui: {program} (" in proc.stdout and f"dojo-gui {dojo_gui.__version__})" in proc.stdout
    assert "launcher: " in proc.stdout and "command:  wrote " in proc.stdout
    # PREFIX/bin/dojo-gui runs the same program.
    command = tmp_path / "prefix" / "bin" / "dojo-gui"
    assert subprocess.run([str(command), "--version"], capture_output=True, text=True, timeout=120,
                          check=True).stdout.strip() == f"dojo-gui {dojo_gui.__version__}"


def test_a_program_given_with_exec_is_launched_by_its_absolute_path(tmp_path):
    program = fake_program(tmp_path / "my apps" / "dojo-gui")
    proc = install(tmp_path, "--exec", str(program))
    assert proc.returncode == 0, proc.stderr
    launcher = tmp_path / "prefix" / "share" / "applications" / f"{APP_ID}.desktop"
    entry = desktop_entry(launcher)
    assert entry["Exec"] == f'"{program}" %F' and entry["TryExec"] == str(program)
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(launcher)], capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stdout
    command = tmp_path / "prefix" / "bin" / "dojo-gui"
    subprocess.run([str(command), "a b.dojo", "c.dojo"], check=True, capture_output=True)
    assert Path(f"{program}.args").read_text().strip() == "a b.dojo c.dojo"  # arguments passed on as they came
    assert "(given with --exec; dojo-gui 9.9)" in proc.stdout


def _copy_of_the_scripts(tmp_path: Path) -> Path:
    """The packaging folder and the icons in a checkout of their own (no .venv, no dist)."""
    root = tmp_path / "checkout"
    shutil.copytree(ROOT / "packaging", root / "packaging")
    shutil.copytree(ROOT / "resources" / "icons", root / "resources" / "icons")
    return root / "packaging" / "install-desktop.sh"


def test_the_bundle_make_app_builds_comes_first_then_the_path(tmp_path):
    script = _copy_of_the_scripts(tmp_path)
    on_path = fake_program(tmp_path / "somewhere" / "bin" / "dojo-gui", "dojo-gui 1.0")
    proc = install(tmp_path, path=f"{on_path.parent}:/usr/bin:/bin", script=script)
    assert proc.returncode == 0, proc.stderr
    entry = desktop_entry(tmp_path / "prefix" / "share" / "applications" / f"{APP_ID}.desktop")
    assert entry["TryExec"] == str(on_path) and "(dojo-gui on the PATH; dojo-gui 1.0)" in proc.stdout
    bundle = fake_program(script.parents[1] / "dist" / "dojo-gui" / "dojo-gui", "dojo-gui 2.0")
    proc = install(tmp_path, path=f"{on_path.parent}:/usr/bin:/bin", script=script)
    entry = desktop_entry(tmp_path / "prefix" / "share" / "applications" / f"{APP_ID}.desktop")
    assert entry["TryExec"] == str(bundle) and "(the app bundle built by make app; dojo-gui 2.0)" in proc.stdout


@pytest.mark.parametrize("case,message", [
    ("nothing", "no dojo-gui to launch: build the app bundle (make app)"),
    ("broken", "does not run"),
    ("missing", "is not an executable file"),
])
def test_without_a_working_program_it_installs_nothing_and_says_why(tmp_path, case, message):
    script = _copy_of_the_scripts(tmp_path)
    args: list[str] = []
    if case == "broken":
        broken = tmp_path / "broken"
        broken.write_text("#!/bin/sh\necho 'cannot start' >&2\nexit 3\n")
        broken.chmod(0o755)
        args = ["--exec", str(broken)]
    elif case == "missing":
        args = ["--exec", str(tmp_path / "no-such-program")]
    proc = install(tmp_path, *args, script=script)
    assert proc.returncode == 1 and message in proc.stderr
    assert not (tmp_path / "prefix").exists()


def test_a_dojo_gui_command_it_did_not_write_is_left_alone(tmp_path):
    program = fake_program(tmp_path / "app" / "dojo-gui")
    theirs = tmp_path / "prefix" / "bin" / "dojo-gui"
    theirs.parent.mkdir(parents=True)
    theirs.write_text("#!/bin/sh\necho mine\n")
    proc = install(tmp_path, "--exec", str(program))
    assert proc.returncode == 0, proc.stderr
    assert theirs.read_text() == "#!/bin/sh\necho mine\n"
    assert f"left {theirs} as it was" in proc.stdout
