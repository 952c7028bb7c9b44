"""Results as CSV and the design's picture as PNG or SVG."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from PySide6.QtGui import QImage

from dojo_gui.model.runs import parse_run
from dojo_gui.report.export import export_picture, key_figures_csv, series_csv, write_results_csv
from dojo_gui.report.runs import read_runs


def test_key_figures_csv_round_trips(make_comm, make_thermal):
    records, _ = read_runs([make_comm(0.0123), make_thermal(pue=1.1)])
    rows = list(csv.DictReader(io.StringIO(key_figures_csv(records))))
    by = {(r["run"], r["figure"]): r for r in rows}
    assert float(by[("1", "time_s")]["value"]) == 0.0123 and by[("1", "time_s")]["unit"] == "s"
    assert float(by[("2", "pue")]["value"]) == 1.1 and by[("2", "pue")]["unit"] == ""
    assert by[("2", "tj_max_c")]["unit"] == "°C"
    assert len(rows) == sum(len(r.key_figures) for r in records)


def test_series_csv_joins_series_on_their_times():
    record = parse_run({"kind": "thermal", "label": "x", "key_figures": {},
                        "series": {"a_c": [[0, 1.0], [1, 2.0], [2, 3.0]], "b_w": [[1, 10.0], [3, 30.0]]}})
    rows = list(csv.reader(io.StringIO(series_csv(record))))
    assert rows[0] == ["t_s", "a_c", "b_w"]
    assert [[float(x) if x else None for x in r] for r in rows[1:]] == [
        [0.0, 1.0, None], [1.0, 2.0, 10.0], [2.0, 3.0, None], [3.0, None, 30.0]]


def test_write_results_csv_writes_the_series_beside(tmp_path, make_comm, make_thermal):
    records, _ = read_runs([make_comm(), make_thermal()])
    written = write_results_csv(records, tmp_path / "results.csv")
    assert [p.name for p in written] == ["results.csv", "results-run1-series.csv", "results-run2-series.csv"]
    series = list(csv.reader(io.StringIO(written[2].read_text(encoding="utf-8"))))
    assert series[0] == ["t_s", "tj_max_c", "coolant_supply_c", "it_power_w", "facility_power_w"]
    assert len(series) == 1 + 601
    values = np.array([[float(x) for x in r] for r in series[1:]])
    assert values[-1, 1] == pytest.approx(records[1].series["tj_max_c"][-1][1])


def test_picture_export_is_the_canvas_drawing(qapp, dojo_tile, tmp_path):
    from dojo_gui.render import render_design

    path = export_picture(dojo_tile, tmp_path / "tile.png", width=320, height=200)
    image = QImage(str(path))
    # As large as fits in 320 x 200 in the design's own shape (cropped to it: no empty bands beside it).
    assert image.height() == 200 and image.width() < 320
    expected = render_design(dojo_tile, image.width(), 200).convertToFormat(image.format())
    assert image == expected
    # The D1's own colour is in the picture: the chips were drawn, not only the background.
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 4) for y in range(0, 200, 4)}
    assert len(colours) > 3


def test_picture_export_refuses_other_formats(qapp, dojo_tile, tmp_path):
    with pytest.raises(ValueError, match=r"\.png, \.jpg or \.svg"):
        export_picture(dojo_tile, tmp_path / "x.gif")
    assert not (tmp_path / "x.gif").exists()


def test_svg_export_is_an_svg_of_the_design(qapp, exapod, tmp_path):
    import xml.etree.ElementTree as ET

    path = export_picture(exapod, tmp_path / "x.svg", width=1000, height=500)
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    assert root.find("{http://www.w3.org/2000/svg}title").text == exapod.name
    # Ten cabinet labels are drawn as text.
    texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert sum(1 for t in texts if t.strip().startswith("C")) >= 10
