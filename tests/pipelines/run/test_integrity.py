"""What a list promises about itself, checked before it publishes (issue 14, item 3):
through the real CLI, a real local server and real Prefect runs."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from click.testing import CliRunner

from pipelines import settings
from pipelines.cli import main
from pipelines.run.integrity import check_list
from pipelines.sources.spec import SourceSpec
from tests.conftest import sample_pdf, with_page_content_damaged, write_sources


def refresh(site, data_dir, tmp_path, entries, *extra):
    sources = write_sources(tmp_path / "sources.toml", [{**e, "url": site.url + e["url"]} for e in entries])
    return CliRunner().invoke(
        main, ["refresh", "--sources", str(sources), "--data-dir", str(data_dir), *extra]
    )


def sql(data_dir, query):
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


SOURCES = (
    "SELECT fiscal_year, call_round, status, error, rows_published, review_needed,"
    " review_reasons FROM sources ORDER BY 1, 2"
)


@pytest.mark.usefixtures("prefect_harness")
def test_last_years_list_at_this_years_url_is_quarantined_and_the_list_stays(
    site, site_root, data_dir, tmp_path
):
    entry = [{"url": "/content/list.pdf", "fiscal_year": 2023, "call_round": 1}]
    shutil.copy(sample_pdf("fy2023_r1_xlsx.pdf"), site_root / "content" / "list.pdf")
    first = refresh(site, data_dir, tmp_path, entry, "--no-cross-check")
    assert first.exit_code == 0, first.output
    assert sql(data_dir, SOURCES) == [(2023, 1, "ok", None, 21, False, [])]

    shutil.copy(sample_pdf("fy2019_r1_xlsx.pdf"), site_root / "content" / "list.pdf")
    second = refresh(site, data_dir, tmp_path, entry, "--no-cross-check")
    assert second.exit_code == 1, second.output
    [(_, _, status, error, published, _, _)] = sql(data_dir, SOURCES)
    assert status == "quarantined" and published == 21
    assert error.startswith("the title names FY2019, not FY2023: 「令和元年度低炭素社会")
    assert f"reason: {error}" in second.output
    assert sql(data_dir, "SELECT count(*), min(fiscal_year) FROM projects") == [(21, 2023)]


@pytest.mark.usefixtures("prefect_harness")
def test_a_damaged_page_loses_rows_never_silently(site, site_root, data_dir, tmp_path):
    sample = sample_pdf("fy2019_r1_xlsx.pdf").read_bytes()
    (site_root / "content" / "first_lost.pdf").write_bytes(with_page_content_damaged(sample, 1))
    (site_root / "content" / "last_lost.pdf").write_bytes(with_page_content_damaged(sample, 2))
    result = refresh(
        site,
        data_dir,
        tmp_path,
        [
            {"url": "/content/first_lost.pdf", "fiscal_year": 2019, "call_round": 1},
            {"url": "/content/last_lost.pdf", "fiscal_year": 2019, "call_round": 2},
        ],
        "--no-cross-check",
    )
    assert result.exit_code == 1, result.output
    repaired = "damaged PDF, read after the parser's repairs: corrupt compressed stream: its content is lost"
    [first, last] = sql(data_dir, SOURCES)
    # rows 1-10 were on the lost page: the numbers 11…17 of seven rows break the promise
    assert first == (
        2019,
        1,
        "quarantined",
        "list numbers are not 1…7: missing 1–10; beyond 7 rows: 11–17 (rows lost or misread)",
        0,
        False,
        [],
    )
    # numbers 1…10 keep it: published, but flagged with the reason
    assert last == (2019, 2, "ok", None, 10, True, [repaired])
    assert f"review: {repaired}" in result.output
    assert sql(data_dir, "SELECT call_round, count(*) FROM projects GROUP BY 1") == [(2, 10)]


@pytest.mark.usefixtures("prefect_harness")
def test_a_cross_check_below_the_floor_quarantines(site, data_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "CROSSCHECK_FLOOR", 0.999)  # the sample agrees on 99.5 %
    result = refresh(
        site, data_dir, tmp_path, [{"url": "/content/fy2023_r1_rl.pdf", "fiscal_year": 2023, "call_round": 1}]
    )
    assert result.exit_code == 1, result.output
    [(_, _, status, error, published, _, _)] = sql(data_dir, SOURCES)
    assert (status, published) == ("quarantined", 0)
    assert error == "cross-check: camelot agrees on only 99.5% of cells (at least 100% required)"


SPEC = SourceSpec("http://x/list.pdf", 2023, 2)
DOC = {"repairs": [], "problems": []}


@pytest.mark.parametrize(
    "title, quarantine, review",
    [
        ("令和５年度脱炭素社会実現のための都市間連携事業委託業務 採択事業一覧（2次公募）", [], []),
        (
            "令和５年度 都市間連携事業 採択事業一覧（1次公募）",
            ["the title names round 1, not 2: 「令和５年度 都市間連携事業 採択事業一覧（1次公募）」"],
            [],
        ),
        (
            "令和５年度 都市間連携事業委託業務 公募要領（２次公募）",
            [
                "the title is not an adoption list's: 「令和５年度 都市間連携事業委託業務 公募要領（２次公募）」"
            ],
            [],
        ),
        ("採択事業一覧", [], ["no fiscal year in the title 「採択事業一覧」: not checked"]),
        (None, [], ["no title above the table: its fiscal year could not be checked"]),
    ],
)
def test_the_title_states_the_year_and_round_of_an_adoption_list(title, quarantine, review):
    found = check_list(SPEC, {**DOC, "title": title}, [1, 2, 3])
    assert (found.quarantine, found.review) == (quarantine, review)


def test_list_numbers_run_from_one_without_gaps():
    doc = {**DOC, "title": "令和５年度 採択事業一覧（2次公募）"}
    assert check_list(SPEC, doc, [1, 2, 3]).quarantine == []
    assert check_list(SPEC, doc, [None, None]).quarantine == []  # a list printed unnumbered
    assert check_list(SPEC, doc, [1, 2, 5]).quarantine == [
        "list numbers are not 1…3: missing 3–4; beyond 3 rows: 5 (rows lost or misread)"
    ]
