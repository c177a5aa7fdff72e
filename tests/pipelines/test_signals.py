"""Signals and processes with real processes: ``python -m pipelines.cli refresh`` against a local
site, stopped by real SIGINT / SIGTERM / SIGKILL while a hostile PDF (a reference loop that
spins pdfminer for ever: tests/fixtures/pipelines/reference_loop.pdf) is being extracted.

The command leaves within seconds with 130 / 143, says the previous version stays published,
and leaves no process (temporary Prefect server, extraction child), no held lock, no litter.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock

from pipelines.interrupts import descendants
from tests.conftest import refresh, write_sources

ROOT = Path(__file__).parents[2]
LOOP = ROOT / "tests" / "fixtures" / "pipelines" / "reference_loop.pdf"
GOOD = {"url": "/content/fy2019_r1_xlsx.pdf", "fiscal_year": 2019, "expected_count": 17}
HUNG = {"url": "/content/loop.pdf", "fiscal_year": 2024}


def refresh_command(site, data_dir: Path, tmp_path: Path, entries: list[dict]) -> tuple[list[str], dict]:
    """``c3p refresh`` of these lists as a process of its own: the command and its
    environment (its own temporary Prefect server)."""
    sources = write_sources(tmp_path / "sources.toml", [{**e, "url": site.url + e["url"]} for e in entries])
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    command = [sys.executable, "-m", "pipelines.cli", "refresh", "--sources", str(sources)]
    return command + ["--data-dir", str(data_dir), "--no-cross-check"], env


def start(site, data_dir: Path, tmp_path: Path) -> subprocess.Popen:
    command, env = refresh_command(site, data_dir, tmp_path, [GOOD, HUNG])
    env["C3P_DOWNLOAD_DEADLINE_S"] = "60"
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def wait_for_hung_extraction(proc: subprocess.Popen) -> tuple[list[str], list[int]]:
    """Read the command's output until the good list is normalised (the hung one is then in
    its extraction child); the lines read and the command's processes at that moment."""
    lines = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        assert line, "the command ended early:\n" + "".join(lines)
        lines.append(line)
        if line.startswith("normalise:") and "fy2019" in line:
            time.sleep(1.0)
            return lines, descendants(proc.pid)
    raise AssertionError("no progress:\n" + "".join(lines))


def gone(pids: list[int], within: float) -> list[int]:
    deadline = time.monotonic() + within
    while True:
        alive = [p for p in pids if _alive(p)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def published_once(site, site_root, data_dir, tmp_path, prefect_harness):
    """A warehouse with FY2019 published, and the hostile PDF on the site."""
    assert refresh(site, data_dir, tmp_path, [GOOD], "--no-cross-check").exit_code == 0
    shutil.copy(LOOP, site_root / "content" / "loop.pdf")
    return data_dir


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_the_refresh_within_seconds_and_leaves_nothing(
    site, published_once, tmp_path, signum, code
):
    data_dir = published_once
    proc = start(site, data_dir, tmp_path)
    lines, children = wait_for_hung_extraction(proc)
    assert len(children) >= 2, "the Prefect server and the extraction child run"
    sent = time.monotonic()
    proc.send_signal(signum)
    out, _ = proc.communicate(timeout=30)
    took = time.monotonic() - sent
    assert proc.returncode == code, "".join(lines) + out
    assert took < 10, f"{took:.1f} s to stop"
    assert "previous version stays published" in out and "Traceback" not in out
    assert gone(children, within=5) == []
    with FileLock(str(data_dir / ".lock")).acquire(timeout=0):
        pass  # not held
    assert not (data_dir / ".work").exists() and not list((data_dir / "raw").glob(".part-*"))
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT fiscal_year, count(*) FROM projects GROUP BY 1").fetchall() == [(2019, 17)]
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
    finally:
        con.close()


def test_kill_9_of_the_command_orphans_no_child(site, published_once, tmp_path):
    proc = start(site, published_once, tmp_path)
    _, children = wait_for_hung_extraction(proc)
    assert len(children) >= 2
    proc.kill()
    proc.wait(timeout=10)
    assert gone(children, within=20) == [], "a child outlived the killed command"


def test_serve_stops_within_seconds_on_sigterm(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "serve", "--data-dir", str(tmp_path / "data")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if "being served" in line:
            break
    assert proc.poll() is None, "".join(lines)
    children = descendants(proc.pid)
    assert children, "the temporary Prefect server runs"
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 143 and time.monotonic() - sent < 10, "".join(lines) + out
    assert "interrupted (SIGTERM)" in out
    assert "Traceback" not in out and "Warning" not in out, out
    assert gone(children, within=5) == []


def test_a_successful_run_ends_quietly(site, data_dir, tmp_path):
    command, env = refresh_command(site, data_dir, tmp_path, [GOOD])
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    for noise in ("Traceback", "Error flushing events", "Error logging to API", "CancelledError"):
        assert noise not in done.stdout + done.stderr
