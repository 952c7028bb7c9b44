"""Capital cost from the specs' prices, the facility by the watt, and the cost of owning a machine."""

import dataclasses

import pytest

from dojo_gui.model.aggregate import summarize
from dojo_gui.model.economics import HOURS_PER_YEAR, Economics, capex, footprint_m2
from dojo_gui.model.templates import TEMPLATES


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_every_template_has_a_capital_cost_from_its_parts_and_its_hall(name, catalog):
    design = TEMPLATES[name].make(catalog)
    cost = capex(design)
    expected_parts = sum(design.specs[p.spec_id].price_usd for p in design.room.walk())
    assert cost.unpriced_chips == () and cost.parts_usd == pytest.approx(expected_parts) and expected_parts > 0
    room = design.specs[design.room.spec_id]
    assert cost.facility_usd == pytest.approx(room.facility_usd_per_w * summarize(design).max_power_w)
    assert cost.total_usd == pytest.approx(cost.parts_usd + cost.facility_usd)
    assert sum(cost.by_level.values()) == pytest.approx(cost.parts_usd)


def test_every_price_in_the_catalog_says_where_it_comes_from(catalog):
    for spec in catalog.values():
        if spec.price_usd > 0 or getattr(spec, "facility_usd_per_w", 0) > 0:
            assert "Cost" in spec.notes or "$" in spec.notes or any("$" in s for s in spec.sources), spec.id


def test_an_unpriced_chip_makes_the_total_unknown(exapod):
    exapod.specs["dojo-d1"] = dataclasses.replace(exapod.specs["dojo-d1"], price_usd=0.0)
    cost = capex(exapod)
    assert cost.unpriced_chips == ("dojo-d1",) and cost.total_usd is None and cost.hardware_usd is None


def test_the_exapod_costs_its_parts_one_by_one(exapod):
    """3,000 D1, 120 tiles, 10 cabinets and the hall: each level's price times its count."""
    cost = capex(exapod)
    s = exapod.specs
    assert cost.by_level == pytest.approx({"chip": 3000 * s["dojo-d1"].price_usd,
                                           "tile": 120 * s["dojo-training-tile"].price_usd,
                                           "cabinet": 10 * s["dojo-cabinet"].price_usd,
                                           "room": s["dojo-exapod-room"].price_usd})


def test_footprint_is_the_cabinets_floor_area(exapod):
    cab = exapod.specs["dojo-cabinet"]
    assert footprint_m2(exapod) == pytest.approx(10 * cab.width_m * cab.depth_m)


def test_ownership_adds_the_electricity_of_the_whole_service():
    econ = Economics(electricity_usd_per_kwh=0.2, service_years=5)
    assert econ.lifetime_electricity_usd(1e6) == pytest.approx(1e3 * 5 * HOURS_PER_YEAR * 0.2)
    assert econ.tco_usd(1e7, 1e6) == pytest.approx(1e7 + econ.lifetime_electricity_usd(1e6))
    assert econ.capex_share_usd(1e7, 5 * HOURS_PER_YEAR * 3600) == pytest.approx(1e7)
    with pytest.raises(ValueError, match="years of service"):
        Economics(service_years=0)
