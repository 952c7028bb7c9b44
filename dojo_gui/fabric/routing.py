"""Routes between nodes of a fabric, by one of the :data:`ROUTINGS`.

``"mesh"`` (the default):

- On a regular grid (:attr:`Fabric.regular_grid`), chip-to-chip routes are dimension-order:
  along the row (X) first, then along the column (Y), the shorter way round where a
  dimension wraps (east or south on a tie).  Computed for many pairs at once with numpy.
  They never leave the chips' own links, so a switched network beside the grid (the
  Z-plane) carries nothing.
- Everywhere else (irregular or partly filled grids, switched containers, anything to or
  from a switch or interface processor), routes are shortest paths on the fabric graph,
  each link weighted by the time an idle link takes to carry a reference message
  (latency + 1 MiB / bandwidth), so a faster or nearer switch wins over a slower one.
  Shortest paths are cached on the fabric per pair.

``"zplane"``: a transfer between chips of two different cabinets goes through the room's
switched network: over the mesh (as above) to the interface processor nearest its source
(fewest chip-to-chip hops; the lowest-numbered on a tie), up to the Z-plane switch, down to
the interface processor nearest its destination and over the mesh to it.  Transfers within a
cabinet keep to the mesh.  The Z-plane ports are slow (Dojo: 50 GB/s against 4 TB/s chip
links) but the path is short (Dojo: "30 mesh hops cut to 4"), so it pays for small or
far-flung messages and for traffic the mesh cannot spread, and costs for big ones.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import numpy.typing as npt

from .fabric import EAST, NORTH, SOUTH, WEST, Fabric
from .routeset import RouteSet

ROUTINGS: tuple[str, ...] = ("mesh", "zplane")
ROUTING_HELP = {
    "mesh": "over the chips' own links: dimension-order on a grid, shortest paths elsewhere",
    "zplane": "between cabinets through the Z-plane switch (its interface processors); within a cabinet "
              "over the mesh",
}


class NoRoute(ValueError):
    """Two nodes with no path between them."""


class RoutingError(ValueError):
    """A routing that does not exist, or that this fabric cannot follow."""


def routes(fabric: Fabric, src: np.ndarray, dst: np.ndarray, routing: str = "mesh") -> RouteSet:
    src = np.asarray(src, np.int64)
    dst = np.asarray(dst, np.int64)
    if src.shape != dst.shape:
        raise ValueError("src and dst must have the same length")
    if routing == "zplane":
        return _through_zplane(fabric, src, dst)
    if routing != "mesh":
        raise RoutingError(f"unknown routing {routing!r} (routings: {', '.join(ROUTINGS)})")
    return _mesh(fabric, src, dst)


def _mesh(fabric: Fabric, src: np.ndarray, dst: np.ndarray) -> RouteSet:
    if fabric.regular_grid and (len(src) == 0 or (max(src.max(), dst.max()) < fabric.n_chips)):
        return _dimension_order(fabric, src, dst)
    return _shortest(fabric, src, dst)


def _through_zplane(fabric: Fabric, src: np.ndarray, dst: np.ndarray) -> RouteSet:
    exits = zplane_exits(fabric)
    n = fabric.n_chips
    cabinet = fabric.chip_cabinet
    chips = (src < n) & (dst < n)
    across = np.zeros(len(src), bool)
    across[chips] = cabinet[src[chips]] != cabinet[dst[chips]]
    across &= src != dst
    if not across.any():
        return _mesh(fabric, src, dst)
    # Three legs per transfer across cabinets: mesh to the exit chip, the four Z-plane links, mesh on.
    a, b = src[across], dst[across]
    up = _mesh(fabric, a, exits.chip[a])
    down = _mesh(fabric, exits.chip[b], b)
    hop = np.stack([exits.chip_to_ip[a], exits.ip_to_switch[a], exits.switch_to_ip[b], exits.ip_to_chip[b]], 1)
    local = _mesh(fabric, np.where(across, 0, src), np.where(across, 0, dst))  # only the others are used
    hops = np.where(across, 0, local.hops)
    hops[across] = up.hops + 4 + down.hops
    indptr = np.zeros(len(src) + 1, np.int64)
    np.cumsum(hops, out=indptr[1:])
    links = np.empty(int(indptr[-1]), np.int64)
    stay = np.flatnonzero(~across)
    _place(links, indptr[stay], local, stay)
    start = indptr[:-1][across]
    _place(links, start, up, np.arange(len(a)))
    links[np.repeat(start + up.hops, 4) + np.tile(np.arange(4), len(a))] = hop.ravel()
    _place(links, start + up.hops + 4, down, np.arange(len(a)))
    return RouteSet(indptr, links, fabric)


def _place(out: np.ndarray, at: np.ndarray, rs: RouteSet, which: np.ndarray) -> None:
    """Copy the links of routes ``which`` of ``rs`` into ``out`` from positions ``at`` on."""
    h = rs.hops[which]
    k = np.arange(int(h.sum())) - np.repeat(np.cumsum(h) - h, h)
    out[np.repeat(at, h) + k] = rs.links[np.repeat(rs.indptr[which], h) + k]


class ZplaneExits:
    """For every chip, where it joins the Z-plane: the chip an interface processor hangs off
    (``chip``, the nearest in chip-to-chip hops) and the directed links of that processor to and
    from the chip and the switch."""

    def __init__(self, chip: npt.NDArray[np.int64], chip_to_ip: npt.NDArray[np.int64],
                 ip_to_switch: npt.NDArray[np.int64], switch_to_ip: npt.NDArray[np.int64],
                 ip_to_chip: npt.NDArray[np.int64]) -> None:
        self.chip, self.chip_to_ip, self.ip_to_switch = chip, chip_to_ip, ip_to_switch
        self.switch_to_ip, self.ip_to_chip = switch_to_ip, ip_to_chip


def zplane_exits(fabric: Fabric) -> ZplaneExits:
    """Where each chip of ``fabric`` joins its Z-plane (built once per fabric)."""
    cached = fabric._zplane_exits
    if cached is not None:
        return cached
    if fabric.chip_paths is None:
        raise RoutingError("zplane routing needs the design's cabinets (this fabric has no part paths)")
    kinds = fabric.kinds
    zplane = np.isin(fabric.link_kind, [kinds.index(k) for k in ("zplane",) if k in kinds])
    interface = np.isin(fabric.link_kind, [kinds.index(k) for k in ("interface",) if k in kinds])
    n = fabric.n_chips
    # Interface processors: nodes with a Z-plane link up to a switch and an interface link to a chip.
    up = zplane & (fabric.link_src >= n) & np.char.startswith(np.asarray(fabric.node_names)[fabric.link_dst],
                                                               "switch:")
    switches = set(fabric.link_dst[up].tolist())
    if not switches:
        raise RoutingError("this design has no switched network (Z-plane) to route through; switch it on in the "
                           "room's figures (Switched network (Z-plane))")
    if len(switches) > 1:
        raise RoutingError("zplane routing expects one Z-plane switch; this fabric has "
                           f"{', '.join(fabric.node_names[s] for s in sorted(switches))}")
    ip_up = {int(s): int(k) for s, k in zip(fabric.link_src[up], np.flatnonzero(up))}
    attach = interface & (fabric.link_src < n) & np.isin(fabric.link_dst, list(ip_up))
    if not attach.any():
        raise RoutingError("the Z-plane has no interface processor linked to a chip")
    chip_to_ip: dict[int, int] = {}
    for k in np.flatnonzero(attach).tolist():
        chip_to_ip.setdefault(int(fabric.link_src[k]), k)  # the lowest-numbered processor on each chip
    exit_chip = _nearest(fabric, np.array(sorted(chip_to_ip), np.int64))
    if (exit_chip < 0).any():
        lost = fabric.chip_name(int(np.flatnonzero(exit_chip < 0)[0]))
        raise RoutingError(f"{lost} cannot reach any interface processor of the Z-plane over the mesh")
    switch = switches.pop()
    links: dict[int, tuple[int, int, int, int]] = {}
    for c, k in chip_to_ip.items():
        ip = int(fabric.link_dst[k])
        links[c] = (k, ip_up[ip], fabric.link_between(switch, ip), fabric.link_between(ip, c))
    table = np.array([links[int(c)] for c in exit_chip.tolist()], np.int64).reshape(n, 4)
    exits = ZplaneExits(exit_chip, table[:, 0], table[:, 1], table[:, 2], table[:, 3])
    fabric._zplane_exits = exits
    return exits


def _dimension_order(fabric: Fabric, src: np.ndarray, dst: np.ndarray) -> RouteSet:
    rows, cols = fabric.grid_shape
    coords, step_link = fabric.chip_coords, fabric.grid_step_link
    assert coords is not None and step_link is not None  # a regular grid has both
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
    # Each leg as runs of places (Fabric.link_position lays every line's links end to end in the
    # direction of travel, the wraparound link last): up to the end of the line, then on from its start.
    place = np.full(step_link.shape, -1, np.int64)
    exists = step_link >= 0
    place[exists] = fabric.link_position[step_link[exists]]
    n = len(src)
    parts_lo, parts_hi = [], []
    for delta, fixed, start, size, forward, backward, along_row in (
            (dx, r1, c1, cols, EAST, WEST, True), (dy, c2, r1, rows, SOUTH, NORTH, False)):
        steps = np.abs(delta)
        ahead = delta > 0
        direction = np.where(ahead, forward, backward)
        # Links to the end of the line: forward from ``start`` to size - 1, backward from ``start`` to 0.
        first_len = np.minimum(steps, np.where(ahead, size - start, start + 1))
        rest_len = steps - first_len
        line_start = np.where(ahead, 0, size - 1)
        if along_row:
            first = place[direction, fixed, start]
            again = place[direction, fixed, line_start]
        else:
            first = place[direction, start, fixed]
            again = place[direction, line_start, fixed]
        parts_lo += [first, again]
        parts_hi += [first + first_len, again + rest_len]
    lo = np.stack(parts_lo, 1)
    hi = np.stack(parts_hi, 1)
    used = hi > lo
    if (lo[used] < 0).any():  # cannot happen on a grid the fabric accepted as regular
        raise NoRoute("dimension-order route leaves the grid")
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(used.sum(axis=1), out=ptr[1:])
    return RouteSet.from_runs(ptr, lo[used], hi[used], fabric)


def _shortest(fabric: Fabric, src: np.ndarray, dst: np.ndarray) -> RouteSet:
    import networkx as nx
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
    return np.fromiter((fabric.link_between(u, v) for u, v in pairwise(path)), np.int64, len(path) - 1)


def _nearest(fabric: Fabric, targets: np.ndarray) -> np.ndarray:
    """For every chip, the chip of ``targets`` (sorted) the fewest chip-to-chip hops away (-1 if none
    can be reached); on a tie, the lowest-numbered on a grid."""
    import networkx as nx
    n = fabric.n_chips
    coords = fabric.chip_coords
    if fabric.regular_grid:
        assert coords is not None  # a regular grid has coordinates
        rows, cols = fabric.grid_shape
        out = np.empty(n, np.int64)
        tr, tc = coords[targets].T
        for lo in range(0, n, 256):  # the chips in slices: at most 256 x targets distances at once
            r, c = coords[lo:lo + 256].T
            dr = np.abs(r[:, None] - tr[None, :])
            dc = np.abs(c[:, None] - tc[None, :])
            if fabric.wrap_y:
                dr = np.minimum(dr, rows - dr)
            if fabric.wrap_x:
                dc = np.minimum(dc, cols - dc)
            out[lo:lo + 256] = targets[np.argmin(dr + dc, axis=1)]
        return out
    graph: nx.Graph[int] = nx.Graph()
    graph.add_nodes_from(range(n))
    mesh = (fabric.link_src < n) & (fabric.link_dst < n)
    graph.add_edges_from(zip(fabric.link_src[mesh].tolist(), fabric.link_dst[mesh].tolist()), hop=1)
    paths = nx.multi_source_dijkstra_path(graph, set(targets.tolist()), weight="hop")
    out = np.full(n, -1, np.int64)
    for node, path in paths.items():
        out[node] = path[0]
    return out
