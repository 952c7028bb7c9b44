"""``dojo-gui compare-claims``: Tesla's ExaPOD claims against DGX A100 clusters, each ratio beside the claim."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import TYPE_CHECKING, Any

from .common import EXIT_OK, CliError, load_design, print_json

if TYPE_CHECKING:
    from .common import SubParsers


def register(sub: SubParsers) -> None:
    """Add ``compare-claims``."""
    p = sub.add_parser(
        "compare-claims", help="Tesla's AI Day 2021 ExaPOD claims (4x performance at the same cost, 1.3x per watt, "
                               "5x smaller) against DGX A100 clusters",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=textwrap.fill(
            "Set the ExaPOD (or FILE) beside a DGX A100 cluster of the same capital cost and one of the same peak "
            "compute, and print each ratio beside Tesla's claim with what it assumes: the catalog's prices (each "
            "with its source or marked as an estimate), peak BF16 compute, power at the feed with every chip at "
            "its TDP, the cabinets' floor area. With --model, the training engine's throughput and energy too. "
            "See docs/economics.md.", 78))
    p.add_argument("file", nargs="?", default="exapod", metavar="FILE",
                   help="the Dojo side: a .dojo project or a bundled example (default exapod)")
    p.add_argument("--hardware-only", action="store_true",
                   help="compare the machines' own cost, without the facility's cost per watt")
    p.add_argument("--model", metavar="NAME", help="also train this catalog model on both (e.g. gpt3-175b; slower)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_claims)


def cmd_claims(args: argparse.Namespace) -> int:
    from ..io.catalog import builtin_models, builtin_specs
    from ..jobs.claims import compare

    path, design = load_design(args.file)
    train = None
    if args.model:
        models = builtin_models()
        if args.model not in models:
            raise CliError(f"--model: no model {args.model!r} in the catalog; it has: {', '.join(models)}")
        train = _trainer(models[args.model])
        if not args.json and sys.stderr.isatty():
            print("  training on both machines (a plan search each)…", file=sys.stderr)
    try:
        result = compare(design, builtin_specs(), with_facility=not args.hardware_only, train=train,
                         model=args.model or "")
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print_json({"file": str(path), **result.to_json()})
    else:
        print(report(result))
    return EXIT_OK


def _trainer(model: Any) -> Any:
    def train(design: Any) -> dict[str, Any]:
        from ..sim.training import PlanError, TrainingSettings, simulate_training

        settings = TrainingSettings.for_model(model, recompute="full", sequence_parallel=True, zero_stage=1)
        try:
            r = simulate_training(design, model, settings)
        except PlanError as exc:
            return {"error": str(exc)}
        assert r.energy is not None  # the default thermal window ran
        return {"tokens_per_s": r.tokens_per_s, "run_power_w": r.energy.feed_power_w, "plan": r.plan.describe(),
                "mfu": r.mfu, "chips_used": r.step.chips}
    return train


def report(c: Any) -> str:
    from .. import units
    from ..jobs.claims import CLAIMS, SOURCE
    from ..jobs.sweep.figures import money

    def row(m: Any) -> str:
        return (f"  {m.name[:34]:34s} {money(m.capex_usd):>8s} {units.format(m.peak_flops, 'FLOPS'):>12s} "
                f"{units.format(m.feed_power_w, 'W'):>9s} {units.format(m.flops_per_w, 'FLOPS')[:-5] + 'FLOPS/W':>14s} "
                f"{m.footprint_m2:8.1f} m²")

    cost_words = "capital cost with the facility" if c.with_facility else "hardware cost, without the facility"
    lines = [f"{SOURCE}.", "",
             f"  {'':34s} {'cost':>8s} {'peak BF16':>12s} {'power':>9s} {'peak per watt':>14s} {'footprint':>11s}",
             row(c.dojo), row(c.same_cost) + "   <- same cost", row(c.same_peak) + "   <- same peak", "",
             f"  {'':44s} {'here':>8s}   Tesla's claim"]
    claim_of = {"performance at the same cost": CLAIMS["performance at the same cost"],
                "performance per watt": CLAIMS["performance per watt"],
                "footprint (smaller by), same cost": CLAIMS["footprint (smaller by)"],
                "footprint (smaller by), same peak": CLAIMS["footprint (smaller by)"],
                "training throughput at the same cost": CLAIMS["performance at the same cost"],
                "training tokens per joule": CLAIMS["performance per watt"]}
    for name, ratio in c.ratios.items():
        lines.append(f"  {name:44s} {ratio:7.2f}x   {claim_of[name]:g}x")
    lines += ["", "assumptions (question them: docs/economics.md):",
              f"  - same cost: the {cost_words}; the GPU side is the largest 'dgx-a100-superpod --nodes N' within it",
              ("  - prices from the catalog: the ExaPOD's are estimates (manufacturing cost, no design cost or "
               "margin); the DGX A100's is NVIDIA's 2020 list price"),
              (f"  - for exactly 4x at the same cost the ExaPOD would cost {money(c.break_even_usd)} "
               f"(it is priced at {money(c.dojo.capex_usd)} here)"),
              ("  - performance: peak dense BF16; power: at the feed with every chip at its TDP (no cooling plant); "
               "footprint: the cabinets' own floor area")]
    for m in (c.dojo, c.same_cost):
        if m.training:
            t = m.training
            lines.append(f"  - {m.name}: {t['plan']}, {t['tokens_per_s']:,.0f} tokens/s, MFU {t['mfu']:.1%}, "
                         f"{t['chips_used']:,} chips used" if "plan" in t else f"  - {m.name}: {t['error']}")
    if c.model:
        lines.append(f"  - training: {c.model} with full recomputation, sequence parallelism and ZeRO-1, the best "
                     f"plan each machine's search finds")
    return "\n".join(lines)
