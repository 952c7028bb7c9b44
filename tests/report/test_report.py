"""The design-review report: figures read back from the HTML, pages of the PDF, the picture hook."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from PySide6.QtGui import QColor, QImage

from dojo_gui import units
from dojo_gui.model.aggregate import summarize
from dojo_gui.model.design import format_path
from dojo_gui.report import export_report
from dojo_gui.report.output import layout_pdf
from dojo_gui.report.sections import ReportContext, build_report


def pdf_page_count(data: bytes) -> int:
    """Page objects in the file (``/Type /Page``, not ``/Pages``), checked against the page tree's count."""
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data)]
    counts += [int(n) for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", data)]
    assert counts and max(counts) == pages, (pages, counts)
    return pages


@pytest.fixture
def exapod_report(qapp, exapod, tmp_path):
    pdf, html = tmp_path / "r.pdf", tmp_path / "r.html"
    result = export_report(exapod, pdf=pdf, html=html, source="exapod", picture=None)
    return result, pdf, html


def test_exapod_html_has_the_counts_and_figures(exapod_report, exapod, catalog, read_html):
    _, _, html = exapod_report
    doc = read_html(html)
    totals = {r[0]: r[1] for r in doc.tables["totals"][1:]}
    assert totals["Parts"] == "1 room, 10 cabinets, 120 tiles, 3,000 chips"
    d1 = catalog["dojo-d1"]
    assert totals["Peak compute BF16"] == units.format(3000 * d1.peak_flops["bf16"], "FLOPS") == "1.09 EFLOPS"
    assert totals["Peak compute FP32"] == units.format(3000 * d1.peak_flops["fp32"], "FLOPS") == "67.8 PFLOPS"
    assert totals["SRAM"] == units.format(3000 * d1.sram_bytes, "B") == "1.32 TB"
    s = summarize(exapod)
    assert totals["Power at the feed, full load"] == units.format(s.max_power_w, "W")
    assert totals["IT power at full load"] == units.format(s.it_power_w, "W")
    assert totals["Findings"] == "0 errors, 0 warnings, 0 notes"

    levels = {r[0]: r for r in doc.tables["levels"][1:]}
    assert levels["room"][2] == "1" and levels["cabinet"][2] == "10"
    assert levels["tile"][2] == "120" and levels["chip"][2] == "3,000"
    assert levels["cabinet"][3].startswith("12 tiles, 300 chips")
    assert levels["tile"][4].startswith(units.format(25 * d1.peak_flops["bf16"], "FLOPS") + " BF16")  # 9.05 PFLOPS
    assert levels["chip"][1] == "Tesla D1 (dojo-d1)"

    budgets = doc.tables["budgets"][1:]
    power_rows = [r for r in budgets if r[1] == "Power"]
    assert len(power_rows) == 3  # the room, the ten cabinets as one row, the 120 tiles as one row
    assert power_rows[1][0].startswith("10 × Dojo cabinet")
    assert power_rows[2][0].startswith("120 × Dojo training tile")
    assert all(r[5].endswith("to spare") for r in power_rows)

    # Every spec's figures, with units, and its sources.
    d1_rows = {r[1]: r[2] for r in doc.tables["spec-dojo-d1"][1:]}
    assert d1_rows["TDP"] == "400 W"
    assert d1_rows["Link bandwidth"] == "4 TB/s"
    assert d1_rows["Peak compute"] == "BF16 362 TFLOPS · CFP8 362 TFLOPS · FP32 22.6 TFLOPS"
    assert d1_rows["Tj throttle limit"] == "95 °C"
    text = "".join(doc.text)
    assert "Tesla AI Day 2021: 354 cores" in text
    assert set(exapod.specs) == {k.removeprefix("spec-") for k in doc.tables if k.startswith("spec-")}


def test_pdf_has_a_first_page_that_stands_alone_and_a_page_per_section_start(exapod_report):
    result, pdf, _ = exapod_report
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    pages = pdf_page_count(data)
    assert pages == result.pdf_pages
    assert result.sections == ["summary", "overview", "levels", "budgets", "findings", "results", "assumptions"]
    starts = [result.section_pages[k] for k in result.sections]
    # The summary alone on the first page; the contents open page 2 with the overview; then every section on a
    # page of its own, in order; the assumptions run longest.
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert starts[:6] == [1, 2, 3, 4, 5, 6]
    assert pages > starts[-1]


def _table_cells(doc):
    """Every table of a laid-out QTextDocument as rows of cell text."""
    from PySide6.QtGui import QTextTable

    tables = []
    for frame in doc.rootFrame().childFrames():
        if isinstance(frame, QTextTable):
            tables.append([[frame.cellAt(r, c).firstCursorPosition().block().text()
                            for c in range(frame.columns())] for r in range(frame.rows())])
    return tables


def test_the_contents_give_the_pages_the_sections_start_on(qapp, exapod):
    report = build_report(ReportContext(exapod, source="exapod"))
    layout = layout_pdf(report)
    contents = next(_table_cells(p.document) for page in layout.pages_laid for p in page.placed
                    if p.item.kind == "contents")
    contents = next(t for t in contents if t and t[0][0] == "1. At a glance")
    assert [row[0] for row in contents] == [f"{i}. {s.title}" for i, s in enumerate(report.sections, 1)]
    assert [int(row[1]) for row in contents] == [layout.section_pages[s.key] for s in report.sections]
    assert layout.section_pages["summary"] == 1 and layout.section_pages["overview"] == 2


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_each_section_title_is_on_the_page_the_contents_name(exapod_report):
    result, pdf, _ = exapod_report
    titles = {"summary": "1. At a glance", "overview": "2. Overview", "levels": "3. Summary per level",
              "budgets": "4. Budgets against limits", "findings": "5. Findings", "results": "6. Simulation results",
              "assumptions": "7. Assumptions"}
    for key, title in titles.items():
        page = result.section_pages[key]
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert title in text, (key, page)
        assert f"page {page} of {result.pdf_pages}" in text
        if page > 1 and page - 1 != result.section_pages["overview"]:  # that page lists every title
            before = subprocess.run(["pdftotext", "-f", str(page - 1), "-l", str(page - 1), str(pdf), "-"],
                                    capture_output=True, text=True, check=True).stdout
            assert title not in before.split("Contents")[-1]


def test_without_a_picture_the_report_says_so(exapod_report, read_html):
    _, _, html = exapod_report
    text = html.read_text()
    assert "No picture of the design" in text and "<img" not in text


def _solid_picture(design, width, height):
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(10, 200, 30))
    return image


def test_a_picture_function_puts_its_image_in_both_formats(qapp, dojo_tile, tmp_path, read_html):
    seen = []

    def picture(design, width, height):
        seen.append((design.name, width, height))
        return _solid_picture(design, width, height)

    pdf, html = tmp_path / "p.pdf", tmp_path / "p.html"
    export_report(dojo_tile, pdf=pdf, html=html, picture=picture)
    assert seen and all(name == dojo_tile.name for name, _, _ in seen)
    doc = read_html(html)
    src = doc.images["design-picture"]["src"]
    assert src.startswith("data:image/png;base64,")
    image = QImage.fromData(__import__("base64").b64decode(src.split(",", 1)[1]))
    assert image.pixelColor(5, 5) == QColor(10, 200, 30)
    assert "No picture" not in html.read_text()
    assert re.search(rb"/Subtype\s*/Image", pdf.read_bytes())


def test_html_images_beside_the_file(qapp, dojo_tile, tmp_path, read_html):
    html = tmp_path / "beside.html"
    result = export_report(dojo_tile, html=html, picture=_solid_picture, html_images="beside")
    src = read_html(html).images["design-picture"]["src"]
    assert src == "beside-images/design-picture.png"
    assert (tmp_path / src).is_file() and tmp_path / src in result.files
    assert QImage(str(tmp_path / src)).pixelColor(3, 3) == QColor(10, 200, 30)


def test_a_failing_picture_becomes_a_warning_not_a_crash(qapp, dojo_tile, tmp_path):
    def broken(design, width, height):
        raise RuntimeError("the scene is empty")

    html = tmp_path / "b.html"
    export_report(dojo_tile, html=html, picture=broken)
    text = html.read_text()
    assert "drawing it failed (RuntimeError: the scene is empty)" in text


def test_findings_are_listed_with_where_they_are(qapp, exapod, tmp_path, read_html):
    exapod.remove(((0, 3), (1, 2), (2, 2)))  # a chip out of a tile
    html = tmp_path / "f.html"
    export_report(exapod, html=html, picture=None)
    rows = read_html(html).tables["findings"][1:]
    where = format_path(((0, 3), (1, 2)))
    assert ["warning", "empty-slots", where, "1 of 25 chip slots is empty"] in rows
    assert read_html(html).tables["totals"][-1][1] != "0 errors, 0 warnings, 0 notes"


def test_findings_are_grouped_by_rule_and_spec(qapp, exapod, tmp_path, read_html):
    import dataclasses

    exapod.put_spec(dataclasses.replace(exapod.specs["dojo-d1"], tdp_w=500.0))  # 261 findings
    html = tmp_path / "g.html"
    export_report(exapod, html=html, picture=None)
    rows = read_html(html).tables["findings"][1:]
    assert len(rows) == 5
    tiles = next(r for r in rows if r[1] == "power-budget" and r[2].startswith("120 tiles"))
    assert tiles[0] == "error" and tiles[3].endswith("at full load, over the 15 kW budget")
    assert tiles[2] == ("120 tiles (Dojo training tile): room.cabinet[0,0].tile[0,0], room.cabinet[0,0].tile[0,1], "
                        "room.cabinet[0,0].tile[0,2] and 117 more")
    assert "261 errors" in read_html(html).tables["totals"][-1][1]


def test_an_over_budget_part_is_flagged(qapp, exapod, tmp_path, read_html):
    import dataclasses

    tile = exapod.specs["dojo-training-tile"]
    exapod.put_spec(dataclasses.replace(tile, power_budget_w=10e3))
    html = tmp_path / "o.html"
    export_report(exapod, html=html, picture=None)
    rows = read_html(html).tables["budgets"][1:]
    tile_power = next(r for r in rows if r[0].startswith("120 × Dojo training tile"))
    assert tile_power[1] == "Power" and tile_power[3] == "10 kW" and tile_power[5].startswith("over by 4.4")
    assert 'class="bad"' in html.read_text()


@pytest.mark.slow  # every example's PDF: ~4 s
def test_report_of_every_example_is_written(qapp, tmp_path):
    from dojo_gui.io.catalog import example_path
    from dojo_gui.io.project import load
    from dojo_gui.model.templates import EXAMPLES

    for name in EXAMPLES:
        result = export_report(load(example_path(name)), pdf=tmp_path / f"{name}.pdf", picture=None)
        assert pdf_page_count((tmp_path / f"{name}.pdf").read_bytes()) == result.pdf_pages >= 7


def test_export_needs_a_target(qapp, dojo_tile):
    with pytest.raises(ValueError, match="needs a PDF path, an HTML path or both"):
        export_report(dojo_tile)


def test_a_pdf_into_a_folder_that_refuses_it_says_why(qapp, dojo_tile, tmp_path):
    """Was "cannot write (the folder may not exist or not be writable)", and a QPainter warning on stderr."""
    from dojo_gui.report.output import ReportWriteError

    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    reason, immutable = "Permission denied", False
    try:
        if os.access(folder, os.W_OK):  # root: permissions do not stop it, an immutable folder does
            if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)], capture_output=True,
                                                                 check=False).returncode != 0:
                pytest.skip("this user may write into a read-only folder, and chattr +i is refused")
            reason, immutable = "Operation not permitted", True
        with pytest.raises(ReportWriteError) as raised:
            export_report(dojo_tile, pdf=folder / "r.pdf", picture=None)
        assert str(raised.value) == f"{folder / 'r.pdf'}: cannot write: {reason}"
        assert list(folder.iterdir()) == []
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


def test_by_default_the_picture_is_the_canvas_drawing(qapp, dojo_tile, tmp_path, read_html):
    import base64

    from dojo_gui.render import render_design

    html = tmp_path / "d.html"
    export_report(dojo_tile, html=html)
    src = read_html(html).images["design-picture"]["src"]
    image = QImage.fromData(base64.b64decode(src.split(",", 1)[1]))
    assert image == render_design(dojo_tile, image.width(), image.height()).convertToFormat(image.format())
