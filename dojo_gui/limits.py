"""How much work one file or one command may ask for, and the one switch that raises it.

A project file, a command-line option or a dialog can ask for any size of design or run;
these limits keep a mistyped figure from filling the memory or running for days.  Each
limit is checked before the work starts and refused with the figure asked for and the
limit, so the message says both what was wrong and what would pass.

The limits are meant to be raised deliberately, never silently: the environment variable
``DOJO_GUI_ALLOW_LARGE=1`` (which ``dojo-gui --allow-large`` sets for its own run) lifts
every limit to its *large* value.  Even that stays finite: a figure past the large value
is a typo, not a design.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

ALLOW_LARGE_ENV = "DOJO_GUI_ALLOW_LARGE"


class LimitExceeded(ValueError):
    """Work over a limit: the message names the figure asked for and the limit."""

    def __init__(self, limit: Limit, asked: float, where: str = "") -> None:
        self.limit = limit
        self.asked = asked
        self.where = where
        super().__init__(limit.message(asked))


@dataclass(frozen=True)
class Limit:
    key: str
    what: str  # what is counted, for messages: "chips"
    normal: float
    large: float  # with DOJO_GUI_ALLOW_LARGE=1

    @property
    def value(self) -> float:
        return self.large if allow_large() else self.normal

    def message(self, asked: float) -> str:
        """``"12,000,000 chips, over the limit of 100,000 (...)"``: the caller says whose figure it is."""
        text = f"{_figure(asked)} {self.what}, over the limit of {_figure(self.value)}"
        if not allow_large():
            text += f" (--allow-large or {ALLOW_LARGE_ENV}=1 raises it to {_figure(self.large)})"
        return text

    def check(self, asked: float, where: str = "") -> None:
        """Raise :class:`LimitExceeded` if ``asked`` is over the limit."""
        if not asked <= self.value:  # NaN is over every limit
            raise LimitExceeded(self, asked, where)


def _figure(value: float) -> str:
    if value != value:  # NaN
        return "NaN"
    if abs(value) >= 1e15:
        return f"{value:.3g}"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.3g}"


def allow_large() -> bool:
    """Whether the user asked for the large limits (``DOJO_GUI_ALLOW_LARGE`` set to 1, yes or true)."""
    return os.environ.get(ALLOW_LARGE_ENV, "").strip().lower() in ("1", "yes", "true", "on")


def set_allow_large(on: bool = True) -> None:
    """Raise (or restore) every limit for this process and the processes it starts."""
    if on:
        os.environ[ALLOW_LARGE_ENV] = "1"
    else:
        os.environ.pop(ALLOW_LARGE_ENV, None)


# Measured on a 2-core machine (bench/bench_project.py, bench/fuzz_projects.py): 48,000 chips open, summarize
# and validate in about 2 s and 70 MB; the normal limits keep every command within seconds and a few hundred MB,
# and still admit the 100,000-chip machines architects plan now (and twice that).
CHIPS = Limit("chips", "chips", 250_000, 10_000_000)  # in one design
# Parts of every level (a 250,000-chip design of Dojo tiles has about 260,000): empty containers cost time too.
PARTS = Limit("parts", "parts", 300_000, 15_000_000)
# Slots of every container, filled or empty: the editor draws each (about 16 µs an empty one, 40 µs a part, on
# the 2-core machine), so a 40 KB file with one 1,024x1,024 tile (a million empty slots) took 16 s to open.
SLOTS = Limit("slots", "slots", 300_000, 15_000_000)
FILE_BYTES = Limit("file_bytes", "bytes", 64 * 2**20, 4 * 2**30)  # of one project file
THERMAL_STEPS = Limit("thermal_steps", "time steps", 1e8, 1e10)  # of one thermal run
COMM_CHUNKS = Limit("comm_chunks", "chunks", 1_000, 100_000)  # each step's message pipelined in
COMM_BYTES = Limit("comm_bytes", "bytes", 1e18, 1e21)  # of one collective's buffer
PICTURE_SIDE = Limit("picture_side", "pixels on a side", 16_384, 32_767)  # of an exported picture
PICTURE_PIXELS = Limit("picture_pixels", "pixels in all", 100e6, 1e9)  # of an exported picture

LIMITS: dict[str, Limit] = {lim.key: lim for lim in
                            (CHIPS, PARTS, SLOTS, FILE_BYTES, THERMAL_STEPS, COMM_CHUNKS, COMM_BYTES, PICTURE_SIDE,
                             PICTURE_PIXELS)}

# Not raised by --allow-large: a depth past this is never a project, and Python's parser would recurse.
JSON_DEPTH = 64
