"""`c3p extract` and `c3p query` through click's runner (no Prefect on these paths)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from pipelines.warehouse import publish
from pipelines.cli import main
from tests.conftest import sample_pdf, truth
from tests.conftest import rows


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_extract_json_follows_the_contract():
    result = invoke("extract", sample_pdf("fy2019_r1_xlsx.pdf"))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["pages"] == 2 and doc["file"].endswith("fy2019_r1_xlsx.pdf")
    [table] = doc["tables"]
    expected = truth("fy2019_r1")
    assert table["header"] == expected["columns"] and table["pages"] == [1, 2]
    assert [r["section"] for r in table["rows"]] == [r["group"] for r in expected["rows"]]
    assert all(set(r) == {"section", "cells", "pages", "lines"} for r in table["rows"])
    assert doc["problems"] == []
    for row in table["rows"]:  # per cell its printed lines and a verdict per line end
        assert len(row["lines"]) == len(row["cells"])
        for cell in row["lines"]:
            assert len(cell["ends"]) == max(len(cell["lines"]) - 1, 0)
            assert set(cell["ends"]) <= {"wrapped", "broken", "unsure"}
    wrapped = next(c for r in table["rows"] for c in r["lines"] if "wrapped" in c["ends"])
    assert wrapped["lines"][0] and wrapped["lines"][1]


def test_extract_csv_has_a_leading_section_column():
    result = invoke("extract", sample_pdf("fy2019_r1_xlsx.pdf"), "--format", "csv")
    assert result.exit_code == 0
    lines = list(csv.reader(io.StringIO(result.output)))
    assert lines[0] == ["section", *truth("fy2019_r1")["columns"]]
    assert len(lines) == 1 + 17


@pytest.mark.parametrize(
    "make, code, message",
    [
        (lambda p: p / "missing.pdf", 2, "no such file"),
        (lambda p: (p / "x.pdf").write_text("<html>") and p / "x.pdf", 1, "not a PDF"),
    ],
)
def test_extract_bad_input_names_the_file(tmp_path, make, code, message):
    path = make(tmp_path)
    result = invoke("extract", path)
    assert result.exit_code == code and message in result.output and str(path) in result.output


@pytest.fixture
def warehouse(tmp_path):
    publish.publish(tmp_path, rows(3), "r1")
    return tmp_path


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_query_formats(warehouse, fmt):
    result = invoke(
        "query",
        "SELECT project_id, project_name FROM projects ORDER BY 1",
        "--data-dir",
        warehouse,
        "--format",
        fmt,
    )
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert json.loads(result.output)[0] == {"project_id": "2023-1-01", "project_name": "事業1"}
    elif fmt == "csv":
        assert result.output.splitlines()[:2] == ["project_id,project_name", "2023-1-01,事業1"]
    else:
        assert "2023-1-03" in result.output and "(3 rows)" in result.output


def test_query_is_read_only(warehouse):
    result = invoke("query", "DELETE FROM projects", "--data-dir", warehouse)
    assert result.exit_code == 1 and "read-only" in result.output.lower()
    again = invoke("query", "SELECT count(*) AS n FROM projects", "--data-dir", warehouse, "--format", "csv")
    assert again.output.splitlines() == ["n", "3"]


def test_query_without_warehouse_says_what_to_do(tmp_path):
    result = invoke("query", "SELECT 1", "--data-dir", tmp_path)
    assert result.exit_code == 2 and "c3p demo" in result.output


def test_bad_sql_is_a_clear_error(warehouse):
    result = invoke("query", "SELEC nonsense", "--data-dir", warehouse)
    assert result.exit_code == 1 and "query failed" in result.output
