"""reportlab canvas: a table drawn rule by rule and line by line, wrapped by ``fonts.wrap``.

Like a word processor's table: the header is drawn again at the top of each page or not, a
row that does not fit is either moved whole to the next page or split line-wise, and each
fragment is closed by a rule.
"""

from __future__ import annotations

from pathlib import Path

from .fonts import wrap
from .reportlab_common import register_font

PAD = 2.5


def render(layout, listing, out_pdf: Path, work: Path) -> None:
    from reportlab.pdfgen import canvas

    font = register_font(layout, listing, work)
    size, leading = layout.size, round(layout.size * 1.4, 2)
    pw, ph = layout.page_size
    m = layout.margin
    xs = [m]
    for w in layout.widths:
        xs.append(xs[-1] + w)
    c = canvas.Canvas(str(out_pdf), pagesize=(pw, ph))
    c.setTitle(listing.title)
    c.setLineWidth(0.5)

    def lines_of(text, width):
        return wrap(text, layout.font, size, width - 2 * PAD)

    def draw(top, cells, xs_of_cells, n):
        """One row (fragment) of ``n`` lines below ``top``; returns its bottom."""
        bottom = top - n * leading - 2 * PAD
        c.line(xs[0], top, xs[-1], top)
        c.line(xs[0], bottom, xs[-1], bottom)
        for x in sorted({xs[0], xs[-1], *xs_of_cells}):
            c.line(x, bottom, x, top)
        c.setFont(font, size)
        for x, lines in zip(xs_of_cells, cells):
            for k, s in enumerate(lines[:n]):
                c.drawString(x + PAD, top - PAD - size * 0.88 - k * leading, s)
        return bottom

    header = [lines_of(t, w) for t, w in zip(listing.columns, layout.widths)]
    entries = []
    for group, cells in listing.rows:
        if group:
            entries.append(([lines_of(group, xs[-1] - xs[0])], [xs[0]]))
        entries.append(([lines_of(t, w) for t, w in zip(cells, layout.widths)], xs[:-1]))

    bottom_limit = m
    c.setFont(font, size * 1.4)
    c.drawString(m, ph - m - size * 1.4, listing.title)
    y = ph - m - size * 3
    y = draw(y, header, xs[:-1], max(map(len, header)))
    for cells, cell_xs in entries:
        while True:
            n = max(map(len, cells))
            room = int((y - bottom_limit - 2 * PAD) // leading)
            if n <= room:
                y = draw(y, cells, cell_xs, n)
                break
            if layout.split_rows and room >= 1 and len(cell_xs) > 1:
                draw(y, cells, cell_xs, room)
                cells = [lines[room:] for lines in cells]
            c.showPage()
            c.setLineWidth(0.5)
            y = ph - m
            if layout.repeat_header:
                y = draw(y, header, xs[:-1], max(map(len, header)))
    if listing.footnote:
        c.setFont(font, size)
        c.drawString(m, y - size * 1.6, listing.footnote)
    c.showPage()
    c.save()
