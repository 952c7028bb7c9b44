"""Small designs and helpers for the power and thermal engine tests."""

from __future__ import annotations

import numpy as np
import pytest

from dojo_gui.model.templates import grid_design
from dojo_gui.sim.results import RecordPlan


@pytest.fixture
def every_step():
    """A record plan that keeps every step, so a test can check each one."""
    return RecordPlan(room_points=10**6, part_points=10**6)


@pytest.fixture
def spec_of_level():
    def find(design, level):
        """The one spec of ``level`` the design uses (the test designs are uniform)."""
        ids = {p.spec_id for p in design.parts(level)}
        assert len(ids) == 1, ids
        return design.specs[ids.pop()]
    return find


@pytest.fixture
def one_chip(catalog):
    """One D1 in a 1x1 tile, cabinet and room."""
    return grid_design(catalog, "dojo-d1", (1, 1), (1, 1), (1, 1), name="one chip")


@pytest.fixture
def small_pod(catalog):
    """Two cabinets of two 5x5 Dojo tiles: 100 chips, every level present, quick to run."""
    return grid_design(catalog, "dojo-d1", (5, 5), (1, 2), (1, 2), name="small pod")


@pytest.fixture
def dgx(catalog):
    """One air-cooled DGX H100 in a rack of one, in the generic lab."""
    return grid_design(catalog, "nvidia-h100-sxm", (2, 4), (1, 1), (1, 1), name="one DGX")


@pytest.fixture
def exact_two_node():
    def solve(c_j, c_p, r_jp, r_pc, x0, x_ss, t):
        """The exact junction/plate trajectory by eigendecomposition (independent of the engine's closed form):
        rows are (T_j, T_p), columns the times ``t``."""
        a = np.array([[-1 / (c_j * r_jp), 1 / (c_j * r_jp)],
                      [1 / (c_p * r_jp), -(1 / r_jp + 1 / r_pc) / c_p]])
        lam, vec = np.linalg.eig(a)
        coef = np.linalg.solve(vec, np.asarray(x0, float) - np.asarray(x_ss, float))
        return np.asarray(x_ss, float)[:, None] + (vec * coef) @ np.exp(np.outer(lam, np.asarray(t, float)))
    return solve
