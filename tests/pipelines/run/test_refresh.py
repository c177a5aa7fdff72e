"""The refresh's decisions through the real CLI: one whole version always published, a writer
on the warehouse refused, a no-op recorded, a list still failing on the same bytes no reason
to run (real local server, real Prefect runs, real processes and kills)."""

from __future__ import annotations

import json
import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.warehouse import versions
from pipelines.warehouse.schema import TABLES
from tests import conftest
from tests.conftest import sql, versions_left, write_sources

pytestmark = pytest.mark.usefixtures("prefect_harness")

ROOT = Path(__file__).resolve().parents[3]
FY2019 = {"url": "/content/fy2019_r1_xlsx.pdf", "fiscal_year": 2019, "expected_count": 17}
FY2023 = {"url": "/content/fy2023_r1_xlsx.pdf", "fiscal_year": 2023, "expected_count": 21}


def sources(site, tmp_path, *entries) -> Path:
    return write_sources(tmp_path / "sources.toml", [{**e, "url": site.url + e["url"]} for e in entries])


def refresh(site, data_dir, tmp_path, *entries):
    return conftest.refresh(site, data_dir, tmp_path, list(entries), "--no-cross-check")


def assert_one_whole_version(data_dir) -> dict:
    """The published warehouse is one version: DuckDB and Parquet agree with version.json on
    every table, and the lists' statuses match their rows."""
    assert versions.whole_version_problem(data_dir) is None
    manifest = json.loads((data_dir / "current" / "version.json").read_text())
    assert set(manifest["tables"]) == set(TABLES)
    published = dict(sql(data_dir, "SELECT fiscal_year, count(*) FROM projects GROUP BY 1"))
    for year, status, rows in sql(data_dir, "SELECT fiscal_year, status, rows_published FROM sources"):
        assert status != "ok" or published.get(year) == rows, (year, status, rows)
    return manifest


def test_a_switch_cut_short_leaves_the_previous_whole_version_and_the_next_run_publishes(
    site, data_dir, tmp_path, monkeypatch
):
    assert refresh(site, data_dir, tmp_path, FY2019).exit_code == 0

    def no_space(step):
        if step == "pointer-made":
            raise OSError(28, "No space left on device", str(data_dir / "current"))

    monkeypatch.setattr(versions, "fault_point", no_space)
    cut = refresh(site, data_dir, tmp_path, FY2019, FY2023)
    assert cut.exit_code == 1
    assert cut.output.strip().splitlines()[-1].startswith("error: ") and "Traceback" not in cut.output
    assert assert_one_whole_version(data_dir)["tables"]["projects"] == 17
    assert sql(data_dir, "SELECT fiscal_year FROM sources") == [(2019,)]
    monkeypatch.undo()
    after = refresh(site, data_dir, tmp_path, FY2019, FY2023)
    assert after.exit_code == 0, after.output
    assert "nothing changed" not in after.output
    assert assert_one_whole_version(data_dir)["tables"]["projects"] == 38
    left, kept = versions_left(data_dir)
    assert left == kept and len(kept) <= 2


def test_a_published_version_that_is_not_whole_is_published_again(site, data_dir, tmp_path):
    assert refresh(site, data_dir, tmp_path, FY2019).exit_code == 0
    (data_dir / "current" / "version.json").unlink()  # e.g. an older layout, or a hand edit
    again = refresh(site, data_dir, tmp_path, FY2019)
    assert again.exit_code == 0, again.output
    assert "nothing changed" not in again.output and "not one whole version" in again.output
    assert assert_one_whole_version(data_dir)["tables"]["projects"] == 17


def test_a_refresh_killed_while_publishing_leaves_one_whole_version(site, data_dir, tmp_path):
    assert refresh(site, data_dir, tmp_path, FY2019).exit_code == 0
    first = (data_dir / "current").resolve().name
    toml = sources(site, tmp_path, FY2019, FY2023)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "refresh",
            "--sources",
            str(toml),
            "--data-dir",
            str(data_dir),
            "--no-cross-check",
        ],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    try:  # kill -9 as soon as the new version's folder appears: mid-publish
        while time.monotonic() < deadline and proc.poll() is None:
            if any(p.name != first for p in (data_dir / ".versions").iterdir()):
                break
            time.sleep(0.005)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the command and its Prefect server child
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert assert_one_whole_version(data_dir)["tables"]["projects"] in (17, 38)
    after = refresh(site, data_dir, tmp_path, FY2019, FY2023)
    assert after.exit_code == 0, after.output
    assert assert_one_whole_version(data_dir)["tables"]["projects"] == 38
    left, kept = versions_left(data_dir)
    assert left == kept and len(kept) <= 2


WRITER = """
import sys, time
import duckdb
con = duckdb.connect(sys.argv[1])  # read-write, as an analyst's notebook
con.execute("CREATE TABLE scratch AS SELECT 42 AS answer")  # in the WAL, not checkpointed
print("holding", flush=True)
time.sleep(300)
"""


def test_a_refresh_under_an_analyst_s_read_write_connection_refuses_then_completes(
    site, data_dir, tmp_path, monkeypatch
):
    assert refresh(site, data_dir, tmp_path, FY2019).exit_code == 0
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data_dir / "warehouse.duckdb")], stdout=subprocess.PIPE, text=True
    )
    monkeypatch.setenv("C3P_WRITER_WAIT_S", "1")
    try:
        assert writer.stdout.readline().strip() == "holding"
        refused = refresh(site, data_dir, tmp_path, FY2019, FY2023)
        assert refused.exit_code == 2
        [line] = refused.output.strip().splitlines()
        assert line.startswith("error: ") and f"PID {writer.pid}" in line
        assert "nothing published" in line
    finally:
        writer.kill()  # the notebook dies holding its WAL
        writer.wait()
    assert sql(data_dir, "SELECT fiscal_year FROM sources") == [(2019,)]
    assert_one_whole_version(data_dir)
    after = refresh(site, data_dir, tmp_path, FY2019, FY2023)
    assert after.exit_code == 0, after.output
    assert assert_one_whole_version(data_dir)["tables"]["projects"] == 38
    assert not list(data_dir.rglob("*.wal"))  # the dead writer's WAL went with its version
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"))  # read-write opens cleanly
    assert con.execute("SELECT count(*) FROM projects").fetchone()[0] == 38
    con.close()


def test_a_writer_arriving_after_the_plan_makes_the_publish_refuse(site, data_dir, tmp_path, monkeypatch):
    """The plan saw no writer; by the publish one holds the file: refused, nothing published."""
    from pipelines.run import refresh as planning

    assert refresh(site, data_dir, tmp_path, FY2019).exit_code == 0
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data_dir / "warehouse.duckdb")], stdout=subprocess.PIPE, text=True
    )
    monkeypatch.setenv("C3P_WRITER_WAIT_S", "1")
    monkeypatch.setattr(planning.versions, "wait_for_no_writer", lambda *a: None)  # came later
    try:
        assert writer.stdout.readline().strip() == "holding"
        refused = refresh(site, data_dir, tmp_path, FY2019, FY2023)
        assert refused.exit_code == 2, refused.output
        last = refused.output.strip().splitlines()[-1]
        assert last.startswith("error: ") and f"PID {writer.pid}" in last
        assert "Traceback" not in refused.output
    finally:
        writer.kill()
        writer.wait()
    assert sql(data_dir, "SELECT fiscal_year FROM sources") == [(2019,)]
    assert len(list((data_dir / ".versions").iterdir())) == 1
    assert_one_whole_version(data_dir)


def test_a_no_op_is_recorded_in_the_manifest_sources_and_runs(site, data_dir, tmp_path):
    assert refresh(site, data_dir, tmp_path, FY2019).exit_code == 0
    [(first_check,)] = sql(data_dir, "SELECT checked_at FROM sources")
    time.sleep(1.1)  # checked_at is to the second
    noop = refresh(site, data_dir, tmp_path, FY2019)
    assert noop.exit_code == 0 and "nothing changed" in noop.output, noop.output
    [(checked,)] = sql(data_dir, "SELECT checked_at FROM sources")
    assert checked > first_check
    runs = sql(
        data_dir, "SELECT status, sources_seen, sources_new, projects FROM runs ORDER BY started_at, run_id"
    )
    assert runs == [("ok", 1, 1, 17), ("unchanged", 1, 0, 17)]
    last = json.loads((data_dir / "raw" / "manifest.jsonl").read_text().splitlines()[-1])
    assert (last["status"], last["http_status"], last["url"]) == ("unchanged", 304, site.url + FY2019["url"])
    assert_one_whole_version(data_dir)
    con = duckdb.connect()
    try:  # the Parquet says the same as DuckDB
        runs_parquet = con.execute(
            "SELECT status FROM read_parquet(?) ORDER BY started_at",
            [str(data_dir / "curated/runs/runs.parquet")],
        ).fetchall()
        sources_parquet = con.execute(
            "SELECT fiscal_year, checked_at FROM read_parquet(?, hive_partitioning=true)",
            [str(data_dir / "curated/sources/**/*.parquet")],
        ).fetchall()
    finally:
        con.close()
    assert runs_parquet == [("ok",), ("unchanged",)]
    assert sources_parquet == [(2019, checked)]
    with open(data_dir / "warehouse.duckdb", "rb") as f:  # still a file DuckDB 1.x opens
        assert struct.unpack("<8x4sQ", f.read(20)) == (b"DUCK", 64)
    third = refresh(site, data_dir, tmp_path, FY2019)  # a recorded check is still a no-op
    assert "nothing changed" in third.output, third.output
    assert len(sql(data_dir, "SELECT * FROM runs")) == 3


def test_a_list_still_failing_on_the_same_bytes_keeps_the_no_op_a_no_op(site, site_root, data_dir, tmp_path):
    (site_root / "content" / "not_a_list.pdf").write_bytes(
        (ROOT / "tests/fixtures/extractors/no_table.pdf").read_bytes()
    )
    bad = {"url": "/content/not_a_list.pdf", "fiscal_year": 2020}
    first = refresh(site, data_dir, tmp_path, FY2019, bad)
    assert first.exit_code == 1, first.output
    again = refresh(site, data_dir, tmp_path, FY2019, bad)
    assert again.exit_code == 1, again.output
    assert "nothing changed" in again.output and "extract: http" not in again.output
    assert "FY2020 round 1: still failed since " in again.output
    assert sql(data_dir, "SELECT status, sources_failed FROM runs ORDER BY started_at, run_id") == [
        ("partial", 1),
        ("unchanged", 1),
    ]
    assert sql(data_dir, "SELECT fiscal_year, status FROM sources ORDER BY 1") == [
        (2019, "ok"),
        (2020, "failed"),
    ]
    # new bytes on the server: read again
    (site_root / "content" / "not_a_list.pdf").write_bytes(
        (site_root / "content" / "fy2023_r1_xlsx.pdf").read_bytes()
    )
    fixed = refresh(site, data_dir, tmp_path, FY2019, {**bad, "fiscal_year": 2020})
    assert "nothing changed" not in fixed.output


def test_only_the_cli_imports_flows():
    """Deciding (pipelines/run/refresh.py) and executing (flows.py) are apart: no module of the
    package but the CLI imports the flows, so there is no circle."""
    import ast

    importers = []
    for path in sorted((ROOT / "pipelines").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module]
                if isinstance(node, ast.ImportFrom) and node.level == 0
                else []
            )
            if "flows" in names:
                importers.append(path.relative_to(ROOT).as_posix())
    assert sorted(set(importers)) == ["pipelines/cli.py"]


def test_the_scheduled_refresh_runs_its_plan_in_its_own_flow_run(site, data_dir, tmp_path):
    """No flow run nested in another: the scheduled flow's tasks are its own."""
    import flows
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterParentFlowRunId,
        TaskRunFilter,
        TaskRunFilterFlowRunId,
    )
    from prefect.client.schemas.sorting import FlowRunSort, TaskRunSort

    toml = sources(site, tmp_path, FY2019, FY2023)
    state = flows.scheduled_refresh(
        data_dir=str(data_dir), sources_file=str(toml), discover=False, return_state=True
    )
    summary = state.result()
    assert summary["nothing_changed"] is False and summary["status"] == "ok"
    assert_one_whole_version(data_dir)
    run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        nested = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[run_id])),
            sort=FlowRunSort.ID_DESC,
            limit=50,
        )
        tasks = client.read_task_runs(
            task_run_filter=TaskRunFilter(flow_run_id=TaskRunFilterFlowRunId(any_=[run_id])),
            sort=TaskRunSort.ID_DESC,
            limit=50,
        )
    assert nested == []
    assert sum(t.name.startswith("fetch") for t in tasks) == 2
    assert sum(t.name.startswith("publish") for t in tasks) == 1
    again = flows.scheduled_refresh(data_dir=str(data_dir), sources_file=str(toml), discover=False)
    assert again["nothing_changed"] is True
