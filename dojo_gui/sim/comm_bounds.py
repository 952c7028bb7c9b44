"""Times no algorithm can beat for a collective on a fabric, over the links it may use.

A collective's transfers follow its routing (:data:`dojo_gui.fabric.routing.ROUTINGS`), so only
some links can ever carry its bytes: over the mesh on a grid, dimension-order routes between the
scope's chips stay on the chip-to-chip links of the rows and columns those chips occupy (and,
where a dimension does not wrap, between the first and the last of them); through the Z-plane,
the chip-to-chip links and the interface and Z-plane links; elsewhere (shortest paths) any link
but the ones that lead only to a dead end.  The bounds, bandwidth only (latency adds to them):

- ``links``: the bytes the collective must put on links / the total bandwidth of those links;
- ``receive`` / ``send``: what the neediest chip must receive (send) / its inbound (outbound)
  bandwidth over those links (outbound no more than its injection bandwidth);
- ``cut``: what must cross a straight cut through the chips (row-major and column-major halves)
  / the cut's bandwidth in that direction over those links (one group only).

:func:`lower_bound` says which one binds; the result's JSON carries it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..fabric.fabric import Fabric
from .comm_scope import Scope


@dataclass(frozen=True)
class LowerBound:
    time_s: float
    kind: str  # "links", "receive", "send", "cut" or "none"
    detail: str  # the bound in words, with its figures

    def to_json(self) -> dict[str, float | str]:
        return {"time_s": self.time_s, "kind": self.kind, "detail": self.detail}


# Bytes of the whole buffer S each chip must receive and send, and the bytes all chips together
# must put on links, per collective (n chips in a group).
def _needs(collective: str, n: int, S: float) -> tuple[float, float, float]:
    share = (n - 1) / n * S
    return {"allreduce": (S, share, 2 * (n - 1) * S), "reducescatter": (share, share, (n - 1) * S),
            "allgather": (share, S / n, (n - 1) * S), "alltoall": (share, share, (n - 1) * S),
            "broadcast": (S, S, (n - 1) * S), "p2p": (S, S, S)}[collective]


def usable_links(fabric: Fabric, chips: np.ndarray, routing: str = "mesh") -> np.ndarray:
    """Which directed links a collective over ``chips`` routed by ``routing`` may use (a mask)."""
    n = fabric.n_chips
    src, dst = fabric.link_src, fabric.link_dst
    network = src != dst  # injection links are the chips' own, not the network's
    chip_link = (src < n) & (dst < n) & network
    if routing == "mesh" and fabric.regular_grid and fabric.chip_coords is not None:
        rc = fabric.chip_coords
        rows = np.zeros(fabric.grid_shape[0], bool)
        cols = np.zeros(fabric.grid_shape[1], bool)
        rows[rc[chips, 0]] = True
        cols[rc[chips, 1]] = True
        a, b = rc[np.minimum(src, n - 1)], rc[np.minimum(dst, n - 1)]
        along_row = chip_link & (a[:, 0] == b[:, 0])
        ok = (along_row & rows[a[:, 0]]) | (chip_link & ~along_row & cols[a[:, 1]])
        if not fabric.wrap_x:
            lo, hi = rc[chips, 1].min(), rc[chips, 1].max()
            ok &= ~along_row | ((np.minimum(a[:, 1], b[:, 1]) >= lo) & (np.maximum(a[:, 1], b[:, 1]) <= hi))
        if not fabric.wrap_y:
            lo, hi = rc[chips, 0].min(), rc[chips, 0].max()
            ok &= along_row | ((np.minimum(a[:, 0], b[:, 0]) >= lo) & (np.maximum(a[:, 0], b[:, 0]) <= hi))
        mesh_ok: np.ndarray = ok
        return mesh_ok
    if routing == "zplane":
        kinds = [fabric.kinds.index(k) for k in ("interface", "zplane") if k in fabric.kinds]
        zplane_ok: np.ndarray = chip_link | (np.isin(fabric.link_kind, kinds) & network)
        return zplane_ok
    # Shortest paths may go anywhere a path between two chips of the scope can: not into dead ends.
    usable = network.copy()
    keep = np.zeros(fabric.n_nodes, bool)
    keep[chips] = True
    while True:
        degree = np.bincount(src[usable], minlength=fabric.n_nodes)
        dead = (degree <= 1) & ~keep
        cut = usable & (dead[src] | dead[dst])
        if not cut.any():
            found: np.ndarray = usable
            return found
        usable &= ~cut


def lower_bound(fabric: Fabric, collective: str, size_bytes: float, scope: Scope, root: int | None = None,
                routing: str = "mesh") -> LowerBound:
    """The largest of the bounds of the module notes, and which it is."""
    groups = scope.members()
    n = len(groups[0])
    S = float(size_bytes)
    if n < 2 or S <= 0:
        return LowerBound(0.0, "none", "nothing to move")
    chips = scope.chips
    usable = usable_links(fabric, chips, routing)
    cap = np.where(usable, fabric.link_capacity_Bps, 0.0)
    receive, send, total = _needs(collective, n, S)
    bounds: list[tuple[float, str, str]] = []
    bandwidth = float(cap.sum())
    bounds.append((len(groups) * total / bandwidth if bandwidth > 0 else np.inf, "links",
                   (f"{_amount(len(groups) * total)} over the {int(usable.sum()):,} links the collective may use "
                    f"({_rate(bandwidth)} together)")))
    inbound = np.bincount(fabric.link_dst, weights=cap, minlength=fabric.n_nodes)
    outbound = np.bincount(fabric.link_src, weights=cap, minlength=fabric.n_nodes)
    injection = fabric.chip_injection_Bps
    outbound[: fabric.n_chips] = np.where(injection > 0, np.minimum(outbound[: fabric.n_chips], injection),
                                          outbound[: fabric.n_chips])
    roots = [int(root) if root is not None and root in set(g.tolist()) else int(g[0]) for g in groups]
    if collective == "broadcast":
        receivers = np.concatenate([g[g != r] for g, r in zip(groups, roots)])
        senders = np.array(roots)
    elif collective == "p2p":
        receivers, senders = np.array([int(g[-1]) for g in groups]), np.array([int(g[0]) for g in groups])
    else:
        receivers = senders = chips
    for what, need, bw, who in (("receive", receive, inbound, receivers), ("send", send, outbound, senders)):
        k = int(np.argmin(bw[who]))
        slowest = float(bw[who][k])
        bounds.append((need / slowest if slowest > 0 else np.inf, what,
                       f"{fabric.chip_name(int(who[k]))} must {what} {_amount(need)} at {_rate(slowest)}"))
    if collective != "p2p" and len(groups) == 1 and fabric.chip_coords is not None:
        bounds += _cut_bounds(fabric, collective, S, chips, roots[0], usable)
    time_s, kind, detail = max(bounds, key=lambda b: b[0])
    return LowerBound(float(time_s), kind, detail)


def _cut_bounds(fabric: Fabric, collective: str, S: float, chips: np.ndarray, root: int, usable: np.ndarray
                ) -> list[tuple[float, str, str]]:
    n = len(chips)
    assert fabric.chip_coords is not None  # the caller checks
    rc = fabric.chip_coords[chips]
    out = []
    for order, how in ((np.lexsort((rc[:, 1], rc[:, 0])), "rows"), (np.lexsort((rc[:, 0], rc[:, 1])), "columns")):
        side = np.zeros(fabric.n_chips, bool)
        a = chips[order[: n // 2]]
        side[a] = True
        na, nb = len(a), n - len(a)
        ab, ba = fabric.cut_bandwidth(side, usable)  # A -> B, B -> A
        if collective == "allreduce":
            need_ab, need_ba = S, S
        elif collective == "reducescatter":
            need_ab, need_ba = nb / n * S, na / n * S
        elif collective == "allgather":
            need_ab, need_ba = na / n * S, nb / n * S
        elif collective == "alltoall":
            need_ab = need_ba = na * nb / n * S
        else:  # broadcast: the side without the root must receive S
            need_ab, need_ba = (S, 0.0) if side[root] else (0.0, S)
        for need, bw in ((need_ab, ab), (need_ba, ba)):
            if need > 0:
                out.append((need / bw if bw > 0 else np.inf, "cut",
                            (f"{_amount(need)} must cross the cut between the first and second half of the "
                             f"chips by {how} ({_rate(bw)} that way)")))
    return out


def _amount(nbytes: float) -> str:
    from .. import units
    return units.format(nbytes, "B")


def _rate(bps: float) -> str:
    from .. import units
    return units.format(bps, "B/s")
