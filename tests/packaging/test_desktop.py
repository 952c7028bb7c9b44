"""Desktop integration files: the launcher, the MIME type, the AppStream metainfo, icons, the bundle spec."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"
APP_ID = "org.dojogui.DojoGui"
MIME = "application/x-dojo-gui"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def desktop_entry(path: Path) -> dict[str, str]:
    """The [Desktop Entry] group, parsed as the spec says: key=value lines, # comments, no duplicates."""
    group, entry = None, {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("["):
            assert line.endswith("]"), f"line {number}: bad group header"
            group = line[1:-1]
            continue
        key, sep, value = line.partition("=")
        assert sep and group, f"line {number}: not key=value inside a group"
        if group == "Desktop Entry":
            assert key.strip() not in entry, f"line {number}: {key} twice"
            entry[key.strip()] = value.strip()
    return entry


def test_the_desktop_file_launches_dojo_gui_for_dojo_files():
    entry = desktop_entry(PACKAGING / f"{APP_ID}.desktop")
    assert entry["Type"] == "Application" and entry["Name"] == "dojo-gui"
    assert entry["Exec"] == "dojo-gui %F"  # opens any number of files, as `dojo-gui FILE...` does
    assert entry["MimeType"].split(";")[:-1] == [MIME] and entry["MimeType"].endswith(";")
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"
    tomldoc = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "dojo-gui" in tomldoc["project"]["scripts"]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-validate not installed")
def test_desktop_file_validate_accepts_it():
    proc = subprocess.run(["desktop-file-validate", str(PACKAGING / f"{APP_ID}.desktop")], capture_output=True,
                          text=True, check=False)  # the exit status is asserted below, with the tool's output
    assert proc.returncode == 0 and "error" not in proc.stdout, proc.stdout


def _mime_type():
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    root = ET.parse(PACKAGING / f"{APP_ID}.mime.xml").getroot()
    (mime,) = root.findall("m:mime-type", ns)
    return mime, ns


def test_the_mime_type_has_the_glob_and_magic_that_match_a_project_file():
    mime, ns = _mime_type()
    assert mime.get("type") == MIME
    assert [g.get("pattern") for g in mime.findall("m:glob", ns)] == ["*.dojo"]
    match = mime.find("m:magic/m:match", ns)
    lo, hi = (int(x) for x in match.get("offset").split(":"))
    # Every bundled example (written by dojo_gui.io.project.save) carries the magic string where it looks.
    for example in (ROOT / "resources" / "examples").glob("*.dojo"):
        head = example.read_bytes()[: hi + len(match.get("value"))]
        assert match.get("value").encode() in head[lo:], example.name


@pytest.mark.skipif(shutil.which("update-mime-database") is None, reason="shared-mime-info not installed")
def test_installing_the_desktop_files_registers_the_dojo_glob(tmp_path):
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin:/usr/sbin:/sbin"}
    subprocess.run([str(PACKAGING / "install-desktop.sh"), str(tmp_path / "prefix")], check=True, env=env,
                   capture_output=True)
    share = tmp_path / "prefix" / "share"
    assert f"{MIME}:*.dojo" in (share / "mime" / "globs2").read_text()
    assert (share / "applications" / f"{APP_ID}.desktop").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    for size in SIZES:
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()


def test_the_metainfo_names_the_launcher_the_binary_and_the_mime_type():
    root = ET.parse(PACKAGING / f"{APP_ID}.metainfo.xml").getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    assert root.findtext("provides/binary") == "dojo-gui"
    assert root.findtext("provides/mediatype") == MIME
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert root.findtext("project_license") == project["license"]
    import dojo_gui

    assert root.find("releases/release").get("version") == dojo_gui.__version__


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstreamcli not installed")
def test_appstreamcli_validates_the_metainfo():
    proc = subprocess.run(["appstreamcli", "validate", "--no-net", str(PACKAGING / f"{APP_ID}.metainfo.xml")],
                          capture_output=True, text=True, check=False)  # the exit status is asserted below
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_icons_in_every_size_and_they_are_the_svg_rendered(qapp):
    from PySide6.QtGui import QImage

    sys.path.insert(0, str(PACKAGING))
    try:
        import importlib

        make_icons = importlib.import_module("make-icons")
    finally:
        sys.path.remove(str(PACKAGING))
    assert make_icons.SIZES == SIZES
    ET.parse(ICONS / "dojo-gui.svg")  # well-formed
    for size in SIZES:
        path = ICONS / f"dojo-gui-{size}.png"
        assert _png_size(path) == (size, size)
        fresh = make_icons.render(ICONS / "dojo-gui.svg", size).convertToFormat(QImage.Format.Format_ARGB32)
        committed = QImage(str(path)).convertToFormat(QImage.Format.Format_ARGB32)
        # Regenerated from the SVG, the committed PNG is the same picture (allowing for rounding).
        worst = max(abs(fresh.pixelColor(x, y).red() - committed.pixelColor(x, y).red())
                    for x in range(0, size, max(1, size // 16)) for y in range(0, size, max(1, size // 16)))
        assert worst <= 2, (size, worst)


def test_the_wheel_ships_the_icons():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "dojo_gui.resources.icons" in setuptools["packages"]
    assert {"*.svg", "*.png"} <= set(setuptools["package-data"]["dojo_gui.resources.icons"])


def test_pyinstaller_is_only_in_the_packaging_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(d.startswith("pyinstaller") for d in project["optional-dependencies"]["packaging"])
    others = project["dependencies"] + project["optional-dependencies"]["test"]
    assert not any(d.lower().startswith("pyinstaller") for d in others)
    makefile = (ROOT / "Makefile").read_text()
    assert "'.[packaging]'" in makefile and "packaging/dojo-gui.spec" in makefile


def test_the_bundle_spec_collects_the_resources_and_every_module():
    spec = (PACKAGING / "dojo-gui.spec").read_text()
    compile(spec, "dojo-gui.spec", "exec")
    assert 'collect_data_files("dojo_gui.resources")' in spec
    assert 'collect_submodules("dojo_gui")' in spec  # subcommands and the GUI are imported by name
    entry = (PACKAGING / "dojo-gui-entry.py").read_text()
    assert "from dojo_gui.cli import main" in entry


def test_ci_runs_the_install_checks_after_the_tests():
    lines = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert lines.index("make test") < lines.index("./scripts/check-install.sh")
    script = (ROOT / "scripts" / "check-install.sh").read_text()
    for command in ("--version", "info exapod", "report exapod"):
        assert command in script
