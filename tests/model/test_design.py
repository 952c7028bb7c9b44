import pytest

from dojo_gui.model.design import DesignError, Part, format_path, make_part, parse_path
from dojo_gui.model.links import chip_components, physical_links
from dojo_gui.model.runs import RunRecord


def test_paths_format_and_parse():
    path = ((0, 3), (1, 2), (4, 4))
    text = format_path(path)
    assert text == "room.cabinet[0,3].tile[1,2].chip[4,4]"
    assert parse_path(text) == path
    assert parse_path("room") == ()
    with pytest.raises(DesignError):
        parse_path("room.tile[0,0]")


def test_edits_notify_and_bump_the_revision(dojo_tile, catalog):
    seen = []
    dojo_tile.subscribe(seen.append)
    rev = dojo_tile.revision
    chip_path = ((0, 0), (0, 0), (1, 1))
    removed = dojo_tile.remove(chip_path)
    assert dojo_tile.find(chip_path) is None
    dojo_tile.place(chip_path[:-1], removed)
    assert dojo_tile.part(chip_path) is removed and removed.parent is dojo_tile.part(chip_path[:-1])
    dojo_tile.remove(((0, 0), (0, 0), (1, 2)))
    new_path = dojo_tile.move(chip_path, (1, 2))
    assert new_path == ((0, 0), (0, 0), (1, 2))
    assert [c.kind for c in seen] == ["removed", "added", "removed", "moved"]
    assert seen[-1].old_path == chip_path
    assert dojo_tile.revision == rev + 4


def test_refused_edits(dojo_tile, catalog):
    tile_path = ((0, 0), (0, 0))
    with pytest.raises(DesignError, match="slot is taken"):
        dojo_tile.place(tile_path, Part("dojo-d1", "chip", (0, 0)))
    with pytest.raises(DesignError, match="no slot"):
        dojo_tile.place(tile_path, Part("dojo-d1", "chip", (5, 0)))
    with pytest.raises(DesignError, match="unknown spec"):
        dojo_tile.place(tile_path, Part("nope", "chip", (0, 0)))
    with pytest.raises(DesignError, match="still in use"):
        dojo_tile.drop_spec("dojo-d1")
    with pytest.raises(DesignError):
        dojo_tile.remove(())


def test_copy_is_independent(exapod):
    twin = exapod.copy()
    twin.remove(((0, 0),))
    assert len(exapod.room.children) == 10 and len(twin.room.children) == 9


def test_make_part_fills_every_slot(catalog):
    cab = make_part(catalog["dojo-cabinet"], (0, 0), catalog)
    assert sum(1 for p in cab.walk() if p.level == "chip") == 300


def test_links_of_a_tile_mesh(dojo_tile):
    links = physical_links(dojo_tile)
    assert links.n_chips == 25
    mesh = [l for l in links.links if l.kind == "mesh"]
    assert len(mesh) == 2 * 5 * 4  # 5 rows x 4 horizontal + 5 columns x 4 vertical
    assert len(set(chip_components(links))) == 1
    assert links.uniform and links.grid_shape == (5, 5)


def test_links_between_tiles_share_the_tile_edge(catalog):
    from dojo_gui.model.templates import TEMPLATES

    design = TEMPLATES["dojo-cabinet"].make(catalog)
    links = physical_links(design)
    edge = [l for l in links.links if l.kind == "tile-edge"]
    # 2x6 tiles: 2 rows x 5 + 6 columns x 1 = 16 tile boundaries, 5 chip pairs each.
    assert len(edge) == 16 * 5
    assert all(l.bw_Bps == pytest.approx(9e12 / 5) for l in edge)
    assert links.grid_shape == (10, 30)
    coords = set(links.coords)
    assert len(coords) == 300


def test_torus_wraps(catalog):
    from dojo_gui.model.templates import TEMPLATES

    design = TEMPLATES["tpu-v4-slice"].make(catalog)
    links = physical_links(design)
    degree = [0] * links.n_chips
    for l in links.links:
        degree[l.a] += 1
        degree[l.b] += 1
    assert links.n_chips == 64 and set(degree) == {4}  # every chip of an 8x8 torus has four neighbours
    assert sum(l.wrap for l in links.links) == 16


def test_saved_runs_are_kept_and_dropped_with_a_notification(dojo_tile):
    seen = []
    dojo_tile.subscribe(seen.append)
    first, second = RunRecord("thermal", "a", {"pue": 1.1}), RunRecord("comm", "b", {"time_s": 0.01})
    assert dojo_tile.add_run(first) == 0 and dojo_tile.add_run(second) == 1
    assert dojo_tile.remove_run(0) is first and dojo_tile.runs == (second,)
    assert dojo_tile.add_run(first, 0) == 0 and dojo_tile.runs == (first, second)
    assert dojo_tile.remove_run(-1) is second and dojo_tile.runs == (first,)
    with pytest.raises(IndexError):
        dojo_tile.remove_run(1)
    assert [c.kind for c in seen] == ["runs"] * 5
    assert dojo_tile.copy().runs == dojo_tile.runs and dojo_tile.copy().runs[0] is not first  # snapshots own theirs


def test_a_run_is_added_only_as_a_record(dojo_tile):
    """Design.add_run is the one way in: the runs are a tuple, and a plain dict is refused with what to do."""
    revision = dojo_tile.revision
    with pytest.raises(TypeError, match="parse_run"):
        dojo_tile.add_run({"kind": "thermal", "label": "a", "key_figures": {}})
    with pytest.raises(AttributeError):
        dojo_tile.runs.append(RunRecord("thermal", "a", {}))  # type: ignore[attr-defined]
    assert dojo_tile.runs == () and dojo_tile.revision == revision
