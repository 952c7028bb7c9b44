"""Which chips a collective runs over: a scope given as text, a part path, a list of chips, or
groups of chips that each run the same collective at the same time."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..fabric.fabric import Fabric
from ..model.design import Design, DesignError, PartPath, parse_path


class CollectiveError(ValueError):
    """A collective, algorithm or scope that cannot be run as asked; the message says why."""


@dataclass
class Scope:
    chips: np.ndarray  # fabric chip indices, in scope order
    description: str
    ordered: bool = False  # the user listed the chips: rings and chains follow that order
    # Groups that each run the collective over their own chips, all at once (``chips`` is all of
    # them, group after group); None for one group, the whole scope.
    groups: list[np.ndarray] | None = None

    def members(self) -> list[np.ndarray]:
        """The groups, or the whole scope as one group."""
        return self.groups if self.groups is not None else [self.chips]

    @property
    def group_size(self) -> int:
        return len(self.members()[0])


SCOPE_HELP = ("room (every chip, the default); cabinet:PATH; tile:PATH; chips:PATH,PATH,... "
              "PATH is a part path as dojo-gui prints it, with or without the leading 'room.', e.g. "
              "cabinet:cabinet[0,3]  tile:cabinet[0,3].tile[1,2]  "
              "chips:cabinet[0,0].tile[0,0].chip[0,0],cabinet[0,0].tile[0,0].chip[0,1]; "
              "a cabinet may also be named (cabinet:C04). Listed chips are visited in the order given. "
              "groups:tile or groups:cabinet runs the collective in every tile (cabinet) at once, each over "
              "its own chips; from Python, a list of lists of chip indices does so for any groups of one size.")

_LEVEL_DEPTH = {"cabinet": 1, "tile": 2, "chip": 3}


def _split_paths(text: str) -> list[str]:
    """Split on commas that are not inside [...]."""
    return [p.strip() for p in re.split(r",(?![^\[]*\])", text) if p.strip()]


def _parse_part_path(text: str, level: str, scope_text: str) -> PartPath:
    full = text if text.startswith("room") else "room." + text
    try:
        path = parse_path(full)
    except DesignError as exc:
        raise CollectiveError(f"scope {scope_text!r}: {exc}") from None
    if len(path) != _LEVEL_DEPTH[level]:
        raise CollectiveError(f"scope {scope_text!r}: {text!r} is not a {level} path")
    return path


def resolve_scope(fabric: Fabric, scope: object, design: Design | None = None) -> Scope:
    """The chips a collective runs over.  ``scope``: None or "room"; "cabinet:PATH"; "tile:PATH";
    "chips:PATH,PATH,..."; a part path tuple; or a sequence of chip indices or chip paths."""
    n = fabric.n_chips
    if scope is None or (isinstance(scope, str) and scope.strip().lower() in ("", "room")):
        return Scope(np.arange(n, dtype=np.int64), "room")
    paths = fabric.chip_paths
    if isinstance(scope, str):
        text = scope.strip()
        kind, sep, rest = text.partition(":")
        kind = kind.strip().lower()
        if not sep or kind not in ("cabinet", "tile", "chips", "chip", "groups"):
            raise CollectiveError(f"scope {scope!r}: expected room, cabinet:PATH, tile:PATH, chips:PATH,PATH,... "
                                  f"or groups:tile|cabinet")
        if not rest.strip():
            raise CollectiveError(f"scope {scope!r}: says {kind} but names none")
        if paths is None:
            raise CollectiveError(f"scope {scope!r}: this fabric has no part paths; pass chip indices")
        if kind == "groups":
            level = rest.strip().lower()
            if level not in ("tile", "cabinet"):
                raise CollectiveError(f"scope {scope!r}: groups of what? groups:tile or groups:cabinet")
            depth = _LEVEL_DEPTH[level]
            by_part: dict[PartPath, list[int]] = {}
            for i, p in enumerate(paths):
                by_part.setdefault(tuple(p[:depth]), []).append(i)
            return _grouped([np.array(g, np.int64) for g in by_part.values()], f"every {level}", scope)
        if kind in ("chips", "chip"):
            index = {p: i for i, p in enumerate(paths)}
            listed: list[int] = []
            for item in _split_paths(rest):
                path = _parse_part_path(item, "chip", scope)
                if path not in index:
                    raise CollectiveError(f"scope {scope!r}: there is no chip at {item!r}")
                listed.append(index[path])
            if len(set(listed)) != len(listed):
                raise CollectiveError(f"scope {scope!r}: a chip is listed twice")
            return Scope(np.array(listed, np.int64), "listed chips", ordered=True)
        name = rest.strip()
        if kind == "cabinet" and "[" not in name and design is not None:
            named = [p for p in design.room.children.values() if p.name == name]
            if not named:
                raise CollectiveError(f"scope {scope!r}: no cabinet is named {name!r}")
            path = named[0].path
        else:
            path = _parse_part_path(name, kind, scope)
        return _under(fabric, path, f"{kind} {name}", scope)
    if isinstance(scope, tuple) and scope and isinstance(scope[0], tuple):
        return _under(fabric, scope, "part", scope)
    if not isinstance(scope, Iterable):
        raise CollectiveError(f"scope {scope!r}: expected room, a part path, or a list of chips or groups")
    items = list(scope)
    if items and all(isinstance(i, (list, np.ndarray)) or (isinstance(i, tuple) and len(i) > 0 and all(
            isinstance(x, (int, np.integer)) for x in i)) for i in items):
        groups = [np.asarray(g, np.int64).ravel() for g in items]
        every = np.concatenate(groups)
        if len(every) and (every.min() < 0 or every.max() >= n):
            raise CollectiveError(f"scope: chip indices go from 0 to {n - 1}")
        return _grouped(groups, f"{len(groups):,} groups", "groups")
    if all(isinstance(i, (int, np.integer)) for i in items):
        chips = np.asarray(items, np.int64)
        if len(chips) and (chips.min() < 0 or chips.max() >= n):
            raise CollectiveError(f"scope: chip indices go from 0 to {n - 1}")
        if len(np.unique(chips)) != len(chips):
            raise CollectiveError("scope: a chip is listed twice")
        return Scope(chips, "listed chips", ordered=True)
    if paths is None:
        raise CollectiveError("scope: this fabric has no part paths; pass chip indices")
    index = {p: i for i, p in enumerate(paths)}
    try:
        chips = np.array([index[tuple(p)] for p in items], np.int64)
    except KeyError as exc:
        raise CollectiveError(f"scope: there is no chip at {exc.args[0]}") from None
    return Scope(chips, "listed chips", ordered=True)


def _under(fabric: Fabric, path: PartPath, label: str, scope_text: object) -> Scope:
    depth = len(path)
    paths = fabric.chip_paths or []
    chips = np.array([i for i, p in enumerate(paths) if tuple(p[:depth]) == tuple(path)], np.int64)
    if not len(chips):
        raise CollectiveError(f"scope {scope_text!r}: no chips there (no such part, or it is empty)")
    return Scope(chips, label)


def _grouped(groups: list[np.ndarray], label: str, scope_text: object) -> Scope:
    sizes = sorted({len(g) for g in groups})
    if len(sizes) != 1:
        raise CollectiveError(f"scope {scope_text!r}: the groups must be of one size (they have "
                              f"{', '.join(map(str, sizes[:5]))} chips)")
    chips = np.concatenate(groups)
    if len(np.unique(chips)) != len(chips):
        raise CollectiveError(f"scope {scope_text!r}: a chip is in two groups (or listed twice)")
    if len(groups) == 1:
        return Scope(chips, "listed chips" if scope_text == "groups" else label)
    return Scope(chips, f"{label} of {sizes[0]:,} chips", groups=groups)
