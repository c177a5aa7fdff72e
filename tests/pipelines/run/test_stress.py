"""Every object the task threads share is safe (issue 14 item 5): 12 lists from the samples,
each at its own URL on a local server, refreshed three times (``--force``) on 4 workers; every
run publishes exactly the same rows, and every list is read."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from tests.conftest import SAMPLES, refresh

pytestmark = pytest.mark.usefixtures("prefect_harness")
TRUE = {"fy2019_r1_xlsx.pdf": (2019, 17), "fy2023_r1_xlsx.pdf": (2023, 21), "fy2023_r1_rl.pdf": (2023, 21)}
COPIES = 4  # of each of the three samples: 12 lists
QUERIES = {
    "sources": "SELECT url, fiscal_year, call_round, status, error, rows_extracted,"
    " rows_published, sha256 FROM sources ORDER BY url",
    "projects": "SELECT * FROM projects ORDER BY ALL",
    "participants": "SELECT * FROM participants ORDER BY ALL",
    "organizations": "SELECT * FROM organizations ORDER BY ALL",
}


def published(data_dir) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in QUERIES.items()}
    finally:
        con.close()


def test_twelve_lists_on_four_workers_publish_the_same_rows_every_run(
    site, site_root, data_dir, tmp_path, monkeypatch
):
    monkeypatch.setenv("C3P_WORKERS", "4")
    entries = []
    for n, (name, (year, count)) in enumerate(TRUE.items()):
        for copy in range(COPIES):  # one list per (year, round): round = its copy number
            target = f"stress/{name[:-4]}_{copy}.pdf"
            (site_root / "stress").mkdir(exist_ok=True)
            shutil.copy(SAMPLES / name, site_root / target)
            entries.append(
                {
                    "url": f"/{target}",
                    "fiscal_year": year + 10 * n,
                    "call_round": copy + 1,
                    "expected_count": count,
                }
            )
    results = []
    for _ in range(3):
        result = refresh(site, data_dir, tmp_path, entries, "--no-cross-check", "--force")
        assert "Tokenizer is already in use" not in result.output
        assert result.exit_code in (0, 1), result.output
        results.append(published(data_dir))
    assert results[0] == results[1] == results[2]
    sources = results[0]["sources"]
    assert len(sources) == 12
    # every list was read, each to its sample's rows
    expected = {site.url + e["url"]: e["expected_count"] for e in entries}
    assert {s[0]: s[5] for s in sources} == expected, sources
