import pytest

from dojo_gui.io.catalog import builtin_specs, load_spec_file, resource_dir
from dojo_gui.io.project import ProjectFileError
from dojo_gui.model.placement import fit_problem
from dojo_gui.model.specs import ChipSpec, ContainerSpec


def test_every_builtin_spec_says_where_its_figures_come_from(catalog):
    for spec in catalog.values():
        assert spec.sources, f"{spec.id} has no sources"
        assert spec.name and spec.description


def test_container_children_exist(catalog):
    for spec in catalog.values():
        if isinstance(spec, ContainerSpec) and spec.default_child:
            child = catalog[spec.default_child]
            assert child.level == spec.child_level
        if isinstance(spec, ContainerSpec):
            assert all(catalog[a].level == spec.child_level for a in spec.accepts)


def test_every_container_takes_its_default_child_and_names_only_sockets_that_exist(catalog):
    sockets = {s.socket for s in catalog.values() if getattr(s, "socket", "")}
    for spec in catalog.values():
        if isinstance(spec, ContainerSpec):
            assert set(spec.takes) <= sockets, f"{spec.id} takes a socket no spec has"
            if spec.default_child:
                assert fit_problem(spec, catalog[spec.default_child]) is None, spec.id


def test_a_project_file_without_sockets_reads_and_fits_as_before(tmp_path, catalog):
    """Files written before sockets existed have neither field: they load, and every part stays where it fits."""
    import json

    from dojo_gui.io.project import dumps, loads
    from dojo_gui.model.rules import check
    from dojo_gui.model.templates import TEMPLATES

    doc = json.loads(dumps(TEMPLATES["dojo-tile"].make(catalog)))
    for spec in doc["specs"]:
        spec.pop("socket", None)
        spec.pop("takes", None)
    b200 = next(s for s in json.loads(dumps(TEMPLATES["gb200-nvl72"].make(catalog)))["specs"] if s["level"] == "chip")
    doc["specs"].append({k: v for k, v in b200.items() if k != "socket"})
    doc["room"]["cabinets"][0]["tiles"][0]["chips"][0]["spec"] = b200["id"]  # a B200 among the D1, as files allowed
    design = loads(json.dumps(doc))
    assert [f for f in check(design) if f.rule == "placement"] == []


@pytest.mark.parametrize("spec_id,figures", [
    ("dojo-d1", {"cores": 354, "clock_hz": 2e9, "sram_bytes": 440e6, "tdp_w": 400, "edge_bw_Bps": 4e12, "edges": 4,
                 "onchip_bw_Bps": 10e12, "die_area_mm2": 645, "process_nm": 7}),
    ("dojo-training-tile", {"rows": 5, "cols": 5, "edge_bw_Bps": 9e12, "power_budget_w": 15e3, "interface_count": 5,
                            "interface_hbm_bytes": 32e9, "interface_hbm_bw_Bps": 800e9}),
    ("dojo-cabinet", {"rows": 2, "cols": 6}),
    ("dojo-exapod-room", {"rows": 1, "cols": 10}),
    ("nvidia-h100-sxm", {"tdp_w": 700, "hbm_bytes": 80e9, "hbm_bw_Bps": 3.35e12}),
    ("nvidia-dgx-h100", {"rows": 2, "cols": 4, "topology": "switch", "power_budget_w": 10.2e3}),
    ("nvidia-gb200-nvl72", {"topology": "switch"}),
    ("google-tpu-v4", {"tdp_w": 192, "hbm_bytes": 32 * 2**30, "hbm_bw_Bps": 1.2e12}),
    ("google-tpu-v4-rack", {"topology": "torus"}),
])
def test_published_figures(catalog, spec_id, figures):
    spec = catalog[spec_id]
    for name, value in figures.items():
        assert getattr(spec, name) == pytest.approx(value) if isinstance(value, float) else getattr(spec, name) == value


def test_peak_figures(catalog):
    assert catalog["dojo-d1"].peak_flops == {"bf16": 362e12, "cfp8": 362e12, "fp32": 22.6e12}
    assert catalog["nvidia-h100-sxm"].peak_flops["bf16"] == 989e12
    assert catalog["google-tpu-v4"].peak_flops["bf16"] == 275e12
    nvl72 = catalog["nvidia-b200-gb200"]
    assert nvl72.edges * nvl72.edge_bw_Bps * 2 == pytest.approx(1.8e12)  # 1.8 TB/s both directions


def test_builtin_specs_are_a_fresh_table(catalog):
    table = builtin_specs()
    table.pop("dojo-d1")
    assert "dojo-d1" in builtin_specs()


def test_spec_files_are_data(catalog):
    files = sorted((resource_dir() / "specs").glob("*.json"))
    assert len(files) >= 3
    assert sum(len(load_spec_file(f)) for f in files) == len(catalog)
    assert any(isinstance(s, ChipSpec) for s in catalog.values())


def test_a_broken_spec_file_names_the_figure(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "dojo-gui-specs", "version": 1, '
                   '"specs": [{"level": "chip", "id": "c", "tdp_w": "hot"}]}')
    with pytest.raises(ProjectFileError) as info:
        load_spec_file(bad)
    assert info.value.where == "specs[0].tdp_w" and "bad.json" in str(info.value)
