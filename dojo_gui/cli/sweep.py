"""``dojo-gui sweep``: variants of a design run on a Dask cluster, one row per variant.

The scenario's options are those of ``dojo-gui simulate thermal|comm|train`` and are read by that
command's own parser, so they mean the same thing in both places.  Exit codes: 0 every variant ran;
1 some variant failed (its error is in its row); 2 bad usage or input; 130 interrupted (the first
Ctrl-C cancels what has not run and prints what has; a second one aborts).
"""

from __future__ import annotations

import argparse
import signal
import sys
import textwrap
import time
from pathlib import Path
from typing import Any, TextIO

from .common import (
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    check_outputs,
    is_bundled,
    load_design,
    print_json,
    resolve_design_path,
)

PROGRESS_EVERY_S = 0.25


def register(sub: Any) -> None:
    """Add ``sweep``."""
    p = sub.add_parser(
        "sweep", help="run variants of a design (figures, grids, scenario options) on a Dask cluster",
        allow_abbrev=False, formatter_class=argparse.RawDescriptionHelpFormatter,
        description=textwrap.fill(
            "Vary figures of a design's specs, its grids and the scenario's options, run every variant (on a local "
            "Dask cluster of as many workers as the machine has cores, or on an existing cluster with --scheduler), "
            "and print one row per variant with its varied figures, its key results and its economics. Variants "
            "computed before come from the cache. The scenario's options are those of 'dojo-gui simulate KIND' "
            "(see its --help), given after --scenario KIND.", 78),
        epilog="axes (--vary, repeatable):\n"
               "  SPEC.FIGURE=V1,V2,...     a figure of a spec (SPEC: an id, or chip/tile/cabinet/room for every\n"
               "                            spec of that level), with or without its unit: dojo-d1.tdp=350W,400W\n"
               "  SPEC.FIGURE=LO..HI:N      N values from LO to HI; LO..HI (no :N) is sampled by --plan lhs:N\n"
               "  SPEC.FIGURE.KEY=...       an entry of a table figure: chip.peak_flops.bf16=300TFLOPS,362TFLOPS\n"
               "  LEVEL.grid=4x4,5x5        every tile (cabinet, room) resized: tile.grid, cabinet.grid, room.grid\n"
               "  scenario.OPTION=...       an option of the scenario: scenario.utilization=50%,90%\n"
               "  (separate values with ';' when one holds a comma)\n\n"
               "examples:\n"
               "  dojo-gui sweep exapod --vary 'dojo-d1.tdp=350W,400W,450W,500W' --scenario thermal --duration 1h\n"
               "  dojo-gui sweep exapod --vary 'chip.tdp=350W..500W' --vary 'dojo-training-tile.coolant_flow=15..30'\n"
               "      --plan lhs:32 --scenario thermal --ambient-curve daily:12C,35C -o results.csv\n"
               "  dojo-gui sweep my.dojo --vary 'cabinet.grid=2x4,2x6' --scenario train --model gpt3-175b --save\n"
               "  dojo-gui sweep exapod --vary 'tile.grid=4x4,5x5' --scenario comm --bytes 1GiB "
               "--scheduler tcp://10.0.0.5:8786")
    p.add_argument("file", metavar="FILE", help="a .dojo project, or a bundled example by name (e.g. exapod)")
    p.add_argument("--vary", action="append", default=[], metavar="AXIS", help="what to vary (see below; repeatable)")
    p.add_argument("--scenario", required=True, choices=["thermal", "comm", "train"],
                   help="what every variant runs; its options follow (those of 'dojo-gui simulate KIND')")
    p.add_argument("--plan", default="product", metavar="PLAN",
                   help="product (every combination, the default), list (the i-th values together) or lhs:N "
                        "(a Latin-hypercube sample of N variants)")
    p.add_argument("--seed", default="0", metavar="N", help="the sample's seed for --plan lhs:N (default 0)")
    p.add_argument("--scheduler", metavar="ADDR",
                   help="run on an existing Dask cluster, e.g. tcp://HOST:8786 (its workers need dojo-gui installed)")
    p.add_argument("--workers", metavar="N", help="local workers (default: one per core); 0 runs in this process")
    p.add_argument("--electricity-price", default="0.10", metavar="USD_PER_KWH",
                   help="for the economics (default 0.10 $/kWh)")
    p.add_argument("--years", default="4", metavar="N", help="years of service for the cost of ownership (default 4)")
    p.add_argument("--name", help="what to call the sweep (default: its axes)")
    p.add_argument("--no-cache", action="store_true", help="compute every variant, even those computed before")
    p.add_argument("--save", action="store_true", help="keep the sweep and its results in the project file")
    p.add_argument("-o", "--output", metavar="CSV", help="write every variant's figures as CSV")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=cmd_sweep, takes_unknown=True)


# --------------------------------------------------------------------------- the scenario, by the simulate parsers
def scenario_from_options(kind: str, file: str, options: list[str]) -> dict[str, Any]:
    """The sweep's scenario data from ``dojo-gui simulate KIND`` options, parsed by that command's own parser."""
    from ..jobs.live import CommJob
    from ..jobs.sweep.scenario import from_comm, from_thermal, from_training

    parser = argparse.ArgumentParser(prog=f"dojo-gui sweep --scenario {kind}", allow_abbrev=False, add_help=False)
    group = parser.add_subparsers(dest="simulation")
    from . import simulate_comm, simulate_thermal, simulate_train

    registers = {"thermal": simulate_thermal.register, "comm": simulate_comm.register, "train": simulate_train.register}
    registers[kind](group)
    kind_parser = group.choices[kind]
    kind_parser.prog = f"dojo-gui sweep FILE --scenario {kind}"
    for name in ("--json", "--save", "--label", "-q", "--csv", "--per-link", "--list-models", "--price"):
        if any(name in a.option_strings for a in kind_parser._actions) and name in options:
            raise CliError(f"{name}: not a scenario option of a sweep (the sweep has its own --json, --save, -o, "
                           f"--electricity-price)")
    try:
        args = parser.parse_args([kind, file, *options])
    except SystemExit as exc:  # argparse has printed the reason
        raise CliError("the scenario's options (see above)", int(exc.code or EXIT_USAGE)) from None
    if kind == "thermal":
        try:
            return from_thermal(simulate_thermal.scenario_from_args(args), every_step=args.every_step)
        except simulate_thermal._Usage as exc:
            raise CliError(str(exc)) from None
    if kind == "comm":
        job = CommJob(collective=args.collective, size_bytes=simulate_comm._parse_bytes(args.bytes),
                      algorithm=args.algorithm, scope=args.scope, chunks=simulate_comm._parse_chunks(args.chunks),
                      latency=not args.no_latency)
        return from_comm(job, args.routing)
    from ..io.catalog import builtin_models

    model, settings, plan, fixed = simulate_train.training_request(args, builtin_models())
    simulate_best = int(args.simulate_best) if str(args.simulate_best).isdigit() else 3
    return from_training(model.id, settings, plan, fixed, simulate_best)


# --------------------------------------------------------------------------- the command
def _number(option: str, text: str, whole: bool = False) -> float:
    try:
        value = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise CliError(f"{option}: {text!r} is not a number") from None
    if not value >= 0 or (whole and not value.is_integer()):
        raise CliError(f"{option}: must be {'a whole number ' if whole else ''}0 or more, not {text}")
    return value


def build_sweep(args: argparse.Namespace, design: Any, scenario_options: list[str]) -> Any:
    from ..jobs.sweep.scenario import check, options
    from ..model.economics import Economics
    from ..model.sweep import Plan, Sweep, SweepError, parse_axis

    if not args.vary:
        raise CliError("what to vary? give --vary SPEC.FIGURE=VALUES (e.g. --vary 'dojo-d1.tdp=350W,400W')")
    scenario = scenario_from_options(args.scenario, args.file, scenario_options)
    try:
        axes = [parse_axis(text, design.specs, scenario_options=options(args.scenario)) for text in args.vary]
        plan = Plan.parse(args.plan, int(_number("--seed", args.seed, whole=True)))
        economics = Economics(_number("--electricity-price", args.electricity_price), _number("--years", args.years))
        sweep = Sweep(args.name or ", ".join(a.label for a in axes), axes, plan, scenario, economics)
        check(scenario)
        count = len(sweep.variants())
    except (SweepError, ValueError) as exc:
        raise CliError(f"--vary/--plan: {exc}" if isinstance(exc, SweepError) and not exc.where else str(exc)) from None
    if count == 0:
        raise CliError("the sweep has no variants")
    return sweep


def cmd_sweep(args: argparse.Namespace) -> int:
    from ..jobs.sweep.backends import BackendError, DaskBackend, SerialBackend
    from ..jobs.sweep.cache import ResultCache
    from ..jobs.sweep.runner import SweepRun, finish
    from ..model.sweep import SweepError

    check_outputs({"-o": args.output}, [resolve_design_path(args.file)])
    path, design = load_design(args.file)
    if args.save and is_bundled(path):
        raise CliError(f"--save keeps the sweep in a project file, and {args.file!r} is a bundled example: "
                       f"make your own copy first (dojo-gui new {path.stem} -o my.dojo)")
    sweep = build_sweep(args, design, list(getattr(args, "unknown", [])))
    workers = None if args.workers is None else int(_number("--workers", args.workers, whole=True))
    if workers == 0 and args.scheduler:
        raise CliError("--workers 0 runs in this process; --scheduler sends the sweep to a cluster: not both")
    backend: Any = SerialBackend() if workers == 0 else DaskBackend(args.scheduler, workers)
    progress = _Progress(sys.stderr, enabled=not args.quiet and not args.json)
    run = SweepRun(design, sweep, backend, cache=None if args.no_cache else ResultCache(),
                   on_result=lambda _r: progress.show(run))
    if isinstance(backend, DaskBackend):
        backend.on_status = progress.status
    interrupted = False

    def on_interrupt(signum: int, frame: Any) -> None:  # the first Ctrl-C stops; a second one aborts
        nonlocal interrupted
        interrupted = True
        signal.signal(signal.SIGINT, signal.default_int_handler)
        run.stop()

    previous = _install_sigint(on_interrupt)
    started = time.perf_counter()
    try:
        results = run.run()
    except BackendError as exc:
        raise CliError(str(exc)) from None
    except SweepError as exc:
        raise CliError(str(exc)) from None
    finally:
        _restore_sigint(previous)
        progress.close()
    wall = time.perf_counter() - started
    sweep = finish(sweep, design, results)
    doc = summary(sweep, path, run, backend, wall)
    if args.output:
        from ..io.atomic import OutputIsInput, write_atomic
        from ..jobs.sweep.table import csv_text

        try:
            write_atomic(Path(args.output), csv_text(sweep).encode("utf-8"), inputs=[path])
        except OutputIsInput as exc:
            raise CliError(str(exc)) from None
        except OSError as exc:
            raise CliError(f"{args.output}: cannot write: {exc.strerror or exc}") from None
    if args.save:
        from ..io.project import save

        design.sweeps.append(sweep)
        try:
            save(design, path)
        except OSError as exc:
            raise CliError(f"{path}: cannot save the sweep: {exc.strerror or exc}") from None
        doc["saved_to"] = str(path)
    if args.json:
        print_json({**doc, "sweep": sweep.to_dict()})
    else:
        _print(sweep, doc, design.name, path)
    if interrupted:
        print("dojo-gui sweep: interrupted; the variants that had not run are marked cancelled", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_FINDINGS if doc["failed"] else EXIT_OK


def summary(sweep: Any, path: Path, run: Any, backend: Any, wall_s: float) -> dict[str, Any]:
    from ..jobs.sweep.scenario import describe

    results = sweep.results
    return {"file": str(path), "name": sweep.name, "scenario": describe(sweep.scenario), "plan": sweep.plan.text(),
            "variants": len(results), "computed": sum(r.status == "ok" and not r.cached for r in results),
            "cached": sum(r.cached for r in results), "failed": sum(r.status == "failed" for r in results),
            "cancelled": sum(r.status == "cancelled" for r in results), "where": backend.description,
            "workers": getattr(backend, "used_workers", None) or backend.workers, "wall_s": wall_s}


def _print(sweep: Any, doc: dict[str, Any], design_name: str, path: Path) -> None:
    from ..jobs.sweep.table import text_table

    print(f"{design_name} ({path}): {doc['variants']} variants of {sweep.name}; {doc['scenario']}")
    print(textwrap.indent(text_table(sweep), "  "))
    workers = f" of {doc['workers']} worker{'s' if doc['workers'] != 1 else ''}" if doc["where"] != "in this process" \
        and doc["workers"] else ""
    parts = [f"{doc['computed']} computed {doc['where']}{workers}"] if doc["computed"] else []
    parts.append(f"{doc['cached']} from the cache")
    if doc["failed"]:
        parts.append(f"{doc['failed']} failed")
    if doc["cancelled"]:
        parts.append(f"{doc['cancelled']} cancelled")
    econ = sweep.economics
    print(f"  {', '.join(parts)}, in {doc['wall_s']:.1f} s; electricity at ${econ.electricity_usd_per_kwh:g}/kWh "
          f"over {econ.service_years:g} years of service")
    if "saved_to" in doc:
        print(f"  saved     the sweep is kept in {doc['saved_to']}")


class _Progress:
    """One line on a terminal: variants done of all, workers, failures, time left."""

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.stream = stream
        try:
            self.enabled = enabled and stream.isatty()
        except (AttributeError, ValueError):
            self.enabled = False
        self.last = 0.0
        self.shown = False

    def status(self, text: str) -> None:
        if self.enabled:
            self._write(f"  {text}…")

    def show(self, run: Any) -> None:
        p = run.progress
        now = time.monotonic()
        if not self.enabled or (now - self.last < PROGRESS_EVERY_S and p.done < p.total):
            return
        self.last = now
        left = p.left_s(now)
        width = 24
        filled = int(width * p.fraction)
        text = (f"  [{'#' * filled}{'.' * (width - filled)}] {p.done}/{p.total} variants, "
                f"{run.backend.workers} worker{'s' if run.backend.workers != 1 else ''}"
                + (f", {p.cached} cached" if p.cached else "") + (f", {p.failed} failed" if p.failed else "")
                + (f", about {left:.0f} s left" if left is not None and p.done < p.total else ""))
        self._write(text)

    def _write(self, text: str) -> None:
        self.stream.write("\r" + text.ljust(79)[:120])
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 79 + "\r")
            self.stream.flush()


def _install_sigint(handler: Any) -> Any:
    try:
        return signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread
        return None


def _restore_sigint(previous: Any) -> None:
    if previous is not None:
        try:
            signal.signal(signal.SIGINT, previous)
        except ValueError:
            pass
