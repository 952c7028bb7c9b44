"""The real-window test harness: the app in a real X11 window, driven through the X server.

Every test here is ``@pytest.mark.slow`` (``make test-slow`` runs them, CI too).  They need
``Xvfb``, ``openbox`` and ``xdotool`` (``scripts/system-deps.sh test-slow`` installs them) and
are skipped with the reason when one is missing.

What a test gets
----------------
``xserver`` (module scope)
    An ``Xvfb`` on a free display (``-displayfd``) with ``openbox`` managing its windows, so
    window sizes, maximising and focus are real.  The screen is 1600x900 unless the module
    sets ``SCREEN = (w, h)`` or parametrises it: ``@pytest.mark.parametrize("xserver",
    [(1366, 768), (1920, 1080)], indirect=True)``.  Openbox keeps a 32-pixel margin at the
    bottom, as a panel would, so the *available* geometry is smaller than the screen.
    Attributes: ``display`` (":5"), ``width``, ``height``, ``env`` (the environment children
    need: DISPLAY).  Everything it started is stopped at the end of the module.

``launch(*args, home=None, wait=True)`` (function scope)
    Starts the app as a user does: ``python -m dojo_gui *args`` (a file, ``--example NAME`` or
    nothing) with ``QT_QPA_PLATFORM=xcb``, private XDG folders under ``home`` (by default one
    per test, shared by every launch in it, so a second process finds the first one's
    settings and recent files) and ``DOJO_GUI_PROBE`` naming a socket.  It waits until the
    window is up and the simulation's docks are built, activates the window, and returns an
    :class:`App`.  Apps still running at the end of the test are killed.

``App``
    ``app.probe``      the :class:`Probe` client (below)
    ``app.x``          the :class:`XInput` (below), on this display
    ``app.screenshot(name)``  a PNG of the whole screen in the test's screenshot folder; returns its path
    ``app.wait_until(predicate, timeout=20, what="...")``  polls; on timeout fails with ``what``
    ``app.drag_spec(spec_id, to, via=(), hold=(), before_release=None)``  a palette entry dragged to screen
                       point ``to`` through Qt's real drag manager (see its docstring)
    ``app.quit()``     Ctrl+Q through the X server and wait for the process to end (returns its exit code)
    ``app.stderr()``   what the process wrote to stderr so far
    ``app.proc``       the ``subprocess.Popen``

``Probe`` (the app's read-only probe, :mod:`dojo_gui.ui.shell.probe`; every method is one query)
    ``design()``   the design as project JSON; ``parts(design)`` below flattens it
    ``status()``   the status bar's message
    ``window()``   title, modified, undo stack, geometry, frame, maximized, screen and available
                   geometry, entered container, selection, zoom, gesture in progress
    ``palette_row(spec_id)``, ``part("room.cabinet[0,0]")``, ``slot("room.cabinet[0,0]", [r, c])``,
    ``widget(object_name | "tab:TITLE")``: rects in screen pixels ``{x, y, w, h, centre: [x, y],
                   visible, ...}``; ``widget`` adds ``value`` (combo/spin/line edit/label/check box),
                   ``shown`` (the rect of the part on screen, None if hidden) and ``scroll`` for scroll areas
    ``widgets(cls)``  every visible widget of a class
    ``at(x, y)``   the widgets at a screen point, and the deepest part there on the canvas
    ``docks()``    every dock with its rect and ``cut_off`` (widgets whose side edges do not show)
    ``focus()``, ``dialogs()`` (each with ``active``: wait for it before a screenshot, it is drawn then),
                   ``tooltip()`` (the text on screen or None), ``screenshot(path)``
    ``menus()``    the menus open on screen with their actions (text, enabled, rect);
                   ``menu_item(text)`` the first action starting with ``text``
    ``q(name, **args)`` sends any query (``q("runs")``, ``q("comparison")``, ``q("training")``...); an error
                   answer raises :class:`ProbeFailed`.

``XInput`` (xdotool; never events sent to widgets)
    ``move(x, y)``; ``glide(points, step=6)`` moves through the points in small steps, so Qt's
    drag manager sees motion; ``down(button=1)``, ``up(button=1)``, ``click(x, y, button=1,
    double=False)``; ``drag(start, end, via=(), hold=())`` press at ``start``, glide through
    ``via`` to ``end`` (holding the keys in ``hold``), release; ``key("ctrl+z")``,
    ``keydown("shift")``, ``keyup("shift")``, ``type(text)``, ``wheel(x, y, clicks)`` (positive
    up, negative down).

``parts`` (fixture): ``parts(design_json)``
    ``{path text: spec id}`` for every part of a design the probe returned.

``template_file`` (fixture): ``template_file(path, "dojo-cabinet")``
    Saves a built-in template's design as a project at ``path`` (a file to start the app on) and
    returns the path.

A failing test saves a screenshot of every app it started (before they are stopped) in a
folder it prints (``xwindow screenshots: DIR``, also under the failure's report sections):
``build/xwindow-shots/TEST`` in the checkout, or under ``$DOJO_XWINDOW_SHOTS``.  ``app.screenshot``
writes there too.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

TOOLS = ("Xvfb", "openbox", "xdotool")
DEFAULT_SCREEN = (1600, 900)
PANEL_PX = 32  # what openbox keeps free at the bottom of the screen, as a desktop panel would
REPO = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(config, items):
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    for item in items:
        if "xwindow" in item.nodeid.split("::")[0]:
            item.add_marker(pytest.mark.slow)
            if missing:
                item.add_marker(pytest.mark.skip(reason=f"real-window tests need {', '.join(missing)} "
                                                        "(scripts/system-deps.sh test-slow installs them)"))


# --------------------------------------------------------------------------- the X server
class XServer:
    def __init__(self, width: int, height: int, workdir: Path) -> None:
        self.width, self.height = width, height
        self.workdir = workdir
        self.procs: list[subprocess.Popen] = []
        read_end, write_end = os.pipe()
        with open(workdir / "xvfb.log", "wb") as log:
            self.xvfb = subprocess.Popen(
                ["Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp",
                 "-noreset", "+extension", "XTEST"],
                pass_fds=(write_end,), stdout=log, stderr=log, start_new_session=True)
        self.procs.append(self.xvfb)
        os.close(write_end)
        number = b""
        with os.fdopen(read_end, "rb") as pipe:
            while not number.endswith(b"\n"):
                chunk = pipe.read(1)
                if not chunk:
                    break
                number += chunk
        if not number.strip():
            self.stop()
            raise RuntimeError(f"Xvfb did not start: {(workdir / 'xvfb.log').read_text(errors='replace')}")
        self.display = f":{number.decode().strip()}"
        self.env = {"DISPLAY": self.display}
        self._start_window_manager()

    def _start_window_manager(self) -> None:
        config = self.workdir / "openbox-rc.xml"
        source = Path("/etc/xdg/openbox/rc.xml")
        text = source.read_text() if source.is_file() else "<openbox_config xmlns=\"http://openbox.org/3.4/rc\"/>"
        text = text.replace("<bottom>0</bottom>", f"<bottom>{PANEL_PX}</bottom>", 1)
        config.write_text(text)
        env = {**os.environ, **self.env, "XDG_CONFIG_HOME": str(self.workdir / "wm-config")}
        with open(self.workdir / "openbox.log", "wb") as log:
            self.wm = subprocess.Popen(["openbox", "--config-file", str(config), "--sm-disable"], env=env,
                                       stdout=log, stderr=log, start_new_session=True)
        self.procs.append(self.wm)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:  # openbox is up once it announces itself on the root window
            out = subprocess.run(["xprop", "-root", "_NET_SUPPORTING_WM_CHECK", "_NET_WORKAREA"], env=env,
                                 capture_output=True, text=True, check=False)
            if "window id" in out.stdout and "_NET_WORKAREA(CARDINAL)" in out.stdout:
                return
            time.sleep(0.1)
        raise RuntimeError("openbox did not start")

    def run(self, *args: str) -> str:
        out = subprocess.run(list(args), env={**os.environ, **self.env}, capture_output=True, text=True, timeout=30,
                             check=False)
        if out.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {out.stderr.strip()}")
        return out.stdout

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
        self.procs.clear()


@pytest.fixture(scope="module")
def xserver(request, tmp_path_factory):
    size = getattr(request, "param", None) or getattr(request.module, "SCREEN", DEFAULT_SCREEN)
    server = XServer(size[0], size[1], tmp_path_factory.mktemp(f"x{size[0]}x{size[1]}"))
    yield server
    server.stop()


# --------------------------------------------------------------------------- input through the X server
class XInput:
    """Mouse and keyboard through xdotool (XTEST): what a user's hands do."""

    def __init__(self, server: XServer, pause: float = 0.012) -> None:
        self.server = server
        self.pause = pause
        self.position = (0, 0)

    def _do(self, *args: str) -> None:
        self.server.run("xdotool", *args)

    def move(self, x: float, y: float) -> None:
        if (round(x), round(y)) == self.position:
            return  # (xdotool's --sync would wait for ever for a move that does not happen)
        self._do("mousemove", "--sync", str(round(x)), str(round(y)))
        self.position = (round(x), round(y))

    def glide(self, points, step: float = 6.0) -> None:
        """Move through ``points`` in steps of about ``step`` pixels, a pause after each."""
        args: list[str] = []
        x0, y0 = self.position
        for x1, y1 in points:
            n = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) / step))
            for k in range(1, n + 1):
                x, y = x0 + (x1 - x0) * k / n, y0 + (y1 - y0) * k / n
                args += ["mousemove", str(round(x)), str(round(y)), "sleep", f"{self.pause:.3f}"]
            x0, y0 = x1, y1
        for start in range(0, len(args), 400):  # a few hundred moves per xdotool call
            self._do(*args[start:start + 400])
        self.position = (round(x0), round(y0))
        time.sleep(0.05)

    def down(self, button: int = 1) -> None:
        self._do("mousedown", str(button))
        time.sleep(0.05)

    def up(self, button: int = 1) -> None:
        self._do("mouseup", str(button))
        time.sleep(0.05)

    def click(self, x: float, y: float, button: int = 1, double: bool = False) -> None:
        self.move(x, y)
        self._do("click", *(["--repeat", "2", "--delay", "80"] if double else []), str(button))
        time.sleep(0.05)

    def drag(self, start, end, via=(), hold=()) -> None:
        """Press at ``start``, move through ``via`` to ``end`` in small steps, release.  ``hold``: keys held
        from the first move away from ``start`` to the release (``("shift",)``)."""
        self.move(*start)
        self.down()
        self.glide([(start[0] + 4, start[1]), (start[0] + 14, start[1])], step=2)  # past the drag distance
        for key in hold:
            self.keydown(key)
        self.glide(list(via) + [end])
        self.glide([(end[0] + 1, end[1]), end], step=1)  # a last move where it ends, as a hand does
        self.up()
        for key in hold:
            self.keyup(key)

    def key(self, *keys: str) -> None:
        self._do("key", "--clearmodifiers", *keys)
        time.sleep(0.05)

    def keydown(self, key: str) -> None:
        self._do("keydown", key)
        time.sleep(0.05)

    def keyup(self, key: str) -> None:
        self._do("keyup", key)
        time.sleep(0.05)

    def type(self, text: str) -> None:
        self._do("type", "--delay", "15", text)
        time.sleep(0.05)

    def wheel(self, x: float, y: float, clicks: int) -> None:
        self.move(x, y)
        button = "4" if clicks > 0 else "5"
        for _ in range(abs(clicks)):
            self._do("click", button)
            time.sleep(0.03)


# --------------------------------------------------------------------------- the probe's client
class ProbeFailed(AssertionError):
    """The probe answered with an error (the message is the app's)."""


class Probe:
    def __init__(self, path: str) -> None:
        self.path = path
        self.sock: socket.socket | None = None
        self.buffer = b""

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(30)
        try:
            sock.connect(self.path)
        except OSError:
            sock.close()
            raise
        self.sock = sock
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def q(self, name: str, /, **args):
        if self.sock is None:
            self.connect()
        assert self.sock is not None
        self.sock.sendall(json.dumps({"q": name, **args}).encode() + b"\n")
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                self.close()
                raise ConnectionError("the app closed the probe")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        answer = json.loads(line)
        if not answer["ok"]:
            raise ProbeFailed(f"probe {name}({args}): {answer['error']}")
        return answer["result"]

    def ping(self):
        return self.q("ping")

    def design(self):
        return self.q("design")

    def status(self) -> str:
        return self.q("status")

    def window(self):
        return self.q("window")

    def palette_row(self, spec: str):
        return self.q("palette_row", spec=spec)

    def part(self, path: str):
        return self.q("part", path=path)

    def slot(self, parent: str, slot):
        return self.q("slot", parent=parent, slot=list(slot))

    def widget(self, name: str):
        return self.q("widget", name=name)

    def widgets(self, cls: str):
        return self.q("widgets", cls=cls)

    def at(self, x: float, y: float):
        return self.q("at", x=round(x), y=round(y))

    def docks(self):
        return self.q("docks")

    def focus(self):
        return self.q("focus")

    def dialogs(self):
        return self.q("dialogs")

    def tooltip(self):
        return self.q("tooltip")

    def menus(self):
        return self.q("menus")

    def menu_item(self, text: str):
        """The rect of the action whose text starts with ``text`` in the menus on screen (fails if none)."""
        for menu in self.menus():
            for action in menu["actions"]:
                if action["text"].startswith(text) and not action["separator"]:
                    return action
        raise ProbeFailed(f"no menu on screen has an item {text!r}: {self.menus()}")

    def screenshot(self, path) -> str:
        return self.q("screenshot", path=str(path))

    def popup(self):
        return self.q("popup")

    def sweep_point(self, index: int):
        return self.q("sweep_point", index=index)


def parts(design: dict) -> dict[str, str]:
    """``{"room.cabinet[0,0].tile[1,2]": spec id}`` for every part of a design as the probe returns it."""
    out: dict[str, str] = {}
    names = {"cabinets": "cabinet", "tiles": "tile", "chips": "chip"}

    def walk(node: dict, prefix: str) -> None:
        for key, level in names.items():
            for child in node.get(key, []):
                r, c = child["slot"]
                path = f"{prefix}.{level}[{r},{c}]"
                out[path] = child["spec"]
                walk(child, path)

    walk(design["room"], "room")
    return out


@pytest.fixture
def template_file():
    """``template_file(path, template)``: the template's design saved at ``path``; returns the path."""
    from dojo_gui.io.catalog import builtin_specs
    from dojo_gui.io.project import save
    from dojo_gui.model.templates import TEMPLATES

    def saved(path: Path, template: str) -> Path:
        save(TEMPLATES[template].make(builtin_specs()), path)
        return path

    return saved


@pytest.fixture(name="parts")
def parts_fixture():
    """:func:`parts` for the tests (conftest modules cannot be imported with --import-mode=importlib)."""
    return parts


# --------------------------------------------------------------------------- the app
class App:
    def __init__(self, proc: subprocess.Popen, probe: Probe, x: XInput, shots: Path, name: str, log: Path) -> None:
        self.proc, self.probe, self.x, self.shots, self.name, self.log = proc, probe, x, shots, name, log

    def stderr(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_until(self, predicate, timeout: float = 20.0, what: str = "the condition", interval: float = 0.1):
        deadline = time.monotonic() + timeout
        last = None
        while True:
            try:
                last = predicate()
            except (ConnectionError, OSError, ProbeFailed) as exc:
                last = exc
                if self.proc.poll() is not None:
                    raise AssertionError(f"the app ended (exit {self.proc.returncode}) while waiting for {what}:\n"
                                         f"{self.stderr()[-3000:]}") from None
            else:
                if last:
                    return last
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:g} s waiting for {what} (last: {last!r})")
            time.sleep(interval)

    def screenshot(self, name: str) -> Path:
        self.shots.mkdir(parents=True, exist_ok=True)
        return Path(self.probe.screenshot(self.shots / f"{name}.png"))

    def drag_spec(self, spec_id: str, to, *, via=(), hold=(), before_release=None) -> None:
        """Drag a palette entry to screen point ``to`` as a hand does: press on its row (typing its id into the
        palette's search first when the row is out of view), move out of the palette through ``via`` to ``to``
        in small steps, holding the keys in ``hold`` from the first move on, call ``before_release()`` while the
        pointer rests on ``to`` (to check what the status bar says), release."""
        try:
            row = self.probe.palette_row(spec_id)
        except ProbeFailed:  # filtered out by an earlier search
            row = {"visible": False}
        if not row["visible"]:
            self.x.click(*self.probe.widget("paletteSearch")["centre"])
            self.x.key("ctrl+a")
            self.x.type(spec_id)
            row = self.wait_until(lambda: (r := self.probe.palette_row(spec_id))["visible"] and r,
                                  what=f"the palette to show {spec_id}", timeout=5)
        x0, y0 = row["centre"]
        self.x.move(x0, y0)
        self.x.down()
        self.x.glide([(x0 + 4, y0), (x0 + 16, y0)], step=2)  # past Qt's drag distance: the drag starts
        for key in hold:
            self.x.keydown(key)
        self.x.glide([*via, to])
        self.x.glide([(to[0] + 1, to[1]), to], step=1)
        if before_release is not None:
            before_release()
        self.x.up()
        for key in hold:
            self.x.keyup(key)

    def quit(self, timeout: float = 20.0) -> int:
        self.x.key("ctrl+q")
        try:
            return self.proc.wait(timeout)
        finally:
            self.probe.close()

    def stop(self) -> None:
        self.probe.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def shots_dir(config) -> Path:
    """build/xwindow-shots in the checkout (outside pytest's temporary folders, which it deletes after a few
    runs), or where DOJO_XWINDOW_SHOTS says."""
    return Path(os.environ.get("DOJO_XWINDOW_SHOTS") or REPO / "build" / "xwindow-shots")


@pytest.fixture
def launch(xserver, tmp_path, request):
    started: list[App] = []
    default_home = tmp_path / "home"
    shots = shots_dir(request.config) / request.node.name.replace("/", "_")

    def start(*args: str, home: Path | None = None, wait: bool = True, extra_env: dict | None = None) -> App:
        home = Path(home or default_home)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "XDG_", "DOJO_GUI_PROBE"))}
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            env[var] = str(home / var.lower())
        runtime = Path(tempfile.mkdtemp(prefix="dgx-"))  # short: a socket path must stay under 108 bytes
        runtime.chmod(0o700)
        env.update(xserver.env, QT_QPA_PLATFORM="xcb", XDG_RUNTIME_DIR=str(runtime), HOME=str(home),
                   DOJO_GUI_PROBE=str(runtime / "probe"), **(extra_env or {}))
        home.mkdir(parents=True, exist_ok=True)
        log = tmp_path / f"app-{len(started) + 1}.stderr"
        with open(log, "wb") as err:
            proc = subprocess.Popen([sys.executable, "-m", "dojo_gui", *args], env=env, cwd=str(REPO),
                                    stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        app = App(proc, Probe(env["DOJO_GUI_PROBE"]), XInput(xserver), shots, f"app{len(started) + 1}", log)
        started.append(app)
        if wait:
            app.wait_until(lambda: app.probe.ping()["live"], timeout=60, what="the window and its simulation docks")
            window_id = app.wait_until(lambda: xserver.run("xdotool", "search", "--onlyvisible", "--pid",
                                                           str(proc.pid)).split(), what="the X window")[0]
            xserver.run("xdotool", "windowactivate", "--sync", window_id)
            app.wait_until(lambda: app.probe.window()["active"], what="the window to be active")
        return app

    request.node._xwindow_apps = started
    yield start
    for app in started:
        app.stop()
        shutil.rmtree(Path(app.probe.path).parent, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    saved = []
    for app in getattr(item, "_xwindow_apps", []):
        if app.proc.poll() is None:
            try:
                saved.append(str(app.screenshot(f"failure-{app.name}")))
            except Exception as exc:  # the picture is a help; the failure is what counts
                saved.append(f"(no screenshot of {app.name}: {exc})")
        tail = app.stderr()[-2000:]
        if tail.strip():
            report.sections.append((f"xwindow {app.name} stderr", tail))
    if saved:
        folder = Path(saved[0]).parent if not saved[0].startswith("(") else shots_dir(item.config)
        report.sections.append(("xwindow screenshots", f"xwindow screenshots: {folder}\n" + "\n".join(saved)))
        sys.stderr.write(f"\nxwindow screenshots: {folder}\n")
