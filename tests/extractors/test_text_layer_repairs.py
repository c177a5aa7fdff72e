"""Code points a text layer gives for glyphs printed as something else (extractors.code_points)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from extractors import extract_document
from extractors.code_points import repair
from extractors.text_compare import same_strict
from normalizers.project import decided_cells

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "extractors"
RADICAL_BLOCKS = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF))


@pytest.mark.parametrize(
    "printed,meant",
    [
        ("対象都市\u2027地域", "対象都市・地域"),  # U+2027 HYPHENATION POINT for the middle dot
        ("\u2ed1期", "長期"),  # CJK Radicals Supplement U+2ED1 -> 長 U+9577
        ("市\u2ea0", "市民"),  # U+2EA0 -> 民
        ("\u2ec4区", "西区"),  # U+2EC4 -> 西
        ("\u2f47本", "日本"),  # Kangxi radical U+2F47 -> 日 (NFKC would too; the extractor does not NFKC)
        ("東京都\u2003環境局", "東京都\u3000環境局"),  # EM SPACE: the glyph of U+3000 in CJK fonts
    ],
)
def test_each_repair(printed, meant):
    assert repair(printed) == meant


def test_other_text_untouched():
    text = "Nature-based-solution ①（株）⽂ー・"
    assert repair(text) == text.replace("⽂", "文")
    assert repair("ABC 123") == "ABC 123"


@lru_cache(maxsize=None)
def _extract(name: str):
    return extract_document(FIX / f"{name}.pdf")


def test_browser_rendering_header_recognised_and_no_radicals_left():
    # printed by headless Chromium: its text layer says 「対象都市‧地域」, ⻑, ⺠, ⻄, ⽇, ...
    doc = _extract("chromium_text_layer")
    truth = json.loads((FIX / "chromium_text_layer.json").read_text(encoding="utf-8"))
    table = doc.tables[0]
    assert table.header == truth["columns"]
    text = json.dumps(doc.to_dict(), ensure_ascii=False)
    assert not [c for c in text if any(a <= ord(c) <= b for a, b in RADICAL_BLOCKS)]
    assert "\u2027" not in text and "\u2003" not in text
    for got, want in zip(table.rows, truth["rows"]):
        for g, w in zip(decided_cells(table.header, got.lines), want["cells"]):
            assert same_strict(g, w), (g, w)
