"""Parts of a schedule that are copies of each other, run once.

A level of a hierarchical collective runs the same rings in every tile (or cabinet, or row of the
room) at once.  Where the transfers split into *components* that share no link and no chip, and
two components are translates of each other on the chip grid (the same transfers between chips at
the same relative places, in the same order, over routes of the same link capacities and latencies,
from chips of the same per-message overhead and messages in flight), they run identically: the
engine's rules only ever relate transfers of one component.  So one component of each class is
simulated and the figures of every other copy are those of its representative, moved onto the
copy's own links and chips.  Exact, not an estimate (up to the rounding of event times the engine
merges); :func:`run_copies` falls back to the whole schedule where the steps do not share one
pattern or the fabric has no chip grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..fabric.routeset import blocks, expand
from . import comm_engine
from .comm_common import DEFAULT_BINS, EngineResult, ProgressFn, StopFn
from .comm_schedule import Pattern, Schedule, Step

IntArray = npt.NDArray[np.int64]


@dataclass
class Copy:
    """A component that copies a representative: its links and chips, in the representative's order."""

    rep_links: IntArray
    links: IntArray
    rep_chips: IntArray
    chips: IntArray


def _components(pattern: Pattern, run_owner: IntArray, run_block: IntArray, n_nodes: int) -> IntArray:
    """Each transfer's component (the smallest transfer index in it): transfers that share a chip or a
    link (runs of one block of overlapping runs)."""
    n = pattern.size
    label = np.arange(n)
    n_blocks = int(run_block.max(initial=-1)) + 1
    while True:
        by_chip = np.full(n_nodes, n, np.int64)
        np.minimum.at(by_chip, pattern.src, label)
        np.minimum.at(by_chip, pattern.dst, label)
        by_block = np.full(n_blocks, n, np.int64)
        np.minimum.at(by_block, run_block, label[run_owner])
        new = np.minimum(label, np.minimum(by_chip[pattern.src], by_chip[pattern.dst]))
        np.minimum.at(new, run_owner, by_block[run_block])
        new = new[new]  # jump to the label's own label
        if np.array_equal(new, label):
            return label
        label = new


def find_copies(sched: Schedule) -> tuple[Schedule, list[Copy]] | None:
    """The schedule reduced to one component of each class, and where each other copy lies; None when
    no two components are alike (or the schedule is not of the kind this applies to).

    Routes are compared as runs of link places (:meth:`~dojo_gui.fabric.routeset.RouteSet.segments`):
    a copy's runs must be its representative's, each moved by the offset of the block of overlapping
    runs it lies in, and the links of each block must have the same capacities and latencies, place by
    place; so the copy shares links among its transfers exactly as the representative does."""
    fabric, rs = sched.fabric, sched.routes
    patterns = sched.patterns()
    if len(patterns) != 1 or fabric.chip_coords is None:
        return None
    pattern = patterns[0]
    run_owner, run_lo, run_hi = rs.runs_of(pattern.route)
    run_block, _, _ = blocks(run_lo, run_hi)
    comp = _components(pattern, run_owner, run_block, fabric.n_nodes)
    labels, members = np.unique(comp, return_inverse=True)
    if len(labels) < 2:
        return None
    members = members.ravel()
    coords = fabric.chip_coords
    place_cap = fabric.link_capacity_Bps[fabric.place_link]
    place_lat = fabric.link_latency_s[fabric.place_link]
    # A chip's place among its chip's transfers of the pattern (program order matters to the engine).
    order = np.argsort(pattern.src, kind="stable")
    first = np.searchsorted(pattern.src[order], pattern.src[order])
    src_rank = np.empty(pattern.size, np.int64)
    src_rank[order] = np.arange(pattern.size) - first
    run_ptr = np.zeros(pattern.size + 1, np.int64)
    np.cumsum(np.bincount(run_owner, minlength=pattern.size), out=run_ptr[1:])
    # signature -> the representative's (places of its links, chips)
    classes: dict[bytes, tuple[IntArray, IntArray]] = {}
    keep: list[IntArray] = []
    copies: list[Copy] = []
    by_comp = np.argsort(members, kind="stable")
    for idx in np.split(by_comp, np.flatnonzero(np.diff(members[by_comp])) + 1):
        src, dst = pattern.src[idx], pattern.dst[idx]
        chips = np.unique(np.concatenate([src, dst]))
        origin = coords[chips].min(axis=0)
        rel_src, rel_dst = coords[src] - origin, coords[dst] - origin
        canon = np.lexsort((rel_dst[:, 1], rel_dst[:, 0], rel_src[:, 1], rel_src[:, 0]))
        idx = idx[canon]
        runs = expand(run_ptr[idx], run_ptr[idx + 1])
        lo, hi = run_lo[runs], run_hi[runs]
        block, block_lo, block_hi = blocks(lo, hi)
        places = expand(block_lo, block_hi)
        rel_chips = coords[chips] - origin
        chips = chips[np.lexsort((rel_chips[:, 1], rel_chips[:, 0]))]
        signature = b"".join(a.tobytes() for a in (
            rel_src[canon], rel_dst[canon], src_rank[idx], run_ptr[idx + 1] - run_ptr[idx], hi - lo, block,
            lo - block_lo[block], block_hi - block_lo, place_cap[places], place_lat[places],
            coords[chips] - origin, fabric.chip_overhead_s[chips], fabric.chip_max_in_flight[chips]))
        if signature not in classes:
            classes[signature] = (places, chips)
            keep.append(idx)
            continue
        rep_places, rep_chips = classes[signature]
        copies.append(Copy(fabric.place_link[rep_places], fabric.place_link[places], rep_chips, chips))
    if not copies:
        return None
    subset = np.sort(np.concatenate(keep))
    small = Pattern(pattern.src[subset], pattern.dst[subset], pattern.route[subset])
    steps = [Step(small, s.nbytes, s.data_from, s.phase) for s in sched.steps]
    return Schedule(fabric, sched.chips, rs, steps, list(sched.notes)), copies


def run_copies(sched: Schedule, *, latency: bool = True, n_bins: int = DEFAULT_BINS,
               progress: ProgressFn | None = None, should_stop: StopFn | None = None) -> EngineResult:
    """Run ``sched``, each class of identical components once (module notes)."""
    found = find_copies(sched)
    if found is None:
        return comm_engine.run(sched, latency=latency, n_bins=n_bins, progress=progress, should_stop=should_stop)
    small, copies = found
    r = comm_engine.run(small, latency=latency, n_bins=n_bins, progress=progress, should_stop=should_stop)
    links = np.concatenate([c.links for c in copies])
    rep_links = np.concatenate([c.rep_links for c in copies])
    chips = np.concatenate([c.chips for c in copies])
    rep_chips = np.concatenate([c.rep_chips for c in copies])
    r.link_bytes[links] = r.link_bytes[rep_links]
    r.link_saturated_s[links] = r.link_saturated_s[rep_links]
    r.link_peak_flows = r.link_peak_flows.copy()
    r.link_peak_flows[links] = r.link_peak_flows[rep_links]
    for row in r.timeline_bytes:  # bin by bin: each row is contiguous
        row[links] = row[rep_links]
    r.chip_finish_s[chips] = r.chip_finish_s[rep_chips]
    r.transfers = sched.n_transfers
    return r
