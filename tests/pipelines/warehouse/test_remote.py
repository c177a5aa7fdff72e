"""A data directory given as an fsspec URL (here file://, the same code path as s3://)."""

from __future__ import annotations

import duckdb
import fsspec
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from tests.conftest import write_sources

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_refresh_query_and_no_op_on_an_fsspec_data_dir(site, tmp_path, monkeypatch):
    monkeypatch.setenv("C3P_CACHE_DIR", str(tmp_path / "cache"))
    bucket = tmp_path / "bucket"
    url = f"file://{bucket}/c3p"
    sources = write_sources(
        tmp_path / "s.toml", [{"url": site.url + "/content/fy2019_r1_xlsx.pdf", "fiscal_year": 2019}]
    )
    args = ["refresh", "--sources", str(sources), "--data-dir", url, "--no-cross-check"]

    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    fs = fsspec.filesystem("file")
    files = {p[len(str(bucket)) + 5 :] for p in fs.find(str(bucket / "c3p"))}
    assert "warehouse.duckdb" in files and "raw/manifest.jsonl" in files
    assert "curated/projects/fiscal_year=2019/part-0.parquet" in files
    assert sum(f.startswith("raw/") and f.endswith(".pdf") for f in files) == 1
    con = duckdb.connect(str(bucket / "c3p" / "warehouse.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM projects").fetchone()[0] == 17
    con.close()

    # another machine: an empty local copy, reads the bucket
    monkeypatch.setenv("C3P_CACHE_DIR", str(tmp_path / "cache2"))
    answer = CliRunner().invoke(
        main, ["query", "SELECT count(*) AS n FROM projects", "--data-dir", url, "--format", "csv"]
    )
    assert answer.output.splitlines() == ["n", "17"]
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0 and "nothing changed" in again.output, again.output
    # the no-op's check went up too, as one whole version: version.json names the tables
    import json

    manifest = json.loads((bucket / "c3p" / "version.json").read_text())
    con = duckdb.connect(str(bucket / "c3p" / "warehouse.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT status FROM runs ORDER BY started_at, run_id").fetchall() == [
            ("ok",),
            ("unchanged",),
        ]
        assert (
            manifest["tables"]["runs"] == 2
            and manifest["run_id"]
            == con.execute("SELECT run_id FROM runs WHERE status = 'unchanged'").fetchone()[0]
        )
    finally:
        con.close()
