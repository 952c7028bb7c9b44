"""Specs: the kinds of parts a design is built from, with every figure and its unit.

A spec is immutable.  Editing one means replacing it in the design with a modified
copy (:func:`dataclasses.replace`), which keeps undo simple and lets a simulation run
on a snapshot while the user edits.

Field names carry their units (see :mod:`dojo_gui.units`); values are SI except
temperatures, which are °C (``_c``) or kelvin differences (``_k``).  Field metadata
gives the label and group the inspector shows, and whether a value may be edited.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

LEVELS: tuple[str, ...] = ("chip", "tile", "cabinet", "room")
CHILD_LEVEL: dict[str, str | None] = {"room": "cabinet", "cabinet": "tile", "tile": "chip", "chip": None}
TOPOLOGIES: tuple[str, ...] = ("mesh", "torus", "switch")

# Physical ranges (docs/design.md): a figure with no maximum of its own is bounded by its unit's ceiling
# (units.Unit.ceiling), so no figure a file, the inspector or the command line gives is ever unbounded.
GRID_SIDE_MAX = 1024  # rows or columns of a tile, a cabinet or a room (a 1,024-position row is a 1.5 km hall)
CHIP_TDP_MAX_W = 1e5  # a wafer-scale engine draws 23 kW; a "chip" is one package
LATENCY_MAX_S = 1.0  # per hop, per message, per switch: anything near a second is not a fabric
CHIP_LINKS_MAX = 1024
PEAK_FLOPS_MAX = 1e20  # per chip and number format (a wafer-scale engine: about 1.3e17)
LIST_MAX = 64  # entries of a list or table figure (sources, DVFS levels, number formats)


SOCKET_HELP = ("The kind of slot this part fits (e.g. 'dojo-d1'): a container whose slots take named sockets "
               "accepts only parts with one of them.  Empty: it fits only containers that name none.")
TAKES_HELP = ("The sockets this container's slots take: a part fits when its socket is one of them.  "
              "Empty: any part of the right level fits (as in files written before sockets existed).")


def figure(default: Any, label: str, group: str, *, minimum: float | None = 0.0, maximum: float | None = None,
           integer: bool = False, choices: tuple[str, ...] = (), help: str = "", keys: str = "format") -> Any:
    """A spec field with what the inspector and the validator need to know about it.

    ``keys`` says what a table figure (a dict) is keyed by: "format" (a number format's name) or
    "size" (a positive number); its values are in the unit its name says (``peak_flops``: FLOP/s).
    """
    meta = {"label": label, "group": group, "min": minimum, "max": maximum, "integer": integer,
            "choices": choices, "help": help, "keys": keys}
    if isinstance(default, (dict, list)):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True, kw_only=True)
class Spec:
    """What every spec has: an id unique in its design, a name, and where its figures come from."""

    level: ClassVar[str] = ""

    id: str = figure("", "Id", "General", minimum=None)
    name: str = figure("", "Name", "General", minimum=None)
    vendor: str = figure("", "Vendor", "General", minimum=None)
    family: str = figure("", "Family", "General", minimum=None,
                         help="Groups specs that belong together (e.g. 'dojo'); templates use it.")
    description: str = figure("", "Description", "General", minimum=None)
    sources: tuple[str, ...] = figure((), "Sources", "Sources", minimum=None)
    notes: str = figure("", "Notes", "Sources", minimum=None)
    mass_kg: float = figure(0.0, "Mass", "Physical", maximum=1e6)
    price_usd: float = figure(0.0, "Price", "Cost", maximum=1e12,
                              help="What one costs to buy, in US dollars, without what it holds (a tile's price leaves "
                                   "out its chips). 0: nothing of its own on a container; on a chip, not known (the "
                                   "economics then leave the design's capital cost out).")

    def figures(self) -> list[dataclasses.Field]:
        """The editable fields, in declaration order."""
        return [f for f in dataclasses.fields(self) if f.name not in ("id",)]


@dataclass(frozen=True, kw_only=True)
class ChipSpec(Spec):
    """One accelerator die or package: a node of the fabric and a heat source."""

    level: ClassVar[str] = "chip"

    socket: str = figure("", "Socket", "General", minimum=None, help=SOCKET_HELP)
    peak_flops: dict[str, float] = figure({}, "Peak compute", "Compute",
                                          help="Dense peak per number format, FLOP/s.")
    cores: int = figure(0, "Cores", "Compute", integer=True, maximum=1e7)
    clock_hz: float = figure(0.0, "Clock", "Compute", maximum=1e11)
    process_nm: float = figure(0.0, "Process", "Physical", maximum=1e4)
    die_area_mm2: float = figure(0.0, "Die area", "Physical", maximum=1e5,
                                 help="Up to a whole 300 mm wafer (70,700 mm²).")

    sram_bytes: float = figure(0.0, "SRAM", "Memory", maximum=1e15)
    hbm_bytes: float = figure(0.0, "HBM", "Memory", maximum=1e15)
    hbm_bw_Bps: float = figure(0.0, "HBM bandwidth", "Memory", maximum=1e16)
    onchip_bw_Bps: float = figure(0.0, "On-chip bandwidth", "Memory", maximum=1e17)
    memory_bw_efficiency: float = figure(1.0, "Memory-bound kernel efficiency", "Memory", maximum=1.0,
                                         help="Share of the memory bandwidth (HBM, or on-chip SRAM where there is "
                                              "no HBM) that memory-bound kernels reach: the roofline's slope.")
    matmul_efficiency: dict[str, float] = figure({}, "Matrix-multiply efficiency", "Compute", keys="size",
                                                 help="Share of peak a matrix multiply reaches by its size, the "
                                                      "geometric mean (M·N·K)^(1/3) of its dimensions; linear in "
                                                      "log(size) between points, held beyond the ends. Empty: peak.")
    kernel_overhead_s: float = figure(0.0, "Per-kernel overhead", "Compute", maximum=LATENCY_MAX_S,
                                      help="Fixed time each kernel (a matrix multiply, a normalization) costs on top "
                                           "of its roofline time: launch and tail.")

    edges: int = figure(4, "Links", "I/O", minimum=1, maximum=CHIP_LINKS_MAX, integer=True,
                        help="Off-chip links; in a mesh one per edge (N, E, S, W).")
    edge_bw_Bps: float = figure(0.0, "Link bandwidth", "I/O", maximum=1e15, help="Per link, per direction.")
    link_latency_s: float = figure(0.0, "Per-hop latency", "I/O", maximum=LATENCY_MAX_S)
    message_overhead_s: float = figure(0.0, "Per-message overhead", "I/O", maximum=LATENCY_MAX_S,
                                       help="Time the chip spends starting each message, one message after "
                                            "another.")
    max_messages_in_flight: int = figure(0, "Messages in flight", "I/O", integer=True, maximum=1e6,
                                         help="How many messages the chip can have started and not yet sent "
                                              "at once; 0: no limit.")
    injection_bw_Bps: float = figure(0.0, "Injection bandwidth", "I/O", maximum=1e16,
                                     help="How fast the chip can send, all its links together; 0: as fast as "
                                          "its links take it.")

    tdp_w: float = figure(0.0, "TDP", "Power", maximum=CHIP_TDP_MAX_W)
    idle_w: float = figure(0.0, "Idle power", "Power", maximum=CHIP_TDP_MAX_W)
    leakage_fraction: float = figure(0.3, "Leakage share of idle", "Power", maximum=1.0,
                                     help="Share of idle power that is leakage at the reference junction temperature.")
    leakage_ref_c: float = figure(60.0, "Leakage reference Tj", "Power", minimum=None)
    leakage_doubling_k: float = figure(25.0, "Leakage doubling", "Power", minimum=1.0, maximum=1000.0,
                                       help="Junction temperature rise that doubles leakage.")
    dvfs_levels: tuple[float, ...] = figure((1.0, 0.9, 0.8, 0.7, 0.6, 0.5), "DVFS clock levels", "Power",
                                            help="Clock as a fraction of nominal, highest first.")
    dvfs_power_exponent: float = figure(3.0, "DVFS power exponent", "Power", maximum=4.0,
                                        help="Dynamic power scales as clock^n at a lower DVFS level: n = 3 when the "
                                             "voltage falls with the clock (P = C·V²·f), 1 at a fixed voltage.")

    tj_max_c: float = figure(95.0, "Tj throttle limit", "Thermal", minimum=None)
    throttle_hysteresis_k: float = figure(5.0, "Throttle hysteresis", "Thermal", maximum=100.0)
    r_junction_plate_k_per_w: float = figure(0.02, "R junction→cold plate", "Thermal",
                                             help="Die, TIM and lid, to the cold plate base.")
    r_plate_coolant_k_per_w: float = figure(0.02, "R cold plate→coolant", "Thermal",
                                            help="At the tile's design coolant flow; falls with flow.")
    heat_capacity_j_per_k: float = figure(100.0, "Junction heat capacity", "Thermal",
                                          help="Die, lid and the share of cold plate in the junction node.")
    plate_heat_capacity_j_per_k: float = figure(400.0, "Cold plate heat capacity", "Thermal")


@dataclass(frozen=True, kw_only=True)
class ContainerSpec(Spec):
    """A grid of slots for parts of the next level down (a tile, a cabinet or a room)."""

    rows: int = figure(1, "Rows", "Layout", minimum=1, maximum=GRID_SIDE_MAX, integer=True)
    cols: int = figure(1, "Columns", "Layout", minimum=1, maximum=GRID_SIDE_MAX, integer=True)
    topology: str = figure("mesh", "Topology", "Layout", minimum=None, choices=TOPOLOGIES,
                           help="mesh: neighbours link; torus: and the grid wraps; switch: every slot links to a switch.")
    default_child: str = figure("", "Fills with", "Layout", minimum=None,
                                help="Spec id placed in every slot when a design is made from a template.")
    takes: tuple[str, ...] = figure((), "Slots take", "Layout", minimum=None, help=TAKES_HELP)
    accepts: tuple[str, ...] = figure((), "Accepts only", "Layout", minimum=None,
                                      help="Spec ids allowed in the slots; empty means any of the right level.")

    edge_bw_Bps: float = figure(0.0, "Edge bandwidth", "Fabric",
                                help="To a neighbour across one edge of this container, per direction, shared by the facing chips.")
    edge_latency_s: float = figure(0.0, "Edge latency", "Fabric", maximum=LATENCY_MAX_S)
    switch_bw_Bps: float = figure(0.0, "Switch port bandwidth", "Fabric",
                                  help="Per slot, per direction, when the topology is a switch.")
    switch_latency_s: float = figure(0.0, "Switch latency", "Fabric", maximum=LATENCY_MAX_S)

    power_budget_w: float = figure(0.0, "Power budget", "Power", help="What the supply at this level can deliver.")
    conversion_efficiency: float = figure(1.0, "Conversion efficiency", "Power", minimum=0.01, maximum=1.0,
                                          help="η of this level's conversion stage (tile: voltage regulators, "
                                               "cabinet: power supplies, room: UPS): P_in = (P_out + P_0)/η.")
    conversion_overhead_w: float = figure(0.0, "Conversion fixed loss P₀", "Power")
    overhead_w: float = figure(0.0, "Other load", "Power",
                               help="Load at this level besides its children (I/O dies, hosts, fans, pumps), fed through the conversion stage.")

    cooling_capacity_w: float = figure(0.0, "Cooling capacity", "Cooling",
                                       help="Heat this level's cooling can remove.")
    max_load_kg: float = figure(0.0, "Maximum load", "Physical", help="0 means no limit.")

    @property
    def slots(self) -> int:
        return self.rows * self.cols

    @property
    def child_level(self) -> str:
        return CHILD_LEVEL[self.level] or ""


@dataclass(frozen=True, kw_only=True)
class TileSpec(ContainerSpec):
    """A training tile (or a node board): a grid of chip slots with regulators and a cold plate."""

    level: ClassVar[str] = "tile"

    socket: str = figure("", "Socket", "Layout", minimum=None, help=SOCKET_HELP)
    interface_count: int = figure(0, "Interface processors", "Interface", integer=True, maximum=1024)
    interface_hbm_bytes: float = figure(0.0, "Interface HBM", "Interface", help="Per interface processor.")
    interface_hbm_bw_Bps: float = figure(0.0, "Interface HBM bandwidth", "Interface")
    interface_link_bw_Bps: float = figure(0.0, "Interface to tile", "Interface", help="Per interface processor, per direction.")
    interface_network_bw_Bps: float = figure(0.0, "Interface network port", "Interface",
                                             help="Per interface processor, per direction, into the room's switched network.")

    coolant: str = figure("water", "Coolant", "Cooling", minimum=None, choices=("water", "pg25", "air"))
    coolant_flow_lpm: float = figure(0.0, "Design coolant flow", "Cooling")
    flow_exponent: float = figure(0.8, "Cold plate flow exponent", "Cooling", maximum=10.0,
                                  help="Plate-to-coolant resistance scales as (flow/design flow)^-n.")
    loop_pressure_drop_pa: float = figure(50e3, "Loop pressure drop", "Cooling", help="At the design flow.")
    coolant_path: str = figure("parallel", "Coolant path", "Cooling", minimum=None, choices=("parallel", "rows"),
                               help="parallel: every chip's cold plate (or heat sink) is fed at the tile inlet; rows: the "
                                    "coolant crosses the tile from its west edge to its east edge, the rows in parallel, "
                                    "so a chip sees the heat of the chips upstream of it.")
    overhead_to_coolant_fraction: float = figure(0.0, "Own heat to coolant", "Cooling", maximum=1.0,
                                                 help="Share of the tile's own heat (regulator losses and other load) "
                                                      "its coolant removes; the rest goes to the room air.")


@dataclass(frozen=True, kw_only=True)
class CabinetSpec(ContainerSpec):
    """A rack of tile slots with power supplies and a coolant distribution unit (CDU)."""

    level: ClassVar[str] = "cabinet"

    socket: str = figure("", "Socket", "Layout", minimum=None, help=SOCKET_HELP)
    cdu_approach_k: float = figure(3.0, "CDU approach", "Cooling",
                                   help="Coolant supply minus facility water supply at rated load.")
    cdu_pump_fraction: float = figure(0.02, "CDU pump power", "Cooling", maximum=1.0,
                                      help="Pump power as a share of the rated heat load, at rated flow.")
    width_m: float = figure(0.6, "Width", "Physical", maximum=100.0)
    depth_m: float = figure(1.2, "Depth", "Physical", maximum=100.0)


@dataclass(frozen=True, kw_only=True)
class RoomSpec(ContainerSpec):
    """A floor grid of cabinet positions with the facility's power and cooling plant."""

    level: ClassVar[str] = "room"

    transformer_efficiency: float = figure(0.985, "Transformer efficiency", "Power", minimum=0.01, maximum=1.0)
    transformer_overhead_w: float = figure(0.0, "Transformer fixed loss", "Power")

    facility_supply_c: float = figure(32.0, "Facility water supply", "Cooling", minimum=None)
    ambient_c: float = figure(25.0, "Design ambient", "Cooling", minimum=None)
    chiller_carnot_fraction: float = figure(0.5, "Chiller Carnot fraction", "Cooling", maximum=1.0)
    chiller_lift_k: float = figure(10.0, "Condenser above ambient", "Cooling",
                                   help="Condensing temperature minus ambient when the chiller runs.")
    dry_cooler_approach_k: float = figure(5.0, "Dry cooler approach", "Cooling",
                                          help="Facility water can be cooled to ambient plus this without a chiller.")
    dry_cooler_fan_fraction: float = figure(0.01, "Dry cooler fan power", "Cooling", maximum=1.0)
    pump_fraction: float = figure(0.015, "Facility pump power", "Cooling", maximum=1.0,
                                  help="At rated flow, as a share of the heat moved; scales with flow³.")
    evaporative_l_per_kwh: float = figure(0.0, "Evaporative water use", "Cooling", maximum=100.0,
                                          help="Litres per kWh of heat rejected evaporatively (WUE); 0 for dry cooling.")
    facility_delta_t_k: float = figure(10.0, "Facility water rise", "Cooling", minimum=0.1, maximum=100.0,
                                       help="Facility water return minus supply; its pumps vary the flow to hold it, "
                                            "so the flow follows the heat load.")
    air_handler_fan_fraction: float = figure(0.03, "Air handler fan power", "Cooling", maximum=1.0,
                                             help="Fan power of the room air handlers as a share of the heat they move "
                                                  "(the heat that leaves parts into the room air).")

    zplane_enabled: bool = figure(False, "Switched network (Z-plane)", "Fabric", minimum=None)
    zplane_latency_s: float = figure(0.0, "Z-plane latency", "Fabric", maximum=LATENCY_MAX_S)

    pitch_m: float = figure(1.5, "Floor grid pitch", "Physical", maximum=100.0)

    facility_usd_per_w: float = figure(0.0, "Facility cost per watt", "Cost", maximum=1e3,
                                       help="Building, electrical and cooling plant per watt the machine draws at the "
                                            "feed at full load (USD/W: millions of dollars per MW); 0: not counted.")


SPEC_CLASSES: dict[str, type[Spec]] = {"chip": ChipSpec, "tile": TileSpec, "cabinet": CabinetSpec, "room": RoomSpec}
AnySpec = ChipSpec | TileSpec | CabinetSpec | RoomSpec


def spec_fields(cls: type[Spec]) -> dict[str, dataclasses.Field]:
    return {f.name: f for f in dataclasses.fields(cls)}


def field_meta(cls: type[Spec], name: str) -> Mapping[str, Any]:
    return spec_fields(cls)[name].metadata


class FigureError(ValueError):
    """A figure value that is not acceptable for its field; ``field`` names it (None: the spec as a whole),
    the message says why."""

    def __init__(self, field: str | None, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message if field is None else f"{field or '(the empty key)'}: {message}")


def parse_figure(cls: type[Spec], name: str, raw: Any) -> Any:
    """Turn a raw value (from a file, the inspector or the CLI) into the field's value.

    Numbers may come as numbers (SI) or as text with units; the result is checked
    against the field's limits.  Raises :class:`FigureError` with a message that names
    what is wrong, never another exception.
    """
    from .. import units

    fields = spec_fields(cls)
    if name not in fields:
        raise FigureError(name, f"a {cls.level} spec has no figure {name!r}{_did_you_mean(name, fields)}")
    f = fields[name]
    meta = f.metadata
    default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
    try:
        if isinstance(default, bool):
            if not isinstance(raw, bool):
                raise FigureError(name, f"expected true or false, got {_short(raw)}")
            return raw
        if isinstance(default, str):
            if not isinstance(raw, str):
                raise FigureError(name, f"expected text, got {_short(raw)}")
            if meta.get("choices") and raw not in meta["choices"]:
                raise FigureError(name, f"{_short(raw)} is not one of {', '.join(meta['choices'])}")
            return raw
        if isinstance(default, tuple):
            if isinstance(raw, str) and name in ("sources", "accepts", "takes"):
                raw = [s.strip() for s in raw.split(",") if s.strip()] if name != "sources" else [raw]
            if not isinstance(raw, (list, tuple)):
                raise FigureError(name, f"expected a list, got {_short(raw)}")
            if len(raw) > LIST_MAX:
                raise FigureError(name, f"a list of at most {LIST_MAX} entries, got {len(raw):,}")
            if name == "dvfs_levels":
                levels = tuple(_number(name, v, units.UNITS["%"]) for v in raw)
                if not levels or any(not 0 < v <= 1 for v in levels):
                    raise FigureError(name, f"levels must be fractions in (0, 1], got {_short(list(raw))}")
                return tuple(sorted(levels, reverse=True))
            if not all(isinstance(v, str) for v in raw):
                raise FigureError(name, f"expected a list of text, got {_short(raw)}")
            return tuple(raw)
        if isinstance(default, dict):
            return _table(name, raw, meta.get("keys", "format"))
        if meta.get("integer"):
            return _whole(name, raw, meta)
        return _number(name, raw, units.unit_for_name(name), meta.get("min"), meta.get("max"))
    except units.UnitError as exc:
        raise FigureError(name, str(exc)) from None


def _whole(name: str, raw: Any, meta: Mapping[str, Any]) -> int:
    """A whole-number figure: an int (or text or an integral float) in the field's range, returned as an int."""
    from .. import units

    lo, hi = meta.get("min"), meta.get("max")
    if isinstance(raw, str):
        text = raw.strip().replace("_", "").replace(",", "")
        if not text.lstrip("+-").isdigit() or len(text) > 18:
            raise FigureError(name, f"expected a whole number{_range(lo, hi)}, got {_short(raw)}")
        raw = int(text)
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise FigureError(name, f"expected a whole number{_range(lo, hi)}, got {_short(raw)}")
    if isinstance(raw, float) and not raw.is_integer():  # also inf and nan
        raise FigureError(name, f"expected a whole number{_range(lo, hi)}, got {_short(raw)}")
    if (lo is not None and raw < lo) or (hi is not None and raw > hi):  # compared before int(): 1e308 stays a float
        raise FigureError(name, f"must be a whole number{_range(lo, hi)}, got {units.describe(raw)}")
    return int(raw)


def _table(name: str, raw: Any, keys: str) -> dict[str, float]:
    """A table figure keyed by number format (``peak_flops``) or by a positive size (``matmul_efficiency``)."""
    from .. import units

    unit = units.unit_for_name(name)
    what = f"{'format' if keys == 'format' else 'size'} -> {unit.quantity}"
    if not isinstance(raw, dict):
        raise FigureError(name, f"expected a table of {what}, got {_short(raw)}")
    if len(raw) > LIST_MAX:
        raise FigureError(name, f"a table of at most {LIST_MAX} entries, got {len(raw):,}")
    out = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not key:
            raise FigureError(name, f"{'format names' if keys == 'format' else 'sizes'} must be text, got {key!r}")
        if keys == "size":
            try:
                size = float(key)
            except ValueError:
                raise FigureError(name, f"{key!r} is not a size (a positive number)") from None
            if not (size > 0 and math.isfinite(size)):
                raise FigureError(name, f"{key!r} is not a size (a positive number)")
        high = PEAK_FLOPS_MAX if unit.key == "FLOPS" else None
        number = _number(f"{name}.{key}", value, unit, 0.0, high)
        if unit.key == "%" and not 0 < number <= 1:
            raise FigureError(f"{name}.{key}", f"must be a fraction in (0, 1], got {_short(value)}")
        out[key] = number
    return out


def _range(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f" between {lo:,.10g} and {hi:,.10g}"
    if lo is not None:
        return f" of at least {lo:,.10g}"
    if hi is not None:
        return f" of at most {hi:,.10g}"
    return ""


def _number(name: str, raw: Any, unit: Any, low: float | None = None, high: float | None = None) -> float:
    """A figure in ``unit``, within ``low``..``high`` (each None: the unit's own bound)."""
    from .. import units

    try:
        return units.parse(raw, unit, low=low, high=high)
    except units.UnitError as exc:
        raise FigureError(name, f"{exc}") from None


def _did_you_mean(name: str, options: Mapping[str, Any]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_spec(spec: Spec) -> list[FigureError]:
    """Consistency problems between figures of one spec (each figure alone is already valid)."""
    problems = []
    if not spec.id:
        problems.append(FigureError("id", "a spec needs an id"))
    if isinstance(spec, ChipSpec):
        if spec.idle_w > spec.tdp_w:
            problems.append(FigureError("idle_w", f"idle power ({spec.idle_w:g} W) is above the TDP ({spec.tdp_w:g} W)"))
        if spec.dvfs_levels and spec.dvfs_levels[0] != 1.0:
            problems.append(FigureError("dvfs_levels", "the highest level must be 1.0 (the nominal clock)"))
    if isinstance(spec, ContainerSpec):
        if spec.topology == "switch" and spec.switch_bw_Bps <= 0:
            problems.append(FigureError("switch_bw_Bps", "a switched topology needs a switch port bandwidth"))
    return problems


def spec_from_dict(data: Mapping[str, Any]) -> AnySpec:
    """Build a spec from plain data (``level`` says which kind).  Raises FigureError."""
    if not isinstance(data, Mapping):
        raise FigureError(None, f"a spec must be a table of figures, got {type(data).__name__}")
    level = data.get("level")
    if not isinstance(level, str) or level not in SPEC_CLASSES:  # a list or a table is not a level either
        raise FigureError("level", f"must be one of {', '.join(LEVELS)}, got {_short(level)}")
    cls = SPEC_CLASSES[level]
    values = {}
    for key, raw in data.items():
        if key == "level":
            continue
        values[key] = parse_figure(cls, key, raw)
    if not values.get("id"):
        raise FigureError("id", "a spec needs an id")
    spec = cls(**values)
    problems = check_spec(spec)
    if problems:
        raise problems[0]
    return spec  # type: ignore[return-value]


def spec_to_dict(spec: Spec) -> dict[str, Any]:
    """Plain JSON-ready data; every figure is written so a file never depends on defaults."""
    data: dict[str, Any] = {"level": spec.level}
    for f in dataclasses.fields(spec):
        value = getattr(spec, f.name)
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, dict):
            value = dict(value)
        data[f.name] = value
    return data


def _short(value: Any, limit: int = 60) -> str:
    from .. import units

    return units.describe(value, limit)
