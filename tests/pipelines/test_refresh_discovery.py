"""`c3p refresh` without --sources: the registry plus what the crawler finds on the site."""
from __future__ import annotations

import json

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli import main

pytestmark = pytest.mark.usefixtures("prefect_harness")

INDEX = """<html><head><meta charset="UTF-8"></head><body><ul>
<li><span>2023年05月19日</span>
<a href="/press/press_01700.html">令和５年度脱炭素社会実現のための都市間連携事業委託業務の採択結果について</a></li>
<li><a href="/press/press_01701.html">令和5年度二国間クレジット制度資金支援事業の採択結果について</a></li>
</ul></body></html>"""
RELEASE = """<html><head><meta charset="UTF-8"></head><body>
<h1>令和５年度脱炭素社会実現のための都市間連携事業委託業務の採択結果について</h1>
<p>公募を行ったところ、24件の応募があり、外部有識者による審査の結果、21件を採択しました。</p>
<ul><li><a href="/content/fy2023_r1_xlsx.pdf">令和5年度脱炭素社会実現のための都市間連携事業委託業務 採択事業一覧 (PDF 276KB)</a></li></ul>
</body></html>"""


def test_refresh_discovers_a_new_list_and_publishes_it(site, site_root, data_dir, monkeypatch):
    (site_root / "press").mkdir()
    (site_root / "press" / "index.html").write_text(INDEX, encoding="utf-8")
    (site_root / "press" / "press_01700.html").write_text(RELEASE, encoding="utf-8")
    monkeypatch.setenv("C3P_SITE_URL", site.url)
    monkeypatch.setenv("C3P_PRESS_INDEX_URL", site.url + "/press/index.html")

    result = CliRunner().invoke(main, ["refresh", "--data-dir", str(data_dir)])

    # The built-in registry's FY2024 lists are not on this mirror: they fail, the rest lands.
    assert result.exit_code == 1, result.output
    assert "discovered new list: FY2023 round 1" in result.output
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    rows = con.execute("SELECT fiscal_year, call_round, origin, status, rows_expected, error"
                       " FROM sources ORDER BY 1, 2").fetchall()
    assert con.execute("SELECT count(*) FROM projects WHERE fiscal_year = 2023").fetchone()[0] == 21
    con.close()
    assert rows[0] == (2023, 1, "discovered", "ok", 21, None)
    assert [(r[0], r[1], r[2], r[3], r[5]) for r in rows[1:]] == [
        (2024, n, "registry", "failed", "fetch: HTTP 404") for n in (1, 2, 3)]
    assert "/press/press_01701.html" not in [r[1] for r in site.requests]
    registry_file = json.loads((data_dir / "registry_discovered.json").read_text())
    assert [(d["fiscal_year"], d["expected_count"]) for d in registry_file] == [(2023, 21)]


def test_scheduled_flows_refresh_only_when_a_new_list_appears(site, site_root, data_dir,
                                                            monkeypatch):
    import flows
    from pipelines import registry

    (site_root / "press").mkdir()
    (site_root / "press" / "index.html").write_text(INDEX, encoding="utf-8")
    (site_root / "press" / "press_01700.html").write_text(RELEASE, encoding="utf-8")
    monkeypatch.setenv("C3P_SITE_URL", site.url)
    monkeypatch.setenv("C3P_PRESS_INDEX_URL", site.url + "/press/index.html")
    monkeypatch.setattr(registry, "builtin_sources", lambda: [])  # only what is discovered

    first = flows.discovery_check(data_dir=str(data_dir))
    assert first["new_lists"] == 1 and first["status"] == "ok" and first["projects"] == 21
    second = flows.discovery_check(data_dir=str(data_dir))
    assert second["new_lists"] == 0 and "status" not in second

    annual = flows.scheduled_refresh(data_dir=str(data_dir))
    assert annual["nothing_changed"] is True
