"""A report as a few plain blocks (paragraphs, notes, tables, figures), and its HTML.

Section builders produce these blocks; one HTML writer turns them into markup that
browsers and Qt's rich-text engine (QTextDocument, used for the PDF) both render, so
the two formats cannot drift apart.  The PDF lays each block out on its own
(:mod:`.pages`), so every block's markup is available alone (:func:`block_html`), and a
table's for any run of its rows.  Tables and figures carry stable ids, so tests and
scripts can read figures back from the HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtGui import QImage

from ..text import esc
from .charts import Chart


@dataclass
class Paragraph:
    text: str
    small: bool = False


@dataclass
class Note:
    """Something the reader must not miss: a missing picture, runs that could not be read."""

    text: str
    kind: str = "note"  # "note" or "warning"


@dataclass
class Subheading:
    text: str


@dataclass
class BulletList:
    items: list[str]


@dataclass
class Table:
    key: str  # the table's id in the HTML
    columns: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = frozenset()  # columns aligned right
    row_kinds: list[str] | None = None  # per row: "", "bad", "warn", "good" or "total"
    column_widths: list[int] | None = None  # percent per column, for the PDF layout (widened to fit long words)
    cell_kinds: list[list[str]] | None = None  # per cell: a traffic light "good", "warn" or "bad", or ""


@dataclass
class Figure:
    """A picture, or a chart (painted as vectors in the PDF, as an image in the HTML)."""

    key: str  # the image's id and file name
    image: QImage | None
    caption: str
    width: int = 640  # shown this wide (CSS px); the image itself may have more pixels
    chart: Chart | None = None

    def picture(self) -> QImage:
        """The figure as an image (a chart's is drawn on first use)."""
        if self.image is None:
            if self.chart is None:
                raise ValueError(f"figure {self.key} has neither an image nor a chart")
            self.image = self.chart.image()
        return self.image

    @property
    def height(self) -> int:
        """How tall it is shown (CSS px) at its width."""
        if self.chart is not None:
            return round(self.width * self.chart.height / self.chart.width)
        image = self.picture()
        return round(self.width * image.height() / max(image.width(), 1))


Block = Paragraph | Note | Subheading | BulletList | Table | Figure


@dataclass
class Section:
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    new_page: bool = True

    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]


@dataclass
class Report:
    title: str
    subtitle: str
    facts: list[tuple[str, str]]  # shown on the title page: ("File", "exapod.dojo"), ...
    sections: list[Section]

    def figures(self) -> list[Figure]:
        return [f for s in self.sections for f in s.figures()]


ROW_COLOURS = {"bad": "#f8d0cc", "warn": "#fbedc5", "good": "#d8efd8", "total": "#eeeeee"}
LIGHT_COLOURS = {"good": "#1e8e3e", "warn": "#c98a00", "bad": "#c5221f"}

# For browsers; Qt's rich text reads the subset it knows (sizes, colours, margins, page breaks).
CSS = """
body { font-family: 'DejaVu Sans', 'Segoe UI', Arial, sans-serif; font-size: 10pt; color: #1d1d1d; }
h1 { font-size: 20pt; margin-bottom: 2pt; }
h2 { font-size: 14pt; color: #17365d; margin-top: 14pt; margin-bottom: 6pt; }
h3 { font-size: 11pt; color: #17365d; margin-top: 10pt; margin-bottom: 4pt; }
p { margin-top: 3pt; margin-bottom: 3pt; }
p.small { font-size: 8pt; color: #555555; }
p.subtitle { font-size: 12pt; color: #444444; }
p.facts { color: #444444; }
p.note { color: #333333; background-color: #eef3fa; }
p.warning { color: #7a2100; background-color: #fdeee6; }
table.data { border-collapse: collapse; margin-top: 4pt; margin-bottom: 8pt; }
table.data th { background-color: #dfe6ee; text-align: left; font-weight: bold; }
table.data td, table.data th { border: 1px solid #b8c2cc; padding: 3px; vertical-align: top; }
p.caption { font-size: 8pt; color: #444444; margin-bottom: 10pt; }
"""


def render_html(report: Report, image_src: Callable[[Figure], str], *,
                section_pages: dict[str, int] | None = None, qt: bool = False) -> str:
    """The whole report as HTML.

    ``image_src`` gives each figure's ``src`` (a data URI, a file beside the HTML, or a
    resource name for Qt).  ``section_pages`` adds page numbers to the contents (PDF).
    ``qt`` writes the few attributes Qt's rich text needs where browsers use CSS.
    """
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{esc(report.title)}</title>", f"<style>{CSS}</style>", "</head><body>"]
    out.append(f"<h1>{esc(report.title)}</h1>")
    if report.subtitle:
        out.append(f'<p class="subtitle">{esc(report.subtitle)}</p>')
    out.append(facts_html(report, qt))
    contents_at = first_detail_section(report)
    for number, section in enumerate(report.sections, 1):
        if number - 1 == contents_at:
            out.append(contents_html(report, section_pages, qt))
        out.append(heading_html(section, number))
        for block in section.blocks:
            out.append(block_html(block, image_src, qt))
    out.append("</body></html>")
    return "\n".join(out)


def facts_html(report: Report, qt: bool) -> str:
    """The title's facts (file, baseline, when, by what) on one line."""
    return '<p class="facts">' + " · ".join(f"{esc(k)}: {esc(v)}" for k, v in report.facts) + "</p>"


def first_detail_section(report: Report) -> int:
    """The index of the first section on a page of its own: the contents go just before it, so the
    sections that share the title page (the summary a review starts from) come first."""
    return next((i for i, s in enumerate(report.sections) if s.new_page), len(report.sections))


def contents_html(report: Report, section_pages: dict[str, int] | None, qt: bool) -> str:
    """The contents, with the page each section starts on when ``section_pages`` is given (PDF)."""
    titles = [(section.key, f"{number}. {section.title}") for number, section in enumerate(report.sections, 1)]
    if section_pages is not None:
        rows = [[title, str(section_pages.get(key, ""))] for key, title in titles]
        return "<h3>Contents</h3>" + _table_html(Table("contents", ["Section", "Page"], rows, frozenset({1})), qt,
                                                 header=False)
    return '<h3>Contents</h3><ul id="contents">' + "".join(f'<li><a href="#{esc(key)}">{esc(title)}</a></li>'
                                                           for key, title in titles) + "</ul>"


def heading_html(section: Section, number: int) -> str:
    brk = ' style="page-break-before: always"' if section.new_page else ""
    return f'<h2 id="{esc(section.key)}"{brk}><a name="{esc(section.key)}"></a>{number}. {esc(section.title)}</h2>'


def block_html(block: Block, image_src: Callable[[Figure], str], qt: bool) -> str:
    """One block's markup (a table with all its rows; :func:`table_html` gives a run of them)."""
    if isinstance(block, Paragraph):
        return f'<p{" class=small" if block.small else ""}>{esc(block.text)}</p>'
    if isinstance(block, Note):
        colour = "#fdeee6" if block.kind == "warning" else "#eef3fa"
        style = f' bgcolor="{colour}"' if qt else ""
        prefix = "Warning: " if block.kind == "warning" else "Note: "
        if qt:  # Qt paints a paragraph's background only inside a table cell
            return (f'<table class="{block.kind}" width="100%" cellpadding="5" cellspacing="0"><tr><td{style}>'
                    f"<b>{prefix}</b>{esc(block.text)}</td></tr></table>")
        return f'<p class="{block.kind}"><b>{prefix}</b>{esc(block.text)}</p>'
    if isinstance(block, Subheading):
        return f"<h3>{esc(block.text)}</h3>"
    if isinstance(block, BulletList):
        return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Table):
        return table_html(block, qt)
    if isinstance(block, Figure):
        return (f'<p align="center"><img id="{esc(block.key)}" src="{esc(image_src(block))}" width="{block.width}" '
                f'height="{block.height}" alt="{esc(block.caption)}"></p>{caption_html(block)}')
    raise TypeError(f"not a report block: {block!r}")


def caption_html(figure: Figure) -> str:
    return f'<p class="caption" align="center">{esc(figure.caption)}</p>'


def table_html(table: Table, qt: bool, rows: range | None = None) -> str:
    """A table's markup with its header and the rows in ``rows`` (all by default)."""
    if rows is None:
        return _table_html(table, qt)
    part = Table(table.key, table.columns, [table.rows[r] for r in rows], table.numeric,
                 [table.row_kinds[r] for r in rows] if table.row_kinds else None, table.column_widths,
                 [table.cell_kinds[r] for r in rows] if table.cell_kinds else None)
    return _table_html(part, qt)


def _table_html(table: Table, qt: bool, header: bool = True) -> str:
    """Cells are text: each is escaped here, so no table (the title page's facts included) can carry markup."""
    attrs = ' border="1" cellspacing="0" cellpadding="3" width="100%"' if qt else ""
    if not header:
        attrs = ' border="0" cellspacing="0" cellpadding="2"' if qt else ""
    out = [f'<table class="{"data" if header else "plain"}" id="{esc(table.key)}"{attrs}>']
    if header:
        cells = []
        for i, name in enumerate(table.columns):
            width = f' width="{table.column_widths[i]}%"' if table.column_widths and qt else ""
            colour = ' bgcolor="#dfe6ee"' if qt else ""
            cells.append(f"<th{width}{colour}>{esc(name)}</th>")
        out.append("<thead><tr>" + "".join(cells) + "</tr></thead>")
    out.append("<tbody>")
    for r, row in enumerate(table.rows):
        kind = (table.row_kinds[r] if table.row_kinds else "") or ""
        cls = f' class="{kind}"' if kind else ""
        colour = f' bgcolor="{ROW_COLOURS[kind]}"' if kind in ROW_COLOURS else ""
        style = f' style="background-color: {ROW_COLOURS[kind]}"' if kind in ROW_COLOURS and not qt else ""
        cells = []
        for i, cell in enumerate(row):
            align = ' align="right"' if i in table.numeric else ""
            text = f"<b>{esc(cell)}</b>" if kind == "total" else esc(cell)
            light = table.cell_kinds[r][i] if table.cell_kinds else ""
            if light in LIGHT_COLOURS:  # a traffic light: the cell tinted, a dot of the light's colour before its text
                tint = ROW_COLOURS[light]
                attrs = f' bgcolor="{tint}"' if qt else f' style="background-color: {tint}"'
                text = f'<font color="{LIGHT_COLOURS[light]}">\u25cf</font> {text}'
            else:
                attrs = colour if qt else ""
            cells.append(f"<td{align}{attrs}>{text}</td>")
        out.append(f"<tr{cls}{style}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)
