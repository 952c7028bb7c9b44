"""The index a simulation's per-level arrays are read through."""

from dojo_gui.model.partindex import PartIndex


def test_a_part_sits_where_the_order_given_puts_it_and_an_unknown_part_nowhere():
    index = PartIndex({"chip": [(0, 0, 1), (0, 0, 0)], "tile": [(0, 0)]})
    assert index.position("chip", (0, 0, 0)) == 1
    assert index.position("chip", [0, 0, 1]) == 0  # a path as a list is the same path
    assert index.position("chip", (9, 9, 9)) is None
    assert index.position("cabinet", (0,)) is None  # a level the index was not made for
    assert index.positions_of("chip", [(0, 0, 0), (5, 5, 5), (0, 0, 1)]) == [1, -1, 0]
    assert index.positions_of("cabinet", [(0,)]) == [-1]
