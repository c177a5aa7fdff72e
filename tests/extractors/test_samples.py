"""The three sample lists against their ground truth, cell by cell (strict comparison)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from extractors import extract_document
from extractors.text_compare import same_strict, strict_key
from normalizers.project import decided_cells

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "pipelines" / "demo" / "samples"
TRUTH = ROOT / "tests" / "fixtures" / "truth"

CASES = [
    ("fy2023_r1_xlsx.pdf", "fy2023_r1.json", 21),
    ("fy2023_r1_rl.pdf", "fy2023_r1.json", 21),
    ("fy2019_r1_xlsx.pdf", "fy2019_r1.json", 17),
]

# Cells whose printed form cannot carry the truth: the rl rendering wrapped
# "Solution　Alliance" exactly at a full-width space between two Latin words and drew
# no glyph for it, so nothing in the PDF says it was full-width. We join with the one
# ASCII space of a Latin wrap, unless the organisation is known (normalizers/data/
# known_organizations.csv) with its own spelling of that space.
NO_TRACE = {("fy2023_r1_rl.pdf", 10, "共同応募者"): ("Solution\u3000Alliance", "Solution Alliance")}


@lru_cache(maxsize=None)
def _extract(name: str):
    return extract_document(SAMPLES / name)


def _truth(name: str) -> dict:
    return json.loads((TRUTH / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("pdf,truth,nrows", CASES, ids=[c[0] for c in CASES])
def test_one_table_with_truth_header_and_rows(pdf, truth, nrows):
    doc = _extract(pdf)
    t = _truth(truth)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.header == t["columns"]
    assert len(table.rows) == nrows == len(t["rows"])


@pytest.mark.parametrize("pdf,truth,nrows", CASES, ids=[c[0] for c in CASES])
def test_every_cell_strictly_equal(pdf, truth, nrows):
    # the cell as read: the extractor's printed lines, their ends decided by normalizers.line_ends
    table = _extract(pdf).tables[0]
    t = _truth(truth)
    wrong = []
    for i, (row, want) in enumerate(zip(table.rows, t["rows"]), start=1):
        for col, got in zip(table.header, decided_cells(table.header, row.lines)):
            expected = want["cells"][col]
            if (pdf, i, col) in NO_TRACE and not same_strict(got, expected):
                printed, ours = NO_TRACE[(pdf, i, col)]
                expected = expected.replace(printed, ours)
            if not same_strict(got, expected):
                wrong.append((i, col, got, expected))
    assert not wrong, wrong[:3]


def _bare(text: str) -> str:
    return strict_key(text).replace(" ", "").replace("\u3000", "")


@pytest.mark.parametrize("pdf,truth,nrows", CASES, ids=[c[0] for c in CASES])
def test_printed_lines_hold_every_glyph_and_every_break(pdf, truth, nrows):
    # the extractor's report: the cell's text line by line, nothing lost, one verdict per
    # line end, and every line break of the truth at the end of a printed line
    table = _extract(pdf).tables[0]
    t = _truth(truth)
    for row, want in zip(table.rows, t["rows"]):
        for col, cell in zip(table.header, row.lines):
            expected = want["cells"][col]
            assert len(cell.ends) == max(len(cell.lines) - 1, 0)
            assert _bare("".join(cell.lines)) == _bare(expected.replace("\n", "")), (col, cell)
            line_ends, pos = set(), 0
            for line in cell.lines:
                pos += len(_bare(line))
                line_ends.add(pos)
            pos = 0
            for paragraph in expected.split("\n"):
                pos += len(_bare(paragraph))
                assert pos in line_ends or pos == 0, (col, paragraph, cell)


@pytest.mark.parametrize("pdf,truth,nrows", CASES, ids=[c[0] for c in CASES])
def test_sections_are_group_rows_not_rows(pdf, truth, nrows):
    table = _extract(pdf).tables[0]
    t = _truth(truth)
    for row, want in zip(table.rows, t["rows"]):
        assert row.section == want.get("group")
    groups = {r.get("group") for r in t["rows"]} - {None}
    assert not any(row.cells[1] in groups for row in table.rows)


def test_rows_cut_by_a_page_break_list_both_pages():
    table = _extract("fy2023_r1_rl.pdf").tables[0]
    split = [r for r in table.rows if len(r.pages) > 1]
    assert split, "the rl rendering breaks rows across pages"
    for r in split:
        assert r.pages == sorted(r.pages) and len(r.bboxes) == len(r.pages)
    assert table.pages == [1, 2, 3, 4, 5]


def test_appendix_and_footer_text_are_not_rows():
    for pdf in ("fy2023_r1_xlsx.pdf", "fy2023_r1_rl.pdf"):
        doc = _extract(pdf)
        text = json.dumps(doc.to_dict(), ensure_ascii=False)
        assert "二国間クレジット制度" not in text
        assert "- 1 -" not in text
