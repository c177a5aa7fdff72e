"""reportlab platypus: a Table of Paragraphs, laid out and split by platypus itself.

``repeatRows`` repeats the header; ``splitInRow`` lets a row break across pages (platypus
then draws no rule under the first fragment). Paragraphs wrap Japanese text per character
(``wordWrap='CJK'``); platypus hangs a character that may not start a line (ー, 、) past the
right edge, so the cell padding (an em and a little, both sides) keeps it inside the rules.

Platypus reads a Paragraph's text as markup and collapses its white space: a U+3000 would be
printed as an ASCII space, or as nothing where it wraps (「東京都」, an empty line,
「さいたま市」). `markup` gives it as a character reference, which platypus keeps and prints, so
the text printed is the truth's.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from .reportlab_common import register_font


def markup(text: str) -> str:
    """Paragraph markup that prints ``text`` as it is: XML-escaped, each U+3000 as a character
    reference (platypus collapses a literal one with the white space around it)."""
    return escape(text).replace("\u3000", "&#x3000;")


def render(layout, listing, out_pdf: Path, work: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = register_font(layout, listing, work)
    pad = round(layout.size + 1.5, 2)  # room for a hanging character, both sides alike
    cell = ParagraphStyle(
        "cell", fontName=font, fontSize=layout.size, leading=round(layout.size * 1.35, 2), wordWrap="CJK"
    )
    head = ParagraphStyle("head", parent=cell, alignment=1)
    title = ParagraphStyle("title", parent=cell, fontSize=layout.size * 1.4, leading=layout.size * 2)

    def para(text, style=cell):
        """One Paragraph per line of the author's (a ``<br/>`` after a line that ends in a
        hanging ー makes platypus print an empty line), a Spacer for an empty line."""
        return [
            Paragraph(markup(line), style) if line else Spacer(1, style.leading) for line in text.split("\n")
        ]

    data = [[para(c, head) for c in listing.columns]]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
    ]
    for group, cells in listing.rows:
        if group:
            style.append(("SPAN", (0, len(data)), (-1, len(data))))
            data.append([para(group)] + [""] * (len(cells) - 1))
        data.append([para(c) for c in cells])
    table = Table(
        data,
        colWidths=list(layout.widths),
        repeatRows=1 if layout.repeat_header else 0,
        splitInRow=1 if layout.split_rows else 0,
        style=TableStyle(style),
        hAlign="LEFT",
    )
    story = [Paragraph(markup(listing.title), title), table]
    if listing.footnote:
        story += [Spacer(1, layout.size * 0.6), *para(listing.footnote)]
    m = layout.margin
    doc = SimpleDocTemplate(
        str(out_pdf),
        pagesize=layout.page_size,
        leftMargin=m,
        rightMargin=m,
        topMargin=m,
        bottomMargin=m,
        title=listing.title,
    )
    doc.build(story)
