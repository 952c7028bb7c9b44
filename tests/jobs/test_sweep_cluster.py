"""Sweeps on real Dask clusters: a LocalCluster of two workers, and a scheduler and two workers started as processes
of their own (``python -m dask scheduler``/``worker`` on 127.0.0.1).  The same results as in this process, in the same
order; a worker killed mid-sweep loses no variant; a second run comes from the cache.  Slow: `make test-slow`."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dojo_gui.jobs.sweep.backends import DaskBackend, SerialBackend
from dojo_gui.jobs.sweep.cache import ResultCache
from dojo_gui.jobs.sweep.runner import SweepRun
from dojo_gui.model.sweep import Plan, Sweep, parse_axis

pytestmark = pytest.mark.slow

# Every step computed in full: about half a second per variant on a training tile, long enough to kill a worker
# while others still wait.
STEADY = {"kind": "thermal", "duration_s": 900.0, "dt_s": 0.5, "every_step": True, "ambient_min_c": 15.0,
          "ambient_max_c": 35.0}


def sweep_of(design, values="300W..500W:8"):
    return Sweep("TDP", [parse_axis(f"dojo-d1.tdp={values}", design.specs)], Plan(), dict(STEADY))


def outcome(results):
    return [(r.index, r.status, r.figures) for r in results]


@pytest.fixture(scope="module")
def serial(catalog):
    from dojo_gui.model.templates import TEMPLATES

    design = TEMPLATES["dojo-tile"].make(catalog)
    return design, outcome(SweepRun(design, sweep_of(design), SerialBackend()).run())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster(tmp_path):
    """A scheduler and two workers (no nanny: a killed worker stays dead), each a process of its own."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    log = open(tmp_path / "cluster.log", "w")  # noqa: SIM115 - closed below, after the processes
    scheduler = subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port",
                                  str(port), "--no-dashboard"], stdout=log, stderr=subprocess.STDOUT)
    workers = [subprocess.Popen([sys.executable, "-m", "dask", "worker", address, "--host", "127.0.0.1",
                                 "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", f"w{k}"],
                                stdout=log, stderr=subprocess.STDOUT) for k in range(2)]
    processes = [scheduler, *workers]
    try:
        from distributed import Client

        deadline = time.monotonic() + 120
        while True:
            try:
                with Client(address, timeout="5s") as client:
                    client.wait_for_workers(2, timeout=120)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address, workers
    finally:
        for p in reversed(processes):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in processes:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        log.close()


def test_a_local_cluster_of_two_workers_gives_what_this_process_gives(serial):
    design, expected = serial
    backend = DaskBackend(workers=2)
    arrived = []
    results = SweepRun(design, sweep_of(design), backend, on_result=lambda r: arrived.append(r.index)).run()
    assert outcome(results) == expected
    assert backend.used_workers == 2 and backend.client is None and backend.cluster is None  # closed
    assert sorted(arrived) == list(range(8))


def test_an_existing_cluster_gives_the_same_results_and_loses_nothing_when_a_worker_dies(serial, cluster, tmp_path):
    design, expected = serial
    address, workers = cluster
    cache = ResultCache(tmp_path / "cache")
    killed = []

    def kill_one(result):
        if not killed:
            workers[0].kill()
            killed.append(result.index)

    backend = DaskBackend(scheduler=address)
    results = SweepRun(design, sweep_of(design), backend, cache=cache, on_result=kill_one).run()
    assert killed and workers[0].wait(timeout=30) is not None
    assert outcome(results) == expected  # every variant, every figure, in order
    assert backend.used_workers == 2
    assert workers[1].poll() is None  # the sweep closed its client, not the cluster it joined

    again = SweepRun(design, sweep_of(design), DaskBackend(scheduler="tcp://127.0.0.1:1"), cache=cache).run()
    assert all(r.cached for r in again) and outcome(again) == expected  # no cluster needed: nothing to compute


def test_no_worker_process_outlives_a_local_sweep(serial):
    design, _ = serial
    before = _children()
    SweepRun(design, sweep_of(design, "300W,400W"), DaskBackend(workers=2)).run()
    deadline = time.monotonic() + 30
    while _children() - before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _children() - before


def _children() -> set[int]:
    """This process's children, but multiprocessing's resource tracker (started once, it ends with this process)."""
    try:
        out = subprocess.run(["pgrep", "-P", str(os.getpid())], capture_output=True, text=True, check=False).stdout
    except FileNotFoundError:
        pytest.skip("pgrep is not installed")
    children = set()
    for pid in (int(p) for p in out.split()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue  # already gone
        if b"resource_tracker" not in command:
            children.add(pid)
    return children
