
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dojo_gui import units


@pytest.mark.parametrize("text,unit,expected", [
    ("4TB/s", "B/s", 4e12),
    ("900 GB/s", "B/s", 900e9),
    ("400Gb/s", "B/s", 50e9),
    ("1GiB", "B", 2**30),
    ("32 GiB", "B", 32 * 2**30),
    ("440MB", "B", 440e6),
    ("15kW", "W", 15e3),
    ("1.8MW", "W", 1.8e6),
    ("400", "W", 400.0),
    ("600s", "s", 600.0),
    ("0.5s", "s", 0.5),
    ("100ns", "s", 100e-9),
    ("10min", "s", 600.0),
    ("2h", "s", 7200.0),
    ("25C", "C", 25.0),
    ("-5°C", "C", -5.0),
    ("362TFLOPS", "FLOPS", 362e12),
    ("2GHz", "Hz", 2e9),
    ("90%", "%", 0.9),
    ("0.9", "%", 0.9),
    ("50kPa", "Pa", 50e3),
    ("1,000W", "W", 1000.0),
])
def test_parse_known_quantities(text, unit, expected):
    assert units.parse(text, unit) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("text,unit,fragment", [
    ("fast", "B/s", "not a bandwidth"),
    ("4TB", "B/s", "not a bandwidth"),  # a size where a bandwidth is wanted
    ("15kW", "B", "not a size"),
    ("-3W", "W", "cannot be negative"),
    ("nan", "W", "not a power"),
    ("", "s", "not a time"),
])
def test_parse_refuses_with_a_message(text, unit, fragment):
    with pytest.raises(units.UnitError, match=fragment):
        units.parse(text, unit)


def test_parse_refuses_non_finite_numbers():
    with pytest.raises(units.UnitError):
        units.parse(float("inf"), "W")


@pytest.mark.parametrize("name,key", [("tdp_w", "W"), ("edge_bw_Bps", "B/s"), ("link_latency_s", "s"),
                                      ("r_junction_plate_k_per_w", "K/W"), ("tj_max_c", "C"),
                                      ("sram_bytes", "B"), ("conversion_efficiency", "%"), ("cores", "1"),
                                      ("coolant_flow_lpm", "L/min"), ("heat_capacity_j_per_k", "J/K")])
def test_unit_comes_from_the_name(name, key):
    assert units.unit_for_name(name).key == key


@given(st.floats(min_value=1e-12, max_value=1e19, allow_nan=False, allow_infinity=False),
       st.sampled_from(["W", "B", "B/s", "FLOPS", "Hz", "J"]))
def test_format_then_parse_round_trips_to_the_printed_precision(value, unit):
    value = min(value, units.UNITS[unit].ceiling / (1 + 1e-5))  # beyond its ceiling a unit refuses the text
    text = units.format(value, unit, digits=6)
    assert units.parse(text.replace(" ", ""), unit) == pytest.approx(value, rel=1e-5)


def test_format_picks_readable_prefixes():
    assert units.format(4e12, "B/s") == "4 TB/s"
    assert units.format(15_000, "W") == "15 kW"
    assert units.format(1.8e6, "W") == "1.8 MW"
    assert units.format(0.9, "%") == "90 %"
    assert units.format(3600 * 5, "s") == "5 h"


def test_grid_sizes():
    assert units.parse_grid("5x5") == (5, 5)
    assert units.parse_grid(" 2 X 6 ") == (2, 6)
    for bad in ("5", "0x3", "axb", "5x"):
        with pytest.raises(units.UnitError):
            units.parse_grid(bad)


@pytest.mark.parametrize("value,digits,text", [
    (3000, 3, "3,000"), (3000, 4, "3,000"), (11_380, 4, "11,380"), (1234.5, 6, "1,234.5"), (-1234.5, 6, "-1,234.5"),
    (999.96, 3, "1,000"), (1.1236, 3, "1.12"), (0.000_123_4, 3, "0.000123"), (0, 3, "0"),
])
def test_numbers_are_printed_one_way_with_thousands_separated(value, digits, text):
    """'Chips 3000' beside 'Links used 11,380' came from two formatters; there is one now."""
    assert units.number(value, digits) == text
    assert units.format(value, "1", digits) == text


def test_a_count_in_a_unit_without_prefixes_is_separated_too():
    assert units.format(7700, "kg") == "7,700 kg"
    assert units.format(1500, "C", 4) == "1,500 °C"


def test_distinct_values_print_distinctly():
    assert units.format_distinct([1.199, 1.201], "1") == ["1.199", "1.201"]
    assert units.format_distinct([1.2, 1.2, 2.0], "1") == ["1.2", "1.2", "2"]
    assert units.format_distinct([1.8e6, 1.8001e6], "W") == ["1.8 MW", "1.8001 MW"]


def test_large_energies_read_in_watt_hours_and_parse_back():
    assert units.format(9.308e9, "J") == "2.59 MWh"
    assert units.format(1.08e9, "J") == "300 kWh"
    assert units.format(1e3, "J") == "1 kJ"
    assert units.parse("2.59MWh", "J") == pytest.approx(2.59e6 * 3600)
