"""Sizable templates: DGX pods by nodes, the TPU v4 slice by chips; the default size is the example."""

import pytest

from dojo_gui.model.aggregate import summarize
from dojo_gui.model.design import DesignError
from dojo_gui.model.rules import check
from dojo_gui.model.templates import TEMPLATES, floor_grid


@pytest.mark.parametrize("name,size,chips", [("dgx-a100-superpod", 384, 3072), ("dgx-a100-superpod", 4, 32),
                                             ("dgx-h100-pod", 20, 160), ("tpu-v4-slice", 256, 256)])
def test_sized_designs_hold_what_was_asked(catalog, name, size, chips):
    design = TEMPLATES[name].make(catalog, size)
    assert summarize(design).chips == chips
    assert check(design) == []


def test_a_partial_last_rack_is_reported_not_padded(catalog):
    design = TEMPLATES["dgx-a100-superpod"].make(catalog, 315)  # 2,520 GPUs: 78 full racks and one of 3 nodes
    assert summarize(design).chips == 2520
    assert [f.rule for f in check(design)] == ["empty-slots"]


def test_the_superpod_is_a_fat_tree_of_dgx_a100(catalog):
    design = TEMPLATES["dgx-a100-superpod"].make(catalog)
    assert summarize(design).chips == 1120
    node, rack = catalog["nvidia-dgx-a100"], catalog["nvidia-dgx-a100-rack"]
    assert node.topology == rack.topology == "switch" and node.switch_bw_Bps == 300e9
    assert rack.switch_bw_Bps == 8 * 200e9 / 8  # eight 200 Gb/s HDR ports per node


@pytest.mark.parametrize("name,size,words", [("tpu-v4-slice", 100, "multiple of 64"), ("dgx-h100-pod", 0, "at least 1"),
                                             ("exapod", 3, "fixed design")])
def test_bad_sizes_are_refused(catalog, name, size, words):
    with pytest.raises(DesignError, match=words):
        TEMPLATES[name].make(catalog, size)


@pytest.mark.parametrize("n,grid", [(16, (4, 4)), (35, (7, 5)), (7, (1, 7)), (79, (1, 79)), (96, (12, 8))])
def test_floor_grid_holds_exactly_the_positions(n, grid):
    assert floor_grid(n) == grid
