import json
import subprocess
import sys

import pytest

from dojo_gui import __version__
from dojo_gui.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version():
    out = subprocess.run([sys.executable, "-m", "dojo_gui", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"dojo-gui {__version__}"


def test_info_json_on_the_exapod(capsys, catalog):
    code, out, _ = run(capsys, "info", "exapod", "--json")
    doc = json.loads(out)
    assert code == 0
    assert doc["counts"] == {"room": 1, "cabinet": 10, "tile": 120, "chip": 3000}
    assert doc["peak_flops"]["bf16"] == pytest.approx(3000 * catalog["dojo-d1"].peak_flops["bf16"])
    assert doc["findings_count"] == 0
    assert doc["it_power_w"] == pytest.approx(1.8e6, rel=0.1)
    assert doc["max_power_w"] <= doc["power_budget_w"]


def test_info_text(capsys):
    code, out, _ = run(capsys, "info", "dojo-tile")
    assert code == 0 and "25 chips" in out and "0 errors" in out


def test_new_grid_then_info_and_validate(capsys, tmp_path):
    path = tmp_path / "g.dojo"
    code, _, _ = run(capsys, "new", "grid", "--chip", "dojo-d1", "--tile", "4x4", "--cabinet", "4x3",
                     "--room", "1x2", "--torus", "room", "-o", str(path))
    assert code == 0
    code, out, _ = run(capsys, "info", str(path), "--json")
    doc = json.loads(out)
    assert doc["counts"] == {"room": 1, "cabinet": 2, "tile": 24, "chip": 384}
    code, out, _ = run(capsys, "validate", str(path), "--json")
    assert code == 0 and json.loads(out)["valid"] is True


def test_new_refuses_to_overwrite(capsys, tmp_path):
    path = tmp_path / "t.dojo"
    path.write_text("keep")
    code, _, err = run(capsys, "new", "dojo-tile", "-o", str(path))
    assert code == 2 and "already exists" in err and path.read_text() == "keep"


def test_new_grid_rejects_bad_sizes_and_chips(capsys, tmp_path):
    code, _, err = run(capsys, "new", "grid", "--chip", "dojo-d1", "--tile", "five", "-o", str(tmp_path / "a.dojo"))
    assert code == 2 and "--tile" in err and "grid size" in err
    code, _, err = run(capsys, "new", "grid", "--chip", "dojo-training-tile", "-o", str(tmp_path / "a.dojo"))
    assert code == 2 and "not a chip spec" in err


def test_validate_exits_non_zero_on_errors(capsys, tmp_path, catalog):
    path = tmp_path / "broken.dojo"
    main(["new", "dojo-tile", "-o", str(path), "-q"])
    doc = json.loads(path.read_text())
    tile = next(s for s in doc["specs"] if s["id"] == "dojo-training-tile")
    tile["power_budget_w"] = "5kW"
    path.write_text(json.dumps(doc))
    capsys.readouterr()
    code, out, _ = run(capsys, "validate", str(path), "--json")
    report = json.loads(out)
    assert code == 1 and report["valid"] is False
    assert [f["rule"] for f in report["findings"] if f["severity"] == "error"] == ["power-budget"]
    assert report["findings"][0]["path"] == "room.cabinet[0,0].tile[0,0]"
    assert [(g["rule"], g["count"]) for g in report["groups"]] == [("power-budget", 1)]


def hot_exapod(tmp_path, catalog):
    """The ExaPOD with its D1 at 500 W: every tile and cabinet over its power budget and cooling."""
    from dataclasses import replace

    from dojo_gui.io.project import save
    from dojo_gui.model.templates import TEMPLATES

    design = TEMPLATES["exapod"].make(catalog)
    design.put_spec(replace(design.specs["dojo-d1"], tdp_w=500.0))
    path = tmp_path / "hot.dojo"
    save(design, path)
    return path


def test_validate_groups_findings_by_rule_and_spec(capsys, tmp_path, catalog):
    path = hot_exapod(tmp_path, catalog)
    code, out, _ = run(capsys, "validate", str(path))
    lines = out.splitlines()
    assert code == 1 and lines[-1] == f"{path}: INVALID: 261 errors, 0 warnings, 0 notes"
    tiles = [k for k, line in enumerate(lines) if ": error: 120 tiles (Dojo training tile): " in line]
    assert len(tiles) == 2  # over the power budget, over the cooling capacity
    assert any(lines[k].endswith("at full load, over the 15 kW budget") for k in tiles)
    assert lines[tiles[0] + 1].strip().startswith("room.cabinet[0,0].tile[0,0], room.cabinet[0,0].tile[0,1], ")
    assert lines[tiles[0] + 1].endswith("and 117 more (--all lists every part)")
    assert len(lines) < 15

    code, out, _ = run(capsys, "validate", str(path), "--all")
    parts = [line for line in out.splitlines() if line.startswith("    room.cabinet") and "tile[" in line]
    assert code == 1 and len(parts) == 240 and len({p.split(":")[0] for p in parts}) == 120
    assert "    room.cabinet[0,9].tile[1,5]: draws " in out


def test_validate_json_has_the_groups_with_their_parts(capsys, tmp_path, catalog):
    path = hot_exapod(tmp_path, catalog)
    code, out, _ = run(capsys, "validate", str(path), "--json")
    doc = json.loads(out)
    assert code == 1 and len(doc["findings"]) == 261
    assert sum(g["count"] for g in doc["groups"]) == 261 and len(doc["groups"]) == 5
    tiles = next(g for g in doc["groups"] if g["rule"] == "power-budget" and g["level"] == "tile")
    assert tiles["count"] == len(tiles["parts"]) == 120 and tiles["spec"] == "dojo-training-tile"
    assert tiles["where"] == "120 tiles (Dojo training tile)"
    assert tiles["message"].endswith("at full load, over the 15 kW budget")
    assert tiles["parts"][0] == next(f for f in doc["findings"] if f["rule"] == "power-budget" and "tile" in f["path"])


def test_validate_reports_a_chip_its_tile_does_not_take(capsys, tmp_path):
    path = tmp_path / "mixed.dojo"
    main(["new", "dojo-tile", "-o", str(path), "-q"])
    doc = json.loads(path.read_text())
    main(["new", "gb200-nvl72", "-o", str(tmp_path / "nvl72.dojo"), "-q"])
    b200 = next(s for s in json.loads((tmp_path / "nvl72.dojo").read_text())["specs"] if s["level"] == "chip")
    doc["specs"].append(b200)
    doc["room"]["cabinets"][0]["tiles"][0]["chips"][7]["spec"] = b200["id"]
    path.write_text(json.dumps(doc))
    capsys.readouterr()
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1
    assert ("room.cabinet[0,0].tile[0,0].chip[1,2]: the Dojo training tile's slots take Tesla D1, "
            "not NVIDIA B200 (in GB200)") in out


def test_broken_file_gives_one_line_with_its_place(capsys, tmp_path):
    path = tmp_path / "bad.dojo"
    path.write_text('{"format": "dojo-gui-project", "version": 1, "specs": [], "room": {"spec": "x"}}')
    code, _, err = run(capsys, "info", str(path))
    assert code == 2
    assert err.strip().endswith("room.spec: unknown room spec 'x' (the file's specs list does not define it)")


def test_gui_without_a_display_says_so():
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    proc = subprocess.run([sys.executable, "-m", "dojo_gui"], capture_output=True, text=True, env=env, timeout=60,
                          check=False)  # exit status 2 is what is asserted
    assert proc.returncode == 2
    assert "no display found" in proc.stderr and "Traceback" not in proc.stderr
