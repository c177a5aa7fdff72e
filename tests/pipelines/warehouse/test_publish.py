"""The atomic publish: Parquet + DuckDB written beside the old, swapped in."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pytest

from tests.conftest import rows, versions_left
from pipelines.warehouse import publish, versions
from pipelines.warehouse.schema import TABLES


def count(data_dir, table="projects"):
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def test_every_table_lands_as_hive_parquet_and_duckdb_with_comments(tmp_path):
    publish.publish(tmp_path, rows(3), "r1")
    for name in TABLES:
        assert (tmp_path / "curated" / name).is_dir(), name
    assert (tmp_path / "curated/projects/fiscal_year=2023/part-0.parquet").exists()
    dataset = ds.dataset(tmp_path / "curated/projects", partitioning="hive")
    assert dataset.to_table().num_rows == 3
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    n = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE comment IS NULL AND NOT internal"
        " AND table_name NOT LIKE 'v_%'"
    ).fetchone()[0]
    assert n == 0, "every column has a comment"
    hive = con.execute(
        "SELECT count(*) FROM read_parquet(?, hive_partitioning=true)",
        [str(tmp_path / "curated/projects/**/*.parquet")],
    ).fetchone()[0]
    assert hive == 3
    con.close()
    assert publish.read_table(tmp_path, "projects").num_rows == 3


def test_failure_before_swap_leaves_previous_version(tmp_path, monkeypatch):
    publish.publish(tmp_path, rows(3), "r1")

    def broken(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(publish, "_write_duckdb", broken)
    with pytest.raises(RuntimeError):
        publish.publish(tmp_path, rows(5), "r2")
    assert count(tmp_path) == 3
    assert publish.read_table(tmp_path, "projects").num_rows == 3


KILLER = """
import sys
from pipelines.warehouse import publish, versions
from tests.conftest import rows
i = 0
while True:
    i += 1
    if i % 3:
        publish.publish(sys.argv[1], rows(3 if i % 2 else 5), f"run{i}")
    else:  # a no-op's record: the same switch, made by DuckDB alone
        versions.record_check(sys.argv[1], f"check{i}", {"http://x": "2026-01-02T00:00:00Z"},
                              {"run_id": f"check{i}", "started_at": "2026-01-02T00:00:00Z",
                               "status": "unchanged"}, wait_s=0)
"""


def test_a_run_killed_at_any_point_leaves_a_readable_version(tmp_path):
    import random
    import signal
    import subprocess
    import sys
    import time

    publish.publish(tmp_path, rows(3), "first")
    random.seed(7)
    root = Path(__file__).parents[3]
    for attempt in range(6):
        proc = subprocess.Popen([sys.executable, "-c", KILLER, str(tmp_path)], cwd=root)
        time.sleep(random.uniform(0.8, 2.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert count(tmp_path) in (3, 5)
        assert versions.whole_version_problem(tmp_path) is None, attempt
        for name in TABLES:
            assert publish.read_table(tmp_path, name) is not None, name
        assert publish.read_table(tmp_path, "projects").num_rows in (3, 5)
    publish.publish(tmp_path, rows(4), "after")
    assert count(tmp_path) == 4 and publish.read_table(tmp_path, "projects").num_rows == 4
    left, kept = versions_left(tmp_path)
    assert left == kept and "after" in kept and len(kept) <= 2
    assert versions.whole_version_problem(tmp_path) is None


def _counts(data_dir: Path) -> dict[str, tuple[int, int]]:
    """Every table's rows as DuckDB and as the Parquet glob analysts use see them."""
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return {
            name: (
                con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0],
                con.execute(
                    "SELECT count(*) FROM read_parquet(?, hive_partitioning=true)",
                    [str(data_dir / "curated" / name / "**" / "*.parquet")],
                ).fetchone()[0],
            )
            for name in TABLES
        }
    finally:
        con.close()


def test_one_pointer_names_a_whole_version_readers_reach_through_stable_paths(tmp_path):
    import pandas

    publish.publish(tmp_path, rows(3), "r1")
    publish.publish(tmp_path, rows(5), "r2")
    assert os.readlink(tmp_path / "current") == ".versions/r2"
    assert os.readlink(tmp_path / "curated") == "current/curated"
    assert os.readlink(tmp_path / "warehouse.duckdb") == "current/warehouse.duckdb"
    manifest = json.loads((tmp_path / ".versions/r2/version.json").read_text())
    assert manifest["run_id"] == "r2" and manifest["tables"]["projects"] == 5
    assert set(manifest["tables"]) == set(TABLES)
    assert {n: c for n, (c, _) in _counts(tmp_path).items()} == manifest["tables"]
    assert all(a == b for a, b in _counts(tmp_path).values())
    assert ds.dataset(tmp_path / "curated/projects", partitioning="hive").to_table().num_rows == 5
    frame = pandas.read_parquet(tmp_path / "curated" / "projects")
    assert len(frame) == 5 and set(frame["fiscal_year"].astype(int)) == {2023}
    assert versions_left(tmp_path) == (["r1", "r2"], ["r1", "r2"])  # r1 kept until the next switch


@pytest.mark.parametrize("step", ["before-switch", "pointer-made", "switched", "before-cleanup"])
def test_an_error_inside_the_switch_leaves_one_whole_version_and_the_next_run_completes(
    tmp_path, monkeypatch, step
):
    publish.publish(tmp_path, rows(3), "r1")

    def fault(at):
        if at == step:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(versions, "fault_point", fault)
    with pytest.raises(OSError):
        publish.publish(tmp_path, rows(5), "r2")
    assert versions.whole_version_problem(tmp_path) is None
    switched = step in ("switched", "before-cleanup")
    n = 5 if switched else 3
    assert _counts(tmp_path)["projects"] == (n, n) and _counts(tmp_path)["sources"] == (1, 1)
    assert json.loads((tmp_path / "current" / "version.json").read_text())["run_id"] == (
        "r2" if switched else "r1"
    )
    monkeypatch.undo()
    publish.publish(tmp_path, rows(4), "r3")
    assert versions.whole_version_problem(tmp_path) is None
    assert _counts(tmp_path)["projects"] == (4, 4)
    previous = "r2" if switched else "r1"
    assert versions_left(tmp_path) == (sorted(["r3", previous]), sorted(["r3", previous]))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".current", ".curated"))]


def test_a_data_directory_of_the_older_layout_is_converted_at_the_next_publish(tmp_path):
    """Before the one pointer: curated/ a folder of table links, warehouse.duckdb a plain file
    (with the .wal a dead writer left beside it)."""
    publish.publish(tmp_path, rows(3), "old")
    for link in ("current", "curated", "warehouse.duckdb"):
        (tmp_path / link).unlink()
    old = tmp_path / ".versions" / "old"
    (tmp_path / "curated").mkdir()
    for name in TABLES:
        os.rename(old / "curated" / name, old / name)
        os.symlink(Path("..") / ".versions" / "old" / name, tmp_path / "curated" / name)
    os.rename(old / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    (tmp_path / "warehouse.duckdb.wal").write_bytes(b"not this file's WAL")
    assert versions.whole_version_problem(tmp_path) is not None
    publish.publish(tmp_path, rows(5), "new")
    assert versions.whole_version_problem(tmp_path) is None
    assert not (tmp_path / "warehouse.duckdb.wal").exists()
    assert _counts(tmp_path)["projects"] == (5, 5)
    assert [p.name for p in (tmp_path / ".versions").iterdir()] == ["new"]


def test_the_whole_version_check_sees_a_table_that_is_not_the_version_s(tmp_path):
    import pyarrow.parquet as pq

    publish.publish(tmp_path, rows(3), "r1")
    part = tmp_path / "curated/projects/fiscal_year=2023/part-0.parquet"
    pq.write_table(pq.read_table(part).slice(0, 1), part)  # overwritten behind our back
    problem = versions.whole_version_problem(tmp_path)
    assert problem is not None and "projects" in problem and "Parquet 1" in problem
    (tmp_path / "current" / "version.json").unlink()
    assert "version.json" in versions.whole_version_problem(tmp_path)


# ---------------------------------------------------------------- a writer on the warehouse

WRITER = """
import sys, time
import duckdb
con = duckdb.connect(sys.argv[1])  # read-write, as a notebook would
con.execute("CREATE TABLE mine AS SELECT 1 AS x")  # the analyst's own writes, in the WAL
print("holding", flush=True)
time.sleep(120)
"""


def test_a_writer_holding_the_warehouse_is_waited_for_then_refused_naming_its_pid(tmp_path):
    publish.publish(tmp_path, rows(3), "r1")
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path / "warehouse.duckdb")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout.readline().strip() == "holding"
        assert versions.writer_pid(tmp_path / "warehouse.duckdb") == writer.pid
        with pytest.raises(versions.WarehouseBusy) as refused:
            publish.publish(tmp_path, rows(5), "r2", writer_wait_s=1.0)
        assert f"PID {writer.pid}" in str(refused.value) and "nothing published" in str(refused.value)
        assert refused.value.exit_code == 2
        assert json.loads((tmp_path / "current/version.json").read_text())["run_id"] == "r1"
        assert [p.name for p in (tmp_path / ".versions").iterdir()] == ["r1"]
    finally:
        writer.kill()  # dies holding its WAL: kill -9, as a crashed notebook
        writer.wait()
    assert (tmp_path / ".versions/r1/warehouse.duckdb.wal").exists()
    publish.publish(tmp_path, rows(5), "r3", writer_wait_s=1.0)
    assert not list(tmp_path.rglob("*.wal"))
    assert _counts(tmp_path)["projects"] == (5, 5)
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))  # read-write opens cleanly
    assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
    con.close()


def test_a_reader_does_not_hold_up_a_publish(tmp_path):
    publish.publish(tmp_path, rows(3), "r1")
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1],"
            " read_only=True); print('reading', flush=True); time.sleep(60)",
            str(tmp_path / "warehouse.duckdb"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "reading"
        assert versions.writer_pid(tmp_path / "warehouse.duckdb") is None
        publish.publish(tmp_path, rows(5), "r2", writer_wait_s=0.0)
    finally:
        reader.kill()
        reader.wait()
    assert _counts(tmp_path)["projects"] == (5, 5)


def test_reader_holding_the_old_warehouse_keeps_a_consistent_view(tmp_path):
    publish.publish(tmp_path, rows(3), "r1")
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    publish.publish(tmp_path, rows(5), "r2")
    assert con.execute("SELECT count(*) FROM projects").fetchone()[0] == 3
    con.close()
    assert count(tmp_path) == 5


def test_every_table_with_no_rows_reads_through_its_glob(tmp_path):
    """No rows (a first publish, or lists without that column): one empty file per table
    with the whole schema, found by the glob analysts use; a table with rows has none."""
    publish.publish(tmp_path, rows(2), "r1")  # projects has rows, the other per-project tables none
    con = duckdb.connect()
    try:
        for name, spec in TABLES.items():
            glob = str(tmp_path / "curated" / name / "**" / "*.parquet")
            cur = con.execute("SELECT * FROM read_parquet(?, hive_partitioning=true)", [glob])
            got = cur.fetchall()
            assert sorted(d[0] for d in cur.description) == sorted(c.name for c in spec.columns), name
            assert len(got) == publish.read_table(tmp_path, name).num_rows, name
            empty = tmp_path / "curated" / name / f"{name}.parquet"
            if spec.partitioned:
                assert empty.exists() == (not got), name
    finally:
        con.close()
    assert not (tmp_path / "curated/projects/projects.parquet").exists()
    assert publish.read_table(tmp_path, "participants").num_rows == 0


def test_tables_published_before_a_column_was_added_read_with_it_null(tmp_path):
    publish.publish(tmp_path, rows(2), "run1")
    runs = tmp_path / "curated" / "runs" / "runs.parquet"
    import pyarrow.parquet as pq

    pq.write_table(pq.read_table(runs).drop_columns(["decisions_sha256"]), runs)  # an older file
    table = publish.read_table(tmp_path, "runs")
    assert table.column("decisions_sha256").to_pylist() == [None]
    assert table.column("run_id").to_pylist() == ["r"]


# ---------------------------------------------------------------- the file any DuckDB opens

# The oldest DuckDB the contract promises (publish.OLDEST_DUCKDB_READER) and the last 1.x line.
OLDER_DUCKDBS = [publish.OLDEST_DUCKDB_READER, "1.5.6"]

READ_EVERYTHING = r"""
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
names = [r[0] for r in con.execute(
    "SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
print(json.dumps({
    "version": duckdb.__version__,
    "counts": {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names},
    "comments": con.execute("SELECT count(*) FROM duckdb_columns() WHERE comment IS NOT NULL"
                            " AND NOT internal").fetchone()[0],
    "aliases": con.execute("SELECT aliases FROM organizations ORDER BY org_id").fetchall(),
}))
"""


@pytest.fixture(scope="session")
def older_duckdb(tmp_path_factory):
    """``older_duckdb(version)``: a folder holding that DuckDB release, installed once a session
    from the package registry (put first on PYTHONPATH to run it)."""
    installed: dict[str, Path] = {}

    def install(version: str) -> Path:
        if version not in installed:
            target = tmp_path_factory.mktemp(f"duckdb-{version}")
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--no-deps",
                    "--disable-pip-version-check",
                    "--target",
                    str(target),
                    f"duckdb=={version}",
                ],
                check=True,
                timeout=600,
            )
            installed[version] = target
        return installed[version]

    return install


def _rich_rows() -> dict[str, list[dict]]:
    data = rows(3)
    data["organizations"] = [
        {
            "org_id": "org_a",
            "name": "北九州市",
            "first_fiscal_year": 2023,
            "last_fiscal_year": 2023,
            "project_count": 1,
            "projects_as_proposer": 1,
            "projects_as_participant": 0,
            "aliases": ["北九州市", "北九州市役所"],
        }
    ]
    return data


@pytest.mark.parametrize("version", OLDER_DUCKDBS)
def test_an_older_duckdb_opens_the_published_warehouse(tmp_path, older_duckdb, version):
    publish.publish(tmp_path, _rich_rows(), "r1")
    path = tmp_path / "warehouse.duckdb"
    out = subprocess.run(
        [sys.executable, "-c", READ_EVERYTHING, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(older_duckdb(version))},
    )
    assert out.returncode == 0, out.stderr
    old = json.loads(out.stdout)
    assert old["version"] == version
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()
        ]
        assert set(TABLES) < set(names) and any(n.startswith("v_") for n in names)
        assert old["counts"] == {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
        assert (
            old["comments"]
            == con.execute(
                "SELECT count(*) FROM duckdb_columns() WHERE comment IS NOT NULL AND NOT internal"
            ).fetchone()[0]
            > 0
        )
    finally:
        con.close()
    assert old["counts"]["projects"] == 3
    assert old["aliases"] == [[["北九州市", "北九州市役所"]]]


def test_the_warehouse_header_names_a_storage_version_duckdb_1_reads(tmp_path):
    """DuckDB 1.1-1.5 read storage versions 64-68; 2.x's default writes one they refuse."""
    publish.publish(tmp_path, rows(1), "r1")
    with open(tmp_path / "warehouse.duckdb", "rb") as f:
        magic, storage_version = struct.unpack("<8x4sQ", f.read(20))
    assert magic == b"DUCK" and storage_version == 64


def test_arrow_tables_are_built_exactly_as_from_python_rows():
    import pyarrow as pa

    data = _rich_rows()
    data["sources"][0]["crosscheck_agreement"] = 0.1 + 0.2  # a double without a short decimal
    for name, spec in TABLES.items():
        given = data.get(name, [])
        built = publish.arrow_table(spec, given)
        assert built.schema.equals(spec.arrow_schema), name
        assert built.equals(pa.Table.from_pylist(given, schema=spec.arrow_schema)), name
    assert publish.arrow_table(TABLES["sources"], data["sources"]).column(
        "crosscheck_agreement"
    ).to_pylist() == [0.1 + 0.2]


def test_publishing_does_not_import_pandas(tmp_path):
    """Issue 15: the writer builds Arrow tables without pyarrow's pandas checks."""
    script = (
        "import sys\nfrom pipelines.warehouse import publish\nfrom tests.conftest import rows\n"
        "publish.publish(sys.argv[1], rows(3), 'r1')\n"
        "publish.publish(sys.argv[1], rows(5), 'r2')\n"
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[3],
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
    assert count(tmp_path) == 5
