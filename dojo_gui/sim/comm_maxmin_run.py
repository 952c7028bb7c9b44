"""The max-min engine: schedules whose routes share links, event by event.

Event-driven: transfers become ready as their dependencies are met, wait their source's
per-message overhead, then send, sharing links by max-min fairness (progressive filling,
:mod:`dojo_gui.sim.maxmin`); the last byte arrives the route's latency after it left.  Rates
are recomputed whenever the set of sending transfers changes, but only in the components of
the contention graph that change (see :class:`MaxMinRun`; a plain reference simulation in the
tests checks it gives the same answers).
"""

from __future__ import annotations

import numpy as np

from ..fabric.routeset import blocks, expand
from .comm_common import (
    ALONE_BATCH,
    ALONE_HOPS,
    MAX_MAXMIN_TRANSFERS,
    SNAP,
    Cancelled,
    EngineResult,
    Pacer,
    PatternInfo,
    TooLarge,
    refuse_staggered,
)
from .comm_dependencies import Dependencies
from .comm_schedule import Schedule
from .comm_timeline import Timeline
from .maxmin import elementary_intervals, max_min_rates_segments


class MaxMinRun:
    """The event-driven engine for schedules whose routes share links.

    Four things keep it fast on big fabrics without changing any answer:

    *Transfers that cannot meet another are settled at once.*  A link is *contested* while
    two different routes with unsent transfers cross it (``link_routes`` counts them; the
    count only falls).  A transfer whose links are uncontested when it is released can never
    share them: it sends at its route's bottleneck, so when its last byte leaves and arrives
    is known now, and what waits on it is released now too, however far ahead in time.  Only
    transfers on contested links take part in events.

    *Rates are recomputed only where they can change.*  Max-min fairness splits over the
    connected components of the graph of sending transfers and the links they cross: a
    component nobody joins or leaves keeps its rates.  Sending transfers and their links carry
    their component's label (a transfer of it), and an event recomputes, and splits afresh,
    only the components that the transfers starting or finishing touch.

    *Independent components advance side by side.*  Whatever happens at time t releases
    transfers that start no earlier than t + the smallest per-message overhead (the
    *lookahead*).  So over a window [t0, t0 + lookahead) the transfers that start are known
    at t0, and the components they join (grouped with them) evolve independently: each group
    takes its events in its own time order, and one round of the loop takes the next event of
    every group at once, with one max-min computation for all of them.  With no overhead the
    window is a single instant, as in a plain event loop.

    *Routes are intervals.*  Links are numbered so that a dimension-order route is one or two
    runs of consecutive numbers per dimension (:meth:`RouteSet.segments`); between consecutive
    run ends every link carries the same transfers, so the max-min problem, link loads and
    components are computed over those elementary intervals, not hop by hop.

    Bookkeeping is lazy: a transfer's bytes left and a link's bytes, busy time and timeline are
    brought up to date only when its component changes.  Events closer together than ``SNAP``
    of the time are one event (they differ by rounding only).
    """

    def __init__(self, sched: Schedule, infos: dict[int, PatternInfo], timeline: Timeline, pacer: Pacer) -> None:
        fabric = sched.fabric
        steps = sched.steps
        rs = self.rs = sched.routes
        n = self.n = sched.n_transfers
        if n > MAX_MAXMIN_TRANSFERS:
            raise TooLarge(f"{n:,} transfers share links here, more than the {MAX_MAXMIN_TRANSFERS:,} the max-min "
                           f"engine holds; choose a smaller scope, fewer chunks or another algorithm")
        refuse_staggered(fabric, [s.pattern for s in steps])
        self.fabric, self.timeline, self.pacer = fabric, timeline, pacer
        sizes = np.fromiter((s.pattern.size for s in steps), np.int64, len(steps))
        offsets = np.zeros(len(steps) + 1, np.int64)
        np.cumsum(sizes, out=offsets[1:])
        self.src = np.concatenate([s.pattern.src for s in steps]).astype(np.int32)
        self.dst = np.concatenate([s.pattern.dst for s in steps]).astype(np.int32)
        route = self.route = np.concatenate([s.pattern.route for s in steps]).astype(np.int64)
        self.nbytes = np.repeat(np.fromiter((s.nbytes for s in steps), float, len(steps)), sizes)
        self.overhead = np.concatenate([infos[id(s.pattern)].overhead for s in steps])
        self.latency = np.concatenate([infos[id(s.pattern)].latency for s in steps])
        self.bw = rs.bottleneck_Bps[route]
        self.lookahead = float(self.overhead.min()) if n else 0.0

        deps = Dependencies(sched, offsets, self.src, route, self.overhead)
        self.next_on_route, self.next_on_chip, self.frees = deps.next_on_route, deps.next_on_chip, deps.frees
        self.group_of, self.group_left = deps.group_of, deps.group_left
        self.group_time = np.zeros(len(self.group_left))  # the latest delivery so far
        self.consumer_ptr, self.consumers = deps.consumer_ptr, deps.consumers
        waits = deps.waits
        self.waits = waits
        self.ready_at = np.zeros(n)  # the latest of the dependencies met so far

        # Contested links: how many routes with unsent transfers cross each link.
        self.route_unsent = np.bincount(route, minlength=rs.n).astype(np.int64)
        self.link_routes = rs.link_counts(np.flatnonzero(self.route_unsent)).astype(np.int64)
        # Routes as runs of link places.
        self.seg_ptr, self.seg_lo, self.seg_hi = rs.segments()
        self.place_link = fabric.place_link
        self.place_cap = fabric.link_capacity_Bps[self.place_link]
        # Per place, how many places before it are contested (recounted when a route is done).
        self.contested_before: np.ndarray | None = None

        n_links = fabric.n_links
        self.cap = fabric.link_capacity_Bps
        self.start = np.full(n, np.inf)  # starts sending (ready + overhead)
        self.arrive = np.full(n, np.nan)  # last byte arrives (last byte sent + route latency)
        # Transfers sending on contested links, in components.
        self.rate = np.zeros(n)
        self.left = self.nbytes.copy()  # bytes still to send as of settled_at
        self.settled_at = np.zeros(n)
        self.finish_at = np.full(n, np.inf)  # when the last byte leaves at the current rate
        self.comp = np.full(n, -1, np.int64)  # component label: a transfer of the component
        self.comp_mark = np.zeros(n, bool)
        self.union = np.arange(n)  # scratch for grouping labels; the identity between windows
        self.scratch = np.zeros(max(n, rs.n, len(self.group_left)), np.int64)
        self.link_load = np.zeros(n_links)  # bytes/s of the sending transfers
        self.link_flows = np.zeros(n_links, np.int64)
        self.link_full = np.zeros(n_links, bool)
        self.link_comp = np.full(n_links, -1, np.int64)
        self.link_since = np.zeros(n_links)  # load unchanged since
        self.link_bytes = np.zeros(n_links)  # what uncontested transfers carried
        self.contended_bytes = np.zeros(n_links)  # what the others carried, up to link_since
        # The timeline of contested links comes from their bytes at each bin edge.
        self.edge_t = 0.0
        self.edge_bytes = np.zeros(n_links)
        self.touched = np.zeros(n_links, bool)  # crossed by a contested transfer so far
        self.touched_links = np.zeros(0, np.int64)
        self.touched_new = False
        self.saturated = np.zeros(n_links)
        self.peak = np.zeros(n_links, np.int32)
        self.total_bytes = float(self.nbytes.sum()) or 1.0
        self.sent_bytes = 0.0
        self.events = 0
        self.released: list[np.ndarray] = []  # contested transfers released, not yet in ``waiting``
        self.alone: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # sent alone, not yet recorded
        self.alone_count = 0

    # ------------------------------------------------------------------ routes
    def route_links(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(owner position in idx, link) for every hop of ``idx`` (callers keep ``idx`` to a few hops)."""
        owner, lo, hi = self.route_runs(idx)
        return owner.repeat(hi - lo), self.place_link[expand(lo, hi)]

    def covered_links(self, idx: np.ndarray) -> np.ndarray:
        """The links ``idx``'s routes cross, each once."""
        _, lo, hi = self.route_runs(idx)
        if not len(lo):
            return np.zeros(0, np.int64)
        _, first, end = blocks(lo, hi)
        links: np.ndarray = self.place_link[expand(first, end)]
        return links

    def route_runs(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(owner position in idx, first place, end place) for every run of links of ``idx``'s routes."""
        r = self.route[idx]
        owner = np.arange(len(idx)).repeat(self.seg_ptr[r + 1] - self.seg_ptr[r])
        runs = expand(self.seg_ptr[r], self.seg_ptr[r + 1])
        return owner, self.seg_lo[runs], self.seg_hi[runs]

    def uncontested(self, idx: np.ndarray) -> np.ndarray:
        """Which of ``idx`` (unsent) have every link to their own route, now and from now on."""
        if not len(idx):
            return np.zeros(0, bool)
        if self.contested_before is None:
            self.contested_before = np.zeros(len(self.place_link) + 1, np.int64)
            np.cumsum(self.link_routes[self.place_link] > 1, out=self.contested_before[1:])
        owner, lo, hi = self.route_runs(idx)
        contested = self.contested_before[hi] - self.contested_before[lo]
        free: np.ndarray = np.bincount(owner, contested, minlength=len(idx)) == 0
        return free

    # ------------------------------------------------------------------ settling what cannot be contested
    def release(self, new: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``new`` have met every dependency: set their start, and release their chips' next transfers
        that waited only for that (rule 3); the uncontested ones are settled (returned with the times
        their last byte leaves), the others wait for their start."""
        done, t_done = [], []
        while len(new):
            self.start[new] = self.ready_at[new] + self.overhead[new]
            free = (self.nbytes[new] == 0) | self.uncontested(new)
            if not free.all():
                self.released.append(new[~free])
            settled = new[free]
            done.append(settled)
            t_done.append(self.send_alone(settled, self.start[settled]))
            nxt = self.next_on_chip[new]
            has = nxt >= 0
            following = nxt[has]
            self.ready_at[following] = np.maximum(self.ready_at[following], self.start[new[has]])
            self.waits[following] -= 1
            new = following[self.waits[following] == 0]
        if len(done) <= 1:
            return (done[0], t_done[0]) if done else (new, np.zeros(0))
        return np.concatenate(done), np.concatenate(t_done)

    def send_alone(self, idx: np.ndarray, start: np.ndarray) -> np.ndarray:
        """``idx`` send alone on their routes from ``start``: return when they finish (what they carry
        is recorded later, many at once: :meth:`record_alone`)."""
        sent: np.ndarray = start + self.nbytes[idx] / self.bw[idx]
        self.alone.append((idx, start, sent))
        self.alone_count += len(idx)
        return sent

    def record_alone(self) -> None:
        """Record on their links what the transfers sent alone carried."""
        if not self.alone:
            return
        idx, start, end = (np.concatenate(part) for part in zip(*self.alone))
        self.alone.clear()
        self.alone_count = 0
        nbytes = self.nbytes[idx]
        carry = nbytes > 0
        idx, start, end, nbytes = idx[carry], start[carry], end[carry], nbytes[carry]
        # Hop by hop, a slice of transfers at a time (a slice's hops within ALONE_HOPS, or one transfer).
        hops = self.rs.hops[self.route[idx]].cumsum()
        lo = 0
        while lo < len(idx):
            hi = max(lo + 1, int(hops.searchsorted((hops[lo - 1] if lo else 0) + ALONE_HOPS, "right")))
            part = slice(lo, hi)
            owner, links = self.route_links(idx[part])
            bw, carried = self.bw[idx[part]], nbytes[part]
            self.link_bytes += np.bincount(links, carried[owner], minlength=len(self.link_bytes))
            limiting = self.cap[links] <= bw[owner]
            self.saturated += np.bincount(links[limiting], (carried / bw)[owner[limiting]],
                                          minlength=len(self.saturated))
            self.peak[links] = np.maximum(self.peak[links], 1)
            self.timeline.add_transfers(owner, links, start[part], end[part], carried)
            lo = hi

    def sent(self, idx: np.ndarray, t_sent: np.ndarray) -> None:
        """``idx`` sent their last byte at ``t_sent``: follow the consequences as far as they are certain."""
        rs = self.rs
        while len(idx):
            arrive = t_sent + self.latency[idx]
            self.arrive[idx] = arrive
            self.sent_bytes += float(self.nbytes[idx].sum())
            r = self.route[idx]
            np.subtract.at(self.route_unsent, r, 1)
            done = self.distinct(r[self.route_unsent[r] == 0])
            if len(done):
                if int(rs.hops[done].sum()) < len(self.link_routes) // 8:
                    _, lo, hi = rs.runs_of(done)
                    np.subtract.at(self.link_routes, self.place_link[expand(lo, hi)], 1)
                else:
                    self.link_routes -= rs.link_counts(done).astype(np.int64)
                self.contested_before = None
            # Rule 2: the next on the route may leave once this one has.
            nxt = self.next_on_route[idx]
            has = nxt >= 0
            following = nxt[has]
            self.ready_at[following] = np.maximum(self.ready_at[following], t_sent[has])
            self.waits[following] -= 1
            parts = [following]
            # Rule 4: a chip may start one more message once this one's last byte has left.
            freed = self.frees[idx]
            has = freed >= 0
            if has.any():
                freed = freed[has]
                self.ready_at[freed] = np.maximum(self.ready_at[freed], t_sent[has])
                self.waits[freed] -= 1
                parts.append(freed)
            # Rule 1: a delivery may complete a group that later transfers from its chip wait for.
            g = self.group_of[idx]
            has = g >= 0
            if has.any():
                g = g[has]
                np.maximum.at(self.group_time, g, arrive[has])
                np.subtract.at(self.group_left, g, 1)
                emptied = self.distinct(g[self.group_left[g] == 0])
                if len(emptied):
                    lens = self.consumer_ptr[emptied + 1] - self.consumer_ptr[emptied]
                    cons = self.consumers[expand(self.consumer_ptr[emptied], self.consumer_ptr[emptied + 1])]
                    np.maximum.at(self.ready_at, cons, self.group_time[emptied].repeat(lens))
                    np.subtract.at(self.waits, cons, 1)
                    parts.append(cons)
            candidates = np.concatenate(parts) if len(parts) > 1 else parts[0]
            candidates = self.distinct(candidates[self.waits[candidates] == 0])
            idx, t_sent = self.release(candidates)

    def distinct(self, idx: np.ndarray) -> np.ndarray:
        """``idx`` (numbers below the transfer count) without repeats, in no particular order."""
        if len(idx) < 2:
            return idx
        scratch = self.scratch
        at = np.arange(len(idx))
        scratch[idx] = at
        unique: np.ndarray = idx[scratch[idx] == at]
        return unique

    def take_released(self, waiting: np.ndarray) -> np.ndarray:
        if self.released:
            waiting = np.concatenate([waiting, *self.released])
            self.released.clear()
        return waiting

    # ------------------------------------------------------------------ contested links
    def groups(self, sending: np.ndarray, joining: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        """Group numbers for the sending and the joining transfers of a window: components, merged
        where a joining transfer touches them, and joining transfers that share a link, merged too."""
        union = self.union
        labels = self.comp[sending]
        if len(joining):
            # Joining transfers whose runs overlap (blocks of runs) share links; a block meets the
            # components on its links.
            owner, lo, hi = self.route_runs(joining)
            who = joining[owner]
            block, first, end = blocks(lo, hi)
            lowest = np.full(len(first), self.n, np.int64)
            np.minimum.at(lowest, block, who)
            lengths = end - first
            touched = self.link_comp[self.place_link[expand(first, end)]]
            hit = touched >= 0
            meets = np.unique(np.arange(len(first)).repeat(lengths)[hit] * (self.n + 1) + touched[hit])
            a = np.concatenate([lowest[meets // (self.n + 1)], who])
            b = np.concatenate([meets % (self.n + 1), lowest[block]])
            nodes = self.distinct(np.concatenate([a, b]))
            while True:
                low = np.minimum(union[a], union[b])
                np.minimum.at(union, a, low)
                np.minimum.at(union, b, low)
                while True:
                    up = union[union[nodes]]
                    if np.array_equal(up, union[nodes]):
                        break
                    union[nodes] = up
                if np.array_equal(union[a], union[b]):
                    break
            labels = np.concatenate([union[labels], union[joining]])
            union[nodes] = nodes
        distinct = self.distinct(labels)
        self.scratch[distinct] = np.arange(len(distinct))
        numbers = self.scratch[labels]
        return numbers[:len(sending)], numbers[len(sending):], len(distinct)

    def update(self, stay: np.ndarray, t_stay: np.ndarray, finished: np.ndarray, t_finished: np.ndarray,
               joined: np.ndarray, t_joined: np.ndarray) -> None:
        """The components of ``stay`` and ``finished`` change: ``finished`` left them and ``joined``
        join them, each at its time.  Compute the max-min rates and components of ``stay`` and
        ``joined``, and bring every link whose load changes up to that time."""
        flows = np.concatenate([stay, finished, joined])
        if not len(flows):
            return
        t = np.concatenate([t_stay, t_finished, t_joined])
        self.left[stay] -= self.rate[stay] * (t_stay - self.settled_at[stay])
        self.settled_at[stay] = t_stay
        self.settled_at[joined] = t_joined
        self.comp[finished] = -1
        self.finish_at[finished] = np.inf
        owner, lo, hi = self.route_runs(flows)
        order = lo.argsort(kind="stable")
        bounds, elo, ehi, cap = elementary_intervals(lo, hi, self.place_cap)
        n_e = len(cap)
        # Every link these transfers cross, at the time of its component (runs that overlap are in
        # one component).
        sorted_lo = lo[order]
        reach = np.maximum.accumulate(hi[order])
        opens = np.concatenate([[True], sorted_lo[1:] >= reach[:-1]])
        block_start, block_t = sorted_lo[opens], t[owner[order[opens]]]
        blocks: tuple[np.ndarray, np.ndarray, np.ndarray] | None = (sorted_lo, reach, opens)
        count_all = _running(elo, ehi, None, n_e)
        # The transfers sending from now on: their runs, in the same order by first place.
        if len(finished):
            alive = np.ones(len(flows), bool)
            alive[len(stay): len(stay) + len(finished)] = False
            flows, t = flows[alive], t[alive]
            kept = alive[owner]
            owner = (alive.cumsum() - 1)[owner[kept]]
            lo, hi, elo, ehi = lo[kept], hi[kept], elo[kept], ehi[kept]
            order = (kept.cumsum() - 1)[order[kept[order]]]
            blocks = None  # the blocks of what is left are to be found again
        if len(flows):
            rates, _ = max_min_rates_segments(owner, elo, ehi, cap, len(flows), order)
            self.rate[flows] = rates
            self.finish_at[flows] = t + self.left[flows] / rates
            count = _running(elo, ehi, None, n_e) if len(finished) else count_all
            load = _running(elo, ehi, rates[owner], n_e)
            comp = self.components(flows, owner, lo, hi, order, bounds, n_e, blocks)
        else:
            count, load, comp = np.zeros(n_e, np.int64), np.zeros(n_e), np.full(n_e, -1, np.int64)
        covered = count_all.nonzero()[0]
        lengths = bounds[covered + 1] - bounds[covered]
        interval = covered.repeat(lengths)
        links = self.place_link[expand(bounds[covered], bounds[covered + 1])]
        t_link = block_t[block_start.searchsorted(bounds[covered], "right") - 1].repeat(lengths)
        # Links whose load changes: settle them at the old load, then take the new.
        new_load = load[interval]
        changed = self.link_load[links] != new_load
        moved, t_moved, new_load = links[changed], t_link[changed], new_load[changed]
        elapsed = t_moved - self.link_since[moved]
        self.contended_bytes[moved] += self.link_load[moved] * elapsed
        self.saturated[moved] += np.where(self.link_full[moved], elapsed, 0.0)
        self.link_since[moved] = t_moved
        self.link_load[moved] = new_load
        self.link_full[moved] = new_load >= self.cap[moved] * (1 - 1e-9)
        flows_on = count[interval]
        self.link_flows[links] = flows_on
        self.peak[links] = np.maximum(self.peak[links], flows_on)
        self.link_comp[links] = comp[interval]
        if not self.touched[links].all():
            self.touched[links] = True
            self.touched_new = True

    def components(self, flows: np.ndarray, owner: np.ndarray, lo: np.ndarray, hi: np.ndarray, order: np.ndarray,
                   bounds: np.ndarray, n_e: int, blocks: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
                   ) -> np.ndarray:
        """Label ``flows`` (runs ``owner``, ``lo``, ``hi``, ``order`` sorting them by ``lo``) by
        component; return the label of each elementary interval (-1 where nothing runs).  ``blocks``:
        the runs' starts in order, the furthest end so far and where blocks open, if already known."""
        # Runs that overlap form blocks; transfers with several runs join their blocks.
        if blocks is None:
            sorted_lo = lo[order]
            reach = np.maximum.accumulate(hi[order])
            opens = np.concatenate([[True], sorted_lo[1:] >= reach[:-1]])
        else:
            sorted_lo, reach, opens = blocks
        block = np.empty(len(lo), np.int64)
        block[order] = opens.cumsum() - 1
        block_lo = sorted_lo[opens]
        n_blocks = len(block_lo)
        label = np.arange(n_blocks)
        if len(lo) > len(flows):
            per_flow = np.bincount(owner, minlength=len(flows))
            first = per_flow.cumsum() - per_flow
            while True:
                joined_label = np.minimum.reduceat(label[block], first)
                new = label.copy()
                np.minimum.at(new, block, joined_label[owner])
                new = new[new]
                if np.array_equal(new, label):
                    break
                label = new
        # A component's label: one of its transfers (so no other component has it).
        rep = np.empty(n_blocks, np.int64)
        rep[label[block]] = flows[owner]
        block_comp = rep[label]
        self.comp[flows[owner]] = block_comp[block]
        # Each elementary interval lies within one block, or none.
        interval_block = block_lo.searchsorted(bounds[:-1], "right") - 1
        block_first = opens.nonzero()[0]
        block_first[:-1] = block_first[1:]
        block_first[-1] = len(lo)
        ends = reach[block_first - 1]
        inside = (interval_block >= 0) & (bounds[:-1] < ends[np.maximum(interval_block, 0)])
        return np.where(inside, block_comp[np.maximum(interval_block, 0)], -1)

    def snapshot(self, t: float) -> None:
        """Record what contested links carried since the last snapshot (at a bin edge) up to ``t``;
        every link's load must be unchanged from its ``link_since`` to ``t``."""
        if self.touched_new:  # only links a contested transfer ever crossed carry contended bytes
            self.touched_links = np.flatnonzero(self.touched)
            self.touched_new = False
        links = self.touched_links
        carried = self.contended_bytes[links] + self.link_load[links] * (t - self.link_since[links])
        self.timeline.add_totals(self.edge_t, t, carried - self.edge_bytes[links], links)
        self.edge_t = t
        self.edge_bytes[links] = carried

    def snapshots(self, t: float) -> float:
        """Snapshot at every bin edge up to ``t`` (nothing may change in between); return the next edge."""
        edge = self.timeline.next_edge(self.edge_t)
        while edge <= t:
            self.snapshot(edge)
            edge = self.timeline.next_edge(self.edge_t)
        return edge

    # ------------------------------------------------------------------ the loop
    def run(self) -> EngineResult:
        idx, t_sent = self.release(np.flatnonzero(self.waits == 0))
        self.sent(idx, t_sent)
        empty = np.zeros(0, np.int64)
        no_time = np.zeros(0)
        waiting = empty  # released, on contested links, starting at self.start
        sending = empty
        group = empty  # of each sending transfer, within the window
        lookahead = self.lookahead
        while True:
            waiting = self.take_released(waiting)
            if not len(waiting) and not len(sending):
                break
            t0 = min(float(self.start[waiting].min()) if len(waiting) else np.inf,
                     float(self.finish_at[sending].min()) if len(sending) else np.inf)
            # Nothing changed since the last events: record the bin edges passed since then.
            edge = self.snapshots(t0)
            if lookahead > 0:
                # Events before this are independent across groups (windows stop at bin edges).
                end = min(t0 + lookahead, edge)
                due = self.start[waiting] < end
                joining, waiting = waiting[due], waiting[~due]
                # Joining transfers whose links are uncontested now stay so: settle them at once.
                alone = self.uncontested(joining)
                if alone.any():
                    solo = joining[alone]
                    self.sent(solo, self.send_alone(solo, self.start[solo]))
                    joining = joining[~alone]
                group, join_group, n_groups = self.groups(sending, joining)
            else:
                end = t0 + SNAP * t0  # one instant
                due = self.start[waiting] <= end
                joining, waiting = waiting[due], waiting[~due]
                group, join_group, n_groups = np.zeros(len(sending), np.int64), np.zeros(len(joining), np.int64), 1
            # What finishes within the window releases nothing that starts before its end: follow
            # it up once, at the end of the window.
            left_window, left_times = [], []
            while True:
                # Each group's next event: its first start or last byte leaving.
                next_t = np.empty(n_groups)
                next_t.fill(np.inf)
                np.minimum.at(next_t, group, self.finish_at[sending])
                np.minimum.at(next_t, join_group, self.start[joining])
                active = next_t < end if lookahead > 0 else next_t <= end
                if not active.any():
                    break
                self.events += 1
                horizon = next_t + SNAP * next_t
                leaving = active[group] & (self.finish_at[sending] <= horizon[group])
                finished, t_finished = sending[leaving], next_t[group[leaving]]
                sending, group = sending[~leaving], group[~leaving]
                due = active[join_group] & (self.start[joining] <= horizon[join_group])
                joined, t_joined, g_joined = joining[due], next_t[join_group[due]], join_group[due]
                joining, join_group = joining[~due], join_group[~due]
                if lookahead > 0:
                    left_window.append(finished)
                    left_times.append(t_finished)
                else:
                    joined, t_joined, g_joined, waiting = self.instant(finished, t0, joined, waiting, end)
                # The components touched: bring them up to their times, then recompute their rates.
                touched = self.comp[finished]
                if len(joined):
                    touched = np.concatenate([touched, self.link_comp[self.covered_links(joined)]])
                    touched = touched[touched >= 0]
                if len(touched):
                    self.comp_mark[touched] = True
                    in_touched = self.comp_mark[self.comp[sending]]
                    self.comp_mark[touched] = False
                    stay, t_stay = sending[in_touched], next_t[group[in_touched]]
                else:
                    stay, t_stay = empty, no_time
                self.update(stay, t_stay, finished, t_finished, joined, t_joined)
                sending, group = np.concatenate([sending, joined]), np.concatenate([group, g_joined])
                if self.pacer.due() and self.pacer.report(self.sent_bytes / self.total_bytes):
                    if left_window:
                        self.sent(np.concatenate(left_window), np.concatenate(left_times))
                    raise Cancelled(self.result(max(t0, float(self.link_since.max())), complete=False))
            if left_window:
                self.sent(np.concatenate(left_window), np.concatenate(left_times))
            if self.alone_count > ALONE_BATCH:
                self.record_alone()
        return self.result(float(np.nanmax(self.arrive, initial=0.0)), complete=True)

    def instant(self, finished: np.ndarray, t: float, starting: np.ndarray, waiting: np.ndarray, end: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """With no lookahead: ``finished`` left at ``t``; what they release may start at this same
        instant, as may ``starting``.  Returns the transfers that join the contested ones now (their
        times and group), and what is left waiting."""
        self.sent(finished, np.full(len(finished), t))
        parts = []
        while len(starting):
            # Their links may have become uncontested since they were released.
            alone = self.uncontested(starting)
            if alone.any():
                solo = starting[alone]
                self.sent(solo, self.send_alone(solo, self.start[solo]))
            parts.append(starting[~alone])
            waiting = self.take_released(waiting)
            now = self.start[waiting] <= end
            starting, waiting = waiting[now], waiting[~now]
        joined = np.concatenate(parts) if parts else np.zeros(0, np.int64)
        return joined, np.full(len(joined), t), np.zeros(len(joined), np.int64), waiting

    def result(self, t_end: float, complete: bool) -> EngineResult:
        fabric = self.fabric
        self.record_alone()
        self.snapshots(t_end)
        self.snapshot(t_end)
        chip_finish = np.zeros(fabric.n_chips)
        done = self.arrive <= t_end
        np.maximum.at(chip_finish, self.src[done], self.arrive[done])
        np.maximum.at(chip_finish, self.dst[done], self.arrive[done])
        edges, tl = self.timeline.result()
        return EngineResult(t_end, chip_finish, self.link_bytes + self.edge_bytes, self.saturated.copy(),
                            self.peak.copy(), edges, tl, "max-min", self.events, 0, self.n, complete)


def _running(lo: np.ndarray, hi: np.ndarray, weights: np.ndarray | None, n: int) -> np.ndarray:
    """Per position 0..n-1, the sum of ``weights`` (or the count) of the ranges [lo, hi) covering it."""
    return (np.bincount(lo, weights, minlength=n + 1) - np.bincount(hi, weights, minlength=n + 1)).cumsum()[:n]


def run_maxmin(sched: Schedule, infos: dict[int, PatternInfo], timeline: Timeline, pacer: Pacer
                ) -> EngineResult:
    return MaxMinRun(sched, infos, timeline, pacer).run()
