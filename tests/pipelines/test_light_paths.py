"""Commands that need neither Prefect nor the extractor do not load them.

Each command runs in a fresh Python process (the real CLI through click's runner) that then
reports which heavy packages were imported: behaviour a user feels as start-up time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from tests.conftest import write_sources

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "prefect",
    "pyarrow",
    "pandas",
    "numpy",
    "fsspec",
    "pdfminer",
    "pdfplumber",
    "camelot",
    "sudachipy",
    "extractors",
    "normalizers",
)

SCRIPT = """
import json, sys
from click.testing import CliRunner
from pipelines.cli import main
result = CliRunner().invoke(main, sys.argv[2:])
heavy = json.loads(sys.argv[1])
print(json.dumps({"exit_code": result.exit_code, "output": result.output,
                  "loaded": sorted(m for m in heavy if m in sys.modules)}))
"""


def run_fresh(*args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(HEAVY), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("fmt", ["csv", "table", "json"])
def test_query_loads_no_prefect_pyarrow_pandas_or_extractor(tmp_path, fmt):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("CREATE TABLE projects AS SELECT 2023 AS fiscal_year, 'x' AS project_id")
    con.close()
    result = run_fresh(
        "query",
        "SELECT fiscal_year, count(*) AS n FROM projects GROUP BY 1",
        "--data-dir",
        str(tmp_path),
        "--format",
        fmt,
    )
    assert result["exit_code"] == 0, result["output"]
    assert "2023" in result["output"]
    assert result["loaded"] == []


@pytest.mark.usefixtures("prefect_harness")
def test_a_no_op_refresh_loads_no_prefect_pyarrow_or_extractor(site, data_dir, tmp_path):
    sources = write_sources(
        tmp_path / "sources.toml", [{"url": site.url + "/content/fy2019_r1_xlsx.pdf", "fiscal_year": 2019}]
    )
    args = ["refresh", "--sources", str(sources), "--data-dir", str(data_dir), "--no-cross-check"]
    assert CliRunner().invoke(main, args).exit_code == 0
    result = run_fresh(*args)
    assert result["exit_code"] == 0, result["output"]
    assert "nothing changed" in result["output"]
    # the decision files are read (and fingerprinted) first, with the normalisers' tables;
    # nothing else heavy
    assert [m for m in result["loaded"] if m != "normalizers"] == []
