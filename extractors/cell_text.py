"""The printed lines of one cell, with a geometric verdict for every line end.

The extractor reports; it does not decide what a line end means. For each end it says what
the geometry shows (the issue's terms, `LineEnd`):

- ``wrapped``: the next unbreakable unit (a Latin word, or one Japanese glyph with the
  closing punctuation that may not start a line) could not have fitted between the line's
  end and the cell's inner right edge: the line ran out of room;
- ``broken``: it would have fitted with room to spare (or a blank line follows): the line
  was ended on purpose;
- ``unsure``: within tolerance — the unit fits exactly, or fits but not with the space an
  engine that breaks at spaces would have needed before it (東京都　さいたま市), or fits
  but not the longer run some engine keeps together (「業、IRDA」, see `_longest_unit_width`).

Cell text (`default_text`) joins ``wrapped`` and ``unsure`` ends and keeps ``broken`` ones
as ``\\n`` — one documented default; ``normalizers.line_ends`` decides the ends for the
warehouse with what it knows of names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .text_layer import Glyph, TextLine

WRAPPED, BROKEN, UNSURE = "wrapped", "broken", "unsure"
# may not start a line (JIS X 4051 line-start prohibition), so they travel with the glyph before
_CLOSING = set(
    "、。，．,.）)］]｝}〕〉》」』】〙〗’”ゝゞヽヾーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ・：；！？!?"
)
_OPENING = set("（(［[｛{〔〈《「『【〘〖‘“")
_SPACES = (" ", "\u3000")
# Share of the font size by which a unit may still have fitted and yet was wrapped: layout
# engines keep a right inset a little larger than the left one we can measure.
FIT_TOLERANCE = 0.15
BLANK_GAP = 1.6  # a gap of this many line pitches between two lines is a blank line
ROOM_SLACK = 0.3  # share of a pitch by which the room a cell left at a page break may miss a line


@dataclass(slots=True)
class PlacedLine:
    """A printed line of a cell, with the cell geometry needed to judge its end."""

    line: TextLine
    inner_right: float
    piece: int  # lines of one cell on different pages have different pieces
    pitch: float
    # the row's piece on this page: the middle of its lowest and of its highest printed line
    # in any cell (how far down the cell could have printed; where its lines start)
    foot: float | None = None
    head: float | None = None


@dataclass(slots=True)
class CellLines:
    """A cell as printed: its lines (a blank line is ``""``) and the verdict on each end
    (``ends[i]`` is the end of ``lines[i]``; one fewer than lines). ``page_breaks``: the ends
    where the cell goes on on the next page, each with the room the cell left there, in
    whole lines (`room_left`)."""

    lines: list[str]
    ends: list[str]
    page_breaks: list[tuple[int, int]] = field(default_factory=list)  # (end, room in lines)

    def to_dict(self) -> dict:
        d: dict = {"lines": self.lines, "ends": self.ends}
        if self.page_breaks:
            d["page_breaks"] = [{"end": end, "room": room} for end, room in self.page_breaks]
        return d


def cell_lines_from_dict(data: dict) -> CellLines:
    """Inverse of `CellLines.to_dict`."""
    breaks = [(int(b["end"]), int(b["room"])) for b in data.get("page_breaks", [])]
    return CellLines(list(data["lines"]), list(data["ends"]), breaks)


def is_latin(ch: str) -> bool:
    return bool(ch) and ord(ch[0]) < 0x2000 and not ch.isspace()


def line_text(line: TextLine) -> str:
    """The glyphs of a line, with a space where a gap shows one the PDF did not encode."""
    out: list[str] = []
    prev: Glyph | None = None
    for g in line.glyphs:
        if prev is not None and g.text not in _SPACES and prev.text not in _SPACES:
            gap = g.x0 - prev.x1
            if gap > 0.8 * g.size and not (is_latin(prev.text) and is_latin(g.text)):
                out.append("\u3000")
            elif gap > 0.3 * g.size:
                out.append(" ")
        out.append(g.text)
        prev = g
    return "".join(out)


def _content(line: TextLine) -> list[Glyph]:
    gl = line.glyphs
    i, j = 0, len(gl)
    while i < j and gl[i].text.isspace():
        i += 1
    while j > i and gl[j - 1].text.isspace():
        j -= 1
    return gl[i:j]


def _unit_end(glyphs: list[Glyph]) -> int:
    """Index of the last glyph of what a line breaker could not have split at the start of a
    line: opening brackets, then a Latin word or one glyph, then closing punctuation."""
    i, n = 0, len(glyphs)
    while i < n - 1 and glyphs[i].text in _OPENING:
        i += 1
    if is_latin(glyphs[i].text):
        while i + 1 < n and is_latin(glyphs[i + 1].text):
            i += 1
    while i + 1 < n and glyphs[i + 1].text in _CLOSING:
        i += 1
    return i


def _next_unit_width(glyphs: list[Glyph]) -> float:
    """Width of the unit of `_unit_end` at the start of a line."""
    return glyphs[_unit_end(glyphs)].x1 - glyphs[0].x0


# Closing punctuation after which some engines do not break before a Latin word, a number or
# a circled number (LibreOffice keeps 「業、IRDA」 and 「る。BEMS」 together, Chromium and
# reportlab break there), and the opening brackets a Latin word keeps with it (「BaaS（」).
_GLUED_CLOSING = set("、。，．）」』】〕")
_CIRCLED = set(chr(c) for c in range(0x2460, 0x2474))


def _longest_unit_width(glyphs: list[Glyph]) -> float:
    """Width of the longest start of a line some engine would not have split: the unit of
    `_unit_end`, then, as long as they follow, a Latin word or number after closing
    punctuation (「業、IRDA」), an opening bracket with what it opens after a Latin word
    (UAX #14's older rule AL × OP: 「BaaS（Battery」), a Latin word after a circled number
    (ambiguous width, resolved as a letter: 「⑤RDF」)."""
    i, n = _unit_end(glyphs), len(glyphs)
    while i + 1 < n:
        here, nxt = glyphs[i].text, glyphs[i + 1].text
        glued = (
            (here in _GLUED_CLOSING and (is_latin(nxt) or nxt in _CIRCLED))
            or (is_latin(here) and nxt in _OPENING)
            or (here in _CIRCLED and is_latin(nxt))
        )
        if not glued:
            break
        i += 1 + _unit_end(glyphs[i + 1 :])
    return glyphs[i].x1 - glyphs[0].x0


def _katakana(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30fc"


def _next_word_width(glyphs: list[Glyph]) -> float:
    """Width of the katakana word at the start of a line: engines that break Japanese at
    word boundaries (ICU's dictionary, in LibreOffice) move a loanword as a whole."""
    n = 0
    while n < len(glyphs) and _katakana(glyphs[n].text):
        n += 1
    return glyphs[n - 1].x1 - glyphs[0].x0 if n else 0.0


def verdict(a: PlacedLine, b: PlacedLine) -> str:
    """What the geometry says of the end of line a, line b following it in the cell."""
    ca, cb = _content(a.line), _content(b.line)
    size = max(ca[-1].size, cb[0].size)
    tolerance = FIT_TOLERANCE * size
    latin = is_latin(ca[-1].text) and is_latin(cb[0].text)
    unit = _next_unit_width(cb) + (0.25 * size if latin else 0.0)  # a word needs its space
    room = a.inner_right - (ca[-1].x1 + unit)
    if room < tolerance:
        return WRAPPED
    # the unit fitted, but not with a full-width (Japanese) or word (Latin) space before it,
    # or the glyph fitted and the katakana word it begins did not
    if room < (0.35 if latin else 1.0) * size + tolerance:
        return UNSURE
    if a.inner_right - (ca[-1].x1 + _next_word_width(cb)) < tolerance:
        return UNSURE
    # the unit fitted, but not what an engine that keeps more together would have moved
    if a.inner_right - (ca[-1].x1 + _longest_unit_width(cb) + (0.25 * size if latin else 0.0)) < tolerance:
        return UNSURE
    return BROKEN


def room_left(a: PlacedLine, b: PlacedLine, spaces: int = 0) -> int:
    """Whole lines a cell left empty at a page break inside its row, line ``a`` the last of
    the cell on one page and ``b`` the first on the next: the lines it could have printed
    under ``a`` (another cell of the row went on lower on that page) and those it left empty
    above ``b`` (under the highest line of the row on the next page). A cell that goes on
    past a page break fills the room it has — unless a blank line came there, or the producer
    kept lines together (orphan and widow control, a paragraph not split): the print does not
    tell which."""
    if a.foot is None or b.head is None or a.pitch <= 0 or b.pitch <= 0:
        return 0
    room = (a.foot - a.line.mid_y) / a.pitch - spaces + (b.line.mid_y - b.head) / b.pitch
    return max(round(room), 1) if room > 1 - ROOM_SLACK else 0


def cell_lines(lines: list[PlacedLine], blank_lines: bool = True) -> CellLines:
    """The printed lines of a cell and the verdict on every line end. A line that holds
    only white space (a full-width space the producer wrapped onto a line of its own) is no
    blank line: its space ends the line before."""
    kept: list[PlacedLine] = []
    spaces: list[int] = []  # per kept line: lines of white space folded into it
    for l in lines:
        if _content(l.line):
            kept.append(l)
            spaces.append(0)
        elif kept and l.line.glyphs and kept[-1].piece == l.piece:
            prev = kept[-1]
            glyphs = prev.line.glyphs + [g for g in l.line.glyphs if g.text == "\u3000"][:1]
            kept[-1] = PlacedLine(
                TextLine(glyphs, prev.line.top, prev.line.bottom), prev.inner_right, prev.piece, prev.pitch
            )
            spaces[-1] += 1
    lines = kept
    texts: list[str] = []
    ends: list[str] = []
    page_breaks: list[tuple[int, int]] = []
    for i, a in enumerate(lines):
        texts.append(line_text(a.line).strip(" "))
        if i + 1 == len(lines):
            break
        b = lines[i + 1]
        blanks = 0
        if blank_lines and a.piece == b.piece and a.pitch > 0:
            gap = b.line.mid_y - a.line.mid_y - spaces[i] * a.pitch
            if gap > BLANK_GAP * a.pitch:
                blanks = max(round(gap / a.pitch) - 1, 1)
        if a.piece != b.piece:
            page_breaks.append((len(ends), room_left(a, b, spaces[i])))
        if blanks:
            texts += [""] * blanks
            ends += [BROKEN] * (blanks + 1)
        else:
            ends.append(verdict(a, b))
    return CellLines(texts, ends, page_breaks)


def join_pair(a: str, b: str) -> str:
    """Two printed lines read as one: no space between Japanese and anything (Japanese line
    breaking takes none), one space between two Latin words — none after a hyphen or a slash,
    none before a hyphen going on with a word, none inside a number cut in two, and none when
    the first line already ended in a space (U+3000 typed at the wrap)."""
    last, first = a[-1:], b[:1]
    if first == "-" and b[1:2].isalnum():
        return a + b
    if is_latin(last) and is_latin(first) and last not in "-/" and not (last.isdigit() and first.isdigit()):
        return a + " " + b
    return a + b


def default_text(cell: CellLines) -> str:
    """Cell text: ``wrapped`` and ``unsure`` ends joined, ``broken`` ends kept as ``\\n``."""
    if not cell.lines:
        return ""
    parts = [cell.lines[0]]
    for end, line in zip(cell.ends, cell.lines[1:]):
        if end == BROKEN or not parts[-1] or not line:
            parts.append(line)
        else:
            parts[-1] = join_pair(parts[-1], line)
    return "\n".join(parts)


def join_lines(lines: list[PlacedLine], blank_lines: bool = True) -> str:
    """Cell text of placed lines (`cell_lines` then `default_text`)."""
    return default_text(cell_lines(lines, blank_lines))
