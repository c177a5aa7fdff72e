"""The atomic publish: new Parquet and DuckDB written beside the old, then swapped in.

A run that fails or is killed at any point leaves the previous warehouse and Parquet
readable; ``recover`` (run at the start of every publish) clears what it left behind.
"""
from __future__ import annotations

import os
import shutil
import sys
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.warehouse.schema import TABLES, TableSpec

WAREHOUSE = "warehouse.duckdb"
CURATED = "curated"
VERSIONS = ".versions"
# warehouse.duckdb is written for DuckDB 1.1 readers (storage version 64), so every DuckDB
# from 1.1.0 on opens it, 1.x and 2.x alike: DuckDB 2.x's own default format is unreadable
# by 1.x ("we can only read versions between 64 and 68"). 1.0 cannot read the primary-key
# indexes 2.x writes even in this format. The tables are small: newer compression buys nothing.
STORAGE_VERSION = "v1.1.0"
OLDEST_DUCKDB_READER = "1.1.0"

_SQL_TYPES = {
    pa.string(): "VARCHAR", pa.int16(): "SMALLINT", pa.int32(): "INTEGER", pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE", pa.bool_(): "BOOLEAN", pa.timestamp("s", tz="UTC"): "TIMESTAMPTZ",
    pa.list_(pa.string()): "VARCHAR[]",
}


def arrow_table(spec: TableSpec, rows: list[dict]) -> pa.Table:
    """Rows as an Arrow table of the spec's exact types (no object columns)."""
    return pa.Table.from_pylist(rows, schema=spec.arrow_schema)


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


def _write_parquet(spec: TableSpec, table: pa.Table, root: Path) -> None:
    root.mkdir(parents=True)
    options = dict(compression="zstd", use_dictionary=True, write_statistics=True)
    if not spec.partitioned:
        pq.write_table(table, root / f"{spec.name}.parquet", **options)
        return
    if table.num_rows == 0:  # one empty file with the whole schema, so that globs find it
        pq.write_table(table, root / f"{spec.name}.parquet", **options)
        return
    years = sorted(set(table.column("fiscal_year").to_pylist()))
    body = table.drop_columns(["fiscal_year"])
    for year in years:
        mask = pc.equal(table.column("fiscal_year"), year)
        part = root / f"fiscal_year={year}"
        part.mkdir()
        pq.write_table(body.filter(mask), part / "part-0.parquet", **options)


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _write_duckdb(path: Path, tables: dict[str, pa.Table]) -> None:
    con = duckdb.connect(str(path), config={"storage_compatibility_version": STORAGE_VERSION})
    try:
        for name, spec in TABLES.items():
            cols = [
                f'"{c.name}" {_SQL_TYPES[c.type]}{"" if c.nullable else " NOT NULL"}'
                for c in spec.columns
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


def _live_versions(data_dir: Path) -> set[str]:
    """Version folders the table links point at (the published Parquet)."""
    live = set()
    curated = data_dir / CURATED
    if curated.exists():
        for link in curated.iterdir():
            if link.is_symlink():
                live.add(Path(os.readlink(link)).parent.name)
    return live


def recover(data_dir: Path) -> None:
    """Clear what a killed or failed run left: unpublished versions and half-made links.

    Nothing published is touched: every table link always points at a complete version.
    """
    data_dir = Path(data_dir)
    curated = data_dir / CURATED
    if curated.exists():
        for tmp in curated.glob(".*.link"):
            tmp.unlink()
    live = _live_versions(data_dir)
    versions = data_dir / VERSIONS
    if versions.exists():
        for version in versions.iterdir():
            if version.name not in live:
                shutil.rmtree(version, ignore_errors=True)


def publish(data_dir: Path, rows: dict[str, list[dict]], run_id: str) -> None:
    """Write every table to Parquet and DuckDB in a new version folder, then swap them in.

    ``curated/<table>`` is a symbolic link to ``.versions/<run>/<table>``, replaced
    atomically (``os.replace``), so a reader never finds a table missing or half written;
    ``warehouse.duckdb`` is replaced the same way. The previous version's folder is removed
    once nothing points at it.
    """
    data_dir = Path(data_dir)
    recover(data_dir)
    version = data_dir / VERSIONS / run_id
    version.mkdir(parents=True)
    tables = {name: arrow_table(spec, rows.get(name, [])) for name, spec in TABLES.items()}
    for name, spec in TABLES.items():
        _write_parquet(spec, tables[name], version / name)
    _write_duckdb(version / WAREHOUSE, tables)

    curated = data_dir / CURATED
    curated.mkdir(exist_ok=True)
    for name in TABLES:
        live = curated / name
        if live.exists() and not live.is_symlink():  # a plain folder from an older layout
            shutil.rmtree(live)
        tmp = curated / f".{name}.link"
        tmp.unlink(missing_ok=True)
        os.symlink(Path("..") / VERSIONS / run_id / name, tmp)
        os.replace(tmp, live)
    os.replace(version / WAREHOUSE, data_dir / WAREHOUSE)
    recover(data_dir)
