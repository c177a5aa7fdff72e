"""Completeness (pipelines/warehouse/coverage.py): the ``releases`` rows, the ``coverage`` view, ``c3p
status`` (no Prefect, no network) and the coverage section of ``c3p report``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from pipelines.warehouse import coverage
from pipelines.warehouse import publish
from pipelines.cli import main

SITE = "http://127.0.0.1:9"


@pytest.fixture
def local_site(monkeypatch):
    monkeypatch.setenv("C3P_SITE_URL", SITE)


def _state(data_dir, releases: list[dict], site: str = SITE) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / coverage.STATE_FILE).write_text(
        json.dumps(
            {
                "version": 1,
                "site": site,
                "months": {},
                "releases": {r["press_url"]: r for r in releases},
                "last_crawl": {},
            }
        ),
        encoding="utf-8",
    )


FOUND_2018 = {
    "fiscal_year": 2018,
    "call_round": 1,
    "round_stated": False,
    "kind": "adoption",
    "title": "「平成30年度低炭素社会実現のための都市間連携事業委託業務」採択結果について",
    "press_url": f"{SITE}/press/105365.html",
    "pdf_url": f"{SITE}/content/900425001.pdf",
    "applications": 28,
    "adopted": 16,
    "date": "2018-04-06",
}
FOUND_2021_1 = {
    "fiscal_year": 2021,
    "call_round": 1,
    "round_stated": False,
    "kind": "adoption",
    "title": "令和3年度脱炭素社会実現のための都市間連携事業委託業務採択結果について",
    "press_url": f"{SITE}/press/109500.html",
    "pdf_url": None,
    "adopted": 7,
    "date": "2021-05-14",
    "countries": 13,
    "partner_cities": 39,
    "local_governments": 16,
}


def test_release_rows_merge_the_registry_with_what_the_crawler_read(local_site, tmp_path):
    _state(tmp_path, [FOUND_2018, FOUND_2021_1])
    rows = {(r["kind"], r["fiscal_year"], r["call_round"]): r for r in coverage.release_rows(tmp_path)}
    fy2018 = rows[("adoption", 2018, 1)]
    assert (fy2018["in_registry"], fy2018["found_by_crawler"]) == (True, True)
    assert (fy2018["pdf_url"], fy2018["adopted"], fy2018["applications"]) == (FOUND_2018["pdf_url"], 16, 28)
    assert fy2018["round_stated"] is False  # FY2018's call had no number
    fy2021 = rows[("adoption", 2021, 1)]  # NOT FOUND in the registry, found by the crawler
    assert (fy2021["in_registry"], fy2021["found_by_crawler"], fy2021["release_date"]) == (
        True,
        True,
        "2021-05-14",
    )
    # the registry's own notes give the cumulative counts of a release it quotes
    assert (rows[("adoption", 2020, 2)]["countries"], rows[("adoption", 2020, 2)]["partner_cities"]) == (
        13,
        36,
    )
    # registry URLs are re-rooted on C3P_SITE_URL
    assert rows[("adoption", 2024, 1)]["pdf_url"] == f"{SITE}/content/000212466.pdf"
    # a crawl state of another site is ignored
    _state(tmp_path, [FOUND_2018], site="https://elsewhere")
    assert not any(r["found_by_crawler"] for r in coverage.release_rows(tmp_path))


def test_status_without_a_warehouse_lists_every_known_list(local_site, tmp_path):
    _state(tmp_path, [FOUND_2018, FOUND_2021_1])
    result = CliRunner().invoke(main, ["status", "--data-dir", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {(r["fiscal_year"], r["call_round"]): r for r in json.loads(result.output)}
    assert (2013, 1) in rows and (2025, 1) in rows and len(rows) == 22
    assert rows[(2013, 1)]["missing"] == "no release found"
    assert rows[(2018, 1)]["missing"] == "PDF known, not fetched yet"
    assert rows[(2023, 2)]["missing"] == "release known, not read yet"  # registry's press URL
    assert rows[(2021, 1)]["missing"] == "release found, no PDF link"
    assert rows[(2021, 1)]["quoted_partner_cities"] == 39
    assert rows[(2024, 1)]["rows_stated"] == 18 and rows[(2024, 1)]["published"] is False
    table = CliRunner().invoke(main, ["status", "--data-dir", str(tmp_path)])
    assert table.output.splitlines()[0].split()[:3] == ["FY", "round", "date"]
    assert "0 of 22 known lists complete" in table.output
    assert f"last crawl of {SITE}: none" in table.output


def test_status_over_a_warehouse_counts_published_rows(local_site, tmp_path):
    projects = [
        {
            "project_id": f"2024-1-{i:02d}",
            "fiscal_year": 2024,
            "call_round": 1,
            "list_no": i,
            "project_name": "p",
            "source_id": "src_a",
            "country_code": "VN",
        }
        for i in range(1, 19)
    ]
    publish.publish(
        tmp_path,
        {
            "sources": [
                {
                    "source_id": "src_a",
                    "fiscal_year": 2024,
                    "call_round": 1,
                    "url": f"{SITE}/content/000212466.pdf",
                    "status": "ok",
                    "sha256": "ab",
                    "rows_published": 18,
                    "rows_expected": 18,
                },
                {
                    "source_id": "src_b",
                    "fiscal_year": 2024,
                    "call_round": 2,
                    "url": f"{SITE}/content/000228910.pdf",
                    "status": "quarantined",
                    "sha256": "cd",
                    "rows_published": 0,
                    "rows_expected": 4,
                },
            ],
            "projects": projects,
            "partner_cities": [
                {
                    "project_id": "2024-1-01",
                    "fiscal_year": 2024,
                    "seq": 1,
                    "name_raw": "ダナン市",
                    "country_code": "VN",
                }
            ],
        },
        "r1",
    )
    rows = {(r["fiscal_year"], r["call_round"]): r for r in coverage.coverage_table(tmp_path)}
    assert rows[(2024, 1)]["missing"] is None and rows[(2024, 1)]["rows_published"] == 18
    assert (rows[(2024, 1)]["warehouse_countries"], rows[(2024, 1)]["warehouse_partner_cities"]) == (1, 1)
    assert rows[(2024, 2)]["missing"] == "downloaded, not published (quarantined)"
    assert rows[(2023, 2)]["warehouse_countries"] == 0  # counts are cumulative up to the list
    html = (
        __import__("pipelines.report.page", fromlist=["write_report"])
        .write_report(tmp_path, tmp_path / "report.html")
        .read_text(encoding="utf-8")
    )
    assert 'id="coverage"' in html and "1 of 22 known adoption lists are complete" in html


def test_status_does_not_import_prefect(tmp_path):
    code = (
        "import sys; from click.testing import CliRunner; from pipelines.cli import main;"
        f" r = CliRunner().invoke(main, ['status', '--data-dir', {str(tmp_path)!r}]);"
        " assert r.exit_code == 0, r.output; assert 'prefect' not in sys.modules, 'prefect imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.usefixtures("prefect_harness")
def test_status_on_the_demo_data(tmp_path):
    data_dir = tmp_path / "data"
    demo = CliRunner().invoke(main, ["demo", "--data-dir", str(data_dir)])
    assert demo.exit_code == 0, demo.output
    result = CliRunner().invoke(main, ["status", "--data-dir", str(data_dir), "--format", "json"])
    rows = {(r["fiscal_year"], r["call_round"]): r for r in json.loads(result.output)}
    assert rows[(2023, 1)]["published"] and rows[(2023, 1)]["rows_published"] == 21
    assert rows[(2023, 1)]["rows_stated"] == 21 and rows[(2023, 1)]["missing"] is None
    assert rows[(2019, 1)]["published"] and rows[(2019, 1)]["rows_published"] == 17
    assert rows[(2024, 1)]["missing"] == "PDF known, not fetched yet"
