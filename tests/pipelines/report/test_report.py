"""``c3p report``: a self-contained HTML report, escaped, that copes with failed sources."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from click.testing import CliRunner

from pipelines.warehouse import publish
from pipelines.report import page as report
from pipelines.cli import main

T = datetime(2026, 1, 1, tzinfo=timezone.utc)
EVIL = '<script>alert("x")</script> & Co'


def _activity(first: int, last: int, proposed: int) -> dict:
    return {
        "first_fiscal_year": first,
        "last_fiscal_year": last,
        "project_count": proposed,
        "projects_as_proposer": proposed,
        "projects_as_participant": 0,
    }


def rows() -> dict[str, list[dict]]:
    projects = [
        {
            "project_id": "2023-1-01",
            "fiscal_year": 2023,
            "call_round": 1,
            "list_no": 1,
            "project_name": f"事業 {EVIL}",
            "source_id": "src_a",
            "proposer_org_id": "org_evil",
            "proposer_name_raw": EVIL,
            "country_code": "TH",
            "country_name_ja": "タイ",
        },
        {
            "project_id": "2023-1-02",
            "fiscal_year": 2023,
            "call_round": 1,
            "list_no": 2,
            "project_name": "ハノイ事業",
            "source_id": "src_a",
            "proposer_org_id": "org_k",
            "country_code": "VN",
            "country_name_ja": "ベトナム",
        },
        {
            "project_id": "2019-1-01",
            "fiscal_year": 2019,
            "call_round": 1,
            "list_no": 1,
            "project_name": "レンカ区事業",
            "source_id": "src_b",
            "proposer_org_id": "org_k",
            "country_code": "CL",
            "country_name_ja": "チリ",
        },
    ]
    return {
        "projects": projects,
        "organizations": [
            {"org_id": "org_evil", "name": EVIL, "org_type": "company_jp", **_activity(2023, 2023, 1)},
            {
                "org_id": "org_k",
                "name": "日本工営株式会社",
                "org_type": "company_jp",
                **_activity(2019, 2023, 2),
            },
        ],
        "domestic_cities": [
            {
                "project_id": "2023-1-01",
                "fiscal_year": 2023,
                "seq": 1,
                "lg_code": "401005",
                "name": "北九州市",
                "prefecture": "福岡県",
            },
            {
                "project_id": "2019-1-01",
                "fiscal_year": 2019,
                "seq": 1,
                "lg_code": "401005",
                "name": "北九州市",
                "prefecture": "福岡県",
            },
        ],
        "partner_cities": [
            {
                "project_id": "2023-1-01",
                "fiscal_year": 2023,
                "seq": 1,
                "name_raw": "バンコク都",
                "name_ja": "バンコク都",
                "name_en": "Bangkok <b>",
                "country_code": "TH",
                "lat": 13.75,
                "lon": 100.5,
            },
            {
                "project_id": "2023-1-02",
                "fiscal_year": 2023,
                "seq": 1,
                "name_raw": "ハノイ市",
                "name_ja": "ハノイ市",
                "name_en": "Hanoi",
                "country_code": "VN",
                "lat": 21.0,
                "lon": 105.8,
            },
            {
                "project_id": "2019-1-01",
                "fiscal_year": 2019,
                "seq": 1,
                "name_raw": "レンカ区",
                "name_ja": "レンカ区",
                "name_en": "Renca",
                "country_code": "CL",
                "lat": -33.4,
                "lon": -70.7,
            },
            {
                "project_id": "2019-1-01",
                "fiscal_year": 2019,
                "seq": 2,
                "name_raw": "どこか<市>",
                "country_code": "CL",
            },
        ],
        "project_fields": [
            {
                "project_id": "2023-1-01",
                "fiscal_year": 2023,
                "seq": 1,
                "field_raw": "省エネ",
                "field_code": "energy_efficiency",
            }
        ],
        "sources": [
            {
                "source_id": "src_a",
                "fiscal_year": 2023,
                "call_round": 1,
                "url": "http://x/a.pdf",
                "status": "ok",
                "fetched_at": T,
                "rows_extracted": 2,
                "rows_published": 2,
                "sha256": "a" * 64,
            },
            {
                "source_id": "src_b",
                "fiscal_year": 2019,
                "call_round": 1,
                "url": "http://x/b.pdf",
                "status": "ok",
                "fetched_at": T,
                "rows_extracted": 1,
                "rows_published": 1,
            },
            {
                "source_id": "src_c",
                "fiscal_year": 2021,
                "call_round": 1,
                "url": "http://x/c.pdf?a=1&b=<2>",
                "status": "failed",
                "fetch_status": "failed",
                "error": "fetch: not a PDF (<html>maintenance</html>)",
            },
            {
                "source_id": "src_d",
                "fiscal_year": 2022,
                "call_round": 2,
                "url": "http://y/d.pdf",
                "status": "quarantined",
                "error": "rows 5 != expected 6",
            },
        ],
        "runs": [
            {
                "run_id": "r1",
                "started_at": T,
                "finished_at": T,
                "command": "refresh",
                "status": "partial",
                "projects": 3,
                "sources_seen": 4,
                "sources_failed": 2,
            }
        ],
    }


def build(tmp_path, data=None):
    publish.publish(tmp_path, rows() if data is None else data, "r1")
    return report.write_report(tmp_path, tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_report_has_charts_map_and_a_row_per_source(tmp_path):
    html = build(tmp_path)
    assert html.startswith("<!DOCTYPE html>")
    assert '<svg id="chart-year-country"' in html
    assert html.count('class="bar"') == 3  # (2019, CL), (2023, TH), (2023, VN)
    assert '<svg id="map"' in html and 'class="land"' in html
    assert html.count('class="map-point"') == 3  # the place without coordinates is listed instead
    assert "map-inset-1" in html  # Chile is drawn beside Asia, not across the Pacific
    assert "どこか&lt;市&gt;" in html
    assert html.count('class="source-row"') == 4
    assert html.count('class="run-row"') == 1
    for section in ("per-year-country", "map-section", "counts", "sources", "runs", "projects"):
        assert f'id="{section}"' in html


def test_report_escapes_every_name(tmp_path):
    html = build(tmp_path)
    assert "<script" not in html.lower()
    assert "Bangkok <b>" not in html and "どこか<市>" not in html  # no raw markup from the data
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in html
    assert "Bangkok &lt;b&gt;" in html
    assert "&lt;html&gt;maintenance&lt;/html&gt;" in html
    assert "c.pdf?a=1&amp;b=&lt;2&gt;" in html


def test_report_is_self_contained(tmp_path):
    html = build(tmp_path)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert "@import" not in html and "url(" not in html
    assert "<link" not in html and "<iframe" not in html and "<img" not in html


def test_report_shows_failed_and_quarantined_sources(tmp_path):
    html = build(tmp_path)
    assert '<span class="badge bad">failed</span>' in html
    assert '<span class="badge warn">quarantined</span>' in html
    assert "rows 5 != expected 6" in html
    assert '<span class="badge warn">partial</span>' in html


def test_report_on_an_empty_warehouse(tmp_path):
    html = build(tmp_path, {})
    assert "No projects yet." in html and "No partner city with coordinates yet." in html
    assert html.count('class="source-row"') == 0


def test_c3p_report_command(tmp_path):
    publish.publish(tmp_path, rows(), "r1")
    result = CliRunner().invoke(main, ["report", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report.html").exists()
    missing = CliRunner().invoke(main, ["report", "--data-dir", str(tmp_path / "nope")])
    assert missing.exit_code == 2


HOSTILE = "<script>alert(1)</script>"


def test_a_hostile_string_anywhere_in_the_data_is_escaped(tmp_path):
    data = rows()
    data["projects"][1]["project_name"] = HOSTILE
    data["organizations"][1].update(name=HOSTILE, org_type=HOSTILE)
    data["domestic_cities"][0].update(name=HOSTILE, prefecture=HOSTILE)
    data["partner_cities"][1].update(name_ja=HOSTILE, name_en=HOSTILE, name_raw=HOSTILE)
    data["project_fields"][0]["field_raw"] = HOSTILE
    data["sources"][0].update(press_url=HOSTILE, error=HOSTILE)
    data["runs"][0].update(command=HOSTILE, pipeline_version=HOSTILE)
    html = build(tmp_path, data)
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # the project table, proposers, org types, cities, map label and tooltip, sources, runs, header
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 18


def test_the_map_draws_the_coastline_from_the_data_file(tmp_path):
    html = build(tmp_path)
    land = re.search(r'<path class="land" d="([^"]*)"/>', html)
    assert land and land.group(1).count("M") >= 3  # several land rings near Thailand, Vietnam, Chile
