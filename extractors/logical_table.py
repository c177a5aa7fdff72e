"""Joining page grids into logical tables.

A page's grid continues the table of the previous page when it has the same columns; a
repeated header is dropped (at a page's top or inside it); a first row whose first cell is empty is the rest of the row
the page break cut; a row that is one cell across the whole table names the group of the
rows below it (``section``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .cell_text import PlacedLine, cell_lines, default_text, join_lines
from .model import BBox, Row, Table
from .page_table import PageRow, PageTable

WIDTH_TOLERANCE = 3.0  # points; the same column drawn on another page


@dataclass
class _RowBuilder:
    cells: list[list[PlacedLine]]
    pages: list[int]
    section: str | None
    bboxes: list[tuple[int, BBox]] = field(default_factory=list)
    pieces: int = 0


def _placed(pt: PageTable, row: PageRow, piece: int) -> list[list[PlacedLine]]:
    printed = [[l for l in cell if l.text.strip()] for cell in row.cells]
    foot = max((c[-1].mid_y for c in printed if c), default=None)
    head = min((c[0].mid_y for c in printed if c), default=None)
    return [
        [PlacedLine(l, pt.inner_right(j, row.span), piece, pt.pitch, foot, head) for l in cell]
        for j, cell in enumerate(row.cells)
    ]


def _texts(pt: PageTable, row: PageRow) -> list[str]:
    return [join_lines(c) for c in _placed(pt, row, 0)]


def _same_columns(a: PageTable, b: PageTable) -> bool:
    if a.ncols != b.ncols:
        return False
    wa = [y - x for x, y in zip(a.xs, a.xs[1:])]
    wb = [y - x for x, y in zip(b.xs, b.xs[1:])]
    return all(abs(x - y) <= WIDTH_TOLERANCE for x, y in zip(wa, wb))


@dataclass
class _TableBuilder:
    header: list[str]
    ncols: int
    last: PageTable
    pages: list[int]
    rows: list[_RowBuilder] = field(default_factory=list)
    section: str | None = None

    def add_row(self, pt: PageTable, row: PageRow, continuation: bool) -> None:
        box = (pt.xs[0], row.top, pt.xs[-1], row.bottom)
        if row.span:
            text = join_lines(_placed(pt, row, 0)[0])
            if text:
                self.section = text
            return
        if continuation and self.rows:
            rb = self.rows[-1]
            rb.pieces += 1
            for mine, more in zip(rb.cells, _placed(pt, row, rb.pieces)):
                mine.extend(more)
            if pt.page not in rb.pages:
                rb.pages.append(pt.page)
            rb.bboxes.append((pt.page, box))
            return
        if row.empty:
            return
        if _texts(pt, row)[:1] == self.header[:1] and _texts(pt, row) == self.header:
            return  # the header repeated inside a page (platypus repeats it on a split piece)
        self.rows.append(_RowBuilder(_placed(pt, row, 0), [pt.page], self.section, [(pt.page, box)]))

    def build(self) -> Table:
        rows = []
        for rb in self.rows:
            printed = [cell_lines(c) for c in rb.cells]
            rows.append(Row([default_text(c) for c in printed], rb.pages, rb.section, rb.bboxes, printed))
        return Table(self.header, self.pages, rows)


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _peel_header(pt: PageTable, row: PageRow, header: list[str]) -> PageRow | None:
    """The row without the header lines at its top, when the band begins with the table's
    header (a header repeated on a page with no rule under it shares its band with the
    rest of a cut row); None when it does not."""
    if row.span or not any(h.strip() for h in header):
        return None
    cells = []
    for j, (cell, head) in enumerate(zip(row.cells, header)):
        want, taken = _squeeze(head), 0
        while (
            taken < len(cell)
            and want
            and want.startswith(_squeeze(join_lines(_placed_cell(pt, cell[: taken + 1], j, row.span))))
        ):
            taken += 1
            if _squeeze(join_lines(_placed_cell(pt, cell[:taken], j, row.span))) == want:
                break
        if want and _squeeze(join_lines(_placed_cell(pt, cell[:taken], j, row.span))) != want:
            return None
        cells.append(cell[taken:])
    rest = PageRow(row.top, row.bottom, row.span, cells, row.open_top, row.open_bottom)
    return rest if not rest.empty else None


def _placed_cell(pt: PageTable, lines, col: int, span: bool) -> list[PlacedLine]:
    return [PlacedLine(l, pt.inner_right(col, span), 0, pt.pitch) for l in lines]


def _is_continuation(row: PageRow, previous_open: bool) -> bool:
    """Whether the first body row of a page is the rest of the previous page's last row:
    its first cell (the row's number) is empty, or neither the rule under the previous
    fragment nor the rule above this one was drawn."""
    if row.span or row.empty:
        return False
    return not row.cells[0] or (previous_open and row.open_top)


def join_pages(
    page_tables: list[PageTable], page_counts: dict[int, int], problems: list[str] | None = None
) -> list[Table]:
    """Logical tables from the page grids of a document, in reading order.

    ``page_counts`` maps a page number to the number of grids found on it: a table only
    continues from the last grid of a page into the first grid of the next page.
    """
    problems = [] if problems is None else problems
    out: list[Table] = []
    cur: _TableBuilder | None = None
    seen_on_page: dict[int, int] = {}
    for pt in page_tables:
        index = seen_on_page.get(pt.page, 0)
        seen_on_page[pt.page] = index + 1
        rows = list(pt.rows)
        continues = (
            cur is not None
            and index == 0
            and pt.page == cur.last.page + 1
            and page_counts.get(cur.last.page, 0) == seen_on_page.get(cur.last.page, 0)
            and pt.ncols == cur.ncols
        )
        if continues:
            assert cur is not None  # continues says so
            first = next((i for i, r in enumerate(rows) if not r.span and not r.empty), None)
            repeated = first is not None and _texts(pt, rows[first]) == cur.header
            if first is not None and not repeated:
                rest = _peel_header(pt, rows[first], cur.header)
                if rest is not None:  # the header drawn with no rule under it: peeled off
                    rows = rows[:first] + [rest] + rows[first + 1 :]
                    first -= 1
                    repeated = True
            if not repeated and not _same_columns(cur.last, pt):
                continues = False
            elif repeated and first is not None:  # repeated only ever with a first row
                rows = rows[first + 1 :]
        if not continues:
            if cur is not None and cur.rows:
                out.append(cur.build())
            first = next((i for i, r in enumerate(rows) if not r.span and not r.empty), None)
            if first is None:
                cur = None
                continue
            cur = _TableBuilder(_texts(pt, rows[first]), pt.ncols, pt, [pt.page])
            rows = rows[first + 1 :]
            at_start = False
        else:
            assert cur is not None  # the table continues
            at_start = True
            if pt.page not in cur.pages:
                cur.pages.append(pt.page)
        previous_open = bool(cur.last.rows) and cur.last.rows[-1].open_bottom
        for i, row in enumerate(rows):
            cont = at_start and i == 0 and _is_continuation(row, previous_open)
            if not cont and row.open_top and not row.empty and not row.span:
                problems.append(
                    f"page {pt.page}: a row fragment at the top of the table"
                    " continues no row of the page before; kept as a row of its own"
                )
            cur.add_row(pt, row, continuation=cont)
        cur.last = pt
    if cur is not None and cur.rows:
        out.append(cur.build())
    return out
