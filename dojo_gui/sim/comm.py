"""How long a collective takes on a design, and which links hold it back.

The entry point is :func:`simulate_collective`; it returns a :class:`CommResult` of plain
numbers and numpy arrays.  It can be cancelled: when ``should_stop()`` returns True it raises
:class:`Cancelled`, whose ``partial`` attribute is the result so far (``complete`` False).

Bandwidths follow nccl-tests: ``algbw = S / time``; ``busbw = algbw x 2(n-1)/n`` for
all-reduce, ``x (n-1)/n`` for reduce-scatter, all-gather and all-to-all, ``x 1`` otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np

from ..fabric.fabric import Fabric
from ..fabric.routing import ROUTINGS, RoutingError, zplane_exits
from ..model.design import Design
from . import comm_engine
from .collectives import (
    SCOPE_HELP,
    SUPPORTED,
    CollectiveError,
    NotApplicable,
    Scope,
    algorithm_name,
    build_schedule,
    bus_factor,
    collective_name,
    resolve_scope,
)
from .comm_bounds import LowerBound, lower_bound
from .comm_engine import Cancelled, TooLarge
from .comm_levels import LEVELWISE_NOTE, run_levels, use_levels
from .comm_schedule import Schedule

__all__ = [
    "ROUTINGS",
    "SCOPE_HELP",
    "Cancelled",
    "CollectiveError",
    "CommResult",
    "LinkTable",
    "TooLarge",
    "lower_bound_s",
    "simulate_collective",
]

# How many links the result names as bottlenecks / shared, at most (the counts are complete).
NAMED_LINKS = 20
# A link is a bottleneck when it limited transfers for at least this share of the longest such time.
BOTTLENECK_SHARE = 0.99
# How the collectives read in a saved run's label.
COLLECTIVE_WORDS = {"allreduce": "all-reduce", "reducescatter": "reduce-scatter", "allgather": "all-gather",
                    "alltoall": "all-to-all", "broadcast": "broadcast", "p2p": "point-to-point"}


@dataclass
class LinkTable:
    """The fabric's directed links, by the names of their endpoints (chip paths, switch names)."""

    src: list[str]
    dst: list[str]
    kind: list[str]
    capacity_Bps: np.ndarray
    latency_s: np.ndarray

    @classmethod
    def of(cls, fabric: Fabric) -> LinkTable:
        """The fabric's table, built once per fabric (results share it; nobody changes it)."""
        cached = fabric.cache.get("link_table")
        if isinstance(cached, LinkTable):
            return cached
        names = fabric.node_names
        table = cls([names[i] for i in fabric.link_src.tolist()], [names[i] for i in fabric.link_dst.tolist()],
                   [fabric.kinds[k] for k in fabric.link_kind.tolist()], fabric.link_capacity_Bps.copy(),
                   fabric.link_latency_s.copy())
        fabric.cache["link_table"] = table
        return table

    def __len__(self) -> int:
        return len(self.src)

    def name(self, i: int) -> str:
        return f"{self.src[i]} -> {self.dst[i]}"


@dataclass
class CommResult:
    collective: str
    algorithm: str  # the algorithm that ran (what "auto" chose)
    requested_algorithm: str
    size_bytes: float
    chunks: int
    scope: str
    chips: int
    chip_indices: np.ndarray  # fabric chip index of each chip of the scope
    chip_names: list[str]
    time_s: float
    algbw_Bps: float
    busbw_Bps: float
    chip_finish_s: np.ndarray  # per chip of the scope: when its last transfer (in or out) completed
    links: LinkTable
    link_bytes: np.ndarray  # per directed link
    link_utilization: np.ndarray  # bytes / (capacity x time_s)
    link_saturated_s: np.ndarray  # how long the link was the bottleneck of some transfer
    link_peak_flows: np.ndarray  # most transfers on the link at once
    timeline_edges_s: np.ndarray  # n_bins + 1 bin edges
    timeline_utilization: np.ndarray  # (n_bins, n_links) float32: mean utilization in each bin
    bottleneck_links: np.ndarray  # link indices, worst first
    shared_links: np.ndarray  # links that carried two or more transfers at once, most first
    max_link_utilization: float
    lower_bound_s: float  # no algorithm can beat this (bandwidth only, latency ignored)
    latency: bool  # latencies and per-message overheads counted
    engine: str
    events: int
    transfers: int
    uniform_steps: int
    complete: bool = True
    candidates: dict[str, float | str] = field(default_factory=dict)  # auto: time per algorithm, or why not
    routing: str = "mesh"  # how transfers found their way (dojo_gui.fabric.routing.ROUTINGS)
    lower_bound: LowerBound | None = None  # which bound lower_bound_s is, in words
    notes: list[str] = field(default_factory=list)  # what the algorithm's layout costs, where worth saying
    groups: int = 1  # how many groups ran the collective at once (chips / groups chips each)
    exact: bool = True  # False: an estimate (level by level, :mod:`dojo_gui.sim.comm_levels`; ``notes`` says how)

    def link_name(self, i: int) -> str:
        return self.links.name(int(i))

    def link_record(self, i: int) -> dict[str, object]:
        i = int(i)
        return {"link": i, "src": self.links.src[i], "dst": self.links.dst[i], "kind": self.links.kind[i],
                "capacity_Bps": float(self.links.capacity_Bps[i]), "bytes": float(self.link_bytes[i]),
                "utilization": float(self.link_utilization[i]), "saturated_s": float(self.link_saturated_s[i]),
                "peak_transfers": int(self.link_peak_flows[i])}

    def describe(self) -> str:
        """What was run, in a few words: "all-reduce 1 GiB, hierarchical (auto), room"."""
        from .. import units

        how = self.algorithm + (" (auto)" if self.requested_algorithm == "auto" else "")
        extra = ((", through the Z-plane" if self.routing == "zplane" else "")
                 + (f", {self.chunks} chunks" if self.chunks > 1 else "") + ("" if self.latency else ", no latency"))
        stopped = "" if self.complete else " (stopped early)"
        return (f"{COLLECTIVE_WORDS[self.collective]} {units.format(self.size_bytes, 'B')}, {how}, {self.scope}"
                f"{extra}{stopped}")

    def run_record(self, label: str = "", revision: int | None = None, max_points: int = 400) -> dict[str, object]:
        """The run as a saved-run record (``Design.runs``; the format of :mod:`dojo_gui.report.runs`):
        key figures, parameters, the utilization over time of the links that carried data (their mean
        and the busiest), the share of the chips done over time, and the bottleneck and shared links."""
        used = self.link_bytes > 0
        finish = np.sort(self.chip_finish_s)
        figures = {"time_s": self.time_s, "algbw_Bps": self.algbw_Bps, "busbw_Bps": self.busbw_Bps,
                   "lower_bound_s": self.lower_bound_s, "chips": self.chips,
                   "max_link_utilization_fraction": self.max_link_utilization,
                   "mean_link_utilization_fraction": float(self.link_utilization[used].mean()) if used.any() else 0.0,
                   "links_used": int(used.sum()), "bottleneck_links": len(self.bottleneck_links),
                   "shared_links": len(self.shared_links),
                   "first_chip_done_s": float(finish[0]) if len(finish) else 0.0,
                   "last_chip_done_s": float(finish[-1]) if len(finish) else 0.0}
        parameters = {"collective": COLLECTIVE_WORDS[self.collective], "size_bytes": self.size_bytes,
                      "algorithm": self.algorithm, "requested_algorithm": self.requested_algorithm,
                      "scope": self.scope, "routing": self.routing, "chunks": self.chunks,
                      "latency_and_overhead": self.latency,
                      "engine": self.engine}
        if not self.exact:
            parameters["exact"] = False
        series = {}
        bins = len(self.timeline_edges_s) - 1
        if bins > 0 and used.any():
            # Bins merged in groups so that there are at most max_points (equal widths: plain means).
            group = -(-bins // max(1, max_points))
            n = -(-bins // group)
            util = self.timeline_utilization[:, used].astype(float)
            pad = n * group - bins
            mean = np.pad(util.mean(axis=1), (0, pad), constant_values=np.nan).reshape(n, group)
            peak = np.pad(util.max(axis=1), (0, pad), constant_values=np.nan).reshape(n, group)
            edges = self.timeline_edges_s
            start = edges[:-1][::group]
            stop = np.append(edges[group::group], edges[-1])[:n]
            middle = (start + stop) / 2
            series["link_utilization_mean_fraction"] = [[float(t), float(v)] for t, v in
                                                         zip(middle, np.nanmean(mean, axis=1))]
            series["link_utilization_max_fraction"] = [[float(t), float(v)] for t, v in
                                                        zip(middle, np.nanmax(peak, axis=1))]
        if len(finish):
            # A staircase (each step drawn as two points at its time): exact where the steps are few,
            # the staircase sampled at even times where they are many.
            times = np.unique(finish)
            if 2 * len(times) + 1 > max_points:
                times = np.linspace(0.0, float(finish[-1]), max(2, (max_points - 1) // 2))
            done = np.searchsorted(finish, times, "right") / len(finish)
            before = np.concatenate([[0.0], done[:-1]])
            points = [[0.0, 0.0]]
            for t, a, b in zip(times.tolist(), before.tolist(), done.tolist()):
                points += [[t, a], [t, b]] if b != a else [[t, b]]
            series["chips_done_fraction"] = points
        tables = [self._link_table(f"Bottleneck links: the {min(len(self.bottleneck_links), NAMED_LINKS)} of "
                                   f"{len(self.bottleneck_links):,} that limited transfers longest",
                                   self.bottleneck_links)]
        if len(self.shared_links):
            tables.append(self._link_table(f"Links that carried several transfers at once: the "
                                           f"{min(len(self.shared_links), NAMED_LINKS)} of {len(self.shared_links):,} "
                                           f"with the most", self.shared_links))
        if self.candidates:
            tables.append({"title": "Algorithms auto tried", "columns": ["algorithm", "time_s", "why_not"],
                           "rows": [[alg, v if isinstance(v, float) else None, "" if isinstance(v, float) else v]
                                    for alg, v in self.candidates.items()]})
        record: dict[str, object] = {"kind": "comm", "label": label or self.describe(), "parameters": parameters,
                  "key_figures": {k: float(v) for k, v in figures.items()}, "series": series, "tables": tables,
                  "finished": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
        if revision is not None:
            record["revision"] = int(revision)
        return record

    def _link_table(self, title: str, links: np.ndarray) -> dict[str, object]:
        rows = [[self.link_name(i), self.links.kind[i], float(self.links.capacity_Bps[i]),
                 float(self.link_utilization[i]), float(self.link_saturated_s[i]), int(self.link_peak_flows[i])]
                for i in links[:NAMED_LINKS]]
        return {"title": title, "columns": ["link", "kind", "capacity_Bps", "utilization_fraction", "saturated_s",
                                            "peak_transfers"], "rows": rows}

    def to_json(self, per_link: bool = False) -> dict[str, object]:
        used = np.flatnonzero(self.link_bytes > 0)
        doc = {
            "collective": self.collective,
            "algorithm": self.algorithm,
            "requested_algorithm": self.requested_algorithm,
            "size_bytes": self.size_bytes,
            "chunks": self.chunks,
            "scope": self.scope,
            "routing": self.routing,
            "chips": self.chips,
            "time_s": self.time_s,
            "algbw_Bps": self.algbw_Bps,
            "busbw_Bps": self.busbw_Bps,
            "lower_bound_s": self.lower_bound_s,
            "lower_bound": self.lower_bound.to_json() if self.lower_bound else None,
            "latency": self.latency,
            "links": len(used),
            "links_in_fabric": len(self.links),
            "max_link_utilization": self.max_link_utilization,
            "bottleneck_count": len(self.bottleneck_links),
            "bottleneck_links": [self.link_record(i) for i in self.bottleneck_links[:NAMED_LINKS]],
            "shared_count": len(self.shared_links),
            "shared_links": [self.link_record(i) for i in self.shared_links[:NAMED_LINKS]],
            "first_chip_done_s": float(self.chip_finish_s.min()) if self.chips else 0.0,
            "last_chip_done_s": float(self.chip_finish_s.max()) if self.chips else 0.0,
            "engine": self.engine,
            "transfers": self.transfers,
            "complete": self.complete,
            "exact": self.exact,
        }
        if self.candidates:
            doc["candidates"] = self.candidates
        if self.notes:
            doc["notes"] = list(self.notes)
        if self.groups > 1:
            doc["groups"] = self.groups
        if per_link:
            doc["per_link"] = [self.link_record(int(i)) for i in used]
        return doc


ProgressFn = Callable[[float], None]
StopFn = Callable[[], bool]


def simulate_collective(design: Design | Fabric, collective: str = "allreduce", size_bytes: float = 1 << 30,
                        algorithm: str = "auto", scope: object = None, chunks: int = 1, *,
                        progress: ProgressFn | None = None,
                        should_stop: StopFn | None = None, latency: bool = True, root: object = None,
                        n_bins: int = comm_engine.DEFAULT_BINS, fabric: Fabric | None = None,
                        routing: str = "mesh", exact: bool = False) -> CommResult:
    """Simulate one collective on ``design`` (or on a :class:`Fabric` built from it).

    ``scope``: None or "room", "cabinet:PATH", "tile:PATH", "chips:PATH,PATH,...", a part
    path, or a list of chip indices (see :data:`SCOPE_HELP`).  ``algorithm``: one of
    :data:`~dojo_gui.sim.collectives.ALGORITHMS` or "auto", which keeps the fastest algorithm that
    fits the scope (``candidates`` gives each one's time, or why it was not run: it does not fit, or
    even with no link shared it could not beat the best, so it was not simulated in full).  ``latency=False``
    drops link latencies and per-message overheads (the pure bandwidth answer).  ``root``:
    the broadcast root (a chip index or path; default the scope's first chip).  ``fabric``: the
    design's fabric if the caller already built it (it is built from ``design`` otherwise).
    ``routing``: how transfers find their way, one of :data:`~dojo_gui.fabric.routing.ROUTINGS`:
    "mesh" (the chips' own links; dimension-order on a grid) or "zplane" (between cabinets through
    the room's switched network, within a cabinet over the mesh).  ``exact``: always run the whole
    schedule; otherwise a large hierarchical collective with latency is estimated level by level
    (:mod:`dojo_gui.sim.comm_levels`; the result's ``exact`` is then False and its notes say so).

    ``progress(fraction)`` is called about every 50 ms; when ``should_stop()`` returns True
    the run ends promptly by raising :class:`Cancelled` carrying the partial result.
    Raises :class:`CollectiveError` for a bad collective, algorithm, scope, size or routing.
    """
    if routing not in ROUTINGS:
        raise CollectiveError(f"unknown routing {routing!r} (routings: {', '.join(ROUTINGS)})")
    if fabric is None:
        fabric = design if isinstance(design, Fabric) else Fabric.from_design(design)
    collective = collective_name(collective)
    requested = algorithm_name(algorithm)
    if not (size_bytes >= 0 and np.isfinite(size_bytes)):
        raise CollectiveError(f"size must be a number of bytes >= 0, not {size_bytes!r}")
    if int(chunks) != chunks or chunks < 1:
        raise CollectiveError(f"chunks must be a whole number >= 1, not {chunks!r}")
    chunks = int(chunks)
    the_scope = resolve_scope(fabric, scope, design if isinstance(design, Design) else None)
    root_chip = _root(fabric, root, the_scope)
    if routing != "mesh":
        try:
            zplane_exits(fabric)
        except RoutingError as exc:
            raise CollectiveError(f"routing {routing}: {exc}") from None
    if requested != "auto":
        if requested not in SUPPORTED[collective]:
            raise CollectiveError(f"{collective} runs with {', '.join(SUPPORTED[collective])}, not {requested}")
        sched = build_schedule(fabric, collective, requested, size_bytes, the_scope, chunks, root_chip, routing)
        return _run_schedule(fabric, sched, collective, requested, requested, size_bytes, the_scope, chunks,
                             root_chip, latency, n_bins, progress, should_stop, routing, exact)

    # Candidates in order of a quick lower bound on their time; one that cannot beat the best so far is
    # not simulated (nor, if it needs the max-min engine, one that could not even with no link shared).
    candidates: dict[str, float | str] = {}
    best: CommResult | None = None
    algorithms = SUPPORTED[collective]
    planned = []
    for alg in algorithms:
        try:
            sched = build_schedule(fabric, collective, alg, size_bytes, the_scope, chunks, root_chip, routing)
        except (NotApplicable, TooLarge) as exc:
            candidates[alg] = str(exc)
            continue
        planned.append((comm_engine.quick_floor_s(sched, latency), alg, sched))
    planned.sort(key=lambda item: item[0])
    for k, (floor, alg, sched) in enumerate(planned):
        share = (lambda f, k=k: progress((k + f) / len(planned))) if progress else None
        if best is not None and floor < best.time_s and comm_engine.needs_max_min(sched, latency):
            floor = comm_engine.floor_s(sched, latency)
        if best is not None and floor >= best.time_s:
            candidates[alg] = (f"not simulated: it cannot take less than {floor:.6g} s, and {best.algorithm} "
                               f"takes {best.time_s:.6g} s")
            continue
        try:
            result = _run_schedule(fabric, sched, collective, alg, "auto", size_bytes, the_scope, chunks, root_chip,
                                   latency, n_bins, share, should_stop, routing, exact)
        except TooLarge as exc:
            candidates[alg] = str(exc)
            continue
        except Cancelled as exc:
            if isinstance(exc.partial, CommResult):
                exc.partial.candidates = dict(candidates)
            raise
        candidates[alg] = result.time_s
        if best is None or result.time_s < best.time_s:
            best = result
    if best is None:
        reasons = "; ".join(f"{a}: {why}" for a, why in candidates.items())
        raise CollectiveError(f"no algorithm fits this scope ({reasons})")
    best.candidates = {alg: candidates[alg] for alg in algorithms if alg in candidates}
    return best


def _root(fabric: Fabric, root: object, scope: Scope) -> int | None:
    if root is None:
        return None
    if isinstance(root, (int, np.integer)):
        chip = int(root)
    else:
        found = resolve_scope(fabric, f"chips:{root}" if isinstance(root, str) else [root])
        chip = int(found.chips[0])
    if chip not in set(scope.chips.tolist()):
        raise CollectiveError(f"root {root!r} is not one of the scope's chips")
    return chip


def _run_schedule(fabric: Fabric, sched: Schedule, collective: str, algorithm: str, requested: str,
                  size_bytes: float, scope: Scope, chunks: int, root: int | None, latency: bool, n_bins: int,
                  progress: ProgressFn | None, should_stop: StopFn | None,
                  routing: str, exact: bool = False) -> CommResult:
    by_level = not exact and use_levels(sched, algorithm, collective, chunks, latency)
    notes = list(sched.notes) + ([LEVELWISE_NOTE] if by_level else [])
    try:
        if by_level:
            run = run_levels(sched, latency=latency, n_bins=n_bins, progress=progress, should_stop=should_stop)
        else:
            run = comm_engine.run(sched, latency=latency, n_bins=n_bins, progress=progress, should_stop=should_stop)
    except TooLarge as exc:
        if exact and use_levels(sched, algorithm, collective, chunks, latency):
            raise TooLarge(f"{exc}; without exact (--exact) it is estimated level by level") from None
        raise
    except Cancelled as exc:
        assert isinstance(exc.partial, comm_engine.EngineResult)
        partial = _result(fabric, collective, algorithm, requested, size_bytes, scope, chunks, latency,
                          exc.partial, root, routing)
        partial.notes = notes
        partial.exact = not by_level
        exc.partial = partial
        raise
    result = _result(fabric, collective, algorithm, requested, size_bytes, scope, chunks, latency, run, root, routing)
    result.notes = notes
    result.exact = not by_level
    return result


def _result(fabric: Fabric, collective: str, algorithm: str, requested: str, size_bytes: float, scope: Scope,
            chunks: int, latency: bool, run: comm_engine.EngineResult, root: int | None, routing: str
            ) -> CommResult:
    n = len(scope.chips)
    t = run.time_s
    bound = lower_bound(fabric, collective, size_bytes, scope, root, routing)
    algbw = size_bytes / t if t > 0 else float("inf") if size_bytes > 0 else 0.0
    cap = fabric.link_capacity_Bps
    util = run.link_bytes / (cap * t) if t > 0 else np.zeros(fabric.n_links)
    sat = run.link_saturated_s
    if sat.max(initial=0) > 0:
        bottleneck = np.flatnonzero(sat >= BOTTLENECK_SHARE * sat.max())
        bottleneck = bottleneck[np.lexsort((-util[bottleneck], -sat[bottleneck]))]
    else:
        bottleneck = np.zeros(0, np.int64)
    shared = np.flatnonzero(run.link_peak_flows >= 2)
    shared = shared[np.lexsort((-run.link_bytes[shared], -run.link_peak_flows[shared]))]
    widths = np.diff(run.timeline_edges_s)
    # Bytes to utilization in place, in float32: the timeline is the result's biggest array.
    timeline_util = np.asarray(run.timeline_bytes, np.float32)
    timeline_util /= widths.astype(np.float32)[:, None]
    timeline_util /= cap.astype(np.float32)[None, :]
    return CommResult(
        collective=collective, algorithm=algorithm, requested_algorithm=requested, size_bytes=float(size_bytes),
        chunks=chunks, scope=scope.description, chips=n, chip_indices=scope.chips.copy(),
        chip_names=[fabric.chip_name(c) for c in scope.chips.tolist()], time_s=t, algbw_Bps=algbw,
        busbw_Bps=algbw * bus_factor(collective, scope.group_size), chip_finish_s=run.chip_finish_s[scope.chips],
        links=LinkTable.of(fabric), link_bytes=run.link_bytes, link_utilization=util, link_saturated_s=sat,
        link_peak_flows=run.link_peak_flows, timeline_edges_s=run.timeline_edges_s,
        timeline_utilization=timeline_util, bottleneck_links=bottleneck, shared_links=shared,
        max_link_utilization=float(util.max(initial=0.0)),
        lower_bound_s=bound.time_s, lower_bound=bound,
        latency=latency, engine=run.mode, events=run.events, transfers=run.transfers,
        uniform_steps=run.uniform_steps, complete=run.complete, routing=routing,
        groups=len(scope.groups) if scope.groups is not None else 1)


def lower_bound_s(fabric: Fabric, collective: str, size_bytes: float, chips: np.ndarray, root: int | None = None,
                  routing: str = "mesh") -> float:
    """A time no algorithm can beat on this fabric (bandwidth only; latency would add to it), over the
    links the collective may use (:mod:`dojo_gui.sim.comm_bounds`)."""
    scope = Scope(np.asarray(chips, np.int64), "chips")
    return lower_bound(fabric, collective_name(collective), size_bytes, scope, root, routing).time_s
