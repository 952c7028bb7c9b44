"""The reasons auto gives for not running an algorithm, in a reader's words.

:func:`dojo_gui.sim.comm.simulate_collective` with ``algorithm="auto"`` keeps, for each algorithm it
did not run, a sentence saying why (``CommResult.candidates``); the command line and the report show
it through :func:`why_not`, which turns "not simulated: it cannot take less than 0.00121429 s, and
hierarchical takes 0.00100814 s" into "skipped: its lower bound 1.21 ms exceeds the best, 1.01 ms
(hierarchical)" and writes any other reason's seconds in readable units.
"""

from __future__ import annotations

import re

from .. import units

# How the engine says auto skipped an algorithm that could not beat the best one so far.
_SKIPPED = re.compile(r"^not simulated: it cannot take less than (\S+) s, and (\S+) takes (\S+) s$")
_SECONDS = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?(?:e[-+]?\d+)?) s\b")


def why_not(reason: str) -> str:
    """The engine's reason for not running a candidate, for a reader: "skipped: its lower bound 1.21 ms exceeds
    the best, 1.01 ms (hierarchical)"; any other reason as the engine gives it, its seconds in readable units."""
    skipped = _SKIPPED.match(reason)
    if skipped:
        bound, best, best_time = float(skipped.group(1)), skipped.group(2), float(skipped.group(3))
        verb = "exceeds" if bound > best_time else "equals"
        return (f"skipped: its lower bound {units.format(bound, 's')} {verb} the best, "
                f"{units.format(best_time, 's')} ({best})")
    return "not run: " + _SECONDS.sub(lambda m: units.format(float(m.group(1)), "s"), reason)
