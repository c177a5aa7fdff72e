"""`c3p query`, `c3p tables`, `c3p describe` through click's runner: where SQL comes from,
the layouts an analyst reads, the formats other tools read, and the sandbox."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.warehouse import publish
from pipelines.cli import main
from pipelines.warehouse.query import questions
from tests.conftest import rows

ROOT = Path(__file__).resolve().parents[3]
QUERIES = ROOT / "docs" / "queries.sql"


def invoke(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("query") / "data"
    data = rows(45)
    data["projects"][0]["summary"] = ""  # '' beside the NULL summaries of the others
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
    publish.publish(data_dir, data, "r1")
    return data_dir


def query(warehouse, *args, input=None):
    return invoke("query", *args, "--data-dir", warehouse, input=input)


# ---------------------------------------------------------------- where the SQL comes from


def test_sql_starting_with_a_comment_runs(warehouse):
    result = query(warehouse, "-- projects of FY2023\nSELECT count(*) AS n FROM projects", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["n", "45"]


def test_sql_from_stdin(warehouse):
    result = query(warehouse, "-", "--format", "csv", input="SELECT 41 + 1 AS answer;\n")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["answer", "42"]


def test_sql_from_a_file_runs_every_statement_and_shows_the_last(warehouse, tmp_path):
    sql = tmp_path / "q.sql"
    sql.write_text(
        "-- two statements\nCREATE TEMP TABLE t AS SELECT 7 AS x;\nSELECT x * 6 AS y FROM t;\n",
        encoding="utf-8",
    )
    result = query(warehouse, "-f", sql, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["y", "42"]


def test_named_question_from_the_projects_own_list(warehouse):
    listed = invoke("query", "--list")
    assert listed.exit_code == 0
    assert "projects-per-year: How many projects were adopted each fiscal year" in listed.output
    assert len(listed.output.splitlines()) == len(questions(QUERIES.read_text(encoding="utf-8")))
    result = query(warehouse, "--name", "projects-per-year", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"fiscal_year": 2023, "projects": 45, "lists": 1, "countries": 0}]


@pytest.mark.parametrize("name", sorted(questions(QUERIES.read_text(encoding="utf-8"))))
def test_every_named_question_of_docs_queries_runs(warehouse, name):
    result = query(warehouse, "-f", QUERIES, "--name", name, "--format", "json")
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.output), list)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--name", "no-such-question"], "no question named 'no-such-question'"),
        ([""], "no SQL to run"),
        (["-- only a comment"], "no SQL to run"),
        ([], "no SQL given"),
    ],
)
def test_nothing_to_run_is_a_one_line_usage_error(warehouse, args, message):
    result = query(warehouse, *args)
    assert result.exit_code == 2 and message in result.output, result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- layouts for a terminal


def test_table_fits_the_terminal_and_says_what_it_left_out(warehouse):
    result = query(warehouse, "SELECT * FROM projects ORDER BY project_id", "--max-rows", "6")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "project_id" in out and "2023-1-01" in out and "2023-1-45" in out
    assert "2023-1-20" not in out  # the middle rows are elided, as the DuckDB CLI does
    assert "proj…" not in out  # names are not cut to a few characters
    assert "45 rows (6 shown)" in out
    assert "note: 39 of 45 rows not shown (--max-rows 0 shows them all)" in out
    assert "columns not shown to fit the width (--format line shows every column)" in out


def test_max_rows_zero_shows_every_row(warehouse):
    result = query(warehouse, "SELECT project_id FROM projects", "--max-rows", "0")
    assert all(f"2023-1-{i:02d}" in result.output for i in range(1, 46))
    assert "not shown" not in result.output


def test_null_is_visibly_different_from_empty(warehouse):
    sql = "SELECT NULL AS missing, '' AS empty, 'x' AS present"
    table = query(warehouse, sql)
    assert re.search(r"│ NULL\s+│\s+│ x\s+│", table.output), table.output
    line = query(warehouse, sql, "--format", "line")
    assert line.output.splitlines()[:3] == ["missing = NULL", "  empty = ", "present = x"]
    csv_out = query(warehouse, sql, "--format", "csv")
    assert csv_out.output.splitlines() == ["missing,empty,present", ',"",x']
    js = query(warehouse, sql, "--format", "json")
    assert json.loads(js.output) == [{"missing": None, "empty": "", "present": "x"}]


def test_line_mode_shows_every_column_of_a_wide_row(warehouse):
    result = query(warehouse, "SELECT * FROM projects WHERE list_no = 1", "--format", "line")
    assert result.exit_code == 0, result.output
    names = [line.split(" = ")[0].strip() for line in result.output.splitlines() if " = " in line]
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    assert names == [d[0] for d in con.execute("SELECT * FROM projects").description]
    con.close()
    assert result.output.rstrip().endswith("(1 row)")


def test_markdown(warehouse):
    result = query(
        warehouse,
        "SELECT project_id, 'a|b' AS pipe, ['x', 'y'] AS l FROM projects ORDER BY 1 LIMIT 2",
        "--format",
        "markdown",
    )
    assert result.output.splitlines() == [
        "| project_id | pipe | l |",
        "|---|---|---|",
        "| 2023-1-01 | a\\|b | [x, y] |",
        "| 2023-1-02 | a\\|b | [x, y] |",
    ]


# ---------------------------------------------------------------- formats for other tools


def test_csv_is_duckdbs_own(warehouse):
    result = query(
        warehouse, "SELECT aliases, true AS flag, {'k': 1} AS s FROM organizations", "--format", "csv"
    )
    assert result.output.splitlines() == ["aliases,flag,s", "\"[北九州市, 北九州市役所]\",true,{'k': 1}"]
    assert "['" not in result.output and "True" not in result.output  # not Python's repr


def test_excel_csv_starts_with_a_byte_order_mark(warehouse, tmp_path):
    out = tmp_path / "result.csv"
    result = query(warehouse, "SELECT name FROM organizations", "--excel", "--output", out)
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [["name"], ["北九州市"]]


def test_json_keeps_numbers_as_numbers(warehouse):
    result = query(
        warehouse,
        "SELECT 1.5::DECIMAL(4, 2) AS d, 3::HUGEINT AS h, 2.25 AS f, [1, 2] AS l, DATE '2024-04-01' AS day",
        "--format",
        "json",
    )
    assert json.loads(result.output) == [{"d": 1.5, "h": 3, "f": 2.25, "l": [1, 2], "day": "2024-04-01"}]


def test_output_into_a_missing_folder_is_refused(warehouse, tmp_path):
    target = tmp_path / "no" / "such" / "out.csv"
    result = query(warehouse, "SELECT 1", "--format", "csv", "--output", target)
    assert result.exit_code == 2 and "does not exist" in result.output
    assert not (tmp_path / "no").exists()


# ---------------------------------------------------------------- tables / describe


def test_tables_lists_tables_with_counts_and_views(warehouse):
    result = invoke("tables", "--data-dir", warehouse, "--format", "json")
    assert result.exit_code == 0, result.output
    got = {r["name"]: r for r in json.loads(result.output)}
    assert got["projects"]["kind"] == "table" and got["projects"]["rows"] == 45
    assert got["projects"]["comment"].startswith("One row per adopted project")
    assert got["v_projects"]["kind"] == "view" and got["v_projects"]["rows"] is None


def test_describe_gives_types_keys_and_comments(warehouse):
    result = invoke("describe", "projects", "--data-dir", warehouse, "--format", "json")
    assert result.exit_code == 0, result.output
    cols = {r["column"]: r for r in json.loads(result.output)}
    assert cols["project_id"]["type"] == "VARCHAR" and cols["project_id"]["primary_key"] is True
    assert cols["fiscal_year"]["nullable"] is False and cols["summary"]["nullable"] is True
    assert all(r["comment"] for r in cols.values())
    table = invoke("describe", "v_projects", "--data-dir", warehouse)
    assert table.output.startswith("v_projects: One row per project")


def test_describe_an_unknown_table(warehouse):
    result = invoke("describe", "nope", "--data-dir", warehouse)
    assert result.exit_code == 2 and "no table or view named 'nope'" in result.output


# ---------------------------------------------------------------- the sandbox


@pytest.mark.parametrize(
    "escape",
    [
        "COPY projects TO '{tmp}/stolen.csv'",
        "COPY projects TO '{data}/curated/projects/fiscal_year=2023/part-0.parquet' (FORMAT parquet)",
        "EXPORT DATABASE '{tmp}/export'",
        "ATTACH '{tmp}/other.duckdb' AS other (READ_WRITE)",
        "ATTACH '{data}/warehouse.duckdb' AS again (READ_WRITE)",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_parquet('{data}/curated/projects/**/*.parquet')",
        "SELECT * FROM 'http://127.0.0.1:9/x.csv'",
        "INSTALL spatial",
        "LOAD spatial",
        "SET enable_external_access = true",
        "SET autoinstall_known_extensions = true",
        "RESET lock_configuration",
    ],
)
def test_query_cannot_reach_beyond_the_warehouse(warehouse, tmp_path, escape):
    parquet = warehouse / "curated/projects/fiscal_year=2023/part-0.parquet"
    before = parquet.read_bytes()
    result = query(warehouse, escape.format(tmp=tmp_path, data=warehouse))
    assert result.exit_code == 1, result.output
    refused = r"Permission Error|configuration has been locked|disabled|already attached"
    assert re.search(refused, result.output), result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.iterdir())
    assert parquet.read_bytes() == before


def test_the_sandbox_still_reads_tables_views_and_catalogue(warehouse):
    result = query(
        warehouse,
        "SELECT (SELECT count(*) FROM v_projects) AS v,"
        " (SELECT count(*) FROM duckdb_tables()) > 0 AS catalogue",
        "--format",
        "csv",
    )
    assert result.output.splitlines() == ["v,catalogue", "45,true"]


def test_field_codes_of_a_list_without_fields_is_null_as_documented(warehouse):
    result = query(
        warehouse,
        "SELECT count(*) FILTER (WHERE field_codes IS NULL) AS nulls, count(*) AS n FROM v_projects",
        "--format",
        "csv",
    )
    assert result.output.splitlines() == ["nulls,n", "45,45"]
    described = invoke("describe", "v_projects", "--data-dir", warehouse, "--format", "json")
    comment = {r["column"]: r["comment"] for r in json.loads(described.output)}["field_codes"]
    assert "NULL, not an empty list" in comment


def test_the_cli_offers_every_format_the_library_writes():
    from pipelines.warehouse.query import FORMATS

    fmt = next(p for p in main.commands["query"].params if p.name == "fmt")
    assert tuple(fmt.type.choices) == FORMATS


def test_xlsx_keeps_numbers_dates_and_nulls_for_excel(warehouse, tmp_path):
    from datetime import datetime

    from openpyxl import load_workbook

    out = tmp_path / "result.xlsx"
    result = query(
        warehouse,
        "SELECT list_no, project_id, 1.5::DECIMAL(4, 2) AS d, true AS b,"
        " DATE '2024-04-01' AS day, ['x', 'y'] AS l, NULL AS n FROM projects"
        " ORDER BY list_no LIMIT 2",
        "--format",
        "xlsx",
        "--output",
        out,
    )
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows == [
        ("list_no", "project_id", "d", "b", "day", "l", "n"),
        (1, "2023-1-01", 1.5, True, datetime(2024, 4, 1), "[x, y]", None),
        (2, "2023-1-02", 1.5, True, datetime(2024, 4, 1), "[x, y]", None),
    ]


def test_xlsx_needs_an_output_file(warehouse):
    result = query(warehouse, "SELECT 1", "--format", "xlsx")
    assert result.exit_code == 2 and "--output FILE.xlsx" in result.output
