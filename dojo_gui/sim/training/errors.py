"""What the training model raises."""

from __future__ import annotations


class PlanError(ValueError):
    """A plan that cannot run on this machine or model; the message says why (never silently changed).

    ``field`` names the figure at fault where one is ("tp", "pp", "dp", "micro_batch", "schedule",
    "interleave", "placement", "global_batch", "seq_len"; "plan" for the split as a whole, as when it
    does not fit in memory), so a form can point at it; "" when it is none of them."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class Cancelled(Exception):
    """``should_stop()`` asked a search or an evaluation to stop."""
