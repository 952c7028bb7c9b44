"""The collectives of a plan: their sizes and groups, and their times on the placement's links."""

import numpy as np
import pytest

from dojo_gui.model.templates import TEMPLATES
from dojo_gui.sim.training.memory import stage_parameters
from dojo_gui.sim.training.placement import Machine, layout
from dojo_gui.sim.training.settings import Plan, TrainingSettings
from dojo_gui.sim.training.step import evaluate_plan
from dojo_gui.sim.training.traffic import Traffic


class Recording(Traffic):
    """Traffic that notes what it is asked: (kind, collective, groups shape, bytes)."""

    def __init__(self, machine):
        super().__init__(machine, simulate=False)
        self.calls = []

    def collective(self, groups, collective, size_bytes, *, simulate=None):
        self.calls.append(("collective", collective, np.atleast_2d(groups).shape, size_bytes))
        return super().collective(groups, collective, size_bytes, simulate=simulate)

    def p2p(self, src, dst, size_bytes, *, simulate=None):
        self.calls.append(("p2p", "p2p", (len(src), 2), size_bytes))
        return super().p2p(src, dst, size_bytes, simulate=simulate)


def test_the_volumes_each_group_moves(dgx2, gpt_small):
    machine = Machine.from_design(dgx2)
    traffic = Recording(machine)
    settings = TrainingSettings(global_batch=64, seq_len=1024, recompute="selective", gradient_bytes=4)
    plan = Plan(tp=4, pp=2, dp=2, micro_batch=2)
    evaluate_plan(machine, gpt_small, settings, plan, traffic)
    activation = 2 * 1024 * gpt_small.hidden * 2  # b·s·h·2 bytes
    grads = stage_parameters(gpt_small, plan)[0] * 4
    assert ("collective", "allreduce", (4, 4), activation) in traffic.calls  # TP: pp·dp groups of tp
    assert ("p2p", "p2p", (8, 2), activation / 4) in traffic.calls  # PP: (p-1)·dp·tp sends of 1/tp each
    assert ("collective", "allgather", (4, 4), activation) in traffic.calls  # ... gathered in the next stage
    assert ("collective", "allreduce", (8, 2), grads) in traffic.calls  # DP: pp·tp groups of dp


def test_zero_reduces_and_gathers_instead(dgx2, gpt_small):
    machine = Machine.from_design(dgx2)
    traffic = Recording(machine)
    settings = TrainingSettings(global_batch=64, seq_len=1024, zero_stage=1, sequence_parallel=True)
    evaluate_plan(machine, gpt_small, settings, Plan(tp=8, pp=1, dp=2), traffic)
    kinds = [c[1] for c in traffic.calls]
    assert "allreduce" not in kinds and kinds.count("reducescatter") == 2 and kinds.count("allgather") == 2


def test_a_tensor_group_in_one_node_takes_the_closed_form(dgx2):
    """All-reduce over n GPUs of one NVSwitch domain: 2(n−1)/n · S/B plus latency; nothing is shared."""
    machine = Machine.from_design(dgx2)
    groups = machine.tp_groups(8)
    size = 256e6
    simulated = Traffic(machine).collective(groups, "allreduce", size)
    bound = 2 * 7 / 8 * size / 300e9
    assert bound <= simulated.time_s <= bound * 1.02 and simulated.sharing == 1.0
    estimate = Traffic(machine, simulate=False).collective(groups, "allreduce", size)
    alpha = machine.chip_spec.link_latency_s + machine.chip_spec.message_overhead_s
    assert estimate.time_s == pytest.approx(bound + 2 * 7 * alpha)


def test_groups_that_share_mesh_links_are_slowed_by_their_sharing(catalog):
    """One data-parallel group across the tiles of a cabinet row alone, and five side by side in the
    same chip rows: the five share the tile-edge links their routes cross."""
    design = TEMPLATES["dojo-cabinet"].make(catalog)
    machine = Machine.from_design(design)
    where = layout(machine, 5, 1, 12, "data-contiguous")
    dp_groups = where.dp_groups()  # 5 groups (one per tensor rank) of 12 chips, one in every tile
    traffic = Traffic(machine)
    together = traffic.collective(dp_groups, "allreduce", 64e6)
    alone = traffic.collective(dp_groups[:1], "allreduce", 64e6)
    assert together.sharing > 1.0 and alone.sharing == 1.0
    assert together.time_s > alone.time_s
    tp = traffic.collective(where.tp_groups(), "allreduce", 64e6)
    assert tp.sharing == 1.0  # tensor groups are the rows of a tile: no link in common
