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
OPEN_EDGE = 4.0  # column edges running this far past the first/last rule: a band without a
# rule (the fragment of a row a page break cut, drawn by browsers and platypus without one)


@dataclass(slots=True)
class PageRow:
    """One row of a page's grid. ``span`` rows are a single cell across all columns."""

    top: float
    bottom: float
    span: bool
    cells: list[list[TextLine]]  # one entry per grid column (one entry if span)
    open_top: bool = False  # no rule drawn above it: the column edges go on (a page break)
    open_bottom: bool = False  # no closing rule under it: the row goes on past the page end

    def __reduce__(self):  # cheap pickling from worker processes
        return (PageRow, (self.top, self.bottom, self.span, self.cells, self.open_top, self.open_bottom))

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
    text_right: list[float] = field(default_factory=list)  # per column: where its text may reach

    @property
    def ncols(self) -> int:
        return len(self.xs) - 1

    def inner_right(self, col: int, span: bool = False) -> float:
        if not span and col < len(self.text_right):
            return self.text_right[col]
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
    # two rules at least, or one with three column edges through it: the last piece of a row
    # split at a page break, its top rule left undrawn (find_tables adds the open edge)
    return [g for g in groups.values() if len(g[1]) >= 2 and (len(g[0]) >= 2 or len(g[1]) >= 3)]


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


def _edge_extent(cv: list[Ruling], xs: list[float]) -> tuple[float, float]:
    """Top and bottom of the table's column edges: where most of its boundaries start and
    end (the outer edges and every inner one, so one long stray stroke does not count)."""
    tops, bottoms = [], []
    for x in xs:
        near = [v for v in cv if abs(v.pos - x) <= DOUBLE]
        if near:
            tops.append(min(v.a for v in near))
            bottoms.append(max(v.b for v in near))
    tops.sort()
    bottoms.sort()
    return tops[len(tops) // 2], bottoms[len(bottoms) // 2]


def _open_edges(
    ys: list[float], cv: list[Ruling], xs: list[float], glyphs: list[Glyph]
) -> tuple[list[float], bool, bool]:
    """Row boundaries with the table's open ends added: when the column edges run on past
    the first or last rule and text lies there, that band is a row fragment whose rule the
    page break left undrawn."""
    edge_top, edge_bottom = _edge_extent(cv, xs)
    left, right = xs[0], xs[-1]

    def has_text(a: float, b: float) -> bool:
        return any(a <= g.mid_y <= b and left <= g.mid_x <= right for g in glyphs)

    open_top = edge_top < ys[0] - OPEN_EDGE and has_text(edge_top, ys[0])
    open_bottom = edge_bottom > ys[-1] + OPEN_EDGE and has_text(ys[-1], edge_bottom)
    return (
        ([edge_top] if open_top else []) + ys + ([edge_bottom] if open_bottom else []),
        open_top,
        open_bottom,
    )


def _realign(cv: list[Ruling], glyphs: list[Glyph]) -> tuple[list[Ruling], list[Glyph]]:
    """A grid with a run of rows drawn with the same columns shifted sideways (platypus draws
    the piece of a row split at a page end as a table of its own, offset by its padding),
    put back in line: those rows' column edges and text are moved by the shift."""
    pieces: dict[tuple[int, int], list[Ruling]] = {}  # column edges by the rows they span
    for v in cv:
        pieces.setdefault((round(v.a), round(v.b)), []).append(v)
    if len(pieces) < 2:
        return cv, glyphs
    moves: list[tuple[float, float, float]] = []
    for key, piece in pieces.items():
        xs = _cluster([v.pos for v in piece])
        if len(xs) < 3:
            continue
        rest = [v for k, p in pieces.items() if k != key for v in p]
        if sum(v.b - v.a for v in rest) <= sum(v.b - v.a for v in piece):
            continue  # the grid itself: the smaller pieces are moved onto it
        others = _cluster([v.pos for v in rest])
        if len(others) < len(xs):
            continue

        def on(x: float, dx: float = 0.0, others: list[float] = others) -> bool:
            return any(abs(x + dx - o) <= DOUBLE for o in others)

        if sum(on(x) for x in xs) > 1:
            continue  # its edges are the grid's own
        for dx in {o - xs[0] for o in others[:2]}:
            if abs(dx) > DOUBLE and all(on(x, dx) for x in xs):
                moves.append((min(v.a for v in piece), max(v.b for v in piece), dx))
                break
    if not moves:
        return cv, glyphs

    def shift(y: float) -> float:
        return next((dx for a, b, dx in moves if a <= y <= b), 0.0)

    cv = [Ruling(False, v.pos + shift((v.a + v.b) / 2), v.a, v.b) for v in cv]
    moved = []
    for g in glyphs:
        dx = shift(g.mid_y)
        moved.append(Glyph(g.text, g.x0 + dx, g.x1 + dx, g.top, g.bottom, g.size, g.font) if dx else g)
    return cv, moved


HANGING = set("、。，．,.）)」』】〕")  # may hang past the right edge (ぶら下げ): not the edge


def _text_right(xs: list[float], pad: float, rows: list[PageRow]) -> list[float]:
    """Per column, the right edge its lines may reach: the furthest any line of the column
    on this page reaches (a line ending in punctuation that may hang past the edge aside),
    when that is within two glyphs of the cell's edge less the left inset (producers keep a wider right inset than the left one: platypus, Chromium);
    else the edge less the left inset."""
    out = []
    for j in range(len(xs) - 1):
        limit = xs[j + 1] - pad
        ends = [
            (l.glyphs[-1].x1, l.size)
            for r in rows
            if not r.span
            for l in r.cells[j]
            if l.glyphs and not l.glyphs[-1].text.isspace() and l.glyphs[-1].text not in HANGING
        ]
        reach = max((x for x, _ in ends if x <= limit), default=0.0)  # past it: overflow
        size = max((z for _, z in ends), default=0.0)
        out.append(reach if limit - 2 * size <= reach else limit)
    return out


def find_tables(page: int, glyphs: list[Glyph], hs: list[Ruling], vs: list[Ruling]) -> list[PageTable]:
    """Tables drawn with rulings on one page, top to bottom, with the text of every cell."""
    tables = []
    page_glyphs = glyphs
    for ch, cv in _components(hs, vs):
        cv, glyphs = _realign(cv, page_glyphs)
        ys = _cluster([h.pos for h in ch])
        xs = _cluster([v.pos for v in cv])
        if len(ys) < 1 or len(xs) < 3:  # two columns at least
            continue
        ys, open_top, open_bottom = _open_edges(ys, cv, xs, glyphs)
        if len(ys) < 2:
            continue
        left, right, top, bottom = xs[0], xs[-1], ys[0], ys[-1]
        bands = [(a, b) for a, b in zip(ys, ys[1:]) if b - a > 1.0]
        # per band, which inner column boundaries are drawn
        seps = [[_covers(cv, x, (a + b) / 2) for x in xs[1:-1]] for a, b in bands]
        buckets: list[list[list[Glyph]]] = [[[] for _ in range(len(xs) - 1)] for _ in bands]
        band_tops = [a for a, _ in bands]
        for g in glyphs:
            # white space has no ink: it belongs to the cell it starts in, the line it ends
            # (Chromium hangs a wrapped line's trailing U+3000 past the cell's right rule)
            my, mx = g.mid_y, (g.x0 if g.text.isspace() else g.mid_x)
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
        if open_top and bands and bands[0][0] == top:
            rows[0].open_top = True
        if open_bottom and bands and bands[-1][1] == bottom:
            rows[-1].open_bottom = True
        pad = _pad(xs, rows)
        t = PageTable(page, xs, top, bottom, pad, _pitch(rows), rows, _text_right(xs, pad, rows))
        tables.append(t)
    tables.sort(key=lambda t: t.top)
    return tables
