"""Routes between nodes of a fabric.

- On a regular grid (:attr:`Fabric.regular_grid`), chip-to-chip routes are dimension-order:
  along the row (X) first, then along the column (Y), the shorter way round where a
  dimension wraps (east or south on a tie).  Computed for many pairs at once with numpy.
- Everywhere else (irregular or partly filled grids, switched containers, anything to or
  from a switch or interface processor), routes are shortest paths on the fabric graph,
  each link weighted by the time an idle link takes to carry a reference message
  (latency + 1 MiB / bandwidth), so a faster or nearer switch wins over a slower one.
  Shortest paths are cached on the fabric per pair.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from .fabric import EAST, NORTH, SOUTH, WEST, Fabric, RouteSet


class NoRoute(ValueError):
    """Two nodes with no path between them."""


def routes(fabric: Fabric, src: np.ndarray, dst: np.ndarray) -> RouteSet:
    src = np.asarray(src, np.int64)
    dst = np.asarray(dst, np.int64)
    if src.shape != dst.shape:
        raise ValueError("src and dst must have the same length")
    if fabric.regular_grid and (len(src) == 0 or (max(src.max(), dst.max()) < fabric.n_chips)):
        return _dimension_order(fabric, src, dst)
    return _shortest(fabric, src, dst)


def _dimension_order(fabric: Fabric, src: np.ndarray, dst: np.ndarray) -> RouteSet:
    rows, cols = fabric.grid_shape
    coords = fabric.chip_coords
    r1, c1 = coords[src, 0], coords[src, 1]
    r2, c2 = coords[dst, 0], coords[dst, 1]

    def signed_steps(delta: np.ndarray, size: int, wraps: bool) -> np.ndarray:
        if wraps:
            delta = np.mod(delta, size)
            # Shorter way round; exactly half way goes forward (east or south).
            delta = np.where(delta > size // 2, delta - size, delta)
        return delta

    dx = signed_steps(c2 - c1, cols, fabric.wrap_x)
    dy = signed_steps(r2 - r1, rows, fabric.wrap_y)
    hx, hy = np.abs(dx), np.abs(dy)
    hops = hx + hy
    indptr = np.zeros(len(src) + 1, np.int64)
    np.cumsum(hops, out=indptr[1:])
    total = int(indptr[-1])
    owner = np.repeat(np.arange(len(src)), hops)
    k = np.arange(total) - indptr[:-1][owner]
    along_x = k < hx[owner]
    sx, sy = np.sign(dx)[owner], np.sign(dy)[owner]
    # Position before each step: X steps move from (r1, c1 + sx*k); Y steps from (r1 + sy*(k - hx), c2).
    row = np.where(along_x, r1[owner], np.mod(r1[owner] + sy * (k - hx[owner]), rows))
    col = np.where(along_x, np.mod(c1[owner] + sx * k, cols), c2[owner])
    direction = np.where(along_x, np.where(sx > 0, EAST, WEST), np.where(sy > 0, SOUTH, NORTH))
    links = fabric.grid_step_link[direction, row, col]
    if (links < 0).any():  # cannot happen on a grid the fabric accepted as regular
        raise NoRoute("dimension-order route leaves the grid")
    return RouteSet(indptr, links, fabric)


def _shortest(fabric: Fabric, src: np.ndarray, dst: np.ndarray) -> RouteSet:
    cache = fabric._route_cache
    graph = fabric.graph
    pairs = list(zip(src.tolist(), dst.tolist()))
    missing: dict[int, set[int]] = {}
    for s, d in pairs:
        if s != d and (s, d) not in cache:
            missing.setdefault(s, set()).add(d)
    for s, targets in missing.items():
        if len(targets) > 8:
            # One Dijkstra from s serves every target.
            try:
                paths = nx.single_source_dijkstra_path(graph, s, weight="weight")
            except nx.NodeNotFound:
                paths = {}
            for d in targets:
                if d not in paths:
                    raise NoRoute(f"no path from {fabric.node_names[s]} to {fabric.node_names[d]}")
                cache[(s, d)] = _path_links(fabric, paths[d])
        else:
            for d in targets:
                try:
                    _, path = nx.bidirectional_dijkstra(graph, s, d, weight="weight")
                except (nx.NetworkXNoPath, nx.NodeNotFound):
                    raise NoRoute(f"no path from {fabric.node_names[s]} to {fabric.node_names[d]}") from None
                cache[(s, d)] = _path_links(fabric, path)
    empty = np.zeros(0, np.int64)
    parts = [cache[(s, d)] if s != d else empty for s, d in pairs]
    hops = np.fromiter((len(p) for p in parts), np.int64, len(parts))
    indptr = np.zeros(len(parts) + 1, np.int64)
    np.cumsum(hops, out=indptr[1:])
    links = np.concatenate(parts) if parts else empty
    return RouteSet(indptr, links, fabric)


def _path_links(fabric: Fabric, path: list[int]) -> np.ndarray:
    return np.fromiter((fabric.link_between(u, v) for u, v in zip(path, path[1:])), np.int64, len(path) - 1)
