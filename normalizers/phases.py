"""The phase of a project, as its 事業名 or 事業概要 states it (「（フェーズ2）」, 「フェーズ2事業として」,
「Phase II」, 「第2フェーズ」).

A continued collaboration is often adopted again as a later phase. Only the word フェーズ /
Phase counts: 「第2期」 and 「段階」 name many other things (a city's 第2期 climate plan). The
project name's statement wins; else the highest phase the summary mentions (a summary that
builds on phase 1 says so before naming phase 2). None when neither states one.
"""

from __future__ import annotations

import re

from .text import clean

_NUMBER = r"(\d{1,2}|IV|I{1,3}|V|[一二三四五])"
_PHASE = re.compile(rf"(?:フェーズ|phase)\s*-?\s*{_NUMBER}(?![\dA-Za-z])|第\s*{_NUMBER}\s*フェーズ", re.I)
_VALUES = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5}


def phases_in(text: str | None) -> list[int]:
    """Every phase number the text states, in order."""
    out = []
    for m in _PHASE.finditer(clean(text or "")):
        token = (m.group(1) or m.group(2)).upper()
        out.append(int(token) if token.isdigit() else _VALUES[token])
    return out


def stated_phase(project_name: str | None, summary: str | None) -> int | None:
    """The project's phase: the one its name states, else the highest its summary states."""
    named = phases_in(project_name)
    if named:
        return named[-1]
    described = phases_in(summary)
    return max(described) if described else None
