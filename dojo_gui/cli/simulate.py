"""``dojo-gui simulate ...``: the command group of the simulations."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .common import SubParsers


def register(subparsers: SubParsers) -> None:
    """Add the ``simulate`` command group and its simulations."""
    from .simulate_comm import register as register_comm
    from .simulate_thermal import register as register_thermal
    from .simulate_train import register as register_train

    p = subparsers.add_parser("simulate", help="run a simulation on a design (comm: a collective, link by link; "
                                               "thermal: power and cooling over time; train: a model's training "
                                               "plan, speed and cost)")
    group = p.add_subparsers(dest="simulation", metavar="SIMULATION", required=True)
    register_comm(group)
    register_thermal(group)
    register_train(group)
