"""Cooling physics (``docs/design.md`` §5 Cooling): the chip RC network, coolant loops, CDUs and the plant.

Everything here is a plain function of numpy arrays or floats, in SI units with
temperatures in °C (kelvin where a ratio needs absolute temperature).  The coupled
engine (:mod:`dojo_gui.sim.thermal`) strings them together over time.

The chip is two nodes: the junction (heat capacity C_j) joined through R_jp to the
cold plate (C_p), which is joined through R_pc to the coolant at the plate's inlet
(the OCP definition of a cold plate's resistance, "case to coolant inlet")::

    C_j dT_j/dt = P − (T_j − T_p)/R_jp
    C_p dT_p/dt = (T_j − T_p)/R_jp − (T_p − T_c)/R_pc

With P and T_c held over a step this is x' = A·x + b, solved exactly:
x(t+Δt) = x_ss + e^{AΔt}(x(t) − x_ss).  The heat the coolant takes over the step is
the exact integral ∫(T_p − T_c)/R_pc dt = P·Δt + row₂(A⁻¹(e^{AΔt} − I))·(x − x_ss)/R_pc,
so electrical energy in = heat to coolant + change in stored heat holds to round-off at
any Δt (explicit Euler would diverge for Δt > 2τ).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..model.specs import RoomSpec
from .arrays import FloatArray

# Smallest resistance and heat capacity the RC network accepts: a zero in a spec means
# "negligible", which the exact update handles as a node that settles within any step.
MIN_RESISTANCE_K_PER_W = 1e-9
MIN_HEAT_CAPACITY_J_PER_K = 1e-6

KELVIN = 273.15


@dataclass(frozen=True)
class Coolant:
    """A coolant's properties near 30–40 °C, for Q = ṁ·c_p·ΔT."""

    name: str
    density_kg_per_m3: float
    cp_j_per_kg_k: float
    liquid: bool

    def capacity_rate_w_per_k(self, flow_lpm: np.ndarray | float) -> np.ndarray | float:
        """ṁ·c_p of a volume flow in L/min."""
        return flow_lpm / 60_000.0 * self.density_kg_per_m3 * self.cp_j_per_kg_k


# Water at 35 °C; propylene glycol 25 % by volume at 30 °C; dry air at 30 °C and sea level
# (ASHRAE Handbook—Fundamentals, ch. 31 and 33; the Engineering ToolBox tables agree).
COOLANTS: dict[str, Coolant] = {
    "water": Coolant("water", 994.0, 4178.0, True),
    "pg25": Coolant("pg25", 1020.0, 3930.0, True),
    "air": Coolant("air", 1.16, 1007.0, False),
}

# The facility loops carry water.
FACILITY_WATER = COOLANTS["water"]


# --------------------------------------------------------------------------- chip RC network
@dataclass
class RCStep:
    """The exact update of every chip's junction/plate pair over one step of ``dt`` seconds.

    ``m11..m22`` are the entries of e^{AΔt}; ``q1, q2`` turn the deviation from steady
    state into the extra heat the coolant takes over the step (J):
    Q = P·Δt + q1·(T_j − T_j,ss) + q2·(T_p − T_p,ss).
    """

    dt: float
    m11: np.ndarray
    m12: np.ndarray
    m21: np.ndarray
    m22: np.ndarray
    q1: np.ndarray
    q2: np.ndarray
    slowest_eigenvalue: float  # the largest e^{λΔt} over all chips: how fast a disturbance dies per step


def rc_matrices(c_j: np.ndarray, c_p: np.ndarray, r_jp: np.ndarray, r_pc: np.ndarray) -> np.ndarray:
    """A of x' = A·x + b for every chip, as an array of shape (N, 2, 2)."""
    c_j, c_p, r_jp, r_pc = _clamped(c_j, c_p, r_jp, r_pc)
    a = np.empty((len(c_j), 2, 2))
    a[:, 0, 0] = -1.0 / (c_j * r_jp)
    a[:, 0, 1] = 1.0 / (c_j * r_jp)
    a[:, 1, 0] = 1.0 / (c_p * r_jp)
    a[:, 1, 1] = -(1.0 / r_jp + 1.0 / r_pc) / c_p
    return a


def _clamped(c_j: npt.ArrayLike, c_p: npt.ArrayLike, r_jp: npt.ArrayLike,
             r_pc: npt.ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """The RC figures as float arrays, each at least its smallest accepted value."""
    return (np.maximum(np.asarray(c_j, float), MIN_HEAT_CAPACITY_J_PER_K),
            np.maximum(np.asarray(c_p, float), MIN_HEAT_CAPACITY_J_PER_K),
            np.maximum(np.asarray(r_jp, float), MIN_RESISTANCE_K_PER_W),
            np.maximum(np.asarray(r_pc, float), MIN_RESISTANCE_K_PER_W))


def rc_step(c_j: np.ndarray, c_p: np.ndarray, r_jp: np.ndarray, r_pc: np.ndarray, dt: float) -> RCStep:
    """e^{AΔt} and the coolant-heat integral for every chip, in closed form (vectorized).

    A of an RC ladder has two real, negative, distinct eigenvalues λ₁ > λ₂ (its
    discriminant is (a₁₁ − a₂₂)²/4 + a₁₂a₂₁ > 0).  Sylvester's formula gives
    e^{At} = (λ₁e^{λ₂t} − λ₂e^{λ₁t})/(λ₁ − λ₂)·I + (e^{λ₁t} − e^{λ₂t})/(λ₁ − λ₂)·A, and
    e^{At} − I is formed from expm1 so a tiny Δt keeps its precision.
    """
    c_j, c_p, r_jp, r_pc = _clamped(c_j, c_p, r_jp, r_pc)
    a11 = -1.0 / (c_j * r_jp)
    a12 = 1.0 / (c_j * r_jp)
    a21 = 1.0 / (c_p * r_jp)
    a22 = -(1.0 / r_jp + 1.0 / r_pc) / c_p
    half_trace = 0.5 * (a11 + a22)
    det = a11 * a22 - a12 * a21  # > 0: 1/(C_j C_p R_jp R_pc)
    root = np.sqrt(0.25 * (a11 - a22) ** 2 + a12 * a21)
    lam2 = half_trace - root  # the more negative one, computed without cancellation
    lam1 = det / lam2  # λ₁λ₂ = det
    e1 = np.expm1(lam1 * dt)  # e^{λ₁Δt} − 1
    e2 = np.expm1(lam2 * dt)
    gap = lam1 - lam2
    c0 = (lam1 * e2 - lam2 * e1) / gap  # coefficient of I in e^{AΔt} − I
    c1 = (e1 - e2) / gap  # coefficient of A
    m11 = 1.0 + c0 + c1 * a11
    m12 = c1 * a12
    m21 = c1 * a21
    m22 = 1.0 + c0 + c1 * a22
    # K = A⁻¹(e^{AΔt} − I) = c0·A⁻¹ + c1·I; its second row, over R_pc, is the coolant heat of a deviation.
    k21 = -c0 * a21 / det
    k22 = c0 * a11 / det + c1
    q1 = k21 / r_pc
    q2 = k22 / r_pc
    slowest = float(np.max(np.exp(lam1 * dt))) if len(lam1) else 0.0
    return RCStep(dt, m11, m12, m21, m22, q1, q2, slowest)


def time_constants(c_j: np.ndarray, c_p: np.ndarray, r_jp: np.ndarray,
                   r_pc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two time constants (fast, slow) of every chip's RC pair, in seconds."""
    c_j, c_p, r_jp, r_pc = _clamped(c_j, c_p, r_jp, r_pc)
    a11 = -1.0 / (c_j * r_jp)
    a22 = -(1.0 / r_jp + 1.0 / r_pc) / c_p
    a12a21 = 1.0 / (c_j * r_jp) / (c_p * r_jp)
    det = a11 * a22 - a12a21
    root = np.sqrt(0.25 * (a11 - a22) ** 2 + a12a21)
    lam2 = 0.5 * (a11 + a22) - root
    lam1 = det / lam2
    return -1.0 / lam2, -1.0 / lam1


def plate_resistance(r_design: np.ndarray | float, flow_fraction: float,
                     exponent: np.ndarray | float) -> FloatArray:
    """Cold plate (or heat sink) to coolant resistance at a fraction of the design flow: R·(flow)^−n."""
    if flow_fraction <= 0:
        raise ValueError("the coolant flow must be above zero")
    return r_design * flow_fraction ** (-np.asarray(exponent, float))


# --------------------------------------------------------------------------- cabinet CDU
def cdu_supply_c(facility_supply_c: float, approach_k: FloatArray, load_w: FloatArray,
                 capacity_w: FloatArray) -> FloatArray:
    """Coolant supply temperature of each CDU.

    Up to its capacity a CDU's valve holds the supply at facility water + approach.  At
    capacity the valve is fully open; beyond it the exchanger's effectiveness and flows are
    fixed, so by ε-NTU every temperature difference across it grows in proportion to the
    heat it moves: supply = facility + approach·Q/Q_cap.
    """
    overload = np.maximum(1.0, load_w / capacity_w)
    return facility_supply_c + approach_k * overload


def cdu_overload_rise_k(approach_k: FloatArray, load_at_setpoint_w: FloatArray, capacity_w: FloatArray,
                        conductance_w_per_k: FloatArray) -> FloatArray:
    """Supply above facility water of an overloaded CDU, solved together with the load it causes.

    The heat the tile loops hand the CDU falls as its supply warms:
    Q(x) = Q₀ − G·(x − a), where x is supply − facility, a the approach, Q₀ the load with the
    supply at the setpoint and G the loops' conductance to the supply over the step.  With
    x = a·Q(x)/Q_cap (:func:`cdu_supply_c` beyond capacity) that is
    x = a·(Q₀ + G·a)/(Q_cap + G·a), which is a when Q₀ = Q_cap and grows with Q₀.  Solving it
    within the step (not from the last step's load) keeps the loop stable at any Δt.
    """
    return approach_k * (load_at_setpoint_w + conductance_w_per_k * approach_k) / \
        (capacity_w + conductance_w_per_k * approach_k)


def pump_power_w(rated_power_w: np.ndarray | float, flow_fraction: np.ndarray | float) -> FloatArray:
    """Pump power by the affinity law: P ∝ flow³."""
    return rated_power_w * np.asarray(flow_fraction, float) ** 3


# --------------------------------------------------------------------------- room plant
@dataclass
class PlantState:
    """What the facility plant does in one step (powers in W, temperatures in °C)."""

    facility_supply_c: float
    facility_return_c: float
    facility_flow_kg_s: float
    free_cooling_fraction: float  # share of the heat the dry coolers remove without the chiller
    chiller_cop: float  # 0 when the chiller is off
    chiller_w: float
    dry_cooler_fans_w: float
    facility_pumps_w: float
    air_handler_fans_w: float
    water_l_per_s: float

    @property
    def power_w(self) -> float:
        return self.chiller_w + self.dry_cooler_fans_w + self.facility_pumps_w + self.air_handler_fans_w


def facility_supply_c(setpoint_c: float, ambient_c: float, dry_cooler_approach_k: float, has_chiller: bool) -> float:
    """The facility water supply: its setpoint, unless only dry coolers serve it and the air is too warm."""
    if has_chiller:
        return setpoint_c
    return max(setpoint_c, ambient_c + dry_cooler_approach_k)


def chiller_cop(carnot_fraction: float, evaporator_c: float, condenser_c: float) -> float:
    """COP = η_Carnot·T_evap/(T_cond − T_evap), with at least 1 K of lift."""
    lift = max(condenser_c - evaporator_c, 1.0)
    return carnot_fraction * (evaporator_c + KELVIN) / lift


class Plant:
    """The facility plant of a room: facility water, dry coolers with an economizer, a chiller, pumps and fans.

    The facility water leaves at its supply temperature and returns ``delta_t_k`` warmer;
    the pumps vary its flow to hold that rise, so flow ∝ heat and pump power ∝ heat³
    (affinity law), ``pump_fraction`` of the rated heat when the heat is the rated
    capacity.  Dry coolers cool the return towards ambient + approach (the economizer); a
    chiller trims the rest with COP = η_Carnot·T_evap/(T_cond − T_evap), its condenser
    ``chiller_lift_k`` above ambient (no chiller when η_Carnot is 0: the supply then rises
    to what the dry coolers reach).  The dry cooler fans move everything rejected, the
    chiller's work too; the air handlers' fans move the heat in the room air.
    """

    def __init__(self, *, setpoint_c: float, capacity_w: float, delta_t_k: float, dry_cooler_approach_k: float,
                 chiller_carnot_fraction: float, chiller_lift_k: float, dry_cooler_fan_fraction: float,
                 pump_fraction: float, air_handler_fan_fraction: float, evaporative_l_per_kwh: float) -> None:
        self.setpoint_c = setpoint_c
        self.capacity_w = capacity_w
        self.delta_t_k = delta_t_k
        self.approach_k = dry_cooler_approach_k
        self.carnot = chiller_carnot_fraction
        self.lift_k = chiller_lift_k
        self.dry_fans = dry_cooler_fan_fraction
        self.pump_fraction = pump_fraction
        self.air_fans = air_handler_fan_fraction
        self.water_per_j = evaporative_l_per_kwh / 3.6e6
        self.has_chiller = chiller_carnot_fraction > 0
        self.flow_per_w = 1.0 / (FACILITY_WATER.cp_j_per_kg_k * delta_t_k)

    @classmethod
    def of_room(cls, room: RoomSpec, capacity_w: float | None = None) -> Plant:
        return cls(setpoint_c=room.facility_supply_c,
                   capacity_w=room.cooling_capacity_w if capacity_w is None else capacity_w,
                   delta_t_k=room.facility_delta_t_k, dry_cooler_approach_k=room.dry_cooler_approach_k,
                   chiller_carnot_fraction=room.chiller_carnot_fraction, chiller_lift_k=room.chiller_lift_k,
                   dry_cooler_fan_fraction=room.dry_cooler_fan_fraction, pump_fraction=room.pump_fraction,
                   air_handler_fan_fraction=room.air_handler_fan_fraction,
                   evaporative_l_per_kwh=room.evaporative_l_per_kwh)

    def supply_c(self, ambient_c: float) -> float:
        return facility_supply_c(self.setpoint_c, ambient_c, self.approach_k, self.has_chiller)

    def step(self, heat_w: float, air_heat_w: float,
             ambient_c: float) -> tuple[float, float, float, float, float, float, float, float]:
        """(supply °C, free-cooling share, COP, chiller W, dry cooler fans W, pumps W, air handler fans W,
        water L/s)."""
        supply = self.supply_c(ambient_c)
        heat_w = heat_w if heat_w > 0 else 0.0
        load = heat_w / self.capacity_w if self.capacity_w > 0 else 1.0  # flow / rated flow
        pumps = self.pump_fraction * self.capacity_w * load * load * load
        if not self.has_chiller:
            free = 1.0
        else:
            free = (supply + self.delta_t_k - (ambient_c + self.approach_k)) / self.delta_t_k
            free = 0.0 if free < 0 else 1.0 if free > 1 else free
        chiller = cop = 0.0
        if free < 1.0 and heat_w > 0:
            cop = chiller_cop(self.carnot, supply, ambient_c + self.lift_k)
            chiller = (1.0 - free) * heat_w / cop
        rejected = heat_w + chiller
        air = self.air_fans * air_heat_w if air_heat_w > 0 else 0.0
        return (supply, free, cop, chiller, self.dry_fans * rejected, pumps, air, self.water_per_j * rejected)


def plant(*, heat_w: float, air_heat_w: float, ambient_c: float, **figures: float) -> PlantState:
    """One step of a :class:`Plant` built from ``figures``, as a :class:`PlantState`."""
    p = Plant(**figures)
    supply, free, cop, chiller, dry, pumps, air, water = p.step(heat_w, air_heat_w, ambient_c)
    return PlantState(facility_supply_c=supply, facility_return_c=supply + p.delta_t_k,
                      facility_flow_kg_s=max(heat_w, 0.0) * p.flow_per_w, free_cooling_fraction=free, chiller_cop=cop,
                      chiller_w=chiller, dry_cooler_fans_w=dry, facility_pumps_w=pumps, air_handler_fans_w=air,
                      water_l_per_s=water)
