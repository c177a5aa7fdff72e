"""Text cleaning shared by every normaliser.

`clean()` is NFKC with three explicit exceptions:
- circled numbers (①–⑳, ㉑–㊿, ⓪, ⓵… ) are kept: NFKC would turn ① into "1" and lose the
  list marker the author typed;
- every tilde-like character (〜 ～ ∼ 〰) becomes 〜 (U+301C) and every dash-like character
  (－ ― ‐ ‑ ‒ – — − ﹣ ⁃) becomes "-": the PDFs mix them (a second font on a shifted
  baseline prints ― where the spreadsheet had －), so they must compare equal;
- runs of white space (incl. U+3000) are folded to one ASCII space and the ends stripped.
The katakana long-vowel mark ー is NOT a dash and is never touched.

No neologdn/jaconv: they rewrite names (e.g. drop spaces inside Latin names, fold ー runs).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

# circled digits that NFKC would destroy
_PROTECTED: set[str] = set()
for _lo, _hi in (
    (0x2460, 0x2473),
    (0x24EA, 0x24EA),
    (0x24F5, 0x24FF),
    (0x2776, 0x2793),
    (0x3251, 0x325F),
    (0x32B1, 0x32BF),
):
    _PROTECTED.update(chr(c) for c in range(_lo, _hi + 1))

TILDES = "〜～∼〰"
DASHES = "－―‐‑‒–—−﹣⁃"
_EXPLICIT = {**{c: "〜" for c in TILDES}, **{c: "-" for c in DASHES}}

_WS = re.compile(r"\s+")
_WS_NO_NL = re.compile(r"[^\S\n]+")


def _nfkc_protected(s: str) -> str:
    out: list[str] = []
    buf: list[str] = []
    for ch in s:
        if ch in _PROTECTED:
            if buf:
                out.append(unicodedata.normalize("NFKC", "".join(buf)))
                buf = []
            out.append(ch)
        elif ch in _EXPLICIT:
            if buf:
                out.append(unicodedata.normalize("NFKC", "".join(buf)))
                buf = []
            out.append(_EXPLICIT[ch])
        else:
            buf.append(ch)
    if buf:
        out.append(unicodedata.normalize("NFKC", "".join(buf)))
    return "".join(out)


def clean(s: str | None, keep_newlines: bool = False) -> str:
    """NFKC-clean `s` (see module doc). With keep_newlines, line breaks survive (each line
    folded and stripped, empty lines kept as empty)."""
    if s is None:
        return ""
    t = _nfkc_protected(s)
    if keep_newlines:
        lines = [_WS_NO_NL.sub(" ", ln).strip() for ln in t.replace("\r\n", "\n").split("\n")]
        return "\n".join(lines).strip("\n")
    return _WS.sub(" ", t).strip()


def is_latin(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "&.,'()-/+")


def is_cjk(ch: str) -> bool:
    """Japanese script (kanji, kana, ー, CJK punctuation, full-width forms)."""
    o = ord(ch)
    return (
        0x3000 <= o <= 0x30FF
        or 0x3400 <= o <= 0x4DBF
        or 0x4E00 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF
        or 0x31F0 <= o <= 0x31FF
    )


_SPACE_BETWEEN_CJK = re.compile(
    r"(?<=[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef）)])\s+(?=[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef（(])"
)


def drop_cjk_spaces(s: str) -> str:
    """Remove white space between two Japanese characters (insignificant: a space typed
    where a line wraps leaves no trace in a PDF). Spaces next to Latin text are kept."""
    return _SPACE_BETWEEN_CJK.sub("", s)


def compare_key(s: str) -> str:
    """Key for comparing cell texts: clean() then white space between Japanese chars dropped."""
    return drop_cjk_spaces(clean(s))


# --- SudachiPy: the project's one tokenizer ---------------------------------------------------
# One dictionary per process, one tokenizer per thread: a SudachiPy Tokenizer refuses to be
# used from two threads at once, and a refresh normalises lists on several task threads.
_DICTIONARY = None
_DICTIONARY_LOCK = threading.Lock()
_LOCAL = threading.local()


def tokenizer():
    """This thread's SudachiPy tokenizer (mode C), created on first use only."""
    global _DICTIONARY
    found = getattr(_LOCAL, "tokenizer", None)
    if found is None:
        with _DICTIONARY_LOCK:
            if _DICTIONARY is None:
                from sudachipy import Dictionary  # imported lazily: loading costs ~0.2 s

                _DICTIONARY = Dictionary()
            found = _LOCAL.tokenizer = _DICTIONARY.tokenizer()
    return found


def _tokenize(s: str):
    """(surface, part_of_speech, is_oov) triples, mode C, from this thread's tokenizer; plain
    tuples, so nothing of SudachiPy's leaves the call."""
    from sudachipy import SplitMode

    return tuple(
        (m.surface(), tuple(m.part_of_speech()), m.is_oov()) for m in tokenizer().tokenize(s, SplitMode.C)
    )


@lru_cache(maxsize=4096)
def tokens(s: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(surface, part_of_speech) pairs, mode C. Surfaces only: normalized_form() is never
    used for names. Safe from several threads."""
    return tuple((surface, pos) for surface, pos, _oov in _tokenize(s))


def split_outside_brackets(
    text: str, separators: str, opening: str = "(（[「", closing: str = ")）]」"
) -> list[str]:
    """Split ``text`` at any of ``separators`` that is not inside brackets."""
    out, buf, depth = [], "", 0
    for ch in text:
        if ch in opening:
            depth += 1
        elif ch in closing:
            depth = max(0, depth - 1)
        if ch in separators and depth == 0:
            out.append(buf)
            buf = ""
        else:
            buf += ch
    out.append(buf)
    return out


def open_brackets(s: str) -> int:
    return sum(s.count(c) for c in "(（[「【〔") - sum(s.count(c) for c in ")）]」】〕")
