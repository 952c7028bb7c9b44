"""Where each part's value sits in per-level arrays: the index a simulation's results are read through.

A simulation keeps its per-part values as one array per level (chips, tiles, cabinets), in
an order of its own.  A :class:`PartIndex`, made once for that order, turns a part's path
into its position, so values that arrive many times a second need no search.  The job that
runs the simulation makes it (without Qt); the canvas's colours read through it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .design import PartPath


class PartIndex:
    """Where each part's value sits in arrays over its level: ``positions[level][path] -> index``.

    Made once for an ordering of parts (a simulation's chips, tiles and cabinets), so that
    values arriving many times a second as arrays need no per-part lookups.
    """

    def __init__(self, paths: Mapping[str, Sequence[PartPath]]) -> None:
        self.paths = {level: list(p) for level, p in paths.items()}
        self.positions = {level: {tuple(path): i for i, path in enumerate(p)} for level, p in self.paths.items()}

    def position(self, level: str, path: PartPath) -> int | None:
        return self.positions.get(level, {}).get(tuple(path))

    def positions_of(self, level: str, paths: Sequence[PartPath]) -> list[int]:
        """Index of each path in the arrays of ``level`` (-1 where the path has no value)."""
        table = self.positions.get(level, {})
        return [table.get(p, -1) for p in paths]
