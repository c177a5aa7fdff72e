"""One small generated PDF per hazard (tests/fixtures/extractors/make_fixtures.py)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from extractors import extract_document, to_csv
from extractors.errors import EncryptedPDF, ExtractionError, NoTable, NoTextLayer, NotAPDF
from extractors.text_compare import same_strict
from normalizers.project import decided_cells

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "extractors"


@lru_cache(maxsize=None)
def _extract(name: str):
    return extract_document(FIX / f"{name}.pdf")


def _check_against_truth(name: str):
    doc = _extract(name)
    truth = json.loads((FIX / f"{name}.json").read_text(encoding="utf-8"))
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.header == truth["columns"]
    assert len(table.rows) == len(truth["rows"])
    for got, want in zip(table.rows, truth["rows"]):
        assert got.section == want["section"]
        # the cell as read: printed lines, their ends decided by normalizers.line_ends
        for g, w in zip(decided_cells(table.header, got.lines), want["cells"]):
            assert same_strict(g, w), (g, w)
    return table


@pytest.mark.parametrize(
    "name",
    [
        "header_first_page_only",
        "row_split_across_pages",
        "thin_rect_borders",
        "shifted_baseline_glyphs",
        "latin_wrap",
        "fullwidth_spaces",
        "section_rows",
        "footer_page_numbers",
        "narrow_columns",
        "a3_portrait",
        "cover_page_and_appendix",
        "footnote_below_table",
        "double_rules",
        "misaligned_rules",
        "shaded_header",
        "two_row_list",
        "long_list_a3_landscape",
    ],
)
def test_fixture_matches_truth(name):
    _check_against_truth(name)


def test_header_only_on_first_page_still_one_table():
    table = _check_against_truth("header_first_page_only")
    assert table.pages == [1, 2]
    assert any(r.pages == [2] for r in table.rows)


def test_row_split_across_pages_is_one_row_on_two_pages():
    table = _check_against_truth("row_split_across_pages")
    split = [r for r in table.rows if len(r.pages) == 2]
    assert len(split) == 1 and split[0].cells[0] == "9"


def test_shifted_glyphs_land_in_their_line_in_reading_order():
    cell = _check_against_truth("shifted_baseline_glyphs").rows[0].cells[4]
    assert "\n① 再エネ" in cell and "（富山市―レンカ区連携事業）" in cell


def test_fullwidth_spaces_kept_exactly():
    row = _check_against_truth("fullwidth_spaces").rows[0]
    assert row.cells[1] == "公益財団法人\u3000地球環境戦略研究機関"
    assert "Solution\u3000Alliance" in row.cells[4]


def test_latin_wrap_joined_with_one_space():
    row = _check_against_truth("latin_wrap").rows[0]
    assert "Kansai Energy Solutions (Vietnam) Co., Ltd." in row.cells[2].split("\n")


def test_footer_numbers_are_not_text_of_any_cell():
    text = json.dumps(_extract("footer_page_numbers").to_dict(), ensure_ascii=False)
    assert "- 1 -" not in text and "- 2 -" not in text


def test_sections_become_row_section_and_csv_column():
    doc = _extract("section_rows")
    csv_text = to_csv(doc)
    assert csv_text.splitlines()[0] == "section,No.,事業名,実施主体,共同事業者,国"
    assert csv_text.splitlines()[1].startswith("福島市ーミャンマー連邦共和国ザガイン管区連携事業,01,")


def test_cover_and_appendix_are_not_rows():
    table = _check_against_truth("cover_page_and_appendix")
    assert table.pages == [2]
    text = json.dumps(_extract("cover_page_and_appendix").to_dict(), ensure_ascii=False)
    for printed in (
        "採択案件一覧",
        "令和5年6月1日",
        "二国間クレジット制度",
        "お問い合わせ先",
        "03-0000-0000",
    ):
        assert printed not in text


def test_footnotes_below_the_table_are_not_cell_text():
    table = _check_against_truth("footnote_below_table")
    assert table.pages == [1, 2]
    text = json.dumps(_extract("footnote_below_table").to_dict(), ensure_ascii=False)
    assert "※" not in text and "*1" not in text and "応募時点" not in text


@pytest.mark.parametrize("name", ["double_rules", "misaligned_rules", "shaded_header"])
def test_drawn_borders_give_the_plain_grid(name):
    table = _check_against_truth(name)
    assert len(table.header) == 5 and all(table.header)
    assert all(len(r.cells) == 5 and all(r.cells) for r in table.rows)


def test_row_counts_exact_on_short_and_long_lists():
    assert len(_check_against_truth("two_row_list").rows) == 2
    table = _check_against_truth("long_list_a3_landscape")
    assert len(table.rows) == 25 and table.pages == [1, 2]
    assert [r.cells[0] for r in table.rows] == [str(i) for i in range(1, 26)]


@pytest.mark.parametrize(
    "name,error,reason",
    [
        ("no_table", NoTable, "no ruled table"),
        ("image_only", NoTextLayer, "no text layer; OCR not supported"),
        ("encrypted", EncryptedPDF, "encrypted"),
        ("not_a_pdf", NotAPDF, "not a PDF"),
    ],
)
def test_errors_name_file_and_reason(name, error, reason):
    path = FIX / f"{name}.pdf"
    with pytest.raises(error) as exc:
        extract_document(path)
    assert exc.value.path == str(path)
    assert reason in exc.value.reason
    assert isinstance(exc.value, ExtractionError)


def test_missing_and_truncated_files_raise_extraction_error(tmp_path):
    with pytest.raises(ExtractionError):
        extract_document(tmp_path / "missing.pdf")
    broken = tmp_path / "truncated.pdf"
    broken.write_bytes((FIX / "thin_rect_borders.pdf").read_bytes()[:300])
    with pytest.raises(ExtractionError) as exc:
        extract_document(broken)
    assert type(exc.value).__module__ == "extractors.errors"


def test_cross_check_with_camelot_agrees_on_a_sample():
    root = Path(__file__).resolve().parents[2]
    doc = extract_document(root / "pipelines" / "demo" / "samples" / "fy2019_r1_xlsx.pdf", cross_check=True)
    assert doc.crosscheck.agreement == 1.0 and doc.crosscheck_agreement == 1.0
    assert doc.to_dict()["crosscheck"]["agreement"] == 1.0


@pytest.mark.parametrize("name", ["row_fragment_without_closing_rule", "row_fragment_without_header_or_rule"])
def test_row_fragment_below_the_last_rule_is_part_of_its_row(name):
    # printed by Chromium: the row cut by the page break has no rule under its first
    # fragment (and, without a repeated header, none above its rest)
    doc = _extract(name)
    truth = json.loads((FIX / f"{name}.json").read_text(encoding="utf-8"))
    table = doc.tables[0]
    assert [r.cells[0] for r in table.rows] == [r["cells"][0] for r in truth["rows"]]
    split = [r for r in table.rows if len(r.pages) > 1]
    assert len(split) == 1 and split[0].pages == [1, 2]
    for got, want in zip(table.rows, truth["rows"]):
        for col, g, w in zip(table.header, decided_cells(table.header, got.lines), want["cells"]):
            assert same_strict(g, w), (col, g, w)
    assert not doc.problems


def test_fragment_that_continues_no_row_is_reported():
    from extractors.logical_table import join_pages
    from extractors.page_table import PageRow, PageTable
    from extractors.text_layer import Glyph, TextLine

    def line(text, x, y):
        glyphs = [Glyph(ch, x + 8 * i, x + 8 * (i + 1), y, y + 8, 8.0, "F") for i, ch in enumerate(text)]
        return TextLine(glyphs, y, y + 8)

    xs = [0.0, 40.0, 200.0]
    head = PageRow(0, 20, False, [[line("番号", 2, 5)], [line("事業名", 42, 5)]])
    one = PageRow(20, 40, False, [[line("1", 2, 25)], [line("事業A", 42, 25)]])
    p1 = PageTable(1, xs, 0, 40, 2.0, 10.0, [head, one])
    # page 2 starts with a fragment drawn without a rule above it, while row 1 was closed
    stray = PageRow(0, 20, False, [[line("2", 2, 5)], [line("事業B", 42, 5)]], open_top=True)
    p2 = PageTable(2, xs, 0, 20, 2.0, 10.0, [stray])
    problems: list[str] = []
    tables = join_pages([p1, p2], {1: 1, 2: 1}, problems)
    assert [r.cells for r in tables[0].rows] == [["1", "事業A"], ["2", "事業B"]]  # kept, not lost
    assert problems and problems[0].startswith("page 2:")


TRUTH = FIX.parents[0] / "truth"


@pytest.mark.parametrize(
    "name,truth",
    [
        # printed by reportlab platypus (the layout-fuzz benchmark's rl_platypus-fy2023_r1-0014 and
        # rl_platypus-fy2019_r1-0002): the piece of a row split at a page end is drawn as a table of
        # its own, 6 pt to the left, with the header repeated above it and no rule under that header
        ("split_row_piece_shifted_header_repeated", "fy2023_r1"),
        ("split_row_piece_shifted_group_rows", "fy2019_r1"),
    ],
)
def test_split_row_piece_drawn_shifted_is_one_row(name, truth):
    doc = _extract(name)
    want = json.loads((TRUTH / f"{truth}.json").read_text(encoding="utf-8"))
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.header == want["columns"]
    first = want["columns"][0]
    assert [r.cells[0] for r in table.rows] == [r["cells"][first] for r in want["rows"]]
    assert any(len(r.pages) > 1 for r in table.rows)
    for got, row in zip(table.rows, want["rows"]):
        assert got.section == row.get("group")
        cells = decided_cells(table.header, got.lines)
        for col in ("提案者", "実施主体（代表事業者）", "対象国", "国"):
            if col in table.header:
                j = table.header.index(col)
                assert same_strict(cells[j], row["cells"][col]), (col, cells[j])
