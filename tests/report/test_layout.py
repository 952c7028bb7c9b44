"""The printed report read back from its pages: no table row across a page break, chart axes that read right,
no word split inside a table cell.

The PDF of a variant over its budgets compared with its baseline, both with runs (long tables), is
rendered to images with pdftoppm (96 dpi: one pixel per CSS px of the layout) and its words are read
with pdftotext -bbox.  Table rules are found from the pixels alone; the charts' tick labels are taken
from the layout's own record of them and each one is found, at its place, among the printed words.
"""

from __future__ import annotations

import dataclasses
import math
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

from dojo_gui import units
from dojo_gui.model.runs import parse_run
from dojo_gui.report.output import write_pdf
from dojo_gui.report.sections import ReportContext, build_report

pytestmark = [
    pytest.mark.skipif(shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
                       reason="needs poppler-utils (scripts/system-deps.sh test installs it)"),
    pytest.mark.slow,  # two reports printed and rendered to images: ~9 s
]

DPI = 96  # the layout's px: one image pixel each
RULE_RGB = np.array([0xB8, 0xC2, 0xCC])  # the table borders' colour (document.py's CSS and Qt attributes)
PT_TO_PX = DPI / 72


def _thermal_run(pue0: float, label: str) -> dict:
    """A 60 min run whose PUE moves by a thousandth: the chart that read "1.12" on every tick."""
    t = np.linspace(1.0, 3600.0, 400)
    pue = pue0 + 0.001 * (1 - np.exp(-t / 600))
    it = 1.8e6 + 0.05e6 * (1 - np.exp(-t / 300))
    return {"kind": "thermal", "label": label, "finished": "2026-12-07T02:57:09Z",
            "key_figures": {"pue": float(pue[-1]), "it_power_w": float(it[-1]),
                            "facility_power_w": float(it[-1] * pue[-1]), "tj_max_c": 64.7, "coolant_supply_c": 33.1,
                            "it_energy_j": 6.5e9, "energy_j": 7.3e9},
            "series": {"pue": np.c_[t, pue].tolist(), "it_power_w": np.c_[t, it].tolist(),
                       "facility_power_w": np.c_[t, it * pue].tolist(),
                       "tj_max_c": np.c_[t, 40 + 24.7 * (1 - np.exp(-t / 200))].tolist()}}


def _comm_run(time_s: float) -> dict:
    t = np.linspace(0.0, time_s, 120)
    return {"kind": "comm", "label": "all-reduce 1.07 GB, hierarchical, room", "finished": "2026-12-07T02:57:03Z",
            "key_figures": {"time_s": time_s, "algbw_Bps": 2**30 / time_s, "busbw_Bps": 2 * 2**30 / time_s,
                            "chips": 3000.0, "links_used": 11380.0},
            "series": {"link_utilization_mean_fraction": np.c_[t, 0.3 + 0.1 * np.sin(t / time_s * 20)].tolist()}}


@pytest.fixture(scope="module")
def printed(tmp_path_factory, catalog):
    from dojo_gui.model.templates import TEMPLATES
    from dojo_gui.report.output import ensure_gui_application

    ensure_gui_application()
    base = TEMPLATES["exapod"].make(catalog)
    variant = base.copy()
    variant.name = "ExaPOD, D1 at 500 W"
    variant.put_spec(dataclasses.replace(variant.specs["dojo-d1"], tdp_w=500.0))  # every tile over budget
    for design, pue0, time_s in ((base, 1.1226, 1.01e-3), (variant, 1.1316, 1.02e-3)):
        design.add_run(parse_run(_comm_run(time_s), "comm"))
        design.add_run(parse_run(_thermal_run(pue0, "utilization 100 %, 60 min at 1 s"), "thermal"))
    folder = tmp_path_factory.mktemp("printed")
    report = build_report(ReportContext(variant, source="variant.dojo", other=base, other_source="base.dojo"))
    pdf = folder / "review.pdf"
    layout = write_pdf(report, pdf)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(folder / "page")], check=True)
    images = sorted(folder.glob("page-*.png"))
    assert len(images) == layout.pages
    return report, layout, [_pixels(p) for p in images], _words(pdf)


def _pixels(path: Path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888)
    w, h = image.width(), image.height()
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine())
    return rows[:, : 3 * w].reshape(h, w, 3).copy()


def _words(pdf: Path) -> list[list[tuple[str, float, float, float, float]]]:
    """Every page's words as (text, x0, y0, x1, y1) in px (ligatures such as "ﬂ" spelled out)."""
    text = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", text).replace('xmlns="http://www.w3.org/1999/xhtml"', ""))
    corners = ("xMin", "yMin", "xMax", "yMax")
    return [[(unicodedata.normalize("NFKC", w.text or ""), *(float(w.get(k)) * PT_TO_PX for k in corners))
             for w in page.iter("word")] for page in root.iter("page")]


# --------------------------------------------------------------------------- tables, from the pixels
def table_breaks(page: np.ndarray) -> list[str]:
    """Every table on a rendered page that is not closed by a rule above its first row and below its last.

    A table's left border is a vertical run of the rule colour; where a row is cut by the page's edge
    that border runs on past the last horizontal rule (or starts before the first one)."""
    rule = np.abs(page.astype(int) - RULE_RGB).sum(axis=2) < 40
    h, w = rule.shape
    rows = {}  # y -> (x0, x1) of a long horizontal run
    for y in range(h):
        xs = np.flatnonzero(rule[y])
        if len(xs) < 120:
            continue
        runs = np.split(xs, np.flatnonzero(np.diff(xs) > 1) + 1)
        longest = max(runs, key=len)
        if len(longest) >= 120:
            rows[y] = (int(longest[0]), int(longest[-1]))
    problems = []
    lefts = sorted({x0 for x0, _ in rows.values()})
    for x0 in lefts:
        rule_ys = sorted(y for y, (a, _) in rows.items() if abs(a - x0) <= 1)
        column = rule[:, x0] | rule[:, min(x0 + 1, w - 1)]
        ys = np.flatnonzero(column)
        for run in np.split(ys, np.flatnonzero(np.diff(ys) > 1) + 1):
            if len(run) < 12:
                continue  # text, not a border
            top, bottom = int(run[0]), int(run[-1])
            if not any(abs(top - y) <= 2 for y in rule_ys):
                problems.append(f"a table's border starts at y={top} px with no rule there")
            if not any(abs(bottom - y) <= 2 for y in rule_ys):
                problems.append(f"a table's border ends at y={bottom} px with no rule there")
    return problems


def test_no_table_row_crosses_a_page_break(printed):
    _, layout, pages, _ = printed
    tables_seen = 0
    for number, page in enumerate(pages, 1):
        problems = table_breaks(page)
        assert not problems, f"page {number}: {problems}"
        tables_seen += sum(1 for p in layout.pages_laid[number - 1].placed if p.rows is not None)
    # Long tables (the runs' link tables, the specs' figures) run over pages, each page's part of them closed.
    continued = [p for page in layout.pages_laid for p in page.placed if p.rows is not None and p.rows.start > 0]
    assert len(continued) >= 3
    assert tables_seen >= 15


def test_the_table_check_finds_a_row_cut_by_the_page_edge():
    """The check above, on a drawn table whose last row runs off the bottom: the border goes on, no rule."""
    page = np.full((300, 400, 3), 255, np.uint8)
    for y in (20, 40, 60):
        page[y, 10:390] = RULE_RGB
    page[20:300, 10] = RULE_RGB  # the left border runs to the page's foot: the last row is cut
    page[20:300, 389] = RULE_RGB
    assert table_breaks(page)
    page[61:300, 10] = page[61:300, 389] = 255
    assert not table_breaks(page)


def test_the_placed_rows_are_where_the_page_shows_them(printed):
    """The paginator's own record of row edges matches the rules in the pixels (so it can be trusted)."""
    _, layout, pages, _ = printed
    checked = 0
    for number, page in enumerate(pages, 1):
        rule = np.abs(page.astype(int) - RULE_RGB).sum(axis=2) < 40
        rule_rows = {y for y in range(rule.shape[0]) if rule[y].sum() > 200}
        for placed in layout.pages_laid[number - 1].placed:
            if placed.rows is None or not placed.item.table.columns:
                continue
            for edge in placed.row_edges:
                y = layout.body.top() + edge
                assert any(abs(y - r) <= 2 for r in rule_rows), (number, edge)
                assert layout.body.top() - 1 <= y <= layout.body.bottom() + 1
                checked += 1
    assert checked > 200


# --------------------------------------------------------------------------- charts, from the layout and the words
def _charts(layout):
    for number, page in enumerate(layout.pages_laid, 1):
        for placed in page.placed:
            if placed.chart is not None:
                yield number, placed


def test_every_axis_has_distinct_round_ticks_inside_its_data(printed):
    _, layout, _, _ = printed
    charts = list(_charts(layout))
    assert len(charts) >= 4  # comm utilization; thermal power, PUE, temperature
    for number, placed in charts:
        chart, geometry = placed.item.figure.chart, placed.chart
        data = np.concatenate(list(chart.series.values()))
        ranges = {"x": (data[:, 0].min(), data[:, 0].max()), "y": (data[:, 1].min(), data[:, 1].max())}
        for axis, title in (("x", geometry.x.title), ("y", geometry.y.title)):
            marks = [t for t in geometry.ticks if t.axis == axis]
            labels = [t.label for t in marks]
            assert len(marks) >= 2 or ranges[axis][0] == ranges[axis][1], (number, title, labels)
            assert len(set(labels)) == len(labels), (number, title, labels)  # never "1.12" seven times
            lo, hi = ranges[axis]
            slack = 1e-9 * max(abs(lo), abs(hi), 1.0)
            symbol = re.search(r"\(([^)]*)\)$", title)
            unit = "s" if axis == "x" else chart.unit
            for mark in marks:
                assert lo - slack <= mark.value <= hi + slack, (number, title, mark.label, lo, hi)
                # The label says the value: read back in the title's unit, it is the tick's value.
                text = mark.label.replace(",", "") + (symbol.group(1) if symbol else "")
                read = units.parse(text, unit)
                assert math.isclose(read, mark.value, rel_tol=1e-6, abs_tol=1e-12 + 1e-9 * abs(hi - lo)), (title, text)
            if axis == "x":  # time in a readable unit, ticked in 1-2-5 steps of it
                assert symbol and symbol.group(1) in ("min", "h", "s", "ms", "µs", "d"), title
                steps = np.diff([float(m.label.replace(",", "")) for m in marks])
                mantissa = steps[0] / 10 ** math.floor(math.log10(steps[0]) + 1e-12)
                assert np.allclose(steps, steps[0]) and any(math.isclose(mantissa, m) for m in (1, 2, 5)), labels


def test_the_recorded_tick_labels_are_printed_where_recorded(printed):
    """Each tick label of every chart is a word of the PDF at its place, with ink under it in the image."""
    _, layout, pages, words = printed
    found = 0
    for number, placed in _charts(layout):
        page_words = words[number - 1]
        for mark in placed.chart.ticks:
            cx = layout.body.left() + mark.rect.center().x()
            cy = layout.body.top() + mark.rect.center().y()
            near = [w for w in page_words if w[0] == mark.label and abs((w[1] + w[3]) / 2 - cx) < 4
                    and abs((w[2] + w[4]) / 2 - cy) < 4]
            assert near, (number, mark.axis, mark.label, cx, cy)
            _, x0, y0, x1, y1 = near[0]
            ink = pages[number - 1][int(y0):int(y1) + 1, int(x0):int(x1) + 1].min(axis=2)
            assert (ink < 128).any(), (number, mark.label)
            found += 1
    assert found > 20


# --------------------------------------------------------------------------- words
def printed_whole(word: str, printed_words: set[str]) -> bool:
    """Whether ``word`` is printed whole, or in pieces cut only where a line may break (after "-" or "/")."""
    cuts = [0] + [i + 1 for i, ch in enumerate(word) if ch in "-/" and i + 1 < len(word)] + [len(word)]
    reachable = {0}
    for a in cuts:
        if a in reachable:
            reachable |= {b for b in cuts if b > a and word[a:b] in printed_words}
    return len(word) in reachable


def test_no_word_of_a_table_is_split_and_labels_keep_their_acronyms(printed):
    report, _, _, words = printed
    printed_words = {w[0] for page in words for w in page}
    cells = {c for s in report.sections for b in s.blocks if hasattr(b, "rows") for row in b.rows for c in row}
    missing = [word for cell in cells for word in unicodedata.normalize("NFKC", cell).split()
               if not printed_whole(word, printed_words)]
    assert not missing, missing[:20]
    assert not printed_whole("Communication", {"Communicatio", "n"})  # what the check is for
    assert "Communication" in printed_words and "UTC" in printed_words  # "Communicatio|n", "02:5|7:03Z"
    text = " ".join(w[0] for page in words for w in page)
    assert "IT energy" in text and "It energy" not in text
    assert "3,000" in printed_words and "11,380" in printed_words and "3000" not in printed_words


# --------------------------------------------------------------------------- the paginator alone
def test_pages_hold_whole_rows_in_order_and_headings_stay_with_what_follows(qapp):
    from dojo_gui.report.document import Paragraph, Report, Section, Subheading, Table
    from dojo_gui.report.pages import Paginator, flow

    rows = [[f"row {i}", "word " * (i % 7 * 6)] for i in range(40)]
    blocks = [Paragraph("text " * 300), Subheading("A table"), Table("t", ["Name", "Words"], rows,
                                                                      column_widths=[30, 70])]
    report = Report("T", "", [], [Section("s", "Section", blocks, new_page=False)])
    pages = Paginator(400, 300).run(flow(report, {}))
    placed_rows = []
    for page in pages:
        assert page.bottom <= 300 + 0.5
        assert not page.placed[-1].item.keep_with_next  # no heading at a page's foot
        for p in page.placed:
            if p.rows is not None:
                assert p.row_edges[-1] <= 300 + 0.5
                placed_rows.extend(p.rows)
    assert placed_rows == list(range(40))
    table_pages = [page for page in pages if any(p.rows is not None for p in page.placed)]
    assert len(table_pages) >= 3
    # The heading went with the table's first rows, and every part of it has the header.
    first = next(page for page in pages if any(p.rows is not None for p in page.placed))
    kinds = [p.item.kind for p in first.placed]
    assert kinds[kinds.index("table") - 1] == "subheading"
    for page in table_pages:
        part = next(p for p in page.placed if p.rows is not None)
        assert part.document.toPlainText().split()[:2] == ["Name", "Words"]
