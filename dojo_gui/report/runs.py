"""Saved runs as the report, the comparison and the export show them.

A design keeps its finished runs in ``design.runs`` as :class:`dojo_gui.model.runs.RunRecord`
(oldest first; the form and its parser are in :mod:`dojo_gui.model.runs`).  Here: which
figures stand for a run, their readable labels, and :func:`read_runs` for runs given
beside a design (a ``--runs`` file): a record that does not fit is never dropped
silently, it comes back as a message naming where it is and what is wrong.
Names the report and the comparison look for (others are shown as they come):

    comm:     time_s, algbw_Bps, busbw_Bps
    thermal:  it_power_w, facility_power_w, pue, tj_max_c, coolant_supply_c, coolant_return_c
    train:    step_time_s, tokens_per_second, mfu_fraction, time_to_train_s, energy_j
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model.runs import KINDS, RunRecord, RunRecordError, parse_run

# The figures that stand for a run in comparisons, per kind, in the order shown.
HEADLINE_FIGURES: dict[str, tuple[str, ...]] = {
    "comm": ("time_s", "algbw_Bps", "busbw_Bps"),
    "thermal": ("pue", "it_power_w", "facility_power_w", "tj_max_c", "coolant_supply_c"),
    "train": ("step_time_s", "tokens_per_second", "mfu_fraction", "time_to_train_s", "energy_j"),
}

# Readable labels for figure names the engines use; any other name is spelled out from itself.
FIGURE_LABELS: dict[str, str] = {
    "time_s": "Collective time",
    "algbw_Bps": "Algorithm bandwidth",
    "busbw_Bps": "Bus bandwidth",
    "size_bytes": "Message size",
    "pue": "PUE",
    "wue_l_per_kwh": "WUE (L/kWh)",
    "it_power_w": "IT power",
    "facility_power_w": "Facility power",
    "cooling_power_w": "Cooling power",
    "tj_max_c": "Hottest junction",
    "coolant_supply_c": "Coolant supply",
    "coolant_return_c": "Coolant return",
    "facility_supply_c": "Facility water supply",
    "step_time_s": "Training step time",
    "tokens_per_second": "Tokens per second",
    "achieved_flops": "Achieved FLOP/s per chip",
    "mfu_fraction": "MFU",
    "time_to_train_s": "Time to train",
    "throttled_fraction": "Chips throttled",
    "energy_j": "Energy",
    # A training run's step, part by part, and what the thermal engine found.
    "compute_s": "Compute",
    "tp_comm_s": "Tensor-parallel communication",
    "pp_comm_s": "Pipeline communication",
    "dp_comm_s": "Gradient communication (exposed)",
    "bubble_s": "Pipeline bubble",
    "memory_stream_s": "Memory streaming (exposed)",
    "other_s": "Optimizer",
    "throttle_s": "Throttling",
    "feed_power_w": "Power at the feed",
    "first_stage_utilization_fraction": "First stage's utilization over a step",
    "it_energy_j": "IT energy",
    "simulated_s": "Time simulated",
    "comm_time_s": "Collective time per step",
}

# A figure that means something else in a kind of run: a thermal run's energy is the facility's.
KIND_LABELS: dict[tuple[str, str], str] = {("thermal", "energy_j"): "Facility energy"}

# Words a label spelled out from a name keeps as they are written: "it_energy_j" -> "IT energy", not "It energy".
ACRONYMS: dict[str, str] = {w.lower(): w for w in (
    "IT", "PUE", "WUE", "MFU", "CDU", "TDP", "HBM", "SRAM", "DVFS", "UPS", "Tj", "TP", "PP", "DP", "CPU", "GPU",
    "TPU", "DIP", "PCIe", "NVLink", "FLOPS", "FLOP", "ID", "BF16", "FP32", "FP8", "CFP8", "HVAC", "AC", "DC")}

_SUFFIX_WORDS = ("_k_per_w", "_j_per_k", "_lpm_per_kw", "_fraction", "_efficiency", "_bytes", "_flops",
                 "_flop", "_Bps", "_lpm", "_mm2", "_hz", "_kg", "_pa", "_nm", "_w", "_s", "_c", "_k", "_j", "_m")


def figure_label(name: str, kind: str = "") -> str:
    """``tj_max_c`` -> "Hottest junction"; an unknown ``peak_cdu_load_w`` -> "Peak CDU load" (acronyms kept)."""
    if (kind, name) in KIND_LABELS:
        return KIND_LABELS[kind, name]
    if name in FIGURE_LABELS:
        return FIGURE_LABELS[name]
    stem = name
    for suffix in _SUFFIX_WORDS:
        if stem.endswith(suffix) and len(stem) > len(suffix):
            stem = stem[: -len(suffix)]
            break
    words = [ACRONYMS.get(w.lower(), w) for w in stem.split("_") if w]
    if words and words[0] not in ACRONYMS.values():
        words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


def read_runs(runs: Iterable[Any], where: str = "runs") -> tuple[list[RunRecord], list[RunRecordError]]:
    """Every record that fits, in order, and a :class:`RunRecordError` for each one that does not."""
    good, bad = [], []
    for i, data in enumerate(runs):
        try:
            good.append(parse_run(data, f"{where}[{i}]"))
        except RunRecordError as exc:
            bad.append(exc)
    return good, bad


def latest_by_kind(records: Iterable[RunRecord]) -> dict[str, RunRecord]:
    """The last record of each kind (records are kept oldest first), in the order of :data:`KINDS`."""
    latest: dict[str, RunRecord] = {}
    for record in records:
        latest[record.kind] = record
    return {k: latest[k] for k in KINDS if k in latest}
