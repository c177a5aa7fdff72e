"""LibreOffice Writer printing a .docx made with python-docx.

One table with fixed column widths; the header row marked to repeat (``w:tblHeader``) or
not; rows allowed to break across pages or kept whole (``w:cantSplit``). The author's line
breaks are paragraphs of the cell.
"""

from __future__ import annotations

from pathlib import Path

from .fonts import FONTS
from .office import convert_to_pdf


def _font(run_or_style, family: str, size: float) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run_or_style.font.name = family
    run_or_style.font.size = Pt(size)
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), family)


def _row_flag(row, tag: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement(tag)
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _fill(cell, text: str, width) -> None:
    cell.width = width
    lines = text.split("\n")
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def build_docx(layout, listing, path: Path) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    family = FONTS[layout.font].family
    d = docx.Document()
    normal = d.styles["Normal"]
    _font(normal, family, layout.size)
    pf = normal.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing = 1.0
    sec = d.sections[0]
    w, h = layout.page_size
    sec.orientation = WD_ORIENT.LANDSCAPE if layout.landscape else WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Pt(w), Pt(h)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Pt(layout.margin))
    title = d.add_paragraph()
    _font(title.add_run(listing.title), family, layout.size * 1.4 // 0.5 * 0.5)
    title.paragraph_format.space_after = Pt(layout.size)

    n_rows = 1 + sum(1 + bool(g) for g, _ in listing.rows)
    table = d.add_table(rows=n_rows, cols=len(listing.columns))
    table.style = "Table Grid"
    table.autofit = False
    tblpr = table._tbl.tblPr
    fixed = OxmlElement("w:tblLayout")
    fixed.set(qn("w:type"), "fixed")
    tblpr.append(fixed)
    widths = [Pt(x) for x in layout.widths]
    for col, wd in zip(table.columns, widths):
        col.width = wd
    rows = iter(table.rows)
    head = next(rows)
    for cell, text, wd in zip(head.cells, listing.columns, widths):
        _fill(cell, text, wd)
    if layout.repeat_header:
        _row_flag(head, "w:tblHeader")
    for group, cells in listing.rows:
        if group:
            row = next(rows)
            merged = row.cells[0].merge(row.cells[-1])
            _fill(merged, group, Pt(sum(layout.widths)))
            if not layout.split_rows:
                _row_flag(row, "w:cantSplit")
        row = next(rows)
        for cell, text, wd in zip(row.cells, cells, widths):
            _fill(cell, text, wd)
        if not layout.split_rows:
            _row_flag(row, "w:cantSplit")
    if listing.footnote:
        d.add_paragraph(listing.footnote)
    d.core_properties.title = listing.title
    d.save(str(path))


def render(layout, listing, out_pdf: Path, work: Path) -> None:
    src = work / f"{layout.id}.docx"
    build_docx(layout, listing, src)
    convert_to_pdf(src, out_pdf)
