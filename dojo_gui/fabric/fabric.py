"""The fabric of a design: every directed link as numpy arrays, a networkx graph for analysis.

Built from :func:`dojo_gui.model.links.physical_links` (or from hand-made links for tests
and what-if studies).  Every physical link is full duplex: it becomes two directed links,
``2k`` (a -> b) and ``2k + 1`` (b -> a), each with the link's per-direction bandwidth.

Nodes are chips ``0 .. n_chips - 1`` (the design's tree order) followed by the switches and
interface processors, which are named (``switch:<path>``, ``ip:<tile path>#k``).

A chip that cannot put bytes onto its links as fast as they take them (its injection bandwidth
is below the sum of its outgoing links) gets one more directed link after the physical ones: its
*injection link*, from the chip to itself, of kind ``"injection"``.  Every route from the chip
starts with it (:meth:`Fabric.routes`), so the engines share it among the chip's transfers like
any other link; chips whose injection bandwidth is not below their links' have none.

Routing (see :mod:`dojo_gui.fabric.routing`) is dimension-order on the global chip grid when
the chip-to-chip links form exactly that grid (a mesh, with wraparound in a dimension where
every row or column has it), and shortest path otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..model.design import Design, PartPath, format_path
from ..model.links import Link, Node, PhysicalLinks, physical_links
from .routeset import RouteSet

# networkx is imported where a graph is needed (here and in routing): importing it takes a fifth of a
# second, which the window would otherwise spend before its first frame.
if TYPE_CHECKING:
    import networkx as nx

    from .routing import ZplaneExits

# Directions of a grid step, as indices into Fabric.grid_step_link.
EAST, WEST, SOUTH, NORTH = 0, 1, 2, 3

# Shortest-path routes minimize, link by link, the time an idle path takes to carry this much:
# latency plus REFERENCE_MESSAGE_BYTES / bandwidth.  1 MiB makes bandwidth dominate for the
# messages of a training step while still preferring the nearer of two equally fast paths.
REFERENCE_MESSAGE_BYTES = 1 << 20

# A physical link while parallel links are merged: (a, b, bw_Bps, latency_s, kind, wrap).
_MergedLink = tuple[int, int, float, float, str, bool]


@dataclass(frozen=True)
class LinkInfo:
    """One directed link, for people: its endpoints by name and its figures."""

    index: int
    src: str
    dst: str
    kind: str
    capacity_Bps: float
    latency_s: float
    wrap: bool

    def __str__(self) -> str:
        return f"{self.src} -> {self.dst}"


class Fabric:
    """The directed links of a design as numpy arrays, with the queries the engines need.

    Arrays (all of length ``n_links``, the directed links): ``link_src``, ``link_dst`` (node
    indices), ``link_capacity_Bps``, ``link_latency_s``, ``link_kind`` (index into
    ``kinds``), ``link_wrap``.  Chips: ``chip_coords`` (global grid row, col),
    ``chip_paths``, ``chip_overhead_s`` (per-message overhead of each chip),
    ``chip_max_in_flight`` (how many messages each chip can have in flight, 0 for no limit),
    ``chip_injection_Bps`` (how fast each chip can send, all links together; 0 for no limit) and
    ``chip_injection_link`` (its injection link, or -1).
    """

    def __init__(self, n_chips: int, links: Iterable[Link], *, chip_paths: Sequence[PartPath] | None = None,
                 chip_names: Sequence[str] | None = None, coords: Sequence[tuple[int, int]] | None = None,
                 grid_shape: tuple[int, int] | None = None, message_overhead_s: float | Sequence[float] = 0.0,
                 max_messages_in_flight: int | Sequence[int] = 0, injection_bw_Bps: float | Sequence[float] = 0.0,
                 extra_nodes: Sequence[str] = ()) -> None:
        self.n_chips = int(n_chips)
        if chip_paths is not None and len(chip_paths) != n_chips:
            raise ValueError("chip_paths needs one path per chip")
        self.chip_paths: list[PartPath] | None = list(chip_paths) if chip_paths is not None else None
        if chip_names is None:
            chip_names = [format_path(p) for p in self.chip_paths] if self.chip_paths else \
                [f"chip{i}" for i in range(n_chips)]
        node_names = list(chip_names)
        node_index: dict[Node, int] = {i: i for i in range(n_chips)}
        for name in extra_nodes:
            if name not in node_index:
                node_index[name] = len(node_names)
                node_names.append(name)

        # Merge parallel links between the same two nodes: one link of the summed bandwidth.
        merged: dict[tuple[int, int], _MergedLink] = {}
        for link in links:
            if not link.bw_Bps > 0:
                continue  # a link without bandwidth carries nothing (e.g. an edge whose spec says 0)
            ends = []
            for node in (link.a, link.b):
                if node not in node_index:
                    if isinstance(node, int):
                        raise ValueError(f"link {link.a} - {link.b}: chip {node} is not one of the {n_chips} chips")
                    node_index[node] = len(node_names)
                    node_names.append(str(node))
                ends.append(node_index[node])
            a, b = ends
            if a == b:
                continue
            key = (min(a, b), max(a, b))
            if key in merged:
                first_a, first_b, bw_Bps, latency_s, kind, wrap = merged[key]
                merged[key] = (first_a, first_b, bw_Bps + link.bw_Bps, min(latency_s, link.latency_s), kind, wrap)
            else:
                merged[key] = (a, b, link.bw_Bps, link.latency_s, link.kind, link.wrap)
        self.node_names: list[str] = node_names
        self.n_nodes = len(node_names)
        self.kinds: tuple[str, ...] = tuple(sorted({e[4] for e in merged.values()}))
        kind_code = {k: i for i, k in enumerate(self.kinds)}
        phys = list(merged.values())
        m = len(phys)
        ends_a = np.fromiter((e[0] for e in phys), np.int32, m)
        ends_b = np.fromiter((e[1] for e in phys), np.int32, m)
        self.link_src = np.empty(2 * m, np.int32)
        self.link_dst = np.empty(2 * m, np.int32)
        self.link_src[0::2], self.link_src[1::2] = ends_a, ends_b
        self.link_dst[0::2], self.link_dst[1::2] = ends_b, ends_a
        self.link_capacity_Bps = np.repeat(np.fromiter((e[2] for e in phys), float, m), 2)
        self.link_latency_s = np.repeat(np.fromiter((e[3] for e in phys), float, m), 2)
        self.link_kind = np.repeat(np.fromiter((kind_code[e[4]] for e in phys), np.int16, m), 2)
        self.link_wrap = np.repeat(np.fromiter((e[5] for e in phys), bool, m), 2)
        self.n_links = 2 * m
        self.n_physical = m
        self._pair_link: dict[tuple[int, int], int] | None = None  # (u, v) -> directed link, built on demand

        overhead = np.broadcast_to(np.asarray(message_overhead_s, float), (n_chips,))
        self.chip_overhead_s = np.array(overhead)
        self.chip_coords = np.asarray(coords, np.int64).reshape(-1, 2) if coords is not None else None
        if self.chip_coords is not None and len(self.chip_coords) != n_chips:
            raise ValueError("coords needs one (row, col) per chip")
        if grid_shape is None and self.chip_coords is not None and n_chips:
            last_row, last_col = self.chip_coords.max(axis=0)
            grid_shape = (int(last_row) + 1, int(last_col) + 1)
        rows, cols = grid_shape if grid_shape else (0, 0)  # a list from a caller as well as a tuple
        self.grid_shape: tuple[int, int] = (rows, cols)
        self.grid_index: np.ndarray | None = None  # (rows, cols) -> chip, when the links form the grid
        self.grid_step_link: np.ndarray | None = None  # (direction, row, col) -> directed link or -1
        self.wrap_x = self.wrap_y = False
        self._detect_grid()
        self.chip_max_in_flight = np.array(np.broadcast_to(np.asarray(max_messages_in_flight, np.int64), (n_chips,)))
        self.chip_injection_Bps = np.array(np.broadcast_to(np.asarray(injection_bw_Bps, float), (n_chips,)))
        self.chip_injection_link = np.full(n_chips, -1, np.int64)
        self._add_injection_links()
        self._link_position: np.ndarray | None = None
        self._place_link: np.ndarray | None = None
        self._zplane_exits: ZplaneExits | None = None  # built by dojo_gui.fabric.routing.zplane_exits
        self._graph: nx.Graph[int] | None = None
        self._route_cache: dict[tuple[int, int], np.ndarray] = {}
        # What other layers derive from the fabric and keep with it (e.g. the link table of results).
        self.cache: dict[str, object] = {}

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_physical(cls, pl: PhysicalLinks) -> Fabric:
        return cls(pl.n_chips, pl.links, chip_paths=pl.chip_paths, coords=pl.coords or None,
                   grid_shape=pl.grid_shape if pl.n_chips else None,
                   message_overhead_s=[s.message_overhead_s for s in pl.chip_specs] or 0.0,
                   max_messages_in_flight=[s.max_messages_in_flight for s in pl.chip_specs] or 0,
                   injection_bw_Bps=[s.injection_bw_Bps for s in pl.chip_specs] or 0.0,
                   extra_nodes=[*pl.switches, *pl.interfaces])

    @classmethod
    def from_design(cls, design: Design) -> Fabric:
        return cls.from_physical(physical_links(design))

    def _add_injection_links(self) -> None:
        """An injection link for every chip whose injection bandwidth is below its outgoing links' sum."""
        n = self.n_chips
        out = np.bincount(self.link_src[self.link_src < n], weights=self.link_capacity_Bps[self.link_src < n],
                          minlength=n)[:n]
        inj = self.chip_injection_Bps
        limited = np.flatnonzero((inj > 0) & (inj < out * (1 - 1e-12)))
        if not len(limited):
            return
        if "injection" not in self.kinds:
            self.kinds = tuple(sorted({*self.kinds, "injection"}))
            old = np.array([self.kinds.index(k) for k in sorted(set(self.kinds) - {"injection"})], np.int16)
            self.link_kind = old[self.link_kind] if len(self.link_kind) else self.link_kind
        k = len(limited)
        self.chip_injection_link[limited] = self.n_links + np.arange(k)
        self.link_src = np.concatenate([self.link_src, limited.astype(np.int32)])
        self.link_dst = np.concatenate([self.link_dst, limited.astype(np.int32)])
        self.link_capacity_Bps = np.concatenate([self.link_capacity_Bps, inj[limited]])
        self.link_latency_s = np.concatenate([self.link_latency_s, np.zeros(k)])
        self.link_kind = np.concatenate([self.link_kind, np.full(k, self.kinds.index("injection"), np.int16)])
        self.link_wrap = np.concatenate([self.link_wrap, np.zeros(k, bool)])
        self.n_links += k

    # ------------------------------------------------------------------ the grid
    @property
    def regular_grid(self) -> bool:
        """True when chip-to-chip links are exactly the global grid (with whole-dimension wraps)."""
        return self.grid_index is not None

    @property
    def routing(self) -> str:
        return "dimension-order" if self.regular_grid else "shortest-path"

    def _detect_grid(self) -> None:
        rows, cols = self.grid_shape
        n = self.n_chips
        if self.chip_coords is None or n == 0 or rows * cols != n:
            return
        grid = np.full((rows, cols), -1, np.int64)
        grid[self.chip_coords[:, 0], self.chip_coords[:, 1]] = np.arange(n)
        if (grid < 0).any():
            return
        chip_link = np.flatnonzero((self.link_src < n) & (self.link_dst < n))
        src, dst = self.link_src[chip_link], self.link_dst[chip_link]
        (ra, ca), (rb, cb) = self.chip_coords[src].T, self.chip_coords[dst].T
        dr, dc = rb - ra, cb - ca
        east = (dr == 0) & (dc == 1)
        west = (dr == 0) & (dc == -1)
        south = (dr == 1) & (dc == 0)
        north = (dr == -1) & (dc == 0)
        wrap_east = (dr == 0) & (ca == cols - 1) & (cb == 0) & (cols > 2)
        wrap_west = (dr == 0) & (ca == 0) & (cb == cols - 1) & (cols > 2)
        wrap_south = (dc == 0) & (ra == rows - 1) & (rb == 0) & (rows > 2)
        wrap_north = (dc == 0) & (ra == 0) & (rb == rows - 1) & (rows > 2)
        known = east | west | south | north | wrap_east | wrap_west | wrap_south | wrap_north
        if not known.all():
            return  # some chip link is not a grid step: irregular, route by shortest path
        if east.sum() != rows * (cols - 1) or south.sum() != (rows - 1) * cols:
            return  # a grid neighbour pair without a link
        n_wrap_x, n_wrap_y = int(wrap_east.sum()), int(wrap_south.sum())
        if n_wrap_x not in (0, rows) or n_wrap_y not in (0, cols):
            return  # wraparound in some rows only: the shortest way round is not dimension-order
        step = np.full((4, rows, cols), -1, np.int64)
        for direction, mask in ((EAST, east | wrap_east), (WEST, west | wrap_west), (SOUTH, south | wrap_south),
                                (NORTH, north | wrap_north)):
            step[direction, ra[mask], ca[mask]] = chip_link[mask]
        self.grid_index = grid
        self.grid_step_link = step
        self.wrap_x, self.wrap_y = n_wrap_x == rows, n_wrap_y == cols

    @property
    def link_position(self) -> np.ndarray:
        """Each directed link's place in an order that lays the links of every grid line end to end:
        each row's east links west to east, then its west links east to west, then each column's
        south links, then its north links, a wraparound link last in its line; every other link
        after them, in index order.  A dimension-order route is then one run of consecutive
        places per dimension (two where it wraps round), which the engines use to treat a route
        as a few intervals rather than hop by hop."""
        if self._link_position is None:
            grid_lines: list[npt.NDArray[np.int64]] = []
            if self.grid_step_link is not None:
                step = self.grid_step_link
                for lines in (step[EAST], step[WEST][:, ::-1], step[SOUTH].T, step[NORTH].T[:, ::-1]):
                    flat = lines.ravel()
                    grid_lines.append(flat[flat >= 0])
            placed = np.concatenate(grid_lines) if grid_lines else np.zeros(0, np.int64)
            rest = np.ones(self.n_links, bool)
            rest[placed] = False
            order = np.concatenate([placed, np.flatnonzero(rest)])
            position = np.empty(self.n_links, np.int64)
            position[order] = np.arange(self.n_links)
            self._link_position = position
        return self._link_position

    @property
    def place_link(self) -> np.ndarray:
        """The link at each place of :attr:`link_position` (its inverse)."""
        if self._place_link is None:
            place_link = np.empty(self.n_links, np.int64)
            place_link[self.link_position] = np.arange(self.n_links)
            self._place_link = place_link
        return self._place_link

    # ------------------------------------------------------------------ names
    def chip_name(self, chip: int) -> str:
        return self.node_names[chip]

    def link_info(self, link: int) -> LinkInfo:
        link = int(link)
        return LinkInfo(link, self.node_names[self.link_src[link]], self.node_names[self.link_dst[link]],
                        self.kinds[self.link_kind[link]], float(self.link_capacity_Bps[link]),
                        float(self.link_latency_s[link]), bool(self.link_wrap[link]))

    def link_between(self, u: int, v: int) -> int:
        """The directed link u -> v (node indices); KeyError if there is none."""
        if self._pair_link is None:
            self._pair_link = dict(zip(zip(self.link_src.tolist(), self.link_dst.tolist()), range(self.n_links)))
        return self._pair_link[(u, v)]

    @property
    def physical_link_count(self) -> int:
        return self.n_physical

    # ------------------------------------------------------------------ analysis
    @property
    def graph(self) -> nx.Graph[int]:
        """Undirected graph of every node and link (per-direction bandwidth on each edge), built once."""
        import networkx as nx
        if self._graph is None:
            g: nx.Graph[int] = nx.Graph()
            for i, name in enumerate(self.node_names):
                g.add_node(i, name=name, kind="chip" if i < self.n_chips else name.split(":", 1)[0])
            phys = np.arange(0, 2 * self.n_physical, 2)
            weight = self.link_latency_s[phys] + REFERENCE_MESSAGE_BYTES / self.link_capacity_Bps[phys]
            for k, u, v, bw, lat, kind, w in zip(phys.tolist(), self.link_src[phys].tolist(),
                                                 self.link_dst[phys].tolist(), self.link_capacity_Bps[phys].tolist(),
                                                 self.link_latency_s[phys].tolist(), self.link_kind[phys].tolist(),
                                                 weight.tolist()):
                g.add_edge(u, v, link=k, bw_Bps=bw, latency_s=lat, kind=self.kinds[kind], weight=w)
            self._graph = g
        return self._graph

    def chip_components(self) -> list[list[int]]:
        """The chips in each connected part of the fabric (switches join what they link), largest first."""
        import networkx as nx
        parts = [sorted(c for c in comp if c < self.n_chips) for comp in nx.connected_components(self.graph)]
        return sorted((p for p in parts if p), key=lambda p: (-len(p), p[0]))

    def is_connected(self) -> bool:
        return self.n_chips <= 1 or len(self.chip_components()) == 1

    def diameter(self) -> int | None:
        """Hop diameter of the fabric (switches and interface processors count as hops); None if disconnected."""
        import networkx as nx
        g = self.graph
        if g.number_of_nodes() == 0:
            return 0
        if not nx.is_connected(g):
            return None
        return int(nx.diameter(g, usebounds=True))

    def cut_bandwidth(self, side: np.ndarray, links: np.ndarray | None = None) -> tuple[float, float]:
        """Bandwidth from the chips in ``side`` (a boolean mask over chips) to the rest, and back,
        over ``links`` (a mask over the directed links; all of them by default).

        Switches and interface processors go to whichever side makes the cut smaller (a few
        rounds of moving each to the side it has more bandwidth to).
        """
        side = np.asarray(side, bool)
        node_side = np.zeros(self.n_nodes, bool)
        node_side[: self.n_chips] = side
        others = np.arange(self.n_chips, self.n_nodes)
        cap = self.link_capacity_Bps if links is None else np.where(links, self.link_capacity_Bps, 0.0)
        for _ in range(8 if len(others) else 0):
            # For each non-chip node: capacity to nodes on side True minus to side False.
            to_true = np.bincount(self.link_src, weights=cap * node_side[self.link_dst], minlength=self.n_nodes)
            to_false = np.bincount(self.link_src, weights=cap * ~node_side[self.link_dst], minlength=self.n_nodes)
            new = to_true[others] > to_false[others]
            if (node_side[others] == new).all():
                break
            node_side[others] = new
        crossing = node_side[self.link_src] & ~node_side[self.link_dst]
        back = ~node_side[self.link_src] & node_side[self.link_dst]
        return float(cap[crossing].sum()), float(cap[back].sum())

    def bisection_bandwidth(self, chips: Sequence[int] | None = None) -> float:
        """Bandwidth (per direction, the smaller) across the narrowest cut into two halves of the chips.

        Exact bisection is NP-hard; this is the smallest cut among straight cuts of the chip
        grid (row-major and column-major halves, which are the minimum bisections of meshes
        and tori) and, for up to 2,000 nodes, a Kernighan-Lin refinement on the graph.  It is
        an upper bound on the true bisection bandwidth.
        """
        chip_ids = np.arange(self.n_chips) if chips is None else np.asarray(chips, np.int64)
        if len(chip_ids) < 2:
            return 0.0
        candidates: list[np.ndarray] = []
        half = len(chip_ids) // 2
        if self.chip_coords is not None:
            rc = self.chip_coords[chip_ids]
            for order in (np.lexsort((rc[:, 1], rc[:, 0])), np.lexsort((rc[:, 0], rc[:, 1]))):
                mask = np.zeros(self.n_chips, bool)
                mask[chip_ids[order[:half]]] = True
                candidates.append(mask)
        else:
            mask = np.zeros(self.n_chips, bool)
            mask[chip_ids[:half]] = True
            candidates.append(mask)
        if self.n_nodes <= 2000 and len(chip_ids) == self.n_chips:
            candidates.append(self._kernighan_lin(candidates[0]))
        best = np.inf
        for mask in candidates:
            if mask[chip_ids].sum() not in (half, len(chip_ids) - half):
                continue
            out, back = self.cut_bandwidth(mask)
            best = min(best, out, back)
        return float(best)

    def _kernighan_lin(self, start: np.ndarray) -> np.ndarray:
        """Refine a chip bisection by Kernighan-Lin on the chip-only graph (switch links folded in later)."""
        import networkx as nx
        g: nx.Graph[int] = nx.Graph()
        g.add_nodes_from(range(self.n_chips))
        for u, v, data in self.graph.edges(data=True):
            if u < self.n_chips and v < self.n_chips:
                g.add_edge(u, v, bw=data["bw_Bps"])
        a = {i for i in range(self.n_chips) if start[i]}
        b = set(range(self.n_chips)) - a
        part_a, _ = nx.algorithms.community.kernighan_lin_bisection(g, (a, b), weight="bw", seed=1)
        mask = np.zeros(self.n_chips, bool)
        mask[list(part_a)] = True
        return mask

    def summary(self) -> dict[str, Any]:
        """Counts and the analysis figures, for reports and the CLI."""
        counts: dict[str, int] = {}
        for code in self.link_kind[: 2 * self.n_physical: 2].tolist():
            counts[self.kinds[code]] = counts.get(self.kinds[code], 0) + 1
        return {
            "chips": self.n_chips,
            "nodes": self.n_nodes,
            "physical_links": self.physical_link_count,
            "directed_links": self.n_links,
            "links_by_kind": counts,
            "routing": self.routing,
            "connected": self.is_connected(),
            "diameter_hops": self.diameter(),
            "bisection_Bps": self.bisection_bandwidth(),
            "total_link_bandwidth_Bps": float(self.link_capacity_Bps.sum()),
        }

    # ------------------------------------------------------------------ routes
    def routes(self, src: Sequence[int] | np.ndarray, dst: Sequence[int] | np.ndarray, routing: str = "mesh"
               ) -> RouteSet:
        """Routes from ``src[i]`` to ``dst[i]`` by ``routing`` (:data:`dojo_gui.fabric.routing.ROUTINGS`),
        each starting with its source chip's injection link where it has one."""
        from .routing import routes

        src = np.asarray(src, np.int64)
        found = routes(self, src, np.asarray(dst, np.int64), routing)
        if not (self.chip_injection_link >= 0).any():
            return found
        inj = np.where(src < self.n_chips, self.chip_injection_link[np.minimum(src, self.n_chips - 1)], -1)
        inj[found.hops == 0] = -1
        add = (inj >= 0).astype(np.int64)
        # The injection link as a run of its own in front of each route's runs.
        ptr, lo, hi = found.segments()
        per_route = np.diff(ptr) + add
        new_ptr = np.zeros(len(src) + 1, np.int64)
        np.cumsum(per_route, out=new_ptr[1:])
        new_lo = np.empty(int(new_ptr[-1]), np.int64)
        head = new_ptr[:-1][add > 0]
        new_lo[head] = self.link_position[inj[add > 0]]
        body = np.ones(len(new_lo), bool)
        body[head] = False
        new_lo[body] = lo
        new_hi = new_lo + 1
        new_hi[body] = hi
        return RouteSet.from_runs(new_ptr, new_lo, new_hi, self)

    def route(self, src: int, dst: int, routing: str = "mesh") -> np.ndarray:
        """The directed links from node ``src`` to node ``dst``, in order."""
        return self.routes([src], [dst], routing).links

    @property
    def chip_cabinet(self) -> np.ndarray:
        """Each chip's cabinet, as a number (chips with the same number share a cabinet)."""
        if self.chip_paths is None:
            return np.zeros(self.n_chips, np.int64)
        slots: dict[tuple[int, int] | tuple[()], int] = {}  # the cabinet slot; () for an empty path
        return np.array([slots.setdefault(p[0] if p else (), len(slots)) for p in self.chip_paths], np.int64)
