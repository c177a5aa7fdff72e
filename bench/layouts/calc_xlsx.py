"""LibreOffice Calc printing an .xlsx made with openpyxl.

Calc does not compute row heights for a generated .xlsx, so every row's height is set here
from the wrapped lines of its tallest cell (measured with the layout's font, with room to
spare: a row too low would clip text). Calc keeps every row whole on one page; the header
repeats through the sheet's print titles, or is printed once.
"""

from __future__ import annotations

from pathlib import Path

from .fonts import FONTS, wrap
from .office import convert_to_pdf

# openpyxl column width unit -> points, as LibreOffice 7.4 prints it (measured on its PDF)
PT_PER_WIDTH_UNIT = 7.0
MAX_ROW_HEIGHT = 409.0  # the format's limit


def row_height(texts, widths, layout) -> float:
    """Room for the wrapped lines of the tallest cell and half a line more: Calc's text area
    is narrower than the column and Calc does not hold ー or 、 back from a line start as
    ``wrap`` does, so it may need a line more than counted here."""
    lines = max(len(wrap(t, layout.font, layout.size, w * 0.92 - 5)) for t, w in zip(texts, widths))
    return min(MAX_ROW_HEIGHT, round((lines + 0.6) * layout.size * 1.36 + 4, 1))


def build_xlsx(layout, listing, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    family = FONTS[layout.font].family
    wb = Workbook()
    ws = wb.active
    ws.title = "採択一覧"
    font = Font(name=family, size=layout.size)
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    top_left = Alignment(wrap_text=True, vertical="top", horizontal="left")
    centred = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ncols = len(listing.columns)
    # 2 % under the printable width: Calc rounds column widths to its own units
    widths = [x * 0.98 for x in layout.widths]
    for j, wd in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(j)].width = round(wd / PT_PER_WIDTH_UNIT, 2)

    ws.cell(1, 1, listing.title).font = Font(name=family, size=round(layout.size * 1.4, 1))
    ws.row_dimensions[1].height = round(layout.size * 2.4, 1)

    def put(r, texts, align, span=False):
        for j, t in enumerate(texts, 1):
            c = ws.cell(r, j, t or None)
            c.font, c.alignment, c.border = font, align, box
        if span:
            for j in range(2, ncols + 1):
                c = ws.cell(r, j)
                c.border = box
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
            ws.row_dimensions[r].height = row_height(texts[:1], [sum(widths)], layout)
        else:
            ws.row_dimensions[r].height = row_height(texts, widths, layout)

    put(2, listing.columns, centred)
    r = 3
    for group, cells in listing.rows:
        if group:
            put(r, [group], top_left, span=True)
            r += 1
        put(r, cells, top_left)
        r += 1
    if listing.footnote:
        ws.cell(r, 1, listing.footnote).font = font
        ws.row_dimensions[r].height = round(layout.size * 1.8, 1)

    ps = ws.page_setup
    ps.paperSize = ws.PAPERSIZE_A3 if layout.paper == "A3" else ws.PAPERSIZE_A4
    ps.orientation = "landscape" if layout.landscape else "portrait"
    ps.scale = 100
    m = layout.margin / 72
    ws.page_margins.left = ws.page_margins.right = m
    ws.page_margins.top = ws.page_margins.bottom = m
    ws.page_margins.header = ws.page_margins.footer = m / 2
    ws.print_options.gridLines = False
    if layout.repeat_header:
        ws.print_title_rows = "2:2"
    ws.print_area = f"A1:{get_column_letter(ncols)}{r}"
    wb.properties.title = listing.title
    wb.save(str(path))


def render(layout, listing, out_pdf: Path, work: Path) -> None:
    src = work / f"{layout.id}.xlsx"
    build_xlsx(layout, listing, src)
    convert_to_pdf(src, out_pdf)
