"""How two readings of a cell are compared.

strict: exact text, except that white space between two Japanese characters is
insignificant (a space typed where a line wraps leaves no trace in a PDF).
lenient: NFKC and all white space removed, for readers that do not keep line breaks.
"""

from __future__ import annotations

import re
import unicodedata

_WS = "[ \\t\\u3000\\u00a0]"
_JA = "[^\\x00-\\u1fff\\s]"
_JA_GAP = re.compile(f"(?<={_JA}){_WS}+(?={_JA})")
_ALL_WS = re.compile(r"\s+")


def strict_key(text: str) -> str:
    return _JA_GAP.sub("", text or "")


def lenient_key(text: str) -> str:
    return _ALL_WS.sub("", unicodedata.normalize("NFKC", text or ""))


def same_strict(a: str, b: str) -> bool:
    return strict_key(a) == strict_key(b)


def same_lenient(a: str, b: str) -> bool:
    return lenient_key(a) == lenient_key(b)
