"""What a design costs to build and to own: its capital cost from the specs' prices, its floor area.

Capital cost is every placed part's own ``price_usd`` (a tile's price leaves out its chips, a
cabinet's its tiles) plus the facility: the room's ``facility_usd_per_w`` times what the machine
draws at the feed at full load (:func:`dojo_gui.model.aggregate.summarize`), since a hall is built
for its load.  A chip spec without a price (0) makes the total unknown; a container at 0 simply
adds nothing of its own (a bench, a bare hall).  The catalog's prices are published figures where
there are any and estimates otherwise, each said in the spec's notes (see docs/economics.md).

The cost of owning a design over its service is its capital cost plus its electricity over those
years at a given mean draw (:class:`Economics`); staff, maintenance and financing are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .aggregate import summarize
from .design import Design
from .specs import CabinetSpec, ChipSpec, RoomSpec

HOURS_PER_YEAR = 365.25 * 24
DEFAULT_ELECTRICITY_USD_PER_KWH = 0.10
DEFAULT_SERVICE_YEARS = 4.0  # a common depreciation period for computing equipment


@dataclass(frozen=True)
class Capex:
    """A design's capital cost and where it comes from."""

    parts_usd: float  # the parts' own prices
    facility_usd: float  # the room's cost per watt times the feed power at full load
    feed_power_w: float  # at the feed, every chip at its TDP
    by_level: dict[str, float] = field(default_factory=dict)  # parts' prices summed by level
    unpriced_chips: tuple[str, ...] = ()  # chip specs in use without a price: the total is not known

    @property
    def total_usd(self) -> float | None:
        return None if self.unpriced_chips else self.parts_usd + self.facility_usd

    @property
    def hardware_usd(self) -> float | None:
        """The machine without its building."""
        return None if self.unpriced_chips else self.parts_usd


def capex(design: Design) -> Capex:
    """The capital cost of ``design`` (parts whose spec is unknown count as nothing)."""
    by_level: dict[str, float] = {}
    unpriced: set[str] = set()
    for part in design.room.walk():
        spec = design.specs.get(part.spec_id)
        if spec is None:
            continue
        if isinstance(spec, ChipSpec) and spec.price_usd <= 0:
            unpriced.add(spec.id)
        by_level[spec.level] = by_level.get(spec.level, 0.0) + spec.price_usd
    room = design.specs.get(design.room.spec_id)
    feed_w = summarize(design).max_power_w
    facility = room.facility_usd_per_w * feed_w if isinstance(room, RoomSpec) else 0.0
    return Capex(sum(by_level.values()), facility, feed_w, by_level, tuple(sorted(unpriced)))


def footprint_m2(design: Design) -> float:
    """Floor area of the design's cabinets (each its width by its depth), aisles left out."""
    total = 0.0
    for part in design.parts("cabinet"):
        spec = design.specs.get(part.spec_id)
        if isinstance(spec, CabinetSpec):
            total += spec.width_m * spec.depth_m
    return total


@dataclass(frozen=True)
class Economics:
    """What owning a machine costs besides buying it: electricity at a price, over years of service."""

    electricity_usd_per_kwh: float = DEFAULT_ELECTRICITY_USD_PER_KWH
    service_years: float = DEFAULT_SERVICE_YEARS

    def __post_init__(self) -> None:
        if not self.electricity_usd_per_kwh >= 0:
            raise ValueError(f"the electricity price cannot be negative, got {self.electricity_usd_per_kwh:g}")
        if not self.service_years > 0:
            raise ValueError(f"the years of service must be above zero, got {self.service_years:g}")

    def electricity_usd(self, power_w: float, seconds: float) -> float:
        return power_w * seconds / 3.6e6 * self.electricity_usd_per_kwh

    def lifetime_electricity_usd(self, power_w: float) -> float:
        """Electricity over the whole service at a mean draw of ``power_w``, running all the time."""
        return self.electricity_usd(power_w, self.service_years * HOURS_PER_YEAR * 3600.0)

    def tco_usd(self, capex_usd: float, power_w: float) -> float:
        """Capital cost plus the electricity of the whole service at ``power_w``."""
        return capex_usd + self.lifetime_electricity_usd(power_w)

    def capex_share_usd(self, capex_usd: float, seconds: float) -> float:
        """The part of the capital cost ``seconds`` of use take up (straight-line over the service)."""
        return capex_usd * seconds / (self.service_years * HOURS_PER_YEAR * 3600.0)

    def to_json(self) -> dict[str, float]:
        return {"electricity_usd_per_kwh": self.electricity_usd_per_kwh, "service_years": self.service_years}
