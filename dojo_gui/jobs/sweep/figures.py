"""The figures a variant reports, what they mean, how they print, and the economics derived from them.

A worker returns the engine's figures (:mod:`.evaluate`); the economics — performance per watt and
per dollar, the cost of ownership, the energy and cost of a training run — are derived here on the
side that asked (:func:`derive`), so changing the electricity price or the years of service re-prices
a sweep without running it again.  Every figure is SI with its unit in its name; ``better`` says
which way is better (for the Pareto front), ``kinds`` which scenarios produce it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ... import units
from ...model.economics import Economics


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str  # a key of units.UNITS, or a compound unit: "FLOPS/W", "FLOPS/USD", "tokens/s", "tokens/J", "m2", ""
    better: str = ""  # "high", "low" or "" (neither)
    kinds: tuple[str, ...] = ()  # the scenarios that produce it; () every one


FIGURES: dict[str, Figure] = {f.key: f for f in [
    Figure("peak_flops", "Peak compute", "FLOPS", "high"),
    Figure("chips", "Chips", ""),
    Figure("feed_power_w", "Power at full load", "W", "low"),
    Figure("capex_usd", "Capital cost", "USD", "low"),
    Figure("hardware_usd", "Hardware cost", "USD", "low"),
    Figure("footprint_m2", "Footprint", "m2", "low"),
    Figure("design_errors", "Design-rule errors", "", "low"),
    Figure("peak_flops_per_w", "Peak per watt", "FLOPS/W", "high"),
    Figure("peak_flops_per_usd", "Peak per dollar", "FLOPS/USD", "high"),
    Figure("tco_usd", "Cost of ownership", "USD", "low"),
    Figure("it_power_w", "IT power", "W", "low", ("thermal",)),
    Figure("facility_power_w", "Facility power", "W", "low", ("thermal",)),
    Figure("cooling_power_w", "Cooling power", "W", "low", ("thermal",)),
    Figure("pue", "PUE", "", "low", ("thermal",)),
    Figure("tj_max_c", "Hottest junction", "C", "low", ("thermal",)),
    Figure("throttled_chips", "Throttled chips", "", "low", ("thermal",)),
    Figure("energy_j", "Energy", "J", "low", ("thermal",)),
    Figure("free_cooling_fraction", "Free cooling", "%", "high", ("thermal",)),
    Figure("time_s", "Collective time", "s", "low", ("comm",)),
    Figure("busbw_Bps", "Bus bandwidth", "B/s", "high", ("comm",)),
    Figure("algbw_Bps", "Algorithm bandwidth", "B/s", "high", ("comm",)),
    Figure("max_link_utilization_fraction", "Busiest link", "%", "", ("comm",)),
    Figure("step_time_s", "Step time", "s", "low", ("thermal", "train")),
    Figure("tokens_per_s", "Tokens per second", "tokens/s", "high", ("train",)),
    Figure("mfu_fraction", "MFU", "%", "high", ("train",)),
    Figure("chips_used", "Chips used", "", "", ("train",)),
    Figure("memory_per_chip_bytes", "Memory per chip", "B", "low", ("train",)),
    Figure("time_to_train_s", "Time to train", "s", "low", ("train",)),
    Figure("run_power_w", "Power while training", "W", "low", ("train",)),
    Figure("run_energy_j", "Energy per run", "J", "low", ("train",)),
    Figure("run_cost_usd", "Cost per run", "USD", "low", ("train",)),
    Figure("tokens_per_j", "Tokens per joule", "tokens/J", "high", ("train",)),
]}

# What the command line prints for each kind of scenario, besides the varied figures.
KEY_FIGURES: dict[str, tuple[str, ...]] = {
    "thermal": ("facility_power_w", "pue", "tj_max_c", "throttled_chips", "peak_flops_per_w", "capex_usd", "tco_usd"),
    "comm": ("time_s", "busbw_Bps", "peak_flops", "capex_usd", "tco_usd"),
    "train": ("step_time_s", "tokens_per_s", "mfu_fraction", "time_to_train_s", "run_energy_j", "run_cost_usd",
              "capex_usd"),
}


def figures_for(kind: str) -> list[str]:
    """Every figure a scenario of ``kind`` reports, in the registry's order."""
    return [f.key for f in FIGURES.values() if not f.kinds or kind in f.kinds]


def derive(figures: dict[str, float | None], kind: str, economics: Economics) -> dict[str, float | None]:
    """The engine's figures with the economics added (a new dict; the input is not changed)."""
    out = dict(figures)
    peak, capex, feed = figures.get("peak_flops"), figures.get("capex_usd"), figures.get("feed_power_w")
    out["peak_flops_per_w"] = _ratio(peak, feed)
    out["peak_flops_per_usd"] = _ratio(peak, capex)
    # The mean draw the machine is owned at: the scenario's, or full load where the scenario has none.
    mean_w = {"thermal": figures.get("facility_power_w"), "train": figures.get("run_power_w")}.get(kind) or feed
    out["tco_usd"] = economics.tco_usd(capex, mean_w) if capex is not None and mean_w is not None else None
    if kind == "train":
        run_s, run_w, tokens_per_s = figures.get("time_to_train_s"), figures.get("run_power_w"), \
            figures.get("tokens_per_s")
        if run_s is not None and run_w is not None:
            out["run_energy_j"] = run_w * run_s
            share = economics.capex_share_usd(capex, run_s) if capex is not None else None
            electricity = economics.electricity_usd(run_w, run_s)
            out["run_cost_usd"] = electricity + share if share is not None else None
        out["tokens_per_j"] = _ratio(tokens_per_s, run_w)
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def label(key: str) -> str:
    figure = FIGURES.get(key)
    return figure.label if figure else key


def unit_text(key: str) -> str:
    """The unit a figure's column shows, for headers ("W", "$", "FLOPS/W")."""
    figure = FIGURES.get(key)
    if figure is None:
        return units.unit_for_name(key).symbol
    return {"USD": "$", "m2": "m²", "C": "°C", "%": "%", "FLOPS/USD": "FLOPS/$"}.get(
        figure.unit, units.UNITS[figure.unit].symbol if figure.unit in units.UNITS else figure.unit)


def format_figure(key: str, value: Any) -> str:
    """A figure as a person reads it: "1.91 MW", "$9.8M", "3.1 TFLOPS/W", "51.8 %", "—" when unknown."""
    if value is None:
        return "—"
    figure = FIGURES.get(key)
    unit = figure.unit if figure else units.unit_for_name(key).key
    v = float(value)
    if unit == "USD":
        return money(v)
    if unit in ("FLOPS/W", "FLOPS/USD"):
        return units.format(v, "FLOPS") + ("/W" if unit == "FLOPS/W" else "/$")
    if unit == "J":  # energy reads as watt-hours
        return units.format(v / 3600.0, "W") + "h"
    if unit == "m2":
        return f"{v:,.1f} m²"
    if unit in ("tokens/s", "tokens/J"):
        return f"{v:,.0f} {unit}" if v >= 100 else f"{v:.3g} {unit}"
    if unit == "":
        return f"{v:,.0f}" if v.is_integer() or abs(v) >= 100 else f"{v:.3g}"
    return units.format(v, unit)


def money(usd: float) -> str:
    """$9.80M, $250k, $1.20B."""
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(usd) >= scale:
            return f"${usd / scale:,.3g}{suffix}" if abs(usd) < 1000 * scale else f"${usd / scale:,.0f}{suffix}"
    return f"${usd:,.0f}"
