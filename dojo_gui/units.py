"""Quantities with units: the one place where text like ``4TB/s`` or ``15kW`` becomes SI.

Every figure in dojo-gui carries its unit in its name (``tdp_w``, ``edge_bw_Bps``,
``latency_s``).  :func:`unit_for_name` maps such a name to its unit; :func:`parse`
turns user or file text into the SI value of that unit, refusing text of the wrong
dimension; :func:`format` prints an SI value with a readable prefix.  Engines only
ever see SI numbers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = [
    "UNITS",
    "Unit",
    "UnitError",
    "base_name",
    "describe",
    "format",
    "format_distinct",
    "format_for_name",
    "number",
    "parse",
    "parse_for_name",
    "parse_grid",
    "unit_for_name",
]


class UnitError(ValueError):
    """Text that is not a valid quantity of the expected unit."""


@dataclass(frozen=True)
class Unit:
    """A physical unit as the user sees it; ``symbol`` is the SI unit values are kept in."""

    key: str  # short identifier, e.g. "W"
    symbol: str  # printed after the number
    quantity: str  # what it measures, for messages ("power")
    # Accepted spellings after an optional SI prefix, each with its factor to the SI unit.
    spellings: tuple[tuple[str, float], ...] = ()
    prefixes: str = "decimal"  # "decimal", "bytes" (decimal and binary) or "none"
    offset: float = 0.0  # for °C <-> K style units: si = value * factor + offset
    nonnegative: bool = True
    # The largest magnitude a figure of this unit may have (in the SI unit): far beyond any real machine, so
    # it only ever refuses a typo, and it keeps every sum and product of figures finite.
    ceiling: float = 1e12
    floor: float | None = None  # the lowest value, where it is not 0 or -ceiling (absolute zero for °C)


_DECIMAL = {
    "p": 1e-12,
    "n": 1e-9,
    "u": 1e-6,
    "µ": 1e-6,
    "m": 1e-3,
    "": 1.0,
    "k": 1e3,
    "K": 1e3,
    "M": 1e6,
    "G": 1e9,
    "T": 1e12,
    "P": 1e15,
    "E": 1e18,
}
_BINARY = {"Ki": 2.0**10, "Mi": 2.0**20, "Gi": 2.0**30, "Ti": 2.0**40, "Pi": 2.0**50, "Ei": 2.0**60}

UNITS: dict[str, Unit] = {
    u.key: u
    for u in [
        Unit("W", "W", "power", (("W", 1.0),), ceiling=1e10),
        Unit("B", "B", "size in bytes", (("B", 1.0), ("byte", 1.0), ("bytes", 1.0)), "bytes", ceiling=1e21),
        Unit("B/s", "B/s", "bandwidth", (("B/s", 1.0), ("Bps", 1.0), ("bit/s", 0.125), ("b/s", 0.125), ("bps", 0.125)),
             "bytes", ceiling=1e18),
        Unit("s", "s", "time", (("s", 1.0), ("min", 60.0), ("h", 3600.0), ("d", 86400.0)), ceiling=1e9),
        Unit("Hz", "Hz", "frequency", (("Hz", 1.0),), ceiling=1e12),
        Unit("FLOPS", "FLOPS", "compute rate", (("FLOPS", 1.0), ("FLOP/s", 1.0), ("OPS", 1.0), ("OP/s", 1.0)), ceiling=1e21),
        Unit("FLOP", "FLOP", "amount of compute", (("FLOP", 1.0), ("FLOPs", 1.0), ("OP", 1.0)), ceiling=1e30),
        Unit("C", "°C", "temperature", (("°C", 1.0), ("C", 1.0), ("degC", 1.0)), "none", nonnegative=False,
             ceiling=1000.0, floor=-273.15),
        Unit("K", "K", "temperature difference", (("K", 1.0),), "none", ceiling=1e4),
        Unit("K/W", "K/W", "thermal resistance", (("K/W", 1.0),), "none", ceiling=1e6),
        Unit("J/K", "J/K", "heat capacity", (("J/K", 1.0),), "decimal", ceiling=1e12),
        Unit("J", "J", "energy", (("J", 1.0), ("Wh", 3600.0)), "decimal", ceiling=1e20),
        Unit("kg", "kg", "mass", (("kg", 1.0), ("g", 1e-3), ("t", 1e3)), "none", ceiling=1e7),
        Unit("mm2", "mm²", "area", (("mm²", 1.0), ("mm2", 1.0)), "none", ceiling=1e6),
        Unit("nm", "nm", "process node", (("nm", 1.0),), "none", ceiling=1e6),
        Unit("m", "m", "length", (("m", 1.0), ("mm", 1e-3), ("cm", 1e-2)), "none", ceiling=1e4),
        Unit("L/min", "L/min", "coolant flow", (("L/min", 1.0), ("lpm", 1.0), ("l/min", 1.0)), "none", ceiling=1e8),
        Unit("L/min/kW", "L/min/kW", "coolant flow per kW", (("L/min/kW", 1.0), ("lpm/kW", 1.0)), "none", ceiling=1e4),
        Unit("Pa", "Pa", "pressure", (("Pa", 1.0), ("bar", 1e5)), "decimal", ceiling=1e9),
        Unit("1", "", "number", (("", 1.0),), "none", ceiling=1e12),
        Unit("%", "%", "fraction", (("%", 0.01), ("", 1.0)), "none", ceiling=100.0),
        Unit("USD", "USD", "price in US dollars", (("USD", 1.0), ("$", 1.0)), "decimal", ceiling=1e15),
        Unit("USD/W", "USD/W", "price per watt", (("USD/W", 1.0), ("$/W", 1.0)), "decimal", ceiling=1e6),
        Unit("USD/kWh", "USD/kWh", "price per kWh", (("USD/kWh", 1.0), ("$/kWh", 1.0)), "none", ceiling=1e4),
    ]
}

# Name suffix -> unit key.  Longest suffix wins, so "_k_per_w" beats "_w".
_SUFFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {
            "_w": "W",
            "_bytes": "B",
            "_Bps": "B/s",
            "_s": "s",
            "_hz": "Hz",
            "_flops": "FLOPS",
            "_flop": "FLOP",
            "_c": "C",
            "_k": "K",
            "_k_per_w": "K/W",
            "_j_per_k": "J/K",
            "_j": "J",
            "_kg": "kg",
            "_mm2": "mm2",
            "_nm": "nm",
            "_m": "m",
            "_lpm": "L/min",
            "_lpm_per_kw": "L/min/kW",
            "_pa": "Pa",
            "_fraction": "%",
            "_efficiency": "%",
            "_usd": "USD",
            "_usd_per_w": "USD/W",
            "_usd_per_kwh": "USD/kWh",
        }.items(),
        key=lambda kv: -len(kv[0]),
    )
)


def base_name(name: str) -> str:
    """A field name without its unit suffix (``tdp_w`` -> ``tdp``, ``edge_bw_Bps`` -> ``edge_bw``)."""
    for suffix, _key in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def unit_for_name(name: str) -> Unit:
    """The unit a field is kept in, from the suffix of its name (``tdp_w`` -> W)."""
    for suffix, key in _SUFFIXES:
        if name.endswith(suffix):
            return UNITS[key]
    return UNITS["1"]


_NUMBER = re.compile(r"^\s*([-+]?(?:\d+(?:[_,]\d{3})*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def _prefix_table(unit: Unit) -> dict[str, float]:
    if unit.prefixes == "none":
        return {"": 1.0}
    if unit.prefixes == "bytes":
        return {**_DECIMAL, **_BINARY}
    return _DECIMAL


def parse(text: str | float | int, unit: Unit | str, *, low: float | None = None, high: float | None = None) -> float:
    """Parse ``text`` as a quantity of ``unit`` and return its SI value.

    Numbers pass through as SI.  Strings may carry an SI prefix and a spelling of the
    unit (``"4TB/s"``, ``"1 GiB"``, ``"15kW"``, ``"600s"``, ``"10min"``, ``"25C"``).
    A bare number in a string is taken as SI.  The value must lie within the unit's range
    (0 or its floor up to its ceiling), or within ``low``..``high`` where given.  Anything
    else raises :class:`UnitError` with a message that says what was expected.
    """
    if isinstance(unit, str):
        unit = UNITS[unit]
    if isinstance(text, bool):
        raise UnitError(f"expected a {unit.quantity}, got {text!r}")
    if isinstance(text, (int, float)):
        try:
            value = float(text)
        except OverflowError:  # an int beyond any float: as far out of range as it gets
            value = math.copysign(math.inf, text)
    elif isinstance(text, str):
        value = _parse_text(text, unit)
    else:
        raise UnitError(f"expected a {unit.quantity} ({_example(unit)}), got {type(text).__name__}")
    if math.isnan(value):
        raise UnitError(f"expected a {unit.quantity}, got {describe(text)} (not a number)")
    if unit.nonnegative and value < 0 and (low is None or low >= 0):
        raise UnitError(f"a {unit.quantity} cannot be negative, got {describe(text)}")
    if low is None:
        low = unit.floor if unit.floor is not None else (0.0 if unit.nonnegative else -unit.ceiling)
    high = unit.ceiling if high is None else high
    if not low <= value <= high:
        raise UnitError(f"a {unit.quantity} must be between {format(low, unit)} and {format(high, unit)}, "
                        f"got {describe(text)}")
    return value


def describe(value: object, limit: int = 60) -> str:
    """``repr`` for messages, short and safe: an int too long to print becomes its number of digits."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        digits = int(value.bit_length() * 0.30103) + 1
        return f"a {'negative ' if value < 0 else ''}whole number of about {digits:,} digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _parse_text(text: str, unit: Unit) -> float:
    match = _NUMBER.match(text)
    if not match:
        raise UnitError(f"{text!r} is not a {unit.quantity} (expected e.g. {_example(unit)})")
    number = float(match.group(1).replace("_", "").replace(",", ""))
    rest = match.group(2)
    if rest == "":
        return number + 0.0
    prefixes = _prefix_table(unit)
    for spelling, factor in unit.spellings:
        if not spelling:
            continue
        if rest.endswith(spelling):
            prefix = rest[: -len(spelling)].strip()
            if prefix in prefixes:
                return number * prefixes[prefix] * factor + unit.offset
        elif rest.lower().endswith(spelling.lower()) and spelling not in ("B", "B/s", "Bps"):
            # Case-insensitive for unit spellings, except where case means bits vs bytes.
            prefix = rest[: -len(spelling)].strip()
            if prefix in prefixes:
                return number * prefixes[prefix] * factor + unit.offset
    raise UnitError(f"{text!r} is not a {unit.quantity} (expected e.g. {_example(unit)})")


def _example(unit: Unit) -> str:
    examples = {
        "W": "'400W' or '15kW'",
        "B": "'440MB' or '32GiB'",
        "B/s": "'4TB/s' or '900GB/s'",
        "s": "'0.5s', '100ns' or '10min'",
        "Hz": "'2GHz'",
        "FLOPS": "'362TFLOPS'",
        "FLOP": "'1.2PFLOP'",
        "C": "'25C'",
        "K": "'5K'",
        "K/W": "'0.02K/W'",
        "kg": "'135kg'",
        "L/min": "'22L/min'",
        "%": "'0.9' or '90%'",
        "USD": "'25000' or '1.5MUSD'",
        "USD/W": "'10USD/W'",
        "USD/kWh": "'0.10'",
    }
    return examples.get(unit.key, f"a number in {unit.symbol or 'plain units'}")


def parse_for_name(name: str, text: str | float | int) -> float:
    """Parse ``text`` in the unit implied by the field ``name``."""
    return parse(text, unit_for_name(name))


_FORMAT_PREFIXES = [(1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"), (1e-12, "p")]


def format(value: float, unit: Unit | str, digits: int = 3) -> str:
    """Print an SI value with a prefix chosen so the mantissa is in [1, 1000)."""
    if isinstance(unit, str):
        unit = UNITS[unit]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit.key == "%":
        return f"{_sig(value * 100, digits)} %"
    if unit.key == "s" and abs(value) >= 120:
        for size, name in ((86400.0, "d"), (3600.0, "h"), (60.0, "min")):
            if abs(value) >= 2 * size:
                return f"{_sig(value / size, digits)} {name}"
    if unit.key == "J" and abs(value) >= 3600.0:  # energies as a facility bills them: Wh, kWh, MWh, GWh
        return format(value / 3600.0, _WATT_HOURS, digits)
    if unit.prefixes == "none" or value == 0 or not math.isfinite(value):
        text = _sig(value, digits)
        return f"{text} {unit.symbol}".rstrip()
    mag = abs(value)
    for size, prefix in _FORMAT_PREFIXES:
        if mag >= size * 0.9995:
            if unit.key == "kg" and prefix:
                break
            return f"{_sig(value / size, digits)} {prefix}{unit.symbol}"
    return f"{_sig(value, digits)} {unit.symbol}"


_WATT_HOURS = Unit("Wh", "Wh", "energy")


def _sig(x: float, digits: int) -> str:
    """``x`` to ``digits`` significant figures (every digit of a whole number kept), thousands separated."""
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return str(x)
    if abs(x) >= 10 ** digits:
        return f"{x:,.0f}"
    text = f"{x:.{digits}g}"
    if "e" in text:
        if int(text.partition("e")[2]) >= 0:  # 999.96 at three figures rounds up to 1e+03
            return f"{float(text):,.0f}"
        return f"{x:.{digits - 1}e}"
    return _grouped(text)


def _grouped(text: str) -> str:
    """``"-1234.5"`` -> ``"-1,234.5"``: the whole part in groups of three, as every figure dojo-gui prints."""
    sign = "-" if text.startswith("-") else ""
    whole, dot, fraction = text.lstrip("-").partition(".")
    return f"{sign}{int(whole):,}{dot}{fraction}"


def number(value: float, digits: int = 3) -> str:
    """A plain number as every figure is printed: ``3000`` -> "3,000", ``0.01234`` -> "0.0123", ``1.1236`` -> "1.12"."""
    return format(value, UNITS["1"], digits)


def format_distinct(values: list[float], unit: Unit | str, digits: int = 3, max_digits: int = 8) -> list[str]:
    """Each value formatted with the fewest significant digits (at least ``digits``) that print different
    values differently: a PUE of 1.199 beside 1.201 reads "1.199" and "1.201", not "1.2" twice."""
    texts = [format(v, unit, digits) for v in values]
    while digits < max_digits and len(set(texts)) < len({v for v in values if v == v}):
        digits += 1
        texts = [format(v, unit, digits) for v in values]
    return texts


def format_for_name(name: str, value: float, digits: int = 3) -> str:
    return format(value, unit_for_name(name), digits)


_GRID = re.compile(r"^\s*(\d+)\s*[xX×]\s*(\d+)\s*$")


def parse_grid(text: str, maximum: int | None = None) -> tuple[int, int]:
    """``"5x5"`` -> (5, 5): rows by columns, each at least 1 (and at most ``maximum``)."""
    match = _GRID.match(text)
    if not match:
        raise UnitError(f"{describe(text)} is not a grid size (expected ROWSxCOLS, e.g. '5x5')")
    sides = match.group(1), match.group(2)
    if any(len(side) > 15 for side in sides):
        raise UnitError(f"grid {describe(text)}: a side of {max(len(s) for s in sides)} digits is far too large"
                        + (f" (at most {maximum:,})" if maximum is not None else ""))
    rows, cols = int(sides[0]), int(sides[1])
    if rows < 1 or cols < 1:
        raise UnitError(f"grid {text!r} must have at least one row and one column")
    if maximum is not None and max(rows, cols) > maximum:
        raise UnitError(f"grid {text!r}: a side can be at most {maximum:,}, got {max(rows, cols):,}")
    return rows, cols
