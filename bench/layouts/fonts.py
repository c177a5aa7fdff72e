"""The Japanese fonts of the fuzz layouts: where they are, how wide their glyphs are, and a
TrueType file reportlab can embed.

The fonts are Debian's (fonts-noto-cjk, fonts-ipaexfont); a layout names one by key. Noto CJK
ships as CFF outlines in a collection, which reportlab cannot embed: for reportlab it is
subset to the characters of the lists and converted to TrueType outlines once, in the cache.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Font:
    family: str  # the name producers look it up by (CSS, LibreOffice)
    path: str
    index: int = 0  # in a .ttc collection


FONTS = {
    "noto-sans": Font("Noto Sans CJK JP", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    "noto-serif": Font("Noto Serif CJK JP", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    "ipaex-gothic": Font("IPAexGothic", "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),
    "ipaex-mincho": Font("IPAexMincho", "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf"),
}


def missing_fonts() -> list[str]:
    return [f"{key} ({f.path})" for key, f in FONTS.items() if not Path(f.path).exists()]


def _open(font: Font, lazy=True):
    from fontTools.ttLib import TTFont

    return TTFont(font.path, fontNumber=font.index, lazy=lazy)


@functools.lru_cache(maxsize=None)
def _advances(key: str) -> tuple[dict[int, float], float]:
    """Advance widths in em by code point, and the em fallback for a missing glyph."""
    f = _open(FONTS[key])
    upem = f["head"].unitsPerEm
    hmtx = f["hmtx"].metrics
    return {cp: hmtx[name][0] / upem for cp, name in f.getBestCmap().items()}, 1.0


def text_width(text: str, key: str, size: float) -> float:
    adv, fallback = _advances(key)
    return sum(adv.get(ord(ch), fallback) for ch in text) * size


# JIS X 4051: characters that do not start a line / do not end one
NO_START = set("、。，．,.)）」』】〕〉》・ー:：;；!！?？ゃゅょっぁぃぅぇぉャュョッァィゥェォ々〜～")
NO_END = set("(（「『【〔〈《")


def _latin(ch: str) -> bool:
    return ord(ch) < 0x2000 and not ch.isspace()


def units(paragraph: str) -> list[str]:
    """Unbreakable units: a Japanese character alone, a Latin word, a space."""
    out, i = [], 0
    while i < len(paragraph):
        j = i + 1
        if _latin(paragraph[i]):
            while j < len(paragraph) and _latin(paragraph[j]):
                j += 1
        out.append(paragraph[i:j])
        i = j
    return out


def wrap(text: str, key: str, size: float, width: float) -> list[str]:
    """Printed lines of a cell: the author's breaks kept, long lines wrapped to ``width``
    (Japanese between any two characters but not before 、。）…, Latin at spaces, a Latin word
    wider than the cell broken where it overflows)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for unit in units(paragraph):
            if not line or text_width(line + unit, key, size) <= width:
                line += unit
            elif unit == " ":
                lines.append(line)
                line = ""
            elif unit[0] in NO_START and len(line) > 1 and not _latin(line[-1]):
                lines.append(line[:-1])  # push the last character down with it
                line = line[-1] + unit
            elif line[-1] in NO_END and len(line) > 1:
                lines.append(line[:-1])
                line = line[-1] + unit
            else:
                lines.append(line.rstrip(" "))
                line = unit
            while text_width(line, key, size) > width and len(line) > 1:  # a long Latin word
                k = len(line) - 1
                while k > 1 and text_width(line[:k], key, size) > width:
                    k -= 1
                lines.append(line[:k])
                line = line[k:]
        lines.append(line.rstrip(" "))
    return lines


def repertoire() -> str:
    """The characters a TrueType subset keeps: JIS X 0208 (every kanji and kana of Japanese
    documents), ASCII, Latin-1, general punctuation, enclosed alphanumerics (①), full-width
    forms, enclosed and compatibility CJK (㈱, ㍻). Independent of the list printed, so one
    subset serves every list."""
    out = {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xA0, 0x100)}
    for lo, hi in (
        (0x2000, 0x206F),
        (0x2100, 0x218F),
        (0x2190, 0x21FF),
        (0x2460, 0x24FF),
        (0x2500, 0x257F),
        (0x25A0, 0x25FF),
        (0x3000, 0x30FF),
        (0x3200, 0x33FF),
        (0xFF00, 0xFFEF),
    ):
        out |= {chr(c) for c in range(lo, hi + 1)}
    for a in range(0xA1, 0xFF):
        for b in range(0xA1, 0xFF):
            try:
                out.add(bytes((a, b)).decode("euc_jp"))
            except UnicodeDecodeError:
                pass
    return "".join(sorted(out))


def truetype(key: str, cache: Path) -> Path:
    """A TrueType-outline font file of ``repertoire()``, for reportlab."""
    font = FONTS[key]
    if font.path.endswith(".ttf"):
        return Path(font.path)
    out = cache / f"{key}-jis.ttf"
    if out.exists():
        return out
    chars = repertoire()
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    f = _open(font, lazy=False)
    opts = subset.Options()
    opts.layout_features = []
    opts.name_IDs = ["*"]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes={ord(c) for c in chars} | set(range(0x20, 0x7F)))
    sub.subset(f)
    # CFF -> glyf (the fontTools otf2ttf recipe)
    order = f.getGlyphOrder()
    glyphs = f.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    f["glyf"] = glyf
    f["loca"] = newTable("loca")
    maxp = f["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    f["head"].glyphDataFormat = 0
    f["head"].indexToLocFormat = 0
    post = f["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    del f["CFF "]
    if "VORG" in f:
        del f["VORG"]
    f.sfntVersion = "\x00\x01\x00\x00"
    cache.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".{os.getpid()}.tmp")  # two renderers may build it at once
    f.save(str(tmp))
    tmp.replace(out)
    return out
