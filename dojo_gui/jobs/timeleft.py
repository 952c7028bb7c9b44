"""How long a run has left, from its engine's own measure of progress.

Each engine reports the share of its work done: a thermal run the share of its time steps
(its simulated time), a collective the communication engine's progress, a training step
its collective first and then its steps -- two phases, each with its own progress from 0 to
1.  The estimate is made per phase (the steps of a training run cannot be timed before they
start) from work done against work left:

- the phase's rate of work is measured from its first report of progress on, so the
  set-up before it (building the fabric, a schedule) does not count as slow work;
- time left = work left / rate; the phase's predicted *total* is then elapsed + time left;
- an estimate is shown only while it is steady: the totals predicted over the last third of
  the time the phase has progressed (at least :data:`WINDOW_MIN_S`) agree within
  :data:`STEADY_RATIO`.  An engine whose progress is uneven -- a collective that delivers
  half its bytes at once, then slowly the rest -- gets no estimate rather than one that
  swings: "time left not known yet" is honest, "4 s" then "40 s" is not;
- what is shown is the predicted end smoothed over about :data:`SMOOTHING_S`, counting down
  with the wall clock between reports.

:func:`estimates` replays a recorded sequence of reports (the tests check, on sequences
recorded from the real engines, that estimates shown after 10 % of a phase stay within a
factor 2 of each other and of the truth).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable

STEADY_RATIO = 1.25  # predicted totals in the window must agree this well
WINDOW_SHARE = 1 / 3  # of the time the phase has progressed
WINDOW_MIN_S = 1.0
SMOOTHING_S = 1.0


class TimeLeft:
    """Feed it each report (phase, fraction of the phase done, when it was reported); ask it what is left."""

    def __init__(self) -> None:
        self.phase: str | None = None
        self._reset(0.0)

    def _reset(self, at: float) -> None:
        self.phase_started = at
        self._first: tuple[float, float] | None = None  # the phase's first report with some progress
        self._last_at = at
        self._totals: deque[tuple[float, float]] = deque()  # (at, predicted total of the phase)
        self._end: float | None = None  # the smoothed predicted end (wall clock), while steady

    def update(self, phase: str, fraction: float, at: float) -> float | None:
        """Take a report; returns the seconds left in the phase as of ``at`` (None: not known)."""
        if phase != self.phase:
            self.phase = phase
            self._reset(at)
        if at < self._last_at:  # an older report than one already taken (never expected): ignore it
            return self.left(at)
        dt = at - self._last_at
        self._last_at = at
        if fraction >= 1.0:
            self._end = at
            return 0.0
        if fraction <= 0.0:
            return self.left(at)
        if self._first is None:
            self._first = (at, fraction)
            return None
        t0, f0 = self._first
        if at <= t0 or fraction <= f0:
            rate = 0.0
        else:
            rate = (fraction - f0) / (at - t0)
        if rate <= 0.0:  # no progress since the first report: the phase has stalled
            self._totals.clear()
            self._end = None
            return None
        total = at + (1.0 - fraction) / rate - self.phase_started
        self._totals.append((at, total))
        window = max(WINDOW_MIN_S, WINDOW_SHARE * (at - t0))
        while self._totals and self._totals[0][0] < at - window:
            self._totals.popleft()
        covered = at - t0 >= WINDOW_MIN_S and len(self._totals) >= 3
        totals = [d for _, d in self._totals]
        if not covered or max(totals) > STEADY_RATIO * min(totals):
            self._end = None
            return None
        end = self.phase_started + total
        if self._end is None:
            self._end = end
        else:
            self._end += (end - self._end) * (1.0 - math.exp(-dt / SMOOTHING_S))
        return self.left(at)

    def left(self, now: float) -> float | None:
        """Seconds left in the phase at wall time ``now`` (None: not known)."""
        if self._end is None:
            return None
        return max(self._end - now, 0.0)


def estimates(reports: Iterable[tuple[float, str, float]]) -> list[tuple[float, str, float, float | None]]:
    """Replay ``(at, phase, fraction)`` reports: each with the time left the estimator gave then."""
    timer = TimeLeft()
    return [(at, phase, fraction, timer.update(phase, fraction, at)) for at, phase, fraction in reports]
