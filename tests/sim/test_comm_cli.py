"""``dojo-gui simulate comm``: JSON and text output, and one-line errors for bad input."""

import json

import pytest

from dojo_gui.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_the_figures(capsys):
    code, out, _ = run(capsys, "simulate", "comm", "dojo-tile", "--collective", "allreduce", "--bytes", "1GiB",
                       "--algorithm", "bidirectional-ring", "--json")
    assert code == 0
    doc = json.loads(out)
    for key in ("time_s", "algbw_Bps", "busbw_Bps", "chips", "links", "max_link_utilization", "bottleneck_links"):
        assert key in doc
    assert doc["chips"] == 25 and doc["algorithm"] == "bidirectional-ring" and doc["size_bytes"] == 1 << 30
    assert doc["algbw_Bps"] == pytest.approx(doc["size_bytes"] / doc["time_s"])
    assert doc["busbw_Bps"] == pytest.approx(doc["algbw_Bps"] * 2 * 24 / 25)
    assert doc["shared_count"] == 0  # the two rings run on disjoint directed links, even on a 5x5 mesh
    assert doc["time_s"] >= doc["lower_bound_s"]
    assert "per_link" not in doc
    code, out, _ = run(capsys, "simulate", "comm", "dojo-tile", "--algorithm", "direct", "--json")
    doc = json.loads(out)
    assert doc["shared_count"] > 0 and len(doc["shared_links"]) == min(20, doc["shared_count"])
    assert all(link["src"].startswith("room.cabinet[0,0].tile[0,0].chip[") for link in doc["shared_links"])
    assert all(link["peak_transfers"] >= 2 for link in doc["shared_links"])


def test_scope_chunks_and_per_link(capsys):
    code, out, _ = run(capsys, "simulate", "comm", "exapod", "--scope", "tile:cabinet[0,2].tile[1,3]",
                       "--algorithm", "ring", "--chunks", "3", "--bytes", "64MiB", "--no-latency", "--json",
                       "--per-link")
    doc = json.loads(out)
    assert code == 0 and doc["chips"] == 25 and doc["chunks"] == 3 and doc["latency"] is False
    assert doc["scope"] == "tile cabinet[0,2].tile[1,3]"
    assert len(doc["per_link"]) == doc["links"] == 26
    assert all(r["src"].startswith("room.cabinet[0,2].tile[1,3].chip[") for r in doc["per_link"])


def test_text_names_the_bottlenecks(capsys):
    code, out, _ = run(capsys, "simulate", "comm", "dojo-tile", "--algorithm", "bidirectional-ring")
    assert code == 0 and "busbw" in out and "no link carried two transfers at once" in out
    code, out, _ = run(capsys, "simulate", "comm", "dojo-tile", "--algorithm", "direct")
    assert code == 0
    assert "busbw" in out and "bottleneck links (" in out and "shared links (" in out
    assert "room.cabinet[0,0].tile[0,0].chip[" in out
    code, out, _ = run(capsys, "simulate", "comm", "dojo-tile")
    assert "(chosen by auto)" in out and "tried" in out


@pytest.mark.parametrize("args, message", [
    (["--bytes", "lots"], "--bytes: 'lots' is not a size in bytes"),
    (["--chunks", "two"], "--chunks: 'two' is not a whole number"),
    (["--collective", "allsum"], "unknown collective 'allsum'"),
    (["--algorithm", "tree"], "unknown algorithm 'tree'"),
    (["--scope", "tile:cabinet[0,7].tile[0,0]"], "no chips there"),
    (["--scope", "shelf:3"], "expected room, cabinet:PATH"),
    (["--collective", "alltoall", "--algorithm", "ring"], "alltoall runs with direct, 2d, not ring"),
])
def test_bad_input_gets_one_line_naming_it(capsys, args, message):
    code, out, err = run(capsys, "simulate", "comm", "dojo-tile", *args)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1


def test_a_missing_file(capsys, tmp_path):
    code, _, err = run(capsys, "simulate", "comm", str(tmp_path / "none.dojo"))
    assert code == 2 and "none.dojo" in err


def test_routing_through_the_z_plane(capsys):
    code, out, _ = run(capsys, "simulate", "comm", "exapod", "--collective", "p2p", "--bytes", "1MiB", "--scope",
                       "chips:cabinet[0,0].tile[0,0].chip[2,3],cabinet[0,1].tile[0,0].chip[2,3]", "--routing", "zplane")
    assert code == 0
    assert "p2p of 1.05 MB over 2 chips (listed chips), direct (chosen by auto), through the Z-plane" in out
    code, out, err = run(capsys, "simulate", "comm", "dojo-tile", "--routing", "bus")
    assert code == 2 and out == ""
    assert "unknown routing 'bus' (routings: mesh, zplane)" in err and err.count("\n") == 1
    code, out, err = run(capsys, "simulate", "comm", "tpu-v4-slice", "--routing", "zplane")
    assert code == 2 and "this design has no switched network (Z-plane)" in err and err.count("\n") == 1
