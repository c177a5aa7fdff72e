"""Word boundaries from SudachiPy, to tell a wrapped word from two list items.

Optional: without SudachiPy every full line counts as wrapped, as geometry alone says.
"""
from __future__ import annotations

from functools import lru_cache

_JOINING_POS_END = {"助詞", "助動詞", "動詞", "形容詞", "接続詞", "接頭辞"}  # a line ending so goes on
_JOINING_POS_START = {"助詞", "助動詞", "接尾辞"}  # a line starting so continues the one above


@lru_cache(maxsize=1)
def _tokenizer():
    try:
        from sudachipy import Dictionary, SplitMode
    except ImportError:
        return None
    try:
        return Dictionary().tokenizer(), SplitMode.C
    except Exception:  # dictionary package missing or broken
        return None


def available() -> bool:
    return _tokenizer() is not None


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[tuple[str, str], ...]:
    """(surface, part of speech) per word; the part of speech is 'OOV' for unknown words."""
    tk = _tokenizer()
    if tk is None:
        return ()
    tokenizer, mode = tk
    return tuple(
        (m.surface(), "OOV" if m.is_oov() else m.part_of_speech()[0])
        for m in tokenizer.tokenize(text, mode)
    )


def _katakana(s: str) -> bool:
    return len(s) > 1 and all("\u30a0" <= c <= "\u30ff" for c in s)


def break_evidence(before: str, after: str) -> str:
    """How the text reads across a line end: 'inside' a word, 'continues' (the grammar runs on),
    'boundary' (two noun phrases could end and start there) or 'unknown'."""
    before, after = before[-12:], after[:12]
    toks = _tokens(before + after)
    if not toks:
        return "unknown"
    pos = 0
    prev_pos = None
    for surface, p in toks:
        end = pos + len(surface)
        if pos < len(before) < end:
            # A token across the break means a cut word only if reading the two lines
            # apart takes more words (エネルギー|省エネルギー must not read as エネルギー省).
            apart_before, apart_after = _tokens(before), _tokens(after)
            if len(apart_before) + len(apart_after) > len(toks):
                return "inside"
            if _katakana(surface) and (apart_before[-1][1] == "OOV" or apart_after[0][1] == "OOV"):
                return "inside"  # a loanword cut in two: one half is not a word
            return "boundary"
        if end == len(before):
            prev_pos = p
        if pos == len(before):
            alone = _tokens(after)
            starts_bound = p in _JOINING_POS_START and bool(alone) and alone[0][0] == surface
            if starts_bound or prev_pos in _JOINING_POS_END:
                return "continues"
            return "boundary"
        pos = end
    return "unknown"
