"""The application as a process: it starts, works and ends cleanly."""

import subprocess
import sys
import textwrap

QUIT_AFTER_COPY = textwrap.dedent("""
    from PySide6.QtCore import QTimer
    from dojo_gui.ui.app import application, open_windows

    app = application()
    window, = open_windows([], "dojo-tile")
    window.selection.set([((0, 0), (0, 0), (0, 0))])
    window.actions_by_name["copy"].trigger()
    assert app.clipboard().mimeData().hasFormat("application/x-dojo-gui-parts")
    QTimer.singleShot(0, app.quit)
    raise SystemExit(app.exec())
""")


def test_quitting_after_a_copy_ends_cleanly(tmp_path):
    """Copied parts live on the clipboard; PySide crashed at exit destroying them unless the app let go first."""
    env = {"QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c"),
           "XDG_DATA_HOME": str(tmp_path / "d"), "XDG_CACHE_HOME": str(tmp_path / "k"), "PATH": "/usr/bin:/bin",
           "PYTHONPATH": ":".join(sys.path)}
    proc = subprocess.run([sys.executable, "-c", QUIT_AFTER_COPY], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
