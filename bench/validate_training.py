"""Validate the training model against Narayanan et al. 2021, Table 1, and write docs/validation.md.

Every row of the table (bench/data/narayanan2021_table1.json: GPT models of 1.7B to 1T parameters on
32 to 3,072 A100 80GB of Selene) is rebuilt: a DGX A100 SuperPOD of the row's GPUs / 8 nodes
(``dojo-gui new dgx-a100-superpod --nodes N``), the row's model from the catalog, its published tensor,
pipeline and data-parallel degrees and batch, and the software as the paper's artifact ran it
(Megatron-LM's examples/sc21/run_table_1.sh and CONFIG.sh, transcribed into the table's file): the
row's micro-batch, pipeline schedule and data-parallel implementation; fp16 with gradients kept and
reduced in fp16, full activation recomputation, unfused attention, the scatter/gather optimization.
The prediction is the achieved teraFLOP/s per GPU as the paper counts it (eq. 3 FLOPs, recomputation
included, over step time and GPUs), beside the published figure.  One set of A100 figures serves every
row: the catalog's nvidia-a100-sxm-80gb spec, whose matrix-multiply efficiency level is calibrated on
the first row (CALIBRATION_ROW); the other nine rows are predictions, and the targets are checked on them.

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
# The row the A100's matrix-multiply efficiency level is calibrated on (resources/specs/nvidia-a100.json): the
# whole model on every GPU, so the chip's own speed with the least of the model's machinery around it.
CALIBRATION_ROW = "megatron-gpt-1.7b"
TORCH_DDP_BUCKET_BYTES = 25 * 2**20  # PyTorch DistributedDataParallel's default bucket_cap_mb


def paper_settings(model, row):
    """The software the paper ran (§4, §5.1, and its artifact's run_table_1.sh and CONFIG.sh for the row)."""
    return TrainingSettings.for_model(
        model, precision="fp16", recompute="full", attention="materialized", sequence_parallel=False, zero_stage=0,
        gradient_bytes=2.0, fused_grad_accumulation=False, pp_scatter_gather=True,
        dp_overlap=row["ddp_impl"] == "torch", dp_bucket_bytes=TORCH_DDP_BUCKET_BYTES)


def paper_plan(row) -> dict:
    """The row's plan as the artifact ran it: its degrees, micro-batch and pipeline schedule."""
    tp, pp = row["tensor_parallel"], row["pipeline_parallel"]
    per_chunk = row["layers_per_virtual_stage"]
    chunks = row["layers"] // (pp * per_chunk) if per_chunk else 1
    return {"tp": tp, "pp": pp, "dp": row["gpus"] // (tp * pp), "micro_batch": row["micro_batch"],
            "schedule": "interleaved" if chunks > 1 else "1f1b", "interleave": chunks, "placement": "data-contiguous"}


def predict(row, models, catalog, simulate: bool, as_run: bool):
    """The row's step: as the artifact ran it, or (``as_run`` false) with the micro-batch and schedule the
    model's own search finds fastest for the row's degrees."""
    model = models[row["model"]]
    design = TEMPLATES["dgx-a100-superpod"].make(catalog, row["gpus"] // 8)
    machine = Machine.from_design(design)
    fixed = paper_plan(row)
    if not as_run:
        fixed = {k: fixed[k] for k in ("tp", "pp", "dp", "placement")}
    started = time.monotonic()
    result = search_plans(machine, model, paper_settings(model, row), traffic=Traffic(machine, simulate=simulate),
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
    predicted = [(e, r) for e, r in zip(errors, results) if r["row"]["model"] != CALIBRATION_ROW]
    calibration = next(e for e, r in zip(errors, results) if r["row"]["model"] == CALIBRATION_ROW)
    within = sum(abs(e) <= TARGET_ROW for e, _ in predicted)
    abs_median = statistics.median(abs(e) for e, _ in predicted)
    median = statistics.median(e for e, _ in predicted)
    worst = max(predicted, key=lambda er: abs(er[0]))
    curve = ", ".join(f"{k}: {v:g}" for k, v in chip.matmul_efficiency.items())
    lines = [
        "# Validation: the training model against Megatron-LM on Selene",
        "",
        "Written by `python bench/validate_training.py`" + ("" if simulate else " --estimate")
        + "; do not edit by hand.",
        "",
        (f"**Source.** {doc['source']}. {doc['setup']} {doc['transcription']} How each row was run: "
         f"{doc['run_settings_source']} The rows are in `bench/data/narayanan2021_table1.json`."),
        "",
        "**What is predicted.** Each row is rebuilt as `dojo-gui new dgx-a100-superpod --nodes GPUs/8` (DGX A100 "
        "nodes of 8 A100 80GB on NVSwitch, 8 x 200 Gb/s HDR InfiniBand per node in a non-blocking fat tree) with the "
        "row's model from the catalog, its tensor- and pipeline-parallel degrees, data parallelism over the rest, and "
        "its batch, run the way the paper's artifact ran it: the row's micro-batch; its pipeline schedule (interleaved "
        "with the artifact's layers per virtual stage where it gives them, 1F1B where it does not); its data-parallel "
        "implementation (PyTorch's, whose gradient all-reduce runs in 25 MB buckets during the last micro-batch's "
        "backward pass, for the rows without pipelining; Megatron-LM's own, which all-reduces after the backward pass, "
        "for the others); for every row fp16 with gradients accumulated by a kernel of their own and all-reduced in "
        "fp16, full activation recomputation, unfused (materialized) attention with fused softmax and bias/dropout "
        "kernels, the scatter/gather optimization between pipeline stages and Megatron-LM's rank order "
        "(`data-contiguous`). Communication is " + (
            "simulated with the communication engine" if simulate else "the closed-form estimate only")
        + ". The prediction is the achieved teraFLOP/s per GPU as the paper counts it: eq. 3's FLOPs (recomputation "
        "included) over the step time and the GPUs. The last column is what the model's own search "
        "(`dojo-gui simulate train --search`) finds for the row's degrees when it also chooses the micro-batch (up to "
        "16) and the schedule.",
        "",
        (f"**One set of A100 figures for every row** (the catalog's `{chip.id}`): "
         f"{units.format(chip.peak_flops['fp16'], 'FLOPS')} "
         f"fp16 peak, matrix-multiply efficiency by size {{{curve}}}, memory-bound kernels at "
         f"{chip.memory_bw_efficiency:.0%} of {units.format(chip.hbm_bw_Bps, 'B/s')}, "
         f"{units.format(chip.kernel_overhead_s, 's')} per kernel, NVLink and InfiniBand at their nominal rates in "
         "the communication engine. No figure is set per row. The efficiency curve's level is calibrated on one "
         f"row, the first ({CALIBRATION_ROW}: the whole model on each GPU, no tensor or pipeline parallelism, its "
         "gradient all-reduce overlapped; marked *calibration* below); the other nine rows are predictions, and the "
         "targets are checked on them."),
        "",
        ("| model | params | layers | hidden | heads | TP | PP | DP | GPUs | batch | as run | published TFLOP/s | "
         "predicted | error | compute | tensor comm | pipeline comm | gradient comm | bubble | model's search: "
         "predicted |"),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r, err, f in zip(results, errors, free):
        row, step, model = r["row"], r["step"], r["model"]
        f_err = f["achieved"] / 1e12 / row["achieved_tflops_per_gpu"] - 1
        plan, found = step.plan, f["step"].plan
        mark = " (*calibration*)" if row["model"] == CALIBRATION_ROW else ""
        lines.append(
            f"| {model.name} | {row['parameters_billion']:g}B | {row['layers']} | {row['hidden_size']:,} | "
            f"{row['attention_heads']} | {plan.tp} | {plan.pp} | {plan.dp} | {row['gpus']:,} | {row['batch_size']:,} | "
            f"micro-batch {plan.micro_batch}, {_schedule(plan)} | {row['achieved_tflops_per_gpu']} | "
            f"{r['achieved'] / 1e12:.1f} | "
            f"{err:+.1%}{mark} | {share(step, 'compute_s'):.1%} | {share(step, 'tp_comm_s'):.1%} | "
            f"{share(step, 'pp_comm_s'):.1%} | {share(step, 'dp_comm_s'):.1%} | {share(step, 'bubble_s'):.1%} | "
            f"{f['achieved'] / 1e12:.1f} ({f_err:+.1%}; micro-batch {found.micro_batch}, {_schedule(found)}) |")
    rows_ok = within == len(predicted)
    median_ok = abs_median <= TARGET_MEDIAN
    fast = [f"{r['model'].name} {e:+.1%}" for e, r in predicted if e > 0.03]
    slow = [f"{r['model'].name} {e:+.1%}" for e, r in predicted if e < -0.03]
    lines += [
        "",
        (f"**Result.** Of the nine predicted rows, {within} are within {TARGET_ROW:.0%} (target: every row: "
         f"{'met' if rows_ok else 'missed'}); median absolute error {abs_median:.1%} (target {TARGET_MEDIAN:.0%}: "
         f"{'met' if median_ok else 'missed'}); median signed error {median:+.1%}; largest {worst[0]:+.1%} "
         f"({worst[1]['model'].name}). The calibration row comes out at {calibration:+.1%} (the curve's points are "
         "rounded to two figures)."),
        "",
        ("**Where it misses, and why.** Beyond 3 %: " + ("; ".join(fast) if fast else "none") + " (too fast); "
         + ("; ".join(slow) if slow else "none") + " (too slow). The model leaves out costs a real run has and the "
         "published figures cannot separate: stragglers and the synchronization of every send between stages across "
         "thousands of GPUs, NCCL's protocol overheads (the engine runs the links at their nominal rate), the tied "
         "embedding's all-reduce between the first and last stage, the loss-scaling and gradient-norm passes. Where "
         "it is too slow, the model runs a pipeline's steady state at its slowest stage's pace (the last, which also "
         "computes the logits) and charges the whole bubble; both weigh most in the table's deepest pipeline (1T: "
         "1F1B over 64 stages, where the logits make the last stage 8 % heavier than the others' two layers)."),
        "",
        ("**What changed, and what is an estimate.** An earlier version of this page took the micro-batch as 1 and let "
         "the search pick the interleaving, all-reduced the gradients in fp32 after the backward pass for every row, "
         "and set the efficiency curve with the whole table in view; its errors were systematic (rows without "
         "pipelining slow, pipelined rows fast). The artifact's own settings replaced those guesses, and the curve "
         "is now calibrated on one row. Its shape by size, the memory-bound kernels' 80 % of HBM bandwidth and the "
         "2 µs per kernel remain estimates. The calibrated level (70 to 73 % of peak for the large matrices of these "
         "layers) is about 0.84 of the maximum achievable matmul FLOPS measured for an A100 in isolation (86.9 %): "
         "sustained in training the chip does less than its best benchmark (likely causes, not modelled one by one: "
         "clocks held down by the 400 W limit, shapes less favourable than the benchmark's best). "
         "The other chips' curves (H100, B200, D1, TPU v4) are not calibrated this way; see docs/training.md."),
        "",
    ]
    return "\n".join(lines)


def _schedule(plan) -> str:
    return "1F1B" if plan.schedule == "1f1b" else f"interleaved x{plan.interleave}"


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
        r = predict(row, models, catalog, not args.estimate, as_run=True)
        f = predict(row, models, catalog, not args.estimate, as_run=False)
        results.append(r)
        free.append(f)
        err = r["achieved"] / 1e12 / row["achieved_tflops_per_gpu"] - 1
        f_err = f["achieved"] / 1e12 / row["achieved_tflops_per_gpu"] - 1
        print(f"{r['model'].name:22s} published {row['achieved_tflops_per_gpu']:5.0f}  predicted "
              f"{r['achieved'] / 1e12:6.1f} TFLOP/s per GPU  {err:+6.1%}   {r['step'].plan.describe()}  "
              f"({r['elapsed_s']:.1f} s); the search's plan: {f_err:+.1%}", flush=True)
    text = markdown(results, free, doc, not args.estimate, catalog["nvidia-a100-sxm-80gb"])
    Path(args.out).write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
