"""Read-only SQL on the warehouse for ``c3p query``, ``c3p tables`` and ``c3p describe``.

The connection is a sandbox: the warehouse opened read-only, external access off (no file,
URL or extension outside the warehouse: no ``COPY … TO``, ``EXPORT DATABASE``, ``ATTACH``,
``read_csv('/etc/passwd')``, ``INSTALL``), extension auto-install and auto-load off, and the
configuration locked so that SQL cannot turn any of it back on. The only other path it may
touch is the one file a CSV result is written to, by DuckDB's own writer.

Results are rendered by DuckDB itself wherever it can: the terminal table is DuckDB's box
renderer (as the DuckDB CLI draws it), CSV is DuckDB's writer, JSON is DuckDB's ``to_json``
(numbers stay numbers). Only the line and markdown layouts are drawn here, from DuckDB's own
text form of each value. This module imports neither Prefect nor pyarrow nor pandas:
``c3p query`` stays quick.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb

from pipelines.errors import CommandError, explain

WAREHOUSE_FILE = "warehouse.duckdb"  # the same name as pipelines.warehouse.publish.WAREHOUSE
FORMATS = ("table", "line", "markdown", "csv", "json", "xlsx")  # the CLI's --format choices
DEFAULT_MAX_ROWS = 40  # rows a terminal layout shows unless told (the DuckDB CLI's default)
NULL_TEXT = "NULL"  # how the terminal layouts show NULL ('' shows as nothing)
UTF8_BOM = "\ufeff"


QueryError = CommandError  # a query that cannot run (exit 1: the SQL; 2: usage)


# ---------------------------------------------------------------- the sandbox


def connect(warehouse: Path, writable_file: Path | None = None) -> duckdb.DuckDBPyConnection:
    """The warehouse, read-only, in a sandbox that allows nothing beyond it.

    ``writable_file``: the one file DuckDB may also write (a CSV result), or None.
    """
    warehouse = Path(warehouse)
    if not warehouse.exists():
        raise QueryError(f"no warehouse at {warehouse}: run `c3p demo` or `c3p refresh` first", 2)
    try:
        con = duckdb.connect(
            str(warehouse),
            read_only=True,
            config={
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
                "allow_community_extensions": False,
                "allow_persistent_secrets": False,
            },
        )
    except duckdb.Error as exc:
        message, _ = explain(exc)  # e.g. held open read-write by a notebook: which process
        raise QueryError(
            message if str(warehouse) in message else f"{warehouse}: cannot open read-only ({message})", 1
        ) from exc
    if writable_file is not None:
        con.execute("SET allowed_paths = ?", [[str(writable_file)]])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def run(con: duckdb.DuckDBPyConnection, sql: str) -> duckdb.DuckDBPyRelation | None:
    """Run ``sql`` (one or more statements); the last statement's result, None if it has none."""
    if not strip_comments(sql).strip(" \t\r\n;"):
        raise QueryError("no SQL to run: give a query, -f FILE, - (stdin) or --name NAME", 2)
    try:
        return con.sql(sql)
    except duckdb.Error as exc:
        raise QueryError(f"query failed: {exc}".rstrip()) from exc


def strip_comments(sql: str) -> str:
    """``sql`` without its ``--`` line comments and ``/* */`` blocks (outside quotes)."""
    return re.sub(
        r"""('(?:[^']|'')*'|"(?:[^"]|"")*")|--[^\n]*|/\*.*?\*/""",
        lambda m: m.group(1) or " ",
        sql,
        flags=re.S,
    )


# ---------------------------------------------------------------- named questions


@dataclass(frozen=True)
class Question:
    name: str
    question: str
    sql: str


def questions(text: str) -> dict[str, Question]:
    """The named questions of a queries file (``-- name: slug`` then ``-- question: …``)."""
    out: dict[str, Question] = {}
    for block in re.split(r"^-- name:", text, flags=re.M)[1:]:
        name, _, rest = block.partition("\n")
        name = name.strip()
        asked = re.search(r"^-- question:\s*(.+)$", rest, flags=re.M)
        sql = "\n".join(line for line in rest.splitlines() if not line.startswith("--")).strip()
        out[name] = Question(name, asked.group(1).strip() if asked else "", sql)
    return out


def default_questions_text() -> str:
    """The project's own questions (docs/queries.sql, shipped as pipelines/warehouse/queries.sql)."""
    return resources.files("pipelines.warehouse").joinpath("queries.sql").read_text(encoding="utf-8")


def pick(found: dict[str, Question], name: str, where: str) -> Question:
    if name not in found:
        known = ", ".join(sorted(found)) or "none"
        raise QueryError(f"{where}: no question named {name!r} (known: {known})", 2)
    return found[name]


def choose_sql(sql: str | None, file_text: str | None, file_name: str | None, name: str | None) -> str:
    """The SQL to run: given as text, read from a file, or a named question (of the file,
    else of docs/queries.sql). Exactly one source; usage errors exit 2."""
    if name is not None:
        if sql is not None:
            raise QueryError("give either SQL or --name, not both", 2)
        found = questions(file_text if file_text is not None else default_questions_text())
        return pick(found, name, file_name or "docs/queries.sql").sql
    if file_text is not None:
        if sql is not None:
            raise QueryError("give either SQL or -f FILE, not both", 2)
        return file_text
    if sql is None:
        raise QueryError('no SQL given: c3p query "SQL", -f FILE, - (stdin) or --name NAME', 2)
    return sql


# ---------------------------------------------------------------- catalogue


def tables_sql(con: duckdb.DuckDBPyConnection) -> str:
    """SQL listing every table (with its row count) and view, with their comments."""
    names = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT internal AND NOT temporary ORDER BY table_name"
        ).fetchall()
    ]
    counts = " UNION ALL ".join(
        f"SELECT {_literal(n)} AS name, (SELECT count(*) FROM {_ident(n)}) AS n" for n in names
    )
    counts = counts or "SELECT NULL::VARCHAR AS name, NULL::BIGINT AS n WHERE false"
    return (
        "SELECT t.table_name AS name, 'table' AS kind, c.n AS rows, t.comment"
        f" FROM duckdb_tables() t JOIN ({counts}) c ON c.name = t.table_name"
        " WHERE NOT t.internal AND NOT t.temporary"
        " UNION ALL SELECT view_name, 'view', NULL, comment FROM duckdb_views()"
        " WHERE NOT internal AND NOT temporary ORDER BY kind, name"
    )


def describe_sql(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """SQL listing the columns of ``table`` (a table or view): type, nullability, comment."""
    found = con.execute(
        "SELECT 1 FROM duckdb_tables() WHERE table_name = ? AND NOT internal UNION ALL"
        " SELECT 1 FROM duckdb_views() WHERE view_name = ? AND NOT internal",
        [table, table],
    ).fetchall()
    if not found:
        raise QueryError(f"no table or view named {table!r} (`c3p tables` lists them)", 2)
    return (
        "SELECT c.column_name AS column, c.data_type AS type, c.is_nullable AS nullable,"
        " coalesce(list_contains(k.cols, c.column_name), false) AS primary_key, c.comment"
        " FROM duckdb_columns() c LEFT JOIN (SELECT table_name,"
        " flatten(list(constraint_column_names)) AS cols"
        " FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'"
        " GROUP BY table_name) k ON k.table_name = c.table_name"
        f" WHERE c.table_name = {_literal(table)} AND NOT c.internal ORDER BY c.column_index"
    )


def table_comment(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    row = con.execute(
        "SELECT comment FROM duckdb_tables() WHERE table_name = ? UNION ALL"
        " SELECT comment FROM duckdb_views() WHERE view_name = ?",
        [table, table],
    ).fetchall()
    return row[0][0] if row else None


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# ---------------------------------------------------------------- rendering


@dataclass
class Rendered:
    text: str
    rows: int  # rows in the result
    shown: int  # rows drawn
    hidden_columns: int = 0  # columns the table layout left out to fit the width

    def note(self) -> str | None:
        """What was left out and how to see it, or None when nothing was."""
        parts = []
        if self.shown < self.rows:
            parts.append(
                f"{self.rows - self.shown} of {self.rows} rows not shown (--max-rows 0 shows them all)"
            )
        if self.hidden_columns:
            parts.append(
                f"{self.hidden_columns} columns not shown to fit the width (--format line shows every column)"
            )
        return "; ".join(parts) or None


def render(rel: duckdb.DuckDBPyRelation, fmt: str, max_rows: int | None, width: int) -> Rendered:
    """The result in a terminal layout: ``table``, ``line`` or ``markdown``."""
    total = rel.aggregate("count(*)").fetchall()[0][0]
    limit = total if not max_rows else min(max_rows, total)
    if fmt == "table":
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rel.show(max_width=width, max_rows=max(limit, 1), null_value=NULL_TEXT)
        text = buf.getvalue()
        m = re.search(r"(\d+) columns \((\d+) shown\)", text)
        hidden = int(m.group(1)) - int(m.group(2)) if m else 0
        if not re.search(r"\d+ rows?\b", text.rsplit("┘", 1)[-1]):
            text = text.rstrip("\n") + f"\n{_rows(total)}\n"
        return Rendered(text, total, limit, hidden)
    columns = list(rel.columns)
    values = _as_text(rel).limit(limit).fetchall()
    if fmt == "line":
        pad = max((_width(c) for c in columns), default=0)
        blocks = [
            "\n".join(f"{' ' * (pad - _width(c))}{c} = {_null(v)}" for c, v in zip(columns, row))
            for row in values
        ]
        text = "\n\n".join(blocks) + ("\n\n" if blocks else "") + f"{_rows(total)}\n"
        return Rendered(text, total, limit)
    lines = ["| " + " | ".join(_md(c) for c in columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(_md(_null(v)) for v in row) + " |" for row in values]
    return Rendered("\n".join(lines) + "\n", total, limit)


def _rows(n: int) -> str:
    return f"({n} row{'' if n == 1 else 's'})"


def _as_text(rel: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """Every column as DuckDB writes it as text (lists as [a, b], structs as {'k': v})."""
    return rel.project(", ".join(f"CAST({_ident(c)} AS VARCHAR) AS {_ident(c)}" for c in rel.columns))


def _null(value: str | None) -> str:
    return NULL_TEXT if value is None else value


def _md(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return text.replace("\r\n", "<br>").replace("\n", "<br>")


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_result(
    rel: duckdb.DuckDBPyRelation | None,
    scratch: Path,
    fmt: str,
    max_rows: int | None,
    excel: bool = False,
    output: Path | None = None,
) -> str | None:
    """Write a result in ``fmt`` to stdout (or ``output``); returns a note of what a terminal
    layout left out, or None. ``max_rows`` None: 40 rows on a terminal, all in csv/json."""
    if rel is None:  # a statement without a result (e.g. SET): nothing to show
        return None
    if fmt == "xlsx":
        if output is None:
            raise QueryError("--format xlsx writes a file: give --output FILE.xlsx", 2)
        write_xlsx(rel.limit(max_rows) if max_rows else rel, output)
        return None
    if fmt not in ("csv", "json") and output is None:
        width = shutil.get_terminal_size((120, 24)).columns
        shown = render(rel, fmt, DEFAULT_MAX_ROWS if max_rows is None else max_rows, width)
        sys.stdout.write(shown.text)
        return shown.note()
    if max_rows:
        rel = rel.limit(max_rows)
    sys.stdout.flush()
    target = open(output, "wb") if output is not None else sys.stdout.buffer
    try:
        if fmt == "csv":
            write_csv(rel, scratch)
            copy_out(scratch, target, excel)
        elif fmt == "json":
            target.write(json_text(rel).encode("utf-8"))
        else:
            target.write(render(rel, fmt, max_rows, 10**6).text.encode("utf-8"))
    finally:
        if output is not None:
            target.close()
        else:
            target.flush()
    return None


# DuckDB types an Excel cell holds as they are; every other value goes in as DuckDB's text
_EXCEL_TYPES = re.compile(
    r"(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER"
    r"|UBIGINT|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\)|BOOLEAN|DATE)"
)


def write_xlsx(rel: duckdb.DuckDBPyRelation, path: Path) -> None:
    """The result as an Excel workbook: numbers, booleans and dates as Excel values, lists,
    structs, timestamps and text as DuckDB writes them; NULL an empty cell."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    columns = list(rel.columns)
    typed = [bool(_EXCEL_TYPES.fullmatch(str(t).upper())) for t in rel.types]
    rel = rel.project(
        ", ".join(
            _ident(c) if keep else f"CAST({_ident(c)} AS VARCHAR) AS {_ident(c)}"
            for c, keep in zip(columns, typed)
        )
    )
    book = Workbook()
    sheet = book.active
    sheet.title = "result"
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rel.fetchall():
        sheet.append(
            [
                ILLEGAL_CHARACTERS_RE.sub("", v)
                if isinstance(v, str)
                else float(v)
                if type(v).__name__ == "Decimal"
                else v
                for v in row
            ]
        )
    book.save(path)


def write_csv(rel: duckdb.DuckDBPyRelation, path: Path) -> None:
    """The result as CSV by DuckDB's own writer (NULL empty, '' as "", lists as [a, b])."""
    rel.to_csv(str(path), header=True)


def json_text(rel: duckdb.DuckDBPyRelation) -> str:
    """The result as a JSON array of objects, one per line, by DuckDB's ``to_json``."""
    rows = [r[0] for r in rel.set_alias("result_row").project("to_json(result_row)").fetchall()]
    return "[" + ",\n".join(rows) + "]\n" if rows else "[]\n"


def copy_out(source: Path, target, excel: bool) -> None:
    """Send a written result to ``target`` (a binary stream), with a UTF-8 BOM for Excel."""
    if excel:
        target.write(UTF8_BOM.encode("utf-8"))
    with open(source, "rb") as f:
        shutil.copyfileobj(f, target)


@contextlib.contextmanager
def session(warehouse: Path):
    """``(connection, scratch)``: the sandbox, and the one file it may write a CSV result to."""
    with tempfile.TemporaryDirectory(prefix="c3p-query-") as tmp:
        scratch = Path(tmp) / "result.csv"
        con = connect(warehouse, scratch)
        try:
            yield con, scratch
        finally:
            con.close()
