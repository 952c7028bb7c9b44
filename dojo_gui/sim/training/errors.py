"""What the training model raises."""

from __future__ import annotations


class PlanError(ValueError):
    """A plan that cannot run on this machine or model; the message says why (never silently changed)."""


class Cancelled(Exception):
    """``should_stop()`` asked a search or an evaluation to stop."""
