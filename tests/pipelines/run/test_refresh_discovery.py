"""`c3p refresh` without --sources: the registry plus what the crawler finds on the site.

The site is tests/fixtures/site (pages in the real shapes, see its make_site.py) served on
127.0.0.1; requests are not delayed (C3P_CRAWL_DELAY=0)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.demo.local_server import LocalSite

pytestmark = pytest.mark.usefixtures("prefect_harness")

SITE_ROOT = Path(__file__).resolve().parents[2] / "fixtures" / "site"
SAMPLES = Path(__file__).resolve().parents[3] / "pipelines" / "demo" / "samples"


@pytest.fixture
def fixture_site(monkeypatch):
    with LocalSite(SITE_ROOT) as served:
        monkeypatch.setenv("C3P_SITE_URL", served.url)
        monkeypatch.delenv("C3P_PRESS_INDEX_URL", raising=False)
        monkeypatch.setenv("C3P_CRAWL_DELAY", "0")
        yield served


def test_refresh_publishes_every_list_of_the_site_and_a_second_run_reads_only_recent_months(
    fixture_site, data_dir
):
    site = fixture_site
    result = CliRunner().invoke(main, ["refresh", "--data-dir", str(data_dir), "--no-cross-check"])
    assert result.exit_code == 0, result.output
    assert "crawl: 182 request(s) of 400 allowed" in result.output
    assert "crawl: 18 adoption release(s) known, 18 new in this run, 0 without a PDF link" in result.output
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    sources = con.execute(
        "SELECT fiscal_year, call_round, origin, status, rows_expected, rows_published"
        " FROM sources ORDER BY 1, 2"
    ).fetchall()
    coverage = con.execute(
        "SELECT fiscal_year, call_round, release_date, missing FROM coverage"
        " WHERE found_by_crawler ORDER BY 1, 2"
    ).fetchall()
    decoys = con.execute(
        "SELECT count(*) FROM releases WHERE title LIKE '%プラットフォーム%'"
        " OR title LIKE '%セミナー%参加者%'"
    ).fetchone()[0]
    con.close()
    expected = [
        (2014, 2, 3),
        (2015, 1, 9),
        (2015, 2, 7),
        (2016, 1, 19),
        (2017, 1, 13),
        (2018, 1, 16),
        (2019, 1, 17),
        (2019, 2, 3),
        (2020, 1, 15),
        (2020, 2, 5),
        (2021, 2, 2),
        (2022, 1, 20),
        (2022, 2, 2),
        (2023, 1, 21),
        (2023, 2, 2),
        (2024, 1, 18),
        (2024, 2, 4),
        (2024, 3, 3),
    ]
    assert [(fy, r, n) for fy, r, _, _, _, n in sources] == expected
    assert all(status == "ok" for _, _, _, status, _, _ in sources)
    # the three FY2024 lists come from the registry (their stated count from the crawl when
    # the registry has none), the others were discovered
    assert {(fy, r) for fy, r, origin, *_ in sources if origin == "registry"} == {
        (2024, 1),
        (2024, 2),
        (2024, 3),
    }
    assert [row for row in sources if row[:2] == (2024, 3)][0][4] == 3
    assert [(fy, r) for fy, r, _, _ in coverage] == [(fy, r) for fy, r, _ in expected]
    assert all(date is not None and missing is None for _, _, date, missing in coverage)
    assert decoys == 0
    discovered = json.loads((data_dir / "registry_discovered.json").read_text())
    assert len(discovered) == 15
    state = json.loads((data_dir / "crawl_state.json").read_text())
    assert len(state["months"]) == 156 and state["last_crawl"]["complete"] is True

    before = len(site.requests)
    again = CliRunner().invoke(main, ["refresh", "--data-dir", str(data_dir), "--no-cross-check"])
    assert again.exit_code == 0, again.output
    assert "nothing changed" in again.output
    pages = [p for _, p, _ in site.requests[before:] if not p.endswith(".pdf")]
    assert pages == ["/robots.txt", "/press/index.html", "/press/202602.html", "/press/202601.html"]
    pdf_requests = [h for _, p, h in site.requests[before:] if p.endswith(".pdf")]
    assert len(pdf_requests) == 18 and all("If-None-Match" in h for h in pdf_requests)

    status = CliRunner().invoke(main, ["status", "--data-dir", str(data_dir)])
    assert status.exit_code == 0, status.output
    assert "18 of 22 known lists complete" in status.output
    assert "4 request(s), 156 month page(s) and 24 release(s) known"  # the second run in status.output
    line_2023_2 = next(line for line in status.output.splitlines() if line.startswith("2023  2 "))
    assert "2023-10-03" in line_2023_2 and "13/49/20" in line_2023_2 and "complete" in line_2023_2
    assert "no release found" in next(
        line for line in status.output.splitlines() if line.startswith("2021  1 ")
    )


INDEX = """<html><head><meta charset="UTF-8"></head><body><div class="p-press-release-list">
<details class="p-press-release-list__block" open><summary><span class="p-press-release-list__heading">2023年05月19日発表</span></summary>
<ul class="c-news-link"><li class="c-news-link__item"><span class="p-news-link__tag">地球環境</span>
<a class="c-news-link__link" href="/press/press_01700.html">令和５年度脱炭素社会実現のための都市間連携事業委託業務の採択結果について</a></li>
<li class="c-news-link__item"><a class="c-news-link__link" href="/press/press_01701.html">令和5年度二国間クレジット制度資金支援事業の採択結果について</a></li>
</ul></details></div></body></html>"""
RELEASE = """<html><head><meta charset="UTF-8"></head><body><div class="p-press-release-material">
<p class="p-press-release-material__date">2023年05月19日</p>
<h1 class="p-press-release-material__heading">令和５年度脱炭素社会実現のための都市間連携事業委託業務の採択結果について</h1>
<div class="c-component"><div class="wysiwyg"><p>24件の応募があり、審査の結果、21件の都市間連携事業を採択することとしました。</p></div>
<div class="wysiwyg"><p><strong>【添付資料】</strong></p><ul><li><a href="/content/fy2023_r1_xlsx.pdf">令和5年度脱炭素社会実現のための都市間連携事業委託業務 採択事業一覧 (PDF 276KB)</a></li></ul></div>
<h2>連絡先</h2></div></div></body></html>"""


def test_scheduled_flows_refresh_only_when_a_new_list_appears(site, site_root, data_dir, monkeypatch):
    import flows
    from pipelines.sources import registry

    (site_root / "press").mkdir()
    (site_root / "press" / "index.html").write_text(INDEX, encoding="utf-8")
    (site_root / "press" / "press_01700.html").write_text(RELEASE, encoding="utf-8")
    monkeypatch.setenv("C3P_SITE_URL", site.url)
    monkeypatch.setenv("C3P_CRAWL_DELAY", "0")
    monkeypatch.setattr(registry, "builtin_sources", lambda: [])  # only what is discovered
    monkeypatch.setattr(registry, "crawl_hints", lambda: [])

    first = flows.discovery_check(data_dir=str(data_dir))
    assert first["new_lists"] == 1 and first["status"] == "ok" and first["projects"] == 21
    assert "/press/press_01701.html" not in [r[1] for r in site.requests]
    second = flows.discovery_check(data_dir=str(data_dir))
    assert second["new_lists"] == 0 and "status" not in second

    annual = flows.scheduled_refresh(data_dir=str(data_dir))
    assert annual["nothing_changed"] is True
