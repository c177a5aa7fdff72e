"""The CLI's one error boundary: every mistake ends as one line naming the file and the reason,
with the documented exit status, and never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.warehouse import publish
from pipelines.cli import main
from tests.conftest import rows


@pytest.fixture
def warehouse(tmp_path) -> Path:
    data_dir = tmp_path / "data"
    publish.publish(data_dir, rows(2), "r1")
    return data_dir


@pytest.fixture
def held_read_write(warehouse):
    """Another process (a notebook, say) holding the warehouse open read-write."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]);"
            " print('ready', flush=True); sys.stdin.read()",
            str(warehouse / "warehouse.duckdb"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "ready"
    yield holder
    holder.stdin.close()
    holder.wait(timeout=30)


def _a_file(tmp_path: Path) -> Path:
    path = tmp_path / "not-a-folder"
    path.write_text("x")
    return path


# (arguments from tmp_path and the warehouse, exit status, what the line says, file it names)
CASES = {
    "empty query": (lambda t, w: ["query", "", "--data-dir", w], 2, "no SQL to run", None),
    "data dir is a file (query)": (
        lambda t, w: ["query", "SELECT 1", "--data-dir", _a_file(t)],
        2,
        "is a file, not a folder",
        "not-a-folder",
    ),
    "data dir is a file (refresh)": (
        lambda t, w: ["refresh", "--data-dir", _a_file(t)],
        2,
        "is a file, not a folder",
        "not-a-folder",
    ),
    "data dir is a file (report)": (
        lambda t, w: ["report", "--data-dir", _a_file(t)],
        2,
        "is a file, not a folder",
        "not-a-folder",
    ),
    "report output in a missing folder": (
        lambda t, w: ["report", "--data-dir", w, "--output", t / "missing" / "r.html"],
        2,
        "does not exist",
        "missing",
    ),
    "docs output in a missing folder": (
        lambda t, w: ["docs", "--output", t / "missing" / "dd.md"],
        2,
        "does not exist",
        "missing",
    ),
    "s3 data dir without s3fs": (
        lambda t, w: ["query", "SELECT 1", "--data-dir", "s3://bucket/c3p"],
        2,
        "pip install 'c3p-warehouse[s3]'",
        "s3://bucket/c3p",
    ),
    "unknown table": (
        lambda t, w: ["describe", "nope", "--data-dir", w],
        2,
        "no table or view named 'nope'",
        None,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_mistake_is_one_line_naming_the_file(tmp_path, warehouse, monkeypatch, case):
    monkeypatch.setitem(sys.modules, "s3fs", None)  # s3fs not installed, whatever this venv has
    make_args, code, says, names = CASES[case]
    result = CliRunner().invoke(main, [str(a) for a in make_args(tmp_path, warehouse)])
    lines = result.output.strip().splitlines()
    assert result.exit_code == code, result.output
    assert len(lines) == 1 and says in lines[0], result.output
    assert "Traceback" not in result.output
    if names:
        assert names in lines[0]
    assert not (tmp_path / "missing").exists()  # no folder made behind the user's back


@pytest.mark.parametrize("command", [["report"], ["query", "SELECT 1"], ["tables"]])
def test_a_warehouse_held_read_write_elsewhere_is_one_line(tmp_path, warehouse, held_read_write, command):
    result = CliRunner().invoke(
        main,
        [
            *command,
            "--data-dir",
            str(warehouse),
            *(["--output", str(tmp_path / "r.html")] if command == ["report"] else []),
        ],
    )
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1, result.output
    assert len(lines) == 1, result.output
    assert str(warehouse / "warehouse.duckdb") in lines[0]
    assert f"held open read-write by another process (PID {held_read_write.pid})" in lines[0]


def test_no_traceback_from_a_real_process(tmp_path):
    """The installed command, not only click's runner: a crash inside a command is one line."""
    out = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "query", "SELECT 1", "--data-dir", str(_a_file(tmp_path))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip().splitlines() == [
        f"error: --data-dir {tmp_path / 'not-a-folder'}: is a file, not a folder"
    ]
