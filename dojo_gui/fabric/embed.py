"""Embedding logical rings and grids of chips into the fabric.

A ring is a cyclic order of chips; each chip sends to the next along its route.  On a
grid, the order is chosen so that consecutive chips are neighbours wherever possible:

- a line that wraps (a torus dimension) is used as it is;
- a line that does not wrap is *folded* (0, 2, 4, ..., 5, 3, 1): every step is two hops,
  and each directed link carries exactly one step;
- a rectangle with an even side has a Hamiltonian cycle (a comb: along the first row, snake
  back and forth over the other columns, return up the first column): every step one hop;
- an odd x odd rectangle that wraps in either dimension has one too: the comb's last row ends
  in the last column, next to the first column across the wraparound (so every torus, of any
  size, has a one-hop ring);
- an odd x odd mesh has none (it is bipartite with one colour larger), so the cycle takes one
  two-hop step.  It is placed straight across a chip whose own ring steps cross it the other
  way (:func:`odd_mesh_cycle`), so the step's links carry no other step of the ring in either
  direction: a ring and its reverse (the bidirectional ring) stay on disjoint directed links.
  Only the 3 x 3 mesh is too small for that; there the two-hop step turns a corner.

Every ring step is then one hop except that one; a reverse ring uses the opposite direction of
every link, so two counter-rotating rings never share a directed link.

Chip sets that are not a full rectangle of the (possibly strided) grid are visited in
serpentine order; on a fabric that is not a grid (switched or irregular), in the design's
tree order, which keeps chips of one tile, then one cabinet, together.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .fabric import Fabric


def rectangle_cycle(rows: int, cols: int, wrap_x: bool = False, wrap_y: bool = False) -> list[tuple[int, int]]:
    """A cyclic visiting order of every cell of a rows x cols block (see the module notes)."""
    if rows <= 0 or cols <= 0:
        return []
    if rows == 1:
        return [(0, c) for c in line_cycle(cols, wrap_x)]
    if cols == 1:
        return [(r, 0) for r in line_cycle(rows, wrap_y)]
    if rows % 2 == 0 or (wrap_x and cols > 2):
        return _comb(rows, cols)  # odd rows: the last row ends next to column 0 across the wraparound
    if cols % 2 == 0 or (wrap_y and rows > 2):
        return [(r, c) for c, r in _comb(cols, rows)]
    if rows >= 3 and cols >= 5:
        return odd_mesh_cycle(rows, cols)
    if cols >= 3 and rows >= 5:
        return [(r, c) for c, r in odd_mesh_cycle(cols, rows)]
    return _odd_cycle(rows, cols)


def line_cycle(n: int, wraps: bool) -> list[int]:
    if wraps or n <= 2:
        return list(range(n))
    return list(range(0, n, 2)) + list(range(n - 1 if (n - 1) % 2 else n - 2, 0, -2))


def _comb(rows: int, cols: int) -> list[tuple[int, int]]:
    """Even rows: row 0 east, snake rows 1.. over columns 1.., return up column 0."""
    seq = [(0, c) for c in range(cols)]
    for r in range(1, rows):
        span = range(cols - 1, 0, -1) if r % 2 else range(1, cols)
        seq.extend((r, c) for c in span)
    seq.extend((r, 0) for r in range(rows - 1, 0, -1))
    return seq


# A 3 x 5 cycle (found by search) whose one two-hop step, (1, 1) -> (1, 3), runs straight across
# (1, 2), which the cycle crosses vertically: (0, 2) -> (1, 2) -> (2, 2).  Its right column and
# bottom row have the steps that :func:`odd_mesh_cycle` widens it and lengthens it at.
_ODD_BASE = [(1, 1), (1, 3), (2, 3), (2, 4), (1, 4), (0, 4), (0, 3), (0, 2), (1, 2), (2, 2), (2, 1), (2, 0),
             (1, 0), (0, 0), (0, 1)]


def odd_mesh_cycle(rows: int, cols: int) -> list[tuple[int, int]]:
    """A cyclic order of an odd x odd mesh (rows >= 3, cols >= 5) with one two-hop step, straight
    across a chip that the cycle crosses the other way: the step's two links, in both directions,
    carry no other step.  Built from :data:`_ODD_BASE` by splicing in two columns at a time where
    the cycle climbs the right column from the bottom row, then two rows at a time where it runs
    east along the bottom row into the right column (both stay true after each splice)."""
    if rows < 3 or cols < 5 or rows % 2 == 0 or cols % 2 == 0:
        raise ValueError(f"odd_mesh_cycle needs odd rows >= 3 and odd cols >= 5, not {rows}x{cols}")
    nxt = dict(zip(_ODD_BASE, _ODD_BASE[1:] + _ODD_BASE[:1]))

    def splice(a: tuple[int, int], path: list[tuple[int, int]]) -> None:
        after = nxt[a]
        for u, w in zip([a, *path], [*path, after]):
            nxt[u] = w

    r_now, c_now = 3, 5
    while c_now < cols:  # the cycle steps (2, c-1) -> (1, c-1): detour through columns c, c+1
        c = c_now
        splice((2, c - 1), [(2, c), (2, c + 1), (1, c + 1), (0, c + 1), (0, c), (1, c)])
        c_now += 2
    while r_now < rows:  # the cycle steps (r-1, cols-2) -> (r-1, cols-1): detour through rows r, r+1
        r = r_now
        path = [(r, c) for c in range(cols - 2, -1, -1)] + [(r + 1, c) for c in range(cols)] + [(r, cols - 1)]
        splice((r - 1, cols - 2), path)
        r_now += 2
    cycle = [(0, 0)]
    for _ in range(rows * cols - 1):
        cycle.append(nxt[cycle[-1]])
    return cycle


def _odd_cycle(rows: int, cols: int) -> list[tuple[int, int]]:
    """Odd x odd, too small for :func:`odd_mesh_cycle` (3 x 3): the comb over all but the last row,
    which is spliced into the row above in pairs; its first cell joins with the one two-hop step,
    (rows-1, 0) -> (rows-2, 1)."""
    last, above = rows - 1, rows - 2
    seq = [(0, c) for c in range(cols)]
    for r in range(1, above):
        span = range(cols - 1, 0, -1) if r % 2 else range(1, cols)
        seq.extend((r, c) for c in span)
    c = cols - 1
    while c >= 2:
        seq.extend([(above, c), (last, c), (last, c - 1)])
        if c == 2:
            seq.append((last, 0))
        seq.append((above, c - 1))
        c -= 2
    seq.extend((r, 0) for r in range(above, 0, -1))
    return seq


def compressed_block(fabric: Fabric, chips: Sequence[int] | np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """If ``chips`` fill a (possibly strided) rectangle of grid coordinates, return
    ``(grid, row_values, col_values)`` where ``grid[i, j]`` is the chip at the i-th distinct row
    and j-th distinct column; else None."""
    if fabric.chip_coords is None or len(chips) == 0:
        return None
    members = np.asarray(chips, np.int64)
    rc = fabric.chip_coords[members]
    rows, ri = np.unique(rc[:, 0], return_inverse=True)
    cols, ci = np.unique(rc[:, 1], return_inverse=True)
    if len(rows) * len(cols) != len(members):
        return None
    grid = np.full((len(rows), len(cols)), -1, np.int64)
    grid[ri.ravel(), ci.ravel()] = members
    if (grid < 0).any():
        return None
    return grid, rows, cols


def _wraps(fabric: Fabric, values: np.ndarray, axis: int) -> bool:
    """The block's extent along an axis is a whole wrapping dimension of the grid."""
    size = fabric.grid_shape[axis]
    wraps = fabric.wrap_y if axis == 0 else fabric.wrap_x
    return bool(wraps and len(values) == size and values[0] == 0 and values[-1] == size - 1)


def ring_order(fabric: Fabric, chips: Sequence[int] | np.ndarray) -> np.ndarray:
    """``chips`` in the cyclic order a ring over them uses (see the module notes)."""
    members: np.ndarray = np.array(chips, np.int64)
    if len(members) <= 2:
        return members
    if fabric.chip_coords is not None and (fabric.regular_grid or not _has_switches(fabric)):
        block = compressed_block(fabric, members)
        if block is not None and fabric.regular_grid:
            grid, rows, cols = block
            order = rectangle_cycle(grid.shape[0], grid.shape[1], _wraps(fabric, cols, 1), _wraps(fabric, rows, 0))
            return np.array([grid[r, c] for r, c in order], np.int64)
        return serpentine(fabric, members)
    return np.sort(members)


def ring_orders(fabric: Fabric, groups: Sequence[np.ndarray]) -> list[np.ndarray]:
    """:func:`ring_order` of every group; groups of one shape (translates of each other on the grid,
    spanning the same whole dimensions) share one embedding, worked out once."""
    if fabric.chip_coords is None or not fabric.regular_grid:
        return [ring_order(fabric, g) for g in groups]
    rows, cols = fabric.grid_shape
    known: dict[tuple[bytes, tuple[bool, bool]], np.ndarray] = {}
    out = []
    for g in groups:
        g = np.asarray(g, np.int64)
        rc = fabric.chip_coords[g]
        rel = rc - rc.min(axis=0)
        canon = np.lexsort((rel[:, 1], rel[:, 0]))
        spans = (len(np.unique(rc[:, 0])) == rows, len(np.unique(rc[:, 1])) == cols)
        key = (rel[canon].tobytes(), spans)
        if key not in known:
            order = ring_order(fabric, g)
            place = np.empty(fabric.n_chips, np.int64)
            place[g[canon]] = np.arange(len(g))
            known[key] = place[order]
        out.append(g[canon][known[key]])
    return out


def serpentine(fabric: Fabric, chips: np.ndarray) -> np.ndarray:
    """Row by row, alternating direction (by the rows the chips occupy)."""
    if fabric.chip_coords is None:
        return np.array(chips)
    rc = fabric.chip_coords[chips]
    _, row_rank = np.unique(rc[:, 0], return_inverse=True)
    row_rank = row_rank.ravel()
    col_key = np.where(row_rank % 2 == 0, rc[:, 1], -rc[:, 1])
    return chips[np.lexsort((col_key, row_rank))]


def _has_switches(fabric: Fabric) -> bool:
    return fabric.n_nodes > fabric.n_chips and bool(
        np.any((fabric.link_src < fabric.n_chips) & (fabric.link_dst >= fabric.n_chips)
               & np.isin(fabric.link_kind, [i for i, k in enumerate(fabric.kinds) if k == "switch"])))


def chain_from(order: np.ndarray, root: int) -> np.ndarray:
    """The ring ``order`` rotated to start at ``root``."""
    k = int(np.flatnonzero(order == root)[0])
    return np.roll(order, -k)
