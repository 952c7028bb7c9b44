"""Colours of parts: one default per spec, and one seam for colouring by anything else.

Every painted part asks a :data:`ColourProvider` first — a function from a part's path
to a QColor, or None to keep the default.  The canvas, the exported pictures and the
report all paint through it, so colouring chips by live temperature, power or link load
is a matter of passing another provider (see :class:`ValueColours`), never of changing
the painting.  Whoever makes a provider says what its colours mean with a :class:`Legend`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QColor

from ..model.design import PartPath
from ..model.partindex import PartIndex
from ..model.specs import AnySpec

#: path -> colour of that part, or None for the part's default (spec) colour.
ColourProvider = Callable[[PartPath], "QColor | None"]

# Hue per spec family: vendors are recognisable at a glance (Dojo red, NVIDIA green, Google blue).
FAMILY_HUES: dict[str, int] = {"dojo": 3, "tesla": 3, "nvidia": 82, "google": 217, "tpu": 217, "amd": 350,
                               "generic": 210}

# Saturation and value per level: chips are vivid, containers recede behind them.
_LEVEL_SV: dict[str, tuple[int, int]] = {"chip": (175, 225), "tile": (55, 72), "cabinet": (14, 226), "room": (6, 247)}

UNKNOWN = QColor("#b0b0b0")  # a part whose spec is missing or of the wrong level
SELECTION = QColor("#1f6fe0")
ACCEPT = QColor("#2fa866")
REFUSE = QColor("#d8453b")
SEVERITY_COLOURS: dict[str, QColor] = {"error": QColor("#d8453b"), "warning": QColor("#e0a020"),
                                       "info": QColor("#4a90d9")}
TEXT = QColor("#1d232b")
TEXT_ON_DARK = QColor("#f4f6f8")
FRAME = {"chip": QColor("#5a1410"), "tile": QColor("#1b1f25"), "cabinet": QColor("#7d8792"), "room": QColor("#aab2bb")}


@dataclass(frozen=True)
class Legend:
    """What the colours of a provider mean: a ramp with its ends labelled, or named swatches, or both.

    ``mark`` puts a labelled tick on the ramp (the fraction along it, the label), e.g. where a
    budget is; ``caption`` explains a detail of the colouring, ``note`` warns about the values
    (that they are stale, or missing).
    """

    title: str
    low: str = ""  # the ramp's cool end; the ramp shows when either end is labelled
    high: str = ""
    swatches: tuple[tuple[QColor, str], ...] = ()
    mark: tuple[float, str] | None = None
    caption: str = ""
    note: str = ""

    @property
    def has_ramp(self) -> bool:
        return bool(self.low or self.high)


def _hue(spec: AnySpec) -> int:
    for key in (spec.family.lower(), spec.vendor.lower()):
        for family, hue in FAMILY_HUES.items():
            if key and family in key:
                return hue
    digest = hashlib.blake2s(spec.id.encode(), digest_size=2).digest()
    return int.from_bytes(digest, "big") % 360


_spec_cache: dict[tuple[str, str, str, str], QColor] = {}  # (id, family, vendor, level)


def spec_colour(spec: AnySpec | None, level: str | None = None) -> QColor:
    """The default colour of a part of ``spec`` (grey when the spec is unknown)."""
    if spec is None:
        return UNKNOWN
    level = level or spec.level
    key = (spec.id, spec.family, spec.vendor, level)
    colour = _spec_cache.get(key)
    if colour is None:
        s, v = _LEVEL_SV.get(level, (0, 200))
        colour = QColor.fromHsv(_hue(spec), s, v)
        _spec_cache[key] = colour
    return colour


def ramp(fraction: float, steps: int = 32) -> QColor:
    """A cool-to-hot colour for a value in [0, 1] (clamped), quantized so painting can batch equal colours."""
    f = min(1.0, max(0.0, fraction))
    k = round(f * (steps - 1))
    cached = _ramp_cache.get((k, steps))
    if cached is None:
        # Blue (cool) through green and yellow to red (hot).
        hue = int(230 - 230 * k / (steps - 1))
        cached = QColor.fromHsv(hue, 190, 225)
        _ramp_cache[(k, steps)] = cached
    return cached


_ramp_cache: dict[tuple[int, int], QColor] = {}


class ValueColours:
    """A provider that colours parts by a value per path (temperature, power, load...) on a ramp.

    Paths without a value keep their default colour.  ``lo``/``hi`` bound the ramp.
    """

    def __init__(self, values: Mapping[PartPath, float], lo: float, hi: float) -> None:
        self.values, self.lo, self.hi = values, lo, hi

    def __call__(self, path: PartPath) -> QColor | None:
        value = self.values.get(path)
        if value is None:
            return None
        span = self.hi - self.lo
        return ramp((value - self.lo) / span if span > 0 else 0.0)


RAMP_STEPS = 32


def ramp_colours(steps: int = RAMP_STEPS) -> list[QColor]:
    """Every colour of the ramp, coolest first (the colours :func:`ramp` hands out)."""
    return [ramp(k / (steps - 1), steps) for k in range(steps)]


class ArrayColours:
    """A provider that colours parts by values in numpy arrays per level, on the ramp from ``lo`` to ``hi``.

    ``values[level]`` is aligned with ``index.paths[level]``; NaN (or a part the index does not
    know) keeps the default colour.  It works as any provider (a call per path), and painting
    code that knows it (:meth:`codes`) colours thousands of parts with a few numpy operations.
    """

    def __init__(self, index: PartIndex, values: Mapping[str, np.ndarray], lo: float, hi: float,
                 steps: int = RAMP_STEPS) -> None:
        self.index, self.lo, self.hi, self.steps = index, float(lo), float(hi), steps
        self.values = {level: np.asarray(v, float) for level, v in values.items()}
        self.table = ramp_colours(steps)
        self.table_rgb = np.array([[c.red(), c.green(), c.blue()] for c in self.table], np.int64)
        self._codes: dict[str, np.ndarray] = {}

    def codes(self, level: str) -> np.ndarray:
        """The code of every part of ``level`` (-1 for no value), in the index's order; computed once."""
        codes = self._codes.get(level)
        if codes is None:
            values = self.values.get(level)
            if values is None:
                codes = np.full(len(self.index.paths.get(level, ())), -1, np.int16)
            else:
                codes = self._codes_of(values)
            self._codes[level] = codes
        return codes

    def _codes_of(self, values: np.ndarray) -> np.ndarray:
        """The ramp step of each value (-1 where it is not finite)."""
        span = self.hi - self.lo
        with np.errstate(invalid="ignore"):
            f = (values - self.lo) / span if span > 0 else np.zeros_like(values)
            k = np.rint(np.clip(f, 0.0, 1.0) * (self.steps - 1))
        return np.where(np.isfinite(values), k, -1).astype(np.int16)

    def colour_of(self, level: str, path: PartPath) -> QColor | None:
        i = self.index.position(level, path)
        if i is None:
            return None
        codes = self.codes(level)
        if i >= len(codes) or codes[i] < 0:
            return None
        return self.table[int(codes[i])]

    def value_of(self, level: str, path: PartPath) -> float | None:
        i = self.index.position(level, path)
        values = self.values.get(level)
        if i is None or values is None or i >= len(values) or not np.isfinite(values[i]):
            return None
        return float(values[i])

    def __call__(self, path: PartPath) -> QColor | None:
        level = _LEVEL_BY_DEPTH.get(len(path))
        return self.colour_of(level, path) if level else None


_LEVEL_BY_DEPTH = {1: "cabinet", 2: "tile", 3: "chip"}


class CategoryColours(ArrayColours):
    """Parts coloured by a category each (a pipeline stage, a group): ``values[level]`` holds an index into
    ``table`` per part (NaN or -1: the part's default colour).  Painting treats it as any
    :class:`ArrayColours`: the codes are the categories."""

    def __init__(self, index: PartIndex, values: Mapping[str, np.ndarray], table: list[QColor]) -> None:
        super().__init__(index, values, 0.0, max(len(table) - 1, 1), steps=max(len(table), 2))
        self.table = list(table)
        self.table_rgb = np.array([[c.red(), c.green(), c.blue()] for c in self.table], np.int64).reshape(-1, 3)

    def _codes_of(self, values: np.ndarray) -> np.ndarray:
        """The category of each value (-1 where it names none)."""
        known = np.isfinite(values) & (values >= 0) & (values < len(self.table))
        return np.where(known, np.nan_to_num(values), -1).astype(np.int16)


def category_colour(k: int, shade: int = 0) -> QColor:
    """The ``k``-th of a sequence of distinct hues (neighbours far apart on the wheel), in one of three shades."""
    hue = round(k * 137.508) % 360  # the golden angle: any run of consecutive categories spreads out
    saturation, value = ((170, 225), (120, 245), (205, 175))[shade % 3]
    return QColor.fromHsv(hue, saturation, value)


def blend(colours: list[QColor], fallback: QColor) -> QColor:
    """The mean of some colours (what a tile looks like from far away)."""
    if not colours:
        return fallback
    n = len(colours)
    return QColor(sum(c.red() for c in colours) // n, sum(c.green() for c in colours) // n,
                  sum(c.blue() for c in colours) // n)


def blend_weighted(weighted: list[tuple[QColor, int]], fallback: QColor) -> QColor:
    """The mean of colours given with how many parts have each."""
    n = sum(w for _, w in weighted)
    if n <= 0:
        return fallback
    return QColor(sum(c.red() * w for c, w in weighted) // n, sum(c.green() * w for c, w in weighted) // n,
                  sum(c.blue() * w for c, w in weighted) // n)


def text_colour_on(background: QColor) -> QColor:
    return TEXT if background.lightness() > 140 else TEXT_ON_DARK
