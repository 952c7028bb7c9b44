"""The same collective in many groups at once (tensor-parallel groups, say): one schedule, exact."""

import numpy as np
import pytest

from dojo_gui.fabric.fabric import Fabric
from dojo_gui.model.templates import TEMPLATES
from dojo_gui.sim.comm import CollectiveError, simulate_collective

S = float(1 << 28)
D1_BW, D1_OVERHEAD, D1_HOP = 4e12, 1e-6, 100e-9


def blocks_of_four(f: Fabric) -> list[list[int]]:
    """Every 2x2 block of chips inside a tile (the 5x5 tile's last row and column left out)."""
    at = {tuple(rc): i for i, rc in enumerate(f.chip_coords.tolist())}
    groups = []
    for tile in sorted({p[:2] for p in f.chip_paths}):
        corners = [i for i, p in enumerate(f.chip_paths) if p[:2] == tile and p[2][0] in (0, 2) and p[2][1] in (0, 2)]
        for c in corners:
            r, col = f.chip_coords[c]
            groups.append([at[(r, col)], at[(r, col + 1)], at[(r + 1, col + 1)], at[(r + 1, col)]])
    return groups


def test_every_group_at_once_equals_one_group_alone(catalog):
    """2x2 blocks of a cabinet's tiles never share a link: all 48 groups together take what one takes
    alone, the closed form of a 4-chip ring (one hop a step)."""
    f = Fabric.from_design(TEMPLATES["dojo-cabinet"].make(catalog))
    groups = blocks_of_four(f)
    assert len(groups) == 48
    together = simulate_collective(f, "allreduce", S, "ring", scope=groups)
    alone = simulate_collective(f, "allreduce", S, "ring", scope=[groups[0]])
    n = 4
    closed = 2 * (n - 1) * (D1_OVERHEAD + D1_HOP) + 2 * (n - 1) / n * S / D1_BW
    assert alone.time_s == pytest.approx(closed, rel=1e-9) and together.time_s == pytest.approx(closed, rel=1e-9)
    assert together.chips == 192 and together.groups == 48 and together.engine == "exclusive-links"
    assert together.busbw_Bps == pytest.approx(together.algbw_Bps * 2 * 3 / 4)  # nccl-tests: per group of 4
    assert together.uniform_steps == 2 * (n - 1)  # every step one number, however many groups
    assert np.allclose(together.chip_finish_s, closed)
    assert together.time_s >= together.lower_bound_s
    doc = together.to_json()
    assert doc["groups"] == 48 and "groups of 4 chips" in doc["scope"]


def test_groups_in_their_own_rows_and_bad_groups(catalog):
    """Rows of a tile as groups, with direct: each group's transfers stay in its row and meet no other
    group's, so all rows take what one takes.  Groups must be of one size and share no chip."""
    f = Fabric.from_design(TEMPLATES["dojo-tile"].make(catalog))
    rows = [[i for i, p in enumerate(f.chip_paths) if p[2][0] == r] for r in range(5)]
    each = simulate_collective(f, "alltoall", S, "direct", scope=rows[:1], latency=False).time_s
    assert simulate_collective(f, "alltoall", S, "direct", scope=rows, latency=False).time_s == pytest.approx(each)
    with pytest.raises(CollectiveError, match="one size"):
        simulate_collective(f, "allreduce", S, "ring", scope=[rows[0], rows[1][:3]])
    with pytest.raises(CollectiveError, match="two groups"):
        simulate_collective(f, "allreduce", S, "ring", scope=[rows[0], rows[0]])


def test_every_tile_of_a_cabinet_by_name(catalog):
    f = Fabric.from_design(TEMPLATES["dojo-cabinet"].make(catalog))
    r = simulate_collective(f, "allreduce", S, "bidirectional-ring", scope="groups:tile", latency=False)
    assert r.groups == 12 and r.chips == 300
    # Each tile's two rings are link-disjoint and the tiles' links their own: the contention-free form.
    assert r.time_s == pytest.approx(24 / 25 * S / D1_BW, rel=1e-9) and len(r.shared_links) == 0


def test_2d_all_to_all_in_every_2x2_block_at_once(catalog):
    """2d all-to-all in each 2x2 block: a row message then a column message a chip, each of two
    shares, on links no other block uses: all 48 blocks take what one takes, 2 (o + h + S/2B)."""
    f = Fabric.from_design(TEMPLATES["dojo-cabinet"].make(catalog))
    groups = blocks_of_four(f)
    together = simulate_collective(f, "alltoall", S, "2d", scope=groups)
    assert together.time_s == pytest.approx(2 * (D1_OVERHEAD + D1_HOP + S / 2 / D1_BW), rel=1e-9)
    assert together.engine == "exclusive-links" and together.groups == 48
    assert np.allclose(together.chip_finish_s, together.time_s)
