"""``dojo-gui simulate train``: how fast a design trains a transformer, with which plan, at what cost.

Exit codes: 0 done; 1 the plan cannot run or does not fit, or no plan fits (the reason is printed);
2 bad usage or input; 130 interrupted.
"""

from __future__ import annotations

import argparse
import math
import sys
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..text import count
from .common import (
    EXIT_FINDINGS,
    EXIT_OK,
    CliError,
    is_bundled,
    load_design,
    print_json,
)

if TYPE_CHECKING:
    from ..model.design import Design
    from ..sim.training import ThermalWindow, TrainingResult
    from .common import SubParsers

SEARCH_ROWS = 20  # plans of the search printed with --json


def register(group: SubParsers) -> None:
    """Add ``train`` to the ``simulate`` command group."""
    from ..sim.training import ATTENTION, PLACEMENTS, RECOMPUTE, SCHEDULES

    p = group.add_parser(
        "train", help="how fast the design trains a transformer: plan, step time, MFU, memory, time and energy",
        description=textwrap.fill(
            "Train a model from the catalog on the design: search for the fastest plan (tensor, pipeline and data "
            "parallel degrees, micro-batch, schedule, placement) that fits in memory, or evaluate the one given with "
            "--tp/--pp/--dp. Prints the step time and where it goes, tokens/s, FLOP/s per chip, MFU, memory per "
            "chip, and the time, energy and electricity cost to train --tokens. The plan's steps run on the power "
            "and cooling engine over a window of training (--window): the draw at the feed with the cooling plant, "
            "PUE, and how much hot chips throttling lengthens the step. A plan that cannot run or does not fit is "
            "refused with the reason.", 78),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  dojo-gui simulate train exapod --model gpt3-175b --recompute full --sequence-parallel --zero 1\n"
               "  dojo-gui simulate train pod.dojo --model gpt3-175b --tp 8 --pp 16 --dp 4 --micro-batch 1\n"
               "  dojo-gui simulate train pod.dojo --model llama3-70b --tokens 15T --json\n"
               "  dojo-gui simulate train --list-models")
    p.add_argument("file", nargs="?", metavar="FILE",
                   help="a .dojo project, or a bundled example by name (e.g. exapod)")
    p.add_argument("--model", metavar="NAME", help="a model of the catalog (--list-models shows them)")
    p.add_argument("--list-models", action="store_true", help="list the catalog's models and exit")
    p.add_argument("--tokens", metavar="N",
                   help="tokens to train (default: the model's source's, or 300B); e.g. 300B, 1.5T")
    p.add_argument("--global-batch", metavar="N", help="sequences per step (default: the model's)")
    p.add_argument("--seq", metavar="N", help="sequence length (default: the model's)")
    plan = p.add_argument_group("the plan (all of --tp --pp --dp, or --search, the default)")
    plan.add_argument("--search", action="store_true", help="search for the fastest plan that fits (the default)")
    plan.add_argument("--tp", metavar="N", help="tensor-parallel degree (chips of one tile)")
    plan.add_argument("--pp", metavar="N", help="pipeline stages")
    plan.add_argument("--dp", metavar="N", help="data-parallel replicas")
    plan.add_argument("--micro-batch", metavar="N", help="sequences per micro-batch (default 1; pins it in a search)")
    plan.add_argument("--schedule", choices=SCHEDULES, help="pipeline schedule (default 1f1b; pins it in a search)")
    plan.add_argument("--interleave", metavar="V", help="model chunks per chip with --schedule interleaved (default 2)")
    plan.add_argument("--placement", choices=PLACEMENTS, help="which groups sit together (default data-contiguous)")
    plan.add_argument("--simulate-best", default="3", metavar="K",
                      help="a search simulates its K best estimated plans with the communication engine (default 3)")
    how = p.add_argument_group("how it is trained")
    how.add_argument("--precision", default="bf16", help="number format of the matrix multiplies (default bf16)")
    how.add_argument("--recompute", choices=RECOMPUTE, default="selective",
                     help="activation recomputation (default selective)")
    how.add_argument("--zero", choices=["0", "1", "2", "3"], default="0",
                     help="ZeRO stage: shard the optimizer state (1), and the gradients (2), and the weights (3) "
                          "over DP")
    how.add_argument("--sequence-parallel", action="store_true", help="split norms and dropout over the tensor group")
    how.add_argument("--attention", choices=ATTENTION, default="flash", help="attention kernels (default flash)")
    how.add_argument("--optimizer-bytes", default="12", metavar="B",
                     help="optimizer state per parameter, bytes (default 12: fp32 master and two Adam moments)")
    how.add_argument("--gradient-bytes", default="2", metavar="B", help="gradient per parameter, bytes (default 2)")
    how.add_argument("--no-dp-overlap", action="store_true",
                     help="reduce the gradients after the backward pass instead of during it")
    how.add_argument("--price", default="0.10", metavar="USD_PER_KWH", help="electricity price (default 0.10)")
    heat = p.add_argument_group("power and cooling (the plan's steps on the thermal engine)")
    heat.add_argument("--window", metavar="DURATION",
                      help="how much training to simulate, e.g. 10min or 1d (default: 20 steps or 2 min, whichever "
                           "is longer, starting settled at the plan's mean load)")
    heat.add_argument("--dt", metavar="DURATION", help="its time step (default: a sixteenth of a step)")
    weather = heat.add_mutually_exclusive_group()
    weather.add_argument("--ambient", metavar="TEMP", help="constant outdoor temperature (default: the room's design "
                                                           "ambient)")
    weather.add_argument("--ambient-curve", metavar="CURVE",
                         help="daily:MIN,MAX (e.g. daily:12C,35C) or a CSV of hour,ambient_c, with a --window of a day")
    heat.add_argument("--flow", default="100%", help="coolant flow of every tile loop as a share of its design flow")
    heat.add_argument("--no-thermal", action="store_true",
                      help="leave power and cooling out: no energy, PUE or throttling (faster)")
    p.add_argument("--save", action="store_true",
                   help="keep the run in the project file (its saved runs, which reports and exports show)")
    p.add_argument("--label", help="with --save: what to call the run")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=cmd_train)


# --------------------------------------------------------------------------- parsing
def _whole(option: str, text: str | None, minimum: int = 1) -> int | None:
    if text is None:
        return None
    try:
        value = int(str(text).replace(",", "").replace("_", ""))
    except ValueError:
        raise CliError(f"{option}: {text!r} is not a whole number") from None
    if value < minimum:
        raise CliError(f"{option}: must be at least {minimum}, not {value}")
    return value


def _number(option: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CliError(f"{option}: {text!r} is not a number") from None
    if not value >= 0:
        raise CliError(f"{option}: must be 0 or more, not {text}")
    return value


def parse_tokens(text: str) -> float:
    """ "300B", "1.5T", "2e11", "15M" -> a count of tokens."""
    from ..sim.training import PlanError, count_of_tokens

    try:
        return count_of_tokens(text)
    except PlanError as exc:
        raise CliError(f"--tokens: {exc}") from None


def thermal_window(args: argparse.Namespace) -> ThermalWindow | None:
    """The thermal window the options describe (None with --no-thermal); a bad option raises with its name."""
    from .. import units
    from ..sim.scenario import Ambient, ScenarioError
    from ..sim.training import ThermalWindow

    if args.no_thermal and (args.window or args.dt or args.ambient or args.ambient_curve or args.flow != "100%"):
        raise CliError("--no-thermal leaves power and cooling out: --window, --dt, --ambient and --flow need them")
    if args.no_thermal:
        return None

    def quantity(option: str, text: str, unit: str) -> float:
        try:
            value = units.parse(text, unit)
        except units.UnitError as exc:
            raise CliError(f"{option}: {exc}") from None
        if not (value > 0 and math.isfinite(value)) and unit != "C":
            raise CliError(f"{option}: must be above zero, not {text}")
        return value

    ambient = None
    try:
        if args.ambient is not None:
            ambient = Ambient(constant_c=quantity("--ambient", args.ambient, "C"))
        elif args.ambient_curve:
            ambient = Ambient.parse_curve(args.ambient_curve)
    except ScenarioError as exc:
        raise CliError(str(exc)) from None
    flow = quantity("--flow", args.flow, "%")
    if flow > 10:
        raise CliError(f"--flow: a share of the design flow up to 1000%, not {args.flow}")
    return ThermalWindow(quantity("--window", args.window, "s") if args.window else None,
                         quantity("--dt", args.dt, "s") if args.dt else None, ambient, flow)


def _models_text(models: dict[str, Any]) -> str:
    return "\n".join(f"  {m.id:22s} {m.name} ({m.parameters() / 1e9:,.1f}B parameters, {m.layers} layers, hidden "
                     f"{m.hidden:,}, {m.heads} heads)" for m in models.values())


# --------------------------------------------------------------------------- the command
def training_request(args: argparse.Namespace, models: dict[str, Any]) -> tuple[Any, Any, Any, dict[str, Any]]:
    """The model, training settings, plan (None: search) and what a search is pinned to, from the options
    (``dojo-gui sweep --scenario train`` reads its options here too)."""
    from ..sim.training import Plan, PlanError, TrainingSettings

    if not args.model:
        raise CliError(f"--model: which model? the catalog has:\n{_models_text(models)}")
    if args.model not in models:
        import difflib

        close = difflib.get_close_matches(args.model, list(models), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise CliError(f"--model: no model {args.model!r} in the catalog{hint}; it has: {', '.join(models)}")
    model = models[args.model]
    degrees = {k: _whole(f"--{k}", getattr(args, k)) for k in ("tp", "pp", "dp")}
    given = [k for k, v in degrees.items() if v is not None]
    if given and args.search:
        raise CliError("give either --tp, --pp and --dp (one plan) or --search, not both")
    if given and len(given) < 3:
        missing = ", ".join(f"--{k}" for k in degrees if k not in given)
        raise CliError(f"a plan needs all of --tp, --pp and --dp (missing {missing}); or leave them out to search")
    thermal_window(args)  # checked here, with the plan, so a bad option is named before any work
    micro = _whole("--micro-batch", args.micro_batch)
    interleave = _whole("--interleave", args.interleave)
    if interleave is not None and args.schedule != "interleaved":
        raise CliError("--interleave sets the model chunks of --schedule interleaved")
    try:
        settings = TrainingSettings.for_model(
            model, global_batch=_whole("--global-batch", args.global_batch), seq_len=_whole("--seq", args.seq),
            tokens=parse_tokens(args.tokens) if args.tokens else None, precision=args.precision,
            recompute=args.recompute, zero_stage=int(args.zero), sequence_parallel=args.sequence_parallel,
            attention=args.attention, optimizer_state_bytes=_number("--optimizer-bytes", args.optimizer_bytes),
            gradient_bytes=_number("--gradient-bytes", args.gradient_bytes), dp_overlap=not args.no_dp_overlap,
            electricity_usd_per_kwh=_number("--price", args.price))
    except PlanError as exc:
        raise CliError(str(exc)) from None
    plan = None
    fixed: dict[str, Any] = {}
    if given:
        schedule = args.schedule or "1f1b"
        plan = Plan(degrees["tp"], degrees["pp"], degrees["dp"], micro or 1, schedule,  # type: ignore[arg-type]
                    interleave or (2 if schedule == "interleaved" else 1), args.placement or "data-contiguous")
    else:
        fixed = {k: v for k, v in (("micro_batch", micro), ("schedule", args.schedule), ("placement", args.placement))
                 if v is not None}
    return model, settings, plan, fixed


def cmd_train(args: argparse.Namespace) -> int:
    from ..io.catalog import builtin_models
    from ..sim.training import Cancelled, PlanError, simulate_training

    models = builtin_models()
    if args.list_models:
        print(_models_text(models))
        return EXIT_OK
    if not args.file:
        raise CliError("which design? give a FILE (a .dojo project or a bundled example, e.g. exapod)")
    model, settings, plan, fixed = training_request(args, models)
    window = thermal_window(args)
    path, design = load_design(args.file)
    if args.save and is_bundled(path):
        raise CliError(f"--save keeps the run in a project file, and {args.file!r} is a bundled example: "
                       f"make your own copy first (dojo-gui new {path.stem} -o my.dojo)")
    if args.label is not None and not args.save:
        raise CliError("--label names a run kept with --save")
    show_progress = not args.quiet and not args.json and sys.stderr.isatty()
    last = [0.0]

    def progress(fraction: float) -> None:
        if show_progress and time.monotonic() - last[0] > 0.2:
            last[0] = time.monotonic()
            print(f"\r  {'searching' if plan is None else 'simulating'}... {fraction:4.0%}", end="", file=sys.stderr,
                  flush=True)

    try:
        result = simulate_training(design, model, settings, plan, fixed=fixed,
                                   simulate_best=_whole("--simulate-best", args.simulate_best) or 1, progress=progress,
                                   thermal=window)
    except PlanError as exc:
        raise CliError(f"{path}: {exc}", EXIT_FINDINGS) from None
    except Cancelled:
        raise KeyboardInterrupt from None
    finally:
        if show_progress:
            print("\r" + " " * 30 + "\r", end="", file=sys.stderr)
    doc = {"file": str(path), **result.to_json(search_rows=SEARCH_ROWS)}
    if args.save:
        doc.update(save_run(path, design, result, args.label or ""))
    if args.json:
        print_json(doc)
        return EXIT_OK
    print(result.summary())
    if args.save:
        print(f"  saved     the run is kept in {path} ({count(doc['saved_runs'], 'saved run')})")
    return EXIT_OK


def save_run(path: Path, design: Design, result: TrainingResult, label: str) -> dict[str, Any]:
    """Keep ``result`` in the project at ``path`` as a saved run (the one place that writes the record)."""
    from ..io.project import save
    from ..jobs.keep import keep_design
    from ..model.runs import RunRecordError

    try:  # with a print of the design, as the window keeps a run
        record = keep_design(result.run_record(label=label, revision=design.revision), design)
    except RunRecordError as exc:
        raise CliError(f"{path}: cannot keep the run: {exc}") from None
    design.add_run(record)
    try:
        save(design, path)
    except OSError as exc:
        raise CliError(f"{path}: cannot save the run: {exc.strerror or exc}") from None
    return {"saved_to": str(path), "saved_runs": len(design.runs)}
