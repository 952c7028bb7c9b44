"""``dojo-gui simulate thermal``: power and cooling of a design over time, headless.

Prints a summary (or JSON with ``--json``), writes series as CSV with ``--csv``.  A run
that takes longer than a second shows a progress bar on stderr when stderr is a
terminal; Ctrl-C stops it at a step boundary and prints what was computed so far (exit
130).  Exit codes: 0 done, 1 the run failed an invariant, 2 bad usage or input, 130
interrupted.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

from .. import units
from ..model.design import Design
from ..text import count
from .common import CliError, check_outputs, check_text, is_bundled, load_design, print_json

if TYPE_CHECKING:
    from ..sim.scenario import Scenario, Workload
    from .common import SubParsers

# What signal.signal() takes and gives back: a function, SIG_DFL or SIG_IGN, or None (a handler not set from Python).
SignalHandler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
PROGRESS_AFTER_S = 1.0  # show the progress bar once a run has taken this long


class _Usage(Exception):
    """Bad input: one line on stderr, exit 2."""


def register(subparsers: SubParsers) -> None:
    """Add ``thermal`` to the ``simulate`` group's subparsers."""
    p = subparsers.add_parser(
        "thermal", help="power and cooling over time: junction temperatures, coolant, CDUs, PUE",
        description="Simulate every chip's power and junction temperature, the tile coolant loops, the cabinet CDUs "
                    "and the facility plant over time, with throttling. Sizes take units: 600s, 10min, 0.5s, 25C, "
                    "90%, 500TFLOP, 2GB.")
    p.add_argument("file", metavar="FILE", help="a .dojo project, or a bundled example by name (e.g. exapod)")
    p.add_argument("--duration", default="600s", help="simulated time (default 600s)")
    p.add_argument("--dt", default="0.5s", help="time step (default 0.5s); any step is stable")
    load = p.add_mutually_exclusive_group()
    load.add_argument("--utilization", help="every chip at this utilization, 0..1 or 0..100%% (default: 1, full load)")
    load.add_argument("--trace", metavar="CSV", help="utilization over time: time_s,utilization[,PART PATH...]")
    load.add_argument("--workload", choices=["train"], help="train: synchronous training steps (see --step-flops)")
    train = p.add_argument_group("training step (--workload train)")
    train.add_argument("--step-flops", help="FLOPs each chip computes per step, e.g. 500TFLOP")
    train.add_argument("--efficiency", default="0.5", help="achieved share of peak compute (default 0.5)")
    train.add_argument("--gradient-bytes", default="2GB", help="bytes of the gradient collective (default 2GB)")
    train.add_argument("--collective", default="allreduce", help="gradient collective (default allreduce)")
    train.add_argument("--algorithm", default="auto", help="collective algorithm for the comm engine (default auto)")
    train.add_argument("--format", default="bf16", dest="number_format",
                       help="number format of the peak (default bf16)")
    train.add_argument("--comm-utilization", default="0.2", help="utilization while communicating (default 0.2)")
    weather = p.add_mutually_exclusive_group()
    weather.add_argument("--ambient", help="constant outdoor temperature (default: the room's design ambient)")
    weather.add_argument("--ambient-curve", metavar="CURVE",
                         help="daily:MIN,MAX (e.g. daily:12C,28C: coolest at 03:00, warmest at 15:00) or a CSV of "
                              "hour,ambient_c over a day")
    p.add_argument("--start-hour", default="0", help="hour of the day the run starts, for --ambient-curve (default 0)")
    p.add_argument("--flow", default="100%", help="coolant flow of every tile loop as a share of its design flow")
    p.add_argument("--initial", choices=["idle", "load", "coolant"], default="idle",
                   help="starting state: settled at idle (default), settled at the first load, or cold")
    p.add_argument("--every-step", action="store_true",
                   help="compute every step in full even once the state has settled (same answer, slower)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--csv", metavar="OUT", help="write time series to this CSV file")
    p.add_argument("--max-rows", metavar="N",
                   help="--csv keeps at most N points in time, each the mean (or end) of the steps it stands for "
                        "(default 2,000 for the room, 500 for the other levels); 'all' keeps every step")
    p.add_argument("--csv-level", choices=["room", "cabinet", "tile", "chip"], default="room",
                   help="which series --csv writes (default room; the others one row per part and frame)")
    p.add_argument("--save", action="store_true",
                   help="keep the run in the project file (its saved runs, which reports and exports show)")
    p.add_argument("--label", help="with --save: what to call the run (default: a description of the scenario)")
    p.set_defaults(func=command)


# --------------------------------------------------------------------------- parsing
def _quantity(option: str, text: str, unit: str) -> float:
    try:
        return units.parse(text, unit)
    except units.UnitError as exc:
        raise _Usage(f"{option}: {exc}") from None


def _positive(option: str, what: str, text: str, unit: str) -> float:
    """A quantity that must be above zero: "--duration: duration must be positive: -5s"."""
    if text.strip().startswith("-"):
        raise _Usage(f"{option}: {what} must be positive: {text}")
    value = _quantity(option, text, unit)
    if value <= 0:
        raise _Usage(f"{option}: {what} must be positive: {text}")
    return value


def _record_plan(args: argparse.Namespace, scenario: Any) -> Any:
    """How many points in time the run keeps, as --max-rows asks (None: the engine's default)."""
    from ..sim.results import RecordPlan

    if args.max_rows is None:
        return None
    if args.max_rows.strip().lower() == "all":
        points = math.ceil(scenario.duration_s / scenario.dt_s) + 1
    else:
        try:
            points = int(args.max_rows.replace(",", "").replace("_", ""))
        except ValueError:
            raise _Usage(f"--max-rows: {args.max_rows!r} is not a whole number or 'all'") from None
        if points < 1:
            raise _Usage(f"--max-rows: must be at least 1, not {points}")
    if args.csv_level == "room":
        return RecordPlan(room_points=points)
    return RecordPlan(room_points=max(points, RecordPlan().room_points), part_points=points)


def csv_extent(result: Any, path: str, level: str) -> dict[str, Any]:
    """What the CSV holds: rows, points in time, and how many of the run's steps each point stands for."""
    times = result.room_time_s if level == "room" else result.part_time_s
    parts = {"room": 1, "cabinet": len(result.cabinet_paths), "tile": len(result.tile_paths),
             "chip": len(result.chip_paths)}[level]
    points = len(times)
    return {"path": str(path), "level": level, "rows": points * parts, "time_points": points,
            "steps_per_point": math.ceil(result.steps_done / points) if points else 0, "steps": result.steps_done}


def describe_csv(extent: dict[str, Any]) -> str:
    """"out.csv: 2,000 rows, each the mean of 18 steps (--max-rows all keeps every step)"."""
    per = extent["steps_per_point"]
    text = f"{extent['path']}: {count(extent['rows'], 'row')}"
    if extent["level"] != "room":
        text += f" ({count(extent['time_points'], 'point')} in time for each {extent['level']})"
    if per <= 1:
        return text + ", one per step"
    return (text + f", each standing for {count(per, 'step')} of the {extent['steps']:,} (powers their mean, "
            f"temperatures at the end, the hottest junction the highest); --max-rows all keeps every step")


def _load_design(text: str) -> tuple[Path, Design, bool]:
    """The project at a path, or a bundled example by name; the flag says it is a bundled example."""
    try:
        path, design = load_design(text)
    except CliError as exc:
        raise _Usage(str(exc)) from None
    return path, design, is_bundled(path)


def scenario_from_args(args: argparse.Namespace) -> Scenario:
    """The :class:`Scenario` the options describe; bad options raise with the option's name."""
    from ..sim.scenario import Ambient, ConstantLoad, Scenario, ScenarioError, TrainingStep, UtilizationTrace

    duration = _positive("--duration", "duration", args.duration, "s")
    dt = _positive("--dt", "time step", args.dt, "s")
    workload: Workload
    try:
        if args.trace:
            workload = UtilizationTrace.from_csv(args.trace)
        elif args.workload == "train":
            if not args.step_flops:
                raise _Usage("--workload train needs --step-flops (FLOPs each chip computes per step, e.g. 500TFLOP)")
            workload = TrainingStep(
                flops_per_chip=_quantity("--step-flops", args.step_flops, "FLOP"),
                efficiency=_quantity("--efficiency", args.efficiency, "%"),
                gradient_bytes=_quantity("--gradient-bytes", args.gradient_bytes, "B"),
                collective=args.collective, algorithm=args.algorithm, number_format=args.number_format,
                comm_utilization=_quantity("--comm-utilization", args.comm_utilization, "%"))
        else:
            u = 1.0 if args.utilization is None else _quantity("--utilization", args.utilization, "%")
            if not 0 <= u <= 1:
                raise _Usage(f"--utilization: must be between 0 and 1 (or 0–100%), got {args.utilization!r}")
            workload = ConstantLoad(u)
        start_hour = _quantity("--start-hour", args.start_hour, "1")
        if not 0 <= start_hour < 24:
            raise _Usage(f"--start-hour: must be in 0..24, got {args.start_hour!r}")
        ambient = None
        if args.ambient is not None:
            ambient = Ambient(constant_c=_quantity("--ambient", args.ambient, "C"))
        elif args.ambient_curve:
            ambient = Ambient.parse_curve(args.ambient_curve, start_hour)
        return Scenario(workload, duration_s=duration, dt_s=dt, ambient=ambient,
                        coolant_flow_fraction=_quantity("--flow", args.flow, "%"), initial=args.initial)
    except ScenarioError as exc:
        raise _Usage(str(exc)) from None


# --------------------------------------------------------------------------- running
class _Progress:
    """A one-line bar on a terminal, shown once the run has taken PROGRESS_AFTER_S."""

    def __init__(self, stream: TextIO, total_s: float) -> None:
        self.stream = stream
        self.total_s = total_s
        self.start = time.perf_counter()
        self.enabled = _is_terminal(stream)
        self.shown = False

    def __call__(self, fraction: float) -> None:
        if not self.enabled or time.perf_counter() - self.start < PROGRESS_AFTER_S:
            return
        width = 30
        filled = round(fraction * width)
        elapsed = time.perf_counter() - self.start
        eta = elapsed * (1 - fraction) / fraction if fraction > 0 else math.inf
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {fraction * 100:5.1f}%  "
                          f"{units.format(fraction * self.total_s, 's')} of {units.format(self.total_s, 's')}"
                          f"  ETA {eta:5.1f} s ")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 79 + "\r")
            self.stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def command(args: argparse.Namespace) -> int:
    from ..sim.scenario import ScenarioError
    from ..sim.thermal import InvariantError, ThermalModelError, ThermalRun

    name = "dojo-gui simulate thermal"
    try:
        path, design, bundled = _load_design(args.file)
        if args.save and bundled:
            raise _Usage(f"--save keeps the run in a project file, and {args.file!r} is a bundled example: "
                         f"make your own copy first (dojo-gui new {path.stem} -o my.dojo)")
        if args.label and not args.save:
            raise _Usage("--label names a run kept with --save")
        scenario = scenario_from_args(args)
        curve_file = args.ambient_curve if args.ambient_curve and not args.ambient_curve.startswith("daily:") else None
        try:
            check_outputs({"--csv": args.csv}, [path, args.trace, curve_file])
            check_outputs({"--save": path if args.save else None}, [args.trace, curve_file])
            check_text("--label", args.label)
        except CliError as exc:
            raise _Usage(str(exc)) from None
        run = ThermalRun(design, scenario, skip_settled=not args.every_step, record=_record_plan(args, scenario))
    except (_Usage, ScenarioError, ThermalModelError) as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    progress = _Progress(sys.stderr, scenario.duration_s)
    interrupted = False

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        # The first Ctrl-C stops at the next step and reports; a second one aborts.
        nonlocal interrupted
        interrupted = True
        run.cancel()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = _install_sigint(on_interrupt)
    try:
        result = run.run(progress=progress)
    except InvariantError as exc:
        progress.close()
        print(f"{name}: the run failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except ThermalModelError as exc:
        progress.close()
        print(f"{name}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        _restore_sigint(previous)
    progress.close()
    doc = result.summary()
    doc["file"] = str(path)
    if args.csv:
        try:
            result.write_csv(args.csv, args.csv_level, inputs=[path])
        except (OSError, ValueError) as exc:
            print(f"{name}: {args.csv}: cannot write: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
            return EXIT_USAGE
        doc["csv"] = csv_extent(result, args.csv, args.csv_level)
    if args.save:
        from ..io.project import ProjectFileError, save
        from ..jobs.keep import keep_design

        # With a print of the design and its parts' values, as the window keeps a run.
        design.add_run(keep_design(result.run_record(label=args.label or "", revision=design.revision), design, result))
        try:
            save(design, path)
        except (OSError, ProjectFileError) as exc:
            print(f"{name}: {path}: cannot save the run: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
            return EXIT_USAGE
        doc["saved_to"] = str(path)
        doc["saved_runs"] = len(design.runs)
    if args.json:
        try:
            print_json(doc)
        except CliError as exc:
            print(f"{name}: {exc}", file=sys.stderr)
            return exc.code
    else:
        print_summary(doc)
        if "csv" in doc:
            print(f"  csv       {describe_csv(doc['csv'])}")
        if args.save:
            print(f"  saved     the run is kept in {path} ({count(len(design.runs), 'saved run')})")
    if interrupted:
        print(f"{name}: interrupted at {units.format(result.time_s, 's')} of "
              f"{units.format(scenario.duration_s, 's')}; the results above cover that much", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK


def _install_sigint(handler: SignalHandler) -> SignalHandler:
    try:
        return signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread: Ctrl-C is not ours to handle
        return None


def _restore_sigint(previous: SignalHandler) -> None:
    if previous is not None:
        try:
            signal.signal(signal.SIGINT, previous)
        except ValueError:
            pass


# Where a training step's collective time came from, in words (the run's summary names it by a key).
COMM_SOURCES = {"comm-engine": "simulated by the communication engine", "ring-closed-form": "the ring's closed form"}


def comm_source_words(source: str, detail: str) -> str:
    """"allreduce of 2 GB simulated by the communication engine", never a key or a module's name."""
    words = COMM_SOURCES.get(source, f"from {source}")
    if not detail:
        return words
    return detail if words in detail else f"{words}: {detail}"


def print_summary(doc: dict[str, Any]) -> None:
    def w(watts: float) -> str:
        return units.format(watts, "W")

    def c(celsius: float | None) -> str:
        return "—" if celsius is None else f"{celsius:.1f} °C"

    scen = doc["scenario"]
    wl = scen["workload"]
    what = {"constant": lambda: f"utilization {wl['utilization']:.0%}",
            "trace": lambda: f"trace {os.path.basename(wl['source'])}",
            "train": lambda: f"training steps of {units.format(wl['flops_per_chip'], 'FLOP')} per chip"}[wl["kind"]]()
    amb = scen["ambient"]
    weather = {"design": "design ambient", "constant": f"ambient {amb.get('ambient_c', 0):g} °C",
               "daily": f"daily {amb.get('min_c', 0):g}–{amb.get('max_c', 0):g} °C",
               "curve": f"ambient curve {amb.get('source', '')}"}[amb["kind"]]
    status = "" if doc["completed"] else "  [STOPPED EARLY]"
    print(f"{doc['design']}  ({doc['file']}){status}")
    print(f"  run       {units.format(doc['simulated_s'], 's')} of {units.format(doc['duration_s'], 's')} in "
          f"{doc['steps']:,} steps of {units.format(doc['dt_s'], 's')}; {what}; {weather}")
    pue = "—" if doc["pue"] is None else f"{doc['pue']:.3f}"

    def kwh(energy_kwh: float) -> str:
        return units.format(energy_kwh * 3.6e6, "J")

    print(f"  power     IT {w(doc['it_power_w'])} · facility {w(doc['facility_power_w'])} · cooling "
          f"{w(doc['cooling_power_w'])} · PUE {pue}  (means over the run)")
    print(f"  energy    IT {kwh(doc['it_energy_kwh'])} · facility {kwh(doc['energy_kwh'])} · cooling "
          f"{kwh(doc['cooling_energy_kwh'])}  (totals over the run)")
    print(f"  chips     Tj max {c(doc['tj_max_c'])} at {doc['tj_max_chip']} (its limit {c(doc['tj_limit_c'])}) · "
          f"{doc['throttled_chips']:,} throttled at the end, {doc['throttled_chips_max']:,} at most · "
          f"{doc['throttle_events']:,} throttle events")
    print(f"  coolant   supply {c(doc['coolant_supply_c'])} · return {c(doc['coolant_return_c'])} · facility water "
          f"{c(doc['facility_supply_c'])} · free cooling {doc['free_cooling_fraction']:.0%} of the time"
          + (f" · water {doc['water_l']:,.0f} L" if doc["water_l"] else ""))
    if "comm_source" in doc:
        step = doc["step_time_mean_s"] or doc["step_time_s"]
        print(f"  training  {count(doc['training_steps'], 'step')} of {units.format(step, 's')} · collective "
              f"{units.format(doc['comm_time_s'], 's')} ({comm_source_words(doc['comm_source'], doc['comm_detail'])})")
    over = doc["over_limits"]
    if over:
        # One line per kind of part and limit, however many parts share it.
        groups: dict[tuple[str, str, float], list[dict[str, Any]]] = {}
        for o in over:
            level = o["path"].rsplit(".", 1)[-1].split("[")[0]
            groups.setdefault((level, o["what"], o["limit_w"]), []).append(o)
        for (level, what, limit), items in groups.items():
            worst = max(items, key=lambda o: o["peak_w"])
            many = f"{len(items)} {level}s, e.g. " if len(items) > 1 else ""
            print(f"  OVER      {many}{worst['path']}: {what} peaked at {w(worst['peak_w'])}, limit {w(limit)}")
    else:
        print("  limits    every part stayed within its power budget and cooling capacity")
    bal = doc["energy_balance"]
    print(f"  balance   {bal['it_energy_j'] / 3.6e6:,.2f} kWh in = {bal['heat_to_coolant_j'] / 3.6e6:,.2f} to "
          f"coolant + {bal['heat_to_air_j'] / 3.6e6:,.2f} to air + {bal['stored_change_j'] / 3.6e6:,.4f} stored "
          f"(worst step off by {bal['max_step_residual_fraction']:.1e})")
