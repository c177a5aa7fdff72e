"""Records of one list: ids, tables, organisations across lists."""

from __future__ import annotations

import copy

import pytest

from extractors import extract_document
from normalizers.text import drop_cjk_spaces
from pipelines.warehouse.records import (
    ListError,
    SchemaMismatch,
    build_records,
    merge_organizations,
    with_activity,
)
from tests.conftest import COUNTRY, sample_pdf, truth


@pytest.fixture(scope="module")
def fy2023():
    doc = extract_document(sample_pdf("fy2023_r1_xlsx.pdf"))
    return build_records(doc, fiscal_year=2023, call_round=1, source_id="src_a", sha256="f" * 64)


def test_project_ids_are_year_round_and_list_number(fy2023):
    ids = [p["project_id"] for p in fy2023.tables["projects"]]
    assert ids == [f"2023-1-{n:02d}" for n in range(1, 22)]


def test_same_list_gives_the_same_records_every_time(fy2023):
    again = build_records(
        extract_document(sample_pdf("fy2023_r1_xlsx.pdf")),
        fiscal_year=2023,
        call_round=1,
        source_id="src_a",
        sha256="f" * 64,
    )
    assert again.tables == fy2023.tables and again.organizations == fy2023.organizations


# The rl rendering wrapped "Solution　Alliance" exactly at the full-width space and drew no
# glyph for it: nothing in the PDF says the space was full-width, so one ASCII space is read.
NO_TRACE = {("fy2023_r1_rl.pdf", 10): ("Solution Alliance", "Solution　Alliance")}


SAMPLES = [
    ("fy2023_r1_xlsx.pdf", "fy2023_r1", 2023),
    ("fy2023_r1_rl.pdf", "fy2023_r1", 2023),
    ("fy2019_r1_xlsx.pdf", "fy2019_r1", 2019),
]


def _of(records, table, pid, *columns):
    return [
        tuple(r[c] for c in columns) if len(columns) > 1 else r[columns[0]]
        for r in records.tables[table]
        if r["project_id"] == pid
    ]


@pytest.mark.parametrize("pdf, truth_name, year", SAMPLES)
def test_entities_from_the_pdf_follow_the_truth(pdf, truth_name, year):
    """From the PDF through extraction and normalisation: every entity of every row."""
    records = build_records(
        extract_document(sample_pdf(pdf)), fiscal_year=year, call_round=1, source_id="src_a", sha256="f" * 64
    )
    rows = truth(truth_name)["rows"]
    assert len(records.tables["projects"]) == len(rows)
    for row, project in zip(rows, records.tables["projects"]):
        pid = project["project_id"]
        assert project["list_no"] == row["no"]
        assert drop_cjk_spaces(project["proposer_name_raw"]) == drop_cjk_spaces(row["proposer"])
        assert project["country_code"] == COUNTRY[row["country"]], pid
        assert project["group_name"] == row.get("group"), pid
        got = _of(records, "participants", pid, "name_raw", "role")
        if (pdf, row["no"]) in NO_TRACE:  # see NO_TRACE
            got = [(n.replace(*NO_TRACE[pdf, row["no"]]), r) for n, r in got]
        want = [(p["name"], p["role"]) for p in row["participants"]]
        # printed text, compared with white space between Japanese characters insignificant
        assert [(drop_cjk_spaces(n), r) for n, r in got] == [(drop_cjk_spaces(n), r) for n, r in want], pid
        cities = _of(records, "domestic_cities", pid, "name", "lg_code")
        assert [c for c, _ in cities] == row["domestic_cities"], pid
        assert all(code and len(code) == 6 for _, code in cities), pid
        assert _of(records, "partner_cities", pid, "name_raw") == row["target_cities"], pid
        assert all(_of(records, "partner_cities", pid, "country_code")), pid
        if "target_fields" in row:
            assert _of(records, "project_fields", pid, "field_raw") == row["target_fields"], pid
            for raw, code in _of(records, "project_fields", pid, "field_raw", "field_code"):
                assert (code == "other") == (raw == "その他"), (pid, raw, code)


def test_every_alias_is_kept_across_lists(fy2023):
    doc2019 = extract_document(sample_pdf("fy2019_r1_xlsx.pdf"))
    fy2019 = build_records(doc2019, fiscal_year=2019, call_round=1, source_id="src_b", sha256="e" * 64)
    both = {t: fy2023.tables[t] + fy2019.tables[t] for t in ("projects", "participants")}
    merged = {
        o["org_id"]: o
        for o in with_activity(
            merge_organizations([fy2023.organizations, fy2019.organizations]),
            both["projects"],
            both["participants"],
        )
    }
    koei = [o for o in merged.values() if o["name"] == "日本工営株式会社"]
    assert len(koei) == 1
    assert {"日本工営株式会社", "日本工営(株)"} <= set(koei[0]["aliases"])
    # the first year is not a filter: 日本工営 proposes 7 projects in FY2019 and 6 in FY2023
    assert (koei[0]["first_fiscal_year"], koei[0]["last_fiscal_year"]) == (2019, 2023)
    assert (koei[0]["projects_as_proposer"], koei[0]["projects_as_participant"]) == (13, 1)
    assert koei[0]["project_count"] == 14
    iges = [o for o in merged.values() if o["name"].startswith("公益財団法人地球環境戦略研究機関")]
    assert len(iges) == 1 and len(iges[0]["aliases"]) >= 3


def test_duplicate_list_numbers_are_refused():
    doc = extract_document(sample_pdf("fy2019_r1_xlsx.pdf"))
    doc.tables[0].rows[1].cells[0] = "01"
    with pytest.raises(ListError, match="duplicate list numbers: 1"):
        build_records(doc, fiscal_year=2019, call_round=1, source_id="s", sha256="0" * 64)


def test_a_table_that_is_not_the_list_is_skipped_with_a_warning():
    doc = extract_document(sample_pdf("fy2019_r1_xlsx.pdf"))
    other = copy.deepcopy(doc.tables[0])
    other.header = ["お問い合わせ先", "電話", *other.header[2:]]
    other.pages = [3]
    doc.tables.append(other)
    records = build_records(doc, fiscal_year=2019, call_round=1, source_id="s", sha256="0" * 64)
    assert records.rows_extracted == 17
    [warning] = records.warnings
    assert warning.startswith("table on page(s) 3 with 17 row(s) skipped:")
    assert "お問い合わせ先" in warning


def _one_row_document(co_applicants):
    from extractors.cell_text import CellLines, default_text
    from extractors.model import Document, Row, Table

    header = ["番号", "提案者", "共同応募者", "事業名"]
    lines = [
        CellLines(["1"], []),
        CellLines(["株式会社テスト総研"], []),
        co_applicants,
        CellLines(["テスト事業"], []),
    ]
    row = Row([default_text(c) for c in lines], [3], None, [], lines)
    return Document("x.pdf", 3, [Table(header, [3], [row])])


def test_a_doubtful_line_end_is_published_and_listed_for_review():
    from extractors.cell_text import CellLines

    # the first line fits the cell exactly, and neither line is a known name: one name or two?
    cell = CellLines(["株式会社ミナミ", "北辰テクノ"], ["unsure"])
    recs = build_records(
        _one_row_document(cell), fiscal_year=2030, call_round=1, source_id="src_x", sha256="0" * 64
    )
    assert [p["name_raw"] for p in recs.tables["participants"]] == ["株式会社ミナミ北辰テクノ"]
    [note] = recs.tables["review"]
    assert note["project_id"] == "2030-1-01" and note["source_id"] == "src_x" and note["page"] == 3
    assert note["fiscal_year"] == 2030 and note["column_name"] == "共同応募者"
    assert note["printed_lines"] == ["株式会社ミナミ", "北辰テクノ"]
    assert note["chosen"] == "株式会社ミナミ北辰テクノ"
    assert note["alternative"] == "株式会社ミナミ\n北辰テクノ"
    assert "exactly" in note["reason"]


def test_sure_line_ends_are_not_listed_for_review():
    from extractors.cell_text import CellLines

    cell = CellLines(["株式会社ミナミ", "化成", "北辰テクノ株式会社"], ["wrapped", "broken"])
    recs = build_records(
        _one_row_document(cell), fiscal_year=2030, call_round=1, source_id="src_x", sha256="0" * 64
    )
    assert [p["name_raw"] for p in recs.tables["participants"]] == [
        "株式会社ミナミ化成",
        "北辰テクノ株式会社",
    ]
    assert recs.tables["review"] == []


@pytest.mark.parametrize("table", ["projects", "participants", "organizations"])
def test_a_column_added_to_the_schema_but_not_built_is_refused(monkeypatch, table):
    """records.py builds exactly the schema's columns: a new column nobody fills is an error
    naming it, not a column published as null."""
    from dataclasses import replace

    from pipelines.warehouse import schema

    spec = schema.TABLES[table]
    added = schema.Column("new_column", schema.S, "A column nobody builds yet.")
    monkeypatch.setitem(schema.TABLES, table, replace(spec, columns=(*spec.columns, added)))
    doc = extract_document(sample_pdf("fy2023_r1_xlsx.pdf"))
    with pytest.raises(SchemaMismatch, match=rf"{table}: rows built without column\(s\) \['new_column'\]"):
        records = build_records(doc, fiscal_year=2023, call_round=1, source_id="s", sha256="f" * 64)
        with_activity(
            merge_organizations([records.organizations]),
            records.tables["projects"],
            records.tables["participants"],
        )
