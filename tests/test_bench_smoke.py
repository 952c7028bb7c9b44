"""Every benchmark and screenshot script runs at tiny sizes, so none of them can rot unnoticed.

The benchmarks measure nothing here (their figures are printed by ``make bench`` on a quiet
machine); these runs only check that each script still works end to end and prints figures.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHES = sorted(p.name for p in (ROOT / "bench").glob("*.py") if not p.name.startswith("_"))
SCREENSHOTS = sorted(p.name for p in (ROOT / "scripts").glob("screenshots*.py"))


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ, DOJO_BENCH_SMOKE="1", QT_QPA_PLATFORM="offscreen")
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[var] = str(tmp_path / var.lower())
    return env


@pytest.mark.slow
@pytest.mark.parametrize("script", BENCHES)
def test_benchmark_runs_at_smoke_size(script: str, tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, str(ROOT / "bench" / script)], cwd=tmp_path, env=_env(tmp_path),
                         capture_output=True, text=True, timeout=600, check=False)  # asserted below, with stderr
    assert out.returncode == 0, out.stderr[-3000:]
    # A benchmark prints its figures: at least one number with a unit of time or memory.
    assert any(unit in out.stdout for unit in (" s", " ms", " µs", " MB")), out.stdout[-2000:]


@pytest.mark.slow
@pytest.mark.parametrize("script", SCREENSHOTS)
def test_screenshot_script_writes_pictures(script: str, tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / script), "--out", str(shots)], cwd=tmp_path,
                         env=_env(tmp_path), capture_output=True, text=True, timeout=600,
                         check=False)  # asserted below, with stderr
    assert out.returncode == 0, out.stderr[-3000:]
    pictures = sorted(shots.glob("*.png"))
    assert pictures, out.stdout[-2000:]
    # Each picture is a real image of some size, not an empty file.
    assert all(p.stat().st_size > 10_000 for p in pictures), [(p.name, p.stat().st_size) for p in pictures]
