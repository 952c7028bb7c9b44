"""``dojo-gui simulate comm``: a collective on a design, from the command line."""

from __future__ import annotations

import argparse
import sys
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .. import units
from ..limits import Limit
from ..sim.comm_reasons import why_not
from ..text import count

if TYPE_CHECKING:
    from ..sim.comm import CommResult
    from .common import SubParsers


def register(group: SubParsers) -> None:
    """Add ``comm`` to the ``simulate`` command group."""
    from ..fabric.routing import ROUTING_HELP, ROUTINGS
    from ..sim.collectives import ALGORITHMS, COLLECTIVES, SCOPE_HELP
    from .common import add_file_argument

    p = group.add_parser(
        "comm", help="how long a collective takes, and which links hold it back",
        description=textwrap.fill(
            "Simulate a collective (all-reduce, ...) link by link on the design's fabric and print its time, "
            "algorithm and bus bandwidth (nccl-tests definitions), link utilization and the bottleneck links. "
            "p2p sends from the scope's first chip to its last.", 78),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.fill("scope: " + SCOPE_HELP, 78, break_on_hyphens=False, break_long_words=False)
               + "\n\nexamples:\n"
               "  dojo-gui simulate comm exapod --collective allreduce --bytes 1GiB --algorithm 2d\n"
               "  dojo-gui simulate comm dojo-tile --algorithm bidirectional-ring --json\n"
               "  dojo-gui simulate comm exapod --scope cabinet:C03 --collective alltoall --bytes 256MiB\n"
               "  dojo-gui simulate comm exapod --algorithm hierarchical --bytes 1MiB --routing zplane\n"
               "  dojo-gui simulate comm my.dojo --algorithm 2d --save --label 'gradients, 2d'")
    add_file_argument(p)
    p.add_argument("--collective", default="allreduce", metavar="NAME",
                   help=f"{', '.join(COLLECTIVES)} (default allreduce)")
    p.add_argument("--bytes", default="1GiB", metavar="SIZE",
                   help="S, the whole buffer: the vector reduced, the gathered result, each chip's all-to-all "
                        "buffer, the broadcast message (default 1GiB; e.g. 64MiB, 1e9)")
    p.add_argument("--algorithm", default="auto", metavar="NAME",
                   help=f"auto (try each that fits, keep the fastest), {', '.join(ALGORITHMS)} (default auto)")
    p.add_argument("--scope", default="room", metavar="SCOPE",
                   help="which chips take part: room, cabinet:PATH, tile:PATH or chips:PATH,PATH,... (see below)")
    p.add_argument("--chunks", default="1", metavar="N", help="pipeline each step's message in N pieces (default 1)")
    p.add_argument("--root", metavar="PATH", help="broadcast: the sending chip (default the scope's first chip)")
    p.add_argument("--routing", default="mesh", metavar="NAME",
                   help="; ".join(f"{name}: {ROUTING_HELP[name]}" for name in ROUTINGS) + " (default mesh)")
    p.add_argument("--no-latency", action="store_true",
                   help="leave out link latencies and per-message overheads (bandwidth only)")
    p.add_argument("--exact", action="store_true",
                   help="always simulate the whole schedule (a large hierarchical collective with latency is "
                        "otherwise estimated level by level, and says so)")
    p.add_argument("--per-link", action="store_true", help="with --json: a record for every link that carried data")
    p.add_argument("--save", action="store_true",
                   help="keep the run in the project file (its saved runs, which reports and exports show)")
    p.add_argument("--label", help="with --save: what to call the run (default: what was run, e.g. "
                                   "'all-reduce 1.07 GB, ring, room')")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=cmd_comm)


def _parse_bytes(text: str) -> float:
    """--bytes: a size from 0 up to the collective limit (:data:`dojo_gui.limits.COMM_BYTES`)."""
    from .. import limits
    from .common import CliError

    try:
        size = units.parse(text, "B")
    except units.UnitError as exc:
        raise CliError(f"--bytes: {exc}") from None
    if size > limits.COMM_BYTES.value:
        raise CliError(f"--bytes: {text!r} is over the limit: a collective's buffer is from 0 B to "
                       f"{units.format(limits.COMM_BYTES.value, 'B')}{_raise_hint(limits.COMM_BYTES)}")
    return size


def _parse_chunks(text: str) -> int:
    """--chunks: a whole number from 1 up to the chunk limit (:data:`dojo_gui.limits.COMM_CHUNKS`)."""
    from .. import limits
    from .common import CliError

    high = int(limits.COMM_CHUNKS.value)
    digits = text.strip().lstrip("+")
    if not digits.isdigit() or len(digits) > 18 or not 1 <= int(digits) <= high:
        raise CliError(f"--chunks: {text!r} is not a whole number from 1 to {high:,}{_raise_hint(limits.COMM_CHUNKS)}")
    return int(digits)


def _raise_hint(limit: Limit) -> str:
    from .. import limits

    return "" if limits.allow_large() else f" (--allow-large raises the limit to {limit.large:,.0f})"


def cmd_comm(args: argparse.Namespace) -> int:
    from ..fabric.fabric import Fabric
    from ..fabric.routing import NoRoute
    from ..sim.collectives import CollectiveError
    from ..sim.comm import TooLarge, simulate_collective
    from .common import EXIT_FINDINGS, EXIT_OK, CliError, check_outputs, check_text, is_bundled, load_design, print_json

    size = _parse_bytes(args.bytes)
    chunks = _parse_chunks(args.chunks)
    check_text("--label", args.label)
    path, design = load_design(args.file)
    if args.save and is_bundled(path):
        raise CliError(f"--save keeps the run in a project file, and {args.file!r} is a bundled example: "
                       f"make your own copy first (dojo-gui new {path.stem} -o my.dojo)")
    if args.label is not None and not args.save:
        raise CliError("--label names a run kept with --save")
    if args.save:
        check_outputs({"--save": path}, [])
    fabric = Fabric.from_design(design)
    if fabric.n_chips == 0:
        raise CliError(f"{path}: the design has no chips")
    show_progress = not args.quiet and not args.json and sys.stderr.isatty()
    last = [0.0]

    def progress(fraction: float) -> None:
        if show_progress and time.monotonic() - last[0] > 0.2:
            last[0] = time.monotonic()
            print(f"\r  simulating... {fraction:4.0%}", end="", file=sys.stderr, flush=True)

    try:
        result = simulate_collective(design, args.collective, size, args.algorithm, args.scope, chunks,
                                     progress=progress, latency=not args.no_latency, root=args.root, fabric=fabric,
                                     routing=args.routing, exact=args.exact)
    except (CollectiveError, TooLarge) as exc:
        raise CliError(str(exc)) from None
    except NoRoute as exc:
        raise CliError(f"{path}: {exc} (the fabric is not connected there)", EXIT_FINDINGS) from None
    finally:
        if show_progress:
            print("\r" + " " * 30 + "\r", end="", file=sys.stderr)
    doc = {"file": str(path), **result.to_json(per_link=args.per_link)}
    if args.save:
        from ..io.project import ProjectFileError, save
        from ..jobs.keep import keep_design
        from ..model.runs import RunRecordError

        try:  # with a print of the design and each chip's busiest link, as the window keeps a run
            record = keep_design(result.run_record(label=args.label or "", revision=design.revision), design, result)
        except RunRecordError as exc:
            raise CliError(f"{path}: cannot keep the run: {exc}") from None
        design.add_run(record)
        try:
            save(design, path)
        except (OSError, ProjectFileError) as exc:
            raise CliError(f"{path}: cannot save the run: {getattr(exc, 'strerror', None) or exc}") from None
        doc["saved_to"] = str(path)
        doc["saved_runs"] = len(design.runs)
    if args.json:
        print_json(doc)
        return EXIT_OK
    print(_report(path, design.name, result))
    if args.save:
        print(f"  saved     the run is kept in {path} ({count(len(design.runs), 'saved run')})")
    return EXIT_OK


def _report(path: Path, name: str, r: CommResult) -> str:
    fmt = units.format
    lines = [f"{name}  ({path})",
             f"  {r.collective} of {fmt(r.size_bytes, 'B')} over {r.chips:,} chips ({r.scope}), "
             f"{r.algorithm}" + (" (chosen by auto)" if r.requested_algorithm == "auto" else "")
             + (", through the Z-plane" if r.routing == "zplane" else "")
             + (f", {r.chunks} chunks" if r.chunks > 1 else "") + ("" if r.latency else ", no latency"),
             f"  time      {fmt(r.time_s, 's')}   (no algorithm can beat {fmt(r.lower_bound_s, 's')} here"
             + (f": {r.lower_bound.detail})" if r.lower_bound else ")"),
             f"  algbw     {fmt(r.algbw_Bps, 'B/s')}   busbw {fmt(r.busbw_Bps, 'B/s')}",
             (f"  links     {int((r.link_bytes > 0).sum()):,} of {len(r.links):,} carried data; "
              f"busiest at {r.max_link_utilization:.1%} of capacity on average")]
    for note in r.notes:
        lines.append(f"  note      {note}")
    lines += candidate_lines(r.candidates, r.algorithm)
    if len(r.bottleneck_links):
        lines.append(f"  bottleneck links ({len(r.bottleneck_links):,}, limiting transfers for "
                     f"{fmt(float(r.link_saturated_s[r.bottleneck_links[0]]), 's')}):")
        for i in r.bottleneck_links[:8]:
            lines.append(f"    {r.link_name(i)}  [{r.links.kind[i]}, {fmt(float(r.links.capacity_Bps[i]), 'B/s')}, "
                         f"{r.link_utilization[i]:.0%}]")
        if len(r.bottleneck_links) > 8:
            lines.append(f"    ... and {len(r.bottleneck_links) - 8:,} more")
    if len(r.shared_links):
        lines.append(f"  shared links ({len(r.shared_links):,} carried several transfers at once, "
                     f"up to {int(r.link_peak_flows[r.shared_links[0]])}):")
        for i in r.shared_links[:5]:
            lines.append(f"    {r.link_name(i)}  [{int(r.link_peak_flows[i])} at once]")
        if len(r.shared_links) > 5:
            lines.append(f"    ... and {len(r.shared_links) - 5:,} more")
    else:
        lines.append("  no link carried two transfers at once")
    return "\n".join(lines)


def candidate_lines(candidates: dict[str, float | str], chosen: str) -> list[str]:
    """What auto tried, one algorithm a line: its time, or in words why it was not run."""
    lines = []
    for n, (algorithm, outcome) in enumerate(candidates.items()):
        if isinstance(outcome, float):
            text = units.format(outcome, "s") + (" (the fastest, kept)" if algorithm == chosen else "")
        else:
            text = why_not(outcome)
        lines.append(f"  {'tried' if n == 0 else '':<9} {algorithm}: {text}")
    return lines
