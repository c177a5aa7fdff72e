"""The whole flow end to end: real HTTP, real Prefect runs, real Parquet and DuckDB."""

from __future__ import annotations

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from tests.conftest import COUNTRY, refresh, sql, truth

pytestmark = pytest.mark.usefixtures("prefect_harness")


FY2023 = truth("fy2023_r1")
FY2019 = truth("fy2019_r1")


# the open cross-check cells of each untouched sample: none in the spreadsheet's PDF (where
# camelot misses a short ruling and merges 対象都市 with 対象国, the row's text still agrees);
# one in the reportlab PDF, where camelot (through pdfminer) reads the full-width hyphen
# U+FF0D printed in a project name as U+2212
@pytest.mark.parametrize("pdf,open_cells", [("fy2023_r1_xlsx.pdf", 0), ("fy2023_r1_rl.pdf", 1)])
def test_fy2023_list_lands_exactly(site, data_dir, tmp_path, pdf, open_cells):
    result = refresh(
        site,
        data_dir,
        tmp_path,
        [{"url": f"/content/{pdf}", "fiscal_year": 2023, "call_round": 1, "expected_count": 21}],
    )
    assert result.exit_code == 0, result.output
    got = sql(
        data_dir, "SELECT list_no, project_name, fiscal_year, country_code FROM projects ORDER BY list_no"
    )
    assert [r[0] for r in got] == list(range(1, 22))
    for (no, name, fy, cc), row in zip(got, FY2023["rows"]):
        assert name == row["project_name"], no
        assert fy == 2023 and cc == COUNTRY[row["country"]], no
    [(sha, pages, n, status)] = sql(data_dir, "SELECT sha256, pages, rows_extracted, status FROM sources")
    assert len(sha) == 64 and pages >= 5 and n == 21 and status == "ok"
    # camelot's independent reading (on by default) agrees almost everywhere; where it does
    # not, the cell is listed for review and the list flagged, saying why; nothing else
    # about an untouched sample asks for review
    [(agreement, review, reasons)] = sql(
        data_dir, "SELECT crosscheck_agreement, review_needed, review_reasons FROM sources"
    )
    cells = sql(data_dir, "SELECT list_no_raw, column_name, ours FROM crosscheck_disagreements")
    assert len(cells) == open_cells and agreement > 0.99
    assert review is (open_cells > 0)
    assert reasons == [f"camelot reads {open_cells} cell(s) differently, not yet acknowledged"][:open_cells]
    for no, column, ours in cells:
        assert column in FY2023["columns"]
        assert ours == FY2023["rows"][int(no) - 1]["cells"][column]
    assert (f"camelot reads {open_cells} cell(s) differently" in result.output) is (open_cells > 0)


def test_fy2019_list_names_proposers_partner_cities(site, data_dir, tmp_path):
    result = refresh(
        site,
        data_dir,
        tmp_path,
        [{"url": "/content/fy2019_r1_xlsx.pdf", "fiscal_year": 2019, "expected_count": 17}],
    )
    assert result.exit_code == 0, result.output
    got = sql(
        data_dir,
        """SELECT p.list_no, p.project_name, p.proposer_name_raw, p.group_name,
                                  (SELECT list(name_raw ORDER BY seq) FROM partner_cities c
                                   WHERE c.project_id = p.project_id)
                           FROM projects p ORDER BY list_no""",
    )
    assert len(got) == 17
    for (no, name, proposer, group, cities), row in zip(got, FY2019["rows"]):
        assert (no, name, proposer, group) == (row["no"], row["project_name"], row["proposer"], row["group"])
        assert cities == row["target_cities"]
    # the FY2019 list has no 対象分野: project_fields is empty, and its Parquet still reads
    assert_empty_table_reads(data_dir, "project_fields")


def assert_empty_table_reads(data_dir, table):
    import pandas as pd
    import polars as pl

    from pipelines.warehouse.schema import TABLES

    assert sql(data_dir, f"SELECT count(*) FROM {table}") == [(0,)]
    glob = str(data_dir / "curated" / table / "**" / "*.parquet")
    con = duckdb.connect()
    try:
        for hive in ("true", "false"):
            cur = con.execute(f"SELECT * FROM read_parquet(?, hive_partitioning={hive})", [glob])
            assert cur.fetchall() == []
            assert [d[0] for d in cur.description] == [c.name for c in TABLES[table].columns]
        # a UNION over years keeps working when one table is empty
        assert con.execute(
            "SELECT count(*) FROM read_parquet(?, hive_partitioning=true) WHERE fiscal_year = 2019", [glob]
        ).fetchone() == (0,)
    finally:
        con.close()
    assert len(pd.read_parquet(data_dir / "curated" / table)) == 0
    frame = pl.read_parquet(glob, hive_partitioning=True)
    assert frame.height == 0 and frame.schema["fiscal_year"] == pl.Int16


def test_second_refresh_with_nothing_changed_downloads_nothing(site, data_dir, tmp_path):
    entries = [{"url": "/content/fy2019_r1_xlsx.pdf", "fiscal_year": 2019}]
    assert refresh(site, data_dir, tmp_path, entries).exit_code == 0
    before = sql(data_dir, "SELECT project_id FROM projects ORDER BY 1")
    part = data_dir / "curated/projects/fiscal_year=2019/part-0.parquet"
    inode = part.stat().st_ino
    second = refresh(site, data_dir, tmp_path, entries)
    assert second.exit_code == 0, second.output
    assert "nothing changed" in second.output
    assert [r[2].get("If-None-Match") is not None for r in site.requests] == [False, True]
    # the check is recorded (a runs row); the lists' rows are the very files published before
    assert part.stat().st_ino == inode
    assert sql(data_dir, "SELECT status FROM runs ORDER BY started_at, run_id") == [("ok",), ("unchanged",)]
    forced = refresh(site, data_dir, tmp_path, entries, "--force")
    assert forced.exit_code == 0
    assert sql(data_dir, "SELECT project_id FROM projects ORDER BY 1") == before
    assert sql(data_dir, "SELECT fetch_status FROM sources") == [("unchanged",)]


def test_no_op_also_with_a_server_that_only_sends_last_modified(site, data_dir, tmp_path):
    site.etags = False
    entries = [{"url": "/content/fy2019_r1_xlsx.pdf", "fiscal_year": 2019}]
    assert refresh(site, data_dir, tmp_path, entries, "--no-cross-check").exit_code == 0
    second = refresh(site, data_dir, tmp_path, entries, "--no-cross-check")
    assert second.exit_code == 0 and "nothing changed" in second.output
    assert "If-Modified-Since" in site.requests[-1][2]


def test_failed_sources_are_recorded_and_the_rest_published(site, data_dir, tmp_path):
    site.faults["/content/html.pdf"] = lambda h: __import__(
        "pipelines.demo.local_server"
    ).demo.local_server.send_bytes(h, 200, b"<!DOCTYPE html><html>maintenance</html>", "text/html")
    result = refresh(
        site,
        data_dir,
        tmp_path,
        [
            {"url": "/content/fy2019_r1_xlsx.pdf", "fiscal_year": 2019},
            {"url": "/content/missing.pdf", "fiscal_year": 2020},
            {"url": "/content/html.pdf", "fiscal_year": 2021},
        ],
    )
    assert result.exit_code == 1, result.output
    rows = dict(sql(data_dir, "SELECT fiscal_year, status || ': ' || coalesce(error, '') FROM sources"))
    assert rows[2019] == "ok: "
    assert rows[2020] == "failed: fetch: HTTP 404"
    assert rows[2021].startswith("failed: fetch: not a PDF")
    assert sql(data_dir, "SELECT count(*) FROM projects") == [(17,)]
    assert "HTTP 404" in result.output


def test_demo_runs_the_whole_flow(data_dir):
    result = CliRunner().invoke(main, ["demo", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert "projects: 38" in result.output
    assert sql(data_dir, "SELECT fiscal_year, count(*) FROM projects GROUP BY 1 ORDER BY 1") == [
        (2019, 17),
        (2023, 21),
    ]
    assert (data_dir / "curated/projects/fiscal_year=2019/part-0.parquet").exists()


def test_demo_source_ids_are_stable_across_runs(data_dir):
    """The demo serves on a new random port every run: the ids analysts join on stay."""
    from pipelines.sources.spec import source_id

    ids = []
    for _ in range(2):
        result = CliRunner().invoke(main, ["demo", "--data-dir", str(data_dir)])
        assert result.exit_code == 0, result.output
        ids.append(sql(data_dir, "SELECT fiscal_year, source_id, url FROM sources ORDER BY 1"))
    (_, first_2019, _), _ = ids[0]
    (_, second_2019, _), _ = ids[1]
    assert [r[:2] for r in ids[0]] == [r[:2] for r in ids[1]]
    # the id is the list's place on its site: the ministry's path would give the same
    assert first_2019 == second_2019 == source_id("https://www.env.go.jp/content/fy2019_r1_xlsx.pdf")
    assert sql(data_dir, "SELECT DISTINCT source_id FROM projects ORDER BY 1") == sorted(
        (r[1],) for r in ids[1]
    )


def test_only_one_list_after_an_upgrade_derives_the_new_columns_of_the_others(site, data_dir, tmp_path):
    """A warehouse published before role_code and phase existed: `--only` keeps the other
    list's rows and gives them the columns they lack."""
    import pyarrow.parquet as pq

    both = [
        {"url": "/content/fy2019_r1_xlsx.pdf", "fiscal_year": 2019},
        {"url": "/content/fy2023_r1_xlsx.pdf", "fiscal_year": 2023},
    ]
    assert refresh(site, data_dir, tmp_path, both, "--no-cross-check").exit_code == 0
    want = sql(
        data_dir, "SELECT project_id, seq, role_code FROM participants WHERE fiscal_year = 2023 ORDER BY ALL"
    )
    phases = sql(data_dir, "SELECT project_id, phase FROM projects WHERE fiscal_year = 2023 ORDER BY 1")
    for table, column in (("participants", "role_code"), ("projects", "phase")):
        for path in (data_dir / "curated" / table).rglob("*.parquet"):  # as 0.1.0 wrote them
            pq.write_table(pq.read_table(path).drop_columns([column]), path)
    again = refresh(site, data_dir, tmp_path, both, "--only", "2019-1", "--no-cross-check")
    assert again.exit_code == 0, again.output
    assert (
        sql(
            data_dir,
            "SELECT project_id, seq, role_code FROM participants WHERE fiscal_year = 2023 ORDER BY ALL",
        )
        == want
    )
    assert (
        sql(data_dir, "SELECT project_id, phase FROM projects WHERE fiscal_year = 2023 ORDER BY 1") == phases
    )
    assert ("2023-1-17", 2) in phases


def test_only_one_list_is_re_run_and_the_others_stay(site, data_dir, tmp_path):
    both = [
        {"url": "/content/fy2019_r1_xlsx.pdf", "fiscal_year": 2019},
        {"url": "/content/fy2023_r1_xlsx.pdf", "fiscal_year": 2023},
    ]
    assert refresh(site, data_dir, tmp_path, both, "--no-cross-check").exit_code == 0
    before = {
        t: sql(data_dir, f"SELECT * FROM {t} ORDER BY ALL")
        for t in ("projects", "participants", "organizations", "domestic_cities")
    }
    requests = len(site.requests)
    again = refresh(site, data_dir, tmp_path, both, "--only", "2019-1", "--no-cross-check")
    assert again.exit_code == 0, again.output
    assert [r[1] for r in site.requests[requests:]] == ["/content/fy2019_r1_xlsx.pdf"]
    for table, rows in before.items():
        assert sql(data_dir, f"SELECT * FROM {table} ORDER BY ALL") == rows, table
    assert sql(data_dir, "SELECT fiscal_year, status FROM sources ORDER BY 1") == [(2019, "ok"), (2023, "ok")]
    bad = refresh(site, data_dir, tmp_path, both, "--only", "2021-1")
    assert bad.exit_code == 2 and "no source for FY2021 round 1" in bad.output
