"""The text of one cell: printed lines joined where they only wrapped, kept apart where the
author broke them.

A line wrapped when the next unbreakable unit (a Latin word, or one Japanese glyph with the
closing punctuation that may not start a line) would not have fit between the line's end
and the cell's inner right edge. A short line ended on purpose.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text_layer import Glyph, TextLine

# may not start a line (JIS X 4051 line-start prohibition), so they travel with the glyph before
_CLOSING = set("、。，．,.）)］]｝}〕〉》」』】〙〗’”ゝゞヽヾーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ・：；！？!?")
_OPENING = set("（(［[｛{〔〈《「『【〘〖‘“")
_SENTENCE_END = set("。．.！？!?")
_NUMBERED = re.compile(r"^[（(][0-9０-９一二三四五六七八九十]+[）)]")
_MARKERS = set("・●○◎■□◆◇▪▫•‣※*-－―✓") | {chr(c) for c in range(0x2460, 0x2474)}
_SPACES = (" ", "\u3000")
# Share of the font size by which a unit may still have fitted and yet was wrapped: layout
# engines keep a right inset a little larger than the left one we can measure.
FIT_TOLERANCE = 0.1


@dataclass(slots=True)
class PlacedLine:
    """A printed line of a cell, with the cell geometry needed to judge its end."""

    line: TextLine
    inner_right: float
    piece: int  # lines of one cell on different pages have different pieces
    pitch: float


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


def _next_unit_width(glyphs: list[Glyph]) -> float:
    """Width of what a line breaker could not have split at the start of a line: opening
    brackets, then a Latin word or one glyph, then closing punctuation."""
    i, n = 0, len(glyphs)
    while i < n - 1 and glyphs[i].text in _OPENING:
        i += 1
    if is_latin(glyphs[i].text):
        while i + 1 < n and is_latin(glyphs[i + 1].text):
            i += 1
    while i + 1 < n and glyphs[i + 1].text in _CLOSING:
        i += 1
    return glyphs[i].x1 - glyphs[0].x0


def wrapped(a: PlacedLine, b: PlacedLine) -> bool:
    """Whether line b continues line a only because a ran out of room."""
    ca, cb = _content(a.line), _content(b.line)
    if not ca or not cb:
        return False
    size = max(ca[-1].size, cb[0].size)
    unit = _next_unit_width(cb)
    if is_latin(ca[-1].text) and is_latin(cb[0].text):
        unit += 0.25 * size  # the space the word would have needed
    return ca[-1].x1 + unit > a.inner_right - FIT_TOLERANCE * size


def _starts_with_marker(a: PlacedLine) -> bool:
    c = _content(a.line)
    return bool(c) and c[0].text in _MARKERS


def _broke_inside_word(a: PlacedLine) -> bool:
    # A Latin word is only broken when it cannot fit on a line of its own: the line is that
    # one word, flush against the edge.
    text = line_text(a.line).strip()
    return bool(text) and all(is_latin(c) for c in text)  and " " not in text and (
        _content(a.line)[-1].x1 + 0.5 * _content(a.line)[-1].size > a.inner_right
    )


def _lost_space_wrap(a: PlacedLine, b: PlacedLine) -> bool:
    """A line that ended a little short between two Japanese words: the next unit did fit,
    but not with a full-width space before it. An engine that breaks at spaces wrapped
    there, and the space it broke at left no trace (東京都　さいたま市)."""
    ca, cb = _content(a.line), _content(b.line)
    if not ca or not cb:
        return False
    last, first = ca[-1].text, cb[0].text
    if is_latin(last) or is_latin(first) or last in _SENTENCE_END or first in _MARKERS:
        return False
    size = max(ca[-1].size, cb[0].size)
    return ca[-1].x1 + size + _next_unit_width(cb) > a.inner_right - FIT_TOLERANCE * size


def _unclosed(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch in _OPENING:
            depth += 1
        elif ch in "）)］]｝}〕〉》」』】〙〗" and depth:
            depth -= 1
    return depth > 0


def _is_fragment(text: str, others: list[str]) -> bool:
    # a line that is only the common ending of other lines ("株式会社") is the tail of an item
    return sum(1 for o in others if len(o) > len(text) and o.endswith(text)) >= 1


def _ends_item(lines: list[PlacedLine], i: int, item: str, list_like: bool, texts: list[str]) -> bool:
    """Line i was full; decide whether its end is nevertheless the end of an item."""
    a, b = texts[i].rstrip(), texts[i + 1].lstrip()
    if not a or not b or not list_like:
        return False
    if is_latin(a[-1]) and is_latin(b[0]):
        return False
    if a[-1] in _OPENING or a[-1] in "、，,・" or b[0] in _CLOSING or _unclosed(item):
        return False
    if b[0] in _OPENING and not _NUMBERED.match(b):
        return False  # a parenthesis after a name belongs to it: 株式会社 / （SMTPFC）
    if "。" in item or "、" in item:
        return False  # prose, not a list of names
    from .tokens import break_evidence

    evidence = break_evidence(a, b)
    if evidence != "boundary":
        return False
    return not _is_fragment(b, [t.strip() for j, t in enumerate(texts) if j != i + 1])


def join_lines(lines: list[PlacedLine], blank_lines: bool = True) -> str:
    """Cell text: wrapped lines joined (one space between Latin words), others by '\\n'.

    A full line is a wrap, unless the cell reads as a list (most of its lines end short)
    and the words on either side of the line end are two noun phrases, not one word cut.
    """
    lines = [l for l in lines if _content(l.line)]
    if not lines:
        return ""
    texts = [line_text(l.line) for l in lines]
    geometric = [wrapped(a, b) for a, b in zip(lines, lines[1:])]
    lost = [not g and _lost_space_wrap(a, b) for g, a, b in zip(geometric, lines, lines[1:])]
    # list-likeness from the line ends geometry is sure about (not the lost-space guesses)
    sure = [g for g, l in zip(geometric, lost) if not l]
    # a lost space is only believed in a cell that is one run of text (no line ended short)
    one_run = all(sure)
    full = [g or (l and one_run) for g, l in zip(geometric, lost)]
    shorts = sum(not g for g in sure)
    list_like = shorts >= 2 or (shorts == 1 and len(sure) <= 2)
    parts = [texts[0]]
    item_start = lines[0]
    for i, (a, b) in enumerate(zip(lines, lines[1:])):
        tb = texts[i + 1]
        blanks = 0
        if blank_lines and a.piece == b.piece and a.pitch > 0:
            gap = b.line.mid_y - a.line.mid_y
            if gap > 1.6 * a.pitch:
                blanks = max(round(gap / a.pitch) - 1, 1)
        # a marker opening the next line after an item that also opened with one is a new item
        new_item = bool(_content(b.line)) and _content(b.line)[0].text in _MARKERS and _starts_with_marker(item_start)
        join = full[i] and not blanks and not new_item and not _ends_item(lines, i, parts[-1], list_like, texts)
        if join:
            prev = parts[-1]
            core = prev.rstrip(" ")
            last = core[-1:]
            first = tb.lstrip(" ")[:1]
            if last == "\u3000":
                parts[-1] = core + tb.lstrip(" ")
            elif is_latin(last) and is_latin(first) and last not in "-/" and not _broke_inside_word(a):
                parts[-1] = core + " " + tb.lstrip(" ")
            else:
                parts[-1] = prev + tb
        else:
            parts[-1] = parts[-1].rstrip(" ")
            parts.append("\n" * blanks + tb)
            item_start = b
    parts[-1] = parts[-1].rstrip(" ")
    return "\n".join(p.lstrip(" ") for p in parts)
