"""The cell grid of one page: rulings → table regions → rows × columns of text lines."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from .rulings import SNAP, Ruling
from .text_layer import Glyph, TextLine, group_lines

TOUCH = 3.0  # a horizontal and a vertical ruling this close are connected (rules drawn up to
# 2 pt short of each other, at a y that differs by up to 1 pt from cell to cell)
DOUBLE = 2.5  # parallel rulings this close are one boundary (a double line; a rule drawn
# at a slightly different position per cell); no cell of text is this narrow
FULL = 0.9  # a row boundary drawn over this share of the table width separates rows


@dataclass(slots=True)
class PageRow:
    """One row of a page's grid. ``span`` rows are a single cell across all columns."""

    top: float
    bottom: float
    span: bool
    cells: list[list[TextLine]]  # one entry per grid column (one entry if span)

    def __reduce__(self):  # cheap pickling from worker processes
        return (PageRow, (self.top, self.bottom, self.span, self.cells))

    @property
    def empty(self) -> bool:
        return not any(self.cells)


@dataclass(slots=True)
class PageTable:
    page: int  # 1-based
    xs: list[float]  # column boundaries, left to right
    top: float
    bottom: float
    pad: float  # cell padding (left inset of text), used as the right inset too
    pitch: float  # typical distance between consecutive lines of text
    rows: list[PageRow] = field(default_factory=list)

    @property
    def ncols(self) -> int:
        return len(self.xs) - 1

    def inner_right(self, col: int, span: bool = False) -> float:
        right = self.xs[-1] if span else self.xs[col + 1]
        return right - self.pad


def _cluster(values: list[float]) -> list[float]:
    """Boundary positions: rulings within DOUBLE of a group's first one are one boundary,
    placed at the middle of the group."""
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][0] <= DOUBLE:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [(g[0] + g[-1]) / 2 for g in groups]


def _components(hs: list[Ruling], vs: list[Ruling]) -> list[tuple[list[Ruling], list[Ruling]]]:
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if h.a - TOUCH <= v.pos <= h.b + TOUCH and v.a - TOUCH <= h.pos <= v.b + TOUCH:
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[Ruling], list[Ruling]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    return [g for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 2]


def _covers(rulings: list[Ruling], pos: float, at: float) -> bool:
    return any(abs(r.pos - pos) <= SNAP + 0.5 and r.a - TOUCH <= at <= r.b + TOUCH for r in rulings)


def _coverage(rulings: list[Ruling], pos: float, a: float, b: float) -> float:
    spans = sorted((max(r.a, a), min(r.b, b)) for r in rulings if abs(r.pos - pos) <= SNAP + 0.5)
    total, end = 0.0, a
    for s, e in spans:
        s = max(s, end)
        if e > s:
            total += e - s
            end = e
    return total / (b - a) if b > a else 0.0


def _pitch(rows: list[PageRow]) -> float:
    gaps = []
    for row in rows:
        for cell in row.cells:
            gaps += [b.mid_y - a.mid_y for a, b in zip(cell, cell[1:]) if b.mid_y - a.mid_y < 2.2 * a.size]
    if not gaps:
        return 0.0
    gaps.sort()
    return gaps[len(gaps) // 2]


def _pad(xs: list[float], rows: list[PageRow]) -> float:
    insets = []
    for row in rows:
        for j, cell in enumerate(row.cells):
            if cell:
                insets.append(min(l.x0 for l in cell) - xs[0 if row.span else j])
    insets = [i for i in insets if i >= 0]
    return min(insets) if insets else 0.0


def find_tables(page: int, glyphs: list[Glyph], hs: list[Ruling], vs: list[Ruling]) -> list[PageTable]:
    """Tables drawn with rulings on one page, top to bottom, with the text of every cell."""
    tables = []
    for ch, cv in _components(hs, vs):
        ys = _cluster([h.pos for h in ch])
        xs = _cluster([v.pos for v in cv])
        if len(ys) < 2 or len(xs) < 3:  # need a header and a body, two columns at least
            continue
        left, right, top, bottom = xs[0], xs[-1], ys[0], ys[-1]
        bands = [(a, b) for a, b in zip(ys, ys[1:]) if b - a > 1.0]
        # per band, which inner column boundaries are drawn
        seps = [[_covers(cv, x, (a + b) / 2) for x in xs[1:-1]] for a, b in bands]
        buckets: list[list[list[Glyph]]] = [[[] for _ in range(len(xs) - 1)] for _ in bands]
        band_tops = [a for a, _ in bands]
        for g in glyphs:
            my, mx = g.mid_y, g.mid_x
            if not (top <= my <= bottom and left <= mx <= right):
                continue
            bi = bisect_right(band_tops, my) - 1
            if bi < 0 or my > bands[bi][1]:
                continue
            ci = min(max(bisect_right(xs, mx) - 1, 0), len(xs) - 2)
            while ci > 0 and not seps[bi][ci - 1]:  # merged cell: text belongs to its first column
                ci -= 1
            buckets[bi][ci].append(g)

        rows: list[PageRow] = []
        prev_bottom = None
        for bi, (a, b) in enumerate(bands):
            span = not any(seps[bi])
            cells = [group_lines(c) for c in (buckets[bi][:1] if span else buckets[bi])]
            merge = (
                rows
                and prev_bottom is not None
                and not span
                and not rows[-1].span
                and _coverage(ch, a, left, right) < FULL
            )
            if merge:
                last = rows[-1]
                last.cells = [x + y for x, y in zip(last.cells, cells)]
                last.bottom = b
            else:
                rows.append(PageRow(a, b, span, cells))
            prev_bottom = b
        if not rows:
            continue
        t = PageTable(page, xs, top, bottom, _pad(xs, rows), _pitch(rows), rows)
        tables.append(t)
    tables.sort(key=lambda t: t.top)
    return tables
