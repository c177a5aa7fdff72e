"""Rulings: the horizontal and vertical strokes a table grid is drawn with.

Borders come as stroked lines, stroked rectangles (four edges), axis-aligned polylines,
or thin filled rectangles (a word processor's "border" is often a 0.5pt filled box).
"""

from __future__ import annotations

from dataclasses import dataclass

from pdfminer.layout import LTCurve, LTLine, LTPage, LTRect

from .layout_tree import leaves

THIN = 2.0  # a filled rectangle thinner than this (points) is a ruling, not a shaded area
SNAP = 1.0  # rulings closer than this are one ruling
JOIN = 1.5  # collinear pieces with a gap smaller than this are one ruling


@dataclass(slots=True)
class Ruling:
    """A horizontal (at y=pos, from a to b in x) or vertical (at x=pos, from a to b in y) stroke."""

    horizontal: bool
    pos: float
    a: float
    b: float


def _segments(obj: LTCurve, px0: float, ptop: float) -> list[Ruling]:
    x0, x1 = obj.x0 - px0, obj.x1 - px0
    top, bottom = ptop - obj.y1, ptop - obj.y0
    w, h = x1 - x0, bottom - top
    if isinstance(obj, LTRect) or (isinstance(obj, LTCurve) and len(obj.pts) == 5 and not obj.stroke):
        if obj.fill and not obj.stroke:
            if h <= THIN and w > h:
                return [Ruling(True, (top + bottom) / 2, x0, x1)]
            if w <= THIN and h > w:
                return [Ruling(False, (x0 + x1) / 2, top, bottom)]
            return []
        if not obj.stroke:
            return []
        if h <= THIN:
            return [Ruling(True, (top + bottom) / 2, x0, x1)]
        if w <= THIN:
            return [Ruling(False, (x0 + x1) / 2, top, bottom)]
        return [
            Ruling(True, top, x0, x1),
            Ruling(True, bottom, x0, x1),
            Ruling(False, x0, top, bottom),
            Ruling(False, x1, top, bottom),
        ]
    if not obj.stroke and not isinstance(obj, LTLine):
        return []
    out = []
    pts = [(x - px0, ptop - y) for x, y in obj.pts]
    for (ax, ay), (bx, by) in zip(pts, pts[1:]):
        if abs(ay - by) < 0.5 and abs(ax - bx) >= 0.5:
            out.append(Ruling(True, (ay + by) / 2, min(ax, bx), max(ax, bx)))
        elif abs(ax - bx) < 0.5 and abs(ay - by) >= 0.5:
            out.append(Ruling(False, (ax + bx) / 2, min(ay, by), max(ay, by)))
    return out


def _merge_pass(rulings: list[Ruling]) -> list[Ruling]:
    out: list[Ruling] = []
    for r in sorted(rulings, key=lambda r: (r.pos, r.a)):
        for m in reversed(out[-8:]):
            if abs(m.pos - r.pos) <= SNAP and r.a <= m.b + JOIN and r.b >= m.a - JOIN:
                m.a, m.b = min(m.a, r.a), max(m.b, r.b)
                break
        else:
            out.append(Ruling(r.horizontal, r.pos, r.a, r.b))
    return out


def _merge(rulings: list[Ruling]) -> list[Ruling]:
    while True:  # a merged piece can bridge two that were merged separately
        out = _merge_pass(rulings)
        if len(out) == len(rulings):
            return out
        rulings = out


def page_rulings(layout: LTPage) -> tuple[list[Ruling], list[Ruling]]:
    """(horizontal, vertical) rulings of a page, merged, in top-left coordinates."""
    px0, ptop = layout.x0, layout.y1
    raw: list[Ruling] = []
    for obj in leaves(layout):
        if isinstance(obj, LTCurve):
            raw.extend(_segments(obj, px0, ptop))
    hs = _merge([r for r in raw if r.horizontal])
    vs = _merge([r for r in raw if not r.horizontal])
    return hs, vs
