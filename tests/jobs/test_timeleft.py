"""The time left of a run, from the engine's own progress: right on steady progress, silent on uneven progress,
and -- on progress recorded from the real engines -- never swinging by more than 2x after 10 % of a phase."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dojo_gui.jobs.timeleft import TimeLeft, estimates

RECORDED = sorted((Path(__file__).parent / "data" / "progress").glob("*.json"))
# Runs whose progress is steady (time steps): they must get an estimate, or a silent estimator would pass.
STEADY = {"exapod-soak", "exapod-train-2d"}


def test_steady_progress_gives_the_time_left_from_work_done_against_work_left():
    timer = TimeLeft()
    assert timer.update("steps", 0.0, 10.0) is None  # set-up: nothing done yet
    assert timer.update("steps", 0.1, 12.0) is None  # the first progress: no rate yet
    lefts = [timer.update("steps", 0.1 + 0.05 * k, 12.0 + 0.5 * k) for k in range(1, 10)]
    # 5 % every 0.5 s from 10 % at 12 s: the phase ends at 12 + 0.9 / 0.1 = 21 s.
    assert lefts[-1] == pytest.approx(21.0 - 16.5)
    assert timer.left(18.0) == pytest.approx(3.0)  # counting down between reports
    assert timer.update("steps", 1.0, 21.0) == 0.0


def test_progress_that_stalls_gets_no_estimate_rather_than_a_growing_one():
    timer = TimeLeft()
    reports = [(0.1 * k, min(0.05 * k, 0.5)) for k in range(1, 200)]  # half done in 1 s, then stuck
    shown = [timer.update("collective", f, at) for at, f in reports]
    assert any(left is not None for left in shown[:30])
    assert all(left is None for left in shown[40:])  # stalled: not "0 s", not "40 s"


def test_a_new_phase_starts_its_own_estimate():
    timer = TimeLeft()
    for k in range(1, 30):
        timer.update("collective", 0.03 * k, 0.1 * k)
    assert timer.left(3.0) is not None
    assert timer.update("steps", 0.0, 3.0) is None and timer.phase_started == 3.0


@pytest.mark.parametrize("path", RECORDED, ids=[p.stem for p in RECORDED])
def test_estimates_on_recorded_runs_stay_within_2x_after_10_percent(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    replay = estimates([(at, phase, fraction) for at, phase, fraction in doc["reports"]])
    started: dict[str, float] = {}
    ended: dict[str, float] = {}
    for at, phase, _f, _left in replay:
        started.setdefault(phase, at)
        ended[phase] = at
    shown_any = False
    for phase in started:
        true_total = ended[phase] - started[phase]
        # What each estimate shown after 10 % of the phase says its whole length is.
        totals = [at + left - started[phase] for at, p, f, left in replay
                  if p == phase and left is not None and 0.1 <= f < 1.0]
        if not totals:
            continue
        shown_any = True
        assert max(totals) <= 2.0 * min(totals), (phase, min(totals), max(totals))
        assert true_total / 2.0 <= min(totals) and max(totals) <= 2.0 * true_total, (phase, true_total, totals)
    if path.stem in STEADY:
        assert shown_any, "steady progress must get an estimate"
