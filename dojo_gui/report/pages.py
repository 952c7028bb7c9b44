"""The PDF's pages: the report's blocks placed one under another, whole, never a table row across a break.

Qt's rich-text layout paginates line by line, so a table row taller than what is left of a
page is cut in two across the break ("Communicatio|n" at the foot of one page, the rest on
the next).  Here every block is laid out on its own (a QTextDocument as wide as the page's
body) and placed on a page only where all of it fits; a table that does not fit is split
between two rows, its header repeated on the next page; a heading (and a table's title) keeps
to what follows it; a chart is painted as vectors by :class:`~.charts.Chart` itself.

Table columns get widths from their content: no column is narrower than its longest word,
and text wraps only between words, so no word is ever split inside a cell.

What was placed where is kept (:class:`Placed`: a table's row edges, a chart's tick labels),
so a test can check the layout and read the printed pages against it.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QFontMetricsF,
    QPainter,
    QTextDocument,
    QTextOption,
    QTextTable,
)

from ..text import esc
from .charts import ChartGeometry, TickMark
from .document import (
    CSS,
    Block,
    Figure,
    Paragraph,
    Report,
    Subheading,
    Table,
    block_html,
    caption_html,
    contents_html,
    facts_html,
    first_detail_section,
    heading_html,
    table_html,
)

FONT_FAMILY = "DejaVu Sans"
FONT_PT = 9.0
CELL_PADDING_PX = 3.0  # as document.py writes tables for Qt: cellpadding 3, border 1
CELL_BORDER_PX = 1.0
TABLE_FOOT_PX = 3.0  # Qt leaves this much under a table's bottom rule (tests/report/test_layout.py measures it)
MIN_ROWS_AT_FOOT = 2  # a table starts on a page only with at least this many rows (or all it has)
# Space above a block of each kind (px); a block at the top of a page has none.
SPACE_BEFORE = {"title": 0.0, "subtitle": 2.0, "facts": 8.0, "contents": 14.0, "heading": 18.0, "subheading": 12.0,
                "paragraph": 5.0, "note": 7.0, "list": 4.0, "table": 6.0, "figure": 10.0}


@dataclass
class Item:
    """One block of the flow, in the order it is read."""

    kind: str  # a key of SPACE_BEFORE
    html: str = ""
    table: Table | None = None
    figure: Figure | None = None
    new_page: bool = False  # starts a page
    keep_with_next: bool = False  # never the last thing on a page (headings, a table's title)
    section: str | None = None  # a section's heading: that section's key
    first_row: int = 0  # a table continued from the page before: its rows from this one on
    from_y: float = 0.0  # text continued from the page before: where in its layout it goes on (px)


@dataclass
class Placed:
    """A block as placed on a page; ``top`` and ``height`` in px from the top of the page's body."""

    item: Item
    top: float
    height: float
    document: QTextDocument | None = None  # text, tables
    from_y: float = 0.0  # the part of the document shown starts here (text split between pages)
    caption: QTextDocument | None = None  # figures
    figure_height: float = 0.0
    row_edges: list[float] = field(default_factory=list)  # tables: the top of each row (header first) and the bottom
    rows: range | None = None  # tables: which of the table's rows (counted from its first) are on this page
    chart: ChartGeometry | None = None  # charts: where the last painting put the axes (page body coordinates)


@dataclass
class Page:
    placed: list[Placed] = field(default_factory=list)

    @property
    def bottom(self) -> float:
        return self.placed[-1].top + self.placed[-1].height if self.placed else 0.0


# --------------------------------------------------------------------------- text blocks
def base_font() -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPointSizeF(FONT_PT)
    return font


def text_document(html: str, width: float) -> QTextDocument:
    """``html`` laid out ``width`` px wide as the report prints it (wrapping between words only)."""
    doc = QTextDocument()
    doc.setDefaultFont(base_font())
    doc.setDocumentMargin(0)
    doc.setDefaultStyleSheet(CSS)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    doc.setDefaultTextOption(option)
    doc.setHtml(html)
    doc.setTextWidth(width)
    return doc


def fitted_widths(table: Table, width: float) -> list[float]:
    """Column widths (percent of ``width``) as the table asks, widened so no column is narrower than its
    longest word (in bold for the header and total rows), the room taken from columns with some to spare."""
    n = len(table.columns)
    regular, bold = QFontMetricsF(base_font()), QFontMetricsF(_bold(base_font()))
    extra = 2 * CELL_PADDING_PX + 2 * CELL_BORDER_PX + 2.0
    need = [bold.horizontalAdvance(_longest_word(name, bold)) + extra for name in table.columns]
    natural = [bold.horizontalAdvance(name) + extra for name in table.columns]
    for r, row in enumerate(table.rows):
        metrics = bold if table.row_kinds and table.row_kinds[r] == "total" else regular
        for c, cell in enumerate(row[:n]):
            need[c] = max(need[c], metrics.horizontalAdvance(_longest_word(cell, metrics)) + extra)
            natural[c] = max(natural[c], metrics.horizontalAdvance(cell) + extra)
    if table.column_widths:
        asked = [p / 100 * width for p in table.column_widths]
    else:  # in proportion to what each column would take on one line, none above half the width
        capped = [min(w, width / 2) for w in natural]
        asked = [w / sum(capped) * width for w in capped]
    widths = [max(a, m) for a, m in zip(asked, need)]
    excess = sum(widths) - width
    if excess > 0:
        spare = [w - m for w, m in zip(widths, need)]
        total_spare = sum(spare)
        if total_spare >= excess:
            widths = [w - s / total_spare * excess for w, s in zip(widths, spare)]
        else:  # the words alone are wider than the page: share the width in their proportion
            widths = [m / sum(need) * width for m in need]
    return [w / width * 100 for w in widths]


def _whole_percents(widths: list[float]) -> list[int]:
    """Percentages rounded to whole ones that still add up to 100 (the largest remainders rounded up)."""
    floors = [int(w) for w in widths]
    short = round(sum(widths)) - sum(floors)
    for i in sorted(range(len(widths)), key=lambda i: floors[i] - widths[i])[:max(short, 0)]:
        floors[i] += 1
    return floors


def _longest_word(text: str, metrics: QFontMetricsF) -> str:
    return max(str(text).split() or [""], key=metrics.horizontalAdvance)


def _bold(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold


def line_bottoms(doc: QTextDocument) -> list[float]:
    """Where each line of a document without tables ends (px from its top): the places it may be cut."""
    if doc.rootFrame().childFrames():
        return []  # a table (a note's box): kept whole
    layout = doc.documentLayout()
    bottoms = []
    block = doc.begin()
    while block.isValid():
        top = layout.blockBoundingRect(block).top()
        lines = block.layout()
        bottoms += [top + lines.lineAt(i).y() + lines.lineAt(i).height() for i in range(lines.lineCount())]
        block = block.next()
    return bottoms


def row_edges(doc: QTextDocument) -> list[float]:
    """The top of every row of the document's one table (its header first) and the table's bottom, in px."""
    table = next(f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable))
    layout = doc.documentLayout()
    tops = [layout.blockBoundingRect(table.cellAt(r, 0).firstCursorPosition().block()).top()
            for r in range(table.rows())]
    inset = tops[0]  # the first row's text sits its padding and border below the table's top edge
    return [t - inset for t in tops] + [doc.size().height() - TABLE_FOOT_PX]


# --------------------------------------------------------------------------- the flow
def flow(report: Report, section_pages: dict[str, int] | None) -> list[Item]:
    """The report's blocks in reading order, as the PDF places them."""
    items = [Item("title", f"<h1>{esc(report.title)}</h1>", keep_with_next=True)]
    if report.subtitle:
        items.append(Item("subtitle", f'<p class="subtitle">{esc(report.subtitle)}</p>'))
    items.append(Item("facts", facts_html(report, qt=True)))
    contents_at = first_detail_section(report)
    for number, section in enumerate(report.sections, 1):
        # The contents open the details, on the page after the first page's summary.
        opens = number - 1 == contents_at
        if opens:
            items.append(Item("contents", contents_html(report, section_pages or {}, qt=True), new_page=True))
        heading = dataclasses.replace(section, new_page=False)  # the page break is the paginator's
        items.append(Item("heading", heading_html(heading, number), new_page=section.new_page and not opens,
                          keep_with_next=True, section=section.key))
        for i, block in enumerate(section.blocks):
            following = section.blocks[i + 1] if i + 1 < len(section.blocks) else None
            items.append(_item(block, following))
    return items


def _item(block: Block, following: Block | None) -> Item:
    if isinstance(block, Table):
        return Item("table", table=block)
    if isinstance(block, Figure):
        return Item("figure", figure=block)
    kind = {"Paragraph": "paragraph", "Note": "note", "Subheading": "subheading", "BulletList": "list"}[
        type(block).__name__]
    # A table's title or introduction stays with its first rows, as a heading does with its text.
    keep = isinstance(block, Subheading) or (isinstance(block, Paragraph) and isinstance(following, Table))
    return Item(kind, block_html(block, lambda f: "", qt=True), keep_with_next=keep)


class Paginator:
    """Places items on pages of ``width`` x ``height`` px.

    ``laid`` keeps every block's layout by its markup, so a second pass (the contents' page numbers
    filled in) lays out only what changed."""

    def __init__(self, width: float, height: float, laid: dict[str, QTextDocument] | None = None) -> None:
        self.width, self.height = width, height
        self.pages: list[Page] = [Page()]
        self.laid = {} if laid is None else laid

    def document(self, html: str) -> QTextDocument:
        doc = self.laid.get(html)
        if doc is None:
            doc = self.laid[html] = text_document(html, self.width)
        return doc

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def run(self, items: list[Item]) -> list[Page]:
        queue = deque(items)
        while queue:
            item = queue.popleft()
            if item.new_page and self.page.placed:
                self.pages.append(Page())
            if not self._place(item, queue):
                carried = self._carry_kept()
                queue.appendleft(item)
                queue.extendleft(reversed(carried))
                self.pages.append(Page())
        if not self.pages[-1].placed and len(self.pages) > 1:
            self.pages.pop()
        return self.pages

    def _top(self, item: Item) -> float:
        return self.page.bottom + (SPACE_BEFORE[item.kind] if self.page.placed else 0.0)

    def _room(self, item: Item) -> float:
        return self.height - self._top(item)

    def _place(self, item: Item, queue: deque[Item]) -> bool:
        """Put ``item`` (or the rows of it that fit) on the current page; False when nothing of it fits."""
        if item.table is not None:
            return self._place_table(item, queue)
        if item.figure is not None:
            placed = self._figure(item)
        else:
            doc = self.document(item.html)
            placed = Placed(item, 0.0, doc.size().height() - item.from_y, document=doc, from_y=item.from_y)
            if placed.height > self._room(item):
                return self._place_text_part(item, doc, queue)
        if placed.height > self._room(item) and self.page.placed:
            return False
        placed.top = self._top(item)
        self.page.placed.append(placed)
        return True

    def _place_text_part(self, item: Item, doc: QTextDocument, queue: deque[Item]) -> bool:
        """Text taller than what is left of the page: the lines that fit here, the rest on the next page."""
        room = self._room(item)
        cut = max((y for y in line_bottoms(doc) if item.from_y < y <= item.from_y + room), default=None)
        if cut is None or (cut - item.from_y < room / 2 and self.page.placed):
            if self.page.placed:
                return False  # a fresh page holds more of it
            cut = item.from_y + room  # a line taller than a page: as much of it as shows
        top = self._top(item)
        self.page.placed.append(Placed(item, top, cut - item.from_y, document=doc, from_y=item.from_y))
        queue.appendleft(dataclasses.replace(item, from_y=cut))
        self.pages.append(Page())
        return True

    def _figure(self, item: Item) -> Placed:
        figure = item.figure
        assert figure is not None
        caption = self.document(caption_html(figure))
        image_h = float(figure.height)
        room = self.height - caption.size().height() - 4
        if image_h > room:  # never taller than a page: shown smaller
            image_h = room
        return Placed(item, 0.0, image_h + 4 + caption.size().height(), caption=caption, figure_height=image_h)

    def _place_table(self, item: Item, queue: deque[Item]) -> bool:
        table = item.table
        assert table is not None
        # Whole percents, at least as wide as asked: a column never narrower than its longest word.
        fitted = dataclasses.replace(table, column_widths=_whole_percents(fitted_widths(table, self.width)))
        whole = self.document(table_html(fitted, qt=True))
        edges = row_edges(whole)  # edges[0] the header's top, edges[r + 1] data row r's top, edges[-1] the bottom
        header_h = edges[1] - edges[0]
        room = self._room(item)
        n = len(table.rows)
        fits = 0
        while fits < n and header_h + edges[fits + 2] - edges[1] <= room + 0.5:
            fits += 1
        if fits == n:
            self._put_table(item, whole, n)
            return True
        if fits < min(MIN_ROWS_AT_FOOT, n) and self.page.placed:
            return False
        fits = max(fits, 1)  # a row taller than a whole page: placed alone, as much of it as shows
        while True:  # the split's own layout decides (its last row closes the table a border lower)
            part = self.document(table_html(fitted, qt=True, rows=range(fits)))
            if part.size().height() <= room + 0.5 or fits == 1:
                break
            fits -= 1
        self._put_table(item, part, fits)
        # The rest keeps the columns this page gave the whole table, under the same header.
        rest = dataclasses.replace(fitted, rows=table.rows[fits:],
                                   row_kinds=table.row_kinds[fits:] if table.row_kinds else None,
                                   cell_kinds=table.cell_kinds[fits:] if table.cell_kinds else None)
        queue.appendleft(Item("table", table=rest, first_row=item.first_row + fits))
        self.pages.append(Page())
        return True

    def _put_table(self, item: Item, doc: QTextDocument, rows: int) -> None:
        top = self._top(item)
        self.page.placed.append(Placed(item, top, doc.size().height(), document=doc,
                                       row_edges=[top + e for e in row_edges(doc)],
                                       rows=range(item.first_row, item.first_row + rows)))

    def _carry_kept(self) -> list[Item]:
        """The headings (and table titles) at the foot of the page, taken off to go with what follows them;
        none when they are all the page has (they would only move to the foot of the next)."""
        placed = self.page.placed
        k = len(placed)
        while k > 0 and placed[k - 1].item.keep_with_next:
            k -= 1
        if k == 0:
            return []
        carried = [p.item for p in placed[k:]]
        del placed[k:]
        return carried


def paginate(report: Report, body: QRectF, section_pages: dict[str, int] | None = None,
             laid: dict[str, QTextDocument] | None = None) -> list[Page]:
    """The report on pages of ``body``'s size; ``laid`` keeps layouts from one pass to the next."""
    return Paginator(body.width(), body.height(), laid).run(flow(report, section_pages))


def section_pages(pages: list[Page]) -> dict[str, int]:
    """Section key -> the page (from 1) its heading is on."""
    return {p.item.section: number for number, page in enumerate(pages, 1) for p in page.placed if p.item.section}


# --------------------------------------------------------------------------- painting
def paint_body(painter: QPainter, page: Page, body: QRectF) -> None:
    """Paint a page's blocks into ``body`` (the page's text area, in the painter's px)."""
    for placed in page.placed:
        painter.save()
        painter.translate(body.left(), body.top() + placed.top)
        if placed.document is not None:
            painter.translate(0, -placed.from_y)
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = QRectF(0, placed.from_y, body.width(), placed.height)
            painter.setClipRect(context.clip)
            placed.document.documentLayout().draw(painter, context)
        elif placed.item.figure is not None:
            placed.chart = _paint_figure(painter, placed, body.width())
            if placed.chart is not None:
                placed.chart = _shifted(placed.chart, QPointF(0.0, placed.top))
        painter.restore()


def _paint_figure(painter: QPainter, placed: Placed, width: float) -> ChartGeometry | None:
    figure = placed.item.figure
    assert figure is not None and placed.caption is not None
    shown_w = figure.width * placed.figure_height / max(figure.height, 1)
    rect = QRectF((width - shown_w) / 2, 0, shown_w, placed.figure_height)
    geometry = None
    if figure.chart is not None:
        painter.save()
        painter.translate(rect.topLeft())
        painter.scale(rect.width() / figure.chart.width, rect.height() / figure.chart.height)
        geometry = figure.chart.paint(painter, QRectF(0, 0, figure.chart.width, figure.chart.height))
        painter.restore()
        sx, sy = rect.width() / figure.chart.width, rect.height() / figure.chart.height
        geometry = _scaled(geometry, rect.left(), rect.top(), sx, sy)
    else:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(rect, figure.picture())
    painter.translate(0, placed.figure_height + 4)
    context = QAbstractTextDocumentLayout.PaintContext()
    placed.caption.documentLayout().draw(painter, context)
    return geometry


def _map(rect: QRectF, dx: float, dy: float, sx: float = 1.0, sy: float = 1.0) -> QRectF:
    return QRectF(dx + rect.left() * sx, dy + rect.top() * sy, rect.width() * sx, rect.height() * sy)


def _scaled(g: ChartGeometry, dx: float, dy: float, sx: float, sy: float) -> ChartGeometry:
    return ChartGeometry(_map(g.plot, dx, dy, sx, sy), g.x, g.y,
                         [TickMark(t.axis, t.value, t.label, _map(t.rect, dx, dy, sx, sy)) for t in g.ticks])


def _shifted(g: ChartGeometry, offset: QPointF) -> ChartGeometry:
    return _scaled(g, offset.x(), offset.y(), 1.0, 1.0)


__all__ = ["Item", "Page", "Paginator", "Placed", "fitted_widths", "flow", "paginate", "paint_body", "row_edges",
           "section_pages", "text_document"]
