"""Glyphs with their positions, and their grouping into printed lines.

Lines are found from geometry, never from content-stream order: a glyph set in a second
font on a shifted baseline (circled numbers, dashes) is drawn out of order and a little
above or below its line, so it is attached to the nearest line of the dominant font.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pdfminer.layout import LTChar, LTPage

from .code_points import repair
from .layout_tree import leaves


@dataclass(slots=True)
class Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str

    @property
    def mid_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def mid_x(self) -> float:
        return (self.x0 + self.x1) / 2

    def __reduce__(self):  # pickled by the thousand from worker processes: keep it cheap
        return (Glyph, (self.text, self.x0, self.x1, self.top, self.bottom, self.size, self.font))


@dataclass(slots=True)
class TextLine:
    glyphs: list[Glyph]
    top: float
    bottom: float

    def __reduce__(self):
        return (TextLine, (self.glyphs, self.top, self.bottom))

    @property
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)

    @property
    def x0(self) -> float:
        return self.glyphs[0].x0

    @property
    def mid_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def size(self) -> float:
        return max(g.size for g in self.glyphs)


def page_glyphs(layout: LTPage) -> list[Glyph]:
    """All glyphs of a page in top-left coordinates (points), as pdfplumber reports them.

    ``layout`` comes from :func:`extractors.source.page_layout`, which stores characters
    as Glyphs already (an LTChar from plain pdfminer is converted the same way)."""
    px0, ptop = layout.x0, layout.y1
    out: list[Glyph] = []
    for obj in leaves(layout):
        if isinstance(obj, Glyph):
            out.append(obj)
        elif isinstance(obj, LTChar):
            text = obj.get_text()
            if not text:
                continue
            out.append(
                Glyph(
                    repair(text),
                    obj.x0 - px0,
                    obj.x1 - px0,
                    ptop - obj.y1,
                    ptop - obj.y0,
                    obj.size,
                    obj.fontname,
                )
            )
    return out


def _dedupe(glyphs: list[Glyph]) -> list[Glyph]:
    # Fake bold is the same glyph painted twice at (almost) the same spot.
    out: list[Glyph] = []
    for g in glyphs:
        if out:
            p = out[-1]
            if (
                p.text == g.text
                and abs(p.x0 - g.x0) < 0.25 * (g.x1 - g.x0)
                and abs(p.top - g.top) < 0.25 * g.size
            ):
                continue
        out.append(g)
    return out


def group_lines(glyphs: list[Glyph]) -> list[TextLine]:
    """Group glyphs into lines, top to bottom, each line left to right."""
    if not glyphs:
        return []
    fonts = Counter(g.font for g in glyphs if not g.text.isspace())
    main_font = fonts.most_common(1)[0][0] if fonts else glyphs[0].font
    main = sorted((g for g in glyphs if g.font == main_font), key=lambda g: g.mid_y)
    rest = [g for g in glyphs if g.font != main_font]

    rows: list[list[Glyph]] = []
    centers: list[float] = []
    for g in main:
        if rows and g.mid_y - centers[-1] <= 0.5 * g.size:
            rows[-1].append(g)
        else:
            rows.append([g])
            centers.append(g.mid_y)
    for g in sorted(rest, key=lambda g: g.mid_y):
        best = min(range(len(centers)), key=lambda i: abs(centers[i] - g.mid_y), default=None)
        if best is not None and abs(centers[best] - g.mid_y) <= 0.75 * max(g.size, 1.0):
            rows[best].append(g)
        else:
            rows.append([g])
            centers.append(g.mid_y)

    lines = []
    for row in rows:
        row.sort(key=lambda g: g.x0)
        row = _dedupe(row)
        ref = [g for g in row if g.font == main_font] or row
        lines.append(TextLine(row, min(g.top for g in ref), max(g.bottom for g in ref)))
    lines.sort(key=lambda l: l.mid_y)
    return lines
