"""The links between chips, tiles and cabinets the canvas draws: the chip links folded per pair of parts."""

from dojo_gui.model.links import part_links, physical_links
from dojo_gui.model.templates import grid_design


def test_the_exapod_folds_into_its_spec_figures(exapod):
    folded = part_links(physical_links(exapod))
    tile_edge = exapod.specs["dojo-training-tile"].edge_bw_Bps
    cabinet_edge = exapod.specs["dojo-cabinet"].edge_bw_Bps
    # 10 cabinets in a row: 9 neighbours, each pair joined over its whole cabinet edge.
    assert len(folded["cabinet"]) == 9
    assert {(link.bw_Bps, link.count) for link in folded["cabinet"]} == {(cabinet_edge, 10)}
    # 2x6 tiles a cabinet: 16 neighbours inside each, and 2 across every cabinet boundary.
    assert len(folded["tile"]) == 10 * 16 + 9 * 2
    inside = [link for link in folded["tile"] if link.a[0] == link.b[0]]
    assert {(link.bw_Bps, link.count) for link in inside} == {(tile_edge, 5)}
    # A 5x5 mesh has 40 links; 5 cross each tile boundary.
    assert len(folded["chip"]) == 120 * 40 + len(folded["tile"]) * 5


def test_folding_keeps_the_bandwidth(exapod):
    links = physical_links(exapod)
    folded = part_links(links)
    paths = links.chip_paths
    chip_links = [link for link in links.links if isinstance(link.a, int) and isinstance(link.b, int)]
    between_tiles = sum(link.bw_Bps for link in chip_links if paths[link.a][:2] != paths[link.b][:2])
    assert abs(sum(link.bw_Bps for link in folded["tile"]) - between_tiles) < 1e-3 * between_tiles
    for level, depth in (("chip", 3), ("tile", 2), ("cabinet", 1)):
        for link in folded[level]:
            assert len(link.a) == len(link.b) == depth and link.a < link.b


def test_wraparound_and_switch_links_are_not_drawn(catalog):
    mesh = part_links(physical_links(grid_design(catalog, "dojo-d1", (3, 3), (1, 2), (1, 4))))
    wrapped = physical_links(grid_design(catalog, "dojo-d1", (3, 3), (1, 2), (1, 4), torus={"room", "tile"}))
    assert sum(link.wrap for link in wrapped.links) > 0
    torus = part_links(wrapped)
    assert len(torus["cabinet"]) == len(mesh["cabinet"]) == 3
    assert len(torus["chip"]) == len(mesh["chip"])
