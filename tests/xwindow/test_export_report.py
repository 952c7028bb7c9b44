"""File > Export Report… in a real window: the file dialog answered with typed paths.  A PDF and an HTML report are
written whole (the PDF's first page renders with pdftoppm); a path in a read-only folder gets a message naming the
file and why, and the app carries on.  All input goes through the X server."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.slow


def menu_item(app, text):
    return app.wait_until(lambda: app.probe.menu_item(text), what=f"the menu item {text!r}", timeout=5)


def export_report_to(app, path, shot: str) -> dict:
    """File > Export Report… with the mouse; the path typed into the dialog (a screenshot ``shot`` then), Enter.
    Answers the dialog as the probe saw it."""
    probe, x = app.probe, app.x
    x.click(*next(m for m in probe.q("menubar") if m["text"] == "File")["centre"])
    x.click(*menu_item(app, "Export Report…")["centre"])
    dialog = app.wait_until(lambda: [d for d in probe.dialogs() if d["cls"] == "QFileDialog"],
                            what="the Export dialog")[0]
    app.wait_until(lambda: any(a.startswith("QFileDialog") for a in (probe.focus() or {}).get("ancestors", [])),
                   what="the dialog to have the keyboard focus")
    x.key("ctrl+a")
    x.type(str(path))
    app.screenshot(shot)
    x.key("Return")
    return dialog


@contextlib.contextmanager
def read_only_folder(path):
    """A folder nobody may write into, for the duration; answers the reason a write there fails.  For root, whom
    permissions do not stop, the folder is made immutable (chattr +i); the test is skipped where that is refused."""
    path.mkdir()
    path.chmod(0o555)
    immutable = False
    try:
        if not os.access(path, os.W_OK):
            yield "Permission denied"
            return
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)], capture_output=True,
                                                             check=False).returncode != 0:
            pytest.skip("this user may write into a read-only folder, and chattr +i is refused")
        immutable = True
        yield "Operation not permitted"
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(0o755)


def written(app, path, what: str) -> int:
    """Waits until the report at ``path`` is written whole and the status bar says so; answers its size."""
    app.wait_until(lambda: app.probe.status() == f"Report written to {path}", timeout=40, what=what)
    assert not app.probe.dialogs()
    return path.stat().st_size


def test_a_report_is_exported_as_pdf_and_html_and_a_read_only_folder_is_named(launch, tmp_path, template_file):
    folder = tmp_path / "projects"
    folder.mkdir()
    project = template_file(folder / "tile.dojo", "dojo-tile")
    project_bytes = project.read_bytes()
    app = launch(str(project))
    probe, x = app.probe, app.x

    # PDF: the dialog suggests a name beside the project; the path typed over it.
    pdf = folder / "review.pdf"
    dialog = export_report_to(app, pdf, "1-pdf-typed")
    assert dialog["title"] == "Export" and dialog["folder"] == str(folder)
    size = written(app, pdf, "the PDF report")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:] and size > 20_000
    if shutil.which("pdftoppm"):
        out = subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                             capture_output=True, text=True, timeout=60, check=False)
        assert out.returncode == 0, out.stderr
        (page,) = tmp_path.glob("page*.png")
        assert page.stat().st_size > 5_000  # a page with something on it, not a blank one
        shutil.copy(page, app.shots / "2-pdf-first-page.png")

    # HTML, the same way.
    html = folder / "review.html"
    export_report_to(app, html, "3-html-typed")
    written(app, html, "the HTML report")
    text = html.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html") and text.rstrip().endswith("</html>")
    assert "Dojo training tile" in text and len(text) > 10_000

    # A read-only folder: the message names the file and why; nothing is left there.
    locked = tmp_path / "locked"
    with read_only_folder(locked) as reason:
        refused = locked / "review.pdf"
        export_report_to(app, refused, "4-read-only-typed")
        error = app.wait_until(lambda: [d for d in probe.dialogs()
                                        if d["title"] == "Cannot write the report" and d["active"]],
                               what="the message naming the file", timeout=40)[0]
        app.screenshot("5-read-only-named")
        assert error["modal"] and error["text"].startswith(f"{refused}: ") and reason in error["text"]
        x.key("Return")
        app.wait_until(lambda: not probe.dialogs(), what="the message to close")
        assert list(locked.iterdir()) == []
        assert "QPainter" not in app.stderr()  # the refusal was the system's, not a painter that would not start

    # The app carries on, the project as it was.
    assert app.proc.poll() is None and not probe.window()["modified"]
    assert project.read_bytes() == project_bytes
    app.screenshot("6-after")
    assert app.quit() == 0
