"""The application as a process: it starts, works and ends cleanly."""

import subprocess
import sys
import textwrap

QUIT_AFTER_COPY = textwrap.dedent("""
    from PySide6.QtCore import QTimer
    from dojo_gui.ui.shell.app import application, open_windows

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
    proc = subprocess.run([sys.executable, "-c", QUIT_AFTER_COPY], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]


GARBAGE_ON_A_WORKER = textwrap.dedent("""
    import gc, json, threading, time
    from PySide6.QtCore import QCoreApplication, QEventLoop
    from dojo_gui.ui.shell.app import application
    from dojo_gui.ui.shell.collector import GuiThreadCollector

    app = application()
    application()
    where = []

    class Cyclic:
        def __del__(self):
            where.append(threading.get_ident())

    def make_cycles():
        for _ in range(10 * gc.get_threshold()[0]):
            c = Cyclic()
            c.me = c

    worker = threading.Thread(target=make_cycles)
    worker.start()
    worker.join()
    on_the_worker = len(where)
    deadline = time.monotonic() + 30
    while not where and time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    print(json.dumps({"enabled": gc.isenabled(), "collectors": len(app.findChildren(GuiThreadCollector)),
                      "on_the_worker": on_the_worker, "collected": len(where),
                      "on_the_gui_thread": set(where) == {threading.get_ident()}}))
""")


def test_garbage_is_collected_on_the_gui_thread_only(tmp_path):
    """Cycles made on a worker thread are not collected there (Qt objects in them would be destroyed off
    the GUI thread and could deadlock with it) but by the GUI thread's timer.  In a process of its own: the
    test process's garbage, left by other tests, is not this test's to collect."""
    import json

    env = {"QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c"),
           "XDG_DATA_HOME": str(tmp_path / "d"), "XDG_CACHE_HOME": str(tmp_path / "k"), "PATH": "/usr/bin:/bin",
           "PYTHONPATH": ":".join(sys.path)}
    proc = subprocess.run([sys.executable, "-c", GARBAGE_ON_A_WORKER], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not seen["enabled"] and seen["collectors"] == 1  # however often application() is called
    assert seen["on_the_worker"] == 0 and seen["collected"] > 0 and seen["on_the_gui_thread"]


def test_the_app_opens_the_example_it_is_asked_for(tmp_path):
    """``dojo-gui --example NAME`` as a process: the window opens on the example, then its simulation panel, and
    says so in the log."""
    import signal
    import time

    env = {"QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c"),
           "XDG_DATA_HOME": str(tmp_path / "d"), "XDG_CACHE_HOME": str(tmp_path / "k"), "PATH": "/usr/bin:/bin",
           "PYTHONPATH": ":".join(sys.path)}
    log = tmp_path / "k" / "dojo-gui" / "log" / "dojo-gui.log"
    stderr = tmp_path / "stderr.txt"
    with stderr.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "dojo_gui", "--example", "dojo-cabinet"], env=env,
                                stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None and not (log.exists() and "ready" in log.read_text()):
            time.sleep(0.1)
        assert proc.poll() is None, stderr.read_text()[-2000:]
        text = log.read_text()
        assert "opened Dojo cabinet (300 chips) from Dojo cabinet example" in text
        assert "simulation panel ready" in text  # built after the first frame, its imports and all
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def test_every_template_new_makes_opens_as_an_example(qtbot):
    """Issue 13, item 11: ``new gb200-nvl72`` worked but ``--example gb200-nvl72`` was refused."""
    from dojo_gui.io.catalog import example_path
    from dojo_gui.model.templates import TEMPLATES
    from dojo_gui.ui.shell.app import open_windows

    for name in TEMPLATES:
        example_path(name)  # what ``dojo-gui --example NAME`` checks before it opens a window
    window, = open_windows([], "gb200-nvl72")
    qtbot.addWidget(window)
    assert window.document.design.name == "GB200 NVL72"
    assert sum(1 for _ in window.document.design.parts("chip")) == 72
    window.document.undo_stack.clear()
    window.close()
