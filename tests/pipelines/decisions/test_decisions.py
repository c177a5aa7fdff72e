"""The analyst's decisions as data, through real refreshes: corrections (applied, stale),
organisations merged and kept apart, places, layouts. Lists: make_decision_lists.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from tests.conftest import write_sources

pytestmark = pytest.mark.usefixtures("prefect_harness")
LISTS = Path(__file__).parents[2] / "fixtures" / "pipelines"

BANDUNG_PRINTED = "バンドン市における省エネルギールギー促進事業"
BANDUNG_FIXED = "バンドン市における省エネルギー促進事業"
CORRECTION = f'''
# FY2024 row 2 prints ルギー twice
[[correction]]
fiscal_year = 2024
call_round = 1
list_no = 2
column = "project_name"
expected = "{BANDUNG_PRINTED}"
corrected = "{BANDUNG_FIXED}"
reason = "typo in the list: ルギー printed twice"
'''


def serve(site_root: Path, fixture: str, as_name: str) -> str:
    shutil.copy(LISTS / fixture, site_root / "content" / as_name)
    return f"/content/{as_name}"


def refresh(site, data_dir: Path, tmp_path: Path, lists: dict[int, str], *extra: str):
    sources = write_sources(
        tmp_path / "sources.toml",
        [{"url": site.url + path, "fiscal_year": year} for year, path in sorted(lists.items())],
    )
    return CliRunner().invoke(
        main, ["refresh", "--sources", str(sources), "--data-dir", str(data_dir), "--no-cross-check", *extra]
    )


def rows(data_dir: Path, sql: str, *params) -> list[tuple]:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_correction_applied_on_every_refresh_then_stale_when_the_list_is_republished(
    site, site_root, data_dir, tmp_path
):
    data_dir.mkdir()
    (data_dir / "corrections.toml").write_text(CORRECTION, encoding="utf-8")
    lists = {2024: serve(site_root, "decisions_list.pdf", "list2024.pdf")}
    first = refresh(site, data_dir, tmp_path, lists)
    assert first.exit_code == 0, first.output
    assert rows(
        data_dir,
        "SELECT project_name, project_name_raw, project_name_norm FROM projects"
        " WHERE project_id = '2024-1-02'",
    ) == [(BANDUNG_FIXED, BANDUNG_PRINTED, BANDUNG_FIXED)]
    assert rows(
        data_dir,
        "SELECT status, printed_value, corrected_value, reason, decision_line,"
        " page_first FROM corrections_applied",
    ) == [("applied", BANDUNG_PRINTED, BANDUNG_FIXED, "typo in the list: ルギー printed twice", 3, 1)]
    assert (data_dir / "curated" / "corrections_applied" / "corrections_applied.parquet").is_file()

    # the ministry re-publishes the list with its own fix: the correction no longer applies
    serve(site_root, "decisions_list_republished.pdf", "list2024.pdf")
    second = refresh(site, data_dir, tmp_path, lists)
    assert second.exit_code == 0, second.output
    republished = "バンドン市における省エネルギー促進事業（改訂）"
    assert rows(
        data_dir, "SELECT project_name, project_name_raw FROM projects WHERE project_id = '2024-1-02'"
    ) == [(republished, republished)]
    assert rows(data_dir, "SELECT status, printed_value FROM corrections_applied") == [("stale", republished)]
    assert "stale correction" in second.output and republished in second.output


def test_a_new_correction_is_a_change_even_when_no_pdf_changed(site, site_root, data_dir, tmp_path):
    lists = {2024: serve(site_root, "decisions_list.pdf", "list2024.pdf")}
    assert refresh(site, data_dir, tmp_path, lists).exit_code == 0
    assert refresh(site, data_dir, tmp_path, lists).output.startswith("nothing changed")
    (data_dir / "corrections.toml").write_text(CORRECTION, encoding="utf-8")
    again = refresh(site, data_dir, tmp_path, lists)
    assert again.exit_code == 0 and "nothing changed" not in again.output
    assert rows(data_dir, "SELECT project_name FROM projects WHERE project_id = '2024-1-02'") == [
        (BANDUNG_FIXED,)
    ]


def test_refresh_only_another_list_keeps_the_corrections_of_the_untouched_one(
    site, site_root, data_dir, tmp_path
):
    data_dir.mkdir()
    (data_dir / "corrections.toml").write_text(CORRECTION, encoding="utf-8")
    lists = {
        2024: serve(site_root, "decisions_list.pdf", "list2024.pdf"),
        2025: serve(site_root, "decisions_next_year.pdf", "list2025.pdf"),
    }
    assert refresh(site, data_dir, tmp_path, lists).exit_code == 0
    result = refresh(site, data_dir, tmp_path, lists, "--only", "2025-1")
    assert result.exit_code == 0, result.output
    assert rows(data_dir, "SELECT fiscal_year, status FROM corrections_applied") == [(2024, "applied")]
    assert rows(data_dir, "SELECT project_name FROM projects WHERE project_id = '2024-1-02'") == [
        (BANDUNG_FIXED,)
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        (
            '[[correction]]\nfiscal_year = 2024\nlist_no = 2\ncolumn = "budget"\nexpected = "a"\n'
            'corrected = "b"\nreason = "r"\n',
            "corrections.toml:1: column 'budget' cannot be corrected",
        ),
        (
            '\n\n[[correction]]\nfiscal_year = 2024\nlist_no = 2\nentity = "participants"\n'
            'expected = "a"\ncorrected = "b"\nreason = "r"\n',
            "corrections.toml:3: missing 'seq'",
        ),
        ("[[correction]\n", "corrections.toml:1: not valid TOML"),
    ],
)
def test_bad_corrections_file_is_one_line_naming_file_and_line(data_dir, tmp_path, text, message):
    data_dir.mkdir()
    (data_dir / "corrections.toml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["refresh", "--data-dir", str(data_dir), "--no-discover"])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (data_dir / "warehouse.duckdb").exists()


def test_corrections_file_path_is_configurable(site, site_root, data_dir, tmp_path):
    elsewhere = tmp_path / "analyst" / "fixes.toml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(CORRECTION, encoding="utf-8")
    lists = {2024: serve(site_root, "decisions_list.pdf", "list2024.pdf")}
    result = refresh(site, data_dir, tmp_path, lists, "--corrections", str(elsewhere))
    assert result.exit_code == 0, result.output
    assert rows(data_dir, "SELECT decision_file, status FROM corrections_applied") == [
        (str(elsewhere), "applied")
    ]


ORG_IDS = "SELECT name, org_id FROM organizations"
ORGANIZATIONS = """
[[organization]]
name = "日本工営株式会社"
name_en = "Nippon Koei Co., Ltd."
same = ["Nippon Koei Co., Ltd."]       # the English spelling in row 2 is the same company

[[organization]]
name = "一般社団法人海外環境協力センター"
not_same = ["公益社団法人海外環境協力センター"]   # same words, another legal person
"""


def test_organisation_merge_and_split_keep_every_other_id(site, site_root, data_dir, tmp_path):
    lists = {2024: serve(site_root, "decisions_list.pdf", "list2024.pdf")}
    assert refresh(site, data_dir, tmp_path, lists).exit_code == 0
    before = dict(rows(data_dir, ORG_IDS))
    koei, english = before["日本工営株式会社"], before["Nippon Koei Co., Ltd."]
    assert koei != english  # the rules cannot tell
    oecc = before["一般社団法人海外環境協力センター"]
    assert "公益社団法人海外環境協力センター" not in before  # the rules merged it: one org_id
    assert rows(data_dir, "SELECT proposer_org_id FROM projects WHERE list_no = 3") == [(oecc,)]

    (data_dir / "organizations.toml").write_text(ORGANIZATIONS, encoding="utf-8")
    result = refresh(site, data_dir, tmp_path, lists)
    assert result.exit_code == 0, result.output
    after = dict(rows(data_dir, ORG_IDS))
    # merge: the English spelling takes 日本工営's id, which does not change
    assert "Nippon Koei Co., Ltd." not in after and after["日本工営株式会社"] == koei
    assert rows(data_dir, "SELECT org_id FROM participants WHERE name_raw = 'Nippon Koei Co., Ltd.'") == [
        (koei,)
    ]
    assert rows(
        data_dir, "SELECT name_en, aliases, former_ids FROM organizations WHERE org_id = ?", koei
    ) == [("Nippon Koei Co., Ltd.", ["Nippon Koei Co., Ltd.", "日本工営株式会社"], [english])]
    # split: the 公益社団法人 gets its own id; the 一般社団法人 keeps its id
    kept_apart = after["公益社団法人海外環境協力センター"]
    assert after["一般社団法人海外環境協力センター"] == oecc and kept_apart != oecc
    assert rows(data_dir, "SELECT proposer_org_id FROM projects WHERE list_no = 3") == [(kept_apart,)]
    # every other organisation keeps its id
    untouched = {n: i for n, i in before.items() if n not in ("Nippon Koei Co., Ltd.",)}
    assert {n: after[n] for n in untouched} == untouched

    # an answered near match is not reported again
    assert "オリエンタルコンサルタンツグローバル" in result.output
    (data_dir / "organizations.toml").write_text(
        ORGANIZATIONS + '\n[[organization]]\nname = "株式会社オリエンタルコンサルタンツ"\n'
        'not_same = ["株式会社オリエンタルコンサルタンツグローバル"]\n',
        encoding="utf-8",
    )
    third = refresh(site, data_dir, tmp_path, lists)
    assert third.exit_code == 0 and "オリエンタルコンサルタンツグローバル" not in third.output
    assert dict(rows(data_dir, ORG_IDS)) == after


GAZETTEER = """name_ja,name_en,country_code,lat,lon,aliases,note
# an alias of a place the shipped gazetteer knows: its other columns are inherited
バリアブンタウ省,,,,,バリア=ブンタウ省,FY2025 prints the province with =
スラバヤ近郊ガプラ地区,Gapura district (Surabaya),ID,-7.2575,112.7521,,a new partner place
"""
PAIRS = (
    "SELECT partner_city, first_year, last_year, continued FROM v_city_pairs"
    " WHERE domestic_city = '堺市' ORDER BY ALL"
)


def test_place_decisions_merge_a_place_printed_two_ways_and_add_a_new_one(
    site, site_root, data_dir, tmp_path
):
    lists = {
        2024: serve(site_root, "decisions_list.pdf", "list2024.pdf"),
        2025: serve(site_root, "decisions_next_year.pdf", "list2025.pdf"),
    }
    first = refresh(site, data_dir, tmp_path, lists)
    assert first.exit_code == 0, first.output
    assert rows(data_dir, PAIRS) == [
        ("バリア=ブンタウ省", 2025, 2025, False),
        ("バリアブンタウ省", 2024, 2024, False),
    ]
    assert "スラバヤ近郊ガプラ地区" in first.output  # reported: not in the gazetteer
    assert rows(data_dir, "SELECT field_code FROM project_fields WHERE field_raw = 'グリーン水素'") == [
        ("other",)
    ]

    (data_dir / "gazetteer.csv").write_text(GAZETTEER, encoding="utf-8")
    (data_dir / "field_labels.csv").write_text(
        "label,field_code,note\nグリーン水素,hydrogen,\n", encoding="utf-8"
    )
    second = refresh(site, data_dir, tmp_path, lists)
    assert second.exit_code == 0, second.output
    assert rows(data_dir, PAIRS) == [("バリアブンタウ省", 2024, 2025, True)]
    assert rows(
        data_dir, "SELECT name_raw, name_en, country_code FROM partner_cities WHERE fiscal_year = 2025"
    ) == [("バリア=ブンタウ省", "Ba Ria-Vung Tau Province", "VN")]
    assert rows(
        data_dir,
        "SELECT name_ja, name_en, country_code, lat, lon FROM partner_cities"
        " WHERE name_raw = 'スラバヤ近郊ガプラ地区'",
    ) == [("スラバヤ近郊ガプラ地区", "Gapura district (Surabaya)", "ID", -7.2575, 112.7521)]
    assert "スラバヤ近郊ガプラ地区" not in second.output
    assert rows(data_dir, "SELECT field_code FROM project_fields WHERE field_raw = 'グリーン水素'") == [
        ("hydrogen",)
    ]


def test_list_with_an_unknown_header_publishes_once_a_layout_maps_it(site, site_root, data_dir, tmp_path):
    lists = {2025: serve(site_root, "unknown_header.pdf", "list2025.pdf")}
    first = refresh(site, data_dir, tmp_path, lists)
    assert first.exit_code == 1 and "予算額" in first.output and "layouts.csv" in first.output
    assert rows(data_dir, "SELECT status, rows_published FROM sources") == [("failed", 0)]

    (data_dir / "layouts.csv").write_text(
        "header,field,role,note\n予算額,ignore,,a budget column: not in the warehouse\n", encoding="utf-8"
    )
    second = refresh(site, data_dir, tmp_path, lists)
    assert second.exit_code == 0, second.output
    assert rows(data_dir, "SELECT status, rows_published FROM sources") == [("ok", 3)]
    assert rows(data_dir, "SELECT list_no, proposer_name_raw FROM projects ORDER BY 1")[0] == (
        1,
        "日本工営株式会社",
    )


def review(data_dir: Path, *args: str):
    return CliRunner().invoke(main, ["review", "--data-dir", str(data_dir), *args])


def open_questions(data_dir: Path) -> list[dict]:
    result = review(data_dir, "--format", "csv")
    assert result.exit_code == 0, result.output
    import csv
    import io

    return list(csv.DictReader(io.StringIO(result.output)))


STALE = """[[correction]]
fiscal_year = 2024
list_no = 1
column = "project_name"
expected = "脱炭素推進事業（案）"
corrected = "脱炭素推進事業"
reason = "an earlier printing carried （案）"
"""
KINDS = {
    "organization_near_duplicate",
    "organization_legal_forms_differ",
    "field_label_unmapped",
    "place_unknown",
    "correction_stale",
    "crosscheck_disagreement",
    "list_not_published",
}


def test_review_lists_every_kind_of_open_question_until_it_is_answered(site, site_root, data_dir, tmp_path):
    data_dir.mkdir()
    (data_dir / "corrections.toml").write_text(STALE, encoding="utf-8")
    shutil.copy(
        Path(__file__).parents[3] / "pipelines" / "demo" / "samples" / "fy2023_r1_rl.pdf",
        site_root / "content" / "list2023.pdf",
    )
    lists = {
        2023: "/content/list2023.pdf",
        2024: serve(site_root, "decisions_list.pdf", "list2024.pdf"),
        2025: serve(site_root, "unknown_header.pdf", "list2025.pdf"),
    }
    assert refresh(site, data_dir, tmp_path, lists, "--cross-check").exit_code == 1

    questions = open_questions(data_dir)
    assert {q["kind"] for q in questions} == KINDS
    by_printed = {q["printed"]: q for q in questions}
    place = by_printed["スラバヤ近郊ガプラ地区"]
    assert place["kind"] == "place_unknown" and place["file"].endswith("/list2024.pdf")
    assert place["page"] == "1" and "no. 3" in place["where"]
    assert by_printed["グリーン水素"]["kind"] == "field_label_unmapped"
    assert by_printed["予算額"]["kind"] == "list_not_published"
    assert by_printed["脱炭素推進事業"]["kind"] == "correction_stale"
    assert "株式会社オリエンタルコンサルタンツ ~ 株式会社オリエンタルコンサルタンツグローバル" in by_printed
    assert [
        q["printed"].split(" ~ ")[1] for q in questions if q["kind"] == "organization_legal_forms_differ"
    ] == ["公益社団法人海外環境協力センター"]
    crosscheck = [q for q in questions if q["kind"] == "crosscheck_disagreement"]
    assert crosscheck and all(q["file"].endswith("/list2023.pdf") and q["page"] for q in crosscheck)
    assert any("事業名" in q["where"] for q in crosscheck)

    for q in questions:
        if q["printed"] == "スラバヤ近郊ガプラ地区":
            args = ["accept", q["id"], "--name-en", "Gapura district (Surabaya)", "--country", "ID"]
        elif q["kind"] == "field_label_unmapped":
            args = ["accept", q["id"], "--code", "hydrogen"]
        elif q["kind"] == "list_not_published":
            args = ["accept", q["id"], "--field", "ignore"]
        elif q["kind"] == "crosscheck_disagreement" and "事業名" in q["where"]:
            args = ["accept", q["id"]]  # camelot is right: a correction of ours
        else:
            args = ["reject", q["id"]]
        result = review(data_dir, *args)
        assert result.exit_code == 0, (args, result.output)
    assert open_questions(data_dir) == []  # answered: not asked again, even before a refresh
    again = review(data_dir, "reject", questions[0]["id"])
    assert again.exit_code == 2 and "no open question" in again.output

    # the answers are decision files the next refresh applies; nothing is asked again
    after = refresh(site, data_dir, tmp_path, lists, "--cross-check")
    assert after.exit_code == 0, after.output
    assert open_questions(data_dir) == []
    assert rows(data_dir, "SELECT name_en FROM partner_cities WHERE name_raw = 'スラバヤ近郊ガプラ地区'") == [
        ("Gapura district (Surabaya)",)
    ]
    accepted = [q for q in crosscheck if "事業名" in q["where"]]
    assert rows(data_dir, "SELECT status, printed_value FROM corrections_applied") == [
        ("applied", q["printed"]) for q in accepted
    ]  # the rejected stale one is gone
    assert rows(data_dir, "SELECT rows_published FROM sources WHERE fiscal_year = 2025") == [(3,)]


def test_review_needs_no_prefect(data_dir, tmp_path):
    import subprocess
    import sys

    code = (
        "import sys; from click.testing import CliRunner; from pipelines.cli import main;"
        f"r = CliRunner().invoke(main, ['review', '--data-dir', {str(data_dir)!r}]);"
        "print(r.exit_code, 'prefect' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["2", "False"], out.stderr  # no warehouse yet: exit 2
