"""Validate the training model against Narayanan et al. 2021, Table 1, and write docs/validation.md.

Every row of the table (bench/data/narayanan2021_table1.json: GPT models of 1.7B to 1T parameters on
32 to 3,072 A100 80GB of Selene) is rebuilt: a DGX A100 SuperPOD of the row's GPUs / 8 nodes
(``dojo-gui new dgx-a100-superpod --nodes N``), the row's model from the catalog, its published tensor,
pipeline and data-parallel degrees and batch, and the software of the paper (§5.1): 16-bit mixed
precision, full activation recomputation, unfused attention, the interleaved schedule with the
scatter/gather optimization, gradients kept and reduced in fp32 after the backward pass.  Table 1 does not
give the micro-batch or the interleaving, so the model's search picks them (the fastest that fits, as a
user of the search would get).  The prediction is then the achieved teraFLOP/s per GPU as the paper
counts it (eq. 3 FLOPs, recomputation included, over step time and GPUs), beside the published figure.
One set of A100 figures serves every row: the catalog's nvidia-a100-sxm-80gb spec.

    python bench/validate_training.py              # writes docs/validation.md and prints the table
    python bench/validate_training.py --estimate   # the closed-form communication only (quick)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dojo_gui import units
from dojo_gui.io.catalog import builtin_models, builtin_specs
from dojo_gui.model.templates import TEMPLATES
from dojo_gui.sim.training import Machine, Traffic, TrainingSettings
from dojo_gui.sim.training.search import search_plans

TABLE = ROOT / "bench" / "data" / "narayanan2021_table1.json"
OUT = ROOT / "docs" / "validation.md"
TARGET_ROW, TARGET_MEDIAN = 0.10, 0.05


def paper_settings(model):
    """The software the paper ran (§4, §5.1), the same for every row."""
    return TrainingSettings.for_model(
        model, precision="fp16", recompute="full", attention="materialized", sequence_parallel=False, zero_stage=0,
        gradient_bytes=4.0, fused_grad_accumulation=False, dp_overlap=False, pp_scatter_gather=True)


def predict(row, models, catalog, simulate: bool, micro_batch: int | None):
    model = models[row["model"]]
    design = TEMPLATES["dgx-a100-superpod"].make(catalog, row["gpus"] // 8)
    machine = Machine.from_design(design)
    tp, pp = row["tensor_parallel"], row["pipeline_parallel"]
    dp = row["gpus"] // (tp * pp)
    fixed = {"tp": tp, "pp": pp, "dp": dp, "placement": "data-contiguous"}
    if micro_batch is not None:
        fixed["micro_batch"] = micro_batch
    started = time.monotonic()
    result = search_plans(machine, model, paper_settings(model), traffic=Traffic(machine, simulate=simulate),
                          simulate_best=2, fixed=fixed)
    best = result.best
    assert best is not None, f"{model.id}: no plan fits"
    achieved = best.hardware_flops / best.step_time_s / best.chips
    return {"row": row, "model": model, "step": best, "achieved": achieved, "elapsed_s": time.monotonic() - started,
            "tried": result.tried, "fit": len(result.ranked)}


def share(step, part):
    return getattr(step.breakdown, part) / step.step_time_s


def markdown(results, free, doc, simulate: bool, chip) -> str:
    errors = [r["achieved"] / 1e12 / r["row"]["achieved_tflops_per_gpu"] - 1 for r in results]
    within = sum(abs(e) <= TARGET_ROW for e in errors)
    median = statistics.median(errors)
    curve = ", ".join(f"{k}: {v:g}" for k, v in chip.matmul_efficiency.items())
    lines = [
        "# Validation: the training model against Megatron-LM on Selene",
        "",
        "Written by `python bench/validate_training.py`" + ("" if simulate else " --estimate")
        + "; do not edit by hand.",
        "",
        (f"**Source.** {doc['source']}. {doc['setup']} {doc['transcription']} The rows are in "
        "`bench/data/narayanan2021_table1.json`."),
        "",
        "**What is predicted.** Each row is rebuilt as `dojo-gui new dgx-a100-superpod --nodes GPUs/8` (DGX A100 "
        "nodes of 8 A100 80GB on NVSwitch, 8 x 200 Gb/s HDR InfiniBand per node in a non-blocking fat tree) with the "
        "row's model from the catalog, its tensor- and pipeline-parallel degrees, data parallelism over the rest, and "
        "its batch. The software is the paper's (§4, §5.1): fp16 mixed precision, full activation recomputation, "
        "unfused (materialized) attention with fused softmax and bias/dropout kernels, the interleaved pipeline "
        "schedule with the scatter/gather optimization, fp32 gradients added to their accumulator by a kernel of their "
        "own and reduced after the backward pass, Megatron-LM's rank order (`data-contiguous`). Table 1 does not give "
        "the micro-batch: it is 1, the micro-batch of every PTD-P run of the paper's Table 2 (and of Megatron-LM's "
        "GPT-3 example). Nor does it give the number of interleaved chunks: the model's own search picks the fastest "
        "that fits (the search `dojo-gui simulate train` runs), " + (
            "simulating its two best estimated plans with the communication engine" if simulate else
            "with the closed-form communication estimate only")
        + ". The prediction is the achieved teraFLOP/s per GPU as the paper counts it: eq. 3's FLOPs (recomputation "
        "included) over the step time and the GPUs. The last column lets the search choose the micro-batch too (up "
        "to 16): what the model thinks the fastest setting would have reached.",
        "",
        (f"**One set of A100 figures for every row** (the catalog's `{chip.id}`): "
        f"{units.format(chip.peak_flops['fp16'], 'FLOPS')} "
        f"fp16 peak, matrix-multiply efficiency by size {{{curve}}}, memory-bound kernels at "
        f"{chip.memory_bw_efficiency:.0%} of {units.format(chip.hbm_bw_Bps, 'B/s')}, "
        f"{units.format(chip.kernel_overhead_s, 's')} per kernel, NVLink and InfiniBand at their nominal rates in the "
        "communication engine. No figure is set per row."),
        "",
        ("| model | params | layers | hidden | heads | TP | PP | DP | GPUs | batch | plan found | published TFLOP/s | "
        "predicted | error | compute | tensor comm | pipeline comm | gradient comm | bubble | best micro-batch: "
        "predicted |"),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r, err, f in zip(results, errors, free):
        row, step, model = r["row"], r["step"], r["model"]
        f_err = f["achieved"] / 1e12 / row["achieved_tflops_per_gpu"] - 1
        plan = step.plan
        sched = "1F1B" if plan.schedule == "1f1b" else f"interleaved x{plan.interleave}"
        lines.append(
            f"| {model.name} | {row['parameters_billion']:g}B | {row['layers']} | {row['hidden_size']:,} | "
            f"{row['attention_heads']} | {plan.tp} | {plan.pp} | {plan.dp} | {row['gpus']:,} | {row['batch_size']:,} | "
            f"micro-batch {plan.micro_batch}, {sched} | {row['achieved_tflops_per_gpu']} | "
            f"{r['achieved'] / 1e12:.1f} | "
            f"{err:+.1%} | {share(step, 'compute_s'):.1%} | {share(step, 'tp_comm_s'):.1%} | "
            f"{share(step, 'pp_comm_s'):.1%} | {share(step, 'dp_comm_s'):.1%} | {share(step, 'bubble_s'):.1%} | "
            f"{f['achieved'] / 1e12:.1f} ({f_err:+.1%}, micro-batch {f['step'].plan.micro_batch}) |")
    worst = max(zip(errors, results), key=lambda er: abs(er[0]))
    abs_median = statistics.median(abs(e) for e in errors)
    flat = [e for e, r in zip(errors, results) if r["step"].plan.pp == 1]
    flat_free = [f["achieved"] / 1e12 / f["row"]["achieved_tflops_per_gpu"] - 1 for f in free
                 if f["step"].plan.pp == 1]
    piped = [e for e, r in zip(errors, results) if r["step"].plan.pp > 1]
    rows_ok = within == len(results)
    median_ok = abs_median <= TARGET_MEDIAN
    lines += [
        "",
        (f"**Result.** {within} of {len(results)} rows within {TARGET_ROW:.0%} (target: every row: "
        f"{'met' if rows_ok else 'missed'}); median absolute error {abs_median:.1%} (target {TARGET_MEDIAN:.0%}: "
        f"{'met' if median_ok else 'missed'}); median signed error {median:+.1%}; largest {worst[0]:+.1%} "
        f"({worst[1]['model'].name})."),
        "",
        (f"**Where it misses, and why.** The errors are not random: the rows without pipeline parallelism come out "
        f"slow (mean {statistics.mean(flat):+.1%}), the pipelined rows fast (mean {statistics.mean(piped):+.1%}). "
        "At micro-batch 1 the unpipelined models multiply matrices of only 2,048 rows, where the efficiency curve's "
        "estimated points matter most; their measured throughput suggests the A100 did better on those shapes than the "
        f"curve says (with the micro-batch the search prefers they come out {min(flat_free):+.0%} to "
        f"{max(flat_free):+.0%} instead). The pipelined "
        "rows leave out costs a real pipeline has and the published figures cannot show: stragglers and the "
        "synchronization of every send between stages across thousands of GPUs, NCCL's protocol overheads (the engine "
        "runs the links at their nominal rate), the tied embedding's all-reduce between the first and last stage, the "
        "loss-scaling and gradient-norm passes; and the number of interleaved chunks is the model's fastest choice, "
        "not the paper's (which Table 1 does not give)."),
        "",
        ("**What is an estimate.** The A100's efficiency curve stays below the one measured point there is (the "
        "maximum achievable matmul FLOPS of an A100 SXM: 86.9 % of peak, for the best of a search over shapes; the "
        "shapes of a layer reach less); its points, the memory-bound kernels' 80 % of HBM bandwidth and the 2 µs "
        "per kernel are estimates, set once for every row with this table in view. The validation therefore checks "
        "the model's shape across 1.7B to 1T parameters, TP 1 to 8 and PP 1 to 64 with one set of figures, more "
        "than it checks the absolute level independently. See docs/training.md for the model."),
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--estimate", action="store_true", help="closed-form communication only (no engine runs)")
    parser.add_argument("--out", default=str(OUT),
                        help=f"where to write the markdown (default {OUT.relative_to(ROOT)})")
    args = parser.parse_args()
    doc = json.loads(TABLE.read_text())
    models, catalog = builtin_models(), builtin_specs()
    results, free = [], []
    for row in doc["rows"]:
        r = predict(row, models, catalog, not args.estimate, micro_batch=1)
        f = predict(row, models, catalog, not args.estimate, micro_batch=None)
        results.append(r)
        free.append(f)
        err = r["achieved"] / 1e12 / row["achieved_tflops_per_gpu"] - 1
        f_err = f["achieved"] / 1e12 / row["achieved_tflops_per_gpu"] - 1
        print(f"{r['model'].name:22s} published {row['achieved_tflops_per_gpu']:5.0f}  predicted "
              f"{r['achieved'] / 1e12:6.1f} TFLOP/s per GPU  {err:+6.1%}   {r['step'].plan.describe()}  "
              f"({r['elapsed_s']:.1f} s); best micro-batch {f['step'].plan.micro_batch}: {f_err:+.1%}", flush=True)
    text = markdown(results, free, doc, not args.estimate, catalog["nvidia-a100-sxm-80gb"])
    Path(args.out).write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
