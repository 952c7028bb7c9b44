"""A training run's power, energy and cost, from the thermal engine over a representative window.

The power comes from the thermal engine driven by the plan's step timeline
(:mod:`.coupling`): mean IT power, the cooling plant's power and the facility's draw at its feed
(IT through the UPS and the transformer, plus the plant) over the window.  Energy is that draw held
for the time to train, at the step time the window measured (throttled chips slow it).  Cost is
the electricity at ``electricity_usd_per_kwh``; capital cost comes from spec figures where the
catalog has them (:func:`capex_usd`), amortized over :data:`SERVICE_YEARS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...model.design import Design
from ...model.economics import DEFAULT_SERVICE_YEARS
from ...model.economics import capex as design_capex

SERVICE_YEARS = DEFAULT_SERVICE_YEARS  # capital cost spread over this many years of service
YEAR_S = 365.25 * 86400


@dataclass(frozen=True)
class Energy:
    """Power over the thermal window, and the run's energy and cost."""

    it_power_w: float  # the IT equipment, mean over the window
    feed_power_w: float  # the facility at its feed: IT through UPS and transformer, and the cooling plant
    cooling_power_w: float  # the cooling plant: chillers, pumps, fans
    energy_j: float  # at the feed, over the whole run
    electricity_usd: float
    capex_usd: float | None  # the machine's capital cost where the catalog knows it
    capex_share_usd: float | None  # the part of it the run uses up (its time over SERVICE_YEARS)
    window_s: float  # the stretch of training the thermal engine simulated
    dt_s: float  # its time step
    steps: int  # training steps completed in the window
    tj_max_c: float  # the hottest junction in the window
    tj_limit_c: float  # that chip's throttle limit
    throttled_chips_max: int  # the most chips at a lower clock at once
    step_time_full_clock_s: float  # the plan's step with every chip at its full clock
    ambient: dict[str, Any]  # the weather of the window (the thermal scenario's)
    coolant_flow_fraction: float

    @property
    def energy_kwh(self) -> float:
        return self.energy_j / 3.6e6

    @property
    def pue(self) -> float | None:
        return self.feed_power_w / self.it_power_w if self.it_power_w > 0 else None

    @property
    def cost_usd(self) -> float:
        return self.electricity_usd + (self.capex_share_usd or 0.0)

    def to_json(self) -> dict[str, Any]:
        return {"window_s": self.window_s, "dt_s": self.dt_s, "steps": self.steps, "it_power_w": self.it_power_w,
                "feed_power_w": self.feed_power_w, "cooling_power_w": self.cooling_power_w, "pue": self.pue,
                "tj_max_c": self.tj_max_c, "tj_limit_c": self.tj_limit_c,
                "throttled_chips_max": self.throttled_chips_max,
                "step_time_full_clock_s": self.step_time_full_clock_s, "ambient": self.ambient,
                "coolant_flow_fraction": self.coolant_flow_fraction}


def capex_usd(design: Design) -> float | None:
    """The capital cost of the design (its parts' prices and its facility, :func:`dojo_gui.model.economics.capex`),
    or None while a chip it uses has no price."""
    return design_capex(design).total_usd


def capex_share(capex: float | None, run_time_s: float) -> float | None:
    """The part of the capital cost a run of ``run_time_s`` uses up."""
    return capex * run_time_s / (SERVICE_YEARS * YEAR_S) if capex is not None else None
