"""An engine that raises anything at all, BaseException included, ends its run with a message; its thread ends."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from dojo_gui.model.templates import TEMPLATES
from dojo_gui.sim.thermal import ThermalRun

RUN_TIMEOUT_MS = 30_000


@pytest.fixture
def tile_window(simulation_window, catalog):
    """A window on one Dojo tile (25 chips): runs start at once."""
    return simulation_window(TEMPLATES["dojo-tile"].make(catalog))


def soak(type_into, panel) -> None:
    panel.set_scenario("soak")
    for edit, text in ((panel.utilization, "50%"), (panel.duration, "1min"), (panel.dt, "1s")):
        type_into(edit, text)


@pytest.mark.parametrize("error", [KeyboardInterrupt, SystemExit, GeneratorExit])
def test_an_engine_raising_a_base_exception_ends_its_run_and_its_thread(qtbot, type_into, tile_window,
                                                                        monkeypatch, error):
    window, panel = tile_window, tile_window.live.panel
    controller = window.live.controller
    soak(type_into, panel)

    def interrupted(self, *args, **kwargs):
        raise error("raised inside the engine")

    monkeypatch.setattr(ThermalRun, "advance", interrupted)
    # More runs than Qt survives threads left running (it aborted at the fourth): each one ends, and its thread.
    for _ in range(5):
        with qtbot.waitSignal(controller.sigEnded, timeout=RUN_TIMEOUT_MS) as ended:
            qtbot.mouseClick(panel.run_button, Qt.LeftButton)
        outcome = ended.args[0]
        assert outcome.status == "failed"
        assert f"{error.__name__}: raised inside the engine" in outcome.message
        assert controller.state == "idle" and not controller.busy
        qtbot.waitUntil(lambda: controller.threads_running() == 0, timeout=5000)
    assert panel.message.isVisible() and error.__name__ in panel.message.text()
    assert error.__name__ in window.statusBar().currentMessage()
    assert panel.run_button.isEnabled()

    monkeypatch.undo()  # and the next run works
    with qtbot.waitSignal(controller.sigEnded, timeout=RUN_TIMEOUT_MS) as ended:
        qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    assert ended.args[0].status == "finished"


def test_a_finished_runs_worker_is_destroyed_on_the_gui_thread(qtbot, type_into, tile_window):
    """Destroyed in its own thread, the worker (a Python-made QObject) made Qt take the GIL under a shared
    connection lock while the GUI thread, holding the GIL, could be waiting for that lock: a run's end hung
    the application now and then.  It is destroyed on the GUI thread, after its thread has finished."""
    window, panel = tile_window, tile_window.live.panel
    controller = window.live.controller
    soak(type_into, panel)
    destroyed_on = []

    def watch(_job) -> None:  # the slot runs in whichever thread destroys the worker
        controller.current.worker.destroyed.connect(lambda *_: destroyed_on.append(threading.get_ident()),
                                                    Qt.ConnectionType.DirectConnection)

    controller.sigStarted.connect(watch)
    with qtbot.waitSignal(controller.sigEnded, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: controller.threads_running() == 0 and not controller._threads, timeout=5000)
    qtbot.waitUntil(lambda: bool(destroyed_on), timeout=5000)
    assert destroyed_on == [threading.main_thread().ident]
