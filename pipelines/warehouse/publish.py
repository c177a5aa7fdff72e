"""The atomic publish: a whole new version (Parquet, DuckDB, ``version.json``) written beside
the published one, then switched in with one rename (``pipelines/warehouse/versions.py``).

A run that fails or is killed at any point leaves the previous version published, whole and
readable; ``versions.clean`` (at the start and the end of every publish) removes what it left.
"""

from __future__ import annotations

import io
import json
import math
import shutil
import sys
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from pipelines import settings
from pipelines.warehouse import versions
from pipelines.warehouse.schema import TABLES, TableSpec
from pipelines.warehouse.versions import CURATED, VERSIONS, WAREHOUSE  # noqa: F401  (interface)

# warehouse.duckdb is written for DuckDB 1.1 readers (storage version 64), so every DuckDB
# from 1.1.0 on opens it, 1.x and 2.x alike: DuckDB 2.x's own default format is unreadable
# by 1.x ("we can only read versions between 64 and 68"). 1.0 cannot read the primary-key
# indexes 2.x writes even in this format. The tables are small: newer compression buys nothing.
STORAGE_VERSION = "v1.1.0"
OLDEST_DUCKDB_READER = "1.1.0"

_SQL_TYPES = {
    pa.string(): "VARCHAR",
    pa.int16(): "SMALLINT",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    pa.timestamp("s", tz="UTC"): "TIMESTAMPTZ",
    pa.list_(pa.string()): "VARCHAR[]",
}


def arrow_table(spec: TableSpec, rows: list[dict]) -> pa.Table:
    """Rows as an Arrow table of the spec's exact types (a key a row lacks is null).

    Built by Arrow's own JSON reader from one JSON line per row, column types from the
    schema: ``pa.Table.from_pylist`` and ``pa.array`` import pandas (pyarrow checks every
    Python sequence against pandas' types), which publishing does not need. JSON carries these
    types exactly (a double's shortest repr reads back bit for bit)."""
    schema = spec.arrow_schema
    if not rows:
        return pa.table([pa.nulls(0, f.type) for f in schema], schema=schema)
    names = [c.name for c in spec.columns]
    text = "".join(
        json.dumps({n: _json_value(r.get(n)) for n in names}, ensure_ascii=False, allow_nan=False) + "\n"
        for r in rows
    ).encode("utf-8")
    table = pa_json.read_json(
        io.BytesIO(text),
        read_options=pa_json.ReadOptions(block_size=len(text) + 1),
        parse_options=pa_json.ParseOptions(explicit_schema=schema),
    )
    return table.select(names).cast(schema)


def _json_value(value):
    if isinstance(value, datetime):  # the schema's timestamps are to the second, UTC
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"not a finite number: {value}")
    return value


_REPORTED: set[str] = set()  # damaged files already reported by this process


def read_table(data_dir: Path, name: str) -> pa.Table | None:
    """A published table, read from the current Parquet (None before the first publish).

    A damaged Parquet file (cut short, overwritten) is reported in one line on stderr and the
    table read from ``warehouse.duckdb`` instead; None when that cannot be read either (then
    the run reads every list again and rebuilds it): never fatal."""
    try:
        return _read_parquet_table(data_dir, name)
    except (pa.ArrowException, OSError, ValueError) as exc:
        problem = f"{Path(data_dir) / CURATED / name}: damaged ({str(exc).splitlines()[0]})"
    try:
        con = duckdb.connect(str(Path(data_dir) / WAREHOUSE), read_only=True)
        try:
            table = con.sql(f'SELECT * FROM "{name}"').to_arrow_table()
        finally:
            con.close()
        spec = TABLES[name]
        schema = pa.schema([f.with_nullable(True) for f in spec.arrow_schema])
        table = table.select([c.name for c in spec.columns]).cast(schema)
        found = f"read from {WAREHOUSE} instead"
    except (duckdb.Error, pa.ArrowException, KeyError, ValueError) as exc:
        table, found = None, f"nor readable from {WAREHOUSE} ({exc}); rebuilt by this run"
    if problem not in _REPORTED:
        _REPORTED.add(problem)
        print(f"warning: {problem}; {found}", file=sys.stderr, flush=True)
    return table


def _read_parquet_table(data_dir: Path, name: str) -> pa.Table | None:
    spec = TABLES[name]
    root = Path(data_dir) / CURATED / name
    if not root.exists():
        return None
    parts = []
    # nullable on reading: a column added since a file was published reads as null
    schema = pa.schema([f.with_nullable(True) for f in spec.arrow_schema])
    for path in sorted(root.rglob("*.parquet")):
        table = pq.read_table(path)
        if spec.partitioned and path.parent != root:  # at the root: the empty file, whole schema
            year = int(path.parent.name.split("=", 1)[1])
            table = table.append_column("fiscal_year", pa.array([year] * table.num_rows, pa.int16()))
        for c in spec.columns:
            if c.name not in table.column_names:
                table = table.append_column(c.name, pa.nulls(table.num_rows, c.type))
        parts.append(table.select([c.name for c in spec.columns]).cast(schema))
    return pa.concat_tables(parts) if parts else arrow_table(spec, [])


def _write_parquet(spec: TableSpec, rows: list[dict], root: Path) -> None:
    root.mkdir(parents=True)
    options = dict(compression="zstd", use_dictionary=True, write_statistics=True)
    if not spec.partitioned or not rows:  # no rows: one empty file with the whole schema,
        pq.write_table(arrow_table(spec, rows), root / f"{spec.name}.parquet", **options)  # for globs
        return
    by_year: dict[int, list[dict]] = {}
    for r in rows:
        by_year.setdefault(r["fiscal_year"], []).append(r)
    for year in sorted(by_year):
        part = root / f"fiscal_year={year}"
        part.mkdir()
        pq.write_table(
            arrow_table(spec, by_year[year]).drop_columns(["fiscal_year"]), part / "part-0.parquet", **options
        )


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _write_duckdb(path: Path, tables: dict[str, pa.Table]) -> None:
    con = duckdb.connect(str(path), config={"storage_compatibility_version": STORAGE_VERSION})
    try:
        for name, spec in TABLES.items():
            cols = [
                f'"{c.name}" {_SQL_TYPES[c.type]}{"" if c.nullable else " NOT NULL"}' for c in spec.columns
            ]
            if spec.primary_key:
                cols.append(f"PRIMARY KEY ({', '.join(spec.primary_key)})")
            for column, target in spec.references:
                ref_table, ref_column = target.split(".")
                cols.append(f'FOREIGN KEY ("{column}") REFERENCES "{ref_table}" ("{ref_column}")')
            con.execute(f'CREATE TABLE "{name}" ({", ".join(cols)})')
            con.register("incoming", tables[name])
            con.execute(f'INSERT INTO "{name}" SELECT * FROM incoming')
            con.unregister("incoming")
            con.execute(f'COMMENT ON TABLE "{name}" IS {_sql_literal(spec.comment)}')
            for c in spec.columns:
                con.execute(f'COMMENT ON COLUMN "{name}"."{c.name}" IS {_sql_literal(c.comment)}')
        views = resources.files("pipelines.warehouse").joinpath("views.sql").read_text(encoding="utf-8")
        con.execute(views)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def recover(data_dir: Path) -> None:
    """Clear what a killed or failed run left (``versions.clean``); the published version
    is never touched."""
    versions.clean(Path(data_dir))


def publish(
    data_dir: Path, rows: dict[str, list[dict]], run_id: str, writer_wait_s: float | None = None
) -> None:
    """Write every table to Parquet and DuckDB in ``.versions/<run_id>/`` with its
    ``version.json``, put it on disk (fsync), then switch ``current`` to it (one rename).

    Readers keep their paths: ``curated/<table>/…`` and ``warehouse.duckdb`` lead through
    ``current``. A process holding the published warehouse read-write is waited for
    (``writer_wait_s``, default ``settings.writer_wait_s()``), then ``WarehouseBusy``: nothing
    published. The previous version is removed once the switch succeeded.
    """
    data_dir = Path(data_dir)
    recover(data_dir)
    version = versions.version_dir(data_dir, run_id)
    version.mkdir(parents=True)
    tables = {name: arrow_table(spec, rows.get(name, [])) for name, spec in TABLES.items()}
    for name, spec in TABLES.items():
        _write_parquet(spec, rows.get(name, []), version / CURATED / name)
    _write_duckdb(version / WAREHOUSE, tables)
    versions.write_version_file(version, run_id, {n: t.num_rows for n, t in tables.items()})
    versions.fsync_tree(version)
    try:
        versions.switch(
            data_dir, run_id, settings.writer_wait_s() if writer_wait_s is None else writer_wait_s
        )
    except versions.WarehouseBusy:  # refused before the switch: the new version goes
        shutil.rmtree(version, ignore_errors=True)
        raise
